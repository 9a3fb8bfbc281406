//! `lrp explain`: every input through the model, heatmaps (and relevance) out.
//!
//! Inputs are explained in parallel (rayon), each on its own: a file that cannot be read
//! or explained is reported with its name and skipped, unless --fail-fast. The network is
//! shared by the threads (its stateless calls take `&self`).

use crate::args::{Classes, ExplainArgs};
use crate::images::{self, Drawing, Loaded, Normalisation};
use crate::model::{self, Method, SampleShape};
use crate::CliError;
use indicatif::{ProgressBar, ProgressStyle};
use lrp::data_io::{self, NpyDtype, NpyOrder};
use lrp::{Composite, Network, Rule, Targets};
use ndarray::Axis;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Inputs above this count get a progress bar (on a terminal).
const PROGRESS_ABOVE: usize = 4;

/// Extensions of images (decoded by the `image` crate) and of batches.
const IMAGE_EXTENSIONS: [&str; 3] = ["png", "jpg", "jpeg"];
const NPY_EXTENSION: &str = "npy";

/// What every input's explanation needs.
struct Job<'a> {
    net: &'a Network,
    rule: Option<Rule>,
    shape: SampleShape,
    norm: Normalisation,
    classes: &'a Classes,
    /// The model's number of outputs (classes).
    outputs: usize,
    args: &'a ExplainArgs,
    drawing: Drawing,
}

/// What one input gave.
struct Done {
    samples: usize,
    heatmaps: usize,
    relevances: usize,
}

/// `lrp explain`: checks the arguments against the model (usage errors), explains every
/// input, prints the summary; exit status 1 if any input failed.
pub fn run(mut args: ExplainArgs) -> Result<ExitCode, CliError> {
    let started = Instant::now();
    let model_path = match args.model.clone() {
        Some(path) => {
            if has_extension(&path, &IMAGE_EXTENSIONS) || has_extension(&path, &[NPY_EXTENSION]) {
                return Err(CliError::usage(format!(
                    "MODEL {} looks like an input; the model comes first: lrp explain MODEL INPUT...",
                    path.display()
                )));
            }
            if args.inputs.is_empty() {
                return Err(CliError::usage(
                    "no INPUT given (images, .npy batches, directories or @LIST files)",
                ));
            }
            path
        }
        None => crate::demo::prepare_explain(&mut args)?,
    };

    let (mut net, dropped_softmax) = model::load(&model_path)?;
    net.set_precision(match args.precision {
        crate::args::PrecisionArg::F64 => lrp::Precision::F64,
        crate::args::PrecisionArg::F32 => lrp::Precision::F32,
    });
    let method = method_from_args(&args, &model_path, &net)?;
    let rule = method
        .apply(&mut net)
        .map_err(|e| CliError::usage(format!("{}: {e}", method.label())))?;
    let layout = args
        .layout
        .unwrap_or_else(|| model::input_layout(&model_path, &net));
    // The library takes batches in the order the network is set to: --layout sets it (the
    // core computes channels last inside either way).
    net.set_layout(match layout {
        model::Layout::Nchw => lrp::Layout::ChannelsFirst,
        model::Layout::Nhwc => lrp::Layout::ChannelsLast,
    });
    let size = args.size.or_else(|| model::declared_size(&model_path));
    let shape = model::sample_shape(&net, layout, size).map_err(CliError::usage)?;
    let norm = Normalisation {
        mean: args.mean.clone(),
        std: args.std.clone(),
    };
    norm.check(shape.c).map_err(CliError::usage)?;
    let outputs = net
        .output_shape(&shape.batch(1))
        .map_err(|e| CliError::failed(e.to_string()))?[1];
    if let Classes::List(list) = &args.class {
        if let Some(k) = list.iter().find(|&&k| k >= outputs) {
            return Err(CliError::usage(format!(
                "--class {k}: the model has {outputs} outputs (classes 0 to {})",
                outputs - 1
            )));
        }
    }

    let (items, mut failures, skipped) = collect_inputs(&args.inputs);
    std::fs::create_dir_all(&args.out).map_err(|e| {
        CliError::failed(format!(
            "cannot create the output directory {}: {e}",
            args.out.display()
        ))
    })?;
    let names = unique_names(&items);
    let classes_label = match &args.class {
        Classes::Top => "the top class".to_string(),
        Classes::All => format!("all {outputs} classes"),
        Classes::List(l) => format!("class{} {}", if l.len() > 1 { "es" } else { "" }, join(l)),
    };
    println!(
        "model: {}, {} layers{}; input {}; {}; explaining {classes_label}",
        model_path.display(),
        net.len(),
        if dropped_softmax {
            " (SoftMax output dropped)"
        } else {
            ""
        },
        shape.describe(),
        method.label(),
    );

    let job = Job {
        net: &net,
        rule,
        shape,
        norm,
        classes: &args.class,
        outputs,
        args: &args,
        drawing: Drawing {
            cmap: args.cmap,
            scale: args
                .scale
                .map_or_else(|| images::default_scale(&shape), usize::from),
            overlay: args.overlay.then_some(args.overlay_alpha),
        },
    };
    let bar = if items.len() > PROGRESS_ABOVE {
        let bar = ProgressBar::new(items.len() as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:30} {pos}/{len} inputs, {elapsed}, ~{eta} left {msg}",
            )
            .expect("a valid template"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let stop = AtomicBool::new(!failures.is_empty() && args.fail_fast);
    for (path, message) in &failures {
        eprintln!("lrp: {}: {message}", path.display());
    }
    let results: Vec<Option<Result<Done, String>>> = items
        .par_iter()
        .zip(&names)
        .map(|(path, name)| {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            let result = explain_input(&job, path, name);
            if let Err(message) = &result {
                bar.suspend(|| eprintln!("lrp: {}: {message}", path.display()));
                if args.fail_fast {
                    stop.store(true, Ordering::Relaxed);
                }
            }
            bar.inc(1);
            Some(result)
        })
        .collect();
    bar.finish_and_clear();

    let (mut explained, mut samples, mut heatmaps, mut relevances, mut not_tried) = (0, 0, 0, 0, 0);
    for (path, result) in items.iter().zip(results) {
        match result {
            Some(Ok(done)) => {
                explained += 1;
                samples += done.samples;
                heatmaps += done.heatmaps;
                relevances += done.relevances;
            }
            Some(Err(message)) => failures.push((path.clone(), message)),
            None => not_tried += 1,
        }
    }
    let inputs = explained + failures.len() + not_tried;
    let mut summary = format!(
        "explained {explained} of {} ({}, {classes_label}) in {:.2} s: {}",
        count(inputs, "input"),
        count(samples, "sample"),
        started.elapsed().as_secs_f64(),
        count(heatmaps, "heatmap"),
    );
    if args.save_relevance {
        summary += &format!(" and {}", count(relevances, "relevance file"));
    }
    summary += &format!(" in {}", args.out.display());
    if skipped > 0 {
        summary += &format!(
            "; skipped {} of other types in directories",
            count(skipped, "file")
        );
    }
    println!("{summary}");
    if failures.is_empty() && not_tried == 0 {
        return Ok(ExitCode::SUCCESS);
    }
    let mut failed = format!("lrp: {} failed", count(failures.len(), "input"));
    if not_tried > 0 {
        failed += &format!(", {not_tried} not tried (--fail-fast)");
    }
    let listed: Vec<String> = failures
        .iter()
        .map(|(p, _)| p.display().to_string())
        .collect();
    eprintln!("{failed}: {}", listed.join(", "));
    Ok(ExitCode::FAILURE)
}

/// --rule/--param or --composite and its parameters, else the model's default.
fn method_from_args(
    args: &ExplainArgs,
    model_path: &Path,
    net: &Network,
) -> Result<Method, CliError> {
    if let Some(name) = &args.rule {
        return Rule::from_name(name, args.param)
            .map(Method::Rule)
            .map_err(|e| CliError::usage(format!("--rule {name}: {e}")));
    }
    if let Some(name) = &args.composite {
        return Composite::from_name(name, args.epsilon, args.gamma, args.low, args.high)
            .map(Method::Composite)
            .map_err(|e| CliError::usage(format!("--composite {name}: {e}")));
    }
    Ok(model::default_method(model_path, net))
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// "1 input", "2 inputs".
fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn join(list: &[usize]) -> String {
    list.iter()
        .map(|k| k.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Expands the INPUT arguments: files as given, directories to their images and `.npy`
/// files (sorted by name, not recursive; other files are skipped and counted), `@LIST` to
/// the paths it names (one per line, relative to the list's directory; blank lines and
/// lines starting with `#` ignored; directories expand). Returns the files, the arguments
/// that failed (missing, unreadable, unsupported type) and the count skipped.
fn collect_inputs(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, String)>, usize) {
    let (mut files, mut failures, mut skipped) = (Vec::new(), Vec::new(), 0);
    let mut pending: Vec<(PathBuf, bool)> =
        inputs.iter().rev().map(|p| (p.clone(), true)).collect();
    let mut lists_seen = HashSet::new();
    while let Some((path, top_level)) = pending.pop() {
        let text = path.to_string_lossy();
        if let Some(list) = text
            .strip_prefix('@')
            .filter(|_| top_level || !path.exists())
        {
            let list = PathBuf::from(list);
            if !lists_seen.insert(list.clone()) {
                failures.push((
                    list,
                    "list file names itself (directly or through others)".into(),
                ));
                continue;
            }
            match std::fs::read_to_string(&list) {
                Ok(content) => {
                    let base = list.parent().map(Path::to_path_buf).unwrap_or_default();
                    let entries: Vec<PathBuf> = content
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty() && !l.starts_with('#'))
                        .map(|l| {
                            let p = PathBuf::from(l);
                            match l.strip_prefix('@') {
                                Some(inner) if Path::new(inner).is_relative() => {
                                    PathBuf::from(format!("@{}", base.join(inner).display()))
                                }
                                _ if p.is_relative() => base.join(p),
                                _ => p,
                            }
                        })
                        .collect();
                    if entries.is_empty() {
                        failures.push((list, "list file names no inputs".into()));
                    }
                    pending.extend(entries.into_iter().rev().map(|p| (p, true)));
                }
                Err(e) => failures.push((list, format!("cannot read the list file: {e}"))),
            }
            continue;
        }
        if path.is_dir() {
            match std::fs::read_dir(&path) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.is_file())
                        .collect();
                    found.sort();
                    for p in found {
                        if is_supported(&p) {
                            files.push(p);
                        } else {
                            skipped += 1;
                        }
                    }
                }
                Err(e) => failures.push((path, format!("cannot read the directory: {e}"))),
            }
        } else if !path.exists() {
            failures.push((path, "no such file or directory".into()));
        } else if !is_supported(&path) {
            failures.push((
                path,
                "not an input type lrp reads (.png, .jpg, .jpeg images or .npy batches)".into(),
            ));
        } else {
            files.push(path);
        }
    }
    (files, failures, skipped)
}

fn is_supported(path: &Path) -> bool {
    has_extension(path, &IMAGE_EXTENSIONS) || has_extension(path, &[NPY_EXTENSION])
}

/// The base name of each input's output files: its file stem, with the extension added
/// where two inputs share a stem (a.png and a.jpg: a_png, a_jpg) and a counter where that
/// is not enough (a/x.png and b/x.png: x_png, x_png_2).
fn unique_names(items: &[PathBuf]) -> Vec<String> {
    let stem = |p: &PathBuf| {
        p.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "input".into())
    };
    let stems: Vec<String> = items.iter().map(stem).collect();
    let mut used = HashSet::new();
    let mut names = Vec::with_capacity(items.len());
    for (item, s) in items.iter().zip(&stems) {
        let shared = stems.iter().filter(|t| *t == s).count() > 1;
        let base = match (shared, item.extension()) {
            (true, Some(ext)) => format!("{s}_{}", ext.to_string_lossy().to_ascii_lowercase()),
            _ => s.clone(),
        };
        let mut name = base.clone();
        let mut k = 2;
        while !used.insert(name.clone()) {
            name = format!("{base}_{k}");
            k += 1;
        }
        names.push(name);
    }
    names
}

/// Reads, explains and draws one input; writes `NAME_classK.png` (and `.npy`) per sample
/// and class, with `_I` after NAME for sample I of a `.npy` batch.
fn explain_input(job: &Job, path: &Path, name: &str) -> Result<Done, String> {
    let is_npy = has_extension(path, &[NPY_EXTENSION]);
    let Loaded { x, pictures } = if is_npy {
        images::load_npy(path, &job.shape)?
    } else {
        images::load_image(path, &job.shape, &job.norm, job.args.resize)?
    };
    let n = x.shape()[0];
    // The classes of the maps (all or a list), one map each; Top: one map.
    let list: Vec<usize> = match &job.classes {
        Classes::Top => Vec::new(),
        Classes::All => (0..job.outputs).collect(),
        Classes::List(list) => list.clone(),
    };
    let targets = match job.classes {
        Classes::Top => Targets::Top,
        _ => Targets::Each(&list),
    };
    // One forward pass, one LRP pass per map, in the precision the network is set to.
    let explained = job
        .net
        .explain_targets(x.view(), targets, job.rule.clone())
        .map_err(|e| format!("explaining: {e}"))?;
    let classes: Vec<Vec<usize>> = match job.classes {
        Classes::Top => vec![explained
            .output
            .outer_iter()
            .map(|row| lrp::train::argmax(row.iter()))
            .collect()],
        _ => list.iter().map(|&k| vec![k; n]).collect(),
    };
    let maps = explained.maps;
    let mut done = Done {
        samples: n,
        heatmaps: 0,
        relevances: 0,
    };
    let out = &job.args.out;
    for (k, per_sample) in classes.iter().enumerate() {
        for (s, &c) in per_sample.iter().enumerate() {
            let stem = if is_npy {
                format!("{name}_{s}_class{c}")
            } else {
                format!("{name}_class{c}")
            };
            let relevance = maps[k].index_axis(Axis(0), s);
            let png = out.join(format!("{stem}.png"));
            let picture = images::heatmap(
                relevance.view(),
                pictures[s].view(),
                &job.shape,
                &job.drawing,
            )
            .map_err(|e| format!("drawing the heatmap of class {c}: {e}"))?;
            lrp::render::write_png(picture.view(), &png).map_err(|e| format!("writing: {e}"))?;
            done.heatmaps += 1;
            if job.args.save_relevance {
                let npy = out.join(format!("{stem}.npy"));
                let batch = relevance.insert_axis(Axis(0));
                data_io::write_npy(&npy, batch.view(), NpyDtype::F64, NpyOrder::C)
                    .map_err(|e| format!("writing: {e}"))?;
                done.relevances += 1;
            }
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_unique() {
        let items: Vec<PathBuf> = ["a/x.png", "b/x.png", "a/x.jpg", "y.npy", "z.PNG"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(
            unique_names(&items),
            ["x_png", "x_png_2", "x_jpg", "y", "z"]
        );
    }

    #[test]
    fn inputs_expand_lists_and_directories() {
        let dir = std::env::temp_dir().join(format!("lrp-cli-inputs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        for f in ["sub/b.png", "sub/a.JPG", "sub/c.txt", "one.npy"] {
            std::fs::write(dir.join(f), b"").unwrap();
        }
        std::fs::write(
            dir.join("list.txt"),
            "# inputs\none.npy\n\nsub\nmissing.png\n",
        )
        .unwrap();
        std::fs::write(dir.join("loop.txt"), "@loop.txt\n").unwrap();
        let args = [
            PathBuf::from(format!("@{}", dir.join("list.txt").display())),
            dir.join("sub/c.txt"),
            PathBuf::from(format!("@{}", dir.join("loop.txt").display())),
        ];
        let (files, failures, skipped) = collect_inputs(&args);
        assert_eq!(
            files,
            [
                dir.join("one.npy"),
                dir.join("sub/a.JPG"),
                dir.join("sub/b.png")
            ]
        );
        assert_eq!(skipped, 1);
        let failed: Vec<(PathBuf, &str)> = failures
            .iter()
            .map(|(p, m)| (p.clone(), m.split(' ').next().unwrap()))
            .collect();
        assert_eq!(
            failed,
            [
                (dir.join("missing.png"), "no"),
                (dir.join("sub/c.txt"), "not"),
                (dir.join("loop.txt"), "list"),
            ]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
