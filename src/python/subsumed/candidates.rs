//! The cheap half of [`holding_side`](super::holding_side): the pairs
//! (`x` holding `y`) that may pass its conditions, found before the three
//! snippets of a hunk are parsed, so that most hunks are not parsed at all.
//!
//! First necessary conditions that need no parse and no diff. A side
//! equal to the base changed no token, so it is not held. And when `y`
//! lies on a shortest edit path from the base to `x`, an optimal matching
//! of the base with `y` and one of `y` with `x` together match every line
//! of `y` (a line matched by neither would make the path through `y`
//! longer than the matching they compose): every line of `y` is one kept
//! from the base or one `x` keeps, so no line occurs more often in `y`
//! than in the base and `x` together. Most hunks both sides changed fail
//! this for both pairs: each side wrote a line the other does not have.
//!
//! Then the conditions over lines themselves, where their diffs are cheap
//! next to a parse (a few steps per byte): a pair they fail is dropped, a
//! pair they pass is marked so they are not run again. Where the diffs
//! would cost more (a large hunk rewritten throughout), they are left
//! until after the token conditions, which usually fail first there. Every
//! condition is a pure test of the three texts, so the order changes the
//! cost, never the answer.

use std::collections::HashMap;

use crate::core::budget::edit_distance_within;
use crate::core::merge3::{Merge3, Side};

/// A pair that may pass: `holder` holding `held`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pair {
    pub holder: Side,
    pub held: Side,
    /// Whether the conditions over lines were run, and passed.
    pub lines_hold: bool,
}

/// Both pairs, in the order [`holding_side`](super::holding_side) tries them.
pub const BOTH: [(Side, Side); 2] = [(Side::Ours, Side::Theirs), (Side::Theirs, Side::Ours)];

/// Line diff steps allowed per byte of the three texts before the
/// conditions over lines are left until after the parse: each of the
/// diffs they run then costs a small part of the snippets' parse.
const CHEAP_STEPS_PER_BYTE: u64 = 8;

/// The pairs of [`BOTH`] that pass the necessary conditions, in order;
/// `lines_hold` (the conditions over lines) is run first on those whose
/// diffs are cheap.
pub fn pairs(
    texts: Merge3<&str>,
    lines: &Merge3<Vec<&str>>,
    lines_hold: impl Fn(Side, Side) -> bool,
) -> Vec<Pair> {
    let changed: Vec<_> = BOTH
        .into_iter()
        .filter(|&(_, y)| texts.get(y) != &texts.base)
        .collect();
    if changed.is_empty() {
        return Vec::new();
    }
    // Each line's count in the base, ours and theirs.
    let mut counts: HashMap<&str, [usize; 3]> = HashMap::new();
    for (side, side_lines) in lines.iter() {
        for line in side_lines {
            counts.entry(line).or_default()[index(side)] += 1;
        }
    }
    let bytes = texts.base.len() + texts.ours.len() + texts.theirs.len();
    let cheap_steps = CHEAP_STEPS_PER_BYTE.saturating_mul(u64::try_from(bytes).unwrap_or(u64::MAX));
    changed
        .into_iter()
        .filter(|&(x, y)| {
            let (x, y) = (index(x), index(y));
            counts.values().all(|c| c[y] <= c[0] + c[x])
        })
        .filter_map(|(x, y)| {
            // A distance of at least `d` costs Myers' pass about d²/2 steps:
            // one not cheap by the counts' lower bound is not run.
            let at_least = |a: usize, b: usize| -> u64 {
                let d: usize = counts.values().map(|c| c[a].abs_diff(c[b])).sum();
                u64::try_from(d).unwrap_or(u64::MAX)
            };
            let (xi, yi) = (index(x), index(y));
            let bounded = [(0, xi), (0, yi), (yi, xi)]
                .into_iter()
                .all(|(a, b)| at_least(a, b).saturating_pow(2) / 2 <= cheap_steps);
            let (base, held, holder) = (&lines.base, lines.get(y), lines.get(x));
            let cheap = bounded
                && [(base, held), (held, holder), (base, holder)]
                    .into_iter()
                    .all(|(a, b)| edit_distance_within(a, b, cheap_steps).is_some());
            match cheap {
                true => lines_hold(x, y).then_some(Pair {
                    holder: x,
                    held: y,
                    lines_hold: true,
                }),
                false => Some(Pair {
                    holder: x,
                    held: y,
                    lines_hold: false,
                }),
            }
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

    /// The cheap tests drop no pair the full conditions keep: over
    /// generated hunks (the second side often an edit of the first, so
    /// that one holds the other), the result is the same with and without
    /// them, and the generator reaches both a held side and dropped pairs.
    #[test]
    fn the_cheap_tests_drop_no_held_pair() {
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
            let unchecked = BOTH.map(|(holder, held)| Pair {
                holder,
                held,
                lines_hold: false,
            });
            let full = held_among(texts, &lines, &unchecked);
            assert_eq!(holding_side(texts), full, "{texts:?}");
            held += usize::from(full.is_some());
            let lines_hold = |x, y| super::super::lines_hold(&lines, x, y);
            dropped += BOTH.len() - pairs(texts, &lines, lines_hold).len();
        }
        assert!(
            held > 100 && dropped > 1000,
            "held {held}, dropped {dropped}"
        );
    }
}
