//! `mlmerge mergetool BASE LOCAL REMOTE MERGED`, for
//! `git mergetool --tool=mlmerge`: the structured merge into MERGED, then,
//! on a terminal, a walk through the clashes left, each settled by ours,
//! theirs, both, base, an editor, or skipped.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Args;
use mlmerge::core::conflicts::{self, Choice, ConflictRegion, Segment};
use mlmerge::core::merge3::Merge3;
use mlmerge::core::output;
use mlmerge::core::render::Markers;
use mlmerge::decisions::{Decision, Report};
use mlmerge::{pipeline, ConflictStyle, MergeOptions};

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
}

const PROMPT: &str = "[o]urs, [t]heirs, [ot] both ours first, [to] both theirs first, [b]ase, [e]dit, [s]kip, [q]uit? ";

pub fn run(args: MergetoolArgs) -> Result<Status, CliError> {
    let read = |role: &str, path: &Path| {
        std::fs::read(path)
            .map_err(|e| format!("cannot read the {role} version {}: {e}", path.display()))
    };
    let base = std::fs::read(&args.base).unwrap_or_default();
    let versions = Merge3::new(
        base,
        read("local", &args.local)?,
        read("remote", &args.remote)?,
    );
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
    let text = match String::from_utf8(outcome.bytes.clone()) {
        Ok(text) if interactive && !outcome.is_clean() => text,
        _ => {
            write(&args.merged, &outcome.bytes)?;
            return Ok(finish(&name.to_string(), outcome.conflicts));
        }
    };
    let size = Markers::for_inputs(&options, &[inputs.base, inputs.ours, inputs.theirs]).size;
    let mut segments = conflicts::parse(&text, Some(size));
    walk(&mut segments, &outcome.report, &args.merged)?;
    let merged = conflicts::join(&segments, style);
    write(&args.merged, merged.as_bytes())?;
    Ok(finish(
        &name.to_string(),
        conflicts::regions(&merged, Some(size)).len(),
    ))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    output::write_atomic(path, bytes)
        .map_err(|e| format!("cannot write the merged result to {}: {e}", path.display()).into())
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
fn walk(segments: &mut [Segment], report: &Report, merged: &Path) -> Result<(), CliError> {
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
        show(region, number, total, merged, subject.as_deref());
        let Some(choice) = ask(&mut stdin, region, merged)? else {
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

fn show(
    region: &ConflictRegion,
    number: usize,
    total: usize,
    merged: &Path,
    subject: Option<&str>,
) {
    println!(
        "\nClash {number} of {total} in {}{}",
        merged.display(),
        subject.map(|s| format!(": {s}")).unwrap_or_default()
    );
    print_side("ours", &region.ours);
    if let Some(base) = &region.base {
        print_side("base", base);
    }
    print_side("theirs", &region.theirs);
}

fn print_side(title: &str, text: &str) {
    println!("--- {title}");
    print!("{text}");
    if !text.is_empty() && !text.ends_with('\n') {
        println!();
    }
}

/// Reads answers until one is valid; `None` means quit (or end of input).
fn ask(
    stdin: &mut impl BufRead,
    region: &ConflictRegion,
    merged: &Path,
) -> Result<Option<Choice>, CliError> {
    loop {
        print!("{PROMPT}");
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

/// Opens the region, markers and all, in `$EDITOR` (then `$VISUAL`, then
/// `vi`) and returns what the person saved.
fn edit(region: &ConflictRegion, merged: &Path) -> Result<String, CliError> {
    let editor = ["EDITOR", "VISUAL"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()))
        .unwrap_or_else(|| "vi".into());
    let ext = merged
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let file = tempfile_path(&ext);
    std::fs::write(&file, region.render(ConflictStyle::Diff3))?;
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg("sh")
        .arg(&file)
        .status();
    let text = std::fs::read_to_string(&file);
    let _ = std::fs::remove_file(&file);
    match status {
        Ok(s) if s.success() => Ok(text?),
        Ok(s) => Err(format!("`{editor}` exited with {s}").into()),
        Err(e) => Err(format!("cannot run `{editor}`: {e}").into()),
    }
}

fn tempfile_path(ext: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    std::env::temp_dir().join(format!("mlmerge-clash-{}-{nanos}{ext}", std::process::id()))
}
