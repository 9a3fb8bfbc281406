function Y = forward(h, X, lrp_aware)
%LRP_NATIVE.FORWARD  One call to lrp_network_forward with X in MATLAB's own layout.
%
%   X is N x M or N x H x W x D by index, as in the toolbox; it goes to the library with
%   the column-major layout flag (no permute), and Y comes back in the same layout, as
%   the output of calllib for a plain array. The call's other arguments depend only on
%   the size of X: they are made once per size (lrp_native.forward_args) and kept in H,
%   as every operation on this path costs microseconds under Octave.
if ~isa(X, 'double') || issparse(X) || ~isreal(X)
    X = lrp_native.as_double(X, 'the input X');
end
a = h.fwd_;
insz = size(X);
if isempty(a) || numel(a{1}) ~= numel(insz) || any(a{1} ~= insz)
    a = lrp_native.forward_args(h, insz);
end
if nargin > 2 && ~isempty(lrp_aware) && logical(lrp_aware)
    a{10} = int32(1);
end
[st, ~, ~, Y] = calllib('lrp', 'lrp_network_forward', a{2}, X, a{3:end});
if st ~= 0
    lrp_native.fail(st);
end
end
