//! The merge pipeline in one screen: detect the kind, ask git's line merge,
//! and where it clashes try the structured merge of that kind, keeping it
//! only when it verifies and leaves less in conflict.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::detect::{detect, FileKind};
use crate::merge::lines::{conflict_lines, git_merge_with, merge_lines};
use crate::merge::merge3::Merge3;
use crate::merge::{python, Structured};
use crate::options::MergeOptions;
use crate::render::{render, Markers};
use crate::report::{Decision, DecisionKind, Report};
use crate::text::{decode, encode, merge_layout};

/// Python sources larger than this are merged by lines only.
const MAX_STRUCTURED_PY: usize = 32 << 20;

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

/// Merges three versions of one file.
pub fn merge(versions: Merge3<&[u8]>, options: &MergeOptions) -> MergeOutcome {
    let markers = Markers::for_inputs(options, &[versions.base, versions.ours, versions.theirs]);
    let kind = detect(
        options.path.as_deref(),
        [versions.base, versions.ours, versions.theirs],
    );
    // git's own verdict first, without any side preference: a preference
    // must not hide what the structured merge could combine.
    let plain = Markers {
        prefer: None,
        ..markers.clone()
    };
    let line = line_outcome(versions, kind, &plain, kind != FileKind::Notebook);
    if line.is_clean() && kind != FileKind::Notebook {
        return line;
    }
    if line.is_clean() && crate::merge::notebook::is_valid(&line.bytes) {
        return confirm_clean_notebook(line, versions, options, &markers);
    }
    // A notebook's conflicted line merge is tens of megabytes and only a
    // fallback: rebuilt if needed rather than held during the cell merge.
    let line = (kind != FileKind::Notebook).then_some(line);

    let structured = catch_unwind(AssertUnwindSafe(|| {
        structured(versions, kind, options, &markers)
    }));
    // The fallback honours the preference, like `git merge -X ours`.
    let fallback = |line: Option<MergeOutcome>| match (markers.prefer, line) {
        (None, Some(line)) => line,
        _ => line_outcome(versions, kind, &markers, true),
    };
    match structured {
        Ok(Ok(s)) if s.is_clean() || prefer_structured(&s, line.as_ref(), &markers) => s,
        Ok(Err(reason)) => with_note(fallback(line), &reason),
        Ok(Ok(_)) => with_note(
            fallback(line),
            "the structured merge left as much in conflict",
        ),
        Err(_) => with_note(fallback(line), "internal error in the structured merge"),
    }
}

/// git's clean merge of a notebook stands, unless the notebook merge means
/// something else: git keeps a cell both sides inserted twice, splices two
/// runs' outputs together, or keeps a cell one side edited and the other
/// deleted without a word (merge-rules §3 makes that a conflict).
fn confirm_clean_notebook(
    line: MergeOutcome,
    versions: Merge3<&[u8]>,
    options: &MergeOptions,
    markers: &Markers,
) -> MergeOutcome {
    let structured = catch_unwind(AssertUnwindSafe(|| {
        structured(versions, FileKind::Notebook, options, markers)
    }));
    match structured {
        Ok(Ok(mut s)) if !crate::merge::notebook::same_notebook(&s.bytes, &line.bytes) => {
            s.report.push(Decision::new(
                DecisionKind::TookBoth,
                "whole file",
                "git's line merge was clean but its notebook differs from the cell-by-cell merge (merge-rules §3); the cell-by-cell merge is used",
            ));
            s
        }
        _ => line,
    }
}

/// git's line merge. With `keep_conflicted` false a conflicted result is
/// only counted, not copied (a notebook's is not JSON and only a fallback).
fn line_outcome(
    versions: Merge3<&[u8]>,
    kind: FileKind,
    markers: &Markers,
    keep_conflicted: bool,
) -> MergeOutcome {
    let visit = |bytes: &[u8], clean: bool| {
        let conflicts = if clean {
            0
        } else {
            count_conflicts(bytes, markers).max(1)
        };
        let bytes = if clean || keep_conflicted {
            bytes.to_vec()
        } else {
            Vec::new()
        };
        (bytes, conflicts)
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

fn count_conflicts(bytes: &[u8], markers: &Markers) -> usize {
    crate::render::lines(bytes)
        .filter(|l| markers.is_start(l))
        .count()
}

/// The structured result wins when it is clean, leaves fewer conflicts,
/// or draws its clashes around whole layers or cells where git's line
/// merge would cut through them. For notebooks (`line` is `None`) it always
/// wins: git's conflicted result is not JSON.
fn prefer_structured(s: &MergeOutcome, line: Option<&MergeOutcome>, markers: &Markers) -> bool {
    let Some(line) = line else { return true };
    let structured_clashes = s.report.clashes().count() > 0;
    s.is_clean()
        || s.conflicts < line.conflicts
        || (structured_clashes && s.conflicts <= line.conflicts)
        || conflict_lines(&s.bytes, markers) < conflict_lines(&line.bytes, markers)
}

fn with_note(mut outcome: MergeOutcome, reason: &str) -> MergeOutcome {
    outcome.report.push(Decision::new(
        DecisionKind::LineMerge,
        "whole file",
        format!("merged by lines like git merge-file: {reason}"),
    ));
    outcome
}

/// Decodes, merges by kind, and encodes back with the merged layout.
fn structured(
    versions: Merge3<&[u8]>,
    kind: FileKind,
    options: &MergeOptions,
    markers: &Markers,
) -> Result<MergeOutcome, String> {
    let decoded = match (
        decode(versions.base),
        decode(versions.ours),
        decode(versions.theirs),
    ) {
        (Some(b), Some(o), Some(t)) => Merge3::new(b, o, t),
        _ => return Err("an input is not UTF-8 text".into()),
    };
    let layout = merge_layout(&decoded.map_ref(|d| d.layout))
        .ok_or("the line endings are mixed or were converted differently on each side")?;
    let texts = decoded.as_ref().map(|d| d.text.as_ref());
    let mut merged = match kind {
        FileKind::Python if versions.ours.len().max(versions.theirs.len()) > MAX_STRUCTURED_PY => {
            return Err("the file is too large for the structured merge".into())
        }
        FileKind::Python => python::merge(texts, options, markers)?,
        FileKind::Notebook => crate::merge::notebook::merge(texts, options, markers)?,
        FileKind::Text => {
            let r = render(&merge_lines(texts), markers);
            Structured {
                text: r.text,
                conflicts: r.conflicts,
                report: Report {
                    decisions: Decision::preferred(r.preferred, markers.prefer)
                        .into_iter()
                        .collect(),
                },
            }
        }
    };
    if layout != decoded.ours.layout {
        merged.report.push(Decision::new(
            DecisionKind::FormattingKept,
            "line endings",
            "one side converted the file's line endings or BOM; the merge keeps the conversion",
        ));
    }
    Ok(MergeOutcome {
        bytes: encode(merged.text, layout),
        kind,
        conflicts: merged.conflicts,
        method: Method::Structured,
        report: merged.report,
    })
}
