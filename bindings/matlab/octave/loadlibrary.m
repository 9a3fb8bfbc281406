function [notfound, warnings] = loadlibrary (libname, header, varargin)
  % LOADLIBRARY  Octave emulation of MATLAB's loadlibrary (see README.md).
  %   loadlibrary(lib, header) loads the shared library lib (a path; '.so' is added
  %   when it has no extension) and reads the C prototypes of header, which must exist
  %   (relative to the current folder or on the path). loadlibrary(lib) reads the .h
  %   beside the library. Options: 'alias', name (the name for calllib; default: the
  %   library's file name without extension, e.g. 'liblrp'); 'addheader', h (more
  %   headers beside the first); 'includepath', 'thunkfilename' and 'notempdir' are
  %   accepted and ignored. loadlibrary(lib, @protofile) reads the functions from a
  %   MATLAB prototype file instead of a header (see private/read_proto.m); writing one
  %   ('mfilename') is not supported.
  %   Loading a name already loaded does nothing. [notfound, warnings]: the header's
  %   functions the library does not export, and the parser's warnings (functions
  %   skipped for unsupported types).

  if nargin < 1 || ! ischar (libname) || isempty (libname)
    error ('loadlibrary: the first argument must be the library file name');
  end
  proto = [];
  if nargin >= 2 && isa (header, 'function_handle')
    proto = header;
    header = '';
  elseif nargin < 2
    header = '';
  elseif ! ischar (header)
    error ('loadlibrary: the header must be a file name');
  end
  if mod (numel (varargin), 2) != 0
    error ('loadlibrary: options come in name, value pairs');
  end

  [dir, base, ext] = fileparts (libname);
  if isempty (ext)
    libname = [libname, '.so'];
  end
  alias = base;
  extra = {};
  for k = 1:2:numel (varargin)
    [opt, val] = deal (varargin{k}, varargin{k+1});
    if ! ischar (opt)
      error ('loadlibrary: option names must be char');
    end
    switch lower (opt)
      case 'alias'
        if ! ischar (val) || isempty (regexp (val, '^[A-Za-z]\w*$', 'once'))
          error ('loadlibrary: the alias must be a valid name');
        end
        alias = val;
      case 'addheader'
        if ! isempty (proto)
          error ('loadlibrary: ''addheader'' does not go with a prototype file');
        end
        extra{end+1} = val; %#ok<AGROW>
      case {'includepath', 'thunkfilename', 'notempdir'}
        % Only needed by MATLAB's compiler-based parser.
      case 'mfilename'
        error ('loadlibrary: prototype files (mfilename) are not supported by the Octave emulation');
      otherwise
        error ('loadlibrary: unknown option ''%s''', opt);
    end
  end

  notfound = {};
  warnings = '';
  if lrp_ffi ('isloaded', alias)
    return;
  end

  % A path with a folder is opened as given (made absolute); a bare name is looked
  % for on the Octave path and otherwise left to dlopen's own search.
  if any (libname == '/')
    if ! exist (libname, 'file')
      error ('loadlibrary: there is no library file ''%s''', libname);
    end
    libpath = make_absolute_filename (libname);
  else
    libpath = file_in_loadpath (libname);
    if isempty (libpath)
      if exist (libname, 'file')
        libpath = make_absolute_filename (libname);
      else
        libpath = libname;
      end
    end
  end

  if ! isempty (proto)
    [protos, warns] = read_proto (proto);
    [notfound, warnings] = load_ (alias, libpath, protos, warns);
    return;
  end

  if isempty (header)
    header = fullfile (dir, [base, '.h']);
  end
  headers = [{header}, extra];
  for k = 1:numel (headers)
    h = headers{k};
    if k > 1 && ! any (h == '/')
      h = fullfile (fileparts (headers{1}), h);   % addheader: beside the main header
      if isempty (regexp (h, '\.h$', 'once'))
        h = [h, '.h'];
      end
    end
    if ! exist (h, 'file')
      found = file_in_loadpath (h);
      if isempty (found)
        error ('loadlibrary: there is no header file ''%s''', h);
      end
      h = found;
    end
    headers{k} = h;
  end

  [protos, warns] = parse_header (headers);
  [notfound, warnings] = load_ (alias, libpath, protos, warns);
end

function [notfound, warnings] = load_ (alias, libpath, protos, warns)
  [notfound, skipped] = lrp_ffi ('load', alias, libpath, {protos.name}, {protos.ret}, ...
                                 {protos.args}, {protos.readonly});
  for k = 1:numel (skipped)
    warns{end+1} = sprintf ('%s skipped: unsupported type', skipped{k}); %#ok<AGROW>
  end
  warnings = strjoin (warns, "\n");
end
