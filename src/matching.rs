//! Aligning a side's elements with the base's: by content first, then by
//! identity (constructor and `name=`, or attribute name) within each gap,
//! then moves (the same element found elsewhere).

use std::collections::HashMap;

use similar::{capture_diff_slices, Algorithm, DiffOp};

/// What aligning needs to know of one element.
#[derive(Clone, Copy, Debug)]
pub struct Key<'a> {
    /// Tokens: equal tokens are the same element, whatever the layout.
    pub content: &'a str,
    /// The element's name across versions, when it has one.
    pub identity: Option<&'a str>,
}

/// How a side's elements relate to the base's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Alignment {
    /// For each base element, its partner in the side, in order (the
    /// partners of consecutive base elements increase).
    pub partner: Vec<Option<usize>>,
    /// Base elements found at another place in the side: (base, side).
    pub moves: Vec<(usize, usize)>,
}

/// Aligns `side` with `base`.
pub fn align(base: &[Key<'_>], side: &[Key<'_>]) -> Alignment {
    let mut partner = vec![None; base.len()];
    let contents_b: Vec<&str> = base.iter().map(|k| k.content).collect();
    let contents_s: Vec<&str> = side.iter().map(|k| k.content).collect();
    let ops = capture_diff_slices(Algorithm::Myers, &contents_b, &contents_s);
    let mut gap: Option<(usize, usize, usize, usize)> = None;
    for op in &ops {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = *op
        {
            if let Some(g) = gap.take() {
                align_gap_by_identity(base, side, g, &mut partner);
            }
            for k in 0..len {
                partner[old_index + k] = Some(new_index + k);
            }
        } else {
            let (o, n) = (op.old_range(), op.new_range());
            gap = Some(match gap {
                Some((os, _, ns, _)) => (os, o.end, ns, n.end),
                None => (o.start, o.end, n.start, n.end),
            });
        }
    }
    if let Some(g) = gap {
        align_gap_by_identity(base, side, g, &mut partner);
    }
    let moves = find_moves(base, side, &partner);
    Alignment { partner, moves }
}

/// Pairs elements of one gap that share an identity, in order.
fn align_gap_by_identity(
    base: &[Key<'_>],
    side: &[Key<'_>],
    (b0, b1, s0, s1): (usize, usize, usize, usize),
    partner: &mut [Option<usize>],
) {
    if b0 == b1 || s0 == s1 {
        return;
    }
    // Elements without identity never pair: give each a unique key.
    let key = |k: &Key<'_>, i: usize, tag: u8| match k.identity {
        Some(id) => (0u8, id.to_string(), 0usize),
        None => (tag, String::new(), i),
    };
    let ids_b: Vec<_> = (b0..b1).map(|i| key(&base[i], i, 1)).collect();
    let ids_s: Vec<_> = (s0..s1).map(|i| key(&side[i], i, 2)).collect();
    for op in capture_diff_slices(Algorithm::Myers, &ids_b, &ids_s) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..len {
                partner[b0 + old_index + k] = Some(s0 + new_index + k);
            }
        }
    }
}

/// Unpaired base elements whose content, or unique identity, appears
/// unpaired elsewhere in the side.
fn find_moves(
    base: &[Key<'_>],
    side: &[Key<'_>],
    partner: &[Option<usize>],
) -> Vec<(usize, usize)> {
    let mut paired = vec![false; side.len()];
    for &s in partner.iter().flatten() {
        paired[s] = true;
    }
    let mut by_content: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_identity: HashMap<&str, Vec<usize>> = HashMap::new();
    for (j, k) in side.iter().enumerate().filter(|(j, _)| !paired[*j]) {
        by_content.entry(k.content).or_default().push(j);
        if let Some(id) = k.identity {
            by_identity.entry(id).or_default().push(j);
        }
    }
    let identity_count = |id: &str| base.iter().filter(|k| k.identity == Some(id)).count();
    let mut moves = Vec::new();
    for (i, k) in base
        .iter()
        .enumerate()
        .filter(|(i, _)| partner[*i].is_none())
    {
        let found = match by_content.get_mut(k.content).filter(|v| !v.is_empty()) {
            Some(candidates) => Some(candidates.remove(0)),
            None => k
                .identity
                .filter(|id| identity_count(id) == 1)
                .and_then(|id| by_identity.get(id))
                .filter(|v| v.len() == 1)
                .map(|v| v[0]),
        };
        if let Some(j) = found.filter(|j| !paired[*j]) {
            paired[j] = true;
            moves.push((i, j));
        }
    }
    moves
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys<'a>(items: &'a [(&'a str, Option<&'a str>)]) -> Vec<Key<'a>> {
        items
            .iter()
            .map(|&(content, identity)| Key { content, identity })
            .collect()
    }

    #[test]
    fn content_then_identity() {
        let base = keys(&[
            ("Dense(64)", Some("Dense")),
            ("Dropout(0.5)", Some("Dropout")),
        ]);
        let side = keys(&[
            ("Dense(128)", Some("Dense")),
            ("BN()", Some("BN")),
            ("Dropout(0.5)", Some("Dropout")),
        ]);
        let a = align(&base, &side);
        assert_eq!(a.partner, vec![Some(0), Some(2)]);
        assert!(a.moves.is_empty());
    }

    #[test]
    fn finds_moves() {
        let base = keys(&[("A", None), ("B", None), ("C", None)]);
        let side = keys(&[("B", None), ("C", None), ("A", None)]);
        let a = align(&base, &side);
        assert_eq!(a.partner, vec![None, Some(0), Some(1)]);
        assert_eq!(a.moves, vec![(0, 2)]);
    }
}
