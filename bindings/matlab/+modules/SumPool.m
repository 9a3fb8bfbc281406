classdef SumPool < modules.Pool
    %MODULES.SUMPOOL  Pooling of N x H x W x D batches: sum over each pool window times 1/sqrt(ph*pw), per channel.
    %
    %   l = modules.SumPool(pool, stride): pool [ph pw] (default [2 2]), stride [sh sw]
    %   (default [2 2]). Properties pool and stride (see modules.Pool).

    methods
        function obj = SumPool(varargin)
            obj = obj@modules.Pool(varargin{:});
        end
    end

    methods (Static)
        function obj = loadobj(s)
            %obj = modules.SumPool.loadobj(s)  A layer from saved properties (pool, stride,
            %   lrp_var, lrp_param): MATLAB's load calls it, for the toolbox's files too.
            obj = modules.Pool.load_(s, 'modules.SumPool');
        end
    end
end
