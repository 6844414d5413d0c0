//! Issuer-registered values for the `compact` profile: strings both sides already know
//! (the issuer, audiences, scope names, ...) carried in a token as small numbers.
//!
//! The registry is an ordered list; a value's number is its index. Its fingerprint, the
//! first [`FINGERPRINT_LEN`] bytes of SHA-256 over a canonical encoding of the whole list,
//! travels in every token that uses a number, so a verifier holding another list refuses
//! the token ([`Error::RegistryMismatch`]) rather than reading a number as its own value,
//! unless the two lists' fingerprints are equal: see [`Registry`] for what that costs.

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::profile::compact::wire::varint;

/// Length of a registry fingerprint, in bytes: 128 bits, so that two colliding registries
/// cost about 2^64 hash calls to find (the birthday bound) even when the attacker writes
/// values into both.
pub const FINGERPRINT_LEN: usize = 16;

/// The most values a registry may hold.
pub const MAX_REGISTERED: usize = 1024;

/// Domain separation for the fingerprint: no other SHA-256 input of this crate starts so.
/// It names the format version: a list's version-1 and version-2 fingerprints are unrelated.
const DOMAIN: &[u8] = b"compact-token registry v2\0";

/// An ordered list of registered values, and its fingerprint.
///
/// Issuer and verifiers must configure the same list, in the same order: any difference
/// changes the fingerprint, and tokens using numbers are then refused. Tokens that use no
/// number carry no fingerprint and verify under any registry.
///
/// # Security
///
/// A verifier misreads a number only if its list and the issuer's differ but have equal
/// fingerprints. Registries are public configuration, not secrets, and some values
/// (audiences, scope names) may be contributed by parties the issuer does not fully trust.
/// Two lists with equal fingerprints, where number `k` is `api-a` in one and `api-b` in the
/// other, would let a genuine token for `api-a` verify at `api-b` (or one scope be read as
/// another): the signature is intact, only the fingerprint tells the lists apart. With
/// [`FINGERPRINT_LEN`] = 16 bytes, finding such a pair costs about 2^64 SHA-256 calls even
/// to an attacker who chooses values in both lists, and matching a given list about 2^128.
/// (Format version 1 carried 4 bytes: a pair took about 2^17 calls, under a second; its
/// tokens are refused.) `FORMAT.md` states the threat model in full.
///
/// ```
/// use compact_token::Registry;
///
/// let registry = Registry::new(&[
///     "https://auth.example.com", // 0
///     "https://api.example.com",  // 1
///     "read:orders",              // 2
///     "write:orders",             // 3
/// ])?;
/// assert_eq!(registry.number_of("read:orders"), Some(2));
/// assert_eq!(registry.get(1), Some("https://api.example.com"));
/// # Ok::<(), compact_token::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Registry<'r> {
    values: &'r [&'r str],
    fingerprint: [u8; FINGERPRINT_LEN],
}

impl Registry<'static> {
    /// The empty registry: every value is carried as a string.
    pub const EMPTY: Registry<'static> = Registry {
        values: &[],
        // `fingerprint_of(&[])`, checked by a unit test.
        fingerprint: [
            0xef, 0x60, 0x47, 0x81, 0x93, 0xa8, 0xc6, 0x57, 0xa4, 0x66, 0xf3, 0x9f, 0x18, 0xf6,
            0x87, 0x38,
        ],
    };
}

impl<'r> Registry<'r> {
    /// A registry of `values`, numbered from 0 in order.
    ///
    /// [`Error::InvalidPolicy`] if a value appears twice, holds U+0000 (no claim may:
    /// the `compact` decoder takes registered values as checked), or there are more than
    /// [`MAX_REGISTERED`].
    pub fn new(values: &'r [&'r str]) -> Result<Self> {
        if values.len() > MAX_REGISTERED {
            return Err(Error::InvalidPolicy);
        }
        for (i, v) in values.iter().enumerate() {
            if values[..i].contains(v) || v.as_bytes().contains(&0) {
                return Err(Error::InvalidPolicy);
            }
        }
        Ok(Self {
            values,
            fingerprint: fingerprint_of(values),
        })
    }

    /// The registered values, in number order.
    pub const fn values(&self) -> &'r [&'r str] {
        self.values
    }

    /// The fingerprint carried in tokens that use a number of this registry.
    pub const fn fingerprint(&self) -> [u8; FINGERPRINT_LEN] {
        self.fingerprint
    }

    /// The number of `value`, if registered.
    pub fn number_of(&self, value: &str) -> Option<u32> {
        let i = self.values.iter().position(|v| *v == value)?;
        // MAX_REGISTERED keeps every index far below u32::MAX.
        u32::try_from(i).ok()
    }

    /// The value registered as `number`, if any.
    pub fn get(&self, number: u64) -> Option<&'r str> {
        usize::try_from(number)
            .ok()
            .and_then(|i| self.values.get(i))
            .copied()
    }
}

/// SHA-256 over `DOMAIN || varint(count) || (varint(len) || bytes)*`, first
/// [`FINGERPRINT_LEN`] bytes. The varints are postcard's (LEB128): the same ones the tokens
/// use. Length prefixes make the encoding injective, so equal fingerprints of different
/// lists are SHA-256 collisions (on the truncated output), never encoding ambiguities.
fn fingerprint_of(values: &[&str]) -> [u8; FINGERPRINT_LEN] {
    let mut h = Sha256::new();
    let mut buf = [0u8; 10];
    h.update(DOMAIN);
    h.update(varint(values.len() as u64, &mut buf));
    for v in values {
        h.update(varint(v.len() as u64, &mut buf));
        h.update(v.as_bytes());
    }
    let digest = h.finalize();
    let mut fp = [0u8; FINGERPRINT_LEN];
    fp.copy_from_slice(&digest[..FINGERPRINT_LEN]);
    fp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fingerprint_is_the_computed_one() {
        assert_eq!(Registry::EMPTY.fingerprint, fingerprint_of(&[]));
        assert_eq!(Registry::new(&[]).unwrap(), Registry::EMPTY);
    }

    #[test]
    fn fingerprint_covers_values_and_order() {
        let a = Registry::new(&["x", "y"]).unwrap();
        let b = Registry::new(&["y", "x"]).unwrap();
        let c = Registry::new(&["xy"]).unwrap();
        let d = Registry::new(&["x", "y", ""]).unwrap();
        let fps = [a, b, c, d, Registry::EMPTY].map(|r| r.fingerprint());
        for (i, f) in fps.iter().enumerate() {
            assert!(!fps[i + 1..].contains(f));
        }
    }

    #[test]
    fn refuses_duplicates_and_oversize() {
        assert_eq!(Registry::new(&["a", "b", "a"]), Err(Error::InvalidPolicy));
        let many = [""; MAX_REGISTERED + 1];
        assert_eq!(Registry::new(&many), Err(Error::InvalidPolicy));
        let r = Registry::new(&["a", "b"]).unwrap();
        assert_eq!((r.number_of("b"), r.number_of("c")), (Some(1), None));
        assert_eq!(
            (r.get(0), r.get(2), r.get(u64::MAX)),
            (Some("a"), None, None)
        );
    }
}
