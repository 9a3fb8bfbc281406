function a = input_args(h, insz)
%LRP_NATIVE.INPUT_ARGS  {INSZ, network, layout, buffer, its length} for the library's calls
%   whose result is shaped like the network's input (relevance, gradient). The buffer is a
%   lib.pointer to doubles of size INSZ: calllib returns its contents as the output for it
%   (one copy, no temporary array). Kept in H (xargs_) and reused while the size stays;
%   H forgets it when it is freed.
if isempty(insz)
    insz = [1 1];   % nothing cached: the library reports the missing forward pass
end
a = {insz, h.get(), int32(lrp_native.constants('LRP_LAYOUT_COL_MAJOR')), libpointer('doublePtr', zeros(insz)), uint64(prod(insz))};
h.xargs_ = a;
end
