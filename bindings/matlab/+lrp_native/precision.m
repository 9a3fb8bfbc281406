function p = precision(h)
%LRP_NATIVE.PRECISION  lrp_network_precision: 'double' or 'single', what the stateless
%   calls of H compute in (see lrp_native.set_precision).
[~, dtype] = lrp_native.call('lrp_network_precision', h.get(), int32(0));
if dtype == lrp_native.constants('LRP_DTYPE_F32')
    p = 'single';
else
    p = 'double';
end
end
