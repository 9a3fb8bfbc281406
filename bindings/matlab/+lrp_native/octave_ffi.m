function octave_ffi(octdir)
%LRP_NATIVE.OCTAVE_FFI  Under GNU Octave: makes the loadlibrary/calllib emulation in
%   OCTDIR (bindings/matlab/octave) ready and puts it on the path.
%
%   Its native part, lrp_ffi.oct, is built from lrp_ffi.cc on first use when it is
%   missing or older than its source (as `make octave-ffi` would, with mkoctfile and
%   libffi), saying so in one line. When it cannot be built the error names what to
%   install and the command to run. An oct-file already loaded in this session is kept
%   (Octave cannot load a rebuilt one before a restart). $LRP_MKOCTFILE names the
%   mkoctfile to use (default: the one beside this Octave, else the PATH's); $CXX the
%   compiler that probes for libffi's header.
history_folder_();
oct = fullfile(octdir, 'lrp_ffi.oct');
src = fullfile(octdir, 'lrp_ffi.cc');
if ~any(strcmp(strsplit(path(), pathsep()), octdir))
    addpath(octdir);
end
if exist('lrp_ffi', 'file') == 3 && mislocked_()
    return;   % loaded (and locked) in this session
end
if exist(oct, 'file') && ~is_older_(oct, src)
    return;
end
root = fileparts(fileparts(fileparts(octdir)));
install = ['install Octave''s development files and libffi (Debian/Ubuntu: ' ...
    'sudo apt-get install liboctave-dev libffi-dev pkg-config; Fedora: sudo dnf install ' ...
    'octave-devel libffi-devel), then run `make octave-ffi` in ' root ' or use the bindings again'];
mk = getenv('LRP_MKOCTFILE');   % an explicit mkoctfile (tests use a missing one)
if isempty(mk)
    mk = mkoctfile_();
elseif ~exist(mk, 'file')
    mk = '';
end
if isempty(mk)
    error('lrp:octaveFfi', 'lrp: cannot build %s: mkoctfile is missing; %s', oct, install);
end
[st, cflags] = system('pkg-config --cflags libffi 2>/dev/null');
if st ~= 0
    cflags = '';
end
[st, libs] = system('pkg-config --libs libffi 2>/dev/null');
if st ~= 0
    libs = '-lffi';
end
if ~has_ffi_header_(strtrim(cflags))
    error('lrp:octaveFfi', 'lrp: cannot build %s: the libffi header ffi.h is missing; %s', ...
        oct, install);
end
if exist(oct, 'file')
    why = 'older than lrp_ffi.cc';
else
    why = 'missing';
end
fprintf('lrp: building the Octave loadlibrary emulation %s (%s) with mkoctfile...\n', oct, why);
% Built under a temporary name and renamed: a session that loads it meanwhile never
% sees half a file.
tmp = [tempname(octdir) '.oct'];
cmd = sprintf('CXXFLAGS="-g -O2" "%s" %s -o "%s" "%s" %s -ldl 2>&1', mk, strtrim(cflags), ...
    tmp, src, strtrim(libs));
[st, out] = system(cmd);
if st ~= 0
    delete_([tmp '*']);
    error('lrp:octaveFfi', 'lrp: building %s failed (%s):\n%s\n%s', oct, cmd, out, ...
        ['If a package is missing: ' install]);
end
[ok, msg] = movefile(tmp, oct, 'f');
delete_(regexprep(tmp, '\.oct$', '.o'));
if ~ok
    delete_(tmp);
    error('lrp:octaveFfi', 'lrp: cannot write %s: %s (run `make octave-ffi` in %s where it is writable)', ...
        oct, msg, root);
end
rehash();
autoload('calllib', oct);   % what octave/PKG_ADD does when the oct-file exists
end

function history_folder_()
% Octave 7 saves the command history at exit to history_file() (by default
% ~/.local/share/octave/history) but does not create its folder: on an account where it
% is missing, every session that saves history ends with "error: ignoring const
% execution_exception& while preparing to exit" on stderr (what a new user saw after
% using these bindings). The folder is made here, as Octave meant to; nothing changes
% when history is off (--no-history) or the folder exists.
try
    if history_save()
        folder = fileparts(history_file());
        if ~isempty(folder) && ~isfolder(folder)
            mkdir(folder);
        end
    end
catch
    % not writable: Octave's own message at exit stays
end
end

function tf = mislocked_()
try
    tf = mislocked('lrp_ffi');
catch
    tf = false;
end
end

function tf = is_older_(a, b)
da = dir(a);
db = dir(b);
tf = ~isempty(db) && da.datenum < db.datenum;
end

function mk = mkoctfile_()
% The mkoctfile of this Octave (beside its binary, versioned or not), else on the PATH.
mk = '';
bindir = feval('__octave_config_info__', 'bindir');
for name = {['mkoctfile-' OCTAVE_VERSION], 'mkoctfile'}
    cand = fullfile(bindir, name{1});
    if exist(cand, 'file')
        mk = cand;
        return;
    end
end
[st, out] = system('command -v mkoctfile 2>/dev/null');
if st == 0 && ~isempty(strtrim(out))
    mk = strtrim(out);
end
end

function tf = has_ffi_header_(cflags)
% Whether the C++ compiler mkoctfile uses finds ffi.h (with pkg-config's flags).
probe = [tempname() '.cc'];
fid = fopen(probe, 'w');
if fid < 0
    tf = true;   % cannot probe: let the build itself report
    return;
end
fprintf(fid, '#include <ffi.h>\nint main() { return 0; }\n');
fclose(fid);
cxx = getenv('CXX');
if isempty(cxx)
    cxx = feval('__octave_config_info__', 'CXX');
end
if isempty(cxx)
    cxx = 'c++';
end
[st, ~] = system(sprintf('%s %s -fsyntax-only "%s" 2>/dev/null', cxx, cflags, probe));
delete(probe);
tf = st == 0;
end

function delete_(pattern)
files = glob(pattern);
for k = 1:numel(files)
    delete(files{k});
end
end
