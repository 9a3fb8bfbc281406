function [w, h, colour_type] = png_size(path)
%PNG_SIZE  Width, height and colour type from the IHDR chunk of a PNG file (checks the
%   signature).
fid = fopen(path, 'r', 'ieee-be');
assert_true(fid >= 0, 'cannot open %s', path);
sig = fread(fid, 8, 'uint8')';
assert_true(isequal(sig, [137 80 78 71 13 10 26 10]), '%s is not a PNG', path);
fread(fid, 1, 'uint32');             % chunk length
type = fread(fid, 4, '*char')';
assert_true(strcmp(type, 'IHDR'), 'first chunk %s', type);
w = fread(fid, 1, 'uint32');
h = fread(fid, 1, 'uint32');
fread(fid, 1, 'uint8');              % bit depth
colour_type = fread(fid, 1, 'uint8');
fclose(fid);
end
