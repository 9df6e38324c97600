//! `.gitattributes` edited as text: the lines `mlmerge install` adds sit
//! in one block under a comment of ours, so `uninstall` can take out that
//! block and nothing else. The user's lines and comments are never
//! rewritten, and a pattern already given another merge driver is left
//! alone (adding ours after it would silently override it).

/// The comment opening the block `mlmerge install` adds.
pub const BLOCK_COMMENT: &str =
    "# mlmerge: structured merges of model code and notebooks (added by `mlmerge install`)";

/// The patterns routed to the driver.
pub const PATTERNS: [&str; 2] = ["*.py", "*.ipynb"];

/// The attribute line for one pattern.
pub fn line_for(pattern: &str) -> String {
    format!("{pattern} merge=mlmerge")
}

/// What installing into one attributes file would do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttributesEdit {
    /// The new file content, `None` when nothing changes.
    pub content: Option<String>,
    /// Lines added (install) or removed (uninstall), in order.
    pub lines: Vec<String>,
    /// Existing lines left alone that matter to the user, with a reason.
    pub kept: Vec<String>,
}

/// The `merge` attribute value a line gives `pattern`, when it names that
/// exact pattern and sets `merge` at all (`merge`, `-merge`, `merge=x`).
fn merge_setting<'a>(line: &'a str, pattern: &str) -> Option<&'a str> {
    let mut words = line.split_whitespace();
    if words.next()? != pattern {
        return None;
    }
    words.rfind(|w| w.trim_start_matches(['-', '!']).split('=').next() == Some("merge"))
}

/// Plans installing the driver's lines into `content` (the file's text,
/// empty when it does not exist).
pub fn plan_install(content: &str) -> AttributesEdit {
    let mut missing = Vec::new();
    let mut kept = Vec::new();
    for pattern in PATTERNS {
        let setting = content
            .lines()
            .filter_map(|l| merge_setting(l, pattern))
            .next_back();
        match setting {
            Some("merge=mlmerge") => {}
            Some(other) => kept.push(format!(
                "`{pattern} {other}` is already set; left as is, so {pattern} files do not use mlmerge"
            )),
            None => missing.push(line_for(pattern)),
        }
    }
    if missing.is_empty() {
        return AttributesEdit {
            content: None,
            lines: missing,
            kept,
        };
    }
    let mut lines: Vec<String> = content.lines().map(str::to_string).collect();
    let mut added = missing.clone();
    match block_range(&lines) {
        Some((_, end)) => {
            lines.splice(end..end, missing.iter().cloned());
        }
        None => {
            added.insert(0, BLOCK_COMMENT.to_string());
            lines.push(BLOCK_COMMENT.to_string());
            lines.extend(missing.iter().cloned());
        }
    }
    AttributesEdit {
        content: Some(with_newline(&lines, eol(content))),
        lines: added,
        kept,
    }
}

/// Plans removing the block `plan_install` added, and only that.
pub fn plan_uninstall(content: &str) -> AttributesEdit {
    let lines: Vec<String> = content.lines().map(str::to_string).collect();
    let Some((start, end)) = block_range(&lines) else {
        return AttributesEdit {
            content: None,
            lines: Vec::new(),
            kept: Vec::new(),
        };
    };
    let removed = lines[start..end].to_vec();
    let rest: Vec<String> = lines[..start]
        .iter()
        .chain(&lines[end..])
        .cloned()
        .collect();
    AttributesEdit {
        content: Some(with_newline(&rest, eol(content))),
        lines: removed,
        kept: Vec::new(),
    }
}

/// Our comment line and the lines of ours right after it.
fn block_range(lines: &[String]) -> Option<(usize, usize)> {
    let start = lines.iter().position(|l| l.trim_end() == BLOCK_COMMENT)?;
    let ours: Vec<String> = PATTERNS.iter().map(|p| line_for(p)).collect();
    let len = lines[start + 1..]
        .iter()
        .take_while(|l| ours.contains(&l.trim_end().to_string()))
        .count();
    Some((start, start + 1 + len))
}

/// The file's own line ending, so a CRLF file stays CRLF.
fn eol(content: &str) -> &'static str {
    if content.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

fn with_newline(lines: &[String], eol: &str) -> String {
    if lines.is_empty() {
        String::new()
    } else {
        let mut text = lines.join(eol);
        text.push_str(eol);
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_appends_block_and_is_idempotent() {
        let user = "# mine\n*.png binary\n";
        let edit = plan_install(user);
        let content = edit.content.unwrap();
        assert!(content.starts_with(user));
        assert!(content.ends_with("*.py merge=mlmerge\n*.ipynb merge=mlmerge\n"));
        assert_eq!(plan_install(&content).content, None);
        assert_eq!(plan_uninstall(&content).content.as_deref(), Some(user));
    }

    #[test]
    fn other_driver_is_left_alone() {
        let user = "*.ipynb merge=nbdime\n";
        let edit = plan_install(user);
        assert_eq!(
            edit.lines,
            vec![BLOCK_COMMENT.to_string(), "*.py merge=mlmerge".to_string()]
        );
        assert_eq!(edit.kept.len(), 1);
        assert_eq!(
            plan_uninstall(&edit.content.unwrap()).content.as_deref(),
            Some(user)
        );
    }

    #[test]
    fn user_line_that_matches_ours_is_not_removed() {
        let user = "*.py merge=mlmerge\n";
        let edit = plan_install(user);
        assert_eq!(
            edit.lines,
            vec![
                BLOCK_COMMENT.to_string(),
                "*.ipynb merge=mlmerge".to_string()
            ]
        );
        assert_eq!(
            plan_uninstall(&edit.content.unwrap()).content.as_deref(),
            Some(user)
        );
    }

    #[test]
    fn uninstall_from_empty_file_leaves_empty() {
        let content = plan_install("").content.unwrap();
        assert_eq!(plan_uninstall(&content).content.as_deref(), Some(""));
    }
}
