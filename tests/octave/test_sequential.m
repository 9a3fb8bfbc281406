function tests = test_sequential()
%TEST_SEQUENTIAL  modules.Sequential: one native network behind the layer objects.
tests = {
    'forward_matches_layer_by_layer', @forward_matches_layer_by_layer
    'weights_read_and_write', @weights_read_and_write
    'bound_layer_works_on_its_own', @bound_layer_works_on_its_own
    'bound_layer_update_writes_back', @bound_layer_update_writes_back
    'modules_reassignment_rebuilds', @modules_reassignment_rebuilds
    'layer_outlives_network', @layer_outlives_network
    'drop_softmax_output_layer', @drop_softmax_output_layer
    'presets_per_layer_and_override', @presets_per_layer_and_override
    'backward_update_clean', @backward_update_clean
    'image_batches_with_dropped_singleton', @image_batches_with_dropped_singleton
    'lrp_aware_flag', @lrp_aware_flag
    'cell_column_of_layers', @cell_column_of_layers
};
end

function nn = small_mlp()
nn = modules.Sequential({modules.Linear(4, 5, 1), modules.Rect(), modules.Linear(5, 3, 2), modules.SoftMax()});
end

function forward_matches_layer_by_layer()
nn = small_mlp();
X = reshape(sin(1:12), [3 4]);
Y = nn.forward(X);
W1 = nn.modules{1}.W; B1 = nn.modules{1}.B; W2 = nn.modules{3}.W; B2 = nn.modules{3}.B;
Z = max(X * W1 + B1, 0) * W2 + B2;
E = exp(Z - max(Z, [], 2));
E = E ./ sum(E, 2);
assert_close(Y, E, 1e-12, 1e-15, 'forward');
H = X;
for i = 1:numel(nn.modules)
    H = nn.modules{i}.forward(H);
end
assert_close(Y, H, 1e-12, 1e-15, 'layer by layer');
end

function weights_read_and_write()
nn = small_mlp();
X = [1 2 3 4];
Y0 = nn.forward(X);
W = nn.modules{1}.W;
nn.modules{1}.W = 2 * W;
assert_close(nn.modules{1}.W, 2 * W, 0, 0, 'W written through nn.modules{1}');
l3 = nn.modules{3};
l3.B = [1 2 3];
assert_close(nn.modules{3}.B, [1 2 3], 0, 0, 'B written through a layer variable');
Y1 = nn.forward(X);
Z = max(X * (2 * W) + nn.modules{1}.B, 0) * nn.modules{3}.W + [1 2 3];
E = exp(Z - max(Z)); E = E / sum(E);
assert_close(Y1, E, 1e-12, 1e-15, 'the network uses the new parameters');
assert_true(~isequal(Y0, Y1), 'output changed');
assert_error(@() set_w_(nn, 1, zeros(5, 4)), 'lrp:shapeMismatch', 'Linear.W must be of size 4 x 5, given 5 x 4');
end

function set_w_(nn, i, W)
nn.modules{i}.W = W;
end

function bound_layer_works_on_its_own()
nn = small_mlp();
l = nn.modules{1};
X = [1 -1 2 0];
assert_close(l.forward(X), X * l.W + l.B, 1e-12, 1e-15, 'bound layer forward');
R = l.lrp(l.forward(X), 'epsilon', 0.1);
assert_true(isequal(size(R), [1 4]), 'bound layer lrp');
sm = modules.SoftMax();
assert_close(nn.forward(X), sm.forward(max(X * l.W + l.B, 0) * nn.modules{3}.W + nn.modules{3}.B), ...
    1e-12, 1e-15, 'network unaffected');
end

function bound_layer_update_writes_back()
nn = small_mlp();
l = nn.modules{1};
W0 = l.W;
X = [1 2 3 4];
l.forward(X);
l.backward(ones(1, 5));
l.update(0.5);
assert_close(nn.modules{1}.W, W0 - 0.5 * X' * ones(1, 5), 1e-12, 1e-15, 'written back to the network');
end

function modules_reassignment_rebuilds()
nn = small_mlp();
old = nn.modules{4};
nn.modules(end) = [];
assert_true(numel(nn.modules) == 3, 'three layers');
Y = nn.forward([1 2 3 4]);
assert_close(Y, max([1 2 3 4] * nn.modules{1}.W + nn.modules{1}.B, 0) * nn.modules{3}.W + nn.modules{3}.B, ...
    1e-12, 1e-15, 'no softmax after removal');
assert_close(old.forward([1 2]), exp([1 2]) / sum(exp([1 2])), 1e-12, 0, 'removed layer still works');
nn.modules{end + 1} = modules.Tanh();
assert_close(nn.forward([1 2 3 4]), tanh(Y), 1e-12, 1e-15, 'layer appended');
l1 = nn.modules{1};
W = l1.W;
nn.modules = {nn.modules{3}, modules.Rect()};
assert_close(l1.W, W, 0, 0, 'a layer taken out keeps its weights');
assert_true(isequal(size(nn.forward(ones(2, 5))), [2 3]), 'new network');
assert_error(@() set_modules_(nn, {l1, l1}), 'lrp:invalidArgument', 'more than once');
assert_error(@() set_modules_(nn, {l1, 3}), 'lrp:invalidArgument', 'element 2 of modules is a double');
assert_error(@() set_modules_(nn, 42), 'lrp:invalidArgument', 'cell array');
end

function set_modules_(nn, m)
nn.modules = m;
end

function layer_outlives_network()
nn = small_mlp();
l = nn.modules{3};
W = l.W;
clear nn
assert_close(l.W, W, 0, 0, 'weights survive the network');
assert_close(l.forward([1 2 3 4 5]), [1 2 3 4 5] * W + l.B, 1e-12, 1e-15, 'forward after the network is gone');
end

function drop_softmax_output_layer()
nn = small_mlp();
X = [0.5 -1 2 1];
Y = nn.forward(X);
out = evalc('nn.drop_softmax_output_layer()');
assert_true(~isempty(strfind(out, 'removing softmax output mapping')), 'message: %s', out);
assert_true(numel(nn.modules) == 3, 'three layers left');
Z = nn.forward(X);
E = exp(Z - max(Z)); E = E / sum(E);
assert_close(E, Y, 1e-12, 1e-15, 'scores before the softmax');
out = evalc('nn.drop_softmax_output_layer()');
assert_true(~isempty(strfind(out, 'output layer is not softmax. nothing to do')), 'message: %s', out);
assert_true(numel(nn.modules) == 3, 'nothing dropped');
end

function presets_per_layer_and_override()
nn = small_mlp();
nn.drop_softmax_output_layer();
X = [1 2 -1 0.5; 0 1 1 -2];
Y = nn.forward(X);
Rs = nn.lrp(Y);
assert_close(Rs, nn.lrp(Y, 'simple'), 0, 0, 'default presets are simple');
nn.set_lrp_parameters('epsilon', 1);
assert_close(nn.lrp(Y), nn.lrp(Y, 'epsilon', 1), 0, 0, 'Sequential preset');
assert_true(strcmp(nn.modules{1}.lrp_var, 'epsilon') && nn.modules{3}.lrp_param == 1, 'recorded on the layers');
nn.modules{1}.set_lrp_parameters('alpha', 2);
R = nn.lrp(Y);
% by hand: layer 3 epsilon 1, layer 1 alphabeta 2
R3 = nn.modules{3}.lrp(nn.modules{3}.forward(max(X * nn.modules{1}.W + nn.modules{1}.B, 0)), 'epsilon', 1);
nn.modules{1}.forward(X);
R1 = nn.modules{1}.lrp(R3, 'alphabeta', 2);
assert_close(R, R1, 1e-10, 1e-12, 'per-layer presets');
nn.set_lrp_parameters();
assert_close(nn.lrp(Y), Rs, 0, 0, 'reset to simple');
nn.modules{1}.set_lrp_parameters('ww');
nn.modules = nn.modules(1:3);   % rebuilds nothing (same layers)
m = nn.modules;
nn.modules = {m{1}, m{2}, m{3}};
assert_true(strcmp(nn.modules{1}.lrp_var, 'ww'), 'preset kept');
assert_close(nn.lrp(Y, 'epsilon', 1), nn.lrp(Y, 'epsilon', 1), 0, 0, 'override');
end

function backward_update_clean()
nn = modules.Sequential({modules.Linear(3, 2, 5), modules.Tanh()});
X = [1 2 3; -1 0 1];
Y = nn.forward(X);
DY = [1 0; 0 1];
DX = nn.backward(DY);
W = nn.modules{1}.W;
assert_close(DX, (DY .* (1 - Y .^ 2)) * W', 1e-12, 1e-15, 'backward');
nn.update(0.1);
assert_close(nn.modules{1}.W, W - 0.1 * X' * (DY .* (1 - Y .^ 2)), 1e-12, 1e-15, 'update');
nn.clean();
assert_error(@() nn.lrp(Y), 'lrp:outOfOrder', 'lrp_network_forward first');
end

function image_batches_with_dropped_singleton()
nn = modules.Sequential({modules.Convolution([3 3 1 2], [1 1], 3), modules.Rect(), ...
    modules.SumPool([2 2], [2 2]), modules.Flatten(), modules.Linear(8, 4, 4)});
X = reshape(cos(1:(5 * 6 * 6)), [5 6 6 1]);   % size() gives [5 6 6]
assert_true(ndims(X) == 3, 'MATLAB drops the trailing 1');
Y = nn.forward(X);
assert_true(isequal(size(Y), [5 4]), 'output size');
R = nn.lrp(Y, 'epsilon', 0.01);
assert_true(isequal(size(R), [5 6 6]), 'relevance like the input');
DX = nn.backward(ones(5, 4));
assert_true(isequal(size(DX), [5 6 6]), 'gradient like the input');
x1 = X(1, :, :);
assert_close(nn.forward(x1), Y(1, :), 1e-12, 1e-15, 'one sample (1 x 6 x 6)');
end

function lrp_aware_flag()
nn = small_mlp();
X = [1 2 3 4];
assert_close(nn.forward(X, true), nn.forward(X), 0, 0, 'lrp_aware changes nothing');
end

function cell_column_of_layers()
nn = modules.Sequential({
    modules.Linear(2, 3, 1)
    modules.Rect()
    modules.Linear(3, 1, 2)
    });
assert_true(numel(nn.modules) == 3, 'column cell');
assert_true(isequal(size(nn.forward([1 2])), [1 1]), 'forward');
end
