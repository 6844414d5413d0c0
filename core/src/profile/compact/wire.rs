//! Wire primitives of the `compact` profile: postcard varints, presence flags, and strings
//! in their four forms. `FORMAT.md` is the specification; this is its implementation.

use crate::claims::List;
use crate::error::{Error, Result};
use crate::registry::{FINGERPRINT_LEN, Registry};

#[cfg(feature = "compact-custom-claims")]
mod custom;

/// String form: UTF-8 text, `n` bytes.
pub const FORM_TEXT: u64 = 0;
/// String form: `n` lowercase hex digits, two per byte, first digit in the high nibble.
pub const FORM_HEX: u64 = 1;
/// String form: `n` base64url-alphabet characters, 6 bits each, packed most significant
/// bit first (the bytes a base64url decoder would give, whatever `n`).
pub const FORM_B64: u64 = 2;
/// String form: registered value number `n`; no bytes follow.
pub const FORM_REGISTERED: u64 = 3;

const B64: &[u8; 64] = crate::b64::ALPHABET;
const HEX: &[u8; 16] = b"0123456789abcdef";

/// [`CLASS`] bit of a lowercase hex digit.
const CLASS_HEX: u8 = 1;
/// [`CLASS`] bit of a base64url character (every lowercase hex digit is one too).
const CLASS_B64: u8 = 2;

/// The packed forms each byte may appear in.
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 64 {
        t[B64[i] as usize] = CLASS_B64;
        i += 1;
    }
    let mut i = 0;
    while i < 16 {
        t[HEX[i] as usize] = CLASS_HEX | CLASS_B64;
        i += 1;
    }
    t
};

/// The value of a lowercase hex digit (of any byte whose [`CLASS`] says so).
fn hex_value(c: u8) -> u8 {
    if c <= b'9' {
        c.wrapping_sub(b'0')
    } else {
        c.wrapping_sub(b'a' - 10)
    }
}

/// The bytes of `v` as a postcard varint (unsigned LEB128: 7 bits a byte, least
/// significant first, high bit set on all but the last byte): one to ten of them.
fn leb128(mut v: u64) -> impl Iterator<Item = u8> {
    let mut done = false;
    core::iter::from_fn(move || {
        if done {
            return None;
        }
        let low = (v & 0x7F) as u8;
        v >>= 7;
        done = v == 0;
        Some(if done { low } else { low | 0x80 })
    })
}

/// `v` as a postcard varint (see [`leb128`]), in `buf`.
pub fn varint(v: u64, buf: &mut [u8; 10]) -> &[u8] {
    let mut n = 0;
    for (slot, byte) in buf.iter_mut().zip(leb128(v)) {
        *slot = byte;
        n += 1;
    }
    buf.get(..n).unwrap_or_default()
}

/// Packs lowercase hex digits two to a byte, the first in the high nibble; an odd last
/// digit fills a high nibble over a zero one. `dst` is exactly `packed_len(n, 4)` bytes.
fn pack_hex(chars: &[u8], dst: &mut [u8]) {
    pack(chars, dst, 4, |c| u64::from(hex_value(c)));
}

/// Packs base64url characters 6 bits each, most significant bit first, four to three
/// bytes; the last byte's unused low bits are zero. `dst` is exactly `packed_len(n, 6)`.
fn pack_b64(chars: &[u8], dst: &mut [u8]) {
    pack(chars, dst, 6, |c| u64::from(crate::b64::value(c)));
}

/// Packs `bits` (4 or 6) bits per character, most significant first, into `dst`
/// (`packed_len(n, bits)` bytes): eight characters at a time folded into one word and
/// written as whole bytes (4 or 6 of them), then the last 0 to 7 characters from the top
/// of a word whose low bits stay zero. Issuing packs every hex and base64url string.
#[inline(always)]
fn pack(chars: &[u8], dst: &mut [u8], bits: usize, value: impl Fn(u8) -> u64) {
    let fold = |chars: &[u8]| chars.iter().fold(0u64, |v, &c| v << bits | value(c));
    let per = bits; // bytes per eight characters
    let (eights, rest) = chars.as_chunks::<8>();
    let Some((whole, tail)) = dst.split_at_mut_checked(eights.len() * per) else {
        return;
    };
    for (group, out) in eights.iter().zip(whole.chunks_exact_mut(per)) {
        let v = fold(group) << (64 - 8 * bits);
        out.copy_from_slice(v.to_be_bytes().get(..per).unwrap_or_default());
    }
    if !rest.is_empty() {
        let v = fold(rest) << (64 - rest.len() * bits);
        for (d, b) in tail.iter_mut().zip(v.to_be_bytes()) {
            *d = b;
        }
    }
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
        return FORM_TEXT;
    }
    // One pass, no early exit: the forms every character allows.
    let class = b
        .iter()
        .fold(CLASS_HEX | CLASS_B64, |k, &c| k & CLASS[usize::from(c)]);
    if class & CLASS_HEX != 0 {
        FORM_HEX
    } else if class & CLASS_B64 != 0 {
        FORM_B64
    } else {
        FORM_TEXT
    }
}

/// Writes a payload; past the end of its buffer it keeps counting, so a failed write still
/// tells the length needed. The presence flags are known once the claims are written
/// ([`Enc::flags`]), and written in front of them by the caller.
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
        self.with(b.len(), |dst| dst.copy_from_slice(b));
    }

    /// Appends `n` bytes that `write` writes into the slice it is given (exactly `n`), or
    /// only counts them once the buffer is full.
    fn with(&mut self, n: usize, write: impl FnOnce(&mut [u8])) {
        if let Some(dst) = self.out.get_mut(self.len..self.len + n) {
            write(dst);
        }
        self.len += n;
    }

    /// Appends a postcard varint (unsigned LEB128, at most 10 bytes).
    pub fn varint(&mut self, v: u64) {
        // One byte, the usual case (a string's header, a count, a date's offset).
        if v < 0x80 {
            if let Some(dst) = self.out.get_mut(self.len) {
                *dst = v as u8;
            }
            self.len += 1;
            return;
        }
        for byte in leb128(v) {
            if let Some(dst) = self.out.get_mut(self.len) {
                *dst = byte;
            }
            self.len += 1;
        }
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
        self.str_after(s, 0);
    }

    /// [`Enc::str`] with `offset` added to the header (custom claim names: the first
    /// [`NAME_CODES`] header values name well-known claims).
    fn str_after(&mut self, s: &str, offset: u64) {
        if let Some(number) = self.registry.number_of(s) {
            self.used_registry = true;
            self.varint(offset + (u64::from(number) << 2 | FORM_REGISTERED));
            return;
        }
        let form = form_of(s);
        let b = s.as_bytes();
        self.varint(offset + ((b.len() as u64) << 2 | form));
        match form {
            FORM_HEX => self.with(packed_len(b.len(), 4), |dst| pack_hex(b, dst)),
            FORM_B64 => self.with(packed_len(b.len(), 6), |dst| pack_b64(b, dst)),
            _ => self.bytes(b),
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
    /// Text from the payload not yet checked (UTF-8, no U+0000), as [`Dec::raw_unchecked`]
    /// reads it for a caller that checks everything it writes at once.
    Unchecked(&'b [u8]),
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
            Raw::Unchecked(b) => b.len(),
            Raw::Packed { n, .. } => *n,
        }
    }

    /// Writes the string's characters into `dst` (exactly `self.len()` bytes).
    fn write(&self, dst: &mut [u8]) {
        match *self {
            Raw::Borrowed(s) => dst.copy_from_slice(s.as_bytes()),
            Raw::Unchecked(b) => dst.copy_from_slice(b),
            Raw::Packed { .. } => self.write_range(0, dst),
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

    /// Reads a postcard varint (see [`leb128`]); only the shortest encoding of a value is
    /// accepted (a last byte of zero is overlong, but for the value 0 itself), and a tenth
    /// byte may hold bit 63 alone. Read here rather than by postcard's reader, which accepts
    /// overlong encodings and would need each value encoded again to refuse them: most
    /// varints of a payload are one byte, and this returns those after one test.
    pub fn varint(&mut self) -> Result<u64> {
        let mut v = 0u64;
        for (i, &b) in self.rest.iter().take(10).enumerate() {
            v |= u64::from(b & 0x7F) << (7 * i);
            if b < 0x80 {
                if (b == 0 && i > 0) || (i == 9 && b > 1) {
                    return Err(Error::MalformedClaims);
                }
                self.rest = self.rest.get(i + 1..).unwrap_or_default();
                return Ok(v);
            }
        }
        Err(Error::MalformedClaims)
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

    #[cfg(feature = "compact-custom-claims")]
    #[inline]
    fn raw(&mut self) -> Result<Raw<'b>> {
        let mut raw = Raw::Borrowed("");
        self.raw_into(&mut raw)?;
        Ok(raw)
    }

    /// The next string into `out`. Written through, not returned: a returned
    /// `Result<Raw, Error>` is a union of unlike layouts that the compiler copies in
    /// overlapping pieces, stalling store-to-load forwarding (as for
    /// `json::Reader::string_into`).
    fn raw_into(&mut self, out: &mut Raw<'b>) -> Result<()> {
        let h = self.varint()?;
        self.raw_from(h, out)
    }

    /// The next string, text in the payload left unchecked ([`Raw::Unchecked`]): for a
    /// caller that checks the UTF-8 and U+0000 of all it writes at once.
    fn raw_unchecked(&mut self) -> Result<Raw<'b>> {
        let h = self.varint()?;
        let mut raw = Raw::Borrowed("");
        self.read_string(h, &mut raw, false)?;
        Ok(raw)
    }

    /// The string whose header `h` was just read, into `out`.
    fn raw_from(&mut self, h: u64, out: &mut Raw<'b>) -> Result<()> {
        self.read_string(h, out, true)
    }

    /// [`Dec::raw_from`]; text in the payload checked only when `check`.
    #[inline(always)]
    fn read_string(&mut self, h: u64, out: &mut Raw<'b>, check: bool) -> Result<()> {
        let n = usize::try_from(h >> 2).map_err(|_| Error::MalformedClaims)?;
        let bits = match h & 3 {
            FORM_TEXT => {
                let b = self.take(n)?;
                if !check {
                    *out = Raw::Unchecked(b);
                    return Ok(());
                }
                // U+0000 is refused here, where a claim's text enters: hex and base64url
                // strings cannot hold it, nor can a registry's values (`Registry::new`), so
                // the decoded claims are not scanned again.
                *out = Raw::Borrowed(checked_text(b)?);
                return Ok(());
            }
            FORM_HEX => 4,
            FORM_B64 => 6,
            _ => {
                // Numbers are only meaningful under the fingerprint that names the registry.
                if self.flags & 1 == 0 {
                    return Err(Error::MalformedClaims);
                }
                let s = self.registry.get(h >> 2).ok_or(Error::UnregisteredValue)?;
                *out = Raw::Borrowed(s);
                return Ok(());
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
        *out = Raw::Packed {
            n,
            bits: bits as u32,
            bytes,
        };
        Ok(())
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

    fn expand(&mut self, raw: Raw<'b>) -> Result<&'b str> {
        match raw {
            Raw::Borrowed(s) => Ok(s),
            // Not read so by `str_into`; checked as `raw_from` checks text.
            Raw::Unchecked(b) => checked_text(b),
            packed => Ok(match self.alloc(packed.len()) {
                Some(dst) => {
                    packed.write(dst);
                    // Hex digits and the base64url alphabet are ASCII.
                    core::str::from_utf8(dst).unwrap_or_default()
                }
                None => "",
            }),
        }
    }

    /// Reads a string.
    #[inline]
    pub fn str(&mut self) -> Result<&'b str> {
        let mut s = "";
        self.str_into(&mut s)?;
        Ok(s)
    }

    /// Reads a string into `out` (written through, not returned: see [`Dec::raw_into`]).
    pub fn str_into(&mut self, out: &mut &'b str) -> Result<()> {
        let mut raw = Raw::Borrowed("");
        self.raw_into(&mut raw)?;
        *out = self.expand(raw)?;
        Ok(())
    }

    /// Reads `varint(count)` strings into `list`, which the caller passes empty (filled in
    /// place, for the stack): more than `N` is [`Error::TooManyValues`], none when
    /// `nonempty` (an optional list is flagged absent instead) [`Error::MalformedClaims`].
    pub fn list<const N: usize>(
        &mut self,
        nonempty: bool,
        list: &mut List<&'b str, N>,
    ) -> Result<()> {
        let count = self.varint()?;
        if count > N as u64 {
            return Err(Error::TooManyValues);
        }
        if nonempty && count == 0 {
            return Err(Error::MalformedClaims);
        }
        for _ in 0..count {
            list.push(self.str()?)?;
        }
        Ok(())
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
        // Text is checked once, joined (so a scratch too small for it is BufferTooSmall
        // before its text is checked: an error either way).
        let start = self.rest;
        let mut total = count as usize - 1;
        for _ in 0..count {
            total = total.saturating_add(self.raw_unchecked()?.len());
        }
        self.rest = start;
        let mut dst = self.alloc(total);
        let mut at = 0;
        for i in 0..count {
            let raw = self.raw_unchecked()?;
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
            // The pieces' text, unchecked until now (a space is neither U+0000 nor part of
            // a UTF-8 sequence, so the whole is valid exactly when each piece is).
            Some(dst) => checked_text(dst),
            None => Ok(""),
        }
    }
}

/// Text from the payload as a claim may hold it: UTF-8 without U+0000, else
/// [`Error::MalformedClaims`]. The one check every text-form string passes, whichever way
/// it was read.
#[inline(always)]
fn checked_text(b: &[u8]) -> Result<&str> {
    let s = core::str::from_utf8(b).map_err(|_| Error::MalformedClaims)?;
    crate::claims::check_text(&s).map(|()| s)
}

impl Raw<'_> {
    /// Writes characters `from .. from + dst.len()` of a packed string into `dst`; `from`
    /// is a multiple of 4, so it starts a whole byte (hex) or group of 3 bytes (base64url).
    /// A group at a time, not a character at a time: unpacking is a share of every
    /// `compact` verify. The bytes hold the characters (as [`Dec::raw_from`] takes them).
    fn write_range(&self, from: usize, dst: &mut [u8]) {
        let Raw::Packed { bits, bytes, .. } = *self else {
            return;
        };
        debug_assert_eq!(from % 4, 0);
        let bytes = bytes.get(from * bits as usize / 8..).unwrap_or_default();
        if bits == 4 {
            let (pairs, odd) = dst.split_at_mut(dst.len() & !1);
            for (pair, &b) in pairs.chunks_exact_mut(2).zip(bytes) {
                pair[0] = HEX[usize::from(b >> 4)];
                pair[1] = HEX[usize::from(b & 0x0F)];
            }
            if let [c] = odd {
                *c = HEX[usize::from(bytes.get(pairs.len() / 2).map_or(0, |b| b >> 4))];
            }
        } else {
            // Six bits a character, most significant first: base64url's groups (a loop of
            // its own, not `b64::encode_public`, whose call costs more on strings this short).
            let (quads, tail) = dst.split_at_mut(dst.len() & !3);
            for (quad, g) in quads.chunks_exact_mut(4).zip(bytes.chunks_exact(3)) {
                quad.copy_from_slice(&crate::b64::quad(g[0], g[1], g[2]));
            }
            // The last 1–3 characters, from the group after the whole ones.
            let chars = match *bytes.get(quads.len() / 4 * 3..).unwrap_or_default() {
                [a, b, c, ..] => crate::b64::quad(a, b, c),
                [a, b] => crate::b64::quad(a, b, 0),
                [a] => crate::b64::quad(a, 0, 0),
                [] => crate::b64::quad(0, 0, 0),
            };
            tail.copy_from_slice(&chars[..tail.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 0, the largest values, and each power of two with its neighbours.
    fn around_powers_of_two() -> std::vec::Vec<u64> {
        let mut values = std::vec![0, u64::MAX, u64::MAX - 1];
        for shift in 0..64 {
            let p = 1u64 << shift;
            values.extend([p - 1, p, p + 1]);
        }
        values
    }

    /// The hand-written varint is postcard's, byte for byte, in both the free function and
    /// the encoder, around every power of two.
    #[test]
    fn varints_are_postcards() {
        for v in around_powers_of_two() {
            let mut theirs = [0u8; 10];
            let theirs = postcard::to_slice(&v, &mut theirs).unwrap();
            let mut ours = [0u8; 10];
            assert_eq!(varint(v, &mut ours), &*theirs, "{v}");
            let mut out = [0u8; 10];
            let mut e = Enc::new(&mut out, &Registry::EMPTY);
            e.varint(v);
            let len = e.len();
            assert_eq!(&out[..len], &*theirs, "{v}");
            // Past the end of the buffer, the encoder counts without writing.
            let mut short = [0u8; 1];
            let mut e = Enc::new(&mut short, &Registry::EMPTY);
            e.bytes(b"x");
            e.varint(v);
            let len = e.len();
            assert_eq!(len, 1 + theirs.len());
            assert_eq!(short, *b"x");
        }
    }

    /// The reader against postcard's with the shortest-encoding rule: same value, same
    /// bytes consumed, same refusals, on every sequence of one and two bytes, on every
    /// value's encoding around each power of two followed by more bytes, on each of those
    /// made overlong by one or two bytes, and on ten- and eleven-byte runs.
    #[test]
    fn varint_reader_agrees_with_postcard_and_refuses_overlong() {
        let reference = |bytes: &[u8]| -> Option<(u64, usize)> {
            let (v, rest) = postcard::take_from_bytes::<u64>(bytes).ok()?;
            let used = bytes.len() - rest.len();
            let mut buf = [0u8; 10];
            (varint(v, &mut buf).len() == used).then_some((v, used))
        };
        let ours = |bytes: &[u8]| -> Option<(u64, usize)> {
            let mut d = Dec::new(bytes, &mut [], &Registry::EMPTY);
            let v = d.varint().ok()?;
            Some((v, bytes.len() - d.rest.len()))
        };
        let mut inputs: std::vec::Vec<std::vec::Vec<u8>> = std::vec![std::vec![]];
        for a in 0..=255u8 {
            inputs.push(std::vec![a]);
            for b in 0..=255u8 {
                inputs.push(std::vec![a, b]);
            }
        }
        for v in around_powers_of_two() {
            let mut buf = [0u8; 10];
            let enc = varint(v, &mut buf).to_vec();
            for tail in [&[][..], &[0x00], &[0x7F, 0x80]] {
                inputs.push([&enc[..], tail].concat());
            }
            // Overlong: the last byte gains a continuation bit, then one or two more bytes.
            let mut long = enc.clone();
            *long.last_mut().unwrap() |= 0x80;
            inputs.push([&long[..], &[0x00]].concat());
            inputs.push([&long[..], &[0x80, 0x00]].concat());
            inputs.push(enc[..enc.len() - 1].to_vec());
        }
        for last in 0..=255u8 {
            let mut run = std::vec![0xFFu8; 9];
            run.push(last);
            inputs.push(run.clone());
            run.push(0x01);
            inputs.push(run);
        }
        for input in &inputs {
            assert_eq!(ours(input), reference(input), "{input:02x?}");
        }
        // The refusals are the ones meant, not a reader refusing everything.
        assert_eq!(ours(&[0x80, 0x00]), None);
        assert_eq!(ours(&[0x80, 0x01]), Some((128, 2)));
        assert_eq!(ours(&[0x00, 0x00]), Some((0, 1)));
        assert_eq!(
            ours(
                &[0xFF; 9]
                    .iter()
                    .copied()
                    .chain([0x01])
                    .collect::<std::vec::Vec<_>>()
            ),
            Some((u64::MAX, 10))
        );
        assert_eq!(
            ours(
                &[0xFF; 9]
                    .iter()
                    .copied()
                    .chain([0x02])
                    .collect::<std::vec::Vec<_>>()
            ),
            None
        );
    }

    /// Calls `f` with each sample: `n` characters (0 to 200) of hex and of the base64url
    /// alphabet, and the packed string holding them.
    pub(super) fn each_packed(mut f: impl FnMut(&[u8], Raw<'_>)) {
        let hex: std::vec::Vec<u8> = (0..200).map(|i| HEX[i * 7 % 16]).collect();
        let b64: std::vec::Vec<u8> = (0..200).map(|i| B64[i * 7 % 64]).collect();
        type Pack = fn(&[u8], &mut [u8]);
        let packers: [(&[u8], usize, Pack); 2] = [(&hex, 4, pack_hex), (&b64, 6, pack_b64)];
        for n in 0..=200 {
            for (chars, bits, pack) in packers {
                let mut bytes = std::vec![0u8; packed_len(n, bits)];
                pack(&chars[..n], &mut bytes);
                let raw = Raw::Packed {
                    n,
                    bits: bits as u32,
                    bytes: &bytes,
                };
                f(&chars[..n], raw);
            }
        }
    }

    /// Unpacking undoes packing at every length (`write`, over a buffer of bytes that are
    /// no characters).
    #[test]
    fn unpacking_undoes_packing_at_every_length() {
        each_packed(|chars, raw| {
            let mut out = std::vec![0xFFu8; chars.len()];
            raw.write(&mut out);
            assert_eq!(out, chars, "{} characters", chars.len());
        });
    }

    /// The packers against the definition: `bits` bits per character, most significant
    /// first, zero bits after the last; every length from 0 to 40.
    #[test]
    fn packing_follows_the_bit_by_bit_definition() {
        let reference = |chars: &[u8], bits: u32, value: fn(u8) -> u32| {
            let mut out = std::vec![0u8; packed_len(chars.len(), bits as usize)];
            for (i, &c) in chars.iter().enumerate() {
                for b in 0..bits {
                    if value(c) >> (bits - 1 - b) & 1 == 1 {
                        let at = i * bits as usize + b as usize;
                        out[at / 8] |= 0x80 >> (at % 8);
                    }
                }
            }
            out
        };
        let hex = b"0123456789abcdeffedcba98765432100f1e2d3c4b5a6978";
        let b64 = b"AZaz09-_QwErTyUiOpLkJhGfDsMnBvCx_-9081726354zZyY";
        for n in 0..=40 {
            let expect = reference(&hex[..n], 4, |c| u32::from(hex_value(c)));
            let mut got = std::vec![0u8; expect.len()];
            pack_hex(&hex[..n], &mut got);
            assert_eq!(got, expect, "hex {n}");
            let expect = reference(&b64[..n], 6, |c| u32::from(crate::b64::value(c)));
            let mut got = std::vec![0u8; expect.len()];
            pack_b64(&b64[..n], &mut got);
            assert_eq!(got, expect, "b64 {n}");
        }
        assert_eq!(form_of("0f"), FORM_HEX);
        assert_eq!(form_of("0F"), FORM_B64);
        assert_eq!(form_of("0g-_"), FORM_B64);
        assert_eq!(form_of("0g.a"), FORM_TEXT);
        assert_eq!(form_of("a"), FORM_TEXT);
        assert_eq!(form_of("é"), FORM_TEXT);
    }
}
