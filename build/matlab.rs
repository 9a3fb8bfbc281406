//! The MATLAB files generated from the C header (by build.rs, right after cbindgen):
//!
//! - `bindings/matlab/lrp_proto.m`: a loadlibrary prototype file. MATLAB's
//!   `loadlibrary(lib, @lrp_proto)` takes the functions' signatures from it instead of
//!   parsing `lrp.h`, which on 64-bit MATLAB needs a supported C compiler; the Octave
//!   emulation (bindings/matlab/octave) reads the same file.
//! - `bindings/matlab/+lrp_native/constants.m`: the header's `LRP_*` integer constants
//!   (layouts, layer kinds, statuses, ...) as one struct, so that no `.m` file copies a
//!   number by hand.
//!
//! Both are derived from the header text cbindgen wrote, whose grammar our cbindgen.toml
//! keeps small (MATLAB_FFI.md): `#define NAME integer`, `typedef struct X X;` for opaque
//! handles, and function declarations over scalar, pointer and opaque-pointer types. A
//! type outside that set is a build error naming the function: the prototype file never
//! silently lacks a function of the header.

use std::fmt::Write as _;

/// The two generated files' contents.
pub struct Generated {
    /// `lrp_proto.m`.
    pub proto: String,
    /// `constants.m`.
    pub constants: String,
}

struct Decl {
    /// The declaration on one line, as the comment above the function's entry.
    c_text: String,
    name: String,
    ret: Option<String>,
    args: Vec<String>,
}

/// The header without comments, with each line's trailing blanks dropped.
fn strip_comments(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let mut rest = header;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start + 2..].find("*/") {
            Some(end) => rest = &rest[start + 2 + end + 2..],
            None => panic!("lrp.h: unterminated comment"),
        }
    }
    out.push_str(rest);
    out.lines()
        .map(|l| match l.find("//") {
            Some(i) => l[..i].trim_end(),
            None => l.trim_end(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// MATLAB's name of a C parameter or return type (`const` dropped, as MATLAB does).
/// 64-bit integers are `int64`/`uint64` rather than the `long`/`ulong` that MATLAB's own
/// parser writes on Linux: `long` is 32 bits on Windows, so these names keep the file
/// right on every 64-bit platform (the C types are `int64_t`, `uint64_t` and `size_t`).
fn matlab_type(c: &str, opaque: &[String], func: &str) -> String {
    let words: Vec<&str> = c
        .split(|ch: char| ch.is_whitespace() || ch == '*')
        .filter(|w| !w.is_empty() && *w != "const")
        .collect();
    let stars = c.matches('*').count();
    let base = words.join(" ");
    let scalar = match base.as_str() {
        "void" => "void",
        "char" => "int8",
        "int8_t" => "int8",
        "uint8_t" => "uint8",
        "int16_t" => "int16",
        "uint16_t" => "uint16",
        "int32_t" | "int" => "int32",
        "uint32_t" | "unsigned int" => "uint32",
        "int64_t" => "int64",
        "uint64_t" | "size_t" => "uint64",
        "float" => "single",
        "double" => "double",
        _ => "",
    };
    match (scalar, stars) {
        ("int8", 1) if base == "char" => "cstring".to_string(),
        ("int8", 2) if base == "char" => "stringPtrPtr".to_string(),
        ("", 1 | 2) if opaque.contains(&base) => {
            format!("{base}{}", "Ptr".repeat(stars))
        }
        ("", _) => panic!("lrp.h: {func}: type '{c}' has no MATLAB equivalent in lrp_proto.m"),
        ("void", 0) => "void".to_string(),
        (s, 0..=2) => format!("{s}{}", "Ptr".repeat(stars)),
        _ => panic!("lrp.h: {func}: '{c}' has too many levels of pointers for MATLAB"),
    }
}

/// Splits `int32_t *x` into its type `int32_t *` (the parameter name dropped).
fn param_type(param: &str) -> String {
    let p = param.trim();
    let cut = p
        .rfind(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
        .map_or(0, |i| i + 1);
    let (ty, name) = p.split_at(cut);
    // A lone type such as `void` or `size_t` has no name to drop.
    if ty.trim().is_empty() || matches!(name, "const") {
        p.to_string()
    } else {
        ty.trim().to_string()
    }
}

fn parse(header: &str) -> (Vec<(String, String)>, Vec<String>, Vec<Decl>) {
    let text = strip_comments(header);
    let mut constants = Vec::new();
    let mut opaque = Vec::new();
    let mut body = String::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some(def) = t.strip_prefix("#define ") {
            let mut it = def.split_whitespace();
            if let (Some(name), Some(value), None) = (it.next(), it.next(), it.next()) {
                let v = value.trim_start_matches('(').trim_end_matches(')');
                if name.starts_with("LRP_") && v.parse::<i64>().is_ok() {
                    constants.push((name.to_string(), v.to_string()));
                }
            }
            continue;
        }
        if t.starts_with('#') || t.starts_with("extern \"C\"") || t == "}" {
            continue;
        }
        body.push_str(t);
        body.push(' ');
    }
    let mut decls = Vec::new();
    for stmt in body.split(';') {
        let s = stmt.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.is_empty() {
            continue;
        }
        if let Some(rest) = s.strip_prefix("typedef struct ") {
            for w in rest.split(' ') {
                if !opaque.iter().any(|o| o == w) {
                    opaque.push(w.to_string());
                }
            }
            continue;
        }
        let (Some(open), true) = (s.find('('), s.ends_with(')')) else {
            panic!("lrp.h: cannot read the declaration '{s}' for lrp_proto.m");
        };
        let head = s[..open].trim_end();
        let cut = head
            .rfind(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
            .map_or(0, |i| i + 1);
        let name = head[cut..].to_string();
        let ret_c = head[..cut].trim();
        let params = s[open + 1..s.len() - 1].trim();
        if params.contains('(') || params.contains("...") {
            panic!("lrp.h: {name}: callbacks and varargs cannot be called from MATLAB");
        }
        let ret = matlab_type(ret_c, &opaque, &name);
        let args = if params.is_empty() || params == "void" {
            Vec::new()
        } else {
            params
                .split(',')
                .map(|p| matlab_type(&param_type(p), &opaque, &name))
                .collect()
        };
        let c_text = s.replace("( ", "(").replace(" )", ")");
        decls.push(Decl {
            c_text: format!("{c_text};"),
            name,
            ret: (ret != "void").then_some(ret),
            args,
        });
    }
    (constants, opaque, decls)
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Generates both files from the text of `lrp.h`. Panics (failing the build) on a
/// declaration it cannot express, naming it.
pub fn generate(header: &str) -> Generated {
    let (constants, opaque, decls) = parse(header);
    assert!(!decls.is_empty(), "lrp.h declares no functions");

    let mut p = String::new();
    p.push_str("function [methodinfo, structs, enuminfo, ThunkLibName] = lrp_proto()\n");
    p.push_str(
        "%LRP_PROTO  loadlibrary prototype file of liblrp (include/lrp.h).\n\
         %   loadlibrary(libfile, @lrp_proto, 'alias', 'lrp') loads the library without\n\
         %   parsing the header, which on 64-bit MATLAB needs a supported C compiler; the\n\
         %   bindings (lrp_native.lib) do so. The Octave emulation (bindings/matlab/octave)\n\
         %   reads this file as well. Each entry: name, calltype ('cdecl': the platform's C\n\
         %   calling convention, no thunk library), LHS (the return type, [] for void) and\n\
         %   RHS (the argument types), under the C declaration it comes from.\n\
         %   64-bit integers (int64_t, uint64_t, size_t) are int64 and uint64 on every\n\
         %   platform ('long' is 32 bits on Windows). The opaque handles are incomplete\n\
         %   structs (structs.LrpNetwork), used through pointers only.\n\
         %\n\
         %   Generated by build.rs (build/matlab.rs) from include/lrp.h: do not edit.\n\
         %   tests/header.rs fails when this file is stale.\n",
    );
    let _ = writeln!(p, "ival = {{cell(1, {})}};", decls.len());
    p.push_str("structs = [];\nenuminfo = [];\nfcnNum = 1;\n");
    p.push_str(
        "fcns = struct('name', ival, 'calltype', ival, 'LHS', ival, 'RHS', ival, 'alias', ival);\n",
    );
    p.push_str("ThunkLibName = [];\n");
    for d in &decls {
        let lhs = d
            .ret
            .as_ref()
            .map_or("[]".to_string(), |r| format!("'{r}'"));
        let rhs = if d.args.is_empty() {
            "[]".to_string()
        } else {
            format!("{{{}}}", quoted(&d.args))
        };
        let _ = writeln!(p, "% {}", d.c_text);
        let _ = writeln!(
            p,
            "fcns.name{{fcnNum}} = '{}'; fcns.calltype{{fcnNum}} = 'cdecl'; fcns.LHS{{fcnNum}} = {lhs}; fcns.RHS{{fcnNum}} = {rhs}; fcnNum = fcnNum + 1;",
            d.name
        );
    }
    for o in &opaque {
        let _ = writeln!(p, "structs.{o}.members = struct('');");
    }
    p.push_str("methodinfo = fcns;\nend\n");

    let mut c = String::new();
    c.push_str("function c = constants(name)\n");
    c.push_str(
        "%LRP_NATIVE.CONSTANTS  The LRP_* constants of include/lrp.h, as one struct: layouts,\n\
         %   conventions, dtypes, parameter selectors, layer kinds (LRP_LAYER_*) and statuses\n\
         %   (LRP_OK, LRP_ERR_*), e.g. k = lrp_native.constants(); k.LRP_LAYER_LINEAR.\n\
         %   constants(NAME) is the value of one, e.g. constants('LRP_LAYOUT_COL_MAJOR').\n\
         %\n\
         %   Generated by build.rs (build/matlab.rs) from include/lrp.h: do not edit.\n\
         %   tests/header.rs fails when this file is stale.\n",
    );
    c.push_str("persistent k\nif isempty(k)\n    k = struct( ...\n");
    for (i, (name, value)) in constants.iter().enumerate() {
        let sep = if i + 1 == constants.len() {
            ");"
        } else {
            ", ..."
        };
        let _ = writeln!(c, "        '{name}', {value}{sep}");
    }
    c.push_str("end\nif nargin == 0\n    c = k;\nelse\n    c = k.(name);\nend\nend\n");
    Generated {
        proto: p,
        constants: c,
    }
}
