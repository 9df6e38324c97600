//! git's line merge of a very large file, piece by piece: xdiff keeps
//! per-line records and hash tables for both diffs of the whole file, about
//! 11 times the input (docs/performance.md, the 45 MB row), so a file over
//! [`SEGMENTED_ABOVE`] whose lines are short ([`worth_cutting`]) is cut
//! where all three versions hold the same lines for a long stretch and
//! each piece is merged by libgit2 on its own, as slices of the inputs (no
//! copies), the results appended.
//!
//! A cut lies in the middle of [`CONTEXT`] × 2 lines that are
//! byte-identical in the three versions (checked on the bytes, not on the
//! hashes that found them), far more than xdiff's conflict simplification
//! ever joins across, so each piece merges as it does inside the whole file
//! (tests/line_merge_parity.rs holds the pieced merge to the whole one).
//! Finding the cuts costs one 32-bit hash per line and a Myers diff of the
//! hashes within a work budget; a coarser diff only means fewer cuts.

use memchr::memchr_iter;
use similar::DiffOp;

use crate::core::budget::{bounded_diff_within, DiffBudget};
use crate::core::merge3::Merge3;

/// Inputs larger than this (the largest of the three) are merged in pieces.
pub const SEGMENTED_ABOVE: usize = 16 << 20;

/// Lines longer than this on average (in the largest version) are left
/// whole: xdiff's records cost about 75 bytes a line, under a third of
/// such a file, while finding the cuts reads every byte three more times
/// (a notebook's 20 MB of base64 outputs lie on a few thousand lines).
pub const SHORT_LINES_BELOW: usize = 256;

/// Whether git's line merge of `texts` runs in pieces: the largest
/// version is over `above` bytes and its lines are short on average
/// ([`SHORT_LINES_BELOW`]), so that xdiff's per-line tables would weigh.
pub fn worth_cutting(texts: Merge3<&[u8]>, above: usize) -> bool {
    let largest = [texts.base, texts.ours, texts.theirs]
        .into_iter()
        .max_by_key(|t| t.len())
        .unwrap_or_default();
    largest.len() > above
        && memchr_iter(b'\n', largest).count() + 1 > largest.len() / SHORT_LINES_BELOW
}

/// Identical lines on each side of a cut.
pub const CONTEXT: usize = 32;

/// Work allowed for each of the two diffs that find the cuts (greedy Myers
/// steps): an edit distance of about 200 across a file of a million lines,
/// more on a smaller one.
const CUT_DIFF: DiffBudget = DiffBudget {
    floor: 100_000_000,
    per_item: 200,
};

/// Where to cut the three versions: byte offsets, each the start of a line
/// in all three, increasing, none at 0 or at an end.
pub fn cuts(texts: Merge3<&[u8]>) -> Vec<Merge3<usize>> {
    let hashes = texts.map_ref(|t| line_hashes(t));
    let to_ours = equal_runs(&hashes.base, &hashes.ours);
    let to_theirs = equal_runs(&hashes.base, &hashes.theirs);
    drop(hashes);
    // Lines kept by both sides: the intersection of the two lists of
    // equal runs, over base lines.
    let mut candidates: Vec<Merge3<usize>> = Vec::new();
    let (mut a, mut b) = (0, 0);
    while a < to_ours.len() && b < to_theirs.len() {
        let (x, y) = (to_ours[a], to_theirs[b]);
        let start = x.0.max(y.0);
        let end = (x.0 + x.2).min(y.0 + y.2);
        if end >= start + 2 * CONTEXT {
            let mid = start + (end - start) / 2;
            candidates.push(Merge3::new(mid, x.1 + (mid - x.0), y.1 + (mid - y.0)));
        }
        if x.0 + x.2 <= y.0 + y.2 {
            a += 1;
        } else {
            b += 1;
        }
    }
    // Lines around each cut, as byte offsets, then checked on the bytes.
    let wanted = |line: fn(&Merge3<usize>) -> usize| -> Vec<usize> {
        candidates
            .iter()
            .flat_map(|c| [line(c) - CONTEXT, line(c), line(c) + CONTEXT])
            .collect()
    };
    let offsets = Merge3::new(
        line_offsets(texts.base, &wanted(|c| c.base)),
        line_offsets(texts.ours, &wanted(|c| c.ours)),
        line_offsets(texts.theirs, &wanted(|c| c.theirs)),
    );
    let mut out = Vec::new();
    for k in 0..candidates.len() {
        let window = |text: &[u8], offsets: &[usize]| {
            text.get(offsets[3 * k]..offsets[3 * k + 2])
                .map(<[u8]>::to_vec)
        };
        let w = window(texts.base, &offsets.base);
        if w.is_none()
            || w != window(texts.ours, &offsets.ours)
            || w != window(texts.theirs, &offsets.theirs)
        {
            continue;
        }
        let cut = Merge3::new(
            offsets.base[3 * k + 1],
            offsets.ours[3 * k + 1],
            offsets.theirs[3 * k + 1],
        );
        let inside = |at: usize, len: usize| at > 0 && at < len;
        if inside(cut.base, texts.base.len())
            && inside(cut.ours, texts.ours.len())
            && inside(cut.theirs, texts.theirs.len())
        {
            out.push(cut);
        }
    }
    out
}

/// The three versions cut at `cuts` (from [`cuts`]): each piece's slices.
pub fn pieces<'a>(texts: Merge3<&'a [u8]>, cuts: &[Merge3<usize>]) -> Vec<Merge3<&'a [u8]>> {
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut from = Merge3::new(0, 0, 0);
    let ends = cuts.iter().copied().chain(std::iter::once(Merge3::new(
        texts.base.len(),
        texts.ours.len(),
        texts.theirs.len(),
    )));
    for to in ends {
        out.push(Merge3::new(
            &texts.base[from.base..to.base],
            &texts.ours[from.ours..to.ours],
            &texts.theirs[from.theirs..to.theirs],
        ));
        from = to;
    }
    out
}

/// One 32-bit hash per line (its `\n` included), the last line counted
/// even without a `\n`. Lines are found with `memchr` and hashed eight
/// bytes at a time: a notebook's lines of base64 outputs run to tens of
/// kilobytes, and a hash of one byte at a time cost more than libgit2's
/// whole merge of the pieces.
fn line_hashes(text: &[u8]) -> Vec<u32> {
    let mut out = Vec::with_capacity(memchr_iter(b'\n', text).count() + 1);
    let mut start = 0;
    for end in memchr_iter(b'\n', text) {
        out.push(line_hash(&text[start..=end]));
        start = end + 1;
    }
    if start < text.len() {
        out.push(line_hash(&text[start..]));
    }
    out
}

/// A hash of one line's bytes (not cryptographic: equal runs found with
/// it are checked on the bytes before a cut is made).
fn line_hash(line: &[u8]) -> u32 {
    const MUL: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut hash = (line.len() as u64).wrapping_mul(MUL) ^ 0x243f_6a88_85a3_08d3;
    let mut words = line.chunks_exact(8);
    for word in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        hash = (hash.rotate_left(23) ^ u64::from_le_bytes(bytes)).wrapping_mul(MUL);
    }
    let mut last = [0u8; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    hash = (hash.rotate_left(23) ^ u64::from_le_bytes(last)).wrapping_mul(MUL);
    // Fold the high half (the best-mixed bits of a multiply) into the low.
    ((hash >> 32) ^ hash) as u32
}

/// The equal runs of a diff: (old start, new start, length).
fn equal_runs(old: &[u32], new: &[u32]) -> Vec<(usize, usize, usize)> {
    bounded_diff_within(old, new, CUT_DIFF)
        .0
        .into_iter()
        .filter_map(|op| match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => Some((old_index, new_index, len)),
            _ => None,
        })
        .collect()
}

/// The byte offset where each line of `lines` (increasing indices)
/// starts; the text's length for a line past its end.
fn line_offsets(text: &[u8], lines: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(lines.len());
    let mut newlines = memchr_iter(b'\n', text);
    let (mut line, mut start) = (0usize, 0usize);
    for &wanted in lines {
        while line < wanted {
            match newlines.next() {
                Some(at) => {
                    start = at + 1;
                    line += 1;
                }
                None => {
                    start = text.len();
                    line = wanted;
                }
            }
        }
        out.push(start);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(n: usize, tag: &str) -> String {
        (0..n).map(|i| format!("x_{i} = {tag}{i}\n")).collect()
    }

    #[test]
    fn cuts_fall_between_far_apart_edits_on_identical_lines() {
        let base = lines(400, "v");
        let ours = base.replace("x_10 = v10\n", "x_10 = ours\n");
        let theirs = base.replace("x_390 = v390\n", "x_390 = theirs\n");
        let texts = Merge3::new(base.as_bytes(), ours.as_bytes(), theirs.as_bytes());
        let cuts = cuts(texts);
        assert!(!cuts.is_empty());
        for piece in pieces(texts, &cuts) {
            // Each piece starts and ends on a line boundary in all three.
            for t in [piece.base, piece.ours, piece.theirs] {
                assert!(t.ends_with(b"\n"));
            }
        }
        let joined: Vec<u8> = pieces(texts, &cuts)
            .iter()
            .flat_map(|p| p.ours.to_vec())
            .collect();
        assert_eq!(joined, ours.as_bytes());
    }

    /// One hash per line, the unterminated last line included; equal lines
    /// hash alike whatever their length, and lines differing in one byte
    /// (inside a word, in the tail, or only in length) do not.
    #[test]
    fn line_hashes_tell_lines_apart() {
        assert!(line_hashes(b"").is_empty());
        assert_eq!(line_hashes(b"a\nb").len(), 2);
        assert_eq!(line_hashes(b"a\nb\n").len(), 2);
        let long = "x".repeat(70_001);
        let text = format!("{long}\nshort\n{long}\nshort\n");
        let h = line_hashes(text.as_bytes());
        assert_eq!(h.len(), 4);
        assert_eq!((h[0], h[1]), (h[2], h[3]));
        assert_ne!(h[0], h[1]);
        let mut seen = std::collections::HashSet::new();
        for line in [
            "abcdefgh\n",
            "abcdefgi\n",
            "bbcdefgh\n",
            "abcdefgh",
            "abcdefgh\0\n",
            "\n",
            "",
            "\0",
        ] {
            assert!(seen.insert(line_hash(line.as_bytes())), "{line:?}");
        }
    }

    /// Only a large file of short lines is worth cutting; one of long
    /// lines (a notebook's outputs) is merged whole.
    #[test]
    fn only_large_files_of_short_lines_are_cut() {
        let short = lines(2_000, "v");
        let long = format!("{}\n", "A".repeat(300)).repeat(200);
        fn texts(t: &str) -> Merge3<&[u8]> {
            Merge3::new(t.as_bytes(), t.as_bytes(), t.as_bytes())
        }
        assert!(worth_cutting(texts(&short), 1_000));
        assert!(!worth_cutting(texts(&short), short.len()));
        assert!(!worth_cutting(texts(&long), 1_000));
        let mixed = format!("{long}{short}");
        assert!(worth_cutting(texts(&mixed), 1_000));
    }

    #[test]
    fn no_cut_without_enough_identical_lines() {
        let base = lines(50, "v");
        let ours = lines(50, "o");
        let texts = Merge3::new(base.as_bytes(), ours.as_bytes(), base.as_bytes());
        assert!(cuts(texts).is_empty());
    }
}
