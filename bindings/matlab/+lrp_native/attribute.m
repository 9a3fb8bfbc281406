function A = attribute(h, X, DY, method, who, count, sigma, seed, baseline)
%LRP_NATIVE.ATTRIBUTE  lrp_network_attribute: the gradient method METHOD ('gradient',
%   'input_x_gradient', 'sensitivity', 'guided_backprop', 'deconvnet', 'smoothgrad',
%   'integrated_gradients') on the input batch X for the output gradient DY, in one
%   stateless library call (the network's cached forward pass is left alone).
%
%   X and DY go to the library with the column-major layout flag (no permute). COUNT
%   (smoothgrad's samples, integrated gradients' steps), SIGMA and SEED are real scalars,
%   or [] for the library's default; BASELINE is an array of X's size, or [] for zeros.
%   The library checks their ranges (lrp:invalidArgument with its message). WHO names
%   the caller in the errors raised here. The result has X's size; sensitivity of an
%   N x H x W x D batch is N x H x W.
if nargin < 6, count = []; end
if nargin < 7, sigma = []; end
if nargin < 8, seed = []; end
if nargin < 9, baseline = []; end
if isempty(DY)
    error('lrp:invalidArgument', ...
        '%s: needs the output gradient DY, of the size of the network output (usually the one-hot of each sample''s class)', who);
end
if ~isa(X, 'double') || issparse(X) || ~isreal(X)
    X = lrp_native.as_double(X, 'the input X');
end
if ~isa(DY, 'double') || issparse(DY) || ~isreal(DY)
    DY = lrp_native.as_double(DY, 'the output gradient DY');
end
if ~isempty(baseline)
    baseline = lrp_native.as_double(baseline, 'the baseline');
end
count = scalar_(count, 'the number of samples or steps', who);
sigma = scalar_(sigma, 'sigma', who);
seed = scalar_(seed, 'the seed', who);
insz = size(X);
if strcmp(method, 'sensitivity') && numel(insz) == 4
    osz = insz(1:3);   % the norm over the channels: N x H x W x 1
else
    osz = insz;
end
[rank, d0, d1, d2, d3] = lrp_native.dims(insz);
p = h.get();
[st, ~, ~, ~, ~, ~, A] = calllib('lrp', 'lrp_network_attribute', p, X, uint64(numel(X)), ...
    rank, d0, d1, d2, d3, int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')), DY, uint64(numel(DY)), method, count, sigma, seed, ...
    baseline, uint64(numel(baseline)), zeros(osz), uint64(prod(osz)));
if st ~= 0
    lrp_native.fail(st);
end
end

function v = scalar_(v, what, who)
% [] is NaN, the library's "default"; anything else must be one real number.
if isempty(v)
    v = NaN;
elseif (isnumeric(v) || islogical(v)) && isscalar(v) && isreal(v)
    v = double(v);
else
    error('lrp:invalidArgument', '%s: %s must be a real scalar (or [] for the default), given a %s of size %s', ...
        who, what, class(v), mat2str(size(v)));
end
end
