//! The line-level check of Python that git's line merge settled
//! (`verify` on lines, issue 8): a clean merge that undid a deletion or
//! doubled a moved line, or a conflicted one that settled a change
//! silently next to a conflict, goes to the structured merge of the whole
//! file, or becomes one whole-file conflict.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::structured::structured_whole;
use super::{MergeOutcome, Method};
use crate::core::encoding::decode;
use crate::core::kind::FileKind;
use crate::core::merge3::Merge3;
use crate::core::render::{render, Markers, Piece};
use crate::decisions::{Decision, DecisionKind, Report};
use crate::settings::MergeOptions;

fn text(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes).ok()
}

/// The three versions as text when the line-level check takes them and
/// `result`: none of the four over [`crate::verify::MAX_LINE_CHECK_BYTES`],
/// the versions UTF-8.
fn checkable<'v>(versions: Merge3<&'v [u8]>, result: &[u8]) -> Option<Merge3<&'v str>> {
    let sizes = [versions.base, versions.ours, versions.theirs, result];
    if sizes
        .iter()
        .any(|v| v.len() > crate::verify::MAX_LINE_CHECK_BYTES)
    {
        return None;
    }
    Some(Merge3::new(
        text(versions.base)?,
        text(versions.ours)?,
        text(versions.theirs)?,
    ))
}

/// A conflicted Python result of git's line merge must still hold, outside its conflicts,
/// every line change of both sides (git's line merge can settle a moved
/// or deleted line silently next to a conflict). Otherwise the whole file
/// is merged structurally, and if that is not certain either, the whole
/// file is one conflict.
pub(super) fn guard_conflicted(
    versions: Merge3<&[u8]>,
    chosen: MergeOutcome,
    options: &MergeOptions,
    markers: &Markers,
) -> MergeOutcome {
    let Some(Merge3 {
        base: b,
        ours: o,
        theirs: t,
    }) = checkable(versions, &chosen.bytes)
    else {
        return chosen;
    };
    // Not text to the structured merge (NUL bytes, invalid UTF-8), or too
    // large to check: git's own result stands (merge-rules §1.7).
    if [versions.base, versions.ours, versions.theirs]
        .iter()
        .any(|v| decode(v).is_none())
        || !crate::verify::line_check_fits(&[b, o, t])
    {
        return chosen;
    }
    let holds = |bytes: &[u8]| {
        text(bytes).is_some_and(|r| {
            crate::verify::check_conflicted_lines(b, o, t, r, markers.size).is_ok()
        })
    };
    if holds(&chosen.bytes) {
        return chosen;
    }
    let note = |mut s: MergeOutcome, what: &str| {
        s.report.push(Decision::new(
            DecisionKind::VerifyRejected,
            "the merged file",
            format!("a change of one side was settled silently next to a conflict; {what}"),
        ));
        s
    };
    let whole = catch_unwind(AssertUnwindSafe(|| {
        structured_whole(versions, options, markers)
    }));
    if let Ok(Ok(s)) = whole {
        if holds(&s.bytes) {
            return note(s, "the file was merged structurally as a whole");
        }
    }
    note(
        whole_file_conflict(Merge3::new(b, o, t), markers),
        "the whole file is left as one conflict",
    )
}

/// The three versions as one conflict over the whole file.
fn whole_file_conflict(texts: Merge3<&str>, markers: &Markers) -> MergeOutcome {
    let pieces = vec![Piece::Conflict(texts.map(str::to_string))];
    let r = render(&pieces, markers);
    MergeOutcome {
        bytes: r.text.into_bytes(),
        kind: FileKind::Python,
        conflicts: r.conflicts.max(1),
        method: Method::LineMerge,
        report: Report::default(),
    }
}

/// git's clean line merge of Python can undo a deletion or double a line
/// one side moved (merge-rules §2: delete vs move, move vs move). When
/// `verify` finds that at line level, the whole file is merged
/// structurally instead, which draws those clashes as conflicts.
pub(super) fn recheck_clean_lines(
    versions: Merge3<&[u8]>,
    line: &MergeOutcome,
    options: &MergeOptions,
    markers: &Markers,
) -> Option<MergeOutcome> {
    let Merge3 {
        base: b,
        ours: o,
        theirs: t,
    } = checkable(versions, &line.bytes)?;
    let r = text(&line.bytes)?;
    let verdict = crate::verify::check_clean_lines(b, o, t, r);
    if verdict.is_ok() {
        return None;
    }
    let reason = verdict.reason().unwrap_or_default();
    let whole = catch_unwind(AssertUnwindSafe(|| {
        structured_whole(versions, options, markers)
    }));
    let mut s = match whole {
        Ok(Ok(s)) => s,
        _ => return None,
    };
    if s.is_clean() && s.bytes == line.bytes && markers.prefer.is_none() {
        // The structured merge wrote the text the check rejected (its
        // stretches between regions are line merges too): not certain
        // either (branch fuzz5: ours deleting `Dropout`, theirs moving it
        // below a statement it inserted into the `model.add` run).
        let mut conflict = whole_file_conflict(Merge3::new(b, o, t), markers);
        // Not git's result: what the check decided, in the report.
        conflict.method = Method::Structured;
        conflict.report.push(Decision::new(
            DecisionKind::VerifyRejected,
            "git's line merge",
            format!(
                "git's clean line merge was not certain ({reason}) and the structured merge gave the same text; the three versions are left as one conflict, narrowed to the lines that differ"
            ),
        ));
        return Some(conflict);
    }
    s.report.push(Decision::new(
        DecisionKind::VerifyRejected,
        "git's line merge",
        format!(
            "git's clean line merge was not certain ({reason}); the file was merged structurally"
        ),
    ));
    Some(s)
}
