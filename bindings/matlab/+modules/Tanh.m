classdef Tanh < modules.Parameterless
    %MODULES.TANH  tanh(X).
    %
    %   l = modules.Tanh()

    methods
        function obj = Tanh(varargin)
            obj = obj@modules.Parameterless(varargin{:});
        end
    end
end
