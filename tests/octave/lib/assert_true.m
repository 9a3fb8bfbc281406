function assert_true(cond, varargin)
%ASSERT_TRUE  Fails with the message (sprintf arguments) unless cond is all true.
if ~(islogical(cond) || isnumeric(cond)) || isempty(cond) || ~all(cond(:))
    if isempty(varargin)
        error('test:false', 'assertion failed');
    end
    error('test:false', varargin{:});
end
end
