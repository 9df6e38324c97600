//! Tests of the module merge: members inserted at one place keep their
//! blank lines.

use super::*;

fn run(b: &str, o: &str, t: &str) -> String {
    let ctx = Context::new(&[], None);
    let m = merge_module(Merge3::new(b, o, t), ctx).expect("merged");
    let markers = crate::core::render::Markers::for_inputs(&crate::MergeOptions::default(), &[]);
    crate::core::render::render(&m.pieces, &markers).text
}

#[test]
fn members_inserted_at_one_place_keep_their_blank_lines() {
    let b = "def a():\n    pass\n\n\ndef z():\n    pass\n";
    let o = b.replace("\n\ndef z", "\n\ndef b():\n    pass\n\n\ndef z");
    let t = b.replace("\n\ndef z", "\n\ndef c():\n    pass\n\n\ndef z");
    assert_eq!(
            run(b, &o, &t),
            "def a():\n    pass\n\n\ndef b():\n    pass\n\n\ndef c():\n    pass\n\n\ndef z():\n    pass\n"
        );
}
