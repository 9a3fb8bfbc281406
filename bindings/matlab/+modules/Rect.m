classdef Rect < modules.Parameterless
    %MODULES.RECT  max(0, X) (ReLU).
    %
    %   l = modules.Rect()

    methods
        function obj = Rect(varargin)
            obj = obj@modules.Parameterless(varargin{:});
        end
    end
end
