//! The notebook path of the pipeline: the cell merge decides, held to
//! git's verdict (git's clean merge stands when it is the same notebook),
//! and the conservative notebook merge takes over when the cell merge fails.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::structured::structured;
use super::{line_outcome, with_note, MergeOutcome, Method};
use crate::core::kind::FileKind;
use crate::core::line_merge::git_clean_merge_with;
use crate::core::merge3::Merge3;
use crate::core::render::Markers;
use crate::decisions::{Decision, DecisionKind};
use crate::fallback::Fallback;
use crate::settings::MergeOptions;

/// What git's clean line merge of a notebook says, without a copy of its
/// result (tens of megabytes of outputs): whether it is a valid notebook,
/// and a digest of its bytes. A conflicted merge has no verdict: nothing
/// of it is used while the cell merge works.
struct GitVerdict {
    valid: bool,
    digest: u64,
}

/// Notebooks: the cell merge decides, checked against git's verdict. git's
/// clean merge stands when it is the same notebook (merge-rules §1.5); it
/// does not when the cell merge means something else: git keeps a cell both
/// sides inserted twice, splices two runs' outputs, or keeps a cell one side
/// edited and the other deleted without a word (§3). git's conflicted result
/// is never used while the cell merge works: it is not JSON.
pub(super) fn merge_notebook(
    versions: Merge3<&[u8]>,
    options: &MergeOptions,
    markers: &Markers,
    plain: &Markers,
) -> MergeOutcome {
    let kind = FileKind::Notebook;
    let verdict = git_clean_merge_with(
        versions.base,
        versions.ours,
        versions.theirs,
        plain,
        |bytes| GitVerdict {
            valid: crate::notebook::is_valid(bytes),
            digest: digest(bytes),
        },
    )
    .ok()
    .flatten();
    let git_stands = verdict.as_ref().is_some_and(|v| v.valid);
    let structured = catch_unwind(AssertUnwindSafe(|| {
        structured(versions, kind, options, markers)
    }));
    let failure = match structured {
        Ok(Ok(s)) => Ok(s),
        Ok(Err(Fallback::NotebookFailed(why))) => Err(Fallback::NotebookFailed(why)),
        Ok(Err(reason)) => {
            // Not a notebook the cell merge reads: git's line merge, as git.
            let used = if git_stands { plain } else { markers };
            return with_note(line_outcome(versions, kind, used), reason);
        }
        Err(_) => Err(Fallback::Internal),
    };
    let mut s = match failure {
        Ok(s) => s,
        Err(reason) if git_stands => {
            return with_note(line_outcome(versions, kind, plain), reason);
        }
        Err(reason) => return conservative_notebook(versions, options, markers, reason),
    };
    if !git_stands {
        return s;
    }
    if verdict.is_some_and(|v| v.digest == digest(&s.bytes)) {
        // The very bytes git would write.
        s.method = Method::LineMerge;
        return s;
    }
    let line = line_outcome(versions, kind, plain);
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

/// A fast 64-bit digest of `bytes` (not cryptographic: it tells whether
/// two merge results of the same inputs are the same bytes).
fn digest(bytes: &[u8]) -> u64 {
    let mut h: u64 = bytes.len() as u64 ^ 0x9e37_79b9_7f4a_7c15;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x5163_8e0f_2b1d_a3c7);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x5163_8e0f_2b1d_a3c7);
    }
    h
}
