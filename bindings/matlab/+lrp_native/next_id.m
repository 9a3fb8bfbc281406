function id = next_id()
%LRP_NATIVE.NEXT_ID  A number unique within the session (identifies handles and layers).
persistent counter
if isempty(counter)
    counter = 0;
end
counter = counter + 1;
id = counter;
end
