function varargout = quiet(fn, varargin)
%QUIET  Calls fn(varargin{:}) with its printed output captured (not shown).
holder = {fn, varargin};
n = nargout;
varargout = cell(1, n);
if n == 0
    evalc('holder{1}(holder{2}{:});');
else
    evalc('[varargout{1:n}] = holder{1}(holder{2}{:});');
end
end
