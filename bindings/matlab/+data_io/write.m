function write(data, path, fmt)
%DATA_IO.WRITE  Writes a data array to a file.
%
%   data_io.write(data, path)       format from the extension
%   data_io.write(data, path, fmt)  'mat': a mat file with the variable `data`; 'txt': a
%       plain ASCII matrix (rows of size(data, 1); more dimensions are folded into the
%       columns), every value the shortest decimal that reads back exactly; 'npy': a numpy
%       array of the same size by index (up to 6 dimensions), float64 for double data,
%       float32 for single, uint8, int32 and int64 for those classes (logical as uint8).
path = lrp_native.check_path(path, 'data_io.write');
if nargin < 3
    fmt = [];
end
fmt = lrp_native.format_of(path, fmt, 'data_io.write');
switch fmt
    case 'mat'
        disp(['writing mat-compressed data to ' path]);
        if exist('OCTAVE_VERSION', 'builtin')
            save('-v7', path, 'data');
        else
            save(path, 'data', '-v7');
        end
    case 'txt'
        disp(['writing plain text data to ' path]);
        X = lrp_native.as_double(data, 'data');
        rows = size(X, 1);
        cols = numel(X) / max(rows, 1);
        if rows == 0
            cols = 0;
        end
        lrp_native.lib();
        lrp_native.call('lrp_txt_write', path, X, uint64(numel(X)), uint64(rows), uint64(cols), int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')));
    case 'npy'
        disp(['writing np-formatted data to ' path]);
        switch class(data)
            case 'single'
                dtype = lrp_native.constants('LRP_DTYPE_F32');
            case {'uint8', 'logical'}
                dtype = lrp_native.constants('LRP_DTYPE_U8');
            case 'int32'
                dtype = lrp_native.constants('LRP_DTYPE_I32');
            case 'int64'
                dtype = lrp_native.constants('LRP_DTYPE_I64');
            otherwise
                dtype = lrp_native.constants('LRP_DTYPE_F64');
        end
        X = lrp_native.as_double(data, 'data');
        sz = size(X);
        if numel(sz) > 6
            error('lrp:invalidArgument', 'data_io.write: .npy files hold at most 6 dimensions here, given %d', numel(sz));
        end
        d = num2cell(uint64([sz ones(1, 6 - numel(sz))]));
        lrp_native.lib();
        lrp_native.call('lrp_npy_write', path, X, uint64(numel(X)), int32(numel(sz)), d{:}, ...
            int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')), int32(dtype), int32(0));
    case {'pickled', 'pickle', 'nn'}
        error('lrp:invalidArgument', 'data_io.write: writing python''s pickled format is not supported (%s)', path);
    otherwise
        error('lrp:invalidArgument', 'data_io.write: unknown format ''%s'' for %s (mat, txt, npy)', fmt, path);
end
end
