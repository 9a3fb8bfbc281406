classdef Convolution < modules.Module
    %MODULES.CONVOLUTION  Valid cross-correlation of N x H x W x D batches with nf filters.
    %
    %   l = modules.Convolution(filtersize, stride): filtersize [hf wf df nf] (default
    %   [5 5 3 32]), stride [sh sw] (default [2 2]). Random W (hf x wf x df x nf,
    %   Normal(0, 1/sqrt(hf*wf*df)), drawn by the library from a seed taken from MATLAB's
    %   random stream; modules.Convolution(filtersize, stride, seed) fixes it), zero B
    %   (1 x nf). Output size: floor((H - hf)/sh) + 1 by floor((W - wf)/sw) + 1 by nf.

    properties (Dependent)
        filtersize   % [hf wf df nf]
        stride       % [sh sw]
        W            % filters, hf x wf x df x nf
        B            % biases, 1 x nf
    end

    properties (Hidden)
        sizes_ = [5 5 3 32 2 2]
    end

    methods
        function obj = Convolution(filtersize, stride, seed)
            if nargin >= 1 && isa(filtersize, 'lrp_native.Handle')
                obj.bind_(filtersize, stride);
                obj.sizes_ = lrp_native.layer_sizes(filtersize, stride);
                return;
            end
            if nargin < 1 || isempty(filtersize)
                filtersize = [5 5 3 32];
            end
            if nargin < 2 || isempty(stride)
                stride = [2 2];
            end
            filtersize = lrp_native.check_sizes(filtersize, 4, 'Convolution filtersize');
            stride = lrp_native.check_sizes(stride, 2, 'Convolution stride');
            if nargin < 3 || isempty(seed)
                seed = lrp_native.random_seed();
            end
            s = [filtersize stride];
            lrp_native.check_alloc(prod(filtersize), sprintf('modules.Convolution(%s)', mat2str(filtersize)));
            h = lrp_native.Handle.create();
            lrp_native.call('lrp_network_add_convolution', h.get(), uint64(s(1)), uint64(s(2)), ...
                uint64(s(3)), uint64(s(4)), uint64(s(5)), uint64(s(6)), ...
                [], uint64(0), [], uint64(0), int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')), uint64(seed));
            obj.own_(h);
            obj.sizes_ = s;
        end

        function v = get.filtersize(obj)
            v = obj.sizes_(1:4);
        end

        function v = get.stride(obj)
            v = obj.sizes_(5:6);
        end

        function set.filtersize(obj, v)
            if ~(isnumeric(v) && isequal(double(v(:)'), obj.sizes_(1:4)))
                error('lrp:shapeMismatch', ...
                    'lrp: Convolution.filtersize is fixed (%s); create a new layer for another size', ...
                    mat2str(obj.sizes_(1:4)));
            end
        end

        function set.stride(obj, v)
            if ~(isnumeric(v) && isequal(double(v(:)'), obj.sizes_(5:6)))
                error('lrp:shapeMismatch', ...
                    'lrp: Convolution.stride is fixed (%s); create a new layer for another stride', ...
                    mat2str(obj.sizes_(5:6)));
            end
        end

        function v = get.W(obj)
            v = obj.param_(lrp_native.constants('LRP_PARAM_W'));
        end

        function set.W(obj, v)
            obj.set_param_(lrp_native.constants('LRP_PARAM_W'), v, 'Convolution.W');
        end

        function v = get.B(obj)
            v = obj.param_(lrp_native.constants('LRP_PARAM_B'));
        end

        function set.B(obj, v)
            obj.set_param_(lrp_native.constants('LRP_PARAM_B'), v, 'Convolution.B');
        end
    end

    methods (Static)
        function obj = loadobj(s)
            %obj = modules.Convolution.loadobj(s)  A layer from saved properties: MATLAB's
            %   load calls it for a modules.Convolution in a .mat file (the toolbox's own
            %   included: fields W (hf x wf x df x nf), B, stride, and optionally
            %   filtersize, lrp_var, lrp_param; others are ignored).
            s = modules.Module.saved_struct_(s, 'modules.Convolution');
            W = modules.Module.saved_field_(s, 'W', 'modules.Convolution');
            f = modules.Module.saved_field_(s, 'filtersize', 'modules.Convolution', ...
                [size(W, 1) size(W, 2) size(W, 3) size(W, 4)]);
            stride = modules.Module.saved_field_(s, 'stride', 'modules.Convolution', [2 2]);
            B = modules.Module.saved_field_(s, 'B', 'modules.Convolution', zeros(1, f(end)));
            if numel(f) ~= 4 || numel(W) ~= prod(f)
                error('lrp:shapeMismatch', ...
                    'modules.Convolution.loadobj: W is %s, but filtersize is %s', ...
                    mat2str(size(W)), mat2str(f));
            end
            obj = modules.Convolution(f, stride, 0);
            obj.W = reshape(W, f);
            obj.B = B;
            obj.restore_preset_(s);
        end
    end

    methods (Hidden)
        function shapes = param_shapes_(obj)
            shapes = {obj.sizes_(1:4), [1 obj.sizes_(4)]};
        end

        function names = saved_properties_(obj) %#ok<MANU>
            names = {'filtersize', 'stride', 'W', 'B'};
        end

        function append_to_(obj, h)
            W = obj.W;
            B = obj.B;
            s = obj.sizes_;
            lrp_native.call('lrp_network_add_convolution', h.get(), uint64(s(1)), uint64(s(2)), ...
                uint64(s(3)), uint64(s(4)), uint64(s(5)), uint64(s(6)), ...
                W, uint64(numel(W)), B, uint64(numel(B)), int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')), uint64(0));
        end
    end
end
