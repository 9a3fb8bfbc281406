function R = explain_classes(h, X, classes, lrp_var, param, who, one_map)
%LRP_NATIVE.EXPLAIN_CLASSES  Several classes from one forward pass, in one stateless
%   library call: lrp_network_explain_classes (ONE_MAP false: one map per class, stacked
%   along a last dimension, size [size(X) K]) or lrp_network_explain_class_set (ONE_MAP
%   true: the map of the sum of the classes' outputs, size(X)). CLASSES are 1-based
%   column indices of the network output, as in MATLAB; X goes to the library with the
%   column-major flag. WHO names the caller in errors raised here.
if ~(isnumeric(classes) && isreal(classes) && isvector(classes) && ~isempty(classes) ...
        && all(classes == round(classes)))
    error('lrp:invalidArgument', ...
        '%s: classes must be a non-empty vector of 1-based class indices', who);
end
if ~isa(X, 'double') || issparse(X) || ~isreal(X)
    X = lrp_native.as_double(X, 'the input X');
end
[rule, p] = lrp_native.rule_args(lrp_var, param, true);
insz = size(X);
k = numel(classes);
if one_map
    fn = 'lrp_network_explain_class_set';
    osz = insz;
else
    % The maps stack along the dimension after the input's own: an N x H x W x 1 batch
    % (which MATLAB sizes N x H x W) needs its trailing 1 written out first.
    fn = 'lrp_network_explain_classes';
    osz = [insz ones(1, input_rank_(h, numel(insz)) - numel(insz)) k];
end
% Range checks here, so that the messages speak of MATLAB's 1-based classes (the library
% would report its 0-based ones); the library checks the rest (duplicates, the output).
ysz = lrp_native.output_size(h, insz);
bad = find(classes < 1 | classes > ysz(end), 1);
if ~isempty(bad)
    error('lrp:invalidArgument', ...
        '%s: class %d of the list must be between 1 and the %d outputs, given %g', ...
        who, bad, ysz(end), classes(bad));
end
[rank, d0, d1, d2, d3] = lrp_native.dims(insz);
c = int32(classes(:)' - 1);
[st, ~, ~, ~, ~, R] = calllib('lrp', fn, h.get(), X, uint64(numel(X)), rank, d0, d1, ...
    d2, d3, int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')), c, uint64(k), rule, p, zeros(osz), uint64(prod(osz)));
if st ~= 0
    lrp_native.fail(st);
end
end

function r = input_rank_(h, given)
% The rank the network reads its input with: 4 when the first layer that fixes it is a
% Convolution or a pooling layer, 2 for Linear, else as given.
r = given;
k = lrp_native.constants();
for i = 0:lrp_native.num_layers(h) - 1
    switch lrp_native.layer_kind(h, i)
        case k.LRP_LAYER_LINEAR
            r = max(given, 2);
            return;
        case {k.LRP_LAYER_CONVOLUTION, k.LRP_LAYER_MAXPOOL, k.LRP_LAYER_SUMPOOL}
            r = max(given, 4);
            return;
    end
end
end
