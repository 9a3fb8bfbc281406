function Rx = relevance(h, R, lrp_var, param, insz)
%LRP_NATIVE.RELEVANCE  lrp_network_lrp: one call for the whole network. LRP_VAR empty (and
%   PARAM empty) uses each layer's preset; otherwise rule and parameter override every
%   layer. The result has size INSZ (the input size of the last forward pass on H).
if ~isa(R, 'double') || issparse(R) || ~isreal(R)
    R = lrp_native.as_double(R, 'the relevance R');
end
if ischar(lrp_var) && ~isempty(lrp_var) && isnumeric(param) && isscalar(param)
    rule = lrp_var;   % the common case, checked by the library
    param = double(param);
else
    [rule, param] = lrp_native.rule_args(lrp_var, param, true);
end
if isempty(insz)
    insz = [1 1];   % nothing cached: the library reports the missing forward pass
end
p = h.ptr;
if isempty(p)
    h.get();   % raises lrp:deleted
end
[st, ~, ~, ~, Rx] = calllib('lrp', 'lrp_network_lrp', p, R, uint64(numel(R)), int32(1), ...
    rule, param, lrp_native.input_buffer(h, insz), uint64(prod(insz)));
if st ~= 0
    lrp_native.fail(st);
end
end
