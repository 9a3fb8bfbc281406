function tests = test_training()
%TEST_TRAINING  Sequential.train from MATLAB: the training_test equivalent on the MNIST
%   sample reaches the engine's example accuracy (96.85 %: 784-300-10 Rect MLP, batch 64,
%   lrate 0.002, 4000 iterations, seed 1, first 8000 of mnist10k_images_u8.npy scaled
%   x/127.5 - 1, validated on the last 2000) and prints toolbox-style progress; options,
%   defaults, the transform loop, reproducibility.
tests = {
    'mnist_mlp_reaches_engine_accuracy', @mnist_mlp
    'progress_lines_and_options', @progress_lines_and_options
    'defaults_and_empty_arguments', @defaults_and_empty_arguments
    'seed_reproducible', @seed_reproducible
    'transform_loop', @transform_loop
    'one_step_by_hand', @one_step_by_hand
};
end

function [X, Y] = xor_data(n)
rand('seed', 42); randn('seed', 42); %#ok<RAND>
X = (rand(n, 2) > 0.5) * 1.0;
y = X(:, 1) == X(:, 2);
Y = [y ~y] * 1.0;
X = X + randn(n, 2) * 0.1;
end

function nn = xor_net(seed)
nn = modules.Sequential({modules.Linear(2, 3, seed), modules.Tanh(), modules.Linear(3, 3, seed + 1), ...
    modules.Tanh(), modules.Linear(3, 2, seed + 2), modules.SoftMax()});
end

function acc = accuracy(nn, X, Y)
P = nn.forward(X);
[~, a] = max(P, [], 2);
[~, b] = max(Y, [], 2);
acc = mean(a == b);
end

function mnist_mlp()
addpath(fullfile(lrp_test_paths('bindings'), 'demos'));
X = quiet(@data_io.read, golden_file('mnist10k_images_u8.npy'));
L = quiet(@data_io.read, golden_file('mnist10k_labels_u8.npy'));
assert_true(isequal(size(X), [10000 784]), 'images');
X = X / 127.5 - 1;
Y = zeros(numel(L), 10);
Y(sub2ind(size(Y), (1:numel(L))', L(:) + 1)) = 1;
nn = engine_mlp([784 300 10], 1);   % the engine example's initial weights
ref = modules.Linear(784, 300, 1);
assert_true(isequal(nn.modules{1}.W, ref.W), 'first layer as modules.Linear(784, 300, 1)');
t0 = tic;
log = evalc('nn.train(X(1:8000, :), Y(1:8000, :), X(8001:end, :), Y(8001:end, :), 64, 4000, 0.002, [], [], 250, [], [], ''seed'', 1);');
seconds = toc(t0);
fprintf('%s', strjoin(regexp(log, '[^\n]*(Accuracy|Setting)[^\n]*', 'match'), sprintf('\n')));
fprintf('\n');
assert_true(~isempty(strfind(log, 'Accuracy after 250 iterations on validation set: ')), 'progress every 250 iterations');
assert_true(~isempty(strfind(log, 'Accuracy after 4000 iterations on validation set: ')), 'to the end');
assert_true(~isempty(strfind(log, '(l1-loss: ')), 'l1-loss printed');
assert_true(~isempty(strfind(log, 'Setting network parameters to best encountered network state with')), 'restore message');
acc = accuracy(nn, X(8001:end, :), Y(8001:end, :));
fprintf('training from Octave: accuracy %.2f%% on the last 2000 digits (engine example: 96.85%%), %.1f s\n', acc * 100, seconds);
assert_true(acc >= 0.9685 - 1e-12, 'accuracy %.2f%% below the engine''s 96.85%%', acc * 100);
end

function progress_lines_and_options()
[X, Y] = xor_data(400);
nn = xor_net(1);
log = evalc('nn.train(X, Y, X(1:100, :), Y(1:100, :), 10, 600, 0.05, ''sublinear'', 1.0, 100, 2, [], ''seed'', 3);');
assert_true(~isempty(strfind(log, 'Accuracy after 100 iterations on validation set:')), 'validation progress: %s', log);
assert_true(~isempty(strfind(log, 'Adjusting learning rate to')), 'sublinear decay message');
log2 = evalc('nn.train(X, Y, [], [], 10, 3000, 0.0, [], [], 100, 2, [], ''seed'', 3);');
assert_true(~isempty(strfind(log2, 'on training data')), 'training-data progress without Xval');
assert_true(~isempty(strfind(log2, 'No improvement for 2 evaluations')), 'convergence stops early: %s', log2);
assert_true(isempty(strfind(log2, 'Accuracy after 3000 iterations')), 'stopped before the end');
log3 = evalc('nn.train(X, Y, [], [], 10, 200, 0.05, ''linear'', 0.5, 100);');
assert_true(~isempty(strfind(log3, 'Adjusting learning rate to')), 'linear decay message');
end

function defaults_and_empty_arguments()
[X, Y] = xor_data(200);
nn = xor_net(4);
log = evalc('nn.train(X, Y, [], [], [], 500, [], [], [], 250)');
assert_true(~isempty(strfind(log, 'Accuracy after 250 iterations on training data')), 'status given, others default: %s', log);
assert_true(~isempty(strfind(log, 'Accuracy after 500 iterations')), 'iters');
nn2 = xor_net(4);
log = evalc('nn2.train(X, Y, X, [])');   % Yval empty: trains on the training data, 10000 iterations
assert_true(~isempty(strfind(log, 'Accuracy after 10000 iterations on training data')), 'defaults: 10000 iterations, status 250');
assert_true(~isempty(strfind(log, 'Accuracy after 250 iterations on training data')), 'status 250');
assert_true(accuracy(nn2, X, Y) > 0.95, 'XOR learnt with the defaults (%.2f)', accuracy(nn2, X, Y));
end

function seed_reproducible()
[X, Y] = xor_data(200);
a = xor_net(7);
b = xor_net(7);
quiet(@(varargin) a.train(varargin{:}), X, Y, [], [], 5, 300, 0.05, [], [], 100, [], [], 'seed', 11);
quiet(@(varargin) b.train(varargin{:}), X, Y, [], [], 5, 300, 0.05, [], [], 100, [], [], 'seed', 11);
assert_true(isequal(a.modules{1}.W, b.modules{1}.W) && isequal(a.modules{5}.B, b.modules{5}.B), 'same seed, same result');
rand('seed', 5); %#ok<RAND>
c = xor_net(7);
quiet(@(varargin) c.train(varargin{:}), X, Y, [], [], 5, 300, 0.05, [], [], 100);
rand('seed', 5); %#ok<RAND>
d = xor_net(7);
quiet(@(varargin) d.train(varargin{:}), X, Y, [], [], 5, 300, 0.05, [], [], 100);
assert_true(isequal(c.modules{1}.W, d.modules{1}.W), 'the default seed follows MATLAB''s random stream');
end

function transform_loop()
[X, Y] = xor_data(400);
nn = xor_net(2);
batch_counter('reset');
jitter = @(B) batch_counter('jitter', B);
log = evalc('nn.train(X, Y, X(1:100, :), Y(1:100, :), 10, 1500, 0.1, ''sublinear'', [], 250, [], jitter);');
calls = batch_counter('count');
assert_true(calls == 1500, 'transform applied to every batch (%d calls)', calls);
assert_true(~isempty(strfind(log, 'Accuracy after 250 iterations on validation set:')), 'progress: %s', log);
assert_true(~isempty(strfind(log, 'Setting network parameters to best encountered network state with')), 'restore');
assert_true(accuracy(nn, X, Y) > 0.9, 'learnt through the MATLAB loop (%.2f)', accuracy(nn, X, Y));
% the layers see the restored parameters the network uses
W = nn.modules{1}.W;
H = tanh(X * W + nn.modules{1}.B);
H = tanh(H * nn.modules{3}.W + nn.modules{3}.B);
Z = H * nn.modules{5}.W + nn.modules{5}.B;
E = exp(Z - max(Z, [], 2)); E = E ./ sum(E, 2);
assert_close(nn.forward(X), E, 1e-10, 1e-12, 'layers and network agree after training');
end

function one_step_by_hand()
nn = modules.Sequential({modules.Linear(3, 2, 9), modules.SoftMax()});
X = [1 2 3; -1 0 2];
T = [1 0; 0 1];
W = nn.modules{1}.W; B = nn.modules{1}.B;
Y = nn.forward(X);
nn.backward(Y - T);
nn.update(0.1);
assert_close(nn.modules{1}.W, W - 0.1 * X' * (Y - T), 1e-12, 1e-15, 'W after one step');
assert_close(nn.modules{1}.B, B - 0.1 * sum(Y - T, 1), 1e-12, 1e-15, 'B after one step');
end
