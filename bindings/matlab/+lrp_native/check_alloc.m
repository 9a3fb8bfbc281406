function check_alloc(count, what)
%LRP_NATIVE.CHECK_ALLOC  Raises lrp:invalidArgument when COUNT doubles cannot be allocated
%   (MATLAB/Octave are asked for them first): the library would otherwise try to fill
%   parameters larger than the machine's memory, and the process would be killed.
try
    probe = zeros(count, 1); %#ok<NASGU>
catch
    error('lrp:invalidArgument', 'lrp: %s needs %.0f parameters: more than fit in memory', what, count);
end
end
