function a = forward_args(h, insz)
%LRP_NATIVE.FORWARD_ARGS  The arguments of lrp_network_forward for inputs of size INSZ:
%   {INSZ, network, then every argument after X: x_len, rank, d0..d3, layout, lrp_aware,
%   the output buffer (zeros, a plain array: calllib returns its copy) and its length}.
%   Kept in H (fwd_) for the next passes of that size; H forgets it when its layers change
%   (Handle.changed) or it is freed.
p = h.get();
osz = lrp_native.output_size(h, insz);
[rank, d0, d1, d2, d3] = lrp_native.dims(insz);
a = {insz, p, uint64(prod(insz)), rank, d0, d1, d2, d3, int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')), int32(0), ...
    zeros(osz), uint64(prod(osz))};
h.fwd_ = a;
end
