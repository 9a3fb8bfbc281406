//! Colour maps by name: MATLAB's `jet(255)` (the toolbox's default) and `1-gray(255)`, the
//! toolbox's custom maps, and zennit's diverging maps.
//!
//! Every map takes a value `u` in [0, 1] (values outside are clipped) and gives RGB in
//! [0, 1]. For heatmaps `u = (t + 1) / 2` where `t` in [-1, 1] is the relevance scaled by its
//! largest magnitude, so `u = 0.5` is "no relevance".

use crate::error::{LrpError, Result};
use std::fmt;
use std::str::FromStr;

/// A colour map known by name (see [`Colormap::from_name`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Colormap {
    /// MATLAB's `jet(255)`, indexed as the toolbox does (`round(u * 255)`, 0 and 1 both
    /// naming the first row): dark blue (0, 0, 0.516) through green-cyan-yellow to dark red
    /// (0.516, 0, 0); `u = 0.5` is (0.5, 1, 0.5). The default of `hm_to_rgb`.
    Jet,
    /// MATLAB's `1 - gray(255)` (matplotlib's "binary"), indexed like [`Colormap::Jet`]:
    /// white at 0, black at 1. The default of `digit_to_rgb`.
    Binary,
    /// MATLAB's `gray(255)`, indexed like [`Colormap::Jet`]: black at 0, white at 1.
    Gray,
    /// The toolbox's "gray-red": grey 0.8 at zero relevance, blending to blue (0, 0, 1) for
    /// `t = -1` and to red (1, 0, 0) for `t = 1`.
    GrayRed,
    /// The toolbox's "gray-red2": light grey 0.9 at zero relevance; positive relevance
    /// through (0.9, 0.4, 0.4) at `t = 0.3` to dark red (0.4, 0, 0) at `t = 1`, negative
    /// relevance mirrored into blue (0, 0, 0.4) at `t = -1`. (The toolbox also zeroed
    /// negative and outlying relevance before colouring; that is not part of the map.)
    GrayRed2,
    /// The toolbox's "black-green": black at zero, green (0, t, 0) for positive and blue
    /// (0, 0, -t) for negative relevance.
    BlackGreen,
    /// The toolbox's "black-firered": black at zero; positive relevance through red
    /// (t = 0.25) and yellow (t = 0.5) to white (t = 1), negative through blue (-0.25) and
    /// cyan (-0.5) to white (-1).
    BlackFireRed,
    /// The toolbox's "blue-black-yellow" (also called "black-yellow"): black at zero, yellow
    /// (t, t, 0) for positive and blue (0, 0, -t) for negative relevance.
    BlackYellow,
    /// zennit's "seismic": (0, 0, 0xd0) at 0, grey 0xd0 at 128/255, (0xd0, 0, 0) at 1,
    /// linear in between.
    Seismic,
    /// zennit's "bwr": blue (0, 0, 1) at 0, white at 128/255, red (1, 0, 0) at 1.
    Bwr,
    /// zennit's "coldnhot": cyan at 0, blue at 64/255, black at 128/255, red at 170/255,
    /// yellow at 212/255 and white at 1.
    ColdNHot,
}

/// Every map, in the order of [`Colormap::all`]: (map, canonical name, aliases).
const NAMES: [(Colormap, &str, &[&str]); 11] = [
    (Colormap::Jet, "jet", &[]),
    (Colormap::Binary, "binary", &[]),
    (Colormap::Gray, "gray", &["grey"]),
    (Colormap::GrayRed, "gray-red", &["grey-red"]),
    (Colormap::GrayRed2, "gray-red2", &["grey-red2"]),
    (Colormap::BlackGreen, "black-green", &[]),
    (Colormap::BlackFireRed, "black-firered", &[]),
    (
        Colormap::BlackYellow,
        "black-yellow",
        &["blue-black-yellow"],
    ),
    (Colormap::Seismic, "seismic", &[]),
    (Colormap::Bwr, "bwr", &[]),
    (Colormap::ColdNHot, "coldnhot", &[]),
];

/// Entries of the MATLAB tables (`jet(255)`, `gray(255)`).
const TABLE_SIZE: usize = 255;

/// zennit's node lists: (position in 0..=255, colour in 0..=255), linear in between.
type Nodes = &'static [(f64, [f64; 3])];
const SEISMIC: Nodes = &[
    (0.0, [0.0, 0.0, 208.0]),
    (128.0, [208.0, 208.0, 208.0]),
    (255.0, [208.0, 0.0, 0.0]),
];
const BWR: Nodes = &[
    (0.0, [0.0, 0.0, 255.0]),
    (128.0, [255.0, 255.0, 255.0]),
    (255.0, [255.0, 0.0, 0.0]),
];
// "0ff,00f,80:000,f00,ff0,fff": unindexed colours are spread evenly between their indexed
// neighbours and their positions truncated to integers (64; 170 and 212).
const COLDNHOT: Nodes = &[
    (0.0, [0.0, 255.0, 255.0]),
    (64.0, [0.0, 0.0, 255.0]),
    (128.0, [0.0, 0.0, 0.0]),
    (170.0, [255.0, 0.0, 0.0]),
    (212.0, [255.0, 255.0, 0.0]),
    (255.0, [255.0, 255.0, 255.0]),
];

impl Colormap {
    /// Looks a map up by name, ignoring case and treating `_` as `-`: "jet", "binary",
    /// "gray", "gray-red", "gray-red2", "black-green", "black-firered", "black-yellow"
    /// (or "blue-black-yellow"), "seismic", "bwr", "coldnhot". An unknown name is
    /// [`LrpError::BadParameter`] listing the known ones.
    pub fn from_name(name: &str) -> Result<Colormap> {
        let key = name.to_ascii_lowercase().replace('_', "-");
        NAMES
            .iter()
            .find(|(_, canonical, aliases)| *canonical == key || aliases.contains(&key.as_str()))
            .map(|(map, _, _)| *map)
            .ok_or_else(|| {
                let known: Vec<&str> = NAMES.iter().map(|(_, n, _)| *n).collect();
                LrpError::param(
                    "cmap",
                    format!("unknown colour map '{name}' (known: {})", known.join(", ")),
                )
            })
    }

    /// The canonical (lower-case) name, as accepted by [`Colormap::from_name`].
    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(map, _, _)| *map == self)
            .map(|(_, name, _)| *name)
            .expect("every map is named")
    }

    /// Every map, in a fixed order.
    pub fn all() -> impl Iterator<Item = Colormap> {
        NAMES.iter().map(|(map, _, _)| *map)
    }

    /// The colour of `u` (clipped to [0, 1]; NaN counts as 0) as RGB in [0, 1].
    pub fn rgb(self, u: f64) -> [f64; 3] {
        let u = if u.is_nan() { 0.0 } else { u.clamp(0.0, 1.0) };
        let t = 2.0 * u - 1.0;
        match self {
            Colormap::Jet => matlab_jet_row(table_row(u)),
            Colormap::Binary => {
                let g = 1.0 - table_row(u) as f64 / (TABLE_SIZE - 1) as f64;
                [g, g, g]
            }
            Colormap::Gray => {
                let g = table_row(u) as f64 / (TABLE_SIZE - 1) as f64;
                [g, g, g]
            }
            Colormap::GrayRed => gray_red(t),
            Colormap::GrayRed2 => gray_red2(t),
            Colormap::BlackGreen => {
                if t < 0.0 {
                    [0.0, 0.0, -t]
                } else {
                    [0.0, t, 0.0]
                }
            }
            Colormap::BlackFireRed => black_firered(t),
            Colormap::BlackYellow => {
                if t < 0.0 {
                    [0.0, 0.0, -t]
                } else {
                    [t, t, 0.0]
                }
            }
            Colormap::Seismic => from_nodes(SEISMIC, u),
            Colormap::Bwr => from_nodes(BWR, u),
            Colormap::ColdNHot => from_nodes(COLDNHOT, u),
        }
    }
}

impl FromStr for Colormap {
    type Err = LrpError;

    fn from_str(name: &str) -> Result<Colormap> {
        Colormap::from_name(name)
    }
}

impl fmt::Display for Colormap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The 0-based row of a 255-entry MATLAB table for `u` in [0, 1], as the toolbox gets it:
/// `v = round(u * 255)` in 0..=255, and `ind2rgb` takes 1-based row `max(v, 1)`.
fn table_row(u: f64) -> usize {
    let v = (u * TABLE_SIZE as f64).round() as usize;
    v.clamp(1, TABLE_SIZE) - 1
}

/// Row `row` (0-based) of MATLAB's `jet(255)`. MATLAB builds `jet(m)` from a ramp
/// `ramp = [(1:n)/n, ones(1, n-1), (n:-1:1)/n]` with `n = ceil(m/4)`, placed at an offset
/// `o = ceil(n/2) - (mod(m, 4) == 1)` for green and `n` further right (red) or left (blue);
/// entries falling outside the table are dropped.
fn matlab_jet_row(row: usize) -> [f64; 3] {
    let m = TABLE_SIZE as i64;
    let n = (m + 3) / 4;
    let offset = (n + 1) / 2 - i64::from(m % 4 == 1);
    let ramp = |j: i64| -> f64 {
        // 1-based position j in the ramp of length 3n - 1; 0 outside.
        if j < 1 || j > 3 * n - 1 {
            0.0
        } else if j <= n {
            j as f64 / n as f64
        } else if j < 2 * n {
            1.0
        } else {
            (3 * n - j) as f64 / n as f64
        }
    };
    let k = row as i64 + 1;
    [ramp(k - offset - n), ramp(k - offset), ramp(k - offset + n)]
}

/// "gray-red": grey 0.8 moving to blue for negative and to red for positive `t`.
fn gray_red(t: f64) -> [f64; 3] {
    const BASE: f64 = 0.8;
    if t < 0.0 {
        [BASE + t * BASE, BASE + t * BASE, BASE - t * (1.0 - BASE)]
    } else {
        [BASE + t * (1.0 - BASE), BASE - t * BASE, BASE - t * BASE]
    }
}

/// `clip(x - from, 0, width) / width`: a ramp from 0 at `from` to 1 at `from + width`.
fn ramp(x: f64, from: f64, width: f64) -> f64 {
    (x - from).clamp(0.0, width) / width
}

/// "gray-red2": light grey to dark red (positive) or dark blue (negative).
fn gray_red2(t: f64) -> [f64; 3] {
    let a = t.abs();
    let strong = 0.9 - ramp(a, 0.0, 0.3) * 0.5 - ramp(a, 0.3, 0.7) * 0.4;
    let weak = 0.9 - ramp(a, 0.3, 0.7) * 0.5;
    if t < 0.0 {
        [strong, strong, weak]
    } else {
        [weak, strong, strong]
    }
}

/// "black-firered": black through red, yellow to white (positive); blue, cyan to white
/// (negative).
fn black_firered(t: f64) -> [f64; 3] {
    let (p, n) = (t, -t);
    [
        ramp(p, 0.0, 0.25) + ramp(n, 0.5, 0.5),
        ramp(p, 0.25, 0.25) + ramp(n, 0.25, 0.25),
        ramp(p, 0.5, 0.5) + ramp(n, 0.0, 0.25),
    ]
}

/// zennit's lookup: `x = u * 255`, linear between the nodes around it.
fn from_nodes(nodes: Nodes, u: f64) -> [f64; 3] {
    let x = u * 255.0;
    let last = nodes[nodes.len() - 1];
    let upper = nodes.iter().position(|&(at, _)| at > x);
    let (lo, hi) = match upper {
        None => return last.1.map(|c| c / 255.0),
        Some(i) => (nodes[i - 1], nodes[i]),
    };
    let alpha = (x - lo.0) / (hi.0 - lo.0);
    // Clamped: rounding can overshoot 1 by an ulp between two full channels.
    [0, 1, 2].map(|c| ((lo.1[c] * (1.0 - alpha) + hi.1[c] * alpha) / 255.0).clamp(0.0, 1.0))
}
