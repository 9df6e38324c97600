//! The check of a clean structured merge of Python: the result parses
//! again, and each merged region holds exactly the planned elements.

use std::collections::HashMap;

use crate::python::parse::parse;
use crate::python::regions::Region;

/// The clean result must parse, and each merged region must hold exactly
/// the elements the plan put there.
pub fn verify(text: &str, expected: &[(String, Vec<Option<String>>)]) -> Result<(), String> {
    let parsed = parse(text).map_err(|_| "the merged result does not parse".to_string())?;
    let regions: HashMap<&str, &Region> =
        parsed.regions.iter().map(|r| (r.key.as_str(), r)).collect();
    for (key, tokens) in expected {
        let region = regions
            .get(key.as_str())
            .ok_or_else(|| format!("the merged result lost the region {key}"))?;
        let ok = region.units.len() == tokens.len()
            && region
                .units
                .iter()
                .zip(tokens)
                .all(|(u, t)| t.as_ref().is_none_or(|t| *t == u.tokens));
        if !ok {
            return Err(format!(
                "the merged region {key} does not hold the planned elements"
            ));
        }
    }
    Ok(())
}
