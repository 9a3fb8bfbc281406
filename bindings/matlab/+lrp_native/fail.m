function fail(status)
%LRP_NATIVE.FAIL  Raises the MATLAB error for a failed library call.
%
%   The identifier follows the status code's name in include/lrp.h (via the generated
%   lrp_native.constants): LRP_ERR_NULL_ARGUMENT is lrp:nullArgument, and so on
%   (lrp:invalidArgument, lrp:shapeMismatch, lrp:unknownRule, lrp:parse, lrp:io,
%   lrp:outOfOrder, lrp:nonFinite, lrp:panic); a code the header does not define is
%   lrp:unknownStatus. The message is the library's own (lrp_last_error).
persistent ids codes
if isempty(codes)
    k = lrp_native.constants();
    names = fieldnames(k);
    names = names(strncmp(names, 'LRP_ERR_', 8));
    codes = cellfun(@(n) k.(n), names);
    ids = cellfun(@id_of_, names, 'UniformOutput', false);
end
status = double(status);
id = 'lrp:unknownStatus';
hit = find(codes == status, 1);
if ~isempty(hit)
    id = ids{hit};
end
msg = calllib('lrp', 'lrp_last_error');
if isempty(msg)
    msg = sprintf('status %d', status);
end
error(id, '%s', msg);
end

function id = id_of_(name)
% LRP_ERR_SHAPE_MISMATCH -> lrp:shapeMismatch
words = lower(strsplit(name(9:end), '_'));
for i = 2:numel(words)
    words{i}(1) = upper(words{i}(1));
end
id = ['lrp:' words{:}];
end
