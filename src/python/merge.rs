//! Python model code: layer containers and call statements merged
//! structurally (regions found in all three versions), the text between
//! them by lines; the result is verified by parsing it again.

use std::collections::HashMap;
use std::ops::Range;

use crate::core::diff3::Budget;
use crate::core::line_merge::merge_lines;
use crate::core::merge3::{Merge3, Side};
use crate::core::render::{render, Markers, Piece, Rendered};
use crate::decisions::{Decision, DecisionKind, Report};
use crate::fallback::Fallback;
use crate::pipeline::Structured;
use crate::python::checked::checked_plan;
use crate::python::chunks::{paragraph_starts, split, LineRegion, Part};
use crate::python::layout::{line_mode, render_region};
use crate::python::memo::{self, RunScope};
use crate::python::parse::{parse, parses_cleanly, widest_line, Parsed, PythonParseError};
use crate::python::plan::{plan, Inputs};
use crate::python::reformat::{merge_reformatted, tokens_in};
use crate::python::regions::{split_off, Region, RegionKind};
use crate::python::retry::{retry_line_conflicts, Version};
use crate::python::submerge::describe_token_merges;
use crate::python::verify::verify;
use crate::settings::MergeOptions;

mod recheck;
pub use recheck::merge_whole;
use recheck::{nothing_doubled, recheck_lines};

/// Merges three Python sources (LF, no BOM): the line merge settles what
/// it can, and each clash, widened to whole top-level paragraphs, is merged
/// structurally on its own.
pub fn merge(
    texts: Merge3<&str>,
    options: &MergeOptions,
    markers: &Markers,
) -> Result<Structured, Fallback> {
    let _memo = RunScope::open();
    let lines = texts.map(|t| t.split_inclusive('\n').collect::<Vec<&str>>());
    let line_merge = similar::TextMerge::from_lines(texts.base, texts.ours, texts.theirs);
    if (
        line_merge.base_len(),
        line_merge.ours_len(),
        line_merge.theirs_len(),
    ) != (lines.base.len(), lines.ours.len(), lines.theirs.len())
    {
        return Err(Fallback::LineBreaks);
    }
    let regions: Vec<LineRegion> = line_merge
        .regions()
        .iter()
        .map(|r| {
            use similar::MergeResolution::*;
            let take = match r.resolution() {
                Conflict => None,
                Ours | Both => Some(Side::Ours),
                Theirs => Some(Side::Theirs),
                _ => Some(Side::Base),
            };
            LineRegion {
                take,
                lines: Merge3::new(r.base_range(), r.ours_range(), r.theirs_range()),
            }
        })
        .collect();
    let starts = texts.map(paragraph_starts);
    let counts = lines.map_ref(|l| l.len());
    let parts = split(&regions, starts.as_ref().map(|s| s.as_slice()), counts);
    if let Some(commas) = every_chunk_too_wide(&parts, lines.as_ref()) {
        // Nothing here merges structurally: no copy of a 5 MB line is made.
        return Err(Fallback::Python(PythonParseError::TooWide { commas }));
    }
    let mut pieces = Vec::new();
    let mut report = Report::default();
    let mut retried_any = false;
    for part in parts {
        match part {
            Part::Settled(take, range) => {
                pieces.push(Piece::Text(lines.get(take)[range].concat()));
            }
            Part::Chunk(ranges) => {
                let chunk = Merge3::new(
                    lines.base[ranges.base].concat(),
                    lines.ours[ranges.ours].concat(),
                    lines.theirs[ranges.theirs].concat(),
                );
                let chunk = chunk.as_ref().map(|s| s.as_str());
                let (chunk_pieces, chunk_report) = match merge_chunk(chunk, options, markers) {
                    Ok(done) => done,
                    Err(why) => {
                        let mut r = Report::default();
                        r.push(Decision::line_merge(
                            "a stretch of the file",
                            format!("merged by lines: {why}"),
                            why,
                        ));
                        (merge_lines(chunk), r)
                    }
                };
                let (chunk_pieces, chunk_report, retried) =
                    retry_chunk(chunk, options, markers, chunk_pieces, chunk_report);
                retried_any |= retried;
                pieces.extend(chunk_pieces);
                report.extend(chunk_report);
            }
        }
    }
    let mut pieces = join_text(pieces);
    let plain = Markers {
        prefer: None,
        ..markers.clone()
    };
    let left = render(&pieces, &plain).conflicts;
    if left > 0 || retried_any {
        // The whole file by elements: no line alignment decides what the
        // sides changed, only keys (a chunk's edges come from the line
        // merge, which can pair a deleted definition with another one).
        if let Some((whole, whole_report)) = retry_file(texts, options, markers) {
            let w = render(&whole, &plain).conflicts;
            if w < left || (w == left && retried_any) {
                pieces = whole;
                report = whole_report;
                retried_any = true;
            }
        }
    }
    let rendered = render(&pieces, markers);
    if rendered.conflicts == 0 {
        if report.decisions.is_empty()
            && [texts.base, texts.ours, texts.theirs]
                .iter()
                .any(|t| !parses_cleanly(t))
            && !crate::core::line_merge::git_is_clean(texts, markers)
        {
            // No structured rule decided anything and a version does not
            // parse: the result is the line diff's own, yet git's reads the
            // sides' changes differently (a line moved on one side and
            // deleted on the other beside a broken base): not certain.
            // Where every version parses, the two diffs only align the same
            // changes differently, and the structured merge's check ran.
            return Err(Fallback::Unverified(
                crate::python::verify::VerifyError::LineDiffsDisagree,
            ));
        }
        // The line check is for lines the line merge settled; a result of
        // the element retry holds merged elements (two functions inserted
        // side by side share lines such as `return 0.0`), checked by keys
        // and for doubled lines. It runs first: a line both sides moved
        // to different places, settled twice by the line diff, can be a
        // definition too (`x = layers.Conv1D(11)(x)` in a functional
        // chain), and the whole-file merge draws that move clash.
        if !retried_any {
            if let Some(whole) = recheck_lines(texts, &rendered.text, options, markers)? {
                return Ok(whole);
            }
        }
        nothing_doubled(&rendered.text, texts, retried_any)?;
    }
    Ok(finish(rendered, report, markers))
}

/// The structured result of a rendered merge: its report gains what the
/// side preference settled.
fn finish(rendered: Rendered, mut report: Report, markers: &Markers) -> Structured {
    report.extend(Report {
        decisions: Decision::preferred(rendered.preferred, markers.prefer)
            .into_iter()
            .collect(),
    });
    Structured {
        text: rendered.text,
        conflicts: rendered.conflicts,
        report,
    }
}

/// The layer-list merge of one top-level element for the whole-file merge:
/// its result when clean, or when it drew clashes around whole layers
/// (merge-rules §2 stays the most specific rule); `None` when it found
/// nothing to merge structurally.
fn region_merge_of(
    texts: Merge3<&str>,
    options: &MergeOptions,
    markers: &Markers,
) -> Option<Vec<Piece>> {
    let (pieces, report) = match merge_chunk(texts, options, markers) {
        Ok(done) => done,
        // Layers found here whose merge failed its own check: not certain,
        // so one conflict over the element, never a token or line merge
        // that knows nothing of layers (it undid a deletion beside a swap).
        Err(Fallback::Unverified(_)) => {
            return Some(vec![Piece::Conflict(texts.map(str::to_string))]);
        }
        Err(_) => return None,
    };
    let clean = !pieces.iter().any(|p| matches!(p, Piece::Conflict(_)));
    (clean || report.clashes().count() > 0).then_some(pieces)
}

/// The structured merge of whole files over the whole text, the region
/// merge as its most specific rule for each top-level element.
fn retry_file(
    texts: Merge3<&str>,
    options: &MergeOptions,
    markers: &Markers,
) -> Option<(Vec<Piece>, Report)> {
    module_merge(texts, options, markers)
}

/// The structured merge of whole files over three texts, the region merge
/// as its most specific rule for each top-level element: its pieces and
/// report, once per texts in a run (`retry_chunk` and `retry_file` often
/// ask for the same).
fn module_merge(
    texts: Merge3<&str>,
    options: &MergeOptions,
    markers: &Markers,
) -> Option<(Vec<Piece>, Report)> {
    memo::module(texts, options, markers, || {
        let region_merge = |t: Merge3<&str>| region_merge_of(t, options, markers);
        let ctx = crate::python::resolve::Context::new(&options.set_arguments, Some(&region_merge));
        let merged = crate::python::resolve::merge_module(texts, ctx)?;
        Some((join_text(merged.pieces), merged.report))
    })
}

/// Where the region merge left conflicts in a chunk, the structured merge
/// of whole files (imports, named members, entries; `crate::python`) tries
/// again, with the region merge as its most specific rule for each
/// top-level element; its result is kept when it leaves fewer conflicts,
/// or as many in fewer lines.
fn retry_chunk(
    chunk: Merge3<&str>,
    options: &MergeOptions,
    markers: &Markers,
    pieces: Vec<Piece>,
    report: Report,
) -> (Vec<Piece>, Report, bool) {
    let plain = Markers {
        prefer: None,
        ..markers.clone()
    };
    let measure = |p: &[Piece]| {
        let r = render(p, &plain);
        (r.conflicts, r.conflict_lines)
    };
    let before = measure(&pieces);
    if before.0 == 0 {
        return (pieces, report, false);
    }
    let Some((merged_pieces, merged_report)) = module_merge(chunk, options, markers) else {
        return (pieces, report, false);
    };
    let after = measure(&merged_pieces);
    // Clashes the region merge drew around whole layers stand unless the
    // retry leaves fewer.
    let layered = report.clashes().count() > 0;
    if after.0 < before.0 || (after.0 == before.0 && !layered && after.1 < before.1) {
        (merged_pieces, merged_report, true)
    } else {
        (pieces, report, false)
    }
}

/// The fewest commas on a too-wide line when every chunk in conflict has
/// one (so none could merge structurally); `None` otherwise.
fn every_chunk_too_wide(parts: &[Part], lines: Merge3<&Vec<&str>>) -> Option<usize> {
    let mut fewest = None;
    for part in parts {
        let Part::Chunk(ranges) = part else { continue };
        let widest = [
            &lines.base[ranges.base.clone()],
            &lines.ours[ranges.ours.clone()],
            &lines.theirs[ranges.theirs.clone()],
        ]
        .into_iter()
        .flatten()
        .find_map(|line| widest_line(line))?;
        fewest = Some(fewest.map_or(widest, |f: usize| f.min(widest)));
    }
    fewest
}

/// The structured merge of one chunk: regions found in all three versions
/// merge element by element, the text between them by lines. A clean
/// chunk must parse again and hold exactly the planned elements.
fn merge_chunk(
    texts: Merge3<&str>,
    options: &MergeOptions,
    markers: &Markers,
) -> Result<(Vec<Piece>, Report), Fallback> {
    // Once per texts in a run: the whole-file merge and the element retry
    // ask again for what a chunk merge already did.
    memo::chunk(texts, options, markers, || {
        merge_chunk_once(texts, options, markers)
    })
}

fn merge_chunk_once(
    texts: Merge3<&str>,
    options: &MergeOptions,
    markers: &Markers,
) -> Result<(Vec<Piece>, Report), Fallback> {
    let parsed = Merge3::new(parse(texts.base), parse(texts.ours), parse(texts.theirs));
    let Merge3 { base, ours, theirs } = parsed.try_map(|p| p)?;
    let parsed = Merge3::new(&base, &ours, &theirs);
    let mut pieces = Vec::new();
    let mut report = Report::default();
    let mut expected: Vec<(String, Vec<Option<String>>)> = Vec::new();
    let mut pos = Merge3::new(0, 0, 0);
    for regions in matched_regions(parsed) {
        let inputs = Inputs {
            parsed,
            regions,
            strict: options.strict,
            convention: &options.convention,
        };
        let spans = region_spans(&inputs);
        let between = Merge3::new(
            pos.base..spans.base.start,
            pos.ours..spans.ours.start,
            pos.theirs..spans.theirs.start,
        );
        pieces.extend(merge_between(parsed, between, &mut report));
        let plan = checked_plan(&inputs, plan(&inputs));
        let rendered = render_region(&inputs, &plan)?;
        pieces.extend(rendered.pieces);
        expected.push((regions.base.key.clone(), rendered.expected));
        for d in plan.decisions {
            report.push(describe(d, regions.ours));
        }
        pos = spans.map(|s| s.end);
    }
    let tail = Merge3::new(
        pos.base..texts.base.len(),
        pos.ours..texts.ours.len(),
        pos.theirs..texts.theirs.len(),
    );
    pieces.extend(merge_between(parsed, tail, &mut report));
    let pieces = join_text(pieces);
    let rendered = render(&pieces, markers);
    if rendered.conflicts == 0 {
        verify(&rendered.text, &expected)?;
    }
    Ok((pieces, report))
}

/// The code between regions: by lines, or, where one side only
/// re-formatted it and the lines clash, token by token (merge-rules §4).
fn merge_between(
    parsed: Merge3<&Parsed<'_>>,
    ranges: Merge3<Range<usize>>,
    report: &mut Report,
) -> Vec<Piece> {
    let texts = Merge3::new(
        &parsed.base.text[ranges.base.clone()],
        &parsed.ours.text[ranges.ours.clone()],
        &parsed.theirs.text[ranges.theirs.clone()],
    );
    let pieces = memo::lines(texts);
    if !pieces.iter().any(|p| matches!(p, Piece::Conflict(_))) {
        return pieces;
    }
    let relative = |p: &Parsed<'_>, r: &Range<usize>| -> Vec<Range<usize>> {
        tokens_in(p, r.clone())
            .into_iter()
            .map(|t| t.start - r.start..t.end - r.start)
            .collect()
    };
    let tokens = Merge3::new(
        relative(parsed.base, &ranges.base),
        relative(parsed.ours, &ranges.ours),
        relative(parsed.theirs, &ranges.theirs),
    );
    match merge_reformatted(texts, tokens.as_ref().map(|t| t.as_slice())) {
        Some(text) => {
            report.push(Decision::new(
                DecisionKind::FormattingKept,
                "re-formatted code",
                "one side only re-formatted this code; the other side's edits were applied token by token",
            ));
            vec![Piece::Text(text)]
        }
        // Sub-line merge (issue 10 items 4-6): until the resolver chain of
        // branch `pystruct` lands, each line conflict is retried here.
        None => match retry_line_conflicts(
            Merge3::new(
                Version {
                    text: parsed.base.text,
                    tree: &parsed.base.tree,
                    range: ranges.base,
                },
                Version {
                    text: parsed.ours.text,
                    tree: &parsed.ours.tree,
                    range: ranges.ours,
                },
                Version {
                    text: parsed.theirs.text,
                    tree: &parsed.theirs.tree,
                    range: ranges.theirs,
                },
            ),
            Budget::default(),
        ) {
            Some((pieces, settled)) => {
                report.extend(describe_token_merges(&settled));
                pieces
            }
            None => pieces,
        },
    }
}

/// Regions present in all three versions, in the same order in each.
fn matched_regions<'a>(parsed: Merge3<&'a Parsed<'a>>) -> Vec<Merge3<&'a Region>> {
    let index = |p: &'a Parsed<'a>| -> HashMap<&'a str, usize> {
        p.regions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.key.as_str(), i))
            .collect()
    };
    let (ours, theirs) = (index(parsed.ours), index(parsed.theirs));
    let base_keys = index(parsed.base);
    let mut last = (None::<usize>, None::<usize>);
    let mut out = Vec::new();
    for region in &parsed.base.regions {
        let (Some(&o), Some(&t)) = (
            ours.get(region.key.as_str()),
            theirs.get(region.key.as_str()),
        ) else {
            continue;
        };
        if last.0.is_some_and(|l| o <= l) || last.1.is_some_and(|l| t <= l) {
            continue;
        }
        let (ro, rt) = (&parsed.ours.regions[o], &parsed.theirs.regions[t]);
        if ro.kind != region.kind || rt.kind != region.kind {
            continue;
        }
        if split_off(region, ro, &parsed.ours.regions, |k| {
            base_keys.contains_key(k)
        }) || split_off(region, rt, &parsed.theirs.regions, |k| {
            base_keys.contains_key(k)
        }) {
            // Merged by lines with the code around it.
            continue;
        }
        last = (Some(o), Some(t));
        out.push(Merge3::new(region, ro, rt));
    }
    out
}

fn region_spans(inputs: &Inputs<'_>) -> Merge3<Range<usize>> {
    let lines = line_mode(inputs);
    inputs.regions.map_ref(|r| match (&r.lines, lines) {
        (Some(l), true) => l.clone(),
        _ => r.span.clone(),
    })
}

/// Puts the region's name into a decision's subject.
fn describe(mut d: Decision, region: &Region) -> Decision {
    d.subject = if region.kind == RegionKind::Call {
        region.describe.clone()
    } else {
        format!("{} of {}", d.subject, region.describe)
    };
    d
}

/// Joins neighbouring text pieces (cheaper rendering, same output).
fn join_text(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        match (out.last_mut(), piece) {
            (Some(Piece::Text(prev)), Piece::Text(next)) => prev.push_str(&next),
            (_, piece) => out.push(piece),
        }
    }
    out
}

#[cfg(test)]
mod tests;
