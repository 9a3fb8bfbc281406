% TRAINING_TEST  Trains an MLP from MATLAB (the toolbox's training_test.m, on the MNIST
% sample the engine's own training example uses): 784-300-10 with Rect, batch 64, learning
% rate 0.002, 4000 iterations, seed 1; the first 8000 of the 10000 MNIST test digits,
% scaled x/127.5 - 1, for training, the last 2000 for validation. Prints the toolbox's
% progress lines and the final accuracy, and writes the trained model.
%
% Run from bindings/matlab: run('demos/training_test.m'). Settings: see demo_settings.m
% ($LRP_DEMO_FAST=1: 300 iterations).

addpath(fileparts(mfilename('fullpath')));
settings = demo_settings();

X = data_io.read(fullfile(settings.data, 'mnist10k_images_u8.npy'));   % 10000 x 784
L = data_io.read(fullfile(settings.data, 'mnist10k_labels_u8.npy'));
X = X / 127.5 - 1;
Y = zeros(numel(L), 10);
Y(sub2ind(size(Y), (1:numel(L))', L(:) + 1)) = 1;
Xtrain = X(1:8000, :);  Ytrain = Y(1:8000, :);
Xval = X(8001:end, :);  Yval = Y(8001:end, :);

% The network, with the weights the engine's example starts from (see engine_mlp.m).
% As a toolbox user would write it (weights from MATLAB's random stream):
%   nn = modules.Sequential({modules.Linear(784, 300), modules.Rect(), ...
%                            modules.Linear(300, 10), modules.SoftMax()});
nn = engine_mlp([784 300 10], 1);

iters = 4000;
if settings.fast
    iters = 300;
end
% train(X, Y, Xval, Yval, batchsize, iters, lrate, lrate_decay, lfactor_initial, status,
%       convergence, transform) plus the seed of the random batches
nn.train(Xtrain, Ytrain, Xval, Yval, 64, iters, 0.002, [], [], 250, [], [], 'seed', 1);

Ypred = nn.forward(Xval);
[~, predicted] = max(Ypred, [], 2);
[~, truth] = max(Yval, [], 2);
accuracy = mean(predicted == truth);
fprintf('accuracy on the last 2000 digits: %.2f%%\n', accuracy * 100);

model_io.write(nn, fullfile(settings.out, 'mnist_mlp_784-300-10.txt'));

% The toolbox's own training_test trains the XOR problem; so can this:
N = 2000;
if settings.fast
    N = 200;
end
Xx = (rand(N, 2) > 0.5) * 1.0;
Yx = Xx(:, 1) == Xx(:, 2);
Yx = [Yx ~Yx] * 1.0;
Xx = Xx + randn(N, 2) * 0.1;   % add some noise to the data
xnet = modules.Sequential({modules.Linear(2, 3), modules.Tanh(), modules.Linear(3, 3), modules.Tanh(), ...
                          modules.Linear(3, 2), modules.SoftMax()});
xnet.train(Xx, Yx, [], [], 5, iters, [], [], [], 250);
model_io.write(xnet, fullfile(settings.out, 'xor_net_small.txt'));
