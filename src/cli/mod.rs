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

/// The git configuration in force here: the repository's when inside one,
/// else the user's and system's.
pub fn git_config() -> Option<git2::Config> {
    match git2::Repository::open_from_env() {
        Ok(repo) => repo.config().ok(),
        Err(_) => git2::Config::open_default().ok(),
    }
}

/// The options git configuration and the environment set for every
/// command: `merge.conflictStyle`, `mlmerge.strict` (or `MLMERGE_STRICT`),
/// `mlmerge.layerKinds` and `mlmerge.outputs` (or `MLMERGE_OUTPUTS`, which
/// wins). Command-line flags override them.
pub fn configured_options() -> Result<mlmerge::MergeOptions, CliError> {
    let config = git_config();
    let config = config.as_ref();
    let mut options = mlmerge::MergeOptions {
        outputs: setting(
            config,
            "MLMERGE_OUTPUTS",
            "mlmerge.outputs",
            "outputs policy (auto, ours, theirs, clear)",
            mlmerge::OutputsPolicy::from_name,
        )?
        .unwrap_or_default(),
        prefer: setting(
            config,
            "MLMERGE_PREFER",
            "mlmerge.prefer",
            "side (ours, theirs)",
            mlmerge::Prefer::from_name,
        )?,
        ..mlmerge::MergeOptions::default()
    };
    options.strict = std::env::var("MLMERGE_STRICT").is_ok_and(|v| !v.is_empty() && v != "0")
        || config.is_some_and(|c| c.get_bool("mlmerge.strict").unwrap_or(false));
    let Some(config) = config else {
        return Ok(options);
    };
    if let Ok(style) = config.get_string("merge.conflictStyle") {
        options.style = mlmerge::ConflictStyle::from_git(&style).unwrap_or_default();
    }
    if let Ok(kinds) = config.get_string("mlmerge.layerKinds") {
        options.convention = mlmerge::python::convention::Convention::parse(&kinds)
            .map_err(|e| format!("git config mlmerge.layerKinds: {e}"))?;
    }
    Ok(options)
}

/// The notebook outputs policy: `MLMERGE_OUTPUTS`, else git config
/// `mlmerge.outputs` (git's `-X ours/theirs` never reaches a merge driver).
/// A setting from the environment variable `env`, else git config `key`;
/// an unknown value is an error naming where it came from.
fn setting<T>(
    config: Option<&git2::Config>,
    env: &str,
    key: &str,
    what: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, CliError> {
    let (source, value) = match std::env::var(env) {
        Ok(value) if !value.is_empty() => (env.to_string(), value),
        _ => match config.and_then(|c| c.get_string(key).ok()) {
            Some(value) => (format!("git config {key}"), value),
            None => return Ok(None),
        },
    };
    parse(&value)
        .map(Some)
        .ok_or_else(|| format!("{source}: unknown {what}: `{value}`").into())
}
