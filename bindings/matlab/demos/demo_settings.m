function s = demo_settings()
%DEMO_SETTINGS  Where the demos read data and write images, and whether to run short.
%
%   s.data: the shared data folder, $LRP_DATA_DIR, else ../shared/golden beside the
%           repository (the models lenet5.txt, mlp_rect.txt, xor_net_small.txt and the
%           MNIST arrays mnist_test_x.npy, mnist10k_images_u8.npy, ...).
%   s.out:  the folder for PNG files and models, $LRP_DEMO_OUT, else a folder lrp_demos
%           in tempdir (created when missing).
%   s.fast: $LRP_DEMO_FAST set to 1: fewer samples and iterations (for tests).
%   The demos also put bindings/matlab on the path.
here = fileparts(mfilename('fullpath'));
bindings = fileparts(here);
addpath(bindings);
repo = fileparts(fileparts(bindings));
s.data = getenv('LRP_DATA_DIR');
if isempty(s.data)
    s.data = fullfile(fileparts(repo), 'shared', 'golden');
end
s.out = getenv('LRP_DEMO_OUT');
if isempty(s.out)
    s.out = fullfile(tempdir(), 'lrp_demos');
end
if ~exist(s.out, 'dir')
    mkdir(s.out);
end
s.fast = strcmp(getenv('LRP_DEMO_FAST'), '1');
end
