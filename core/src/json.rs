//! JSON helpers around `serde-json-core`: a structural pre-scan, string unescaping into a
//! caller's scratch space, and a byte-minimal writer that counts what it could not write.
//!
//! `serde-json-core` hands back string contents raw (escapes untouched) when it borrows, and
//! cannot decode surrogate pairs; every string we read therefore goes through [`Arena`].

use crate::error::{Error, Result};

/// The deepest nesting of arrays and objects read in claims or headers. Claims are an
/// object (1) whose values may be arrays or small objects (2, 3); more is refused before
/// parsing, so hostile input cannot drive the recursive parser deep into the stack.
pub const MAX_DEPTH: usize = 4;

/// Checks nesting depth and refuses what is not JSON where the parser would not look (raw
/// control characters in strings, malformed literals, stray bytes) and escaped object
/// keys (a key such as `"\u0065xp"` would otherwise slip past field matching while other
/// libraries read it as `exp`).
pub fn prescan(json: &[u8]) -> Result<()> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < json.len() {
        match json[i] {
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(Error::NestingTooDeep);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let start = i;
                let mut escaped = false;
                i += 1;
                while i < json.len() && json[i] != b'"' {
                    // JSON strings hold no raw control characters (RFC 8259 §7); the
                    // parser does not check the names and values it skips.
                    if json[i] < 0x20 {
                        return Err(Error::MalformedClaims);
                    }
                    if json[i] == b'\\' {
                        escaped = true;
                        i += 1;
                    }
                    i += 1;
                }
                let rest = json.get(i + 1..).unwrap_or_default();
                let next = rest.iter().find(|b| !b" \t\r\n".contains(b));
                if escaped && next == Some(&b':') {
                    return Err(Error::MalformedClaims);
                }
                debug_assert!(i > start);
            }
            // Literals: the parser skips unknown members' values without checking them
            // (it took `-1y5` as a number), so every bare token is checked here.
            b'-' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' => {
                let start = i;
                while i < json.len()
                    && matches!(json[i], b'-' | b'+' | b'.' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
                {
                    i += 1;
                }
                let token = &json[start..i];
                if !(matches!(token, b"true" | b"false" | b"null") || is_number(token)) {
                    return Err(Error::MalformedClaims);
                }
                continue;
            }
            b',' | b':' | b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => return Err(Error::MalformedClaims),
        }
        i += 1;
    }
    Ok(())
}

/// Whether `t` is a JSON number (RFC 8259 §6): `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_number(t: &[u8]) -> bool {
    let digits = |i: &mut usize| {
        let start = *i;
        while t.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    let mut i = usize::from(t.first() == Some(&b'-'));
    match t.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if t.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(t.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(t.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == t.len()
}

/// Bump allocation of unescaped strings out of a caller's scratch buffer.
pub struct Arena<'b> {
    rest: &'b mut [u8],
}

impl<'b> Arena<'b> {
    /// An arena over `buf`.
    pub fn new(buf: &'b mut [u8]) -> Self {
        Self { rest: buf }
    }

    /// Unescapes the raw JSON string content `raw` (as borrowed from the input). Without a
    /// backslash it is returned as is (zero-copy); otherwise it is decoded into the arena.
    /// Raw control characters are refused, as JSON requires.
    pub fn unescape(&mut self, raw: &'b str) -> Result<&'b str> {
        if raw.bytes().any(|b| b < 0x20) {
            return Err(Error::MalformedClaims);
        }
        if !raw.contains('\\') {
            return Ok(raw);
        }
        let mut len = 0;
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            let c = if c == '\\' {
                unescape_one(&mut chars)?
            } else {
                c
            };
            let mut utf8 = [0u8; 4];
            let bytes = c.encode_utf8(&mut utf8).as_bytes();
            match self.rest.get_mut(len..len + bytes.len()) {
                Some(dst) => dst.copy_from_slice(bytes),
                // Unescaping never lengthens a string, so callers that reserve as many bytes
                // as the JSON has never get here.
                None => return Err(Error::BufferTooSmall { needed: raw.len() }),
            }
            len += bytes.len();
        }
        let (used, rest) = core::mem::take(&mut self.rest).split_at_mut(len);
        self.rest = rest;
        core::str::from_utf8(used).map_err(|_| Error::MalformedClaims)
    }
}

fn hex4(chars: &mut core::str::Chars<'_>) -> Result<u32> {
    let mut v = 0u32;
    for _ in 0..4 {
        let d = chars
            .next()
            .and_then(|c| c.to_digit(16))
            .ok_or(Error::MalformedClaims)?;
        v = (v << 4) | d;
    }
    Ok(v)
}

fn unescape_one(chars: &mut core::str::Chars<'_>) -> Result<char> {
    Ok(match chars.next().ok_or(Error::MalformedClaims)? {
        '"' => '"',
        '\\' => '\\',
        '/' => '/',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'u' => {
            let hi = hex4(chars)?;
            let code = match hi {
                0xD800..=0xDBFF => {
                    if chars.next() != Some('\\') || chars.next() != Some('u') {
                        return Err(Error::MalformedClaims);
                    }
                    let lo = hex4(chars)?;
                    if !(0xDC00..=0xDFFF).contains(&lo) {
                        return Err(Error::MalformedClaims);
                    }
                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                }
                0xDC00..=0xDFFF => return Err(Error::MalformedClaims),
                c => c,
            };
            char::from_u32(code).ok_or(Error::MalformedClaims)?
        }
        _ => return Err(Error::MalformedClaims),
    })
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

    /// Whether everything fitted.
    pub fn fits(&self) -> bool {
        self.len <= self.out.len()
    }

    fn raw(&mut self, bytes: &[u8]) {
        if let Some(dst) = self.out.get_mut(self.len..self.len + bytes.len()) {
            dst.copy_from_slice(bytes);
        }
        self.len += bytes.len();
    }

    fn string(&mut self, s: &str) {
        self.raw(b"\"");
        let mut start = 0;
        let bytes = s.as_bytes();
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
    fn unescapes_everything_json_allows() {
        let mut buf = [0u8; 64];
        let mut arena = Arena::new(&mut buf);
        assert_eq!(arena.unescape("plain").unwrap(), "plain");
        assert_eq!(arena.unescape(r"https:\/\/a").unwrap(), "https://a");
        assert_eq!(arena.unescape(r#"q\"\\\n\t"#).unwrap(), "q\"\\\n\t");
        assert_eq!(arena.unescape(r"\u00e9\u4e2d").unwrap(), "é中");
        assert_eq!(arena.unescape(r"\ud83d\ude00!").unwrap(), "😀!");
        for bad in [
            r"\ud83d",
            r"\ude00",
            r"\ud83d\u0041",
            r"\x",
            r"\u12",
            "a\u{1}",
        ] {
            assert_eq!(arena.unescape(bad), Err(Error::MalformedClaims), "{bad}");
        }
    }

    #[test]
    fn unescape_reports_a_full_arena() {
        let mut buf = [0u8; 3];
        let mut arena = Arena::new(&mut buf);
        assert!(matches!(
            arena.unescape(r"abcd\/"),
            Err(Error::BufferTooSmall { .. })
        ));
    }

    #[test]
    fn prescan_limits_depth_and_escaped_keys() {
        assert!(prescan(br#"{"a":[1,{"b":[2]}]}"#).is_ok());
        assert_eq!(prescan(br#"{"a":[[[[1]]]]}"#), Err(Error::NestingTooDeep));
        assert_eq!(prescan(br#"{"a":"[[[[[[\"]]"}"#), Ok(()));
        assert_eq!(prescan(br#"{"\u0065xp":1}"#), Err(Error::MalformedClaims));
        assert_eq!(prescan(br#"{"a":"\u0065xp"}"#), Ok(()));
        assert_eq!(prescan(b"{\"a\x1d\":1}"), Err(Error::MalformedClaims));
        assert_eq!(prescan(b"{\"a\":\"\x00\"}"), Err(Error::MalformedClaims));
        assert_eq!(prescan(b"{\"a\":\r\n\t1}"), Ok(()));
    }

    #[test]
    fn prescan_checks_literals_the_parser_skips() {
        for ok in [
            &br#"{"a":-1.5e+3,"b":[0,1e19,true,false,null],"c":0.0,"d":18446744073709551616}"#[..],
            b"{\"a\" : 1 , \"b\":[ ] }",
        ] {
            assert_eq!(prescan(ok), Ok(()), "{}", core::str::from_utf8(ok).unwrap());
        }
        for bad in [
            &br#"{"a":-6853924172403y15815}"#[..],
            br#"{"a":01}"#,
            br#"{"a":1.}"#,
            br#"{"a":.5}"#,
            br#"{"a":1e}"#,
            br#"{"a":-}"#,
            br#"{"a":+1}"#,
            br#"{"a":tru}"#,
            br#"{"a":NaN}"#,
            br#"{"a":1}x"#,
            br#"{"a":'b'}"#,
            b"{\"a\":\x0c1}",
        ] {
            assert_eq!(prescan(bad), Err(Error::MalformedClaims), "{:?}", bad);
        }
    }

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

        let mut small = [0u8; 4];
        let mut w = Writer::new(&mut small);
        w.str("key", "value");
        assert!(!w.fits());
        assert_eq!(w.finish(), r#"{"key":"value"}"#.len());
    }
}
