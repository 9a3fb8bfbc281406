function unloadlibrary (libname)
  % UNLOADLIBRARY  Octave emulation of MATLAB's unloadlibrary: forgets the library's
  % functions and closes it (dlclose). Later calllib calls on it are errors; opaque
  % pointers it returned must not be used any more.
  if nargin != 1 || ! ischar (libname)
    error ('unloadlibrary: needs a library name');
  end
  lrp_ffi ('unload', libname);
end
