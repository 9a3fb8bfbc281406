function p = zennit_file(name)
%ZENNIT_FILE  Path of `name` in zennit's reference data (../shared/golden-zennit, next to
%   the toolbox's golden directory).
p = fullfile(lrp_test_paths('golden'), '..', 'golden-zennit', name);
end
