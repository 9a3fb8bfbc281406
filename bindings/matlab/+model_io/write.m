function write(model, path, fmt)
%MODEL_IO.WRITE  Writes a network (modules.Sequential) to a file.
%
%   model_io.write(model, path)       format from the extension
%   model_io.write(model, path, fmt)  'txt': the plain-text format shared with the
%       toolbox (shortest decimals that read back exactly); 'mat': a mat file holding the
%       variable `model`, a struct with that text and the layers' LRP presets, which
%       model_io.read turns back into the same network.
%   The model's cached activations are dropped first (clean), as in the toolbox.
if ~isa(model, 'modules.Sequential')
    error('lrp:invalidArgument', 'model_io.write: the model must be a modules.Sequential, given a %s', class(model));
end
path = lrp_native.check_path(path, 'model_io.write');
if nargin < 3
    fmt = [];
end
fmt = lrp_native.format_of(path, fmt, 'model_io.write');
switch fmt
    case 'txt'
        model.clean();
        disp(['writing model as plain text to ' path]);
        lrp_native.call('lrp_network_write', model.net_.get(), path);
    case 'mat'
        model.clean();
        disp(['writing model as mat-file to ' path]);
        write_mat_(model, path);
    case {'pickled', 'pickle', 'nn'}
        error('lrp:invalidArgument', 'model_io.write: writing python''s pickled format is not supported (%s)', path);
    otherwise
        error('lrp:invalidArgument', 'model_io.write: unknown format ''%s'' for %s (txt, mat)', fmt, path);
end
end

function write_mat_(net, path)
tmp = [tempname() '.txt'];
lrp_native.call('lrp_network_write', net.net_.get(), tmp);
fid = fopen(tmp, 'r');
text = fread(fid, Inf, '*char')';
fclose(fid);
delete(tmp);
m = net.modules;
lrp_var = cell(1, numel(m));
lrp_param = cell(1, numel(m));
for i = 1:numel(m)
    lrp_var{i} = m{i}.lrp_var;
    lrp_param{i} = m{i}.lrp_param;
end
model = struct('format', 'lrp-model-txt', 'version', 1, 'text', text);
model.lrp_var = lrp_var;
model.lrp_param = lrp_param;
if exist('OCTAVE_VERSION', 'builtin')
    save('-v7', path, 'model');
else
    save(path, 'model', '-v7');
end
end
