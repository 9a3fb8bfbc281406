//! Training through the C ABI: an options handle with the toolbox's options, one call that
//! trains, and the progress log the caller reads afterwards (no callbacks cross the ABI:
//! another thread can poll the iteration count of a training under way instead).

use super::args::{self, text};
use super::compute::input_batch;
use super::network::{handle, LrpNetwork};
use super::status::{status, value, Failure, FfiResult, LRP_ERR_SHAPE_MISMATCH};
use crate::train::{self, LrateDecay, TrainOptions};
use ndarray::{ArrayD, IxDyn};
use std::ffi::c_char;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Training options: the toolbox's defaults until set (batchsize 25, iters 10000, lrate
/// 0.005, lrate_decay none, lfactor_initial 1, status 250, convergence -1, seed 0, verbose
/// 0), optionally a validation set. Create with `lrp_train_options_new`, free with
/// `lrp_train_options_free`. Not for concurrent modification.
pub struct LrpTrainOptions {
    options: TrainOptions,
    verbose: bool,
    /// Validation inputs (row-major, the shape as given) and targets (flat, row-major).
    validation: Option<(ArrayD<f64>, Vec<f64>)>,
    /// Iterations done by the training running with these options, as of its last
    /// evaluation (read by `lrp_train_options_progress` from other threads meanwhile).
    progress: AtomicUsize,
}

/// New training options with the toolbox's defaults. NULL only if memory runs out.
#[no_mangle]
pub extern "C" fn lrp_train_options_new() -> *mut LrpTrainOptions {
    value("lrp_train_options_new", std::ptr::null_mut(), || {
        Ok(Box::into_raw(Box::new(LrpTrainOptions {
            options: TrainOptions::default(),
            verbose: false,
            validation: None,
            progress: AtomicUsize::new(0),
        })))
    })
}

/// Frees training options. NULL is a no-op.
///
/// # Safety
/// `opts` must be NULL or from `lrp_train_options_new`, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn lrp_train_options_free(opts: *mut LrpTrainOptions) {
    if !opts.is_null() {
        drop(Box::from_raw(opts));
    }
}

unsafe fn options<'a>(opts: *mut LrpTrainOptions) -> FfiResult<&'a mut LrpTrainOptions> {
    opts.as_mut().ok_or_else(|| Failure::null("opts"))
}

/// A whole, non-negative number that fits `usize`.
fn count(name: &str, v: f64, min: f64) -> FfiResult<usize> {
    // Callers check finiteness first.
    if v.fract() != 0.0 || v < min || v > 1e15 {
        return Err(Failure::invalid(format!(
            "{name} must be a whole number >= {min}, given {v}"
        )));
    }
    Ok(v as usize)
}

/// Sets one numeric option by its toolbox name (case-insensitive, as MATLAB's name-value
/// pairs; otherwise exact): "batchsize" (>= 1), "iters" (>= 0), "lrate",
/// "lfactor_initial" (finite), "status" (>= 1), "convergence" (<= 0: off), "seed" (whole,
/// >= 0) or "verbose" (non-zero: print progress to stdout while training).
///
/// # Safety
/// `opts` NULL or live; `name` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn lrp_train_options_set(
    opts: *mut LrpTrainOptions,
    name: *const c_char,
    value: f64,
) -> i32 {
    status("lrp_train_options_set", || {
        let opts = options(opts)?;
        let name = text(name, "name")?;
        let o = &mut opts.options;
        if !value.is_finite() {
            return Err(Failure::invalid(format!(
                "{name} must be finite, given {value}"
            )));
        }
        match name.to_ascii_lowercase().as_str() {
            "batchsize" => o.batchsize = count(name, value, 1.0)?,
            "iters" => o.iters = count(name, value, 0.0)?,
            "lrate" => o.lrate = value,
            "lfactor_initial" => o.lfactor_initial = value,
            "status" => o.status = count(name, value, 1.0)?,
            "convergence" => o.convergence = value as i64,
            "seed" => o.seed = count(name, value, 0.0)? as u64,
            "verbose" => opts.verbose = value != 0.0,
            _ => {
                return Err(Failure::invalid(format!(
                    "unknown option '{name}' (batchsize, iters, lrate, lfactor_initial, status, convergence, seed, verbose)"
                )))
            }
        }
        Ok(())
    })
}

/// Sets the learning-rate decay: "none" (or ""), "sublinear" (factor 1 - acc^2) or
/// "linear" (1 - acc).
///
/// # Safety
/// `opts` NULL or live; `decay` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn lrp_train_options_set_lrate_decay(
    opts: *mut LrpTrainOptions,
    decay: *const c_char,
) -> i32 {
    status("lrp_train_options_set_lrate_decay", || {
        let opts = options(opts)?;
        opts.options.lrate_decay = LrateDecay::from_name(text(decay, "decay")?)?;
        Ok(())
    })
}

/// Sets a validation set (copied): inputs `xval` of shape (d0, .., d3) with `rank`
/// dimensions in `layout`, and one-hot targets `yval` (N_val x C in `layout`). Accuracy is
/// then measured on it instead of on the training data.
///
/// # Safety
/// `opts` NULL or live; `xval`/`yval` NULL or readable for their lengths.
#[no_mangle]
pub unsafe extern "C" fn lrp_train_options_set_validation(
    opts: *mut LrpTrainOptions,
    xval: *const f64,
    xval_len: usize,
    rank: i32,
    d0: usize,
    d1: usize,
    d2: usize,
    d3: usize,
    yval: *const f64,
    yval_len: usize,
    layout: i32,
) -> i32 {
    status("lrp_train_options_set_validation", || {
        let opts = options(opts)?;
        let layout = args::layout(layout)?;
        let shape = args::shape(rank, [d0, d1, d2, d3])?;
        let x = args::input(xval, xval_len, &shape, layout, "xval")?.into_owned();
        let n = shape[0];
        if n == 0 || yval_len % n != 0 {
            return Err(Failure::new(
                LRP_ERR_SHAPE_MISMATCH,
                format!("yval has {yval_len} elements, expected a multiple of N_val = {n}"),
            ));
        }
        let y = args::input(yval, yval_len, &[n, yval_len / n], layout, "yval")?;
        opts.validation = Some((x, y.iter().copied().collect()));
        Ok(())
    })
}

/// Trains the network with the toolbox's Sequential.train semantics: minibatches drawn
/// from `x` (the input batch as for `lrp_network_forward`) with one-hot targets `y` (shaped
/// like the network output for `x`, in `layout`), SGD on dY = prediction - y, accuracy every
/// `status` steps, the best parameters restored at the end. `opts` NULL means the defaults.
/// Progress lines go to stdout when verbose and are kept for `lrp_network_train_log`. On
/// failure the parameters are as before the call. Takes the handle exclusively.
///
/// # Safety
/// `net` NULL or live; `x`/`y` NULL or readable for their lengths; `opts` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_train(
    net: *mut LrpNetwork,
    x: *const f64,
    x_len: usize,
    rank: i32,
    d0: usize,
    d1: usize,
    d2: usize,
    d3: usize,
    y: *const f64,
    y_len: usize,
    layout: i32,
    opts: *const LrpTrainOptions,
) -> i32 {
    status("lrp_network_train", || {
        let layout = args::layout(layout)?;
        let handle = handle(net)?;
        let defaults = LrpTrainOptions {
            options: TrainOptions::default(),
            verbose: false,
            validation: None,
            progress: AtomicUsize::new(0),
        };
        let opts = opts.as_ref().unwrap_or(&defaults);
        opts.progress.store(0, Ordering::Relaxed);
        let mut net = handle.write();
        let x = input_batch(&net, x, x_len, rank, [d0, d1, d2, d3], layout, "x")?;
        let y_shape = net.output_shape(x.shape())?;
        let y = args::input(y, y_len, &y_shape, layout, "y")?;
        let validation = match &opts.validation {
            Some((xv, yv)) => {
                let shape = args::fit_input_shape(&net, xv.shape().to_vec());
                // Only singleton dimensions change: the reshape cannot fail.
                let xv = xv
                    .to_shape(IxDyn(&shape))
                    .expect("same elements")
                    .into_owned();
                let yv_shape = net.output_shape(xv.shape())?;
                if yv.len() != yv_shape.iter().product::<usize>() {
                    return Err(Failure::new(
                        LRP_ERR_SHAPE_MISMATCH,
                        format!("yval has {} elements, expected {:?}", yv.len(), yv_shape),
                    ));
                }
                Some((
                    xv,
                    ArrayD::from_shape_vec(IxDyn(&yv_shape), yv.clone()).expect("length checked"),
                ))
            }
            None => None,
        };
        let mut log = String::new();
        let verbose = opts.verbose;
        let result = train::train(
            &mut net,
            x.view(),
            y.view(),
            validation.as_ref().map(|(a, b)| (a.view(), b.view())),
            &opts.options,
            None,
            &mut |event| {
                if let train::TrainEvent::Evaluated { iteration, .. } = event {
                    opts.progress.store(*iteration, Ordering::Relaxed);
                }
                let line = event.to_string();
                if verbose {
                    println!("{line}");
                }
                log.push_str(&line);
                log.push('\n');
            },
        );
        *handle.train_log.lock().unwrap_or_else(|e| e.into_inner()) = log;
        let report = result?;
        opts.progress.store(report.iterations, Ordering::Relaxed);
        Ok(())
    })
}

/// Writes to `*iterations` how many iterations the `lrp_network_train` call running (or
/// last run) with `opts` has done: updated at each evaluation (every `status` iterations)
/// and set to the final count when the call returns successfully; 0 before any training.
/// Meant for another thread to show progress while a training runs: it reads one atomic
/// counter, concurrently with the training that uses `opts`.
///
/// # Safety
/// `opts` NULL or live; `iterations` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_train_options_progress(
    opts: *const LrpTrainOptions,
    iterations: *mut usize,
) -> i32 {
    status("lrp_train_options_progress", || {
        let opts = opts.as_ref().ok_or_else(|| Failure::null("opts"))?;
        *args::out(iterations, "iterations")? = opts.progress.load(Ordering::Relaxed);
        Ok(())
    })
}

/// Writes the size in bytes (including the final NUL) of the last training's progress log.
///
/// # Safety
/// `net` NULL or live; `len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_train_log_len(net: *const LrpNetwork, len: *mut usize) -> i32 {
    status("lrp_network_train_log_len", || {
        let n = handle(net)?
            .train_log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
            + 1;
        *args::out(len, "len")? = n;
        Ok(())
    })
}

/// Copies the last training's progress log (toolbox-style lines, each ending in a newline)
/// into `buf` as a NUL-terminated string; `buf_len` must be at least
/// `lrp_network_train_log_len`.
///
/// # Safety
/// `net` NULL or live; `buf` NULL or writable for `buf_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_train_log(
    net: *const LrpNetwork,
    buf: *mut c_char,
    buf_len: usize,
) -> i32 {
    status("lrp_network_train_log", || {
        let handle = handle(net)?;
        let log = handle.train_log.lock().unwrap_or_else(|e| e.into_inner());
        if buf.is_null() {
            return Err(Failure::null("buf"));
        }
        if buf_len < log.len() + 1 {
            return Err(Failure::new(
                LRP_ERR_SHAPE_MISMATCH,
                format!(
                    "buf has {buf_len} bytes, expected at least {}",
                    log.len() + 1
                ),
            ));
        }
        let target = std::slice::from_raw_parts_mut(buf.cast::<u8>(), log.len() + 1);
        target[..log.len()].copy_from_slice(log.as_bytes());
        target[log.len()] = 0;
        Ok(())
    })
}
