function DX = backward(h, DY, insz)
%LRP_NATIVE.BACKWARD  lrp_network_backward: the input gradient, of size INSZ (the size of
%   the input of the last forward pass on H).
if ~isa(DY, 'double') || issparse(DY) || ~isreal(DY)
    DY = lrp_native.as_double(DY, 'the gradient DY');
end
if isempty(insz)
    insz = [1 1];   % nothing cached: the library reports the missing forward pass
end
p = h.ptr;
if isempty(p)
    h.get();   % raises lrp:deleted
end
[st, ~, ~, DX] = calllib('lrp', 'lrp_network_backward', p, DY, uint64(numel(DY)), int32(1), ...
    lrp_native.input_buffer(h, insz), uint64(prod(insz)));
if st ~= 0
    lrp_native.fail(st);
end
end
