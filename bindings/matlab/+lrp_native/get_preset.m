function [lrp_var, param] = get_preset(h, index)
%LRP_NATIVE.GET_PRESET  The canonical rule name of the preset of layer INDEX (0-based) of
%   the network H and its parameter ([] when it has none; zbox bounds are not reported).
[st, ~, lrp_var, param] = calllib('lrp', 'lrp_layer_get_lrp_parameters', h.get(), ...
    uint64(index), blanks(32), uint64(32), 0);
if st ~= 0
    lrp_native.fail(st);
end
lrp_var = deblank(lrp_var);
if isnan(param)
    param = [];
end
end
