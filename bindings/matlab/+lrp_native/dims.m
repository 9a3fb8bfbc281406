function [rank, d0, d1, d2, d3] = dims(sz)
%LRP_NATIVE.DIMS  The rank and d0..d3 arguments for an array of size SZ (batch first).
%
%   MATLAB's size() drops trailing singleton dimensions; the library accepts that. Arrays
%   of more than 4 dimensions are passed with their rank, which the library rejects.
rank = int32(numel(sz));
sz = [double(sz) 1 1 1 1];
d0 = uint64(sz(1));
d1 = uint64(sz(2));
d2 = uint64(sz(3));
d3 = uint64(sz(4));
end
