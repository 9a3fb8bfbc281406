function tests = test_data_io()
%TEST_DATA_IO  data_io.read/write: mat, txt and npy round trips, golden .npy files, messages,
%   failures.
tests = {
    'mat_round_trip', @mat_round_trip
    'txt_round_trip_exact', @txt_round_trip_exact
    'txt_folds_dimensions', @txt_folds_dimensions
    'npy_round_trip_all_ranks', @npy_round_trip_all_ranks
    'npy_dtypes', @npy_dtypes
    'npy_golden_shapes', @npy_golden_shapes
    'explicit_format_and_messages', @explicit_format_and_messages
    'failures', @failures
};
end

function mat_round_trip()
d = scratch_dir('data_mat');
A = reshape(rand(1, 24) - 0.5, [2 3 4]);
p = fullfile(d, 'a.mat');
quiet(@data_io.write, A, p);
assert_true(isequal(quiet(@data_io.read, p), A), 'mat round trip');
S = load(p);
assert_true(isfield(S, 'data'), 'variable data');
end

function txt_round_trip_exact()
d = scratch_dir('data_txt');
A = [pi -exp(1) 1e-300; 1/3 2^60 -0; 7 NaN Inf];
p = fullfile(d, 'a.txt');
quiet(@data_io.write, A, p);
B = quiet(@data_io.read, p);
assert_true(isequal(size(B), size(A)), 'size');
assert_true(isequaln(B, A), 'exact values');
C = load(p, '-ascii');
assert_true(isequaln(C, A), 'MATLAB/Octave load reads it');
end

function txt_folds_dimensions()
d = scratch_dir('data_txt3');
A = reshape(1:24, [2 3 4]);
p = fullfile(d, 'a.txt');
quiet(@data_io.write, A, p);
assert_true(isequal(quiet(@data_io.read, p), reshape(A, 2, 12)), 'folded to 2 x 12');
end

function npy_round_trip_all_ranks()
d = scratch_dir('data_npy');
shapes = {[1 1], [5 1], [1 5], [3 4], [2 3 4], [2 3 4 5], [2 1 3 1 2], [1 2 1 2 1 2]};
for k = 1:numel(shapes)
    A = reshape(randn(1, prod(shapes{k})), shapes{k});
    p = fullfile(d, sprintf('a%d.npy', k));
    quiet(@data_io.write, A, p);
    B = quiet(@data_io.read, p);
    assert_true(isequal(B, A), 'round trip of size %s (got %s)', mat2str(shapes{k}), mat2str(size(B)));
end
end

function npy_dtypes()
d = scratch_dir('data_dtypes');
A = uint8([0 1 255; 7 8 9]);
quiet(@data_io.write, A, fullfile(d, 'u8.npy'));
B = quiet(@data_io.read, fullfile(d, 'u8.npy'));
assert_true(isa(B, 'double') && isequal(B, double(A)), 'uint8 as double');
S = single([0.5 1/3]);
quiet(@data_io.write, S, fullfile(d, 'f4.npy'));
assert_true(isequal(quiet(@data_io.read, fullfile(d, 'f4.npy')), double(S)), 'float32');
I = int32([-5 6; 7 -8]);
quiet(@data_io.write, I, fullfile(d, 'i4.npy'));
assert_true(isequal(quiet(@data_io.read, fullfile(d, 'i4.npy')), double(I)), 'int32');
L = int64([-2^40 3]);
quiet(@data_io.write, L, fullfile(d, 'i8.npy'));
assert_true(isequal(quiet(@data_io.read, fullfile(d, 'i8.npy')), double(L)), 'int64');
% the file's element type: the header says |u1 for uint8
fid = fopen(fullfile(d, 'u8.npy'), 'r');
head = fread(fid, 128, '*char')';
fclose(fid);
assert_true(~isempty(strfind(head, '|u1')), 'uint8 header: %s', head);
end

function npy_golden_shapes()
X = quiet(@data_io.read, golden_file('lenet5_input.npy'));
assert_true(size(X, 2) == 32 && size(X, 3) == 32 && size(X, 4) == 1, 'N x 32 x 32 x 1 (size %s)', mat2str(size(X)));
X = quiet(@data_io.read, golden_file('mnist_test_x.npy'));
assert_true(isequal(size(X), [256 784]), 'mnist rows');
assert_true(min(X(:)) >= -1 && max(X(:)) <= 1, 'scaled');
y = quiet(@data_io.read, golden_file('mnist_test_y.npy'));
assert_true(size(y, 1) == 256 && all(y == round(y)) && all(y >= 0 & y <= 9), 'labels');
end

function explicit_format_and_messages()
d = scratch_dir('data_msg');
A = [1 2; 3 4];
p = fullfile(d, 'a.dat');
out = evalc('data_io.write(A, p, ''npy'')');
assert_true(~isempty(strfind(out, ['writing np-formatted data to ' p])), 'npy write message');
out = evalc('B = data_io.read(p, ''npy'');');
assert_true(~isempty(strfind(out, ['loading np-formatted data from ' p])), 'npy read message');
assert_true(isequal(B, A), 'npy with explicit format');
out = evalc('data_io.write(A, p, ''txt'')');
assert_true(~isempty(strfind(out, ['writing plain text data to ' p])), 'txt write message');
out = evalc('B = data_io.read(p, ''txt'');');
assert_true(~isempty(strfind(out, ['loading plain text data from ' p])), 'txt read message');
assert_true(isequal(B, A), 'txt with explicit format');
out = evalc('data_io.write(A, p, ''mat'')');
assert_true(~isempty(strfind(out, ['writing mat-compressed data to ' p])), 'mat write message');
out = evalc('B = data_io.read(p, ''mat'');');
assert_true(~isempty(strfind(out, ['loading mat-compressed data from ' p])), 'mat read message');
assert_true(isequal(B, A), 'mat with explicit format');
end

function failures()
d = scratch_dir('data_fail');
assert_error(@() quiet(@data_io.read, fullfile(d, 'none.npy')), 'lrp:io', 'none.npy');
assert_error(@() quiet(@data_io.read, fullfile(d, 'none.txt')), 'lrp:io', 'none.txt');
assert_error(@() quiet(@data_io.read, fullfile(d, 'none.mat')), 'lrp:io', 'none.mat');
p = fullfile(d, 'bad.npy');
fid = fopen(p, 'w'); fprintf(fid, 'not numpy'); fclose(fid);
assert_error(@() quiet(@data_io.read, p), 'lrp:parse', 'bad.npy');
q = fullfile(d, 'bad.txt');
fid = fopen(q, 'w'); fprintf(fid, '1 2\n3 x\n'); fclose(fid);
assert_error(@() quiet(@data_io.read, q), 'lrp:parse', 'bad.txt');
assert_error(@() quiet(@data_io.read, fullfile(d, 'a.xyz')), 'lrp:invalidArgument', 'unknown format ''xyz''');
assert_error(@() quiet(@data_io.write, 1, fullfile(d, 'a.xyz')), 'lrp:invalidArgument', 'unknown format ''xyz''');
assert_error(@() quiet(@data_io.write, {1}, fullfile(d, 'a.npy')), 'lrp:invalidArgument', 'numeric');
assert_error(@() quiet(@data_io.write, 1, fullfile(d, 'no_such_dir', 'a.npy')), 'lrp:io', 'a.npy');
end
