function model = read(path, fmt)
%MODEL_IO.READ  Reads a network (a modules.Sequential, or a modules.Graph for ONNX) from a file.
%
%   model = model_io.read(path)       format from the extension
%   model = model_io.read(path, fmt)  fmt 'txt': the toolbox's plain-text format (the
%       shared one, with the legacy Linear layout as a fall-back), read by liblrp;
%       'mat': a network written by model_io.write(model, path, 'mat'), or (MATLAB) a
%       saved modules.Sequential, the toolbox's .mat models included: load rebuilds it
%       through the classes' loadobj. GNU Octave cannot read MATLAB class objects from
%       .mat files: convert such a model once with the toolbox in MATLAB,
%       model_io.write(nn, 'model.txt'), and read the text file.
%       'onnx': an ONNX model (e.g. exported from PyTorch), read by liblrp into a graph of
%       layers: a modules.Graph, whose arrays are in the model's layout (N x C x H x W).
%   Failures are MATLAB errors: lrp:io (missing or unreadable file), lrp:parse (malformed
%   file; the message names file and line), lrp:invalidArgument (unknown format).
path = lrp_native.check_path(path, 'model_io.read');
if nargin < 2
    fmt = [];
end
fmt = lrp_native.format_of(path, fmt, 'model_io.read');
switch fmt
    case 'txt'
        disp(['loading plain text model from ' path]);
        model = modules.Sequential(lrp_native.Handle.read(path));
    case 'onnx'
        disp(['loading ONNX model from ' path]);
        model = modules.Graph(lrp_native.Handle.read(path));
    case 'mat'
        disp(['loading mat-compressed model from ' path]);
        model = read_mat_(path);
    case {'pickled', 'pickle', 'nn'}
        error('lrp:invalidArgument', 'model_io.read: reading python''s pickled format is not supported (%s)', path);
    otherwise
        error('lrp:invalidArgument', 'model_io.read: unknown format ''%s'' for %s (txt, mat, onnx)', fmt, path);
end
end

function model = read_mat_(path)
if ~exist(path, 'file')
    error('lrp:io', 'model_io.read: %s: No such file or directory', path);
end
try
    S = load(path);
catch err
    error('lrp:parse', 'model_io.read: %s: not a readable mat file (%s)%s', path, ...
        err.message, octave_hint_());
end
names = fieldnames(S);
if isempty(names)
    error('lrp:parse', 'model_io.read: %s holds no variables', path);
end
v = S.(names{1});
if isa(v, 'modules.Sequential') && isscalar(v)
    model = v;   % a saved network (the toolbox's too): load has run the loadobj methods
    return;
end
if ~(isstruct(v) && isscalar(v) && isfield(v, 'format') && strcmp(v.format, 'lrp-model-txt') ...
        && isfield(v, 'text') && ischar(v.text))
    error('lrp:parse', 'model_io.read: %s holds no network written by model_io.write (its first variable ''%s'' is a %s)%s', ...
        path, names{1}, class(v), octave_hint_());
end
tmp = [tempname() '.txt'];
fid = fopen(tmp, 'w');
if fid < 0
    error('lrp:io', 'model_io.read: cannot write the temporary file %s', tmp);
end
fwrite(fid, v.text, 'char');
fclose(fid);
try
    h = lrp_native.Handle.read(tmp);
catch err
    delete(tmp);
    error(err.identifier, 'model_io.read: %s: %s', path, err.message);
end
delete(tmp);
model = modules.Sequential(h);
if isfield(v, 'lrp_var') && iscell(v.lrp_var) && numel(v.lrp_var) == numel(model.modules)
    for i = 1:numel(model.modules)
        % gamma and zbox saved for a layer without weights came from a network-wide
        % setting: that layer treats them as 'simple' and takes no preset of its own.
        if (~isempty(v.lrp_var{i}) || ~isempty(v.lrp_param{i})) ...
                && model.modules{i}.takes_rule_(v.lrp_var{i})
            model.modules{i}.set_lrp_parameters(v.lrp_var{i}, v.lrp_param{i});
        end
    end
end
end

function t = octave_hint_()
% Under Octave, what to do with the toolbox's .mat models (MATLAB class objects).
t = '';
if exist('OCTAVE_VERSION', 'builtin')
    t = ['; a .mat model of the LRP Toolbox is a MATLAB class object, which Octave cannot ', ...
         'read: convert it once in MATLAB with the toolbox''s model_io.write(nn, ''model.txt'') ', ...
         'and read model.txt'];
end
end
