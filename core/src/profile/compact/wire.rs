//! Wire primitives of the `compact` profile: postcard varints, presence flags, and strings
//! in their four forms. `FORMAT.md` is the specification; this is its implementation.

use crate::claims::List;
use crate::error::{Error, Result};
use crate::registry::{FINGERPRINT_LEN, Registry};

/// String form: UTF-8 text, `n` bytes.
pub const FORM_TEXT: u64 = 0;
/// String form: `n` lowercase hex digits, two per byte, first digit in the high nibble.
pub const FORM_HEX: u64 = 1;
/// String form: `n` base64url-alphabet characters, 6 bits each, packed most significant
/// bit first (the bytes a base64url decoder would give, whatever `n`).
pub const FORM_B64: u64 = 2;
/// String form: registered value number `n`; no bytes follow.
pub const FORM_REGISTERED: u64 = 3;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const HEX: &[u8; 16] = b"0123456789abcdef";

fn b64_value(c: u8) -> Option<u8> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    })
}

fn is_lower_hex(c: u8) -> bool {
    matches!(c, b'0'..=b'9' | b'a'..=b'f')
}

/// `v` as a postcard varint (unsigned LEB128: 7 bits a byte, least significant first, high
/// bit set on all but the last byte), in `buf`.
pub fn varint(v: u64, buf: &mut [u8; 10]) -> &[u8] {
    // Ten bytes hold any u64: serialization cannot fail.
    postcard::to_slice(&v, buf).map(|s| &*s).unwrap_or_default()
}

/// Bytes that `n` characters of `bits` bits each pack into.
const fn packed_len(n: usize, bits: usize) -> usize {
    (n * bits).div_ceil(8)
}

/// The form the encoder picks for an unregistered string: the fewest bytes, and text
/// when a packed form would save nothing (fewer than two characters).
pub fn form_of(s: &str) -> u64 {
    let b = s.as_bytes();
    if b.len() < 2 {
        FORM_TEXT
    } else if b.iter().all(|&c| is_lower_hex(c)) {
        FORM_HEX
    } else if b.iter().all(|&c| b64_value(c).is_some()) {
        FORM_B64
    } else {
        FORM_TEXT
    }
}

/// Writes a payload; past the end of its buffer it keeps counting, so a failed write still
/// tells the length needed. A first pass over the claims with no buffer at all sets the
/// presence flags; the second writes.
pub struct Enc<'o, 'r> {
    out: &'o mut [u8],
    len: usize,
    registry: &'o Registry<'r>,
    flags: u64,
    bit: u32,
    used_registry: bool,
}

impl<'o, 'r> Enc<'o, 'r> {
    /// An encoder writing into `out`, numbering registered values from `registry`.
    pub fn new(out: &'o mut [u8], registry: &'o Registry<'r>) -> Self {
        Self {
            out,
            len: 0,
            registry,
            flags: 0,
            // Bit 0 of the flags is the fingerprint's.
            bit: 1,
            used_registry: false,
        }
    }

    /// Bytes written, or that would have been.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The presence flags seen so far, with bit 0 set if a registered number was written.
    pub fn flags(&self) -> u64 {
        self.flags | u64::from(self.used_registry)
    }

    /// Appends raw bytes.
    pub fn bytes(&mut self, b: &[u8]) {
        if let Some(dst) = self.out.get_mut(self.len..self.len + b.len()) {
            dst.copy_from_slice(b);
        }
        self.len += b.len();
    }

    /// Appends a postcard varint (unsigned LEB128, at most 10 bytes).
    pub fn varint(&mut self, v: u64) {
        let mut buf = [0u8; 10];
        let bytes = varint(v, &mut buf);
        self.bytes(bytes);
    }

    /// Appends `date - base` as a zigzag varint (postcard's encoding of an `i64`). Dates are
    /// at most `MAX_DATE`, so the difference always fits.
    pub fn date_from(&mut self, date: u64, base: u64) {
        let d = (date as i64).wrapping_sub(base as i64);
        self.varint(((d << 1) ^ (d >> 63)) as u64);
    }

    /// Records whether the next optional field is present, returning it unchanged.
    pub fn opt<T>(&mut self, value: Option<T>) -> Option<T> {
        if value.is_some() {
            self.flags |= 1 << self.bit;
        }
        self.bit += 1;
        value
    }

    /// An optional boolean: a presence flag and a value flag, no body bytes.
    pub fn opt_bool(&mut self, value: Option<bool>) {
        self.opt(value);
        self.opt(value.filter(|v| *v));
    }

    /// Appends a string in its shortest form: `varint(n << 2 | form)`, then the bytes.
    pub fn str(&mut self, s: &str) {
        if let Some(number) = self.registry.number_of(s) {
            self.used_registry = true;
            self.varint(u64::from(number) << 2 | FORM_REGISTERED);
            return;
        }
        let form = form_of(s);
        let b = s.as_bytes();
        self.varint((b.len() as u64) << 2 | form);
        let bits = match form {
            FORM_HEX => 4,
            FORM_B64 => 6,
            _ => return self.bytes(b),
        };
        let (mut acc, mut have) = (0u32, 0u32);
        for &c in b {
            let v = match form {
                FORM_HEX => HEX.iter().position(|&h| h == c).unwrap_or(0) as u32,
                _ => u32::from(b64_value(c).unwrap_or(0)),
            };
            acc = (acc << bits) | v;
            have += bits;
            if have >= 8 {
                have -= 8;
                self.bytes(&[(acc >> have) as u8]);
            }
        }
        if have > 0 {
            self.bytes(&[(acc << (8 - have)) as u8]);
        }
    }

    /// Appends `s` split on every space, as a list: `"a b"` is `["a", "b"]`, `""` is `[""]`.
    pub fn joined(&mut self, s: &str) {
        self.varint(s.bytes().filter(|&b| b == b' ').count() as u64 + 1);
        for part in s.split(' ') {
            self.str(part);
        }
    }

    /// Appends `varint(count)` then each string.
    pub fn list<'s>(&mut self, values: impl ExactSizeIterator<Item = &'s str>) {
        self.varint(values.len() as u64);
        for v in values {
            self.str(v);
        }
    }
}

/// A string as read from the payload, before any expansion.
#[derive(Clone, Copy)]
enum Raw<'b> {
    /// Text from the payload, or a registered value: used as is.
    Borrowed(&'b str),
    /// `n` characters packed `bits` bits each into `bytes`.
    Packed {
        n: usize,
        bits: u32,
        bytes: &'b [u8],
    },
}

impl Raw<'_> {
    fn len(&self) -> usize {
        match self {
            Raw::Borrowed(s) => s.len(),
            Raw::Packed { n, .. } => *n,
        }
    }

    /// Writes the string's characters into `dst` (exactly `self.len()` bytes).
    fn write(&self, dst: &mut [u8]) {
        match *self {
            Raw::Borrowed(s) => dst.copy_from_slice(s.as_bytes()),
            Raw::Packed { bits, bytes, .. } => {
                let (mut acc, mut have, mut src) = (0u32, 0u32, bytes.iter());
                let mask = (1u32 << bits) - 1;
                for c in dst.iter_mut() {
                    if have < bits {
                        acc = (acc << 8) | u32::from(*src.next().unwrap_or(&0));
                        have += 8;
                    }
                    have -= bits;
                    let v = ((acc >> have) & mask) as usize;
                    *c = if bits == 4 { HEX[v] } else { B64[v] };
                }
            }
        }
    }
}

/// Reads a payload. Text borrows from the payload, registered values from the registry;
/// packed strings and joined scopes are written into the rest of the caller's scratch.
pub struct Dec<'b, 'x> {
    rest: &'b [u8],
    arena: &'b mut [u8],
    /// Scratch bytes the expansions asked for, whether they fitted or not.
    expanded: usize,
    /// Set once an expansion did not fit.
    short: bool,
    registry: &'x Registry<'b>,
    flags: u64,
    bit: u32,
}

impl<'b, 'x> Dec<'b, 'x> {
    /// A decoder over `payload` (after tag and flags have been read by [`Dec::start`]).
    pub fn new(payload: &'b [u8], arena: &'b mut [u8], registry: &'x Registry<'b>) -> Self {
        Self {
            rest: payload,
            arena,
            expanded: 0,
            short: false,
            registry,
            flags: 0,
            bit: 1,
        }
    }

    /// Reads the flags and, when bit 0 is set, the registry fingerprint, which must be the
    /// verifier's ([`Error::RegistryMismatch`]).
    pub fn start(&mut self) -> Result<()> {
        self.flags = self.varint()?;
        if self.flags & 1 == 1 {
            let (fp, rest) = self
                .rest
                .split_at_checked(FINGERPRINT_LEN)
                .ok_or(Error::MalformedClaims)?;
            if fp != self.registry.fingerprint() {
                return Err(Error::RegistryMismatch);
            }
            self.rest = rest;
        }
        Ok(())
    }

    /// Ends decoding: no flag beyond those read ([`Error::MalformedClaims`]), no byte left
    /// ([`Error::TrailingBytes`]), and every expansion fitted in the scratch buffer.
    pub fn finish(self, payload_len: usize) -> Result<()> {
        if self.bit < 64 && self.flags >> self.bit != 0 {
            return Err(Error::MalformedClaims);
        }
        if !self.rest.is_empty() {
            return Err(Error::TrailingBytes);
        }
        if self.short {
            return Err(Error::BufferTooSmall {
                needed: payload_len + self.expanded,
            });
        }
        Ok(())
    }

    fn take(&mut self, n: usize) -> Result<&'b [u8]> {
        let (head, rest) = self
            .rest
            .split_at_checked(n)
            .ok_or(Error::MalformedClaims)?;
        self.rest = rest;
        Ok(head)
    }

    /// Reads a postcard varint; overlong encodings are refused, so every value has one
    /// encoding.
    pub fn varint(&mut self) -> Result<u64> {
        let (v, rest) =
            postcard::take_from_bytes::<u64>(self.rest).map_err(|_| Error::MalformedClaims)?;
        let used = self.rest.len() - rest.len();
        let mut buf = [0u8; 10];
        if varint(v, &mut buf).len() != used {
            return Err(Error::MalformedClaims);
        }
        self.rest = rest;
        Ok(v)
    }

    /// Reads a date written by [`Enc::date_from`] against `base`.
    pub fn date_from(&mut self, base: u64) -> Result<u64> {
        let z = self.varint()?;
        let d = ((z >> 1) as i64) ^ -((z & 1) as i64);
        base.checked_add_signed(d).ok_or(Error::InvalidDate)
    }

    /// Whether the next optional field is present.
    pub fn present(&mut self) -> bool {
        let yes = self.bit < 64 && self.flags >> self.bit & 1 == 1;
        self.bit += 1;
        yes
    }

    /// Reads the next optional field with `read` when its flag is set.
    pub fn opt<T>(&mut self, read: impl FnOnce(&mut Self) -> Result<T>) -> Result<Option<T>> {
        if self.present() {
            read(self).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Reads an optional boolean; a value flag without a presence flag is refused.
    pub fn opt_bool(&mut self) -> Result<Option<bool>> {
        match (self.present(), self.present()) {
            (false, false) => Ok(None),
            (false, true) => Err(Error::MalformedClaims),
            (true, v) => Ok(Some(v)),
        }
    }

    fn raw(&mut self) -> Result<Raw<'b>> {
        let h = self.varint()?;
        let n = usize::try_from(h >> 2).map_err(|_| Error::MalformedClaims)?;
        let bits = match h & 3 {
            FORM_TEXT => {
                let b = self.take(n)?;
                let s = core::str::from_utf8(b).map_err(|_| Error::MalformedClaims)?;
                return Ok(Raw::Borrowed(s));
            }
            FORM_HEX => 4,
            FORM_B64 => 6,
            _ => {
                // Numbers are only meaningful under the fingerprint that names the registry.
                if self.flags & 1 == 0 {
                    return Err(Error::MalformedClaims);
                }
                let s = self.registry.get(h >> 2).ok_or(Error::UnregisteredValue)?;
                return Ok(Raw::Borrowed(s));
            }
        };
        if n > self.rest.len().saturating_mul(2) {
            return Err(Error::MalformedClaims);
        }
        let len = packed_len(n, bits);
        let bytes = self.take(len)?;
        // The padding bits after the last character must be zero: one encoding per string.
        let pad = len * 8 - n * bits;
        if pad > 0 && bytes[len - 1] & ((1 << pad) - 1) != 0 {
            return Err(Error::MalformedClaims);
        }
        Ok(Raw::Packed {
            n,
            bits: bits as u32,
            bytes,
        })
    }

    /// Reserves `n` bytes of scratch; `None` (and a note of the shortfall) when full.
    fn alloc(&mut self, n: usize) -> Option<&'b mut [u8]> {
        self.expanded = self.expanded.saturating_add(n);
        if self.short || self.arena.len() < n {
            // Keep counting so the error can say how much scratch is needed.
            self.short = true;
            return None;
        }
        let (used, rest) = core::mem::take(&mut self.arena).split_at_mut(n);
        self.arena = rest;
        Some(used)
    }

    fn expand(&mut self, raw: Raw<'b>) -> &'b str {
        match raw {
            Raw::Borrowed(s) => s,
            packed => match self.alloc(packed.len()) {
                Some(dst) => {
                    packed.write(dst);
                    // Hex digits and the base64url alphabet are ASCII.
                    core::str::from_utf8(dst).unwrap_or_default()
                }
                None => "",
            },
        }
    }

    /// Reads a string.
    pub fn str(&mut self) -> Result<&'b str> {
        let raw = self.raw()?;
        Ok(self.expand(raw))
    }

    /// Reads `varint(count)` strings: more than `N` is [`Error::TooManyValues`], none when
    /// `nonempty` (an optional list is flagged absent instead) [`Error::MalformedClaims`].
    pub fn list<const N: usize>(&mut self, nonempty: bool) -> Result<List<&'b str, N>> {
        let count = self.varint()?;
        if count > N as u64 {
            return Err(Error::TooManyValues);
        }
        if nonempty && count == 0 {
            return Err(Error::MalformedClaims);
        }
        let mut list = List::new();
        for _ in 0..count {
            list.push(self.str()?)?;
        }
        Ok(list)
    }

    /// Reads a list of at least one string and returns them joined by single spaces (the
    /// inverse of splitting on every space, so any string round-trips).
    pub fn joined(&mut self) -> Result<&'b str> {
        let count = self.varint()?;
        if count == 0 || count > self.rest.len() as u64 {
            return Err(Error::MalformedClaims);
        }
        if count == 1 {
            return self.str();
        }
        // First pass: the joined length; second: the characters, into one reservation.
        let start = self.rest;
        let mut total = count as usize - 1;
        for _ in 0..count {
            total = total.saturating_add(self.raw()?.len());
        }
        self.rest = start;
        let mut dst = self.alloc(total);
        let mut at = 0;
        for i in 0..count {
            let raw = self.raw()?;
            if let Some(dst) = dst.as_deref_mut() {
                if i > 0 {
                    dst[at] = b' ';
                    at += 1;
                }
                raw.write(&mut dst[at..at + raw.len()]);
                at += raw.len();
            }
        }
        match dst {
            // Each piece is valid UTF-8 and so is a space: the whole is.
            Some(dst) => core::str::from_utf8(dst).map_err(|_| Error::MalformedClaims),
            None => Ok(""),
        }
    }
}
