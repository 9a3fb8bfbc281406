function tf = accepts(h, index, lrp_var)
%LRP_NATIVE.ACCEPTS  Whether layer INDEX (0-based) of H accepts the rule LRP_VAR as its own
%   preset: the library's answer (lrp_node_accepts), so that no .m file repeats which
%   layer takes which rule. [] or '' is 'simple'; a zbox rule is asked about without its
%   bounds (they do not change the answer).
if isempty(lrp_var)
    lrp_var = 'simple';
end
if isa(lrp_var, 'string') && isscalar(lrp_var)
    lrp_var = char(lrp_var);
end
if ~(ischar(lrp_var) && size(lrp_var, 1) == 1)
    error('lrp:invalidArgument', 'lrp: the rule name must be a string');
end
[~, ~, yes] = lrp_native.call('lrp_node_accepts', h.get(), uint64(index), lrp_var, NaN, ...
    int32(0));
tf = yes ~= 0;
end
