//! Notebook merge (issue 3). Until it lands, notebooks merge by lines.

use crate::merge::merge3::Merge3;
use crate::merge::Structured;
use crate::options::MergeOptions;
use crate::render::Markers;

/// Whether `bytes` is a notebook Jupyter can open.
pub fn is_valid(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .map(|v| v.get("cells").is_some_and(|c| c.is_array()))
        .unwrap_or(false)
}

pub fn merge(
    _texts: Merge3<&str>,
    _options: &MergeOptions,
    _markers: &Markers,
) -> Result<Structured, String> {
    Err("notebooks are merged by lines for now".into())
}
