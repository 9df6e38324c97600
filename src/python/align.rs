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
mod tests {
    use super::*;

    fn keys<'a>(items: &'a [(&'a str, Option<&'a str>)]) -> Vec<Key<'a>> {
        items
            .iter()
            .map(|&(content, identity)| Key {
                content,
                identity,
                kind: identity.and_then(|id| id.split(' ').next()),
            })
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

    #[test]
    fn a_swapped_layer_is_a_move_not_an_edit_of_its_neighbour() {
        // theirs swaps Dense(10)/Dense(11) and names Dense(12): the
        // swapped Dense(10) must not pair with Dense(12) by identity.
        let d = Some("Dense");
        let base_items = [("D10", d), ("D11", d), ("D12", d)];
        let side_items = [("D11", d), ("D10", d), ("D12n", Some("Dense l"))];
        let (base, side) = (keys(&base_items), keys(&side_items));
        let a = align(&base, &side);
        let paired: Vec<(usize, usize)> = a
            .partner
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.map(|j| (i, j)))
            .chain(a.moves.iter().copied())
            .collect();
        assert!(paired.contains(&(0, 1)), "{a:?}");
        assert!(paired.contains(&(1, 0)), "{a:?}");
    }

    #[test]
    fn the_most_similar_of_two_same_kind_layers_pairs() {
        let base = keys(&[("D\u{1}(\u{1}1\u{1})", Some("Dense"))]);
        let side = keys(&[
            ("D\u{1}(\u{1}32\u{1},\u{1}a\u{1})", Some("Dense")),
            ("D\u{1}(\u{1}1\u{1},\u{1}s\u{1})", Some("Dense")),
        ]);
        assert_eq!(align(&base, &side).partner, vec![Some(1)]);
    }

    #[test]
    fn a_lone_named_layer_beside_a_deletion_replaces_its_unnamed_self() {
        // base Dense(12), LSTM(13); side Dense(12, name="l"): not a
        // deletion of both and an unrelated insertion.
        let t = |s: &str| s.split(' ').collect::<Vec<_>>().join("\u{1}");
        let (d12, l13, d12n) = (
            t("layers . Dense ( 12 )"),
            t("layers . LSTM ( 13 )"),
            t("layers . Dense ( 12 , name = 'l' )"),
        );
        let base_items = [(d12.as_str(), Some("Dense")), (l13.as_str(), Some("LSTM"))];
        let side_items = [(d12n.as_str(), Some("Dense l"))];
        let a = align(&keys(&base_items), &keys(&side_items));
        assert_eq!(a.partner, vec![Some(0), None]);
        assert_eq!(a.replaced, vec![true, false]);
    }

    #[test]
    fn in_a_swap_the_later_element_moved_up() {
        // base A B C D; side A C B D: whichever the diff kept, B stays
        // and C is the one that moved.
        let base = keys(&[("A", None), ("B", None), ("C", None), ("D", None)]);
        let side = keys(&[("A", None), ("C", None), ("B", None), ("D", None)]);
        let a = align(&base, &side);
        assert_eq!(a.partner, vec![Some(0), Some(2), None, Some(3)]);
        assert_eq!(a.moves, vec![(2, 1)]);
        // With a deletion before the swap the diff's pick may differ; the
        // reading does not.
        let side = keys(&[("C", None), ("B", None), ("D", None)]);
        let a = align(&base, &side);
        assert_eq!(a.partner, vec![None, Some(1), None, Some(2)]);
        assert_eq!(a.moves, vec![(2, 0)]);
    }

    #[test]
    fn a_lone_layer_in_the_place_of_two_replaces_the_one_of_its_family() {
        // base Dropout(0.25)(x), MaxPooling2D()(x); side
        // AveragePooling2D()(x): the pooling layer replaced, the dropout
        // deleted (not both deleted and a new layer).
        let t = |s: &str| s.split(' ').collect::<Vec<_>>().join("\u{1}");
        let (drop, max, avg) = (
            t("x = layers . Dropout ( 0.25 ) ( x )"),
            t("x = layers . MaxPooling2D ( ) ( x )"),
            t("x = layers . AveragePooling2D ( ) ( x )"),
        );
        let base_items = [
            (drop.as_str(), Some("Dropout")),
            (max.as_str(), Some("MaxPooling2D")),
        ];
        let side_items = [(avg.as_str(), Some("AveragePooling2D"))];
        let a = align(&keys(&base_items), &keys(&side_items));
        assert_eq!(a.partner, vec![None, Some(0)]);
        assert_eq!(a.replaced, vec![false, true]);
        // No layer of its family: no guess (both deleted, one inserted).
        let (flat, gap) = (
            t("layers . Flatten ( )"),
            t("layers . GlobalAveragePooling2D ( )"),
        );
        let base_items = [
            (drop.as_str(), Some("Dropout")),
            (flat.as_str(), Some("Flatten")),
        ];
        let side_items = [(gap.as_str(), Some("GlobalAveragePooling2D"))];
        let a = align(&keys(&base_items), &keys(&side_items));
        assert_eq!(a.partner, vec![None, None]);
    }

    #[test]
    fn a_constructor_family_is_its_last_long_word() {
        assert_eq!(family("MaxPooling2D"), Some("Pooling"));
        assert_eq!(family("layers.GlobalAveragePooling2D"), Some("Pooling"));
        assert_eq!(family("SpatialDropout1D"), Some("Dropout"));
        assert_eq!(family("Conv2D"), Some("Conv"));
        assert_eq!(family("nn.ReLU"), None);
        assert_eq!(family("LSTM"), None);
        assert_eq!(family("Dense"), Some("Dense"));
    }

    #[test]
    fn a_lone_different_layer_in_the_same_place_replaces() {
        let base = keys(&[
            ("A", Some("A")),
            ("LSTM(8)", Some("LSTM")),
            ("C", Some("C")),
        ]);
        let side = keys(&[("A", Some("A")), ("GRU(8)", Some("GRU")), ("C", Some("C"))]);
        let a = align(&base, &side);
        assert_eq!(a.partner, vec![Some(0), Some(1), Some(2)]);
        assert_eq!(a.replaced, vec![false, true, false]);
    }
}
