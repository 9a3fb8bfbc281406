function rgbimg = repaint_corner_pixels(rgbimg, scaling)
%RENDER.REPAINT_CORNER_PIXELS  The top-left and bottom-right scaling x scaling blocks of the
%   H x W x 3 image take the mean colour of the three pixels just outside each block (as
%   in the toolbox, which paints the heatmap's extremes there). Default scaling 3.
if nargin < 2 || isempty(scaling)
    scaling = 3;
end
if ~(isnumeric(scaling) && isscalar(scaling) && isfinite(scaling) && round(scaling) >= 1)
    error('lrp:invalidArgument', 'render: scaling must be a whole number >= 1');
end
rgbimg = lrp_native.as_double(rgbimg, 'rgbimg');
if ndims(rgbimg) ~= 3 || size(rgbimg, 3) ~= 3
    error('lrp:shapeMismatch', 'render.repaint_corner_pixels: the image must be H x W x 3, given %s', mat2str(size(rgbimg)));
end
[h, w, ~] = size(rgbimg);
lrp_native.lib();
rgbimg = lrp_native.call('lrp_render_repaint_corner_pixels', rgbimg, uint64(numel(rgbimg)), ...
    uint64(h), uint64(w), uint64(round(scaling)), int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')));
end
