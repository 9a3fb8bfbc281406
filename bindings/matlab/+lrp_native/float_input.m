function [X, suffix] = float_input(X)
%LRP_NATIVE.FLOAT_INPUT  The batch X for the library's stateless calls that take either
%   element type: single X stays single (SUFFIX '_f32': lrp_network_predict_f32,
%   lrp_network_explain_with_f32, no conversion pass), anything else goes as a full real
%   double array (SUFFIX '').
if isa(X, 'single')
    if ~isreal(X)
        error('lrp:invalidArgument', 'lrp: the input X must be real, given a complex array');
    end
    suffix = '_f32';
    return;
end
if ~isa(X, 'double') || issparse(X) || ~isreal(X)
    X = lrp_native.as_double(X, 'the input X');
end
suffix = '';
end
