classdef Rect < modules.Parameterless
    %MODULES.RECT  max(0, X) (ReLU).
    %
    %   l = modules.Rect()

    methods
        function obj = Rect(varargin)
            obj = obj@modules.Parameterless(varargin{:});
        end
    end

    methods (Static)
        function obj = loadobj(s)
            %obj = modules.Rect.loadobj(s)  A layer from saved properties (lrp_var,
            %   lrp_param): MATLAB's load calls it, for the toolbox's files too.
            obj = modules.Parameterless.load_(s, 'modules.Rect');
        end
    end
end
