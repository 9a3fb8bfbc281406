function tests = test_render()
%TEST_RENDER  +render: images of the documented sizes with values in [0, 1], PNG files.
tests = {
    'vec2im', @t_vec2im
    'enlarge_image', @t_enlarge_image
    'repaint_corner_pixels', @t_repaint_corner_pixels
    'digit_to_rgb', @t_digit_to_rgb
    'hm_to_rgb', @t_hm_to_rgb
    'hm_to_rgb_colour_maps', @t_hm_to_rgb_colour_maps
    'save_image', @t_save_image
    'failures', @t_failures
};
end

function assert_rgb(img, h, w, what)
assert_true(isequal(size(img), [h w 3]), '%s: size %s, expected %s', what, mat2str(size(img)), mat2str([h w 3]));
assert_true(isa(img, 'double') && all(img(:) >= 0 & img(:) <= 1), '%s: values in [0, 1]', what);
end

function t_vec2im()
assert_true(isequal(render.vec2im(1:6, [2 3]), [1 2; 3 4; 5 6]), 'reshape then transpose');
assert_true(isequal(render.vec2im(1:4), [1 2; 3 4]), 'square by default');
I = magic(28);
row = reshape(I', 1, []);   % the image in C order, as a row (the toolbox's MNIST rows)
assert_true(isequal(render.vec2im(row), I), 'C-order rows come out upright');
end

function t_enlarge_image()
img = [1 2 3; 4 5 6];
out = render.enlarge_image(img, 2);
assert_true(isequal(out, kron(img, ones(2))), '2-d enlarge');
assert_true(isequal(render.enlarge_image(img), kron(img, ones(3))), 'default scaling 3');
rgb = cat(3, img, -img, 2 * img);
out = render.enlarge_image(rgb, 3);
assert_true(isequal(size(out), [6 9 3]), '3-d size');
assert_true(isequal(out(:, :, 2), kron(-img, ones(3))), '3-d channels');
end

function t_repaint_corner_pixels()
rgb = reshape(linspace(0, 1, 6 * 6 * 3), [6 6 3]);
out = render.repaint_corner_pixels(rgb, 2);
assert_rgb(out, 6, 6, 'repaint');
fill = (rgb(1, 3, :) + rgb(3, 1, :) + rgb(3, 3, :)) / 3;
assert_close(out(1:2, 1:2, :), repmat(fill, [2 2 1]), 1e-12, 0, 'top left');
fill = (rgb(end, end - 2, :) + rgb(end - 2, end, :) + rgb(end - 2, end - 2, :)) / 3;
assert_close(out(5:6, 5:6, :), repmat(fill, [2 2 1]), 1e-12, 0, 'bottom right');
assert_true(isequal(out(3:4, :, :), rgb(3:4, :, :)), 'rest unchanged');
end

function t_digit_to_rgb()
[X, ~] = mnist_batch(1);
x = reshape(X(1, 3:30, 3:30), 1, []);
img = render.digit_to_rgb(x, 3);
assert_rgb(img, 84, 84, 'digit_to_rgb');
assert_true(all(img(1, 1, :) == 1), 'binary: background (the minimum) is white');
assert_true(min(img(:)) == 0, 'binary: the maximum is black');
assert_rgb(render.digit_to_rgb(x), 84, 84, 'default scaling');
assert_rgb(render.digit_to_rgb(x, 2, [14 56], 'gray'), 112, 28, 'shape and named map');
g = render.digit_to_rgb(x, 1, [], gray(256));
assert_rgb(g, 28, 28, 'matrix colour map');
assert_true(all(g(1, 1, :) == 0), 'gray: the minimum is black');
assert_rgb(render.digit_to_rgb(zeros(1, 16), 2), 8, 8, 'constant image');
end

function t_hm_to_rgb()
nn = quiet(@model_io.read, golden_file('lenet5.txt'));
X = mnist_batch(1);
y = nn.forward(X);
mask = zeros(size(y)); [~, c] = max(y); mask(c) = 1;
R = nn.lrp(y .* mask, 'epsilon', 1);
hm = render.hm_to_rgb(R, X, 3, [], 2);
assert_rgb(hm, 96, 96, 'hm_to_rgb with outline');
plain = render.hm_to_rgb(R);
assert_rgb(plain, 96, 96, 'hm_to_rgb defaults');
black = all(hm == 0, 3) & ~all(plain == 0, 3);
assert_true(nnz(black) > 0, 'edges of X drawn in black');
assert_rgb(render.hm_to_rgb(R, [], 1, [16 64]), 64, 16, 'shape');
Z = render.hm_to_rgb(zeros(4), [], 1);
jet_mid = render.hm_to_rgb(0, [], 1, [1 1], [], [], false);
assert_close(Z, repmat(jet_mid, [4 4 1]), 0, 0, 'all-zero map: the middle colour');
hot = render.hm_to_rgb(ones(2), [], 1, [], [], [], false);
assert_close(squeeze(hot(1, 1, :))', [0.5 0 0], 0.02, 0.02, 'jet top is dark red');
end

function t_hm_to_rgb_colour_maps()
R = [1 -1; 0.5 0];
for name = {'jet', 'gray', 'binary', 'seismic', 'bwr', 'gray-red', 'black-firered'}
    assert_rgb(render.hm_to_rgb(R, [], 2, [], [], name{1}), 4, 4, name{1});
end
cm = [0 0 1; 1 1 1; 1 0 0];
img = render.hm_to_rgb(R, [], 1, [], [], cm);
assert_rgb(img, 2, 2, 'matrix colour map');
assert_close(squeeze(img(1, 1, :))', [1 0 0], 0, 0, '+1 -> last entry');
assert_close(squeeze(img(2, 1, :))', [0 0 1], 0, 0, '-1 -> first entry (vec2im transposes)');
assert_close(squeeze(img(2, 2, :))', [1 1 1], 0, 0, '0 -> middle entry');
img2 = render.hm_to_rgb(R, [1 0; 0 1] * 1.0, 4, [], 1, cm);
assert_rgb(img2, 8, 8, 'matrix colour map with outline');
end

function t_save_image()
d = scratch_dir('render_png');
a = rand(30, 20, 3);
b = rand(30, 10, 3);
p = fullfile(d, 'two.png');
out = evalc('img = render.save_image({a, b}, p, 4);');
assert_true(~isempty(strfind(out, ['saving image to ' p])), 'message');
assert_true(isequal(size(img), [30 34 3]), 'returned image size %s', mat2str(size(img)));
assert_true(all(all(all(img(:, 21:24, :) == 0))), 'black gap');
assert_true(isequal(img(:, 25:34, :), b), 'second image placed after the gap');
[w, h, ct] = png_size(p);
assert_true(w == 34 && h == 30 && ct == 2, 'PNG %d x %d, colour type %d', w, h, ct);
q = fullfile(d, 'default_gap.png');
img = quiet(@render.save_image, {a, rand(31, 5, 3), b}, q);
assert_true(isequal(size(img), [30 32 3]), 'default gap 2, wrong height skipped: %s', mat2str(size(img)));
[w, h] = png_size(q);
assert_true(w == 32 && h == 30, 'PNG size');
if exist('imread', 'file')
    try
        back = double(imread(p)) / 255;
        assert_close(back, img_with_gap_(a, b, 4), 0, 0.5 / 255 + 1e-12, 'PNG pixels');
    catch err
        if ~isempty(strfind(err.identifier, 'test:'))
            rethrow(err);
        end
    end
end
end

function img = img_with_gap_(a, b, gap)
img = [a zeros(size(a, 1), gap, 3) b];
end

function t_failures()
d = scratch_dir('render_fail');
assert_error(@() render.hm_to_rgb(rand(4), [], 1, [], [], 'no-such-map'), 'lrp:invalidArgument', 'no-such-map');
assert_error(@() render.vec2im(1:5), 'lrp:shapeMismatch', '5 values');
assert_error(@() render.hm_to_rgb([1 NaN; 0 0]), 'lrp:nonFinite');
assert_error(@() render.enlarge_image(ones(2), 0), 'lrp:invalidArgument', 'scaling');
assert_error(@() render.hm_to_rgb(ones(4), ones(9)), 'lrp:shapeMismatch', 'differ in size');
assert_error(@() quiet(@render.save_image, {rand(4, 4, 3)}, fullfile(d, 'missing', 'x.png')), 'lrp:io', 'x.png');
assert_error(@() quiet(@render.save_image, {rand(4, 4, 3) * NaN}, fullfile(d, 'nan.png')), 'lrp:nonFinite');
end
