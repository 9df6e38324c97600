//! Checks of a clean structured Python result against doubling: two
//! versions of one definition kept side by side, or one dictionary key
//! written twice (Python keeps the last, so one side's value would be lost
//! without a word). Each turns the result back to a fallback.

use std::collections::{HashMap, HashSet};

use crate::core::merge3::Merge3;
use crate::fallback::Fallback;
use crate::python::verify::VerifyError;

/// A clean result defines no function or class (at one indentation), nor
/// assigns a module-level name, more
/// often than either side does: two versions of one definition kept side
/// by side lose the choice between them (merge-rules §1.1). A line scan,
/// cheap enough to run on every clean result.
pub fn no_definition_doubled(merged: &str, texts: Merge3<&str>) -> Result<(), Fallback> {
    fn definitions<'a>(text: &'a str) -> HashMap<(usize, &'a str), usize> {
        let mut counts = HashMap::new();
        for line in text.lines() {
            let code = line.trim_start();
            let indent = line.len() - code.len();
            let code = code.strip_prefix("async ").unwrap_or(code);
            let word = |s: &'a str| {
                s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or("")
            };
            let name = match code
                .strip_prefix("def ")
                .or_else(|| code.strip_prefix("class "))
            {
                Some(rest) => word(rest),
                // `NAME = ...` at module level.
                None if indent == 0 => {
                    let name = word(code);
                    let after = code[name.len()..].trim_start();
                    if after.starts_with('=') && !after.starts_with("==") {
                        name
                    } else {
                        ""
                    }
                }
                None => "",
            };
            if !name.is_empty() {
                *counts.entry((indent, name)).or_insert(0) += 1;
            }
        }
        counts
    }
    let (ours, theirs) = (definitions(texts.ours), definitions(texts.theirs));
    for (key, n) in definitions(merged) {
        let most = ours
            .get(&key)
            .copied()
            .unwrap_or(0)
            .max(theirs.get(&key).copied().unwrap_or(0));
        if n > most {
            return Err(Fallback::Unverified(VerifyError::DoubledDefinition(
                key.1.to_string(),
            )));
        }
    }
    Ok(())
}

/// No dictionary display in a clean result holds one constant key (as the
/// dict merge keys entries: `siblings::dict_key`) twice unless a side's version of it does
/// too: both sides adding `"preset_004"` with different values, merged by
/// tokens, would keep both entries and Python would drop ours' silently.
pub fn no_key_doubled(merged: &str, texts: Merge3<&str>) -> Result<(), Fallback> {
    let doubled = doubled_keys(merged).unwrap_or_default();
    if doubled.is_empty() {
        return Ok(());
    }
    let side = |text: &str| doubled_keys(text).unwrap_or_default();
    let (ours, theirs) = (side(texts.ours), side(texts.theirs));
    match doubled
        .into_iter()
        .find(|key| !ours.contains(key) && !theirs.contains(key))
    {
        Some(key) => Err(Fallback::Unverified(VerifyError::DoubledKey(key))),
        None => Ok(()),
    }
}

/// The constant keys some dictionary of `text` holds more than once;
/// `None` when `text` does not parse.
fn doubled_keys(text: &str) -> Option<Vec<String>> {
    let tree = crate::python::siblings::parse_tree(text)?;
    let mut doubled = Vec::new();
    let mut cursor = tree.walk();
    // An explicit walk: no recursion on hostile nesting.
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.kind() == "dictionary" {
            let mut seen = HashSet::new();
            for pair in node.named_children(&mut cursor) {
                if let Some(key) = crate::python::siblings::dict_key(pair, text) {
                    if seen.contains(&key) {
                        doubled.push(key);
                    } else {
                        seen.insert(key);
                    }
                }
            }
        }
        stack.extend(node.named_children(&mut cursor));
    }
    Some(doubled)
}
