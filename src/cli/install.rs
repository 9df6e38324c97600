//! `mlmerge install` and `mlmerge uninstall`: plan the edits (library),
//! print them, and apply them unless `--dry-run`.

use clap::Args;
use mlmerge::git::install::{self, Plan, Scope};

use super::{CliError, Status};

#[derive(Args)]
pub struct InstallArgs {
    /// The user's git config and core.attributesFile, for every repository.
    #[arg(long, conflicts_with = "local")]
    global: bool,
    /// This repository's .git/config and .gitattributes (the default).
    #[arg(long)]
    local: bool,
    /// Print the exact changes without making them.
    #[arg(long)]
    dry_run: bool,
}

impl InstallArgs {
    fn scope(&self) -> Scope {
        if self.global {
            Scope::Global
        } else {
            Scope::Local
        }
    }
}

pub fn run_install(args: InstallArgs) -> Result<Status, CliError> {
    let exe = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .map_err(|e| format!("cannot find the path of the running mlmerge program: {e}"))?;
    let plan = install::plan_install(args.scope(), &exe)?;
    finish(&plan, args.dry_run, "install")
}

pub fn run_uninstall(args: InstallArgs) -> Result<Status, CliError> {
    let plan = install::plan_uninstall(args.scope())?;
    finish(&plan, args.dry_run, "uninstall")
}

fn finish(plan: &Plan, dry_run: bool, verb: &str) -> Result<Status, CliError> {
    for note in &plan.kept {
        println!("found: {note}");
    }
    if plan.is_empty() {
        let state = if verb == "install" {
            "installed"
        } else {
            "not installed"
        };
        println!(
            "mlmerge is already {state} ({}): nothing to change.",
            plan.scope.as_str()
        );
        return Ok(Status::Clean);
    }
    print!("{}", describe(plan, dry_run, verb == "uninstall"));
    if !dry_run {
        install::apply(plan)?;
    }
    Ok(Status::Clean)
}

/// The changes of `plan`, worded as done or as would-be.
fn describe(plan: &Plan, dry_run: bool, removing: bool) -> String {
    let mut out = String::new();
    if !plan.config.is_empty() {
        let verb = if dry_run { "Would change" } else { "Changed" };
        out.push_str(&format!("{verb} {}:\n", plan.config_path.display()));
        for change in &plan.config {
            match (&change.old, &change.new) {
                (None, Some(new)) => out.push_str(&format!("  + {} = {new}\n", change.key)),
                (Some(old), Some(new)) => {
                    out.push_str(&format!("  ~ {} = {new}   (was {old})\n", change.key))
                }
                (Some(old), None) => out.push_str(&format!("  - {} = {old}\n", change.key)),
                (None, None) => {}
            }
        }
    }
    if plan.attributes.content.is_some() {
        let verb = if dry_run { "Would change" } else { "Changed" };
        out.push_str(&format!("{verb} {}:\n", plan.attributes_path.display()));
        let sign = if removing { "-" } else { "+" };
        for line in &plan.attributes.lines {
            out.push_str(&format!("  {sign} {line}\n"));
        }
    }
    out
}
