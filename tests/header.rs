//! The committed C header must be what cbindgen generates from the current C layer.

#[test]
fn committed_header_is_fresh() {
    let fresh = include_str!(concat!(env!("OUT_DIR"), "/lrp.h"));
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/lrp.h"))
        .expect("include/lrp.h is committed");
    assert!(
        committed == fresh,
        "include/lrp.h is stale: rebuild outside CI (cargo build) and commit the regenerated header"
    );
}

/// The MATLAB files build.rs generates from the header (build/matlab.rs) must be committed
/// as generated, like the header: the prototype file MATLAB loads the library through and
/// the constants the bindings use instead of numbers.
#[test]
fn committed_matlab_files_are_fresh() {
    for (generated, committed) in [
        (
            include_str!(concat!(env!("OUT_DIR"), "/lrp_proto.m")),
            "bindings/matlab/lrp_proto.m",
        ),
        (
            include_str!(concat!(env!("OUT_DIR"), "/constants.m")),
            "bindings/matlab/+lrp_native/constants.m",
        ),
    ] {
        let path = format!("{}/{committed}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(
            text == generated,
            "{committed} is stale: rebuild outside CI (cargo build) and commit the regenerated file"
        );
    }
}

/// Every function of the header has exactly one entry in the prototype file, in header
/// order, and every LRP_* integer constant is in constants.m with its value.
#[test]
fn matlab_files_cover_the_header() {
    let header = include_str!(concat!(env!("OUT_DIR"), "/lrp.h"));
    let proto = include_str!(concat!(env!("OUT_DIR"), "/lrp_proto.m"));
    let constants = include_str!(concat!(env!("OUT_DIR"), "/constants.m"));
    let declared: Vec<String> = header
        .lines()
        .filter(|l| !l.starts_with([' ', '/', '#', '*']) && l.contains("lrp_") && l.contains('('))
        .map(|l| {
            let head = &l[..l.find('(').expect("a declaration")];
            head.rsplit([' ', '*']).next().expect("a name").to_string()
        })
        .collect();
    let entries: Vec<String> = proto
        .lines()
        .filter_map(|l| l.strip_prefix("fcns.name{fcnNum} = '"))
        .map(|l| l[..l.find('\'').expect("a quoted name")].to_string())
        .collect();
    assert_eq!(entries, declared);
    assert!(proto.contains(
        "fcns.name{fcnNum} = 'lrp_network_free'; fcns.calltype{fcnNum} = 'cdecl'; \
         fcns.LHS{fcnNum} = []; fcns.RHS{fcnNum} = {'LrpNetworkPtr'};"
    ));
    assert!(proto.contains("structs.LrpNetwork.members = struct('');"));
    let mut defines = 0;
    for l in header.lines() {
        let words: Vec<&str> = l.split_whitespace().collect();
        if let ["#define", name, value] = words[..] {
            if name.starts_with("LRP_") && value.parse::<i64>().is_ok() {
                defines += 1;
                assert!(
                    constants.contains(&format!("'{name}', {value}")),
                    "{name} ({value}) is missing from constants.m"
                );
            }
        }
    }
    assert!(defines >= 25, "only {defines} constants found");
}

#[test]
fn header_declares_every_export_documented() {
    let header = include_str!(concat!(env!("OUT_DIR"), "/lrp.h"));
    let lines: Vec<&str> = header.lines().collect();
    let mut exports = 0;
    for (i, line) in lines.iter().enumerate() {
        // A declaration starts at column 0 with its return type and names an lrp_ function.
        let is_declaration =
            !line.starts_with([' ', '/', '#', '*']) && line.contains("lrp_") && line.contains('(');
        if !is_declaration {
            continue;
        }
        exports += 1;
        assert!(
            i > 0 && lines[i - 1].trim() == "*/",
            "declaration without a doc comment: {line}"
        );
    }
    assert!(exports >= 40, "only {exports} exported functions found");
}

#[path = "../build/matlab.rs"]
mod matlab;

/// The generator's type mapping on a small header of every kind of declaration it takes
/// (MATLAB's type names, 64-bit integers as int64/uint64, const dropped, opaque handles),
/// and its constants.
#[test]
fn matlab_generator_maps_c_types() {
    let header = "/* comment */\n#define LRP_X 3\n#define LRP_NEG -2\n#define OTHER 1\n\
        typedef struct Foo Foo;\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\
        void f0(void);\nconst char *f1(int32_t a, double b);\n\
        int32_t f2(const Foo *h, Foo **out, const double *x, size_t n, size_t *count);\n\
        int64_t f3(uint64_t a, char **names, void *p, float q, const int32_t *v);\n\
        #ifdef __cplusplus\n}\n#endif\n";
    let g = matlab::generate(header);
    for line in [
        "% void f0(void);",
        "fcns.name{fcnNum} = 'f0'; fcns.calltype{fcnNum} = 'cdecl'; fcns.LHS{fcnNum} = []; fcns.RHS{fcnNum} = [];",
        "fcns.LHS{fcnNum} = 'cstring'; fcns.RHS{fcnNum} = {'int32', 'double'};",
        "fcns.RHS{fcnNum} = {'FooPtr', 'FooPtrPtr', 'doublePtr', 'uint64', 'uint64Ptr'};",
        "fcns.LHS{fcnNum} = 'int64'; fcns.RHS{fcnNum} = {'uint64', 'stringPtrPtr', 'voidPtr', 'single', 'int32Ptr'};",
        "% int32_t f2(const Foo *h, Foo **out, const double *x, size_t n, size_t *count);",
        "structs.Foo.members = struct('');",
        "ival = {cell(1, 4)};",
    ] {
        assert!(g.proto.contains(line), "missing from the prototype file: {line}\n{}", g.proto);
    }
    assert!(g.constants.contains("'LRP_X', 3, ...") && g.constants.contains("'LRP_NEG', -2);"));
    assert!(!g.constants.contains("OTHER"), "only LRP_ constants");
}

/// A declaration MATLAB cannot call fails the build, naming the function.
#[test]
#[should_panic(expected = "g: callbacks and varargs cannot be called from MATLAB")]
fn matlab_generator_rejects_callbacks() {
    matlab::generate("int32_t g(void (*cb)(int32_t));\n");
}
