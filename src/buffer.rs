//! Fallible allocation for arrays whose size a caller chose (layer sizes, image widths):
//! an absurd size becomes an error instead of an overflow panic or an out-of-memory abort
//! of the host process.

use crate::error::{LrpError, Result};

/// The number of elements of `shape`, or an error naming `what` when it overflows.
pub(crate) fn element_count(what: &str, shape: &[usize]) -> Result<usize> {
    shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .filter(|&n| n <= isize::MAX as usize / std::mem::size_of::<f64>())
        .ok_or_else(|| LrpError::param(what, format!("{shape:?} has too many elements")))
}

/// The machine's physical memory in bytes (`None` where it cannot be read).
fn physical_memory() -> Option<usize> {
    // SAFETY: sysconf only reads system configuration.
    let (pages, size) = unsafe {
        (
            libc::sysconf(libc::_SC_PHYS_PAGES),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    (pages > 0 && size > 0).then(|| (pages as usize).saturating_mul(size as usize))
}

/// A vector with room for the elements of `shape`, reserved without aborting on failure.
/// Sizes beyond the machine's physical memory are refused up front: with an allocator
/// that only reserves address space (mimalloc), the reservation would succeed and the
/// process be killed by the kernel once the elements are written.
pub(crate) fn with_capacity_for(what: &str, shape: &[usize]) -> Result<Vec<f64>> {
    let n = element_count(what, shape)?;
    let bytes = n * std::mem::size_of::<f64>();
    if let Some(memory) = physical_memory().filter(|&m| bytes > m) {
        return Err(LrpError::param(
            what,
            format!(
                "{shape:?} needs {} MB, more than the machine's {} MB",
                bytes >> 20,
                memory >> 20
            ),
        ));
    }
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| {
        LrpError::param(
            what,
            format!(
                "{shape:?} needs {} MB, more than can be allocated",
                n / (1 << 17)
            ),
        )
    })?;
    Ok(v)
}

/// A zero-filled vector for the elements of `shape`.
pub(crate) fn zeros(what: &str, shape: &[usize]) -> Result<Vec<f64>> {
    let mut v = with_capacity_for(what, shape)?;
    v.resize(element_count(what, shape)?, 0.0);
    Ok(v)
}
