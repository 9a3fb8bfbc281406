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
#[cfg(unix)]
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

/// Elsewhere the memory size is not asked; [`FALLBACK_MEMORY_LIMIT`] stands in for it.
#[cfg(not(unix))]
fn physical_memory() -> Option<usize> {
    None
}

/// The limit where the physical memory cannot be read: 16 GiB on 64-bit targets, the
/// address space's half on smaller ones.
const FALLBACK_MEMORY_LIMIT: usize = if usize::BITS >= 64 {
    1 << 34
} else {
    isize::MAX as usize
};

/// The largest allocation, in bytes, one call may make for an array whose size a caller or
/// a file chose: the machine's physical memory (or [`FALLBACK_MEMORY_LIMIT`]).
pub(crate) fn memory_limit() -> usize {
    physical_memory().unwrap_or(FALLBACK_MEMORY_LIMIT)
}

/// Fails when the f64 elements of `shape` need more than [`memory_limit`] bytes. With an
/// allocator that only reserves address space (mimalloc), such a reservation would
/// succeed and the process be killed by the kernel once the elements are written.
pub(crate) fn check_memory(what: &str, shape: &[usize]) -> Result<()> {
    let n = element_count(what, shape)?;
    let bytes = n * std::mem::size_of::<f64>();
    let memory = memory_limit();
    if bytes > memory {
        return Err(LrpError::param(
            what,
            format!(
                "{shape:?} needs {} MB, more than the machine's {} MB",
                bytes >> 20,
                memory >> 20
            ),
        ));
    }
    Ok(())
}

/// A vector with room for the elements of `shape`, reserved without aborting on failure;
/// sizes beyond [`memory_limit`] are refused up front ([`check_memory`]).
pub(crate) fn with_capacity_for(what: &str, shape: &[usize]) -> Result<Vec<f64>> {
    check_memory(what, shape)?;
    let n = element_count(what, shape)?;
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
