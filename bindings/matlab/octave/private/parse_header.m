function [protos, warns] = parse_header (files)
  % PARSE_HEADER  Function prototypes of C headers, in MATLAB's type names.
  %   [protos, warns] = parse_header(files) reads the headers (a cellstr) and returns a
  %   struct array with fields name (char), ret (char), args (cellstr) and readonly
  %   (logical: the argument is a pointer to const data), using the
  %   names MATLAB's loadlibrary derives (see MATLAB_FFI.md): const dropped, typedefs
  %   resolved, double* -> doublePtr, char* -> cstring, size_t -> ulong and int64_t
  %   -> long (64-bit Linux), Foo* -> FooPtr for an opaque struct, Foo** -> FooPtrPtr.
  %   Functions MATLAB's parser cannot take (function pointers, varargs, structs by
  %   value, unknown types) are skipped with a line in warns, as loadlibrary warns.
  %   #include is not followed: the header must declare what it uses (stdint.h and
  %   stddef.h types are built in).

  txt = '';
  for k = 1:numel (files)
    txt = [txt, fileread(files{k}), "\n"]; %#ok<AGROW>
  end
  txt = strrep (txt, "\r", '');
  txt = regexprep (txt, '\\\n', ' ');                 % line continuations
  txt = regexprep (txt, '/\*.*?\*/', ' ', 'dotall');  % comments
  txt = regexprep (txt, '//[^\n]*', '');
  txt = preprocess (txt);
  txt = regexprep (txt, 'extern\s*"C"\s*\{', ' ');
  txt = regexprep (txt, '__attribute__\s*\(\((?:[^()]|\([^()]*\))*\)\)', ' ');
  txt = regexprep (txt, '__declspec\s*\([^()]*\)', ' ');
  % Bodies (struct members, enumerators, inline functions) go; their names stay.
  prev = '';
  while ! strcmp (prev, txt)
    prev = txt;
    txt = regexprep (txt, '\{[^{}]*\}', ' {} ');
  end
  txt = strrep (txt, '}', ' ');

  % containers.Map, not structs: C names such as __int_t are no valid field names.
  typedefs = containers.Map ();   % name -> C type text
  opaque = containers.Map ();     % struct names used through pointers only
  protos = struct ('name', {}, 'ret', {}, 'args', {}, 'readonly', {});
  warns = {};
  stmts = strsplit (txt, ';');
  for k = 1:numel (stmts)
    s = strtrim (regexprep (stmts{k}, '\s+', ' '));
    s = strtrim (strrep (s, '{}', ''));
    if isempty (s)
      continue;
    end
    if strncmp (s, 'typedef ', 8)
      body = strtrim (s(9:end));
      fp = regexp (body, '\(\s*\*\s*(\w+)\s*\)', 'tokens', 'once');
      if ! isempty (fp)
        typedefs(fp{1}) = '<function pointer>';
        continue;
      end
      tok = regexp (body, '^(.*?)(\w+)\s*(\[[^\]]*\])?$', 'tokens', 'once');
      if isempty (tok)
        continue;
      end
      [base, name] = deal (strtrim (tok{1}), tok{2});
      st = regexp (base, '^(?:const\s+)?(struct|union)\s*(\w*)\s*$', 'tokens', 'once');
      if ! isempty (st)
        opaque(name) = true;
        if ! isempty (st{2}) && ! strcmp (st{2}, name)
          opaque(st{2}) = true;
        end
      elseif ! isempty (regexp (base, '^(?:const\s+)?enum\b', 'once'))
        typedefs(name) = 'int';        % enums as int32 (MATLAB passes names)
      else
        % (Octave leaves an unmatched optional group out of the tokens.)
        is_array = numel (tok) > 2 && ! isempty (tok{3});
        typedefs(name) = [base, repmat('*', 1, is_array)];
      end
      continue;
    end
    st = regexp (s, '^(?:struct|union)\s+(\w+)$', 'tokens', 'once');
    if ! isempty (st)
      opaque(st{1}) = true;       % forward declaration
      continue;
    end
    tok = regexp (s, '^(.*?[\s\*])(\w+)\s*\((.*)\)$', 'tokens', 'once');
    if isempty (tok) || any (strcmp (strtrim (tok{1}), {'', 'return'}))
      continue;                    % variables, enums and the like
    end
    [rettxt, name, params] = deal (tok{1}, tok{2}, strtrim (tok{3}));
    if ! isempty (regexp (rettxt, '\bstatic\b', 'once'))
      continue;
    end
    if any (params == '(')
      warns{end+1} = sprintf ('%s skipped: function pointer parameter', name); %#ok<AGROW>
      continue;
    end
    if ! isempty (strfind (params, '...'))
      warns{end+1} = sprintf ('%s skipped: variable arguments', name); %#ok<AGROW>
      continue;
    end
    [ret, why] = map_type (rettxt, typedefs, opaque, false);
    args = {};
    readonly = false (1, 0);
    if ! isempty (params) && ! strcmp (params, 'void')
      parts = strsplit (params, ',');
      % const T *p: C only reads *p, so the emulation may hand C the caller's own array
      % (MATLAB's type names drop const; this flag stays internal).
      readonly = cellfun (@(t) sum (t == '*') == 1 && ! isempty (regexp (t, '(^|\W)const\W[^*]*[*]', 'once')), parts);
      for j = 1:numel (parts)
        if ! isempty (why)
          break;
        end
        [args{j}, why] = map_type (parts{j}, typedefs, opaque, true); %#ok<AGROW>
        if isempty (why) && strcmp (args{j}, 'void')
          why = 'void parameter';
        end
      end
    end
    if ! isempty (why)
      warns{end+1} = sprintf ('%s skipped: %s', name, why); %#ok<AGROW>
      continue;
    end
    protos(end+1) = struct ('name', name, 'ret', ret, 'args', {args}, ...
                            'readonly', readonly); %#ok<AGROW>
  end
end

function txt = preprocess (txt)
  % Drops directives and the branches a C compiler would drop: #ifdef __cplusplus is
  % false (this is C), macros count as defined once #define'd earlier in the header,
  % #if 0 is false; any other #if is taken as true.
  lines = strsplit (txt, "\n");
  defined = {};
  active = true;
  stack = {};        % {outer active, a branch already taken}
  for k = 1:numel (lines)
    t = strtrim (lines{k});
    if isempty (t) || t(1) != '#'
      if ! active
        lines{k} = '';
      end
      continue;
    end
    lines{k} = '';
    d = regexp (t, '^#\s*(\w+)\s*(.*)$', 'tokens', 'once');
    if isempty (d)
      continue;
    end
    [dir, rest] = deal (d{1}, strtrim (d{2}));
    switch dir
      case {'if', 'ifdef', 'ifndef'}
        c = condition (dir, rest, defined);
        stack{end+1} = [active, c]; %#ok<AGROW>
        active = active && c;
      case 'elif'
        if ! isempty (stack)
          top = stack{end};
          c = ! top(2) && condition ('if', rest, defined);
          active = top(1) && c;
          stack{end} = [top(1), top(2) || c];
        end
      case 'else'
        if ! isempty (stack)
          top = stack{end};
          active = top(1) && ! top(2);
          stack{end} = [top(1), true];
        end
      case 'endif'
        if ! isempty (stack)
          active = stack{end}(1);
          stack(end) = [];
        end
      case 'define'
        if active
          m = regexp (rest, '^(\w+)', 'tokens', 'once');
          if ! isempty (m)
            defined{end+1} = m{1}; %#ok<AGROW>
          end
        end
      case 'undef'
        if active
          defined = setdiff (defined, {rest});
        end
    end
  end
  txt = strjoin (lines, "\n");
end

function c = condition (dir, rest, defined)
  switch dir
    case 'ifdef'
      c = any (strcmp (rest, defined));
    case 'ifndef'
      c = ! any (strcmp (rest, defined));
    otherwise
      % Named tokens: Octave drops empty groups from 'tokens'.
      m = regexp (rest, '^(?<neg>!?)\s*defined\s*\(?\s*(?<name>\w+)\s*\)?$', 'names', 'once');
      if ! isempty (m) && ! isempty (m.name)
        c = any (strcmp (m.name, defined)) != strcmp (m.neg, '!');
      elseif ! isempty (regexp (rest, '^\d+$', 'once'))
        c = str2double (rest) != 0;
      else
        c = true;
      end
  end
end

function [mt, why] = map_type (txt, typedefs, opaque, is_param)
  % The MATLAB type name of a C type (or parameter declaration); why says why not.
  mt = '';
  why = '';
  stars = sum (txt == '*') + numel (regexp (txt, '\[[^\]]*\]'));
  txt = regexprep (txt, '\[[^\]]*\]', ' ');
  words = regexp (strrep (txt, '*', ' '), '\w+', 'match');
  qualifiers = {'const', 'volatile', 'restrict', '__restrict', '__restrict__', ...
                'register', 'extern', 'inline', '__inline', 'struct', 'union', 'enum'};
  words = words(! ismember (words, qualifiers));
  keywords = {'void', 'char', 'short', 'int', 'long', 'signed', 'unsigned', ...
              'float', 'double', 'bool', '_Bool'};
  % A trailing word that is neither a C keyword nor the only word is the parameter name.
  if is_param && numel (words) > 1 && ! any (strcmp (words{end}, keywords))
    words(end) = [];
  end
  if isempty (words)
    why = 'missing type';
    return;
  end
  % Resolve typedefs (they may add pointer levels).
  for guard = 1:20
    if numel (words) != 1 || ! isKey (typedefs, words{1})
      break;
    end
    def = typedefs(words{1});
    if strcmp (def, '<function pointer>')
      why = sprintf ('function pointer type %s', words{1});
      return;
    end
    stars = stars + sum (def == '*');
    words = regexp (strrep (def, '*', ' '), '\w+', 'match');
    words = words(! ismember (words, qualifiers));
  end
  base = strjoin (words, ' ');
  scalar = c_scalar (base);
  if isempty (scalar)
    if numel (words) == 1 && (isKey (opaque, base) || stars > 0)
      % An opaque struct (or a type the header only uses through pointers).
      if stars == 0
        why = sprintf ('struct %s passed by value', base);
      elseif stars <= 2
        mt = [base, repmat('Ptr', 1, stars)];
      else
        why = sprintf ('%d levels of pointers', stars);
      end
    else
      why = sprintf ('unknown type ''%s''', base);
    end
    return;
  end
  if stars == 0
    mt = scalar;
    if strcmp (scalar, 'void') && is_param && numel (words) > 1
      why = 'void parameter';
    end
  elseif stars == 1 && strcmp (base, 'char')
    mt = 'cstring';                         % char* and const char*
  elseif stars == 2 && strcmp (base, 'char')
    mt = 'stringPtrPtr';
  elseif stars <= 2
    mt = [scalar, repmat('Ptr', 1, stars)]; % voidPtr, doublePtr, int32PtrPtr, ...
  else
    why = sprintf ('%d levels of pointers', stars);
  end
end

function s = c_scalar (base)
  % The MATLAB name of a C scalar type on 64-bit Linux ('' if not one).
  persistent map
  if isempty (map)
    pairs = {
      'void', 'void'; 'char', 'int8'; 'signed char', 'int8'; 'unsigned char', 'uint8';
      'short', 'int16'; 'short int', 'int16'; 'signed short', 'int16';
      'signed short int', 'int16'; 'unsigned short', 'uint16';
      'unsigned short int', 'uint16'; 'int', 'int32'; 'signed', 'int32';
      'signed int', 'int32'; 'unsigned', 'uint32'; 'unsigned int', 'uint32';
      'long', 'long'; 'long int', 'long'; 'signed long', 'long';
      'signed long int', 'long'; 'unsigned long', 'ulong'; 'unsigned long int', 'ulong';
      'long long', 'int64'; 'long long int', 'int64'; 'signed long long', 'int64';
      'signed long long int', 'int64'; 'unsigned long long', 'uint64';
      'unsigned long long int', 'uint64'; 'float', 'single'; 'double', 'double';
      'bool', 'bool'; '_Bool', 'bool';
      'int8_t', 'int8'; 'uint8_t', 'uint8'; 'int16_t', 'int16'; 'uint16_t', 'uint16';
      'int32_t', 'int32'; 'uint32_t', 'uint32';
      % glibc: int64_t is long, uint64_t and size_t are unsigned long.
      'int64_t', 'long'; 'uint64_t', 'ulong'; 'size_t', 'ulong'; 'ssize_t', 'long';
      'ptrdiff_t', 'long'; 'intptr_t', 'long'; 'uintptr_t', 'ulong'};
    map = containers.Map (pairs(:, 1), pairs(:, 2));
  end
  if isKey (map, base)
    s = map(base);
  else
    s = '';
  end
end
