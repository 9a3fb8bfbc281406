//! Training with the toolbox's `Sequential.train` semantics (SPEC.md "Training"): minibatch
//! SGD on dY = prediction - target, periodic evaluation, keeping the best parameters,
//! optional learning-rate decay and early stopping.

use crate::error::{LrpError, Result};
use crate::network::Network;
use ndarray::{ArrayD, ArrayViewD, Axis};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::fmt;
use std::time::{Duration, Instant};

/// How the learning rate changes after each evaluation (acc = accuracy in [0, 1]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LrateDecay {
    /// The factor stays at `lfactor_initial`.
    #[default]
    None,
    /// factor = 1 - acc^2.
    Sublinear,
    /// factor = 1 - acc.
    Linear,
}

impl LrateDecay {
    /// Parses the toolbox's names: "" / "none", "sublinear", "linear" (case-insensitive).
    pub fn from_name(name: &str) -> Result<LrateDecay> {
        match name.to_ascii_lowercase().as_str() {
            "" | "none" => Ok(LrateDecay::None),
            "sublinear" => Ok(LrateDecay::Sublinear),
            "linear" => Ok(LrateDecay::Linear),
            _ => Err(LrpError::param(
                "lrate_decay",
                format!("must be none, sublinear or linear, given '{name}'"),
            )),
        }
    }
}

/// The toolbox's training options, with its defaults, plus the seed of the batch draw.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainOptions {
    /// Samples per step (default 25); more than the data holds means all of it.
    pub batchsize: usize,
    /// Number of steps (default 10000).
    pub iters: usize,
    /// Learning rate (default 0.005).
    pub lrate: f64,
    /// Decay of the learning rate (default none).
    pub lrate_decay: LrateDecay,
    /// Initial learning-rate factor (default 1.0).
    pub lfactor_initial: f64,
    /// Evaluate every `status` steps (default 250).
    pub status: usize,
    /// Stop after this many evaluations without improvement; <= 0 never stops (default -1).
    pub convergence: i64,
    /// Seed of the random batch draw (default 0).
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            batchsize: 25,
            iters: 10000,
            lrate: 0.005,
            lrate_decay: LrateDecay::None,
            lfactor_initial: 1.0,
            status: 250,
            convergence: -1,
            seed: 0,
        }
    }
}

/// Progress of a training run, reported to the caller's sink. `Display` gives the
/// toolbox's wording.
#[derive(Clone, Debug, PartialEq)]
pub enum TrainEvent {
    /// An evaluation after `iteration` steps.
    Evaluated {
        /// Steps done.
        iteration: usize,
        /// Fraction of correctly classified samples, in [0, 1].
        accuracy: f64,
        /// Mean over samples of sum |prediction - target|.
        l1_loss: f64,
        /// Whether the validation set (rather than the training set) was used.
        on_validation: bool,
    },
    /// The evaluation was the best so far; its parameters are kept.
    NewBest {
        /// Its accuracy.
        accuracy: f64,
    },
    /// The learning rate was adjusted.
    LearningRate {
        /// The new factor.
        factor: f64,
        /// The learning rate now in effect (lrate * factor).
        lrate: f64,
    },
    /// Estimated time to the end of training.
    Estimate {
        /// Time left.
        remaining: Duration,
        /// Steps done, in percent.
        percent_done: f64,
    },
    /// Training stopped early: `evaluations` evaluations brought no improvement.
    Converged {
        /// Steps done.
        iteration: usize,
        /// The convergence setting.
        evaluations: i64,
    },
    /// The best parameters were restored at the end.
    Restored {
        /// Their accuracy.
        accuracy: f64,
    },
}

impl fmt::Display for TrainEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainEvent::Evaluated {
                iteration,
                accuracy,
                l1_loss,
                on_validation,
            } => {
                let set = if *on_validation { "validation set" } else { "training data" };
                write!(
                    f,
                    "Accuracy after {iteration} iterations on {set}: {:.2}% (l1-loss: {l1_loss:.4})",
                    accuracy * 100.0
                )
            }
            TrainEvent::NewBest { .. } => write!(f, "    New optimal parameter set encountered. saving...."),
            TrainEvent::LearningRate { factor, lrate } => write!(
                f,
                "    Adjusting learning rate to {lrate} ~ {:.2}% of its initial value",
                factor * 100.0
            ),
            TrainEvent::Estimate {
                remaining,
                percent_done,
            } => {
                let s = remaining.as_secs();
                write!(
                    f,
                    "    Estimate time until current training ends : {} d {} h {} m {} s ({percent_done:.2}% done)",
                    s / 86400,
                    s / 3600 % 24,
                    s / 60 % 60,
                    s % 60
                )
            }
            TrainEvent::Converged { iteration, evaluations } => write!(
                f,
                "    No improvement for {evaluations} evaluations: stopping after {iteration} iterations"
            ),
            TrainEvent::Restored { accuracy } => write!(
                f,
                "Setting network parameters to best encountered network state with {:.2}% accuracy.",
                accuracy * 100.0
            ),
        }
    }
}

/// What a training run achieved.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainReport {
    /// Steps done.
    pub iterations: usize,
    /// Accuracy of the restored (best) parameters at their evaluation; 0 if none ran.
    pub best_accuracy: f64,
}

/// A function applied to each batch before the forward pass (the toolbox's `transform`).
pub type BatchTransform<'a> = dyn FnMut(ArrayD<f64>) -> Result<ArrayD<f64>> + 'a;

/// Trains `net` on `x` (N x ...) with one-hot targets `y` (N x C), evaluating on
/// `validation` if given, else on the training data. Progress goes to `progress`.
pub fn train(
    net: &mut Network,
    x: ArrayViewD<f64>,
    y: ArrayViewD<f64>,
    validation: Option<(ArrayViewD<f64>, ArrayViewD<f64>)>,
    opts: &TrainOptions,
    transform: Option<&mut BatchTransform>,
    progress: &mut dyn FnMut(&TrainEvent),
) -> Result<TrainReport> {
    check_options(opts)?;
    check_pair("training", net, &x, &y)?;
    if let Some((xv, yv)) = &validation {
        check_pair("validation", net, xv, yv)?;
    }
    // All or nothing: a failure mid-run (a transform that errs) puts the parameters back.
    let initial = net.snapshot();
    let result = run(net, x, y, validation, opts, transform, progress);
    if result.is_err() {
        net.restore(initial);
    }
    result
}

/// The training loop proper, on checked arguments.
fn run(
    net: &mut Network,
    x: ArrayViewD<f64>,
    y: ArrayViewD<f64>,
    validation: Option<(ArrayViewD<f64>, ArrayViewD<f64>)>,
    opts: &TrainOptions,
    mut transform: Option<&mut BatchTransform>,
    progress: &mut dyn FnMut(&TrainEvent),
) -> Result<TrainReport> {
    let n = x.shape()[0];
    let batch = opts.batchsize.min(n);
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let mut factor = opts.lfactor_initial;
    let mut best_accuracy = 0.0;
    let mut best = net.snapshot();
    let mut until_convergence = opts.convergence;
    let started = Instant::now();
    let mut done = 0;
    for step in 1..=opts.iters {
        let picked = rand::seq::index::sample(&mut rng, n, batch).into_vec();
        let mut xb = x.select(Axis(0), &picked);
        if let Some(t) = transform.as_deref_mut() {
            xb = t(xb)?;
        }
        let yb = y.select(Axis(0), &picked);
        let pred = net.forward(xb.view(), false)?;
        net.backward_with((pred - &yb).view(), false)?;
        net.update(opts.lrate * factor)?;
        done = step;
        if step % opts.status != 0 {
            continue;
        }
        let (xe, ye) = validation.as_ref().map_or((&x, &y), |(a, b)| (a, b));
        let (accuracy, l1_loss) = evaluate(net, xe.view(), ye.view())?;
        progress(&TrainEvent::Evaluated {
            iteration: step,
            accuracy,
            l1_loss,
            on_validation: validation.is_some(),
        });
        if accuracy > best_accuracy {
            progress(&TrainEvent::NewBest { accuracy });
            best_accuracy = accuracy;
            best = net.snapshot();
            until_convergence = opts.convergence;
        } else {
            until_convergence -= 1;
        }
        let new_factor = match opts.lrate_decay {
            LrateDecay::None => None,
            LrateDecay::Sublinear => Some(1.0 - accuracy * accuracy),
            LrateDecay::Linear => Some(1.0 - accuracy),
        };
        if let Some(f) = new_factor {
            factor = f;
            progress(&TrainEvent::LearningRate {
                factor,
                lrate: opts.lrate * factor,
            });
        }
        if opts.convergence > 0 && until_convergence <= 0 {
            progress(&TrainEvent::Converged {
                iteration: step,
                evaluations: opts.convergence,
            });
            break;
        }
        let elapsed = started.elapsed().as_secs_f64();
        progress(&TrainEvent::Estimate {
            remaining: Duration::from_secs_f64(elapsed / step as f64 * (opts.iters - step) as f64),
            percent_done: 100.0 * step as f64 / opts.iters as f64,
        });
    }
    if best_accuracy > 0.0 {
        net.restore(best);
        progress(&TrainEvent::Restored {
            accuracy: best_accuracy,
        });
    } else {
        net.clean();
    }
    Ok(TrainReport {
        iterations: done,
        best_accuracy,
    })
}

/// Accuracy (argmax of prediction equals argmax of target) and mean l1 loss of `net` on
/// `x` with one-hot targets `y`. Does not touch the network's cached state.
pub fn evaluate(net: &Network, x: ArrayViewD<f64>, y: ArrayViewD<f64>) -> Result<(f64, f64)> {
    let pred = net.trace(x)?.output().clone();
    if pred.shape() != y.shape() {
        return Err(LrpError::shape("targets", pred.shape(), y.shape()));
    }
    let n = pred.shape()[0].max(1);
    let hits = pred
        .outer_iter()
        .zip(y.outer_iter())
        .filter(|(p, t)| argmax(p.iter()) == argmax(t.iter()))
        .count();
    let l1 = (&pred - &y).mapv(f64::abs).sum() / n as f64;
    Ok((hits as f64 / n as f64, l1))
}

/// Index of the largest value (the first one on ties).
pub fn argmax<'a>(values: impl Iterator<Item = &'a f64>) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, &v) in values.enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best.0
}

fn check_options(opts: &TrainOptions) -> Result<()> {
    if opts.batchsize == 0 {
        return Err(LrpError::param("batchsize", "must be at least 1, given 0"));
    }
    if opts.status == 0 {
        return Err(LrpError::param("status", "must be at least 1, given 0"));
    }
    if !(opts.lrate.is_finite() && opts.lfactor_initial.is_finite()) {
        return Err(LrpError::param(
            "lrate",
            format!(
                "lrate and lfactor_initial must be finite, given {} and {}",
                opts.lrate, opts.lfactor_initial
            ),
        ));
    }
    Ok(())
}

/// Data and one-hot targets must agree in their number of samples, and the targets must
/// be shaped like the network's output.
fn check_pair(what: &str, net: &Network, x: &ArrayViewD<f64>, y: &ArrayViewD<f64>) -> Result<()> {
    let out = net.output_shape(x.shape())?;
    if y.shape() != out.as_slice() {
        return Err(LrpError::shape(format!("{what} targets"), &out, y.shape()));
    }
    Ok(())
}
