//! Tests of the memo: budgets answered by kept parses, parses from a
//! similar kept tree, and nothing kept outside a scope.

use super::*;

#[test]
fn a_budgeted_parse_is_answered_by_an_unbudgeted_one_and_back() {
    let _scope = RunScope::open();
    let text = "x = [1, 2, 3]\n".repeat(50);
    let full = tree(&text).expect("parses");
    // A budget below what the text takes is over budget, as a fresh
    // budgeted parse says.
    assert!(matches!(budgeted_tree(&text, 1), Err(NoTree::OverBudget)));
    assert!(matches!(
        parse_counted(&text, Some(1)),
        Parse {
            cancelled: true,
            ..
        }
    ));
    let within = budgeted_tree(&text, usize::MAX)
        .ok()
        .expect("within budget");
    assert_eq!(within.root_node().to_sexp(), full.root_node().to_sexp());
}

#[test]
fn a_similar_text_is_parsed_from_a_kept_tree_and_answers_no_budget() {
    let _scope = RunScope::open();
    let base = "x = [1, 2, 3]\n".repeat(500);
    let ours = format!("import os\n{base}y = 2\n");
    let small = "z = 1\n".repeat(10);
    for text in [&base, &ours, &small] {
        tree(text).expect("parses");
    }
    let fresh = |t: &str| parse_counted(t, None).tree.expect("parses");
    let kept = kept_parse(&ours).expect("kept");
    assert!(kept.checks.is_none(), "parsed from the base's tree");
    assert!(kept_parse(&small).expect("kept").checks.is_some());
    let reused = tree(&ours).expect("kept");
    assert_eq!(
        reused.root_node().to_sexp(),
        fresh(&ours).root_node().to_sexp()
    );
    // Far below the bound, the kept tree answers; near it, a fresh
    // parse decides (and then stays, unless it stopped).
    assert!(budgeted_tree(&ours, usize::MAX).is_ok());
    assert!(kept_parse(&ours).expect("kept").checks.is_none());
    assert!(matches!(budgeted_tree(&ours, 1), Err(NoTree::OverBudget)));
    assert!(kept_parse(&ours).expect("kept").checks.is_none());
    let needed = parse_counted(&ours, None).checks.expect("fresh") * PROGRESS_EVERY;
    assert!(matches!(
        budgeted_tree(&ours, needed - PROGRESS_EVERY),
        Err(NoTree::OverBudget)
    ));
    assert!(budgeted_tree(&ours, needed).is_ok());
    assert_eq!(
        kept_parse(&ours).expect("kept").checks,
        Some(needed / PROGRESS_EVERY)
    );
}

#[test]
fn a_budgeted_parse_of_a_similar_text_is_made_from_a_kept_tree_far_below_the_budget() {
    let _scope = RunScope::open();
    let base = "x = [1, 2, 3]\n".repeat(500);
    let ours = format!("import os\n{base}y = 2\n");
    let theirs = format!("{base}z = 3\n");
    budgeted_tree(&base, usize::MAX).ok().expect("parses");
    assert!(kept_parse(&base).expect("kept").checks.is_some());
    budgeted_tree(&ours, usize::MAX).ok().expect("parses");
    assert!(kept_parse(&ours).expect("kept").checks.is_none());
    // Near the budget (here over it) a fresh parse decides.
    assert!(matches!(budgeted_tree(&theirs, 1), Err(NoTree::OverBudget)));
    assert!(kept_parse(&theirs).expect("kept").checks.is_some());
}

#[test]
fn a_stopped_parse_does_not_answer_an_unbudgeted_one() {
    let _scope = RunScope::open();
    let text = "y = f(a, b)\n".repeat(50);
    assert!(matches!(budgeted_tree(&text, 1), Err(NoTree::OverBudget)));
    let t = tree(&text).expect("parsed without a budget");
    assert!(!t.root_node().has_error());
}

#[test]
fn results_are_kept_only_inside_a_scope() {
    let mut calls = 0;
    let texts = Merge3::new("a\n", "b\n", "c\n");
    let (o, m) = (
        MergeOptions::default(),
        Markers::for_inputs(&MergeOptions::default(), &[]),
    );
    for _ in 0..2 {
        module(texts, &o, &m, || {
            calls += 1;
            None
        });
    }
    assert_eq!(calls, 2);
    {
        let _scope = RunScope::open();
        let _inner = RunScope::open();
        for _ in 0..2 {
            module(texts, &o, &m, || {
                calls += 1;
                None
            });
        }
    }
    assert_eq!(calls, 3);
    let _scope = RunScope::open();
    module(texts, &o, &m, || {
        calls += 1;
        None
    });
    assert_eq!(calls, 4, "the memo ends with the outermost scope");
}
