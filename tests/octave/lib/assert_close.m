function assert_close(actual, expected, rtol, atol, what)
%ASSERT_CLOSE  |actual - expected| <= atol + rtol |expected| elementwise, same size.
if nargin < 3 || isempty(rtol), rtol = 1e-6; end
if nargin < 4 || isempty(atol), atol = 1e-9; end
if nargin < 5, what = 'value'; end
sa = size(actual); se = size(expected);
if ~isequal(sa, se)
    error('test:mismatch', '%s: size %s, expected %s', what, mat2str(sa), mat2str(se));
end
d = abs(actual(:) - expected(:));
bad = ~(d <= atol + rtol * abs(expected(:)));
if any(bad)
    [worst, i] = max(d - atol - rtol * abs(expected(:)));
    error('test:mismatch', '%s: %d of %d values differ; worst at %d: %.17g vs %.17g (excess %.3g)', ...
        what, nnz(bad), numel(bad), i, actual(i), expected(i), worst);
end
end
