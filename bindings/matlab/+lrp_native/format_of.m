function fmt = format_of(path, fmt, who)
%LRP_NATIVE.FORMAT_OF  The file format: FMT when given, else the extension of PATH
%   (lower case, without the dot). WHO names the caller in errors.
if nargin < 2 || isempty(fmt)
    [~, ~, ext] = fileparts(path);
    fmt = lower(strrep(ext, '.', ''));
end
if ~ischar(fmt)
    error('lrp:invalidArgument', '%s: the format must be a string', who);
end
fmt = lower(fmt);
end
