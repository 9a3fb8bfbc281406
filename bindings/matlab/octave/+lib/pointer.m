classdef pointer < handle
  % LIB.POINTER  Octave emulation of MATLAB's lib.pointer (see ../README.md).
  %   Made by libpointer(type, value) (owns a malloc'd copy of value, freed when the
  %   last reference goes) or returned by calllib (wraps the C address, owns nothing).
  %   p.Value reads the memory now, so writes by C show up; p.DataType is the type.
  %   Methods: isNull, plus (p + n: n elements further), reshape, setdatatype.

  properties (SetAccess = private)
    DataType = 'voidPtr';
  end

  properties (Dependent)
    Value
  end

  % The oct-file (lrp_ffi.cc) reads these, and sets Address, Bytes and Dims of a
  % pointer passed by reference (TPtr for a TPtrPtr argument) and Address of the
  % pointers it makes: calllib runs no m-code of this class.
  properties (Hidden, SetAccess = private)
    Address = uint64 (0);   % where it points
    Dims = [1, 1];          % shape Value has
    Bytes = Inf;            % bytes readable from Address (Inf: unknown, C's memory)
    ValueClass = '';        % voidPtr made from data: the class Value returns
    Owned = false;          % Address .. Address+Bytes was malloc'd for this object
    Base = uint64 (0);      % what to free (Address may move: TPtr passed to TPtrPtr)
    Keep = {};              % objects whose memory this one points into
  end

  methods
    function p = pointer (type, value)
      if nargin == 0
        return;
      end
      type = lib.pointer.normalize_ (type);
      p.DataType = type;
      if nargin < 2 || isempty (value) && ! ischar (value)
        return;                                      % a NULL pointer of that type
      end
      [kind, cls] = lib.pointer.kind_ (type);
      switch kind
        case 'numeric'
          p.alloc_ (type, value, size (value), lib.pointer.elsize_ (cls));
        case 'cstring'
          if ! ischar (value)
            error ('libpointer: a cstring pointer needs a char value');
          end
          p.alloc_ ('cstring', value(:)', [1, numel(value)], 1);
        case 'void'
          % Raw copy of the data; Value gives it back in its own class.
          if ! (isnumeric (value) || islogical (value) || ischar (value)) || ! isreal (value)
            error ('libpointer: a voidPtr value must be a real numeric, logical or char array');
          end
          p.ValueClass = class (value);
          vt = lib.pointer.class_ptr_ (p.ValueClass);
          p.alloc_ (vt, value, size (value), lib.pointer.elsize_ (p.ValueClass));
        case 'ptrptr'
          if ! isa (value, 'lib.pointer')
            error ('libpointer: a %s value must be a lib.pointer', type);
          end
          p.alloc_ ('uint64Ptr', value.Address, [1, 1], 8);
          p.Keep = {value};
        otherwise
          error ('libpointer: cannot initialise an opaque %s; pass [] or no value', type);
      end
    end

    function v = get.Value (p)
      % Read now, so C's writes show; the oct-file reads it as calllib's outputs do.
      v = lrp_ffi ('value', p);
    end

    function set.Value (p, v) %#ok<INUSD>
      error ('lib.pointer: Value is read-only here; create a new libpointer or let C write to it');
    end

    function tf = isNull (p)
      tf = p.Address == 0;
    end

    function q = plus (a, b)
      % p + n: a pointer n elements further into the same memory (n may be negative
      % within memory libpointer allocated).
      if isa (b, 'lib.pointer')
        [a, b] = deal (b, a);
      end
      if ! isnumeric (b) || ! isscalar (b) || b != fix (b)
        error ('lib.pointer: plus needs an integer number of elements');
      end
      es = lib.pointer.typesize_ (a.DataType);
      if isempty (es)
        error ('lib.pointer: no pointer arithmetic on %s', a.DataType);
      end
      off = double (b) * es;
      q = lib.pointer (a.DataType);
      q.ValueClass = a.ValueClass;
      q.Keep = [{a}, a.Keep];
      q.Address = lib.pointer.offset_ (a.Address, off);
      if isfinite (a.Bytes)
        before = double (a.Address - a.Base);
        if off < -before || off > a.Bytes
          error ('lib.pointer: p + %d leaves the memory of the pointer', b);
        end
        q.Base = a.Base;
        q.Bytes = a.Bytes - off;
        n = floor (q.Bytes / es);
        if numel (a.Dims) == 2 && a.Dims(2) == 1
          q.Dims = [n, 1];                 % a column stays a column
        else
          q.Dims = [1, n];
        end
      end
    end

    function p = reshape (p, varargin)
      % reshape(p, m, n, ...) or reshape(p, [m n ...]): the shape Value has.
      p.Dims = lib.pointer.dims_ (varargin);
      p.check_ (p.DataType);
    end

    function p = setdatatype (p, type, varargin)
      % setdatatype(p, type, m, n, ...): read the memory as another type and shape.
      type = lib.pointer.normalize_ (type);
      dims = lib.pointer.dims_ (varargin);
      if isempty (varargin)
        dims = [1, 1];
      end
      p.check_ (type, dims);
      p.DataType = type;
      p.Dims = dims;
      if strcmp (lib.pointer.kind_ (type), 'void')
        p.ValueClass = '';
      end
    end

    function disp (p)
      if p.Address == 0
        printf ('  lib.pointer (%s, NULL)\n', p.DataType);
      else
        printf ('  lib.pointer (%s, 0x%x)\n', p.DataType, p.Address);
      end
    end

    function delete (p)
      if p.Owned && p.Base != 0
        p.Owned = false;
        try
          lrp_ffi ('free', p.Base);
        catch
          % Octave shutting down has unloaded the oct-file: the process frees all
          % memory anyway, and an error here would be printed at exit.
        end
      end
    end
  end

  methods (Hidden)
    function alloc_ (p, type, value, dims, es)
      [p.Address, n] = lrp_ffi ('new', type, value);
      p.Base = p.Address;
      p.Owned = true;
      p.Bytes = n * es;
      p.Dims = dims;
    end

    function check_ (p, type, dims)
      % Value must stay inside memory libpointer allocated.
      if nargin < 3
        dims = p.Dims;
      end
      es = lib.pointer.typesize_ (type);
      if ! isempty (es) && isfinite (p.Bytes) && prod (dims) * es > p.Bytes
        error ('lib.pointer: %d elements of %s do not fit in the %d bytes of the pointer', ...
               prod (dims), type, p.Bytes);
      end
    end
  end

  methods (Static, Hidden)
    function type = normalize_ (type)
      if ! ischar (type) || isempty (type) || size (type, 1) != 1
        error ('libpointer: the type must be a char vector such as ''doublePtr''');
      end
      if any (strcmp (type, {'string', 'stringPtr'}))
        type = 'cstring';
      end
      if ! strcmp (type, 'cstring') && isempty (regexp (type, '^[A-Za-z_]\w*Ptr$', 'once'))
        error ('libpointer: unsupported type ''%s'' (a pointer type such as doublePtr, cstring, voidPtr or FooPtr)', type);
      end
    end

    function [kind, cls] = kind_ (type)
      % numeric (cls: element class name), cstring, void, ptrptr (cls: the TPtr
      % pointed to) or opaque.
      cls = '';
      if strcmp (type, 'cstring')
        kind = 'cstring';
      elseif strcmp (type, 'voidPtr')
        kind = 'void';
      elseif numel (type) > 6 && strcmp (type(end-5:end), 'PtrPtr')
        kind = 'ptrptr';
        cls = type(1:end-3);
      else
        cls = type(1:end-3);
        if any (strcmp (cls, {'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', ...
                              'int64', 'uint64', 'long', 'ulong', 'single', 'double', 'bool'}))
          kind = 'numeric';
        else
          kind = 'opaque';
        end
      end
    end

    function n = elsize_ (cls)
      switch cls
        case {'int8', 'uint8', 'bool', 'logical', 'char'}
          n = 1;
        case {'int16', 'uint16'}
          n = 2;
        case {'int32', 'uint32', 'single'}
          n = 4;
        otherwise
          n = 8;
      end
    end

    function n = typesize_ (type)
      % Bytes per element for pointer arithmetic ([] where there is none).
      [kind, cls] = lib.pointer.kind_ (type);
      switch kind
        case 'numeric'
          n = lib.pointer.elsize_ (cls);
        case 'cstring'
          n = 1;
        case 'ptrptr'
          n = 8;
        otherwise
          n = [];
      end
    end

    function t = class_ptr_ (cls)
      switch cls
        case 'logical'
          t = 'boolPtr';
        case 'char'
          t = 'uint8Ptr';
        otherwise
          t = [cls, 'Ptr'];
      end
    end

    function a = offset_ (addr, off)
      if off >= 0
        a = addr + uint64 (off);
      else
        a = addr - uint64 (-off);
      end
    end

    function d = dims_ (args)
      if isscalar (args) && numel (args{1}) > 1
        d = double (args{1}(:)');
      else
        d = double ([args{:}]);
      end
      if isscalar (d)
        d = [d, 1];
      end
      if any (d < 0 | d != fix (d))
        error ('lib.pointer: dimensions must be non-negative integers');
      end
    end
  end
end
