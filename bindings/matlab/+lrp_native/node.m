function info = node(h, index)
%LRP_NATIVE.NODE  What the library holds of node INDEX (0-based) of the network H, read
%   through lrp_node_*: info.inputs, the values the node takes (0 the network input, k the
%   output of layer k, 1-based as MATLAB counts layers), and info.attributes, a struct of
%   the kind's attributes (strides, paddings, dilations, groups, pool windows, ceil_mode,
%   count_include_pad, eps; see lrp_layer_spec_new in lrp.h), empty for kinds without.
p = h.get();
len = lrp_native.constants('LRP_NODE_NAME_LEN');
[~, n] = lrp_native.call('lrp_node_num_inputs', p, uint64(index), uint64(0));
[~, inputs] = lrp_native.call('lrp_node_inputs', p, uint64(index), ...
    zeros(1, double(n), 'uint64'), uint64(n));
info.inputs = double(inputs(:)');
[~, count] = lrp_native.call('lrp_node_num_attributes', p, uint64(index), uint64(0));
info.attributes = struct();
for k = 1:double(count)
    [~, name] = lrp_native.call('lrp_node_attribute_name', p, uint64(index), uint64(k - 1), ...
        blanks(len), uint64(len));
    name = deblank(name);
    [~, ~, value] = lrp_native.call('lrp_node_attribute', p, uint64(index), name, 0);
    info.attributes.(name) = double(value);
end
end
