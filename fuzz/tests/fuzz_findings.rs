//! Library issues found by fuzzing (all fixed), as tests of the behaviour the C API
//! promises: a new issue gets a test here, ignored while it is open.

use lrp::ffi::*;
use std::ffi::CStr;

fn last_error() -> String {
    // SAFETY: never NULL; copied at once.
    unsafe { CStr::from_ptr(lrp_last_error()) }
        .to_string_lossy()
        .into_owned()
}

/// Found by the c_api target: a diverging update (or training step) leaves W = -inf,
/// lrp_network_write returns LRP_OK and writes "-inf", and lrp_network_read of that file
/// fails with LRP_ERR_PARSE ("expected a finite number, found -inf"). Expected: a model
/// that lrp_network_write accepts reads back (or the write, or the update, fails with
/// LRP_ERR_NON_FINITE and changes nothing).
#[test]
fn written_nonfinite_model_reads_back() {
    let path = std::env::temp_dir().join(format!("lrp-known-issue-{}.txt", std::process::id()));
    let path_c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    unsafe {
        let net = lrp_network_new();
        let (w, b) = ([1.0f64], [0.0f64]);
        assert_eq!(
            lrp_network_add_linear(net, 1, 1, w.as_ptr(), 1, b.as_ptr(), 1, 0, 0),
            LRP_OK
        );
        let x = [1.0f64];
        let mut y = [0.0f64];
        assert_eq!(
            lrp_network_forward(net, x.as_ptr(), 1, 2, 1, 1, 1, 1, 0, 0, y.as_mut_ptr(), 1),
            LRP_OK
        );
        let dy = [1e308f64];
        let mut dx = [0.0f64];
        assert_eq!(
            lrp_network_backward(net, dy.as_ptr(), 1, 0, dx.as_mut_ptr(), 1),
            LRP_OK
        );
        let update = lrp_network_update(net, 10.0);
        let mut w_now = [0.0f64];
        assert_eq!(
            lrp_layer_get_param(net, 0, LRP_PARAM_W, w_now.as_mut_ptr(), 1, 0),
            LRP_OK
        );
        let write = lrp_network_write(net, path_c.as_ptr());
        let back = if write == LRP_OK {
            lrp_network_read(path_c.as_ptr())
        } else {
            std::ptr::null_mut()
        };
        let read_error = last_error();
        let _ = std::fs::remove_file(&path);
        lrp_network_free(back);
        lrp_network_free(net);
        assert!(
            update != LRP_OK || write != LRP_OK || !back.is_null(),
            "update -> {update} (W = {}), write -> {write}, read -> NULL: {read_error}",
            w_now[0]
        );
    }
}

/// Found by the c_api target: an input shape with a 0 dimension next to one whose product
/// exceeds isize::MAX (here N = usize::MAX, M = 0, x_len 0) passes the length check
/// (0 elements) and then panics in ndarray (`from_shape(...).expect("length checked")`,
/// src/ffi/args.rs `input`): the call returns LRP_ERR_PANIC ("internal error ... length
/// checked: ShapeError/Overflow"). Same path in lrp_network_explain, lrp_network_train and
/// lrp_train_options_set_validation. Expected: LRP_ERR_INVALID_ARGUMENT (a 0 size) or
/// LRP_ERR_SHAPE_MISMATCH, as for other shapes with a 0.
#[test]
fn zero_dim_with_huge_dim_is_an_error_not_a_panic() {
    let x = [0.0f64; 1];
    let mut y = [7.0f64; 4];
    for (rank, d) in [
        (2, [usize::MAX, 0, 1, 1]),
        (2, [0, usize::MAX, 1, 1]),
        (4, [1, 0, 1 << 40, 1 << 40]),
    ] {
        for layout in [LRP_LAYOUT_ROW_MAJOR, LRP_LAYOUT_COL_MAJOR] {
            let status = unsafe {
                let net = lrp_network_new();
                let s = lrp_network_forward(
                    net,
                    x.as_ptr(),
                    0,
                    rank,
                    d[0],
                    d[1],
                    d[2],
                    d[3],
                    layout,
                    0,
                    y.as_mut_ptr(),
                    4,
                );
                lrp_network_free(net);
                s
            };
            assert!(
                status == LRP_ERR_INVALID_ARGUMENT || status == LRP_ERR_SHAPE_MISMATCH,
                "forward with shape {:?} (rank {rank}), x_len 0 -> {status}: {}",
                &d[..rank as usize],
                last_error()
            );
            assert_eq!(y, [7.0; 4]);
        }
    }
}

/// Found by the c_api target: Flatten computes its output size with an unchecked product
/// (src/layers/flatten.rs `rest.iter().product()`). For an input shape whose feature
/// dimensions multiply past usize::MAX, lrp_network_output_shape (and the shape fitting
/// of forward, explain and train, which runs before the length check) panics with
/// "attempt to multiply with overflow" when overflow checks are on (debug builds, the
/// fuzz build): LRP_ERR_PANIC. In release builds the product wraps and
/// lrp_network_output_shape returns LRP_OK with a wrong shape (here [1, 0]). Expected:
/// LRP_ERR_INVALID_ARGUMENT or LRP_ERR_SHAPE_MISMATCH ("too many elements").
#[test]
fn flatten_shape_overflow_is_an_error() {
    let mut o = [0usize; 4];
    let mut rank = 0i32;
    let status = unsafe {
        let net = lrp_network_new();
        assert_eq!(lrp_network_add_flatten(net), LRP_OK);
        let s = lrp_network_output_shape(
            net,
            3,
            1,
            1 << 32,
            1 << 32,
            1,
            &mut o[0],
            &mut o[1],
            &mut o[2],
            &mut o[3],
            &mut rank,
        );
        lrp_network_free(net);
        s
    };
    assert!(
        status == LRP_ERR_INVALID_ARGUMENT || status == LRP_ERR_SHAPE_MISMATCH,
        "output_shape of Flatten for [1, 2^32, 2^32] -> {status} ({}), shape {:?}",
        last_error(),
        &o[..rank.clamp(0, 4) as usize]
    );
}
