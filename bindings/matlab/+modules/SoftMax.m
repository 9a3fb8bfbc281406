classdef SoftMax < modules.Module
    %MODULES.SOFTMAX  exp(X) / sum(exp(X)) over the features; backward passes DY through (the toolbox trains with DY = Ypred - Y).
    %
    %   l = modules.SoftMax()

    methods
        function obj = SoftMax(h, index)
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
            lrp_native.call('lrp_network_add_softmax', h.get());
        end
    end
end
