//! The one error type of the library: a variant per kind of failure, each carrying what a
//! user needs to fix the call (which argument, expected versus given, file and line).

use std::fmt;
use std::path::PathBuf;

/// Every way a call into the library can fail. Bad input never panics; it returns one of
/// these, and the C layer maps each variant to a stable status code.
#[derive(Debug)]
pub enum LrpError {
    /// An array's shape does not fit. `what` names the argument or layer.
    ShapeMismatch {
        /// The argument or layer whose shape is wrong, e.g. "input of layer 3 (Linear)".
        what: String,
        /// The expected shape; `None` entries stand for "any size" (usually the batch).
        expected: Vec<Option<usize>>,
        /// The shape that was given.
        given: Vec<usize>,
    },
    /// A rule name that is neither a rule nor one of the toolbox's aliases.
    UnknownRule {
        /// The name as given.
        name: String,
    },
    /// A composite name that is none of the known composites.
    UnknownComposite {
        /// The name as given.
        name: String,
    },
    /// A gradient method name that is none of SPEC.md's "Gradient methods".
    UnknownMethod {
        /// The name as given.
        name: String,
    },
    /// A parameter outside its allowed range (epsilon <= 0, a zero pool size, ...).
    BadParameter {
        /// The parameter's name.
        name: String,
        /// What was given and what is allowed.
        message: String,
    },
    /// Reading or writing a file failed.
    Io {
        /// The file involved.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A file's content does not follow its format.
    Parse {
        /// The file (or a label such as `<string>` for in-memory text).
        file: String,
        /// 1-based line number where the problem was found.
        line: usize,
        /// What the reader expected and what it found.
        message: String,
    },
    /// A call that needs an earlier one (for example `lrp` or `backward` before `forward`).
    OutOfOrder {
        /// The call that was made.
        call: &'static str,
        /// What has to happen first.
        needs: &'static str,
    },
    /// An input contains NaN or an infinity.
    NonFinite {
        /// The argument that holds it.
        what: String,
        /// Multi-index (row-major, batch first) of the first offending element.
        index: Vec<usize>,
        /// The offending value.
        value: f64,
    },
    /// An ONNX model that cannot be read: a malformed protobuf, or an op, attribute, tensor
    /// or graph structure the ONNX reader does not support (see `lrp::onnx`).
    Onnx {
        /// The file (or a label such as `<bytes>` for in-memory data).
        file: String,
        /// The node's name (`#<index> <op>` when the file gives it none); empty when the
        /// problem is not one node's (the model header, the graph's inputs or outputs).
        node: String,
        /// The node's op type (empty with `node`).
        op: String,
        /// What is wrong, naming the attribute, input or tensor involved.
        message: String,
    },
}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, LrpError>;

fn fmt_shape(shape: &[Option<usize>]) -> String {
    let parts: Vec<String> = shape
        .iter()
        .map(|d| d.map_or_else(|| "N".to_string(), |d| d.to_string()))
        .collect();
    format!("[{}]", parts.join(" x "))
}

impl fmt::Display for LrpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LrpError::ShapeMismatch {
                what,
                expected,
                given,
            } => {
                let given: Vec<Option<usize>> = given.iter().map(|&d| Some(d)).collect();
                write!(
                    f,
                    "shape mismatch for {what}: expected {}, given {}",
                    fmt_shape(expected),
                    fmt_shape(&given)
                )
            }
            LrpError::UnknownRule { name } => write!(
                f,
                "unknown LRP rule '{name}' (known: simple/none, epsilon, alphabeta/alpha, flat, \
                 ww/w^2, zplus, gamma, zbox)"
            ),
            LrpError::UnknownComposite { name } => write!(
                f,
                "unknown composite '{name}' (known: epsilon_plus, epsilon_alpha2_beta1, \
                 epsilon_plus_flat, epsilon_gamma_box)"
            ),
            LrpError::UnknownMethod { name } => write!(
                f,
                "unknown gradient method '{name}' (known: gradient, input_x_gradient, sensitivity, \
                 guided_backprop, deconvnet, smoothgrad, integrated_gradients)"
            ),
            LrpError::BadParameter { name, message } => {
                write!(f, "bad parameter {name}: {message}")
            }
            LrpError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            LrpError::Parse {
                file,
                line,
                message,
            } => write!(f, "{file}:{line}: {message}"),
            LrpError::OutOfOrder { call, needs } => {
                write!(f, "{call} called out of order: {needs} first")
            }
            LrpError::NonFinite { what, index, value } => write!(
                f,
                "non-finite value {value} in {what} at index {index:?} (row-major, batch first)"
            ),
            LrpError::Onnx {
                file,
                node,
                op,
                message,
            } => {
                if node.is_empty() && op.is_empty() {
                    write!(f, "{file}: ONNX: {message}")
                } else {
                    write!(f, "{file}: ONNX node '{node}' ({op}): {message}")
                }
            }
        }
    }
}

impl std::error::Error for LrpError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LrpError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl LrpError {
    /// A shape mismatch where every expected dimension is known.
    pub fn shape(what: impl Into<String>, expected: &[usize], given: &[usize]) -> Self {
        LrpError::ShapeMismatch {
            what: what.into(),
            expected: expected.iter().map(|&d| Some(d)).collect(),
            given: given.to_vec(),
        }
    }

    /// A bad parameter error.
    pub fn param(name: impl Into<String>, message: impl Into<String>) -> Self {
        LrpError::BadParameter {
            name: name.into(),
            message: message.into(),
        }
    }
}
