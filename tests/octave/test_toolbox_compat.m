function tests = test_toolbox_compat()
%TEST_TOOLBOX_COMPAT  The bindings as a toolbox user meets them (issue 15): the toolbox's
%   .mat models through loadobj (toolbox-shaped structs built from the golden text models,
%   checked against the golden forward and LRP results), saveobj/loadobj round trips,
%   import lines, the library loaded through the generated prototype file and through
%   the header, and separate Octave processes running toolbox-style scripts unchanged,
%   exiting with status 0 and nothing on stderr, and building the oct-file on first use.
tests = {
    'loadobj_toolbox_structs_match_golden', @loadobj_toolbox_structs_match_golden
    'saveobj_loadobj_round_trip', @saveobj_loadobj_round_trip
    'loadobj_errors', @loadobj_errors
    'import_lines', @import_lines
    'loaded_through_prototype_file', @loaded_through_prototype_file
    'header_and_prototype_agree', @header_and_prototype_agree
    'toolbox_script_in_fresh_process', @toolbox_script_in_fresh_process
    'header_loading_in_fresh_process', @header_loading_in_fresh_process
    'oct_file_built_on_first_use', @oct_file_built_on_first_use
    'oct_file_build_errors_say_what_to_install', @oct_file_build_errors_say_what_to_install
    };
end

% ---- loadobj / saveobj -------------------------------------------------------------------

function s = toolbox_struct(layer)
% The properties the LRP Toolbox 1.3.1 saves for a layer (its property names, plus its
% cached activations, which loadobj must ignore), built from one of our layers.
s = struct('lrp_var', [], 'lrp_param', 1.0, 'X', [], 'Y', []);
switch class(layer)
    case 'modules.Linear'
        s.m = layer.m;
        s.n = layer.n;
        s.W = layer.W;
        s.B = layer.B;
        s.dW = [];
        s.dB = [];
    case 'modules.Convolution'
        s.filtersize = layer.filtersize;
        s.stride = layer.stride;
        s.W = layer.W;
        s.B = layer.B;
    case {'modules.MaxPool', 'modules.SumPool'}
        s.pool = layer.pool;
        s.stride = layer.stride;
end
end

function l = load_layer(cls, s)
% CLS.loadobj(s), as MATLAB's load calls it for an object of class CLS.
switch cls
    case 'modules.Linear', l = modules.Linear.loadobj(s);
    case 'modules.Convolution', l = modules.Convolution.loadobj(s);
    case 'modules.MaxPool', l = modules.MaxPool.loadobj(s);
    case 'modules.SumPool', l = modules.SumPool.loadobj(s);
    case 'modules.Flatten', l = modules.Flatten.loadobj(s);
    case 'modules.Rect', l = modules.Rect.loadobj(s);
    case 'modules.Tanh', l = modules.Tanh.loadobj(s);
    case 'modules.SoftMax', l = modules.SoftMax.loadobj(s);
    otherwise, error('no layer class %s', cls);
end
end

function nn = from_toolbox_structs(model)
% What MATLAB's load does with a toolbox .mat model: each layer's class loadobj with the
% saved properties, then Sequential.loadobj with the layers.
ref = quiet(@model_io.read, golden_file(model));
layers = cell(1, numel(ref.modules));
for i = 1:numel(layers)
    cls = class(ref.modules{i});
    layers{i} = load_layer(cls, toolbox_struct(ref.modules{i}));
    assert_true(isa(layers{i}, cls), 'layer %d: %s', i, class(layers{i}));
end
nn = modules.Sequential.loadobj(struct('modules', {layers}));
end

function loadobj_toolbox_structs_match_golden()
manifest = jsondecode(fileread(golden_file('manifest.json')));
cases = manifest.cases;
if isstruct(cases)
    cases = num2cell(cases);
end
checked = 0;
models = {};
for i = 1:numel(cases)
    c = cases{i};
    if ~any(strcmp(c.op, {'forward', 'lrp'}))
        continue;
    end
    nn = from_toolbox_structs(c.model);
    X = quiet(@data_io.read, golden_file(c.input));
    Y = nn.forward(X);
    if strcmp(c.op, 'forward')
        assert_close(Y, quiet(@data_io.read, golden_file(c.expected)), manifest.rtol, ...
            manifest.atol, ['loadobj ' c.name]);
    else
        R0 = quiet(@data_io.read, golden_file(c.relevance));
        if isfield(c, 'layer_rules') && ~isempty(c.layer_rules)
            rules = c.layer_rules;
            if isstruct(rules)
                rules = num2cell(rules);
            end
            for k = 1:numel(rules)
                nn.modules{k}.set_lrp_parameters(rules{k}.rule, rules{k}.param);
            end
            R = nn.lrp(R0);
        else
            R = nn.lrp(R0, c.rule, c.param);
        end
        assert_close(R, quiet(@data_io.read, golden_file(c.expected)), manifest.rtol, ...
            manifest.atol, ['loadobj ' c.name]);
    end
    checked = checked + 1;
    models{end + 1} = c.model; %#ok<AGROW>
end
assert_true(checked >= 20, 'only %d golden cases checked', checked);
assert_true(any(strcmp(models, 'lenet5.txt')), 'LeNet-5 among the models');
end

function saveobj_loadobj_round_trip()
nn = from_toolbox_structs('lenet5.txt');
nn.modules{1}.set_lrp_parameters('epsilon', 0.5);
nn.modules{3}.set_lrp_parameters('alphabeta', 2);
s = nn.saveobj();
assert_true(isequal(fieldnames(s), {'modules'}), 'Sequential.saveobj: the toolbox''s field');
saved = cellfun(@(l) l.saveobj(), s.modules, 'UniformOutput', false);
assert_true(isequal(sort(fieldnames(saved{1}))', sort({'filtersize', 'stride', 'W', 'B', ...
    'lrp_var', 'lrp_param'})), 'Convolution.saveobj fields');
assert_true(strcmp(saved{1}.lrp_var, 'epsilon') && saved{1}.lrp_param == 0.5, 'preset saved');
layers = cell(size(saved));
for i = 1:numel(saved)
    layers{i} = load_layer(class(s.modules{i}), saved{i});
end
nn2 = modules.Sequential.loadobj(struct('modules', {layers}));
assert_true(strcmp(nn2.modules{3}.lrp_var, 'alphabeta') && nn2.modules{3}.lrp_param == 2, ...
    'preset restored');
X = quiet(@data_io.read, golden_file('lenet5_input.npy'));
Y = nn.forward(X);
assert_true(isequal(nn2.forward(X), Y), 'forward after the round trip');
assert_true(isequal(nn2.lrp(Y), nn.lrp(Y)), 'lrp with the presets after the round trip');
% A layer that owns its network round-trips too.
l = modules.Linear(3, 2, 7);
l2 = modules.Linear.loadobj(l.saveobj());
assert_true(isequal(l2.W, l.W) && isequal(l2.B, l.B), 'Linear round trip');
p = modules.SumPool.loadobj(modules.SumPool([3 3], [1 1]).saveobj());
assert_true(isequal(p.pool, [3 3]) && isequal(p.stride, [1 1]), 'SumPool round trip');
end

function loadobj_errors()
assert_error(@() modules.Linear.loadobj(42), 'lrp:invalidArgument', ...
    'modules.Linear.loadobj', 'scalar struct', 'double');
assert_error(@() modules.Linear.loadobj(struct('B', [1 2])), 'lrp:invalidArgument', ...
    'modules.Linear.loadobj', 'no W');
assert_error(@() modules.Linear.loadobj(struct('W', ones(3, 2), 'm', 4, 'n', 2)), ...
    'lrp:shapeMismatch', 'W is [3 2]', 'm = 4');
assert_error(@() modules.Convolution.loadobj(struct('W', ones(5, 5, 1, 2), ...
    'filtersize', [5 5 1 3], 'stride', [1 1])), 'lrp:shapeMismatch', 'filtersize is [5 5 1 3]');
assert_error(@() modules.Sequential.loadobj(struct('modules', {{struct('W', 1)}})), ...
    'lrp:invalidArgument', 'element 1 of modules is a struct');
assert_error(@() modules.Sequential.loadobj(struct('layers', 1)), 'lrp:invalidArgument', ...
    'need modules');
% A .mat file holding something else than a network: under Octave the message says how to
% convert the toolbox's .mat models (MATLAB class objects, which Octave cannot read).
d = scratch_dir('toolbox_mat');
nn = struct('modules', {{}});
save('-v7', fullfile(d, 'LeNet-5.mat'), 'nn');
assert_error(@() quiet(@model_io.read, fullfile(d, 'LeNet-5.mat')), 'lrp:parse', ...
    'holds no network written by model_io.write', 'Octave cannot read', ...
    'model_io.write(nn, ''model.txt'')');
end

% ---- import, loading ---------------------------------------------------------------------

function import_lines()
import model_io.*
import data_io.*
import render.*
import modules.*
import modules.Linear
L = import();
assert_true(all(ismember({'model_io.*', 'data_io.*', 'render.*', 'modules.*', ...
    'modules.Linear'}, L)), 'import lists what was imported');
assert_error(@() import('no_such_package.*'), 'Octave:undefined-function', ...
    'no package ''no_such_package''');
assert_error(@() import('model_io.*;'), '', 'not a package import');
end

function loaded_through_prototype_file()
[name, how] = lrp_native.lib();
assert_true(strcmp(name, 'lrp'), 'alias');
assert_true(strcmp(how, 'proto'), 'the suite loads liblrp through lrp_proto.m, not %s', how);
proto = libfunctions('lrp', '-full');
assert_true(any(strcmp(proto, ...
    '[int32, LrpNetworkPtr, doublePtr, doublePtr] lrp_network_forward(LrpNetworkPtr, doublePtr, uint64, int32, uint64, uint64, uint64, uint64, int32, int32, doublePtr, uint64)')), ...
    'lrp_network_forward as the prototype file declares it');
end

function header_and_prototype_agree()
% The same library loaded a second time through the header: the same functions in the
% same order, with the same signatures up to the names of 64-bit integers (the header
% parser says long/ulong as MATLAB on Linux, the prototype file int64/uint64).
file = fullfile(lrp_library_dir(), 'liblrp.so');
if libisloaded('lrp_hdr')
    unloadlibrary('lrp_hdr');
end
[notfound, warnings] = loadlibrary(file, fullfile(lrp_test_paths('repo'), 'include', 'lrp.h'), ...
    'alias', 'lrp_hdr');
cleanup = onCleanup(@() unloadlibrary('lrp_hdr'));
assert_true(isempty(notfound) && isempty(warnings), 'header loads without warnings');
a = libfunctions('lrp_hdr', '-full');
b = libfunctions('lrp', '-full');
a = regexprep(a, '\<ulong', 'uint64');
a = regexprep(a, '\<long', 'int64');
assert_true(numel(a) >= 60 && isequal(a, b), 'header and prototype file declare the same');
% A call through each gives the same numbers.
v1 = calllib('lrp_hdr', 'lrp_version');
assert_true(strcmp(v1, calllib('lrp', 'lrp_version')), 'lrp_version through both');
end

% ---- fresh Octave processes --------------------------------------------------------------

function d = lrp_library_dir()
d = getenv('LRP_LIBRARY_DIR');
if isempty(d)
    d = fullfile(lrp_test_paths('repo'), 'target', 'release');
end
end

function [status, out, err] = run_octave(script, env)
% Runs `octave-cli script` in a new process (stdout and stderr apart) with the
% environment assignments ENV ('NAME=value' strings) added, as a new user would: with
% the command history on, and a fresh home folder (beside the script) in which Octave's
% data folder does not exist yet.
errfile = [script '.stderr'];
home = [script '.home'];
if exist(home, 'dir')
    confirm_recursive_rmdir(false);
    rmdir(home, 's');
end
mkdir(home);
env = [{sprintf('HOME="%s"', home), sprintf('XDG_DATA_HOME="%s/.local/share"', home)}, env];
prefix = sprintf('%s ', env{:});
cmd = sprintf('%s"%s" --no-init-file --no-window-system --quiet "%s" 2>"%s"', ...
    prefix, fullfile(OCTAVE_HOME(), 'bin', 'octave-cli'), script, errfile);
[status, out] = system(cmd);
err = fileread(errfile);
end

function write_script(path, lines)
fid = fopen(path, 'w');
fprintf(fid, '%s\n', lines{:});
fclose(fid);
end

function toolbox_script_in_fresh_process()
% A script in the style of the toolbox's lrp_cnn_demo.m (import lines, model_io.read,
% data_io.read of a .mat file, forward, lrp with each rule, render, save_image), run
% unchanged but for its addpath line by a new Octave that exits on its own: status 0,
% nothing on stderr (no "error: ignoring const execution_exception& while preparing to
% exit"), and the numbers equal to this session's.
d = scratch_dir('toolbox_script');
rows = quiet(@data_io.read, golden_file('mnist_test_x.npy'));
X = uint8(round((rows(1:3, :) + 1) * 127.5));   % the toolbox's 0..255 digits
save('-v7', fullfile(d, 'test_images.mat'), 'X');
script = fullfile(d, 'toolbox_style_demo.m');
write_script(script, {
    sprintf('addpath(''%s'');', lrp_test_paths('bindings'))
    'import model_io.*'
    'import data_io.*'
    'import render.*'
    ''
    sprintf('nn = model_io.read(''%s'');', golden_file('lenet5.txt'))
    'nn.drop_softmax_output_layer();'
    sprintf('X = data_io.read(''%s'');', fullfile(d, 'test_images.mat'))
    'X = double(X) / 127.5 - 1;'
    'x = permute(reshape(X(1,:), [1 28 28 1]), [1 3 2 4]);'
    'xp = -ones(1, 32, 32, 1); xp(1, 3:30, 3:30, 1) = x; x = xp;'
    'ypred = nn.forward(x);'
    '[~, yp] = max(ypred);'
    'mask = zeros(size(ypred)); mask(:, yp) = 1;'
    'R = struct();'
    'R.simple = nn.lrp(ypred .* mask);'
    'R.epsilon = nn.lrp(ypred .* mask, ''epsilon'', 1.);'
    'R.alphabeta = nn.lrp(ypred .* mask, ''alphabeta'', 2);'
    'R.flat = nn.lrp(ypred .* mask, ''flat'');'
    'R.ww = nn.lrp(ypred .* mask, ''ww'');'
    'hm = render.hm_to_rgb(R.epsilon, x, 3, [], 2);'
    sprintf('img = render.save_image({render.digit_to_rgb(x, 3), hm}, ''%s'');', fullfile(d, 'heatmap.png'))
    'layer = modules.Linear(4, 3);   % a layer that owns a network, alive at exit'
    'dropped = nn.modules{1};'
    sprintf('save(''-v7'', ''%s'', ''R'', ''ypred'');', fullfile(d, 'results.mat'))
    });
[status, out, err] = run_octave(script, {sprintf('LRP_LIBRARY_DIR="%s"', lrp_library_dir())});
assert_true(status == 0, 'the script''s Octave exits with status %d:\n%s\n%s', status, out, err);
assert_true(isempty(err), 'stderr of the script''s Octave is not empty:\n%s', err);
assert_true(isfile(fullfile([script '.home'], '.local', 'share', 'octave', 'history')), ...
    'the script''s Octave saved its command history at exit (into a folder it lacked)');
assert_true(~isempty(strfind(out, 'output layer is not softmax. nothing to do')), ...
    'the toolbox''s message (LeNet-5 of the golden data ends without SoftMax):\n%s', out);
% The same computation here.
nn = quiet(@model_io.read, golden_file('lenet5.txt'));
quiet(@() nn.drop_softmax_output_layer());
x = -ones(1, 32, 32);
x(1, 3:30, 3:30) = permute(reshape(double(X(1, :)) / 127.5 - 1, [1 28 28]), [1 3 2]);
ypred = nn.forward(x);
got = load(fullfile(d, 'results.mat'));
assert_true(isequal(got.ypred, ypred), 'forward in the script and here');
[~, yp] = max(ypred);
mask = zeros(size(ypred));
mask(:, yp) = 1;
assert_close(got.R.epsilon, nn.lrp(ypred .* mask, 'epsilon', 1), 0, 0, 'epsilon map');
assert_close(got.R.alphabeta, nn.lrp(ypred .* mask, 'alphabeta', 2), 0, 0, 'alphabeta map');
assert_close(got.R.simple, nn.lrp(ypred .* mask), 0, 0, 'simple map');
assert_true(abs(sum(got.R.flat(:)) - max(ypred)) < 1e-9 * max(1, abs(max(ypred))), ...
    'flat conserves the explained score');
[w, h] = png_size(fullfile(d, 'heatmap.png'));
assert_true(h == 96 && w == 2 * 96 + 2, 'heatmap.png is %d x %d', h, w);
end

function header_loading_in_fresh_process()
% $LRP_HEADER makes the bindings load liblrp through that header instead of the
% prototype file; the numbers are the same, the exit clean.
d = scratch_dir('header_loading');
script = fullfile(d, 'through_header.m');
write_script(script, {
    sprintf('addpath(''%s'');', lrp_test_paths('bindings'))
    sprintf('nn = model_io.read(''%s'');', golden_file('mlp_rect.txt'))
    sprintf('X = data_io.read(''%s'');', golden_file('mlp_rect_input.npy'))
    sprintf('R0 = data_io.read(''%s'');', golden_file('mlp_rect_R0.npy'))
    'Y = nn.forward(X); R = nn.lrp(R0, ''epsilon'', 0.01);'
    '[~, how] = lrp_native.lib();'
    sprintf('save(''-v7'', ''%s'', ''Y'', ''R'', ''how'');', fullfile(d, 'out.mat'))
    });
header = fullfile(lrp_test_paths('repo'), 'include', 'lrp.h');
[status, out, err] = run_octave(script, {sprintf('LRP_LIBRARY_DIR="%s"', lrp_library_dir()), ...
    sprintf('LRP_HEADER="%s"', header)});
assert_true(status == 0 && isempty(err), 'status %d, stderr:\n%s\n%s', status, err, out);
got = load(fullfile(d, 'out.mat'));
assert_true(strcmp(got.how, header), 'loaded through %s', got.how);
nn = quiet(@model_io.read, golden_file('mlp_rect.txt'));
X = quiet(@data_io.read, golden_file('mlp_rect_input.npy'));
Y = nn.forward(X);
R0 = quiet(@data_io.read, golden_file('mlp_rect_R0.npy'));
assert_true(isequal(got.Y, Y) && isequal(got.R, nn.lrp(R0, 'epsilon', 0.01)), ...
    'header and prototype file give the same numbers');
assert_close(got.R, quiet(@data_io.read, golden_file('mlp_rect_lrp_epsilon_0.01.npy')), ...
    1e-6, 1e-9, 'golden epsilon through the header');
end

function copy = bindings_copy(name)
% A copy of bindings/matlab without lrp_ffi.oct (a fresh clone's state), in scratch.
d = scratch_dir(name);
copy = fullfile(d, 'matlab');
copyfile(lrp_test_paths('bindings'), copy);
oct = fullfile(copy, 'octave', 'lrp_ffi.oct');
if exist(oct, 'file')
    delete(oct);
end
end

function oct_file_built_on_first_use()
% README.md's MATLAB example, as written but for the repository's and the golden data's
% folders, run by new Octave processes from a copy of bindings/matlab without the oct-file
% (a fresh clone after `cargo build --release --lib`): the first builds it, saying so in
% one line; the next does not; a stale one is rebuilt. Every run exits cleanly.
copy = bindings_copy('first_use');
d = fileparts(copy);
readme = fileread(fullfile(lrp_test_paths('repo'), 'README.md'));
block = regexp(readme, '## Using it from MATLAB or Octave\s*```matlab\n(.*?)```', 'tokens', 'once');
assert_true(~isempty(block), 'README.md has the MATLAB example');
code = strrep(block{1}, '<repo>/bindings/matlab', copy);
code = strrep(code, '../shared/golden', lrp_test_paths('golden'));
code = strrep(code, '''heatmap.png''', ['''' fullfile(d, 'heatmap.png') '''']);
script = fullfile(d, 'readme_example.m');
write_script(script, {code});
env = {sprintf('LRP_LIBRARY_DIR="%s"', lrp_library_dir())};
[status, out, err] = run_octave(script, env);
assert_true(status == 0 && isempty(err), 'first run: status %d, stderr:\n%s\n%s', status, err, out);
built = regexp(out, 'lrp: building the Octave loadlibrary emulation [^\n]*', 'match');
assert_true(numel(built) == 1, 'one line says the oct-file is built:\n%s', out);
assert_true(isfile(fullfile(copy, 'octave', 'lrp_ffi.oct')), 'lrp_ffi.oct built');
assert_true(isempty(glob(fullfile(copy, 'octave', '*.o'))), 'no object files left');
[w, h] = png_size(fullfile(d, 'heatmap.png'));
assert_true(h == 96 && w == 2 * 96 + 2, 'the example''s heatmap.png is %d x %d', h, w);
[status, out, err] = run_octave(script, env);
assert_true(status == 0 && isempty(err), 'second run: status %d, stderr:\n%s', status, err);
assert_true(isempty(strfind(out, 'building')), 'no rebuild on the second run:\n%s', out);
% Older than its source: rebuilt.
src = fullfile(copy, 'octave', 'lrp_ffi.cc');
pause(1.1);
fid = fopen(src, 'a');
fprintf(fid, '\n');
fclose(fid);
[status, out] = run_octave(script, env);
assert_true(status == 0 && ~isempty(strfind(out, '(older than lrp_ffi.cc)')), ...
    'a stale oct-file is rebuilt:\n%s', out);
end

function oct_file_build_errors_say_what_to_install()
copy = bindings_copy('cannot_build');
script = fullfile(fileparts(copy), 'use.m');
write_script(script, {
    sprintf('addpath(''%s'');', copy)
    'try'
    sprintf('  nn = model_io.read(''%s'');', golden_file('mlp_rect.txt'))
    'catch err'
    '  fprintf(''%s\n%s\n'', err.identifier, err.message);'
    'end'
    });
env = {sprintf('LRP_LIBRARY_DIR="%s"', lrp_library_dir())};
[status, out] = run_octave(script, [env {'LRP_MKOCTFILE=/nonexistent/mkoctfile'}]);
assert_true(status == 0, 'status %d', status);
for want = {'lrp:octaveFfi', 'mkoctfile is missing', 'apt-get install liboctave-dev libffi-dev', ...
        'make octave-ffi'}
    assert_true(~isempty(strfind(out, want{1})), 'no mkoctfile: "%s" missing from:\n%s', want{1}, out);
end
% A compiler that cannot see ffi.h (here: one that fails) stands for missing libffi headers.
[status, out] = run_octave(script, [env {'CXX=false'}]);
assert_true(status == 0, 'status %d', status);
for want = {'lrp:octaveFfi', 'ffi.h is missing', 'libffi-dev', 'make octave-ffi'}
    assert_true(~isempty(strfind(out, want{1})), 'no ffi.h: "%s" missing from:\n%s', want{1}, out);
end
assert_true(~isfile(fullfile(copy, 'octave', 'lrp_ffi.oct')), 'nothing built');
end
