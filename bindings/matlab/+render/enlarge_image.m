function out = enlarge_image(img, scaling)
%RENDER.ENLARGE_IMAGE  Repeats every pixel of the H x W (x D) image `scaling` times along
%   height and width (default 3): an (H*scaling) x (W*scaling) (x D) image.
if nargin < 2 || isempty(scaling)
    scaling = 3;
end
scaling = render_scaling_(scaling);
img = lrp_native.as_double(img, 'img');
if ndims(img) > 3
    error('lrp:shapeMismatch', 'render.enlarge_image: the image must be H x W or H x W x D, given %s', mat2str(size(img)));
end
[h, w, d] = size(img);
out = zeros(h * scaling, w * scaling, d);
if isempty(out)
    return;
end
lrp_native.lib();
[~, out] = lrp_native.call('lrp_render_enlarge', img, uint64(numel(img)), uint64(h), uint64(w), ...
    uint64(d), uint64(scaling), int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')), out, uint64(numel(out)));
end

function s = render_scaling_(s)
if ~(isnumeric(s) && isscalar(s) && isfinite(s) && round(s) >= 1)
    error('lrp:invalidArgument', 'render: scaling must be a whole number >= 1');
end
s = round(double(s));
end
