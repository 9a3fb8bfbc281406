function tests = test_api_example()
%TEST_API_EXAMPLE  The example of docs/TOOLBOX_API.md runs as written (only its addpath
%   line changed to this repository), from a folder holding LeNet-5.txt and
%   test_images.mat (MNIST digits as 0..255 rows, as the toolbox ships them).
tests = {
    'toolbox_api_md_example', @toolbox_api_md_example
};
end

function toolbox_api_md_example()
docs = fullfile(fileparts(lrp_test_paths('golden')), 'docs', 'TOOLBOX_API.md');
text = fileread(docs);
first = strfind(text, '```matlab');
assert_true(~isempty(first), 'no matlab example in %s', docs);
body = text(first(1) + numel('```matlab'):end);
body = body(1:strfind(body, '```') - 1);
lines = regexp(body, '\n', 'split');
assert_true(~isempty(strfind(lines{2}, 'addpath(')), 'the example starts with addpath: %s', lines{2});
lines{2} = sprintf('addpath(''%s'');', lrp_test_paths('bindings'));
d = scratch_dir('api_example');
copyfile(golden_file('lenet5.txt'), fullfile(d, 'LeNet-5.txt'));
images = quiet(@data_io.read, golden_file('mnist10k_images_u8.npy'));
test_images = images(1:20, :); %#ok<NASGU>
save('-v7', fullfile(d, 'test_images.mat'), 'test_images');
script = fullfile(d, 'toolbox_example.m');
fid = fopen(script, 'w');
fprintf(fid, '%s\n', lines{:});
fclose(fid);
if ~exist('padarray', 'file')
    addpath(fullfile(fileparts(mfilename('fullpath')), 'compat'));
end
here = pwd();
cd(d);
try
    out = evalc('run(script)');
catch err
    cd(here);
    rethrow(err);
end
cd(here);
% the toolbox's LeNet-5 has no SoftMax: drop_softmax_output_layer says so
assert_true(~isempty(strfind(out, 'output layer is not softmax. nothing to do')), 'drop message: %s', out);
assert_true(~isempty(strfind(out, 'loading plain text model from LeNet-5.txt')), 'read message: %s', out);
assert_true(~isempty(strfind(out, 'saving image to heatmap.png')), 'save message: %s', out);
[w, h] = png_size(fullfile(d, 'heatmap.png'));
assert_true(w == 2 * 96 + 2 && h == 96, 'heatmap.png %d x %d', w, h);
end
