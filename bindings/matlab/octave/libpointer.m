function p = libpointer (varargin)
  % LIBPOINTER  Octave emulation of MATLAB's libpointer (see README.md).
  %   p = libpointer              NULL voidPtr
  %   p = libpointer(type)        NULL pointer of type ('doublePtr', 'LrpNetworkPtr', ...)
  %   p = libpointer(type, value) a pointer to its own copy of value (converted to
  %                               the type's class); C writes through it show in p.Value
  if nargin > 2
    error ('libpointer: takes a type and a value');
  end
  p = lib.pointer (varargin{:});
end
