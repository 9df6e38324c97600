//! The words of element contents, as the edit scripts compare them: a
//! content's word tokens with their counts ([`words`]), how many two
//! contents share ([`alike`]), and [`Worded`], a version's elements with
//! their words counted once per check, on first use.
//!
//! A notebook's markdown cells can hold whole images as base64 (corpus
//! vertex-ai-samples 9ea83b72_0: four cells of 400-880 KB): counted again
//! by each of the three readings of each side, then by the likeness and
//! unlike-edit passes, their words were a quarter of that merge's time.

use std::cell::OnceCell;

use super::Element;

/// A content's word tokens with their counts, sorted by word: a multiset
/// compared by merging two sorted lists, so no word is hashed (the
/// notebook cell check spent 8% of a conflicting notebook merge hashing
/// words into maps and looking them up again). A word is a run of
/// alphanumeric characters, `_` and `.`.
pub fn words(t: &str) -> Vec<(&str, usize)> {
    // Sorted by their first eight bytes as a number, then whole: the same
    // order as sorting the words (no word holds a NUL, the padding), with
    // most comparisons one integer's (a base64 image is tens of thousands
    // of words).
    let mut all: Vec<(u64, &str)> = tokens(t).into_iter().map(|w| (prefix(w), w)).collect();
    all.sort_unstable();
    let mut counted: Vec<(&str, usize)> = Vec::new();
    for (_, w) in all {
        match counted.last_mut() {
            Some((last, n)) if *last == w => *n += 1,
            _ => counted.push((w, 1)),
        }
    }
    counted
}

/// A word's first eight bytes, big-endian, zero-padded: ordered as the
/// words are where they differ there.
fn prefix(word: &str) -> u64 {
    let mut head = [0u8; 8];
    for (to, from) in head.iter_mut().zip(word.bytes()) {
        *to = from;
    }
    u64::from_be_bytes(head)
}

/// What an ASCII byte is to [`tokens`]; every byte from 0x80 up is
/// [`WIDE`]: part of a character read as a `char`.
const SEPARATOR: u8 = 0;
const WORD: u8 = 1;
const WIDE: u8 = 2;

static CLASS: [u8; 256] = {
    let mut class = [WIDE; 256];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        class[b] = match byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'.' {
            true => WORD,
            false => SEPARATOR,
        };
        b += 1;
    }
    class
};

/// Whether the character at byte `at` of `t` belongs to a word, and its
/// width in bytes.
fn char_at(t: &str, at: usize) -> (bool, usize) {
    let Some(&b) = t.as_bytes().get(at) else {
        return (false, 1);
    };
    match CLASS[usize::from(b)] {
        WORD => (true, 1),
        SEPARATOR => (false, 1),
        _ => match t.get(at..).and_then(|rest| rest.chars().next()) {
            Some(c) => (c.is_alphanumeric(), c.len_utf8()),
            // Not at a character boundary: cannot be (a `str`).
            None => (false, 1),
        },
    }
}

/// The word tokens of `t` in order: ASCII is classified a byte at a time
/// by table, anything else as a `char` (`char::is_alphanumeric`), the same
/// tokens as splitting on every other character.
fn tokens(t: &str) -> Vec<&str> {
    let bytes = t.as_bytes();
    let mut all = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let (word, width) = char_at(t, at);
        if !word {
            at += width;
            continue;
        }
        let start = at;
        at += width;
        // The rest of the word: ASCII word bytes in a tight loop.
        loop {
            while bytes
                .get(at)
                .is_some_and(|&b| CLASS[usize::from(b)] == WORD)
            {
                at += 1;
            }
            match bytes.get(at) {
                Some(&b) if CLASS[usize::from(b)] == WIDE => match char_at(t, at) {
                    (true, width) => at += width,
                    (false, _) => break,
                },
                _ => break,
            }
        }
        all.extend(t.get(start..at));
    }
    all
}

/// How alike two contents are: the number of word tokens they share
/// (given their [`words`]): the sum over common words of the smaller count.
pub fn alike(wa: &[(&str, usize)], wb: &[(&str, usize)]) -> usize {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while let (Some(&(a, na)), Some(&(b, nb))) = (wa.get(i), wb.get(j)) {
        match a.cmp(b) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += na.min(nb);
                i += 1;
                j += 1;
            }
        }
    }
    shared
}

/// A version's elements, each content's [`words`] kept once counted: the
/// readings of one side and the passes after them ask for the same
/// element's words again, and both sides for the base's.
pub struct Worded<'e> {
    elements: &'e [Element],
    counted: Vec<OnceCell<Vec<(&'e str, usize)>>>,
}

impl<'e> Worded<'e> {
    pub fn new(elements: &'e [Element]) -> Self {
        Worded {
            elements,
            counted: vec![OnceCell::new(); elements.len()],
        }
    }

    /// The words of element `i`'s content (empty past the end).
    pub fn words(&self, i: usize) -> &[(&'e str, usize)] {
        match (self.counted.get(i), self.elements.get(i)) {
            (Some(cell), Some(e)) => cell.get_or_init(|| words(&e.content)),
            _ => &[],
        }
    }
}

impl std::ops::Index<usize> for Worded<'_> {
    type Output = Element;

    fn index(&self, i: usize) -> &Element {
        &self.elements[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words as first written: `str::split` on every character that
    /// is not alphanumeric, `_` or `.`.
    fn split_words(t: &str) -> Vec<&str> {
        t.split(|c: char| !c.is_alphanumeric() && c != '_' && c != '.')
            .filter(|w| !w.is_empty())
            .collect()
    }

    #[test]
    fn tokens_are_those_of_splitting_on_characters() {
        for text in [
            "",
            "x",
            "  x = a(b, a) # c\n",
            "model.fit(x_train, y_train, epochs=10)",
            "![img](data:image/png;base64,iVBORw0KGgo+AAA/BBB==)",
            "🤗 Transformers: naïve café, 数据集 加载 Ωmega²x",
            "a\u{a0}b\u{2003}c—d…e",
            "ends_with_word",
            "...__..",
        ] {
            assert_eq!(tokens(text), split_words(text), "{text:?}");
        }
    }

    /// The counted words as first written: the split words sorted as
    /// strings, then counted.
    fn split_counted(t: &str) -> Vec<(&str, usize)> {
        let mut all = split_words(t);
        all.sort_unstable();
        let mut counted: Vec<(&str, usize)> = Vec::new();
        for w in all {
            match counted.last_mut() {
                Some((last, n)) if *last == w => *n += 1,
                _ => counted.push((w, 1)),
            }
        }
        counted
    }

    proptest::proptest! {
        #[test]
        fn tokens_match_the_split_on_any_text(text in proptest::prelude::any::<String>()) {
            proptest::prop_assert_eq!(tokens(&text), split_words(&text));
            proptest::prop_assert_eq!(words(&text), split_counted(&text));
        }

        /// Words sharing long heads, as base64 and identifiers do.
        #[test]
        fn words_are_counted_in_string_order(parts in proptest::collection::vec(
            proptest::sample::select(
                &["abcdefgh", "abcdefg", "abcdefghi", "ab", "é", "数", "_", ".", " ", "+", "/"][..],
            ),
            0..60,
        )) {
            let text = parts.concat();
            proptest::prop_assert_eq!(words(&text), split_counted(&text));
        }
    }

    #[test]
    fn alike_counts_shared_words_as_multisets() {
        let (a, b) = (words("x = a(b, a) # c"), words("a.b a a d x"));
        // x once in each, a twice in each; b, c, d and a.b not shared.
        assert_eq!(alike(&a, &b), 1 + 2);
        assert_eq!(alike(&b, &a), 3);
        assert_eq!(alike(&a, &words("")), 0);
    }

    #[test]
    fn worded_counts_each_element_once() {
        let elements = [Element::plain("a b a"), Element::plain("")];
        let worded = Worded::new(&elements);
        assert_eq!(worded.words(0), &[("a", 2), ("b", 1)]);
        assert!(std::ptr::eq(worded.words(0), worded.words(0)));
        assert!(worded.words(1).is_empty());
        assert!(worded.words(2).is_empty());
        assert_eq!(worded[0].content, "a b a");
    }
}
