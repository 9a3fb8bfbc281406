function [protos, warns] = read_proto (proto)
  % READ_PROTO  Function prototypes of a MATLAB loadlibrary prototype file.
  %   [protos, warns] = read_proto(@file) calls the prototype file (a function returning
  %   [methodinfo, structs, enuminfo, ThunkLibName], as loadlibrary's 'mfilename' option
  %   writes it) and returns the same struct array as parse_header: name, ret (the LHS,
  %   'void' for []), args (the RHS) and readonly. The types are MATLAB's names already.
  %   readonly (the emulation's own flag: C only reads through a `const T *` argument,
  %   so the caller's array can be handed over without a copy) comes from the C
  %   declaration MATLAB writes as a comment above each entry; without one, no argument
  %   is read-only (every pointer argument is copied: slower, same results).
  %   Only calltype 'cdecl' can be called (thunk libraries are MATLAB's own mechanism);
  %   another calltype is an error naming the function. The alias field renames.

  if ! isa (proto, 'function_handle')
    error ('loadlibrary: a prototype file must be given as a function handle (@name)');
  end
  name = func2str (proto);
  try
    [fcns, ~, ~, thunk] = feval (proto);
  catch err
    error ('loadlibrary: the prototype file %s failed: %s', name, err.message);
  end
  if ! isstruct (fcns) || ! all (isfield (fcns, {'name', 'calltype', 'LHS', 'RHS'}))
    error ('loadlibrary: the prototype file %s must return a struct with fields name, calltype, LHS and RHS', name);
  end
  if ! isempty (thunk)
    % A thunk library belongs to MATLAB's own calling machinery; the emulation calls
    % the functions directly and ignores it.
  end
  names = fcns.name;
  n = numel (names);
  if ! (iscell (names) && iscell (fcns.calltype) && iscell (fcns.LHS) && iscell (fcns.RHS) ...
        && numel (fcns.calltype) == n && numel (fcns.LHS) == n && numel (fcns.RHS) == n)
    error ('loadlibrary: the prototype file %s must hold cells of equal length in name, calltype, LHS and RHS', name);
  end
  aliases = {};
  if isfield (fcns, 'alias') && iscell (fcns.alias)
    aliases = fcns.alias;
  end
  consts = const_args (name);
  protos = struct ('name', {}, 'ret', {}, 'args', {}, 'readonly', {});
  warns = {};
  for k = 1:n
    f = names{k};
    if ! ischar (f) || isempty (f)
      error ('loadlibrary: entry %d of the prototype file %s has no function name', k, name);
    end
    ct = fcns.calltype{k};
    if ! (ischar (ct) && any (strcmpi (ct, {'cdecl', 'Thunk'})))
      error ('loadlibrary: %s in %s: calltype ''%s'' is not supported (only cdecl)', f, name, num2str (ct));
    end
    ret = fcns.LHS{k};
    if isempty (ret)
      ret = 'void';
    end
    args = fcns.RHS{k};
    if isempty (args)
      args = {};
    elseif ischar (args)
      args = {args};
    end
    if ! (ischar (ret) && iscellstr (args))
      error ('loadlibrary: %s in %s: LHS must be a type name or [], RHS a cell of type names', f, name);
    end
    ro = false (1, numel (args));
    if isKey (consts, f)
      c = consts(f);
      if numel (c) == numel (args)
        ro = c;
      end
    end
    if k <= numel (aliases) && ischar (aliases{k}) && ! isempty (aliases{k})
      f = aliases{k};
    end
    protos(end+1) = struct ('name', f, 'ret', ret, 'args', {args(:)'}, 'readonly', ro); %#ok<AGROW>
  end
end

function consts = const_args (name)
  % Function name -> logical row: which parameters of the C declaration commented above
  % its entry are `const T *` (one level of pointer to const data).
  consts = containers.Map ();
  file = which (name);
  if isempty (file) || ! exist (file, 'file')
    return;
  end
  lines = strsplit (fileread (file), "\n");
  for k = 2:numel (lines)
    m = regexp (lines{k}, 'fcns\.name\{fcnNum\}\s*=\s*''(\w+)''', 'tokens', 'once');
    if isempty (m)
      continue;
    end
    decl = regexp (lines{k-1}, '^\s*%\s*(.*\w\s*\((.*)\)\s*;?)\s*$', 'tokens', 'once');
    if isempty (decl)
      continue;
    end
    params = strtrim (decl{2});
    if isempty (params) || strcmp (params, 'void')
      consts(m{1}) = false (1, 0);
      continue;
    end
    parts = strsplit (params, ',');
    consts(m{1}) = cellfun (@(t) sum (t == '*') == 1 ...
      && ! isempty (regexp (t, '(^|\W)const\W[^*]*[*]', 'once')), parts);
  end
end
