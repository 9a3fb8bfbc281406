function tests = test_model_io()
%TEST_MODEL_IO  model_io.read/write: txt and mat round trips, the legacy Linear layout,
%   messages, and failures (missing file, malformed model, unknown format).
tests = {
    'txt_round_trip', @txt_round_trip
    'mat_round_trip_with_presets', @mat_round_trip_with_presets
    'mat_round_trip_with_network_wide_gamma', @mat_round_trip_with_network_wide_gamma
    'explicit_format_argument', @explicit_format_argument
    'legacy_linear_layout', @legacy_linear_layout
    'every_layer_kind', @every_layer_kind
    'messages', @messages
    'missing_file', @missing_file
    'malformed_model', @malformed_model
    'unknown_format', @unknown_format
    'mat_without_a_model', @mat_without_a_model
};
end

function assert_same_network(a, b, X)
assert_true(numel(a.modules) == numel(b.modules), 'layer count');
for k = 1:numel(a.modules)
    assert_true(strcmp(class(a.modules{k}), class(b.modules{k})), 'layer %d class', k);
    if isa(a.modules{k}, 'modules.Linear') || isa(a.modules{k}, 'modules.Convolution')
        assert_true(isequal(a.modules{k}.W, b.modules{k}.W), 'layer %d W bit-exact', k);
        assert_true(isequal(a.modules{k}.B, b.modules{k}.B), 'layer %d B bit-exact', k);
    end
end
assert_true(isequal(a.forward(X), b.forward(X)), 'same outputs');
end

function txt_round_trip()
d = scratch_dir('model_txt');
nn = quiet(@model_io.read, golden_file('lenet5.txt'));
p = fullfile(d, 'lenet.txt');
quiet(@model_io.write, nn, p);
back = quiet(@model_io.read, p);
assert_same_network(nn, back, mnist_batch(3));
end

function mat_round_trip_with_presets()
d = scratch_dir('model_mat');
nn = quiet(@model_io.read, golden_file('convnet_softmax.txt'));
nn.modules{1}.set_lrp_parameters('alphabeta', 2);
nn.modules{7}.set_lrp_parameters('epsilon', 0.5);
p = fullfile(d, 'convnet.mat');
quiet(@model_io.write, nn, p);
back = quiet(@model_io.read, p);
X = quiet(@data_io.read, golden_file('convnet_input.npy'));
assert_same_network(nn, back, X);
assert_true(strcmp(back.modules{1}.lrp_var, 'alphabeta') && back.modules{1}.lrp_param == 2, 'preset 1');
assert_true(strcmp(back.modules{7}.lrp_var, 'epsilon') && back.modules{7}.lrp_param == 0.5, 'preset 7');
Y = nn.forward(X);
back.forward(X);
assert_true(isequal(nn.lrp(Y), back.lrp(Y)), 'same relevance with the presets');
S = load(p);
assert_true(isfield(S, 'model') && isstruct(S.model), 'the file holds the variable model');
end

function mat_round_trip_with_network_wide_gamma()
% gamma set network-wide reaches every layer (those without weights treat it as simple);
% as a layer's own preset it is refused on those. The .mat file records it for every
% layer, and reading it back must not fail on the Rect layers.
d = scratch_dir('model_gamma');
nn = quiet(@model_io.read, golden_file('convnet_softmax.txt'));
nn.set_lrp_parameters('gamma', 0.5);
assert_error(@() nn.modules{2}.set_lrp_parameters('gamma', 0.5), 'lrp:invalidArgument', ...
    'gamma', 'layer 2', 'Rect');
p = fullfile(d, 'convnet_gamma.mat');
quiet(@model_io.write, nn, p);
back = quiet(@model_io.read, p);
X = quiet(@data_io.read, golden_file('convnet_input.npy'));
assert_same_network(nn, back, X);
assert_true(strcmp(back.modules{1}.lrp_var, 'gamma') && back.modules{1}.lrp_param == 0.5, 'preset 1');
Y = nn.forward(X);
back.forward(X);
assert_true(isequal(nn.lrp(Y), back.lrp(Y)), 'same relevance with the presets');
end

function explicit_format_argument()
d = scratch_dir('model_fmt');
nn = modules.Sequential({modules.Linear(3, 2, 1), modules.Tanh()});
p = fullfile(d, 'net.model');
quiet(@model_io.write, nn, p, 'txt');
back = quiet(@model_io.read, p, 'txt');
assert_same_network(nn, back, [1 2 3]);
q = fullfile(d, 'net.bin');
quiet(@model_io.write, nn, q, 'mat');
back = quiet(@model_io.read, q, 'mat');
assert_same_network(nn, back, [1 2 3]);
end

function legacy_linear_layout()
d = scratch_dir('model_legacy');
p = fullfile(d, 'legacy.txt');
fid = fopen(p, 'w');
fprintf(fid, 'Linear 2 3\n1 2 3\n4 5 6\n0.5 0.25 -1\nTanh\nLinear 3 1\n1\n-1\n2\n0\n');
fclose(fid);
nn = quiet(@model_io.read, p);
assert_true(isequal(nn.modules{1}.W, [1 2 3; 4 5 6]), 'legacy W');
assert_true(isequal(nn.modules{1}.B, [0.5 0.25 -1]), 'legacy B');
assert_true(isequal(nn.modules{3}.W, [1; -1; 2]), 'legacy W 3 x 1');
assert_close(nn.forward([1 1]), tanh([5.5 7.25 8]) * [1; -1; 2], 1e-12, 0, 'legacy forward');
end

function every_layer_kind()
d = scratch_dir('model_kinds');
nn = modules.Sequential({modules.Convolution([3 3 2 4], [1 1], 1), modules.Rect(), modules.MaxPool([2 2], [1 1]), ...
    modules.SumPool([2 2], [2 2]), modules.Tanh(), modules.Flatten(), modules.Linear(16, 3, 2), modules.SoftMax()});
p = fullfile(d, 'kinds.txt');
quiet(@model_io.write, nn, p);
back = quiet(@model_io.read, p);
assert_same_network(nn, back, reshape(sin(1:(2 * 7 * 7 * 2)), [2 7 7 2]));
assert_true(isequal(back.modules{3}.pool, [2 2]) && isequal(back.modules{3}.stride, [1 1]), 'pool sizes');
assert_true(isequal(back.modules{1}.filtersize, [3 3 2 4]), 'filtersize');
end

function messages()
d = scratch_dir('model_msg');
p = fullfile(d, 'm.txt');
nn = modules.Sequential({modules.Rect()});
out = evalc('model_io.write(nn, p)');
assert_true(~isempty(strfind(out, ['writing model as plain text to ' p])), 'write message: %s', out);
out = evalc('model_io.read(p);');
assert_true(~isempty(strfind(out, ['loading plain text model from ' p])), 'read message: %s', out);
q = fullfile(d, 'm.mat');
out = evalc('model_io.write(nn, q)');
assert_true(~isempty(strfind(out, ['writing model as mat-file to ' q])), 'mat write message: %s', out);
out = evalc('model_io.read(q);');
assert_true(~isempty(strfind(out, ['loading mat-compressed model from ' q])), 'mat read message: %s', out);
end

function missing_file()
p = fullfile(scratch_dir('model_missing'), 'nothing.txt');
assert_error(@() quiet(@model_io.read, p), 'lrp:io', 'nothing.txt');
assert_error(@() quiet(@model_io.read, strrep(p, '.txt', '.mat')), 'lrp:io', 'nothing.mat');
end

function malformed_model()
d = scratch_dir('model_bad');
p = fullfile(d, 'bad.txt');
fid = fopen(p, 'w');
fprintf(fid, 'Linear 2 2\n1 2 3 4\n0 0\nBogus 3\n');
fclose(fid);
err = assert_error(@() quiet(@model_io.read, p), 'lrp:parse', 'bad.txt');
assert_true(~isempty(regexp(err.message, 'bad\.txt:\d+', 'once')), 'names the line: %s', err.message);
q = fullfile(d, 'short.txt');
fid = fopen(q, 'w');
fprintf(fid, 'Linear 2 2\n1 2 3\n');
fclose(fid);
assert_error(@() quiet(@model_io.read, q), 'lrp:parse', 'short.txt');
end

function unknown_format()
d = scratch_dir('model_unknown');
nn = modules.Sequential({modules.Rect()});
assert_error(@() quiet(@model_io.write, nn, fullfile(d, 'x.h5')), 'lrp:invalidArgument', 'unknown format ''h5''');
assert_error(@() quiet(@model_io.read, fullfile(d, 'x.h5')), 'lrp:invalidArgument', 'unknown format ''h5''');
assert_error(@() quiet(@model_io.read, fullfile(d, 'x.nn')), 'lrp:invalidArgument', 'pickled');
assert_error(@() quiet(@model_io.write, 42, fullfile(d, 'x.txt')), 'lrp:invalidArgument', 'modules.Sequential');
end

function mat_without_a_model()
d = scratch_dir('model_notmodel');
p = fullfile(d, 'data.mat');
data = magic(3); %#ok<NASGU>
save('-v7', p, 'data');
assert_error(@() quiet(@model_io.read, p), 'lrp:parse', 'holds no network written by model_io.write');
end
