classdef Module < handle
    %MODULES.MODULE  Superclass of every layer and of modules.Sequential.
    %
    %   The numbers live in liblrp. A layer on its own owns a one-layer native network;
    %   once it is part of a modules.Sequential it is bound to that network (its W and B
    %   read and write the parameters the network uses) and runs its own forward, backward
    %   and lrp on a one-layer copy that is kept in step with the network.
    %
    %   Methods (the toolbox's): Y = forward(X), DX = backward(DY), update(lrate), clean(),
    %   set_lrp_parameters(lrp_var, param), R = lrp(R, lrp_var, param).

    properties (Dependent)
        lrp_var     % preset LRP rule of this layer ([]: simple)
        lrp_param   % its parameter ([]: the rule's default)
    end

    properties (Hidden)
        net_ = []       % lrp_native.Handle that holds this module's parameters
        index_ = 0      % 0-based index of the layer in net_
        owns_ = false   % net_ belongs to this module (freed with it)
        solo_ = []      % one-layer network for the layer's own computations while bound
        in_size_ = []   % size of the input of the last forward pass on the compute network
        uid_ = 0        % identifies the object
        lrp_var_ = []
        lrp_param_ = []
    end

    methods
        function obj = Module()
            obj.uid_ = lrp_native.next_id();
        end

        function Y = forward(obj, X, lrp_aware)
            %Y = forward(X)  The output for the input batch X (N x M or N x H x W x D).
            %   forward(X, lrp_aware) accepts the toolbox's flag; results are the same.
            if nargin < 3
                lrp_aware = false;
            end
            h = obj.compute_net_(true);
            Y = lrp_native.forward(h, X, lrp_aware);
            obj.in_size_ = size(X);
        end

        function DX = backward(obj, DY)
            %DX = backward(DY)  The input gradient after forward, for DY = dLoss/dOutput.
            h = obj.compute_net_(false);
            DX = lrp_native.backward(h, DY, obj.in_size_);
        end

        function update(obj, lrate)
            %update(lrate)  Plain SGD with the gradients of the last backward pass.
            if ~(isnumeric(lrate) && isscalar(lrate) && isreal(lrate))
                error('lrp:invalidArgument', 'lrp: lrate must be a real scalar');
            end
            h = obj.compute_net_(false);
            lrp_native.call('lrp_network_update', h.get(), double(lrate));
            obj.after_update_();
        end

        function clean(obj)
            %clean()  Drops the cached activations and gradients.
            h = obj.compute_net_(false);
            lrp_native.call('lrp_network_clean', h.get());
            obj.in_size_ = [];
        end

        function set_lrp_parameters(obj, lrp_var, param)
            %set_lrp_parameters(lrp_var, param)  Presets the rule this layer uses when lrp
            %   is called without a rule. Empty or missing arguments mean 'simple' and the
            %   rule's default parameter. set_lrp_parameters('zbox', [low; high]) gives
            %   the z^B rule bounds per input channel (2 x C; C = 1: the same for all).
            if nargin < 2
                lrp_var = [];
            end
            if nargin < 3
                param = [];
            end
            lrp_native.set_preset(obj.net_, obj.index_, lrp_var, param);
            obj.preset_cache_(lrp_var, param);
        end

        function R = lrp(obj, R, lrp_var, param)
            %R = lrp(R)  Relevance of the last forward pass's input, for the relevance R of
            %   the output, with every layer's preset rule.
            %R = lrp(R, lrp_var, param)  The rule ('simple'/'none', 'epsilon',
            %   'alphabeta'/'alpha', 'flat', 'ww'/'w^2', and beyond the toolbox 'zplus',
            %   'gamma', 'zbox' with bound p) for every layer in this call.
            if nargin < 3
                lrp_var = [];
            end
            if nargin < 4
                param = [];
            end
            h = obj.compute_net_(false);
            R = lrp_native.relevance(h, R, lrp_var, param, obj.in_size_);
        end

        function train(obj, varargin) %#ok<INUSD>
            error('lrp:invalidArgument', 'Training not implemented for class %s', class(obj));
        end

        function v = get.lrp_var(obj)
            v = obj.lrp_var_;
        end

        function set.lrp_var(obj, v)
            obj.set_lrp_parameters(v, obj.lrp_param_);
        end

        function v = get.lrp_param(obj)
            v = obj.lrp_param_;
        end

        function set.lrp_param(obj, v)
            obj.set_lrp_parameters(obj.lrp_var_, v);
        end

        function delete(obj)
            try
                if ~isempty(obj.solo_)
                    obj.solo_.free();
                end
                if obj.owns_ && ~isempty(obj.net_)
                    obj.net_.free();
                end
            catch
                % the library is gone (session ending)
            end
        end
    end

    methods (Hidden)
        function append_to_(obj, h) %#ok<INUSD>
            % Appends this layer, with its current parameters, to the native network h.
            error('lrp:invalidArgument', 'lrp: %s cannot be part of a network', class(obj));
        end

        function shapes = param_shapes_(obj) %#ok<MANU>
            % The sizes of W and B ({} for layers without parameters).
            shapes = {};
        end

        function append_with_preset_(obj, h, index)
            % Appends this layer to h (as layer `index`, 0-based) with its LRP preset.
            obj.append_to_(h);
            if (~isempty(obj.lrp_var_) || ~isempty(obj.lrp_param_)) && obj.takes_rule_(obj.lrp_var_)
                lrp_native.set_preset(h, index, obj.lrp_var_, obj.lrp_param_);
            end
        end

        function tf = takes_rule_(obj, lrp_var)
            % Whether the library takes lrp_var as this layer's own preset: gamma and zbox
            % only on layers with weights (a network-wide setting reaches the others as
            % 'simple', and is copied to them without error).
            tf = ~(ischar(lrp_var) && any(strcmpi(lrp_var, {'gamma', 'zbox', 'z^b'}))) ...
                || ~isempty(obj.param_shapes_());
        end

        function preset_cache_(obj, lrp_var, param)
            % Records a preset already set in net_ (and copies it to the one-layer copy).
            obj.lrp_var_ = lrp_var;
            obj.lrp_param_ = param;
            if ~isempty(obj.solo_) && obj.solo_.alive() && obj.takes_rule_(lrp_var)
                lrp_native.set_preset(obj.solo_, 0, lrp_var, param);
            end
        end

        function own_(obj, h)
            % Makes h (a one-layer network) this layer's own network.
            obj.drop_solo_();
            if obj.owns_ && ~isempty(obj.net_) && obj.net_.id ~= h.id
                obj.net_.free();
            end
            obj.net_ = h;
            obj.index_ = 0;
            obj.owns_ = true;
            obj.in_size_ = [];
        end

        function bind_(obj, h, index)
            % Binds the layer to layer `index` (0-based) of the network h (a Sequential's).
            obj.drop_solo_();
            if obj.owns_ && ~isempty(obj.net_) && obj.net_.id ~= h.id
                obj.net_.free();
            end
            obj.net_ = h;
            obj.index_ = index;
            obj.owns_ = false;
            obj.in_size_ = [];
        end

        function detach_(obj)
            % Gives a bound layer its own one-layer network with its current parameters.
            if obj.owns_ || isempty(obj.net_) || ~obj.net_.alive()
                return;
            end
            h = lrp_native.Handle.create();
            obj.append_with_preset_(h, 0);
            obj.own_(h);
        end

        function tf = bound_to_(obj, h, index)
            tf = ~obj.owns_ && ~isempty(obj.net_) && obj.net_.id == h.id && obj.index_ == index;
        end

        function h = compute_net_(obj, fresh)
            % The network this layer computes on: its own, or (bound) a one-layer copy,
            % made anew with the current parameters for each forward pass.
            if obj.owns_
                h = obj.net_;
                return;
            end
            if isempty(obj.net_)
                error('lrp:deleted', 'lrp: the layer has no network');
            end
            if fresh || isempty(obj.solo_) || ~obj.solo_.alive()
                h = lrp_native.Handle.create();
                try
                    obj.append_with_preset_(h, 0);
                catch err
                    h.free();
                    rethrow(err);
                end
                obj.drop_solo_();
                obj.solo_ = h;
            end
            h = obj.solo_;
        end

        function drop_solo_(obj)
            if ~isempty(obj.solo_)
                obj.solo_.free();
                obj.solo_ = [];
            end
        end

        function after_update_(obj)
            % A bound layer updated on its one-layer copy writes the result back.
            if obj.owns_ || isempty(obj.solo_)
                return;
            end
            shapes = obj.param_shapes_();
            for which = 0:numel(shapes) - 1
                v = lrp_native.get_param(obj.solo_, 0, which, shapes{which + 1});
                lrp_native.call('lrp_layer_set_param', obj.net_.get(), uint64(obj.index_), ...
                    int32(which), v, uint64(numel(v)), int32(1));
            end
        end

        function v = param_(obj, which)
            shapes = obj.param_shapes_();
            v = lrp_native.get_param(obj.net_, obj.index_, which, shapes{which + 1});
        end

        function set_param_(obj, which, v, what)
            shapes = obj.param_shapes_();
            lrp_native.set_param(obj.net_, obj.index_, which, v, shapes{which + 1}, what);
            if ~obj.owns_ && ~isempty(obj.solo_) && obj.solo_.alive()
                lrp_native.set_param(obj.solo_, 0, which, v, shapes{which + 1}, what);
            end
        end
    end

    methods (Static, Hidden)
        function layer = from_network_(h, index)
            % The layer object bound to layer `index` (0-based) of the native network h.
            switch lrp_native.layer_kind(h, index)
                case 1
                    layer = modules.Linear(h, index);
                case 2
                    layer = modules.Convolution(h, index);
                case 3
                    layer = modules.MaxPool(h, index);
                case 4
                    layer = modules.SumPool(h, index);
                case 5
                    layer = modules.Flatten(h, index);
                case 6
                    layer = modules.Rect(h, index);
                case 7
                    layer = modules.Tanh(h, index);
                case 8
                    layer = modules.SoftMax(h, index);
                otherwise
                    error('lrp:invalidArgument', 'lrp: unknown layer kind at index %d', index);
            end
        end
    end
end
