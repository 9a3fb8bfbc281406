function set_preset(h, index, lrp_var, param)
%LRP_NATIVE.SET_PRESET  Sets the LRP preset of layer INDEX (0-based) of the network H to
%   the toolbox's (lrp_var, param). 'zbox' takes either a scalar bound p (inputs in
%   [-p, p]) or a 2 x C matrix [low; high] of bounds per input channel (C = 1: the same
%   bounds for every input); any other rule goes through lrp_native.rule_args. The library
%   checks everything else (lrp:* errors with its message).
if ischar(lrp_var) && strcmpi(lrp_var, 'zbox') && isnumeric(param) && ~isscalar(param) ...
        && ~isempty(param)
    if size(param, 1) ~= 2 || ~isreal(param) || ndims(param) > 2
        error('lrp:invalidArgument', ...
            'lrp: zbox bounds per channel must be a real 2 x C matrix [low; high], given a %s of size %s', ...
            class(param), mat2str(size(param)));
    end
    bounds = double(param);
    lrp_native.call('lrp_layer_set_zbox', h.get(), uint64(index), bounds(1, :), ...
        bounds(2, :), uint64(size(bounds, 2)));
else
    [rule, p] = lrp_native.rule_args(lrp_var, param, false);
    lrp_native.call('lrp_layer_set_lrp_parameters', h.get(), uint64(index), rule, p);
end
end
