//! `lrp`, the command line: heatmaps without writing code.
//!
//! - `lrp explain MODEL INPUT... --out DIR`: one heatmap PNG per input and class (and the
//!   relevance as `.npy` with `--save-relevance`); without MODEL, the demo model and images.
//! - `lrp info MODEL`: the layers, their output shapes, parameter counts and rules.
//! - `lrp demo`: trains the demo CNN on generated images and draws its heatmaps.
//!
//! Exit status: 0 on success, 1 when the model or any input failed, 2 for usage errors
//! (clap's own, and arguments the model rules out, such as a class it does not have).

mod args;
mod demo;
mod explain;
mod images;
mod info;
mod model;

use clap::{CommandFactory, Parser};
use std::process::ExitCode;

/// A failure of a command: a usage error (exit status 2, printed as clap prints its own)
/// or a failure to do the work (exit status 1).
#[derive(Debug)]
pub struct CliError {
    message: String,
    usage: bool,
}

impl CliError {
    /// An argument that cannot be used (found once the model is known).
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            usage: true,
        }
    }

    /// Work that failed: an unreadable model, an output that cannot be written.
    pub fn failed(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            usage: false,
        }
    }
}

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let (name, result) = match cli.command {
        args::Command::Explain(a) => ("explain", explain::run(*a)),
        args::Command::Info(a) => ("info", info::run(a)),
        args::Command::Demo(a) => ("demo", demo::run(a)),
    };
    match result {
        Ok(code) => code,
        Err(e) if e.usage => {
            let mut cmd = args::Cli::command();
            let sub = cmd
                .find_subcommand_mut(name)
                .expect("every command is a subcommand")
                .clone();
            sub.bin_name(format!("lrp {name}"))
                .error(clap::error::ErrorKind::ValueValidation, e.message)
                .exit()
        }
        Err(e) => {
            eprintln!("lrp: error: {}", e.message);
            ExitCode::FAILURE
        }
    }
}
