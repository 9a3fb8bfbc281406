% CNN_TRAINING_TEST  Trains small convolutional networks from MATLAB (the toolbox's
% cnn_training_test.m, shortened): a LeNet-5 style network with sum pooling and a variant
% with max pooling, on MNIST digits padded to 32 x 32, then writes the models and a
% heatmap of the trained network's decision as PNG.
%
% Run from bindings/matlab: run('demos/cnn_training_test.m'). Settings: see
% demo_settings.m ($LRP_DEMO_FAST=1: a handful of iterations).

addpath(fileparts(mfilename('fullpath')));
settings = demo_settings();

X = data_io.read(fullfile(settings.data, 'mnist10k_images_u8.npy'));
L = data_io.read(fullfile(settings.data, 'mnist10k_labels_u8.npy'));
ntrain = 8000; nval = 2000; iters = 1500; status = 250;
if settings.fast
    ntrain = 500; nval = 100; iters = 20; status = 10;
end
X = X / 127.5 - 1;
% N x 28 x 28 x 1 (N x H x W x D), padded with -1 to 32 x 32
X = permute(reshape(X, [size(X, 1), 28, 28, 1]), [1 3 2 4]);
Xp = -ones(size(X, 1), 32, 32, 1);
Xp(:, 3:30, 3:30, :) = X;
Y = zeros(numel(L), 10);
Y(sub2ind(size(Y), (1:numel(L))', L(:) + 1)) = 1;
Xtrain = Xp(1:ntrain, :, :, :);          Ytrain = Y(1:ntrain, :);
Xtest = Xp(end - nval + 1:end, :, :, :); Ytest = Y(end - nval + 1:end, :);

% a network after the LeNet-5 architecture
lenet = modules.Sequential({
    modules.Convolution([5 5 1 10], [1 1]), modules.Rect(), modules.SumPool([2 2], [2 2]), ...
    modules.Convolution([5 5 10 25], [1 1]), modules.Rect(), modules.SumPool([2 2], [2 2]), ...
    modules.Convolution([4 4 25 100], [1 1]), modules.Rect(), modules.SumPool([2 2], [2 2]), ...
    modules.Convolution([1 1 100 10], [1 1]), modules.Flatten(), modules.SoftMax()});
lenet.train(Xtrain, Ytrain, Xtest, Ytest, 25, iters, 0.0005, [], [], status);
model_io.write(lenet, fullfile(settings.out, 'LeNet-5m.txt'));

% a variation with max pooling
maxnet = modules.Sequential({
    modules.Convolution([5 5 1 10], [1 1]), modules.Rect(), modules.MaxPool([2 2], [2 2]), ...
    modules.Convolution([5 5 10 25], [1 1]), modules.Rect(), modules.MaxPool([2 2], [2 2]), ...
    modules.Convolution([4 4 25 100], [1 1]), modules.Rect(), modules.MaxPool([2 2], [2 2]), ...
    modules.Convolution([1 1 100 10], [1 1]), modules.Flatten(), modules.SoftMax()});
maxnet.train(Xtrain, Ytrain, Xtest, Ytest, 25, iters, 0.001, [], [], status);
model_io.write(maxnet, fullfile(settings.out, 'LeNet-5m-maxpooling.txt'));

% explain the trained network's decision for the first test digit
lenet.drop_softmax_output_layer();
x = Xtest(1, :, :, :);
ypred = lenet.forward(x);
mask = zeros(size(ypred));
[~, top] = max(ypred);
mask(top) = 1;
R = lenet.lrp(ypred .* mask, 'epsilon', 1);
digit = permute(render.digit_to_rgb(x, 3), [2 1 3]);
hm = permute(render.hm_to_rgb(R, x, 3, [], 2), [2 1 3]);
render.save_image({digit, hm}, fullfile(settings.out, 'cnn_training_test_heatmap.png'));
