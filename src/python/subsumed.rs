//! One side's change that already holds the other side's: ours rewrote a
//! block and its new text raises the `TypeError` theirs changed
//! `ValueError` to; ours replaced a line and also deleted the comment
//! below it, theirs only deleted the comment. The side that did more is
//! the result, and the other side's change is in it once (merge-rules §2,
//! "inserts or replaces with X | does the same, plus other edits nearby").
//!
//! "Holds" is read as a path of edits: the smaller side `y` lies on a
//! shortest edit path from the base to the larger side `x`, so that `x` is
//! `y` with more edits and none of `y`'s undone. With `d` the edit
//! distance (insertions plus deletions), `d(base, x) = d(base, y) + d(y, x)`
//! — every line `y` deleted is deleted in `x`, every line `y` wrote is a
//! line of `x` (exactly, indentation included), at a place that keeps the
//! order: a token `TypeError` that `x` writes in another statement, or
//! `y`'s re-laid-out line, is not `y`'s change. And over the tokens
//! (comments included, layout aside), counted as multisets so that `x`
//! may also have moved the block: every token `y` removed is removed in
//! `x`, every token `y` added is added in `x`. A side deleting `assert
//! m.shape == [None, 5]` is not held by a side rewriting that assert,
//! whose new text keeps some of its tokens.
//!
//! A side that changed only the layout (no token) is never held this way:
//! its change is a formatting one, for the merges of §4.

use std::collections::HashMap;

use similar::DiffOp;

use crate::core::budget::{bounded_diff, edit_distance_within, DiffBudget};
use crate::core::merge3::{Merge3, Side};
use crate::python::stream::parse_snippet;

mod candidates;
use candidates::Pair;

/// The side whose change holds the other side's change, and its text;
/// `None` when neither does, or when a snippet does not parse or the line
/// distance is over its budget.
pub fn holding_side(texts: Merge3<&str>) -> Option<(Side, String)> {
    let lines = texts.map_ref(|t| t.lines().collect::<Vec<_>>());
    // The snippets are parsed only when a pair passes the cheap tests.
    let pairs = candidates::pairs(texts, &lines, |x, y| lines_hold(&lines, x, y));
    held_among(texts, &lines, &pairs)
}

/// [`holding_side`] over the pairs given, in order.
fn held_among(
    texts: Merge3<&str>,
    lines: &Merge3<Vec<&str>>,
    pairs: &[Pair],
) -> Option<(Side, String)> {
    if pairs.is_empty() {
        return None;
    }
    let tokens = Merge3::new(
        token_keys(texts.base)?,
        token_keys(texts.ours)?,
        token_keys(texts.theirs)?,
    );
    if tokens.ours == tokens.theirs {
        return None;
    }
    pairs
        .iter()
        .find(|p| {
            let (x, y) = (p.holder, p.held);
            tokens.get(y) != &tokens.base
                && bag_held(&tokens.base, tokens.get(y), tokens.get(x))
                && (p.lines_hold || lines_hold(lines, x, y))
        })
        .map(|p| (p.holder, texts.get(p.holder).to_string()))
}

/// The conditions over lines: `y` on a shortest edit path from the base to
/// `x`, no line of `x`'s own a rewrite of one `y` deleted, and every line
/// `y` moved between the same lines in `x`.
fn lines_hold(lines: &Merge3<Vec<&str>>, x: Side, y: Side) -> bool {
    let (base, y, x) = (&lines.base[..], &lines.get(y)[..], &lines.get(x)[..]);
    if on_a_shortest_path(base, y, x) != Some(true) {
        return false;
    }
    // Over budget, no side holds the other.
    let Some(edits) = LineEdits::of(base, y, x) else {
        return false;
    };
    !edits.rewrites_a_deleted_line()
        && !edits.wrote_what_stands_for_a_deleted_line()
        && edits.keeps_moved_lines_in_place()
}

/// [`holding_side`] in the shape of a text resolver.
pub fn resolver(texts: Merge3<&str>) -> Option<String> {
    holding_side(texts).map(|(_, text)| text)
}

/// The tokens of a snippet of whole statements, normalised.
fn token_keys(text: &str) -> Option<Vec<String>> {
    if text.trim().is_empty() {
        return Some(Vec::new());
    }
    let snippet = parse_snippet(text)?;
    let stream = snippet.tokens()?;
    Some((0..stream.len()).map(|i| stream.key(i)).collect())
}

/// Whether every token `y` removed from the base is removed in `x` too,
/// and every token `y` added is added in `x` too, counted as multisets
/// (so that a block `x` also moved still holds `y`'s token change).
fn bag_held(base: &[String], y: &[String], x: &[String]) -> bool {
    fn count(tokens: &[String]) -> HashMap<&str, usize> {
        let mut map: HashMap<&str, usize> = HashMap::new();
        for t in tokens {
            *map.entry(t.as_str()).or_default() += 1;
        }
        map
    }
    let (cb, cy, cx) = (count(base), count(y), count(x));
    let of = |m: &HashMap<&str, usize>, k: &str| m.get(k).copied().unwrap_or(0);
    cb.keys().chain(cy.keys()).all(|&k| {
        let (b, y, x) = (of(&cb, k), of(&cy, k), of(&cx, k));
        b.saturating_sub(y) <= b.saturating_sub(x) && y.saturating_sub(b) <= x.saturating_sub(b)
    })
}

/// The line edits of `y` against the base and of `x` against `y`, diffed
/// once for the conditions that read them: indices of the lines each
/// diff removes (in its old text) and writes (in its new text).
struct LineEdits<'l, 't> {
    base: &'l [&'t str],
    y: &'l [&'t str],
    x: &'l [&'t str],
    /// Base lines `y` deleted.
    deleted_by_y: Vec<usize>,
    /// Lines of `y` it wrote.
    written_by_y: Vec<usize>,
    /// Lines of `y` that `x` removed.
    removed_by_x: Vec<usize>,
    /// Lines of `x` written over `y`.
    written_by_x: Vec<usize>,
}

impl<'l, 't> LineEdits<'l, 't> {
    /// `None` when either diff is over its budget.
    fn of(base: &'l [&'t str], y: &'l [&'t str], x: &'l [&'t str]) -> Option<Self> {
        let (by, exact_by) = bounded_diff(base, y);
        let (yx, exact_yx) = bounded_diff(y, x);
        if !exact_by || !exact_yx {
            return None;
        }
        let changed = |ops: &[DiffOp], new: bool| -> Vec<usize> {
            ops.iter()
                .filter(|op| !matches!(op, DiffOp::Equal { .. }))
                .flat_map(|op| if new { op.new_range() } else { op.old_range() })
                .collect()
        };
        Some(LineEdits {
            base,
            y,
            x,
            deleted_by_y: changed(&by, false),
            written_by_y: changed(&by, true),
            removed_by_x: changed(&yx, false),
            written_by_x: changed(&yx, true),
        })
    }

    /// Whether a line only `x` wrote (not one of `y`'s) reads as a changed
    /// copy of a line `y` deleted (half of its words or more in common): then
    /// `x` changed what `y` deleted, a clash, however the edit path reads
    /// (ours changing `Dropout(0.1)` to `Dropout(0.25)` and inserting the
    /// `Dropout(0.5)` theirs put in its place).
    fn rewrites_a_deleted_line(&self) -> bool {
        let deleted: Vec<Vec<&str>> = self
            .deleted_by_y
            .iter()
            .map(|&i| words(self.base[i]))
            .collect();
        let written: Vec<Vec<&str>> = self
            .written_by_x
            .iter()
            .map(|&i| words(self.x[i]))
            .collect();
        deleted.iter().any(|d| {
            written
                .iter()
                .any(|w| !d.is_empty() && !w.is_empty() && 2 * common(d, w) >= d.len().max(w.len()))
        })
    }

    /// Whether a line `y` wrote, right beside a base line `y` kept and `x`
    /// deleted, reads as a changed copy of it (three quarters of its words or more
    /// in common): then `x` may as well have rewritten that base line, and `y`'s
    /// own line is lost (base `Dropout(0.10)`, theirs inserting
    /// `Dropout(0.501)` after it, ours writing `Dropout(0.501)
    /// Dropout(0.502)` in its place: ours changed the rate and added a layer,
    /// or deleted the layer and made theirs' insertion too). Two readings, so
    /// no side holds the other.
    fn wrote_what_stands_for_a_deleted_line(&self) -> bool {
        let (written, removed) = (&self.written_by_y, &self.removed_by_x);
        removed.iter().filter(|r| !written.contains(r)).any(|&r| {
            let d = words(self.y[r]);
            written.iter().any(|&w| {
                let n = words(self.y[w]);
                w.abs_diff(r) == 1
                    && !removed.contains(&w)
                    && !d.is_empty()
                    && !n.is_empty()
                    && 4 * common(&d, &n) >= 3 * d.len().max(n.len())
            })
        })
    }

    /// Whether every line `y` moved (deleted at one place, written at
    /// another) stands in `x` between the lines it has in `y`: a side that put
    /// a layer at the top is not held by one that put another layer above it
    /// (ours `13 10 BN 12`, theirs `BN 13 10 12`: both moved `13`, to two
    /// places).
    fn keeps_moved_lines_in_place(&self) -> bool {
        let (y, x) = (self.y, self.x);
        let deleted: Vec<&str> = self.deleted_by_y.iter().map(|&i| self.base[i]).collect();
        let written: Vec<&str> = self.written_by_y.iter().map(|&i| y[i]).collect();
        fn around<'a>(lines: &[&'a str], i: usize) -> (Option<&'a str>, Option<&'a str>) {
            let before = i.checked_sub(1).map(|k| lines[k]);
            (before, lines.get(i + 1).copied())
        }
        (0..y.len())
            .filter(|&i| {
                !y[i].trim().is_empty() && written.contains(&y[i]) && deleted.contains(&y[i])
            })
            .all(|i| {
                let place = around(y, i);
                (0..x.len()).any(|k| x[k] == y[i] && around(x, k) == place)
            })
    }
}

/// A line's words: runs of name characters and single marks; a comment
/// line is one word.
fn words(line: &str) -> Vec<&str> {
    let line = line.trim();
    if line.starts_with('#') {
        return vec![line];
    }
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        let name = c.is_alphanumeric() || c == '_' || c == '.';
        match (name, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(&line[s..i]);
                start = None;
            }
            _ => {}
        }
        if !name && !c.is_whitespace() {
            out.push(&line[i..i + c.len_utf8()]);
        }
    }
    if let Some(s) = start {
        out.push(&line[s..]);
    }
    out
}

/// The words two lines have in common, counted as multisets.
fn common(a: &[&str], b: &[&str]) -> usize {
    let mut left: HashMap<&str, usize> = HashMap::new();
    for w in a {
        *left.entry(w).or_default() += 1;
    }
    b.iter()
        .filter(|w| match left.get_mut(*w) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        })
        .count()
}

/// Whether `y` lies on a shortest edit path from `base` to `x`; `None`
/// when a distance is over its budget.
fn on_a_shortest_path<T: Eq>(base: &[T], y: &[T], x: &[T]) -> Option<bool> {
    let distance = |a: &[T], b: &[T]| {
        let steps = DiffBudget::DEFAULT.steps_for(a.len().saturating_add(b.len()));
        edit_distance_within(a, b, steps)
    };
    let whole = distance(base, x)?;
    let first = distance(base, y)?;
    let rest = distance(y, x)?;
    Some(whole == first.saturating_add(rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(base: &str, ours: &str, theirs: &str) -> Option<Side> {
        holding_side(Merge3::new(base, ours, theirs)).map(|(s, _)| s)
    }

    #[test]
    fn a_rewrite_holding_the_other_sides_token_change() {
        let base = "if isinstance(layer, nn.Linear):\n    n = layer.in_features\nelse:\n    raise ValueError(\"bad layer\")\n";
        let theirs = "if isinstance(layer, nn.Linear):\n    n = layer.in_features\nelse:\n    raise TypeError(\"bad layer\")\n";
        let ours = "n = features(layer)\nif n is None:\n    raise TypeError(\"bad layer\")\n";
        assert_eq!(side(base, ours, theirs), Some(Side::Ours));
        assert_eq!(side(base, theirs, ours), Some(Side::Theirs));
    }

    #[test]
    fn a_rewrite_that_moved_the_lines_around_the_token_change() {
        let base = "        if isinstance(layer, nn.Linear):\n            self.n_in, self.n_out = layer.in_features, layer.out_features\n        else:\n            raise ValueError(f\"bad {type(layer)}\")\n";
        let theirs = base.replace("ValueError", "TypeError");
        let ours = "        n_in, n_out = features(layer)\n        if (n_in is None) or (n_out is None):\n            raise TypeError(f\"bad {type(layer)}\")\n        self.n_in, self.n_out = n_in, n_out\n";
        assert_eq!(side(base, ours, &theirs), Some(Side::Ours));
    }

    #[test]
    fn a_deleted_comment_held_by_a_side_that_also_replaced_the_line_above() {
        let base = "q = torch.bmm(a, b)\n# q = torch.linalg.solve(b, a)\n";
        let ours = "q = torch.linalg.solve(b, a)\n";
        let theirs = "q = torch.bmm(a, b)\n";
        assert_eq!(side(base, ours, theirs), Some(Side::Ours));
    }

    #[test]
    fn an_insertion_beside_a_line_the_other_side_rewrote_alike_is_not_held() {
        let base = "model.add(layers.Dropout(0.10))\nmodel.add(layers.Dense(11))\n";
        let ours = "model.add(layers.Dropout(0.501))\nmodel.add(layers.Dropout(0.502))\nmodel.add(layers.Dense(11))\n";
        let theirs = "model.add(layers.Dropout(0.10))\nmodel.add(layers.Dropout(0.501))\nmodel.add(layers.Dense(11))\n";
        assert_eq!(side(base, ours, theirs), None);
        assert_eq!(side(base, theirs, ours), None);
    }

    #[test]
    fn a_deletion_is_not_held_by_a_rewrite_of_the_deleted_lines() {
        let base = "y = model(x)\nassert y.get_shape().as_list() == [None, 5]\n";
        let theirs = "y = model(x)\n";
        let ours = "y = model(x)\nassert K.int_shape(y) == (None, 5)\n";
        assert_eq!(side(base, ours, theirs), None);
    }

    #[test]
    fn the_token_written_in_another_statement_is_not_the_change() {
        let base = "try:\n    f()\nexcept KeyError:\n    pass\nraise ValueError(\"x\")\n";
        let theirs = "try:\n    f()\nexcept KeyError:\n    pass\nraise TypeError(\"x\")\n";
        let ours = "try:\n    f()\nexcept TypeError:\n    pass\n";
        assert_eq!(side(base, ours, theirs), None);
    }

    #[test]
    fn a_line_changed_where_the_other_side_replaced_it_clashes() {
        let base =
            "model = keras.Sequential([\n    layers.Dropout(0.1),\n    layers.Dense(64),\n])\n";
        let ours = "model = keras.Sequential([\n    layers.Dropout(0.25),\n    layers.Dropout(0.5),\n    layers.Dense(64),\n])\n";
        let theirs =
            "model = keras.Sequential([\n    layers.Dropout(0.5),\n    layers.Dense(64),\n])\n";
        assert_eq!(side(base, ours, theirs), None);
    }

    #[test]
    fn different_values_for_one_token_clash() {
        let base = "opt = Adam(learning_rate=1e-3)\n";
        let ours = "opt = Adam(learning_rate=1e-4, clipnorm=1.0)\n";
        let theirs = "opt = Adam(learning_rate=1e-2)\n";
        assert_eq!(side(base, ours, theirs), None);
    }

    #[test]
    fn a_layout_change_is_not_held() {
        let base = "x = f(a, b)\n";
        let theirs = "x = f(\n    a,\n    b,\n)\n";
        let ours = "x = f(a, b)\ny = g(x)\n";
        assert_eq!(side(base, ours, theirs), None);
    }

    #[test]
    fn a_re_laid_out_line_is_not_held_by_its_old_layout() {
        let base = "x = f(a, b)\ny = 1\n";
        let theirs = "x = f(a, b, c)\n";
        let ours = "x = f(\n    a, b, c\n)\nz = 2\n";
        assert_eq!(side(base, ours, theirs), None);
    }

    #[test]
    fn a_move_is_not_held_by_a_side_that_put_another_line_beside_it() {
        let base = "    layers.Dense(128),\n    layers.BatchNormalization(),\n    layers.Dense(64),\n    layers.Dropout(0.5),\n";
        let ours = "    layers.Dropout(0.5),\n    layers.Dense(128),\n    layers.BatchNormalization(),\n    layers.Dense(64),\n";
        let theirs = "    layers.BatchNormalization(),\n    layers.Dropout(0.5),\n    layers.Dense(128),\n    layers.Dense(64),\n";
        assert_eq!(side(base, ours, theirs), None);
        assert_eq!(side(base, theirs, ours), None);
        // The same move and more elsewhere is held.
        let more = format!("{ours}    layers.Dense(10, activation=\"softmax\"),\n");
        let more = more.as_str();
        assert_eq!(side(base, ours, more), Some(Side::Theirs));
    }
}
