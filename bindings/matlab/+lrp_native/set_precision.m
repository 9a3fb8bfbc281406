function set_precision(h, precision, who)
%LRP_NATIVE.SET_PRECISION  lrp_network_set_precision: what the stateless calls of H
%   (predict, explain, explain_classes, explain_class_set) compute in: 'double' (the
%   default, the toolbox-exact path) or 'single' (f32). The toolbox-style calls (forward,
%   lrp, backward, training) and the gradient methods compute in double either way. WHO
%   names the caller in the error for any other value.
names = {'double', 'single'};
dtypes = {'LRP_DTYPE_F64', 'LRP_DTYPE_F32'};
if isa(precision, 'string') && isscalar(precision)
    precision = char(precision);
end
hit = [];
if ischar(precision) && size(precision, 1) <= 1
    hit = find(strcmpi(precision, names), 1);
end
if isempty(hit)
    if ischar(precision)
        given = sprintf('''%s''', precision);
    else
        given = sprintf('a %s', class(precision));
    end
    error('lrp:invalidArgument', ...
        '%s: the precision must be ''single'' or ''double'', given %s', who, given);
end
lrp_native.call('lrp_network_set_precision', h.get(), ...
    int32(lrp_native.constants(dtypes{hit})));
end
