function p = lrp_test_paths(what)
%LRP_TEST_PATHS  Folders the tests use: 'bindings' (bindings/matlab), 'golden' (the shared
%   golden data: $LRP_GOLDEN_DIR or ../shared/golden next to the repository), 'repo',
%   'build' (target/octave-tests, for test artefacts).
here = fileparts(fileparts(mfilename('fullpath')));   % tests/octave
repo = fileparts(fileparts(here));
switch what
    case 'repo'
        p = repo;
    case 'bindings'
        p = fullfile(repo, 'bindings', 'matlab');
    case 'golden'
        p = getenv('LRP_GOLDEN_DIR');
        if isempty(p)
            p = fullfile(fileparts(repo), 'shared', 'golden');
        end
    case 'build'
        p = fullfile(repo, 'target', 'octave-tests');
        if ~exist(p, 'dir')
            mkdir(p);
        end
    otherwise
        error('unknown path %s', what);
end
end
