function image = save_image(rgb_images, path, gap)
%RENDER.SAVE_IMAGE  Puts RGB images (a cell array, each H x W_i x 3 in [0, 1]) side by side
%   with `gap` black columns between them (default 2), writes the result to `path` as a
%   PNG (by liblrp: no image toolbox needed) and returns it. Images of another height
%   are skipped with a message, as in the toolbox; grey H x W images are drawn as RGB.
if nargin < 3 || isempty(gap)
    gap = 2;
end
if ~iscell(rgb_images)
    rgb_images = {rgb_images};
end
path = lrp_native.check_path(path, 'render.save_image');
if ~(isnumeric(gap) && isscalar(gap) && isfinite(gap) && gap >= 0 && gap == round(gap))
    error('lrp:invalidArgument', 'render.save_image: gap must be a whole number >= 0');
end
kept = {};
widths = [];
h = [];
for i = 1:numel(rgb_images)
    img = lrp_native.as_double(rgb_images{i}, sprintf('image %d', i));
    if ismatrix(img)
        img = repmat(img, [1 1 3]);
    end
    if ndims(img) ~= 3 || size(img, 3) ~= 3
        error('lrp:shapeMismatch', 'render.save_image: image %d must be H x W x 3, given %s', i, mat2str(size(img)));
    end
    if isempty(h)
        h = size(img, 1);
    elseif size(img, 1) ~= h
        fprintf('image %i differs in size. unable to perform horizontal alignment\n', i);
        fprintf('expected: Hx_xD = %i_x_%i\n', h, 3);
        fprintf('got: Hx_xD = %i_x_%i\n', size(img, 1), size(img, 3));
        fprintf('skipping image\n\n');
        continue;
    end
    kept{end + 1} = img; %#ok<AGROW>
    widths(end + 1) = size(img, 2); %#ok<AGROW>
end
if isempty(kept)
    error('lrp:invalidArgument', 'render.save_image: no image to save');
end
all_images = horzcat(kept{:});
fprintf('saving image to %s\n\n', path);
lrp_native.lib();
lrp_native.call('lrp_render_save_images_png', path, all_images, uint64(numel(all_images)), uint64(h), ...
    int32(widths), uint64(numel(widths)), uint64(gap), int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')));
parts = cell(1, 2 * numel(kept) - 1);
for i = 1:numel(kept)
    parts{2 * i - 1} = kept{i};
    if i < numel(kept)
        parts{2 * i} = zeros(h, gap, 3);
    end
end
image = horzcat(parts{:});
end
