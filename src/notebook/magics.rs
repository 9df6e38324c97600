//! IPython lines in code cells (`%magic`, `!shell`) are not Python. For the
//! Python merge they are hidden behind a comment prefix that no input
//! contains, so they merge as opaque lines, and shown again afterwards.

/// Prefix that turns an IPython line into a Python comment.
const MASK: &str = "#\u{e000}";

/// Whether a cell is run by a cell magic (`%%bash`, `%%timeit`…) and so
/// is not Python at all.
pub fn is_cell_magic(source: &str) -> bool {
    source.trim_start().starts_with("%%")
}

fn is_ipython_line(line: &str) -> bool {
    let code = line.trim_start();
    code.starts_with('%') || code.starts_with('!')
}

/// The source with IPython lines commented out; `None` when the source
/// already holds the mask (it could not be undone safely).
pub fn mask(source: &str) -> Option<String> {
    if source.contains(MASK) {
        return None;
    }
    let mut out = String::with_capacity(source.len() + 16);
    for line in source.split_inclusive('\n') {
        if is_ipython_line(line) {
            let indent = line.len() - line.trim_start().len();
            out.push_str(&line[..indent]);
            out.push_str(MASK);
            out.push_str(&line[indent..]);
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
}
