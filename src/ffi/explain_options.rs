//! The options of `lrp_network_explain_with`: one handle, set by name, instead of the 15 to
//! 19 positional arguments of the first edition's explain and attribute calls. Every value
//! is checked when it is set (a failed set changes nothing); combinations that depend on the
//! network (classes against its output, a start array against its output shape) are
//! checked by the explain call.

use super::args::{self, Layout};
use super::array;
use super::status::{status, value, Failure, FfiResult};
use crate::canonizer::Canonizer;
use crate::composite::Composite;
use crate::gradient_methods::{
    GradientMethod, DEFAULT_IG_STEPS, DEFAULT_SMOOTHGRAD_SAMPLES, DEFAULT_SMOOTHGRAD_SIGMA,
};
use crate::rule::{Convention, Rule};
use std::ffi::c_char;

/// The most classes `lrp_explain_options_set_classes` takes (a bound on what the library
/// reads from the caller's pointer; far more than any classifier has).
pub const LRP_MAX_CLASSES: usize = 1_048_576;

/// Which outputs an explanation starts from when no start array is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Targets {
    /// Each sample's highest output (the predicted class).
    Top,
    /// Sample n's class is classes[n].
    PerSample,
    /// One map per class of the list, every sample explained for that class.
    Each,
    /// One map of the sum of the listed classes' outputs (the Caffe toolbox's class set).
    Set,
}

impl Targets {
    fn name(self) -> &'static str {
        match self {
            Targets::Top => "top",
            Targets::PerSample => "per_sample",
            Targets::Each => "each",
            Targets::Set => "set",
        }
    }
}

/// An array given to the options (copied): its values as the caller laid them out and its
/// dims; read in the options' layout when an explanation runs.
#[derive(Clone, Debug)]
pub(crate) struct GivenArray {
    pub data: Vec<f64>,
    pub dims: Vec<usize>,
}

/// Options of `lrp_network_explain_with` and `lrp_network_explain_dims`. Create with
/// `lrp_explain_options_new` (every option at its default), set with
/// `lrp_explain_options_set`, `lrp_explain_options_set_str`,
/// `lrp_explain_options_set_classes` and `lrp_explain_options_set_array`, free with
/// `lrp_explain_options_free`. Not for concurrent modification; threads may share one for
/// explaining while no thread sets it.
#[derive(Clone, Debug)]
pub struct LrpExplainOptions {
    /// `None`: LRP; otherwise a gradient method's canonical name.
    pub(crate) method: Option<&'static str>,
    pub(crate) rule: Option<String>,
    pub(crate) parameter: Option<f64>,
    pub(crate) composite: Option<String>,
    pub(crate) epsilon: Option<f64>,
    pub(crate) gamma: Option<f64>,
    pub(crate) low: Option<f64>,
    pub(crate) high: Option<f64>,
    pub(crate) canonizers: Option<String>,
    pub(crate) convention: Option<Convention>,
    pub(crate) targets: Option<Targets>,
    pub(crate) classes: Option<Vec<usize>>,
    pub(crate) samples: usize,
    pub(crate) noise: f64,
    pub(crate) seed: u64,
    pub(crate) steps: usize,
    pub(crate) layout: Layout,
    pub(crate) start: Option<GivenArray>,
    pub(crate) baseline: Option<GivenArray>,
}

impl Default for LrpExplainOptions {
    fn default() -> Self {
        LrpExplainOptions {
            method: None,
            rule: None,
            parameter: None,
            composite: None,
            epsilon: None,
            gamma: None,
            low: None,
            high: None,
            canonizers: None,
            convention: None,
            targets: None,
            classes: None,
            samples: DEFAULT_SMOOTHGRAD_SAMPLES,
            noise: DEFAULT_SMOOTHGRAD_SIGMA,
            seed: 0,
            steps: DEFAULT_IG_STEPS,
            layout: Layout::RowMajor,
            start: None,
            baseline: None,
        }
    }
}

/// What the options say, resolved against nothing but themselves (names parsed, ranges
/// checked): the explain call combines it with the network.
pub(crate) struct Plan {
    pub method: Option<GradientMethod>,
    pub rule: Option<Rule>,
    pub composite: Option<Composite>,
    /// `None`: none; `Some(None)`: "auto" (what the network needs).
    pub canonizers: Option<Option<Vec<Canonizer>>>,
    pub convention: Option<Convention>,
    pub targets: Targets,
    pub classes: Vec<usize>,
}

impl Plan {
    /// The plan's targets as the core takes them.
    pub(crate) fn core_targets(&self) -> crate::Targets<'_> {
        match self.targets {
            Targets::Top => crate::Targets::Top,
            Targets::PerSample => crate::Targets::PerSample(&self.classes),
            Targets::Each => crate::Targets::Each(&self.classes),
            Targets::Set => crate::Targets::Set(&self.classes),
        }
    }
}

impl LrpExplainOptions {
    /// Resolves the options into a [`Plan`]; fails on combinations that contradict each
    /// other, naming the options.
    pub(crate) fn plan(&self) -> FfiResult<Plan> {
        let method = match self.method {
            None => None,
            Some(name) => {
                let count = match name {
                    "smoothgrad" => Some(self.samples),
                    "integrated_gradients" => Some(self.steps),
                    _ => None,
                };
                Some(GradientMethod::from_name(
                    name,
                    count,
                    Some(self.noise),
                    self.seed,
                )?)
            }
        };
        if self.rule.is_some() && self.composite.is_some() {
            return Err(Failure::invalid(
                "rule and composite are both set: a rule overrides every layer, a composite \
                 chooses rules per layer; set one of them (the other to \"\")",
            ));
        }
        let rule = match &self.rule {
            Some(name) => Some(Rule::from_name(name, self.parameter)?),
            None => None,
        };
        let composite = match &self.composite {
            Some(name) => Some(Composite::from_name(
                name,
                self.epsilon,
                self.gamma,
                self.low,
                self.high,
            )?),
            None => None,
        };
        let canonizers = match &self.canonizers {
            None => None,
            Some(name) if name.eq_ignore_ascii_case("auto") => Some(None),
            Some(name) => Some(Some(Canonizer::from_name(name)?)),
        };
        let targets = match (self.targets, &self.classes) {
            (Some(Targets::Top), Some(_)) => {
                return Err(Failure::invalid(
                    "targets is \"top\" but classes are set: clear the classes \
                     (lrp_explain_options_set_classes with 0 classes) or choose per_sample, \
                     each or set",
                ))
            }
            (Some(t), None) if t != Targets::Top => {
                return Err(Failure::invalid(format!(
                    "targets \"{}\" needs classes (lrp_explain_options_set_classes)",
                    t.name()
                )))
            }
            (Some(t), _) => t,
            (None, Some(_)) => Targets::PerSample,
            (None, None) => Targets::Top,
        };
        if self.start.is_some() && (self.targets.is_some() || self.classes.is_some()) {
            return Err(Failure::invalid(
                "a start array and targets or classes are both set: the start array says \
                 what is explained; clear one (lrp_explain_options_set_array with NULL data)",
            ));
        }
        if let (Some(c), Targets::Each | Targets::Set) = (&self.classes, targets) {
            if let Some(k) = c
                .iter()
                .enumerate()
                .find_map(|(i, k)| c[..i].contains(k).then_some(*k))
            {
                return Err(Failure::invalid(format!(
                    "classes lists class {k} twice (targets \"{}\" needs distinct classes)",
                    targets.name()
                )));
            }
        }
        Ok(Plan {
            method,
            rule,
            composite,
            canonizers,
            convention: self.convention,
            targets,
            classes: self.classes.clone().unwrap_or_default(),
        })
    }
}

/// New explain options, every option at its default (see `lrp_explain_options_set` and
/// `lrp_explain_options_set_str`). Free with `lrp_explain_options_free`. NULL only if
/// memory runs out.
#[no_mangle]
pub extern "C" fn lrp_explain_options_new() -> *mut LrpExplainOptions {
    value("lrp_explain_options_new", std::ptr::null_mut(), || {
        Ok(Box::into_raw(Box::default()))
    })
}

/// Frees explain options. NULL is a no-op.
///
/// # Safety
/// `opts` must be NULL or from `lrp_explain_options_new`, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn lrp_explain_options_free(opts: *mut LrpExplainOptions) {
    if !opts.is_null() {
        drop(Box::from_raw(opts));
    }
}

unsafe fn options<'a>(opts: *mut LrpExplainOptions) -> FfiResult<&'a mut LrpExplainOptions> {
    opts.as_mut().ok_or_else(|| Failure::null("opts"))
}

/// The numeric options' names, for error messages.
const NUMERIC: &str = "parameter, epsilon, gamma, low, high, samples, noise, seed, steps, layout";
/// The string options' names.
const STRINGS: &str = "method, rule, composite, canonizers, convention, targets, layout";

/// A whole number from `min` to 2^53 (above it doubles skip whole numbers).
fn whole(name: &str, v: f64, min: f64) -> FfiResult<u64> {
    if !(v.fract() == 0.0 && (min..=9007199254740992.0).contains(&v)) {
        return Err(Failure::invalid(format!(
            "{name} must be a whole number from {min} to 2^53, given {v}"
        )));
    }
    Ok(v as u64)
}

/// NaN (the default) or a finite value.
fn finite_or_default(name: &str, v: f64) -> FfiResult<Option<f64>> {
    if v.is_nan() {
        return Ok(None);
    }
    if !v.is_finite() {
        return Err(Failure::invalid(format!(
            "{name} must be finite (NaN for the default), given {v}"
        )));
    }
    Ok(Some(v))
}

/// Sets a numeric option by name (case-insensitive, otherwise exact). NaN resets an option
/// to its default. The options and their defaults:
/// - "parameter": the parameter of the "rule" option (epsilon, alpha, gamma, ...; finite;
///   default: the rule's own, epsilon 0.01, alpha 1).
/// - "epsilon", "gamma", "low", "high": the "composite" option's parameters (finite;
///   defaults epsilon 1e-6, gamma 0.25; epsilon_gamma_box requires low and high, the input
///   bounds of its first layer).
/// - "samples": SmoothGrad's noisy copies (whole, >= 1; default 50).
/// - "noise": SmoothGrad's noise level, the noise's standard deviation relative to each
///   sample's value range (max - min) (finite, >= 0; default 0.15).
/// - "seed": SmoothGrad's seed (whole, 0 to 2^53; default 0; the same seed gives the same
///   result on every platform).
/// - "steps": integrated gradients' steps (whole, >= 1; default 50).
/// - "layout": LRP_LAYOUT_ROW_MAJOR (0, the default) or LRP_LAYOUT_COL_MAJOR (1): how the
///   elements of x, the result and the arrays given to the options lie in memory. Dims are
///   always batch first in the network's axis order, whatever the layout.
///
/// Parameters that the chosen method, rule or composite does not use are ignored. An
/// unknown name, a string option (see `lrp_explain_options_set_str`) or a value out of range
/// is LRP_ERR_INVALID_ARGUMENT naming the option and the value; nothing changes then.
///
/// # Safety
/// `opts` NULL or live; `name` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn lrp_explain_options_set(
    opts: *mut LrpExplainOptions,
    name: *const c_char,
    value: f64,
) -> i32 {
    status("lrp_explain_options_set", || {
        let opts = options(opts)?;
        let name = args::text(name, "name")?;
        let key = name.to_ascii_lowercase();
        let defaults = LrpExplainOptions::default();
        match key.as_str() {
            "parameter" => opts.parameter = finite_or_default(name, value)?,
            "epsilon" => opts.epsilon = finite_or_default(name, value)?,
            "gamma" => opts.gamma = finite_or_default(name, value)?,
            "low" => opts.low = finite_or_default(name, value)?,
            "high" => opts.high = finite_or_default(name, value)?,
            "samples" | "steps" | "seed" | "noise" | "layout" if value.is_nan() => {
                match key.as_str() {
                    "samples" => opts.samples = defaults.samples,
                    "steps" => opts.steps = defaults.steps,
                    "seed" => opts.seed = defaults.seed,
                    "noise" => opts.noise = defaults.noise,
                    _ => opts.layout = defaults.layout,
                }
            }
            "samples" => opts.samples = whole(name, value, 1.0)? as usize,
            "steps" => opts.steps = whole(name, value, 1.0)? as usize,
            "seed" => opts.seed = whole(name, value, 0.0)?,
            "noise" => {
                if !(value.is_finite() && value >= 0.0) {
                    return Err(Failure::invalid(format!(
                        "{name} must be finite and >= 0, given {value}"
                    )));
                }
                opts.noise = value;
            }
            "layout" => {
                if value.fract() != 0.0 || !(0.0..=1.0).contains(&value) {
                    return Err(Failure::invalid(format!(
                        "{name} must be LRP_LAYOUT_ROW_MAJOR (0) or LRP_LAYOUT_COL_MAJOR (1), \
                         given {value}"
                    )));
                }
                opts.layout = args::layout(value as i32)?;
            }
            "method" | "rule" | "composite" | "canonizers" | "convention" | "targets" => {
                return Err(Failure::invalid(format!(
                    "option '{name}' takes a string: use lrp_explain_options_set_str"
                )))
            }
            _ => {
                return Err(Failure::invalid(format!(
                    "unknown option '{name}' (numeric options: {NUMERIC}; string options: \
                     {STRINGS})"
                )))
            }
        }
        Ok(())
    })
}

/// Sets a string option by name (names and values case-insensitive, otherwise exact: no
/// surrounding whitespace). "" (or NULL) resets an option to its default. The options:
/// - "method": "lrp" (the default), or a gradient method as in `lrp_network_attribute`:
///   "gradient", "input_x_gradient", "sensitivity", "guided_backprop", "deconvnet",
///   "smoothgrad", "integrated_gradients" (`_` and `-` ignored; "ig").
/// - "rule": LRP's rule for every layer that accepts it, as in
///   `lrp_network_set_lrp_parameters` ("epsilon", "alphabeta", "flat", "ww", "gamma",
///   "zbox", "simple"), with the "parameter" option. Default: each layer's preset.
/// - "composite": a zennit composite for LRP, as in `lrp_network_set_composite`
///   ("epsilon_plus", "epsilon_alpha2_beta1", "epsilon_plus_flat", "epsilon_gamma_box"),
///   with the "epsilon", "gamma", "low", "high" options. Default: none (the presets).
///   Excludes "rule".
/// - "canonizers": as in `lrp_network_canonize` ("merge_batchnorm", "vgg", "resnet",
///   "resnet_sum", "auto": what a composite needs on this network, "none"). Default: none.
/// - "convention": "toolbox" or "zennit" (see LRP_CONVENTION_*). Default: the handle's.
/// - "targets": what is explained, with the classes of `lrp_explain_options_set_classes`
///   (0-based): "top" (each sample's highest output; the default without classes),
///   "per_sample" (sample n explained for classes[n], one class per sample; the default with
///   classes), "each" (one map per listed class, every sample explained for it: K maps,
///   see `lrp_network_explain_dims`), "set" (one map of the sum of the listed classes'
///   outputs, the Caffe toolbox's class set). Targets need an N x C output; for any other
///   output give a "start" array (`lrp_explain_options_set_array`).
/// - "layout": "row_major" (the default) or "col_major", as the numeric option.
///
/// The rule, composite, canonizers and convention apply to this explanation only: the
/// handle's presets stay as they are (a private copy of the network is used when any of
/// composite, canonizers or convention is set, at the cost of copying its parameters per
/// call; apply them to the handle once with `lrp_network_set_composite` and friends to
/// avoid that). An unknown option is LRP_ERR_INVALID_ARGUMENT, an unknown method, rule or
/// composite LRP_ERR_UNKNOWN_RULE, another bad value LRP_ERR_INVALID_ARGUMENT, each naming
/// the option and the value; nothing changes then.
///
/// # Safety
/// `opts` NULL or live; `name` NULL or a NUL-terminated string; `value` NULL or a
/// NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn lrp_explain_options_set_str(
    opts: *mut LrpExplainOptions,
    name: *const c_char,
    value: *const c_char,
) -> i32 {
    status("lrp_explain_options_set_str", || {
        let opts = options(opts)?;
        let name = args::text(name, "name")?;
        let value = if value.is_null() {
            ""
        } else {
            args::text(value, "value")?
        };
        let given = (!value.is_empty()).then(|| value.to_string());
        match name.to_ascii_lowercase().as_str() {
            "method" => {
                opts.method = if value.is_empty() || value.eq_ignore_ascii_case("lrp") {
                    None
                } else {
                    Some(GradientMethod::from_name(value, None, None, 0)?.name())
                }
            }
            "rule" => {
                if let Some(v) = &given {
                    Rule::from_name(v, None)?;
                }
                opts.rule = given;
            }
            "composite" => {
                if let Some(v) = &given {
                    // The name alone: the bounds of epsilon_gamma_box may come later.
                    Composite::from_name(v, None, None, Some(0.0), Some(0.0))?;
                }
                opts.composite = given;
            }
            "canonizers" => {
                if let Some(v) = &given {
                    if !v.eq_ignore_ascii_case("auto") {
                        Canonizer::from_name(v)?;
                    }
                }
                opts.canonizers = given;
            }
            "convention" => {
                opts.convention = match value.to_ascii_lowercase().as_str() {
                    "" => None,
                    "toolbox" => Some(Convention::Toolbox),
                    "zennit" => Some(Convention::Zennit),
                    _ => {
                        return Err(Failure::invalid(format!(
                            "convention must be toolbox or zennit, given '{value}'"
                        )))
                    }
                }
            }
            "targets" => {
                opts.targets = match value.to_ascii_lowercase().as_str() {
                    "" => None,
                    "top" => Some(Targets::Top),
                    "per_sample" => Some(Targets::PerSample),
                    "each" => Some(Targets::Each),
                    "set" => Some(Targets::Set),
                    _ => {
                        return Err(Failure::invalid(format!(
                            "targets must be top, per_sample, each or set, given '{value}'"
                        )))
                    }
                }
            }
            "layout" => {
                opts.layout = match value.to_ascii_lowercase().as_str() {
                    "" | "row_major" => Layout::RowMajor,
                    "col_major" => Layout::ColMajor,
                    _ => {
                        return Err(Failure::invalid(format!(
                            "layout must be row_major or col_major, given '{value}'"
                        )))
                    }
                }
            }
            "parameter" | "epsilon" | "gamma" | "low" | "high" | "samples" | "noise" | "seed"
            | "steps" => {
                return Err(Failure::invalid(format!(
                    "option '{name}' takes a number: use lrp_explain_options_set"
                )))
            }
            _ => {
                return Err(Failure::invalid(format!(
                    "unknown option '{name}' (string options: {STRINGS}; numeric options: \
                     {NUMERIC})"
                )))
            }
        }
        Ok(())
    })
}

/// Sets the classes to explain (0-based, copied): `n` values from `classes`, read as the
/// "targets" option says (per sample by default: n must then equal the batch size N).
/// `n` = 0 clears them (`classes` may then be NULL). A negative class, `n` above
/// LRP_MAX_CLASSES or NULL `classes` with `n` > 0 is an error naming it; nothing changes
/// then. Classes at or above the network's C are reported by the explain call.
///
/// # Safety
/// `opts` NULL or live; `classes` NULL or readable for `n` values.
#[no_mangle]
pub unsafe extern "C" fn lrp_explain_options_set_classes(
    opts: *mut LrpExplainOptions,
    classes: *const i32,
    n: usize,
) -> i32 {
    status("lrp_explain_options_set_classes", || {
        let opts = options(opts)?;
        if n == 0 {
            opts.classes = None;
            return Ok(());
        }
        if n > LRP_MAX_CLASSES {
            return Err(Failure::invalid(format!(
                "n must be at most LRP_MAX_CLASSES ({LRP_MAX_CLASSES}), given {n}"
            )));
        }
        if classes.is_null() {
            return Err(Failure::null("classes"));
        }
        let list = std::slice::from_raw_parts(classes, n)
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                usize::try_from(c).map_err(|_| {
                    Failure::invalid(format!("classes[{i}] must be >= 0 (0-based), given {c}"))
                })
            })
            .collect::<FfiResult<Vec<usize>>>()?;
        opts.classes = Some(list);
        Ok(())
    })
}

/// Sets an array option by name (copied; `data` NULL clears it, `dims` and `rank` are then
/// ignored). The arrays are read in the options' "layout" when an explanation runs, with
/// `rank` dims `dims` batch first in the network's axis order:
/// - "start": what the explanation starts from at the output, shaped like the network's
///   output for x (see `lrp_network_output_dims`): LRP's relevance R, or the gradient
///   methods' dy (the gradient of sum(dy .* output) is explained). Replaces targets and
///   classes (setting both is an error at explain time), and works for outputs of any
///   shape.
/// - "baseline": integrated gradients' baseline x0, shaped like x (default: zeros). Other
///   methods given one fail at explain time (it would have no effect).
///
/// An unknown name, a rank outside 1..LRP_MAX_RANK, a dim of 0 or dims whose element count
/// overflows is an error naming it; nothing changes then.
///
/// # Safety
/// `opts` NULL or live; `name` NULL or a NUL-terminated string; `dims` NULL or readable for
/// `rank` values; `data` NULL or readable for the product of `dims` doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_explain_options_set_array(
    opts: *mut LrpExplainOptions,
    name: *const c_char,
    data: *const f64,
    dims: *const usize,
    rank: i32,
) -> i32 {
    status("lrp_explain_options_set_array", || {
        let opts = options(opts)?;
        let name = args::text(name, "name")?;
        let key = name.to_ascii_lowercase();
        if key != "start" && key != "baseline" {
            return Err(Failure::invalid(format!(
                "unknown array option '{name}' (start, baseline)"
            )));
        }
        let given = if data.is_null() {
            None
        } else {
            let dims = array::dims(dims, rank, "dims", "rank")?;
            let n = array::count(&dims);
            let mut copy = crate::buffer::with_capacity_for(name, &dims)?;
            copy.extend_from_slice(std::slice::from_raw_parts(data, n));
            Some(GivenArray { data: copy, dims })
        };
        if key == "start" {
            opts.start = given;
        } else {
            opts.baseline = given;
        }
        Ok(())
    })
}
