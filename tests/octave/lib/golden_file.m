function p = golden_file(name)
%GOLDEN_FILE  Full path of a file of the shared golden data.
p = fullfile(lrp_test_paths('golden'), name);
end
