function image = digit_to_rgb(X, scaling, shape, cmap)
%RENDER.DIGIT_TO_RGB  An input image as RGB: X (H*W values; see render.vec2im for shape)
%   scaled to [0, 1] (min to 0, max to 1), coloured with cmap and enlarged `scaling` times
%   (default 3): an (H*scaling) x (W*scaling) x 3 image in [0, 1].
%   cmap: a colour-map name for liblrp (default 'binary', i.e. 1 - gray(255): dark
%   strokes on white; also 'gray', 'jet', 'gray-red', 'black-firered', ...) or a K x 3
%   colour map matrix.
if nargin < 2 || isempty(scaling)
    scaling = 3;
end
if nargin < 3
    shape = [];
end
if nargin < 4 || isempty(cmap)
    cmap = 'binary';
end
if ~(isnumeric(scaling) && isscalar(scaling) && isfinite(scaling) && round(scaling) >= 1)
    error('lrp:invalidArgument', 'render: scaling must be a whole number >= 1');
end
scaling = round(double(scaling));
X = render.vec2im(lrp_native.as_double(X, 'X'), shape);
[h, w] = size(X);
if isnumeric(cmap)
    lo = min(X(:));
    range = max(X(:)) - lo;
    if range > 0
        u = (X - lo) / range;
    else
        u = zeros(size(X));
    end
    image = render.enlarge_image(render.colour_(u, cmap), scaling);
    return;
end
lrp_native.lib();
out = zeros(h * scaling, w * scaling, 3);
[~, ~, image] = lrp_native.call('lrp_render_digit_to_rgb', X, uint64(numel(X)), uint64(h), uint64(w), ...
    uint64(scaling), char(cmap), int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')), out, uint64(numel(out)));
end
