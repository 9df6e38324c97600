//! Merging one element (a layer, a call statement) node by node: calls
//! argument by argument (positional by position, keyword by name, in
//! [`args`]), other nodes child by child when their shape agrees. The
//! result is the layout side's text with the other side's changes
//! applied, so formatting of the layout side is kept.

mod args;
mod formatted;
mod requote;

use std::ops::Range;

use tree_sitter::Node;

use crate::core::merge3::Merge3;
use crate::core::render::Piece;
use crate::python::indent::{indent_of, one_line, reindent};
use crate::python::parse::tokens;
use requote::Requotes;

/// How deep the merge descends before it calls a difference a clash.
const MAX_DEPTH: usize = 48;

/// Two changes that cannot both be kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElementClash {
    /// What clashes, for people: "argument `learning_rate`".
    pub what: String,
}

/// One change to the layout side's text.
#[derive(Clone, Debug)]
struct Edit {
    range: Range<usize>,
    text: String,
    /// When set, the range is a clash: these are its three versions.
    clash: Option<Merge3<String>>,
}

impl Edit {
    fn text(range: Range<usize>, text: String) -> Self {
        Edit {
            range,
            text,
            clash: None,
        }
    }
}

/// The merged element and what was combined.
#[derive(Clone, Debug, Default)]
pub struct ElementMerge {
    /// The merged text; a clash of one argument is a conflict piece.
    pub pieces: Vec<Piece>,
    /// The changes taken from the other side, for the report.
    pub taken: Vec<String>,
    /// Arguments both sides changed differently ("argument `learning_rate`").
    pub clashes: Vec<String>,
    /// Whether the text is in the other side's layout than the one asked
    /// for (theirs' re-formatted layout, [`formatted::prefer_theirs_layout`]):
    /// `taken` then lists the layout side's own changes.
    pub other_layout: bool,
}

/// Merges three versions of one element. `nodes.ours` is the layout side:
/// its text is kept wherever the other side changed nothing.
///
/// When theirs only re-formatted the element and ours only replaced
/// tokens in base's layout ([`formatted::prefer_theirs_layout`]), the
/// merge is written into theirs' layout instead (conflict sides stay
/// ours-then-theirs).
pub fn merge_element(
    nodes: Merge3<Node<'_>>,
    texts: Merge3<&str>,
) -> Result<ElementMerge, ElementClash> {
    if formatted::prefer_theirs_layout(nodes, texts) {
        let mut merged = merge_into_ours(nodes.swapped(), texts.swapped())?;
        for piece in &mut merged.pieces {
            if let Piece::Conflict(sides) = piece {
                *sides = sides.clone().swapped();
            }
        }
        merged.other_layout = true;
        return Ok(merged);
    }
    merge_into_ours(nodes, texts)
}

/// [`merge_element`] into ours' layout.
fn merge_into_ours(
    nodes: Merge3<Node<'_>>,
    texts: Merge3<&str>,
) -> Result<ElementMerge, ElementClash> {
    let mut m = Merger {
        texts,
        edits: Vec::new(),
        taken: Vec::new(),
        clashes: Vec::new(),
        requotes: Requotes::of(nodes, texts),
    };
    m.node(nodes, 0)?;
    if let Some(clash) = m.requotes.clash {
        return Err(clash);
    }
    if mixes_a_line(nodes, texts, &m.edits) {
        return Err(ElementClash {
            what: m.clashes.join(", "),
        });
    }
    let range = nodes.ours.byte_range();
    Ok(ElementMerge {
        pieces: apply(texts.ours, range, &mut m.edits),
        taken: m.taken,
        clashes: m.clashes,
        other_layout: false,
    })
}

fn apply(text: &str, range: Range<usize>, edits: &mut [Edit]) -> Vec<Piece> {
    edits.sort_by_key(|e| e.range.start);
    let mut pieces = Vec::new();
    let mut out = String::new();
    let mut pos = range.start;
    for e in edits.iter() {
        if e.range.start < pos {
            continue;
        }
        out.push_str(&text[pos..e.range.start]);
        match &e.clash {
            Some(sides) => {
                pieces.push(Piece::Text(std::mem::take(&mut out)));
                pieces.push(Piece::Conflict(sides.clone()));
            }
            None => out.push_str(&e.text),
        }
        pos = e.range.end;
    }
    out.push_str(&text[pos..range.end]);
    pieces.push(Piece::Text(out));
    pieces.retain(|p| !matches!(p, Piece::Text(t) if t.is_empty()));
    pieces
}

/// Whether a clash shares a line of the layout side's text with another
/// change: widened to whole lines (`core::render`), its sections would be
/// mixtures of both sides, theirs' version in neither, so the whole
/// element clashes instead (docs/merge-rules-decided.md, "The sides of a
/// conflict are each side's own text"). The layout side's section is its
/// own line unless a change of the other side is on it; the other side's
/// section (the line with every clash on it taken from that side) must be
/// found in that side's text of the element, whitespace aside.
fn mixes_a_line(nodes: Merge3<Node<'_>>, texts: Merge3<&str>, edits: &[Edit]) -> bool {
    let range = nodes.ours.byte_range();
    let (Some(element), Some(other)) = (
        texts.ours.get(range.clone()),
        texts.theirs.get(nodes.theirs.byte_range()),
    ) else {
        return true;
    };
    let squeeze = |t: &str| t.split_whitespace().collect::<String>();
    let other = squeeze(other);
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| e.range.start);
    for clash in sorted.iter().filter(|e| e.clash.is_some()) {
        let (Some(before), Some(after)) = (
            clash.range.start.checked_sub(range.start),
            clash.range.end.checked_sub(range.start),
        ) else {
            return true;
        };
        let (Some(head), Some(tail)) = (element.get(..before), element.get(after..)) else {
            return true;
        };
        let start = range.start + head.rfind('\n').map_or(0, |p| p + 1);
        let end = range.start + after + tail.find('\n').unwrap_or(tail.len());
        let on_line: Vec<&&Edit> = sorted
            .iter()
            .filter(|e| e.range.start <= end && e.range.end >= start)
            .collect();
        if on_line.iter().any(|e| e.clash.is_none()) {
            return true;
        }
        let mut line = String::new();
        let mut pos = start;
        for e in &on_line {
            let Some(kept) = texts.ours.get(pos..e.range.start.max(pos)) else {
                return true;
            };
            line.push_str(kept);
            if let Some(sides) = &e.clash {
                line.push_str(&sides.theirs);
            }
            pos = pos.max(e.range.end);
        }
        line.push_str(texts.ours.get(pos..end.max(pos)).unwrap_or(""));
        if !other.contains(&squeeze(&line)) {
            return true;
        }
    }
    false
}

/// The merged element's text when it holds no clash.
pub fn plain_text(pieces: &[Piece]) -> Option<String> {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => Some(t.as_str()),
            Piece::Conflict(_) => None,
        })
        .collect()
}

struct Merger<'t> {
    texts: Merge3<&'t str>,
    edits: Vec<Edit>,
    taken: Vec<String>,
    clashes: Vec<String>,
    /// Strings one side re-quoted and the other edited ([`requote`]).
    requotes: Requotes,
}

impl<'t> Merger<'t> {
    fn text<'n>(&self, node: Node<'n>, side: &'t str) -> &'t str {
        side.get(node.byte_range()).unwrap_or("")
    }

    fn node(&mut self, n: Merge3<Node<'_>>, depth: usize) -> Result<(), ElementClash> {
        let tb = tokens(n.base, self.texts.base);
        let to = tokens(n.ours, self.texts.ours);
        let tt = tokens(n.theirs, self.texts.theirs);
        if tt == tb || tt == to {
            return Ok(());
        }
        if n.base.kind() == "string" {
            let strings = Merge3::new(
                self.text(n.base, self.texts.base),
                self.text(n.ours, self.texts.ours),
                self.text(n.theirs, self.texts.theirs),
            );
            self.requotes.check(strings)?;
        }
        if to == tb && self.text(n.ours, self.texts.ours) == self.text(n.base, self.texts.base) {
            self.replace(n.ours, n.theirs);
            return Ok(());
        }
        if depth > MAX_DEPTH {
            return Err(self.clash(n.ours));
        }
        let kinds_agree = n.base.kind() == n.ours.kind() && n.ours.kind() == n.theirs.kind();
        if kinds_agree && n.ours.kind() == "call" {
            return self.call(n, depth);
        }
        if kinds_agree && self.same_shape(n) {
            return self.children(n, depth);
        }
        if to == tb {
            // Ours only changed the layout here; theirs' text wins.
            self.replace(n.ours, n.theirs);
            return Ok(());
        }
        Err(self.clash(n.ours))
    }

    fn clash(&self, ours: Node<'_>) -> ElementClash {
        let mut what = ours.kind().replace('_', " ");
        if let Some(name) = ours.child_by_field_name("name") {
            what = format!("`{}`", self.text(name, self.texts.ours));
        }
        ElementClash { what }
    }

    fn replace(&mut self, ours: Node<'_>, theirs: Node<'_>) {
        let text = reindent(
            self.text(theirs, self.texts.theirs),
            indent_of(self.texts.theirs, theirs.start_byte()),
            indent_of(self.texts.ours, ours.start_byte()),
        );
        self.taken.push(format!("`{}`", one_line(&text)));
        self.edits.push(Edit::text(ours.byte_range(), text));
    }

    /// Same kinds of named children, and theirs' punctuation and operators
    /// unchanged (ours may have changed them: its text is kept).
    fn same_shape(&self, n: Merge3<Node<'_>>) -> bool {
        let shape = |node: Node<'_>, text: &str| {
            let mut cursor = node.walk();
            let kids: Vec<(bool, String)> = node
                .children(&mut cursor)
                .filter(|c| c.kind() != "comment")
                .map(|c| {
                    if c.is_named() {
                        (true, c.kind().to_string())
                    } else {
                        (false, text.get(c.byte_range()).unwrap_or("").to_string())
                    }
                })
                .collect();
            kids
        };
        let (b, o, t) = (
            shape(n.base, self.texts.base),
            shape(n.ours, self.texts.ours),
            shape(n.theirs, self.texts.theirs),
        );
        let named = |v: &[(bool, String)]| {
            v.iter()
                .filter(|k| k.0)
                .map(|k| k.1.clone())
                .collect::<Vec<_>>()
        };
        named(&b) == named(&o) && named(&o) == named(&t) && (t == b || t == o) && !b.is_empty()
    }

    fn children(&mut self, n: Merge3<Node<'_>>, depth: usize) -> Result<(), ElementClash> {
        let (b, o, t) = (
            named_children(n.base),
            named_children(n.ours),
            named_children(n.theirs),
        );
        for ((b, o), t) in b.into_iter().zip(o).zip(t) {
            self.node(Merge3::new(b, o, t), depth + 1)?;
        }
        Ok(())
    }

    fn call(&mut self, n: Merge3<Node<'_>>, depth: usize) -> Result<(), ElementClash> {
        let field = |f: &str| {
            (
                n.base.child_by_field_name(f),
                n.ours.child_by_field_name(f),
                n.theirs.child_by_field_name(f),
            )
        };
        let (Some(fb), Some(fo), Some(ft)) = field("function") else {
            return Err(self.clash(n.ours));
        };
        // A new constructor on one side and new arguments on the other:
        // the arguments were meant for the old layer (merge-rules §2).
        let texts = self.texts;
        let changed = |a: Node<'_>, ta: &str, b: Node<'_>, tb: &str| tokens(a, ta) != tokens(b, tb);
        let (ab, ao, at) = (
            n.base.child_by_field_name("arguments"),
            n.ours.child_by_field_name("arguments"),
            n.theirs.child_by_field_name("arguments"),
        );
        if let (Some(ab), Some(ao), Some(at)) = (ab, ao, at) {
            let new_ctor = (
                changed(fo, texts.ours, fb, texts.base),
                changed(ft, texts.theirs, fb, texts.base),
            );
            let new_args = (
                changed(ao, texts.ours, ab, texts.base),
                changed(at, texts.theirs, ab, texts.base),
            );
            if (new_ctor.0 && new_args.1 && !new_ctor.1)
                || (new_ctor.1 && new_args.0 && !new_ctor.0)
            {
                return Err(ElementClash {
                    what: "the layer's constructor".into(),
                });
            }
        }
        self.node(Merge3::new(fb, fo, ft), depth + 1)
            .map_err(|_| ElementClash {
                what: "the layer's constructor".into(),
            })?;
        let (Some(ab), Some(ao), Some(at)) = field("arguments") else {
            return Err(self.clash(n.ours));
        };
        if ab.kind() != "argument_list"
            || ao.kind() != "argument_list"
            || at.kind() != "argument_list"
        {
            return self.node(Merge3::new(ab, ao, at), depth + 1);
        }
        self.arguments(Merge3::new(ab, ao, at), depth)
    }
}

fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

#[cfg(test)]
mod tests;
