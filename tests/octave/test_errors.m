function tests = test_errors()
%TEST_ERRORS  Bad input from MATLAB code gives MATLAB errors (identifier and the library's
%   message), never a crash: wrong shapes, unknown rules, missing or malformed files,
%   deleted networks, calls out of order, non-finite input, bad arguments.
tests = {
    'wrong_input_shape', @wrong_input_shape
    'wrong_relevance_and_gradient_shape', @wrong_relevance_and_gradient_shape
    'unknown_rule', @unknown_rule
    'bad_rule_parameter', @bad_rule_parameter
    'missing_file', @missing_file
    'malformed_model', @malformed_model
    'deleted_network', @deleted_network
    'deleted_layer', @deleted_layer
    'out_of_order', @out_of_order
    'non_finite_input', @non_finite_input
    'bad_constructor_arguments', @bad_constructor_arguments
    'bad_parameter_assignment', @bad_parameter_assignment
    'bad_argument_types', @bad_argument_types
    'training_arguments', @training_arguments
    'status_mapping', @status_mapping
    'degenerate_sizes', @degenerate_sizes
};
end

function nn = lenet()
nn = quiet(@model_io.read, golden_file('lenet5.txt'));
end

function wrong_input_shape()
nn = lenet();
assert_error(@() nn.forward(zeros(2, 28, 28)), 'lrp:shapeMismatch', 'shape mismatch', '28');
mlp = modules.Sequential({modules.Linear(4, 3, 1)});
err = assert_error(@() mlp.forward(zeros(2, 5)), 'lrp:shapeMismatch', 'Linear', 'expected [N x 4], given [2 x 5]');
assert_error(@() mlp.forward(zeros(2, 4, 2, 2, 2)), 'lrp:invalidArgument', 'rank must be 1 to 4, given 5');
assert_true(isequal(size(mlp.forward(zeros(2, 4))), [2 3]), 'still usable after the errors');
end

function wrong_relevance_and_gradient_shape()
mlp = modules.Sequential({modules.Linear(4, 3, 1), modules.Rect()});
mlp.forward(ones(2, 4));
assert_error(@() mlp.lrp(ones(2, 4)), 'lrp:shapeMismatch', 'expected 6');
assert_error(@() mlp.backward(ones(3, 3)), 'lrp:shapeMismatch', 'dy has 9 elements, expected 6');
end

function unknown_rule()
mlp = modules.Sequential({modules.Linear(4, 3, 1)});
Y = mlp.forward(ones(1, 4));
assert_error(@() mlp.lrp(Y, 'magic'), 'lrp:unknownRule', 'unknown LRP rule ''magic''');
assert_error(@() mlp.lrp(Y, 'alphabet', 2), 'lrp:unknownRule', '''alphabet''');
assert_error(@() mlp.set_lrp_parameters('zzz'), 'lrp:unknownRule', '''zzz''');
assert_error(@() mlp.modules{1}.set_lrp_parameters('zzz', 1), 'lrp:unknownRule', '''zzz''');
assert_error(@() mlp.lrp(Y, 42), 'lrp:invalidArgument', 'lrp_var must be a rule name');
end

function bad_rule_parameter()
mlp = modules.Sequential({modules.Linear(4, 3, 1)});
Y = mlp.forward(ones(1, 4));
assert_error(@() mlp.lrp(Y, 'epsilon', -1), 'lrp:invalidArgument', 'epsilon');
assert_error(@() mlp.lrp(Y, 'alphabeta', -0.5), 'lrp:invalidArgument', 'alpha');
assert_error(@() mlp.lrp(Y, 'epsilon', [1 2]), 'lrp:invalidArgument', 'numeric scalar');
assert_error(@() mlp.lrp(Y, 'epsilon', 0.1 + 1i), 'lrp:invalidArgument', 'real numeric scalar');
end

function missing_file()
d = scratch_dir('err_missing');
assert_error(@() quiet(@model_io.read, fullfile(d, 'no_model.txt')), 'lrp:io', 'no_model.txt');
assert_error(@() quiet(@data_io.read, fullfile(d, 'no_data.npy')), 'lrp:io', 'no_data.npy');
nn = modules.Sequential({modules.Rect()});
assert_error(@() quiet(@model_io.write, nn, fullfile(d, 'no_dir', 'm.txt')), 'lrp:io', 'm.txt');
end

function malformed_model()
d = scratch_dir('err_malformed');
cases = {
    'Linear 2 2\n1 2 3\n0 0\n', 'wrong count'
    'Linear 2 x\n', 'bad size'
    'Convolution 2 2 1 1 1\n1 2 3 4\n0\n', 'missing stride'
    'Dense 3 4\n', 'unknown layer'
    'Linear 2 1\n1 abc\n0\n', 'not a number'
    };
for k = 1:size(cases, 1)
    p = fullfile(d, sprintf('bad%d.txt', k));
    fid = fopen(p, 'w');
    fprintf(fid, cases{k, 1});
    fclose(fid);
    err = assert_error(@() quiet(@model_io.read, p), 'lrp:parse', sprintf('bad%d.txt', k));
    assert_true(~isempty(regexp(err.message, sprintf('bad%d\\.txt:\\d+', k), 'once')), '%s: names the line: %s', cases{k, 2}, err.message);
end
end

function deleted_network()
nn = modules.Sequential({modules.Linear(4, 3, 1), modules.Rect()});
l = nn.modules{1};
delete(nn);
if isobject(nn) && ismethod(nn, 'forward')
    % Octave keeps the object after delete; MATLAB itself refuses deleted handles.
    assert_error(@() nn.forward(ones(1, 4)), 'lrp:deleted', 'deleted');
    assert_error(@() nn.lrp(ones(1, 3)), 'lrp:deleted', 'deleted');
    assert_error(@() nn.backward(ones(1, 3)), 'lrp:deleted', 'deleted');
    assert_error(@() nn.update(0.1), 'lrp:deleted', 'deleted');
    assert_error(@() nn.set_lrp_parameters('epsilon'), 'lrp:deleted', 'deleted');
    assert_error(@() quiet(@model_io.write, nn, fullfile(scratch_dir('err_deleted'), 'x.txt')), 'lrp:deleted', 'deleted');
    assert_error(@() nn.train(ones(2, 4), eye(2, 3)), 'lrp:deleted', 'deleted');
end
assert_true(isequal(size(l.forward(ones(1, 4))), [1 3]), 'the layer taken from it still works');
m = modules.Sequential({modules.Linear(2, 2, 1)});
h = m.net_;
h.free();   % the native network freed under the object's feet
assert_error(@() m.forward([1 2]), 'lrp:deleted', 'deleted');
assert_error(@() m.modules{1}.W, 'lrp:deleted', 'deleted');
end

function deleted_layer()
l = modules.Linear(3, 2, 1);
delete(l);
if isobject(l) && ismethod(l, 'forward')
    assert_error(@() l.forward([1 2 3]), 'lrp:deleted', 'deleted');
    assert_error(@() l.W, 'lrp:deleted', 'deleted');
    assert_error(@() modules.Sequential({l}), 'lrp:deleted', 'deleted');
end
end

function out_of_order()
mlp = modules.Sequential({modules.Linear(4, 3, 1)});
assert_error(@() mlp.lrp(ones(1, 3)), 'lrp:outOfOrder', 'lrp_network_forward first');
assert_error(@() mlp.backward(ones(1, 3)), 'lrp:outOfOrder', 'lrp_network_forward first');
assert_error(@() mlp.update(0.1), 'lrp:outOfOrder');
end

function non_finite_input()
mlp = modules.Sequential({modules.Linear(2, 2, 1)});
assert_error(@() mlp.forward([1 NaN]), 'lrp:nonFinite', 'non-finite');
assert_error(@() mlp.forward([Inf 1]), 'lrp:nonFinite', 'non-finite');
end

function bad_constructor_arguments()
assert_error(@() modules.Linear(0, 3), 'lrp:invalidArgument', 'Linear m');
assert_error(@() modules.Linear(2.5, 3), 'lrp:invalidArgument', 'Linear m');
assert_error(@() modules.Linear(3), 'lrp:invalidArgument', 'm and n are required');
assert_error(@() modules.Linear('a', 3), 'lrp:invalidArgument', 'Linear m');
assert_error(@() modules.Convolution([5 5 3], [1 1]), 'lrp:invalidArgument', 'filtersize', '4 positive whole numbers');
assert_error(@() modules.Convolution([5 5 3 2], [0 1]), 'lrp:invalidArgument', 'stride');
assert_error(@() modules.MaxPool([2 -2]), 'lrp:invalidArgument', 'MaxPool pool');
assert_error(@() modules.SumPool([2 2], [1 1 1]), 'lrp:invalidArgument', 'SumPool stride');
assert_error(@() modules.Sequential({modules.Sequential({})}), 'lrp:invalidArgument', 'not a layer');
end

function bad_parameter_assignment()
l = modules.Linear(3, 2, 1);
assert_error(@() set_prop_(l, 'W', ones(2, 3)), 'lrp:shapeMismatch', 'Linear.W must be of size 3 x 2, given 2 x 3');
assert_error(@() set_prop_(l, 'B', ones(1, 3)), 'lrp:shapeMismatch', 'Linear.B must be of size 1 x 2');
assert_error(@() set_prop_(l, 'W', {1}), 'lrp:invalidArgument', 'numeric');
assert_error(@() set_prop_(l, 'W', [1 2; 3 NaN; 5 6]), 'lrp:nonFinite');
assert_error(@() set_prop_(l, 'm', 4), 'lrp:shapeMismatch', 'fixed');
set_prop_(l, 'm', 3);   % the same size is fine
c = modules.Convolution([2 2 1 3], [1 1], 1);
assert_error(@() set_prop_(c, 'W', ones(2, 2, 3)), 'lrp:shapeMismatch', 'Convolution.W must be of size 2 x 2 x 1 x 3');
assert_error(@() set_prop_(c, 'filtersize', [3 3 1 3]), 'lrp:shapeMismatch', 'fixed');
end

function set_prop_(obj, name, v)
obj.(name) = v;
end

function bad_argument_types()
mlp = modules.Sequential({modules.Linear(2, 2, 1)});
assert_error(@() mlp.forward({1, 2}), 'lrp:invalidArgument', 'numeric array');
assert_error(@() mlp.forward([1 2] * 1i), 'lrp:invalidArgument', 'real');
assert_true(isequal(size(mlp.forward(single([1 2]))), [1 2]), 'single input is converted');
assert_true(isequal(size(mlp.forward(int32([1 2]))), [1 2]), 'integer input is converted');
mlp.forward([1 2]);
assert_error(@() mlp.update('fast'), 'lrp:invalidArgument', 'lrate');
assert_error(@() quiet(@model_io.read, 42), 'lrp:invalidArgument', 'path');
end

function training_arguments()
mlp = modules.Sequential({modules.Linear(2, 2, 1), modules.SoftMax()});
X = [0 0; 1 1; 0 1; 1 0];
Y = [1 0; 1 0; 0 1; 0 1];
tr = @(varargin) mlp.train(varargin{:});
assert_error(@() quiet(tr, X, Y, [], [], 0), 'lrp:invalidArgument', 'batchsize');
assert_error(@() quiet(tr, X, Y, [], [], 2, 10, 0.1, 'fastest'), 'lrp:invalidArgument', 'lrate_decay');
assert_error(@() quiet(tr, X, Y(:, 1)), 'lrp:shapeMismatch');
assert_error(@() quiet(tr, X, Y, [], [], 2, 10, 0.1, [], [], [], [], 'notafunction'), 'lrp:invalidArgument', 'function handle');
assert_error(@() quiet(tr, X, Y, [], [], 2, 10, 0.1, [], [], [], [], [], 'colour', 1), 'lrp:invalidArgument', 'unknown option');
assert_error(@() quiet(tr, X), 'lrp:invalidArgument', 'X and Y are required');
end

function status_mapping()
ids = {'lrp:nullArgument', 'lrp:invalidArgument', 'lrp:shapeMismatch', 'lrp:unknownRule', 'lrp:parse', ...
       'lrp:io', 'lrp:outOfOrder', 'lrp:nonFinite', 'lrp:panic'};
for k = 1:numel(ids)
    assert_error(@() lrp_native.check(k), ids{k});
end
assert_error(@() lrp_native.check(77), 'lrp:unknownStatus');
lrp_native.check(0);
% a NULL pointer argument reaches the library as a status, not a crash
assert_error(@() lrp_native.call('lrp_network_num_layers', [], uint64(0)), 'lrp:nullArgument', 'net is NULL');
end

function degenerate_sizes()
% sizes no memory holds, empty batches and buffers: errors, not a killed process
assert_error(@() modules.Linear(1e10, 1e10), 'lrp:invalidArgument', 'more than fit in memory');
assert_error(@() modules.Convolution([1e5 1e5 1e5 1e5]), 'lrp:invalidArgument', 'more than fit in memory');
mlp = modules.Sequential({modules.Linear(3, 2, 1)});
assert_error(@() mlp.forward(zeros(0, 3)), 'lrp:invalidArgument', 'none of them 0');
mlp.forward(ones(2, 3));
assert_error(@() mlp.lrp([]), 'lrp:shapeMismatch', 'r has 0 elements, expected 4');
assert_error(@() render.hm_to_rgb(zeros(0, 0)), {'lrp:nullArgument', 'lrp:invalidArgument'});
assert_error(@() quiet(@render.save_image, {zeros(0, 0, 3)}, fullfile(scratch_dir('err_sizes'), 'e.png')), 'lrp:invalidArgument', 'widths[0] must be at least 1');
assert_error(@() quiet(@model_io.read, tempdir(), 'txt'), 'lrp:io');
end
