classdef Parameterless < modules.Module
    %MODULES.PARAMETERLESS  What Flatten, Rect, Tanh and SoftMax share: no parameters, and
    %   the library call that appends them is lrp_network_add_<name>. Not used on its own.

    methods
        function obj = Parameterless(h, index)
            if nargin >= 1 && isa(h, 'lrp_native.Handle')
                obj.bind_(h, index);
                return;
            end
            h = lrp_native.Handle.create();
            obj.own_(h);
            obj.append_to_(h);
        end
    end

    methods (Static, Hidden)
        function obj = load_(s, cls)
            % loadobj of Flatten, Rect, Tanh and SoftMax: lrp_var and lrp_param only.
            s = modules.Module.saved_struct_(s, cls);
            obj = feval(cls);
            obj.restore_preset_(s);
        end
    end

    methods (Hidden)
        function append_to_(obj, h)
            % lrp_network_add_flatten, _rect, _tanh or _softmax.
            name = lower(regexprep(class(obj), '^.*\.', ''));
            lrp_native.call(['lrp_network_add_' name], h.get());
        end
    end
end
