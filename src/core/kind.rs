//! Which kind of file a merge is about: from the real path (`%P`) first,
//! since git's temporary files have no extension, then from the content.

use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Python,
    Notebook,
    /// Any other text: merged by lines.
    Text,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Python => "python",
            Self::Notebook => "notebook",
            Self::Text => "text",
        }
    }
}

/// Detects the kind from `path` when it has a known extension, else from
/// the content of the three versions.
pub fn detect(path: Option<&Path>, contents: [&[u8]; 3]) -> FileKind {
    let ext = path
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("py" | "pyw" | "pyi") => FileKind::Python,
        Some("ipynb") => FileKind::Notebook,
        Some(_) => FileKind::Text,
        None if contents.iter().any(|c| looks_like_notebook(c)) => FileKind::Notebook,
        None => FileKind::Python,
    }
}

/// A JSON object that mentions `nbformat` and `cells` near its start.
fn looks_like_notebook(content: &[u8]) -> bool {
    let start = content.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else { return false };
    if content[start] != b'{' {
        return false;
    }
    let head = &content[..content.len().min(1 << 20)];
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    has(b"\"nbformat\"") || has(b"\"cells\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_wins_over_content() {
        let nb = br#"{"cells": [], "nbformat": 4}"#;
        assert_eq!(
            detect(Some(Path::new("a/model.py")), [nb, nb, nb]),
            FileKind::Python
        );
        assert_eq!(
            detect(Some(Path::new("x.ipynb")), [b"", b"", b""]),
            FileKind::Notebook
        );
        assert_eq!(detect(None, [nb, b"", b""]), FileKind::Notebook);
        assert_eq!(
            detect(None, [b"import torch\n", b"", b""]),
            FileKind::Python
        );
        assert_eq!(
            detect(Some(Path::new("README.md")), [b"", b"", b""]),
            FileKind::Text
        );
    }
}
