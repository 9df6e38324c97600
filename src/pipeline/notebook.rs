//! The notebook path of the pipeline: the cell merge decides, held to
//! git's verdict (git's clean merge stands when it is the same notebook),
//! and the conservative notebook merge takes over when the cell merge fails.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::structured::structured_notebook;
use super::{line_outcome, with_note, MergeOutcome, Method};
use crate::core::digest::digest;
use crate::core::kind::FileKind;
use crate::core::line_merge::git_clean_merge_with;
use crate::core::merge3::Merge3;
use crate::core::render::Markers;
use crate::decisions::{Decision, DecisionKind};
use crate::fallback::Fallback;
use crate::settings::MergeOptions;

/// Notebooks: the cell merge decides, checked against git's verdict. git's
/// clean merge stands when it is the same notebook (merge-rules §1.5); it
/// does not when the cell merge means something else: git keeps a cell both
/// sides inserted twice, splices two runs' outputs, or keeps a cell one side
/// edited and the other deleted without a word (§3). git's conflicted result
/// is never used while the cell merge works: it is not JSON.
///
/// git's verdict keeps only a digest of its clean result (tens of
/// megabytes of outputs are not copied). Whether that result is a valid
/// notebook is asked only where the answer matters and is not already
/// known: when its bytes are the cell merge's checked result it is.
pub(super) fn merge_notebook(
    versions: Merge3<&[u8]>,
    options: &MergeOptions,
    markers: &Markers,
    plain: &Markers,
) -> MergeOutcome {
    let kind = FileKind::Notebook;
    let git_digest =
        git_clean_merge_with(versions.base, versions.ours, versions.theirs, plain, digest)
            .ok()
            .flatten();
    let git_clean = git_digest.is_some();
    // git's clean result again, when it stands (a valid notebook).
    let git_standing = || {
        let line = line_outcome(versions, kind, plain);
        crate::notebook::is_valid(&line.bytes).then_some(line)
    };
    // In place of a failed cell merge, git's clean result stands only if it
    // repeats no cell id that no version repeats (a cell both sides moved
    // apart, written twice, is no valid nbformat 4.5 notebook).
    let git_instead = || {
        git_standing().filter(|line| {
            !crate::notebook::repeats_an_id(&line.bytes)
                || versions
                    .iter()
                    .any(|(_, v)| crate::notebook::repeats_an_id(v))
        })
    };
    let structured = catch_unwind(AssertUnwindSafe(|| {
        structured_notebook(versions, options, markers)
    }));
    let failure = match structured {
        Ok(Ok(s)) => Ok(s),
        Ok(Err(Fallback::NotebookFailed(why))) => Err(Fallback::NotebookFailed(why)),
        Ok(Err(reason)) => {
            // Not a notebook the cell merge reads: git's line merge, as git
            // (git's clean notebook without the side preference).
            let line = match git_clean && markers.prefer.is_some() {
                true => git_standing(),
                false => None,
            };
            let line = line.unwrap_or_else(|| line_outcome(versions, kind, markers));
            return with_note(line, reason);
        }
        Err(_) => Err(Fallback::Internal),
    };
    let (mut s, checked) = match failure {
        Ok(s) => s,
        Err(reason) => {
            return match git_clean.then(git_instead).flatten() {
                Some(line) => with_note(line, reason),
                None => conservative_notebook(versions, options, markers, reason),
            };
        }
    };
    let Some(git_digest) = git_digest else {
        return s;
    };
    if git_digest == digest(&s.bytes) {
        // The very bytes git would write: git's merge stands if they are a
        // notebook, which the cell merge checked unless it merged trivially.
        if checked || crate::notebook::is_valid(&s.bytes) {
            s.method = Method::LineMerge;
        }
        return s;
    }
    let Some(line) = git_standing() else {
        return s;
    };
    if crate::notebook::same_notebook(&s.bytes, &line.bytes) {
        return line;
    }
    s.report.push(Decision::new(
        DecisionKind::TookBoth,
        "whole file",
        "git's line merge was clean but its notebook differs from the cell-by-cell merge (merge-rules §3); the cell-by-cell merge is used",
    ));
    s
}

/// The cell merge failed on notebooks: the conservative notebook merge
/// (valid notebooks in, a valid notebook out); git's line merge only if
/// even that cannot read the inputs.
fn conservative_notebook(
    versions: Merge3<&[u8]>,
    options: &MergeOptions,
    markers: &Markers,
    reason: Fallback,
) -> MergeOutcome {
    let merged = catch_unwind(AssertUnwindSafe(|| {
        crate::notebook::fallback::merge(versions, options, markers)
    }));
    match merged {
        Ok(Some(c)) => {
            let mut report = c.report;
            report.push(Decision::new(
                DecisionKind::NotebookFallback,
                "whole file",
                format!("why the cell-by-cell merge failed: {reason}"),
            ));
            MergeOutcome {
                bytes: c.bytes,
                kind: FileKind::Notebook,
                conflicts: c.conflicts,
                method: Method::Structured,
                report,
            }
        }
        _ => with_note(line_outcome(versions, FileKind::Notebook, markers), reason),
    }
}
