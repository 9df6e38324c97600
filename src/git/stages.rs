//! The conflict stages of an index (1 base, 2 ours, 3 theirs), read through
//! git2, with blob contents loaded only up to a size limit so a huge file
//! cannot make `mlmerge report` slow or hungry.

use git2::{Index, Oid, Repository};

use crate::core::merge3::Merge3;

/// One side's version of a conflicted file.
#[derive(Clone, Debug)]
pub struct Version {
    pub id: Oid,
    pub size: usize,
    /// `None` when larger than the limit, or not a blob (a submodule).
    pub content: Option<Vec<u8>>,
}

/// A path with conflict stages; a missing side was deleted there (or,
/// for the base, added on both sides).
#[derive(Clone, Debug)]
pub struct ConflictedFile {
    pub path: String,
    pub versions: Merge3<Option<Version>>,
}

/// The conflicted paths of `index`, sorted, contents loaded up to
/// `max_bytes` per version.
pub fn conflicted_files(
    repo: &Repository,
    index: &Index,
    max_bytes: usize,
) -> Result<Vec<ConflictedFile>, git2::Error> {
    let odb = repo.odb()?;
    let load = |entry: Option<git2::IndexEntry>| -> Option<Version> {
        let entry = entry?;
        let size = odb.read_header(entry.id).map_or(0, |(size, _)| size);
        let is_blob = entry.mode & 0o170000 != 0o160000;
        let content = (is_blob && size <= max_bytes)
            .then(|| repo.find_blob(entry.id).ok().map(|b| b.content().to_vec()))
            .flatten();
        Some(Version {
            id: entry.id,
            size,
            content,
        })
    };
    let mut files = Vec::new();
    for conflict in index.conflicts()? {
        let conflict = conflict?;
        let path = [&conflict.our, &conflict.their, &conflict.ancestor]
            .into_iter()
            .flatten()
            .map(|e| String::from_utf8_lossy(&e.path).into_owned())
            .next()
            .unwrap_or_default();
        files.push(ConflictedFile {
            path,
            versions: Merge3::new(
                load(conflict.ancestor),
                load(conflict.our),
                load(conflict.their),
            ),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
