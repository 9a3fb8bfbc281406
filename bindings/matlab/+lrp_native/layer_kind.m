function kind = layer_kind(h, index)
%LRP_NATIVE.LAYER_KIND  The LRP_LAYER_* kind of layer INDEX (0-based) of H, and its sizes.
[st, ~, kind] = calllib('lrp', 'lrp_layer_kind', h.get(), uint64(index), int32(0));
if st ~= 0
    lrp_native.fail(st);
end
kind = double(kind);
end
