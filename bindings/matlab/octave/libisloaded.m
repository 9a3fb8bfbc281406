function tf = libisloaded (libname)
  % LIBISLOADED  Octave emulation of MATLAB's libisloaded: true if loadlibrary
  % loaded a library under that name (or alias).
  if nargin != 1 || ! ischar (libname)
    error ('libisloaded: needs a library name');
  end
  tf = lrp_ffi ('isloaded', libname);
end
