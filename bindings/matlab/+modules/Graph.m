classdef Graph < handle
    %MODULES.GRAPH  A network read from an ONNX model: a graph of layers run by liblrp.
    %
    %   nn = model_io.read('model.onnx')   % a modules.Graph
    %
    %   A thin holder of one native network: every method is one library call, nothing is
    %   computed in MATLAB. Arrays are in the model's own layout, as PyTorch/numpy hold
    %   them: an N x C x H x W batch by index (X(n, c, h, w) is numpy's x[n-1, c-1, h-1,
    %   w-1]); they go to the library with the column-major layout flag, no permute. The
    %   layers (nn.layers, a struct array) are read-only: index, kind, sizes, W, B, the
    %   LRP preset, the values the layer takes (inputs: 0 the network input, k the output
    %   of layer k) and its attributes (a struct: strides, paddings, ...), read from the
    %   library.
    %
    %   Methods: forward, lrp, clean, set_lrp_parameters, set_composite, canonize,
    %   set_convention, explain_classes, explain_class_set, predict, explain,
    %   set_precision, precision and the gradient methods
    %   gradient, input_x_gradient, guided_backprop, deconvnet, smoothgrad,
    %   integrated_gradients (as modules.Sequential's).

    properties (Dependent, SetAccess = private)
        layers      % struct array, one per layer: index, kind, sizes, W, B, lrp_var, lrp_param, inputs, attributes
        num_layers  % number of layers (after canonize: merged BatchNorm layers are gone)
    end

    properties (Hidden, SetAccess = private)
        net_ = []       % lrp_native.Handle
        in_size_ = []   % size of the last forward pass's input
    end

    methods
        function obj = Graph(h)
            %nn = modules.Graph(h)  Takes ownership of the native network h (an
            %   lrp_native.Handle, e.g. lrp_native.Handle.read('model.onnx')); use
            %   model_io.read('model.onnx').
            if nargin < 1 || ~isa(h, 'lrp_native.Handle')
                error('lrp:invalidArgument', ...
                    'modules.Graph: expects a native network (lrp_native.Handle); read models with model_io.read(''model.onnx'')');
            end
            obj.net_ = h;
        end

        function Y = forward(obj, X)
            %Y = forward(X)  The network's output for the batch X (N x C x H x W, the
            %   model's layout) in one library call; keeps the activations for lrp.
            Y = lrp_native.forward(obj.net_, X);
            obj.in_size_ = size(X);
        end

        function R = lrp(obj, R, lrp_var, param)
            %R = lrp(R)  Relevance of the last forward pass's input for the output
            %   relevance R, with every layer's preset (set_composite,
            %   set_lrp_parameters), in one library call. Shaped like the input.
            %R = lrp(R, lrp_var, param)  The rule for every layer in this call.
            if nargin < 3, lrp_var = []; end
            if nargin < 4, param = []; end
            if isempty(obj.in_size_)
                error('lrp:outOfOrder', 'modules.Graph.lrp: call forward first');
            end
            R = lrp_native.relevance(obj.net_, R, lrp_var, param, obj.in_size_);
        end

        function clean(obj)
            %clean()  Drops the cached forward pass.
            lrp_native.call('lrp_network_clean', obj.net_.get());
            obj.in_size_ = [];
        end

        function set_lrp_parameters(obj, lrp_var, param)
            %set_lrp_parameters(lrp_var, param)  The same preset for every layer.
            if nargin < 2, lrp_var = []; end
            if nargin < 3, param = []; end
            [rule, p] = lrp_native.rule_args(lrp_var, param, false);
            lrp_native.call('lrp_network_set_lrp_parameters', obj.net_.get(), rule, p);
        end

        function set_composite(obj, name, epsilon, gamma, low, high)
            %set_composite(name, epsilon, gamma, low, high)  Presets every layer from a
            %   zennit composite: 'epsilon_plus', 'epsilon_alpha2_beta1',
            %   'epsilon_plus_flat' or 'epsilon_gamma_box'. epsilon (default 1e-6) and
            %   gamma (default 0.25) may be [] or left out; low and high (required by
            %   epsilon_gamma_box) bound the input: scalars, or one per input channel.
            %   Canonize first (canonize('auto'), or the canonizer zennit used).
            %   Unknown name: lrp:unknownRule. All or nothing.
            if nargin < 3, epsilon = []; end
            if nargin < 4, gamma = []; end
            if nargin < 5, low = []; end
            if nargin < 6, high = []; end
            name = modules.Graph.name_(name, 'modules.Graph.set_composite', 'composite');
            per_channel = numel(low) > 1 || numel(high) > 1;
            if per_channel && numel(low) ~= numel(high)
                error('lrp:invalidArgument', ...
                    'modules.Graph.set_composite: low and high must have one bound per input channel each, given %d and %d', ...
                    numel(low), numel(high));
            end
            s = cellfun(@(v, what) modules.Sequential.scalar_or_nan_(v, what, per_channel), ...
                {epsilon, gamma, low, high}, {'epsilon', 'gamma', 'low', 'high'});
            if ~per_channel
                lrp_native.call('lrp_network_set_composite', obj.net_.get(), name, s(1), s(2), s(3), s(4));
                return;
            end
            % Bounds per channel replace the scalar ones where the composite put zbox; a
            % copy first, so that a failure leaves the presets as they were.
            trial = obj.net_.clone();
            cleanup = onCleanup(@() trial.free());
            for h = {trial, obj.net_}
                lrp_native.call('lrp_network_set_composite', h{1}.get(), name, s(1), s(2), s(3), s(4));
                for i = 0:lrp_native.num_layers(h{1}) - 1
                    if strcmp(lrp_native.get_preset(h{1}, i), 'zbox')
                        lrp_native.set_preset(h{1}, i, 'zbox', [low(:)'; high(:)']);
                    end
                end
            end
        end

        function canonize(obj, name)
            %canonize(name)  Rewrites the network in place as zennit's canonizers do:
            %   'resnet', 'vgg' (= 'sequential_merge_batchnorm', 'merge_batchnorm'),
            %   'resnet_sum', 'auto' (what the composites need here) or 'none'. The
            %   output stays the same (up to rounding); merged BatchNorm layers are gone.
            %   Unknown name: lrp:invalidArgument naming it.
            name = modules.Graph.name_(name, 'modules.Graph.canonize', 'canonizer');
            lrp_native.call('lrp_network_canonize', obj.net_.get(), name);
            obj.net_.changed();
            obj.in_size_ = [];
        end

        function set_convention(obj, convention)
            %set_convention(convention)  'toolbox' (the default) or 'zennit' (PyTorch's
            %   numerics where the two differ: alphabeta's stabiliser, MaxPool ties).
            if ~ischar(convention) || ~any(strcmpi(convention, {'toolbox', 'zennit'}))
                error('lrp:invalidArgument', ...
                    'modules.Graph.set_convention: the convention must be ''toolbox'' or ''zennit''');
            end
            lrp_native.call('lrp_network_set_convention', obj.net_.get(), ...
                int32(lrp_native.constants(['LRP_CONVENTION_' upper(convention)])));
        end

        function c = convention(obj)
            %c = convention()  'toolbox' or 'zennit' (see set_convention).
            c = lrp_native.convention(obj.net_);
        end

        function R = explain_classes(obj, X, classes, lrp_var, param)
            %R = explain_classes(X, classes, lrp_var, param)  One map per class of
            %   `classes` (1-based outputs), stacked along a last dimension:
            %   N x C x H x W x K. Without a rule, the presets. Stateless.
            if nargin < 4, lrp_var = []; end
            if nargin < 5, param = []; end
            R = lrp_native.explain_classes(obj.net_, X, classes, lrp_var, param, ...
                'modules.Graph.explain_classes', false);
        end

        function R = explain_class_set(obj, X, classes, lrp_var, param)
            %R = explain_class_set(X, classes, lrp_var, param)  The map of the sum of the
            %   outputs at `classes` (1-based); size(X). Stateless.
            if nargin < 4, lrp_var = []; end
            if nargin < 5, param = []; end
            R = lrp_native.explain_classes(obj.net_, X, classes, lrp_var, param, ...
                'modules.Graph.explain_class_set', true);
        end

        function set_precision(obj, precision)
            %set_precision(precision)  What predict, explain, explain_classes and
            %   explain_class_set compute in: 'double' (the default, the toolbox-exact
            %   path) or 'single' (f32: faster on large batches, maps within 1e-4 of
            %   double normwise). forward, lrp and the gradient methods compute in double
            %   either way. Anything else: lrp:invalidArgument.
            lrp_native.set_precision(obj.net_, precision, 'modules.Graph.set_precision');
        end

        function p = precision(obj)
            %p = precision()  'double' or 'single' (see set_precision).
            p = lrp_native.precision(obj.net_);
        end

        function Y = predict(obj, X)
            %Y = predict(X)  The network's output for the batch X in one stateless library
            %   call, in the network's precision; leaves the cached forward pass alone. Y
            %   has X's class: single X goes to the library as floats and comes back as
            %   single, without a conversion pass under set_precision('single').
            Y = lrp_native.predict(obj.net_, X);
        end

        function R = explain(obj, X, classes, lrp_var, param)
            %R = explain(X, classes, lrp_var, param)  LRP of the batch X in one stateless
            %   library call (forward and backward, in the network's precision), of X's
            %   size and class. classes: [] or omitted for each sample's top class, one
            %   1-based output column per sample, or one for every sample. Without a rule,
            %   the presets (as explain_classes). Leaves the cached forward pass alone.
            if nargin < 3, classes = []; end
            if nargin < 4, lrp_var = []; end
            if nargin < 5, param = []; end
            R = lrp_native.explain(obj.net_, X, classes, lrp_var, param, 'modules.Graph.explain');
        end

        function G = gradient(obj, X, DY)
            %G = gradient(X, DY)  The gradient of sum(DY .* forward(X)) by X; size(X).
            G = lrp_native.attribute(obj.net_, X, DY, 'gradient', 'modules.Graph.gradient');
        end

        function A = input_x_gradient(obj, X, DY)
            %A = input_x_gradient(X, DY)  X .* gradient(X, DY).
            A = lrp_native.attribute(obj.net_, X, DY, 'input_x_gradient', 'modules.Graph.input_x_gradient');
        end

        function G = guided_backprop(obj, X, DY)
            %G = guided_backprop(X, DY)  The gradient with ReLU passing positive gradients only.
            G = lrp_native.attribute(obj.net_, X, DY, 'guided_backprop', 'modules.Graph.guided_backprop');
        end

        function G = deconvnet(obj, X, DY)
            %G = deconvnet(X, DY)  ReLU applied to the backward signal instead of its gate.
            G = lrp_native.attribute(obj.net_, X, DY, 'deconvnet', 'modules.Graph.deconvnet');
        end

        function G = smoothgrad(obj, X, DY, n, sigma, seed)
            %G = smoothgrad(X, DY, n, sigma, seed)  The mean gradient over n noisy copies
            %   of X ([] for the library's defaults).
            if nargin < 4, n = []; end
            if nargin < 5, sigma = []; end
            if nargin < 6, seed = []; end
            G = lrp_native.attribute(obj.net_, X, DY, 'smoothgrad', 'modules.Graph.smoothgrad', ...
                n, sigma, seed);
        end

        function A = integrated_gradients(obj, X, DY, steps, baseline)
            %A = integrated_gradients(X, DY, steps, baseline)  ([] for the defaults:
            %   the library's steps, a zero baseline).
            if nargin < 4, steps = []; end
            if nargin < 5, baseline = []; end
            A = lrp_native.attribute(obj.net_, X, DY, 'integrated_gradients', ...
                'modules.Graph.integrated_gradients', steps, [], [], baseline);
        end

        function n = get.num_layers(obj)
            n = lrp_native.num_layers(obj.net_);
        end

        function L = get.layers(obj)
            h = obj.net_;
            n = lrp_native.num_layers(h);
            L = struct('index', cell(1, n), 'kind', [], 'sizes', [], 'W', [], 'B', [], ...
                'lrp_var', [], 'lrp_param', [], 'inputs', [], 'attributes', []);
            for i = 1:n
                kind = lrp_native.layer_kind(h, i - 1);
                sizes = lrp_native.layer_sizes(h, i - 1);
                L(i).index = i;
                L(i).kind = modules.Graph.kind_name_(kind);
                L(i).sizes = sizes;
                L(i).W = modules.Graph.param_or_empty_(h, i - 1, 0, kind, sizes);
                L(i).B = modules.Graph.param_or_empty_(h, i - 1, 1, kind, sizes);
                [L(i).lrp_var, L(i).lrp_param] = lrp_native.preset(h, i - 1);
                info = lrp_native.node(h, i - 1);
                L(i).inputs = info.inputs;
                L(i).attributes = info.attributes;
            end
        end

        function delete(obj)
            try
                if ~isempty(obj.net_)
                    obj.net_.free();
                end
            catch
                % the library is gone (session ending)
            end
        end
    end

    methods (Static, Hidden)
        function name = name_(name, who, what)
            if isa(name, 'string') && isscalar(name)
                name = char(name);
            end
            if ~(ischar(name) && size(name, 1) == 1)
                error('lrp:invalidArgument', '%s: the %s name must be a string', who, what);
            end
        end

        function s = kind_name_(kind)
            persistent codes names
            if isempty(codes)
                table = {'LINEAR', 'Linear'; 'CONVOLUTION', 'Convolution'; 'MAXPOOL', 'MaxPool'; ...
                    'SUMPOOL', 'SumPool'; 'FLATTEN', 'Flatten'; 'RECT', 'Rect'; 'TANH', 'Tanh'; ...
                    'SOFTMAX', 'SoftMax'; 'AVGPOOL', 'AvgPool'; 'GLOBALAVGPOOL', 'GlobalAvgPool'; ...
                    'BATCHNORM', 'BatchNorm'; 'ADD', 'Add'; 'CONCAT', 'Concat'; ...
                    'RESHAPE', 'Reshape'; 'IDENTITY', 'Identity'; 'SUM', 'Sum'};
                codes = cellfun(@(c) lrp_native.constants(['LRP_LAYER_' c]), table(:, 1));
                names = table(:, 2);
            end
            hit = find(codes == kind, 1);
            if isempty(hit)
                s = sprintf('kind %d', kind);   % a kind newer than these bindings
            else
                s = names{hit};
            end
        end

        function V = param_or_empty_(h, index, which, kind, sizes)
            % W or B of a layer that has them ([] otherwise), shaped as the library's
            % sizes say: m x n (Linear), hf x wf x df x nf (Convolution), B a column.
            [st, ~, len] = calllib('lrp', 'lrp_layer_param_len', h.get(), uint64(index), ...
                int32(which), uint64(0));
            if st ~= 0
                V = [];
                return;
            end
            len = double(len);
            shape = [len 1];
            if which == 0 && kind == lrp_native.constants('LRP_LAYER_LINEAR') && numel(sizes) >= 2
                shape = sizes(1:2);
            elseif which == 0 && kind == lrp_native.constants('LRP_LAYER_CONVOLUTION') && numel(sizes) >= 4
                shape = sizes(1:4);
            end
            if prod(shape) ~= len
                shape = [len 1];
            end
            V = lrp_native.get_param(h, index, which, shape);
        end
    end
end
