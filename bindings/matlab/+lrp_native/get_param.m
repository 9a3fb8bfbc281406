function V = get_param(h, index, which, shape)
%LRP_NATIVE.GET_PARAM  W (WHICH = 0) or B (1) of layer INDEX (0-based) of H, as an array of
%   size SHAPE (in MATLAB's layout: the library converts).
[st, ~, V] = calllib('lrp', 'lrp_layer_get_param', h.get(), uint64(index), int32(which), ...
    zeros(shape), uint64(prod(shape)), int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')));
if st ~= 0
    lrp_native.fail(st);
end
end
