//! The human form of a [`RepoReport`]: what each side changed and what
//! clashes, file by file, with marker line numbers; ANSI colour only when
//! the caller asks for it (the CLI decides: a terminal and no NO_COLOR).

use std::fmt::Write;

use crate::decisions::{DecisionKind, DecisionRecord};

use super::analysis::{FileReport, Operation, RepoReport, ResolvedFile, SideCommit};

/// At most this many lines of a clash side are quoted.
const QUOTED_LINES: usize = 3;
/// … and at most this many characters.
const QUOTED_CHARS: usize = 160;

struct Paint {
    color: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn bold(&self, text: &str) -> String {
        self.wrap("1", text)
    }
    fn red(&self, text: &str) -> String {
        self.wrap("31", text)
    }
    fn green(&self, text: &str) -> String {
        self.wrap("32", text)
    }
    fn dim(&self, text: &str) -> String {
        self.wrap("2", text)
    }
}

/// Renders `report` as text.
pub fn render(report: &RepoReport, color: bool) -> String {
    let paint = Paint { color };
    let mut out = String::new();
    heading(&mut out, report, &paint);
    if !report.conflicted.is_empty() {
        let _ = writeln!(out, "\n{}", paint.bold("Conflicted files:"));
        for file in &report.conflicted {
            conflicted_file(&mut out, file, &paint);
        }
    }
    if !report.resolved.is_empty() {
        let title = match report.operation {
            Operation::Preview => "Files mlmerge would merge cleanly:",
            _ => "Merged cleanly by mlmerge:",
        };
        let _ = writeln!(out, "\n{}", paint.bold(title));
        for file in &report.resolved {
            resolved_file(&mut out, file, &paint);
        }
    }
    let _ = writeln!(out);
    let clashes = report.clashes();
    let files = report.conflicted.iter().filter(|f| f.clashes > 0).count();
    if clashes == 0 {
        let _ = writeln!(out, "{}", paint.green("No clashes left."));
    } else {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        let line = format!(
            "{clashes} clash{} left in {files} file{}.",
            if clashes == 1 { "" } else { "es" },
            s(files)
        );
        let _ = writeln!(out, "{}", paint.red(&line));
    }
    out
}

fn heading(out: &mut String, report: &RepoReport, paint: &Paint) {
    let side = |s: &Option<SideCommit>| match s {
        Some(s) => format!("{} ({} \"{}\")", s.label, short(&s.commit), s.summary),
        None => "?".into(),
    };
    let what = match report.operation {
        Operation::Merge => "Merge in progress",
        Operation::Rebase => "Rebase in progress",
        Operation::CherryPick => "Cherry-pick in progress",
        Operation::Revert => "Revert in progress",
        Operation::Preview => "Preview of a merge",
        Operation::LastMerge => "Last merge (HEAD)",
        Operation::None => {
            let _ = writeln!(out, "No merge, rebase or cherry-pick in progress, and HEAD is not a merge mlmerge took part in.");
            return;
        }
    };
    let _ = writeln!(
        out,
        "{}: {} into {}",
        paint.bold(what),
        side(&report.theirs),
        side(&report.ours)
    );
    if let Some(base) = &report.base {
        let _ = writeln!(out, "{}", paint.dim(&format!("merge base {}", short(base))));
    }
}

fn conflicted_file(out: &mut String, file: &FileReport, paint: &Paint) {
    let mut tags = vec![file.kind.clone()];
    if file.state.as_str() != file.kind {
        tags.push(file.state.as_str().to_string());
    }
    tags.extend(file.method.clone());
    let _ = writeln!(out, "\n  {}  [{}]", paint.bold(&file.path), tags.join(", "));
    if let Some(note) = &file.note {
        let _ = writeln!(out, "    {note}");
    }
    decisions(out, &file.decisions, file.decisions_omitted, paint);
    if let Some(place) = file.markers_in.filter(|_| !file.markers.is_empty()) {
        let spans: Vec<String> = file
            .markers
            .iter()
            .map(|m| format!("{}-{}", m.start, m.end))
            .collect();
        let more = if file.markers_omitted > 0 {
            format!(" (and {} more)", file.markers_omitted)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "    markers in the {place} at lines {}{more}",
            spans.join(", ")
        );
    }
}

fn resolved_file(out: &mut String, file: &ResolvedFile, paint: &Paint) {
    let _ = writeln!(
        out,
        "\n  {}  [{}, {}]",
        paint.bold(&file.path),
        file.kind,
        file.method
    );
    decisions(out, &file.decisions, file.decisions_omitted, paint);
}

fn decisions(out: &mut String, decisions: &[DecisionRecord], omitted: usize, paint: &Paint) {
    for d in decisions {
        let tag = format!("{:<21}", d.kind.as_str());
        let tag = if d.kind == DecisionKind::Clash {
            paint.red(&tag)
        } else {
            paint.green(&tag)
        };
        let _ = writeln!(out, "    {tag} {}: {}", d.subject, d.detail);
        for (side, text) in [("ours", &d.ours), ("theirs", &d.theirs)] {
            if let Some(text) = text {
                let _ = writeln!(out, "    {:21}   {side:<6}  {}", "", quote(text));
            }
        }
    }
    if omitted > 0 {
        let _ = writeln!(out, "    … and {omitted} more decisions");
    }
}

/// The first lines of a clash side on one line.
fn quote(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return "(nothing)".into();
    }
    let mut quoted = lines
        .iter()
        .take(QUOTED_LINES)
        .copied()
        .collect::<Vec<_>>()
        .join(" ⏎ ");
    if let Some((cut, _)) = quoted.char_indices().nth(QUOTED_CHARS) {
        quoted.truncate(cut);
        quoted.push_str(" …");
    } else if lines.len() > QUOTED_LINES {
        quoted.push_str(" …");
    }
    quoted
}

fn short(id: &str) -> &str {
    id.get(..7).unwrap_or(id)
}
