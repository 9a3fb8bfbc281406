function tests = test_modules()
%TEST_MODULES  Every layer class on its own: constructors and defaults, properties,
%   forward against a direct MATLAB computation, backward, update, clean, lrp, presets.
tests = {
    'linear_forward_backward_update', @linear_forward_backward_update
    'linear_lrp_rules', @linear_lrp_rules
    'linear_seeded_init', @linear_seeded_init
    'convolution_defaults_and_forward', @convolution_defaults_and_forward
    'convolution_backward_update', @convolution_backward_update
    'maxpool', @maxpool
    'sumpool', @sumpool
    'flatten', @flatten
    'rect_tanh', @rect_tanh
    'softmax', @softmax
    'presets_on_a_layer', @presets_on_a_layer
    'clean_drops_cache', @clean_drops_cache
    'module_base', @module_base
};
end

function linear_forward_backward_update()
l = modules.Linear(3, 2);
assert_true(isa(l, 'modules.Module'), 'Linear is a Module');
assert_true(l.m == 3 && l.n == 2, 'm, n');
assert_true(isequal(size(l.W), [3 2]) && isequal(size(l.B), [1 2]), 'W, B sizes');
assert_true(all(l.B == 0), 'B starts at zero');
W = [1 2; 3 4; 5 6]; B = [0.5 -1];
l.W = W; l.B = B;
assert_close(l.W, W, 0, 0, 'W written');
assert_close(l.B, B, 0, 0, 'B written');
l.B = B';   % a column is accepted
assert_close(l.B, B, 0, 0, 'B from a column');
X = [1 0 -1; 2 1 0];
Y = l.forward(X);
assert_close(Y, X * W + B, 1e-12, 0, 'forward');
DY = [1 -1; 0.5 2];
DX = l.backward(DY);
assert_close(DX, DY * W', 1e-12, 0, 'backward');
l.update(0.1);
assert_close(l.W, W - 0.1 * X' * DY, 1e-12, 1e-15, 'update W');
assert_close(l.B, B - 0.1 * sum(DY, 1), 1e-12, 1e-15, 'update B');
end

function linear_lrp_rules()
l = modules.Linear(3, 2);
W = [1 -2; 3 4; -5 6]; B = [0.5 -1];
l.W = W; l.B = B;
X = [1 0.5 -1; 2 1 0.25];
Y = l.forward(X);
R = Y;
Z = Y + 1e-16 * sign_(Y);
expected = X .* ((R ./ Z) * W');
assert_close(l.lrp(R), expected, 1e-9, 1e-12, 'simple (presets)');
assert_close(l.lrp(R, 'simple'), expected, 1e-9, 1e-12, 'simple');
assert_close(l.lrp(R, 'none'), expected, 1e-9, 1e-12, 'none');
assert_close(l.lrp(R, 'SIMPLE'), expected, 1e-9, 1e-12, 'case-insensitive');
eps = 0.5;
expected = X .* ((R ./ (Y + eps * sign_(Y))) * W');
assert_close(l.lrp(R, 'epsilon', eps), expected, 1e-9, 1e-12, 'epsilon');
assert_close(l.lrp(R, 'flat'), (R / 3) * ones(2, 3), 1e-9, 1e-12, 'flat');
W2 = W .^ 2;
expected = R * (W2 ./ sum(W2, 1))';
assert_close(l.lrp(R, 'ww'), expected, 1e-9, 1e-12, 'ww');
assert_close(l.lrp(R, 'w^2'), expected, 1e-9, 1e-12, 'w^2');
% alphabeta with alpha = 1 (beta = 0): positive contributions only
Zp = zeros(2, 3, 2);
for n = 1:2
    Zp(n, :, :) = max(X(n, :)' .* W, 0);
end
expected = zeros(2, 3);
for n = 1:2
    zp = squeeze(Zp(n, :, :));
    den = sum(zp, 1) + max(B, 0) + 1e-16;
    expected(n, :) = (zp ./ den) * R(n, :)';
end
assert_close(l.lrp(R, 'alphabeta', 1), expected, 1e-9, 1e-12, 'alphabeta 1');
assert_close(l.lrp(R, 'alpha', 1), expected, 1e-9, 1e-12, 'alpha 1');
end

function s = sign_(x)
s = ones(size(x));
s(x < 0) = -1;
end

function linear_seeded_init()
a = modules.Linear(20, 30, 7);
b = modules.Linear(20, 30, 7);
c = modules.Linear(20, 30, 8);
assert_true(isequal(a.W, b.W), 'same seed, same weights');
assert_true(~isequal(a.W, c.W), 'other seed, other weights');
big = modules.Linear(400, 300, 1);
s = std(big.W(:));
assert_true(abs(s - 1 / sqrt(400)) < 0.005, 'W ~ Normal(0, 1/sqrt(m)): std %g', s);
rand('seed', 3); %#ok<RAND>
d = modules.Linear(5, 4);
rand('seed', 3); %#ok<RAND>
e = modules.Linear(5, 4);
assert_true(isequal(d.W, e.W), 'the seed comes from MATLAB''s random stream');
end

function convolution_defaults_and_forward()
c = modules.Convolution();
assert_true(isequal(c.filtersize, [5 5 3 32]) && isequal(c.stride, [2 2]), 'defaults');
assert_true(isequal(size(c.W), [5 5 3 32]) && isequal(size(c.B), [1 32]), 'W, B sizes');
c = modules.Convolution([2 3 2 4], [1 2]);
assert_true(isequal(c.filtersize, [2 3 2 4]) && isequal(c.stride, [1 2]), 'sizes');
W = reshape(sin(1:48), [2 3 2 4]);
B = [0.1 -0.2 0.3 0];
c.W = W; c.B = B;
assert_close(c.W, W, 0, 0, 'W written');
X = reshape(cos(1:(2 * 5 * 7 * 2)), [2 5 7 2]);
Y = c.forward(X);
Ho = floor((5 - 2) / 1) + 1; Wo = floor((7 - 3) / 2) + 1;
assert_true(isequal(size(Y), [2 Ho Wo 4]), 'output size %s', mat2str(size(Y)));
E = zeros(2, Ho, Wo, 4);
for n = 1:2
    for i = 1:Ho
        for j = 1:Wo
            patch = X(n, (i - 1) + (1:2), (j - 1) * 2 + (1:3), :);
            for f = 1:4
                E(n, i, j, f) = sum(reshape(patch, 1, []) .* reshape(W(:, :, :, f), 1, [])) + B(f);
            end
        end
    end
end
assert_close(Y, E, 1e-12, 1e-12, 'convolution forward');
end

function convolution_backward_update()
c = modules.Convolution([2 2 1 3], [1 1], 5);
X = reshape(linspace(-1, 1, 2 * 4 * 4), [2 4 4 1]);
Y = c.forward(X);
DY = ones(size(Y));
DX = c.backward(DY);
assert_true(isequal(size(DX), [2 4 4]), 'DX size %s', mat2str(size(DX)));
% exact gradient: the derivative of sum(Y) along X is sum over filters of W, tiled
h = 1e-6; k = 7;
Xp = X; Xp(k) = Xp(k) + h;
Yp = c.forward(Xp);
num = (sum(Yp(:)) - sum(Y(:))) / h;
assert_close(DX(k), num, 1e-4, 1e-6, 'gradient');
c.forward(X); c.backward(DY);
W0 = c.W; B0 = c.B;
c.update(0.01);
assert_close(c.B, B0 - 0.01 * repmat(2 * 3 * 3, 1, 3), 1e-12, 1e-12, 'dB summed over batch and positions');
assert_true(~isequal(c.W, W0), 'W updated');
end

function maxpool()
p = modules.MaxPool();
assert_true(isequal(p.pool, [2 2]) && isequal(p.stride, [2 2]), 'defaults');
p = modules.MaxPool([2 2], [2 2]);
X = zeros(1, 4, 4, 2);
X(1, :, :, 1) = magic(4);
X(1, :, :, 2) = -magic(4);
Y = p.forward(X);
assert_true(isequal(size(Y), [1 2 2 2]), 'size');
M = magic(4);
E1 = [max(max(M(1:2, 1:2))) max(max(M(1:2, 3:4))); max(max(M(3:4, 1:2))) max(max(M(3:4, 3:4)))];
E2 = -[min(min(M(1:2, 1:2))) min(min(M(1:2, 3:4))); min(min(M(3:4, 1:2))) min(min(M(3:4, 3:4)))];
assert_close(squeeze(Y(1, :, :, 1)), E1, 0, 0, 'max channel 1');
assert_close(squeeze(Y(1, :, :, 2)), E2, 0, 0, 'max channel 2');
R = p.lrp(Y);
assert_close(sum(R(:)), sum(Y(:)), 1e-12, 1e-12, 'max pool relevance conserved');
DX = p.backward(ones(size(Y)));
assert_true(nnz(DX) == 8 && sum(DX(:)) == 8, 'gradient routed to the maxima');
assert_true(isequal(sort(X(DX ~= 0)), sort(Y(:))), 'at the maxima');
p.update(1); % no parameters: no-op
end

function sumpool()
p = modules.SumPool([2 2], [2 2]);
assert_true(isequal(p.pool, [2 2]) && isequal(p.stride, [2 2]), 'sizes');
X = reshape(1:16, [1 4 4]);
Y = p.forward(X);
M = reshape(1:16, [4 4]);
E = [sum(sum(M(1:2, 1:2))) sum(sum(M(1:2, 3:4))); sum(sum(M(3:4, 1:2))) sum(sum(M(3:4, 3:4)))] / 2;
assert_close(squeeze(Y), E, 1e-12, 0, 'sum / sqrt(4)');
R = p.lrp(Y, 'epsilon', 1e-9);
assert_true(isequal(size(R), [1 4 4]), 'relevance size');
end

function flatten()
f = modules.Flatten();
X = reshape(1:(2 * 3 * 4 * 5), [2 3 4 5]);
Y = f.forward(X);
assert_true(isequal(size(Y), [2 60]), 'size');
E = reshape(permute(X, [1 4 3 2]), 2, []);   % C order of (H, W, D)
assert_close(Y, E, 0, 0, 'C-order flatten');
assert_close(f.backward(Y), X, 0, 0, 'inverse');
assert_close(f.lrp(Y), X, 0, 0, 'relevance reshaped back');
end

function rect_tanh()
r = modules.Rect();
X = [-1 2; 0.5 -3];
assert_close(r.forward(X), max(X, 0), 0, 0, 'rect');
assert_close(r.backward(ones(2)), double(X > 0), 0, 0, 'rect gradient');
assert_close(r.lrp([1 2; 3 4]), [1 2; 3 4], 0, 0, 'rect passes relevance');
t = modules.Tanh();
assert_close(t.forward(X), tanh(X), 1e-15, 0, 'tanh');
assert_close(t.backward(ones(2)), 1 - tanh(X) .^ 2, 1e-12, 1e-15, 'tanh gradient');
assert_close(t.lrp([1 2; 3 4]), [1 2; 3 4], 0, 0, 'tanh passes relevance');
end

function softmax()
s = modules.SoftMax();
X = [1 2 3; 1000 1001 1002];
Y = s.forward(X);
E = exp([1 2 3] - 3) / sum(exp([1 2 3] - 3));
assert_close(Y, [E; E], 1e-12, 1e-15, 'stable softmax');
assert_close(s.backward([1 -1 0; 0 0 1]), [1 -1 0; 0 0 1], 0, 0, 'passes DY through');
end

function presets_on_a_layer()
l = modules.Linear(4, 3, 11);
X = [1 -2 3 0.5];
Y = l.forward(X);
assert_true(isempty(l.lrp_var), 'no preset at first');
l.set_lrp_parameters('epsilon', 0.5);
assert_true(strcmp(l.lrp_var, 'epsilon') && l.lrp_param == 0.5, 'preset recorded');
assert_close(l.lrp(Y), l.lrp(Y, 'epsilon', 0.5), 0, 0, 'preset used without a rule');
l.set_lrp_parameters();
assert_close(l.lrp(Y), l.lrp(Y, 'simple'), 0, 0, 'empty preset is simple');
l.lrp_var = 'alphabeta';
l.lrp_param = 2;
assert_close(l.lrp(Y), l.lrp(Y, 'alphabeta', 2), 0, 0, 'presets via properties');
assert_error(@() l.set_lrp_parameters('magic'), 'lrp:unknownRule', 'magic');
% lrp_var and lrp_param are read from the library, not kept by the object: canonical
% names, the library's default parameter, and what a call on the network itself set.
l.set_lrp_parameters('alpha', 3);
assert_true(strcmp(l.lrp_var, 'alphabeta') && l.lrp_param == 3, 'alpha reads alphabeta');
l.set_lrp_parameters('epsilon');
assert_true(strcmp(l.lrp_var, 'epsilon') && l.lrp_param == 0.01, 'epsilon''s default 0.01');
lrp_native.call('lrp_layer_set_lrp_parameters', l.net_.get(), uint64(0), 'flat', NaN);
assert_true(strcmp(l.lrp_var, 'flat') && isempty(l.lrp_param), 'a preset set in the library');
l.set_lrp_parameters('zbox', 2);
assert_true(strcmp(l.lrp_var, 'zbox') && isequal(l.lrp_param, [-2; 2]), 'zbox bounds [-2; 2]');
nn = modules.Sequential({l, modules.Rect()});
assert_true(strcmp(nn.modules{1}.lrp_var, 'zbox') && isequal(nn.modules{1}.lrp_param, [-2; 2]) ...
    && isempty(nn.modules{2}.lrp_var), 'presets move with the layers into a Sequential');
end

function clean_drops_cache()
l = modules.Linear(2, 2, 1);
l.forward([1 2]);
l.clean();
assert_error(@() l.lrp([1 1]), 'lrp:outOfOrder', 'lrp_network_forward first');
assert_error(@() l.backward([1 1]), 'lrp:outOfOrder');
end

function module_base()
s = modules.Sequential({});
assert_true(isa(s, 'modules.Module'), 'Sequential is a Module');
r = modules.Rect();
assert_error(@() r.train(1, 1), 'lrp:invalidArgument', 'Training not implemented for class modules.Rect');
end
