//! Matrix products on ndarray views, computed by `matrixmultiply`'s packed GEMM kernel, and
//! the one place that decides how a layer's pass spreads over rayon's threads.
//!
//! Every Linear product and every im2col Convolution product of forward, backward and LRP
//! goes through [`gemm`] (or [`gemm_new`], the same product into a fresh matrix). Views may
//! be transposed or strided: the kernel takes arbitrary strides, so `w.t()` costs nothing.
//!
//! Work is split in two ways. A pass over many samples runs blocks of samples as parallel
//! tasks ([`plan`]); when a pass has fewer blocks than threads (batch 1 on two cores), the
//! work inside a block spreads instead ([`Par::Split`]): its products by rows or columns of
//! C, its scatters by bands of image rows. Either split leaves every element's arithmetic
//! as it was (the kernel's sum over k does not depend on how C is cut), so results are the
//! same bits whatever the batch size or the number of threads.

use crate::element::Element;
use ndarray::{Array2, ArrayView2, ArrayViewMut2};
use rayon::prelude::*;

/// Below this many multiply-adds a product or a task runs on the calling thread: splitting
/// it would cost more in scheduling and repacking than it saves (LeNet-5's layers at batch
/// 1 ran slower split than whole).
const PARALLEL_MIN_WORK: usize = 1 << 20;

/// Whether the work inside one task spreads over the threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Par {
    /// On the calling thread: the pass already has a task per thread.
    Serial,
    /// Over every thread (products large enough to pay for it).
    Split,
}

/// How a pass over independent items (samples, rows) spreads over the threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Plan {
    /// Items per parallel task.
    pub per_task: usize,
    /// What the work inside a task does: split when there are fewer tasks than threads.
    pub inner: Par,
}

/// The plan for `items` items of `item_work` multiply-adds each, at most `max_per_task`
/// to a task (what keeps a task's working set in cache): as many tasks as threads when
/// the items allow, but none smaller than [`PARALLEL_MIN_WORK`] unless the cap says so;
/// and when even that leaves threads idle, the tasks split their own work, if it is large
/// enough to pay for waking the other threads.
pub(crate) fn plan(items: usize, max_per_task: usize, item_work: usize) -> Plan {
    let threads = rayon::current_num_threads().max(1);
    let fewest = PARALLEL_MIN_WORK.div_ceil(item_work.max(1));
    let per_task = items
        .div_ceil(threads)
        .max(fewest)
        .min(max_per_task)
        .min(items)
        .max(1);
    let tasks = items.div_ceil(per_task);
    let split = tasks < threads && per_task.saturating_mul(item_work) >= PARALLEL_MIN_WORK;
    Plan {
        per_task,
        inner: if split { Par::Split } else { Par::Serial },
    }
}

/// C = alpha A B + beta C, in f32 or f64; with [`Par::Split`] the rows or columns of C are
/// shared out over the threads when the product is large enough.
///
/// Shapes: A is m x k, B is k x n, C is m x n (checked; a mismatch is a bug in the caller,
/// since every public entry validates shapes first). When beta is 0, C's old content is
/// ignored (NaN in C does not propagate).
pub(crate) fn gemm<T: Element>(
    alpha: T,
    a: ArrayView2<T>,
    b: ArrayView2<T>,
    beta: T,
    mut c: ArrayViewMut2<T>,
    par: Par,
) {
    let (m, k) = a.dim();
    let (k2, n) = b.dim();
    assert!(
        k == k2 && c.dim() == (m, n),
        "gemm: inner or outer dimensions disagree"
    );
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        c.mapv_inplace(|v| {
            if beta == T::zero() {
                T::zero()
            } else {
                beta * v
            }
        });
        return;
    }
    let out = RawC {
        ptr: c.as_mut_ptr(),
        rs: c.strides()[0],
        cs: c.strides()[1],
    };
    // SAFETY: `out` points into the live m x n view C, borrowed mutably here; A and B are
    // live views of the checked shapes.
    unsafe { product(alpha, a, b, beta, out, par) }
}

/// A new matrix A B (see [`gemm`] for `par`). Its memory is written once, by the kernel
/// (no zero fill first): the products of LRP and backward write tens of megabytes per call.
pub(crate) fn gemm_new<T: Element>(a: ArrayView2<T>, b: ArrayView2<T>, par: Par) -> Array2<T> {
    let (m, n) = (a.nrows(), b.ncols());
    assert_eq!(a.ncols(), b.nrows(), "gemm_new: inner dimensions disagree");
    if a.ncols() == 0 || m == 0 || n == 0 {
        return Array2::zeros((m, n));
    }
    let mut c = Array2::<T>::uninit((m, n));
    let out = RawC {
        ptr: c.as_mut_ptr() as *mut T,
        rs: n as isize,
        cs: 1,
    };
    // SAFETY: c is a fresh, standard-layout m x n allocation; with beta = 0 the kernel
    // writes every element of C (each piece of a split covers its own rows or columns, and
    // together they cover C) without reading it, so after the call all of c is
    // initialised. A and B are live views of the checked shapes.
    unsafe {
        product(T::one(), a, b, T::zero(), out, par);
        c.assume_init()
    }
}

/// Where the kernel writes C: a pointer with row and column strides. Shared by the pieces
/// of a split product, each of which writes only its own rows or columns.
struct RawC<T> {
    ptr: *mut T,
    rs: isize,
    cs: isize,
}

// Not derived: the derives would ask T: Clone, where a pointer is copied whatever T.
impl<T> Clone for RawC<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for RawC<T> {}

// SAFETY: the pieces of a split product write disjoint parts of C (see `product`).
unsafe impl<T> Send for RawC<T> {}
unsafe impl<T> Sync for RawC<T> {}

impl<T> RawC<T> {
    /// The same matrix from row `i` and column `j` on.
    ///
    /// # Safety
    /// The element (i, j) must lie within the matrix.
    unsafe fn from(self, i: usize, j: usize) -> RawC<T> {
        RawC {
            ptr: self.ptr.offset(i as isize * self.rs + j as isize * self.cs),
            ..self
        }
    }
}

/// C = alpha A B + beta C with C at `out`, in pieces over the threads when `par` allows and
/// the product is large. The cut goes across the larger of C's dimensions: each piece
/// packs its own part of the operand it cuts and all of the other, so cutting the larger
/// side repacks the smaller operand only.
///
/// # Safety
/// `out` must address an m x n matrix (m, n from A and B) that nothing else reads or
/// writes during the call; k, m and n must be positive.
unsafe fn product<T: Element>(
    alpha: T,
    a: ArrayView2<T>,
    b: ArrayView2<T>,
    beta: T,
    out: RawC<T>,
    par: Par,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    let threads = rayon::current_num_threads();
    let work = m.saturating_mul(k).saturating_mul(n);
    // Pieces stay whole multiples of 8 rows or columns, the kernel's register tile.
    let split = par == Par::Split && threads > 1 && work >= PARALLEL_MIN_WORK && m.max(n) >= 16;
    if !split {
        return kernel(alpha, a, b, beta, out);
    }
    let along_rows = m >= n;
    let len = if along_rows { m } else { n };
    let piece = len.div_ceil(threads).next_multiple_of(8);
    (0..len.div_ceil(piece)).into_par_iter().for_each(|p| {
        let range = p * piece..((p + 1) * piece).min(len);
        // SAFETY (for the caller's contract): pieces cover disjoint rows (or columns) of C.
        if along_rows {
            let c = out.from(range.start, 0);
            kernel(alpha, a.slice(ndarray::s![range, ..]), b, beta, c);
        } else {
            let c = out.from(0, range.start);
            kernel(alpha, a, b.slice(ndarray::s![.., range]), beta, c);
        }
    });
}

/// matrixmultiply's sgemm or dgemm on views, C at `out`; or, for fewer rows than its
/// register tile, the same sums without packing B (see [`few_rows`]).
///
/// # Safety
/// As [`product`], for the shapes of `a` and `b`.
unsafe fn kernel<T: Element>(alpha: T, a: ArrayView2<T>, b: ArrayView2<T>, beta: T, out: RawC<T>) {
    let (m, k) = a.dim();
    let n = b.ncols();
    #[cfg(target_arch = "x86_64")]
    if m < KERNEL_ROWS
        && std::arch::is_x86_feature_detected!("fma")
        && std::arch::is_x86_feature_detected!("avx2")
    {
        return few_rows(alpha, a, b, beta, out);
    }
    T::matrixmultiply(
        m,
        k,
        n,
        alpha,
        a.as_ptr(),
        a.strides()[0],
        a.strides()[1],
        b.as_ptr(),
        b.strides()[0],
        b.strides()[1],
        beta,
        out.ptr,
        out.rs,
        out.cs,
    );
}

/// The rows of matrixmultiply's register tile (MR) and its depth block (KC) on x86-64 with
/// FMA, the same for its f32 and f64 kernels (8 x 8 and 8 x 4 tiles; its AVX-512 kernels,
/// with a 16-row f32 tile, are behind a feature we do not enable). The tests compare with
/// matrixmultiply bit for bit in both types.
const KERNEL_ROWS: usize = 8;
const KERNEL_DEPTH: usize = 256;

/// C = alpha A B + beta C for A of fewer than [`KERNEL_ROWS`] rows (a batch of one through
/// a Linear layer), reading B once in place. matrixmultiply would first copy all of B into
/// its packed layout, which for one row costs more than the product: a 4608 x 256 layer
/// went at 2 GFLOP/s.
///
/// The arithmetic is the kernel's own, so results keep their bits whatever the batch size
/// (tested against matrixmultiply): with fewer rows than its tile, every tile goes through
/// its masked path, which per block of KC = 256 steps of k sums a_p b_pj with FMA from
/// zero in order, scales by alpha, and then sets C to that (beta = 0) or to C beta plus it
/// (later blocks with beta = 1).
///
/// # Safety
/// As [`product`]; the CPU must have FMA and AVX2 (checked by the caller).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn few_rows<T: Element>(
    alpha: T,
    a: ArrayView2<T>,
    b: ArrayView2<T>,
    beta: T,
    out: RawC<T>,
) {
    /// Columns of C per pass: their sums stay in the L1 cache.
    const COLUMNS: usize = 512;
    /// Columns summed side by side when B's columns are contiguous: independent chains
    /// of FMA keep the units busy.
    const LANES: usize = 8;
    let (m, k) = a.dim();
    let n = b.ncols();
    let (rsa, csa) = (a.strides()[0], a.strides()[1]);
    let (rsb, csb) = (b.strides()[0], b.strides()[1]);
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    let mut acc = [T::zero(); COLUMNS];
    for i in 0..m {
        let a_at = |p: usize| *pa.offset(i as isize * rsa + p as isize * csa);
        for j0 in (0..n).step_by(COLUMNS) {
            let width = COLUMNS.min(n - j0);
            let acc = &mut acc[..width];
            for (block, p0) in (0..k).step_by(KERNEL_DEPTH).enumerate() {
                let depth = p0..(p0 + KERNEL_DEPTH).min(k);
                acc.fill(T::zero());
                if csb == 1 {
                    // Rows of B are contiguous: one pass per step of k over all columns.
                    for p in depth {
                        let ap = a_at(p);
                        let row = std::slice::from_raw_parts(
                            pb.offset(p as isize * rsb + j0 as isize),
                            width,
                        );
                        for (s, &bv) in acc.iter_mut().zip(row) {
                            *s = ap.mul_add(bv, *s);
                        }
                    }
                } else {
                    // Columns of B (a transposed weight matrix): LANES columns at a time.
                    for (l, lanes) in acc.chunks_mut(LANES).enumerate() {
                        let j = j0 + l * LANES;
                        let mut sums = [T::zero(); LANES];
                        for p in depth.clone() {
                            let ap = a_at(p);
                            let at = pb.offset(p as isize * rsb + j as isize * csb);
                            for (q, s) in sums.iter_mut().enumerate().take(lanes.len()) {
                                *s = ap.mul_add(*at.offset(q as isize * csb), *s);
                            }
                        }
                        lanes.copy_from_slice(&sums[..lanes.len()]);
                    }
                }
                let beta = if block == 0 { beta } else { T::one() };
                for (jj, &s) in acc.iter().enumerate() {
                    let c = out
                        .ptr
                        .offset(i as isize * out.rs + (j0 + jj) as isize * out.cs);
                    let scaled = alpha * s;
                    *c = if beta == T::zero() {
                        scaled
                    } else {
                        *c * beta + scaled
                    };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

    #[test]
    fn small_product_with_transpose_matches_hand_computation() {
        let a = array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]];
        let b = array![[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]];
        let mut c = Array2::from_elem((3, 3), f64::NAN);
        gemm(1.0, a.view(), b.view(), 0.0, c.view_mut(), Par::Serial);
        assert_eq!(
            c,
            array![[5.0, 2.0, 0.0], [11.0, 4.0, -1.0], [17.0, 6.0, -2.0]]
        );
        // (B^T A^T)^T = A B: transposed views go straight to the kernel.
        let mut ct = Array2::zeros((3, 3));
        gemm(1.0, b.t(), a.t(), 0.0, ct.view_mut(), Par::Split);
        assert_eq!(ct.t(), c);
        // beta = 1 accumulates.
        gemm(2.0, a.view(), b.view(), 1.0, c.view_mut(), Par::Serial);
        assert_eq!(c[[2, 0]], 51.0);
        assert_eq!(
            gemm_new(a.view(), b.view(), Par::Split),
            c.mapv(|v| v / 3.0)
        );
    }

    /// Values with full mantissas, so that any change in the order of the sums shows.
    fn irregular<T: Element>(rows: usize, cols: usize, seed: f64) -> Array2<T> {
        Array2::from_shape_fn((rows, cols), |(i, j)| {
            T::from_f64((seed + i as f64 * 1.37 + j as f64 * 0.71).sin() * 3.1)
        })
    }

    fn split_equals_serial<T: Element>() {
        // Tall C (cut into row pieces), wide C (cut into column pieces), each above the
        // size where splitting starts, with k above the kernel's depth block (256).
        for (m, k, n) in [(301, 300, 37), (9, 300, 515)] {
            assert!(m * k * n >= PARALLEL_MIN_WORK);
            let (a, b) = (irregular::<T>(m, k, 0.3), irregular::<T>(k, n, 1.9));
            let c0 = irregular::<T>(m, n, 2.5);
            let (mut serial, mut split) = (c0.clone(), c0.clone());
            let (half, one) = (T::from_f64(0.5), T::one());
            gemm(
                half,
                a.view(),
                b.view(),
                one,
                serial.view_mut(),
                Par::Serial,
            );
            gemm(half, a.view(), b.view(), one, split.view_mut(), Par::Split);
            assert_eq!(serial, split);
            // Transposed operands and a fresh result.
            let fresh = gemm_new(b.t(), a.t(), Par::Split);
            assert_eq!(fresh, gemm_new(b.t(), a.t(), Par::Serial));
            assert_ne!(serial, c0);
        }
    }

    #[test]
    fn split_products_equal_the_serial_product_bit_for_bit() {
        split_equals_serial::<f64>();
        split_equals_serial::<f32>();
    }

    /// matrixmultiply's sgemm or dgemm, called directly.
    type Reference<T> = unsafe fn(
        usize,
        usize,
        usize,
        T,
        *const T,
        isize,
        isize,
        *const T,
        isize,
        isize,
        T,
        *mut T,
        isize,
        isize,
    );

    fn few_rows_match<T: Element>(reference: Reference<T>) {
        // Each shape against matrixmultiply called directly: rows below and at the tile,
        // k within one depth block and across three, B by rows and transposed, the
        // alphas and betas the library uses.
        for (m, k, n) in [(1, 300, 37), (3, 600, 515), (7, 100, 9), (8, 257, 20)] {
            let a = irregular::<T>(m, k, 0.7);
            let b = irregular::<T>(k, n, 1.1);
            let bt = irregular::<T>(n, k, 1.3);
            for b in [b.view(), bt.t()] {
                for (alpha, beta) in [(1.0, 0.0), (1.0, 1.0), (-1.0, 1.0)] {
                    let (alpha, beta) = (T::from_f64(alpha), T::from_f64(beta));
                    let c0 = irregular::<T>(m, n, 4.2);
                    let mut ours = c0.clone();
                    gemm(alpha, a.view(), b, beta, ours.view_mut(), Par::Serial);
                    let mut theirs = c0.clone();
                    // SAFETY: views of the stated shapes; C is owned here.
                    unsafe {
                        reference(
                            m,
                            k,
                            n,
                            alpha,
                            a.as_ptr(),
                            a.strides()[0],
                            a.strides()[1],
                            b.as_ptr(),
                            b.strides()[0],
                            b.strides()[1],
                            beta,
                            theirs.as_mut_ptr(),
                            n as isize,
                            1,
                        );
                    }
                    let what = format!("{} {m} x {k} x {n}, alpha {alpha}, beta {beta}", T::NAME);
                    assert_eq!(ours, theirs, "{what}");
                }
            }
        }
    }

    #[test]
    fn few_rows_give_the_bits_of_matrixmultiply() {
        few_rows_match::<f64>(matrixmultiply::dgemm);
        few_rows_match::<f32>(matrixmultiply::sgemm);
    }

    #[test]
    fn f32_products_agree_with_f64_within_f32_rounding() {
        // The same (f32) numbers multiplied in f32 and in f64: each element of the f32
        // product is within k u sum_p |a_ip| |b_pj| of the f64 one (u the f32 unit
        // roundoff, the textbook bound for a sum of k products with FMA), on both the
        // few-rows path and the packed kernel.
        for (m, k, n) in [(1, 300, 37), (5, 600, 70), (40, 513, 33)] {
            let a = irregular::<f32>(m, k, 0.2);
            let b = irregular::<f32>(k, n, 0.9);
            let (a64, b64) = (a.mapv(f64::from), b.mapv(f64::from));
            let c32 = gemm_new(a.view(), b.view(), Par::Serial);
            let c64 = gemm_new(a64.view(), b64.view(), Par::Serial);
            let bound = gemm_new(
                a64.mapv(f64::abs).view(),
                b64.mapv(f64::abs).view(),
                Par::Serial,
            ) * (k as f64 * f64::from(f32::EPSILON) / 2.0);
            let mut worst = 0.0_f64;
            for ((&c32, &c64), &bound) in c32.iter().zip(&c64).zip(&bound) {
                let err = (f64::from(c32) - c64).abs();
                assert!(err <= bound, "{m} x {k} x {n}: {c32} vs {c64}");
                worst = worst.max(err / bound);
            }
            // The products do differ from the f64 ones: the f32 path is really f32.
            assert!(worst > 0.0);
        }
    }

    #[test]
    fn plan_gives_each_thread_a_task_and_splits_inside_when_it_cannot() {
        let threads = rayon::current_num_threads();
        let big = PARALLEL_MIN_WORK;
        let p = plan(1, 4, big);
        assert_eq!(p.per_task, 1);
        assert_eq!(p.inner == Par::Split, threads > 1);
        // Too little work to split.
        assert_eq!(plan(1, 4, big - 1).inner, Par::Serial);
        let p = plan(64 * threads, 4, big);
        assert_eq!((p.per_task, p.inner), (4, Par::Serial));
        let p = plan(6 * threads, 100, big);
        assert_eq!((p.per_task, p.inner), (6, Par::Serial));
        // Small items gather into tasks of PARALLEL_MIN_WORK, up to the cap.
        assert_eq!(
            plan(1000, 100, big / 16).per_task,
            16.max(1000usize.div_ceil(threads)).min(100)
        );
        assert_eq!(plan(1000, 8, big / 16).per_task, 8);
    }
}
