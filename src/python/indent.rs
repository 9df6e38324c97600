//! Indentation of source text: the indentation of a line, moving a
//! multi-line text from one indentation to another, and a one-line
//! summary of a text for people.

/// The indentation of the line holding `pos`.
pub fn indent_of(text: &str, pos: usize) -> &str {
    let start = text[..pos.min(text.len())].rfind('\n').map_or(0, |p| p + 1);
    let line = &text[start..];
    let width = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..width]
}

/// Moves the second and later lines of `text` from indentation `from` to `to`.
pub fn reindent(text: &str, from: &str, to: &str) -> String {
    if from == to || !text.contains('\n') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split_inclusive('\n').enumerate() {
        match line.strip_prefix(from) {
            Some(rest) if i > 0 => {
                out.push_str(to);
                out.push_str(rest);
            }
            _ => out.push_str(line),
        }
    }
    out
}

pub fn one_line(text: &str) -> String {
    let joined: Vec<&str> = text.split_whitespace().collect();
    let s = joined.join(" ");
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}
