function tests = test_precision()
%TEST_PRECISION  The stateless predict and explain of modules.Sequential and modules.Graph
%   with double and single arrays, and the network's precision (set_precision,
%   precision): on the golden LeNet-5 (../shared/golden/lenet5.txt) and the golden-onnx
%   ResNet (resnet_tiny.onnx). explain in double equals the toolbox-style forward + lrp of
%   the same masked output bit for bit; under set_precision('single') it computes in f32
%   (within 1e-4 of double normwise, and not the double result rounded to single); single
%   arrays come back single; the errors name their argument.
tests = {
    'lenet5_explain_equals_forward_and_lrp', @lenet5_explain_equals_forward_and_lrp
    'lenet5_single_precision', @lenet5_single_precision
    'resnet_explain_equals_forward_and_lrp', @resnet_explain_equals_forward_and_lrp
    'resnet_single_precision', @resnet_single_precision
    'precision_is_what_was_set', @precision_is_what_was_set
    'readme_example_runs_as_written', @readme_example_runs_as_written
    'errors', @errors
    'no_leaked_handles', @no_leaked_handles
};
end

function p = onnx_file(name)
p = fullfile(lrp_test_paths('golden'), '..', 'golden-onnx', name);
end

function [nn, X] = lenet5()
nn = quiet(@model_io.read, golden_file('lenet5.txt'));
X = quiet(@data_io.read, golden_file('lenet5_input.npy'));
end

function [nn, X] = resnet()
% As the README's ONNX example: canonized, zennit's convention, a composite as presets.
nn = quiet(@model_io.read, onnx_file('resnet_tiny.onnx'));
X = quiet(@data_io.read, onnx_file('resnet_tiny_input.npy'));
nn.canonize('resnet');
nn.set_convention('zennit');
nn.set_composite('epsilon_gamma_box', 1e-6, 0.25, -3, 3);
end

function M = top_mask(Y)
% One at each sample's highest output (the library's "top" target; ties are not expected
% in the golden outputs: checked).
M = double(Y == max(Y, [], 2));
assert_true(all(sum(M, 2) == 1), 'no tied top outputs');
end

function M = class_mask(Y, classes)
M = zeros(size(Y));
M(sub2ind(size(Y), (1:size(Y, 1))', classes(:))) = 1;
end

function e = normwise(a, b)
% ||a - b|| / ||b|| over all elements, in double.
e = norm(double(a(:)) - double(b(:))) / norm(double(b(:)));
end

function check_explain_equals_lrp(nn, X, what)
% explain of double X (the presets, a rule, per-sample classes, one class for all) equals
% forward + lrp of the masked output: the same LRP in the same precision.
Y = nn.forward(X);
R = nn.explain(X);
assert_true(isa(R, 'double') && isequal(size(R), size(X)), '%s: explain(X) is double, size(X)', what);
assert_close(R, nn.lrp(Y .* top_mask(Y)), 0, 0, [what ': explain(X) = lrp of the top class (presets)']);
assert_close(nn.explain(X, []), R, 0, 0, [what ': classes [] is the top class']);
n = size(X, 1);
classes = mod((1:n)' * 3, size(Y, 2)) + 1;
assert_close(nn.explain(X, classes, 'epsilon', 0.01), ...
    nn.lrp(Y .* class_mask(Y, classes), 'epsilon', 0.01), 0, 0, ...
    [what ': classes per sample, epsilon 0.01']);
assert_close(nn.explain(X, 2), nn.lrp(Y .* class_mask(Y, 2 * ones(n, 1))), 0, 0, ...
    [what ': one class for every sample']);
% predict is the forward pass's output, and leaves the cached pass for lrp alone.
assert_close(nn.predict(X), Y, 0, 0, [what ': predict(X) = forward(X)']);
assert_close(nn.lrp(Y .* top_mask(Y)), R, 0, 0, [what ': the cached forward pass is untouched']);
end

function check_single_precision(nn, X, what)
% Under set_precision('single'): single in, single out, f32 really computed.
R64 = nn.explain(X);
Y64 = nn.predict(X);
K64 = nn.explain_classes(X, [2 5]);
Xs = single(X);
% Under 'double' a single X is converted once each way: the double result of its values.
Rd = nn.explain(Xs);
assert_true(isa(Rd, 'single') && isequal(size(Rd), size(X)), '%s: single in, single out', what);
assert_close(Rd, single(nn.explain(double(Xs))), 0, 0, [what ': precision double, single door']);
nn.set_precision('single');
R32 = nn.explain(Xs);
assert_true(isa(R32, 'single') && isequal(size(R32), size(X)), '%s: explain(single X) is single', what);
e = normwise(R32, R64);
assert_true(e <= 1e-4, '%s: explain in f32 vs f64 normwise %.3g > 1e-4', what, e);
% Rd is the f64 map of the same single values rounded to single.
assert_true(any(R32(:) ~= Rd(:)), '%s: the f32 map is not the f64 one rounded to single (f32 ran)', what);
Rx = nn.explain(X);
assert_true(isa(Rx, 'double'), '%s: double in, double out under single precision', what);
assert_true(normwise(Rx, R64) <= 1e-4 && any(Rx(:) ~= R64(:)), ...
    '%s: double X under single precision computes in f32', what);
Y32 = nn.predict(Xs);
assert_true(isa(Y32, 'single') && isequal(size(Y32), size(Y64)), '%s: predict(single X) is single', what);
e = normwise(Y32, Y64);
assert_true(e <= 1e-5, '%s: predict in f32 vs f64 normwise %.3g > 1e-5', what, e);
% explain_classes (double arrays only) follows the precision too.
K32 = nn.explain_classes(X, [2 5]);
assert_true(normwise(K32, K64) <= 1e-4 && any(K32(:) ~= K64(:)), ...
    '%s: explain_classes under single precision computes in f32', what);
% The toolbox-style calls stay f64.
Y = nn.forward(X);
assert_close(Y, Y64, 0, 0, [what ': forward stays double under single precision']);
nn.set_precision('double');
assert_close(nn.explain(X), R64, 0, 0, [what ': back to double, the f64 map again']);
assert_close(nn.predict(Xs), single(nn.predict(double(Xs))), 0, 0, [what ': predict, single door, f64']);
end

function lenet5_explain_equals_forward_and_lrp()
[nn, X] = lenet5();
check_explain_equals_lrp(nn, X, 'lenet5');
end

function lenet5_single_precision()
[nn, X] = lenet5();
check_single_precision(nn, X, 'lenet5');
end

function resnet_explain_equals_forward_and_lrp()
[nn, X] = resnet();
check_explain_equals_lrp(nn, X, 'resnet_tiny');
end

function resnet_single_precision()
[nn, X] = resnet();
check_single_precision(nn, X, 'resnet_tiny');
end

function precision_is_what_was_set()
[nn, X] = lenet5();
assert_true(strcmp(nn.precision(), 'double'), 'default: double, got %s', nn.precision());
nn.set_precision('single');
assert_true(strcmp(nn.precision(), 'single'), 'after set_precision(''single''): %s', nn.precision());
nn.set_precision('DOUBLE');
assert_true(strcmp(nn.precision(), 'double'), 'names are case-insensitive');
nn.set_precision('single');
% A rebuilt network (modules assigned) keeps the precision and the convention; the layers'
% own parameters carry over unchanged.
assert_true(strcmp(nn.convention(), 'toolbox'), 'default convention: %s', nn.convention());
nn.set_convention('zennit');
Y = nn.forward(X);
nn.modules = nn.modules(1:end);
nn.modules{end + 1} = modules.SoftMax();
assert_true(strcmp(nn.precision(), 'single'), 'precision after a rebuild: %s', nn.precision());
assert_true(strcmp(nn.convention(), 'zennit'), 'convention after a rebuild: %s', nn.convention());
nn.set_convention('toolbox');
assert_true(strcmp(nn.convention(), 'toolbox'), 'convention set back: %s', nn.convention());
nn.modules = nn.modules(1:end - 1);
assert_close(nn.forward(X), Y, 0, 0, 'the rebuilt network');
g = quiet(@model_io.read, onnx_file('resnet_tiny.onnx'));
assert_true(strcmp(g.precision(), 'double'), 'Graph default: double');
g.set_precision('single');
assert_true(strcmp(g.precision(), 'single'), 'Graph after set_precision(''single'')');
g.set_precision('double');
assert_true(strcmp(g.precision(), 'double'), 'Graph after set_precision(''double'')');
g.set_convention('zennit');
assert_true(strcmp(g.convention(), 'zennit'), 'Graph convention: %s', g.convention());
end

function readme_example_runs_as_written()
% The example of bindings/matlab/README.md's "Precision" section, run in the golden
% folder (it reads lenet5.txt and its input from the current folder).
text = fileread(fullfile(lrp_test_paths('bindings'), 'README.md'));
start = strfind(text, '## Precision');
assert_true(~isempty(start), 'README.md has no "## Precision" section');
text = text(start(1):end);
a = strfind(text, '```matlab');
b = strfind(text, '```');
assert_true(~isempty(a), 'the Precision section has no MATLAB example');
b = b(b > a(1) + 3);
code = text(a(1) + numel('```matlab'):b(1) - 1);
old = pwd();
back = onCleanup(@() cd(old));
cd(lrp_test_paths('golden'));
vars = run_example(code);
assert_true(strcmp(vars.p, 'single'), 'README p: %s', vars.p);
assert_true(isa(vars.Rs, 'single') && isa(vars.Ys, 'single') && isa(vars.R, 'double'), ...
    'README classes: R %s, Rs %s, Ys %s', class(vars.R), class(vars.Rs), class(vars.Ys));
assert_close(vars.Y, vars.nn.forward(vars.x), 0, 0, 'README Y = forward(x)');
vars.nn.set_precision('double');
assert_true(normwise(vars.Rs, vars.nn.explain(vars.x)) <= 1e-4, 'README Rs within 1e-4 of double');
assert_close(vars.R, vars.nn.explain(vars.x, 3), 0, 0, 'README R (class 3 for every sample)');
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
[nn, X] = lenet5();
assert_error(@() nn.set_precision('half'), 'lrp:invalidArgument', ...
    'modules.Sequential.set_precision', 'precision must be ''single'' or ''double''', 'given ''half''');
assert_error(@() nn.set_precision(32), 'lrp:invalidArgument', 'precision', 'given a double');
assert_true(strcmp(nn.precision(), 'double'), 'a bad precision changes nothing');
n = size(X, 1);
assert_error(@() nn.explain(X, [1 2]), 'lrp:invalidArgument', 'modules.Sequential.explain', ...
    'one per sample (16)');
assert_error(@() nn.explain(X, 1.5), 'lrp:invalidArgument', 'classes');
assert_error(@() nn.explain(X, 11 * ones(n, 1)), 'lrp:invalidArgument', ...
    'between 1 and the 10 outputs', 'given 11');
assert_error(@() nn.explain(single(X), 0), 'lrp:invalidArgument', 'given 0');
assert_error(@() nn.explain(X, [], 'bogus'), 'lrp:unknownRule', '''bogus''');
assert_error(@() nn.explain(single(X), [], 'gamma', -1), 'lrp:invalidArgument', 'gamma');
assert_error(@() nn.explain(complex(single(X))), 'lrp:invalidArgument', 'real');
assert_error(@() nn.explain({X}), 'lrp:invalidArgument', 'numeric');
assert_error(@() nn.predict(single(X(:, 1:10, :))), 'lrp:shapeMismatch');
assert_error(@() nn.explain(single(X(:, 1:10, :))), 'lrp:shapeMismatch');
X(3) = NaN;
assert_error(@() nn.predict(single(X)), 'lrp:nonFinite');
g = quiet(@model_io.read, onnx_file('resnet_tiny.onnx'));
assert_error(@() g.set_precision('float16'), 'lrp:invalidArgument', 'modules.Graph.set_precision', ...
    'given ''float16''');
assert_error(@() g.explain(single(ones(2, 3, 64, 64)), 11), 'lrp:invalidArgument', ...
    'modules.Graph.explain', 'between 1 and the 10 outputs');
end

function no_leaked_handles()
live = calllib('lrp', 'lrp_live_networks');
[nn, X] = lenet5();
nn.set_precision('single');
nn.explain(single(X));
try
    nn.explain(single(X), [], 'bogus');
catch
end
clear nn
assert_true(calllib('lrp', 'lrp_live_networks') == live, 'networks freed');
end
