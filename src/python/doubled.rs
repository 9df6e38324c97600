//! Checks of a clean structured Python result against doubling: two
//! versions of one definition kept side by side, or one dictionary key
//! written twice (Python keeps the last, so one side's value would be lost
//! without a word). Each turns the result back to a fallback.

use std::collections::{HashMap, HashSet};

use crate::core::merge3::Merge3;
use crate::fallback::Fallback;
use crate::python::verify::VerifyError;

/// A clean result defines no function or class (at one indentation,
/// inside the same enclosing definitions), nor assigns a module-level
/// name, more often than either side does: two versions of one definition
/// kept side by side lose the choice between them (merge-rules §1.1). A
/// line scan, cheap enough to run on every clean result.
///
/// A doubling shows both within its scope and at its indentation in the
/// whole file: two classes each defining `forward` raise only the second
/// count (two methods, not one twice), a method the line merge wrote below
/// another class than the side's only the first (a placement, not a copy).
/// Only a definition that exceeds both counts is doubled.
pub fn no_definition_doubled(merged: &str, texts: Merge3<&str>) -> Result<(), Fallback> {
    let (ours, theirs) = (definitions(texts.ours), definitions(texts.theirs));
    let merged = definitions(merged);
    let most = |key: &Defined<'_>| {
        let count = |side: &HashMap<Defined<'_>, usize>| side.get(key).copied().unwrap_or(0);
        count(&ours).max(count(&theirs))
    };
    let (ours_at, theirs_at, merged_at) =
        (by_indent(&ours), by_indent(&theirs), by_indent(&merged));
    for (key, n) in &merged {
        if *n <= most(key) {
            continue;
        }
        let at = (key.indent, key.name);
        let count = |side: &HashMap<(usize, &str), usize>| side.get(&at).copied().unwrap_or(0);
        if count(&merged_at) > count(&ours_at).max(count(&theirs_at)) {
            return Err(Fallback::Unverified(VerifyError::DoubledDefinition(
                key.name.to_string(),
            )));
        }
    }
    Ok(())
}

/// The counts of [`definitions`] by indentation and name alone.
fn by_indent<'a>(counts: &HashMap<Defined<'a>, usize>) -> HashMap<(usize, &'a str), usize> {
    let mut out = HashMap::new();
    for (key, n) in counts {
        *out.entry((key.indent, key.name)).or_insert(0) += n;
    }
    out
}

/// `x = layers.Dense(64)(x)`: a step of a functional chain feeds the
/// name's last value into a call and binds it again. Such a line is no
/// definition that a second copy would shadow; the chain's steps are
/// elements the layer-list merge keys and checks, and a step written
/// twice is the line check's to find. `after` starts at the `=`.
fn chain_step(name: &str, after: &str) -> bool {
    after
        .trim_end()
        .strip_suffix(')')
        .and_then(|rest| rest.trim_end().strip_suffix(name))
        .is_some_and(|rest| rest.trim_end().ends_with('('))
}

/// One definition as the line scan names it.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
struct Defined<'a> {
    indent: usize,
    /// The `def`s and `class`es above it (by indentation): `Linear.__init__`.
    scope: String,
    name: &'a str,
}

/// How often `text` defines each name. The enclosing definitions are the
/// `def` and `class` lines above at a smaller indentation: only such lines
/// open or close a scope, so two copies of one method in one class (no
/// definition header at a smaller indentation between them) always get one
/// key, whatever code lies between them.
fn definitions(text: &str) -> HashMap<Defined<'_>, usize> {
    let mut counts = HashMap::new();
    let mut scopes: Vec<(usize, &str)> = Vec::new();
    for line in text.lines() {
        let code = line.trim_start();
        let indent = line.len() - code.len();
        let code = code.strip_prefix("async ").unwrap_or(code);
        let word = |s: &'_ str| -> usize {
            s.find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(s.len())
        };
        let header = code
            .strip_prefix("def ")
            .or_else(|| code.strip_prefix("class "));
        let name = match header {
            Some(rest) => &rest[..word(rest)],
            // `NAME = ...` at module level.
            None if indent == 0 => {
                let name = &code[..word(code)];
                let after = code[name.len()..].trim_start();
                if after.starts_with('=') && !after.starts_with("==") && !chain_step(name, after) {
                    name
                } else {
                    ""
                }
            }
            None => "",
        };
        if name.is_empty() {
            continue;
        }
        if header.is_some() {
            while scopes.last().is_some_and(|(i, _)| *i >= indent) {
                scopes.pop();
            }
        }
        let scope = scopes
            .iter()
            .filter(|(i, _)| *i < indent)
            .map(|(_, n)| *n)
            .collect::<Vec<_>>()
            .join(".");
        *counts
            .entry(Defined {
                indent,
                scope,
                name,
            })
            .or_insert(0) += 1;
        if header.is_some() {
            scopes.push((indent, name));
        }
    }
    counts
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
        if crate::python::parse::kind::kind(node) == "dictionary" {
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
        if node.named_child_count() > 0 {
            stack.extend(node.named_children(&mut cursor));
        }
    }
    Some(doubled)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "class Dora:\n    def unmerge(self):\n        pass\n";

    #[test]
    fn one_method_name_in_two_new_classes_is_not_doubled() {
        let ours = format!("{BASE}\n\nclass Arrow:\n    def unmerge(self):\n        pass\n");
        let theirs = format!("{BASE}\n\nclass Mica:\n    def unmerge(self):\n        pass\n");
        let merged = format!(
            "{BASE}\n\nclass Arrow:\n    def unmerge(self):\n        pass\n\n\nclass Mica:\n    def unmerge(self):\n        pass\n"
        );
        let texts = Merge3::new(BASE, ours.as_str(), theirs.as_str());
        assert!(no_definition_doubled(&merged, texts).is_ok());
    }

    #[test]
    fn one_method_twice_in_one_class_is_doubled() {
        let ours = "class Dora:\n    def unmerge(self):\n        return 1\n";
        let theirs = "class Dora:\n    def unmerge(self):\n        return 2\n";
        let merged = "class Dora:\n    def unmerge(self):\n        return 1\n\n    x = [\n1]\n\n    def unmerge(self):\n        return 2\n";
        let texts = Merge3::new(BASE, ours, theirs);
        assert!(no_definition_doubled(merged, texts).is_err());
    }

    #[test]
    fn steps_of_a_functional_chain_are_not_definitions() {
        let base = "x = layers.Input((8,))\nx = layers.Dense(10)(x)\nx = layers.Dense(11)(x)\n";
        let ours = "x = layers.Input((8,))\nx = layers.Dense(10)(x)\nx = layers.Dense(501)(x)\nx = layers.Dense(11)(x)\n";
        let theirs = "x = layers.Input((8,))\nx = layers.Dense(701)(x)\nx = layers.Dense(10)(x)\nx = layers.Dense(11)(x)\n";
        let merged = "x = layers.Input((8,))\nx = layers.Dense(701)(x)\nx = layers.Dense(10)(x)\nx = layers.Dense(501)(x)\nx = layers.Dense(11)(x)\n";
        assert!(no_definition_doubled(merged, Merge3::new(base, ours, theirs)).is_ok());
        assert!(chain_step(
            "x",
            "= layers.Dense(64, activation='relu')( x )"
        ));
        assert!(chain_step("x", "= block(x)"));
        assert!(!chain_step("x", "= layers.Dense(64)(xx)"));
        assert!(!chain_step("x", "= f(y, x)"));
        assert!(!chain_step("x", "= 3"));
        // A constant assigned twice is still a doubling.
        let merged = "x = 1\nx = 2\n";
        assert!(
            no_definition_doubled(merged, Merge3::new("x = 0\n", "x = 1\n", "x = 2\n")).is_err()
        );
    }

    #[test]
    fn a_method_written_below_another_class_is_not_doubled() {
        let theirs = "class A:\n    def f(self):\n        pass\n\n    def g(self):\n        pass\n";
        let ours = "class A:\n    def f(self):\n        pass\n\n\nclass B:\n    def h(self):\n        pass\n";
        let merged = "class A:\n    def f(self):\n        pass\n\n\nclass B:\n    def h(self):\n        pass\n\n    def g(self):\n        pass\n";
        let texts = Merge3::new("class A:\n    def f(self):\n        pass\n", ours, theirs);
        assert!(no_definition_doubled(merged, texts).is_ok());
    }

    #[test]
    fn a_nested_function_is_keyed_by_its_method() {
        let text = "class A:\n    def f(self):\n        def g():\n            pass\n    def h(self):\n        def g():\n            pass\n";
        let counts = definitions(text);
        let g = |scope: &str| {
            counts
                .get(&Defined {
                    indent: 8,
                    scope: scope.to_string(),
                    name: "g",
                })
                .copied()
        };
        assert_eq!((g("A.f"), g("A.h")), (Some(1), Some(1)));
    }
}
