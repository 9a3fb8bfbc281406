function rgbimg = hm_to_rgb(R, X, scaling, shape, sigma, cmap, normalize)
%RENDER.HM_TO_RGB  A relevance map as an RGB heatmap in [0, 1].
%
%   rgbimg = render.hm_to_rgb(R, X, scaling, shape, sigma, cmap, normalize)
%   R (H*W values; see render.vec2im for shape) divided by its largest magnitude when
%   normalize (default true), coloured at (R + 1)/2 with cmap (default 'jet': MATLAB's
%   jet(255); any liblrp colour-map name, or a K x 3 matrix), enlarged `scaling` times
%   (default 3); when X (the explained input, same size) is given, its Canny edges
%   (Gaussian sigma, default 2) are drawn in black. An (H*scaling) x (W*scaling) x 3 image.
if nargin < 2
    X = [];
end
if nargin < 3 || isempty(scaling)
    scaling = 3;
end
if nargin < 4
    shape = [];
end
if nargin < 5 || isempty(sigma)
    sigma = 2;
end
if nargin < 6 || isempty(cmap)
    cmap = 'jet';
end
if nargin < 7 || isempty(normalize)
    normalize = true;
end
if ~(isnumeric(scaling) && isscalar(scaling) && isfinite(scaling) && round(scaling) >= 1)
    error('lrp:invalidArgument', 'render: scaling must be a whole number >= 1');
end
scaling = round(double(scaling));
R = render.vec2im(lrp_native.as_double(R, 'R'), shape);
[h, w] = size(R);
if ~isempty(X)
    X = render.vec2im(lrp_native.as_double(X, 'X'), shape);
    if ~isequal(size(X), size(R))
        error('lrp:shapeMismatch', 'render.hm_to_rgb: X (%s) and R (%s) differ in size', mat2str(size(X)), mat2str(size(R)));
    end
end
lrp_native.lib();
out = zeros(h * scaling, w * scaling, 3);
if isnumeric(cmap)
    if any(~isfinite(R(:)))
        error('lrp:nonFinite', 'render.hm_to_rgb: R holds NaN or Inf');
    end
    t = R;
    if normalize
        m = max(abs(t(:)));
        if m > 0
            t = t / m;
        end
    end
    rgbimg = render.enlarge_image(render.colour_((min(max(t, -1), 1) + 1) / 2, cmap), scaling);
    if ~isempty(X)
        Xe = render.enlarge_image(X, scaling);
        [~, edges] = lrp_native.call('lrp_render_canny', Xe, uint64(numel(Xe)), uint64(size(Xe, 1)), ...
            uint64(size(Xe, 2)), double(sigma), 0.1, 0.2, int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')), zeros(size(Xe)), uint64(numel(Xe)));
        rgbimg = rgbimg .* repmat(1 - edges, [1 1 3]);
    end
    return;
end
[~, ~, ~, rgbimg] = lrp_native.call('lrp_render_hm_to_rgb', R, uint64(numel(R)), uint64(h), uint64(w), ...
    X, uint64(numel(X)), uint64(scaling), double(sigma), char(cmap), int32(logical(normalize)), ...
    int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')), out, uint64(numel(out)));
end
