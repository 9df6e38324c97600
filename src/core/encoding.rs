//! The encoding of a text file around its lines: UTF-8, BOM and line endings.
//!
//! The structured merge works on LF text without a BOM; this module strips
//! both on the way in and puts the merged choice back on the way out, so
//! a side that only converted line endings merges cleanly with the other
//! side's edits (merge-rules §4).

use std::borrow::Cow;

use crate::core::merge3::Merge3;

const BOM: &str = "\u{feff}";

/// The line-ending convention of one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Eol {
    Lf,
    Crlf,
    /// Both kinds occur: the file is kept byte for byte, never converted.
    Mixed,
    /// No line ending at all (a one-line file): matches either convention.
    Unknown,
}

/// How a file is laid out on disk around its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Encoding {
    pub bom: bool,
    pub eol: Eol,
}

/// A decoded file: its text with LF line endings and no BOM (borrowed from
/// the input when nothing had to change), and its encoding.
#[derive(Clone, Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: Encoding,
}

/// Finds the line-ending convention of `text`.
pub fn detect_eol(text: &str) -> Eol {
    let bytes = text.as_bytes();
    let (mut crlf, mut lf) = (0usize, 0usize);
    for i in memchr::memchr_iter(b'\n', bytes) {
        if i > 0 && bytes[i - 1] == b'\r' {
            crlf += 1;
        } else {
            lf += 1;
        }
    }
    match (crlf, lf) {
        (0, 0) => Eol::Unknown,
        (_, 0) => Eol::Crlf,
        (0, _) => Eol::Lf,
        _ => Eol::Mixed,
    }
}

/// How much of a file git looks at to call it binary (its `FIRST_FEW_BYTES`).
const BINARY_SNIFF: usize = 8000;

/// The one rule for binary content: a NUL byte among the first `within`
/// bytes of `content`.
fn holds_nul(content: &[u8], within: usize) -> bool {
    memchr::memchr(0, &content[..content.len().min(within)]).is_some()
}

/// Whether git would treat `content` as binary: a NUL byte in its first
/// 8000 bytes. (The structured merge reads no NUL at all: [`decode`] looks
/// for one in the whole file, by the same rule.)
pub fn is_binary(content: &[u8]) -> bool {
    holds_nul(content, BINARY_SNIFF)
}

/// `text` without its UTF-8 byte order mark, if it has one.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix(BOM).unwrap_or(text)
}

/// Decodes `bytes` as UTF-8; `None` when they are not text we can parse
/// (invalid UTF-8, or a NUL byte anywhere).
pub fn decode(bytes: &[u8]) -> Option<Decoded<'_>> {
    if holds_nul(bytes, bytes.len()) {
        return None;
    }
    let raw = std::str::from_utf8(bytes).ok()?;
    let body = strip_bom(raw);
    let bom = body.len() != raw.len();
    let eol = detect_eol(body);
    let text = if eol == Eol::Crlf {
        Cow::Owned(body.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(body)
    };
    Some(Decoded {
        text,
        encoding: Encoding { bom, eol },
    })
}

/// Decodes `bytes` keeping every line ending as it is (only the BOM is
/// taken off): the text of a merge where a version mixes LF and CRLF, so
/// each line keeps its own ending, as git's line merge keeps it.
pub fn decode_keeping_eol(bytes: &[u8]) -> Option<Decoded<'_>> {
    let decoded = decode(bytes)?;
    let bom = decoded.encoding.bom;
    let body = if bom { &bytes[BOM.len()..] } else { bytes };
    let text = std::str::from_utf8(body).ok()?;
    Some(Decoded {
        text: Cow::Borrowed(text),
        encoding: Encoding {
            bom,
            eol: Eol::Mixed,
        },
    })
}

/// The encoding of a merge where a version mixes line endings: the lines
/// keep their own endings (no conversion), the BOM as a side changed it;
/// `None` when both sides changed the BOM differently (they cannot).
pub fn mixed_encoding(encodings: &Merge3<Encoding>) -> Option<Encoding> {
    let eols = encodings.map_ref(|l| l.eol);
    if ![eols.base, eols.ours, eols.theirs].contains(&Eol::Mixed) {
        return None;
    }
    Some(Encoding {
        bom: encodings.map_ref(|l| l.bom).resolve_trivial()?,
        eol: Eol::Mixed,
    })
}

/// Chooses the encoding of the merged file: a side that changed the BOM or
/// the line endings wins; `None` when the line endings cannot be decided
/// (a mixed file, or both sides converted differently).
pub fn merge_encoding(encodings: &Merge3<Encoding>) -> Option<Encoding> {
    let bom = encodings.map_ref(|l| l.bom).resolve_trivial()?;
    let eols = encodings.map_ref(|l| l.eol);
    if [eols.base, eols.ours, eols.theirs].contains(&Eol::Mixed) {
        return None;
    }
    let known = |e: Eol, fallback: Eol| if e == Eol::Unknown { fallback } else { e };
    let base = known(eols.base, known(eols.ours, known(eols.theirs, Eol::Lf)));
    let eol =
        Merge3::new(base, known(eols.ours, base), known(eols.theirs, base)).resolve_trivial()?;
    Some(Encoding { bom, eol })
}

/// Puts `encoding` back onto LF text (no copy when there is nothing to add).
pub fn encode(text: String, encoding: Encoding) -> Vec<u8> {
    if !encoding.bom && encoding.eol != Eol::Crlf {
        return text.into_bytes();
    }
    let mut out = String::with_capacity(text.len() + text.len() / 16 + 3);
    if encoding.bom {
        out.push_str(BOM);
    }
    if encoding.eol == Eol::Crlf {
        let mut rest = text.as_str();
        while let Some(pos) = rest.find('\n') {
            out.push_str(&rest[..pos]);
            out.push_str("\r\n");
            rest = &rest[pos + 1..];
        }
        out.push_str(rest);
    } else {
        out.push_str(&text);
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_round_trips() {
        let d = decode(b"\xef\xbb\xbfa\r\nb\r\n").unwrap();
        assert_eq!(d.text, "a\nb\n");
        assert_eq!(
            d.encoding,
            Encoding {
                bom: true,
                eol: Eol::Crlf
            }
        );
        assert_eq!(
            encode(d.text.into_owned(), d.encoding),
            b"\xef\xbb\xbfa\r\nb\r\n"
        );
    }

    #[test]
    fn one_side_converting_wins() {
        let lf = Encoding {
            bom: false,
            eol: Eol::Lf,
        };
        let crlf = Encoding {
            bom: false,
            eol: Eol::Crlf,
        };
        assert_eq!(merge_encoding(&Merge3::new(lf, crlf, lf)), Some(crlf));
        assert_eq!(merge_encoding(&Merge3::new(lf, lf, crlf)), Some(crlf));
        let mixed = Encoding {
            bom: false,
            eol: Eol::Mixed,
        };
        assert_eq!(merge_encoding(&Merge3::new(lf, mixed, lf)), None);
    }

    #[test]
    fn mixed_endings_are_kept_line_by_line() {
        let d = decode_keeping_eol(b"\xef\xbb\xbfa\r\nb\n").unwrap();
        assert_eq!(d.text, "a\r\nb\n");
        let crlf = decode_keeping_eol(b"a\r\n").unwrap();
        assert_eq!(crlf.text, "a\r\n");
        let lf = decode(b"a\n").unwrap().encoding;
        let mixed = decode(b"a\r\nb\n").unwrap().encoding;
        let keep = Encoding {
            bom: false,
            eol: Eol::Mixed,
        };
        assert_eq!(mixed_encoding(&Merge3::new(lf, mixed, lf)), Some(keep));
        assert_eq!(mixed_encoding(&Merge3::new(lf, lf, lf)), None);
        let bom = decode(b"\xef\xbb\xbfa\r\nb\n").unwrap().encoding;
        let other = Encoding {
            bom: false,
            ..mixed
        };
        assert_eq!(
            mixed_encoding(&Merge3::new(other, bom, other)),
            Some(Encoding {
                bom: true,
                eol: Eol::Mixed
            })
        );
        assert_eq!(
            encode(
                "a\r\nb\n".into(),
                Encoding {
                    bom: false,
                    eol: Eol::Mixed
                }
            ),
            b"a\r\nb\n"
        );
    }

    #[test]
    fn binary_and_invalid_utf8_are_not_text() {
        assert!(decode(b"a\0b").is_none());
        assert!(decode(b"\xff\xfe").is_none());
    }
}
