function name = lib()
%LRP_NATIVE.LIB  Loads liblrp once and returns the alias every calllib uses ('lrp').
%
%   The library is looked up in $LRP_LIBRARY_DIR, else in target/release of the
%   repository that holds these bindings (bindings/matlab/../../target/release).
%   The header is $LRP_HEADER, else include/lrp.h of that repository. Under GNU Octave
%   the loadlibrary/calllib emulation in bindings/matlab/octave is put on the path
%   first; MATLAB uses its own functions.
persistent loaded
name = 'lrp';
if ~isempty(loaded) && libisloaded_(name)
    return;
end
here = fileparts(fileparts(mfilename('fullpath')));   % bindings/matlab
root = fileparts(fileparts(here));                     % the repository
if exist('OCTAVE_VERSION', 'builtin')
    octdir = fullfile(here, 'octave');
    if isempty(strfind(path(), octdir))
        addpath(octdir);
    end
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
    header = getenv('LRP_HEADER');
    if isempty(header)
        header = fullfile(root, 'include', 'lrp.h');
    end
    if ~exist(file, 'file')
        error('lrp:libraryNotFound', ...
            'lrp: cannot find the library %s (build it with `cargo build --release --lib`, or set LRP_LIBRARY_DIR)', file);
    end
    if ~exist(header, 'file')
        error('lrp:libraryNotFound', ...
            'lrp: cannot find the header %s (set LRP_HEADER)', header);
    end
    loadlibrary(file, header, 'alias', name);
end
loaded = true;
end

function tf = libisloaded_(name)
tf = libisloaded(name);
end
