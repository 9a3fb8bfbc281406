function d = scratch_dir(name)
%SCRATCH_DIR  A fresh folder for a test's files, under target/octave-tests/scratch.
d = fullfile(lrp_test_paths('build'), 'scratch', name);
if exist(d, 'dir')
    confirm_recursive_rmdir(false);
    rmdir(d, 's');
end
mkdir(d);
end
