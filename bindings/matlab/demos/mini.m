% MINI  The smallest complete example (the toolbox's mini.m): read a model, forward one
% input, explain the prediction with LRP, render and save the heatmap. Here with the
% toolbox's small XOR network (2 inputs) and, as in the toolbox, an MNIST digit.
%
% Run from bindings/matlab: run('demos/mini.m'). Settings: see demo_settings.m.

addpath(fileparts(mfilename('fullpath')));
settings = demo_settings();

% the XOR network: which input made it decide?
nn = model_io.read(fullfile(settings.data, 'xor_net_small.txt'));
X = [0 0; 0 1; 1 0; 1 1];
Ypred = nn.forward(X);
nn.drop_softmax_output_layer();
Ypred = nn.forward(X);
mask = zeros(size(Ypred));
[~, top] = max(Ypred, [], 2);
mask(sub2ind(size(mask), (1:4)', top)) = 1;
R = nn.lrp(Ypred .* mask);
for i = 1:4
    fprintf('x = [%g %g]: class %d, relevance [% .4f % .4f]\n', X(i, 1), X(i, 2), top(i) - 1, R(i, 1), R(i, 2));
end
hm = render.hm_to_rgb(R', [], 20, [2 4]);  % a row per input point, a column per input: 20 x 20 pixels each
render.save_image({hm}, fullfile(settings.out, 'mini_xor.png'));

% and an MNIST digit, as the toolbox's mini.m
nn = model_io.read(fullfile(settings.data, 'mlp_rect.txt'));    % read model
X = data_io.read(fullfile(settings.data, 'mnist_test_x.npy'));  % MNIST test digits in [-1 1]
X = X(1, :);                                                      % the first one
Ypred = nn.forward(X);                                            % forward pass
R = nn.lrp(Ypred);                                                % explain the prediction
digit = render.digit_to_rgb(X);
hm = render.hm_to_rgb(R, X);                                      % X as the outline
render.save_image({digit, hm}, fullfile(settings.out, 'mini_hm.png'));
