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
        has_preset_ = false   % a preset was set (the library cannot tell it from 'simple')
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
            % Read from the library (canonical names: 'alpha' reads 'alphabeta').
            v = [];
            if obj.has_preset_
                v = lrp_native.preset(obj.net_, obj.index_);
            end
        end

        function set.lrp_var(obj, v)
            obj.set_lrp_parameters(v, obj.lrp_param);
        end

        function v = get.lrp_param(obj)
            % Read from the library: the rule's parameter (its default when none was
            % given; [] for rules without one), zbox's bounds as [low; high].
            v = [];
            if obj.has_preset_
                [~, v] = lrp_native.preset(obj.net_, obj.index_);
            end
        end

        function set.lrp_param(obj, v)
            obj.set_lrp_parameters(obj.lrp_var, v);
        end

        function s = saveobj(obj)
            %s = saveobj()  What MATLAB's save stores for a layer: a struct of the
            %   toolbox's property names (Linear: m, n, W, B; Convolution: filtersize,
            %   stride, W, B; MaxPool and SumPool: pool, stride; every layer lrp_var and
            %   lrp_param), so that load rebuilds the native network through loadobj, and
            %   the file holds no native pointer.
            s = struct();
            names = obj.saved_properties_();
            for i = 1:numel(names)
                s.(names{i}) = obj.(names{i});
            end
            s.lrp_var = obj.lrp_var;
            s.lrp_param = obj.lrp_param;
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

        function names = saved_properties_(obj) %#ok<MANU>
            % The properties saveobj stores besides lrp_var and lrp_param.
            names = {};
        end

        function obj = restore_preset_(obj, s)
            % loadobj's last step: the saved lrp_var / lrp_param, when a rule was set.
            if isfield(s, 'lrp_var') && ~isempty(s.lrp_var)
                p = [];
                if isfield(s, 'lrp_param')
                    p = s.lrp_param;
                end
                obj.set_lrp_parameters(s.lrp_var, p);
            end
        end

        function append_with_preset_(obj, h, index)
            % Appends this layer to h (as layer `index`, 0-based) with its LRP preset.
            % The preset is read from the network the layer is in now (net_, still
            % alive while its layers move to another).
            obj.append_to_(h);
            if obj.has_preset_
                [lrp_var, param] = lrp_native.preset(obj.net_, obj.index_);
                if obj.takes_rule_(lrp_var)
                    lrp_native.set_preset(h, index, lrp_var, param);
                end
            end
        end

        function tf = takes_rule_(obj, lrp_var)
            % Whether the library takes lrp_var as this layer's own preset, as it says
            % (lrp_node_accepts): gamma and zbox only on layers with weights, pass not on
            % them (a network-wide setting reaches the others as 'simple', and is copied to
            % them without error).
            tf = lrp_native.accepts(obj.net_, obj.index_, lrp_var);
        end

        function preset_cache_(obj, lrp_var, param)
            % A preset was set in net_: lrp_var and lrp_param read it from there from now
            % on (none for an empty lrp_var); the one-layer copy gets it too.
            obj.has_preset_ = ~isempty(lrp_var);
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
            selectors = [lrp_native.constants('LRP_PARAM_W'), lrp_native.constants('LRP_PARAM_B')];
            for i = 1:numel(shapes)
                which = selectors(i);
                v = lrp_native.get_param(obj.solo_, 0, which, shapes{i});
                lrp_native.call('lrp_layer_set_param', obj.net_.get(), uint64(obj.index_), ...
                    int32(which), v, uint64(numel(v)), int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')));
            end
        end

        function v = param_(obj, which)
            % W or B (WHICH: LRP_PARAM_W or LRP_PARAM_B) of this layer, read from the library.
            v = lrp_native.get_param(obj.net_, obj.index_, which, obj.param_shape_(which));
        end

        function set_param_(obj, which, v, what)
            shape = obj.param_shape_(which);
            lrp_native.set_param(obj.net_, obj.index_, which, v, shape, what);
            if ~obj.owns_ && ~isempty(obj.solo_) && obj.solo_.alive()
                lrp_native.set_param(obj.solo_, 0, which, v, shape, what);
            end
        end

        function s = param_shape_(obj, which)
            % The size of W (WHICH = LRP_PARAM_W) or B (LRP_PARAM_B).
            shapes = obj.param_shapes_();
            s = shapes{1 + (which == lrp_native.constants('LRP_PARAM_B'))};
        end
    end

    methods (Static, Hidden)
        function s = saved_struct_(s, cls)
            % The argument of CLS.loadobj as a scalar struct (an object of CLS, which
            % MATLAB passes when it could build one, gives its public properties).
            if isobject(s) && isa(s, cls) && isscalar(s)
                w = warning('off', 'MATLAB:structOnObject');
                s = struct(s);
                warning(w);
            end
            if ~(isstruct(s) && isscalar(s))
                error('lrp:invalidArgument', ...
                    '%s.loadobj: expects the saved properties as a scalar struct, given a %s', ...
                    cls, class(s));
            end
        end

        function v = saved_field_(s, name, cls, default)
            % Field NAME of the saved struct S; DEFAULT when it is missing or empty (no
            % default: an error naming the field).
            if isfield(s, name) && ~isempty(s.(name))
                v = double(s.(name));
                return;
            end
            if nargin < 4
                error('lrp:invalidArgument', '%s.loadobj: the saved properties have no %s', ...
                    cls, name);
            end
            v = default;
        end

        function layer = from_network_(h, index)
            % The layer object bound to layer `index` (0-based) of the native network h.
            k = lrp_native.constants();
            switch lrp_native.layer_kind(h, index)
                case k.LRP_LAYER_LINEAR
                    layer = modules.Linear(h, index);
                case k.LRP_LAYER_CONVOLUTION
                    layer = modules.Convolution(h, index);
                case k.LRP_LAYER_MAXPOOL
                    layer = modules.MaxPool(h, index);
                case k.LRP_LAYER_SUMPOOL
                    layer = modules.SumPool(h, index);
                case k.LRP_LAYER_FLATTEN
                    layer = modules.Flatten(h, index);
                case k.LRP_LAYER_RECT
                    layer = modules.Rect(h, index);
                case k.LRP_LAYER_TANH
                    layer = modules.Tanh(h, index);
                case k.LRP_LAYER_SOFTMAX
                    layer = modules.SoftMax(h, index);
                otherwise
                    error('lrp:invalidArgument', ...
                        'lrp: layer %d is of a kind (%d) the MATLAB bindings have no class for', ...
                        index + 1, lrp_native.layer_kind(h, index));
            end
        end
    end
end
