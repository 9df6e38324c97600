//! How the line check reads Python text: as statements, not physical
//! lines. A statement is a physical line and the lines that continue it
//! (open brackets, a backslash, a triple-quoted string); blank lines are
//! dropped, and layout is not content: whitespace inside a statement and
//! a trailing comma before a closing bracket are what a formatter
//! changes, so one side's re-wrapping of a statement the other side
//! edited reads as that edit alone. (A string's quotes are content: a
//! formatter's new quotes on a string the other side edited is a clash.)
//!
//! Each statement is keyed by its head (its indent and the name it
//! starts with: `def log_to_file`, `self.assertAllClose`, `from ..utils`),
//! so that a statement both sides changed is one element edited twice,
//! whose inside is then checked field by field ([`fields`]).
//!
//! A rough scanner of its own (no parse, nothing of the merge code): it
//! only decides where statements end and which characters are layout.

use std::borrow::Cow;

use crate::verify::Element;

/// One token of a statement.
#[derive(Debug, PartialEq, Eq)]
enum Token<'a> {
    /// A name, keyword or number: a run of alphanumeric characters and `_`.
    Word(&'a str),
    /// A string literal with its prefix and quotes.
    Str(&'a str),
    /// A comment, to the end of its line.
    Comment(&'a str),
    /// Any other character: an operator, a bracket, a comma, a dot.
    Punct(char),
}

impl Token<'_> {
    fn text(&self) -> Cow<'_, str> {
        match self {
            Token::Word(w) | Token::Comment(w) | Token::Str(w) => Cow::Borrowed(w),
            Token::Punct(c) => Cow::Owned(c.to_string()),
        }
    }

    fn is_punct(&self) -> bool {
        matches!(self, Token::Punct(_))
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A string prefix (`r`, `b`, `f`, `rb`, …) when `word` is one.
fn is_string_prefix(word: &str) -> bool {
    word.len() <= 2
        && word
            .chars()
            .all(|c| matches!(c.to_ascii_lowercase(), 'r' | 'b' | 'f' | 'u' | 't'))
}

/// The scanner's state over one text.
struct Scanner<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    /// The string literal starting at `start` (its prefix included), its
    /// opening quote at `self.at`; it ends at its closing quote, or, for a
    /// one-quote string left open, at the end of its line.
    fn string(&mut self, start: usize) -> Token<'a> {
        let rest = &self.text[self.at..];
        let quote = if rest.starts_with("\"\"\"") {
            "\"\"\""
        } else if rest.starts_with("'''") {
            "'''"
        } else if rest.starts_with('"') {
            "\""
        } else {
            "'"
        };
        let body_start = self.at + quote.len();
        // Bytes, not characters: the quotes, the backslash and the newline
        // are ASCII, so no byte of a longer character is taken for them,
        // and every place the loop stops at is a character boundary.
        let bytes = self.text.as_bytes();
        let mut i = body_start;
        let end = loop {
            match bytes.get(i) {
                None => break self.text.len(),
                Some(b'\\') => i += 2,
                Some(b'\n') if quote.len() == 1 => break i,
                Some(_) if bytes[i..].starts_with(quote.as_bytes()) => break i + quote.len(),
                Some(_) => i += 1,
            }
        };
        self.at = end;
        Token::Str(&self.text[start..end])
    }
}

/// The tokens of `text` grouped into statements (each with the indent of
/// its first line), blank lines and line layout dropped. Newlines end a
/// statement only outside brackets and strings and after no backslash.
fn tokenize(text: &str, newlines_end: bool) -> Vec<(&str, Vec<Token<'_>>)> {
    let mut out = Vec::new();
    let mut s = Scanner { text, at: 0 };
    let mut tokens: Vec<Token<'_>> = Vec::new();
    let mut indent = "";
    let mut depth = 0usize;
    let mut line_start = true;
    while let Some(c) = s.peek() {
        if line_start {
            line_start = false;
            if tokens.is_empty() {
                let rest = &text[s.at..];
                let width = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                indent = &rest[..width];
                s.at += width;
                continue;
            }
        }
        let start = s.at;
        match c {
            '\n' => {
                s.at += 1;
                line_start = true;
                if newlines_end && depth == 0 && !tokens.is_empty() {
                    out.push((indent, std::mem::take(&mut tokens)));
                }
            }
            '\\' if text[s.at + 1..].starts_with('\n') => s.at += 2,
            c if c.is_whitespace() => s.at += c.len_utf8(),
            '#' => {
                let end = text[s.at..].find('\n').map_or(text.len(), |n| s.at + n);
                tokens.push(Token::Comment(text[s.at..end].trim_end()));
                s.at = end;
            }
            '"' | '\'' => tokens.push(s.string(start)),
            c if is_word_char(c) => {
                let rest = &text[s.at..];
                let len = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
                s.at += len;
                let word = &rest[..len];
                if is_string_prefix(word) && matches!(s.peek(), Some('"' | '\'')) {
                    tokens.push(s.string(start));
                } else {
                    tokens.push(Token::Word(word));
                }
            }
            c => {
                s.at += c.len_utf8();
                match c {
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                tokens.push(Token::Punct(c));
            }
        }
    }
    if !tokens.is_empty() {
        out.push((indent, tokens));
    }
    out
}

/// Words after which `(` opens a tuple or a group, not a call.
const KEYWORDS: &[&str] = &[
    "and", "as", "assert", "await", "del", "elif", "else", "for", "from", "if", "import", "in",
    "is", "lambda", "not", "or", "raise", "return", "while", "with", "yield",
];

/// The tokens without the commas a formatter adds or removes: a comma
/// before `]` or `}`, and before `)` where the parentheses are a call's,
/// a definition's or hold another comma (not `("model",)`, a tuple).
fn without_trailing_commas(tokens: Vec<Token<'_>>) -> Vec<Token<'_>> {
    // Per open bracket: its character, whether it follows a name or a
    // closing bracket (a call), and its commas so far.
    let mut open: Vec<(char, bool, usize)> = Vec::new();
    let mut drop = vec![false; tokens.len()];
    for (i, token) in tokens.iter().enumerate() {
        let Token::Punct(c) = *token else { continue };
        match c {
            '(' | '[' | '{' => {
                let call = i > 0
                    && match &tokens[i - 1] {
                        Token::Word(w) => !KEYWORDS.contains(w),
                        Token::Punct(p) => matches!(p, ')' | ']'),
                        _ => false,
                    };
                open.push((c, call, 0));
            }
            ',' => {
                if let Some(top) = open.last_mut() {
                    top.2 += 1;
                }
            }
            ')' | ']' | '}' => {
                let Some((bracket, call, commas)) = open.pop() else {
                    continue;
                };
                let trailing = i > 0 && tokens[i - 1] == Token::Punct(',');
                let formatting = bracket != '(' || call || commas > 1;
                if trailing && formatting {
                    drop[i - 1] = true;
                }
            }
            _ => {}
        }
    }
    tokens
        .into_iter()
        .zip(drop)
        .filter(|(_, d)| !d)
        .map(|(t, _)| t)
        .collect()
}

/// The tokens written out: a space only between two tokens that are not
/// punctuation, a newline after a comment inside a statement.
fn joined(indent: &str, tokens: &[Token<'_>]) -> String {
    let mut out = String::from(indent);
    let mut prev: Option<&Token<'_>> = None;
    for token in tokens {
        match prev {
            Some(Token::Comment(_)) => out.push('\n'),
            Some(p) if !p.is_punct() && !token.is_punct() => out.push(' '),
            _ => {}
        }
        match token {
            Token::Punct(c) => out.push(*c),
            t => out.push_str(&t.text()),
        }
        prev = Some(token);
    }
    out
}

/// The head a statement is keyed by: its indent and the keyword and name
/// of a definition (`def f`, `class C`), the module of a `from` import,
/// the dotted name a decorator or any other statement starts with
/// (`self.assertEqual`, `model`, `return`), or its first token.
fn head(indent: &str, tokens: &[Token<'_>]) -> String {
    // A dotted name: words joined by dots (`self.assertEqual`, `..utils`).
    let dotted = |from: usize| -> String {
        let mut out = String::new();
        let mut after_dot = true;
        for t in &tokens[from.min(tokens.len())..] {
            match t {
                Token::Word(w) if after_dot => {
                    out.push_str(w);
                    after_dot = false;
                }
                Token::Punct('.') => {
                    out.push('.');
                    after_dot = true;
                }
                _ => break,
            }
        }
        out
    };
    let text = match tokens.first() {
        Some(Token::Word("def" | "class")) => format!("{} {}", tokens[0].text(), dotted(1)),
        Some(Token::Word("async")) => format!("async {}", dotted(2)),
        Some(Token::Word("from")) => format!("from {}", dotted(1)),
        Some(Token::Punct('@')) => format!("@{}", dotted(1)),
        Some(Token::Word(_)) => dotted(0),
        Some(first) => first.text().into_owned(),
        None => String::new(),
    };
    format!("{indent}{text}")
}

/// The statements of `text`, each an element keyed by its head and
/// holding its tokens without layout.
pub(super) fn statements(text: &str) -> Vec<Element> {
    tokenize(text, true)
        .into_iter()
        .map(|(indent, tokens)| {
            let tokens = without_trailing_commas(tokens);
            Element::new(head(indent, &tokens), joined(indent, &tokens))
        })
        .collect()
}

/// Python's keywords, `True`, `False` and `None` among them.
const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Whether a statement's content (as [`statements`] wrote it) has
/// nothing of its own: only keywords and punctuation, no name, number,
/// string or comment (`else:`, `try:`, `finally:`, `except:`, `pass`,
/// `return None`). Such a statement says nothing about which block it
/// belongs to: deleted at one place and written at another, it is not
/// one statement moved.
pub(super) fn has_nothing_of_its_own(content: &str) -> bool {
    tokenize(content, false).iter().all(|(_, tokens)| {
        tokens.iter().all(|t| match t {
            Token::Word(w) => PYTHON_KEYWORDS.contains(w),
            Token::Punct(_) => true,
            Token::Str(_) | Token::Comment(_) => false,
        })
    })
}

/// The fields of a statement's or a field's content (as [`statements`]
/// wrote it): what stands before its first bracket with that bracket
/// (`nn.Sequential(`), each item between the commas inside that bracket
/// or outside any (`nn.ReLU()`, `tpu_atol=1e-2`, `is_gptqmodel_available`)
/// with its own brackets whole, and each closing bracket of that level.
/// A field both sides edited is read again the same way, one level down.
pub(super) fn fields(content: &str) -> Vec<Element> {
    let mut out = Vec::new();
    for (_, tokens) in tokenize(content, false) {
        let mut run: Vec<Token<'_>> = Vec::new();
        let flush = |run: &mut Vec<Token<'_>>, out: &mut Vec<Element>| {
            if !run.is_empty() {
                out.push(Element::new(field_key(run), joined("", run)));
                run.clear();
            }
        };
        let mut depth = 0usize;
        for token in tokens {
            match token {
                Token::Punct('(' | '[' | '{') => {
                    depth += 1;
                    run.push(token);
                    if depth == 1 {
                        flush(&mut run, &mut out);
                    }
                }
                Token::Punct(c @ (')' | ']' | '}')) => {
                    if depth == 1 {
                        flush(&mut run, &mut out);
                        out.push(Element::plain(c.to_string()));
                    } else {
                        run.push(token);
                    }
                    depth = depth.saturating_sub(1);
                }
                Token::Punct(',') if depth <= 1 => flush(&mut run, &mut out),
                t => run.push(t),
            }
        }
        flush(&mut run, &mut out);
    }
    out
}

/// What names a field across versions: a keyword argument's name
/// (`tpu_atol=`), a dictionary entry's string key (`"lr":`), else its
/// head as for a statement (`nn.Linear`), a field opening a bracket
/// its whole text.
fn field_key(run: &[Token<'_>]) -> String {
    match run {
        [Token::Word(w), Token::Punct('='), next, ..] if *next != Token::Punct('=') => {
            format!("{w}=")
        }
        [Token::Str(s), Token::Punct(':'), ..] => format!("{s}:"),
        [.., Token::Punct('(' | '[' | '{')] => joined("", run),
        _ => head("", run),
    }
}

#[cfg(test)]
mod tests;
