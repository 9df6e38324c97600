//! What the merge of one region reads: the three parsed versions, the
//! region in each, and the ordering switches.

use crate::core::merge3::{Merge3, Side};
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
    pub(super) fn unit_text(&self, side: Side, i: usize) -> String {
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
