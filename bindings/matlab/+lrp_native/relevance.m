function Rx = relevance(h, R, lrp_var, param, insz)
%LRP_NATIVE.RELEVANCE  lrp_network_lrp: one call for the whole network. LRP_VAR empty (and
%   PARAM empty) uses each layer's preset; otherwise rule and parameter override every
%   layer. The result has size INSZ (the input size of the last forward pass on H); its
%   buffer comes from lrp_native.input_args, made once per size.
if ~isa(R, 'double') || issparse(R) || ~isreal(R)
    R = lrp_native.as_double(R, 'the relevance R');
end
if ischar(lrp_var) && isa(param, 'double') && isscalar(param) && isreal(param) && ~isempty(lrp_var)
    rule = lrp_var;   % the common case, checked by the library
else
    [rule, param] = lrp_native.rule_args(lrp_var, param, true);
end
a = h.xargs_;
if isempty(a) || numel(a{1}) ~= numel(insz) || any(a{1} ~= insz)
    a = lrp_native.input_args(h, insz);
end
[st, ~, ~, ~, Rx] = calllib('lrp', 'lrp_network_lrp', a{2}, R, uint64(numel(R)), a{3}, ...
    rule, param, a{4}, a{5});
if st ~= 0
    lrp_native.fail(st);
end
end
