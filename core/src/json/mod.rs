//! The one JSON reader of this crate, and its writer.
//!
//! Every JSON byte this crate reads — JOSE headers, `jwt` claims, and your own types through
//! [`from_slice`] — goes through one strict, allocation-free reader, so no two parsers can
//! see different values in one token:
//!
//! - **RFC 8259 exactly**: the grammar (no trailing or leading commas, no missing
//!   separators, nothing after the value but whitespace), every escape checked
//!   (`\uXXXX` must name a Unicode scalar value: surrogates only in pairs), no raw control
//!   characters in strings, numbers as §6 defines them, UTF-8 only.
//! - **Bounded nesting**: arrays and objects nest at most [`MAX_DEPTH`] deep
//!   ([`Error::NestingTooDeep`] beyond). The reader recurses once per level and never more,
//!   so its stack use has a fixed bound whatever the input.
//! - **No duplicate member names, at any depth**, compared after unescaping (`"a"` and
//!   `"\u0061"` are the same name): refused with [`Error::DuplicateMember`]. RFC 7515 §5.2
//!   and RFC 7519 §4 require it; lenient parsers that keep the first or the last are how
//!   two libraries come to read different claims from one token.
//! - **Integers stay integers**: dates are read as exact integers with no floating point;
//!   a fraction or exponent in a date is [`Error::InvalidDate`]. Other numbers are checked
//!   against the grammar and converted only when a type asks for one (integers exactly,
//!   floats to the nearest `f64`, refusing one beyond its range such as `1e400`, as
//!   `serde_json` does); a number nobody converts, in an unknown or custom claim, is kept
//!   as its text.
//! - **One pass, zero-copy**: strings without escapes are borrowed from the input; escaped
//!   ones are decoded into the caller's scratch buffer, never longer than the input.
//!   Two byte-for-byte shortcuts, neither a second grammar: a header exactly as this crate
//!   writes it, and a typed claim's name and colon exactly as its writer spells them, in
//!   its order (`"iss":`), are recognised by comparison, since the reader reads exactly
//!   those bytes as the same thing; anything else is read.
//!
//! Where it differs from `serde_json` on purpose (the differential fuzz target lists the
//! same): nesting deeper than [`MAX_DEPTH`], duplicate names and, in dates, non-integers
//! are refused; a number beyond `f64`'s range is refused only when converted; everything
//! else is accepted or refused alike, with the same values.
//!
//! Checked before writing it (none meets every requirement above): `serde-json-core` 0.7
//! (skips unknown values with a looser grammar, recursion unbounded by input, duplicates
//! accepted for unmodelled members, escaped strings handed back raw), `microjson` and
//! `picojson` (no duplicate detection), `lite-json` and `nanoserde` (need `alloc`).

mod de;
mod fields;
mod read;
mod write;

pub(crate) use de::{DATE, STR_OR_SEQ, from_claims, object_names};
pub use de::{Deserializer, from_slice};
pub(crate) use fields::{Fields, Spelled, read_object};
#[cfg(feature = "compact-custom-claims")]
pub(crate) use read::Members;
pub(crate) use read::{Chars, Int, RawStr, Reader, depth_within};
pub(crate) use write::Writer;
#[cfg(feature = "compact-custom-claims")]
pub(crate) use write::is_plain;

use crate::error::{Error, Result};

/// The deepest nesting of arrays and objects read anywhere, the outermost object counting
/// as 1: claims (1) may hold arrays and objects (2) that hold arrays and objects (3, 4) —
/// enough for Keycloak's `resource_access.<client>.roles`.
pub const MAX_DEPTH: usize = 4;

/// Bump allocation of unescaped strings out of a caller's scratch buffer.
pub(crate) struct Arena<'b> {
    rest: &'b mut [u8],
}

impl<'b> Arena<'b> {
    /// An arena over `buf`.
    pub fn new(buf: &'b mut [u8]) -> Self {
        Self { rest: buf }
    }

    /// The decoded value of a string token: the token itself when it has no escape
    /// (zero-copy, inlined where it is called), otherwise decoded into the arena.
    #[inline]
    pub fn unescape(&mut self, s: RawStr<'b>) -> Result<&'b str> {
        if !s.escaped {
            return Ok(s.raw);
        }
        self.decode(s)
    }

    /// [`unescape`](Self::unescape) for a string with escapes.
    fn decode(&mut self, s: RawStr<'b>) -> Result<&'b str> {
        let mut len = 0;
        for c in Chars::new(s) {
            let mut utf8 = [0u8; 4];
            let bytes = c.encode_utf8(&mut utf8).as_bytes();
            match self.rest.get_mut(len..len + bytes.len()) {
                Some(dst) => dst.copy_from_slice(bytes),
                // Unescaping never lengthens a string, so callers that reserve as many bytes
                // as the JSON has never get here.
                None => {
                    return Err(Error::BufferTooSmall {
                        needed: s.raw.len(),
                    });
                }
            }
            len += bytes.len();
        }
        let (used, rest) = core::mem::take(&mut self.rest).split_at_mut(len);
        self.rest = rest;
        core::str::from_utf8(used).map_err(|_| Error::MalformedClaims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> RawStr<'_> {
        Reader::new(json).string().unwrap()
    }

    #[test]
    fn unescapes_everything_json_allows() {
        let mut buf = [0u8; 64];
        let mut arena = Arena::new(&mut buf);
        assert_eq!(arena.unescape(raw(r#""plain""#)).unwrap(), "plain");
        assert_eq!(
            arena.unescape(raw(r#""https:\/\/a""#)).unwrap(),
            "https://a"
        );
        assert_eq!(arena.unescape(raw(r#""q\"\\\n\t""#)).unwrap(), "q\"\\\n\t");
        assert_eq!(arena.unescape(raw(r#""\u00e9\u4e2d""#)).unwrap(), "é中");
        assert_eq!(arena.unescape(raw(r#""\ud83d\ude00!""#)).unwrap(), "😀!");
    }

    #[test]
    fn unescape_reports_a_full_arena() {
        let mut buf = [0u8; 3];
        let mut arena = Arena::new(&mut buf);
        assert!(matches!(
            arena.unescape(raw(r#""abcd\/""#)),
            Err(Error::BufferTooSmall { .. })
        ));
    }
}
