//! Tests of the merged cell order: insertions at one gap, moves of one or
//! both sides, and new cells beside a move.

use super::*;

fn order(
    base: usize,
    o: &[Option<usize>],
    ol: usize,
    t: &[Option<usize>],
    tl: usize,
) -> Vec<Entry> {
    merge_order(base, (&o.to_vec(), ol, &t.to_vec(), tl), |_, _| false).entries
}

#[test]
fn insertions_at_same_gap_ours_first() {
    // base [A], ours [A, X], theirs [A, Y]
    let e = order(1, &[Some(0)], 2, &[Some(0)], 2);
    assert_eq!(e, vec![Entry::Base(0), Entry::Ours(1), Entry::Theirs(1)]);
}

#[test]
fn move_on_one_side_appears_once() {
    // base [A, B, C], ours [B, C, A], theirs [A, B, C]
    let e = order(
        3,
        &[Some(2), Some(0), Some(1)],
        3,
        &[Some(0), Some(1), Some(2)],
        3,
    );
    assert_eq!(e, vec![Entry::Base(1), Entry::Base(2), Entry::Base(0)]);
}

#[test]
fn cells_both_moved_to_one_gap_keep_the_changed_order() {
    // base [A, B, C], ours [C, A, B] (C to the front), theirs [B, A, C]
    // (a swap, read as B to the front): C before B, as ours has it,
    // whichever side is ours.
    let front_c = [Some(1), Some(2), Some(0)];
    let swap = [Some(1), Some(0), Some(2)];
    let e = order(3, &front_c, 3, &swap, 3);
    let swapped = order(3, &swap, 3, &front_c, 3);
    let want = vec![Entry::Base(2), Entry::Base(1), Entry::Base(0)];
    assert_eq!(e, want);
    assert_eq!(swapped, want);
}

#[test]
fn both_moving_apart_keeps_ours() {
    // base [A, B, C], ours [B, C, A], theirs [B, A, C]
    let o = merge_order(
        3,
        (
            &vec![Some(2), Some(0), Some(1)],
            3,
            &vec![Some(1), Some(0), Some(2)],
            3,
        ),
        |_, _| false,
    );
    assert_eq!(
        o.entries.iter().filter(|e| **e == Entry::Base(0)).count(),
        1
    );
}

#[test]
fn a_new_cell_both_inserted_beside_a_move_is_one_entry() {
    // base [A, B, C]; ours [A, X, C, B], theirs [A, C, X, B]: both
    // move C up and insert X, on other sides of C.
    let ours = [Some(0), Some(3), Some(2)];
    let theirs = [Some(0), Some(3), Some(1)];
    for (o, t, x) in [(&ours, &theirs, (1, 2)), (&theirs, &ours, (2, 1))] {
        let e = merge_order(3, (&o.to_vec(), 4, &t.to_vec(), 4), |i, j| (i, j) == x).entries;
        assert_eq!(
            e.iter().filter(|e| **e == Entry::Both(x.0, x.1)).count(),
            1,
            "{e:?}"
        );
        assert_eq!(e.len(), 4, "{e:?}");
    }
}

#[test]
fn new_cells_go_before_a_cell_the_other_side_moved_up_into_their_gap() {
    // base [A, B]; ours [X, A, B], theirs [B, A] (B moved up): X
    // first, whichever side is ours.
    let inserted = [Some(1), Some(2)];
    let moved_up = [Some(1), Some(0)];
    let e = order(2, &inserted, 3, &moved_up, 2);
    assert_eq!(e, vec![Entry::Ours(0), Entry::Base(1), Entry::Base(0)]);
    let e = order(2, &moved_up, 2, &inserted, 3);
    assert_eq!(e, vec![Entry::Theirs(0), Entry::Base(1), Entry::Base(0)]);
}
