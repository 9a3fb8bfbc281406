function path = check_path(path, who)
%LRP_NATIVE.CHECK_PATH  PATH as a char row vector, else an lrp:invalidArgument error.
if isa(path, 'string') && isscalar(path)
    path = char(path);
end
if ~ischar(path) || isempty(path) || size(path, 1) ~= 1
    error('lrp:invalidArgument', '%s: the path must be a non-empty string', who);
end
end
