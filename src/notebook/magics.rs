//! IPython lines in code cells (`%magic`, `!shell`, `files = !ls`) are not
//! Python. For the Python merge they are hidden behind a comment prefix
//! that no input contains, so they merge as opaque lines, and shown again
//! afterwards. A shell or magic line ending in a backslash goes on in the
//! next line (IPython joins them): those lines are hidden too.

/// Prefix that turns an IPython line into a Python comment.
const MASK: &str = "#\u{e000}";

/// Whether a cell is run by a cell magic (`%%bash`, `%%timeit`…) and so
/// is not Python at all.
pub fn is_cell_magic(source: &str) -> bool {
    source.trim_start().starts_with("%%")
}

fn is_ipython_line(line: &str) -> bool {
    let code = line.trim_start();
    code.starts_with('%') || code.starts_with('!') || is_shell_assignment(code)
}

/// `name = !command` or `a, b = %magic args`: names, dots and commas, one
/// `=`, then `!` or `%` (never Python: no expression starts with either).
fn is_shell_assignment(code: &str) -> bool {
    let Some((target, value)) = code.split_once('=') else {
        return false;
    };
    let target = target.trim();
    !target.is_empty()
        && target
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | ',' | ' '))
        && !target.ends_with('.')
        && value.trim_start().starts_with(['!', '%'])
}

/// Whether a masked line goes on in the next one: a backslash ends it.
fn continues(line: &str) -> bool {
    line.trim_end_matches(['\n', '\r']).ends_with('\\')
}

/// The source with IPython lines commented out; `None` when the source
/// already holds the mask (it could not be undone safely).
pub fn mask(source: &str) -> Option<String> {
    if source.contains(MASK) {
        return None;
    }
    let mut out = String::with_capacity(source.len() + 16);
    let mut continued = false;
    for line in source.split_inclusive('\n') {
        if continued || is_ipython_line(line) {
            let indent = line.len() - line.trim_start().len();
            out.push_str(&line[..indent]);
            out.push_str(MASK);
            out.push_str(&line[indent..]);
            continued = continues(line);
        } else {
            out.push_str(line);
        }
    }
    Some(out)
}

/// Undoes [`mask`] on a merged source.
pub fn unmask(source: &str) -> String {
    if !source.contains(MASK) {
        return source.to_string();
    }
    source
        .split_inclusive('\n')
        .map(|line| {
            let indent = line.len() - line.trim_start().len();
            match line[indent..].strip_prefix(MASK) {
                Some(rest) => format!("{}{rest}", &line[..indent]),
                None => line.to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let src = "%matplotlib inline\nx = 1\n  !pip install torch\nprint('%d' % x)";
        let masked = mask(src).unwrap();
        assert!(masked.starts_with("#\u{e000}%matplotlib"));
        assert!(masked.contains("  #\u{e000}!pip"));
        assert!(masked.ends_with("print('%d' % x)"));
        assert_eq!(unmask(&masked), src);
        assert!(mask(&masked).is_none());
        assert!(is_cell_magic("\n%%bash\nls"));
    }

    #[test]
    fn continuation_lines_of_a_shell_line_are_hidden_too() {
        let src = "! pip3 install --upgrade \\\n    torch \\\n    torchvision\nimport torch\n";
        let masked = mask(src).unwrap();
        assert_eq!(
            masked,
            "#\u{e000}! pip3 install --upgrade \\\n    #\u{e000}torch \\\n    #\u{e000}torchvision\nimport torch\n"
        );
        assert_eq!(unmask(&masked), src);
        // A Python line continued by a backslash stays Python.
        let python = "x = 1 + \\\n    2\n";
        assert_eq!(mask(python).unwrap(), python);
    }

    #[test]
    fn a_shell_assignment_is_hidden() {
        let src = "if not PROJECT_ID:\n    out = ! gcloud config list\n    PROJECT_ID = out[0]\na, b = %sx ls\n";
        let masked = mask(src).unwrap();
        assert!(masked.contains("    #\u{e000}out = ! gcloud"));
        assert!(masked.contains("#\u{e000}a, b = %sx ls"));
        assert!(masked.contains("\n    PROJECT_ID = out[0]"));
        assert_eq!(unmask(&masked), src);
        for python in [
            "x = y != z\n",
            "x == !y\n",
            "d[k] = 1\n",
            "s = '%d' % n\n",
            "x = 5 % 3\n",
        ] {
            assert_eq!(mask(python).unwrap(), python, "{python:?}");
        }
    }
}
