function err = assert_error(fn, id, varargin)
%ASSERT_ERROR  fn() must raise an error with identifier id (or one of a cell array of
%   identifiers) whose message contains every further argument (case-sensitive
%   substrings). Returns the error.
try
    fn();
catch err
    if ~any(strcmp(err.identifier, cellstr(id)))
        error('test:wrongError', 'expected error %s, got %s: %s', strjoin(cellstr(id), ' or '), err.identifier, err.message);
    end
    for k = 1:numel(varargin)
        if isempty(strfind(err.message, varargin{k}))
            error('test:wrongMessage', 'error %s: message "%s" lacks "%s"', id, err.message, varargin{k});
        end
    end
    return;
end
error('test:noError', 'expected error %s, but the call succeeded', strjoin(cellstr(id), ' or '));
end
