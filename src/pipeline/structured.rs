//! The structured merge of one file, whatever its kind: decode the three
//! versions (UTF-8, BOM, line endings), merge the text by kind, and encode
//! the result back in the merged encoding.

use crate::core::encoding::{
    decode, decode_keeping_eol, encode, merge_encoding, mixed_encoding, Decoded, Encoding, Eol,
};
use crate::core::kind::FileKind;
use crate::core::line_merge::merge_lines;
use crate::core::merge3::Merge3;
use crate::core::render::{render, Markers};
use crate::decisions::{Decision, DecisionKind, Report};
use crate::fallback::Fallback;
use crate::python;
use crate::settings::MergeOptions;

use super::{MergeOutcome, Method, Structured};

/// Python sources larger than this are merged by lines only.
const MAX_STRUCTURED_PY: usize = 32 << 20;

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
pub(super) fn structured(
    versions: Merge3<&[u8]>,
    kind: FileKind,
    options: &MergeOptions,
    markers: &Markers,
) -> Result<MergeOutcome, Fallback> {
    merged_and_checked(versions, kind, options, markers).map(|(outcome, _)| outcome)
}

/// [`structured`] for a notebook, and whether its result is a notebook
/// the cell merge checked (a notebook Jupyter opens: `notebook::is_valid`
/// holds for it). It is not when the decoded texts merged trivially (one
/// side only converted the line endings or the BOM): those are handed back
/// unread.
pub(super) fn structured_notebook(
    versions: Merge3<&[u8]>,
    options: &MergeOptions,
    markers: &Markers,
) -> Result<(MergeOutcome, bool), Fallback> {
    merged_and_checked(versions, FileKind::Notebook, options, markers)
}

fn merged_and_checked(
    versions: Merge3<&[u8]>,
    kind: FileKind,
    options: &MergeOptions,
    markers: &Markers,
) -> Result<(MergeOutcome, bool), Fallback> {
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
    // `notebook::merge` reads and checks all but a trivial merge.
    let checked = kind == FileKind::Notebook && texts.resolve_trivial().is_none();
    let mut merged = match kind {
        FileKind::Python if versions.ours.len().max(versions.theirs.len()) > MAX_STRUCTURED_PY => {
            return Err(Fallback::TooLarge)
        }
        FileKind::Python => python::final_newline::merged_with_final_newline(texts, |t| {
            python::merge(t, options, markers)
        })?,
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
    let outcome = MergeOutcome {
        bytes: encode(merged.text, encoding),
        kind,
        conflicts: merged.conflicts,
        method: Method::Structured,
        report: merged.report,
    };
    Ok((outcome, checked))
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

/// [`structured`] for Python over the whole file.
pub(super) fn structured_whole(
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
    let merged = python::final_newline::merged_with_final_newline(texts, |t| {
        python::merge_whole(t, options, markers)
    })?;
    Ok(MergeOutcome {
        bytes: encode(merged.text, encoding),
        kind: FileKind::Python,
        conflicts: merged.conflicts,
        method: Method::Structured,
        report: merged.report,
    })
}
