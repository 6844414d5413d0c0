//! The JSON writer: byte-minimal output into a caller's buffer.

/// Whether `s` holds nothing to escape in a JSON string: [`Writer::string`] writes it
/// between quotes as it is.
#[cfg(feature = "compact-custom-claims")]
pub(crate) fn is_plain(s: &str) -> bool {
    plain_run(s.as_bytes()) == s.len()
}

/// The length of the longest prefix of `s` that holds nothing to escape in a JSON string
/// (no `"`, `\\` or control character): the reader's word-at-a-time skip, then the last
/// few bytes one by one.
fn plain_run(s: &[u8]) -> usize {
    let mut at = super::read::skip_plain(s, 0);
    while let Some(&b) = s.get(at) {
        if b < 0x20 || b == b'"' || b == b'\\' {
            break;
        }
        at += 1;
    }
    at
}

/// Writes byte-minimal JSON into a buffer; past its end it keeps counting, so a failed write
/// still tells how long the output would have been.
pub struct Writer<'o> {
    out: &'o mut [u8],
    len: usize,
    first: bool,
}

impl<'o> Writer<'o> {
    /// A writer over `out`, starting at its beginning.
    pub fn new(out: &'o mut [u8]) -> Self {
        Self {
            out,
            len: 0,
            first: true,
        }
    }

    /// Bytes written, or that would have been.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Everything written so far, or `None` once something did not fit.
    #[cfg(feature = "compact-custom-claims")]
    pub(crate) fn written(&self) -> Option<&[u8]> {
        self.out.get(..self.len)
    }

    /// Whether everything fitted.
    pub fn fits(&self) -> bool {
        self.len <= self.out.len()
    }

    pub(crate) fn raw(&mut self, bytes: &[u8]) {
        if let Some(dst) = self.out.get_mut(self.len..self.len + bytes.len()) {
            dst.copy_from_slice(bytes);
        }
        self.len += bytes.len();
    }

    pub(crate) fn string(&mut self, s: &str) {
        self.string_unless_nul(s.as_bytes(), false);
    }

    /// [`Writer::string`], but a string holding U+0000 is refused: `false`, nothing
    /// written. The scan that finds nothing to escape also finds no U+0000 (a control
    /// character), so most strings are read once.
    #[cfg(feature = "compact-custom-claims")]
    pub(crate) fn string_without_nul(&mut self, s: &str) -> bool {
        self.string_unless_nul(s.as_bytes(), true)
    }

    /// [`Writer::string_without_nul`] of bytes not yet known to be UTF-8, for a caller that
    /// checks the UTF-8 of all it wrote at once: JSON's quotes and escapes are ASCII, so
    /// the whole text is UTF-8 exactly when each string's bytes are.
    #[cfg(feature = "compact-custom-claims")]
    pub(crate) fn text_without_nul(&mut self, bytes: &[u8]) -> bool {
        self.string_unless_nul(bytes, true)
    }

    /// The next `n` bytes of the output, for the caller to fill, when they fit (`None`
    /// otherwise); counted as written either way.
    #[cfg(feature = "compact-custom-claims")]
    pub(crate) fn reserve(&mut self, n: usize) -> Option<&mut [u8]> {
        let at = self.len;
        self.len += n;
        self.out.get_mut(at..at + n)
    }

    /// A string its caller knows has nothing to escape (see [`is_plain`]), between quotes
    /// as it is, unread.
    #[cfg(feature = "compact-custom-claims")]
    pub(crate) fn plain_string(&mut self, s: &str) {
        self.quoted(s.as_bytes());
    }

    #[inline(always)]
    fn quoted(&mut self, bytes: &[u8]) {
        let n = bytes.len() + 2;
        if let Some(dst) = self.out.get_mut(self.len..self.len + n)
            && let Some((open, rest)) = dst.split_first_mut()
            && let Some((close, body)) = rest.split_last_mut()
        {
            *open = b'"';
            body.copy_from_slice(bytes);
            *close = b'"';
        }
        self.len += n;
    }

    #[inline(always)]
    fn string_unless_nul(&mut self, bytes: &[u8], refuse_nul: bool) -> bool {
        // Most strings need no escape: a word-at-a-time scan finds out, and the quoted
        // string is then copied in one go.
        if plain_run(bytes) == bytes.len() {
            self.quoted(bytes);
        } else if refuse_nul && bytes.contains(&0) {
            return false;
        } else {
            self.escaped(bytes);
        }
        true
    }

    /// [`Writer::string`] of a string with something to escape: apart, so the common case
    /// stays a small function.
    #[cold]
    #[inline(never)]
    fn escaped(&mut self, bytes: &[u8]) {
        self.raw(b"\"");
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let short: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0x08 => b"\\b",
                0x0c => b"\\f",
                0..=0x1f => b"",
                _ => continue,
            };
            self.raw(&bytes[start..i]);
            if short.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                self.raw(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(b >> 4)],
                    HEX[usize::from(b & 15)],
                ]);
            } else {
                self.raw(short);
            }
            start = i + 1;
        }
        self.raw(&bytes[start..]);
        self.raw(b"\"");
    }

    fn key(&mut self, key: &str) {
        self.raw(if self.first { b"{" } else { b"," });
        self.first = false;
        self.string(key);
        self.raw(b":");
    }

    /// `"key":"value"`.
    pub fn str(&mut self, key: &str, value: &str) {
        self.key(key);
        self.string(value);
    }

    /// `"key":"value"` when present.
    pub fn opt_str(&mut self, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.str(key, v);
        }
    }

    /// `"key":123`.
    pub fn num(&mut self, key: &str, value: u64) {
        self.key(key);
        self.digits(value);
    }

    /// The decimal digits of `value`.
    pub(crate) fn digits(&mut self, value: u64) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut v = value;
        loop {
            i -= 1;
            digits[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        self.raw(&digits[i..]);
    }

    /// `"key":123` when present.
    pub fn opt_num(&mut self, key: &str, value: Option<u64>) {
        if let Some(v) = value {
            self.num(key, v);
        }
    }

    /// `"key":true` when present.
    pub fn opt_bool(&mut self, key: &str, value: Option<bool>) {
        if let Some(v) = value {
            self.key(key);
            self.raw(if v { b"true" } else { b"false" });
        }
    }

    /// `"key":["a","b"]`; with `single_as_string`, one value is written as `"key":"a"`.
    pub fn str_list<'s>(
        &mut self,
        key: &str,
        values: impl ExactSizeIterator<Item = &'s str>,
        single_as_string: bool,
    ) {
        let n = values.len();
        if n == 0 {
            return;
        }
        self.key(key);
        let array = n > 1 || !single_as_string;
        if array {
            self.raw(b"[");
        }
        for (i, v) in values.enumerate() {
            if i > 0 {
                self.raw(b",");
            }
            self.string(v);
        }
        if array {
            self.raw(b"]");
        }
    }

    /// `"key":-123`.
    pub fn int(&mut self, key: &str, value: i64) {
        if value < 0 {
            self.key(key);
            self.raw(b"-");
            self.digits(value.unsigned_abs());
        } else {
            self.num(key, value.unsigned_abs());
        }
    }

    /// `"key":["a","b"]`, always an array.
    pub fn str_array<'s>(&mut self, key: &str, values: impl Iterator<Item = &'s str>) {
        self.key(key);
        self.raw(b"[");
        for (i, v) in values.enumerate() {
            if i > 0 {
                self.raw(b",");
            }
            self.string(v);
        }
        self.raw(b"]");
    }

    /// `"key":<raw>`: `name` is raw JSON string content (escapes kept), `value` checked
    /// JSON text, written without whitespace outside strings (byte-minimal, whatever the
    /// text it came from).
    pub fn raw_member(&mut self, name: &str, value: &str) {
        self.raw(if self.first { b"{" } else { b"," });
        self.first = false;
        self.raw(b"\"");
        self.raw(name.as_bytes());
        self.raw(b"\":");
        self.minified(value);
    }

    /// The members of another object, as checked byte-minimal JSON text without its
    /// brackets (`"a":1,"b":2`; empty for none), as members of this one.
    pub fn raw_members(&mut self, members: &str) {
        if members.is_empty() {
            return;
        }
        self.raw(if self.first { b"{" } else { b"," });
        self.first = false;
        self.raw(members.as_bytes());
    }

    /// `"key":<raw>` with `key` escaped as needed and `value` checked JSON text.
    pub fn raw_member_str(&mut self, key: &str, value: &str) {
        self.key(key);
        self.raw(value.as_bytes());
    }

    /// `"key":<value>` with checked JSON text `value` re-emitted without whitespace.
    pub fn minified_member(&mut self, key: &str, value: &str) {
        self.key(key);
        self.minified(value);
    }

    /// Checked JSON text `value` re-emitted without whitespace outside strings.
    fn minified(&mut self, value: &str) {
        let mut r = super::Reader::new(value);
        while let Some(b) = r.peek() {
            let start = r.pos();
            if b == b'"' {
                if r.string().is_err() {
                    r.bump();
                }
            } else {
                r.skip_token();
            }
            self.raw(value.as_bytes().get(start..r.pos()).unwrap_or_default());
        }
    }

    /// The buffer back, as it stands (for output whose brackets the caller wrote).
    #[cfg(feature = "compact-custom-claims")]
    pub(crate) fn into_inner(self) -> &'o mut [u8] {
        self.out
    }

    /// Closes the object and gives back the buffer with the length written (or needed).
    pub fn finish_into(mut self) -> (&'o mut [u8], usize) {
        if self.first {
            self.raw(b"{");
        }
        self.raw(b"}");
        (self.out, self.len)
    }

    /// Closes the object (an empty object if nothing was written) and returns its length.
    pub fn finish(mut self) -> usize {
        if self.first {
            self.raw(b"{");
        }
        self.raw(b"}");
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_is_minimal_escapes_and_counts() {
        let mut buf = [0u8; 128];
        let mut w = Writer::new(&mut buf);
        w.str("s", "a\"b\\c\u{1}/é");
        w.num("n", 0);
        w.num("m", u64::MAX);
        w.opt_bool("b", Some(true));
        w.str_list("l", ["x"].into_iter(), true);
        w.str_list("k", ["x", "y"].into_iter(), true);
        w.str_list("j", ["x"].into_iter(), false);
        let n = w.finish();
        let expect = r#"{"s":"a\"b\\c\u0001/é","n":0,"m":18446744073709551615,"b":true,"l":"x","k":["x","y"],"j":["x"]}"#;
        assert_eq!(core::str::from_utf8(&buf[..n]).unwrap(), expect);

        // Every length from 0 to 20, a byte needing an escape at each position.
        for n in 0..=20 {
            let plain = "abcdefghijklmnopqrstu";
            let mut buf = [0u8; 64];
            let mut w = Writer::new(&mut buf);
            w.string(&plain[..n]);
            assert_eq!(w.len(), n + 2);
            assert_eq!(&buf[1..n + 1], &plain.as_bytes()[..n]);
            for at in 0..n {
                for (bad, escaped) in [("\"", "\\\""), ("\\", "\\\\"), ("\u{1f}", "\\u001f")] {
                    let s = std::format!("{}{bad}{}", &plain[..at], &plain[at + 1..n]);
                    let mut buf = [0u8; 64];
                    let mut w = Writer::new(&mut buf);
                    w.string(&s);
                    let len = w.len();
                    let expect = std::format!("\"{}{escaped}{}\"", &plain[..at], &plain[at + 1..n]);
                    assert_eq!(core::str::from_utf8(&buf[..len]).unwrap(), expect);
                }
            }
        }

        let mut small = [0u8; 4];
        let mut w = Writer::new(&mut small);
        w.str("key", "value");
        assert!(!w.fits());
        assert_eq!(w.finish(), r#"{"key":"value"}"#.len());
    }
}
