//! Sub-line merge of Python code (issue 10 items 4–6, prose of item 11.5):
//! a stretch both sides changed, retried at token level.
//!
//! Pure functions on snippets, for the resolver chain:
//! - [`merge_tokens`]`(base, ours, theirs, budget)`: three snippets of
//!   complete statements (the first line may be indented); `Some` only when
//!   the token merge is clean and the result parses without errors.
//! - [`merge_streams`]: the same on token streams already cut from parsed
//!   files (the caller checks that the result parses).
//! - [`same_change`]`(base, ours, theirs)`: the text to keep when both
//!   sides made the same change in different layouts.
//! - [`token_resolver`], [`same_change_resolver`]: the two above as
//!   `fn(Merge3<&str>) -> Option<String>`, the text-resolver shape of the
//!   structured merge's chains (branch `pystruct`).
//!
//! The rules, in [`merge_streams`]:
//! 1. **Token edits** (diff3 over token texts): edits of the two sides that
//!    neither overlap nor touch both apply; an edit right next to the other
//!    side's edit (an insertion included) is a clash and the merge declines.
//! 2. **Layout**: the text between tokens merges as a value: kept where both
//!    kept it, a side's change where only it changed it (a formatter run on
//!    one side: its layout stays, the other side's token edits land in it,
//!    over several lines too). Around an edited stretch, a side that only
//!    re-laid it out gives its layout to the edges the editing side left as
//!    they were; where that is not certain, the merge declines.
//! 3. **The same change twice**: token-identical edits (also when simple
//!    strings differ only in quote style) are one change, written in ours'
//!    layout, unless only theirs uses the quote style the base mostly uses.
//! 4. **Prose by words**: a comment or string both sides changed (one token
//!    on each side) is merged word by word ([`crate::core::words`]).

use crate::core::diff3::{diff3, Budget, Hunk, HunkKind};
use crate::core::merge3::{Merge3, Side};
use crate::core::slide::ambiguous;
use crate::core::words::merge_words;
use crate::decisions::{Decision, DecisionKind, Report};
use crate::python::stream::{parse_snippet, well_indented, TokenKind, TokenStream};

mod same_change;

use same_change::theirs_formatted_like_file;
pub use same_change::{same_change, same_change_resolver};

/// A clean token-level merge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenMerge {
    pub text: String,
    /// Which rules it used (each one a decision in the report).
    pub used: Used,
}

/// The rules a token merge used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Used {
    /// Edits of both sides applied to one stretch.
    pub both_edited: bool,
    /// Edits of one side written into the other side's new layout.
    pub layout_kept: bool,
    /// The same change made by both sides, counted once.
    pub same_change: usize,
    /// Prose tokens merged word by word.
    pub prose: usize,
}

/// Merges three snippets of complete statements token by token (see the
/// module doc); `None` when any of them does not parse, edits clash, or the
/// result does not parse.
pub fn merge_tokens(base: &str, ours: &str, theirs: &str, budget: Budget) -> Option<TokenMerge> {
    let (b, o, t) = (
        parse_snippet(base)?,
        parse_snippet(ours)?,
        parse_snippet(theirs)?,
    );
    let merged = merge_streams(base, &b.tokens()?, &o.tokens()?, &t.tokens()?, budget)?;
    let parsed = parse_snippet(&merged.text)?;
    well_indented(parsed.tree.root_node()).then_some(merged)
}

/// [`merge_tokens`] in the shape of a text resolver of the structured
/// merge's element chain (`fn(Merge3<&str>) -> Option<String>`).
pub fn token_resolver(texts: Merge3<&str>) -> Option<String> {
    merge_tokens(texts.base, texts.ours, texts.theirs, Budget::default()).map(|m| m.text)
}

/// Merges three token streams (see the module doc); `reference` is the
/// text whose layout "the rest of the file" means (the base file). The
/// result is not parsed here.
pub fn merge_streams(
    reference: &str,
    base: &TokenStream<'_>,
    ours: &TokenStream<'_>,
    theirs: &TokenStream<'_>,
    budget: Budget,
) -> Option<TokenMerge> {
    merge_streams_around(reference, base, ours, theirs, budget, None)
}

/// [`merge_streams`] on snippets cut from files, `relaid_around` naming the
/// side that alone re-laid out the code around the snippet (the caller's
/// reading): its layout is the one for a stretch both sides changed to
/// the same tokens when the snippet itself has no kept stretch that says.
pub fn merge_streams_around(
    reference: &str,
    base: &TokenStream<'_>,
    ours: &TokenStream<'_>,
    theirs: &TokenStream<'_>,
    budget: Budget,
    relaid_around: Option<Side>,
) -> Option<TokenMerge> {
    let texts = Merge3::new(base.texts(), ours.texts(), theirs.texts());
    let hunks = diff3(&texts.base, &texts.ours, &texts.theirs, budget).ok()?;
    if ambiguous(&hunks, &texts.base, &texts.ours, &texts.theirs) {
        // Where the diff put an edit is a guess the other side's edit
        // depends on (`core::slide`).
        return None;
    }
    if renames_a_definition(&hunks, &texts.base) {
        // A definition's name edited while the other side edits too: the
        // token diff reads "one method deleted, another added" as two
        // renames, and the other side's edit of the deleted method's body
        // would land in a method it never touched.
        return None;
    }
    let s = Streams {
        reference,
        base,
        ours,
        theirs,
        relaid: relaid_side(&hunks, base, ours, theirs).or(match relaid_around {
            Some(Side::Ours) => Some(Edited::Ours),
            Some(Side::Theirs) => Some(Edited::Theirs),
            _ => None,
        }),
    };
    let mut out = String::with_capacity(ours.text.len().max(theirs.text.len()));
    let mut used = Used::default();
    let (mut ours_edited, mut theirs_edited) = (false, false);
    let last = hunks.len().saturating_sub(1);
    if hunks.is_empty() {
        out.push_str(pick(base.text, ours.text, theirs.text)?);
    }
    for (n, hunk) in hunks.iter().enumerate() {
        match hunk.kind {
            HunkKind::Stable => s.stable(hunk, n == 0, n == last, &mut out)?,
            HunkKind::Ours => {
                ours_edited = true;
                used.layout_kept |= s.edited(hunk, Edited::Ours, &mut out)?;
            }
            HunkKind::Theirs => {
                theirs_edited = true;
                used.layout_kept |= s.edited(hunk, Edited::Theirs, &mut out)?;
            }
            HunkKind::Both => {
                // Same tokens; the layout inside may differ.
                let o = ours.region(hunk.ours.clone());
                let t = theirs.region(hunk.theirs.clone());
                if o != t {
                    used.same_change += 1;
                }
                out.push_str(s.both_layout(o, t));
            }
            HunkKind::Conflict => {
                if let Some(text) = s.same_normalised(hunk) {
                    used.same_change += 1;
                    out.push_str(text);
                } else {
                    out.push_str(&s.prose(hunk, budget)?);
                    used.prose += 1;
                    (ours_edited, theirs_edited) = (true, true);
                }
            }
        }
    }
    used.both_edited = ours_edited && theirs_edited;
    Some(TokenMerge { text: out, used })
}

/// Whether both sides edit and a one-sided edit changes the name of a
/// `def` or `class` (the token after the keyword).
fn renames_a_definition(hunks: &[Hunk], base: &[&str]) -> bool {
    let edits = |kind: HunkKind| hunks.iter().any(|h| h.kind == kind);
    let both_edit = edits(HunkKind::Conflict) || (edits(HunkKind::Ours) && edits(HunkKind::Theirs));
    if !both_edit {
        return false;
    }
    let names = |range: &std::ops::Range<usize>| {
        range
            .clone()
            .any(|i| i > 0 && matches!(base.get(i - 1), Some(&("def" | "class"))))
    };
    hunks
        .iter()
        .filter(|h| matches!(h.kind, HunkKind::Ours | HunkKind::Theirs))
        .any(|h| names(&h.base))
}

/// The side that alone re-laid out the stretches both sides kept (a gap
/// between two kept tokens changed on that side only): `None` when
/// neither or both did.
fn relaid_side(
    hunks: &[Hunk],
    base: &TokenStream<'_>,
    ours: &TokenStream<'_>,
    theirs: &TokenStream<'_>,
) -> Option<Edited> {
    let (mut by_ours, mut by_theirs) = (false, false);
    for h in hunks.iter().filter(|h| h.kind == HunkKind::Stable) {
        for d in 1..h.base.len() {
            let kept = base.gap(h.base.start + d);
            by_ours |= ours.gap(h.ours.start + d) != kept;
            by_theirs |= theirs.gap(h.theirs.start + d) != kept;
            if by_ours && by_theirs {
                return None;
            }
        }
    }
    match (by_ours, by_theirs) {
        (true, false) => Some(Edited::Ours),
        (false, true) => Some(Edited::Theirs),
        _ => None,
    }
}

/// The three-way merge of one piece of layout: `None` when both sides
/// changed it differently.
fn pick<'x>(base: &'x str, ours: &'x str, theirs: &'x str) -> Option<&'x str> {
    if ours == base || ours == theirs {
        Some(theirs)
    } else if theirs == base {
        Some(ours)
    } else {
        None
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Edited {
    Ours,
    Theirs,
}

struct Streams<'s, 'a> {
    /// The text whose layout "the rest of the file" means.
    reference: &'s str,
    base: &'s TokenStream<'a>,
    ours: &'s TokenStream<'a>,
    theirs: &'s TokenStream<'a>,
    /// The side that alone re-laid out the kept stretches.
    relaid: Option<Edited>,
}

impl Streams<'_, '_> {
    /// A stretch both kept: its tokens, with every gap between them merged
    /// as a value (the gaps at its edges too when it starts or ends the
    /// snippet; otherwise the neighbouring edited stretch writes them).
    fn stable(&self, h: &Hunk, first: bool, last: bool, out: &mut String) -> Option<()> {
        let len = h.base.len();
        for d in 0..=len {
            let inner = d > 0 && d < len;
            if inner || (d == 0 && first && h.base.start == 0) || (d == len && last) {
                let gap = pick(
                    self.base.gap(h.base.start + d),
                    self.ours.gap(h.ours.start + d),
                    self.theirs.gap(h.theirs.start + d),
                )?;
                out.push_str(gap);
            }
            if d < len {
                out.push_str(self.ours.token(h.ours.start + d));
            }
        }
        Some(())
    }

    /// A stretch one side edited, with the gaps around it. Returns whether
    /// the other side's new layout was kept at its edges.
    fn edited(&self, h: &Hunk, side: Edited, out: &mut String) -> Option<bool> {
        let (editor, e_range, other, o_range) = match side {
            Edited::Ours => (self.ours, &h.ours, self.theirs, &h.theirs),
            Edited::Theirs => (self.theirs, &h.theirs, self.ours, &h.ours),
        };
        let base_region = self.base.region(h.base.clone());
        if other.region(o_range.clone()) == base_region {
            out.push_str(editor.region(e_range.clone()));
            return Some(false);
        }
        // The other side re-laid out this stretch (its tokens are base's).
        let (gb, go) = (
            (self.base.gap(h.base.start), self.base.gap(h.base.end)),
            (other.gap(o_range.start), other.gap(o_range.end)),
        );
        let (ge_lead, ge_trail) = (editor.gap(e_range.start), editor.gap(e_range.end));
        let inner = editor.inner(e_range.clone());
        let (lead, own, trail): (&str, String, &str) = match (h.base.is_empty(), e_range.is_empty())
        {
            // A replacement: each edge gap merges as a value.
            (false, false) => (
                pick(gb.0, go.0, ge_lead)?,
                inner.to_string(),
                pick(gb.1, go.1, ge_trail)?,
            ),
            // An insertion into one gap the other side re-laid out: the
            // other side's layout goes to the edge the editor left as base
            // had it, when exactly one edge is that.
            (true, false) => match (ge_lead == gb.0, ge_trail == gb.0) {
                (true, false) => (go.0, format!("{inner}{ge_trail}"), ""),
                (false, true) => ("", format!("{ge_lead}{inner}"), go.0),
                _ => return None,
            },
            // A deletion: the gap left is the other side's version of the
            // edge the editor kept.
            (false, true) if ge_lead == gb.0 => (go.0, String::new(), ""),
            (false, true) if ge_lead == gb.1 => (go.1, String::new(), ""),
            (false, true) => return None,
            (true, true) => (pick(gb.0, go.0, ge_lead)?, String::new(), ""),
        };
        // Line breaks of the editor's own text keep its old indentation;
        // where the other side re-indented lines (a block added or removed
        // around them) that would move statements between blocks: decline.
        if own.contains('\n') && self.reindented(&h.base, other, o_range) {
            return None;
        }
        out.push_str(lead);
        out.push_str(&own);
        out.push_str(trail);
        Some(true)
    }

    /// Whether `other` (whose tokens in `range` are base's in `base_range`)
    /// changed the indentation of a line base already broke there.
    fn reindented(
        &self,
        base_range: &std::ops::Range<usize>,
        other: &TokenStream<'_>,
        range: &std::ops::Range<usize>,
    ) -> bool {
        // A snippet starts at the start of a line.
        let indent = |gap: &str, at: usize| match gap.rfind('\n') {
            Some(i) => Some(gap[i..].to_string()),
            None => (at == 0).then(|| gap.to_string()),
        };
        (0..=base_range.len()).any(|d| {
            let (b, o) = (base_range.start + d, range.start + d);
            match (indent(self.base.gap(b), b), indent(other.gap(o), o)) {
                (Some(b), Some(o)) => b != o,
                (Some(_), None) => true,
                _ => false,
            }
        })
    }

    /// The layout of a stretch both sides changed to the same tokens: the
    /// layout of the side that alone re-laid out the rest of the snippet
    /// (a side re-indenting a function with tabs while both insert one
    /// statement: the statement in the other side's spaces would mix the
    /// two in one block), else [`Self::same_layout`].
    fn both_layout<'x>(&self, ours: &'x str, theirs: &'x str) -> &'x str {
        match self.relaid {
            Some(Edited::Ours) => ours,
            Some(Edited::Theirs) => theirs,
            None => self.same_layout(ours, theirs),
        }
    }

    /// The layout of a stretch both sides changed to the same tokens.
    fn same_layout<'x>(&self, ours: &'x str, theirs: &'x str) -> &'x str {
        if theirs_formatted_like_file(self.reference, ours, theirs) {
            theirs
        } else {
            ours
        }
    }

    /// A clash whose two sides are the same tokens once simple strings'
    /// quotes are set aside: one change.
    fn same_normalised(&self, h: &Hunk) -> Option<&str> {
        if h.ours.len() != h.theirs.len() {
            return None;
        }
        let same = h
            .ours
            .clone()
            .zip(h.theirs.clone())
            .all(|(i, j)| self.ours.key(i) == self.theirs.key(j));
        if !same {
            return None;
        }
        let o = self.ours.region(h.ours.clone());
        let t = self.theirs.region(h.theirs.clone());
        Some(self.same_layout(o, t))
    }

    /// One prose token (comment or string) on each side, merged by words,
    /// with the gaps around it merged as values.
    fn prose(&self, h: &Hunk, budget: Budget) -> Option<String> {
        if h.base.len() != 1 || h.ours.len() != 1 || h.theirs.len() != 1 {
            return None;
        }
        let kinds = [
            self.base.tokens.get(h.base.start)?.kind,
            self.ours.tokens.get(h.ours.start)?.kind,
            self.theirs.tokens.get(h.theirs.start)?.kind,
        ];
        if !(kinds.iter().all(|k| *k == TokenKind::Comment)
            || kinds.iter().all(|k| *k == TokenKind::Docstring))
        {
            return None;
        }
        let words = merge_words(
            self.base.token(h.base.start),
            self.ours.token(h.ours.start),
            self.theirs.token(h.theirs.start),
            budget,
        )?;
        let lead = pick(
            self.base.gap(h.base.start),
            self.ours.gap(h.ours.start),
            self.theirs.gap(h.theirs.start),
        )?;
        let trail = pick(
            self.base.gap(h.base.end),
            self.ours.gap(h.ours.end),
            self.theirs.gap(h.theirs.end),
        )?;
        Some(format!("{lead}{words}{trail}"))
    }
}

/// The report's decisions for line conflicts the token merge settled.
pub fn describe_token_merges(settled: &[Used]) -> Report {
    let mut report = Report::default();
    for used in settled {
        if used.both_edited {
            report.push(Decision::new(
                DecisionKind::TokensMerged,
                "a line both sides changed",
                "the two sides' edits touch different tokens; both applied",
            ));
        }
        if used.layout_kept {
            report.push(Decision::new(
                DecisionKind::FormattingKept,
                "re-formatted code",
                "one side only re-laid out this code; the other side's edits were applied in that layout",
            ));
        }
        if used.same_change > 0 {
            report.push(Decision::new(
                DecisionKind::SameChange,
                "a change both sides made",
                "both sides made the same change in different layouts; kept once",
            ));
        }
        if used.prose > 0 {
            report.push(Decision::new(
                DecisionKind::WordsMerged,
                "a comment or docstring both sides changed",
                "the two sides changed different words; both applied",
            ));
        }
    }
    report
}

#[cfg(test)]
mod tests;
