function B = padarray(A, padsize, padval, direction)
%PADARRAY  The part of the image package's padarray that the toolbox's examples use, for
%   test runs where that package is missing: a constant padval (default 0) and direction
%   'both' (default), 'pre' or 'post'. tests/octave puts this folder on the path only when
%   no padarray exists.
if nargin < 3 || isempty(padval)
    padval = 0;
end
if nargin < 4
    direction = 'both';
end
if ~isnumeric(padval)
    error('padarray: only constant padding is provided here');
end
padsize = [padsize zeros(1, max(ndims(A), numel(padsize)) - numel(padsize))];
sz = size(A);
sz = [sz ones(1, numel(padsize) - numel(sz))];
pre = zeros(size(padsize));
post = zeros(size(padsize));
switch direction
    case 'both'
        pre = padsize; post = padsize;
    case 'pre'
        pre = padsize;
    case 'post'
        post = padsize;
    otherwise
        error('padarray: unknown direction %s', direction);
end
B = repmat(cast(padval, class(A)), sz + pre + post);
idx = arrayfun(@(k) pre(k) + (1:sz(k)), 1:numel(sz), 'UniformOutput', false);
B(idx{:}) = A;
end
