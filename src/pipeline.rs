//! The merge pipeline in one screen: detect the kind, ask git's line merge,
//! and where it clashes try the structured merge of that kind, keeping it
//! only when it verifies and leaves less in conflict. The steps it names
//! live beside it: `structured` (decode, merge by kind, encode back),
//! `notebook` (the cell merge held to git's verdict) and `line_check`
//! (Python that git's line merge settled, checked line by line).

mod line_check;
mod notebook;
mod structured;

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::core::conflicts::{count_regions, lines_inside};
use crate::core::kind::{detect, FileKind};
use crate::core::line_merge::git_merge_with;
use crate::core::merge3::Merge3;
use crate::core::render::{Markers, MAX_MARKER_SIZE};
use crate::decisions::{Decision, DecisionKind, Report};
use crate::fallback::Fallback;
use crate::settings::MergeOptions;
use line_check::{guard_conflicted, recheck_clean_lines};
use notebook::merge_notebook;
use structured::structured;

/// How the result was produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// git's line merge, unchanged (it was clean, or nothing did better).
    LineMerge,
    /// The structured merge of the file's kind.
    Structured,
}

/// The merged bytes and what it took to get them.
#[derive(Clone, Debug)]
pub struct MergeOutcome {
    pub bytes: Vec<u8>,
    pub kind: FileKind,
    /// Conflict regions left in `bytes`; 0 means clean.
    pub conflicts: usize,
    pub method: Method,
    pub report: Report,
}

impl MergeOutcome {
    pub fn is_clean(&self) -> bool {
        self.conflicts == 0
    }
}

/// A structured merge's result, whatever the file kind: LF text without
/// a BOM.
#[derive(Clone, Debug)]
pub struct Structured {
    pub text: String,
    /// Conflict regions left in `text`.
    pub conflicts: usize,
    pub report: Report,
}

/// Merges three versions of one file.
pub fn merge(versions: Merge3<&[u8]>, options: &MergeOptions) -> MergeOutcome {
    let kind = detect(
        options.path.as_deref(),
        [versions.base, versions.ours, versions.theirs],
    );
    // merge-rules §1.2, on bytes, before any binary or encoding check.
    let mut outcome = match trivial(versions) {
        Some(bytes) => MergeOutcome {
            bytes: bytes.to_vec(),
            kind,
            conflicts: 0,
            method: Method::LineMerge,
            report: Report::default(),
        },
        None => merge_by_kind(versions, kind, options),
    };
    if options.marker_size > MAX_MARKER_SIZE {
        outcome.report.push(Decision::new(
            DecisionKind::LimitReached,
            "conflict markers",
            format!(
                "a marker size of {} was asked for; markers are at most {MAX_MARKER_SIZE} characters long",
                options.marker_size
            ),
        ));
    }
    outcome
}

/// The result of a trivial merge: at most one side changed the bytes, or
/// both changed them the same way.
fn trivial(versions: Merge3<&[u8]>) -> Option<&[u8]> {
    versions.resolve_trivial()
}

fn merge_by_kind(versions: Merge3<&[u8]>, kind: FileKind, options: &MergeOptions) -> MergeOutcome {
    let markers = Markers::for_inputs(options, &[versions.base, versions.ours, versions.theirs]);
    // git's own verdict first, without any side preference: a preference
    // must not hide what the structured merge could combine.
    let plain = Markers {
        prefer: None,
        ..markers.clone()
    };
    if kind == FileKind::Notebook {
        return merge_notebook(versions, options, &markers, &plain);
    }
    // The Python stages below share what they parse and merge.
    let _memo = (kind == FileKind::Python).then(crate::python::memo::RunScope::open);
    let line = line_outcome(versions, kind, &plain);
    if line.is_clean() {
        if kind == FileKind::Python {
            if let Some(fixed) = recheck_clean_lines(versions, &line, options, &markers) {
                return fixed;
            }
        }
        return line;
    }
    let structured = catch_unwind(AssertUnwindSafe(|| {
        structured(versions, kind, options, &markers)
    }));
    // The fallback honours the preference, like `git merge -X ours`.
    let fallback = |line: MergeOutcome| match markers.prefer {
        None => line,
        Some(_) => line_outcome(versions, kind, &markers),
    };
    let chosen = match structured {
        Ok(Ok(s)) if prefer_structured(&s, &line, &markers) => s,
        Ok(Err(reason)) => with_note(fallback(line), reason),
        Ok(Ok(_)) => with_note(fallback(line), Fallback::NoFewerConflicts),
        Err(_) => with_note(fallback(line), Fallback::Internal),
    };
    if kind == FileKind::Python
        && !chosen.is_clean()
        && chosen.method == Method::LineMerge
        && markers.prefer.is_none()
    {
        return guard_conflicted(versions, chosen, options, &markers);
    }
    chosen
}

/// git's line merge, as an outcome.
fn line_outcome(versions: Merge3<&[u8]>, kind: FileKind, markers: &Markers) -> MergeOutcome {
    let visit = |bytes: std::borrow::Cow<'_, [u8]>, clean: bool| {
        let conflicts = if clean {
            0
        } else {
            count_regions(&bytes, markers.size).max(1)
        };
        (bytes.into_owned(), conflicts)
    };
    let (bytes, conflicts) = git_merge_with(
        versions.base,
        versions.ours,
        versions.theirs,
        markers,
        visit,
    )
    // libgit2 could not merge at all: keep ours, report a conflict.
    .unwrap_or_else(|_| (versions.ours.to_vec(), 1));
    MergeOutcome {
        bytes,
        kind,
        conflicts,
        method: Method::LineMerge,
        report: Report::default(),
    }
}

/// The structured result wins when it is clean, leaves fewer conflicts,
/// draws its clashes around whole layers where git's line merge would
/// cut through them, or holds a clash over layers a side reordered: git's
/// line merge reads a move as a deletion and an insertion, and its fewer
/// conflicts can settle one side's copy of the moved layer beside the
/// other's (taking one side then writes the layer twice).
fn prefer_structured(s: &MergeOutcome, line: &MergeOutcome, markers: &Markers) -> bool {
    let structured_clashes = s.report.clashes().count() > 0;
    s.is_clean()
        || s.conflicts < line.conflicts
        || (structured_clashes && s.conflicts <= line.conflicts)
        || s.report.has_reorder_clash()
        || lines_inside(&s.bytes, markers.size) < lines_inside(&line.bytes, markers.size)
}

fn with_note(mut outcome: MergeOutcome, reason: Fallback) -> MergeOutcome {
    outcome.report.push(Decision::line_merge(
        "whole file",
        format!("merged by lines like git merge-file: {reason}"),
        reason,
    ));
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A version that is not UTF-8: the line merge, with the reason's
    /// stable code in the report JSON.
    #[test]
    fn a_fallback_shows_its_code() {
        let options = MergeOptions {
            path: Some("model.py".into()),
            ..MergeOptions::default()
        };
        let outcome = merge(
            Merge3::new(&b"x = 1\n"[..], b"x = 2 # \xff\n", b"x = 3\n"),
            &options,
        );
        let records = outcome.report.records();
        let codes: Vec<&str> = records
            .iter()
            .filter_map(|d| d.fallback.as_deref())
            .collect();
        assert_eq!(codes, ["not-text"], "{records:?}");
    }
}
