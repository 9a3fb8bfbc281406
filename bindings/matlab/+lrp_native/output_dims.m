function osz = output_dims(h, insz)
%LRP_NATIVE.OUTPUT_DIMS  The network's output size for an input of size INSZ (any rank,
%   lrp_network_output_dims), at least two dims as MATLAB sizes arrays.
cap = lrp_native.constants('LRP_MAX_RANK');
[~, ~, d, rank] = lrp_native.call('lrp_network_output_dims', h.get(), uint64(insz), ...
    int32(numel(insz)), zeros(1, cap, 'uint64'), uint64(cap), int32(0));
osz = double(d(1:double(rank)));
if numel(osz) < 2
    osz = [osz ones(1, 2 - numel(osz))];
end
end
