function set_param(h, index, which, V, shape, what)
%LRP_NATIVE.SET_PARAM  Replaces W (WHICH = 0) or B (1) of layer INDEX (0-based) of H with V,
%   which must have size SHAPE (trailing singleton dimensions aside; B may be a row or a
%   column). WHAT names the property in errors.
V = lrp_native.as_double(V, what);
given = size(V);
ok = isequal(trim_(given), trim_(shape));
if ~ok && which == 1 && isvector(V) && numel(V) == prod(shape)
    ok = true;   % biases as a column
end
if ~ok
    error('lrp:shapeMismatch', 'lrp: %s must be of size %s, given %s', what, ...
        size_text_(shape), size_text_(given));
end
st = calllib('lrp', 'lrp_layer_set_param', h.get(), uint64(index), int32(which), ...
    V, uint64(numel(V)), int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')));
if st ~= 0
    lrp_native.fail(st);
end
end

function s = trim_(s)
s = double(s);
while numel(s) > 2 && s(end) == 1
    s(end) = [];
end
end

function t = size_text_(s)
t = strjoin(arrayfun(@num2str, s, 'UniformOutput', false), ' x ');
end
