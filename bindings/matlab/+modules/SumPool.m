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
end
