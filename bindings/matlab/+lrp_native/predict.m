function Y = predict(h, X)
%LRP_NATIVE.PREDICT  The network's output for the batch X in one stateless library call
%   (the cached forward pass is left alone), computed in the network's precision
%   (lrp_native.set_precision): lrp_network_predict for double X,
%   lrp_network_predict_f32 for single X. Y has X's class. X goes to the library with
%   the column-major flag (no permute).
[X, suffix] = lrp_native.float_input(X);
insz = size(X);
osz = lrp_native.output_dims(h, insz);
[~, ~, ~, Y] = lrp_native.call(['lrp_network_predict' suffix], h.get(), X, uint64(insz), ...
    int32(numel(insz)), int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')), ...
    zeros(osz, class(X)), uint64(prod(osz)));
end
