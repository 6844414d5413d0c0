//! The lexer every JSON reader of this crate stands on: RFC 8259 tokens (strings with every
//! escape checked, numbers, literals, structural bytes) over UTF-8 text, and the duplicate
//! member check. It never recurses; nesting is the caller's, bounded by [`super::MAX_DEPTH`].

use crate::error::{Error, Result};

/// Every lexical error: the callers name it for their context (claims or header).
const BAD: Error = Error::MalformedClaims;

/// A cursor over JSON text.
#[derive(Clone)]
pub(crate) struct Reader<'j> {
    text: &'j str,
    pos: usize,
    /// Whether [`peek`](Self::peek) has skipped whitespace (for telling byte-minimal text).
    pub spaced: bool,
}

/// A string token: its raw content between the quotes, escapes not yet decoded.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawStr<'j> {
    /// The content as it stands in the JSON.
    pub raw: &'j str,
    /// Whether it holds a backslash (its decoded value differs from `raw`).
    pub escaped: bool,
    /// Whether it holds `\u0000` (U+0000, which C code would take for the string's end).
    pub nul: bool,
}

/// A number token.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Number<'j> {
    /// The token as it stands in the JSON.
    pub text: &'j str,
    /// Its value, when it is an integer (no fraction, no exponent) that fits.
    pub int: Option<Int>,
}

/// An integer value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Int {
    /// Zero or positive.
    Unsigned(u64),
    /// Negative (`-0` is `Unsigned(0)`'s twin: `Signed(0)`).
    Signed(i64),
}

impl<'j> Reader<'j> {
    /// A reader at the start of `text`.
    pub fn new(text: &'j str) -> Self {
        Self {
            text,
            pos: 0,
            spaced: false,
        }
    }

    /// A reader at byte `pos` of `text`.
    pub fn at(text: &'j str, pos: usize) -> Self {
        Self {
            text,
            pos,
            spaced: false,
        }
    }

    /// The whole text.
    pub fn text(&self) -> &'j str {
        self.text
    }

    /// The byte offset of the cursor.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Moves past `n` bytes that the caller recognised as whole tokens itself (a member's
    /// name and colon spelled as this crate writes them: [`super::Fields`]).
    pub fn advance(&mut self, n: usize) {
        self.pos += n;
    }

    /// Skips whitespace (space, tab, CR, LF: RFC 8259 §2) and returns the next byte,
    /// without consuming it.
    pub fn peek(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        while let Some(b' ' | b'\t' | b'\r' | b'\n') = bytes.get(self.pos) {
            self.pos += 1;
            self.spaced = true;
        }
        bytes.get(self.pos).copied()
    }

    /// Consumes the byte [`peek`](Self::peek) returned.
    pub fn bump(&mut self) {
        self.pos += 1;
    }

    /// Consumes `byte` (after whitespace), or fails.
    pub fn eat(&mut self, byte: u8) -> Result<()> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(BAD)
        }
    }

    /// Succeeds when nothing but whitespace is left.
    pub fn end(&mut self) -> Result<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(BAD),
        }
    }

    /// Reads a string token; the cursor must be at its opening quote.
    #[inline]
    pub fn string(&mut self) -> Result<RawStr<'j>> {
        let mut s = RawStr::EMPTY;
        self.string_into(&mut s)?;
        Ok(s)
    }

    /// [`string`](Self::string) into `out`. The token comes back through a plain pointer, not
    /// inside a returned `Result`: that `Result` is a union of a `RawStr` and an `Error` of
    /// unlike layouts, which the compiler copies in overlapping pieces that stall the store
    /// buffer on every member name (measured: a fifth of a `jwt` verify's token handling).
    pub fn string_into(&mut self, out: &mut RawStr<'j>) -> Result<()> {
        let bytes = self.text.as_bytes();
        if bytes.get(self.pos) != Some(&b'"') {
            return Err(BAD);
        }
        let start = self.pos + 1;
        let mut i = start;
        let mut escaped = false;
        let mut nul = false;
        loop {
            i = skip_plain(bytes, i);
            match bytes.get(i) {
                None => return Err(BAD),
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    nul |= bytes.get(i + 1..i + 6) == Some(b"u0000");
                    i = escape_end(bytes, i + 1)?;
                }
                // No raw control characters in strings (RFC 8259 §7).
                Some(&b) if b < 0x20 => return Err(BAD),
                Some(_) => i += 1,
            }
        }
        self.pos = i + 1;
        // Both ends are ASCII quotes, so this is a char boundary of the UTF-8 text.
        let raw = self.text.get(start..i).ok_or(BAD)?;
        *out = RawStr { raw, escaped, nul };
        Ok(())
    }

    /// Reads a number token (RFC 8259 §6:
    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`); the cursor must be at its start.
    pub fn number(&mut self) -> Result<Number<'j>> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut i = start;
        let negative = bytes.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        // The integer part, accumulated while it fits.
        let mut magnitude: Option<u64> = Some(0);
        match bytes.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                let first = i;
                let mut m = 0u64;
                while let Some(&d @ b'0'..=b'9') = bytes.get(i) {
                    m = m.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
                    i += 1;
                }
                // Nineteen digits always fit in a u64; only longer runs are summed again,
                // checked (a date is ten digits: the common case pays no check per digit).
                if i - first > 19 {
                    magnitude = bytes
                        .get(first..i)
                        .unwrap_or_default()
                        .iter()
                        .try_fold(0u64, |m, &d| {
                            m.checked_mul(10)?.checked_add(u64::from(d - b'0'))
                        });
                } else {
                    magnitude = Some(m);
                }
            }
            _ => return Err(BAD),
        }
        let mut integer = true;
        if bytes.get(i) == Some(&b'.') {
            integer = false;
            i = digits(bytes, i + 1)?;
        }
        if let Some(b'e' | b'E') = bytes.get(i) {
            integer = false;
            i += 1;
            if let Some(b'+' | b'-') = bytes.get(i) {
                i += 1;
            }
            i = digits(bytes, i)?;
        }
        self.pos = i;
        let int = match (integer, negative, magnitude) {
            (true, false, Some(m)) => Some(Int::Unsigned(m)),
            (true, true, Some(m)) if m <= 1 << 63 => {
                // -(2^63) is i64::MIN; every smaller magnitude negates without overflow.
                Some(Int::Signed(0i64.wrapping_sub_unsigned(m)))
            }
            _ => None,
        };
        Ok(Number {
            text: self.text.get(start..i).ok_or(BAD)?,
            int,
        })
    }

    /// Reads the literal `word` (`true`, `false` or `null`); the cursor must be at its start.
    pub fn literal(&mut self, word: &[u8]) -> Result<()> {
        if self.text.as_bytes()[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(BAD)
        }
    }

    /// In an object of checked JSON, after its `{` or a member: the next member's name, the
    /// reader left at its value; `None` at the object's end (its `}` consumed) or at
    /// anything that is no member.
    pub fn next_member(&mut self) -> Option<RawStr<'j>> {
        if self.peek() == Some(b',') {
            self.bump();
        }
        match self.peek() {
            Some(b'"') => {
                let name = self.string().ok()?;
                self.eat(b':').ok()?;
                Some(name)
            }
            Some(b'}') => {
                self.bump();
                None
            }
            _ => None,
        }
    }

    /// In an array of checked JSON, after its `[` or an element: whether an element follows,
    /// the reader left at it; `false` at the array's end (its `]` consumed) or at its text's.
    pub fn next_element(&mut self) -> bool {
        if self.peek() == Some(b',') {
            self.bump();
        }
        match self.peek() {
            Some(b']') => {
                self.bump();
                false
            }
            next => next.is_some(),
        }
    }

    /// Skips one complete value that this reader has already accepted once (its grammar and
    /// nesting were checked then), iteratively: used to walk back over an object's earlier
    /// members.
    pub fn skip_checked_value(&mut self) -> Result<()> {
        let mut depth = 0usize;
        loop {
            match self.peek().ok_or(BAD)? {
                b'{' | b'[' => {
                    depth += 1;
                    self.bump();
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1).ok_or(BAD)?;
                    self.bump();
                }
                b',' | b':' => self.bump(),
                b'"' => {
                    self.string()?;
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                _ => {
                    self.number()?;
                }
            }
            if depth == 0 {
                return Ok(());
            }
        }
    }
}

impl Reader<'_> {
    /// Skips one token that is not a string: a structural byte, a number or a literal.
    pub fn skip_token(&mut self) {
        let skipped = match self.peek() {
            Some(b'-' | b'0'..=b'9') => self.number().map(drop),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(_) => {
                self.bump();
                Ok(())
            }
            None => Ok(()),
        };
        if skipped.is_err() {
            self.bump();
        }
    }
}

/// Whether checked JSON `text` nests at most `max` deep (the outermost array or object
/// counting as 1); [`Error::NestingTooDeep`] otherwise.
pub(crate) fn depth_within(text: &str, max: usize) -> Result<()> {
    let mut r = Reader::new(text);
    let mut depth = 0usize;
    while let Some(b) = r.peek() {
        match b {
            b'"' => {
                r.string()?;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return Err(Error::NestingTooDeep);
                }
                r.bump();
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                r.bump();
            }
            _ => r.skip_token(),
        }
    }
    Ok(())
}

/// One or more digits from `i`; returns the index after them.
fn digits(bytes: &[u8], mut i: usize) -> Result<usize> {
    let start = i;
    while let Some(b'0'..=b'9') = bytes.get(i) {
        i += 1;
    }
    if i > start { Ok(i) } else { Err(BAD) }
}

/// The index of the first byte at or after `i` that a string must look at: a quote, a
/// backslash or a control character (or, when there is none, the start of the last seven
/// bytes or fewer). Eight bytes at a time, read little-endian: in each test below the lowest
/// flagged byte is exactly the first such byte of the word (a borrow can only flag bytes
/// above a true one), so the lowest flag of the three is where to stop.
pub(super) fn skip_plain(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    let zero_bytes = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    while let Some(&word) = bytes.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        let w = u64::from_le_bytes(word);
        let flags = zero_bytes(w ^ (ONES * u64::from(b'"')))
            | zero_bytes(w ^ (ONES * u64::from(b'\\')))
            | (w.wrapping_sub(ONES * 0x20) & !w & HIGH);
        if flags != 0 {
            return i + (flags.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i
}

/// Checks the escape whose letter is at `i` (just after a backslash); returns the index after
/// it. `\uXXXX` must name a Unicode scalar value: a high surrogate must be followed by an
/// escaped low surrogate, and a low surrogate may not stand alone.
fn escape_end(bytes: &[u8], i: usize) -> Result<usize> {
    match bytes.get(i) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(i + 1),
        Some(b'u') => match hex4(bytes, i + 1)? {
            0xD800..=0xDBFF => {
                if bytes.get(i + 5) != Some(&b'\\') || bytes.get(i + 6) != Some(&b'u') {
                    return Err(BAD);
                }
                match hex4(bytes, i + 7)? {
                    0xDC00..=0xDFFF => Ok(i + 11),
                    _ => Err(BAD),
                }
            }
            0xDC00..=0xDFFF => Err(BAD),
            _ => Ok(i + 5),
        },
        _ => Err(BAD),
    }
}

/// Four hex digits from `i`.
pub(crate) fn hex4(bytes: &[u8], i: usize) -> Result<u32> {
    let mut v = 0;
    for k in 0..4 {
        let d = char::from(*bytes.get(i + k).ok_or(BAD)?)
            .to_digit(16)
            .ok_or(BAD)?;
        v = (v << 4) | d;
    }
    Ok(v)
}

/// The characters of a string token, escapes decoded. The token was checked by
/// [`Reader::string`]; a malformed escape (which cannot occur then) ends the iteration.
pub(crate) struct Chars<'j> {
    rest: core::str::Chars<'j>,
}

impl<'j> Chars<'j> {
    /// The decoded characters of `s`.
    pub fn new(s: RawStr<'j>) -> Self {
        Self {
            rest: s.raw.chars(),
        }
    }
}

impl Iterator for Chars<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        let c = self.rest.next()?;
        if c != '\\' {
            return Some(c);
        }
        let escape = self.rest.next()?;
        Some(match escape {
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => {
                let hi = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&hi) {
                    // `\uDxxx` follows: skip the backslash and the `u`.
                    self.rest.nth(1)?;
                    let lo = self.hex4()?;
                    0x10000 + ((hi - 0xD800) << 10) + (lo.checked_sub(0xDC00)?)
                } else {
                    hi
                };
                char::from_u32(code)?
            }
            other => other, // `"`, `\` and `/` stand for themselves.
        })
    }
}

impl Chars<'_> {
    fn hex4(&mut self) -> Option<u32> {
        let s = self.rest.as_str();
        let v = hex4(s.as_bytes(), 0).ok()?;
        self.rest = s.get(4..)?.chars();
        Some(v)
    }
}

impl<'j> RawStr<'j> {
    /// The JSON content of a string with nothing to escape (no `"`, `\\` or control
    /// character: see `json::is_plain`), which is the string itself.
    #[cfg(feature = "compact-custom-claims")]
    pub fn plain(s: &'j str) -> Self {
        RawStr {
            raw: s,
            escaped: false,
            nul: false,
        }
    }
}

impl RawStr<'_> {
    /// The empty string, for [`Reader::string_into`] to overwrite.
    pub const EMPTY: RawStr<'static> = RawStr {
        raw: "",
        escaped: false,
        nul: false,
    };

    /// Whether the decoded string equals `other`.
    pub fn is(&self, other: &str) -> bool {
        if self.escaped {
            Chars::new(*self).eq(other.chars())
        } else {
            self.raw == other
        }
    }

    /// Whether the two decoded strings are equal.
    pub fn same(&self, other: &RawStr<'_>) -> bool {
        match (self.escaped, other.escaped) {
            (false, false) => self.raw == other.raw,
            _ => Chars::new(*self).eq(Chars::new(*other)),
        }
    }

    /// A hash of the decoded name for [`Members`]' filter: its decoded UTF-8 bytes, a word
    /// at a time, so a name hashes alike escaped or not (`"a"` and `"\u0061"`). Names
    /// without escapes, nearly all of them, are hashed from their bytes in place.
    fn hash(&self) -> u32 {
        let mut h = NameHash::default();
        if self.escaped {
            for c in Chars::new(*self) {
                let mut utf8 = [0u8; 4];
                c.encode_utf8(&mut utf8).bytes().for_each(|b| h.byte(b));
            }
        } else {
            let mut words = self.raw.as_bytes().chunks_exact(8);
            for w in &mut words {
                h.word(u64::from_le_bytes(w.try_into().unwrap_or_default()));
            }
            words.remainder().iter().for_each(|&b| h.byte(b));
        }
        h.finish()
    }
}

/// [`RawStr::hash`]'s state: whole words are mixed in as they fill; the last, partial one
/// and the length when finished.
#[derive(Default)]
struct NameHash {
    h: u64,
    /// The bytes of the word being filled, first byte lowest.
    partial: u64,
    len: u64,
}

impl NameHash {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;

    /// Mixes in a whole word; only at a word boundary (`len % 8 == 0`).
    fn word(&mut self, w: u64) {
        self.h = (self.h ^ w).wrapping_mul(Self::K).rotate_left(29);
        self.len += 8;
    }

    fn byte(&mut self, b: u8) {
        self.partial |= u64::from(b) << (8 * (self.len % 8));
        self.len += 1;
        if self.len.is_multiple_of(8) {
            self.len -= 8;
            let w = core::mem::take(&mut self.partial);
            self.word(w);
        }
    }

    fn finish(self) -> u32 {
        let h = (self.h ^ self.partial ^ self.len.rotate_right(8)).wrapping_mul(Self::K);
        (h >> 32) as u32
    }
}

/// The member names read so far in one object, for refusing duplicates (RFC 8259 §4 leaves
/// them to the implementation; RFC 7515 §5.2 and RFC 7519 §4 require refusing them).
///
/// A 256-bit Bloom filter over the decoded names answers most lookups; on a hit the object's
/// earlier members are read again from its start and compared exactly. No heap, no
/// recursion; the re-read is bounded by the object's size, which the token budget bounds.
pub(crate) struct Members {
    /// Offset just after the object's `{`.
    start: usize,
    bloom: [u64; 4],
}

impl Members {
    /// An object whose `{` ends at byte `start`.
    pub fn new(start: usize) -> Self {
        Self {
            start,
            bloom: [0; 4],
        }
    }

    /// Records the name `key`, whose opening quote is at `at`, failing if an earlier member
    /// of the same object has the same decoded name.
    pub fn insert(&mut self, text: &str, key: &RawStr<'_>, at: usize) -> Result<()> {
        if self.note(key) && self.earlier(text, key, at)? {
            return Err(Error::DuplicateMember);
        }
        Ok(())
    }

    /// Adds `key` to the filter; `true` when it may have been seen before (then
    /// [`earlier`](Self::earlier) decides), `false` when it certainly was not.
    pub fn note(&mut self, key: &RawStr<'_>) -> bool {
        let h = key.hash();
        let bits = [h & 0xff, (h >> 8) & 0xff];
        let seen = bits
            .iter()
            .all(|&b| self.bloom[(b >> 6) as usize] & (1 << (b & 63)) != 0);
        for b in bits {
            self.bloom[(b >> 6) as usize] |= 1 << (b & 63);
        }
        seen
    }

    /// Whether a member of this object in `text` before offset `at` is named `key`.
    pub fn earlier(&self, text: &str, key: &RawStr<'_>, at: usize) -> Result<bool> {
        let mut r = Reader::at(text, self.start);
        loop {
            if r.peek() == Some(b',') {
                r.bump();
            }
            if r.peek() != Some(b'"') || r.pos >= at {
                return Ok(false);
            }
            if r.string()?.same(key) {
                return Ok(true);
            }
            r.eat(b':')?;
            r.skip_checked_value()?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(json: &str) -> Result<RawStr<'_>> {
        let mut r = Reader::new(json);
        let s = r.string()?;
        r.end()?;
        Ok(s)
    }

    /// The word-at-a-time skip against the byte-at-a-time rule it shortcuts: for every
    /// position in strings of 0 to 24 bytes, each byte that matters (quote, backslash, the
    /// control characters, and their neighbours 0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x80,
    /// 0xFF) is found exactly where a byte-by-byte scan finds it, from every start.
    #[test]
    fn skipping_plain_bytes_stops_where_a_byte_scan_does() {
        let special = |b: u8| b == b'"' || b == b'\\' || b < 0x20;
        let probes = [
            0x00, 0x01, 0x0A, 0x1F, 0x20, 0x21, b'"', 0x23, 0x5B, b'\\', 0x5D, 0x7F, 0x80, 0xFF,
        ];
        let mut buf = [b'a'; 24];
        for len in 0..=buf.len() {
            for at in 0..len {
                for &probe in &probes {
                    buf.fill(b'a');
                    buf[at] = probe;
                    // A second byte further on, so the first must be the one found.
                    if at + 3 < len {
                        buf[at + 3] = b'"';
                    }
                    let bytes = &buf[..len];
                    for start in 0..=len {
                        let scan = (start..len).find(|&i| special(bytes[i]));
                        let skipped = skip_plain(bytes, start);
                        // Never past a special byte, and only over plain bytes.
                        assert!(skipped >= start && skipped <= len, "{bytes:?} {start}");
                        assert!(bytes[start..skipped].iter().all(|&b| !special(b)));
                        match scan {
                            // Exactly there when a whole word from a multiple of 8 past
                            // `start` holds it; never past it.
                            Some(i) if (i - start) / 8 * 8 + 8 <= len - start => {
                                assert_eq!(skipped, i, "{bytes:?} {start}")
                            }
                            Some(i) => assert!(skipped <= i, "{bytes:?} {start}"),
                            // With nothing to find, it stops only in the last seven bytes.
                            None => assert!(skipped + 8 > len, "{bytes:?} {start}"),
                        }
                    }
                }
            }
        }
    }

    /// Strings whose special bytes sit at every offset of a word read exactly as before.
    #[test]
    fn strings_across_word_boundaries() {
        for pad in 0..17 {
            let plain = "x".repeat(pad);
            let s = std::format!("\"{plain}\\n{plain}é{plain}\"");
            let raw = string(&s).unwrap();
            assert!(raw.escaped && !raw.nul);
            assert_eq!(raw.raw.len(), 3 * pad + 4);
            assert_eq!(
                string(&std::format!("\"{plain}\u{1}\"")).err(),
                Some(BAD),
                "{pad}"
            );
            assert_eq!(string(&std::format!("\"{plain}")).err(), Some(BAD), "{pad}");
            let with_nul = std::format!("\"{plain}\\u0000{plain}\"");
            assert!(string(&with_nul).unwrap().nul);
        }
    }

    fn number(json: &str) -> Result<Option<Int>> {
        let mut r = Reader::new(json);
        let n = r.number()?;
        r.end()?;
        Ok(n.int)
    }

    #[test]
    fn strings_check_every_escape() {
        for ok in [
            r#""""#,
            r#""plain é 中""#,
            r#""\"\\\/\b\f\n\r\t""#,
            r#""\u0000\u00e9\uFFFF""#,
            r#""\ud83d\ude00""#,
        ] {
            assert!(string(ok).is_ok(), "{ok}");
        }
        for bad in [
            r#"""#,
            r#""abc"#,
            r#""\q""#,
            r#""\u12""#,
            r#""\u12g4""#,
            r#""\ud83d""#,
            r#""\ud83d\u0041""#,
            r#""\ude00""#,
            r#""\ud83dx""#,
            "\"\\\u{1}\"",
            "\"a\u{1f}\"",
            "\"a\nb\"",
            r#""\"#,
        ] {
            assert!(string(bad).is_err(), "{bad}");
        }
    }

    /// A name hashes alike written plainly and with every character escaped, at every
    /// length across the word boundaries (the filter would otherwise miss a duplicate).
    #[test]
    fn name_hash_ignores_escaping() {
        let name: std::vec::Vec<char> = "abcdefgé中😀hijklmnopqrstuv".chars().collect();
        for n in 0..=name.len() {
            let plain: std::string::String = name[..n].iter().collect();
            let mut escaped = std::string::String::new();
            for c in &name[..n] {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    escaped += &std::format!("\\u{u:04x}");
                }
            }
            let (p, e) = (std::format!("\"{plain}\""), std::format!("\"{escaped}\""));
            let (p, e) = (string(&p).unwrap(), string(&e).unwrap());
            assert!(!p.escaped && (n == 0 || e.escaped) && p.same(&e), "{plain}");
            assert_eq!(p.hash(), e.hash(), "{plain}");
        }
    }

    #[test]
    fn chars_decode_what_strings_accept() {
        let s = string(r#""a\/\u00e9\ud83d\ude00\n""#).unwrap();
        assert!(s.escaped);
        assert!(Chars::new(s).eq("a/é😀\n".chars()));
        assert!(s.is("a/é😀\n"));
        assert!(!s.is("a/é😀"));
    }

    #[test]
    fn numbers_follow_rfc_8259_and_keep_integers_exact() {
        assert_eq!(number("0"), Ok(Some(Int::Unsigned(0))));
        assert_eq!(number("-0"), Ok(Some(Int::Signed(0))));
        assert_eq!(
            number("18446744073709551615"),
            Ok(Some(Int::Unsigned(u64::MAX)))
        );
        assert_eq!(number("18446744073709551616"), Ok(None));
        // Either side of the nineteen digits summed unchecked.
        let nines = Some(Int::Unsigned(9_999_999_999_999_999_999));
        assert_eq!(number("9999999999999999999"), Ok(nines));
        let ten = Some(Int::Unsigned(10_000_000_000_000_000_000));
        assert_eq!(number("10000000000000000000"), Ok(ten));
        assert_eq!(number("99999999999999999999"), Ok(None));
        assert_eq!(number("100000000000000000000000000000"), Ok(None));
        assert_eq!(
            number("-9223372036854775808"),
            Ok(Some(Int::Signed(i64::MIN)))
        );
        assert_eq!(number("-9223372036854775809"), Ok(None));
        for float in ["1.0", "1e19", "-1.5E+3", "0.5e-2", "1764000000.0"] {
            assert_eq!(number(float), Ok(None), "{float}");
        }
        for bad in [
            "01", "-", "+1", "1.", ".5", "1e", "1e+", "--1", "0x10", "1.e3",
        ] {
            assert!(number(bad).is_err(), "{bad}");
        }
    }

    fn members(json: &str) -> Result<()> {
        let mut r = Reader::new(json);
        r.eat(b'{')?;
        let mut m = Members::new(r.pos());
        while r.peek() == Some(b'"') {
            let at = r.pos();
            let key = r.string()?;
            m.insert(json, &key, at)?;
            r.eat(b':')?;
            r.skip_checked_value()?;
            if r.peek() == Some(b',') {
                r.bump();
            }
        }
        r.eat(b'}')
    }

    #[test]
    fn duplicate_names_are_found_after_decoding() {
        assert_eq!(members(r#"{"a":1,"b":[1,{"a":2}],"c":"a"}"#), Ok(()));
        assert_eq!(
            members(r#"{"a":1,"b":2,"a":3}"#),
            Err(Error::DuplicateMember)
        );
        assert_eq!(
            members(r#"{"a":1,"\u0061":3}"#),
            Err(Error::DuplicateMember)
        );
        assert_eq!(
            members(r#"{"\/x":{"y":[]},"/x":3}"#),
            Err(Error::DuplicateMember)
        );
        // Many names: the filter fills up, and exact comparison still tells them apart.
        let mut json = [0u8; 4096];
        let mut n = 0;
        json[n] = b'{';
        n += 1;
        for i in 0..400u32 {
            let m = if i > 0 { "," } else { "" };
            let entry = format_member(m, i);
            json[n..n + entry.1].copy_from_slice(&entry.0[..entry.1]);
            n += entry.1;
        }
        json[n] = b'}';
        let text = core::str::from_utf8(&json[..=n]).unwrap();
        assert_eq!(members(text), Ok(()));
    }

    /// `,"k<i>":0` without allocating.
    fn format_member(comma: &str, i: u32) -> ([u8; 16], usize) {
        let mut out = [0u8; 16];
        let mut n = 0;
        for b in comma.bytes().chain(*b"\"k") {
            out[n] = b;
            n += 1;
        }
        let digits = [i / 100, i / 10 % 10, i % 10];
        for d in digits {
            out[n] = b'0' + d as u8;
            n += 1;
        }
        for b in *b"\":0" {
            out[n] = b;
            n += 1;
        }
        (out, n)
    }
}
