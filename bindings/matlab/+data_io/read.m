function data = read(path, fmt)
%DATA_IO.READ  Reads a data array from a file.
%
%   data = data_io.read(path)       format from the extension
%   data = data_io.read(path, fmt)  'mat': the first variable of a mat file; 'txt': a
%       plain ASCII matrix (one row per line; read by liblrp); 'npy': a numpy array of
%       any rank (float64, float32, uint8, int32 or int64; C or Fortran order), read by
%       liblrp. An n-dimensional .npy array comes back with the same size by index
%       (numpy's a[i, j, ...] is data(i+1, j+1, ...)); a 1-d array as a column. The
%       result is double.
path = lrp_native.check_path(path, 'data_io.read');
if nargin < 2
    fmt = [];
end
fmt = lrp_native.format_of(path, fmt, 'data_io.read');
switch fmt
    case 'mat'
        disp(['loading mat-compressed data from ' path]);
        if ~exist(path, 'file')
            error('lrp:io', 'data_io.read: %s: No such file or directory', path);
        end
        S = load(path);
        names = fieldnames(S);
        if isempty(names)
            error('lrp:parse', 'data_io.read: %s holds no variables', path);
        end
        data = S.(names{1});
    case 'txt'
        disp(['loading plain text data from ' path]);
        lrp_native.lib();
        [~, rows, cols] = lrp_native.call('lrp_txt_shape', path, uint64(0), uint64(0));
        shape = double([rows cols]);
        if prod(shape) == 0
            data = zeros(shape);
        else
            [~, data] = lrp_native.call('lrp_txt_read', path, zeros(shape), uint64(prod(shape)), int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')));
        end
    case 'npy'
        disp(['loading np-formatted data from ' path]);
        lrp_native.lib();
        [~, rank] = lrp_native.call('lrp_npy_info', path, int32(0), int32(0), int32(0));
        rank = double(rank);
        shape = ones(1, max(rank, 2));
        for k = 1:rank
            [~, d] = lrp_native.call('lrp_npy_dim', path, uint64(k - 1), uint64(0));
            shape(k) = double(d);
        end
        if prod(shape) == 0
            data = zeros(shape);
        else
            [~, data] = lrp_native.call('lrp_npy_read', path, zeros(shape), uint64(prod(shape)), int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')));
        end
    case {'pickled', 'pickle', 'nn'}
        error('lrp:invalidArgument', 'data_io.read: reading python''s pickled format is not supported (%s)', path);
    otherwise
        error('lrp:invalidArgument', 'data_io.read: unknown format ''%s'' for %s (mat, txt, npy)', fmt, path);
end
end
