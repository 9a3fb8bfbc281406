function s = layer_sizes(h, index)
%LRP_NATIVE.LAYER_SIZES  The sizes that define layer INDEX (0-based) of H: [m n] (Linear),
%   [hf wf df nf sh sw] (Convolution), [ph pw sh sw] (pools), [] (others).
p = h.get();
[st, ~, count] = calllib('lrp', 'lrp_layer_num_sizes', p, uint64(index), uint64(0));
if st ~= 0
    lrp_native.fail(st);
end
s = zeros(1, double(count));
for k = 1:numel(s)
    [st, ~, v] = calllib('lrp', 'lrp_layer_size', p, uint64(index), uint64(k - 1), uint64(0));
    if st ~= 0
        lrp_native.fail(st);
    end
    s(k) = double(v);
end
end
