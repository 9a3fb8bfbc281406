classdef SoftMax < modules.Parameterless
    %MODULES.SOFTMAX  exp(X) / sum(exp(X)) over the features; backward passes DY through (the toolbox trains with DY = Ypred - Y).
    %
    %   l = modules.SoftMax()

    methods
        function obj = SoftMax(varargin)
            obj = obj@modules.Parameterless(varargin{:});
        end
    end
end
