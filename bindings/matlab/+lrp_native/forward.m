function Y = forward(h, X, lrp_aware)
%LRP_NATIVE.FORWARD  One call to lrp_network_forward with X in MATLAB's own layout.
%
%   X is N x M or N x H x W x D by index, as in the toolbox; it goes to the library with
%   the column-major layout flag (no permute), and Y comes back in the same layout, as
%   the output of calllib for a plain array (no lib.pointer: fewer copies). The output
%   size of an input size is asked once and kept in H until its layers change.
if ~isa(X, 'double') || issparse(X) || ~isreal(X)
    X = lrp_native.as_double(X, 'the input X');
end
p = h.ptr;
if isempty(p)
    h.get();   % raises lrp:deleted
end
insz = size(X);
cached = h.in_size_;
if numel(cached) == numel(insz) && all(cached == insz) && ~isempty(h.out_size_)
    osz = h.out_size_;
else
    osz = lrp_native.output_size(h, insz);
    h.in_size_ = insz;
    h.out_size_ = osz;
end
d = [insz 1 1 1];
[st, ~, ~, Y] = calllib('lrp', 'lrp_network_forward', p, X, uint64(numel(X)), ...
    int32(numel(insz)), uint64(d(1)), uint64(d(2)), uint64(d(3)), uint64(d(4)), int32(1), ...
    int32(nargin > 2 && ~isempty(lrp_aware) && logical(lrp_aware)), zeros(osz), uint64(prod(osz)));
if st ~= 0
    lrp_native.fail(st);
end
end
