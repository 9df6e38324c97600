//! Which side's layout an element both sides changed is merged into
//! (merge-rules §4, issue 10 rule 6): a side that only re-formatted the
//! element (black re-wrapping a call, quotes normalised, magic trailing
//! commas) gives its layout when the other side only replaced tokens one
//! for one in base's own layout. Anything less certain keeps the caller's
//! layout side.

use tree_sitter::Node;

use crate::core::merge3::Merge3;
use crate::python::indent::indent_of;
use crate::python::parse::leaves;
use crate::python::stream::{is_simple_string, normalise};

/// The tokens of `node` (comments included, magic trailing commas left
/// out) and the text between consecutive ones.
struct Words<'t> {
    tokens: Vec<&'t str>,
    gaps: Vec<&'t str>,
}

fn words<'t>(node: Node<'_>, text: &'t str) -> Option<Words<'t>> {
    let spans: Vec<_> = leaves(node, node.byte_range())
        .iter()
        .map(|l| l.byte_range())
        .collect();
    let mut tokens = Vec::with_capacity(spans.len());
    let mut gaps = Vec::with_capacity(spans.len());
    for (k, span) in spans.iter().enumerate() {
        tokens.push(text.get(span.clone())?);
        if k > 0 {
            gaps.push(text.get(spans[k - 1].end..span.start)?);
        }
    }
    Some(Words { tokens, gaps })
}

/// Whether the merge should be written into theirs' layout although ours
/// is the caller's layout side: theirs only re-formatted the element (its
/// tokens are base's once simple strings' quotes are set aside, its text is
/// not base's), ours replaced tokens one for one and kept base's layout
/// between them, every string ours changed is simple (so it reads the same
/// in theirs' quotes), and the element starts at the same indentation in
/// both (its lines are written where ours' element stands).
pub fn prefer_theirs_layout(nodes: Merge3<Node<'_>>, texts: Merge3<&str>) -> bool {
    if texts.theirs.get(nodes.theirs.byte_range()) == texts.base.get(nodes.base.byte_range()) {
        return false;
    }
    if indent_of(texts.ours, nodes.ours.start_byte())
        != indent_of(texts.theirs, nodes.theirs.start_byte())
    {
        return false;
    }
    let (Some(b), Some(o), Some(t)) = (
        words(nodes.base, texts.base),
        words(nodes.ours, texts.ours),
        words(nodes.theirs, texts.theirs),
    ) else {
        return false;
    };
    let same_keys = |x: &[&str], y: &[&str]| {
        x.len() == y.len() && x.iter().zip(y).all(|(a, b)| normalise(a) == normalise(b))
    };
    if !same_keys(&t.tokens, &b.tokens) {
        return false;
    }
    // Ours: the same number of tokens, base's gaps, some token changed.
    if o.tokens.len() != b.tokens.len() || o.gaps != b.gaps {
        return false;
    }
    let mut changed = false;
    for (ob, bb) in o.tokens.iter().zip(&b.tokens) {
        if normalise(ob) == normalise(bb) {
            continue;
        }
        changed = true;
        let is_string = ob.contains(['\'', '"']);
        if is_string && !is_simple_string(ob) {
            return false;
        }
    }
    changed
}

/// Whether `side`'s element holds base's tokens once simple strings'
/// quotes and magic trailing commas are set aside (comments included):
/// what a formatter run changes, and nothing else.
pub fn only_reformatted(side: Node<'_>, side_text: &str, base: Node<'_>, base_text: &str) -> bool {
    let (Some(s), Some(b)) = (words(side, side_text), words(base, base_text)) else {
        return false;
    };
    s.tokens.len() == b.tokens.len()
        && s.tokens
            .iter()
            .zip(&b.tokens)
            .all(|(x, y)| normalise(x) == normalise(y))
}
