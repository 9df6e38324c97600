//! The one generic three-way value, used for every unit that merges:
//! a line run, a layer, a keyword argument, a cell, a metadata key.

/// Three versions of one thing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Merge3<T> {
    pub base: T,
    pub ours: T,
    pub theirs: T,
}

/// One of the three versions: the common ancestor, ours, or theirs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    Base,
    Ours,
    Theirs,
}

impl Side {
    /// The three versions, in the order of [`Merge3`]'s fields.
    pub const ALL: [Side; 3] = [Side::Base, Side::Ours, Side::Theirs];

    /// The name people and git labels use: `base`, `ours`, `theirs`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Base => "base",
            Self::Ours => "ours",
            Self::Theirs => "theirs",
        }
    }

    /// The other side of the merge (the base stays the base).
    pub fn other(self) -> Self {
        match self {
            Self::Base => Self::Base,
            Self::Ours => Self::Theirs,
            Self::Theirs => Self::Ours,
        }
    }
}

impl<T> Merge3<T> {
    pub fn new(base: T, ours: T, theirs: T) -> Self {
        Self { base, ours, theirs }
    }

    /// The version of `side`.
    pub fn get(&self, side: Side) -> &T {
        match side {
            Side::Base => &self.base,
            Side::Ours => &self.ours,
            Side::Theirs => &self.theirs,
        }
    }

    /// The version of `side`, by value.
    pub fn take(self, side: Side) -> T {
        match side {
            Side::Base => self.base,
            Side::Ours => self.ours,
            Side::Theirs => self.theirs,
        }
    }

    pub fn map<U>(self, f: impl Fn(T) -> U) -> Merge3<U> {
        Merge3::new(f(self.base), f(self.ours), f(self.theirs))
    }

    /// Maps each version, stopping at the first error (base, ours, theirs).
    pub fn try_map<U, E>(self, f: impl Fn(T) -> Result<U, E>) -> Result<Merge3<U>, E> {
        Ok(Merge3::new(f(self.base)?, f(self.ours)?, f(self.theirs)?))
    }

    /// Pairs each version with the same version of `other`.
    pub fn zip<U>(self, other: Merge3<U>) -> Merge3<(T, U)> {
        Merge3::new(
            (self.base, other.base),
            (self.ours, other.ours),
            (self.theirs, other.theirs),
        )
    }

    /// The versions with their sides: base, ours, theirs.
    pub fn iter(&self) -> impl Iterator<Item = (Side, &T)> {
        Side::ALL
            .into_iter()
            .map(move |side| (side, self.get(side)))
    }

    pub fn map_ref<U>(&self, f: impl Fn(&T) -> U) -> Merge3<U> {
        Merge3::new(f(&self.base), f(&self.ours), f(&self.theirs))
    }

    pub fn as_ref(&self) -> Merge3<&T> {
        Merge3::new(&self.base, &self.ours, &self.theirs)
    }

    /// Swaps ours and theirs.
    pub fn swapped(self) -> Self {
        Merge3::new(self.base, self.theirs, self.ours)
    }
}

impl<T: PartialEq> Merge3<T> {
    /// The side to take when at most one side changed, or both made the
    /// same change (then ours, equal to theirs: see [`Self::same_change`]);
    /// `None` when they changed it differently.
    pub fn trivial_side(&self) -> Option<Side> {
        let ours_changed = self.ours != self.base;
        let theirs_changed = self.theirs != self.base;
        match (ours_changed, theirs_changed) {
            (false, false) => Some(Side::Base),
            (true, false) => Some(Side::Ours),
            (false, true) => Some(Side::Theirs),
            (true, true) if self.ours == self.theirs => Some(Side::Ours),
            (true, true) => None,
        }
    }

    /// Whether both sides made the same change.
    pub fn same_change(&self) -> bool {
        self.ours == self.theirs && self.ours != self.base
    }

    /// The merged value when the merge is trivial.
    pub fn resolve_trivial(self) -> Option<T> {
        let side = self.trivial_side()?;
        Some(self.take(side))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trivial_merges() {
        assert_eq!(Merge3::new(1, 1, 1).resolve_trivial(), Some(1));
        assert_eq!(Merge3::new(1, 2, 1).resolve_trivial(), Some(2));
        assert_eq!(Merge3::new(1, 1, 3).resolve_trivial(), Some(3));
        assert_eq!(Merge3::new(1, 4, 4).resolve_trivial(), Some(4));
        assert_eq!(Merge3::new(1, 2, 3).resolve_trivial(), None);
        assert!(Merge3::new(1, 4, 4).same_change());
        assert!(!Merge3::new(1, 1, 1).same_change());
    }

    #[test]
    fn sides_address_the_versions() {
        let m = Merge3::new("b", "o", "t");
        assert_eq!(
            m.iter().map(|(s, v)| (s.name(), *v)).collect::<Vec<_>>(),
            [("base", "b"), ("ours", "o"), ("theirs", "t")]
        );
        assert_eq!(*m.get(Side::Theirs), "t");
        assert_eq!(m.zip(Merge3::new(1, 2, 3)).take(Side::Ours), ("o", 2));
        assert_eq!(
            Merge3::new(1, 2, 3).try_map(|v| if v < 3 { Ok(v) } else { Err(v) }),
            Err(3)
        );
        assert_eq!(Side::Ours.other(), Side::Theirs);
    }
}
