function c = convention(h)
%LRP_NATIVE.CONVENTION  'toolbox' or 'zennit': the convention of the native network
%   handle H (lrp_network_convention).
[~, v] = lrp_native.call('lrp_network_convention', h.get(), int32(0));
if v == lrp_native.constants('LRP_CONVENTION_ZENNIT')
    c = 'zennit';
else
    c = 'toolbox';
end
end
