//! Rect, Tanh and SoftMax: elementwise or per-sample activations without parameters.
//! For LRP all three pass relevance through unchanged (see `Layer::lrp`).

use super::ExpectedShape;
use ndarray::{ArrayD, ArrayViewD, Axis, Zip};

/// dX = dY where the output is positive (the input was), 0 elsewhere.
pub(crate) fn rect_backward(y: &ArrayD<f64>, dy: ArrayViewD<f64>) -> ArrayD<f64> {
    Zip::from(y)
        .and(&dy)
        .map_collect(|&y, &d| if y > 0.0 { d } else { 0.0 })
}

/// dX = dY (1 - Y^2).
pub(crate) fn tanh_backward(y: &ArrayD<f64>, dy: ArrayViewD<f64>) -> ArrayD<f64> {
    Zip::from(y)
        .and(&dy)
        .map_collect(|&y, &d| d * (1.0 - y * y))
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
