//! Tests of the layer alignment: content then identity, moves and swaps,
//! and which layer a lone replacement stands for.

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
