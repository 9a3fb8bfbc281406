% LRP_DEMO  Pixel-wise explanations of an MLP's predictions on MNIST digits (the toolbox's
% lrp_demo.m, non-interactive): load a network and MNIST test digits scaled to [-1 1],
% predict the first 10 digits, explain each prediction with simple LRP (Eq. 56 of
% DOI 10.1371/journal.pone.0130140), and write digit and heatmap side by side as PNG
% files (instead of showing them and waiting for a key).
%
% Run from bindings/matlab: run('demos/lrp_demo.m'). Settings: see demo_settings.m.

addpath(fileparts(mfilename('fullpath')));
settings = demo_settings();

% load a neural network and the MNIST test data (already scaled to [-1 1]) with labels
nn = model_io.read(fullfile(settings.data, 'mlp_rect.txt'));
X = data_io.read(fullfile(settings.data, 'mnist_test_x.npy'));
Y = data_io.read(fullfile(settings.data, 'mnist_test_y.npy'));

% transform numeric class labels to vector indicators for uniformity
I = Y(:) + 1;
Y = zeros(size(X, 1), 10);
Y(sub2ind(size(Y), (1:size(Y, 1))', I)) = 1;

count = 10;
if settings.fast
    count = 3;
end
for i = 1:count
    x = X(i, :);

    % forward pass and prediction
    ypred = nn.forward(x);
    [~, yt] = max(Y(i, :));
    [~, yp] = max(ypred);
    fprintf('True Class:      %d\n', yt - 1);
    fprintf('Predicted Class: %d\n\n', yp - 1);

    % first layer relevance of the prediction
    R = nn.lrp(ypred);                     % as Eq(56) from DOI: 10.1371/journal.pone.0130140
    % R = nn.lrp(ypred, 'epsilon', 100);   % as Eq(58)
    % R = nn.lrp(ypred, 'alphabeta', 2);   % as Eq(60)

    % render input and heatmap as rgb images and write them out
    digit = render.digit_to_rgb(x, 3);
    hm = render.hm_to_rgb(R, x, 3, [], 2);
    render.save_image({digit, hm}, fullfile(settings.out, sprintf('lrp_demo_%02d.png', i)));
end

% modules.Sequential processes batches too:
ypred = nn.forward(X(1:10, :));
R = nn.lrp(ypred);
data_io.write(R, fullfile(settings.out, 'lrp_demo_Rbatch.npy'));
