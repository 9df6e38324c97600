//! Command-line definitions and dispatch, one file per subcommand.

mod merge;

use clap::{Parser, Subcommand};

/// What a command ended with; `main` maps it to an exit code.
pub enum Status {
    Clean,
    Conflicts,
}

/// A failed command: the message the user sees.
pub type CliError = Box<dyn std::error::Error>;

#[derive(Parser)]
#[command(
    name = "mlmerge",
    version,
    about = "A git merge driver that understands ML model code and notebooks"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Merge three versions of a file (the git merge driver).
    Merge(merge::MergeArgs),
}

pub fn run(cli: Cli) -> Result<Status, CliError> {
    match cli.command {
        Command::Merge(args) => merge::run(args),
    }
}

/// The git configuration in force here: the repository's when inside one,
/// else the user's and system's.
pub fn git_config() -> Option<git2::Config> {
    match git2::Repository::open_from_env() {
        Ok(repo) => repo.config().ok(),
        Err(_) => git2::Config::open_default().ok(),
    }
}
