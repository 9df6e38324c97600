//! `mlmerge merge`: the merge driver git calls as
//! `mlmerge merge %O %A %B -s %S -x %X -y %Y -p %P -l %L`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use mlmerge::core::merge3::Merge3;
use mlmerge::core::{input, output};
use mlmerge::{pipeline, settings, ConflictStyle, Labels, MergeOptions, OutputsPolicy, Prefer};

use super::{CliError, Status};

#[derive(Args)]
pub struct MergeArgs {
    /// The common ancestor (%O).
    base: PathBuf,
    /// Our version (%A); the result is written here.
    ours: PathBuf,
    /// Their version (%B).
    theirs: PathBuf,
    /// Label of the base version in conflict markers (%S).
    #[arg(
        short = 's',
        long = "base-label",
        value_name = "LABEL",
        allow_hyphen_values = true
    )]
    base_label: Option<String>,
    /// Label of our version (%X).
    #[arg(
        short = 'x',
        long = "ours-label",
        value_name = "LABEL",
        allow_hyphen_values = true
    )]
    ours_label: Option<String>,
    /// Label of their version (%Y).
    #[arg(
        short = 'y',
        long = "theirs-label",
        value_name = "LABEL",
        allow_hyphen_values = true
    )]
    theirs_label: Option<String>,
    /// The file's real path in the repository (%P), used to detect its kind.
    #[arg(
        short = 'p',
        long = "path",
        value_name = "PATH",
        allow_hyphen_values = true
    )]
    path: Option<PathBuf>,
    #[arg(long = flag(&settings::SET_ARGUMENTS), help = settings::SET_ARGUMENTS.doc, value_name = "NAMES")]
    set_arguments: Option<String>,
    /// Conflict marker length (%L).
    #[arg(
        short = 'l',
        long = "marker-size",
        value_name = "N",
        default_value_t = 7
    )]
    marker_size: usize,
    #[arg(long = flag(&settings::CONFLICT_STYLE), help = settings::CONFLICT_STYLE.doc,
          value_name = "STYLE", value_parser = parse_style)]
    conflict_style: Option<ConflictStyle>,
    #[arg(long = flag(&settings::STRICT), help = settings::STRICT.doc)]
    strict: bool,
    #[arg(long = flag(&settings::OUTPUTS), help = settings::OUTPUTS.doc,
          value_name = "POLICY", value_parser = parse_outputs)]
    outputs: Option<OutputsPolicy>,
    #[arg(long = flag(&settings::PREFER), help = settings::PREFER.doc,
          value_name = "SIDE", value_parser = parse_prefer)]
    prefer: Option<Prefer>,
    #[arg(long = flag(&settings::NOTEBOOK_VOLATILE_METADATA),
          help = settings::NOTEBOOK_VOLATILE_METADATA.doc,
          value_name = "KEYS", value_parser = parse_volatile)]
    notebook_volatile_metadata: Option<String>,
    /// Print the result instead of writing it into OURS.
    #[arg(long)]
    stdout: bool,
    /// Tests only: make the notebook merge fail, to show its fallback.
    #[arg(long, hide = true)]
    debug_fail_notebook_merge: bool,
}

/// The flag of a setting of the table (every one used here has one).
fn flag(setting: &settings::Setting) -> &'static str {
    setting.flag.unwrap_or_default()
}

fn parse_style(value: &str) -> Result<ConflictStyle, String> {
    ConflictStyle::from_git(value)
        .ok_or_else(|| format!("unknown conflict style `{value}` (merge, diff3, zdiff3)"))
}

fn parse_prefer(value: &str) -> Result<Prefer, String> {
    Prefer::from_name(value).ok_or_else(|| format!("unknown side `{value}` (ours, theirs)"))
}

fn parse_volatile(value: &str) -> Result<String, String> {
    match mlmerge::notebook::metadata::parse_volatile(value) {
        Some(_) => Ok(value.to_string()),
        None => Err(format!(
            "unknown metadata key list `{value}` (keys separated by commas)"
        )),
    }
}

fn parse_outputs(value: &str) -> Result<OutputsPolicy, String> {
    OutputsPolicy::from_name(value)
        .ok_or_else(|| format!("unknown outputs policy `{value}` (auto, ours, theirs, clear)"))
}

pub fn run(args: MergeArgs) -> Result<Status, CliError> {
    // OURS is checked before anything is read: a FIFO is never opened, a
    // device never replaced (docs/limits.md).
    let target = match args.stdout {
        true => None,
        false => Some(output::check_target(&args.ours)?),
    };
    let versions = input::read_versions(
        Merge3::new(&args.base, &args.ours, &args.theirs).map_ref(|p| p.as_path()),
        Merge3::new("base", "ours", "theirs"),
        input::MissingBase::Error,
    )?;
    let options = options(&args)?;
    // One merge, then the process exits: what the merge kept is not freed.
    mlmerge::python::memo::leave_to_process_exit();
    let outcome = pipeline::merge(versions.as_ref().map_ref(|v| v.as_slice()), &options);
    match &target {
        None => std::io::stdout().write_all(&outcome.bytes)?,
        Some(target) => {
            output::write_atomic(&target.path, &outcome.bytes).map_err(|e| {
                format!(
                    "cannot write the merged result to {}: {e}",
                    args.ours.display()
                )
            })?;
            if target.other_links > 0 {
                eprintln!(
                    "mlmerge: warning: {} had {} other hard link(s); they keep the old content (the result replaces this name only, never written in place)",
                    args.ours.display(),
                    target.other_links
                );
            }
        }
    }
    if let Some(path) = &args.path {
        mlmerge::git::journal::record_quietly(
            path,
            versions.as_ref().map_ref(|v| v.as_slice()),
            &outcome,
        );
    }
    if let Some(dir) = settings::DEBUG_DIR.env.and_then(std::env::var_os) {
        dump_debug(
            std::path::Path::new(&dir),
            &args,
            versions.as_ref().map_ref(|v| v.as_slice()),
            &outcome,
        );
    }
    Ok(if outcome.is_clean() {
        Status::Clean
    } else {
        Status::Conflicts
    })
}

fn options(args: &MergeArgs) -> Result<MergeOptions, CliError> {
    let configured = super::configured_options()?;
    let defaults = Labels::default();
    let mut set_arguments = configured.set_arguments.clone();
    set_arguments.extend(
        args.set_arguments
            .iter()
            .flat_map(|n| settings::split_names(n)),
    );
    Ok(MergeOptions {
        set_arguments,
        labels: Labels {
            base: args.base_label.clone().unwrap_or(defaults.base),
            ours: args.ours_label.clone().unwrap_or(defaults.ours),
            theirs: args.theirs_label.clone().unwrap_or(defaults.theirs),
        },
        marker_size: args.marker_size,
        style: args.conflict_style.unwrap_or(configured.style),
        strict: args.strict || configured.strict,
        path: args.path.clone(),
        outputs: args.outputs.unwrap_or(configured.outputs),
        prefer: args.prefer.or(configured.prefer),
        fail_notebook_merge: args.debug_fail_notebook_merge,
        volatile_metadata: args
            .notebook_volatile_metadata
            .as_deref()
            .and_then(mlmerge::notebook::metadata::parse_volatile)
            .unwrap_or(configured.volatile_metadata.clone()),
        ..configured
    })
}

/// Writes what the merge saw and decided into `dir` (best effort: a debug
/// aid must never fail the merge).
fn dump_debug(
    dir: &std::path::Path,
    args: &MergeArgs,
    versions: Merge3<&[u8]>,
    outcome: &pipeline::MergeOutcome,
) {
    let name = args
        .path
        .as_deref()
        .unwrap_or(&args.ours)
        .to_string_lossy()
        .replace(['/', '\\'], "_");
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let _ = std::fs::create_dir_all(dir);
    let _ = std::fs::write(
        dir.join(format!("{stamp}-{name}.txt")),
        mlmerge::report::explain::explain(versions, outcome),
    );
}
