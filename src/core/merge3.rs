//! The one generic three-way value, used for every unit that merges:
//! a line run, a layer, a keyword argument, a cell, a metadata key.

/// Three versions of one thing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Merge3<T> {
    pub base: T,
    pub ours: T,
    pub theirs: T,
}

/// Which side a trivially resolved value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Base,
    Ours,
    Theirs,
    Both,
}

impl<T> Merge3<T> {
    pub fn new(base: T, ours: T, theirs: T) -> Self {
        Self { base, ours, theirs }
    }

    pub fn map<U>(self, f: impl Fn(T) -> U) -> Merge3<U> {
        Merge3::new(f(self.base), f(self.ours), f(self.theirs))
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
    /// same change; `None` when they changed it differently.
    pub fn trivial_side(&self) -> Option<Side> {
        let ours_changed = self.ours != self.base;
        let theirs_changed = self.theirs != self.base;
        match (ours_changed, theirs_changed) {
            (false, false) => Some(Side::Base),
            (true, false) => Some(Side::Ours),
            (false, true) => Some(Side::Theirs),
            (true, true) if self.ours == self.theirs => Some(Side::Both),
            (true, true) => None,
        }
    }

    /// The merged value when the merge is trivial.
    pub fn resolve_trivial(self) -> Option<T> {
        match self.trivial_side()? {
            Side::Base => Some(self.base),
            Side::Ours | Side::Both => Some(self.ours),
            Side::Theirs => Some(self.theirs),
        }
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
    }
}
