function im = vec2im(V, shape)
%RENDER.VEC2IM  V (any array of H*W values) as an image, as the toolbox does:
%   reshape(V, shape)'. Without shape the image is square. For a row vector holding an
%   image in C order (the toolbox's MNIST rows) this gives the upright H x W image.
if nargin < 2 || isempty(shape)
    side = sqrt(numel(V));
    if side ~= round(side)
        error('lrp:shapeMismatch', 'render.vec2im: %d values make no square image; give the shape', numel(V));
    end
    shape = [side side];
end
if numel(shape) ~= 2 || prod(shape) ~= numel(V)
    error('lrp:shapeMismatch', 'render.vec2im: %d values do not fit the shape %s', numel(V), mat2str(shape));
end
im = reshape(V, shape)';
end
