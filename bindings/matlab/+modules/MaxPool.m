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
end
