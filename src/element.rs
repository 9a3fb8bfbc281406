//! The element types a network computes in: f64 (the default, the toolbox-exact path) and
//! f32 (about twice the GEMM throughput and half the memory traffic, for callers whose data
//! is f32: a C `float *`, a MATLAB `single`, a numpy float32 array).
//!
//! # Design of the f32 path
//!
//! - **One trait, two types.** [`Element`] is implemented by f32 and f64 only (sealed). It
//!   brings ndarray's `NdFloat`, through which num-traits' `Float` (zero/one, abs, signum,
//!   max/min, mul_add, exp, tanh, comparisons) is in reach of every generic kernel without a
//!   new dependency, and adds what the kernels need beyond it: the conversions from and to
//!   f64 ([`Element::from_f64`], [`Element::into_f64`]) and the raw GEMM call
//!   ([`Element::matrixmultiply`]: `sgemm` or `dgemm`). Kernels are written once, generic
//!   over `T: Element`; the f64 instantiation does the same operations in the same order
//!   as before, so its results keep their bits (the golden tests and `tests/split_exact.rs`
//!   check that at every step).
//! - **One GEMM entry point.** [`crate::gemm::gemm`] and [`crate::gemm::gemm_new`] are
//!   generic; [`crate::gemm::plan`] (how work is split) does not depend on the element type.
//!   The path for products of fewer than 8 rows reproduces matrixmultiply's arithmetic for
//!   both types (its FMA kernels have an 8-row register tile and a depth block of 256 for
//!   f32 and f64 alike), so a sample's result does not depend on the batch it came in.
//! - **Parameters.** f64 stays the source of truth: training, the model files, the
//!   canonizers and the public layer data work on f64. The layer kinds with weights are
//!   generic over their element with f64 as the default (`Linear<T = f64>`,
//!   `Convolution<T = f64>`, `Layer<T = f64>`, `ParamGrad<T = f64>`), so existing code that
//!   names `Linear` or `Layer` still means f64. One trait, `LayerOps<T>` (crate-private),
//!   holds everything the network asks of a kind, implemented once per kind by
//!   `impl<T: Element> LayerOps<T> for Linear<T>` (or `for Rect`); `Layer<T>::ops` stays
//!   the one list of kinds. `Layer::to_f32` makes the f32 copy, each kind converting its
//!   own data (`LayerOps::to_f32`; BatchNorm keeps its f64 vectors and converts the C
//!   numbers per call). A network switched to f32 keeps such a copy of its layers, made
//!   once when the precision is set and dropped whenever parameters change
//!   (`replace_layer`, `set_weights`, `set_biases`, `update`, canonizing, restoring a
//!   snapshot: the network is the only way to reach its layers mutably). Backward is
//!   generic too, but training and the gradient methods are only instantiated at f64.
//! - **Rules.** A rule's parameters (epsilon, alpha, beta, gamma, zbox bounds) and the
//!   stabilisers stay f64 in the [`crate::Rule`] data and are converted with
//!   [`Element::from_f64`] where a kernel uses them; stabilisers keep their meaning in f32
//!   (1e-16 is a normal f32 and still only decides the sign of a zero denominator).
//! - **Arrays in and out.** The network's entry points take and return arrays of the
//!   network's element type: an f32 network given f32 data computes on it directly (the
//!   input is moved or borrowed into the trace as the f64 path does today), and returns
//!   f32. Data of the other type is converted once on the way in and once on the way out;
//!   the C and MATLAB doors get a `float` variant of each array argument, and numpy float32
//!   arrays go through it without a conversion pass.
//!
//! - **The switch.** [`Precision`] is chosen per network (`Network::set_precision`); it
//!   governs the stateless calls (`explain`, `explain_classes`, `explain_class_set`,
//!   `predict`, their `_f32` doors and the C doors built on them). The toolbox's stateful
//!   calls, training and the gradient methods stay f64.
//!
//! Measured agreement (tests/precision.rs, README "Precision"): f32 maps against f64 on the
//! toolbox's golden models (every rule) and the golden-onnx models (zennit's composites),
//! normwise at most 2e-6; the promise is 1e-4. Layer by layer on the whole output
//! relevance (no class mask), worst 5.4e-5 (`simple` on the Tanh MLP, whose small
//! denominators amplify rounding).

use ndarray::{ArrayD, CowArray, IxDyn};
use std::fmt;

/// The element type a network computes its stateless calls in ([`crate::Network::explain`],
/// [`crate::Network::explain_f32`], [`crate::Network::predict`] and their C doors): f64,
/// the default and the toolbox-exact path, or f32, about twice the speed with results that
/// agree with f64 to the tolerance the README states. Parameters stay f64 either way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Precision {
    /// Compute in f64 (the default).
    #[default]
    F64,
    /// Compute in f32, on an f32 copy of the parameters made at first use.
    F32,
}

impl Precision {
    /// "f64" or "f32".
    pub fn name(self) -> &'static str {
        match self {
            Precision::F64 => "f64",
            Precision::F32 => "f32",
        }
    }

    /// The precision of that name ("f64", "f32"; "double" and "single" as MATLAB says).
    pub fn from_name(name: &str) -> Option<Precision> {
        match name {
            "f64" | "double" | "float64" => Some(Precision::F64),
            "f32" | "single" | "float32" => Some(Precision::F32),
            _ => None,
        }
    }
}

mod sealed {
    /// Only f32 and f64 are elements: the kernels' GEMM and their tolerances are written
    /// for these two.
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A floating-point type the kernels compute in: f32 or f64.
pub trait Element: ndarray::NdFloat + sealed::Sealed + Default + fmt::Debug {
    /// "f32" or "f64", for messages.
    const NAME: &'static str;

    /// `v` rounded to this type (exact for f64): rule parameters, stabilisers and
    /// caller's f64 data meeting an f32 network.
    fn from_f64(v: f64) -> Self;

    /// The value as f64 (exact for both types).
    fn into_f64(self) -> f64;

    /// An array of this type as f64: itself for f64 (no copy), converted for f32.
    fn into_f64s(a: CowArray<'_, Self, IxDyn>) -> CowArray<'_, f64, IxDyn>;

    /// An array of this type as f32: itself for f32 (no copy), rounded for f64.
    fn into_f32s(a: CowArray<'_, Self, IxDyn>) -> CowArray<'_, f32, IxDyn>;

    /// An f64 array as this type: itself for f64, rounded for f32.
    fn from_f64s(a: ArrayD<f64>) -> ArrayD<Self>;

    /// An f32 array as this type: itself for f32, converted for f64.
    fn from_f32s(a: ArrayD<f32>) -> ArrayD<Self>;

    /// matrixmultiply's general product for this type, C = alpha A B + beta C, on raw
    /// pointers with row and column strides (`sgemm` or `dgemm`).
    ///
    /// # Safety
    /// As matrixmultiply's: A (m x k), B (k x n) and C (m x n) must be valid for their
    /// strides, and C must not overlap A or B.
    #[allow(clippy::too_many_arguments)]
    unsafe fn matrixmultiply(
        m: usize,
        k: usize,
        n: usize,
        alpha: Self,
        a: *const Self,
        rsa: isize,
        csa: isize,
        b: *const Self,
        rsb: isize,
        csb: isize,
        beta: Self,
        c: *mut Self,
        rsc: isize,
        csc: isize,
    );
}

impl Element for f64 {
    const NAME: &'static str = "f64";

    #[inline(always)]
    fn from_f64(v: f64) -> f64 {
        v
    }

    #[inline(always)]
    fn into_f64(self) -> f64 {
        self
    }

    fn into_f64s(a: CowArray<'_, f64, IxDyn>) -> CowArray<'_, f64, IxDyn> {
        a
    }

    fn into_f32s(a: CowArray<'_, f64, IxDyn>) -> CowArray<'_, f32, IxDyn> {
        a.mapv(|v| v as f32).into()
    }

    fn from_f64s(a: ArrayD<f64>) -> ArrayD<f64> {
        a
    }

    fn from_f32s(a: ArrayD<f32>) -> ArrayD<f64> {
        a.mapv(f64::from)
    }

    #[inline]
    unsafe fn matrixmultiply(
        m: usize,
        k: usize,
        n: usize,
        alpha: f64,
        a: *const f64,
        rsa: isize,
        csa: isize,
        b: *const f64,
        rsb: isize,
        csb: isize,
        beta: f64,
        c: *mut f64,
        rsc: isize,
        csc: isize,
    ) {
        matrixmultiply::dgemm(m, k, n, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc)
    }
}

impl Element for f32 {
    const NAME: &'static str = "f32";

    #[inline(always)]
    fn from_f64(v: f64) -> f32 {
        v as f32
    }

    #[inline(always)]
    fn into_f64(self) -> f64 {
        f64::from(self)
    }

    fn into_f64s(a: CowArray<'_, f32, IxDyn>) -> CowArray<'_, f64, IxDyn> {
        a.mapv(f64::from).into()
    }

    fn into_f32s(a: CowArray<'_, f32, IxDyn>) -> CowArray<'_, f32, IxDyn> {
        a
    }

    fn from_f64s(a: ArrayD<f64>) -> ArrayD<f32> {
        a.mapv(|v| v as f32)
    }

    fn from_f32s(a: ArrayD<f32>) -> ArrayD<f32> {
        a
    }

    #[inline]
    unsafe fn matrixmultiply(
        m: usize,
        k: usize,
        n: usize,
        alpha: f32,
        a: *const f32,
        rsa: isize,
        csa: isize,
        b: *const f32,
        rsb: isize,
        csb: isize,
        beta: f32,
        c: *mut f32,
        rsc: isize,
        csc: isize,
    ) {
        matrixmultiply::sgemm(m, k, n, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generic spelling of the operations the kernels use gives the bits of the
    /// inherent f64 ones (what keeps the f64 path bit-identical).
    #[test]
    fn generic_operations_are_the_inherent_ones() {
        fn ops<T: Element>(x: T, y: T) -> [T; 5] {
            [
                x.max(T::zero()),
                x.min(y),
                x.mul_add(y, T::one()),
                x.abs(),
                x.signum(),
            ]
        }
        let (x, y) = (-0.37_f64, 1.0 / 3.0);
        assert_eq!(
            ops(x, y),
            [x.max(0.0), x.min(y), x.mul_add(y, 1.0), x.abs(), x.signum()]
        );
        assert_eq!(f64::from_f64(0.1).into_f64(), 0.1);
        assert_eq!(f32::from_f64(0.1), 0.1_f32);
        assert_eq!(f32::from_f64(0.1).into_f64(), f64::from(0.1_f32));
        assert_eq!((f32::NAME, f64::NAME), ("f32", "f64"));
    }
}
