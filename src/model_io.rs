//! The toolbox's plain-text model format (SPEC.md "The plain-text model format"): reading
//! (both Linear layouts) and writing (shortest decimals that read back bit-exactly).

use crate::error::{LrpError, Result};
use crate::layers::{Convolution, Layer, Linear, Pool};
use crate::network::Network;
use ndarray::{Array1, Array2, Array4};
use std::fmt::Write as _;
use std::io::BufRead;
use std::path::Path;

/// The longest word or number the model reader accepts, in bytes (the longest number a
/// writer needs is about 25). A longer one, such as the first "word" of `/dev/zero` or of
/// a binary file, is a parse error at its line, found after reading at most this much.
pub const MAX_TOKEN_BYTES: usize = 256;
/// The most whitespace (spaces, tabs, line breaks) the reader skips between two words, in
/// bytes: an endless run of blank lines is a parse error, not an endless read.
pub const MAX_BLANK_BYTES: usize = 1 << 20;
/// The most layers a model file may hold.
pub const MAX_LAYERS: usize = 1 << 16;

/// Reads a model file: an ONNX model when the name ends in `.onnx` (see [`crate::onnx`];
/// such a network takes N x C x H x W arrays, errors name the node), otherwise the
/// toolbox's text format, streaming: nothing past the first malformed word is read, a layer's
/// numbers are counted against its header as they come, and the reader stops at the limits
/// above ([`MAX_TOKEN_BYTES`], [`MAX_BLANK_BYTES`], [`MAX_LAYERS`]) and when a header asks
/// for more numbers than the machine's memory holds. Errors name the file and line. A file
/// without layers, and one whose Linear or Convolution sizes do not chain, is an error.
pub fn read(path: impl AsRef<Path>) -> Result<Network> {
    let path = path.as_ref();
    let is_onnx = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("onnx"));
    if is_onnx {
        return crate::onnx::read_network(path);
    }
    let file = std::fs::File::open(path).map_err(|source| LrpError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_from(
        std::io::BufReader::new(file),
        &path.display().to_string(),
        Some(path),
    )
}

/// Writes a model file. The text goes to a temporary file next to `path` first and is
/// renamed over it only when complete, so a failed write never destroys an existing model.
/// A network `read` would refuse (no layers, sizes that do not chain) is not written.
pub fn write(net: &Network, path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
    check_writable(net)?;
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

/// Fails for a network whose text [`parse`] would reject: no layers, or Linear and
/// Convolution sizes that do not chain.
pub fn check_writable(net: &Network) -> Result<()> {
    if net.is_empty() {
        return Err(LrpError::param(
            "network",
            "has no layers: a model file holds at least one",
        ));
    }
    // The text format is the toolbox's: a sequence of its eight layer kinds, valid
    // convolutions and unpadded pools, channels last. Writing anything else would give a
    // file this reader cannot read back, so it is refused (keep such networks as ONNX).
    let beyond = |why: String| {
        Err(LrpError::param(
            "network",
            format!("{why}: the text model format holds only the toolbox's layers in sequence (keep this model as its ONNX file)"),
        ))
    };
    if !net.is_sequential() {
        return beyond("is a graph, not a sequence".into());
    }
    if net.layout() == crate::network::Layout::ChannelsFirst {
        return beyond("takes N x C x H x W batches".into());
    }
    for (i, layer) in net.layers().enumerate() {
        let plain = match layer {
            Layer::Convolution(c) => c.is_plain(),
            Layer::MaxPool(p) | Layer::SumPool(p) => p.is_plain(),
            Layer::Linear(_) | Layer::Flatten | Layer::Rect | Layer::Tanh | Layer::SoftMax => true,
            _ => false,
        };
        if !plain {
            return beyond(format!(
                "layer {} is a {} {:?}",
                i + 1,
                layer.kind().name(),
                layer.sizes()
            ));
        }
    }
    let mut chain = Chain::default();
    for (i, layer) in net.layers().enumerate() {
        if let Some(message) = chain.push(layer, format!("layer {}", i + 1)) {
            return Err(LrpError::param("network", message));
        }
    }
    Ok(())
}

/// What the reader knows about the output of the layers so far, to check that the next
/// Linear or Convolution layer's input size fits it.
#[derive(Default)]
struct Chain {
    /// Rows of `features` values (after a Linear layer, through Rect, Tanh, SoftMax and
    /// Flatten), or images of `channels` channels (after a Convolution, through
    /// activations and pools), with the layer that determined it.
    known: Option<(Known, String)>,
}

#[derive(Clone, Copy)]
enum Known {
    Features(usize),
    Channels(usize),
}

impl Chain {
    /// Adds a layer (`what` names it in messages); a message when its input size
    /// contradicts what the layers before it give.
    fn push(&mut self, layer: &Layer, what: String) -> Option<String> {
        let describe = |layer: &Layer| match layer {
            Layer::Linear(l) => format!("Linear {} {}", l.inputs(), l.outputs()),
            Layer::Convolution(c) => {
                let [hf, wf, df, nf] = c.filter_size();
                format!(
                    "Convolution {hf} {wf} {df} {nf} {} {}",
                    c.stride.0, c.stride.1
                )
            }
            other => other.kind().name().to_string(),
        };
        let mismatch = |takes: String, gives: String, by: &str| {
            Some(format!(
                "{} ({what}) takes {takes}, but {by} gives {gives}: the layer sizes do not chain",
                describe(layer)
            ))
        };
        match (layer, &self.known) {
            (Layer::Linear(l), Some((Known::Features(f), by))) if *f != l.inputs() => {
                return mismatch(format!("{} inputs", l.inputs()), f.to_string(), by);
            }
            (Layer::Convolution(c), Some((Known::Channels(ch), by)))
                if *ch != c.input_channels() =>
            {
                return mismatch(
                    format!("{} input channels", c.input_channels()),
                    format!("{ch} channels"),
                    by,
                );
            }
            _ => {}
        }
        let by = format!("{} ({what})", describe(layer));
        self.known = match (layer, self.known.take()) {
            (Layer::Linear(l), _) => Some((Known::Features(l.outputs()), by)),
            (Layer::Convolution(c), _) => Some((Known::Channels(c.filter_size()[3]), by)),
            (Layer::Rect | Layer::Tanh, known) => known,
            (Layer::SoftMax | Layer::Flatten, Some(k @ (Known::Features(_), _))) => Some(k),
            (Layer::MaxPool(_) | Layer::SumPool(_), Some(k @ (Known::Channels(_), _))) => Some(k),
            _ => None,
        };
        None
    }
}

/// The model as text: per layer a header line (its name and the sizes that define it),
/// then one line per stored vector (W and B of Linear and Convolution, ...). For the
/// toolbox's networks (what [`check_writable`] accepts) this is the format `parse` reads.
/// Other networks get the same layout as a description for people, which `parse` does not
/// read: each node's input values after a `<` on its header line, `Layout NCHW` first for
/// a channels-first network, the extra sizes of padded or grouped layers.
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
    parse_from(text.as_bytes(), file, None)
}

/// Parses a model from a stream (see [`read`]); `path`, when given, names the file in
/// I/O errors.
fn parse_from(reader: impl BufRead, file: &str, path: Option<&Path>) -> Result<Network> {
    let mut lines = Lines::new(reader, file, path);
    let mut net = Network::new();
    let mut chain = Chain::default();
    while let Some((line_no, words)) = lines.next_header()? {
        if net.len() == MAX_LAYERS {
            return Err(lines.error(
                line_no,
                format!("more than {MAX_LAYERS} layers (the reader's limit)"),
            ));
        }
        // The reader's own words (split at ASCII whitespace), not split again: a vertical
        // tab is part of a word here but whitespace to str::split_whitespace.
        let name = words[0].as_str();
        let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
        let layer = match name {
            "Linear" => {
                let [m, n] = lines.sizes(line_no, name, &args)?;
                let header = format!("Linear {m} {n} (line {line_no})");
                lines.reserve(line_no, &header, &[m * n, n])?;
                let w = lines.linear_weights(&header, m, n)?;
                let b = lines.numbers(&format!("{n} biases of {header}"), n)?;
                Layer::Linear(Linear::new(w, Array1::from(b)).map_err(|e| lines.error(line_no, e.to_string()))?)
            }
            "Convolution" => {
                let [hf, wf, df, nf, sh, sw] = lines.sizes(line_no, name, &args)?;
                let header = format!("Convolution {hf} {wf} {df} {nf} {sh} {sw} (line {line_no})");
                let count = hf * wf * df * nf;
                lines.reserve(line_no, &header, &[count, nf])?;
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
        if let Some(message) = chain.push(&layer, format!("line {line_no}")) {
            return Err(lines.error(line_no, message));
        }
        net.push(layer);
    }
    if net.is_empty() {
        return Err(lines.error(
            lines.line,
            "the file holds no layers (expected a layer name: Linear, Convolution, MaxPool, SumPool, Flatten, Rect, Tanh, SoftMax)".to_string(),
        ));
    }
    Ok(net)
}

/// Long tokens are cut in messages; control characters and bytes that are not UTF-8 are
/// shown escaped.
fn truncate(token: &str) -> String {
    let mut t: String = token
        .chars()
        .take(40)
        .flat_map(char::escape_debug)
        .collect();
    if token.chars().count() > 40 {
        t.push_str("...");
    }
    t
}

/// The most words a layer header line may hold (a name and at most six sizes).
const MAX_HEADER_WORDS: usize = 16;
/// How many numbers past the expected count a line is scanned for, to say how many it
/// holds.
const MAX_SURPLUS_SCAN: usize = 4096;

/// The model text as a stream of words on numbered lines, and the readers of the format's
/// parts. Reads only as far as the parser asks, and at most [`MAX_TOKEN_BYTES`] per word
/// and [`MAX_BLANK_BYTES`] of whitespace between words.
struct Lines<'a, R> {
    reader: R,
    file: &'a str,
    path: Option<&'a Path>,
    /// The 1-based line the reader is on.
    line: usize,
    /// Whether nothing but whitespace has been read on the current line.
    at_line_start: bool,
    /// Numbers the headers read so far asked for (against the memory limit).
    reserved: usize,
}

impl<'a, R: BufRead> Lines<'a, R> {
    fn new(reader: R, file: &'a str, path: Option<&'a Path>) -> Self {
        Lines {
            reader,
            file,
            path,
            line: 1,
            at_line_start: true,
            reserved: 0,
        }
    }

    fn error(&self, line: usize, message: String) -> LrpError {
        LrpError::Parse {
            file: self.file.to_string(),
            line,
            message,
        }
    }

    fn io_error(&self, source: std::io::Error) -> LrpError {
        match self.path {
            Some(path) => LrpError::Io {
                path: path.to_path_buf(),
                source,
            },
            None => self.error(self.line, format!("cannot read: {source}")),
        }
    }

    /// The buffered bytes ahead (empty at the end of the input).
    fn buffer(&mut self) -> Result<&[u8]> {
        loop {
            match self.reader.fill_buf() {
                Ok(_) => break,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.io_error(e)),
            }
        }
        Ok(self.reader.fill_buf().expect("filled above"))
    }

    /// Skips whitespace, across line breaks when `across_lines`, else up to the next line
    /// break. Fails past [`MAX_BLANK_BYTES`].
    fn skip_blank(&mut self, across_lines: bool) -> Result<()> {
        let mut skipped = 0usize;
        loop {
            let (used, newlines, stop) = {
                let buf = self.buffer()?;
                if buf.is_empty() {
                    return Ok(());
                }
                let mut used = 0;
                let mut newlines = 0;
                let mut stop = false;
                // One byte past the limit at most: the whole input may be one buffer.
                for &b in buf.iter().take(MAX_BLANK_BYTES + 1 - skipped) {
                    if b == b'\n' {
                        if !across_lines {
                            stop = true;
                            break;
                        }
                        newlines += 1;
                    } else if !b.is_ascii_whitespace() {
                        stop = true;
                        break;
                    }
                    used += 1;
                }
                (used, newlines, stop)
            };
            self.reader.consume(used);
            if newlines > 0 {
                self.line += newlines;
                self.at_line_start = true;
            }
            skipped += used;
            if skipped > MAX_BLANK_BYTES {
                return Err(self.error(
                    self.line,
                    format!("more than {MAX_BLANK_BYTES} bytes of whitespace in a row (the reader's limit)"),
                ));
            }
            if stop {
                return Ok(());
            }
        }
    }

    /// The next word on the current line, or `None` at its end (or the input's).
    fn word(&mut self) -> Result<Option<String>> {
        self.skip_blank(false)?;
        let mut word = Vec::new();
        loop {
            let (used, done) = {
                let buf = self.buffer()?;
                if buf.is_empty() {
                    (0, true)
                } else {
                    let end = buf
                        .iter()
                        .position(u8::is_ascii_whitespace)
                        .unwrap_or(buf.len());
                    let take = end.min(MAX_TOKEN_BYTES + 1 - word.len());
                    word.extend_from_slice(&buf[..take]);
                    (take, end < buf.len())
                }
            };
            self.reader.consume(used);
            if word.len() > MAX_TOKEN_BYTES {
                return Err(self.error(
                    self.line,
                    format!(
                        "a word longer than {MAX_TOKEN_BYTES} bytes (the reader's limit), starting '{}'",
                        truncate(&String::from_utf8_lossy(&word))
                    ),
                ));
            }
            if done {
                break;
            }
        }
        if word.is_empty() {
            return Ok(None);
        }
        self.at_line_start = false;
        String::from_utf8(word).map(Some).map_err(|e| {
            self.error(
                self.line,
                format!(
                    "the file is not text: '{}' is not UTF-8",
                    truncate(&String::from_utf8_lossy(e.as_bytes()))
                ),
            )
        })
    }

    /// Moves to the next line holding a word and returns its number; `None` at the end.
    fn next_line(&mut self) -> Result<Option<usize>> {
        // The rest of the current line was read by the caller.
        self.skip_blank(true)?;
        Ok((!self.buffer()?.is_empty()).then_some(self.line))
    }

    /// The line an "unexpected end of file" is reported at: the one after the last.
    fn end_line(&self) -> usize {
        if self.at_line_start {
            self.line
        } else {
            self.line + 1
        }
    }

    /// The next non-empty line as a layer header: its number and its words (at least one).
    fn next_header(&mut self) -> Result<Option<(usize, Vec<String>)>> {
        let Some(line_no) = self.next_line()? else {
            return Ok(None);
        };
        let mut words = Vec::new();
        while let Some(w) = self.word()? {
            if words.len() == MAX_HEADER_WORDS {
                return Err(self.error(
                    line_no,
                    format!("expected a layer header (a name and its sizes), found more than {MAX_HEADER_WORDS} words"),
                ));
            }
            words.push(w);
        }
        Ok(Some((line_no, words)))
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

    /// Checks, before reading them, that the numbers a header asks for (`counts`), with
    /// those of the layers before, fit in memory (see `buffer::check_memory`).
    fn reserve(&mut self, line: usize, header: &str, counts: &[usize]) -> Result<()> {
        let total = counts
            .iter()
            .try_fold(self.reserved, |acc, &c| acc.checked_add(c));
        let checked = total.ok_or(()).and_then(|t| {
            crate::buffer::element_count("parameters", &[t])
                .and_then(|_| crate::buffer::check_memory("parameters", &[t]))
                .map(|_| t)
                .map_err(|_| ())
        });
        match checked {
            Ok(t) => {
                self.reserved = t;
                Ok(())
            }
            Err(()) => Err(self.error(
                line,
                format!(
                    "{header} asks for more parameters than the machine's memory holds ({} MB)",
                    crate::buffer::memory_limit() >> 20
                ),
            )),
        }
    }

    /// The numbers on the current line, at most `max` of them (`what` describes what is
    /// expected); more is an error saying how many the line holds.
    fn line_numbers(&mut self, line_no: usize, what: &str, max: usize) -> Result<Vec<f64>> {
        // Grown as the numbers come, not reserved for `max`: memory follows what the file
        // holds, not what a (short, hostile) header claims.
        let mut values = Vec::with_capacity(max.min(4096));
        while let Some(t) = self.word()? {
            if values.len() == max {
                let mut found = max + 1;
                while found <= max + MAX_SURPLUS_SCAN && self.word()?.is_some() {
                    found += 1;
                }
                let found = if found > max + MAX_SURPLUS_SCAN {
                    format!("more than {}", max + MAX_SURPLUS_SCAN)
                } else {
                    found.to_string()
                };
                return Err(self.error(line_no, format!("expected {what}, found {found} numbers")));
            }
            values.push(match t.parse::<f64>() {
                Ok(v) if v.is_finite() => v,
                Ok(v) => {
                    return Err(self.error(line_no, format!("expected a finite number, found {v}")))
                }
                Err(_) => {
                    return Err(self.error(
                        line_no,
                        format!("expected a number, found '{}'", truncate(&t)),
                    ))
                }
            });
        }
        Ok(values)
    }

    /// The next non-empty line as exactly `count` finite numbers; `what` describes them.
    fn numbers(&mut self, what: &str, count: usize) -> Result<Vec<f64>> {
        let line_no = self.next_line()?.ok_or_else(|| {
            self.error(
                self.end_line(),
                format!("unexpected end of file: expected {what}"),
            )
        })?;
        let values = self.line_numbers(line_no, what, count)?;
        if values.len() != count {
            return Err(self.error(
                line_no,
                format!("expected {what}, found {} numbers", values.len()),
            ));
        }
        Ok(values)
    }

    /// W of a Linear layer: m*n numbers on one line, or the legacy m lines of n numbers.
    fn linear_weights(&mut self, header: &str, m: usize, n: usize) -> Result<Array2<f64>> {
        let what = format!(
            "{} weights of {header} on one line, or {m} lines of {n} (legacy layout)",
            m * n
        );
        let line_no = self.next_line()?.ok_or_else(|| {
            self.error(
                self.end_line(),
                format!("unexpected end of file: expected {what}"),
            )
        })?;
        let mut values = self.line_numbers(line_no, &what, m * n)?;
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
