//! The toolbox's plain-text model format (SPEC.md "The plain-text model format"): reading
//! (both Linear layouts) and writing (shortest decimals that read back bit-exactly).

use crate::error::{LrpError, Result};
use crate::layers::{Convolution, Layer, Linear, Pool};
use crate::network::Network;
use ndarray::{Array1, Array2, Array4};
use std::fmt::Write as _;
use std::path::Path;

/// Reads a model file: the toolbox's text format, or an ONNX model when the name ends in
/// `.onnx` (see [`crate::onnx`]; such a network takes N x C x H x W arrays). Errors name
/// the file and line (text) or node (ONNX).
pub fn read(path: impl AsRef<Path>) -> Result<Network> {
    let path = path.as_ref();

    let text = std::fs::read_to_string(path).map_err(|source| LrpError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, &path.display().to_string())
}

/// Writes a model file. The text goes to a temporary file next to `path` first and is
/// renamed over it only when complete, so a failed write never destroys an existing model.
pub fn write(net: &Network, path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
    let io = |source| LrpError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".partial");
    std::fs::write(&tmp, to_text(net)).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(e)
    })
}

/// The model as text in the format `parse` reads: per layer a header line (its name and
/// the sizes that define it), then one line per stored vector (W and B of Linear and
/// Convolution, ...). A network whose nodes are not a sequence writes each node's input
/// values after a `<` on its header line; a channels-first network starts with `Layout
/// NCHW`.
pub fn to_text(net: &Network) -> String {
    let mut out = String::new();
    if net.layout() == crate::network::Layout::ChannelsFirst {
        out.push_str("Layout NCHW\n");
    }
    let sequential = net.is_sequential();
    for (i, layer) in net.layers().enumerate() {
        out.push_str(layer.kind().name());
        for size in layer.sizes() {
            let _ = write!(out, " {size}");
        }
        if !sequential {
            out.push_str(" <");
            for v in net.node_inputs(i).expect("a node of the network") {
                let _ = write!(out, " {v}");
            }
        }
        out.push('\n');
        for line in layer.number_lines() {
            write_numbers(&mut out, line.iter());
        }
    }
    out
}

/// One line of numbers, each the shortest decimal that parses back to the same f64.
fn write_numbers<'a>(out: &mut String, values: impl Iterator<Item = &'a f64>) {
    let mut first = true;
    for v in values {
        if !first {
            out.push(' ');
        }
        first = false;
        out.push_str(&shortest_decimal(*v));
    }
    out.push('\n');
}

/// Rust prints the shortest round-trip digits both ways; take the shorter notation.
fn shortest_decimal(v: f64) -> String {
    let plain = format!("{v}");
    let exp = format!("{v:e}");
    if exp.len() < plain.len() {
        exp
    } else {
        plain
    }
}

/// Parses model text. `file` names the source in error messages.
pub fn parse(text: &str, file: &str) -> Result<Network> {
    let mut lines = Lines::new(text, file);
    let mut net = Network::new();
    while let Some((line_no, line)) = lines.next_nonempty() {
        let mut tokens = line.split_whitespace();
        let name = tokens.next().expect("non-empty line");
        let args: Vec<&str> = tokens.collect();
        let layer = match name {
            "Linear" => {
                let [m, n] = lines.sizes(line_no, name, &args)?;
                let header = format!("Linear {m} {n} (line {line_no})");
                let w = lines.linear_weights(&header, m, n)?;
                let b = lines.numbers(&format!("{n} biases of {header}"), n)?;
                Layer::Linear(Linear::new(w, Array1::from(b)).map_err(|e| lines.error(line_no, e.to_string()))?)
            }
            "Convolution" => {
                let [hf, wf, df, nf, sh, sw] = lines.sizes(line_no, name, &args)?;
                let header = format!("Convolution {hf} {wf} {df} {nf} {sh} {sw} (line {line_no})");
                let count = hf * wf * df * nf;
                let w = lines.numbers(&format!("{count} weights of {header}"), count)?;
                let b = lines.numbers(&format!("{nf} biases of {header}"), nf)?;
                let w = Array4::from_shape_vec((hf, wf, df, nf), w).expect("counted");
                Layer::Convolution(
                    Convolution::new(w, Array1::from(b), (sh, sw)).map_err(|e| lines.error(line_no, e.to_string()))?,
                )
            }
            "MaxPool" | "SumPool" => {
                let [ph, pw, sh, sw] = lines.sizes(line_no, name, &args)?;
                let pool = Pool::new((ph, pw), (sh, sw)).map_err(|e| lines.error(line_no, e.to_string()))?;
                if name == "MaxPool" {
                    Layer::MaxPool(pool)
                } else {
                    Layer::SumPool(pool)
                }
            }
            "Flatten" | "Rect" | "Tanh" | "SoftMax" => {
                let [] = lines.sizes(line_no, name, &args)?;
                match name {
                    "Flatten" => Layer::Flatten,
                    "Rect" => Layer::Rect,
                    "Tanh" => Layer::Tanh,
                    _ => Layer::SoftMax,
                }
            }
            other => {
                return Err(lines.error(
                    line_no,
                    format!(
                        "expected a layer name (Linear, Convolution, MaxPool, SumPool, Flatten, Rect, Tanh, SoftMax), found '{}'",
                        truncate(other)
                    ),
                ))
            }
        };
        net.push(layer);
    }
    Ok(net)
}

/// Long tokens are cut in messages.
fn truncate(token: &str) -> String {
    let mut t: String = token.chars().take(40).collect();
    if t.len() < token.len() {
        t.push_str("...");
    }
    t
}

/// Non-empty lines with their 1-based numbers, and the readers of the format's parts.
struct Lines<'a> {
    inner: std::iter::Peekable<std::iter::Enumerate<std::str::Lines<'a>>>,
    file: &'a str,
    last_line: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str, file: &'a str) -> Self {
        Lines {
            inner: text.lines().enumerate().peekable(),
            file,
            last_line: 0,
        }
    }

    fn error(&self, line: usize, message: String) -> LrpError {
        LrpError::Parse {
            file: self.file.to_string(),
            line,
            message,
        }
    }

    fn next_nonempty(&mut self) -> Option<(usize, &'a str)> {
        for (i, line) in self.inner.by_ref() {
            self.last_line = i + 1;
            if !line.trim().is_empty() {
                return Some((i + 1, line));
            }
        }
        None
    }

    /// The N positive integers of a layer header.
    fn sizes<const N: usize>(&self, line: usize, name: &str, args: &[&str]) -> Result<[usize; N]> {
        if args.len() != N {
            return Err(self.error(
                line,
                format!("expected {N} sizes after '{name}', found {}", args.len()),
            ));
        }
        let mut out = [0; N];
        for (o, a) in out.iter_mut().zip(args) {
            *o = a.parse::<usize>().ok().filter(|&v| v > 0).ok_or_else(|| {
                self.error(
                    line,
                    format!(
                        "expected a positive integer size after '{name}', found '{}'",
                        truncate(a)
                    ),
                )
            })?;
        }
        // The weight count multiplies the sizes: refuse headers whose product overflows.
        if out
            .iter()
            .try_fold(1usize, |acc, &v| acc.checked_mul(v))
            .is_none()
        {
            return Err(self.error(
                line,
                format!("sizes after '{name}' are too large: {args:?}"),
            ));
        }
        Ok(out)
    }

    /// The next non-empty line as exactly `count` finite numbers; `what` describes them.
    fn numbers(&mut self, what: &str, count: usize) -> Result<Vec<f64>> {
        let (line_no, line) = self.next_nonempty().ok_or_else(|| {
            self.error(
                self.last_line + 1,
                format!("unexpected end of file: expected {what}"),
            )
        })?;
        let values = self.parse_line(line_no, line)?;
        if values.len() != count {
            return Err(self.error(
                line_no,
                format!("expected {what}, found {} numbers", values.len()),
            ));
        }
        Ok(values)
    }

    fn parse_line(&self, line_no: usize, line: &str) -> Result<Vec<f64>> {
        line.split_whitespace()
            .map(|t| match t.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                Ok(v) => Err(self.error(line_no, format!("expected a finite number, found {v}"))),
                Err(_) => Err(self.error(
                    line_no,
                    format!("expected a number, found '{}'", truncate(t)),
                )),
            })
            .collect()
    }

    /// W of a Linear layer: m*n numbers on one line, or the legacy m lines of n numbers.
    fn linear_weights(&mut self, header: &str, m: usize, n: usize) -> Result<Array2<f64>> {
        let what = format!(
            "{} weights of {header} on one line, or {m} lines of {n} (legacy layout)",
            m * n
        );
        let (line_no, line) = self.next_nonempty().ok_or_else(|| {
            self.error(
                self.last_line + 1,
                format!("unexpected end of file: expected {what}"),
            )
        })?;
        let mut values = self.parse_line(line_no, line)?;
        if values.len() == n && m > 1 {
            for row in 1..m {
                let row_what = format!("row {} of {m} of W ({n} numbers) of {header}", row + 1);
                values.extend(self.numbers(&row_what, n)?);
            }
        } else if values.len() != m * n {
            return Err(self.error(
                line_no,
                format!("expected {what}, found {} numbers", values.len()),
            ));
        }
        Ok(Array2::from_shape_vec((m, n), values).expect("counted"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortest_decimal_reads_back_exactly() {
        for v in [
            0.1,
            -0.0,
            1e-300,
            123456789.125,
            f64::MIN_POSITIVE,
            2.0 / 3.0,
            1e22,
        ] {
            let s = shortest_decimal(v);
            assert_eq!(s.parse::<f64>().unwrap().to_bits(), v.to_bits(), "{s}");
        }
        assert_eq!(shortest_decimal(1e-300), "1e-300");
        assert_eq!(shortest_decimal(0.5), "0.5");
    }

    #[test]
    fn legacy_linear_layout_reads_like_the_one_line_layout() {
        let one_line = parse("Linear 2 3\n1 2 3 4 5 6\n0.5 0 -1\nRect\n", "a").unwrap();
        let legacy = parse("Linear 2 3\n1 2 3\n4 5 6\n0.5 0 -1\n\nRect\n", "b").unwrap();
        assert_eq!(one_line, legacy);
        match one_line.layer(0).unwrap() {
            Layer::Linear(l) => assert_eq!(l.w[[1, 0]], 4.0),
            other => panic!("expected Linear, got {other:?}"),
        }
    }
}
