//! Owned copies of claims: verified claims borrow from the caller's scratch buffer, so a
//! caller that keeps them past the buffer (a session, a cache, another thread) converts
//! every string at once — into `heapless::String<N>` with no heap, or into `String` with
//! the `alloc` feature.

use super::{AccessClaims, IdClaims, List};
use crate::error::{Error, Result};

/// `value` converted by `f`, if present.
pub(super) fn map_opt<S, T, E>(
    value: &Option<S>,
    f: &mut impl FnMut(&S) -> core::result::Result<T, E>,
) -> core::result::Result<Option<T>, E> {
    value.as_ref().map(f).transpose()
}

impl<S, const N: usize> List<S, N> {
    /// The list with every value converted by `f` (the first error stops it).
    pub(crate) fn map_each<T, E>(
        &self,
        f: &mut impl FnMut(&S) -> core::result::Result<T, E>,
    ) -> core::result::Result<List<T, N>, E> {
        let mut items = heapless::Vec::new();
        for item in &self.items {
            // Same capacity as `self.items`: the push cannot fail.
            let _ = items.push(f(item)?);
        }
        Ok(List {
            items,
            overflow: self.overflow,
        })
    }
}

impl<S: AsRef<str>, const N: usize> List<S, N> {
    /// The list with every value converted by `f` (the first error stops it).
    pub fn try_map<T, E>(
        &self,
        f: &mut impl FnMut(&str) -> core::result::Result<T, E>,
    ) -> core::result::Result<List<T, N>, E> {
        self.map_each(&mut |s| f(s.as_ref()))
    }
}

/// The owned conversions every claims type offers, written once over its `try_map`.
macro_rules! owned_conversions {
    ($claims:ident) => {
        impl<S: AsRef<str>> $claims<S> {
            /// A copy that owns its strings without a heap: every string (custom claims'
            /// JSON text included) in a `heapless::String<N>`; [`Error::BufferTooSmall`]
            /// (`needed`: that string's length) for the first one longer than `N` bytes.
            pub fn to_heapless<const N: usize>(&self) -> Result<$claims<heapless::String<N>>> {
                self.try_map(|s| {
                    heapless::String::try_from(s)
                        .map_err(|_| Error::BufferTooSmall { needed: s.len() })
                })
            }

            /// A copy that owns its strings on the heap, to keep verified claims past the
            /// scratch buffer they borrow from.
            #[cfg(feature = "alloc")]
            pub fn to_owned(&self) -> $claims<alloc::string::String> {
                match self.try_map(|s| Ok::<_, core::convert::Infallible>(s.into())) {
                    Ok(owned) => owned,
                    Err(never) => match never {},
                }
            }
        }
    };
}

owned_conversions!(AccessClaims);
owned_conversions!(IdClaims);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_overflow_survives_the_copy() {
        let mut list: List<&str, 2> = List::new();
        list.push("a").unwrap();
        list.overflow = true;
        let copy = list
            .try_map(&mut |s| Ok::<_, ()>(heapless::String::<4>::try_from(s).unwrap()))
            .unwrap();
        assert_eq!(copy.as_slice(), ["a"]);
        assert_eq!(copy.check(), Err(Error::TooManyValues));
    }
}
