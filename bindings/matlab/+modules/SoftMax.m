classdef SoftMax < modules.Parameterless
    %MODULES.SOFTMAX  exp(X) / sum(exp(X)) over the features; backward passes DY through (the toolbox trains with DY = Ypred - Y).
    %
    %   l = modules.SoftMax()

    methods
        function obj = SoftMax(varargin)
            obj = obj@modules.Parameterless(varargin{:});
        end
    end

    methods (Static)
        function obj = loadobj(s)
            %obj = modules.SoftMax.loadobj(s)  A layer from saved properties (lrp_var,
            %   lrp_param): MATLAB's load calls it, for the toolbox's files too.
            obj = modules.Parameterless.load_(s, 'modules.SoftMax');
        end
    end
end
