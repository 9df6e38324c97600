//! A code cell one side only re-styled (a formatter run over the notebook:
//! black's quotes, line breaks and magic trailing commas) while the other
//! side re-styled it the same way and also edited it. The editor's source
//! then holds both changes: every token the editor kept is written as the
//! re-styling side wrote it, with the same layout between, so taking it
//! whole loses nothing. A token merge cannot see this: to it the
//! re-quoted `"boston_house.csv"` and the edited `"california_housing.csv"`
//! are two edits of one token.
//!
//! Tokens are the Python merge's ([`crate::python::stream`]), IPython lines
//! masked as comments ([`magics::mask`]); a version that does not parse
//! declines the rule.

use similar::DiffOp;

use super::magics;
use crate::core::budget::bounded_diff;
use crate::core::merge3::{Merge3, Side};
use crate::python::stream::{normalise, parse_snippet, TokenKind};

/// One version of a cell as tokens: each token's text and its key (a
/// simple string in `"` quotes, a comment without the blanks around its
/// text), and the
/// text before each token (`gaps[i]`, before token `i`; the last entry is
/// the text after the last token). Line-break tokens are left out: where
/// statements end is layout too.
struct Styled {
    keys: Vec<String>,
    texts: Vec<String>,
    gaps: Vec<String>,
}

/// Cell magics whose body is Python: `%%time`, `%%timeit`, `%%capture`
/// and `%%writefile` of a `.py` file. Any other (`%%bash`, `%%writefile
/// config.yaml`) is not Python, and its quotes may be content.
fn python_body(source: &str) -> bool {
    if !magics::is_cell_magic(source) {
        return true;
    }
    let first = source.trim_start().lines().next().unwrap_or("");
    let mut words = first.split_whitespace();
    match words.next() {
        Some("%%time" | "%%timeit" | "%%capture") => true,
        Some("%%writefile") => words.last().is_some_and(|file| file.ends_with(".py")),
        _ => false,
    }
}

fn styled(source: &str) -> Option<Styled> {
    if !python_body(source) {
        return None;
    }
    let masked = magics::mask(source)?;
    let snippet = parse_snippet(&masked)?;
    let stream = snippet.tokens()?;
    let mut styled = Styled {
        keys: Vec::new(),
        texts: Vec::new(),
        gaps: Vec::new(),
    };
    let mut end = 0;
    for token in stream
        .tokens
        .iter()
        .filter(|t| t.kind != TokenKind::LineBreak)
    {
        let text = stream.text.get(token.span.clone())?;
        styled
            .gaps
            .push(stream.text.get(end..token.span.start)?.to_string());
        styled.keys.push(match token.kind {
            TokenKind::Comment => comment_key(text),
            _ => normalise(text),
        });
        styled.texts.push(text.to_string());
        end = token.span.end;
    }
    styled.gaps.push(stream.text.get(end..)?.to_string());
    Some(styled)
}

/// A comment without the blanks black sets or strips around its text
/// (`#note ` and `# note` read alike).
fn comment_key(text: &str) -> String {
    match text.strip_prefix('#') {
        Some(rest) => format!("# {}", rest.trim()),
        None => text.trim().to_string(),
    }
}

/// The side whose source is the cell's merge when the other side only
/// re-styled it and this side re-styled it alike and edited it; `None`
/// when that is not certain.
pub fn editor(texts: Merge3<&str>) -> Option<Side> {
    let base = squashed(texts.base);
    if squashed(texts.ours) != base && squashed(texts.theirs) != base {
        // Neither side can be a re-styling: no parse needed.
        return None;
    }
    let styled = texts.try_map(|t| styled(t).ok_or(())).ok()?;
    let restyled =
        |side: Side| styled.get(side).keys == styled.base.keys && texts.get(side) != &texts.base;
    let (restyler, editor) = match (restyled(Side::Ours), restyled(Side::Theirs)) {
        (true, false) => (Side::Ours, Side::Theirs),
        (false, true) => (Side::Theirs, Side::Ours),
        _ => return None,
    };
    follows_layout(styled.get(restyler), styled.get(editor)).then_some(editor)
}

/// The text without whitespace, `'` read as `"`, and without a comma
/// before a closing bracket: equal for two versions whose tokens have
/// equal keys (a cheap test before parsing; not the rule itself).
fn squashed(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        if matches!(c, ')' | ']' | '}') && out.ends_with(',') {
            out.pop();
        }
        out.push(if c == '\'' { '"' } else { c });
    }
    out
}

/// Whether `edited` writes every token it shares with `layout` as
/// `layout` does, with the same text between shared neighbours (and
/// before the first, after the last, where both keep them).
fn follows_layout(layout: &Styled, edited: &Styled) -> bool {
    let (ops, complete) = bounded_diff(&layout.keys, &edited.keys);
    if !complete {
        return false;
    }
    let (n, m) = (layout.keys.len(), edited.keys.len());
    ops.iter().all(|op| match *op {
        DiffOp::Equal {
            old_index,
            new_index,
            len,
        } => {
            let tokens =
                (0..len).all(|k| layout.texts[old_index + k] == edited.texts[new_index + k]);
            let between =
                (1..len).all(|k| layout.gaps[old_index + k] == edited.gaps[new_index + k]);
            let first = old_index > 0 || new_index > 0 || layout.gaps[0] == edited.gaps[0];
            let last =
                old_index + len < n || new_index + len < m || layout.gaps[n] == edited.gaps[m];
            tokens && between && first && last
        }
        _ => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(b: &str, o: &str, t: &str) -> Option<Side> {
        editor(Merge3::new(b, o, t))
    }

    #[test]
    fn a_requoted_value_the_other_side_changed_is_the_editors() {
        let b = "prefix = 'data/boston' #the data\nfilename = 'boston.csv'\n";
        let o = "prefix = \"data/boston\"  # the data\nfilename = \"boston.csv\"\n";
        let t = "prefix = \"data/california\"  # the data\nfilename = \"california.csv\"\n";
        assert_eq!(run(b, o, t), Some(Side::Theirs));
        assert_eq!(run(b, t, o), Some(Side::Ours));
    }

    #[test]
    fn a_wrapped_call_and_a_deleted_entry() {
        let b = "sets = {'a': 'load_a()', 'b' : 'load_b()'}\nname = 'a'  \n";
        let o = "sets = {\n    \"a\": \"load_a()\",\n    \"b\": \"load_b()\",\n}\nname = \"a\"\n";
        let t = "sets = {\n    \"a\": \"load_a()\",\n}\nname = \"a\"\n";
        assert_eq!(run(b, o, t), Some(Side::Theirs));
    }

    #[test]
    fn an_editor_in_the_old_quotes_is_not_certain() {
        let b = "filename = 'boston.csv'\nx = 'a'\n";
        let o = "filename = \"boston.csv\"\nx = \"a\"\n";
        let t = "filename = 'california.csv'\nx = 'a'\n";
        assert_eq!(run(b, o, t), None);
    }

    #[test]
    fn an_editor_in_the_old_layout_is_not_certain() {
        let b = "f(a, b)\ny = 'c'\n";
        let o = "f(\n    a,\n    b,\n)\ny = \"c\"\n";
        let t = "f(a, b)\ny = \"d\"\n";
        assert_eq!(run(b, o, t), None);
    }

    #[test]
    fn squashing_keeps_what_a_restyling_cannot_change() {
        assert_eq!(
            squashed("f(\n    'a',\n    b,\n)  # x\n"),
            squashed("f(\"a\", b)  #x")
        );
        assert_ne!(squashed("x = 'a'\n"), squashed("x = 'b'\n"));
    }

    #[test]
    fn both_sides_editing_is_no_restyle() {
        let b = "x = 'a'\n";
        assert_eq!(run(b, "x = \"b\"\n", "x = \"c\"\n"), None);
    }

    #[test]
    fn a_cell_that_is_not_python_declines() {
        let b = "%%bash\necho 'a b'\n";
        assert_eq!(
            run(b, "%%bash\necho \"a b\"\n", "%%bash\necho \"a c\"\n"),
            None
        );
        let b = "%%writefile notes.txt\nx = 'a'\ny = 'b'\n";
        let o = "%%writefile notes.txt\nx = \"a\"\ny = \"b\"\n";
        let t = "%%writefile notes.txt\nx = \"a\"\ny = \"c\"\n";
        assert_eq!(run(b, o, t), None);
        let py = |s: &str| s.replace("notes.txt", "train.py");
        assert_eq!(run(&py(b), &py(o), &py(t)), Some(Side::Theirs));
    }
}
