//! `mlmerge completions SHELL` and `mlmerge man`: shell completions
//! (clap_complete) and a man page (clap_mangen) generated from the same
//! clap definitions as `--help`, printed to stdout.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, CommandFactory, ValueEnum};

use super::{Cli, CliError, Status};

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

#[derive(Clone, Copy, ValueEnum)]
enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

pub fn run_completions(args: CompletionsArgs) -> Result<Status, CliError> {
    let shell = match args.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::Powershell => clap_complete::Shell::PowerShell,
    };
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "mlmerge", &mut std::io::stdout());
    Ok(Status::Clean)
}

#[derive(Args)]
pub struct ManArgs {
    /// Write mlmerge.1 and one page per subcommand (mlmerge-merge.1, ...)
    /// into DIR instead of printing mlmerge.1.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

pub fn run_man(args: ManArgs) -> Result<Status, CliError> {
    let mut command = Cli::command();
    command.build();
    let Some(dir) = args.dir else {
        std::io::stdout().lock().write_all(&page(command)?)?;
        return Ok(Status::Clean);
    };
    std::fs::create_dir_all(&dir)?;
    let mut written = vec![write_page(&dir, "mlmerge", page(command.clone())?)?];
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("mlmerge-{}", sub.get_name());
        let sub = sub
            .clone()
            .name(name.clone())
            .display_name(name.clone())
            .version(env!("CARGO_PKG_VERSION"));
        written.push(write_page(&dir, &name, page(sub)?)?);
    }
    for path in written {
        println!("wrote {}", path.display());
    }
    Ok(Status::Clean)
}

fn page(command: clap::Command) -> Result<Vec<u8>, CliError> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command).render(&mut page)?;
    Ok(page)
}

fn write_page(dir: &Path, name: &str, page: Vec<u8>) -> Result<PathBuf, CliError> {
    let path = dir.join(format!("{name}.1"));
    mlmerge::core::output::write_atomic(&path, &page)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}
