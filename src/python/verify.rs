//! The check of a clean structured merge of Python: the result parses
//! again, and each merged region holds exactly the planned elements.

use std::collections::HashMap;

use crate::python::parse::parse;
use crate::python::regions::Region;

/// What a clean structured result failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyError {
    DoesNotParse,
    /// A merged region is not found again (its key).
    LostRegion(String),
    /// A merged region holds other elements than planned (its key).
    WrongElements(String),
    /// A name defined more often than either side defines it.
    DoubledDefinition(String),
    /// A line the result holds more often than either side.
    DoubledLine(String),
    /// A dictionary key the result writes twice where no side does.
    DoubledKey(String),
    /// A clean result no structured rule decided anything in (the line
    /// diff the structured merge starts from settled it) where git's line
    /// merge of the same texts clashes: two diffs read the sides' changes
    /// differently.
    LineDiffsDisagree,
    /// The line check rejected a clean line merge (its reason) and the
    /// merge of the whole file could not replace it: it could not run, or
    /// it gave the same clean text again.
    LineCheckRejected(String),
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::DoesNotParse => f.write_str("the merged result does not parse"),
            Self::LostRegion(key) => write!(f, "the merged result lost the region {key}"),
            Self::DoubledDefinition(name) => {
                write!(
                    f,
                    "the merge would define `{name}` more often than either side"
                )
            }
            Self::DoubledLine(line) => write!(
                f,
                "the merge would hold `{line}` more often than either side"
            ),
            Self::DoubledKey(key) => {
                write!(f, "the merge would write the dictionary key {key} twice")
            }
            Self::LineDiffsDisagree => f.write_str(
                "no structured rule decided, a version does not parse, and the structured merge's line diff settles what git's line merge clashes on",
            ),
            Self::LineCheckRejected(why) => write!(
                f,
                "the clean line merge was not certain ({why}) and the merge of the whole file could not replace it"
            ),
            Self::WrongElements(key) => write!(
                f,
                "the merged region {key} does not hold the planned elements"
            ),
        }
    }
}

/// The clean result must parse, and each merged region must hold exactly
/// the elements the plan put there.
pub fn verify(text: &str, expected: &[(String, Vec<Option<String>>)]) -> Result<(), VerifyError> {
    let parsed = parse(text).map_err(|_| VerifyError::DoesNotParse)?;
    let regions: HashMap<&str, &Region> =
        parsed.regions.iter().map(|r| (r.key.as_str(), r)).collect();
    for (key, tokens) in expected {
        let region = regions
            .get(key.as_str())
            .ok_or_else(|| VerifyError::LostRegion(key.clone()))?;
        let ok = region.units.len() == tokens.len()
            && region
                .units
                .iter()
                .zip(tokens)
                .all(|(u, t)| t.as_ref().is_none_or(|t| *t == u.tokens));
        if !ok {
            return Err(VerifyError::WrongElements(key.clone()));
        }
    }
    Ok(())
}
