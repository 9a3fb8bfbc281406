function n = num_layers(h)
%LRP_NATIVE.NUM_LAYERS  Number of layers of the native network H.
[st, ~, n] = calllib('lrp', 'lrp_network_num_layers', h.get(), uint64(0));
if st ~= 0
    lrp_native.fail(st);
end
n = double(n);
end
