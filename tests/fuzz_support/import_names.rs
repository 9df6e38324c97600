//! The line reading with import statements read as sets of names: a
//! `from m import a, b` line is one element per name (`from m import a`,
//! `from m import b`), so one side deleting `a` and the other deleting
//! `a` and renaming `b` are edits of different names, as the merge's
//! import rule reads them (merge-rules §5), not two edits of one line.

use mlmerge::verify::Element;

/// `elements` with each one-line import of several names cut into one
/// element per name; an element's content is `path|tokens` (the line
/// reading's form), tokens joined by single spaces.
pub fn by_import_names(elements: Vec<Element>) -> Vec<Element> {
    let mut out = Vec::with_capacity(elements.len());
    for element in elements {
        match names_of(&element.content) {
            Some((head, names)) => out.extend(
                names
                    .into_iter()
                    .map(|name| Element::plain(format!("{head} {name}"))),
            ),
            None => out.push(element),
        }
    }
    out
}

/// The `path|from m import` head and the names of an import line with
/// more than one name (`None` for any other line, or an import whose
/// brackets continue on other lines).
fn names_of(content: &str) -> Option<(&str, Vec<&str>)> {
    let (path, code) = content.split_once('|')?;
    let cut = if code.starts_with("from ") {
        code.find(" import ")? + " import".len()
    } else if code.starts_with("import ") {
        "import".len()
    } else {
        return None;
    };
    let head = content.get(..path.len() + 1 + cut)?;
    let mut rest = code.get(cut..)?.trim();
    if let Some(inner) = rest.strip_prefix('(') {
        rest = inner.strip_suffix(')')?.trim();
    }
    if rest.contains(['(', ')', '\\', '#']) {
        return None;
    }
    let names: Vec<&str> = rest
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    (names.len() > 1).then_some((head, names))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_of_several_names_is_one_element_per_name() {
        let line = Element::plain("0|from . . utils import a , b as c");
        let split: Vec<String> = by_import_names(vec![line])
            .into_iter()
            .map(|e| e.content)
            .collect();
        assert_eq!(
            split,
            [
                "0|from . . utils import a",
                "0|from . . utils import b as c"
            ]
        );
        let one = Element::plain("0|import torch");
        assert_eq!(by_import_names(vec![one.clone()]), vec![one]);
        let open = Element::plain("0|from m import (");
        assert_eq!(by_import_names(vec![open.clone()]), vec![open]);
    }

    /// Fuzz seed 201665: both sides delete one name, ours also misspells
    /// the other; the merged names hold both edits. Theirs' name dropped
    /// is still a loss.
    #[test]
    fn import_names_merged_as_a_set_hold_and_a_dropped_name_does_not() {
        use super::super::preserve::{check, Preserved};
        let base = "import torch\n\nfrom ..utils import is_auto_gptq_available, is_gptqmodel_available\n\n\ndef f():\n    return 1\n";
        let ours = "import torch\n\nfrom ..utils import is_gptqmodel_availale\n\n\ndef f():\n    return 1\n";
        let theirs = "import torch\n\nfrom ..utils import is_gptqmodel_available\n\n\ndef f():\n    return 1\n";
        let versions = [base, ours, theirs].map(str::as_bytes);
        assert!(matches!(
            check(false, versions, ours.as_bytes()),
            Preserved::Holds
        ));
        let theirs_adds = "import torch\n\nfrom ..utils import is_auto_gptq_available, is_gptqmodel_available, is_hqq_available\n\n\ndef f():\n    return 1\n";
        let versions = [base, ours, theirs_adds].map(str::as_bytes);
        assert!(matches!(
            check(false, versions, ours.as_bytes()),
            Preserved::Violated(_)
        ));
    }
}
