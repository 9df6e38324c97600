//! Command-line definitions and dispatch, one file per subcommand.

mod check;
mod clash_view;
mod color;
mod completions;
mod demo;
mod install;
mod merge;
mod mergetool;
mod progress;
mod report;
mod resolve;

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
    /// Fail on staged (or given) .py/.ipynb files holding conflict markers or a broken notebook (a pre-commit hook).
    Check(check::CheckArgs),
    /// Re-merge the conflicted .py/.ipynb files git left (merge, rebase, cherry-pick, revert) without the driver installed.
    Resolve(resolve::ResolveArgs),
    /// Print shell completions (bash, zsh, fish, powershell) to stdout.
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff) to stdout.
    Man(completions::ManArgs),
}

pub fn run(cli: Cli) -> Result<Status, CliError> {
    match cli.command {
        Command::Merge(args) => merge::run(args),
        Command::Install(args) => install::run_install(args),
        Command::Uninstall(args) => install::run_uninstall(args),
        Command::Mergetool(args) => mergetool::run(args),
        Command::Report(args) => report::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Check(args) => check::run(args),
        Command::Resolve(args) => resolve::run(args),
        Command::Completions(args) => completions::run_completions(args),
        Command::Man(args) => completions::run_man(args),
    }
}

/// The options the environment and git configuration set for every
/// command (the table in `mlmerge::settings`); flags override them.
pub fn configured_options() -> Result<mlmerge::MergeOptions, CliError> {
    Ok(mlmerge::git::config::configured_options()?)
}
