% LRP_CNN_DEMO  Pixel-wise explanations of LeNet-5's predictions on MNIST digits (the
% toolbox's lrp_cnn_demo.m, non-interactive): the digits are reshaped to N x 28 x 28 x 1,
% padded to 32 x 32 with -1, predicted, and explained with epsilon LRP (epsilon 1,
% Eq. 58 of DOI 10.1371/journal.pone.0130140); digit and heatmap are written as PNG files.
%
% Run from bindings/matlab: run('demos/lrp_cnn_demo.m'). Settings: see demo_settings.m.

addpath(fileparts(mfilename('fullpath')));
settings = demo_settings();

% load the network, and the MNIST test data (already scaled to [-1 1]) with labels
nn = model_io.read(fullfile(settings.data, 'lenet5.txt'));
X = data_io.read(fullfile(settings.data, 'mnist_test_x.npy'));
Y = data_io.read(fullfile(settings.data, 'mnist_test_y.npy'));

% the rows of X are 28 x 28 images in C order: make them N x 28 x 28 x 1 (N x H x W x D)
% and pad them by 2 pixels of -1 on every side (the toolbox uses padarray for this)
X = permute(reshape(X, [size(X, 1), 28, 28, 1]), [1 3 2 4]);
Xp = -ones(size(X, 1), 32, 32, 1);
Xp(:, 3:30, 3:30, :) = X;
X = Xp;

I = Y(:) + 1;
Y = zeros(size(X, 1), 10);
Y(sub2ind(size(Y), (1:size(Y, 1))', I)) = 1;

count = 10;
if settings.fast
    count = 3;
end
for i = 1:count
    x = X(i, :, :, :);

    % forward pass and prediction
    ypred = nn.forward(x);
    [~, yt] = max(Y(i, :));
    [~, yp] = max(ypred);
    fprintf('True Class:      %d\n', yt - 1);
    fprintf('Predicted Class: %d\n\n', yp - 1);

    % relevance of the prediction
    % R = nn.lrp(ypred);                % as Eq(56) from DOI: 10.1371/journal.pone.0130140
    R = nn.lrp(ypred, 'epsilon', 1.);   % as Eq(58)
    % R = nn.lrp(ypred, 'alphabeta', 2);   % as Eq(60)

    % or different decompositions per layer, e.g.:
    % nn.set_lrp_parameters('alpha', 1.);      % every layer alpha-beta with alpha = 1
    % nn.modules{1}.set_lrp_parameters('ww');  % the first (convolution) layer: w^2
    % R = nn.lrp(ypred);

    % render input and heatmap as rgb images
    digit = render.digit_to_rgb(x, 3);
    % turn the digit upright: vec2im was written with Fortran order in mind
    digit = permute(digit, [2 1 3]);
    hm = render.hm_to_rgb(R, x, 3, [], 2);
    hm = permute(hm, [2 1 3]);
    render.save_image({digit, hm}, fullfile(settings.out, sprintf('lrp_cnn_demo_%02d.png', i)));
end

% a batch at once, and its heatmaps for another rule
ypred = nn.forward(X(1:10, :, :, :));
mask = zeros(size(ypred));
[~, top] = max(ypred, [], 2);
mask(sub2ind(size(mask), (1:10)', top)) = 1;
R = nn.lrp(ypred .* mask, 'alphabeta', 2);
data_io.write(R, fullfile(settings.out, 'lrp_cnn_demo_Rbatch.npy'));
