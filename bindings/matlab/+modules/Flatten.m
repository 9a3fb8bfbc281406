classdef Flatten < modules.Parameterless
    %MODULES.FLATTEN  N x H x W x D to N x (H*W*D), C order of (H, W, D); its inverse on the way back.
    %
    %   l = modules.Flatten()

    methods
        function obj = Flatten(varargin)
            obj = obj@modules.Parameterless(varargin{:});
        end
    end
end
