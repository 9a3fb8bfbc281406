function p = input_buffer(h, insz)
%LRP_NATIVE.INPUT_BUFFER  A lib.pointer to doubles of size INSZ for results shaped like the
%   network's input (relevance, gradient), kept in H and reused while the size fits. calllib
%   returns such a pointer's contents as the output for it (one copy, no temporary array).
p = h.xbuf_;
s = h.xbuf_size_;
if isempty(p) || numel(s) ~= numel(insz) || any(s ~= insz)
    p = libpointer('doublePtr', zeros(insz));
    h.xbuf_ = p;
    h.xbuf_size_ = insz;
end
end
