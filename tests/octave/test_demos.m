function tests = test_demos()
%TEST_DEMOS  Each demo script of bindings/matlab/demos runs without interaction (short
%   settings: LRP_DEMO_FAST=1) and writes its PNG files.
tests = {
    'mini', @() run_demo('mini', {'mini_xor.png', 'mini_hm.png'})
    'lrp_demo', @() run_demo('lrp_demo', {'lrp_demo_01.png', 'lrp_demo_03.png', 'lrp_demo_Rbatch.npy'})
    'lrp_cnn_demo', @() run_demo('lrp_cnn_demo', {'lrp_cnn_demo_01.png', 'lrp_cnn_demo_03.png', 'lrp_cnn_demo_Rbatch.npy'})
    'training_test', @() run_demo('training_test', {'mnist_mlp_784-300-10.txt', 'xor_net_small.txt'})
    'cnn_training_test', @() run_demo('cnn_training_test', {'LeNet-5m.txt', 'LeNet-5m-maxpooling.txt', 'cnn_training_test_heatmap.png'})
};
end

function run_demo(name, files)
d = scratch_dir(['demo_' name]);
old_out = getenv('LRP_DEMO_OUT');
old_fast = getenv('LRP_DEMO_FAST');
setenv('LRP_DEMO_OUT', d);
setenv('LRP_DEMO_FAST', '1');
script = fullfile(lrp_test_paths('bindings'), 'demos', [name '.m']);
try
    out = run_in_own_workspace_(script);
catch err
    setenv('LRP_DEMO_OUT', old_out);
    setenv('LRP_DEMO_FAST', old_fast);
    rethrow(err);
end
setenv('LRP_DEMO_OUT', old_out);
setenv('LRP_DEMO_FAST', old_fast);
for k = 1:numel(files)
    p = fullfile(d, files{k});
    assert_true(exist(p, 'file') == 2, '%s did not write %s; output:\n%s', name, files{k}, out);
    if numel(p) > 4 && strcmp(p(end - 3:end), '.png')
        [w, h] = png_size(p);
        assert_true(w > 0 && h > 0, 'PNG %s', p);
    end
end
end

function out = run_in_own_workspace_(script)
out = evalc('run(script)');
end
