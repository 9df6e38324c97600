//! `mlmerge resolve [PATH...]`: re-merge what git already left in conflict,
//! without the driver having been installed. During a merge, rebase,
//! cherry-pick or revert it reads the index's three stages of each
//! conflicted `.py`/`.ipynb` (or of the paths given), runs the same engine
//! as the driver, writes the result over the work-tree file atomically and
//! prints what it resolved and what is left in the report's format. A file
//! with diff3/zdiff3 markers and no stages is rebuilt from its markers.
//! A work-tree file a person edited after the conflict is never
//! overwritten without `--force`.

use std::path::{Path, PathBuf};

use clap::Args;
use git2::Repository;
use mlmerge::core::conflicts::{self, ConflictRegion, Segment};
use mlmerge::core::line_merge as lines;
use mlmerge::core::merge3::Merge3;
use mlmerge::core::output;
use mlmerge::core::render::Markers;
use mlmerge::git::stages::{self, ConflictedFile};
use mlmerge::report::analysis::{self, FileReport, FileState, MarkerSpan, ResolvedFile};
use mlmerge::{pipeline, ConflictStyle, Labels, MergeOptions, MergeOutcome, Method};

use super::color::ColorArg;
use super::progress::Progress;
use super::{CliError, Status};

#[derive(Args)]
pub struct ResolveArgs {
    /// Files to re-merge; none: every conflicted `.py` and `.ipynb`.
    paths: Vec<PathBuf>,
    /// `git add` the files that are clean now.
    #[arg(long)]
    add: bool,
    /// Show what would be resolved; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Overwrite a file even when it was edited after the conflict.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    color: ColorArg,
}

/// What happened to one file.
enum Done {
    /// Merged cleanly (written unless a dry run).
    Clean(ResolvedFile),
    /// Clashes left (mlmerge's markers written unless a dry run).
    Left(FileReport),
    /// Not overwritten: the reason, and the file as it stands.
    Refused(String, FileReport),
    /// Not merged at all (modify/delete, binary, too large): the report
    /// says why and what to do.
    NotMerged(FileReport),
}

pub fn run(args: ResolveArgs) -> Result<Status, CliError> {
    let repo = Repository::open_from_env().ok();
    let options = super::configured_options()?;
    let mut report = match &repo {
        Some(repo) => analysis::in_progress(repo)
            .map_err(|e| format!("cannot read the merge state: {}", e.message()))?,
        None => analysis::RepoReport::empty(),
    };
    let conflicted = match &repo {
        Some(repo) => {
            let index = repo.index()?;
            stages::conflicted_files(repo, &index, analysis::MAX_ANALYSED_BYTES)?
        }
        None => Vec::new(),
    };
    let workdir = repo
        .as_ref()
        .and_then(|r| r.workdir())
        .map(Path::to_path_buf);
    let targets = targets(&args.paths, &conflicted, workdir.as_deref())?;
    if targets.is_empty() {
        println!("No conflicted .py or .ipynb files: nothing to resolve.");
        return Ok(Status::Clean);
    }
    let mut errors = Vec::new();
    let mut staged = Vec::new();
    let mut progress = Progress::new("resolving");
    for (number, target) in targets.iter().enumerate() {
        progress.tick(number + 1, targets.len(), &target.shown());
        let done = match target {
            Target::Stages(file, on_disk) => resolve_stages(file, on_disk, &options, &args),
            Target::Markers(path) => resolve_markers(path, &options, &args),
        };
        match done {
            Ok(Done::Clean(file)) => {
                if args.add && !args.dry_run {
                    if let Target::Stages(conflicted, _) = target {
                        staged.push(conflicted.path.clone());
                    }
                }
                action(&args, &file.path, "merged cleanly");
                report.resolved.push(file);
            }
            Ok(Done::Left(file)) => {
                let what = format!("{} left", clashes(file.clashes));
                action(&args, &file.path, &what);
                report.conflicted.push(file);
            }
            Ok(Done::NotMerged(file)) => {
                println!("{}: {}, left as it is", file.path, file.state.as_str());
                report.conflicted.push(file);
            }
            Ok(Done::Refused(reason, file)) => {
                println!("{}: not overwritten: {reason}", file.path);
                report.conflicted.push(file);
            }
            Err(e) => errors.push(format!("{}: {e}", target.shown())),
        }
    }
    progress.finish();
    if let (Some(repo), false) = (&repo, staged.is_empty()) {
        let mut index = repo.index()?;
        for path in &staged {
            index.add_path(Path::new(path))?;
        }
        index.write()?;
        println!("staged: {}", staged.join(", "));
    }
    print!(
        "\n{}",
        mlmerge::report::text::render(&report, args.color.enabled_for_stdout())
    );
    if !errors.is_empty() {
        return Err(errors.join("\nmlmerge: ").into());
    }
    Ok(if report.clashes() == 0 {
        Status::Clean
    } else {
        Status::Conflicts
    })
}

fn action(args: &ResolveArgs, path: &str, what: &str) {
    let verb = if args.dry_run {
        "would write"
    } else {
        "written"
    };
    println!("{path}: {what}, {verb}");
}

fn clashes(n: usize) -> String {
    format!("{n} clash{}", if n == 1 { "" } else { "es" })
}

/// A file to resolve: from the index's stages, or from its own markers.
enum Target {
    /// A conflicted index entry and its work-tree path.
    Stages(ConflictedFile, PathBuf),
    Markers(PathBuf),
}

impl Target {
    fn shown(&self) -> String {
        match self {
            Target::Stages(file, _) => file.path.clone(),
            Target::Markers(path) => path.display().to_string(),
        }
    }
}

/// The conflicted `.py`/`.ipynb` files, or the paths given: those in
/// conflict in the index by their stages, any other by their markers.
fn targets(
    paths: &[PathBuf],
    conflicted: &[ConflictedFile],
    workdir: Option<&Path>,
) -> Result<Vec<Target>, CliError> {
    let on_disk = |file: &ConflictedFile| {
        workdir
            .map(|w| w.join(&file.path))
            .unwrap_or_else(|| PathBuf::from(&file.path))
    };
    if paths.is_empty() {
        return Ok(conflicted
            .iter()
            .filter(|f| is_model_file(&f.path))
            .map(|f| Target::Stages(f.clone(), on_disk(f)))
            .collect());
    }
    let cwd = std::env::current_dir()?;
    let workdir = workdir.and_then(|w| w.canonicalize().ok());
    let mut targets = Vec::new();
    for path in paths {
        let absolute = absolute(&cwd.join(path));
        let in_repo = workdir
            .as_deref()
            .and_then(|w| absolute.strip_prefix(w).ok())
            .map(|rel| rel.to_string_lossy().replace('\\', "/"));
        match in_repo.and_then(|rel| conflicted.iter().find(|f| f.path == rel)) {
            Some(file) => targets.push(Target::Stages(file.clone(), on_disk(file))),
            None => targets.push(Target::Markers(path.clone())),
        }
    }
    Ok(targets)
}

/// `path` with its directory resolved (the file itself may be missing).
fn absolute(path: &Path) -> PathBuf {
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => dir
            .canonicalize()
            .map(|d| d.join(name))
            .unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    }
}

fn is_model_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".py", ".pyw", ".pyi", ".ipynb"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

fn resolve_stages(
    file: &ConflictedFile,
    on_disk: &Path,
    options: &MergeOptions,
    args: &ResolveArgs,
) -> Result<Done, CliError> {
    let work = std::fs::read(on_disk).ok();
    let work_text = work.as_deref().map(String::from_utf8_lossy);
    let labels = work_text
        .as_deref()
        .and_then(|text| conflicts::regions(text, None).into_iter().next())
        .map(|region| labels_of(&region))
        .unwrap_or_else(|| options.labels.clone());
    let options = MergeOptions {
        labels,
        ..options.clone()
    };
    let (mut report, outcome) = analysis::analyse_outcome(file, &options, Some(on_disk));
    let Some(outcome) = outcome else {
        // Deleted on one side, binary or too large: the report says why.
        return Ok(Done::NotMerged(report));
    };
    if work.as_deref() != Some(outcome.bytes.as_slice()) && !args.force {
        if let Err(reason) = untouched(work.as_deref(), file, &options) {
            // The file stays as the person left it: a clash until they
            // settle it (or run again with --force).
            report.state = FileState::Clash;
            report.clashes = (report.markers.len() + report.markers_omitted).max(1);
            report.note = Some(format!("not overwritten: {reason}"));
            return Ok(Done::Refused(reason, report));
        }
    }
    write(on_disk, &outcome, args)?;
    Ok(finish(&mut report, &outcome))
}

/// The report entry for a file now holding `outcome`.
fn finish(report: &mut FileReport, outcome: &MergeOutcome) -> Done {
    if outcome.is_clean() {
        return Done::Clean(ResolvedFile {
            path: report.path.clone(),
            kind: report.kind.clone(),
            method: report.method.clone().unwrap_or_default(),
            decisions: std::mem::take(&mut report.decisions),
            decisions_omitted: report.decisions_omitted,
        });
    }
    let text = String::from_utf8_lossy(&outcome.bytes);
    let found = conflicts::regions(&text, None);
    report.state = FileState::Clash;
    report.markers_in = Some("work tree");
    report.markers = found
        .iter()
        .take(analysis::MAX_LISTED)
        .map(|r| MarkerSpan {
            start: r.start_line,
            end: r.end_line,
        })
        .collect();
    report.markers_omitted = found.len().saturating_sub(analysis::MAX_LISTED);
    report.clashes = found.len().max(outcome.conflicts).max(1);
    report.note = None;
    Done::Left(report.clone())
}

fn write(path: &Path, outcome: &MergeOutcome, args: &ResolveArgs) -> Result<(), CliError> {
    if args.dry_run {
        return Ok(());
    }
    output::write_atomic(path, &outcome.bytes)
        .map_err(|e| format!("cannot write {}: {e}", path.display()).into())
}

/// Whether the work tree still holds what git left: one of the stages, or
/// git's conflicted line merge of them (in any conflict style, with the
/// labels of its markers). Anything else was edited by a person.
fn untouched(
    work: Option<&[u8]>,
    file: &ConflictedFile,
    options: &MergeOptions,
) -> Result<(), String> {
    let Some(work) = work else {
        return Err("it is missing from the work tree (deleted after the conflict?); --force writes it again".into());
    };
    let content = |v: &Option<stages::Version>| {
        v.as_ref()
            .and_then(|v| v.content.clone())
            .unwrap_or_default()
    };
    let versions = Merge3::new(
        content(&file.versions.base),
        content(&file.versions.ours),
        content(&file.versions.theirs),
    );
    if [&versions.base, &versions.ours, &versions.theirs]
        .iter()
        .any(|v| v.as_slice() == work)
    {
        return Ok(());
    }
    let text = String::from_utf8_lossy(work);
    let found = conflicts::regions(&text, None);
    let size = found.first().map_or(options.marker_size, |r| r.size);
    for style in [
        ConflictStyle::Merge,
        ConflictStyle::Diff3,
        ConflictStyle::Zdiff3,
    ] {
        let markers = Markers {
            size,
            style,
            labels: options.labels.clone(),
            prefer: None,
        };
        let git = lines::git_merge(&versions.base, &versions.ours, &versions.theirs, &markers);
        if git.is_ok_and(|g| g.bytes == work) {
            return Ok(());
        }
    }
    Err(if found.is_empty() {
        "it holds no conflict markers and matches no side: it looks resolved by hand. \
         --force replaces it with mlmerge's merge"
            .into()
    } else {
        "it differs from the conflicted merge git wrote (edited after the conflict?). \
         --force replaces it with mlmerge's merge of the three versions"
            .into()
    })
}

/// The labels of a region's markers, to draw new markers the same way.
fn labels_of(region: &ConflictRegion) -> Labels {
    Labels {
        base: region.base_label.clone(),
        ours: region.ours_label.clone(),
        theirs: region.theirs_label.clone(),
    }
}

/// A file that is not in conflict in the index: the three versions are
/// rebuilt from its diff3/zdiff3 markers (the base sections are needed).
fn resolve_markers(
    path: &Path,
    options: &MergeOptions,
    args: &ResolveArgs,
) -> Result<Done, CliError> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| "not UTF-8 text: its markers cannot be read back into versions")?;
    let segments = conflicts::parse(text, None);
    let found: Vec<&ConflictRegion> = segments
        .iter()
        .filter_map(|s| match s {
            Segment::Conflict(r) => Some(r),
            Segment::Text(_) => None,
        })
        .collect();
    let Some(first) = found.first() else {
        return Err(
            "not in conflict in the index and holds no conflict markers: nothing to resolve".into(),
        );
    };
    if let Some(region) = found.iter().find(|r| r.base.is_none()) {
        return Err(format!(
            "the conflict at lines {}-{} has no base section (merge.conflictStyle=merge), \
             so what each side changed cannot be told apart; redo the merge after \
             `git config merge.conflictStyle diff3` (or zdiff3)",
            region.start_line, region.end_line
        )
        .into());
    }
    let versions = rebuild(&segments);
    let options = MergeOptions {
        labels: labels_of(first),
        path: Some(path.to_path_buf()),
        ..options.clone()
    };
    let outcome = pipeline::merge(versions.as_ref().map_ref(|v| v.as_bytes()), &options);
    write(path, &outcome, args)?;
    let mut report = FileReport {
        path: path.display().to_string(),
        kind: outcome.kind.as_str().to_string(),
        state: FileState::Clash,
        method: Some(
            match outcome.method {
                Method::LineMerge => "line-merge",
                Method::Structured => "structured",
            }
            .to_string(),
        ),
        decisions: outcome.report.records(),
        decisions_omitted: 0,
        markers_in: None,
        markers: Vec::new(),
        markers_omitted: 0,
        clashes: 0,
        note: None,
    };
    Ok(finish(&mut report, &outcome))
}

/// Base, ours and theirs of a file whose regions all have a base section.
fn rebuild(segments: &[Segment]) -> Merge3<String> {
    let mut versions = Merge3::new(String::new(), String::new(), String::new());
    for segment in segments {
        match segment {
            Segment::Text(text) => {
                versions.base.push_str(text);
                versions.ours.push_str(text);
                versions.theirs.push_str(text);
            }
            Segment::Conflict(region) => {
                versions
                    .base
                    .push_str(region.base.as_deref().unwrap_or_default());
                versions.ours.push_str(&region.ours);
                versions.theirs.push_str(&region.theirs);
            }
        }
    }
    versions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_come_back_from_diff3_markers() {
        let text = "a\n<<<<<<< HEAD\nB\n||||||| base\nb\n=======\nX\n>>>>>>> feature\nc\n";
        let v = rebuild(&conflicts::parse(text, None));
        assert_eq!(
            (v.base.as_str(), v.ours.as_str(), v.theirs.as_str()),
            ("a\nb\nc\n", "a\nB\nc\n", "a\nX\nc\n")
        );
    }
}
