//! The merge pipeline in one screen: detect the kind, ask git's line merge,
//! and where it clashes try the structured merge of that kind, keeping it
//! only when it verifies and leaves less in conflict.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::core::conflicts::{count_regions, lines_inside};
use crate::core::encoding::{
    decode, decode_keeping_eol, encode, merge_encoding, mixed_encoding, Decoded, Encoding, Eol,
};
use crate::core::kind::{detect, FileKind};
use crate::core::line_merge::{git_merge_with, merge_lines};
use crate::core::merge3::Merge3;
use crate::core::render::{render, Markers, Piece, MAX_MARKER_SIZE};
use crate::decisions::{Decision, DecisionKind, Report};
use crate::fallback::Fallback;
use crate::python;
use crate::settings::MergeOptions;

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

/// A conflicted Python result of git's line merge must still hold, outside its conflicts,
/// every line change of both sides (git's line merge can settle a moved
/// or deleted line silently next to a conflict). Otherwise the whole file
/// is merged structurally, and if that is not certain either, the whole
/// file is one conflict.
fn guard_conflicted(
    versions: Merge3<&[u8]>,
    chosen: MergeOutcome,
    options: &MergeOptions,
    markers: &Markers,
) -> MergeOutcome {
    fn text(b: &[u8]) -> Option<&str> {
        std::str::from_utf8(b).ok()
    }
    let sizes = [versions.base, versions.ours, versions.theirs, &chosen.bytes];
    if sizes
        .iter()
        .any(|v| v.len() > crate::verify::MAX_LINE_CHECK_BYTES)
    {
        return chosen;
    }
    let (Some(b), Some(o), Some(t)) = (
        text(versions.base),
        text(versions.ours),
        text(versions.theirs),
    ) else {
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
    let pieces = vec![Piece::Conflict(Merge3::new(
        b.to_string(),
        o.to_string(),
        t.to_string(),
    ))];
    let r = render(&pieces, markers);
    let outcome = MergeOutcome {
        bytes: r.text.into_bytes(),
        kind: FileKind::Python,
        conflicts: r.conflicts.max(1),
        method: Method::LineMerge,
        report: Report::default(),
    };
    note(outcome, "the whole file is left as one conflict")
}

/// git's clean line merge of Python can undo a deletion or double a line
/// one side moved (merge-rules §2: delete vs move, move vs move). When
/// `verify` finds that at line level, the whole file is merged
/// structurally instead, which draws those clashes as conflicts.
fn recheck_clean_lines(
    versions: Merge3<&[u8]>,
    line: &MergeOutcome,
    options: &MergeOptions,
    markers: &Markers,
) -> Option<MergeOutcome> {
    fn text(b: &[u8]) -> Option<&str> {
        std::str::from_utf8(b).ok()
    }
    let sizes = [versions.base, versions.ours, versions.theirs, &line.bytes];
    if sizes
        .iter()
        .any(|v| v.len() > crate::verify::MAX_LINE_CHECK_BYTES)
    {
        return None;
    }
    let (b, o, t, r) = (
        text(versions.base)?,
        text(versions.ours)?,
        text(versions.theirs)?,
        text(&line.bytes)?,
    );
    if !crate::verify::lines_suspect(b, o, t, r) {
        return None;
    }
    let verdict = crate::verify::check_lines(b, o, t, r, true);
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
    s.report.push(Decision::new(
        DecisionKind::VerifyRejected,
        "git's line merge",
        format!(
            "git's clean line merge was not certain ({reason}); the file was merged structurally"
        ),
    ));
    Some(s)
}

/// [`structured`] for Python over the whole file.
fn structured_whole(
    versions: Merge3<&[u8]>,
    options: &MergeOptions,
    markers: &Markers,
) -> Result<MergeOutcome, Fallback> {
    let decoded = decode_all(versions)?;
    let encoding = merge_encoding(&decoded.map_ref(|d| d.encoding)).ok_or(Fallback::LineEndings)?;
    if versions.ours.len().max(versions.theirs.len()) > MAX_STRUCTURED_PY {
        return Err(Fallback::TooLarge);
    }
    let texts = decoded.as_ref().map(|d| d.text.as_ref());
    let merged = python::merge_whole(texts, options, markers)?;
    Ok(MergeOutcome {
        bytes: encode(merged.text, encoding),
        kind: FileKind::Python,
        conflicts: merged.conflicts,
        method: Method::Structured,
        report: merged.report,
    })
}

/// What git's line merge of a notebook says, without a copy of its result
/// (tens of megabytes of outputs): whether it is clean and a valid notebook,
/// and a digest of its bytes.
struct GitVerdict {
    clean_and_valid: bool,
    digest: u64,
}

/// Notebooks: the cell merge decides, checked against git's verdict. git's
/// clean merge stands when it is the same notebook (merge-rules §1.5); it
/// does not when the cell merge means something else: git keeps a cell both
/// sides inserted twice, splices two runs' outputs, or keeps a cell one side
/// edited and the other deleted without a word (§3). git's conflicted result
/// is never used while the cell merge works: it is not JSON.
fn merge_notebook(
    versions: Merge3<&[u8]>,
    options: &MergeOptions,
    markers: &Markers,
    plain: &Markers,
) -> MergeOutcome {
    let kind = FileKind::Notebook;
    let verdict = git_merge_with(
        versions.base,
        versions.ours,
        versions.theirs,
        plain,
        |bytes, clean| GitVerdict {
            clean_and_valid: clean && crate::notebook::is_valid(&bytes),
            digest: digest(&bytes),
        },
    );
    let git_stands = verdict.as_ref().is_ok_and(|v| v.clean_and_valid);
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
    if verdict.is_ok_and(|v| v.digest == digest(&s.bytes)) {
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
/// or draws its clashes around whole layers where git's line merge would
/// cut through them.
fn prefer_structured(s: &MergeOutcome, line: &MergeOutcome, markers: &Markers) -> bool {
    let structured_clashes = s.report.clashes().count() > 0;
    s.is_clean()
        || s.conflicts < line.conflicts
        || (structured_clashes && s.conflicts <= line.conflicts)
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

/// The three versions as text, or [`Fallback::NotText`].
fn decode_all(versions: Merge3<&[u8]>) -> Result<Merge3<Decoded<'_>>, Fallback> {
    match (
        decode(versions.base),
        decode(versions.ours),
        decode(versions.theirs),
    ) {
        (Some(b), Some(o), Some(t)) => Ok(Merge3::new(b, o, t)),
        _ => Err(Fallback::NotText),
    }
}

/// Decodes, merges by kind, and encodes back with the merged encoding.
fn structured(
    versions: Merge3<&[u8]>,
    kind: FileKind,
    options: &MergeOptions,
    markers: &Markers,
) -> Result<MergeOutcome, Fallback> {
    let decoded = decode_all(versions)?;
    let encodings = decoded.map_ref(|d| d.encoding);
    let (decoded, encoding) = match (merge_encoding(&encodings), mixed_encoding(&encodings)) {
        (Some(encoding), _) => (decoded, encoding),
        // JSON reads a stray CR as whitespace: a notebook keeps what it has.
        (None, _) if kind == FileKind::Notebook => (decoded, notebook_encoding(&encodings)),
        // A version mixes LF and CRLF: a layout to keep, line by line.
        (None, Some(encoding)) => {
            let raw = versions.map(decode_keeping_eol);
            match (raw.base, raw.ours, raw.theirs) {
                (Some(b), Some(o), Some(t)) => (Merge3::new(b, o, t), encoding),
                _ => return Err(Fallback::NotText),
            }
        }
        (None, None) => return Err(Fallback::LineEndings),
    };
    let texts = decoded.as_ref().map(|d| d.text.as_ref());
    let mut merged = match kind {
        FileKind::Python if versions.ours.len().max(versions.theirs.len()) > MAX_STRUCTURED_PY => {
            return Err(Fallback::TooLarge)
        }
        FileKind::Python => python::merge(texts, options, markers)?,
        FileKind::Notebook => crate::notebook::merge(texts, options, markers)?,
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
    if encoding != decoded.ours.encoding {
        merged.report.push(Decision::new(
            DecisionKind::FormattingKept,
            "line endings",
            "one side converted the file's line endings or BOM; the merge keeps the conversion",
        ));
    }
    Ok(MergeOutcome {
        bytes: encode(merged.text, encoding),
        kind,
        conflicts: merged.conflicts,
        method: Method::Structured,
        report: merged.report,
    })
}

/// A notebook's encoding when the line endings cannot be decided (a file
/// with both kinds, or converted differently on each side): ours' BOM, and
/// ours' line endings when they are all CRLF; otherwise the text is written
/// as merged, a stray CR kept where its bytes were copied.
fn notebook_encoding(encodings: &Merge3<Encoding>) -> Encoding {
    Encoding {
        bom: encodings
            .map_ref(|e| e.bom)
            .resolve_trivial()
            .unwrap_or(encodings.ours.bom),
        eol: if encodings.ours.eol == Eol::Crlf {
            Eol::Crlf
        } else {
            Eol::Lf
        },
    }
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
        let json = outcome.report.to_json();
        let codes: Vec<&str> = json
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| d.get("fallback")?.as_str())
            .collect();
        assert_eq!(codes, ["not-text"], "{json}");
    }
}
