function DX = backward(h, DY, insz)
%LRP_NATIVE.BACKWARD  lrp_network_backward: the input gradient, of size INSZ (the size of
%   the input of the last forward pass on H); its buffer comes from lrp_native.input_args.
if ~isa(DY, 'double') || issparse(DY) || ~isreal(DY)
    DY = lrp_native.as_double(DY, 'the gradient DY');
end
a = h.xargs_;
if isempty(a) || numel(a{1}) ~= numel(insz) || any(a{1} ~= insz)
    a = lrp_native.input_args(h, insz);
end
[st, ~, ~, DX] = calllib('lrp', 'lrp_network_backward', a{2}, DY, uint64(numel(DY)), a{3:5});
if st ~= 0
    lrp_native.fail(st);
end
end
