//! Gradient-based explanations (SPEC.md "Gradient methods"): the plain gradient, input x
//! gradient, sensitivity, guided backpropagation, deconvnet, SmoothGrad and integrated
//! gradients, as one stateless call on a shared network ([`Network::attribute`]).
//!
//! `dy` is what the gradient starts from at the output (usually the one-hot of the class to
//! explain), so every method explains f(x) = sum(dy .* network(x)).
//!
//! SmoothGrad and integrated gradients need the gradient at many points. The points are
//! stacked along the batch axis and run through the network in as few passes as a memory
//! budget allows; the noise is drawn and the gradients are summed in the same order however
//! the points are grouped, so the result does not depend on the grouping.

use crate::error::{LrpError, Result};
use crate::network::Layout;
use crate::network::{check_finite, GradientMode, Network};
use ndarray::{ArrayD, ArrayViewD, ArrayViewMutD, Axis, CowArray, IxDyn, Slice, Zip};
use rand_distr::{Distribution, StandardNormal};

/// Noisy copies SmoothGrad averages over when the C or MATLAB caller gives none.
pub const DEFAULT_SMOOTHGRAD_SAMPLES: usize = 50;
/// SmoothGrad's noise level when none is given: the noise's standard deviation as a
/// fraction of each sample's value range (Smilkov et al. recommend 10-20 %).
pub const DEFAULT_SMOOTHGRAD_SIGMA: f64 = 0.15;
/// Integrated gradients' number of steps when none is given.
pub const DEFAULT_IG_STEPS: usize = 50;

/// Elements of all activations (input included) one pass of the stacked copies of
/// SmoothGrad or integrated gradients may hold: 4 Mi doubles, 32 MB, and as much again for
/// the gradients. Enough to run a small network's copies in one pass, few enough that a
/// large image network does not exhaust memory.
const PASS_ELEMENTS: usize = 1 << 22;

/// A gradient method with its parameters, as plain data (SPEC.md "Gradient methods").
/// With g = backward(dy), the gradient of sum(dy .* network(x)) with respect to x:
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GradientMethod {
    /// g.
    Gradient,
    /// x .* g.
    InputXGradient,
    /// The 2-norm of g over the channel axis (the last) for N x H x W x D inputs, giving
    /// N x H x W x 1 (Caffe's formula type 99); |g| for inputs of other ranks, which have
    /// no channel axis.
    Sensitivity,
    /// g where every Rect passes DY .* (x > 0) .* (DY > 0).
    GuidedBackprop,
    /// g where every Rect passes max(DY, 0).
    Deconvnet,
    /// The mean of g over `samples` noisy copies x + e, e ~ Normal(0, s_n^2) drawn per
    /// element, where s_n = `sigma` (max x_n - min x_n) uses the range of each sample n of
    /// the batch (so samples of different contrast get noise of their own scale).
    SmoothGrad {
        /// Number of noisy copies, at least 1.
        samples: usize,
        /// Noise level relative to each sample's value range, finite and >= 0 (0: no noise,
        /// the result is the gradient).
        sigma: f64,
        /// Seed of the noise (ChaCha8): the same seed gives the same result on every
        /// platform.
        seed: u64,
    },
    /// (x - x0) .* the mean over k = 1..steps of g at x0 + (k / steps)(x - x0): the right
    /// Riemann sum of the path integral from the baseline x0 (zeros unless given) to x.
    /// sum(result) approaches f(x) - f(x0) as steps grows (completeness).
    IntegratedGradients {
        /// Number of points on the path, at least 1.
        steps: usize,
    },
}

impl GradientMethod {
    /// The method's canonical name: `gradient`, `input_x_gradient`, `sensitivity`,
    /// `guided_backprop`, `deconvnet`, `smoothgrad` or `integrated_gradients`.
    pub fn name(&self) -> &'static str {
        match self {
            GradientMethod::Gradient => "gradient",
            GradientMethod::InputXGradient => "input_x_gradient",
            GradientMethod::Sensitivity => "sensitivity",
            GradientMethod::GuidedBackprop => "guided_backprop",
            GradientMethod::Deconvnet => "deconvnet",
            GradientMethod::SmoothGrad { .. } => "smoothgrad",
            GradientMethod::IntegratedGradients { .. } => "integrated_gradients",
        }
    }

    /// A method by name (case-insensitive; `_` and `-` are ignored, so
    /// `IntegratedGradients` and `integrated-gradients` work too, but whitespace is not:
    /// names are exact; `ig` is integrated
    /// gradients) with optional parameters: `count` is SmoothGrad's samples or integrated
    /// gradients' steps (default [`DEFAULT_SMOOTHGRAD_SAMPLES`] / [`DEFAULT_IG_STEPS`]),
    /// `sigma` SmoothGrad's noise level (default [`DEFAULT_SMOOTHGRAD_SIGMA`]), `seed` its
    /// seed. Parameters the method does not use are ignored, as for rules. An unknown name
    /// is [`LrpError::UnknownMethod`], a parameter out of range [`LrpError::BadParameter`].
    pub fn from_name(
        name: &str,
        count: Option<usize>,
        sigma: Option<f64>,
        seed: u64,
    ) -> Result<GradientMethod> {
        let key: String = name
            .chars()
            .filter(|c| !matches!(c, '_' | '-'))
            .flat_map(char::to_lowercase)
            .collect();
        let method = match key.as_str() {
            "gradient" => GradientMethod::Gradient,
            "inputxgradient" => GradientMethod::InputXGradient,
            "sensitivity" => GradientMethod::Sensitivity,
            "guidedbackprop" => GradientMethod::GuidedBackprop,
            "deconvnet" => GradientMethod::Deconvnet,
            "smoothgrad" => GradientMethod::SmoothGrad {
                samples: count.unwrap_or(DEFAULT_SMOOTHGRAD_SAMPLES),
                sigma: sigma.unwrap_or(DEFAULT_SMOOTHGRAD_SIGMA),
                seed,
            },
            "integratedgradients" | "ig" => GradientMethod::IntegratedGradients {
                steps: count.unwrap_or(DEFAULT_IG_STEPS),
            },
            _ => {
                return Err(LrpError::UnknownMethod {
                    name: name.to_string(),
                })
            }
        };
        method.validate()?;
        Ok(method)
    }

    /// Checks the parameters' ranges.
    pub fn validate(&self) -> Result<()> {
        match *self {
            GradientMethod::SmoothGrad { samples: 0, .. } => Err(LrpError::param(
                "samples",
                "smoothgrad needs at least 1 noisy copy, given 0",
            )),
            GradientMethod::SmoothGrad { sigma, .. } if !(sigma.is_finite() && sigma >= 0.0) => {
                Err(LrpError::param(
                    "sigma",
                    format!("smoothgrad's noise level must be finite and >= 0, given {sigma}"),
                ))
            }
            GradientMethod::IntegratedGradients { steps: 0 } => Err(LrpError::param(
                "steps",
                "integrated_gradients needs at least 1 step, given 0",
            )),
            _ => Ok(()),
        }
    }

    /// The shape of the result for an input of shape `input` (channels last, the
    /// toolbox's order): `input` itself, except for [`GradientMethod::Sensitivity`] on a
    /// rank-4 input (N x H x W x 1). [`GradientMethod::output_shape_in`] takes the layout.
    pub fn output_shape(&self, input: &[usize]) -> Vec<usize> {
        self.output_shape_in(input, Layout::ChannelsLast)
    }

    /// [`GradientMethod::output_shape`] for an input in `layout`: sensitivity keeps the
    /// channel axis as 1 (N x 1 x H x W for a channels-first network).
    pub fn output_shape_in(&self, input: &[usize], layout: Layout) -> Vec<usize> {
        match (self, input, layout) {
            (GradientMethod::Sensitivity, [n, h, w, _], Layout::ChannelsLast) => {
                vec![*n, *h, *w, 1]
            }
            (GradientMethod::Sensitivity, [n, _, h, w], Layout::ChannelsFirst) => {
                vec![*n, 1, *h, *w]
            }
            _ => input.to_vec(),
        }
    }
}

impl Network {
    /// Explains `x` (batch first) with a gradient method: `dy`, shaped like the network's
    /// output for `x`, selects what is explained (usually the one-hot of each sample's
    /// class). The result is shaped like `x` (see [`GradientMethod::output_shape`] for
    /// sensitivity). Integrated gradients start from a zero baseline. Stateless: leaves
    /// the cached forward pass alone, so threads may share the network. A MaxPool
    /// window's gradient goes to its first maximum, as in [`Network::input_gradient`].
    pub fn attribute<'a>(
        &self,
        x: impl Into<CowArray<'a, f64, IxDyn>>,
        dy: ArrayViewD<f64>,
        method: GradientMethod,
    ) -> Result<ArrayD<f64>> {
        self.attribute_with_baseline(x, dy, method, None)
    }

    /// [`Network::attribute`] with the baseline x0 of integrated gradients (shaped like
    /// `x`; `None` for zeros). Any other method given a baseline is an error, since it
    /// would silently be ignored.
    pub fn attribute_with_baseline<'a>(
        &self,
        x: impl Into<CowArray<'a, f64, IxDyn>>,
        dy: ArrayViewD<f64>,
        method: GradientMethod,
        baseline: Option<ArrayViewD<f64>>,
    ) -> Result<ArrayD<f64>> {
        method.validate()?;
        let x = x.into();
        // Checked here, not only by the passes: SmoothGrad and integrated gradients run the
        // network on stacked copies, whose errors would name the wrong shape and index.
        let out_shape = self.output_shape(x.shape())?;
        check_finite("input", &x.view())?;
        if dy.shape() != out_shape.as_slice() {
            return Err(LrpError::shape("gradient dy", &out_shape, dy.shape()));
        }
        check_finite("gradient dy", &dy)?;
        if let Some(b) = &baseline {
            if !matches!(method, GradientMethod::IntegratedGradients { .. }) {
                return Err(LrpError::param(
                    "baseline",
                    format!(
                        "only integrated_gradients takes a baseline, given one for {}",
                        method.name()
                    ),
                ));
            }
            if b.shape() != x.shape() {
                return Err(LrpError::shape("baseline", x.shape(), b.shape()));
            }
            check_finite("baseline", b)?;
        }
        match method {
            GradientMethod::Gradient => self.gradient_at(x, dy, GradientMode::Gradient),
            GradientMethod::GuidedBackprop => self.gradient_at(x, dy, GradientMode::GuidedBackprop),
            GradientMethod::Deconvnet => self.gradient_at(x, dy, GradientMode::Deconvnet),
            GradientMethod::InputXGradient => {
                let x = x.into_owned();
                let mut g = self.gradient_at(x.view(), dy, GradientMode::Gradient)?;
                g *= &x;
                Ok(g)
            }
            GradientMethod::Sensitivity => {
                let g = self.gradient_at(x, dy, GradientMode::Gradient)?;
                Ok(sensitivity(g, self.layout()))
            }
            GradientMethod::SmoothGrad {
                samples,
                sigma,
                seed,
            } => self.smoothgrad(x.view(), dy, samples, sigma, seed, None),
            GradientMethod::IntegratedGradients { steps } => {
                self.integrated_gradients(x.view(), dy, steps, baseline, None)
            }
        }
    }

    /// The gradient at one input, with Rect layers as `mode` says.
    fn gradient_at<'a>(
        &self,
        x: impl Into<CowArray<'a, f64, IxDyn>>,
        dy: ArrayViewD<f64>,
        mode: GradientMode,
    ) -> Result<ArrayD<f64>> {
        let trace = self.trace(x)?;
        self.input_gradient_trace(&trace, dy, mode)
    }

    /// SmoothGrad; `copies_per_pass` overrides the memory budget's grouping (tests).
    pub(crate) fn smoothgrad(
        &self,
        x: ArrayViewD<f64>,
        dy: ArrayViewD<f64>,
        samples: usize,
        sigma: f64,
        seed: u64,
        copies_per_pass: Option<usize>,
    ) -> Result<ArrayD<f64>> {
        let n = x.shape()[0];
        // The noise's standard deviation per sample: sigma times that sample's range.
        let std: Vec<f64> = x
            .axis_iter(Axis(0))
            .map(|s| {
                let (lo, hi) = s
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                        (lo.min(v), hi.max(v))
                    });
                sigma * (hi - lo)
            })
            .collect();
        if let Some(i) = std.iter().position(|s| !s.is_finite()) {
            return Err(LrpError::param(
                "sigma",
                format!(
                    "sigma {sigma} times the value range of sample {i} overflows; scale the input"
                ),
            ));
        }
        let per_sample = x.len() / n;
        let mut rng = crate::seeded_rng(seed);
        // Copies are filled in order k = 0, 1, ..., each drawing its elements in C order:
        // one stream of draws, whatever the number of copies per pass.
        let sum =
            self.summed_gradients(x.view(), dy, samples, copies_per_pass, |_, mut copy| {
                for (i, (v, &x)) in copy.iter_mut().zip(x.iter()).enumerate() {
                    let z: f64 = StandardNormal.sample(&mut rng);
                    *v = x + std[i / per_sample] * z;
                }
            })?;
        Ok(sum / samples as f64)
    }

    /// Integrated gradients; `copies_per_pass` overrides the memory budget's grouping
    /// (tests).
    pub(crate) fn integrated_gradients(
        &self,
        x: ArrayViewD<f64>,
        dy: ArrayViewD<f64>,
        steps: usize,
        baseline: Option<ArrayViewD<f64>>,
        copies_per_pass: Option<usize>,
    ) -> Result<ArrayD<f64>> {
        let x0 = match baseline {
            Some(b) => b.as_standard_layout().into_owned(),
            None => ArrayD::zeros(x.raw_dim()),
        };
        let delta = &x - &x0;
        let sum = self.summed_gradients(x.view(), dy, steps, copies_per_pass, |k, mut point| {
            let alpha = (k + 1) as f64 / steps as f64;
            Zip::from(&mut point)
                .and(&x0)
                .and(&delta)
                .for_each(|p, &x0, &d| *p = x0 + alpha * d);
        })?;
        let mut attribution = delta;
        Zip::from(&mut attribution)
            .and(&sum)
            .for_each(|a, &s| *a *= s / steps as f64);
        Ok(attribution)
    }

    /// The sum of the plain gradients at `count` points shaped like `x`; `fill(k, buffer)`
    /// writes point k (called for k = 0, 1, ... in order). The points run through the
    /// network stacked along the batch axis, `copies_per_pass` at a time (default: as many
    /// as [`PASS_ELEMENTS`] allows), and are summed in order of k, so the grouping changes
    /// neither the points nor the rounding of the sum.
    fn summed_gradients(
        &self,
        x: ArrayViewD<f64>,
        dy: ArrayViewD<f64>,
        count: usize,
        copies_per_pass: Option<usize>,
        mut fill: impl FnMut(usize, ArrayViewMutD<f64>),
    ) -> Result<ArrayD<f64>> {
        let n = x.shape()[0];
        let per_copy: usize = self
            .shapes(x.shape())?
            .iter()
            .map(|s| s.iter().product::<usize>())
            .sum();
        let chunk = copies_per_pass
            .unwrap_or(PASS_ELEMENTS / per_copy.max(1))
            .clamp(1, count);
        let mut sum = ArrayD::<f64>::zeros(x.raw_dim());
        // dy once per copy; rebuilt only for a shorter last pass.
        let mut dys = ArrayD::<f64>::zeros(IxDyn(&[0]));
        let mut k = 0;
        while k < count {
            let copies = chunk.min(count - k);
            let mut stacked_shape = x.shape().to_vec();
            stacked_shape[0] = n * copies;
            let data = crate::buffer::zeros("stacked copies", &stacked_shape)?;
            let mut points =
                ArrayD::from_shape_vec(IxDyn(&stacked_shape), data).expect("sized for the shape");
            for j in 0..copies {
                fill(k + j, copy_of(&mut points, j, n));
            }
            let mut dy_shape = dy.shape().to_vec();
            dy_shape[0] = n * copies;
            if dys.shape() != dy_shape.as_slice() {
                dys = ndarray::concatenate(Axis(0), &vec![dy.view(); copies])
                    .expect("copies of one array");
            }
            let trace = self.trace(points)?;
            let g = self.input_gradient_trace(&trace, dys.view(), GradientMode::Gradient)?;
            for j in 0..copies {
                sum += &g.slice_axis(Axis(0), Slice::from(j * n..(j + 1) * n));
            }
            k += copies;
        }
        Ok(sum)
    }
}

/// Copy `j` of `n` samples in a stack along the batch axis.
fn copy_of(points: &mut ArrayD<f64>, j: usize, n: usize) -> ArrayViewMutD<'_, f64> {
    points.slice_axis_mut(Axis(0), Slice::from(j * n..(j + 1) * n))
}

/// The 2-norm over the channel axis of a rank-4 gradient (the last, or the second for a
/// channels-first network), kept as an axis of 1; |g| for other ranks.
fn sensitivity(g: ArrayD<f64>, layout: Layout) -> ArrayD<f64> {
    if g.ndim() != 4 {
        return g.mapv(f64::abs);
    }
    let channels = match layout {
        Layout::ChannelsLast => Axis(3),
        Layout::ChannelsFirst => Axis(1),
    };
    g.map_axis(channels, |c| c.iter().map(|v| v * v).sum::<f64>().sqrt())
        .insert_axis(channels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::{Layer, Linear};
    use ndarray::{Array1, Array2};

    /// A 3-4-2 ReLU network with fixed, mixed-sign weights.
    fn net() -> Network {
        let w1 = Array2::from_shape_fn((3, 4), |(i, j)| ((i * 4 + j) as f64 * 0.37).sin());
        let w2 = Array2::from_shape_fn((4, 2), |(i, j)| ((i * 2 + j) as f64 * 0.71).cos());
        Network::from_layers([
            Layer::Linear(Linear::new(w1, Array1::from(vec![0.1, -0.2, 0.05, 0.0])).unwrap()),
            Layer::Rect,
            Layer::Linear(Linear::new(w2, Array1::from(vec![0.0, 0.1])).unwrap()),
        ])
    }

    fn inputs() -> (ArrayD<f64>, ArrayD<f64>) {
        let x = Array2::from_shape_fn((3, 3), |(i, j)| ((i * 3 + j) as f64 * 1.3).sin() * 2.0);
        let dy = Array2::from_shape_fn((3, 2), |(i, j)| f64::from(u8::from(i % 2 == j)));
        (x.into_dyn(), dy.into_dyn())
    }

    #[test]
    fn the_grouping_of_copies_does_not_change_a_bit() {
        let net = net();
        let (x, dy) = inputs();
        let sg = |chunk| {
            net.smoothgrad(x.view(), dy.view(), 7, 0.3, 11, chunk)
                .unwrap()
        };
        let ig = |chunk| {
            net.integrated_gradients(x.view(), dy.view(), 9, None, chunk)
                .unwrap()
        };
        let (sg_all, ig_all) = (sg(None), ig(None));
        for chunk in [1, 2, 3, 7, 100] {
            assert_eq!(
                sg(Some(chunk)),
                sg_all,
                "smoothgrad, {chunk} copies per pass"
            );
            assert_eq!(
                ig(Some(chunk)),
                ig_all,
                "integrated gradients, {chunk} per pass"
            );
        }
    }
}
