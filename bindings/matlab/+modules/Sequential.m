classdef Sequential < modules.Module
    %MODULES.SEQUENTIAL  A network: a sequence of layers run by liblrp in single calls.
    %
    %   nn = modules.Sequential({modules.Linear(784, 100), modules.Rect(), ...
    %                            modules.Linear(100, 10), modules.SoftMax()})
    %
    %   The layers' parameters are copied into one native network; from then on each layer
    %   object is bound to it: nn.modules{1}.W reads and writes the weights the network
    %   uses. forward, backward, update and lrp are one library call each, whatever the
    %   number of layers. Assigning nn.modules (another cell, or a changed one) rebuilds the
    %   network; layers taken out keep their parameters in a network of their own.
    %
    %   Methods (the toolbox's): forward, backward, update, clean, lrp, set_lrp_parameters,
    %   drop_softmax_output_layer, train. Beyond the toolbox: set_composite,
    %   set_caffe_formula, set_convention, explain_classes, explain_class_set, the
    %   stateless predict and explain (double or single arrays; set_precision, precision),
    %   and the gradient methods gradient, input_x_gradient, sensitivity, guided_backprop,
    %   deconvnet, smoothgrad, integrated_gradients.

    properties
        modules = {}   % cell array of layers (modules.Module)
    end

    methods
        function obj = Sequential(layers)
            if nargin < 1 || isempty(layers)
                layers = {};
            end
            if isa(layers, 'lrp_native.Handle')
                % a native network from model_io: bind new layer objects to it
                count = lrp_native.num_layers(layers);
                m = cell(1, count);
                for i = 1:count
                    m{i} = modules.Module.from_network_(layers, i - 1);
                end
                obj.net_ = layers;
                obj.owns_ = true;
                obj.modules = m;
                return;
            end
            obj.modules = layers;
        end

        function set.modules(obj, m)
            obj.modules = obj.assemble_(m);
        end

        function Y = forward(obj, X, lrp_aware)
            %Y = forward(X)  The network's output for the input batch X (N x M or
            %   N x H x W x D), in one library call. forward(X, lrp_aware) accepts the
            %   toolbox's flag; results are the same.
            h = obj.net_;
            a = h.fwd_;
            insz = size(X);
            if nargin < 3 && isa(X, 'double') && isreal(X) && ~issparse(X) && numel(a) > 1 ...
                    && numel(a{1}) == numel(insz) && all(a{1} == insz)
                % lrp_native.forward's common case (a full real double batch of the last
                % size), inline: under Octave the call of that function and its checks cost
                % about 0.1 ms of a pass, every operation running with the caches the
                % library's previous call has just emptied.
                [st, ~, ~, Y] = calllib('lrp', 'lrp_network_forward', a{2}, X, a{3:end});
                if st ~= 0
                    lrp_native.fail(st);
                end
            elseif nargin < 3
                Y = lrp_native.forward(h, X);
            else
                Y = lrp_native.forward(h, X, lrp_aware);
            end
            obj.in_size_ = insz;
        end

        function DX = backward(obj, DY)
            %DX = backward(DY)  The input gradient after forward, in one library call.
            DX = lrp_native.backward(obj.net_, DY, obj.in_size_);
        end

        function R = lrp(obj, R, lrp_var, param)
            %R = lrp(R)  Relevance of the last forward pass's input for the output relevance
            %   R, with every layer's preset rule, in one library call.
            %R = lrp(R, lrp_var, param)  The rule for every layer in this call.
            h = obj.net_;
            a = h.xargs_;
            insz = obj.in_size_;
            if nargin == 4 && ischar(lrp_var) && ~isempty(lrp_var) && isa(param, 'double') ...
                    && isscalar(param) && isreal(param) && isa(R, 'double') && isreal(R) && ~issparse(R) ...
                    && numel(a) > 1 && numel(a{1}) == numel(insz) && all(a{1} == insz)
                % lrp_native.relevance's common case (a rule name and a double parameter,
                % a full real double R, the buffer of the last input size), inline: see
                % forward.
                [st, ~, ~, ~, R] = calllib('lrp', 'lrp_network_lrp', a{2}, R, uint64(numel(R)), ...
                    a{3}, lrp_var, param, a{4}, a{5});
                if st ~= 0
                    lrp_native.fail(st);
                end
                return;
            end
            if nargin < 3
                lrp_var = [];
            end
            if nargin < 4
                param = [];
            end
            R = lrp_native.relevance(h, R, lrp_var, param, insz);
        end

        function drop_softmax_output_layer(obj)
            %drop_softmax_output_layer()  Removes the last layer if it is a SoftMax (for
            %   LRP on the scores); prints what it did.
            m = obj.modules;
            if ~isempty(m) && isa(m{end}, 'modules.SoftMax')
                m{end}.detach_();
                [~, dropped] = lrp_native.call('lrp_network_drop_softmax_output_layer', ...
                    obj.net_.get(), int32(0));
                obj.net_.changed();
                if dropped
                    obj.in_size_ = [];
                    obj.modules = m(1:end - 1);
                    disp('removing softmax output mapping');
                    return;
                end
            end
            disp('output layer is not softmax. nothing to do');
        end

        function set_lrp_parameters(obj, lrp_var, param)
            %set_lrp_parameters(lrp_var, param)  The same preset for every layer.
            if nargin < 2
                lrp_var = [];
            end
            if nargin < 3
                param = [];
            end
            [rule, p] = lrp_native.rule_args(lrp_var, param, false);
            lrp_native.call('lrp_network_set_lrp_parameters', obj.net_.get(), rule, p);
            m = obj.modules;
            for i = 1:numel(m)
                m{i}.preset_cache_(lrp_var, param);
            end
        end

        function train(obj, X, Y, Xval, Yval, batchsize, iters, lrate, lrate_decay, ...
                lfactor_initial, status, convergence, transform, varargin)
            %train(X, Y, Xval, Yval, batchsize, iters, lrate, lrate_decay, lfactor_initial,
            %      status, convergence, transform)
            %   Trains with the toolbox's algorithm: minibatches of `batchsize` distinct
            %   samples, SGD on dY = Ypred - Y, accuracy and l1-loss every `status`
            %   iterations (on Xval/Yval when given), learning-rate decay 'none' |
            %   'sublinear' | 'linear', early stop after `convergence` evaluations without
            %   improvement (<= 0: never), the best parameters restored at the end. Any
            %   trailing argument may be omitted or [] for its default (25, 10000, 0.005,
            %   'none', 1.0, 250, -1, []). `transform`, a function handle, is applied to
            %   each batch. After the positional arguments, 'seed', s fixes the random
            %   draw (default: a seed taken from MATLAB's random stream).
            if nargin < 3
                error('lrp:invalidArgument', 'modules.Sequential.train: X and Y are required');
            end
            if nargin < 4, Xval = []; end
            if nargin < 5, Yval = []; end
            if nargin < 6 || isempty(batchsize), batchsize = 25; end
            if nargin < 7 || isempty(iters), iters = 10000; end
            if nargin < 8 || isempty(lrate), lrate = 0.005; end
            if nargin < 9 || isempty(lrate_decay), lrate_decay = 'none'; end
            if nargin < 10 || isempty(lfactor_initial), lfactor_initial = 1.0; end
            if nargin < 11 || isempty(status), status = 250; end
            if nargin < 12 || isempty(convergence), convergence = -1; end
            if nargin < 13, transform = []; end
            seed = [];
            if mod(numel(varargin), 2) ~= 0
                error('lrp:invalidArgument', 'modules.Sequential.train: options after transform come in name/value pairs');
            end
            for k = 1:2:numel(varargin)
                switch lower(varargin{k})
                    case 'seed'
                        seed = varargin{k + 1};
                    otherwise
                        error('lrp:invalidArgument', 'modules.Sequential.train: unknown option ''%s'' (seed)', varargin{k});
                end
            end
            if isempty(seed)
                seed = lrp_native.random_seed();
            end
            if isempty(Xval) || isempty(Yval)
                Xval = [];
                Yval = [];
            end
            if ~(ischar(lrate_decay) && any(strcmpi(lrate_decay, {'none', 'sublinear', 'linear'})))
                error('lrp:invalidArgument', ...
                    'modules.Sequential.train: lrate_decay must be ''none'', ''sublinear'' or ''linear'' (or [])');
            end
            X = lrp_native.as_double(X, 'the training data X');
            Y = lrp_native.as_double(Y, 'the training labels Y');
            if isempty(transform)
                obj.train_native_(X, Y, Xval, Yval, batchsize, iters, lrate, lower(lrate_decay), ...
                    lfactor_initial, status, convergence, seed);
            else
                if ~isa(transform, 'function_handle')
                    error('lrp:invalidArgument', 'modules.Sequential.train: transform must be a function handle');
                end
                obj.train_loop_(X, Y, Xval, Yval, batchsize, iters, lrate, lower(lrate_decay), ...
                    lfactor_initial, status, convergence, transform);
            end
        end

        function delete(obj)
            % The layers that still exist keep their parameters in networks of their own.
            try
                m = obj.modules;
                for i = 1:numel(m)
                    try
                        if m{i}.bound_to_(obj.net_, i - 1)
                            m{i}.detach_();
                        end
                    catch
                    end
                end
            catch
                % the library is gone (session ending)
            end
            try
                if ~isempty(obj.net_)
                    obj.net_.free();
                end
            catch
            end
        end
    end

    methods (Hidden)
        function h = compute_net_(obj, ~)
            h = obj.net_;
        end

        function m = assemble_(obj, m)
            % Checks the layers and (re)builds the native network unless they already are
            % its layers in this order.
            if ~iscell(m)
                error('lrp:invalidArgument', 'modules.Sequential: modules must be a cell array of layers, given a %s', class(m));
            end
            uids = zeros(1, numel(m));
            for i = 1:numel(m)
                if ~isa(m{i}, 'modules.Module') || isa(m{i}, 'modules.Sequential')
                    error('lrp:invalidArgument', 'modules.Sequential: element %d of modules is a %s, not a layer', i, class(m{i}));
                end
                uids(i) = m{i}.uid_;
            end
            if numel(unique(uids)) ~= numel(uids)
                error('lrp:invalidArgument', 'modules.Sequential: a layer object appears more than once in modules');
            end
            if ~isempty(obj.net_) && obj.net_.alive()
                same = numel(m) == lrp_native.num_layers(obj.net_);
                for i = 1:numel(m)
                    if ~same
                        break;
                    end
                    same = m{i}.bound_to_(obj.net_, i - 1);
                end
                if same
                    return;
                end
            end
            h = lrp_native.Handle.create();
            for i = 1:numel(m)
                m{i}.append_with_preset_(h, i - 1);
            end
            old = obj.modules;
            oldnet = obj.net_;
            if ~isempty(oldnet) && oldnet.alive()
                for i = 1:numel(old)
                    if ~any(uids == old{i}.uid_) && old{i}.bound_to_(oldnet, i - 1)
                        old{i}.detach_();
                    end
                end
            end
            for i = 1:numel(m)
                m{i}.bind_(h, i - 1);
            end
            if ~isempty(oldnet) && oldnet.alive()
                % The precision and the convention chosen for this network survive the
                % rebuild.
                [~, dtype] = lrp_native.call('lrp_network_precision', oldnet.get(), int32(0));
                lrp_native.call('lrp_network_set_precision', h.get(), int32(dtype));
                [~, conv] = lrp_native.call('lrp_network_convention', oldnet.get(), int32(0));
                lrp_native.call('lrp_network_set_convention', h.get(), int32(conv));
            end
            obj.net_ = h;
            obj.owns_ = true;
            obj.in_size_ = [];
            if ~isempty(oldnet)
                oldnet.free();
            end
        end

        function train_native_(obj, X, Y, Xval, Yval, batchsize, iters, lrate, decay, ...
                lfactor_initial, status, convergence, seed)
            lrp_native.lib();
            opts = calllib('lrp', 'lrp_train_options_new');
            if isNull(opts)
                error('lrp:panic', 'lrp: cannot allocate training options');
            end
            cleaner = onCleanup(@() calllib('lrp', 'lrp_train_options_free', opts));
            names = {'batchsize', 'iters', 'lrate', 'lfactor_initial', 'status', 'convergence', 'seed'};
            values = {batchsize, iters, lrate, lfactor_initial, status, convergence, double(seed)};
            for k = 1:numel(names)
                v = values{k};
                if ~(isnumeric(v) && isscalar(v) && isreal(v))
                    error('lrp:invalidArgument', 'modules.Sequential.train: %s must be a real scalar', names{k});
                end
                lrp_native.call('lrp_train_options_set', opts, names{k}, double(v));
            end
            lrp_native.call('lrp_train_options_set_lrate_decay', opts, decay);
            if ~isempty(Xval)
                Xval = lrp_native.as_double(Xval, 'the validation data Xval');
                Yval = lrp_native.as_double(Yval, 'the validation labels Yval');
                [rank, d0, d1, d2, d3] = lrp_native.dims(size(Xval));
                lrp_native.call('lrp_train_options_set_validation', opts, Xval, uint64(numel(Xval)), ...
                    rank, d0, d1, d2, d3, Yval, uint64(numel(Yval)), int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')));
            end
            [rank, d0, d1, d2, d3] = lrp_native.dims(size(X));
            p = obj.net_.get();
            obj.in_size_ = [];
            st = calllib('lrp', 'lrp_network_train', p, X, uint64(numel(X)), rank, d0, d1, d2, d3, ...
                Y, uint64(numel(Y)), int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')), opts);
            obj.print_train_log_();
            if st ~= 0
                lrp_native.fail(st);
            end
            lrp_native.call('lrp_network_clean', p);
        end

        function print_train_log_(obj)
            p = obj.net_.get();
            [st, ~, len] = calllib('lrp', 'lrp_network_train_log_len', p, uint64(0));
            if st ~= 0 || len <= 1
                return;
            end
            [st, ~, text] = calllib('lrp', 'lrp_network_train_log', p, blanks(double(len) - 1), uint64(len));
            if st == 0
                fprintf('%s', text);
            end
        end

        function train_loop_(obj, X, Y, Xval, Yval, batchsize, iters, lrate, decay, ...
                lfactor_initial, status, convergence, transform)
            % The toolbox's loop in MATLAB, for a transform (callbacks cannot cross the C
            % ABI): each step is a forward, a backward and an update call of the library.
            N = size(X, 1);
            if ~(isnumeric(batchsize) && isscalar(batchsize) && batchsize >= 1 && batchsize == round(batchsize))
                error('lrp:invalidArgument', 'modules.Sequential.train: batchsize must be a whole number >= 1');
            end
            batchsize = min(batchsize, N);   % as the library does
            rest = repmat({':'}, 1, ndims(X) - 1);
            if isempty(Xval)
                Xeval = X; Yeval = Y; where = 'training data';
            else
                Xeval = Xval; Yeval = Yval; where = 'validation set';
            end
            until_convergence = convergence;
            factor = lfactor_initial;
            best_acc = 0;
            best = [];   % a Handle: freed when dropped, also on an error
            for d = 1:iters
                samples = randperm(N, batchsize);
                batch = transform(X(samples, rest{:}));
                Ypred = obj.forward(batch);
                obj.backward(Ypred - Y(samples, :));
                obj.update(lrate * factor);
                if mod(d, status) == 0
                    Ypred = obj.forward(Xeval);
                    [~, a] = max(Ypred, [], 2);
                    [~, b] = max(Yeval, [], 2);
                    acc = mean(a == b);
                    l1 = sum(abs(Ypred(:) - Yeval(:))) / size(Yeval, 1);
                    fprintf('Accuracy after %d iterations on %s: %.2f%% (l1-loss: %.4f)\n', d, where, acc * 100, l1);
                    if acc > best_acc
                        fprintf('    New optimal parameter set encountered. saving....\n');
                        best_acc = acc;
                        if ~isempty(best)
                            best.free();
                        end
                        best = obj.net_.clone();
                        switch decay
                            case 'sublinear'
                                factor = 1 - acc^2;
                            case 'linear'
                                factor = 1 - acc;
                        end
                        if ~strcmp(decay, 'none')
                            fprintf('    Adjusting learning rate to %g ~ %.2f%% of its initial value\n', factor * lrate, factor * 100);
                        end
                        until_convergence = convergence;
                    else
                        until_convergence = until_convergence - 1;
                        if until_convergence == 0 && convergence > 0
                            fprintf('    No improvement for %d evaluations: stopping after %d iterations\n', convergence, d);
                            break;
                        end
                    end
                end
            end
            if ~isempty(best)
                fprintf('Setting network parameters to best encountered network state with %.2f%% accuracy.\n', best_acc * 100);
                m = obj.modules;
                for i = 1:numel(m)
                    m{i}.bind_(best, i - 1);
                end
                old = obj.net_;
                obj.net_ = best;
                obj.in_size_ = [];
                old.free();
            end
        end
    end

    % Gradient methods (beyond the toolbox; SPEC.md "Gradient methods"). Each is one
    % stateless library call on the input batch X: the cached forward pass (for backward
    % and lrp) is left alone. DY, of the size of the network output, is what is explained,
    % usually the one-hot of each sample's class; g below is the gradient of
    % sum(DY .* forward(X)) with respect to X. Where a MaxPool window holds its maximum
    % several times, the first takes g (as PyTorch and Caffe); backward, as the toolbox
    % trains, gives each the full DY.
    methods
        function G = gradient(obj, X, DY)
            %G = gradient(X, DY)  g, of the size of X.
            if nargin < 3, DY = []; end
            G = lrp_native.attribute(obj.net_, X, DY, 'gradient', 'modules.Sequential.gradient');
        end

        function A = input_x_gradient(obj, X, DY)
            %A = input_x_gradient(X, DY)  X .* g.
            if nargin < 3, DY = []; end
            A = lrp_native.attribute(obj.net_, X, DY, 'input_x_gradient', ...
                'modules.Sequential.input_x_gradient');
        end

        function S = sensitivity(obj, X, DY)
            %S = sensitivity(X, DY)  The 2-norm of g over the channels: N x H x W for an
            %   N x H x W x D batch (Caffe's formula type 99); abs(g) for an N x M batch.
            if nargin < 3, DY = []; end
            S = lrp_native.attribute(obj.net_, X, DY, 'sensitivity', 'modules.Sequential.sensitivity');
        end

        function G = guided_backprop(obj, X, DY)
            %G = guided_backprop(X, DY)  g where every Rect passes DY .* (x > 0) .* (DY > 0).
            if nargin < 3, DY = []; end
            G = lrp_native.attribute(obj.net_, X, DY, 'guided_backprop', ...
                'modules.Sequential.guided_backprop');
        end

        function G = deconvnet(obj, X, DY)
            %G = deconvnet(X, DY)  g where every Rect passes max(DY, 0).
            if nargin < 3, DY = []; end
            G = lrp_native.attribute(obj.net_, X, DY, 'deconvnet', 'modules.Sequential.deconvnet');
        end

        function G = smoothgrad(obj, X, DY, n, sigma, seed)
            %G = smoothgrad(X, DY, n, sigma, seed)  The mean of g over n copies of X plus
            %   Normal noise of standard deviation sigma * (max - min) of each sample's
            %   values. Defaults ([] or omitted): n = 50, sigma = 0.15, seed drawn from
            %   MATLAB's random stream (so rand('seed', ...) or rng(...) makes it
            %   reproducible); the same seed gives the same result.
            if nargin < 3, DY = []; end
            if nargin < 4, n = []; end
            if nargin < 5, sigma = []; end
            if nargin < 6 || isempty(seed)
                seed = lrp_native.random_seed();
            end
            G = lrp_native.attribute(obj.net_, X, DY, 'smoothgrad', 'modules.Sequential.smoothgrad', ...
                n, sigma, seed);
        end

        function A = integrated_gradients(obj, X, DY, steps, baseline)
            %A = integrated_gradients(X, DY, steps, baseline)  (X - X0) .* the mean of g at
            %   X0 + (k / steps) (X - X0), k = 1..steps, with X0 = baseline (of the size of X).
            %   Defaults ([] or omitted): steps = 50, baseline zeros. The sum over each
            %   sample approaches sum(DY .* (forward(X) - forward(X0))) as steps grows.
            if nargin < 3, DY = []; end
            if nargin < 4, steps = []; end
            if nargin < 5, baseline = []; end
            A = lrp_native.attribute(obj.net_, X, DY, 'integrated_gradients', ...
                'modules.Sequential.integrated_gradients', steps, [], [], baseline);
        end
    end

    % Beyond the toolbox: zennit's composites, the Caffe toolbox's formula types, the
    % numerical convention, and several classes explained from one forward pass.
    methods
        function set_composite(obj, name, epsilon, gamma, low, high)
            %set_composite(name, epsilon, gamma, low, high)  Presets every layer from a
            %   composite (rules by layer type and position): 'epsilon_plus',
            %   'epsilon_alpha2_beta1', 'epsilon_plus_flat' or 'epsilon_gamma_box'.
            %   epsilon (of the Linear layers; default 1e-6) and gamma (of the
            %   Convolution layers; default 0.25) may be [] or left out; low and high, the
            %   input bounds of epsilon_gamma_box's first layer, are scalars or vectors
            %   with one bound per input channel of that layer. All or nothing: on an
            %   error no preset changes.
            if nargin < 3, epsilon = []; end
            if nargin < 4, gamma = []; end
            if nargin < 5, low = []; end
            if nargin < 6, high = []; end
            name = modules.Sequential.composite_name_(name);
            per_channel = numel(low) > 1 || numel(high) > 1;
            scalars = cellfun(@(v, what) modules.Sequential.scalar_or_nan_(v, what, per_channel), ...
                {epsilon, gamma, low, high}, {'epsilon', 'gamma', 'low', 'high'});
            first = find(cellfun(@(m) ~isempty(m.param_shapes_()), obj.modules), 1);
            % Try it on a copy first, so that a failure of the per-channel step leaves the
            % network as it was.
            trial = obj.net_.clone();
            cleanup = onCleanup(@() trial.free());
            for h = {trial, obj.net_}
                lrp_native.call('lrp_network_set_composite', h{1}.get(), name, scalars(1), ...
                    scalars(2), scalars(3), scalars(4));
                % Only where the composite put zbox (epsilon_gamma_box's first layer, if it
                % is a Convolution) do the bounds per channel replace the scalar ones.
                if per_channel && ~isempty(first) && strcmp(lrp_native.get_preset(h{1}, first - 1), 'zbox')
                    lrp_native.set_preset(h{1}, first - 1, 'zbox', [low(:)'; high(:)']);
                end
            end
            obj.sync_presets_(low, high);
        end

        function set_caffe_formula(obj, formula, layer, epsilon, alpha)
            %set_caffe_formula(formula, layer, epsilon, alpha)  Presets every layer like
            %   the Caffe LRP toolbox's relpropformulatype: 0 epsilon, 2 alphabeta; 54/56
            %   epsilon and 58/60 alphabeta with the Linear and Convolution layers up to
            %   and including layer number `layer` (1-based) switched to flat (54, 58) or
            %   w^2 (56, 60); 100 alphabeta on Convolution layers and epsilon elsewhere,
            %   102/104 the same with flat/w^2 up to `layer`. epsilon (default 0.01) and
            %   alpha (toolbox convention, beta = 1 - alpha; default 1) may be [].
            if nargin < 3 || isempty(layer), layer = 1; end
            if nargin < 4, epsilon = []; end
            if nargin < 5, alpha = []; end
            args = cellfun(@(v, what) modules.Sequential.scalar_or_nan_(v, what, false), ...
                {formula, layer, epsilon, alpha}, {'formula', 'layer', 'epsilon', 'alpha'});
            if any(isnan(args(1:2))) || any(args(1:2) ~= round(args(1:2)))
                error('lrp:invalidArgument', ...
                    'modules.Sequential.set_caffe_formula: formula and layer must be integers');
            end
            lrp_native.call('lrp_network_set_caffe_formula', obj.net_.get(), int32(args(1)), ...
                int32(args(2) - 1), args(3), args(4));
            obj.sync_presets_([], []);
        end

        function set_convention(obj, convention)
            %set_convention(convention)  'toolbox' (the default: alphabeta stabilised
            %   with 1e-16, tied MaxPool maxima share relevance) or 'zennit' (1e-6, the
            %   first maximum takes it, as PyTorch): whose numerics lrp follows where
            %   the two differ. The gradient methods compute the exact gradient in both.
            if ~ischar(convention) || ~any(strcmpi(convention, {'toolbox', 'zennit'}))
                error('lrp:invalidArgument', ...
                    'modules.Sequential.set_convention: the convention must be ''toolbox'' or ''zennit''');
            end
            lrp_native.call('lrp_network_set_convention', obj.net_.get(), ...
                int32(lrp_native.constants(['LRP_CONVENTION_' upper(convention)])));
        end

        function c = convention(obj)
            %c = convention()  'toolbox' or 'zennit' (see set_convention).
            c = lrp_native.convention(obj.net_);
        end

        function R = explain_classes(obj, X, classes, lrp_var, param)
            %R = explain_classes(X, classes, lrp_var, param)  One heatmap per class of the
            %   vector `classes` (1-based output columns) for every sample of X, from a
            %   single forward pass: N x M x K for an N x M batch, N x H x W x D x K for
            %   images (D written out even when 1), the last index k explaining
            %   class classes(k) (each sample's output kept at that class). Without a rule,
            %   the presets. Leaves the cached forward pass alone.
            if nargin < 4, lrp_var = []; end
            if nargin < 5, param = []; end
            R = lrp_native.explain_classes(obj.net_, X, classes, lrp_var, param, ...
                'modules.Sequential.explain_classes', false);
        end

        function R = explain_class_set(obj, X, classes, lrp_var, param)
            %R = explain_class_set(X, classes, lrp_var, param)  The Caffe toolbox's
            %   composite map of a set of classes: each sample's outputs at `classes`
            %   (1-based) are kept and their sum explained; size(X). Equals the sum of the
            %   classes' maps from explain_classes.
            if nargin < 4, lrp_var = []; end
            if nargin < 5, param = []; end
            R = lrp_native.explain_classes(obj.net_, X, classes, lrp_var, param, ...
                'modules.Sequential.explain_class_set', true);
        end

        function set_precision(obj, precision)
            %set_precision(precision)  What predict, explain, explain_classes and
            %   explain_class_set compute in: 'double' (the default, the toolbox-exact
            %   path) or 'single' (f32: faster on large batches, maps within 1e-4 of
            %   double normwise). forward, lrp, the gradient methods and training compute
            %   in double either way. Anything else: lrp:invalidArgument.
            lrp_native.set_precision(obj.net_, precision, 'modules.Sequential.set_precision');
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
            R = lrp_native.explain(obj.net_, X, classes, lrp_var, param, 'modules.Sequential.explain');
        end
    end

    methods (Hidden)
        function sync_presets_(obj, ~, ~)
            % After a composite or formula type set in the library: every layer has a
            % preset, which its lrp_var and lrp_param read from the library (as set,
            % zbox bounds included), and its one-layer copy gets it.
            m = obj.modules;
            for i = 1:numel(m)
                [lrp_var, param] = lrp_native.preset(obj.net_, i - 1);
                m{i}.preset_cache_(lrp_var, param);
            end
        end
    end

    methods
        function s = saveobj(obj)
            %s = saveobj()  What MATLAB's save stores: struct('modules', {layers}), the
            %   toolbox's property, each layer saved by its own saveobj (no native
            %   pointer in the file); loadobj rebuilds the network.
            s = struct('modules', {obj.modules});
        end
    end

    methods (Static)
        function obj = loadobj(s)
            %nn = modules.Sequential.loadobj(s)  A network from saved properties: MATLAB's
            %   load calls it for a modules.Sequential in a .mat file, the toolbox's own
            %   included (e.g. its models/MNIST/LeNet-5.mat), after each layer's loadobj
            %   has made our layer object from the toolbox's properties; the field modules
            %   holds them (a cell array, in order).
            s = modules.Module.saved_struct_(s, 'modules.Sequential');
            if ~isfield(s, 'modules') || ~iscell(s.modules)
                error('lrp:invalidArgument', ...
                    'modules.Sequential.loadobj: the saved properties need modules, a cell array of layers');
            end
            m = s.modules;
            for i = 1:numel(m)
                if ~isa(m{i}, 'modules.Module')
                    error('lrp:invalidArgument', ...
                        'modules.Sequential.loadobj: element %d of modules is a %s, not a layer object (load each layer with its class''s loadobj)', ...
                        i, class(m{i}));
                end
            end
            obj = modules.Sequential(m(:)');
        end
    end

    methods (Static, Hidden)
        function name = composite_name_(name)
            if isa(name, 'string') && isscalar(name)
                name = char(name);
            end
            if ~(ischar(name) && size(name, 1) == 1)
                error('lrp:invalidArgument', 'modules.Sequential.set_composite: the composite name must be a string');
            end
        end

        function v = scalar_or_nan_(v, what, vector_ok)
            % [] is NaN (the library's "not given"); otherwise a real scalar (or, where
            % allowed, the first entry of a per-channel vector, which only has to pass the
            % scalar checks).
            if isempty(v)
                v = NaN;
            elseif isnumeric(v) && isreal(v) && (isscalar(v) || (vector_ok && isvector(v)))
                v = double(v(1));
            else
                error('lrp:invalidArgument', 'modules.Sequential: %s must be a real scalar, given a %s of size %s', ...
                    what, class(v), mat2str(size(v)));
            end
        end
    end
end
