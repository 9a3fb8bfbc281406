function v = check_sizes(v, count, what)
%LRP_NATIVE.CHECK_SIZES  V as COUNT positive whole numbers (a layer's sizes), else an
%   lrp:invalidArgument error naming WHAT.
if ~(isnumeric(v) && isreal(v) && numel(v) == count && all(isfinite(v(:))) ...
        && all(v(:) >= 1) && all(v(:) == round(v(:))))
    if isnumeric(v)
        given = mat2str(double(v));
    else
        given = sprintf('a %s', class(v));
    end
    if count == 1
        error('lrp:invalidArgument', 'lrp: %s must be a positive whole number, given %s', what, given);
    end
    error('lrp:invalidArgument', 'lrp: %s must be %d positive whole numbers, given %s', what, count, given);
end
v = double(v(:)');
end
