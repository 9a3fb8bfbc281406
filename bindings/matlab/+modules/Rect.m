classdef Rect < modules.Module
    %MODULES.RECT  max(0, X) (ReLU).
    %
    %   l = modules.Rect()

    methods
        function obj = Rect(h, index)
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
            lrp_native.call('lrp_network_add_rect', h.get());
        end
    end
end
