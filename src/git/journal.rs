//! The driver's decision log, `<git dir>/mlmerge/journal.jsonl`: one JSON
//! line per file the driver merged, so `mlmerge report` can show what was
//! decided on files that merged cleanly and left no trace in the index.
//!
//! Git writes MERGE_HEAD, REBASE_HEAD and CHERRY_PICK_HEAD only after its
//! drivers ran, so an entry is keyed by what the driver can see: HEAD at
//! merge time, the path, and the blob ids of ours, theirs and the result.
//! An entry is current only while HEAD is unchanged and the index still
//! holds its sides (conflicted) or its result (resolved); entries of
//! earlier merges are never shown as current. The file is bounded: past
//! [`MAX_BYTES`] the oldest half is dropped, and each entry keeps at most
//! [`MAX_DECISIONS`] decisions of at most [`MAX_TEXT`] bytes of text.

use std::io::Write;
use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository};
use serde::{Deserialize, Serialize};

use crate::core::merge3::Merge3;
use crate::decisions::DecisionRecord;
use crate::pipeline::MergeOutcome;

pub const MAX_BYTES: u64 = 1 << 20;
pub const MAX_DECISIONS: usize = 100;
pub const MAX_TEXT: usize = 2000;

/// What the driver decided for one file: one JSON line of the journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// HEAD when the driver ran; `None` on an unborn branch.
    pub head: Option<String>,
    /// The file's path in the repository (`%P`).
    pub path: String,
    /// Blob ids of ours, theirs and the merged result.
    pub ours: String,
    pub theirs: String,
    pub result: String,
    pub clean: bool,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub method: String,
    /// The report's decisions, in the report schema's decision form.
    pub decisions: Vec<DecisionRecord>,
    #[serde(default)]
    pub decisions_omitted: usize,
    /// Seconds since the Unix epoch.
    #[serde(default)]
    pub time: u64,
}

impl JournalEntry {
    /// The entry for one merge the driver just made.
    pub fn new(
        head: Option<Oid>,
        path: &str,
        versions: Merge3<&[u8]>,
        outcome: &MergeOutcome,
    ) -> Self {
        let decisions = &outcome.report.decisions;
        Self {
            head: head.map(|h| h.to_string()),
            path: path.to_string(),
            ours: blob_id(versions.ours),
            theirs: blob_id(versions.theirs),
            result: blob_id(&outcome.bytes),
            clean: outcome.is_clean(),
            kind: outcome.kind.as_str().to_string(),
            method: match outcome.method {
                crate::Method::LineMerge => "line-merge".into(),
                crate::Method::Structured => "structured".into(),
            },
            decisions: decisions
                .iter()
                .take(MAX_DECISIONS)
                .map(|d| clip_decision(d.record()))
                .collect(),
            decisions_omitted: decisions.len().saturating_sub(MAX_DECISIONS),
            time: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        }
    }
}

/// The git blob id of `bytes`, as git would store them.
pub fn blob_id(bytes: &[u8]) -> String {
    Oid::hash_object(ObjectType::Blob, bytes)
        .map(|o| o.to_string())
        .unwrap_or_default()
}

/// `decision` with each text cut to [`MAX_TEXT`] bytes (on a character
/// boundary), an ellipsis marking the cut.
fn clip_decision(mut decision: DecisionRecord) -> DecisionRecord {
    let clip = |text: &mut String| {
        if text.len() > MAX_TEXT {
            let mut cut = MAX_TEXT;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            text.push('…');
        }
    };
    let texts = [&mut decision.subject, &mut decision.detail]
        .into_iter()
        .chain(decision.ours.as_mut())
        .chain(decision.theirs.as_mut());
    texts.for_each(clip);
    decision
}

/// Where the journal of `repo` lives (per work tree).
pub fn path(repo: &Repository) -> PathBuf {
    repo.path().join("mlmerge").join("journal.jsonl")
}

/// Records the driver's merge of `file` when it runs inside a repository.
/// Every failure is swallowed: a log must never fail a merge.
pub fn record_quietly(file: &Path, versions: Merge3<&[u8]>, outcome: &MergeOutcome) {
    let Ok(repo) = Repository::open_from_env() else {
        return;
    };
    let head = repo.head().ok().and_then(|h| h.target());
    let entry = JournalEntry::new(head, &file.to_string_lossy(), versions, outcome);
    let _ = append(&path(&repo), &entry);
}

/// Appends `entry`, first dropping the oldest half when the file would
/// grow past [`MAX_BYTES`].
pub fn append(journal: &Path, entry: &JournalEntry) -> std::io::Result<()> {
    let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
    line.push('\n');
    if let Some(dir) = journal.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let size = std::fs::metadata(journal).map_or(0, |m| m.len());
    if size + line.len() as u64 > MAX_BYTES {
        let old = std::fs::read_to_string(journal).unwrap_or_default();
        let mut kept: Vec<&str> = Vec::new();
        let mut total = line.len();
        for old_line in old.lines().rev() {
            total += old_line.len() + 1;
            if total as u64 > MAX_BYTES / 2 {
                break;
            }
            kept.push(old_line);
        }
        let mut content: String = kept.iter().rev().map(|l| format!("{l}\n")).collect();
        content.push_str(&line);
        return crate::core::output::write_atomic(journal, content.as_bytes());
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(journal)?;
    file.write_all(line.as_bytes())
}

/// Every readable entry, oldest first; unreadable lines are skipped.
pub fn read(journal: &Path) -> Vec<JournalEntry> {
    let Ok(text) = std::fs::read_to_string(journal) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| serde_json::from_str::<JournalEntry>(l).ok())
        .collect()
}

/// The newest entry per path among those `is_current` accepts, by path.
pub fn latest_per_path(
    entries: Vec<JournalEntry>,
    is_current: impl Fn(&JournalEntry) -> bool,
) -> Vec<JournalEntry> {
    let mut latest: Vec<JournalEntry> = Vec::new();
    for entry in entries.into_iter().filter(|e| is_current(e)) {
        match latest.iter_mut().find(|e| e.path == entry.path) {
            Some(slot) => *slot = entry,
            None => latest.push(entry),
        }
    }
    latest.sort_by(|a, b| a.path.cmp(&b.path));
    latest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, decisions: usize) -> JournalEntry {
        JournalEntry {
            head: Some("a".repeat(40)),
            path: path.into(),
            ours: blob_id(b"o"),
            theirs: blob_id(b"t"),
            result: blob_id(b"r"),
            clean: true,
            kind: "python".into(),
            method: "structured".into(),
            decisions: (0..decisions)
                .map(|i| {
                    crate::decisions::Decision::new(
                        crate::decisions::DecisionKind::TookOurs,
                        i.to_string(),
                        "",
                    )
                    .record()
                })
                .collect(),
            decisions_omitted: 0,
            time: 1,
        }
    }

    #[test]
    fn round_trips_and_stays_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("mlmerge/journal.jsonl");
        for i in 0..400 {
            append(&journal, &entry(&format!("f{i}.py"), 100)).unwrap();
        }
        assert!(std::fs::metadata(&journal).unwrap().len() <= MAX_BYTES);
        let entries = read(&journal);
        assert_eq!(entries.last().unwrap(), &entry("f399.py", 100));
        assert!(entries.len() < 400, "old entries were dropped");
    }

    #[test]
    fn blob_id_matches_git() {
        // `printf 'hello\n' | git hash-object --stdin`
        assert_eq!(
            blob_id(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
    }

    #[test]
    fn latest_entry_wins() {
        let mut newer = entry("a.py", 1);
        newer.time = 2;
        let latest = latest_per_path(
            vec![entry("a.py", 1), newer.clone(), entry("b.py", 0)],
            |_| true,
        );
        assert_eq!(latest, vec![newer, entry("b.py", 0)]);
    }
}
