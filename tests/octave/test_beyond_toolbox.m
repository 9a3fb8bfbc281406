function tests = test_beyond_toolbox()
%TEST_BEYOND_TOOLBOX  What modules.Sequential has beyond the toolbox: the rules zplus,
%   gamma and zbox in the toolbox's lrp call, zennit's composites (against
%   ../shared/golden-zennit, run as its manifest says), zbox bounds per channel, the
%   Caffe formula types, the convention, and several classes from one forward pass; an
%   error test per bad input.
tests = {
    'zennit_manifest_through_the_classes', @zennit_manifest_through_the_classes
    'composite_presets_are_visible_on_the_layers', @composite_presets_are_visible_on_the_layers
    'zbox_bounds_per_channel', @zbox_bounds_per_channel
    'caffe_formula_types', @caffe_formula_types
    'many_classes_from_one_forward_pass', @many_classes_from_one_forward_pass
    'errors', @errors
};
end

function zennit_manifest_through_the_classes()
% Every lrp case of the zennit manifest: model_io.read, data_io.read, the convention
% zennit's references follow, then nn.lrp(R, rule, param) or nn.set_composite(...).
manifest = jsondecode(fileread(zennit_file('manifest.json')));
cases = manifest.cases;
if ~iscell(cases)
    cases = num2cell(cases);
end
ran = 0;
for k = 1:numel(cases)
    c = cases{k};
    if ~strcmp(c.op, 'lrp')
        continue;
    end
    nn = quiet(@model_io.read, zennit_file(c.model));
    nn.set_convention('zennit');
    X = quiet(@data_io.read, zennit_file(c.input));
    R0 = quiet(@data_io.read, zennit_file(c.relevance));
    nn.forward(X);
    if isfield(c, 'composite')
        f = @(name) field_or_empty(c, name);
        nn.set_composite(c.composite, f('epsilon'), f('gamma'), f('low'), f('high'));
        R = nn.lrp(R0);
    else
        R = nn.lrp(R0, c.rule, field_or_empty(c, 'param'));
    end
    assert_close(R, quiet(@data_io.read, zennit_file(c.expected)), manifest.rtol, ...
        manifest.atol, c.name);
    ran = ran + 1;
end
assert_true(ran == 17, 'the zennit manifest has 17 lrp cases, ran %d', ran);
end

function v = field_or_empty(s, name)
if isfield(s, name) && ~isempty(s.(name))
    v = s.(name);
else
    v = [];
end
end

function composite_presets_are_visible_on_the_layers()
nn = quiet(@model_io.read, zennit_file('convnet.txt'));
nn.set_composite('epsilon_gamma_box', 1e-4, 0.5, -1, 1);
kinds = cellfun(@class, nn.modules, 'UniformOutput', false);
for i = 1:numel(kinds)
    m = nn.modules{i};
    switch kinds{i}
        case 'modules.Convolution'
            if i == find(strcmp(kinds, 'modules.Convolution'), 1)
                assert_true(strcmp(m.lrp_var, 'zbox') && isequal(m.lrp_param, [-1; 1]), ...
                    'layer %d: zbox [-1; 1], got %s', i, m.lrp_var);
            else
                assert_true(strcmp(m.lrp_var, 'gamma') && m.lrp_param == 0.5, ...
                    'layer %d: gamma 0.5, got %s', i, m.lrp_var);
            end
        case 'modules.Linear'
            assert_true(strcmp(m.lrp_var, 'epsilon') && m.lrp_param == 1e-4, ...
                'layer %d: epsilon 1e-4, got %s', i, m.lrp_var);
        otherwise
            assert_true(strcmp(m.lrp_var, 'simple'), 'layer %d: simple, got %s', i, m.lrp_var);
    end
end
% The presets survive rebuilding the network from its layers (they are re-applied).
X = quiet(@data_io.read, zennit_file('z_convnet_input.npy'));
R0 = quiet(@data_io.read, zennit_file('z_convnet_R0.npy'));
nn.forward(X);
before = nn.lrp(R0);
rebuilt = modules.Sequential(nn.modules);
rebuilt.forward(X);
assert_close(rebuilt.lrp(R0), before, 0, 0, 'rebuilt network, same presets');
end

function zbox_bounds_per_channel()
% convnet's first layer has 3 input channels. Equal bounds per channel are the scalar
% rule; other bounds change the map; the layer on its own agrees with the network.
nn = quiet(@model_io.read, zennit_file('convnet.txt'));
X = quiet(@data_io.read, zennit_file('z_convnet_input.npy'));
R0 = quiet(@data_io.read, zennit_file('z_convnet_R0.npy'));
nn.forward(X);
nn.set_composite('epsilon_gamma_box', [], [], -1, 1);
scalar = nn.lrp(R0);
nn.set_composite('epsilon_gamma_box', [], [], [-1 -1 -1], [1 1 1]);
assert_close(nn.lrp(R0), scalar, 0, 0, 'equal bounds per channel');
assert_true(isequal(nn.modules{1}.lrp_param, [-1 -1 -1; 1 1 1]), 'bounds kept on the layer');
% A network whose first layer is Linear: epsilon_gamma_box gives it epsilon, bounds or not.
mlp = quiet(@model_io.read, zennit_file('mlp_rect_nosoftmax.txt'));
mlp.set_composite('epsilon_gamma_box', 0.5, [], -ones(1, 784), ones(1, 784));
assert_true(strcmp(mlp.modules{1}.lrp_var, 'epsilon') && mlp.modules{1}.lrp_param == 0.5, ...
    'a Linear first layer keeps epsilon, got %s', mlp.modules{1}.lrp_var);
nn.modules{1}.set_lrp_parameters('zbox', [-1 -2 -0.5; 1 0.5 2]);
other = nn.lrp(R0);
assert_true(max(abs(other(:) - scalar(:))) > 1e-6, 'other bounds change the map');
% The layer on its own (its one-layer copy) follows its preset bounds too.
first = nn.modules{1};
Y1 = first.forward(X);
assert_close(first.lrp(Y1), nn.modules{1}.lrp(Y1), 0, 0, 'layer alone, twice the same');
alone = first.lrp(Y1);
first.set_lrp_parameters('zbox', [-1 -1 -1; 1 1 1]);
first.forward(X);
assert_true(max(abs(alone(:) - reshape(first.lrp(Y1), [], 1))) > 1e-9, ...
    'the layer alone follows its bounds');
end

function caffe_formula_types()
% LeNet-5 (layers 1..11: conv, rect, sumpool, conv, rect, sumpool, conv, rect, sumpool,
% conv, flatten): 104 with the switch at layer 4 (1-based).
nn = quiet(@model_io.read, golden_file('lenet5.txt'));
nn.set_caffe_formula(104, 4, 0.5, 2);
expect = {'ww', 'epsilon', 'epsilon', 'ww', 'epsilon', 'epsilon', 'alphabeta', ...
    'epsilon', 'epsilon', 'alphabeta', 'epsilon'};
for i = 1:11
    assert_true(strcmp(nn.modules{i}.lrp_var, expect{i}), 'layer %d: %s, expected %s', ...
        i, nn.modules{i}.lrp_var, expect{i});
end
assert_true(nn.modules{7}.lrp_param == 2 && nn.modules{2}.lrp_param == 0.5, 'parameters');
nn.set_caffe_formula(0, [], 0.25);
assert_true(all(cellfun(@(m) strcmp(m.lrp_var, 'epsilon') && m.lrp_param == 0.25, ...
    nn.modules)), 'formula 0: epsilon 0.25 everywhere');
end

function many_classes_from_one_forward_pass()
nn = quiet(@model_io.read, golden_file('lenet5.txt'));
X = quiet(@data_io.read, golden_file('lenet5_input.npy'));
n = size(X, 1);
classes = [4 8 1];
R = nn.explain_classes(X, classes, 'epsilon', 0.01);
assert_true(isequal(size(R), [16 32 32 1 3]), 'size [N H W C K], got %s', mat2str(size(R)));
Y = nn.forward(X);
for k = 1:3
    mask = zeros(size(Y));
    mask(:, classes(k)) = 1;
    single = nn.lrp(Y .* mask, 'epsilon', 0.01);
    got = R(:, :, :, :, k);
    assert_close(got, single, 0, 0, sprintf('class %d (bit for bit)', classes(k)));
end
set = nn.explain_class_set(X, classes(1:2), 'epsilon', 0.01);
both = R(:, :, :, :, 1) + R(:, :, :, :, 2);
assert_close(set, both, 0, 1e-12 * max(abs(both(:))), 'class set = sum of its maps');
assert_true(isequal(size(set), size(X)) && n == size(X, 1), 'class set: size(X)');
end

function errors()
nn = quiet(@model_io.read, golden_file('lenet5.txt'));
X = quiet(@data_io.read, golden_file('lenet5_input.npy'));
assert_error(@() nn.set_composite('bogus'), 'lrp:unknownRule', 'unknown composite ''bogus''');
assert_error(@() nn.set_composite('epsilon_gamma_box', [], [], [], 1), 'lrp:invalidArgument', ...
    'low and high');
assert_error(@() nn.set_composite('epsilon_plus', 'x'), 'lrp:invalidArgument', 'epsilon must be a real scalar');
% Bounds of the wrong length: nothing changes (LeNet-5's first layer has 1 channel).
nn.set_lrp_parameters('epsilon', 0.5);
assert_error(@() nn.set_composite('epsilon_gamma_box', [], [], [-1 -1], [1 1]), ...
    'lrp:shapeMismatch', 'zbox low bounds of layer 1', 'expected [1]', 'given [2]');
assert_true(strcmp(nn.modules{1}.lrp_var, 'epsilon'), 'a failed composite changes no preset');
R0 = nn.forward(X);
before = nn.lrp(R0);
assert_close(nn.lrp(R0), before, 0, 0, 'presets in the library unchanged');
assert_error(@() nn.modules{1}.set_lrp_parameters('zbox', [1 2 3]), 'lrp:invalidArgument', '2 x C');
assert_error(@() nn.modules{1}.set_lrp_parameters('zbox', [-1 -1; 1 1]), 'lrp:shapeMismatch', ...
    'zbox low bounds of layer 1');
assert_error(@() nn.modules{1}.set_lrp_parameters('zbox', [1; -1]), 'lrp:invalidArgument', ...
    'low <= high');
assert_error(@() nn.lrp(R0, 'zbox'), 'lrp:invalidArgument', 'zbox bound');
assert_error(@() nn.lrp(R0, 'gamma', -1), 'lrp:invalidArgument', 'gamma');
assert_error(@() nn.set_caffe_formula(55, 3), 'lrp:invalidArgument', 'Caffe formula type', 'given 55');
assert_error(@() nn.set_caffe_formula(54, 1.5), 'lrp:invalidArgument', 'integers');
assert_error(@() nn.set_convention('pytorch'), 'lrp:invalidArgument', '''toolbox'' or ''zennit''');
assert_error(@() nn.explain_classes(X, [1 11]), 'lrp:invalidArgument', 'between 1 and the 10 outputs', 'given 11');
assert_error(@() nn.explain_classes(X, 0), 'lrp:invalidArgument', 'given 0');
assert_error(@() nn.explain_classes(X, [2 2]), 'lrp:invalidArgument', 'repeats class');
assert_error(@() nn.explain_classes(X, []), 'lrp:invalidArgument', 'non-empty vector');
assert_error(@() nn.explain_class_set(X, [3 12]), 'lrp:invalidArgument', 'given 12');
assert_error(@() nn.explain_classes(X, 1, 'bogus'), 'lrp:unknownRule', '''bogus''');
assert_error(@() nn.explain_classes(X(:, 1:10, :, :), 1), 'lrp:shapeMismatch');
end
