//! Command-line definitions and dispatch, one file per subcommand.

mod demo;
mod install;
mod merge;
mod mergetool;
mod report;

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
    /// Configure git to use mlmerge for *.py and *.ipynb (driver, attributes, mergetool).
    Install(install::InstallArgs),
    /// Remove exactly what `mlmerge install` added.
    Uninstall(install::InstallArgs),
    /// Merge for `git mergetool --tool=mlmerge`, walking the clashes left on a terminal.
    Mergetool(mergetool::MergetoolArgs),
    /// Explain the merge in progress (or --preview one) in model terms.
    Report(report::ReportArgs),
    /// Show mlmerge on a real git merge in a temporary repository.
    Demo(demo::DemoArgs),
}

pub fn run(cli: Cli) -> Result<Status, CliError> {
    match cli.command {
        Command::Merge(args) => merge::run(args),
        Command::Install(args) => install::run_install(args),
        Command::Uninstall(args) => install::run_uninstall(args),
        Command::Mergetool(args) => mergetool::run(args),
        Command::Report(args) => report::run(args),
        Command::Demo(args) => demo::run(args),
    }
}

/// The options the environment and git configuration set for every
/// command (the table in `mlmerge::settings`); flags override them.
pub fn configured_options() -> Result<mlmerge::MergeOptions, CliError> {
    Ok(mlmerge::git::config::configured_options()?)
}
