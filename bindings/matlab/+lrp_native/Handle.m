classdef Handle < handle
    %LRP_NATIVE.HANDLE  Owns one native network (LrpNetwork*) of liblrp.
    %
    %   One Handle object owns one native handle and frees it exactly once: in free() or
    %   when the object is destroyed (delete). get() returns the pointer for calllib and
    %   raises lrp:deleted once the handle is freed, so no call ever reaches the library
    %   with a dangling pointer.

    properties (SetAccess = private)
        ptr = []   % lib.pointer to the LrpNetwork, [] once freed
        id = 0     % unique number of this handle within the session
    end

    properties (Hidden)
        % The arguments of the library's calls for the last input size, made once: those
        % of the forward pass (lrp_native.forward_args) and those of the calls whose result
        % is shaped like the input (lrp_native.input_args). Both hold ptr: cleared by free.
        fwd_ = []
        xargs_ = []
    end

    methods
        function obj = Handle(p)
            obj.id = lrp_native.next_id();
            obj.ptr = p;
        end

        function p = get(obj)
            p = obj.ptr;
            if isempty(p)
                error('lrp:deleted', 'lrp: the network was deleted (its native handle is freed)');
            end
        end

        function tf = alive(obj)
            tf = ~isempty(obj.ptr);
        end

        function changed(obj)
            % The layers changed: forget the forward pass's arguments (the output size).
            obj.fwd_ = [];
        end

        function free(obj)
            p = obj.ptr;
            obj.ptr = [];
            obj.fwd_ = [];
            obj.xargs_ = [];
            if ~isempty(p) && libisloaded('lrp')
                calllib('lrp', 'lrp_network_free', p);
            end
        end

        function delete(obj)
            try
                free(obj);
            catch
                % the library is gone (session ending): nothing left to free
            end
        end

        function h = clone(obj)
            p = calllib('lrp', 'lrp_network_clone', obj.get());
            h = lrp_native.Handle.wrap_(p, '');
        end
    end

    methods (Static)
        function h = create()
            %Handle.create  A new native network without layers.
            lrp_native.lib();
            p = calllib('lrp', 'lrp_network_new');
            h = lrp_native.Handle.wrap_(p, '');
        end

        function h = read(path)
            %Handle.read  A native network read from a plain-text model file.
            lrp_native.lib();
            p = calllib('lrp', 'lrp_network_read', char(path));
            h = lrp_native.Handle.wrap_(p, path);
        end

        function h = wrap_(p, path)
            if isempty(p) || isNull(p)
                % Handle-returning functions give no status code: an unreadable file is an
                % I/O error, anything else a parse error (or, for new/clone, memory).
                msg = calllib('lrp', 'lrp_last_error');
                id = 'lrp:invalidArgument';
                if ~isempty(path)
                    fid = fopen(path, 'r');
                    if fid < 0
                        id = 'lrp:io';
                    else
                        fclose(fid);
                        id = 'lrp:parse';
                    end
                end
                error(id, '%s', msg);
            end
            h = lrp_native.Handle(p);
        end
    end
end
