function tests = test_gradient_methods()
%TEST_GRADIENT_METHODS  The gradient methods of modules.Sequential (gradient,
%   input_x_gradient, sensitivity, guided_backprop, deconvnet, smoothgrad,
%   integrated_gradients) against computations on the MATLAB side, and an error per bad
%   input.
tests = {
    'hand_computed_values', @hand_computed_values
    'gradient_equals_backward', @gradient_equals_backward
    'input_x_gradient_is_x_times_gradient', @input_x_gradient_is_x_times_gradient
    'image_sensitivity_is_the_channel_norm', @image_sensitivity_is_the_channel_norm
    'smoothgrad_is_reproducible', @smoothgrad_is_reproducible
    'integrated_gradients_follow_the_definition', @integrated_gradients_follow_the_definition
    'integrated_gradients_are_complete', @integrated_gradients_are_complete
    'integrated_gradients_complete_on_zennit_cnn', @integrated_gradients_complete_on_zennit_cnn
    'stateless', @stateless
    'errors', @errors
};
end

function nn = hand_net()
% x (2) -> Linear (z1 = x1 + 2 x2, z2 = -x1 + x2 + 0.5) -> Rect -> Linear W2.
l1 = modules.Linear(2, 2, 1);
l1.W = [1 -1; 2 1];
l1.B = [0 0.5];
l2 = modules.Linear(2, 2, 2);
l2.W = [1 -2; 3 1];
l2.B = [0 0];
nn = modules.Sequential({l1, modules.Rect(), l2});
end

function nn = conv_net(seed)
% Convolution 2 x 2 (3 -> 4 channels), Rect, Flatten, Linear (36 -> 3), seeded weights.
nn = modules.Sequential({modules.Convolution([2 2 3 4], [1 1], seed), modules.Rect(), ...
    modules.Flatten(), modules.Linear(36, 3, seed + 1)});
end

function [X, DY] = images(n, salt)
X = reshape(sin((1:n * 4 * 4 * 3) * 0.7 + salt), [n 4 4 3]) * 2;
DY = zeros(n, 3);
DY(sub2ind([n 3], (1:n)', mod((0:n - 1)', 3) + 1)) = 1;
end

function hand_computed_values()
% Sample A = [2 1] has hidden unit 1 on only, B = [1 1] both; both explain output 2, so
% the hidden gradient is W2's column 2, [-2 1].
nn = hand_net();
X = [2 1; 1 1];
DY = [0 1; 0 1];
assert_close(nn.gradient(X, DY), [-2 -4; -3 -3], 0, 1e-15, 'gradient');
assert_close(nn.input_x_gradient(X, DY), [-4 -4; -3 -3], 0, 1e-15, 'input_x_gradient');
assert_close(nn.sensitivity(X, DY), [2 4; 3 3], 0, 1e-15, 'sensitivity of a dense batch');
assert_close(nn.guided_backprop(X, DY), [0 0; -1 1], 0, 1e-15, 'guided_backprop');
assert_close(nn.deconvnet(X, DY), [-1 1; -1 1], 0, 1e-15, 'deconvnet');
end

function gradient_equals_backward()
% The toolbox's path (forward, then backward) and the stateless call agree, on a
% convolutional network in MATLAB's layout (no MaxPool ties, where they would differ).
nn = conv_net(3);
[X, DY] = images(3, 1);
nn.forward(X);
assert_close(nn.gradient(X, DY), nn.backward(DY), 1e-12, 1e-15, 'gradient vs backward');
end

function input_x_gradient_is_x_times_gradient()
nn = conv_net(4);
[X, DY] = images(2, 2);
G = nn.gradient(X, DY);
assert_true(nnz(G) > numel(G) / 2, 'the case has a gradient');
assert_true(isequal(nn.input_x_gradient(X, DY), X .* G), 'input_x_gradient is X .* gradient');
end

function image_sensitivity_is_the_channel_norm()
nn = conv_net(5);
[X, DY] = images(2, 3);
S = nn.sensitivity(X, DY);
assert_true(isequal(size(S), [2 4 4]), 'size %s', mat2str(size(S)));
assert_close(S, sqrt(sum(nn.gradient(X, DY) .^ 2, 4)), 1e-13, 1e-15, 'sensitivity');
% A single-channel batch as MATLAB holds it (N x H x W, the 1 dropped): abs(gradient).
gray = modules.Sequential({modules.Convolution([2 2 1 2], [1 1], 6), modules.Rect(), ...
    modules.Flatten(), modules.Linear(18, 3, 7)});
Xg = reshape(cos(1:2 * 16), [2 4 4]);
assert_close(gray.sensitivity(Xg, DY), abs(gray.gradient(Xg, DY)), 0, 1e-15, 'one channel');
end

function smoothgrad_is_reproducible()
nn = conv_net(8);
[X, DY] = images(2, 4);
A = nn.smoothgrad(X, DY, 6, 0.2, 11);
assert_true(isequal(A, nn.smoothgrad(X, DY, 6, 0.2, 11)), 'the same seed gives the same bits');
B = nn.smoothgrad(X, DY, 6, 0.2, 12);
assert_true(nnz(A ~= B) > numel(A) / 2, 'another seed changes %d of %d values', nnz(A ~= B), numel(A));
G = nn.gradient(X, DY);
assert_close(nn.smoothgrad(X, DY, 5, 0, 11), G, 1e-13, 1e-15, 'sigma 0 is the gradient');
% The default seed comes from MATLAB's random stream.
rand('seed', 9); %#ok<RAND>
C = nn.smoothgrad(X, DY, 3);
rand('seed', 9); %#ok<RAND>
assert_true(isequal(C, nn.smoothgrad(X, DY, 3)), 'seeded through rand');
assert_true(isequal(nn.smoothgrad(X, DY, [], [], 11), nn.smoothgrad(X, DY, 50, 0.15, 11)), ...
    'defaults: 50 samples, sigma 0.15');
% An affine network has one gradient everywhere: noise cannot change it.
lin = modules.Sequential({modules.Linear(3, 2, 1)});
Xl = [1 2 -4; 0.5 0 3];
DYl = [1 0; 0.5 2];
assert_close(lin.smoothgrad(Xl, DYl, 5, 1, 3), lin.gradient(Xl, DYl), 1e-13, 1e-15, 'affine');
assert_close(lin.gradient(Xl, DYl), DYl * lin.modules{1}.W', 1e-14, 1e-15, 'affine gradient');
end

function integrated_gradients_follow_the_definition()
nn = conv_net(10);
[X, DY] = images(2, 5);
X0 = reshape(cos(1:numel(X)), size(X));
steps = 7;
S = zeros(size(X));
for k = 1:steps
    S = S + nn.gradient(X0 + (k / steps) * (X - X0), DY);
end
assert_close(nn.integrated_gradients(X, DY, steps, X0), (X - X0) .* S / steps, 1e-12, 1e-14, ...
    'integrated gradients from a baseline');
S = zeros(size(X));
for k = 1:50
    S = S + nn.gradient((k / 50) * X, DY);
end
assert_close(nn.integrated_gradients(X, DY), X .* S / 50, 1e-12, 1e-14, 'defaults: 50 steps, zeros');
end

function integrated_gradients_are_complete()
% Affine network: sum(IG) = f(X) - f(X0) to rounding, for any number of steps.
lin = modules.Sequential({modules.Convolution([2 2 3 4], [1 1], 12), modules.Flatten(), ...
    modules.Linear(36, 3, 13)});
[X, DY] = images(3, 6);
X0 = 0.5 * reshape(sin(1:numel(X)), size(X));
A = lin.integrated_gradients(X, DY, 3, X0);
want = sum(DY .* (lin.forward(X) - lin.forward(X0)), 2);
assert_close(sum(reshape(A, 3, []), 2), want, 1e-11, 1e-12, 'completeness, affine');
% A ReLU network: the right Riemann sum converges; at 256 steps within 1 %.
nn = conv_net(14);
A = nn.integrated_gradients(X, DY, 256);
want = sum(DY .* (nn.forward(X) - nn.forward(zeros(size(X)))), 2);
got = sum(reshape(A, 3, []), 2);
assert_true(all(abs(got - want) <= 0.01 * abs(want)), 'completeness: %s vs %s', mat2str(got'), mat2str(want'));
end

function integrated_gradients_complete_on_zennit_cnn()
% zennit's small ReLU CNN (conv, Rect, MaxPool twice, Linear) on its 8 MNIST-like inputs,
% whose flat background ties whole MaxPool windows: every sample's integrated gradients at
% 64 steps from zeros sum to within 1 % of f(X) - f(0) (measured worst 0.80 %).
nn = quiet(@model_io.read, zennit_file('cnn_relu.txt'));
X = quiet(@data_io.read, zennit_file('z_cnn_relu_input.npy'));
DY = quiet(@data_io.read, zennit_file('z_cnn_relu_onehot.npy'));
A = nn.integrated_gradients(X, DY, 64);
assert_true(isequal(size(A), size(X)), 'size %s', mat2str(size(A)));
want = sum(DY .* (nn.forward(X) - nn.forward(zeros(size(X)))), 2);
got = sum(reshape(A, size(X, 1), []), 2);
assert_true(all(abs(want) > 0.1), 'f(X) - f(0): %s', mat2str(want'));
assert_true(all(abs(got - want) <= 0.01 * abs(want)), 'completeness at 64 steps: %s vs %s', ...
    mat2str(got', 6), mat2str(want', 6));
end

function stateless()
% The gradient methods leave the cached forward pass of backward and lrp alone.
nn = hand_net();
Y = nn.forward([1 1]);
R = nn.lrp(Y, 'epsilon', 0.01);
nn.gradient([2 1; 5 -3; 0 1], [1 0; 0 1; 1 1]);
nn.integrated_gradients([2 1], [1 0], 4);
assert_true(isequal(nn.lrp(Y, 'epsilon', 0.01), R), 'lrp after the gradient methods');
end

function errors()
nn = hand_net();
X = [2 1; 1 1];
DY = [0 1; 0 1];
who = 'modules.Sequential.gradient';
assert_error(@() nn.gradient(X), 'lrp:invalidArgument', who, 'needs the output gradient DY');
assert_error(@() nn.gradient(X, [1 0]), 'lrp:shapeMismatch', 'lrp_network_attribute', 'dy has 2 elements, expected 4');
assert_error(@() nn.gradient(ones(2, 3), ones(2, 2)), 'lrp:shapeMismatch', 'input of layer 1 (Linear)');
assert_error(@() nn.gradient([1 NaN; 1 1], DY), 'lrp:nonFinite', 'input');
assert_error(@() nn.input_x_gradient(X, [0 Inf; 0 1]), 'lrp:nonFinite', 'gradient dy');
assert_error(@() nn.sensitivity({1}, DY), 'lrp:invalidArgument', 'the input X must be a numeric array');
assert_error(@() nn.guided_backprop(X * 1i, DY), 'lrp:invalidArgument', 'real');
assert_error(@() nn.deconvnet(X, 'a'), 'lrp:invalidArgument', 'the output gradient DY must be a numeric array');
assert_error(@() nn.smoothgrad(X, DY, 0), 'lrp:invalidArgument', 'samples', 'given 0');
assert_error(@() nn.smoothgrad(X, DY, 2.5), 'lrp:invalidArgument', 'whole number', '2.5');
assert_error(@() nn.smoothgrad(X, DY, [4 5]), 'lrp:invalidArgument', 'real scalar', '[1 2]');
assert_error(@() nn.smoothgrad(X, DY, 4, -0.1), 'lrp:invalidArgument', 'sigma', '-0.1');
assert_error(@() nn.smoothgrad(X, DY, 4, 'x'), 'lrp:invalidArgument', 'sigma must be a real scalar');
assert_error(@() nn.smoothgrad(X, DY, 4, 0.1, -1), 'lrp:invalidArgument', 'seed', 'given -1');
assert_error(@() nn.integrated_gradients(X, DY, 0), 'lrp:invalidArgument', 'steps', 'given 0');
assert_error(@() nn.integrated_gradients(X, DY, 4, [1 2]), 'lrp:shapeMismatch', 'baseline has 2 elements, expected 4');
assert_error(@() nn.integrated_gradients(X, DY, 4, [1 NaN; 0 0]), 'lrp:nonFinite', 'baseline');
% Method names reach the library only from these classes; a wrong one is still caught.
assert_error(@() lrp_native.attribute(nn.net_, X, DY, 'saliency', 'test'), 'lrp:unknownRule', ...
    'unknown gradient method ''saliency''');
assert_error(@() lrp_native.attribute(nn.net_, X, DY, 'gradient', 'test', [], [], [], X), ...
    'lrp:invalidArgument', 'only integrated_gradients takes a baseline');
h = nn.net_;
h.free();
assert_error(@() nn.gradient(X, DY), 'lrp:deleted', 'deleted');
end
