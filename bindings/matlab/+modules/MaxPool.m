classdef MaxPool < modules.Pool
    %MODULES.MAXPOOL  Pooling of N x H x W x D batches: max over each pool window, per channel.
    %
    %   l = modules.MaxPool(pool, stride): pool [ph pw] (default [2 2]), stride [sh sw]
    %   (default [2 2]). Properties pool and stride (see modules.Pool).

    methods
        function obj = MaxPool(varargin)
            obj = obj@modules.Pool(varargin{:});
        end
    end

    methods (Static)
        function obj = loadobj(s)
            %obj = modules.MaxPool.loadobj(s)  A layer from saved properties (pool, stride,
            %   lrp_var, lrp_param): MATLAB's load calls it, for the toolbox's files too.
            obj = modules.Pool.load_(s, 'modules.MaxPool');
        end
    end
end
