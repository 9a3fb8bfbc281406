function [name, how] = lib()
%LRP_NATIVE.LIB  Loads liblrp once and returns the alias every calllib uses ('lrp').
%
%   The library is looked up in $LRP_LIBRARY_DIR, else in target/release of the
%   repository that holds these bindings (bindings/matlab/../../target/release). Its
%   functions come from the prototype file bindings/matlab/lrp_proto.m (generated from
%   include/lrp.h by the build: MATLAB needs no C compiler then), or from a header when
%   $LRP_HEADER names one (or the prototype file is missing: include/lrp.h). HOW says
%   which: 'proto' or the header's path. Under GNU Octave the loadlibrary/calllib
%   emulation in bindings/matlab/octave is made ready first (lrp_native.octave_ffi: its
%   oct-file is built on first use); MATLAB uses its own functions.
persistent loaded loaded_how
name = 'lrp';
if ~isempty(loaded) && libisloaded(name)
    how = loaded_how;
    return;
end
here = fileparts(fileparts(mfilename('fullpath')));   % bindings/matlab
root = fileparts(fileparts(here));                     % the repository
if exist('OCTAVE_VERSION', 'builtin')
    lrp_native.octave_ffi(fullfile(here, 'octave'));
end
header = getenv('LRP_HEADER');
if isempty(header) && exist(fullfile(here, 'lrp_proto.m'), 'file')
    how = 'proto';
else
    if isempty(header)
        header = fullfile(root, 'include', 'lrp.h');
    end
    how = header;
end
if ~libisloaded(name)
    dir = getenv('LRP_LIBRARY_DIR');
    if isempty(dir)
        dir = fullfile(root, 'target', 'release');
    end
    if ispc()
        file = fullfile(dir, 'lrp.dll');
    elseif ismac()
        file = fullfile(dir, 'liblrp.dylib');
    else
        file = fullfile(dir, 'liblrp.so');
    end
    if ~exist(file, 'file')
        error('lrp:libraryNotFound', ...
            'lrp: cannot find the library %s (build it with `cargo build --release --lib`, or set LRP_LIBRARY_DIR)', file);
    end
    if strcmp(how, 'proto')
        loadlibrary(file, @lrp_proto, 'alias', name);
    else
        if ~exist(header, 'file')
            error('lrp:libraryNotFound', ...
                'lrp: cannot find the header %s (set LRP_HEADER)', header);
        end
        loadlibrary(file, header, 'alias', name);
    end
else
    how = 'loaded before';
end
loaded = true;
loaded_how = how;
end
