function varargout = call(fn, varargin)
%LRP_NATIVE.CALL  calllib('lrp', FN, ...) for a function returning a status: raises the
%   MATLAB error of a failure, returns calllib's other outputs (the pointer arguments).
out = cell(1, max(nargout, 0) + 1);
[out{:}] = calllib('lrp', fn, varargin{:});
if out{1} ~= 0
    lrp_native.fail(out{1});
end
varargout = out(2:end);
end
