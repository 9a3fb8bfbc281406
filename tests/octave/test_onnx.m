function tests = test_onnx()
%TEST_ONNX  ONNX models through the MATLAB bindings (modules.Graph): every case of
%   ../shared/golden-onnx/manifest.json (forward, gradient, input_x_gradient, and the LRP
%   cases with their canonizer, composite and the zennit convention), the layout (N x C x H
%   x W by index, as numpy), the layers read from the library, canonize keeping the
%   output, the README's example as written, and the errors.
tests = {
    'onnx_manifest_through_the_classes', @onnx_manifest_through_the_classes
    'layers_are_readable_and_canonize_keeps_the_output', @layers_are_readable_and_canonize_keeps_the_output
    'composite_presets_and_per_channel_bounds', @composite_presets_and_per_channel_bounds
    'explain_classes_equal_lrp_of_the_masked_output', @explain_classes_equal_lrp_of_the_masked_output
    'readme_example_runs_as_written', @readme_example_runs_as_written
    'other_gradient_methods', @other_gradient_methods
    'errors', @errors
    'no_leaked_handles', @no_leaked_handles
};
end

function p = onnx_file(name)
% Path of `name` in the ONNX reference data (../shared/golden-onnx, next to golden).
p = fullfile(lrp_test_paths('golden'), '..', 'golden-onnx', name);
end

function bound = normwise_bound(name)
% The LRP cases the library meets only normwise (max|ours - expected| <= bound *
% max|expected|): models whose exporter folded their BatchNorms, which zennit's canonized
% PyTorch model still scales by 1 / sqrt(1 + 1e-5) (the README's "zennit's BatchNorm
% residual"; tests/golden.rs matches them exactly with that factor put back). [] for the
% cases held to the manifest's rtol/atol elementwise.
known = {
    'vgg_bn/lrp/epsilon_plus', 2e-6
    'vgg_bn/lrp/epsilon_alpha2_beta1', 5e-6
    'vgg_bn/lrp/epsilon_gamma_box', 5e-6
    'resnet_tiny/lrp/epsilon_alpha2_beta1', 2e-5
    'resnet_tiny/lrp/epsilon_gamma_box', 2e-5
};
hit = find(strcmp(known(:, 1), name), 1);
bound = [];
if ~isempty(hit)
    bound = known{hit, 2};
end
end

function v = field_or_empty(s, name)
if isfield(s, name) && ~isempty(s.(name))
    v = s.(name);
else
    v = [];
end
end

function onnx_manifest_through_the_classes()
manifest = jsondecode(fileread(onnx_file('manifest.json')));
cases = manifest.cases;
if ~iscell(cases)
    cases = num2cell(cases);
end
counts = struct('forward', 0, 'gradient', 0, 'input_x_gradient', 0, 'lrp', 0, 'normwise', 0);
for k = 1:numel(cases)
    c = cases{k};
    assert_true(strcmp(c.layout, 'NCHW'), '%s: layout %s', c.name, c.layout);
    nn = quiet(@model_io.read, onnx_file(c.model));
    assert_true(isa(nn, 'modules.Graph'), '%s: model_io.read gave a %s', c.name, class(nn));
    X = quiet(@data_io.read, onnx_file(c.input));
    expected = quiet(@data_io.read, onnx_file(c.expected));
    switch c.op
        case 'forward'
            got = nn.forward(X);
        case 'gradient'
            got = nn.gradient(X, quiet(@data_io.read, onnx_file(c.gradient)));
        case 'input_x_gradient'
            got = nn.input_x_gradient(X, quiet(@data_io.read, onnx_file(c.gradient)));
        case 'lrp'
            nn.set_convention('zennit');
            nn.canonize(c.canonizer);
            f = @(name) field_or_empty(c, name);
            nn.set_composite(c.composite, f('epsilon'), f('gamma'), f('low'), f('high'));
            nn.forward(X);
            got = nn.lrp(quiet(@data_io.read, onnx_file(c.relevance)));
        otherwise
            error('test:manifest', '%s: unknown op %s', c.name, c.op);
    end
    counts.(c.op) = counts.(c.op) + 1;
    bound = normwise_bound(c.name);
    if isempty(bound)
        assert_close(got, expected, manifest.rtol, manifest.atol, c.name);
    else
        assert_true(isequal(size(got), size(expected)), '%s: size %s, expected %s', c.name, ...
            mat2str(size(got)), mat2str(size(expected)));
        worst = max(abs(got(:) - expected(:)));
        scale = max(abs(expected(:)));
        assert_true(worst <= bound * scale, '%s: max|ours - expected| = %.3g > %.0e * %.3g', ...
            c.name, worst, bound, scale);
        counts.normwise = counts.normwise + 1;
    end
end
assert_true(isequal([counts.forward counts.gradient counts.input_x_gradient counts.lrp counts.normwise], ...
    [3 3 3 9 5]), 'ran %d forward, %d gradient, %d input_x_gradient, %d lrp (%d normwise) cases', ...
    counts.forward, counts.gradient, counts.input_x_gradient, counts.lrp, counts.normwise);
end

function layers_are_readable_and_canonize_keeps_the_output()
% mixed.onnx: Conv, BatchNormalization, AveragePool, Relu, Flatten, Gemm.
nn = quiet(@model_io.read, onnx_file('mixed.onnx'));
X = quiet(@data_io.read, onnx_file('mixed_input.npy'));
L = nn.layers;
assert_true(numel(L) == nn.num_layers && numel(L) > 0, 'layers: %d of %d', numel(L), nn.num_layers);
kinds = {L.kind};
assert_true(any(strcmp(kinds, 'BatchNorm')) && any(strcmp(kinds, 'Convolution')) ...
    && any(strcmp(kinds, 'AvgPool')) && any(strcmp(kinds, 'Linear')), ...
    'kinds: %s', strjoin(kinds, ' '));
for i = 1:numel(L)
    switch L(i).kind
        case 'Convolution'
            % hf x wf x df x nf; the first sees the input's 4 channels
            assert_true(isequal(size(L(i).W), L(i).sizes(1:4)) && numel(L(i).B) == L(i).sizes(4), ...
                'layer %d: W %s, sizes %s', i, mat2str(size(L(i).W)), mat2str(L(i).sizes));
        case 'Linear'
            assert_true(isequal(size(L(i).W), L(i).sizes(1:2)) && numel(L(i).B) == L(i).sizes(2), ...
                'layer %d: W %s, sizes %s', i, mat2str(size(L(i).W)), mat2str(L(i).sizes));
        case {'Rect', 'Flatten'}
            assert_true(isempty(L(i).W) && isempty(L(i).B), 'layer %d (%s) has W or B', i, L(i).kind);
    end
end
% Each layer takes the one before it (mixed is a sequence: value k is layer k's output);
% attributes as the library holds them (mixed's first Conv: 3x3, padding 1, dilation 1).
for i = 1:numel(L)
    assert_true(isequal(L(i).inputs, i - 1), 'layer %d takes %s', i, mat2str(L(i).inputs));
end
first = find(strcmp(kinds, 'Convolution'), 1);
a = L(first).attributes;
assert_true(isequal(sort(fieldnames(a))', sort({'stride_h', 'stride_w', 'pad_top', 'pad_left', ...
    'pad_bottom', 'pad_right', 'dilation_h', 'dilation_w', 'groups'})), 'attributes: %s', ...
    strjoin(fieldnames(a)', ' '));
assert_true(a.groups >= 1 && a.stride_h >= 1 && a.dilation_w >= 1, 'conv attributes');
pool = find(strcmp(kinds, 'AvgPool'), 1);
assert_true(isfield(L(pool).attributes, 'count_include_pad') ...
    && any(L(pool).attributes.count_include_pad == [0 1]), 'AvgPool attributes');
assert_true(isempty(fieldnames(L(find(strcmp(kinds, 'Rect'), 1)).attributes)), 'Rect attributes');
bn = find(strcmp(kinds, 'BatchNorm'), 1);
assert_true(isfield(L(bn).attributes, 'eps') && L(bn).attributes.eps > 0, 'BatchNorm eps');
assert_true(L(first).sizes(3) == size(X, 2), 'the first convolution takes %d channels, the input has %d', ...
    L(first).sizes(3), size(X, 2));
% The output's last dimension is the last Linear layer's n.
lin = find(strcmp(kinds, 'Linear'), 1, 'last');
Y = nn.forward(X);
assert_true(isequal(size(Y), [size(X, 1) L(lin).sizes(2)]), 'output %s', mat2str(size(Y)));
% The layers are read-only.
refused = false;
try
    nn.layers = [];
catch err
    % Octave gives no identifier here; MATLAB MATLAB:class:SetProhibited.
    refused = ~isempty(strfind(err.message, 'layers'));
end
assert_true(refused && numel(nn.layers) == numel(L), 'nn.layers could be assigned');
% Canonizing merges a BatchNorm right after a Linear or Convolution layer into it (mixed:
% the BatchNorm1d after its first Linear; its BatchNorm2d after an AvgPool stays): one layer
% fewer, the same output (to rounding).
merged = find(strcmp(kinds, 'BatchNorm') & [false ismember(kinds(1:end - 1), {'Linear', 'Convolution'})]);
assert_true(numel(merged) == 1 && nnz(strcmp(kinds, 'BatchNorm')) == 2, 'kinds: %s', strjoin(kinds, ' '));
nn.canonize('sequential_merge_batchnorm');
after = {nn.layers.kind};
assert_true(isequal(after, kinds(setdiff(1:numel(kinds), merged))), 'after canonize: %s', ...
    strjoin(after, ' '));
assert_close(nn.forward(X), Y, 1e-12, 1e-12, 'forward after canonize');
end

function composite_presets_and_per_channel_bounds()
nn = quiet(@model_io.read, onnx_file('mixed.onnx'));
nn.canonize('auto');
X = quiet(@data_io.read, onnx_file('mixed_input.npy'));
R0 = quiet(@data_io.read, onnx_file('mixed_R0.npy'));
nn.set_convention('zennit');
nn.set_composite('epsilon_gamma_box', 1e-6, 0.25, -3, 3);
L = nn.layers;
conv = find(strcmp({L.kind}, 'Convolution'));
lin = find(strcmp({L.kind}, 'Linear'));
assert_true(strcmp(L(conv(1)).lrp_var, 'zbox') && isequal(L(conv(1)).lrp_param, [-3; 3]), ...
    'first convolution: zbox [-3; 3], got %s', L(conv(1)).lrp_var);
for i = conv(2:end)
    assert_true(strcmp(L(i).lrp_var, 'gamma') && L(i).lrp_param == 0.25, 'layer %d: gamma', i);
end
for i = lin
    assert_true(strcmp(L(i).lrp_var, 'epsilon') && L(i).lrp_param == 1e-6, 'layer %d: epsilon', i);
end
nn.forward(X);
R = nn.lrp(R0);
% Bounds per input channel, all equal, give the same relevance as the scalar ones.
C = size(X, 2);
nn.set_composite('epsilon_gamma_box', 1e-6, 0.25, -3 * ones(1, C), 3 * ones(1, C));
assert_true(isequal(nn.layers(conv(1)).lrp_param, [-3 * ones(1, C); 3 * ones(1, C)]), ...
    'per-channel bounds not set');
nn.forward(X);
assert_close(nn.lrp(R0), R, 1e-13, 1e-15, 'per-channel bounds equal to the scalar ones');
% Different bounds on one channel change the relevance.
nn.set_composite('epsilon_gamma_box', 1e-6, 0.25, [-1 -3 * ones(1, C - 1)], 3 * ones(1, C));
nn.forward(X);
R1 = nn.lrp(R0);
assert_true(max(abs(R1(:) - R(:))) > 1e-6 * max(abs(R(:))), ...
    'changing the first channel''s bounds left the relevance unchanged');
% A rule for every layer in one call: epsilon everywhere is not the composite.
Re = nn.lrp(R0, 'epsilon', 1e-6);
assert_true(isequal(size(Re), size(X)) && max(abs(Re(:) - R(:))) > 1e-6 * max(abs(R(:))), ...
    'lrp(R, ''epsilon'', 1e-6) equals the composite');
% set_lrp_parameters replaces every preset.
nn.set_lrp_parameters('epsilon', 1e-6);
nn.forward(X);
assert_close(nn.lrp(R0), Re, 1e-13, 1e-15, 'presets from set_lrp_parameters');
end

function explain_classes_equal_lrp_of_the_masked_output()
nn = quiet(@model_io.read, onnx_file('vgg_bn.onnx'));
nn.canonize('vgg');
nn.set_convention('zennit');
nn.set_composite('epsilon_plus', 1e-6);
X = quiet(@data_io.read, onnx_file('vgg_bn_input.npy'));
Y = nn.forward(X);
classes = [2 5];
M = nn.explain_classes(X, classes);
assert_true(isequal(size(M), [size(X) 2]), 'explain_classes size %s', mat2str(size(M)));
for k = 1:2
    mask = zeros(size(Y));
    mask(:, classes(k)) = 1;
    nn.forward(X);
    R = nn.lrp(Y .* mask);
    assert_close(M(:, :, :, :, k), R, 1e-10, 1e-14, sprintf('class %d', classes(k)));
end
S = nn.explain_class_set(X, classes);
assert_close(S, sum(M, 5), 1e-10, 1e-14, 'explain_class_set');
end

function readme_example_runs_as_written()
% The MATLAB example of bindings/matlab/README.md's "ONNX models" section, run in the
% golden-onnx folder (it reads resnet_tiny.onnx and its input from the current folder),
% without its addpath line (the path is set).
text = fileread(fullfile(lrp_test_paths('bindings'), 'README.md'));
start = strfind(text, '## ONNX models');
assert_true(~isempty(start), 'README.md has no "## ONNX models" section');
text = text(start(1):end);
a = strfind(text, '```matlab');
b = strfind(text, '```');
assert_true(~isempty(a), 'the ONNX section has no MATLAB example');
b = b(b > a(1) + 3);
code = text(a(1) + numel('```matlab'):b(1) - 1);
lines = strsplit(code, "\n");
lines = lines(cellfun(@isempty, regexp(lines, '^\s*addpath', 'once')));
old = pwd();
back = onCleanup(@() cd(old));
cd(onnx_file(''));
vars = run_example(strjoin(lines, "\n"));
% What the example computes, checked against the reference data.
assert_close(vars.y, quiet(@data_io.read, 'resnet_tiny_forward.npy'), 1e-4, 1e-9, 'README y');
bound = normwise_bound('resnet_tiny/lrp/epsilon_gamma_box');
expected = quiet(@data_io.read, 'resnet_tiny_lrp_epsilon_gamma_box.npy');
assert_true(max(abs(vars.R(:) - expected(:))) <= bound * max(abs(expected(:))), ...
    'README R differs from zennit''s');
end

function vars = run_example(code)
evalc(code);
names = who();
vars = struct();
for k = 1:numel(names)
    if ~any(strcmp(names{k}, {'code', 'vars'}))
        vars.(names{k}) = eval(names{k});
    end
end
end

function errors()
nn = quiet(@model_io.read, onnx_file('resnet_tiny.onnx'));
X = quiet(@data_io.read, onnx_file('resnet_tiny_input.npy'));
assert_error(@() nn.canonize('resnot'), 'lrp:invalidArgument', 'resnot');
assert_error(@() nn.set_composite('epsilon_pluss', 1e-6), 'lrp:unknownRule', 'epsilon_pluss');
assert_error(@() nn.set_composite('epsilon_gamma_box', 1e-6, 0.25), 'lrp:invalidArgument');
assert_error(@() nn.set_convention('pytorch'), 'lrp:invalidArgument', 'toolbox');
assert_error(@() nn.lrp(ones(2, 10)), 'lrp:outOfOrder');
% Bounds per channel: as many low as high, one per input channel (3); on error no preset
% changes.
assert_error(@() nn.set_composite('epsilon_gamma_box', [], [], [-3 -3], [3 3 3]), ...
    'lrp:invalidArgument', 'low and high');
assert_error(@() nn.set_composite('epsilon_gamma_box', [], [], [-3 -3], [3 3]), ...
    'lrp:shapeMismatch', 'expected [3], given [2]');
assert_true(all(strcmp({nn.layers.lrp_var}, 'simple')), 'a failed set_composite changed presets');
% N x H x W x C (MATLAB's image order) is not the model's layout: a shape error.
assert_error(@() nn.forward(permute(X, [1 3 4 2])), {'lrp:shapeMismatch', 'lrp:invalidArgument'});
% The network still works after the errors.
Y = nn.forward(X);
assert_close(Y, quiet(@data_io.read, onnx_file('resnet_tiny_forward.npy')), 1e-4, 1e-9, 'forward after errors');
assert_error(@() quiet(@model_io.read, onnx_file('missing.onnx')), 'lrp:io', 'missing.onnx');
end

function no_leaked_handles()
% Graphs read, used (per-channel bounds work on a copy), failing and deleted leave the
% library's count of live handles (lrp_live_networks) where it was.
live = @() double(calllib('lrp', 'lrp_live_networks'));
before = live();
X = quiet(@data_io.read, onnx_file('mixed_input.npy'));
for k = 1:20
    nn = quiet(@model_io.read, onnx_file('mixed.onnx'));
    nn.canonize('auto');
    nn.set_composite('epsilon_gamma_box', [], [], -3 * ones(1, 4), 3 * ones(1, 4));
    try
        nn.set_composite('epsilon_gamma_box', [], [], [-3 -3], [3 3]);
    catch
    end
    nn.forward(X);
    nn.gradient(X, ones(4, 5));
    clear nn
end
assert_true(live() == before, 'after 20 graphs: %d live handles, %d before', live(), before);
end

function other_gradient_methods()
% Beyond the manifest's gradient and input_x_gradient: SmoothGrad without noise is the
% gradient; integrated gradients from a zero baseline are complete (their sum is
% sum(DY .* (f(X) - f(0))), here within 1% at 256 steps); guided backprop and deconvnet
% are shaped like X and differ from the gradient (the ReLUs gate differently).
nn = quiet(@model_io.read, onnx_file('mixed.onnx'));
X = quiet(@data_io.read, onnx_file('mixed_input.npy'));
D = quiet(@data_io.read, onnx_file('mixed_onehot.npy'));
G = nn.gradient(X, D);
assert_close(nn.smoothgrad(X, D, 3, 0, 1), G, 1e-12, 1e-15, 'smoothgrad with sigma 0');
A = nn.integrated_gradients(X, D, 256);
gap = sum(D .* (nn.forward(X) - nn.forward(zeros(size(X)))), 2);
assert_close(sum(reshape(A, size(A, 1), []), 2), gap, 1e-2, 1e-9, 'integrated gradients completeness');
for m = {'guided_backprop', 'deconvnet'}
    B = nn.(m{1})(X, D);
    assert_true(isequal(size(B), size(X)) && max(abs(B(:) - G(:))) > 1e-3 * max(abs(G(:))), ...
        '%s: size %s, or equal to the gradient', m{1}, mat2str(size(B)));
end
end
