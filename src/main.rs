//! The `mlmerge` command: a thin layer over the library. Each subcommand
//! lives in `cli/`; exit codes are mapped here and only here.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// Exit code: merged cleanly / nothing to report.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code: conflicts remain (git's convention for merge drivers).
pub const EXIT_CONFLICT: u8 = 1;
/// Exit code: bad usage or an error that stopped the command.
pub const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(cli::Status::Clean) => ExitCode::from(EXIT_CLEAN),
        Ok(cli::Status::Conflicts) => ExitCode::from(EXIT_CONFLICT),
        Err(err) => {
            eprintln!("mlmerge: {err}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
