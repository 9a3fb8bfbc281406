function ratio = bench_speed()
%BENCH_SPEED  The speed figure of the MATLAB bindings (a benchmark, not a test: timings on
%   a shared machine are no pass/fail criterion). LeNet-5 at batch 64, forward + epsilon
%   LRP from Octave through the bindings, against the engine's own time for the same work
%   (tests/octave/engine_time.c, calling the C ABI directly with row-major arrays). Both
%   sides are measured in alternating rounds; a round's time is its fastest of 15
%   repetitions (the least disturbed), and the ratio compares the medians over the rounds.
%   The issue's target is a ratio of at most 1.3. Run: make octave-bench.
here = fileparts(mfilename('fullpath'));
addpath(fullfile(here, 'lib'));
addpath(lrp_test_paths('bindings'));
ratio = lenet5_batch64();
end

function exe = engine_time_exe()
exe = fullfile(lrp_test_paths('build'), 'engine_time');
src = fullfile(fileparts(mfilename('fullpath')), 'engine_time.c');
repo = lrp_test_paths('repo');
libdir = getenv('LRP_LIBRARY_DIR');
if isempty(libdir)
    libdir = fullfile(repo, 'target', 'release');
end
info_exe = dir(exe);
info_src = dir(src);
if isempty(info_exe) || info_exe.datenum < info_src.datenum
    cmd = sprintf('cc -std=c99 -O2 -I"%s" "%s" -o "%s" -L"%s" -Wl,-rpath,"%s" -llrp -lm', ...
        fullfile(repo, 'include'), src, exe, libdir, libdir);
    [st, out] = system(cmd);
    assert_true(st == 0, 'building engine_time failed: %s\n%s', cmd, out);
end
end

function [best_ms, checksum] = engine_round(exe, reps, layout)
if nargin < 3
    layout = '';
end
[st, out] = system(sprintf('"%s" "%s" %d %s', exe, lrp_test_paths('golden'), reps, layout));
assert_true(st == 0, 'engine_time failed: %s', out);
v = sscanf(out(strfind(out, 'engine_ms'):end), 'engine_ms %f %f');
c = sscanf(out(strfind(out, 'checksum'):end), 'checksum %f');
best_ms = v(2);
checksum = c(1);
end

function [best_ms, checksum] = octave_round(nn, X, reps)
t = zeros(1, reps);
for k = 1:reps + 3
    t0 = tic;
    y = nn.forward(X);
    [~, c] = max(y, [], 2);
    mask = zeros(size(y));
    mask(sub2ind(size(y), (1:size(y, 1))', c)) = 1;
    R = nn.lrp(y .* mask, 'epsilon', 0.01);
    if k > 3
        t(k - 3) = toc(t0) * 1e3;
    end
end
best_ms = min(t);
checksum = sum(R(:));
end

function ratio = lenet5_batch64()
limit = 1.3;   % the issue's target
exe = engine_time_exe();
nn = quiet(@model_io.read, golden_file('lenet5.txt'));
X = mnist_batch(64);
assert_true(isequal(size(X), [64 32 32]), 'batch size');
reps = 15;
rounds = 7;
eng = zeros(1, rounds);
oct = zeros(1, rounds);
col = zeros(1, rounds);
for r = 1:rounds
    [eng(r), ce] = engine_round(exe, reps);
    [oct(r), co] = octave_round(nn, X, reps);
    col(r) = engine_round(exe, reps, 'col');
end
assert_close(co, ce, 1e-9, 1e-9, 'same work (relevance checksum)');
ratio = median(oct) / median(eng);
fprintf('speed: LeNet-5, batch 64, forward + epsilon LRP: engine %.2f ms, Octave bindings %.2f ms: ratio %.3f (target %.2f)\n', ...
    median(eng), median(oct), ratio, limit);
% for the record: the engine itself with MATLAB's (column-major) arrays
fprintf('       (the engine alone with column-major arrays: %.2f ms, %.3fx)\n', median(col), median(col) / median(eng));
end
