function rgb = colour_(u, cmap)
%RENDER.COLOUR_  (internal) The H x W values u in [0, 1] coloured with the K x 3 colour map
%   matrix cmap (nearest entry), as an H x W x 3 image.
if ~(ismatrix(cmap) && size(cmap, 2) == 3 && size(cmap, 1) >= 1)
    error('lrp:invalidArgument', 'render: a colour map matrix must be K x 3');
end
u = min(max(u, 0), 1);
u(isnan(u)) = 0;
k = round(u * (size(cmap, 1) - 1)) + 1;
rgb = reshape(cmap(k(:), :), [size(u, 1), size(u, 2), 3]);
end
