//! Rect, Tanh and SoftMax: elementwise or per-sample activations without parameters.
//! For LRP all three pass relevance through unchanged (see `Layer::lrp`).
//!
//! Activations of convolutional layers run to tens of megabytes: the elementwise passes
//! are spread over rayon's threads and reuse the incoming gradient's memory.

use super::ExpectedShape;
use ndarray::{ArrayD, Axis, Zip};

/// max(0, x).
pub(crate) fn rect(x: &ArrayD<f64>) -> ArrayD<f64> {
    Zip::from(x).par_map_collect(|&v| v.max(0.0))
}

/// tanh(x).
pub(crate) fn tanh(x: &ArrayD<f64>) -> ArrayD<f64> {
    Zip::from(x).par_map_collect(|&v| v.tanh())
}

/// dX = dY where the output is positive (the input was), 0 elsewhere; in dY's memory.
pub(crate) fn rect_backward(y: &ArrayD<f64>, mut dy: ArrayD<f64>) -> ArrayD<f64> {
    Zip::from(&mut dy).and(y).par_for_each(|d, &y| {
        if y <= 0.0 {
            *d = 0.0;
        }
    });
    dy
}

/// dX = dY (1 - Y^2), in dY's memory.
pub(crate) fn tanh_backward(y: &ArrayD<f64>, mut dy: ArrayD<f64>) -> ArrayD<f64> {
    Zip::from(&mut dy)
        .and(y)
        .par_for_each(|d, &y| *d *= 1.0 - y * y);
    dy
}

/// SoftMax normalises over the features of each sample: it takes N x M batches.
pub(crate) fn softmax_output_shape(
    input: &[usize],
) -> std::result::Result<Vec<usize>, ExpectedShape> {
    match input {
        [_, _] => Ok(input.to_vec()),
        _ => Err(vec![None, input.get(1).copied()]),
    }
}

/// exp(x - max) / sum(exp(x - max)) per row: the row maximum keeps exp from overflowing.
pub(crate) fn softmax(x: &ArrayD<f64>) -> ArrayD<f64> {
    let mut y = x.clone();
    for mut row in y.axis_iter_mut(Axis(0)) {
        let max = row.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
        row.mapv_inplace(|v| (v - max).exp());
        let sum = row.sum();
        row.mapv_inplace(|v| v / sum);
    }
    y
}
