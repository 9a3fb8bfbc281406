// lrp_ffi: the native half of the Octave emulation of MATLAB's loadlibrary/calllib
// interface (the m-files beside this file are the other half; see README.md).
//
// calllib itself is a function of this oct-file (PKG_ADD autoloads it): it reads and
// updates lib.pointer arguments (their Address, DataType, Dims, Bytes), makes the
// lib.pointer objects of returned pointers and gives the output list, with no m-code.
//
// lrp_ffi is internal: only loadlibrary.m, unloadlibrary.m, libisloaded.m,
// libfunctions.m and +lib/pointer.m call it. Operations:
//
//   lrp_ffi ('load', alias, path, names, rets, argtypes) -> [notfound, skipped]
//       dlopen the library, resolve each prototype (names{i}, MATLAB type names
//       rets{i} and argtypes{i}, as loadlibrary.m derived them from the header)
//       and prepare its libffi call interface once.
//   lrp_ffi ('unload', alias)          dlclose and forget the library.
//   lrp_ffi ('isloaded', alias)        -> logical
//   lrp_ffi ('functions', alias)       -> [names, signatures]
//   lrp_ffi ('new', type, value)       -> [addr, count]  malloc'd copy (libpointer)
//   lrp_ffi ('value', p)               -> the Value of the lib.pointer p
//   lrp_ffi ('free', addr)
//
// Safety: every Octave value is checked and converted before the C function runs; a
// bad argument is an Octave error, never a crash. Addresses travel as uint64 scalars.
// What C does with the pointers it gets (NULL included) is the C library's business,
// as in MATLAB.

#include <octave/oct.h>
#include <octave/cdef-object.h>
#include <octave/interpreter.h>
#include <octave/ov-classdef.h>
#include <octave/oct-map.h>
#include <octave/parse.h>

#include <dlfcn.h>
#include <ffi.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

static_assert (sizeof (void *) == 8, "MATLAB's interface (and this emulation) is 64-bit");

namespace
{
  // ---- Types -------------------------------------------------------------------

  enum class Kind { Void, Scalar, NumPtr, CString, VoidPtr, Opaque, PtrPtr };

  // Element types; Char is used only for raw copies of char arrays into voidPtr.
  enum class Elem { I8, U8, I16, U16, I32, U32, I64, U64, F32, F64, Bool, Char, None };

  struct ElemInfo
  {
    const char *cls;      // Octave class (and its conversion function)
    std::size_t size;
    ffi_type *ffi;
  };

  const ElemInfo &
  info (Elem e)
  {
    static const ElemInfo table[] = {   // in the order of Elem
      {"int8", 1, &ffi_type_sint8},
      {"uint8", 1, &ffi_type_uint8},
      {"int16", 2, &ffi_type_sint16},
      {"uint16", 2, &ffi_type_uint16},
      {"int32", 4, &ffi_type_sint32},
      {"uint32", 4, &ffi_type_uint32},
      {"int64", 8, &ffi_type_sint64},
      {"uint64", 8, &ffi_type_uint64},
      {"single", 4, &ffi_type_float},
      {"double", 8, &ffi_type_double},
      // C99 bool is one byte holding 0 or 1; libffi passes it as uint8.
      {"logical", 1, &ffi_type_uint8},
      {"char", 1, &ffi_type_uint8},
      {"", 0, &ffi_type_void},
    };
    return table[static_cast<int> (e)];
  }

  struct Type
  {
    Kind kind = Kind::Void;
    Elem elem = Elem::None;   // Scalar, NumPtr
    std::string name;         // the MATLAB type name, e.g. "ulongPtr", "LrpNetworkPtr"
    bool readonly = false;    // a pointer to const data: C only reads it
  };

  bool
  scalar_elem (const std::string& s, Elem& e)
  {
    static const std::map<std::string, Elem> m = {
      {"int8", Elem::I8}, {"uint8", Elem::U8}, {"int16", Elem::I16},
      {"uint16", Elem::U16}, {"int32", Elem::I32}, {"uint32", Elem::U32},
      // 'long'/'ulong' are what loadlibrary calls int64_t/uint64_t/size_t on
      // 64-bit Linux (glibc typedefs them as long).
      {"int64", Elem::I64}, {"uint64", Elem::U64}, {"long", Elem::I64},
      {"ulong", Elem::U64}, {"single", Elem::F32}, {"double", Elem::F64},
      {"bool", Elem::Bool}};
    auto it = m.find (s);
    if (it == m.end ())
      return false;
    e = it->second;
    return true;
  }

  bool
  ends_with (const std::string& s, const std::string& suffix)
  {
    return s.size () > suffix.size ()
           && s.compare (s.size () - suffix.size (), suffix.size (), suffix) == 0;
  }

  bool
  is_identifier (const std::string& s)
  {
    if (s.empty () || ! (std::isalpha (static_cast<unsigned char> (s[0])) || s[0] == '_'))
      return false;
    for (char c : s)
      if (! (std::isalnum (static_cast<unsigned char> (c)) || c == '_'))
        return false;
    return true;
  }

  // Parses a MATLAB type name ("int32", "doublePtr", "cstring", "FooPtr", ...).
  bool
  parse_type (const std::string& s, Type& t)
  {
    t = Type ();
    t.name = s;
    if (s == "void")
      t.kind = Kind::Void;
    else if (scalar_elem (s, t.elem))
      t.kind = Kind::Scalar;
    else if (s == "cstring")
      t.kind = Kind::CString;
    else if (s == "voidPtr")
      t.kind = Kind::VoidPtr;
    else if (ends_with (s, "PtrPtr") && is_identifier (s))
      t.kind = Kind::PtrPtr;
    else if (ends_with (s, "Ptr") && is_identifier (s))
      t.kind = scalar_elem (s.substr (0, s.size () - 3), t.elem) ? Kind::NumPtr
                                                                  : Kind::Opaque;
    else
      return false;
    return true;
  }

  Type
  type_or_error (const std::string& s)
  {
    Type t;
    if (! parse_type (s, t))
      error ("lrp_ffi: unsupported type '%s'", s.c_str ());
    return t;
  }

  bool
  is_pointer (const Type& t)
  {
    return t.kind != Kind::Void && t.kind != Kind::Scalar;
  }

  ffi_type *
  ffi_of (const Type& t)
  {
    if (t.kind == Kind::Scalar)
      return info (t.elem).ffi;
    if (t.kind == Kind::Void)
      return &ffi_type_void;
    return &ffi_type_pointer;
  }

  // ---- The registry of loaded libraries ------------------------------------------

  struct Func
  {
    std::string name;
    void *addr = nullptr;
    Type ret;
    std::vector<Type> args;
    std::vector<ffi_type *> ffi_args;   // the cif points into this vector
    ffi_cif cif;
  };

  struct Library
  {
    void *handle = nullptr;
    std::string path;
    std::vector<std::string> order;                       // header order
    std::map<std::string, std::unique_ptr<Func>> funcs;   // stable addresses
  };

  // Lives as long as the oct-file, which locks itself (mlock) so that 'clear all'
  // cannot unload it and lose the handles, as MATLAB keeps libraries loaded.
  std::map<std::string, Library> libraries;

  Library&
  library (const std::string& alias)
  {
    auto it = libraries.find (alias);
    if (it == libraries.end ())
      error ("Library was not found: '%s' is not loaded (loadlibrary first)", alias.c_str ());
    return it->second;
  }

  // ---- Conversions ---------------------------------------------------------------

  std::string
  string_arg (const octave_value& v, const char *what)
  {
    if (! v.is_string ())
      error ("lrp_ffi: %s must be a char array", what);
    return v.string_value ();
  }

  void *
  to_address (const octave_value& v)
  {
    if (! v.is_uint64_type () || v.numel () != 1)
      error ("lrp_ffi: an address must be a uint64 scalar");
    return reinterpret_cast<void *> (
             static_cast<std::uintptr_t> (v.uint64_scalar_value ().value ()));
  }

  octave_value
  from_address (const void *p)
  {
    return octave_uint64 (static_cast<std::uint64_t> (reinterpret_cast<std::uintptr_t> (p)));
  }

  bool
  is_plain_array (const octave_value& v)
  {
    return (v.isnumeric () || v.islogical () || v.is_string ()) && ! v.isobject ()
           && ! v.is_classdef_object () && ! v.issparse ();
  }

  // Copies v converted to element type e into a new buffer of n elements (plus
  // `extra` zero bytes). The conversion calls the class function itself (double,
  // int32, ...), so it follows MATLAB's cast rules: round to nearest, saturate,
  // NaN -> 0 for integers; logical() refuses NaN. MATLAB wants the exact class for
  // pointer arguments; converting instead is this emulation's leniency.
  std::vector<unsigned char>
  to_buffer (const octave_value& v, Elem e, const std::string& what, std::size_t extra = 0)
  {
    if (! is_plain_array (v))
      error ("lrp_ffi: %s must be a full numeric, logical or char array, not %s%s",
             what.c_str (), v.issparse () ? "sparse " : "", v.class_name ().c_str ());
    if (v.iscomplex ())
      error ("lrp_ffi: %s must be real", what.c_str ());
    octave_value c = (v.class_name () == info (e).cls)
                     ? v : octave::feval (info (e).cls, octave_value_list (v), 1) (0);
    std::size_t n = c.numel ();
    std::size_t size = info (e).size;
    std::vector<unsigned char> buf (n * size + extra, 0);
    if (n == 0)
      return buf;
    const void *src = nullptr;
    // Keep the typed arrays alive until the copy: data() points into them.
    NDArray d; FloatNDArray f; boolNDArray b; charNDArray ch;
    int8NDArray i8; uint8NDArray u8; int16NDArray i16; uint16NDArray u16;
    int32NDArray i32; uint32NDArray u32; int64NDArray i64; uint64NDArray u64;
    switch (e)
      {
      case Elem::F64: d = c.array_value (); src = d.data (); break;
      case Elem::F32: f = c.float_array_value (); src = f.data (); break;
      case Elem::Bool: b = c.bool_array_value (); src = b.data (); break;
      case Elem::Char: ch = c.char_array_value (); src = ch.data (); break;
      // octave_int<T> holds exactly one T, so its arrays are plain T arrays.
      case Elem::I8: i8 = c.int8_array_value (); src = i8.data (); break;
      case Elem::U8: u8 = c.uint8_array_value (); src = u8.data (); break;
      case Elem::I16: i16 = c.int16_array_value (); src = i16.data (); break;
      case Elem::U16: u16 = c.uint16_array_value (); src = u16.data (); break;
      case Elem::I32: i32 = c.int32_array_value (); src = i32.data (); break;
      case Elem::U32: u32 = c.uint32_array_value (); src = u32.data (); break;
      case Elem::I64: i64 = c.int64_array_value (); src = i64.data (); break;
      case Elem::U64: u64 = c.uint64_array_value (); src = u64.data (); break;
      case Elem::None: error ("lrp_ffi: internal error: no element type");
      }
    std::memcpy (buf.data (), src, n * size);
    return buf;
  }

  template <typename A>
  octave_value
  copy_out (const void *p, const dim_vector& dv)
  {
    A a (dv);
    if (a.numel () > 0)
      std::memcpy (a.fortran_vec (), p, a.numel () * sizeof (typename A::element_type));
    return a;
  }

  // An array of element type e and shape dv, copied from p.
  octave_value
  from_buffer (const void *p, Elem e, const dim_vector& dv)
  {
    switch (e)
      {
      case Elem::F64: return copy_out<NDArray> (p, dv);
      case Elem::F32: return copy_out<FloatNDArray> (p, dv);
      case Elem::I8: return copy_out<int8NDArray> (p, dv);
      case Elem::U8: return copy_out<uint8NDArray> (p, dv);
      case Elem::I16: return copy_out<int16NDArray> (p, dv);
      case Elem::U16: return copy_out<uint16NDArray> (p, dv);
      case Elem::I32: return copy_out<int32NDArray> (p, dv);
      case Elem::U32: return copy_out<uint32NDArray> (p, dv);
      case Elem::I64: return copy_out<int64NDArray> (p, dv);
      case Elem::U64: return copy_out<uint64NDArray> (p, dv);
      case Elem::Char: return octave_value (copy_out<charNDArray> (p, dv).char_array_value (), '\'');
      case Elem::Bool:
        {
          // Any non-zero byte is true (C may write other values than 1).
          boolNDArray a (dv);
          const unsigned char *q = static_cast<const unsigned char *> (p);
          for (octave_idx_type i = 0; i < a.numel (); i++)
            a(i) = q[i] != 0;
          return a;
        }
      case Elem::None: break;
      }
    error ("lrp_ffi: internal error: no element type");
  }

  octave_value
  empty_of (Elem e, const dim_vector& dv)
  {
    return from_buffer (nullptr, e, dv);
  }

  // The element type of an Octave class, for raw copies of arrays into voidPtr
  // arguments and for the Value of a voidPtr lib.pointer made from such an array.
  Elem
  class_elem (const std::string& cls)
  {
    static const std::map<std::string, Elem> m = {
      {"double", Elem::F64}, {"single", Elem::F32}, {"int8", Elem::I8},
      {"uint8", Elem::U8}, {"int16", Elem::I16}, {"uint16", Elem::U16},
      {"int32", Elem::I32}, {"uint32", Elem::U32}, {"int64", Elem::I64},
      {"uint64", Elem::U64}, {"logical", Elem::Bool}, {"char", Elem::Char}};
    auto it = m.find (cls);
    if (it == m.end ())
      error ("lrp_ffi: cannot pass a %s as voidPtr", cls.c_str ());
    return it->second;
  }

  // A C string copied into a char row (NULL -> '').
  octave_value
  string_out (const char *s, std::size_t max_bytes)
  {
    if (! s)
      return octave_value ("");
    std::size_t n = (max_bytes == SIZE_MAX) ? std::strlen (s)
                    : static_cast<const char *> (std::memchr (s, 0, max_bytes))
                      ? std::strlen (s) : max_bytes;
    return octave_value (std::string (s, n));
  }

  // ---- lib.pointer objects ---------------------------------------------------------
  //
  // +lib/pointer.m is a handle class whose state is its properties: Address (uint64),
  // DataType, Dims (the shape of Value), Bytes (readable bytes; Inf when unknown: C's
  // memory) and ValueClass (the class of a voidPtr made from data). calllib reads and
  // updates them here, on the objects themselves, so that a call runs no m-code of the
  // class (each property access from m-code costs microseconds).

  // Whether v is one lib.pointer (arrays of them are no pointer argument).
  bool
  is_lib_pointer (const octave_value& v)
  {
    return v.is_classdef_object () && v.numel () == 1 && v.class_name () == "lib.pointer";
  }

  // The object behind a lib.pointer value: it shares the handle's state, so put()
  // changes every reference to it.
  octave::cdef_object
  pointer_object (const octave_value& v)
  {
    return v.classdef_object_value ()->get_object ();
  }

  // Where p points.
  void *
  pointer_address (const octave::cdef_object& p)
  {
    return to_address (p.get ("Address"));
  }

  // p.DataType: 'doublePtr', 'cstring', 'voidPtr', 'LrpNetworkPtr', ...
  std::string
  pointer_type (const octave::cdef_object& p)
  {
    return p.get ("DataType").string_value ();
  }

  // A lib.pointer of type `type` at a C address that owns nothing (its size unknown:
  // Value reads one element until reshape or setdatatype says more): what a function
  // returning a pointer gives, and the Value of a FooPtrPtr.
  octave_value
  new_pointer (const void *addr, const std::string& type)
  {
    octave_value p = octave::feval ("lib.pointer", ovl (type), 1)(0);
    pointer_object (p).put ("Address", from_address (addr));
    return p;
  }

  // A shape (a Dims row) as a dim_vector of at least two dimensions.
  dim_vector
  shape_of (const octave_value& v)
  {
    Array<octave_idx_type> d = v.octave_idx_type_vector_value ();
    dim_vector dv = dim_vector::alloc (std::max<octave_idx_type> (d.numel (), 2));
    dv(0) = dv(1) = 1;
    for (octave_idx_type i = 0; i < d.numel (); i++)
      {
        if (d(i) < 0)
          error ("lrp_ffi: negative dimension");
        dv(i) = d(i);
      }
    return dv;
  }

  // What reading p.Value needs from the object. calllib takes it before the call, as the
  // pointer's state cannot change during it: after the call every lookup in the object
  // would be a cache miss (the C function has just run).
  struct ValueSpec
  {
    const void *addr = nullptr;
    Type type;
    dim_vector dims;          // NumPtr, VoidPtr: the shape of Value
    double bytes = 0;         // CString: readable bytes (Inf: unknown)
    std::string value_class;  // VoidPtr: the class Value has ('' until setdatatype)
  };

  ValueSpec
  value_spec (const octave::cdef_object& p)
  {
    ValueSpec v;
    v.addr = pointer_address (p);
    v.type = type_or_error (pointer_type (p));
    if (v.type.kind == Kind::NumPtr || v.type.kind == Kind::VoidPtr)
      v.dims = shape_of (p.get ("Dims"));
    if (v.type.kind == Kind::CString)
      v.bytes = p.get ("Bytes").double_value ();
    if (v.type.kind == Kind::VoidPtr)
      v.value_class = p.get ("ValueClass").string_value ();
    return v;
  }

  // p.Value: the memory read now (so C's writes show), as the pointer's type and shape.
  octave_value
  read_value (const ValueSpec& v)
  {
    if (! v.addr)
      return Matrix ();
    const std::string& type = v.type.name;
    switch (v.type.kind)
      {
      case Kind::NumPtr:
        return from_buffer (v.addr, v.type.elem, v.dims);
      case Kind::CString:
        // Up to the NUL, and never past memory libpointer allocated.
        return string_out (static_cast<const char *> (v.addr),
                           std::isfinite (v.bytes) ? static_cast<std::size_t> (v.bytes) : SIZE_MAX);
      case Kind::VoidPtr:
        if (v.value_class.empty ())
          error ("lib.pointer: the datatype and size of the value must be defined before the value can be retrieved (setdatatype)");
        return from_buffer (v.addr, class_elem (v.value_class), v.dims);
      case Kind::PtrPtr:
        {
          void *q;
          std::memcpy (&q, v.addr, sizeof q);
          return new_pointer (q, type.substr (0, type.size () - 3));
        }
      default:
        error ("lib.pointer: the value of an opaque pointer (%s) cannot be read", type.c_str ());
      }
  }

  // ---- calllib -------------------------------------------------------------------

  union Slot
  {
    std::int8_t i8; std::uint8_t u8; std::int16_t i16; std::uint16_t u16;
    std::int32_t i32; std::uint32_t u32; std::int64_t i64; std::uint64_t u64;
    float f32; double f64; void *p;
  };

  // What happened to one argument, to build its output after the call.
  struct Arg
  {
    enum How { Value, Null, Temp, Doubles, Singles, LibPointer, ByRef } how = Value;
    std::vector<unsigned char> buf;   // Temp: the copy C sees; ByRef: the pointer slot
    NDArray doubles;                  // Doubles: the caller's array (unshared unless readonly)
    FloatNDArray singles;             // Singles: the same for single arrays
    Elem elem = Elem::None;           // Temp: element type of the output
    dim_vector dims;                  // Temp, Null: shape of the output
    octave_value ptr;                 // LibPointer, ByRef: the lib.pointer passed
    ValueSpec value;                  // LibPointer: how to read its Value
  };

  std::string
  arg_name (const Func& f, std::size_t i)
  {
    return "argument " + std::to_string (i + 1) + " (" + f.args[i].name + ") of "
           + f.name;
  }

  // The same element type (int64Ptr and longPtr are one type on 64-bit Linux).
  bool
  same_type (const Type& u, const Type& t)
  {
    if (u.kind == Kind::NumPtr && t.kind == Kind::NumPtr)
      return u.elem == t.elem;
    return u.name == t.name;
  }

  // A scalar of exactly the class of the C type, as the bindings pass them (they cast),
  // goes straight into its slot; false for anything else, which to_buffer converts.
  // v is a real plain array of one element.
  bool
  exact_scalar (const octave_value& v, Elem e, Slot& slot)
  {
    switch (e)
      {
      case Elem::F64:
        if (! v.is_double_type ())
          return false;
        slot.f64 = v.double_value ();
        return true;
      case Elem::I32:
        if (! v.is_int32_type ())
          return false;
        slot.i32 = v.int32_scalar_value ().value ();
        return true;
      case Elem::I64:
        if (! v.is_int64_type ())
          return false;
        slot.i64 = v.int64_scalar_value ().value ();
        return true;
      case Elem::U64:
        if (! v.is_uint64_type ())
          return false;
        slot.u64 = v.uint64_scalar_value ().value ();
        return true;
      default:
        return false;
      }
  }

  // Checks and converts argument i of f (the Octave value v) into its slot for the
  // call; a records what the output for it will be made from.
  void
  prepare_arg (const Func& f, std::size_t i, const octave_value& v, Slot& slot, Arg& a)
  {
    const Type& t = f.args[i];

    if (t.kind == Kind::Scalar)
      {
        if (! is_plain_array (v) || v.numel () != 1)
          error ("lrp_ffi: %s must be a real scalar", arg_name (f, i).c_str ());
        if (! v.iscomplex () && exact_scalar (v, t.elem, slot))
          return;
        std::vector<unsigned char> b = to_buffer (v, t.elem, arg_name (f, i));
        // Every member of the union starts at its first byte.
        std::memcpy (&slot, b.data (), info (t.elem).size);
        return;
      }

    if (is_lib_pointer (v))
      {
        // MATLAB accepts a lib.pointer of the argument's own type or a voidPtr, and a
        // TPtr passed for a TPtrPtr argument by reference (C may set it).
        octave::cdef_object p = pointer_object (v);
        a.how = Arg::LibPointer;
        a.ptr = v;
        a.value = value_spec (p);
        void *addr = const_cast<void *> (a.value.addr);
        const Type& pt = a.value.type;
        const std::string& ptype = pt.name;
        if (t.kind == Kind::PtrPtr && ptype + "Ptr" == t.name)
          {
            a.how = Arg::ByRef;
            a.buf.resize (sizeof (void *));
            std::memcpy (a.buf.data (), &addr, sizeof (void *));
            slot.p = a.buf.data ();
          }
        else if (same_type (pt, t) || ptype == "voidPtr" || t.kind == Kind::VoidPtr
                 || (t.kind == Kind::CString && (ptype == "int8Ptr" || ptype == "uint8Ptr")))
          slot.p = addr;
        else
          error ("lrp_ffi: %s cannot take a lib.pointer of type %s",
                 arg_name (f, i).c_str (), ptype.c_str ());
        return;
      }

    if (v.isempty () && (v.isnumeric () || v.islogical ()) && ! v.isobject ())
      {
        // [] is NULL for every pointer type (a char '' is an empty string instead).
        a.how = Arg::Null;
        a.dims = v.dims ();
        slot.p = nullptr;
        return;
      }

    switch (t.kind)
      {
      case Kind::NumPtr:
        if (t.elem == Elem::F64 && v.is_double_type () && v.isreal () && ! v.issparse ()
            && ! v.isobject ())
          {
            // The common case (double arrays for doublePtr): C works on Octave's own copy
            // of the array, which then is the output. fortran_vec() unshares it (the
            // caller's variable stays as it was); no zero fill and no copy back out, as
            // in the general path below: these arrays are the batches and relevance maps.
            a.how = Arg::Doubles;
            a.doubles = v.array_value ();
            // A pointer to const data gets the caller's own memory (C only reads it, and
            // the output is the unchanged array): no copy of the batch at all.
            if (t.readonly)
              slot.p = const_cast<double *> (a.doubles.data ());
            else
              slot.p = a.doubles.fortran_vec ();
            return;
          }
        if (t.elem == Elem::F32 && v.is_single_type () && v.isreal () && ! v.issparse ()
            && ! v.isobject ())
          {
            // The same for single arrays and singlePtr (float *): a caller holding f32
            // data (the bindings' single-precision predict and explain) has it passed
            // through as it is, without the copy in and out of the general path.
            a.how = Arg::Singles;
            a.singles = v.float_array_value ();
            if (t.readonly)
              slot.p = const_cast<float *> (a.singles.data ());
            else
              slot.p = a.singles.fortran_vec ();
            return;
          }
        a.how = Arg::Temp;
        a.elem = t.elem;
        a.dims = v.dims ();
        a.buf = to_buffer (v, t.elem, arg_name (f, i));
        slot.p = a.buf.data ();
        return;
      case Kind::CString:
        {
          if (! v.is_string ())
            error ("lrp_ffi: %s must be a char array or []", arg_name (f, i).c_str ());
          a.how = Arg::Temp;
          a.elem = Elem::Char;
          a.buf = to_buffer (v, Elem::Char, arg_name (f, i), 1);   // NUL-terminated copy
          slot.p = a.buf.data ();
          return;
        }
      case Kind::VoidPtr:
        a.how = Arg::Temp;
        a.elem = class_elem (v.class_name ());
        a.dims = v.dims ();
        a.buf = to_buffer (v, a.elem, arg_name (f, i));
        slot.p = a.buf.data ();
        return;
      case Kind::Opaque:
      case Kind::PtrPtr:
        error ("lrp_ffi: %s must be a lib.pointer of type %s or []", arg_name (f, i).c_str (),
               t.name.c_str ());
      default:
        error ("lrp_ffi: internal error: argument kind");
      }
  }

  // After the call: a lib.pointer passed by reference for a TPtrPtr takes the address C
  // wrote there (if C changed it, its size is unknown again). Done whether or not its
  // output is asked for.
  void
  update_by_ref (const Arg& a)
  {
    void *q;
    std::memcpy (&q, a.buf.data (), sizeof q);
    if (q != a.value.addr)
      {
        octave::cdef_object p = pointer_object (a.ptr);
        p.put ("Address", from_address (q));
        p.put ("Bytes", octave::numeric_limits<double>::Inf ());
        p.put ("Dims", RowVector (2, 1.0));
      }
  }

  // calllib's output for pointer argument of type t, after the call.
  octave_value
  arg_output (const Type& t, const Arg& a)
  {
    switch (a.how)
      {
      case Arg::LibPointer:
        {
          // MATLAB copies out what it knows the size of: the Value of a numeric or
          // cstring lib.pointer (as C left it); other pointers come back as themselves.
          Kind k = a.value.type.kind;
          return k == Kind::NumPtr || k == Kind::CString ? read_value (a.value) : a.ptr;
        }
      case Arg::ByRef:
        return a.ptr;
      case Arg::Null:
        if (t.kind == Kind::NumPtr)
          return empty_of (t.elem, a.dims);
        if (t.kind == Kind::CString)
          return octave_value ("");
        return Matrix ();
      case Arg::Doubles:
        return a.doubles;
      case Arg::Singles:
        return a.singles;
      case Arg::Temp:
        if (a.elem == Elem::Char && t.kind == Kind::CString)
          return string_out (reinterpret_cast<const char *> (a.buf.data ()), a.buf.size ());
        return from_buffer (a.buf.data (), a.elem, a.dims);
      case Arg::Value:
        break;
      }
    error ("lrp_ffi: internal error: output of a scalar");
  }

  // Where ffi_call puts the return value: libffi widens integral returns narrower than
  // a register to ffi_arg.
  union Ret
  {
    ffi_arg a; ffi_sarg s; double d; float f; void *p; std::int64_t i64; std::uint64_t u64;
    unsigned char pad[16];
  };

  // The return value as calllib gives it.
  octave_value
  return_output (const Type& rt, const Ret& r)
  {
    if (rt.kind == Kind::CString)
      return string_out (static_cast<const char *> (r.p), SIZE_MAX);
    if (rt.kind != Kind::Scalar)
      return new_pointer (r.p, rt.name);
    // MATLAB returns every scalar as double (documented); 64-bit values above 2^53 lose
    // precision there too.
    switch (rt.elem)
      {
      case Elem::I8: case Elem::I16: case Elem::I32: return static_cast<double> (r.s);
      case Elem::U8: case Elem::U16: case Elem::U32: return static_cast<double> (r.a);
      case Elem::I64: return static_cast<double> (r.i64);
      case Elem::U64: return static_cast<double> (r.u64);
      case Elem::F32: return static_cast<double> (r.f);
      case Elem::F64: return r.d;
      case Elem::Bool: return static_cast<double> ((r.a & 0xff) != 0);
      default: break;
      }
    error ("lrp_ffi: internal error: return type");
  }

  // calllib(alias, fname, args{first:end}) with nout outputs requested: the outputs to
  // give (at least one, if the function has any).
  octave_value_list
  call (const std::string& alias, const std::string& fname, octave_idx_type nout,
        const octave_value_list& args, int first)
  {
    Library& lib = library (alias);
    auto it = lib.funcs.find (fname);
    if (it == lib.funcs.end ())
      error ("Method was not found: library '%s' has no function '%s'", alias.c_str (),
             fname.c_str ());
    const Func& f = *it->second;
    std::size_t n = f.args.size ();
    std::size_t given = args.length () - first;
    if (given != n)
      error ("No method with matching signature: %s takes %zu argument%s, %zu given",
             fname.c_str (), n, n == 1 ? "" : "s", given);
    std::size_t total = (f.ret.kind == Kind::Void ? 0 : 1)
                        + std::count_if (f.args.begin (), f.args.end (), is_pointer);
    if (nout < 0 || static_cast<std::size_t> (nout) > total)
      error ("calllib: %s gives %zu output(s), %ld requested", fname.c_str (), total,
             static_cast<long> (nout));

    // Everything is converted before the call: an error leaves nothing half done.
    std::vector<Slot> slots (n);
    std::vector<Arg> state (n);
    std::vector<void *> avalues (n);
    for (std::size_t i = 0; i < n; i++)
      {
        slots[i].u64 = 0;
        prepare_arg (f, i, args (first + i), slots[i], state[i]);
        avalues[i] = &slots[i];
      }

    Ret r;
    std::memset (&r, 0, sizeof r);
    ffi_call (const_cast<ffi_cif *> (&f.cif), FFI_FN (f.addr), &r,
              n ? avalues.data () : nullptr);

    for (const Arg& a : state)
      if (a.how == Arg::ByRef)
        update_by_ref (a);

    // Only the outputs asked for are made (a copy of a string or buffer each).
    std::size_t give = std::min<std::size_t> (std::max<octave_idx_type> (nout, 1), total);
    octave_value_list outs (give);
    std::size_t k = 0;
    if (f.ret.kind != Kind::Void && k < give)
      outs(k++) = return_output (f.ret, r);
    for (std::size_t i = 0; i < n && k < give; i++)
      if (is_pointer (f.args[i]))
        outs(k++) = arg_output (f.args[i], state[i]);
    return outs;
  }

  // ---- Loading -------------------------------------------------------------------

  Cell
  cellstr_arg (const octave_value& v, const char *what)
  {
    if (! v.iscell ())
      error ("lrp_ffi: %s must be a cell array", what);
    Cell c = v.cell_value ();
    for (octave_idx_type i = 0; i < c.numel (); i++)
      if (! c(i).is_string ())
        error ("lrp_ffi: %s must hold char arrays", what);
    return c;
  }

  std::string
  signature (const Func& f)
  {
    std::vector<std::string> outs;
    if (f.ret.kind == Kind::CString || f.ret.kind == Kind::Scalar)
      outs.push_back (f.ret.name);
    else if (f.ret.kind != Kind::Void)
      outs.push_back ("lib.pointer");
    std::string in;
    for (std::size_t i = 0; i < f.args.size (); i++)
      {
        in += (i ? ", " : "") + f.args[i].name;
        if (is_pointer (f.args[i]))
          outs.push_back (f.args[i].name);
      }
    std::string s;
    if (outs.size () == 1)
      s = outs[0] + " ";
    else if (outs.size () > 1)
      {
        s = "[";
        for (std::size_t k = 0; k < outs.size (); k++)
          s += (k ? ", " : "") + outs[k];
        s += "] ";
      }
    return s + f.name + "(" + in + ")";
  }

  octave_value_list
  load (const octave_value_list& args)
  {
    if (args.length () != 6 && args.length () != 7)
      error ("lrp_ffi: load takes alias, path, names, rets, argtypes[, readonly]");
    std::string alias = string_arg (args (1), "the alias");
    std::string path = string_arg (args (2), "the library path");
    Cell names = cellstr_arg (args (3), "names");
    Cell rets = cellstr_arg (args (4), "rets");
    if (! args (5).iscell ())
      error ("lrp_ffi: argtypes must be a cell array");
    Cell argtypes = args (5).cell_value ();
    if (rets.numel () != names.numel () || argtypes.numel () != names.numel ())
      error ("lrp_ffi: names, rets and argtypes differ in length");
    // Which arguments point to const data (optional; absent means none).
    Cell readonly = args.length () == 7 && args (6).iscell () ? args (6).cell_value () : Cell ();
    if (readonly.numel () != 0 && readonly.numel () != names.numel ())
      error ("lrp_ffi: readonly differs in length from names");
    if (libraries.count (alias))
      error ("lrp_ffi: a library named '%s' is already loaded", alias.c_str ());

    Library lib;
    lib.path = path;
    std::vector<std::string> notfound, skipped;
    for (octave_idx_type i = 0; i < names.numel (); i++)
      {
        auto f = std::make_unique<Func> ();
        f->name = names(i).string_value ();
        bool ok = parse_type (rets(i).string_value (), f->ret);
        Cell a = cellstr_arg (argtypes(i), "argtypes{i}");
        boolNDArray ro = readonly.numel () ? readonly(i).bool_array_value () : boolNDArray ();
        for (octave_idx_type j = 0; ok && j < a.numel (); j++)
          {
            Type t;
            ok = parse_type (a(j).string_value (), t) && t.kind != Kind::Void;
            t.readonly = j < ro.numel () && ro(j);
            f->args.push_back (t);
          }
        if (! ok)
          {
            skipped.push_back (f->name);
            continue;
          }
        for (const Type& t : f->args)
          f->ffi_args.push_back (ffi_of (t));
        if (ffi_prep_cif (&f->cif, FFI_DEFAULT_ABI, f->args.size (), ffi_of (f->ret),
                          f->ffi_args.empty () ? nullptr : f->ffi_args.data ()) != FFI_OK)
          {
            skipped.push_back (f->name);
            continue;
          }
        if (lib.funcs.count (f->name))
          continue;
        lib.order.push_back (f->name);
        lib.funcs[f->name] = std::move (f);
      }

    dlerror ();
    lib.handle = dlopen (path.c_str (), RTLD_NOW | RTLD_LOCAL);
    if (! lib.handle)
      {
        const char *msg = dlerror ();
        error ("loadlibrary: cannot load '%s': %s", path.c_str (), msg ? msg : "unknown error");
      }
    for (auto k = lib.order.begin (); k != lib.order.end (); )
      {
        Func& f = *lib.funcs[*k];
        f.addr = dlsym (lib.handle, k->c_str ());
        if (f.addr)
          ++k;
        else
          {
            // MATLAB too drops header functions the library does not export.
            notfound.push_back (*k);
            lib.funcs.erase (*k);
            k = lib.order.erase (k);
          }
      }
    libraries[alias] = std::move (lib);

    auto to_cell = [] (const std::vector<std::string>& v)
    {
      Cell c (1, v.size ());
      for (std::size_t i = 0; i < v.size (); i++)
        c(i) = v[i];
      return c;
    };
    return ovl (to_cell (notfound), to_cell (skipped));
  }

  // ---- lib.pointer memory ----------------------------------------------------------

  // A malloc'd copy of value for libpointer(type, value): numeric types or 'cstring'.
  octave_value_list
  new_buffer (const octave_value_list& args)
  {
    if (args.length () != 3)
      error ("lrp_ffi: new takes type, value");
    Type t = type_or_error (string_arg (args (1), "the type"));
    std::vector<unsigned char> b;
    std::size_t count;
    if (t.kind == Kind::NumPtr)
      {
        b = to_buffer (args (2), t.elem, "the value");
        count = args (2).numel ();
      }
    else if (t.kind == Kind::CString && args (2).is_string ())
      {
        b = to_buffer (args (2), Elem::Char, "the value", 1);
        count = b.size ();
      }
    else
      error ("lrp_ffi: cannot allocate a %s from a %s", t.name.c_str (),
             args (2).class_name ().c_str ());
    void *p = std::calloc (b.size () ? b.size () : 1, 1);
    if (! p)
      error ("lrp_ffi: out of memory");
    if (! b.empty ())
      std::memcpy (p, b.data (), b.size ());
    return ovl (from_address (p), static_cast<double> (count));
  }

}

DEFMETHOD_DLD (calllib, interp, args, nargout,
               "-*- texinfo -*-\n"
               "@deftypefn {} {[@var{ret}, @var{p1}, @dots{}] =} calllib (@var{lib}, @var{fname}, @var{arg1}, @dots{})\n"
               "Octave emulation of MATLAB's calllib (see README.md): calls @var{fname} of a "
               "library loaded with loadlibrary.\n\n"
               "Outputs: the return value (none for void), then one per pointer argument in "
               "order, const ones included; fewer may be asked for. A plain array for a TPtr "
               "argument is copied (converted to the pointer's class) and its output has the "
               "input's shape; a lib.pointer is passed as itself (C writes show in its Value, "
               "and its output is that Value); [] is NULL; char arrays are passed as "
               "NUL-terminated copies for cstring. Returned pointers are lib.pointer objects.\n"
               "@end deftypefn")
{
  // This oct-file's function, not an m-file: the bindings call it for every forward and
  // LRP pass, where an m-file's call and its varargin would cost more than the
  // conversions. PKG_ADD autoloads it from lrp_ffi.oct (one registry of libraries).
  // Locked like lrp_ffi, so that 'clear all' keeps the oct-file and its libraries.
  if (! interp.mislocked ())
    interp.mlock ();
  if (args.length () < 2)
    error ("calllib: needs a library name and a function name");
  return call (string_arg (args (0), "the library name"),
               string_arg (args (1), "the function name"), nargout, args, 2);
}

DEFMETHOD_DLD (lrp_ffi, interp, args, ,
               "-*- texinfo -*-\n"
               "@deftypefn {} {} lrp_ffi (@var{op}, @dots{})\n"
               "Internal helper of the Octave emulation of MATLAB's loadlibrary and calllib "
               "(see README.md); call those instead.\n"
               "@end deftypefn")
{
  // Keep the registry of loaded libraries across 'clear all' / 'clear functions'.
  if (! interp.mislocked ())
    interp.mlock ();

  if (args.length () < 1 || ! args (0).is_string ())
    error ("lrp_ffi: the first argument must be an operation name");
  std::string op = args (0).string_value ();

  if (op == "load")
    return load (args);
  if (op == "new")
    return new_buffer (args);
  if (op == "value")
    {
      if (args.length () != 2 || ! is_lib_pointer (args (1)))
        error ("lrp_ffi: value takes a lib.pointer");
      return ovl (read_value (value_spec (pointer_object (args (1)))));
    }
  if (op == "free")
    {
      if (args.length () != 2)
        error ("lrp_ffi: free takes addr");
      std::free (to_address (args (1)));
      return ovl ();
    }
  if (op != "isloaded" && op != "unload" && op != "functions")
    error ("lrp_ffi: unknown operation '%s'", op.c_str ());
  if (args.length () != 2)
    error ("lrp_ffi: %s takes one argument", op.c_str ());
  std::string alias = string_arg (args (1), "the library name");
  if (op == "isloaded")
    return ovl (libraries.count (alias) > 0);
  if (op == "unload")
    {
      Library& lib = library (alias);
      void *h = lib.handle;
      libraries.erase (alias);
      if (h && dlclose (h) != 0)
        warning ("unloadlibrary: dlclose failed for '%s'", alias.c_str ());
      return ovl ();
    }
  if (op == "functions")
    {
      const Library& lib = library (alias);
      Cell names (lib.order.size (), 1), sigs (lib.order.size (), 1);
      for (std::size_t i = 0; i < lib.order.size (); i++)
        {
          names(i) = lib.order[i];
          sigs(i) = signature (*lib.funcs.at (lib.order[i]));
        }
      return ovl (names, sigs);
    }
  error ("lrp_ffi: unknown operation '%s'", op.c_str ());
}
