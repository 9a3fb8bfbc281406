classdef Flatten < modules.Parameterless
    %MODULES.FLATTEN  N x H x W x D to N x (H*W*D), C order of (H, W, D); its inverse on the way back.
    %
    %   l = modules.Flatten()

    methods
        function obj = Flatten(varargin)
            obj = obj@modules.Parameterless(varargin{:});
        end
    end

    methods (Static)
        function obj = loadobj(s)
            %obj = modules.Flatten.loadobj(s)  A layer from saved properties (lrp_var,
            %   lrp_param): MATLAB's load calls it, for the toolbox's files too.
            obj = modules.Parameterless.load_(s, 'modules.Flatten');
        end
    end
end
