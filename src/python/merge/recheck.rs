//! What a clean Python result must pass before it is kept: nothing
//! written more often than the edits allow (definitions, dictionary keys,
//! lines), and, where the line merge settled lines, the line check
//! (`verify` on statements); a result it rejects is replaced by the merge
//! of the whole file, or falls back to git's line merge.

use super::{finish, merge_chunk, module_merge};
use crate::core::merge3::Merge3;
use crate::core::render::{render, Markers, Rendered};
use crate::decisions::{Decision, DecisionKind, Report};
use crate::fallback::Fallback;
use crate::pipeline::Structured;
use crate::python::memo::RunScope;
use crate::python::verify::VerifyError;
use crate::settings::MergeOptions;

/// The checks of every clean result, in one place: no definition and no
/// dictionary key written twice where no side does, and, with `lines`,
/// no line held more often than the edits allow (`verify::doubled_line`,
/// for results of merged elements, which the line check does not read).
pub(super) fn nothing_doubled(
    text: &str,
    texts: Merge3<&str>,
    lines: bool,
) -> Result<(), Fallback> {
    crate::python::doubled::no_definition_doubled(text, texts)?;
    crate::python::doubled::no_key_doubled(text, texts)?;
    if lines {
        if let Some(line) = crate::verify::doubled_line(texts.base, texts.ours, texts.theirs, text)
        {
            return Err(Fallback::Unverified(VerifyError::DoubledLine(line)));
        }
    }
    Ok(())
}

/// A clean result whose settled lines came from the line merge can have
/// undone a deletion or doubled a line one side moved; when `verify` finds
/// that at line level, the whole file is merged structurally instead, and
/// where that cannot replace it (`Err`), by lines as git would.
pub(super) fn recheck_lines(
    texts: Merge3<&str>,
    result: &str,
    options: &MergeOptions,
    markers: &Markers,
) -> Result<Option<Structured>, Fallback> {
    let (b, o, t) = (texts.base, texts.ours, texts.theirs);
    let verdict = crate::verify::check_clean_lines(b, o, t, result);
    if verdict.is_ok() {
        return Ok(None);
    }
    // The rejected result is not certain: without a whole-file merge to
    // replace it (a version nesting too deep to merge structurally), or
    // when that merge gives the same clean text again (a token merge that
    // gave one method's name to another's body, both times), the file
    // merges by lines as git would, never clean on a guess.
    let rejected = || {
        Fallback::Unverified(VerifyError::LineCheckRejected(
            verdict.reason().unwrap_or_default(),
        ))
    };
    let mut whole = merge_whole(texts, options, markers).map_err(|_| rejected())?;
    if whole.conflicts == 0 && whole.text == result {
        return Err(rejected());
    }
    whole.report.push(Decision::new(
        DecisionKind::VerifyRejected,
        "the line merge",
        format!(
            "the clean line merge was not certain ({}); the file was merged structurally",
            verdict.reason().unwrap_or_default()
        ),
    ));
    Ok(Some(whole))
}

/// Merges the whole file structurally, as one chunk, even where git's
/// line merge is clean: for a clean line merge `verify` found wrong (a
/// deletion undone or a moved line doubled).
pub fn merge_whole(
    texts: Merge3<&str>,
    options: &MergeOptions,
    markers: &Markers,
) -> Result<Structured, Fallback> {
    let _memo = RunScope::open();
    let (pieces, report) = merge_chunk(texts, options, markers)?;
    let (rendered, report) =
        by_names_where_lines_fail(texts, options, markers, render(&pieces, markers), report);
    // The checks of every clean result (see [`merge`]): the whole-file
    // merge kept two versions of a function both sides added beside an
    // import only one side added.
    if rendered.conflicts == 0 {
        nothing_doubled(&rendered.text, texts, true)?;
    }
    Ok(finish(rendered, report, markers))
}

/// The whole-file chunk merge settles the code between layer lists by
/// lines: where its clean result fails the line check too, the merge by
/// names (members, entries, imports) is taken instead when it draws the
/// clash (a method one side deleted, the other moved and edited) or its
/// clean result passes the check.
fn by_names_where_lines_fail(
    texts: Merge3<&str>,
    options: &MergeOptions,
    markers: &Markers,
    rendered: Rendered,
    report: Report,
) -> (Rendered, Report) {
    let (b, o, t) = (texts.base, texts.ours, texts.theirs);
    if rendered.conflicts > 0 || crate::verify::check_clean_lines(b, o, t, &rendered.text).is_ok() {
        return (rendered, report);
    }
    match module_merge(texts, options, markers) {
        Some((named, named_report)) => {
            let r = render(&named, markers);
            if r.conflicts > 0 || crate::verify::check_lines(b, o, t, &r.text, true).is_ok() {
                (r, named_report)
            } else {
                (rendered, report)
            }
        }
        None => (rendered, report),
    }
}
