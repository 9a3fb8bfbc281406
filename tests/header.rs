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
