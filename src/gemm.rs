//! Matrix products on ndarray views, computed by `matrixmultiply`'s packed GEMM kernel.
//!
//! Every Linear product and every im2col Convolution product of forward, backward and LRP
//! goes through [`gemm`] or [`par_gemm`]. Views may be transposed or strided: the kernel
//! takes arbitrary strides, so `w.t()` costs nothing.

use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis};
use rayon::prelude::*;

/// Below this many multiply-adds a product runs on the calling thread: splitting it would
/// cost more in scheduling than it saves.
const PARALLEL_MIN_WORK: usize = 1 << 20;

/// C = alpha A B + beta C, on the calling thread.
///
/// Shapes: A is m x k, B is k x n, C is m x n (checked; a mismatch is a bug in the caller,
/// since every public entry validates shapes first). When beta is 0, C's old content is
/// ignored (NaN in C does not propagate).
pub fn gemm(
    alpha: f64,
    a: ArrayView2<f64>,
    b: ArrayView2<f64>,
    beta: f64,
    mut c: ArrayViewMut2<f64>,
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
        c.mapv_inplace(|v| if beta == 0.0 { 0.0 } else { beta * v });
        return;
    }
    let (rsa, csa) = (a.strides()[0], a.strides()[1]);
    let (rsb, csb) = (b.strides()[0], b.strides()[1]);
    let (rsc, csc) = (c.strides()[0], c.strides()[1]);
    // SAFETY: the pointers and strides come from live ndarray views whose shapes were
    // checked above to be m x k, k x n and m x n; matrixmultiply reads only within those
    // bounds and writes only within C, which we borrow mutably.
    unsafe {
        matrixmultiply::dgemm(
            m,
            k,
            n,
            alpha,
            a.as_ptr(),
            rsa,
            csa,
            b.as_ptr(),
            rsb,
            csb,
            beta,
            c.as_mut_ptr(),
            rsc,
            csc,
        );
    }
}

/// A new matrix A B. Its memory is written once, by the kernel (no zero fill first): the
/// products of LRP and backward write tens of megabytes per call.
pub fn gemm_new(a: ArrayView2<f64>, b: ArrayView2<f64>) -> Array2<f64> {
    let (m, n) = (a.nrows(), b.ncols());
    if a.ncols() == 0 {
        return Array2::zeros((m, n));
    }
    let mut c = Array2::<f64>::uninit((m, n));
    let c_ptr = c.as_mut_ptr() as *mut f64;
    assert_eq!(a.ncols(), b.nrows(), "gemm_new: inner dimensions disagree");
    // SAFETY: c is a fresh, standard-layout m x n allocation; with beta = 0 matrixmultiply
    // writes every element of C without reading it, so after the call all of c is
    // initialised. A and B are live views of the checked shapes.
    unsafe {
        matrixmultiply::dgemm(
            m,
            a.ncols(),
            n,
            1.0,
            a.as_ptr(),
            a.strides()[0],
            a.strides()[1],
            b.as_ptr(),
            b.strides()[0],
            b.strides()[1],
            0.0,
            c_ptr,
            n as isize,
            1,
        );
        c.assume_init()
    }
}

/// C = alpha A B + beta C like [`gemm`], with the rows of C split across rayon's threads
/// when the product is large enough to pay for it.
pub fn par_gemm(
    alpha: f64,
    a: ArrayView2<f64>,
    b: ArrayView2<f64>,
    beta: f64,
    mut c: ArrayViewMut2<f64>,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    let threads = rayon::current_num_threads();
    let work = m.saturating_mul(k).saturating_mul(n);
    if threads <= 1 || work < PARALLEL_MIN_WORK || m < 2 * threads {
        gemm(alpha, a, b, beta, c);
        return;
    }
    // A few chunks per thread balance the load without shrinking the blocks too much.
    let rows_per_chunk = m.div_ceil(threads * 2).max(8);
    c.axis_chunks_iter_mut(Axis(0), rows_per_chunk)
        .into_par_iter()
        .zip(a.axis_chunks_iter(Axis(0), rows_per_chunk).into_par_iter())
        .for_each(|(c_chunk, a_chunk)| gemm(alpha, a_chunk, b, beta, c_chunk));
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
        gemm(1.0, a.view(), b.view(), 0.0, c.view_mut());
        assert_eq!(
            c,
            array![[5.0, 2.0, 0.0], [11.0, 4.0, -1.0], [17.0, 6.0, -2.0]]
        );
        // (B^T A^T)^T = A B: transposed views go straight to the kernel.
        let mut ct = Array2::zeros((3, 3));
        gemm(1.0, b.t(), a.t(), 0.0, ct.view_mut());
        assert_eq!(ct.t(), c);
        // beta = 1 accumulates.
        gemm(2.0, a.view(), b.view(), 1.0, c.view_mut());
        assert_eq!(c[[2, 0]], 51.0);
    }

    #[test]
    fn parallel_product_equals_serial_product() {
        let a = Array2::from_shape_fn((300, 70), |(i, j)| ((i * 7 + j * 3) % 11) as f64 - 5.0);
        let b = Array2::from_shape_fn((70, 90), |(i, j)| ((i * 5 + j) % 13) as f64 * 0.25);
        let mut serial = Array2::zeros((300, 90));
        let mut parallel = Array2::zeros((300, 90));
        gemm(1.0, a.view(), b.view(), 0.0, serial.view_mut());
        par_gemm(1.0, a.view(), b.view(), 0.0, parallel.view_mut());
        assert_eq!(serial, parallel);
    }
}
