function osz = output_size(h, insz)
%LRP_NATIVE.OUTPUT_SIZE  The network's output size for an input of size INSZ.
[rank, d0, d1, d2, d3] = lrp_native.dims(insz);
z = uint64(0);
[st, ~, o0, o1, o2, o3, orank] = calllib('lrp', 'lrp_network_output_shape', h.get(), ...
    rank, d0, d1, d2, d3, z, z, z, z, int32(0));
if st ~= 0
    lrp_native.fail(st);
end
osz = double([o0 o1 o2 o3]);
osz = osz(1:double(orank));
if numel(osz) < 2
    osz = [osz ones(1, 2 - numel(osz))];
end
end
