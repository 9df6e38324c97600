//! Line merges: git's own (libgit2's xdiff, the same algorithm as
//! `git merge-file`) for whole files, and a piecewise one for the text
//! between structured regions.

use std::borrow::Cow;

use crate::core::encoding::is_binary;
use crate::core::merge3::Merge3;
use crate::core::render::{Markers, Piece};
use crate::core::segments;
use crate::settings::ConflictStyle;

/// The result of git's line merge of a whole file.
#[derive(Clone, Debug)]
pub struct GitMerge {
    pub bytes: Vec<u8>,
    pub clean: bool,
}

/// Merges like `git merge-file` (same diff, same zealous conflict
/// shrinking, same binary rule: a file with NUL bytes keeps ours).
pub fn git_merge(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    markers: &Markers,
) -> Result<GitMerge, git2::Error> {
    git_merge_with(base, ours, theirs, markers, |bytes, clean| GitMerge {
        bytes: bytes.into_owned(),
        clean,
    })
}

/// Like [`git_merge`], handing libgit2's buffer (borrowed; owned when a very
/// large file was merged in pieces) and whether it is clean to `visit`
/// instead of copying it (a notebook's can be tens of megabytes).
pub fn git_merge_with<T>(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    markers: &Markers,
    visit: impl FnOnce(Cow<'_, [u8]>, bool) -> T,
) -> Result<T, git2::Error> {
    merge_file(
        base,
        ours,
        theirs,
        markers,
        segments::SEGMENTED_ABOVE,
        false,
        visit,
    )
}

/// git's verdict without its conflicted result: `visit` of the merged
/// bytes when git's line merge is clean, `None` when it conflicts. A very
/// large file merged in pieces stops at the first piece that conflicts, so
/// neither the rest of the merge nor a copy of a conflicted result (tens of
/// megabytes for a notebook with outputs) is made.
pub fn git_clean_merge_with<T>(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    markers: &Markers,
    visit: impl FnOnce(&[u8]) -> T,
) -> Result<Option<T>, git2::Error> {
    merge_file(
        base,
        ours,
        theirs,
        markers,
        segments::SEGMENTED_ABOVE,
        true,
        |bytes, clean| clean.then(|| visit(&bytes)),
    )
}

/// Whether git's line merge of three texts is clean (an error is not).
pub fn git_is_clean(texts: Merge3<&str>, markers: &Markers) -> bool {
    git_clean_merge_with(
        texts.base.as_bytes(),
        texts.ours.as_bytes(),
        texts.theirs.as_bytes(),
        markers,
        |_| (),
    )
    .is_ok_and(|clean| clean.is_some())
}

/// [`git_merge`] cut into pieces whatever the size (core/segments.rs), as
/// a file over [`segments::SEGMENTED_ABOVE`] is: for the tests that hold
/// the pieced merge to the whole one.
pub fn git_merge_in_pieces(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    markers: &Markers,
) -> Result<GitMerge, git2::Error> {
    merge_file(base, ours, theirs, markers, 0, false, |bytes, clean| {
        GitMerge {
            bytes: bytes.into_owned(),
            clean,
        }
    })
}

/// Cut into pieces when [`segments::worth_cutting`] (over `segment_above`
/// bytes), always when `segment_above` is 0. `until_conflict`: the caller
/// wants only a clean result, so a file merged in pieces stops at the
/// first conflicted piece (`visit` then gets no bytes and `false`).
fn merge_file<T>(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    markers: &Markers,
    segment_above: usize,
    until_conflict: bool,
    visit: impl FnOnce(Cow<'_, [u8]>, bool) -> T,
) -> Result<T, git2::Error> {
    if is_binary(base) || is_binary(ours) || is_binary(theirs) {
        // git keeps ours for binary files and reports a conflict (libgit2
        // would hand back no buffer at all).
        return Ok(visit(Cow::Borrowed(ours), false));
    }
    // git2 initialises libgit2 lazily and `merge_file` does not; making a
    // buffer does, once per process.
    drop(git2::Buf::new());
    let mut opts = git2::MergeFileOptions::new();
    opts.ancestor_label(markers.labels.base.as_str())
        .our_label(markers.labels.ours.as_str())
        .their_label(markers.labels.theirs.as_str())
        .simplify_alnum(true)
        .marker_size(u16::try_from(markers.size).unwrap_or(u16::MAX));
    match markers.prefer {
        Some(crate::settings::Prefer::Ours) => opts.favor(git2::FileFavor::Ours),
        Some(crate::settings::Prefer::Theirs) => opts.favor(git2::FileFavor::Theirs),
        None => &mut opts,
    };
    match markers.style {
        ConflictStyle::Merge => opts.style_standard(true),
        ConflictStyle::Diff3 => opts.style_diff3(true),
        ConflictStyle::Zdiff3 => opts.style_zdiff3(true),
    };
    let input = |content| {
        let mut input = git2::MergeFileInput::new();
        input.content(content);
        input
    };
    let texts = Merge3::new(base, ours, theirs);
    let cuts = match segment_above == 0 || segments::worth_cutting(texts, segment_above) {
        true => segments::cuts(texts),
        false => Vec::new(),
    };
    if cuts.is_empty() {
        let result = git2::merge_file(&input(base), &input(ours), &input(theirs), Some(&mut opts))?;
        return Ok(visit(
            Cow::Borrowed(result.content()),
            result.is_automergeable(),
        ));
    }
    // A very large file, piece by piece (core/segments.rs): xdiff's memory
    // is that of the largest piece, not of the whole file.
    // A clean merge is each side's changes applied once to base: about
    // |ours| + |theirs| - |base| bytes (a change both sides made counts
    // once), so the buffer is not regrown (and copied) on the way.
    let clean_size = (ours.len() + theirs.len()).saturating_sub(base.len());
    let mut merged = Vec::with_capacity(ours.len().max(theirs.len()).max(clean_size));
    let mut clean = true;
    for piece in segments::pieces(texts, &cuts) {
        let result = git2::merge_file(
            &input(piece.base),
            &input(piece.ours),
            &input(piece.theirs),
            Some(&mut opts),
        )?;
        clean &= result.is_automergeable();
        if until_conflict && !clean {
            return Ok(visit(Cow::Borrowed(&[]), false));
        }
        merged.extend_from_slice(result.content());
    }
    Ok(visit(Cow::Owned(merged), clean))
}

/// Merges three texts line by line into pieces; a clash is one
/// [`Piece::Conflict`] holding the three versions of the region.
pub fn merge_lines(texts: Merge3<&str>) -> Vec<Piece> {
    if let Some(text) = texts.resolve_trivial() {
        return vec![Piece::Text(text.to_string())];
    }
    let merge = similar::TextMerge::from_lines(texts.base, texts.ours, texts.theirs);
    let mut pieces = Vec::new();
    for region in merge.regions() {
        use similar::MergeResolution::*;
        let base = || {
            region
                .base_range()
                .filter_map(|i| merge.base_line(i))
                .collect::<String>()
        };
        let ours = || {
            region
                .ours_range()
                .filter_map(|i| merge.ours_line(i))
                .collect::<String>()
        };
        let theirs = || {
            region
                .theirs_range()
                .filter_map(|i| merge.theirs_line(i))
                .collect::<String>()
        };
        let piece = match region.resolution() {
            Ours | Both => Piece::Text(ours()),
            Theirs => Piece::Text(theirs()),
            Conflict => Piece::Conflict(Merge3::new(base(), ours(), theirs())),
            _ => Piece::Text(base()),
        };
        pieces.push(piece);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::render::render;
    use crate::MergeOptions;

    fn markers() -> Markers {
        Markers::for_inputs(&MergeOptions::default(), &[])
    }

    /// Regression: a NUL byte made libgit2 return a null buffer (abort in
    /// debug builds, an empty OURS in release builds).
    #[test]
    fn binary_input_keeps_ours() {
        let m = git_merge(b"a\0b", b"ours\0", b"theirs", &markers()).unwrap();
        assert!(!m.clean);
        assert_eq!(m.bytes, b"ours\0");
    }

    #[test]
    fn git_merge_is_clean_on_separate_edits() {
        let m = git_merge(
            b"a\nb\nc\nd\n",
            b"A\nb\nc\nd\n",
            b"a\nb\nc\nD\n",
            &markers(),
        )
        .unwrap();
        assert!(m.clean);
        assert_eq!(m.bytes, b"A\nb\nc\nD\n");
    }

    #[test]
    fn piecewise_merge_marks_clash() {
        let pieces = merge_lines(Merge3::new("a\nb\n", "a\nB\n", "a\nX\n"));
        let r = render(&pieces, &markers());
        assert_eq!(r.text, "a\n<<<<<<< ours\nB\n=======\nX\n>>>>>>> theirs\n");
    }
}
