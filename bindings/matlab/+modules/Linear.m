classdef Linear < modules.Module
    %MODULES.LINEAR  Fully connected layer: Y = X * W + B.
    %
    %   l = modules.Linear(m, n) has random weights W (m x n, Normal(0, 1/sqrt(m)), drawn
    %   by the library from a seed taken from MATLAB's random stream) and zero biases B
    %   (1 x n). modules.Linear(m, n, seed) fixes the library's seed.
    %   W and B are read from and written to the network that uses them.

    properties (Dependent)
        m   % number of inputs
        n   % number of outputs
        W   % weights, m x n
        B   % biases, 1 x n
    end

    properties (Hidden)
        sizes_ = [0 0]
    end

    methods
        function obj = Linear(m, n, seed)
            if nargin >= 1 && isa(m, 'lrp_native.Handle')
                obj.bind_(m, n);
                obj.sizes_ = lrp_native.layer_sizes(m, n);
                return;
            end
            if nargin < 2
                error('lrp:invalidArgument', 'modules.Linear(m, n): m and n are required');
            end
            m = lrp_native.check_sizes(m, 1, 'Linear m');
            n = lrp_native.check_sizes(n, 1, 'Linear n');
            if nargin < 3 || isempty(seed)
                seed = lrp_native.random_seed();
            end
            lrp_native.check_alloc(m * n, sprintf('modules.Linear(%d, %d)', m, n));
            h = lrp_native.Handle.create();
            lrp_native.call('lrp_network_add_linear', h.get(), uint64(m), uint64(n), ...
                [], uint64(0), [], uint64(0), int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')), uint64(seed));
            obj.own_(h);
            obj.sizes_ = [m n];
        end

        function v = get.m(obj)
            v = obj.sizes_(1);
        end

        function v = get.n(obj)
            v = obj.sizes_(2);
        end

        function set.m(obj, v)
            modules.Linear.fixed_size_(obj, 'm', v, obj.sizes_(1));
        end

        function set.n(obj, v)
            modules.Linear.fixed_size_(obj, 'n', v, obj.sizes_(2));
        end

        function v = get.W(obj)
            v = obj.param_(lrp_native.constants('LRP_PARAM_W'));
        end

        function set.W(obj, v)
            obj.set_param_(lrp_native.constants('LRP_PARAM_W'), v, 'Linear.W');
        end

        function v = get.B(obj)
            v = obj.param_(lrp_native.constants('LRP_PARAM_B'));
        end

        function set.B(obj, v)
            obj.set_param_(lrp_native.constants('LRP_PARAM_B'), v, 'Linear.B');
        end
    end

    methods (Hidden)
        function shapes = param_shapes_(obj)
            shapes = {obj.sizes_, [1 obj.sizes_(2)]};
        end

        function names = saved_properties_(obj) %#ok<MANU>
            names = {'m', 'n', 'W', 'B'};
        end

        function append_to_(obj, h)
            W = obj.W;
            B = obj.B;
            lrp_native.call('lrp_network_add_linear', h.get(), uint64(obj.sizes_(1)), ...
                uint64(obj.sizes_(2)), W, uint64(numel(W)), B, uint64(numel(B)), int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')), uint64(0));
        end
    end
    methods (Static)
        function obj = loadobj(s)
            %obj = modules.Linear.loadobj(s)  A layer from saved properties: MATLAB's load
            %   calls it for a modules.Linear in a .mat file (the toolbox's own included:
            %   fields W, B, and optionally m, n, lrp_var, lrp_param; others such as the
            %   toolbox's cached X and Y are ignored).
            s = modules.Module.saved_struct_(s, 'modules.Linear');
            W = modules.Module.saved_field_(s, 'W', 'modules.Linear');
            B = modules.Module.saved_field_(s, 'B', 'modules.Linear', zeros(1, size(W, 2)));
            m = modules.Module.saved_field_(s, 'm', 'modules.Linear', size(W, 1));
            n = modules.Module.saved_field_(s, 'n', 'modules.Linear', size(W, 2));
            if ~ismatrix(W) || ~isequal(size(W), [m n])
                error('lrp:shapeMismatch', ...
                    'modules.Linear.loadobj: W is %s, but m = %g and n = %g', ...
                    mat2str(size(W)), m, n);
            end
            obj = modules.Linear(m, n, 0);
            obj.W = W;
            obj.B = B;
            obj.restore_preset_(s);
        end
    end

    methods (Static, Hidden)
        function fixed_size_(obj, name, v, current)
            if ~(isnumeric(v) && isscalar(v) && v == current)
                error('lrp:shapeMismatch', ...
                    'lrp: %s.%s is fixed by its weights (%s); create a new layer for another size', ...
                    class(obj), name, mat2str(current));
            end
        end
    end
end
