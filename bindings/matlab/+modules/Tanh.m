classdef Tanh < modules.Module
    %MODULES.TANH  tanh(X).
    %
    %   l = modules.Tanh()

    methods
        function obj = Tanh(h, index)
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
            lrp_native.call('lrp_network_add_tanh', h.get());
        end
    end
end
