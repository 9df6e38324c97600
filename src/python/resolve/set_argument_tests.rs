//! Tests of set-valued call arguments (e.g. `metrics=[...]`) merged as sets.

use super::*;

#[test]
fn metrics_merge_as_a_set() {
    let sets = vec!["metrics".to_string()];
    let b = "model.compile(\n    optimizer=\"adam\",\n    metrics=[\"accuracy\"],\n)\n";
    let o = b.replace("[\"accuracy\"]", "[\"accuracy\", AUC()]");
    let t = b.replace("[\"accuracy\"]", "[\"accuracy\", Precision()]");
    let m = merge_module(Merge3::new(b, &o, &t), Context::new(&sets, None)).expect("merged");
    let markers = crate::core::render::Markers::for_inputs(&crate::MergeOptions::default(), &[]);
    assert_eq!(
        crate::core::render::render(&m.pieces, &markers).text,
        b.replace("[\"accuracy\"]", "[\"accuracy\", AUC(), Precision()]")
    );
}
