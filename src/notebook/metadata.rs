//! Metadata that is not a person's choice: the environment a notebook was
//! last saved in (kernel version, Colab and editor state, execution
//! timestamps), which never conflicts, and cell `tags`, which merge as a
//! set.

use super::json::Node;
use super::write::Out;
use crate::core::merge3::Merge3;

/// The metadata keys written by whichever kernel, service or editor saved
/// the notebook last (`mlmerge.notebookVolatileMetadata` replaces the
/// list). Each names a key directly under the notebook's or a cell's
/// `metadata`.
pub const DEFAULT_VOLATILE: &[&str] = &[
    // The kernel's own description of itself (version, codemirror mode).
    "language_info",
    // Colab: notebook settings, per-cell ids and output ids, hardware.
    "colab",
    "accelerator",
    "gpuClass",
    "id",
    "outputId",
    // Widget state saved with the outputs.
    "widgets",
    // Editor and extension state.
    "vscode",
    "toc",
    "varInspector",
    // Execution timestamps (JupyterLab's `execution`, the ExecuteTime
    // extension's `ExecuteTime`).
    "execution",
    "ExecuteTime",
];

/// The default list, owned.
pub fn default_volatile() -> Vec<String> {
    DEFAULT_VOLATILE.iter().map(|k| k.to_string()).collect()
}

/// Reads a setting's value: keys separated by commas or spaces; `default`
/// stands for the default list, `none` (or nothing) for no key.
pub fn parse_volatile(value: &str) -> Option<Vec<String>> {
    let mut keys = Vec::new();
    for word in value
        .split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        match word {
            "default" => keys.extend(default_volatile()),
            "none" => {}
            key if key
                .chars()
                .all(|c| c.is_alphanumeric() || "_-.".contains(c)) =>
            {
                keys.push(key.to_string())
            }
            _ => return None,
        }
    }
    Some(keys)
}

/// The key path inside a notebook or cell of a merge path such as
/// `metadata.language_info.version` or
/// ``cell 2 (code) `x = 1` metadata.colab.base_uri``.
fn key_path(path: &str) -> &str {
    path.rsplit_once(' ').map_or(path, |(_, keys)| keys)
}

/// Whether the value at `path` is environment metadata in `volatile`.
pub fn is_volatile(path: &str, volatile: &[String]) -> bool {
    let mut keys = key_path(path).split('.');
    keys.next() == Some("metadata") && keys.next().is_some_and(|k| volatile.iter().any(|v| v == k))
}

/// Whether `path` is a cell's `metadata.tags`.
pub fn is_tags(path: &str) -> bool {
    path.contains(' ') && key_path(path) == "metadata.tags"
}

/// Cell tags merged as a set: ours' tags that no side removed, then the
/// tags theirs added. `None` when a side deleted the key (that stays a
/// clash) or a version is not a list of strings.
pub fn merge_tags<'a>(tags: Merge3<Option<&'a Node<'a>>>) -> Option<Out<'a>> {
    tags.ours?;
    tags.theirs?;
    let texts = |node: Option<&Node>| -> Option<Vec<String>> {
        match node {
            None => Some(Vec::new()),
            Some(n) => n
                .as_array()?
                .iter()
                .map(|t| t.as_str().map(|s| s.text().into_owned()))
                .collect(),
        }
    };
    let (base, ours, theirs) = (texts(tags.base)?, texts(tags.ours)?, texts(tags.theirs)?);
    let mut merged: Vec<String> = Vec::new();
    for tag in &ours {
        if (theirs.contains(tag) || !base.contains(tag)) && !merged.contains(tag) {
            merged.push(tag.clone());
        }
    }
    for tag in &theirs {
        if !ours.contains(tag) && !base.contains(tag) && !merged.contains(tag) {
            merged.push(tag.clone());
        }
    }
    Some(Out::Array(merged.into_iter().map(Out::Text).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_environment_keys_of_notebooks_and_cells() {
        let list = default_volatile();
        assert!(is_volatile("metadata.language_info.version", &list));
        assert!(is_volatile(
            "cell 3 (code) `import a.b c` metadata.id",
            &list
        ));
        assert!(is_volatile(
            "cell 3 (code) `x` metadata.execution.iopub.status.idle",
            &list
        ));
        assert!(!is_volatile("metadata.kernelspec.name", &list));
        assert!(!is_volatile("cell 1 (code) `x` metadata.tags", &list));
        assert!(!is_volatile("cell 1 (code) `x` source", &list));
    }

    #[test]
    fn reads_the_setting() {
        assert_eq!(
            parse_volatile("default, papermill").map(|l| l.len()),
            Some(DEFAULT_VOLATILE.len() + 1)
        );
        assert_eq!(parse_volatile("none"), Some(vec![]));
        assert_eq!(
            parse_volatile("colab toc"),
            Some(vec!["colab".to_string(), "toc".to_string()])
        );
        assert_eq!(parse_volatile("a;b"), None);
    }
}
