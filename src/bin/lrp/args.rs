//! The command line's grammar (clap derive). Values are checked here as far as they can be
//! without the model (rule and composite names, colour maps, sizes, classes); what needs the
//! model (a class beyond its outputs, a size it does not take) is checked once it is read.

use crate::model::Layout;
use clap::{Args, Parser, Subcommand, ValueEnum};
use lrp::render::Colormap;
use std::path::PathBuf;

/// Heatmaps of what made a network decide (Layer-wise Relevance Propagation), from the shell.
#[derive(Debug, Parser)]
#[command(name = "lrp", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Explain images or .npy batches with a model: one heatmap PNG per input and class.
    ///
    /// Without MODEL, trains the demo CNN on generated images of four shapes, writes it
    /// and eight test images into --out and explains those.
    Explain(Box<ExplainArgs>),
    /// Print a model's layers, their output shapes, parameter counts and accepted rules.
    Info(InfoArgs),
    /// Train the demo CNN on generated images and draw its epsilon and alphabeta heatmaps
    /// into one PNG (or, with --model and --data, a model's heatmaps of .npy samples).
    Demo(DemoArgs),
}

/// Which classes to explain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Classes {
    /// Each sample's highest-scoring class.
    Top,
    /// Every output of the model.
    All,
    /// These classes (0-based, distinct), for every sample.
    List(Vec<usize>),
}

/// What the explanation computes in (`Network::set_precision`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PrecisionArg {
    /// Double precision (the default).
    F64,
    /// Single precision.
    F32,
}

/// How images are resized to the model's input size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Resize {
    /// Nearest neighbour (no new pixel values; for pixel art and masks).
    Nearest,
    /// Bilinear interpolation.
    Bilinear,
    /// Lanczos with window 3 (sharpest; what most image tools use to shrink photos).
    Lanczos3,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The model: the toolbox's text format (.txt). Omitted: the demo model.
    pub model: Option<PathBuf>,
    /// Images (.png, .jpg, .jpeg), .npy batches (N x the model's sample shape), directories
    /// of them (not recursive) or @LIST files naming one per line (relative to the list).
    #[arg(requires = "model")]
    pub inputs: Vec<PathBuf>,
    /// Where the heatmaps go (created if missing; files there are replaced).
    #[arg(short, long, default_value = "lrp-out")]
    pub out: PathBuf,
    /// Resize images to H x W pixels ("32" or "32x28"); default: the model's input size.
    #[arg(long, value_parser = parse_size)]
    pub size: Option<(usize, usize)>,
    /// Subtracted from pixels in [0, 1]: one value, or one per channel ("0.485,0.456,0.406").
    #[arg(
        long,
        value_delimiter = ',',
        allow_negative_numbers = true,
        default_value = "0",
        value_parser = parse_finite
    )]
    pub mean: Vec<f64>,
    /// Divides the pixels after --mean: one value or one per channel (all > 0).
    #[arg(long, value_delimiter = ',', default_value = "1", value_parser = parse_positive)]
    pub std: Vec<f64>,
    /// Pixel order of the model's input: nhwc (N x H x W x C, the toolbox's) or nchw
    /// (N x C x H x W, PyTorch's and ONNX's). Default: by the model file.
    #[arg(long, value_enum)]
    pub layout: Option<Layout>,
    /// How images are resized.
    #[arg(long, value_enum, default_value = "lanczos3")]
    pub resize: Resize,
    /// One rule for every layer: simple, epsilon, alphabeta, flat, ww, zplus, gamma, zbox.
    /// Default: epsilon 0.01 for toolbox models.
    #[arg(long, conflicts_with = "composite", value_parser = parse_rule_name)]
    pub rule: Option<String>,
    /// The rule's parameter (epsilon, alpha, gamma, or zbox's bound p for [-p, p]).
    #[arg(long, requires = "rule", allow_negative_numbers = true)]
    pub param: Option<f64>,
    /// A composite (rules by layer type): epsilon_plus, epsilon_alpha2_beta1,
    /// epsilon_plus_flat, epsilon_gamma_box (needs --low and --high).
    #[arg(long, value_parser = parse_composite_name)]
    pub composite: Option<String>,
    /// Epsilon of the composite's Linear layers (default 1e-6).
    #[arg(long, requires = "composite")]
    pub epsilon: Option<f64>,
    /// Gamma of epsilon_gamma_box's convolutions (default 0.25).
    #[arg(long, requires = "composite")]
    pub gamma: Option<f64>,
    /// Lower input bound of epsilon_gamma_box's first layer.
    #[arg(long, requires = "composite", allow_negative_numbers = true)]
    pub low: Option<f64>,
    /// Upper input bound of epsilon_gamma_box's first layer.
    #[arg(long, requires = "composite", allow_negative_numbers = true)]
    pub high: Option<f64>,
    /// Classes to explain: top (each sample's highest score), all, or a list ("3,7"; 0-based).
    #[arg(long, default_value = "top", value_parser = parse_classes)]
    pub class: Classes,
    /// Colour map of the heatmaps: bwr, seismic, coldnhot (zennit's), jet, gray-red,
    /// gray-red2, black-green, black-firered, black-yellow (the toolbox's), binary, gray.
    #[arg(long, default_value = "bwr", value_parser = parse_cmap)]
    pub cmap: Colormap,
    /// Draw the heatmap over the input image (blended, see --overlay-alpha).
    #[arg(long)]
    pub overlay: bool,
    /// Opacity of the heatmap over the image with --overlay (0 to 1).
    #[arg(long, default_value_t = 0.6, value_parser = parse_unit, requires = "overlay")]
    pub overlay_alpha: f64,
    /// Pixels of the PNG per input pixel (default: enough for 256 pixels across, at least 1).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub scale: Option<u16>,
    /// What the explanation computes in: f64 (the default, the toolbox-exact path) or f32
    /// (about twice as fast on large batches; maps agree with f64 to 1e-4 normwise).
    #[arg(long, value_enum, default_value = "f64")]
    pub precision: PrecisionArg,
    /// Also write each heatmap's relevance as .npy (1 x the model's sample shape, f64).
    #[arg(long)]
    pub save_relevance: bool,
    /// Stop at the first input that fails (default: explain the others, exit status 1).
    #[arg(long)]
    pub fail_fast: bool,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// The model (the toolbox's text format).
    pub model: PathBuf,
    /// One sample's input shape, e.g. "32,32,1" (default: inferred, the smallest square
    /// image the model takes, or its Linear layer's width).
    #[arg(long, value_parser = parse_shape)]
    pub input_shape: Option<Shape>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// A model in the toolbox's text format to explain instead of training one.
    #[arg(long, requires = "data")]
    pub model: Option<PathBuf>,
    /// The samples to explain with --model (.npy, N x ...; rows of 784 values are 28 x 28
    /// images, padded with -1 to 32 x 32 if the model needs it; 8-bit data is scaled to
    /// [-1, 1]).
    #[arg(long, requires = "model")]
    pub data: Option<PathBuf>,
    /// Where to write the picture.
    #[arg(long, default_value = "lrp_demo.png")]
    pub out: PathBuf,
    /// How many samples to explain and draw.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub samples: u16,
}

fn parse_size(s: &str) -> Result<(usize, usize), String> {
    let side = |t: &str| match t.trim().parse::<usize>() {
        Ok(v) if (1..=16384).contains(&v) => Ok(v),
        _ => Err(format!("'{t}' is not a side from 1 to 16384 pixels")),
    };
    match s.split_once(['x', 'X']) {
        Some((h, w)) => Ok((side(h)?, side(w)?)),
        None => side(s).map(|v| (v, v)),
    }
}

fn parse_positive(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("'{s}' is not a finite number > 0")),
    }
}

fn parse_finite(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("'{s}' is not a finite number")),
    }
}

fn parse_unit(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("'{s}' is not a number from 0 to 1")),
    }
}

fn parse_classes(s: &str) -> Result<Classes, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "top" => return Ok(Classes::Top),
        "all" => return Ok(Classes::All),
        _ => {}
    }
    let mut list = Vec::new();
    for t in s.split(',') {
        let k = t
            .trim()
            .parse::<usize>()
            .map_err(|_| format!("'{t}' is not a class index (0, 1, ...), 'top' or 'all'"))?;
        if list.contains(&k) {
            return Err(format!("class {k} is given twice"));
        }
        list.push(k);
    }
    Ok(Classes::List(list))
}

fn parse_cmap(s: &str) -> Result<Colormap, String> {
    Colormap::from_name(s).map_err(|e| e.to_string())
}

fn parse_rule_name(s: &str) -> Result<String, String> {
    // zbox needs its bound; any valid one checks the name.
    lrp::Rule::from_name(s, Some(1.0))
        .map(|_| s.to_string())
        .map_err(|e| e.to_string())
}

fn parse_composite_name(s: &str) -> Result<String, String> {
    lrp::Composite::from_name(s, None, None, Some(-1.0), Some(1.0))
        .map(|_| s.to_string())
        .map_err(|e| e.to_string())
}

/// A shape given on the command line (a type of its own: clap takes `Option<Vec<_>>` for
/// an option given several times).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape(pub Vec<usize>);

fn parse_shape(s: &str) -> Result<Shape, String> {
    s.split([',', 'x'])
        .map(|t| match t.trim().parse::<usize>() {
            Ok(v) if v > 0 => Ok(v),
            _ => Err(format!("'{t}' is not a size >= 1")),
        })
        .collect::<Result<_, _>>()
        .map(Shape)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// clap's own consistency checks of the grammar (conflicts, requires, value types).
    #[test]
    fn grammar_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn values() {
        assert_eq!(parse_size("32"), Ok((32, 32)));
        assert_eq!(parse_size("32x28"), Ok((32, 28)));
        assert!(parse_size("0").is_err());
        assert_eq!(parse_classes("All"), Ok(Classes::All));
        assert_eq!(parse_classes("3, 7"), Ok(Classes::List(vec![3, 7])));
        assert!(parse_classes("3,3").is_err());
        assert_eq!(parse_shape("32,32,1"), Ok(Shape(vec![32, 32, 1])));
    }
}
