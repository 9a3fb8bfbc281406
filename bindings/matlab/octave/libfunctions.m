function out = libfunctions (libname, opt)
  % LIBFUNCTIONS  Octave emulation of MATLAB's libfunctions.
  %   m = libfunctions(lib) returns the names of the library's functions (a cell
  %   column, in header order); libfunctions(lib, '-full') the MATLAB signatures,
  %   e.g. '[int32, LrpNetworkPtr, ulongPtr] lrp_network_num_layers(LrpNetworkPtr, ulongPtr)'.
  %   Without an output it prints them.
  if nargin < 1 || ! ischar (libname)
    error ('libfunctions: needs a library name');
  end
  full = false;
  if nargin > 1
    if ! ischar (opt) || ! strcmp (opt, '-full')
      error ('libfunctions: the only option is ''-full''');
    end
    full = true;
  end
  [names, sigs] = lrp_ffi ('functions', libname);
  list = names;
  if full
    list = sigs;
  end
  if nargout > 0
    out = list;
  else
    printf ('\nFunctions in library %s:\n\n', libname);
    printf ('%s\n', list{:});
    printf ('\n');
  end
end
