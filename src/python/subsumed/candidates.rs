//! The cheap half of [`holding_side`](super::holding_side): the pairs
//! (`x` holding `y`) that may pass its conditions, by necessary
//! conditions that need no parse and no diff, so that the three snippets
//! of a hunk are parsed only when one pair is left (most hunks both sides
//! changed leave none: each side wrote a line the other does not have).
//!
//! A side equal to the base changed no token, so it is not held. And when
//! `y` lies on a shortest edit path from the base to `x`, an optimal
//! matching of the base with `y` and one of `y` with `x` together match
//! every line of `y` (a line matched by neither would make the path
//! through `y` longer than the matching they compose): every line of `y`
//! is one kept from the base or one `x` keeps, so no line occurs more often
//! in `y` than in the base and `x` together.

use std::collections::HashMap;

use crate::core::merge3::{Merge3, Side};

/// Both pairs, in the order [`holding_side`](super::holding_side) tries them.
pub const BOTH: [(Side, Side); 2] = [(Side::Ours, Side::Theirs), (Side::Theirs, Side::Ours)];

/// The pairs of [`BOTH`] that pass the necessary conditions, in order.
pub fn pairs(texts: Merge3<&str>, lines: &Merge3<Vec<&str>>) -> Vec<(Side, Side)> {
    let changed: Vec<_> = BOTH
        .into_iter()
        .filter(|&(_, y)| texts.get(y) != &texts.base)
        .collect();
    if changed.is_empty() {
        return changed;
    }
    // Each line's count in the base, ours and theirs.
    let mut counts: HashMap<&str, [usize; 3]> = HashMap::new();
    for (side, side_lines) in lines.iter() {
        for line in side_lines {
            counts.entry(line).or_default()[index(side)] += 1;
        }
    }
    changed
        .into_iter()
        .filter(|&(x, y)| {
            let (x, y) = (index(x), index(y));
            counts.values().all(|c| c[y] <= c[0] + c[x])
        })
        .collect()
}

fn index(side: Side) -> usize {
    match side {
        Side::Base => 0,
        Side::Ours => 1,
        Side::Theirs => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{held_among, holding_side};
    use super::*;

    /// Statements any sequence of which is a module.
    const STATEMENTS: [&str; 8] = [
        "x = f(a, b)",
        "y = layers.Dense(64)(x)",
        "raise ValueError(\"bad layer\")",
        "raise TypeError(\"bad layer\")",
        "# q = torch.linalg.solve(b, a)",
        "q = torch.bmm(a, b)",
        "",
        "model.compile(loss=\"mse\")",
    ];

    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// `lines` with up to three random insertions, deletions or changes.
    fn edited(rng: &mut Rng, lines: &[&'static str]) -> Vec<&'static str> {
        let mut out = lines.to_vec();
        for _ in 0..rng.below(4) {
            let at = rng.below(out.len() + 1);
            let statement = STATEMENTS[rng.below(STATEMENTS.len())];
            match rng.below(3) {
                0 => out.insert(at, statement),
                1 if at < out.len() => {
                    out.remove(at);
                }
                _ if at < out.len() => out[at] = statement,
                _ => out.push(statement),
            }
        }
        out
    }

    fn text(lines: &[&str]) -> String {
        lines.iter().map(|l| format!("{l}\n")).collect()
    }

    /// The filter drops no pair the full conditions keep: over generated
    /// hunks (the second side often an edit of the first, so that one
    /// holds the other), the result is the same with and without it, and
    /// the generator reaches both a held side and pairs the filter drops.
    #[test]
    fn the_line_counts_drop_no_held_pair() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut held, mut dropped) = (0, 0);
        for _ in 0..3000 {
            let base: Vec<_> = (0..1 + rng.below(5))
                .map(|_| STATEMENTS[rng.below(STATEMENTS.len())])
                .collect();
            let ours = edited(&mut rng, &base);
            let theirs = if rng.below(2) == 0 {
                edited(&mut rng, &ours)
            } else {
                edited(&mut rng, &base)
            };
            let (base, ours, theirs) = (text(&base), text(&ours), text(&theirs));
            let texts = Merge3::new(base.as_str(), ours.as_str(), theirs.as_str());
            let lines = texts.map_ref(|t| t.lines().collect::<Vec<_>>());
            let full = held_among(texts, &lines, &BOTH);
            assert_eq!(holding_side(texts), full, "{texts:?}");
            held += usize::from(full.is_some());
            dropped += BOTH.len() - pairs(texts, &lines).len();
        }
        assert!(
            held > 100 && dropped > 1000,
            "held {held}, dropped {dropped}"
        );
    }
}
