//! A plain-text dump of what the merge saw and decided, for explaining a
//! wrong merge from a user's report: `MLMERGE_DEBUG_DIR=dir` makes the
//! driver write one such file per merge.

use std::fmt::Write;

use crate::core::encoding::decode;
use crate::core::kind::FileKind;
use crate::core::merge3::Merge3;
use crate::pipeline::MergeOutcome;
use crate::python::parse::parse;

/// Describes the parsed layer lists of each version and the outcome.
pub fn explain(versions: Merge3<&[u8]>, outcome: &MergeOutcome) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "kind: {}\nmethod: {:?}\nconflicts: {}\n",
        outcome.kind.as_str(),
        outcome.method,
        outcome.conflicts
    );
    if outcome.kind == FileKind::Python {
        for (name, bytes) in [
            ("base", versions.base),
            ("ours", versions.ours),
            ("theirs", versions.theirs),
        ] {
            let _ = writeln!(out, "== regions of {name}");
            describe_regions(&mut out, bytes);
        }
    }
    let _ = writeln!(out, "== decisions");
    for d in &outcome.report.decisions {
        let _ = writeln!(out, "{:<22} {}: {}", d.kind.as_str(), d.subject, d.detail);
    }
    out
}

fn describe_regions(out: &mut String, bytes: &[u8]) {
    let Some(decoded) = decode(bytes) else {
        let _ = writeln!(out, "  (not UTF-8 text)");
        return;
    };
    let parsed = match parse(&decoded.text) {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(out, "  ({e})");
            return;
        }
    };
    let line_of = |pos: usize| decoded.text[..pos].matches('\n').count() + 1;
    for region in &parsed.regions {
        let _ = writeln!(
            out,
            "  {} [{:?}] line {}: {}",
            region.key,
            region.kind,
            line_of(region.span.start),
            region.describe
        );
        for unit in &region.units {
            let what = if unit.comment {
                "comment".to_string()
            } else {
                unit.identity
                    .as_ref()
                    .map(ToString::to_string)
                    .or_else(|| unit.ctor.clone())
                    .unwrap_or_else(|| "-".into())
            };
            let _ = writeln!(out, "    line {:>5}  {}", line_of(unit.body.start), what);
        }
    }
}
