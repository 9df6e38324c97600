//! `mlmerge mergetool BASE LOCAL REMOTE MERGED`, for
//! `git mergetool --tool=mlmerge`: the structured merge into MERGED, then,
//! on a terminal, a walk through the clashes left, each settled by ours,
//! theirs, both, base, an editor, or skipped.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Args;
use mlmerge::core::conflicts::{self, Choice, ConflictRegion, Segment};
use mlmerge::core::kind::FileKind;
use mlmerge::core::merge3::Merge3;
use mlmerge::core::render::Markers;
use mlmerge::core::{input, output};
use mlmerge::decisions::{Decision, Report};
use mlmerge::{pipeline, ConflictStyle, MergeOptions};

use super::clash_view::{self, Paint};
use super::color::ColorArg;
use super::{CliError, Status};

#[derive(Args)]
pub struct MergetoolArgs {
    /// The common ancestor ($BASE); a missing file counts as empty.
    base: PathBuf,
    /// Our version ($LOCAL).
    local: PathBuf,
    /// Their version ($REMOTE).
    remote: PathBuf,
    /// The file to write the result to ($MERGED), also used to detect its kind.
    merged: PathBuf,
    #[command(flatten)]
    color: ColorArg,
}

const PROMPT: &str = "[o]urs, [t]heirs, [ot] both ours first, [to] both theirs first, [b]ase, [e]dit, [s]kip, [q]uit? ";
/// The end of the prompt for a clash offered as values.
const VALUE_PROMPT_END: &str = "[ot]/[to] both, [e]dit, [s]kip, [q]uit? ";

pub fn run(args: MergetoolArgs) -> Result<Status, CliError> {
    // MERGED is checked before anything is read or merged, as OURS is by
    // `mlmerge merge` (docs/limits.md): only a regular file is written.
    let target = output::check_target_or_new(&args.merged)?;
    let versions = input::read_versions(
        Merge3::new(&args.base, &args.local, &args.remote).map_ref(|p| p.as_path()),
        Merge3::new("base", "local", "remote"),
        input::MissingBase::Empty,
    )?;
    let inputs = versions.as_ref().map_ref(|v| v.as_slice());
    let mut options = MergeOptions {
        path: Some(args.merged.clone()),
        ..super::configured_options()?
    };
    let style = options.style;
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    if interactive {
        // The walk offers the base text, so the merge draws it.
        options.style = ConflictStyle::Diff3;
    }
    let outcome = pipeline::merge(inputs, &options);
    let name = args.merged.display();
    if outcome.kind == FileKind::Notebook && !outcome.is_clean() {
        // The markers sit inside the cells' JSON source strings, where a
        // line-based walk cannot settle them: list the clashes, leave the
        // markers for Jupyter or an editor.
        if !interactive {
            write(&target, &args.merged, &outcome.bytes)?;
            return Ok(finish(&name.to_string(), outcome.conflicts.max(1)));
        }
        show_notebook_clashes(&outcome.report, &args.merged, paint(&args));
        // Written in the user's conflict style, not the walk's diff3.
        let written = pipeline::merge(inputs, &MergeOptions { style, ..options });
        write(&target, &args.merged, &written.bytes)?;
        return Ok(finish(&name.to_string(), written.conflicts.max(1)));
    }
    let text = match String::from_utf8(outcome.bytes.clone()) {
        Ok(text) if interactive && !outcome.is_clean() => text,
        _ => {
            write(&target, &args.merged, &outcome.bytes)?;
            return Ok(finish(&name.to_string(), outcome.conflicts));
        }
    };
    let size = Markers::for_inputs(&options, &[inputs.base, inputs.ours, inputs.theirs]).size;
    let mut segments = conflicts::parse(&text, Some(size));
    walk(&mut segments, &outcome.report, &args.merged, paint(&args))?;
    let merged = conflicts::join(&segments, style);
    write(&target, &args.merged, merged.as_bytes())?;
    Ok(finish(
        &name.to_string(),
        conflicts::regions(&merged, Some(size)).len(),
    ))
}

fn paint(args: &MergetoolArgs) -> Paint {
    Paint {
        color: args.color.enabled_for_stdout(),
    }
}

/// Each clash of a notebook merge as the report names it (cell index,
/// type and first line), with the values or sides that differ.
fn show_notebook_clashes(report: &Report, merged: &Path, paint: Paint) {
    let mut clashes: Vec<&Decision> = report.clashes().collect();
    // A cell's clash is also recorded for the argument inside it; the
    // cell's names where it is (index, type, first line).
    if clashes.iter().any(|d| d.subject.starts_with("cell ")) {
        clashes.retain(|d| d.subject.starts_with("cell "));
    }
    for (index, clash) in clashes.iter().enumerate() {
        show(
            index + 1,
            clashes.len(),
            merged,
            Some(&format!("{}: {}", clash.subject, clash.detail)),
        );
        let region = ConflictRegion {
            start_line: 0,
            end_line: 0,
            size: 0,
            ours: clash.ours.clone().unwrap_or_default(),
            ours_label: String::new(),
            base: None,
            base_label: String::new(),
            theirs: clash.theirs.clone().unwrap_or_default(),
            theirs_label: String::new(),
        };
        match clash_view::value_clash(&region) {
            Some(values) => print!("{}", clash_view::show_values(&values, paint)),
            None => show_sides(&region, paint),
        }
    }
    println!(
        "\nThe markers are inside the cells' source in {}: settle them in Jupyter or an editor, then `git add` it.",
        merged.display()
    );
}

/// Writes the result into the checked `target` (the file MERGED names,
/// a symbolic link followed), warning when other hard links keep the old
/// content.
fn write(target: &output::WriteTarget, merged: &Path, bytes: &[u8]) -> Result<(), CliError> {
    output::write_atomic(&target.path, bytes).map_err(|e| {
        format!(
            "cannot write the merged result to {}: {e}",
            merged.display()
        )
    })?;
    if target.other_links > 0 {
        eprintln!(
            "mlmerge: warning: {} had {} other hard link(s); they keep the old content (the result replaces this name only, never written in place)",
            merged.display(),
            target.other_links
        );
    }
    Ok(())
}

fn finish(name: &str, left: usize) -> Status {
    if left == 0 {
        println!("{name}: merged cleanly by mlmerge");
        Status::Clean
    } else {
        println!(
            "{name}: {left} clash{} left, marked in the file",
            if left == 1 { "" } else { "es" }
        );
        Status::Conflicts
    }
}

/// Asks about each conflict region in turn and replaces the settled ones.
fn walk(
    segments: &mut [Segment],
    report: &Report,
    merged: &Path,
    paint: Paint,
) -> Result<(), CliError> {
    let clashes: Vec<&Decision> = report.clashes().collect();
    let total = segments
        .iter()
        .filter(|s| matches!(s, Segment::Conflict(_)))
        .count();
    let mut stdin = std::io::stdin().lock();
    let mut number = 0;
    for segment in segments.iter_mut() {
        let Segment::Conflict(region) = segment else {
            continue;
        };
        number += 1;
        let subject = describe(region, &clashes, number - 1, total);
        let values = clash_view::value_clash(region);
        show(number, total, merged, subject.as_deref());
        match &values {
            Some(values) => print!("{}", clash_view::show_values(values, paint)),
            None => show_sides(region, paint),
        }
        let prompt = match &values {
            Some(values) => value_prompt(values, paint),
            None => PROMPT.to_string(),
        };
        let Some(choice) = ask(&mut stdin, region, merged, &prompt)? else {
            break;
        };
        if let Some(text) = region.resolve(&choice) {
            *segment = Segment::Text(text);
        }
    }
    Ok(())
}

/// The clash decision describing `region` in model terms: the one whose
/// texts the region holds, else the one at the same position when the
/// counts agree.
fn describe(
    region: &ConflictRegion,
    clashes: &[&Decision],
    index: usize,
    total: usize,
) -> Option<String> {
    let holds = |d: &&&Decision| {
        let inside = |side: &Option<String>, text: &str| {
            side.as_deref()
                .is_some_and(|s| !s.trim().is_empty() && text.contains(s.trim()))
        };
        inside(&d.ours, &region.ours) && inside(&d.theirs, &region.theirs)
    };
    let found = clashes.iter().find(holds).or_else(|| {
        (clashes.len() == total)
            .then(|| clashes.get(index))
            .flatten()
    });
    found.map(|d| format!("{}: {}", d.subject, d.detail))
}

fn show(number: usize, total: usize, merged: &Path, subject: Option<&str>) {
    println!(
        "\nClash {number} of {total} in {}{}",
        merged.display(),
        subject.map(|s| format!(": {s}")).unwrap_or_default()
    );
}

/// Each side whole, the tokens that differ from the other side highlighted.
fn show_sides(region: &ConflictRegion, paint: Paint) {
    print!(
        "{}",
        clash_view::show_side("ours", &region.ours, &region.theirs, paint)
    );
    if let Some(base) = &region.base {
        print!(
            "{}",
            clash_view::show_side("base", base, &region.ours, paint)
        );
    }
    print!(
        "{}",
        clash_view::show_side("theirs", &region.theirs, &region.ours, paint)
    );
}

/// The prompt naming the values: `[o]urs 0.0001, [t]heirs 0.01, ...`.
fn value_prompt(values: &clash_view::ValueClash, paint: Paint) -> String {
    let mut prompt = format!(
        "[o]urs {}, [t]heirs {}, ",
        paint.side("ours", &values.ours),
        paint.side("theirs", &values.theirs)
    );
    if let Some(base) = &values.base {
        prompt.push_str(&format!("[b]ase {}, ", paint.side("base", base)));
    }
    prompt.push_str(VALUE_PROMPT_END);
    prompt
}

/// Reads answers until one is valid; `None` means quit (or end of input).
fn ask(
    stdin: &mut impl BufRead,
    region: &ConflictRegion,
    merged: &Path,
    prompt: &str,
) -> Result<Option<Choice>, CliError> {
    loop {
        print!("{prompt}");
        std::io::stdout().flush()?;
        let mut answer = String::new();
        if stdin.read_line(&mut answer)? == 0 {
            println!();
            return Ok(None);
        }
        let choice = match answer.trim() {
            "o" | "ours" => Choice::Ours,
            "t" | "theirs" => Choice::Theirs,
            "ot" => Choice::OursThenTheirs,
            "to" => Choice::TheirsThenOurs,
            "b" | "base" if region.base.is_some() => Choice::Base,
            "b" | "base" => {
                println!("this clash has no base version (both sides added it)");
                continue;
            }
            "e" | "edit" => match edit(region, merged) {
                Ok(text) => Choice::Edited(text),
                Err(e) => {
                    println!("the editor failed: {e}");
                    continue;
                }
            },
            "s" | "skip" => Choice::Skip,
            "q" | "quit" => return Ok(None),
            other => {
                println!("unknown answer `{other}`");
                continue;
            }
        };
        return Ok(Some(choice));
    }
}

/// Opens the region, markers and all, in the editor git would use, in a
/// fresh temporary file, and returns what the person saved.
fn edit(region: &ConflictRegion, merged: &Path) -> Result<String, CliError> {
    let editor = editor();
    let ext = merged
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    // A new file of our own (never a path someone could have put a
    // symlink at), removed when `file` is dropped.
    let mut file = tempfile::Builder::new()
        .prefix("mlmerge-clash-")
        .suffix(&ext)
        .tempfile()?;
    file.write_all(region.render(ConflictStyle::Diff3).as_bytes())?;
    file.flush()?;
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg("sh")
        .arg(file.path())
        .status();
    let text = std::fs::read_to_string(file.path());
    match status {
        Ok(s) if s.success() => Ok(text?),
        Ok(s) => Err(format!("`{editor}` exited with {s}").into()),
        Err(e) => Err(format!("cannot run `{editor}`: {e}").into()),
    }
}

/// The editor as git chooses it (`git var GIT_EDITOR`: `GIT_EDITOR`,
/// `core.editor`, `VISUAL`, `EDITOR`, then its default); without git,
/// `EDITOR`, then `VISUAL`, then `vi`.
fn editor() -> String {
    let from_git = Command::new("git")
        .args(["var", "GIT_EDITOR"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|e| !e.is_empty());
    from_git.unwrap_or_else(|| {
        ["EDITOR", "VISUAL"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()))
            .unwrap_or_else(|| "vi".into())
    })
}
