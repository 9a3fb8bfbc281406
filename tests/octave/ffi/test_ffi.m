function failed = test_ffi (fixture_so, fixture_h, lrp_so, lrp_h, golden, lrp_proto_file)
  % TEST_FFI  Tests of the Octave emulation of MATLAB's loadlibrary/calllib
  % (bindings/matlab/octave) against the fixture library (every rule of
  % MATLAB_FFI.md) and a smoke test against liblrp.so. Prints "N passed, M failed"
  % last and returns the number of failures. Run by `make octave-ffi-test`:
  %   failed = test_ffi('target/octave-ffi/libffi_fixture.so', ...
  %     'tests/octave/ffi/fixture.h', 'target/release/liblrp.so', 'include/lrp.h', ...
  %     '../shared/golden')

  % First, before the counters exist: 'clear all' clears functions and their
  % persistent variables, but the loaded libraries must stay (the oct-file locks itself).
  loadlibrary (fixture_so, fixture_h, 'alias', 'fx');
  evalin ('base', 'clear all');
  survived = libisloaded ('fx') && calllib ('fx', 'fx_add_i32', 2, 2) == 4;
  unloadlibrary ('fx');

  count ('reset');
  check (survived, 'loaded libraries survive clear all');
  groups = {@() t_loading(fixture_so, fixture_h), @t_scalars, @t_arrays, ...
            @t_null, @t_libpointer, @t_strings, @t_opaque, @t_bad_input, ...
            @() t_unload(fixture_so, fixture_h), ...
            @() t_lrp_smoke(lrp_so, lrp_h, golden, lrp_h)};
  if nargin >= 6
    % The generated prototype file (bindings/matlab/lrp_proto.m) instead of the header:
    % the same checks, so the file MATLAB loads the library through is tested here too.
    addpath (fileparts (lrp_proto_file));
    [~, pname] = fileparts (lrp_proto_file);
    groups{end+1} = @() t_lrp_smoke(lrp_so, str2func (pname), golden, lrp_h);
  end
  for k = 1:numel (groups)
    try
      groups{k}();
    catch err
      check (false, sprintf ('%s raised: %s', func2str (groups{k}), err.message));
    end
  end
  if libisloaded ('fx')
    unloadlibrary ('fx');
  end
  [passed, failed] = count ('get');
  printf ('%d passed, %d failed\n', passed, failed);
end

% ---- the checks -----------------------------------------------------------------------

function t_loading (so, h)
  [notfound, warnings] = loadlibrary (so, h, 'alias', 'fx');
  check (iscell (notfound) && isempty (notfound), ...
         'loadlibrary: every header function is exported (none from #if-ed out code)');
  check (! isempty (strfind (warnings, 'fx_callback')) && ! isempty (strfind (warnings, 'fx_varargs')), ...
         'loadlibrary: function-pointer and varargs functions are skipped with a warning');
  check (libisloaded ('fx'), 'libisloaded after loadlibrary');
  check (! libisloaded ('no_such_library'), 'libisloaded of an unknown name');
  loadlibrary (so, h, 'alias', 'fx');     % already loaded: nothing happens
  check (libisloaded ('fx'), 'a second loadlibrary of the same alias is harmless');

  names = libfunctions ('fx');
  check (iscellstr (names) && any (strcmp (names, 'fx_add_i32')) && ...
         ! any (strcmp (names, 'fx_callback')) && ! any (strcmp (names, 'fx_varargs')), ...
         'libfunctions lists the functions, not the skipped ones');
  sigs = libfunctions ('fx', '-full');
  expect = {
    '[int32, doublePtr, doublePtr] fx_sum(doublePtr, ulong, doublePtr)'
    '[int32, ulongPtr, ulongPtr] fx_sizes(ulongPtr, ulongPtr)'
    '[int32, longPtr, ulongPtr] fx_i64_u64(longPtr, ulongPtr, ulong)'
    '[int32, singlePtr] fx_f32_scale(singlePtr, ulong, single)'
    '[int32, singlePtr, singlePtr] fx_f32_sum(singlePtr, ulong, singlePtr)'
    '[int32, uint8Ptr] fx_u8_invert(uint8Ptr, ulong)'
    '[int32, int16Ptr] fx_int16_inc(int16Ptr, ulong)'
    '[int32, int32Ptr] fx_i32_square(int32Ptr, ulong)'
    '[lib.pointer, voidPtr] fx_void_echo(voidPtr)'
    'lib.pointer fx_counter_new(int32)'
    '[int32, FxCounterPtr, int32Ptr] fx_counter_get(FxCounterPtr, int32Ptr)'
    '[int32, FxCounterPtrPtr] fx_counter_create(int32, FxCounterPtrPtr)'
    '[cstring, cstring] fx_upper(cstring)'
    '[ulong, cstring] fx_strlen(cstring)'
    'cstring fx_greeting()'
    'long fx_neg_i64(long)'
    'ulong fx_u64_add(ulong, ulong)'
    'single fx_half(single)'
    'bool fx_not(bool)'
    'double fx_typedef_twice(double)'
    'int32 fx_int_sub(int32, uint32)'
    'lib.pointer fx_static_doubles()'
    'fx_noop()'};
  for k = 1:numel (expect)
    check (any (strcmp (sigs, expect{k})), ['type mapping: ', expect{k}]);
  end

  % The same library under a second alias is independent of the first.
  loadlibrary (so, h, 'alias', 'fx2');
  check (calllib ('fx2', 'fx_add_i32', 1, 2) == 3, 'alias: a second name for the library');
  unloadlibrary ('fx2');
  check (! libisloaded ('fx2') && libisloaded ('fx'), 'unloadlibrary of one alias keeps the other');
end

function t_scalars ()
  r = calllib ('fx', 'fx_add_i32', 2, 3);
  check (isequal (r, 5), 'int32 arguments and return');
  check (isa (r, 'double'), 'scalar returns come back as double (MATLAB documents it)');
  check (calllib ('fx', 'fx_add_i32', int32 (2), uint8 (3)) == 5, 'integer classes for int32 arguments');
  check (calllib ('fx', 'fx_add_i32', 2.6, 0) == 3, 'doubles round to the nearest int32 (MATLAB''s cast)');
  check (calllib ('fx', 'fx_add_i32', 3e9, 0) == intmax ('int32'), 'out-of-range doubles saturate');
  check (calllib ('fx', 'fx_add_i32', true, 1) == 2, 'logical for an int32 argument');
  check (calllib ('fx', 'fx_scale', 1.5, 2) == 3, 'double arguments and return');
  check (calllib ('fx', 'fx_neg_i64', 5) == -5, 'int64_t (long) argument and return');
  check (calllib ('fx', 'fx_u64_add', 2^40, 1) == 2^40 + 1, 'uint64_t (ulong) argument and return');
  check (calllib ('fx', 'fx_size_twice', 21) == 42, 'size_t (ulong) argument accepts a double');
  check (calllib ('fx', 'fx_half', 3) == 1.5, 'float (single) argument and return');
  check (calllib ('fx', 'fx_u8_inc', 7) == 8 && calllib ('fx', 'fx_u8_inc', 300) == 0, ...
         'uint8_t: saturated to 255 before the call, wraps in C');
  check (calllib ('fx', 'fx_i8_neg', 5) == -5, 'int8_t argument and return');
  check (calllib ('fx', 'fx_i16_neg', -300) == 300, 'int16_t argument and return');
  check (calllib ('fx', 'fx_u32_not', 0) == 4294967295, 'uint32_t argument and return');
  check (calllib ('fx', 'fx_not', true) == 0 && calllib ('fx', 'fx_not', 0) == 1, 'bool argument and return');
  check (calllib ('fx', 'fx_typedef_twice', 4) == 8, 'typedef of double');
  check (calllib ('fx', 'fx_int_sub', 5, 3) == 2, 'int and unsigned int');
  m = calllib ('fx', 'fx_many', 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
  check (m == sum ((1:14) .^ 2), 'fourteen arguments, some on the stack');
  calllib ('fx', 'fx_noop');
  check (true, 'a void function without arguments');
  check (throws (@() one_output ('fx', 'fx_noop'), 'output'), 'asking a void function for an output is an error');
end

function t_arrays ()
  x = [1 2 3];
  [st, xo, s] = calllib ('fx', 'fx_sum', x, 3, 0);
  check (st == 0 && s == 6, 'const double* input and double* scalar output');
  check (isequal (xo, x) && isa (xo, 'double'), 'a const pointer argument comes back too');
  [~, xo] = calllib ('fx', 'fx_sum', [1; 2; 3], 3, 0);
  check (isequal (size (xo), [3 1]), 'the output has the input''s shape (column)');
  [~, xo, s] = calllib ('fx', 'fx_sum', int32 ([1 2 3]), 3, 0);
  check (s == 6 && isa (xo, 'double'), 'an int32 array for doublePtr is converted; output double');
  [st, out] = calllib ('fx', 'fx_fill_seq', zeros (2, 3), 6);
  check (st == 0 && isequal (out, [1 3 5; 2 4 6]), 'double* output keeps its 2x3 shape, column-major');
  a = [1 2 3; 4 5 6];
  [~, ao, rm] = calllib ('fx', 'fx_to_row_major', a, 2, 3, zeros (1, 6));
  check (isequal (rm, [1 2 3 4 5 6]), 'C sees MATLAB''s column-major memory unchanged');
  check (isequal (a, [1 2 3; 4 5 6]) && isequal (ao, a), 'the caller''s array is never modified');
  [~, v] = calllib ('fx', 'fx_i32_square', int32 ([1 2; 3 4]), 4);
  check (isa (v, 'int32') && isequal (v, int32 ([1 4; 9 16])), 'int32Ptr in place: int32 output');
  [~, v] = calllib ('fx', 'fx_i32_square', [1 2 3], 3);
  check (isa (v, 'int32') && isequal (v, int32 ([1 4 9])), 'double array for int32Ptr: output has the pointer''s class');
  [st, r, c] = calllib ('fx', 'fx_sizes', 0, 0);
  check (st == 0 && r == 3 && c == 4 && isa (r, 'uint64') && isa (c, 'uint64'), ...
         'size_t* outputs (ulongPtr) come back as uint64');
  [~, f] = calllib ('fx', 'fx_f32_scale', [1 2 4], 3, 0.5);
  check (isa (f, 'single') && isequal (f, single ([0.5 1 2])), 'float* (singlePtr): single output');
  % single arrays for float* (singlePtr) pass as they are, as double arrays for double*:
  % a const one is the caller's own memory, a written one Octave's copy of it.
  xs = single ([0.1 0.2; 0.3 0.7]);
  [st, xo, s] = calllib ('fx', 'fx_f32_sum', xs, 4, 0);
  check (st == 0 && isa (s, 'single') && s == ((xs(1) + xs(2)) + xs(3)) + xs(4), ...
         'const float* (singlePtr): the single values themselves, summed in float');
  check (isa (xo, 'single') && isequal (xo, xs), 'a const float* argument comes back unchanged, single, 2x2');
  check (calllib ('fx', 'fx_f32_same', xs, xs) == 1, ...
         'a single array for a const float* is the caller''s memory (no copy)');
  check (calllib ('fx', 'fx_f32_same', double (xs), double (xs)) == 0, ...
         'a double array for a const float* is converted (a copy each)');
  check (calllib ('fx', 'fx_f64_same', [1 2], [1 2]) == 0 && ...
         calllib ('fx', 'fx_f64_same', x, x) == 1, 'a double array for a const double* is the caller''s memory');
  ys = single ([1 2; 4 8]);
  [~, f] = calllib ('fx', 'fx_f32_scale', ys, 4, 0.5);
  check (isa (f, 'single') && isequal (f, single ([0.5 1; 2 4])) && isequal (ys, single ([1 2; 4 8])), ...
         'float* written in place on a single array: the output changes, the caller''s variable not');
  [~, u] = calllib ('fx', 'fx_u8_invert', uint8 ([0 10 255]), 3);
  check (isa (u, 'uint8') && isequal (u, uint8 ([255 245 0])), 'uint8_t* (uint8Ptr)');
  [~, i64, u64] = calllib ('fx', 'fx_i64_u64', int64 ([1 -2]), uint64 ([3 2^60]), 2);
  check (isa (i64, 'int64') && isequal (i64, int64 ([-1 2])), 'int64_t* (longPtr): int64 output');
  check (isa (u64, 'uint64') && isequal (u64, uint64 ([6 2^61])), 'uint64_t* (ulongPtr): exact 64-bit values');
  [~, i16] = calllib ('fx', 'fx_int16_inc', int16 ([1 2]), 2);
  check (isa (i16, 'int16') && isequal (i16, int16 ([2 3])), 'int16_t* (int16Ptr)');
  check (calllib ('fx', 'fx_bytes_sum', uint8 ([10 20 30]), 3) == 60, 'a uint8 array for voidPtr passes its bytes');
  [n, raw] = calllib ('fx', 'fx_bytes_sum', int16 (257), 2);
  check (n == 2 && isa (raw, 'int16') && raw == 257, 'voidPtr: raw bytes of the array''s own class, returned as is');
  [~, big] = calllib ('fx', 'fx_fill_seq', zeros (100, 100), 10000);
  check (isequal (big(:)', 1:10000), 'a 10000-element buffer');
end

function t_null ()
  check (calllib ('fx', 'fx_is_null', []) == 1, '[] passes NULL for a numeric pointer');
  check (calllib ('fx', 'fx_is_null', 0) == 0, 'a scalar array is not NULL');
  [st, xo, s] = calllib ('fx', 'fx_sum', [], 0, 0);
  check (st == -1 && isempty (xo) && s == 0, 'NULL input: the C function sees NULL, the output is empty');
  check (calllib ('fx', 'fx_is_null', libpointer ('doublePtr')) == 1, 'a NULL lib.pointer passes NULL');
  check (calllib ('fx', 'fx_counter_add', [], 1) == -1, '[] passes NULL for an opaque pointer');
  check (calllib ('fx', 'fx_strlen', []) == 2^64 - 1, '[] passes NULL for a cstring');
  p = calllib ('fx', 'fx_void_echo', []);
  check (isa (p, 'lib.pointer') && isNull (p) && strcmp (p.DataType, 'voidPtr'), ...
         'a returned NULL pointer is a lib.pointer that isNull');
end

function t_libpointer ()
  p = libpointer ('doublePtr', zeros (1, 4));
  check (strcmp (p.DataType, 'doublePtr') && ! isNull (p) && isequal (p.Value, zeros (1, 4)), ...
         'libpointer(type, value): DataType, Value, not NULL');
  [st, out] = calllib ('fx', 'fx_fill_seq', p, 4);
  check (st == 0 && isequal (p.Value, [1 2 3 4]), 'C writes into a lib.pointer show in its Value');
  check (isequal (out, [1 2 3 4]), 'the output for a lib.pointer is its Value after the call');
  q = libpointer ('int32Ptr', int32 ([2 3]));
  calllib ('fx', 'fx_i32_square', q, 2);
  calllib ('fx', 'fx_i32_square', q, 2);
  check (isequal (q.Value, int32 ([16 81])), 'a lib.pointer is updated in place, call after call');
  c = libpointer ('int32Ptr', [1.4 2.6]);
  check (isa (c.Value, 'int32') && isequal (c.Value, int32 ([1 3])), 'libpointer converts its value to the type''s class');

  check (isNull (libpointer ('doublePtr')) && isNull (libpointer ()), 'libpointer(type) and libpointer() are NULL');
  v0 = libpointer ();
  check (strcmp (class (v0), 'lib.pointer') && strcmp (v0.DataType, 'voidPtr'), ...
         'libpointer() is a voidPtr lib.pointer');

  base = libpointer ('doublePtr', zeros (1, 4));
  mid = base + 1;
  calllib ('fx', 'fx_fill_seq', mid, 3);
  check (isequal (base.Value, [0 1 2 3]) && isequal (mid.Value, [1 2 3]), ...
         'plus: p + 1 points one element further into the same memory');
  back = mid + -1;
  check (strcmp (mid.DataType, 'doublePtr') && isequal (back.Value, [0 1 2 3]), 'plus with a negative offset');
  col = libpointer ('doublePtr', [1; 2; 3; 4]) + 2;
  check (isequal (col.Value, [3; 4]), 'plus on a column keeps a column of the remaining elements');
  clear base;
  check (isequal (mid.Value, [1 2 3]), 'p + n keeps the memory of p alive');
  check (throws (@() mid + 4, 'memory'), 'plus past the end of libpointer memory is an error');

  r = libpointer ('doublePtr', zeros (1, 6));
  calllib ('fx', 'fx_fill_seq', r, 6);
  reshape (r, 2, 3);
  check (isequal (r.Value, [1 3 5; 2 4 6]), 'reshape sets the shape of Value');
  check (throws (@() reshape (r, 4, 4), 'fit'), 'reshape beyond the memory is an error');

  s = calllib ('fx', 'fx_static_doubles');
  check (isa (s, 'lib.pointer') && strcmp (s.DataType, 'doublePtr') && s.Value == 1, ...
         'a returned double* is a lib.pointer of one element');
  setdatatype (s, 'doublePtr', 1, 4);
  check (isequal (s.Value, [1 2 3 4]), 'setdatatype gives it a size');
  reshape (s, 2, 2);
  check (isequal (s.Value, [1 3; 2 4]), 'reshape of a returned pointer');
  s2 = s + 2;
  setdatatype (s2, 'doublePtr', 1, 2);
  check (isequal (s2.Value, [3 4]), 'plus on a returned pointer');
  check (throws (@() set_value (s), 'read-only'), 'Value cannot be assigned');

  v = libpointer ('voidPtr', uint8 ([1 2 3]));
  check (calllib ('fx', 'fx_bytes_sum', v, 3) == 6 && isequal (v.Value, uint8 ([1 2 3])), ...
         'a voidPtr lib.pointer made from uint8 data');
  check (isequal (libpointer ('voidPtr', [true false true]).Value, [true false true]) && ...
         isequal (libpointer ('voidPtr', 'ab').Value, 'ab'), ...
         'a voidPtr lib.pointer made from logical or char data gives it back in its class');
  e = calllib ('fx', 'fx_void_echo', v);
  check (isa (e, 'lib.pointer') && e.Address == v.Address, 'a returned voidPtr keeps the address');
  check (throws (@() e.Value, 'datatype'), 'Value of a returned voidPtr needs setdatatype first');
  setdatatype (e, 'uint8Ptr', 1, 3);
  check (isequal (e.Value, uint8 ([1 2 3])), 'setdatatype of a voidPtr');
  dp = libpointer ('doublePtr', [1 2]);
  check (calllib ('fx', 'fx_bytes_sum', dp, 16) > 0, 'a doublePtr lib.pointer for a voidPtr argument');
  check (throws (@() calllib ('fx', 'fx_sum', libpointer ('int32Ptr', 1), 1, 0), 'lib.pointer of type'), ...
         'a lib.pointer of another numeric type is refused');
end

function t_strings ()
  check (calllib ('fx', 'fx_strlen', 'hello') == 5, 'char array for a const char* (cstring)');
  check (calllib ('fx', 'fx_strlen', '') == 0, ''''' is an empty string, not NULL');
  g = calllib ('fx', 'fx_greeting');
  check (ischar (g) && strcmp (g, 'hello, world'), 'a cstring return comes back as char');
  n = calllib ('fx', 'fx_null_string');
  check (ischar (n) && isempty (n), 'a NULL cstring return comes back as ''''');
  word = 'abc';
  [r, s] = calllib ('fx', 'fx_upper', word);
  check (strcmp (r, 'ABC') && strcmp (s, 'ABC') && strcmp (word, 'abc'), ...
         'a cstring argument is a copy: C changes it in the output, not in the caller');
  [st, buf] = calllib ('fx', 'fx_write_name', blanks (16), 16);
  check (st == 0 && strcmp (buf, 'fixture'), 'a char buffer filled by C comes back up to its NUL');
  [st, buf] = calllib ('fx', 'fx_write_name', blanks (8), 8);
  check (st == 0 && strcmp (buf, 'fixture'), 'a buffer of exactly the needed size (NUL in the extra byte)');
  sp = libpointer ('cstring', 'mixed Case');
  calllib ('fx', 'fx_upper', sp);
  check (strcmp (sp.Value, 'MIXED CASE'), 'a cstring lib.pointer is changed in place');
  check (throws (@() calllib ('fx', 'fx_strlen', 5), 'char'), 'a number for a cstring is an error');
end

function t_opaque ()
  live = calllib ('fx', 'fx_counter_live');
  c = calllib ('fx', 'fx_counter_new', 5);
  check (isa (c, 'lib.pointer') && strcmp (c.DataType, 'FxCounterPtr') && ! isNull (c), ...
         'a returned handle is a lib.pointer of type FxCounterPtr');
  check (calllib ('fx', 'fx_counter_add', c, 3) == 0, 'a handle passed straight back');
  [st, co, v] = calllib ('fx', 'fx_counter_get', c, 0);
  check (st == 0 && v == 8 && isa (v, 'int32'), 'int32_t* output beside a handle');
  check (isa (co, 'lib.pointer') && co.Address == c.Address, 'the output for a handle is the lib.pointer');
  check (throws (@() c.Value, 'opaque'), 'Value of an opaque pointer is an error');
  check (calllib ('fx', 'fx_counter_live') == live + 1, 'one live counter');
  calllib ('fx', 'fx_counter_free', c);
  check (calllib ('fx', 'fx_counter_live') == live, 'freed');

  h = libpointer ('FxCounterPtr');
  [st, ho] = calllib ('fx', 'fx_counter_create', 7, h);
  check (st == 0 && ! isNull (h) && ho.Address == h.Address, 'Foo**: a FooPtr lib.pointer passed by reference is set by C');
  [~, ~, v] = calllib ('fx', 'fx_counter_get', h, 0);
  check (v == 7, 'the handle C wrote works');
  calllib ('fx', 'fx_counter_free', h);
  h9 = libpointer ('FxCounterPtr');
  calllib ('fx', 'fx_counter_create', 9, h9);
  [~, ~, v] = calllib ('fx', 'fx_counter_get', h9, 0);
  check (! isNull (h9) && v == 9, 'Foo**: the lib.pointer is set even when no output is asked for');
  calllib ('fx', 'fx_counter_free', h9);
  [st, ~] = calllib ('fx', 'fx_counter_create', -1, h);
  check (st == -1 && isNull (h), 'C may set it to NULL');
  pp = libpointer ('FxCounterPtrPtr');
  check (isNull (pp), 'libpointer(''FooPtrPtr'') without a value is NULL');
  check (calllib ('fx', 'fx_counter_create', 1, pp) == -1, 'a NULL FooPtrPtr reaches C as NULL');
  pp = libpointer ('FxCounterPtrPtr', libpointer ('FxCounterPtr'));
  calllib ('fx', 'fx_counter_create', 3, pp);
  c3 = pp.Value;
  [~, ~, v] = calllib ('fx', 'fx_counter_get', c3, 0);
  check (isa (c3, 'lib.pointer') && strcmp (c3.DataType, 'FxCounterPtr') && v == 3, ...
         'a FooPtrPtr lib.pointer: its Value is the FooPtr C wrote');
  calllib ('fx', 'fx_counter_free', c3);
  check (calllib ('fx', 'fx_counter_live') == live, 'no counter leaked');

  check (throws (@() calllib ('fx', 'fx_counter_add', libpointer ('doublePtr', 1), 1), 'lib.pointer of type'), ...
         'a lib.pointer of another type for a handle is refused');
  check (throws (@() calllib ('fx', 'fx_counter_add', 5, 1), 'lib.pointer'), 'a number for a handle is refused');
  check (throws (@() calllib ('fx', 'fx_counter_add', 'x', 1), 'lib.pointer'), 'a char for a handle is refused');
  check (throws (@() libpointer ('FxCounterPtr', 5), 'opaque'), 'an opaque libpointer cannot hold data');
end

function t_bad_input ()
  check (throws (@() calllib ('fx', 'no_such_function'), 'Method was not found'), ...
         'an unknown function: "Method was not found"');
  check (throws (@() calllib ('fx', 'fx_callback', 1, 2), 'Method was not found'), 'a skipped function is unknown');
  check (throws (@() calllib ('fx', 'fx_add_i32', 1), 'signature'), 'too few arguments');
  check (throws (@() calllib ('fx', 'fx_add_i32', 1, 2, 3), 'signature'), 'too many arguments');
  check (throws (@() calllib ('fx', 'fx_noop', 1), 'signature'), 'an argument for a function without any');
  check (throws (@() one_output ('fx', 'fx_add_i32', [1 2], 3), 'scalar'), 'an array for a scalar');
  check (throws (@() one_output ('fx', 'fx_add_i32', [], 3), 'scalar'), '[] for a scalar');
  check (throws (@() one_output ('fx', 'fx_add_i32', {1}, 3), 'scalar'), 'a cell for a scalar');
  check (throws (@() one_output ('fx', 'fx_add_i32', struct ('a', 1), 3), 'scalar'), 'a struct for a scalar');
  check (throws (@() one_output ('fx', 'fx_add_i32', 1 + 2i, 3), 'real'), 'a complex scalar');
  check (throws (@() one_output ('fx', 'fx_add_i32', @sin, 3), ''), 'a function handle for a scalar');
  check (throws (@() one_output ('fx', 'fx_sum', {1, 2}, 2, 0), 'numeric'), 'a cell for a double*');
  check (throws (@() one_output ('fx', 'fx_sum', [1 2i], 2, 0), 'real'), 'a complex array for a double*');
  check (throws (@() one_output ('fx', 'fx_sum', struct ('x', 1), 1, 0), 'numeric'), 'a struct for a double*');
  check (throws (@() one_output ('fx', 'fx_sum', sparse ([1 2]), 2, 0), 'sparse'), 'a sparse array for a double*');
  check (one_output ('fx', 'fx_sum', libpointer (), 1, 0) == -1, 'a NULL voidPtr lib.pointer for a double* passes NULL');
  check (throws (@() one_output ('fx', 'fx_sum', struct ('Address', uint64 (1), 'DataType', 'doublePtr'), 1, 0), 'numeric'), ...
         'a struct with the fields of a lib.pointer is no pointer');
  check (throws (@() one_output ('fx', 'fx_not', NaN), 'NaN'), 'NaN for a bool');
  check (throws (@() calllib ('no_such_lib', 'f'), 'Library was not found'), 'an unknown library');
  check (throws (@() calllib ('fx'), ''), 'calllib without a function name');
  check (throws (@() deal_outputs (3, 'fx', 'fx_add_i32', 1, 2), 'output'), 'more outputs than the function gives');
  check (throws (@() loadlibrary ('/no/such/lib.so', 'x.h'), 'no library'), 'loadlibrary of a missing library');
  check (throws (@() libpointer ('notAType'), 'unsupported'), 'libpointer of an unknown type');
  check (throws (@() libpointer ('doublePtr', {1}), 'numeric'), 'libpointer of a cell');
  check (throws (@() lrp_ffi ('bogus'), 'unknown operation'), 'the oct-file refuses unknown operations');
  check (calllib ('fx', 'fx_add_i32', 40, 2) == 42, 'the library still works after all those errors');
end

function t_unload (so, h)
  unloadlibrary ('fx');
  check (! libisloaded ('fx'), 'unloadlibrary');
  check (throws (@() calllib ('fx', 'fx_add_i32', 1, 2), 'not'), 'calllib after unloadlibrary is an error');
  check (throws (@() unloadlibrary ('fx'), 'not'), 'unloading twice is an error');
  check (throws (@() libfunctions ('fx'), 'not'), 'libfunctions of an unloaded library is an error');
  loadlibrary (so, h, 'alias', 'fx');
  check (calllib ('fx', 'fx_add_i32', 1, 2) == 3, 'loadlibrary again after unloadlibrary');
end

function t_lrp_smoke (so, h, golden, header)
  % liblrp.so through include/lrp.h (H, a file name) or the prototype file (H, a
  % function handle): it loads, a network reads, forward matches the golden output with
  % a column-major (MATLAB) input, errors are reported. HEADER is include/lrp.h.
  [notfound, warnings] = loadlibrary (so, h);
  if ischar (h)
    how = h;
  else
    how = ['@', func2str(h)];
  end
  check (libisloaded ('liblrp') && isempty (notfound) && isempty (warnings), ...
         ['lrp: loadlibrary of liblrp.so with ', how]);
  declared = unique (cellfun (@(c) c{1}, regexp (fileread (header), '\<(lrp_\w+)\(', 'tokens'), 'UniformOutput', false));
  check (numel (libfunctions ('liblrp')) == numel (declared), ...
         sprintf ('lrp: every function of lrp.h is callable (%d)', numel (declared)));
  ver = calllib ('liblrp', 'lrp_version');
  check (ischar (ver) && ! isempty (regexp (ver, '^\d+\.\d+\.\d+', 'once')), ['lrp: lrp_version ', ver]);
  live = calllib ('liblrp', 'lrp_live_networks');

  net = calllib ('liblrp', 'lrp_network_read', fullfile (golden, 'lenet5.txt'));
  check (isa (net, 'lib.pointer') && strcmp (net.DataType, 'LrpNetworkPtr') && ! isNull (net), ...
         'lrp: lrp_network_read gives an LrpNetworkPtr');
  [st, ~, nl] = calllib ('liblrp', 'lrp_network_num_layers', net, 0);
  check (st == 0 && nl > 0, sprintf ('lrp: %d layers', nl));

  x = read_npy (fullfile (golden, 'lenet5_input.npy'), 1);
  d = [size(x), ones(1, 4)](1:4);
  [st, ~, o0, o1, ~, ~, orank] = calllib ('liblrp', 'lrp_network_output_shape', net, 4, ...
                                          d(1), d(2), d(3), d(4), 0, 0, 0, 0, 0);
  check (st == 0 && orank == 2 && o0 == d(1), 'lrp: lrp_network_output_shape');
  [o0, o1] = deal (double (o0), double (o1));
  [st, ~, xo, y] = calllib ('liblrp', 'lrp_network_forward', net, x, numel (x), 4, ...
                            d(1), d(2), d(3), d(4), 1, 0, zeros (o0, o1), o0 * o1);
  check (st == 0 && isequal (size (y), [o0, o1]) && isequal (xo, x), 'lrp: lrp_network_forward, column-major');
  rowmajor = read_npy (fullfile (golden, 'lenet5_forward.npy'), 0);     % C order
  expected = reshape (rowmajor, o1, o0)';
  err = max (abs (y(:) - expected(:)) ./ (1e-9 + 1e-6 * abs (expected(:))));
  check (err <= 1, sprintf ('lrp: forward matches the golden output (scaled error %.3g)', err));

  % The float door (const float* / float*: singlePtr): single in, single out, within
  % float rounding of the double path; then computed in f32 (LRP_DTYPE_F32 = 2).
  [st, ~, ~, ~, yd] = calllib ('liblrp', 'lrp_network_predict', net, x, uint64 (d), 4, 1, ...
                               zeros (o0, o1), o0 * o1);
  check (st == 0 && isequal (yd, y), 'lrp: lrp_network_predict equals lrp_network_forward');
  ok = true;
  for dtype = [1 2]
    ok = ok && calllib ('liblrp', 'lrp_network_set_precision', net, dtype) == 0;
    [~, ~, got] = calllib ('liblrp', 'lrp_network_precision', net, 0);
    [st, ~, xs, ~, ys] = calllib ('liblrp', 'lrp_network_predict_f32', net, single (x), ...
                                  uint64 (d), 4, 1, zeros (o0, o1, 'single'), o0 * o1);
    ok = ok && st == 0 && got == dtype && isa (ys, 'single') && isa (xs, 'single') ...
         && isequal (size (ys), [o0, o1]) && norm (double (ys(:)) - y(:)) <= 1e-5 * norm (y(:));
  end
  check (ok, 'lrp: lrp_network_predict_f32 (singlePtr) under both precisions');
  [st, ~, ~, ~] = calllib ('liblrp', 'lrp_network_forward', net, x, numel (x) - 1, 4, ...
                           d(1), d(2), d(3), d(4), 1, 0, zeros (o0, o1), o0 * o1);
  msg = calllib ('liblrp', 'lrp_last_error');
  check (st == 3 && ischar (msg) && ! isempty (msg), ['lrp: lrp_last_error after a bad length: ', msg]);
  check (strcmp (calllib ('liblrp', 'lrp_status_name', st), 'LRP_ERR_SHAPE_MISMATCH'), 'lrp: lrp_status_name');
  bad = calllib ('liblrp', 'lrp_network_read', fullfile (golden, 'no_such_model.txt'));
  check (isNull (bad) && ! isempty (strfind (calllib ('liblrp', 'lrp_last_error'), 'no_such_model')), ...
         'lrp: a failed lrp_network_read is NULL and lrp_last_error names the file');
  check (calllib ('liblrp', 'lrp_network_num_layers', [], 0) == 1, 'lrp: NULL handle -> LRP_ERR_NULL_ARGUMENT');

  [st, ~, name, param] = calllib ('liblrp', 'lrp_layer_get_lrp_parameters', net, 0, blanks (64), 64, 0);
  check (st == 0 && ischar (name) && ! isempty (name) && isscalar (param), ...
         ['lrp: a char output buffer (rule name ''', name, ''')']);

  calllib ('liblrp', 'lrp_network_free', net);
  check (calllib ('liblrp', 'lrp_live_networks') == live, 'lrp: lrp_network_free');
  unloadlibrary ('liblrp');
  check (! libisloaded ('liblrp'), 'lrp: unloadlibrary');
end

% ---- helpers ------------------------------------------------------------------------

function x = read_npy (path, layout)
  % An .npy file through liblrp itself: MATLAB-shaped (layout 1) or C order flat (0).
  [st, ~, rank] = calllib ('liblrp', 'lrp_npy_info', path, 0, 0, 0);
  if st != 0
    error ('lrp_npy_info %s: %s', path, calllib ('liblrp', 'lrp_last_error'));
  end
  d = ones (1, max (rank, 2));
  for k = 1:rank
    [~, ~, d(k)] = calllib ('liblrp', 'lrp_npy_dim', path, k - 1, 0);
  end
  if layout == 0
    d = [1, prod(d)];
  end
  [st, ~, x] = calllib ('liblrp', 'lrp_npy_read', path, zeros (d), prod (d), layout);
  if st != 0
    error ('lrp_npy_read %s: %s', path, calllib ('liblrp', 'lrp_last_error'));
  end
end

function r = one_output (varargin)
  r = calllib (varargin{:});
end

function varargout = deal_outputs (n, varargin)
  [varargout{1:n}] = calllib (varargin{:});
end

function set_value (p)
  p.Value = 1;
end

function tf = throws (f, pattern)
  % f() raises an error whose message contains pattern (case-insensitive).
  tf = false;
  try
    f ();
  catch err
    tf = isempty (pattern) || ! isempty (strfind (lower (err.message), lower (pattern)));
    if ! tf
      printf ('    (message was: %s)\n', err.message);
    end
  end
end

function check (cond, name)
  if cond
    count ('pass');
  else
    count ('fail');
    printf ('FAIL: %s\n', name);
  end
end

function [p, f] = count (op)
  persistent passed failed
  if isempty (passed) || strcmp (op, 'reset')
    [passed, failed] = deal (0, 0);
  end
  switch op
    case 'pass'
      passed++;
    case 'fail'
      failed++;
  end
  [p, f] = deal (passed, failed);
end
