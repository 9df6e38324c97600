//! How the change-preservation check (`mlmerge::verify`) reads notebook
//! cells without names (keyed by their first line, as the edit-pair
//! properties key them): a move against a replacement, and a replacement
//! both sides made beside another change. Each right result is accepted
//! and the wrong ones beside it are caught.

use mlmerge::verify::{check_with, Element, Options, ResultElement, Verdict};

/// A cell of step `n`: its key is its first line.
fn step(n: u16) -> Element {
    let first = format!("# step {n}");
    Element::new(
        first.clone(),
        format!("code\n{first}\nx = block_{n}(x, {n})"),
    )
}

fn steps(ns: &[u16]) -> Vec<Element> {
    ns.iter().map(|&n| step(n)).collect()
}

/// The result: steps, those given as negative numbers inside a conflict.
fn result(ns: &[i32]) -> Vec<ResultElement> {
    ns.iter()
        .map(|&n| {
            let cell = step(n.unsigned_abs() as u16);
            if n < 0 {
                ResultElement::conflicted(cell)
            } else {
                ResultElement::clean(cell)
            }
        })
        .collect()
}

/// Cells without names: a move and an edit (or a rewrite) of one cell merge.
const NO_NAMES: Options = Options {
    moves: true,
    moves_by_key: false,
    moves_by_likeness: false,
    moved_edits_merge: true,
    unique_moves: false,
    fixed: |_| false,
    budget_per_element: 256,
};

fn check(base: &[u16], ours: &[u16], theirs: &[u16], merged: &[i32]) -> Verdict {
    check_with(
        &steps(base),
        &steps(ours),
        &steps(theirs),
        &result(merged),
        NO_NAMES,
    )
}

/// Base `1 2 3`; ours replaces 2 and 3 by 501 and 502, theirs makes the
/// same first replacement and moves 3 to the top. Without names 502 may be
/// 3 rewritten: right is 502 at theirs' place (moved with the rewrite), or
/// 3 inside a conflict (delete vs move). 502 left at ours' place loses
/// theirs' move, whichever side is ours.
#[test]
fn a_cell_moved_against_its_replacement_is_at_the_movers_place_or_in_a_conflict() {
    let (ours, theirs) = ([1, 501, 502], [3, 1, 501]);
    for (o, t) in [(&ours, &theirs), (&theirs, &ours)] {
        assert!(!check(&[1, 2, 3], o, t, &[1, 501, 502]).is_ok());
        assert_eq!(check(&[1, 2, 3], o, t, &[502, 1, 501]), Verdict::Ok);
        assert_eq!(check(&[1, 2, 3], o, t, &[-3, 1, 501, 502]), Verdict::Ok);
        // The replacement lost, or the moved cell back clean: caught.
        assert!(!check(&[1, 2, 3], o, t, &[-3, 1, 501]).is_ok());
        assert!(!check(&[1, 2, 3], o, t, &[3, 1, 501, 502]).is_ok());
    }
}

/// Base `1 2 3`; both replace 1 by 501, theirs also moves 3 to the top
/// (`3 501 2`). Of theirs' equally long alignments, keeping 2 reads 501
/// in 1's place (3 moved up); keeping 3 read 501 as new after 3 and the
/// shared replacement as made twice. `3 501 2` is right.
#[test]
fn a_shared_replacement_beside_a_move_up_is_read_in_place() {
    let (ours, theirs) = ([501, 2, 3], [3, 501, 2]);
    for (o, t) in [(&ours, &theirs), (&theirs, &ours)] {
        assert_eq!(check(&[1, 2, 3], o, t, &[3, 501, 2]), Verdict::Ok);
        assert!(!check(&[1, 2, 3], o, t, &[3, 501, 501, 2]).is_ok());
        assert!(!check(&[1, 2, 3], o, t, &[3, 2]).is_ok());
        assert!(!check(&[1, 2, 3], o, t, &[501, 2, 3]).is_ok());
    }
}

/// Base `1 2`; both replace 1 by 501, ours deletes 2, theirs inserts 701
/// at the top (`701 501 2`). By position alone 701 took 1's place in
/// theirs and the shared 501 was a clash; the other side's reading says
/// 501 is the replacement and 701 new. `701 501` is right.
#[test]
fn a_shared_replacement_beside_a_new_cell_is_read_as_the_others() {
    let (ours, theirs) = ([501].as_slice(), [701, 501, 2].as_slice());
    for (o, t) in [(ours, theirs), (theirs, ours)] {
        assert_eq!(check(&[1, 2], o, t, &[701, 501]), Verdict::Ok);
        assert!(!check(&[1, 2], o, t, &[501]).is_ok());
        assert!(!check(&[1, 2], o, t, &[701, 501, 501]).is_ok());
        assert!(!check(&[1, 2], o, t, &[701, 501, 2]).is_ok());
    }
}

/// Base `1 2 3 4`; both replace 4 by 501, ours also swaps it with 3
/// (`1 2 501 3`: read as 4 deleted and 501 new before 3), theirs replaces
/// 3 by 701 (`1 2 701 501`). 501 is one replacement both made, each at
/// its own place: once, with 3 in a conflict (ours' move of it against
/// theirs' replacement), is right.
#[test]
fn a_shared_replacement_one_side_moved_is_one_element() {
    let (ours, theirs) = ([1, 2, 501, 3], [1, 2, 701, 501]);
    for (o, t) in [(&ours, &theirs), (&theirs, &ours)] {
        assert_eq!(
            check(&[1, 2, 3, 4], o, t, &[1, 2, 701, 501, -3]),
            Verdict::Ok
        );
        assert!(!check(&[1, 2, 3, 4], o, t, &[1, 2, 701, 501, 501, -3]).is_ok());
        assert!(!check(&[1, 2, 3, 4], o, t, &[1, 2, 701, -3]).is_ok());
        assert!(!check(&[1, 2, 3, 4], o, t, &[1, 2, 501, -3]).is_ok());
    }
}

/// Base `1 2 3`; both replace 2 by 501, ours deletes 1 (`501 3`), theirs
/// deletes 3 (`1 501`): one replacement of 2, though no neighbour of it
/// stands beside it on both sides. `501` is right.
#[test]
fn the_same_replacement_is_one_whatever_each_side_deleted_around_it() {
    let (ours, theirs) = ([501, 3].as_slice(), [1, 501].as_slice());
    for (o, t) in [(ours, theirs), (theirs, ours)] {
        assert_eq!(check(&[1, 2, 3], o, t, &[501]), Verdict::Ok);
        assert!(!check(&[1, 2, 3], o, t, &[501, 501]).is_ok());
        assert!(!check(&[1, 2, 3], o, t, &[501, 3]).is_ok());
        assert!(!check(&[1, 2, 3], o, t, &[]).is_ok());
    }
}

/// A markdown cell without a name.
fn prose(text: &str) -> Element {
    Element::new("markdown", format!("markdown\n{text}"))
}

/// Base `1 2`; both insert the same section after 1, theirs' copy with a
/// word put back (`you learn how`). Without names, the longer copy alone
/// holds both insertions: accepted; a result with the shorter copy alone
/// loses theirs' word, and one where the copies differ otherwise (a
/// changed word) holds neither side's insertion once: both caught.
#[test]
fn a_new_cell_both_wrote_one_copy_with_a_word_added_is_the_longer_copy() {
    let short = prose("### Objective\n\nIn this tutorial, you how to train a model.");
    let long = prose("### Objective\n\nIn this tutorial, you learn how to train a model.");
    let changed = prose("### Objective\n\nIn this tutorial, you learn how to deploy a model.");
    let (one, two) = (step(1), step(2));
    let side = |cell: &Element| vec![one.clone(), cell.clone(), two.clone()];
    let merged = |cell: &Element| {
        vec![
            ResultElement::clean(one.clone()),
            ResultElement::clean(cell.clone()),
            ResultElement::clean(two.clone()),
        ]
    };
    let base = vec![one.clone(), two.clone()];
    for (o, t) in [(&short, &long), (&long, &short)] {
        let run = |cell: &Element| check_with(&base, &side(o), &side(t), &merged(cell), NO_NAMES);
        assert_eq!(run(&long), Verdict::Ok);
        assert!(!run(&short).is_ok());
    }
    let run = |cell: &Element| {
        check_with(
            &base,
            &side(&long),
            &side(&changed),
            &merged(cell),
            NO_NAMES,
        )
    };
    assert!(!run(&long).is_ok());
    assert!(!run(&changed).is_ok());
}
