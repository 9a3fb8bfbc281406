function ok = run_all(varargin)
%RUN_ALL  Runs the Octave/MATLAB test suite of the MATLAB bindings (bindings/matlab).
%
%   ok = run_all()              every test_*.m file in this folder
%   ok = run_all('golden', ...) only the files whose name contains one of the words
%
%   Each test_*.m returns a cell array of {name, function handle} pairs; every test runs
%   in a try/catch. The last line printed is "N passed, M failed"; ok is true when none
%   failed. From a shell (what `make octave-tests` runs):
%     octave-cli --no-gui --eval "cd tests/octave; exit(~run_all())"
%   Environment: LRP_GOLDEN_DIR (default ../shared/golden next to the repository),
%   LRP_LIBRARY_DIR (default target/release), LRP_TEST_QUICK=1 skips the long training run.
here = fileparts(mfilename('fullpath'));
addpath(fullfile(here, 'lib'));
addpath(lrp_test_paths('bindings'));
lrp_native.lib();
files = dir(fullfile(here, 'test_*.m'));
names = sort({files.name});
passed = 0;
failed = 0;
failures = {};
t_all = tic;
for f = 1:numel(names)
    [~, name] = fileparts(names{f});
    if ~isempty(varargin) && ~any(cellfun(@(w) ~isempty(strfind(name, w)), varargin))
        continue;
    end
    fprintf('== %s\n', name);
    try
        tests = feval(name);
    catch err
        failed = failed + 1;
        failures{end + 1} = sprintf('%s (loading): %s', name, err.message); %#ok<AGROW>
        fprintf('FAIL %s: %s\n', name, err.message);
        continue;
    end
    for t = 1:size(tests, 1)
        label = sprintf('%s/%s', name, tests{t, 1});
        t0 = tic;
        try
            tests{t, 2}();
            passed = passed + 1;
            fprintf('ok   %s (%.2f s)\n', label, toc(t0));
        catch err
            failed = failed + 1;
            where = '';
            if ~isempty(err.stack)
                where = sprintf(' [%s:%d]', err.stack(1).name, err.stack(1).line);
            end
            failures{end + 1} = sprintf('%s: %s%s', label, err.message, where); %#ok<AGROW>
            fprintf('FAIL %s: %s%s\n', label, err.message, where);
        end
    end
end
if failed > 0
    fprintf('\nFailures:\n');
    fprintf('  %s\n', failures{:});
end
fprintf('(%.1f s)\n', toc(t_all));
fprintf('%d passed, %d failed\n', passed, failed);
ok = failed == 0;
end
