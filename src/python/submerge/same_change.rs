//! The same change twice: ours and theirs changed a stretch to the same
//! tokens in different layouts; the text to keep, and which side's layout
//! is "formatted like the rest of the file".

use crate::core::merge3::Merge3;
use crate::python::stream::parse_snippet;

/// [`same_change`] in the shape of a text resolver.
pub fn same_change_resolver(texts: Merge3<&str>) -> Option<String> {
    same_change(texts.base, texts.ours, texts.theirs)
}

/// Whether ours and theirs made the same change to base (token-identical,
/// layout aside): `Some` with the text to keep (ours' layout unless only
/// theirs follows the base's quote style).
pub fn same_change(base: &str, ours: &str, theirs: &str) -> Option<String> {
    if !may_be_same_tokens(ours, theirs) {
        return None;
    }
    let (o, t) = (parse_snippet(ours)?, parse_snippet(theirs)?);
    let (os, ts) = (o.tokens()?, t.tokens()?);
    if os.len() != ts.len() || (0..os.len()).any(|i| os.key(i) != ts.key(i)) {
        return None;
    }
    Some(match theirs_formatted_like_file(base, os.text, ts.text) {
        true => theirs.to_string(),
        false => ours.to_string(),
    })
}

/// A cheap test, without parsing, that two snippets may have the same
/// tokens: equal once whatever can differ between token-identical snippets
/// is set aside (the layout between tokens — whitespace, line
/// continuations, the grammar's invisible extras —, magic trailing commas,
/// and a simple string's quotes). `false` means their tokens differ.
pub(super) fn may_be_same_tokens(ours: &str, theirs: &str) -> bool {
    fn kept(text: &str) -> impl Iterator<Item = char> + '_ {
        text.chars()
            .filter(|c| {
                !(c.is_whitespace()
                    || matches!(c, '\\' | ',' | '\u{feff}' | '\u{2060}' | '\u{200b}'))
            })
            .map(|c| if c == '\'' { '"' } else { c })
    }
    kept(ours).eq(kept(theirs))
}

/// "Formatted like the rest" of `reference` (the base file): a layout
/// follows it when it uses no quote other than the one the reference's
/// simple strings mostly use, when none of its lines is longer than the
/// reference's longest line, and when it has no trailing whitespace unless
/// the reference has some. Theirs' layout is taken only when it follows
/// every one of these that ours follows, and one more.
pub(super) fn theirs_formatted_like_file(reference: &str, ours: &str, theirs: &str) -> bool {
    let count = |text: &str, q: char| text.matches(q).count();
    let other_quote = match count(reference, '"').cmp(&count(reference, '\'')) {
        std::cmp::Ordering::Greater => Some('\''),
        std::cmp::Ordering::Less => Some('"'),
        std::cmp::Ordering::Equal => None,
    };
    let widest = reference
        .lines()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    let trailing_space = |text: &str| text.lines().any(|l| l.ends_with([' ', '\t']));
    let reference_trailing = trailing_space(reference);
    let follows = |text: &str| {
        [
            other_quote.is_none_or(|q| count(text, q) == 0),
            text.lines().all(|l| l.chars().count() <= widest),
            reference_trailing || !trailing_space(text),
        ]
    };
    let (o, t) = (follows(ours), follows(theirs));
    o.iter().zip(&t).all(|(o, t)| !o || *t) && o != t
}
