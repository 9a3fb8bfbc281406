function varargout = calllib (libname, funcname, varargin)
  % CALLLIB  Octave emulation of MATLAB's calllib (see README.md).
  %   [ret, p1, p2, ...] = calllib(lib, fname, args...) calls fname of a library
  %   loaded with loadlibrary. Outputs: the return value (none for void), then one
  %   per pointer argument in order, const ones included. A plain array for a TPtr
  %   argument is copied (converted to the pointer's class) and its output has the
  %   input's shape; a lib.pointer is passed as itself (C writes show in its Value,
  %   and its output is that Value); [] is NULL; char arrays are passed as
  %   NUL-terminated copies for cstring. Returned pointers are lib.pointer objects.
  %
  %   All of it happens in the oct-file (lrp_ffi), lib.pointer arguments included:
  %   the bindings call this for every forward and LRP pass, and m-code here, or
  %   property reads of the pointers, would cost more than the conversions.

  if nargin < 2
    error ('calllib: needs a library name and a function name');
  end
  varargout = lrp_ffi ('call', libname, funcname, nargout, varargin{:});
end
