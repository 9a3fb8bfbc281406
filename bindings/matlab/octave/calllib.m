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
  %   The bindings call this for every forward and LRP pass: the string forms of
  %   cellfun and the loops over lib.pointer arguments only keep its own cost small.

  if nargin < 2
    error ('calllib: needs a library name and a function name');
  end
  args = varargin;
  isptr = cellfun ('isclass', args, 'lib.pointer');
  for k = reshape (find (isptr), 1, [])
    args{k} = struct ('lrp_ffi_ptr', args{k}.Address, 'type', args{k}.DataType);
  end
  [outs, src] = lrp_ffi ('call', libname, funcname, args{:});

  % Only returned pointers (src 0, as structs) and lib.pointer arguments need work.
  fromptr = false (size (src));
  fromptr(src > 0) = isptr(src(src > 0));
  todo = fromptr(:)' | (src(:)' == 0 & cellfun ('isclass', outs(:)', 'struct'));
  for k = find (todo)
    s = src(k);
    if s == 0
      outs{k} = lib.pointer.fromC_ (outs{k}.lrp_ffi_ptr, outs{k}.type);
    else
      p = varargin{s};
      if isstruct (outs{k})
        setAddress_ (p, outs{k}.lrp_ffi_ptr);     % passed by reference to a TPtrPtr
        outs{k} = p;
      elseif any (strcmp (lib.pointer.kind_ (p.DataType), {'numeric', 'cstring'}))
        outs{k} = p.Value;      % MATLAB copies out what it knows the size of ([] if NULL)
      else
        outs{k} = p;
      end
    end
  end

  if nargout > numel (outs)
    error ('calllib: %s gives %d output(s), %d requested', funcname, numel (outs), nargout);
  end
  varargout = outs(1:min (max (nargout, 1), numel (outs)));
end
