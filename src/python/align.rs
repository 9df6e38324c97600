//! Aligning a side's elements with the base's: by content first, then by
//! identity (constructor and `name=`, or attribute name) within each gap,
//! then moves (the same element found elsewhere).

use std::collections::HashMap;
use std::hash::Hash;

use similar::DiffOp;

use crate::core::budget::bounded_diff;

/// What aligning needs to know of one element.
#[derive(Clone, Copy, Debug)]
pub struct Key<'a, I: ?Sized = str> {
    /// Tokens: equal tokens are the same element, whatever the layout.
    pub content: &'a str,
    /// The element's name across versions, when it has one.
    pub identity: Option<&'a I>,
    /// What kind of element it is (a layer's constructor), when known.
    pub kind: Option<&'a str>,
}

/// How a side's elements relate to the base's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Alignment {
    /// For each base element, its partner in the side, in order (the
    /// partners of consecutive base elements increase).
    pub partner: Vec<Option<usize>>,
    /// Base elements found at another place in the side: (base, side).
    pub moves: Vec<(usize, usize)>,
    /// Partners that are replacements: a different layer put in the same
    /// place (another constructor, or a new `name=`).
    pub replaced: Vec<bool>,
}

/// Aligns `side` with `base`.
pub fn align<I: Eq + Hash + ?Sized>(base: &[Key<'_, I>], side: &[Key<'_, I>]) -> Alignment {
    let mut partner = vec![None; base.len()];
    let mut replaced = vec![false; base.len()];
    let contents_b: Vec<&str> = base.iter().map(|k| k.content).collect();
    let contents_s: Vec<&str> = side.iter().map(|k| k.content).collect();
    // Over its budget the diff is coarser: fewer pairs, more clashes.
    let (ops, _) = bounded_diff(&contents_b, &contents_s);
    let reserved = Reserved::new(&contents_b, &contents_s, &ops);
    let mut gap: Option<(usize, usize, usize, usize)> = None;
    for op in &ops {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = *op
        {
            if let Some(g) = gap.take() {
                align_gap(base, side, g, &reserved, &mut partner, &mut replaced);
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
        align_gap(base, side, g, &reserved, &mut partner, &mut replaced);
    }
    let mut moves = find_moves(base, side, &partner);
    later_moves_in_swaps(base, side, &mut partner, &mut moves, &replaced);
    Alignment {
        partner,
        moves,
        replaced,
    }
}

/// In a swap of two neighbours either one may be the one that moved; the
/// content diff picks by what else the side changed, so two sides making
/// the same swap could read it as two different moves (a clash). Read
/// every such swap alike: the later base element moved up.
fn later_moves_in_swaps<I: ?Sized>(
    base: &[Key<'_, I>],
    side: &[Key<'_, I>],
    partner: &mut [Option<usize>],
    moves: &mut [(usize, usize)],
    replaced: &[bool],
) {
    for m in moves.iter_mut() {
        let (b, s) = *m;
        let (Some(next), Some(before)) = (b.checked_add(1), s.checked_sub(1)) else {
            continue;
        };
        let swapped = next < base.len()
            && partner[next] == Some(before)
            && !replaced[next]
            && base[next].content == side[before].content
            && base[b].content == side[s].content;
        if swapped {
            partner[next] = None;
            partner[b] = Some(s);
            *m = (next, before);
        }
    }
}

/// Elements the content diff left unpaired whose exact content is found
/// unpaired on the other side: a move (or a swap) of one element, which
/// identity must not pair with another element of its gap (a swapped
/// `Dense(10)` taken for an edit of the `Dense(12)` beside it). They are
/// left to [`find_moves`].
struct Reserved {
    base: Vec<bool>,
    side: Vec<bool>,
}

impl Reserved {
    fn new(base: &[&str], side: &[&str], ops: &[DiffOp]) -> Self {
        let (mut paired_b, mut paired_s) = (vec![false; base.len()], vec![false; side.len()]);
        for op in ops {
            if let DiffOp::Equal {
                old_index,
                new_index,
                len,
            } = *op
            {
                paired_b[old_index..old_index + len].fill(true);
                paired_s[new_index..new_index + len].fill(true);
            }
        }
        let mut unpaired_b: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, c) in base.iter().enumerate().filter(|(i, _)| !paired_b[*i]) {
            unpaired_b.entry(c).or_default().push(i);
        }
        let (mut reserved_b, mut reserved_s) = (vec![false; base.len()], vec![false; side.len()]);
        for (j, c) in side.iter().enumerate().filter(|(j, _)| !paired_s[*j]) {
            if let Some(i) = unpaired_b
                .get_mut(c)
                .and_then(|v| (!v.is_empty()).then(|| v.remove(0)))
            {
                reserved_b[i] = true;
                reserved_s[j] = true;
            }
        }
        Self {
            base: reserved_b,
            side: reserved_s,
        }
    }
}

/// Gaps larger than this (base × side elements) pair by identity alone.
const MAX_WEIGHTED_GAP: usize = 40_000;

/// Pairs the elements of one gap: same identity first, preferring the most
/// similar when several share it; then a single leftover on each side
/// between two pairs is a replacement of one by the other.
fn align_gap<'k, I: Eq + Hash + ?Sized>(
    base: &[Key<'k, I>],
    side: &[Key<'k, I>],
    (b0, b1, s0, s1): (usize, usize, usize, usize),
    reserved: &Reserved,
    partner: &mut [Option<usize>],
    replaced: &mut [bool],
) {
    // The gap's elements that are not moves, by their index in the gap.
    let at_b: Vec<usize> = (b0..b1).filter(|&i| !reserved.base[i]).collect();
    let at_s: Vec<usize> = (s0..s1).filter(|&j| !reserved.side[j]).collect();
    let (n, m) = (at_b.len(), at_s.len());
    if n == 0 || m == 0 {
        return;
    }
    let copy = |k: &Key<'k, I>| Key {
        content: k.content,
        identity: k.identity,
        kind: k.kind,
    };
    let keys_b: Vec<Key<'k, I>> = at_b.iter().map(|&i| copy(&base[i])).collect();
    let keys_s: Vec<Key<'k, I>> = at_s.iter().map(|&j| copy(&side[j])).collect();
    let pairs = if n * m <= MAX_WEIGHTED_GAP {
        weighted_pairs(&keys_b, &keys_s)
    } else {
        identity_pairs(&keys_b, &keys_s)
    };
    let mut last = (0, 0);
    for &(i, j) in pairs.iter().chain(std::iter::once(&(n, m))) {
        if let Some((bi, sj)) = leftover_replacement(&keys_b, &keys_s, (last.0..i, last.1..j)) {
            partner[at_b[bi]] = Some(at_s[sj]);
            replaced[at_b[bi]] = true;
        }
        if i < n {
            partner[at_b[i]] = Some(at_s[j]);
        }
        last = (i + 1, j + 1);
    }
}

/// What is left between two pairs of a gap: a single leftover on each
/// side is a replacement of one by the other; a single leftover on one
/// side among several on the other replaces the one of its kind (the
/// most alike, if several): a layer that gained a `name=` beside a
/// deleted neighbour is not a deletion and an unrelated insertion.
/// Without one of its kind, it replaces the one of its family
/// ([`same_family`]): `AveragePooling2D()` in the place of `Dropout(0.25)`
/// and `MaxPooling2D()` is the pooling layer replaced (and the dropout
/// deleted), so the other side's deletion of the pooling layer is delete
/// vs replace, not a deletion both made.
fn leftover_replacement<I: ?Sized>(
    base: &[Key<'_, I>],
    side: &[Key<'_, I>],
    (b, s): (std::ops::Range<usize>, std::ops::Range<usize>),
) -> Option<(usize, usize)> {
    match (b.len(), s.len()) {
        (0, _) | (_, 0) => None,
        (1, 1) => Some((b.start, s.start)),
        (1, _) => {
            let candidates = || s.clone().map(|j| (j, &side[j]));
            same_kind(&base[b.start], candidates())
                .or_else(|| same_family(&base[b.start], candidates()))
                .map(|j| (b.start, j))
        }
        (_, 1) => {
            let candidates = || b.clone().map(|i| (i, &base[i]));
            same_kind(&side[s.start], candidates())
                .or_else(|| same_family(&side[s.start], candidates()))
                .map(|i| (i, s.start))
        }
        _ => None,
    }
}

/// The one of `candidates` whose constructor is of `key`'s family (the
/// last word of three letters or more of its name: `Pooling` for
/// `MaxPooling2D` and `GlobalAveragePooling2D`, `Normalization`,
/// `Dropout` for `SpatialDropout1D`), when exactly one is.
fn same_family<'k, 'a: 'k, I: ?Sized + 'a>(
    key: &Key<'_, I>,
    candidates: impl Iterator<Item = (usize, &'k Key<'a, I>)>,
) -> Option<usize> {
    let wanted = key.kind.and_then(family)?;
    let mut alike = candidates.filter(|(_, other)| other.kind.and_then(family) == Some(wanted));
    match (alike.next(), alike.next()) {
        (Some((at, _)), None) => Some(at),
        _ => None,
    }
}

/// A constructor's family: the last capitalised word of its name with
/// three letters or more (`Conv2DTranspose` → `Transpose`, `Conv2D` →
/// `Conv`, `Dense` → `Dense`).
fn family(ctor: &str) -> Option<&str> {
    let name = ctor.rsplit('.').next().unwrap_or(ctor);
    let mut words = Vec::new();
    let mut start = None;
    for (at, c) in name.char_indices() {
        if c.is_uppercase() || !c.is_alphabetic() {
            if let Some(s) = start.take() {
                words.push(&name[s..at]);
            }
        }
        if c.is_alphabetic() && start.is_none() {
            start = Some(at);
        }
    }
    if let Some(s) = start {
        words.push(&name[s..]);
    }
    words.into_iter().rev().find(|w| w.chars().count() >= 3)
}

/// The one of `candidates` of `key`'s kind; if several, the one most
/// like it, when no other is as alike.
fn same_kind<'k, 'a: 'k, I: ?Sized + 'a>(
    key: &Key<'_, I>,
    candidates: impl Iterator<Item = (usize, &'k Key<'a, I>)>,
) -> Option<usize> {
    let kind = key.kind?;
    let mut scored: Vec<(f64, usize)> = candidates
        .filter(|(_, other)| other.kind == Some(kind))
        .map(|(at, other)| (similarity(key.content, other.content), at))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    match scored.as_slice() {
        [(best, at), rest @ ..] if rest.first().is_none_or(|(next, _)| next < best) => Some(*at),
        _ => None,
    }
}

/// Same-identity pairs in order (a longest common subsequence of identities).
fn identity_pairs<I: Eq + Hash + ?Sized>(
    base: &[Key<'_, I>],
    side: &[Key<'_, I>],
) -> Vec<(usize, usize)> {
    // Elements without identity never pair: give each a unique key.
    fn key<'k, I: ?Sized>(k: &Key<'k, I>, i: usize, tag: u8) -> (u8, Option<&'k I>, usize) {
        match k.identity {
            Some(id) => (0, Some(id), 0),
            None => (tag, None, i),
        }
    }
    let ids_b: Vec<_> = base.iter().enumerate().map(|(i, k)| key(k, i, 1)).collect();
    let ids_s: Vec<_> = side.iter().enumerate().map(|(i, k)| key(k, i, 2)).collect();
    let mut pairs = Vec::new();
    for op in bounded_diff(&ids_b, &ids_s).0 {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            pairs.extend((0..len).map(|k| (old_index + k, new_index + k)));
        }
    }
    pairs
}

/// Same-identity pairs in order, maximising the number of pairs and then
/// their similarity.
fn weighted_pairs<I: Eq + Hash + ?Sized>(
    base: &[Key<'_, I>],
    side: &[Key<'_, I>],
) -> Vec<(usize, usize)> {
    let (n, m) = (base.len(), side.len());
    let weight = |i: usize, j: usize| match (base[i].identity, side[j].identity) {
        (Some(a), Some(b)) if a == b => Some(1.0 + similarity(base[i].content, side[j].content)),
        _ => None,
    };
    let mut best = vec![0.0f64; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let mut v = best[at(i + 1, j)].max(best[at(i, j + 1)]);
            if let Some(w) = weight(i, j) {
                v = v.max(w + best[at(i + 1, j + 1)]);
            }
            best[at(i, j)] = v;
        }
    }
    let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
    while i < n && j < m {
        match weight(i, j) {
            Some(w) if (best[at(i, j)] - (w + best[at(i + 1, j + 1)])).abs() < 1e-9 => {
                pairs.push((i, j));
                i += 1;
                j += 1;
            }
            _ if best[at(i + 1, j)] >= best[at(i, j + 1)] => i += 1,
            _ => j += 1,
        }
    }
    pairs
}

/// How alike two token strings are: shared leading and trailing tokens
/// over the longer length, in 0..=1.
fn similarity(a: &str, b: &str) -> f64 {
    let (ta, tb): (Vec<&str>, Vec<&str>) = (a.split('\u{1}').collect(), b.split('\u{1}').collect());
    let prefix = ta.iter().zip(&tb).take_while(|(x, y)| x == y).count();
    let rest = ta.len().min(tb.len()) - prefix;
    let suffix = ta
        .iter()
        .rev()
        .zip(tb.iter().rev())
        .take(rest)
        .take_while(|(x, y)| x == y)
        .count();
    (prefix + suffix) as f64 / ta.len().max(tb.len()).max(1) as f64
}

/// Unpaired base elements whose content, or unique identity, appears
/// unpaired elsewhere in the side.
fn find_moves<I: Eq + Hash + ?Sized>(
    base: &[Key<'_, I>],
    side: &[Key<'_, I>],
    partner: &[Option<usize>],
) -> Vec<(usize, usize)> {
    let mut paired = vec![false; side.len()];
    for &s in partner.iter().flatten() {
        paired[s] = true;
    }
    let mut by_content: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_identity: HashMap<&I, Vec<usize>> = HashMap::new();
    for (j, k) in side.iter().enumerate().filter(|(j, _)| !paired[*j]) {
        by_content.entry(k.content).or_default().push(j);
        if let Some(id) = k.identity {
            by_identity.entry(id).or_default().push(j);
        }
    }
    let identity_count = |id: &I| base.iter().filter(|k| k.identity == Some(id)).count();
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
mod tests;
