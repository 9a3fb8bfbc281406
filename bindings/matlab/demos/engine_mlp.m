function nn = engine_mlp(sizes, seed)
%ENGINE_MLP  An MLP (Linear, Rect, ..., Linear, SoftMax) initialised exactly as the engine's
%   Rust example (examples/train_mnist.rs) does: every Linear layer's W ~ Normal(0,
%   1/sqrt(m)) drawn in turn from ONE generator seeded with `seed`, B = 0.
%
%   nn = engine_mlp([784 300 10], 1)
%
%   modules.Linear(m, n, seed) seeds each layer on its own, so a second layer would not
%   continue the first one's stream. Here one 1 x K Linear layer of the library, seeded
%   once, supplies the whole stream of standard normal draws (Normal(0, 1) with K the
%   total number of weights), which is cut into the layers' weights in C order and
%   scaled by 1/sqrt(m) as the library does. A toolbox user would simply write
%   modules.Linear(784, 300) etc. (weights from MATLAB's random stream).
if nargin < 2
    seed = 1;
end
counts = sizes(1:end - 1) .* sizes(2:end);
stream = modules.Linear(1, sum(counts), seed);
z = stream.W;
delete(stream);
layers = {};
offset = 0;
for k = 1:numel(counts)
    m = sizes(k);
    n = sizes(k + 1);
    l = modules.Linear(m, n, 0);
    % z holds the draws in sample order, i.e. W (m x n) in C order: rows of n values.
    l.W = reshape(z(offset + (1:m * n)), [n m])' * (1 / sqrt(m));
    offset = offset + m * n;
    layers{end + 1} = l; %#ok<AGROW>
    if k < numel(counts)
        layers{end + 1} = modules.Rect(); %#ok<AGROW>
    end
end
layers{end + 1} = modules.SoftMax();
nn = modules.Sequential(layers);
end
