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
    %   drop_softmax_output_layer, train.

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
                    && isscalar(param) && isa(R, 'double') && isreal(R) && ~issparse(R) ...
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
                m{i}.preset_cache_(lrp_var, param, rule, p);
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
                    rank, d0, d1, d2, d3, Yval, uint64(numel(Yval)), int32(1));
            end
            [rank, d0, d1, d2, d3] = lrp_native.dims(size(X));
            p = obj.net_.get();
            obj.in_size_ = [];
            st = calllib('lrp', 'lrp_network_train', p, X, uint64(numel(X)), rank, d0, d1, d2, d3, ...
                Y, uint64(numel(Y)), int32(1), opts);
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
end
