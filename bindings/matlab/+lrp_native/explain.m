function R = explain(h, X, classes, lrp_var, param, who)
%LRP_NATIVE.EXPLAIN  LRP of the batch X in one stateless library call (the cached forward
%   pass and the presets are left alone), computed in the network's precision
%   (lrp_native.set_precision): lrp_network_explain_with for double X,
%   lrp_network_explain_with_f32 for single X. R has X's size and class.
%
%   CLASSES: [] explains each sample's top class; N values (1-based output columns) one
%   class per sample; one value that class for every sample. LRP_VAR and PARAM as in
%   explain_classes ([] for the presets). The options go to the library in an
%   LrpExplainOptions handle (column-major layout: no permute), freed on every path.
%   WHO names the caller in the errors raised here.
[X, suffix] = lrp_native.float_input(X);
[rule, p] = lrp_native.rule_args(lrp_var, param, true);
insz = size(X);
if ~isempty(classes)
    n = insz(1);
    if ~(isnumeric(classes) && isreal(classes) && isvector(classes) ...
            && all(classes == round(classes)) && any(numel(classes) == [1 n]))
        error('lrp:invalidArgument', ...
            '%s: classes must be [] (the top class), one 1-based class index or one per sample (%d)', ...
            who, n);
    end
    % Range checks here, so that the messages speak of MATLAB's 1-based classes (the
    % library would report its 0-based ones).
    ysz = lrp_native.output_dims(h, insz);
    bad = find(classes < 1 | classes > ysz(end), 1);
    if ~isempty(bad)
        error('lrp:invalidArgument', ...
            '%s: class %d of the list must be between 1 and the %d outputs, given %g', ...
            who, bad, ysz(end), classes(bad));
    end
end
opts = calllib('lrp', 'lrp_explain_options_new');
if isNull(opts)
    error('lrp:panic', '%s: cannot allocate the explain options', who);
end
cleanup = onCleanup(@() calllib('lrp', 'lrp_explain_options_free', opts));
lrp_native.call('lrp_explain_options_set', opts, 'layout', ...
    double(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')));
if ~isempty(rule)
    lrp_native.call('lrp_explain_options_set_str', opts, 'rule', rule);
    lrp_native.call('lrp_explain_options_set', opts, 'parameter', p);
end
if ~isempty(classes)
    if isscalar(classes) && insz(1) ~= 1
        % One class for every sample: the library's "each" with one class, whose one map
        % is laid out as X (column-major: dims of X, then K = 1).
        lrp_native.call('lrp_explain_options_set_str', opts, 'targets', 'each');
    end
    lrp_native.call('lrp_explain_options_set_classes', opts, int32(classes(:)' - 1), ...
        uint64(numel(classes)));
end
[~, ~, ~, ~, R] = lrp_native.call(['lrp_network_explain_with' suffix], h.get(), opts, X, ...
    uint64(insz), int32(numel(insz)), zeros(insz, class(X)), uint64(numel(X)));
end
