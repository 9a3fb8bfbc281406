function [lrp_var, param] = preset(h, index)
%LRP_NATIVE.PRESET  The LRP preset of layer INDEX (0-based) of H as the library holds it:
%   the canonical rule name ('simple', 'epsilon', 'alphabeta', ...) and its parameter ([]
%   when the rule has none); for zbox the bounds as a 2 x C matrix [low; high] (C = 1:
%   the same bounds for every input).
[lrp_var, param] = lrp_native.get_preset(h, index);
if strcmp(lrp_var, 'zbox')
    p = h.get();
    [~, ~, ~, count] = lrp_native.call('lrp_layer_get_zbox', p, uint64(index), [], [], ...
        uint64(0), uint64(0));
    n = double(count);
    [~, low, high] = lrp_native.call('lrp_layer_get_zbox', p, uint64(index), zeros(1, n), ...
        zeros(1, n), uint64(n), uint64(0));
    param = [low; high];
end
end
