function check(status)
%LRP_NATIVE.CHECK  Turns a library status into a MATLAB error (see lrp_native.fail).
if status ~= 0
    lrp_native.fail(status);
end
end
