//! Status codes, the thread-local last-error message, and the guard every export runs in:
//! it catches panics, maps errors to codes, and records the message.

use crate::error::LrpError;
use std::cell::RefCell;
use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Success.
pub const LRP_OK: i32 = 0;
/// A required pointer argument was NULL.
pub const LRP_ERR_NULL_ARGUMENT: i32 = 1;
/// An argument is out of its range (a size of 0, a bad layout flag, an index past the
/// last layer, a parameter a rule does not accept, invalid UTF-8 in a string).
pub const LRP_ERR_INVALID_ARGUMENT: i32 = 2;
/// A buffer length or an array shape does not fit; the message names expected and given.
pub const LRP_ERR_SHAPE_MISMATCH: i32 = 3;
/// A rule, composite or gradient method name is unknown.
pub const LRP_ERR_UNKNOWN_RULE: i32 = 4;
/// A file does not follow its format; the message names file and line.
pub const LRP_ERR_PARSE: i32 = 5;
/// Reading or writing a file failed; the message names the file.
pub const LRP_ERR_IO: i32 = 6;
/// A call needs an earlier one first (lrp or backward before forward, update before
/// backward).
pub const LRP_ERR_OUT_OF_ORDER: i32 = 7;
/// An input holds NaN or an infinity; the message gives the first index.
pub const LRP_ERR_NON_FINITE: i32 = 8;
/// The library panicked (a bug): the call had no effect on its outputs.
pub const LRP_ERR_PANIC: i32 = 9;

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
    static LAST_STATUS: std::cell::Cell<i32> = const { std::cell::Cell::new(LRP_OK) };
}

/// A failure on its way to the C caller: a status code and its message.
#[derive(Debug)]
pub(crate) struct Failure {
    pub code: i32,
    pub message: String,
}

impl Failure {
    pub(crate) fn new(code: i32, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }

    /// A NULL pointer where `what` was required.
    pub(crate) fn null(what: &str) -> Failure {
        Failure::new(LRP_ERR_NULL_ARGUMENT, format!("{what} is NULL"))
    }

    /// An argument out of range.
    pub(crate) fn invalid(message: impl Into<String>) -> Failure {
        Failure::new(LRP_ERR_INVALID_ARGUMENT, message)
    }
}

impl From<LrpError> for Failure {
    fn from(e: LrpError) -> Failure {
        let code = match &e {
            LrpError::ShapeMismatch { .. } => LRP_ERR_SHAPE_MISMATCH,
            LrpError::UnknownRule { .. }
            | LrpError::UnknownComposite { .. }
            | LrpError::UnknownMethod { .. } => LRP_ERR_UNKNOWN_RULE,
            LrpError::BadParameter { .. } => LRP_ERR_INVALID_ARGUMENT,
            LrpError::Io { .. } => LRP_ERR_IO,
            LrpError::Parse { .. } | LrpError::Onnx { .. } => LRP_ERR_PARSE,
            LrpError::OutOfOrder { .. } => LRP_ERR_OUT_OF_ORDER,
            LrpError::NonFinite { .. } => LRP_ERR_NON_FINITE,
        };
        Failure::new(code, e.to_string())
    }
}

/// What an export's body returns.
pub(crate) type FfiResult<T> = Result<T, Failure>;

fn record(function: &str, failure: &Failure) {
    let text = format!("{function}: {}", failure.message).replace('\0', " ");
    LAST_ERROR.with(|e| *e.borrow_mut() = CString::new(text).expect("NULs replaced"));
    LAST_STATUS.with(|s| s.set(failure.code));
}

fn panic_failure(payload: Box<dyn std::any::Any + Send>) -> Failure {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    Failure::new(
        LRP_ERR_PANIC,
        format!("internal error (please report): {what}"),
    )
}

/// Runs an export's body that returns a status: LRP_OK on success; on failure or panic
/// the code, with the message recorded for `lrp_last_error`.
pub(crate) fn status(function: &str, body: impl FnOnce() -> FfiResult<()>) -> i32 {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => LRP_OK,
        Ok(Err(failure)) => {
            record(function, &failure);
            failure.code
        }
        Err(payload) => {
            let failure = panic_failure(payload);
            record(function, &failure);
            failure.code
        }
    }
}

/// Runs an export's body that returns a value: the value on success, `fallback` (NULL,
/// 0, ...) on failure or panic, with the message recorded.
pub(crate) fn value<T>(function: &str, fallback: T, body: impl FnOnce() -> FfiResult<T>) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(v)) => v,
        Ok(Err(failure)) => {
            record(function, &failure);
            fallback
        }
        Err(payload) => {
            record(function, &panic_failure(payload));
            fallback
        }
    }
}

/// The calling thread's message for its last failed call, or "" if none failed yet.
/// Owned by the library: valid until the same thread's next failing call. Never NULL.
/// Thread-safe (each thread has its own message).
#[no_mangle]
pub extern "C" fn lrp_last_error() -> *const c_char {
    // Reading a thread-local cannot panic here; the pointer outlives this call because the
    // CString is only replaced by a later failure on this thread.
    LAST_ERROR.with(|e| e.borrow().as_ptr())
}

/// The status code of the calling thread's last failed call (LRP_OK if none failed yet):
/// the code behind a NULL from `lrp_network_read`, `lrp_network_new`, `lrp_network_clone`
/// or `lrp_train_options_new`, which return no status. Changes with the same thread's next
/// failing call, like `lrp_last_error`. Thread-safe.
#[no_mangle]
pub extern "C" fn lrp_last_status() -> i32 {
    LAST_STATUS.with(|s| s.get())
}

/// A short constant name for a status code ("LRP_OK", "LRP_ERR_PARSE", ...), or
/// "LRP_ERR_UNKNOWN_STATUS". Static storage; never NULL. Thread-safe.
#[no_mangle]
pub extern "C" fn lrp_status_name(status: i32) -> *const c_char {
    let name: &'static [u8] = match status {
        LRP_OK => b"LRP_OK\0",
        LRP_ERR_NULL_ARGUMENT => b"LRP_ERR_NULL_ARGUMENT\0",
        LRP_ERR_INVALID_ARGUMENT => b"LRP_ERR_INVALID_ARGUMENT\0",
        LRP_ERR_SHAPE_MISMATCH => b"LRP_ERR_SHAPE_MISMATCH\0",
        LRP_ERR_UNKNOWN_RULE => b"LRP_ERR_UNKNOWN_RULE\0",
        LRP_ERR_PARSE => b"LRP_ERR_PARSE\0",
        LRP_ERR_IO => b"LRP_ERR_IO\0",
        LRP_ERR_OUT_OF_ORDER => b"LRP_ERR_OUT_OF_ORDER\0",
        LRP_ERR_NON_FINITE => b"LRP_ERR_NON_FINITE\0",
        LRP_ERR_PANIC => b"LRP_ERR_PANIC\0",
        _ => b"LRP_ERR_UNKNOWN_STATUS\0",
    };
    name.as_ptr().cast()
}
