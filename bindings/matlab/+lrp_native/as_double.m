function X = as_double(X, what)
%LRP_NATIVE.AS_DOUBLE  X as a full real double array for the library (numeric or logical).
if ~isa(X, 'double')
    if ~(isnumeric(X) || islogical(X))
        error('lrp:invalidArgument', 'lrp: %s must be a numeric array, given a %s', what, class(X));
    end
    X = double(X);
end
if issparse(X)
    X = full(X);
end
if ~isreal(X)
    error('lrp:invalidArgument', 'lrp: %s must be real, given a complex array', what);
end
end
