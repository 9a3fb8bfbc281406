classdef Pool < modules.Module
    %MODULES.POOL  What MaxPool and SumPool share: window [ph pw] and stride [sh sw]
    %   (defaults [2 2] and [2 2]), fixed once the layer exists. Not used on its own.

    properties (Dependent)
        pool     % [ph pw]
        stride   % [sh sw]
    end

    properties (Hidden)
        sizes_ = [2 2 2 2]
    end

    methods
        function obj = Pool(pool, stride)
            if nargin >= 1 && isa(pool, 'lrp_native.Handle')
                obj.bind_(pool, stride);
                obj.sizes_ = lrp_native.layer_sizes(pool, stride);
                return;
            end
            if nargin < 1 || isempty(pool)
                pool = [2 2];
            end
            if nargin < 2 || isempty(stride)
                stride = [2 2];
            end
            pool = lrp_native.check_sizes(pool, 2, [obj.name_() ' pool']);
            stride = lrp_native.check_sizes(stride, 2, [obj.name_() ' stride']);
            obj.sizes_ = [pool stride];
            h = lrp_native.Handle.create();
            obj.own_(h);
            obj.append_to_(h);
        end

        function v = get.pool(obj)
            v = obj.sizes_(1:2);
        end

        function v = get.stride(obj)
            v = obj.sizes_(3:4);
        end

        function set.pool(obj, v)
            if ~(isnumeric(v) && isequal(double(v(:)'), obj.sizes_(1:2)))
                error('lrp:shapeMismatch', ...
                    'lrp: %s.pool is fixed (%s); create a new layer for another size', ...
                    obj.name_(), mat2str(obj.sizes_(1:2)));
            end
        end

        function set.stride(obj, v)
            if ~(isnumeric(v) && isequal(double(v(:)'), obj.sizes_(3:4)))
                error('lrp:shapeMismatch', ...
                    'lrp: %s.stride is fixed (%s); create a new layer for another stride', ...
                    obj.name_(), mat2str(obj.sizes_(3:4)));
            end
        end
    end

    methods (Static, Hidden)
        function obj = load_(s, cls)
            % MaxPool.loadobj and SumPool.loadobj: pool and stride (default [2 2] each).
            s = modules.Module.saved_struct_(s, cls);
            pool = modules.Module.saved_field_(s, 'pool', cls, [2 2]);
            stride = modules.Module.saved_field_(s, 'stride', cls, [2 2]);
            obj = feval(cls, pool, stride);
            obj.restore_preset_(s);
        end
    end

    methods (Hidden)
        function names = saved_properties_(obj) %#ok<MANU>
            names = {'pool', 'stride'};
        end

        function n = name_(obj)
            % 'MaxPool' or 'SumPool': the class name without its package.
            n = regexprep(class(obj), '^.*\.', '');
        end

        function append_to_(obj, h)
            % lrp_network_add_maxpool or lrp_network_add_sumpool.
            s = obj.sizes_;
            lrp_native.call(['lrp_network_add_' lower(obj.name_())], h.get(), ...
                uint64(s(1)), uint64(s(2)), uint64(s(3)), uint64(s(4)));
        end
    end
end
