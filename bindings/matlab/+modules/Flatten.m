classdef Flatten < modules.Module
    %MODULES.FLATTEN  N x H x W x D to N x (H*W*D), C order of (H, W, D); its inverse on the way back.
    %
    %   l = modules.Flatten()

    methods
        function obj = Flatten(h, index)
            if nargin >= 1 && isa(h, 'lrp_native.Handle')
                obj.bind_(h, index);
                return;
            end
            h = lrp_native.Handle.create();
            obj.own_(h);
            obj.append_to_(h);
        end
    end

    methods (Hidden)
        function append_to_(~, h)
            lrp_native.call('lrp_network_add_flatten', h.get());
        end
    end
end
