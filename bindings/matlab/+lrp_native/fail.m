function fail(status)
%LRP_NATIVE.FAIL  Raises the MATLAB error for a failed library call.
%
%   The identifier follows the status code (lrp:nullArgument, lrp:invalidArgument,
%   lrp:shapeMismatch, lrp:unknownRule, lrp:parse, lrp:io, lrp:outOfOrder, lrp:nonFinite,
%   lrp:panic); the message is the library's own (lrp_last_error).
ids = {'nullArgument', 'invalidArgument', 'shapeMismatch', 'unknownRule', 'parse', ...
       'io', 'outOfOrder', 'nonFinite', 'panic'};
status = double(status);
if status >= 1 && status <= numel(ids)
    id = ['lrp:' ids{status}];
else
    id = 'lrp:unknownStatus';
end
msg = calllib('lrp', 'lrp_last_error');
if isempty(msg)
    msg = sprintf('status %d', status);
end
error(id, '%s', msg);
end
