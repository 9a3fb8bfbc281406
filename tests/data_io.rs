//! Data files: `.npy` round trips for every element type and order at several ranks,
//! files numpy wrote (tests/data and the golden MNIST/LeNet-5 arrays), the plain-text
//! matrix format, their errors, and the same through the C ABI.

mod common;

use lrp::data_io::{self, NpyDtype, NpyInfo, NpyOrder};
use lrp::ffi;
use lrp::LrpError;
use ndarray::{array, Array2, ArrayD, Dimension, IxDyn, ShapeBuilder};
use std::ffi::CString;
use std::path::{Path, PathBuf};

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("lrp-data-io-{}-{name}", std::process::id()))
}

fn data_file(name: &str) -> PathBuf {
    common::repo_root().join("tests/data").join(name)
}

/// An array of `shape` whose values are distinct and exact in every element type.
fn ramp(shape: &[usize], dtype: NpyDtype) -> ArrayD<f64> {
    ArrayD::from_shape_fn(IxDyn(shape), |idx| {
        let flat = idx
            .slice()
            .iter()
            .zip(shape)
            .fold(0usize, |acc, (&i, &n)| acc * n + i) as f64;
        match dtype {
            NpyDtype::U8 => flat % 256.0,
            NpyDtype::I32 | NpyDtype::I64 => flat * 7.0 - 50.0,
            NpyDtype::F32 => flat / 8.0 - 3.0,
            NpyDtype::F64 => flat / 3.0 - 1e-7 * flat * flat,
        }
    })
}

/// The raw bytes of an `.npy` file after its header.
fn payload(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..6], b"\x93NUMPY");
    let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    bytes[10 + header_len..].to_vec()
}

/// An `.npy` file (version 1) with the given header dict and payload, as numpy writes it:
/// the header padded with spaces and a newline to a multiple of 64 bytes.
fn npy_bytes(dict: &str, payload: &[u8]) -> Vec<u8> {
    let mut header = dict.as_bytes().to_vec();
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(b' ');
    }
    header.push(b'\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
    bytes.extend_from_slice(&header);
    bytes.extend_from_slice(payload);
    bytes
}

#[test]
fn npy_files_of_python_2_numpy_read_with_their_long_shapes() {
    // The numpy LRP toolbox ships data/MNIST/*.npy written by Python 2, whose headers spell
    // the shape's integers as longs: (10000L, 1L).
    let values = [1.5f64, -2.0, 0.25, 8.0, 3.0, -0.5];
    let payload: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    let path = temp_path("py2-long-shape.npy");
    std::fs::write(
        &path,
        npy_bytes(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (3L, 2L), }",
            &payload,
        ),
    )
    .unwrap();
    let info = data_io::npy_info(&path).unwrap();
    assert_eq!(info.shape, vec![3, 2]);
    let a = data_io::read_npy(&path).unwrap();
    assert_eq!(a.shape(), &[3, 2]);
    assert_eq!(a.iter().copied().collect::<Vec<_>>(), values.to_vec());
    // a u8 vector of one long dimension, as the toolbox's labels
    let path = temp_path("py2-long-u8.npy");
    std::fs::write(
        &path,
        npy_bytes(
            "{'descr': '|u1', 'fortran_order': False, 'shape': (4L,), }",
            &[7, 2, 1, 0],
        ),
    )
    .unwrap();
    let a = data_io::read_npy(&path).unwrap();
    assert_eq!(
        a.iter().copied().collect::<Vec<_>>(),
        vec![7.0, 2.0, 1.0, 0.0]
    );
    // an L anywhere else is still an error naming the file
    let path = temp_path("py2-bad-descr.npy");
    std::fs::write(
        &path,
        npy_bytes(
            "{'descr': 'L<f8', 'fortran_order': False, 'shape': (1,), }",
            &payload[..8],
        ),
    )
    .unwrap();
    let e = data_io::read_npy(&path).unwrap_err().to_string();
    assert!(e.contains("py2-bad-descr.npy"), "{e}");
}

// ---------------------------------------------------------------------------------------
// .npy round trips
// ---------------------------------------------------------------------------------------

#[test]
fn npy_round_trips_every_dtype_and_order_at_ranks_0_to_4() {
    let shapes: [&[usize]; 6] = [&[], &[7], &[3, 5], &[2, 3, 4], &[2, 3, 4, 5], &[4, 1, 3, 1]];
    for dtype in [
        NpyDtype::F64,
        NpyDtype::F32,
        NpyDtype::U8,
        NpyDtype::I32,
        NpyDtype::I64,
    ] {
        for order in [NpyOrder::C, NpyOrder::Fortran] {
            for shape in shapes {
                let a = ramp(shape, dtype);
                let path = temp_path(&format!("rt-{dtype}-{order:?}-{}.npy", shape.len()));
                data_io::write_npy(&path, a.view(), dtype, order).unwrap();
                let info = data_io::npy_info(&path).unwrap();
                // Arrays contiguous both ways (rank <= 1) are marked C order, as numpy does.
                let both = shape.iter().filter(|&&d| d > 1).count() <= 1;
                let expected_order = if both { NpyOrder::C } else { order };
                assert_eq!(
                    info,
                    NpyInfo {
                        shape: shape.to_vec(),
                        dtype,
                        order: expected_order
                    },
                    "{dtype} {order:?} {shape:?}"
                );
                let back = data_io::read_npy(&path).unwrap();
                std::fs::remove_file(&path).unwrap();
                assert_eq!(back.shape(), shape);
                assert!(back.is_standard_layout());
                assert_eq!(back, a, "{dtype} {order:?} {shape:?}");
            }
        }
    }
}

#[test]
fn fortran_order_files_hold_the_elements_column_by_column() {
    let a = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]].into_dyn();
    let path = temp_path("fortran-bytes.npy");
    data_io::write_npy(&path, a.view(), NpyDtype::U8, NpyOrder::Fortran).unwrap();
    let header = std::fs::read(&path).unwrap();
    let text = String::from_utf8_lossy(&header);
    assert!(text.contains("'descr': '|u1'"), "{text}");
    assert!(text.contains("'fortran_order': True"), "{text}");
    assert!(text.contains("'shape': (2, 3)"), "{text}");
    assert_eq!(payload(&path), vec![1, 4, 2, 5, 3, 6]);
    data_io::write_npy(&path, a.view(), NpyDtype::U8, NpyOrder::C).unwrap();
    assert_eq!(payload(&path), vec![1, 2, 3, 4, 5, 6]);
    data_io::write_npy(&path, a.view(), NpyDtype::F32, NpyOrder::C).unwrap();
    let f32s: Vec<f32> = payload(&path)
        .chunks(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    assert_eq!(f32s, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_fortran_strided_input_is_written_with_its_logical_values() {
    // The input's own memory order must not leak into the file.
    let mut f = Array2::<f64>::zeros((3, 2).f());
    f.assign(&array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    let path = temp_path("strided.npy");
    data_io::write_npy(&path, f.view().into_dyn(), NpyDtype::F64, NpyOrder::C).unwrap();
    let back = data_io::read_npy(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(back, array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]].into_dyn());
}

#[test]
fn f32_writes_round_to_the_nearest_float() {
    let a = array![0.1, 1.0 / 3.0].into_dyn();
    let path = temp_path("f32-round.npy");
    data_io::write_npy(&path, a.view(), NpyDtype::F32, NpyOrder::C).unwrap();
    let back = data_io::read_npy(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(back[[0]], 0.1f32 as f64);
    assert_eq!(back[[1]], (1.0f64 / 3.0) as f32 as f64);
}

#[test]
fn integer_dtypes_refuse_values_they_cannot_hold_and_write_nothing() {
    let cases: [(NpyDtype, f64); 7] = [
        (NpyDtype::U8, 256.0),
        (NpyDtype::U8, -1.0),
        (NpyDtype::U8, 1.5),
        (NpyDtype::U8, f64::NAN),
        (NpyDtype::I32, 2147483648.0),
        (NpyDtype::I64, 9223372036854775808.0),
        (NpyDtype::I64, f64::INFINITY),
    ];
    for (dtype, bad) in cases {
        let a = array![[0.0, 1.0], [bad, 2.0]].into_dyn();
        let path = temp_path(&format!("bad-{dtype}.npy"));
        let _ = std::fs::remove_file(&path);
        let e = data_io::write_npy(&path, a.view(), dtype, NpyOrder::C).unwrap_err();
        match &e {
            LrpError::BadParameter { message, .. } => {
                assert!(message.contains("[1, 0]"), "{message}");
                assert!(message.contains(dtype.name()), "{message}");
            }
            other => panic!("{dtype} {bad}: expected BadParameter, got {other:?}"),
        }
        assert!(!path.exists(), "no file for a refused array");
    }
    // The extremes themselves fit.
    let a = array![-2147483648.0, 2147483647.0].into_dyn();
    let path = temp_path("i32-extremes.npy");
    data_io::write_npy(&path, a.view(), NpyDtype::I32, NpyOrder::C).unwrap();
    assert_eq!(data_io::read_npy(&path).unwrap(), a);
    std::fs::remove_file(&path).unwrap();
}

// ---------------------------------------------------------------------------------------
// Files numpy wrote
// ---------------------------------------------------------------------------------------

#[test]
fn reads_fortran_order_f64_numpy_wrote() {
    let path = data_file("f64_fortran_2x3.npy");
    let info = data_io::npy_info(&path).unwrap();
    assert_eq!(info.shape, vec![2, 3]);
    assert_eq!(info.dtype, NpyDtype::F64);
    assert_eq!(info.order, NpyOrder::Fortran);
    let a = data_io::read_npy(&path).unwrap();
    assert_eq!(a, array![[0.5, 1.5, 2.5], [3.5, 4.5, 5.5]].into_dyn());
}

#[test]
fn reads_fortran_order_f32_rank_3_numpy_wrote() {
    let path = data_file("f32_fortran_2x3x4.npy");
    let info = data_io::npy_info(&path).unwrap();
    assert_eq!(
        (info.shape.as_slice(), info.dtype, info.order),
        (&[2usize, 3, 4][..], NpyDtype::F32, NpyOrder::Fortran)
    );
    let a = data_io::read_npy(&path).unwrap();
    let expected = ArrayD::from_shape_fn(IxDyn(&[2, 3, 4]), |i| {
        ((i[0] * 12 + i[1] * 4 + i[2]) as f64 - 12.0) / 4.0
    });
    assert_eq!(a, expected);
}

#[test]
fn reads_big_endian_u8_int_and_scalar_files_numpy_wrote() {
    let be = data_io::read_npy(data_file("f64_bigendian_5.npy")).unwrap();
    assert_eq!(be, array![1.5, -2.25, 1e-300, 3e300, 0.0].into_dyn());

    let u8s = data_file("u8_c_2x1x3x2.npy");
    let info = data_io::npy_info(&u8s).unwrap();
    assert_eq!((info.dtype, info.order), (NpyDtype::U8, NpyOrder::C));
    let a = data_io::read_npy(&u8s).unwrap();
    assert_eq!(a.shape(), &[2, 1, 3, 2]);
    assert_eq!(a[[1, 0, 2, 1]], 220.0);
    assert_eq!(a[[0, 0, 1, 0]], 40.0);

    let i32s = data_io::read_npy(data_file("i32_c_3.npy")).unwrap();
    assert_eq!(i32s, array![-2147483648.0, 0.0, 2147483647.0].into_dyn());

    let i64s = data_file("i64_fortran_2x2.npy");
    assert_eq!(data_io::npy_info(&i64s).unwrap().dtype, NpyDtype::I64);
    let big = 9007199254740992.0; // 2^53
    assert_eq!(
        data_io::read_npy(&i64s).unwrap(),
        array![[-big, 1.0], [2.0, big]].into_dyn()
    );

    let scalar = data_file("f64_scalar.npy");
    assert_eq!(
        data_io::npy_info(&scalar).unwrap().shape,
        Vec::<usize>::new()
    );
    let s = data_io::read_npy(&scalar).unwrap();
    assert_eq!((s.ndim(), s.len(), s[IxDyn(&[])]), (0, 1, 3.25));
}

#[test]
fn unsupported_dtype_is_a_parse_error_naming_it() {
    let path = data_file("complex_2.npy");
    for e in [
        data_io::npy_info(&path).unwrap_err(),
        data_io::read_npy(&path).unwrap_err(),
    ] {
        match &e {
            LrpError::Parse {
                file,
                line,
                message,
            } => {
                assert!(file.contains("complex_2.npy"));
                assert_eq!(*line, 1);
                assert!(message.contains("<c16"), "{message}");
            }
            other => panic!("expected Parse, got {other:?}"),
        }
    }
}

#[test]
fn golden_lenet5_input_is_mnist_padded_to_32_by_32() {
    let (Some(lenet), Some(mnist)) = (
        common::golden_file("lenet5_input.npy"),
        common::golden_file("mnist_test_x.npy"),
    ) else {
        return;
    };
    let info = data_io::npy_info(&lenet).unwrap();
    assert_eq!(info.shape, vec![16, 32, 32, 1]);
    assert_eq!((info.dtype, info.order), (NpyDtype::F64, NpyOrder::C));
    let x = data_io::read_npy(&lenet).unwrap();
    let m = data_io::read_npy(&mnist).unwrap();
    assert_eq!(m.shape(), &[256, 784]);
    for n in 0..16 {
        for i in 0..32 {
            for j in 0..32 {
                let inside = (2..30).contains(&i) && (2..30).contains(&j);
                let expected = if inside {
                    m[[n, (i - 2) * 28 + (j - 2)]]
                } else {
                    -1.0
                };
                assert_eq!(x[[n, i, j, 0]], expected, "sample {n} pixel ({i}, {j})");
            }
        }
    }
}

#[test]
fn golden_mnist_u8_files_read_as_numpy_wrote_them() {
    let (Some(labels), Some(images), Some(scaled)) = (
        common::golden_file("mnist10k_labels_u8.npy"),
        common::golden_file("mnist10k_images_u8.npy"),
        common::golden_file("mnist_test_x.npy"),
    ) else {
        return;
    };
    let info = data_io::npy_info(&labels).unwrap();
    assert_eq!(
        info,
        NpyInfo {
            shape: vec![10000],
            dtype: NpyDtype::U8,
            order: NpyOrder::C
        }
    );
    let l = data_io::read_npy(&labels).unwrap();
    let first: Vec<f64> = l.iter().take(10).copied().collect();
    assert_eq!(
        first,
        vec![7.0, 2.0, 1.0, 0.0, 4.0, 1.0, 4.0, 9.0, 5.0, 9.0]
    );
    // The class counts of the MNIST test set.
    let mut counts = [0usize; 10];
    for &v in l.iter() {
        counts[v as usize] += 1;
    }
    assert_eq!(
        counts,
        [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    );

    let im = data_io::read_npy(&images).unwrap();
    assert_eq!(im.shape(), &[10000, 784]);
    assert_eq!(im.fold(0.0f64, |a, &b| a.max(b)), 255.0);
    // mnist_test_x.npy is the first 256 images scaled to [-1, 1].
    let x = data_io::read_npy(&scaled).unwrap();
    for n in 0..256 {
        for k in 0..784 {
            assert_eq!(x[[n, k]], im[[n, k]] / 127.5 - 1.0);
        }
    }
}

// ---------------------------------------------------------------------------------------
// npy errors
// ---------------------------------------------------------------------------------------

#[test]
fn missing_npy_is_io_and_garbage_or_truncated_npy_is_parse() {
    let missing = temp_path("missing.npy");
    for e in [
        data_io::npy_info(&missing).unwrap_err(),
        data_io::read_npy(&missing).unwrap_err(),
    ] {
        match e {
            LrpError::Io { path, .. } => assert_eq!(path, missing),
            other => panic!("expected Io, got {other:?}"),
        }
    }
    // Too short for the magic string, a wrong magic string, data cut short.
    let full = std::fs::read(data_file("f64_fortran_2x3.npy")).unwrap();
    let cases: [(&str, Vec<u8>); 3] = [
        ("tiny.npy", b"\x93NU".to_vec()),
        ("garbage.npy", b"this is not an npy file at all".to_vec()),
        ("cut.npy", full[..full.len() - 8].to_vec()),
    ];
    for (name, bytes) in cases {
        let path = temp_path(name);
        std::fs::write(&path, bytes).unwrap();
        let e = data_io::read_npy(&path).unwrap_err();
        std::fs::remove_file(&path).unwrap();
        match &e {
            LrpError::Parse { file, line, .. } => {
                assert_eq!(file, &path.display().to_string());
                assert_eq!(*line, 1);
            }
            other => panic!("{name}: expected Parse, got {other:?}"),
        }
        assert!(e.to_string().contains(name));
    }
}

#[test]
fn writing_into_a_missing_directory_is_io() {
    let path = temp_path("no-such-dir").join("a.npy");
    let a = array![1.0].into_dyn();
    match data_io::write_npy(&path, a.view(), NpyDtype::F64, NpyOrder::C).unwrap_err() {
        LrpError::Io { path: p, .. } => assert_eq!(p, path),
        other => panic!("expected Io, got {other:?}"),
    }
    let txt = temp_path("no-such-dir").join("a.txt");
    match data_io::write_txt(&txt, Array2::zeros((1, 1)).view()).unwrap_err() {
        LrpError::Io { path: p, .. } => assert_eq!(p, txt),
        other => panic!("expected Io, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Plain text
// ---------------------------------------------------------------------------------------

#[test]
fn txt_round_trips_every_double_exactly() {
    let a = array![
        [0.0, -0.0, 1.0, -2.5, 1.0 / 3.0],
        [1e-300, -1e300, 5e-324, f64::MAX, f64::MIN_POSITIVE],
        [123456789012345.67, 1e15, 1e-4, 9.99e-5, -7.0],
        [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.1,
            2.0f64.powi(60)
        ]
    ];
    let path = temp_path("round.txt");
    data_io::write_txt(&path, a.view()).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), 4);
    assert!(
        text.starts_with("0 -0 1 -2.5 0.3333333333333333\n"),
        "{text}"
    );
    assert!(text.contains("NaN Inf -Inf 0.1"), "{text}");
    let back = data_io::read_txt(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(back.dim(), (4, 5));
    for (x, y) in a.iter().zip(back.iter()) {
        assert!(
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
            "{x} read back as {y}"
        );
    }
}

#[test]
fn reads_numpy_savetxt_output() {
    let m = data_io::read_txt(data_file("savetxt_3x4.txt")).unwrap();
    let expected = array![
        [1.0, -2.5, 1.0 / 3.0, 1e-20],
        [0.0, 123456789.125, -7e10, 2f64.powi(-30)],
        [std::f64::consts::PI, -std::f64::consts::E, 1e300, -0.001]
    ];
    assert_eq!(m, expected);
}

#[test]
fn reads_matlab_ascii_comments_commas_and_blank_lines() {
    // MATLAB's `save -ascii` (8 digits, three leading spaces), a comment line, a comment
    // after values, a blank line, commas and CRLF line ends.
    let text = "% written by MATLAB\n   1.0000000e+00  -2.5000000e-01\r\n\n   3.0000000e+00   4.0000000e+00 # note\n5,6\n";
    let m = data_io::parse_txt(text, "<test>").unwrap();
    assert_eq!(m, array![[1.0, -0.25], [3.0, 4.0], [5.0, 6.0]]);
    let bom = data_io::parse_txt("\u{feff}1\t2\n", "<test>").unwrap();
    assert_eq!(bom, array![[1.0, 2.0]]);
    let empty = data_io::parse_txt("# nothing\n\n", "<test>").unwrap();
    assert_eq!(empty.dim(), (0, 0));
    let nan = data_io::parse_txt("nan -inf Inf NaN\n", "<test>").unwrap();
    assert!(nan[[0, 0]].is_nan() && nan[[0, 3]].is_nan());
    assert_eq!(
        (nan[[0, 1]], nan[[0, 2]]),
        (f64::NEG_INFINITY, f64::INFINITY)
    );
}

#[test]
fn txt_errors_name_the_file_and_line() {
    let path = temp_path("bad.txt");
    std::fs::write(&path, "# header\n1 2 3\n\n4 five 6\n").unwrap();
    let e = data_io::read_txt(&path).unwrap_err();
    match &e {
        LrpError::Parse {
            file,
            line,
            message,
        } => {
            assert_eq!(file, &path.display().to_string());
            assert_eq!(*line, 4);
            assert!(
                message.contains("'five'") && message.contains("column 2"),
                "{message}"
            );
        }
        other => panic!("expected Parse, got {other:?}"),
    }
    assert!(e.to_string().starts_with(&format!("{}:4:", path.display())));

    std::fs::write(&path, "1 2 3\n4 5 6\n7 8\n").unwrap();
    match data_io::read_txt(&path).unwrap_err() {
        LrpError::Parse { line, message, .. } => {
            assert_eq!(line, 3);
            assert!(
                message.contains("2 values") && message.contains("has 3"),
                "{message}"
            );
        }
        other => panic!("expected Parse, got {other:?}"),
    }

    std::fs::write(&path, b"1 2\n\xff\xfe 3\n").unwrap();
    match data_io::read_txt(&path).unwrap_err() {
        LrpError::Parse { line, .. } => assert_eq!(line, 2),
        other => panic!("expected Parse, got {other:?}"),
    }
    std::fs::remove_file(&path).unwrap();

    let missing = temp_path("missing.txt");
    match data_io::read_txt(&missing).unwrap_err() {
        LrpError::Io { path, .. } => assert_eq!(path, missing),
        other => panic!("expected Io, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Through the C ABI
// ---------------------------------------------------------------------------------------

fn c_path(path: &Path) -> CString {
    CString::new(path.to_str().unwrap()).unwrap()
}

#[test]
fn c_abi_reads_npy_headers_and_data_in_either_layout() {
    let path = c_path(&data_file("f32_fortran_2x3x4.npy"));
    let (mut rank, mut dtype, mut order) = (-1, -1, -1);
    let st = unsafe { ffi::lrp_npy_info(path.as_ptr(), &mut rank, &mut dtype, &mut order) };
    assert_eq!(st, ffi::LRP_OK);
    assert_eq!(
        (rank, dtype, order),
        (3, ffi::LRP_DTYPE_F32, ffi::LRP_LAYOUT_COL_MAJOR)
    );
    let mut dims = [0usize; 3];
    for (axis, d) in dims.iter_mut().enumerate() {
        assert_eq!(
            unsafe { ffi::lrp_npy_dim(path.as_ptr(), axis, d) },
            ffi::LRP_OK
        );
    }
    assert_eq!(dims, [2, 3, 4]);
    let mut d = 99usize;
    assert_eq!(
        unsafe { ffi::lrp_npy_dim(path.as_ptr(), 3, &mut d) },
        ffi::LRP_ERR_INVALID_ARGUMENT
    );
    assert_eq!(d, 99, "outputs untouched on failure");

    let value = |i: usize, j: usize, k: usize| ((i * 12 + j * 4 + k) as f64 - 12.0) / 4.0;
    let mut row = vec![0.0; 24];
    let st = unsafe {
        ffi::lrp_npy_read(
            path.as_ptr(),
            row.as_mut_ptr(),
            24,
            ffi::LRP_LAYOUT_ROW_MAJOR,
        )
    };
    assert_eq!(st, ffi::LRP_OK);
    let mut col = vec![0.0; 24];
    let st = unsafe {
        ffi::lrp_npy_read(
            path.as_ptr(),
            col.as_mut_ptr(),
            24,
            ffi::LRP_LAYOUT_COL_MAJOR,
        )
    };
    assert_eq!(st, ffi::LRP_OK);
    for i in 0..2 {
        for j in 0..3 {
            for k in 0..4 {
                assert_eq!(row[i * 12 + j * 4 + k], value(i, j, k));
                assert_eq!(col[i + 2 * j + 6 * k], value(i, j, k));
            }
        }
    }
    let mut short = vec![0.0; 23];
    let st = unsafe {
        ffi::lrp_npy_read(
            path.as_ptr(),
            short.as_mut_ptr(),
            23,
            ffi::LRP_LAYOUT_ROW_MAJOR,
        )
    };
    assert_eq!(st, ffi::LRP_ERR_SHAPE_MISMATCH);
    assert!(short.iter().all(|&v| v == 0.0));
}

#[test]
fn c_abi_writes_npy_from_a_matlab_buffer() {
    // A MATLAB 2 x 3 x 2 array in column-major memory.
    let shape = [2usize, 3, 2];
    let logical = |i: usize, j: usize, k: usize| (i * 6 + j * 2 + k) as f64;
    let mut col = [0.0; 12];
    for i in 0..2 {
        for j in 0..3 {
            for k in 0..2 {
                col[i + 2 * j + 6 * k] = logical(i, j, k);
            }
        }
    }
    for (dtype_code, dtype) in [
        (ffi::LRP_DTYPE_F64, NpyDtype::F64),
        (ffi::LRP_DTYPE_F32, NpyDtype::F32),
        (ffi::LRP_DTYPE_U8, NpyDtype::U8),
        (ffi::LRP_DTYPE_I32, NpyDtype::I32),
        (ffi::LRP_DTYPE_I64, NpyDtype::I64),
    ] {
        for (file_layout, order) in [
            (ffi::LRP_LAYOUT_ROW_MAJOR, NpyOrder::C),
            (ffi::LRP_LAYOUT_COL_MAJOR, NpyOrder::Fortran),
        ] {
            let path = temp_path(&format!("c-{dtype}-{order:?}.npy"));
            let cp = c_path(&path);
            let st = unsafe {
                ffi::lrp_npy_write(
                    cp.as_ptr(),
                    col.as_ptr(),
                    12,
                    3,
                    shape[0],
                    shape[1],
                    shape[2],
                    0,
                    0,
                    0,
                    ffi::LRP_LAYOUT_COL_MAJOR,
                    dtype_code,
                    file_layout,
                )
            };
            assert_eq!(st, ffi::LRP_OK);
            let info = data_io::npy_info(&path).unwrap();
            assert_eq!(
                (info.shape.as_slice(), info.dtype, info.order),
                (&shape[..], dtype, order)
            );
            let a = data_io::read_npy(&path).unwrap();
            std::fs::remove_file(&path).unwrap();
            for ((i, j, k), v) in a
                .into_dimensionality::<ndarray::Ix3>()
                .unwrap()
                .indexed_iter()
            {
                assert_eq!(*v, logical(i, j, k));
            }
        }
    }
    let path = c_path(&temp_path("c-bad.npy"));
    let bad = |rank: i32, dtype: i32, len: usize| unsafe {
        ffi::lrp_npy_write(
            path.as_ptr(),
            col.as_ptr(),
            len,
            rank,
            2,
            3,
            2,
            1,
            1,
            1,
            ffi::LRP_LAYOUT_ROW_MAJOR,
            dtype,
            ffi::LRP_LAYOUT_ROW_MAJOR,
        )
    };
    assert_eq!(bad(3, 0, 12), ffi::LRP_ERR_INVALID_ARGUMENT);
    assert_eq!(
        bad(7, ffi::LRP_DTYPE_F64, 12),
        ffi::LRP_ERR_INVALID_ARGUMENT
    );
    assert_eq!(bad(3, ffi::LRP_DTYPE_F64, 11), ffi::LRP_ERR_SHAPE_MISMATCH);
    assert_eq!(bad(6, ffi::LRP_DTYPE_F64, 12), ffi::LRP_OK);
    let info = data_io::npy_info(temp_path("c-bad.npy")).unwrap();
    assert_eq!(info.shape, vec![2, 3, 2, 1, 1, 1]);
    std::fs::remove_file(temp_path("c-bad.npy")).unwrap();
    let missing = c_path(&temp_path("c-missing.npy"));
    let (mut r, mut d, mut o) = (0, 0, 0);
    assert_eq!(
        unsafe { ffi::lrp_npy_info(missing.as_ptr(), &mut r, &mut d, &mut o) },
        ffi::LRP_ERR_IO
    );
    let garbage = c_path(&data_file("complex_2.npy"));
    assert_eq!(
        unsafe { ffi::lrp_npy_info(garbage.as_ptr(), &mut r, &mut d, &mut o) },
        ffi::LRP_ERR_PARSE
    );
}

#[test]
fn c_abi_txt_round_trip_in_both_layouts() {
    let path = temp_path("c.txt");
    let cp = c_path(&path);
    // The 2 x 3 matrix [[1, 2, 3], [4, 5, 6]] in MATLAB's order.
    let col = [1.0, 4.0, 2.0, 5.0, 3.0, 6.0];
    let st = unsafe {
        ffi::lrp_txt_write(
            cp.as_ptr(),
            col.as_ptr(),
            6,
            2,
            3,
            ffi::LRP_LAYOUT_COL_MAJOR,
        )
    };
    assert_eq!(st, ffi::LRP_OK);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "1 2 3\n4 5 6\n");
    let (mut rows, mut cols) = (0usize, 0usize);
    assert_eq!(
        unsafe { ffi::lrp_txt_shape(cp.as_ptr(), &mut rows, &mut cols) },
        ffi::LRP_OK
    );
    assert_eq!((rows, cols), (2, 3));
    let mut row = [0.0; 6];
    let st =
        unsafe { ffi::lrp_txt_read(cp.as_ptr(), row.as_mut_ptr(), 6, ffi::LRP_LAYOUT_ROW_MAJOR) };
    assert_eq!(st, ffi::LRP_OK);
    assert_eq!(row, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let mut back = [0.0; 6];
    let st =
        unsafe { ffi::lrp_txt_read(cp.as_ptr(), back.as_mut_ptr(), 6, ffi::LRP_LAYOUT_COL_MAJOR) };
    assert_eq!(st, ffi::LRP_OK);
    assert_eq!(back, col);

    std::fs::write(&path, "1 2\nx 3\n").unwrap();
    let st = unsafe { ffi::lrp_txt_shape(cp.as_ptr(), &mut rows, &mut cols) };
    assert_eq!(st, ffi::LRP_ERR_PARSE);
    let msg = unsafe { std::ffi::CStr::from_ptr(ffi::lrp_last_error()) }
        .to_str()
        .unwrap()
        .to_string();
    assert!(msg.contains(&format!("{}:2:", path.display())), "{msg}");
    std::fs::remove_file(&path).unwrap();
}
