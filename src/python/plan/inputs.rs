//! What the merge of one region reads: the three parsed versions, the
//! region in each, and the ordering switches.

use crate::core::merge3::{Merge3, Side};
use crate::python::parse::tokens::{leaves, node_text};
use crate::python::parse::Parsed;
use crate::python::regions::{Identity, Region, Unit};

/// Everything a region merge reads.
pub struct Inputs<'a> {
    pub parsed: Merge3<&'a Parsed<'a>>,
    pub regions: Merge3<&'a Region>,
    pub strict: bool,
    pub convention: &'a crate::python::convention::Convention,
}

impl Inputs<'_> {
    pub fn units(&self, side: Side) -> &[Unit] {
        &self.regions.get(side).units
    }

    pub fn text(&self, side: Side) -> &str {
        self.parsed.get(side).text
    }

    /// The element's text, its separating comma left out.
    pub fn unit_text(&self, side: Side, i: usize) -> String {
        let unit = &self.units(side)[i];
        let text = self.text(side);
        let body = &text[unit.body.clone()];
        // Compare the element with its comments, not with its separator.
        let lead = &text[unit.span.start..unit.body.start];
        let trail = unit
            .comma
            .as_ref()
            .map_or(&text[unit.body.end..unit.span.end], |c| {
                &text[c.end..unit.span.end]
            });
        format!(
            "{}{body}{}",
            lead.trim_start_matches([' ', '\t', '\n']),
            trail
        )
    }

    /// The comments of the element's text (its comment lines before it,
    /// inside it and after it on its line), in order. Tokens leave them
    /// out, so only these tell a comment edit from a re-layout.
    pub(super) fn comments(&self, side: Side, i: usize) -> Vec<&str> {
        let unit = &self.units(side)[i];
        let parsed = self.parsed.get(side);
        let root = parsed.tree.root_node();
        let Some(node) = root.descendant_for_byte_range(unit.span.start, unit.span.end) else {
            return Vec::new();
        };
        leaves(node, unit.span.clone())
            .into_iter()
            .filter(|leaf| leaf.kind() == "comment")
            .map(|leaf| node_text(leaf, parsed.text))
            .collect()
    }

    pub(super) fn name(&self, side: Side, i: usize) -> String {
        let unit = &self.units(side)[i];
        if unit.comment {
            return format!("comment `{}`", &self.text(side)[unit.body.clone()]);
        }
        match (&unit.ctor, &unit.identity) {
            (_, Some(id @ (Identity::Attribute(_) | Identity::Item(_)))) => format!("`{id}`"),
            (Some(ctor), _) => format!("`{ctor}`"),
            _ => {
                let t = &self.text(side)[unit.body.clone()];
                format!(
                    "`{}`",
                    t.split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .chars()
                        .take(40)
                        .collect::<String>()
                )
            }
        }
    }
}
