//! `mlmerge report`: what each side changed and what clashes, for the
//! merge, rebase or cherry-pick in progress, or `--preview` of one that
//! has not happened; as text or as JSON (docs/report-schema.md).

use clap::{Args, ValueEnum};
use mlmerge::report::{analysis, text as summary};

use super::color::ColorArg;
use super::progress::Progress;
use super::{CliError, Status};

#[derive(Args)]
pub struct ReportArgs {
    /// Analyse merging THEIRS_REF into OURS_REF in memory, touching neither the work tree nor the index.
    #[arg(long, num_args = 2, value_names = ["OURS_REF", "THEIRS_REF"])]
    preview: Option<Vec<String>>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    color: ColorArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(args: ReportArgs) -> Result<Status, CliError> {
    let repo = git2::Repository::open_from_env()
        .map_err(|e| format!("not inside a git repository ({})", e.message()))?;
    let report = build(&repo, args.preview.as_deref())?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report.to_json())?),
        Format::Text => print!(
            "{}",
            summary::render(&report, args.color.enabled_for_stdout())
        ),
    }
    Ok(if report.clashes() == 0 {
        Status::Clean
    } else {
        Status::Conflicts
    })
}

/// The report `mlmerge report` prints here (also used by the demo).
pub fn build(
    repo: &git2::Repository,
    preview: Option<&[String]>,
) -> Result<analysis::RepoReport, CliError> {
    let options = super::configured_options()?;
    Ok(match preview {
        Some([ours, theirs]) => {
            let mut progress = Progress::new("analysing");
            let mut tick =
                |number: usize, total: usize, path: &str| progress.tick(number, total, path);
            analysis::preview_with_progress(repo, ours, theirs, &options, &mut tick).map_err(
                |e| {
                    format!(
                        "cannot preview merging {theirs} into {ours}: {}",
                        e.message()
                    )
                },
            )?
        }
        Some(_) => return Err("--preview takes two revisions: OURS_REF THEIRS_REF".into()),
        None => analysis::current(repo, &options)
            .map_err(|e| format!("cannot read the merge state: {}", e.message()))?,
    })
}
