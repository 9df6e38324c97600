//! What `mlmerge report` knows about a merge: for each conflicted file,
//! the engine's decisions (run again on the index's stages, or on two
//! commits in memory for `--preview`) and the markers still in it; and,
//! from the driver's journal, what it decided on files that merged
//! cleanly. The model is in [`super::model`], printed as text
//! ([`super::text`]) or as JSON ([`super::json`]).

use std::path::Path;

use git2::{Commit, Oid, Repository, RepositoryState};

pub use super::json::SCHEMA_VERSION;
pub use super::model::*;
use crate::core::conflicts;
use crate::core::encoding::is_binary;
use crate::core::kind::detect;
use crate::core::merge3::Merge3;
use crate::decisions::{Decision, DecisionRecord, Report};
use crate::git::journal::{self, JournalEntry};
use crate::git::stages::{self, ConflictedFile};
use crate::pipeline::{self, MergeOutcome};
use crate::settings::MergeOptions;

/// Versions larger than this are not analysed, only scanned for markers.
pub const MAX_ANALYSED_BYTES: usize = 4 << 20;
/// Work-tree files larger than this are not scanned for markers.
pub const MAX_SCANNED_BYTES: u64 = 64 << 20;
/// At most this many decisions and markers are listed per file.
pub const MAX_LISTED: usize = 50;

/// What `repo` is in the middle of, its sides and merge base, with no
/// files yet (for a command that fills them in itself).
pub fn in_progress(repo: &Repository) -> Result<RepoReport, git2::Error> {
    let head = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let Some((operation, theirs_ref)) = operation(repo) else {
        return Ok(RepoReport::empty());
    };
    let theirs = repo
        .revparse_single(theirs_ref)
        .ok()
        .and_then(|o| o.peel_to_commit().ok());
    Ok(RepoReport {
        operation,
        ours: head.as_ref().map(|c| side(repo, c, None)),
        theirs: theirs.as_ref().map(|c| side(repo, c, Some(theirs_ref))),
        base: merge_base(repo, head.as_ref(), theirs.as_ref()),
        conflicted: Vec::new(),
        resolved: Vec::new(),
    })
}

/// The operation in progress and the ref naming its other side.
fn operation(repo: &Repository) -> Option<(Operation, &'static str)> {
    Some(match repo.state() {
        RepositoryState::Merge => (Operation::Merge, "MERGE_HEAD"),
        RepositoryState::Rebase
        | RepositoryState::RebaseInteractive
        | RepositoryState::RebaseMerge => (Operation::Rebase, "REBASE_HEAD"),
        RepositoryState::CherryPick | RepositoryState::CherryPickSequence => {
            (Operation::CherryPick, "CHERRY_PICK_HEAD")
        }
        RepositoryState::Revert | RepositoryState::RevertSequence => {
            (Operation::Revert, "REVERT_HEAD")
        }
        _ => return None,
    })
}

/// The report of whatever `repo` is in the middle of.
pub fn current(repo: &Repository, options: &MergeOptions) -> Result<RepoReport, git2::Error> {
    let head = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let Some((operation, theirs_ref)) = operation(repo) else {
        return Ok(last_merge(repo, head.as_ref()));
    };
    let theirs = repo
        .revparse_single(theirs_ref)
        .ok()
        .and_then(|o| o.peel_to_commit().ok());
    let index = repo.index()?;
    let workdir = repo.workdir().map(Path::to_path_buf);
    let conflicted = stages::conflicted_files(repo, &index, MAX_ANALYSED_BYTES)?
        .iter()
        .map(|file| {
            let on_disk = workdir.as_ref().map(|w| w.join(&file.path));
            analyse(file, options, on_disk.as_deref())
        })
        .collect();
    let head_id = head.as_ref().map(|c| c.id().to_string());
    let entries = journal::read(&journal::path(repo));
    let resolved = journal::latest_per_path(entries, |e| {
        e.clean && e.head == head_id && index_holds(&index, &e.path, &e.result)
    });
    Ok(RepoReport {
        operation,
        ours: head.as_ref().map(|c| side(repo, c, None)),
        theirs: theirs.as_ref().map(|c| side(repo, c, Some(theirs_ref))),
        base: merge_base(repo, head.as_ref(), theirs.as_ref()),
        conflicted,
        resolved: resolved.into_iter().map(resolved_from_entry).collect(),
    })
}

/// The report of merging `theirs` into `ours` without touching the work
/// tree or the index.
pub fn preview(
    repo: &Repository,
    ours: &str,
    theirs: &str,
    options: &MergeOptions,
) -> Result<RepoReport, git2::Error> {
    preview_with_progress(repo, ours, theirs, options, &mut |_, _, _| {})
}

/// Like [`preview`], calling `on_file(number, total, path)` before each
/// conflicted file is analysed (1-based), for a progress display.
pub fn preview_with_progress(
    repo: &Repository,
    ours: &str,
    theirs: &str,
    options: &MergeOptions,
    on_file: &mut dyn FnMut(usize, usize, &str),
) -> Result<RepoReport, git2::Error> {
    let ours_commit = repo.revparse_single(ours)?.peel_to_commit()?;
    let theirs_commit = repo.revparse_single(theirs)?.peel_to_commit()?;
    let index = repo.merge_commits(&ours_commit, &theirs_commit, None)?;
    let mut conflicted = Vec::new();
    let mut resolved = Vec::new();
    let files = stages::conflicted_files(repo, &index, MAX_ANALYSED_BYTES)?;
    for (number, file) in files.iter().enumerate() {
        on_file(number + 1, files.len(), &file.path);
        let report = analyse(file, options, None);
        if report.state == FileState::Resolvable {
            resolved.push(ResolvedFile {
                path: report.path,
                kind: report.kind,
                method: report.method.unwrap_or_default(),
                decisions: report.decisions,
                decisions_omitted: report.decisions_omitted,
            });
        } else {
            conflicted.push(report);
        }
    }
    Ok(RepoReport {
        operation: Operation::Preview,
        ours: Some(side(repo, &ours_commit, Some(ours))),
        theirs: Some(side(repo, &theirs_commit, Some(theirs))),
        base: merge_base(repo, Some(&ours_commit), Some(&theirs_commit)),
        conflicted,
        resolved,
    })
}

/// With nothing in progress: what the driver decided in HEAD, when HEAD
/// is a merge whose files still hold the driver's results.
fn last_merge(repo: &Repository, head: Option<&Commit>) -> RepoReport {
    let mut report = RepoReport::empty();
    let Some(head) = head.filter(|h| h.parent_count() == 2) else {
        return report;
    };
    let (Ok(first), Ok(second), Ok(tree)) = (head.parent(0), head.parent(1), head.tree()) else {
        return report;
    };
    let first_id = Some(first.id().to_string());
    let in_head = |e: &JournalEntry| {
        tree.get_path(Path::new(&e.path))
            .is_ok_and(|t| t.id().to_string() == e.result)
    };
    let entries = journal::read(&journal::path(repo));
    let resolved =
        journal::latest_per_path(entries, |e| e.clean && e.head == first_id && in_head(e));
    if resolved.is_empty() {
        return report;
    }
    report.operation = Operation::LastMerge;
    report.base = merge_base(repo, Some(&first), Some(&second));
    report.ours = Some(side(repo, &first, Some("HEAD^1")));
    report.theirs = Some(side(repo, &second, Some("HEAD^2")));
    report.resolved = resolved.into_iter().map(resolved_from_entry).collect();
    report
}

fn resolved_from_entry(e: JournalEntry) -> ResolvedFile {
    ResolvedFile {
        path: e.path,
        kind: e.kind,
        method: e.method,
        decisions: e.decisions,
        decisions_omitted: e.decisions_omitted,
    }
}

/// Whether the index's merged (stage 0) entry for `path` is `blob`.
fn index_holds(index: &git2::Index, path: &str, blob: &str) -> bool {
    index
        .get_path(Path::new(path), 0)
        .is_some_and(|e| e.id.to_string() == blob)
}

fn side(repo: &Repository, commit: &Commit, label: Option<&str>) -> SideCommit {
    let label = label.map(str::to_string).unwrap_or_else(|| {
        repo.head()
            .ok()
            .filter(|h| h.is_branch())
            .map(|h| String::from_utf8_lossy(h.shorthand_bytes()).into_owned())
            .unwrap_or_else(|| "HEAD".into())
    });
    SideCommit {
        label,
        commit: commit.id().to_string(),
        summary: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default()).into_owned(),
    }
}

fn merge_base(repo: &Repository, a: Option<&Commit>, b: Option<&Commit>) -> Option<String> {
    let (a, b) = (a?, b?);
    repo.merge_base(a.id(), b.id())
        .ok()
        .map(|o: Oid| o.to_string())
}

/// Analyses one conflicted file; `on_disk` is its work-tree path during a
/// live merge (markers are read there), `None` for a preview (markers are
/// those of the engine's own result).
pub fn analyse(
    file: &ConflictedFile,
    options: &MergeOptions,
    on_disk: Option<&Path>,
) -> FileReport {
    analyse_outcome(file, options, on_disk).0
}

/// Like [`analyse`], also handing back the engine's merge when it ran
/// (not for a modify/delete, binary or too large file).
pub fn analyse_outcome(
    file: &ConflictedFile,
    options: &MergeOptions,
    on_disk: Option<&Path>,
) -> (FileReport, Option<MergeOutcome>) {
    let versions = &file.versions;
    let kind = detect(
        Some(Path::new(&file.path)),
        [
            content(&versions.base),
            content(&versions.ours),
            content(&versions.theirs),
        ],
    );
    let mut report = FileReport {
        path: file.path.clone(),
        kind: kind.as_str().to_string(),
        state: FileState::Clash,
        method: None,
        decisions: Vec::new(),
        decisions_omitted: 0,
        markers_in: None,
        markers: Vec::new(),
        markers_omitted: 0,
        clashes: 1,
        note: None,
    };
    if let Some(on_disk) = on_disk {
        scan_markers(&mut report, on_disk);
    }
    let (Some(ours), Some(theirs)) = (&file.versions.ours, &file.versions.theirs) else {
        let deleted_by = if file.versions.ours.is_none() {
            "ours"
        } else {
            "theirs"
        };
        report.state = FileState::ModifyDelete;
        report.note = Some(format!("deleted by {deleted_by}, changed on the other side: keep it (`git add`) or delete it (`git rm`)"));
        return (report, None);
    };
    let base = file.versions.base.as_ref();
    let (Some(ours_bytes), Some(theirs_bytes)) = (&ours.content, &theirs.content) else {
        report.state = FileState::TooLarge;
        report.clashes = (report.markers.len() + report.markers_omitted).max(1);
        report.note = Some(format!(
            "too large to analyse ({} and {} bytes; the limit is {MAX_ANALYSED_BYTES})",
            ours.size, theirs.size
        ));
        return (report, None);
    };
    let base_bytes: &[u8] = base.and_then(|b| b.content.as_deref()).unwrap_or(b"");
    if [base_bytes, ours_bytes.as_slice(), theirs_bytes.as_slice()]
        .iter()
        .any(|b| is_binary(b))
    {
        report.kind = "binary".into();
        report.state = FileState::Binary;
        report.note = Some(
            "binary file, not analysed: pick a side with `git checkout --ours` or `--theirs`"
                .into(),
        );
        return (report, None);
    }
    let options = MergeOptions {
        path: Some(file.path.clone().into()),
        ..options.clone()
    };
    let outcome = pipeline::merge(Merge3::new(base_bytes, ours_bytes, theirs_bytes), &options);
    record_outcome(&mut report, &outcome, on_disk.is_some());
    (report, Some(outcome))
}

fn record_outcome(report: &mut FileReport, outcome: &MergeOutcome, live: bool) {
    report.method = Some(match outcome.method {
        crate::Method::LineMerge => "line-merge".into(),
        crate::Method::Structured => "structured".into(),
    });
    let (listed, omitted) = list_decisions(&outcome.report);
    report.decisions = listed;
    report.decisions_omitted = omitted;
    if !live {
        let text = String::from_utf8_lossy(&outcome.bytes);
        set_markers(report, &conflicts::regions(&text, None), "merged result");
    }
    report.state = match (outcome.is_clean(), live, report.markers.is_empty()) {
        (true, _, _) => FileState::Resolvable,
        (false, true, true) => FileState::NoMarkersLeft,
        (false, _, _) => FileState::Clash,
    };
    report.clashes = match report.state {
        FileState::Clash if live => report.markers.len() + report.markers_omitted,
        FileState::Clash => outcome.conflicts.max(1),
        _ => 0,
    };
    if report.state == FileState::Resolvable && live {
        report.note =
            Some("mlmerge merges this file cleanly: run `git mergetool --tool=mlmerge`".into());
    }
}

fn list_decisions(report: &Report) -> (Vec<DecisionRecord>, usize) {
    let all = &report.decisions;
    (
        all.iter().take(MAX_LISTED).map(Decision::record).collect(),
        all.len().saturating_sub(MAX_LISTED),
    )
}

fn scan_markers(report: &mut FileReport, path: &Path) {
    let too_big = std::fs::metadata(path).map_or(true, |m| m.len() > MAX_SCANNED_BYTES);
    if too_big {
        return;
    }
    if let Ok(bytes) = std::fs::read(path) {
        let text = String::from_utf8_lossy(&bytes);
        set_markers(report, &conflicts::regions(&text, None), "work tree");
    }
}

fn set_markers(report: &mut FileReport, found: &[conflicts::ConflictRegion], place: &'static str) {
    report.markers_in = Some(place);
    report.markers = found
        .iter()
        .take(MAX_LISTED)
        .map(|r| MarkerSpan {
            start: r.start_line,
            end: r.end_line,
        })
        .collect();
    report.markers_omitted = found.len().saturating_sub(MAX_LISTED);
}

fn content(version: &Option<stages::Version>) -> &[u8] {
    version
        .as_ref()
        .and_then(|v| v.content.as_deref())
        .unwrap_or(b"")
}
