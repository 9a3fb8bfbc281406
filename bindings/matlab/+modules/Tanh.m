classdef Tanh < modules.Parameterless
    %MODULES.TANH  tanh(X).
    %
    %   l = modules.Tanh()

    methods
        function obj = Tanh(varargin)
            obj = obj@modules.Parameterless(varargin{:});
        end
    end

    methods (Static)
        function obj = loadobj(s)
            %obj = modules.Tanh.loadobj(s)  A layer from saved properties (lrp_var,
            %   lrp_param): MATLAB's load calls it, for the toolbox's files too.
            obj = modules.Parameterless.load_(s, 'modules.Tanh');
        end
    end
end
