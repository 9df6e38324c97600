use super::*;
use proptest::prelude::*;

#[test]
fn small_diffs_finish_within_the_budget() {
    let a: Vec<u32> = (0..1000).collect();
    let b: Vec<u32> = (0..1000)
        .map(|i| if i % 100 == 7 { i + 5000 } else { i })
        .collect();
    let (ops, complete) = bounded_diff(&a, &b);
    assert!(complete);
    assert_eq!(ops, capture_diff_slices(Algorithm::Myers, &a, &b));
    assert_eq!(edit_distance_within(&a, &b, u64::MAX), Some(20));
}

/// Two 20,000-item sequences with nothing in common between a shared head
/// and tail: D is 40,000, about 800 million greedy steps, far over the
/// budget of 100 million; every run stops at the same step.
#[test]
fn a_crafted_pair_runs_out_of_the_budget_every_time() {
    let head: Vec<u32> = (0..50).collect();
    let mut a = head.clone();
    a.extend(1_000..21_000);
    a.extend(&head);
    let mut b = head.clone();
    b.extend(100_000..120_000);
    b.extend(&head);
    for _ in 0..2 {
        let (ops, complete) = bounded_diff(&a, &b);
        assert!(!complete);
        assert_eq!(ops, coarse_diff(&a, &b));
        assert_eq!(
            ops,
            vec![
                DiffOp::Equal {
                    old_index: 0,
                    new_index: 0,
                    len: 50
                },
                DiffOp::Delete {
                    old_index: 50,
                    old_len: 20_000,
                    new_index: 50
                },
                DiffOp::Insert {
                    old_index: 20_050,
                    new_index: 50,
                    new_len: 20_000
                },
                DiffOp::Equal {
                    old_index: 20_050,
                    new_index: 20_050,
                    len: 50
                },
            ]
        );
    }
    let steps = DiffBudget::DEFAULT.steps_for(a.len() + b.len());
    assert_eq!(edit_distance_within(&a, &b, steps), None);
}

#[test]
fn the_budget_is_a_count_of_steps() {
    let a: Vec<u8> = b"abcabba".to_vec();
    let b: Vec<u8> = b"cbabac".to_vec();
    // Myers' own example: D = 5.
    assert_eq!(edit_distance_within(&a, &b, u64::MAX), Some(5));
    assert_eq!(edit_distance_within(&a, &b, 0), None);
    let tight = DiffBudget {
        floor: 0,
        per_item: 0,
    };
    assert_eq!(
        bounded_diff_within(&a, &b, tight),
        (coarse_diff(&a, &b), false)
    );
}

#[test]
fn coarse_diffs_of_empty_and_equal_sequences() {
    let e: [u8; 0] = [];
    assert_eq!(coarse_diff(&e, &e), vec![]);
    assert_eq!(
        coarse_diff(b"ab", b"ab"),
        vec![DiffOp::Equal {
            old_index: 0,
            new_index: 0,
            len: 2
        }]
    );
    assert_eq!(
        coarse_diff(b"aXb", b"ab"),
        vec![
            DiffOp::Equal {
                old_index: 0,
                new_index: 0,
                len: 1
            },
            DiffOp::Delete {
                old_index: 1,
                old_len: 1,
                new_index: 1
            },
            DiffOp::Equal {
                old_index: 2,
                new_index: 1,
                len: 1
            },
        ]
    );
}

/// The number of elements deleted and inserted by `ops`.
fn changed(ops: &[DiffOp]) -> usize {
    ops.iter()
        .filter(|op| !matches!(op, DiffOp::Equal { .. }))
        .map(|op| op.old_range().len() + op.new_range().len())
        .sum()
}

proptest! {
    /// Within the budget the ops are similar's undeadlined Myers ops, and
    /// the greedy pass finds an edit distance no larger than theirs (the
    /// least one: similar's heuristics may take more on hard inputs).
    #[test]
    fn within_the_budget_the_ops_are_similars(
        a in proptest::collection::vec(0u8..4, 0..60),
        b in proptest::collection::vec(0u8..4, 0..60),
    ) {
        let exact = capture_diff_slices(Algorithm::Myers, &a, &b);
        let (ops, complete) = bounded_diff(&a, &b);
        prop_assert!(complete);
        prop_assert_eq!(&ops, &exact);
        let d = edit_distance_within(&a, &b, u64::MAX);
        prop_assert!(d.is_some_and(|d| d <= changed(&exact)));
    }

    /// Over the budget the diff is the coarse one, still a correct diff.
    #[test]
    fn over_the_budget_the_diff_is_coarse_and_correct(
        a in proptest::collection::vec(0u8..4, 0..60),
        b in proptest::collection::vec(0u8..4, 0..60),
    ) {
        let none = DiffBudget { floor: 0, per_item: 0 };
        let (ops, complete) = bounded_diff_within(&a, &b, none);
        let d = edit_distance_within(&a, &b, u64::MAX);
        if !complete {
            prop_assert_eq!(&ops, &coarse_diff(&a, &b));
        }
        // Rebuild `b` from `a` and the ops.
        let mut rebuilt = Vec::new();
        for op in &ops {
            match *op {
                DiffOp::Equal { old_index, len, .. } => {
                    rebuilt.extend_from_slice(&a[old_index..old_index + len]);
                }
                _ => rebuilt.extend_from_slice(&b[op.new_range()]),
            }
        }
        prop_assert_eq!(rebuilt, b);
        prop_assert!(d.is_some());
    }
}
