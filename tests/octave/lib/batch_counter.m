function out = batch_counter(cmd, B)
%BATCH_COUNTER  A transform for Sequential.train that counts its calls:
%   batch_counter('reset'); B = batch_counter('jitter', B); n = batch_counter('count').
persistent calls
if isempty(calls)
    calls = 0;
end
switch cmd
    case 'reset'
        calls = 0;
        out = 0;
    case 'jitter'
        calls = calls + 1;
        out = B + 0.01 * randn(size(B));
    case 'count'
        out = calls;
end
end
