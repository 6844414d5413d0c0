//! Custom claims on the wire (`FORMAT.md`, "Custom claims"): every claim the kind's table
//! does not name, as typed values behind well-known or spelled-out names. Written from the
//! claims' JSON text on issue, and read back into byte-minimal JSON text on verify, with
//! the JSON reader's rules. Built with the `compact-custom-claims` feature; without it
//! `compact` neither writes nor reads custom claims ([`Error::CustomClaimsDisabled`]).

use super::{Dec, Enc, FORM_TEXT, Raw, varint};
use crate::claims::JsonStr;
use crate::error::{Error, Result};
use crate::json::Reader;

/// Custom claims' value types: the low three bits of a value's header varint.
mod value {
    /// `null` (payload 0), `false` (1) or `true` (2).
    pub const LITERAL: u64 = 0;
    /// An integer `0 ..= 2^61 - 1`: the payload.
    pub const UNSIGNED: u64 = 1;
    /// An integer `-2^61 ..= -1`: `-1 - payload`.
    pub const NEGATIVE: u64 = 2;
    /// A string in one of the four forms, which follows (payload 0).
    pub const STRING: u64 = 3;
    /// An array of `payload` values, which follow.
    pub const ARRAY: u64 = 4;
    /// An object of `payload` members (a name string, a value), which follow.
    pub const OBJECT: u64 = 5;
    /// Any other number, as its JSON text in a string that follows (payload 0).
    pub const NUMBER_TEXT: u64 = 6;
    /// A string that is canonical unpadded base64url: the `payload` bytes it decodes to
    /// follow, and are encoded again when read.
    pub const BASE64URL: u64 = 7;
}

/// Header values below this name a well-known custom claim ([`WELL_KNOWN_NAMES`]); a
/// name spelled out has its string header offset by it.
pub const NAME_CODES: u64 = 64;

/// Custom claim names common enough to cost one byte, by code (`FORMAT.md` lists them; a
/// code past the end is refused). From RFC 9068 §2.2.3.1, RFC 7800, RFC 8693, OpenID
/// Connect, and the access tokens of Keycloak, Microsoft Entra ID, Auth0, Okta and Cognito.
pub const WELL_KNOWN_NAMES: [&str; 40] = [
    "roles",
    "groups",
    "entitlements",
    "permissions",
    "tenant",
    "tid",
    "org_id",
    "cnf",
    "jkt",
    "x5t#S256",
    "act",
    "may_act",
    "sub",
    "azp",
    "sid",
    "realm_access",
    "resource_access",
    "allowed-origins",
    "scp",
    "oid",
    "upn",
    "email",
    "email_verified",
    "name",
    "preferred_username",
    "given_name",
    "family_name",
    "typ",
    "ver",
    "uid",
    "cid",
    "appid",
    "idp",
    "wids",
    "gty",
    "cognito:groups",
    "username",
    "token_use",
    "amr",
    "acr",
];

/// The largest payload of an integer value: the header is `payload << 3 | type` in a u64.
const MAX_INT_PAYLOAD: u64 = (1 << 61) - 1;

/// How many bytes `s` decodes to when it is canonical unpadded base64url (what
/// [`b64url_bytes`] returns), found without decoding: every character in the alphabet, and
/// the unused low bits of a last partial group zero.
fn b64url_len(s: &str) -> Option<usize> {
    let n = crate::b64::decoded_len(s.len()).ok()?;
    let b = s.as_bytes();
    // One table lookup a character, no early exit: any byte outside the alphabet has the
    // high bit of its value set.
    if b.iter().fold(0, |k, &c| k | crate::b64::value(c)) & 0x80 != 0 {
        return None;
    }
    let unused = match b.len() % 4 {
        2 => 0x0F,
        3 => 0x03,
        _ => 0,
    };
    let last = b.last().map_or(0, |&c| crate::b64::value(c));
    (last & unused == 0).then_some(n)
}

/// The bytes a string decodes to when it is canonical unpadded base64url, chunk by chunk
/// to `out` (called with at most 48 bytes at a time); `None` when it is not.
fn b64url_bytes(s: &str, mut out: impl FnMut(&[u8])) -> Option<usize> {
    // 64 characters (a whole number of quads) decode to 48 bytes; only the last chunk can
    // be short, and only its trailing bits are in question, as for the whole string.
    const CHARS: usize = 64;
    crate::b64::decoded_len(s.len()).ok()?;
    let mut n = 0;
    let mut chunk = [0u8; CHARS / 4 * 3];
    let mut at = 0;
    while at < s.len() {
        // Not a char boundary: a non-ASCII byte, outside the alphabet anyway.
        let part = s.get(at..s.len().min(at + CHARS))?;
        let bytes = crate::b64::decode(part, &mut chunk).ok()?;
        out(bytes);
        n += bytes.len();
        at += CHARS;
    }
    Some(n)
}

impl Enc<'_, '_> {
    /// Appends custom claims: `varint(count)`, then each member's name and value, reading
    /// their JSON text once.
    pub fn extras<S: AsRef<str>>(&mut self, extras: &crate::claims::Extras<S>) {
        self.counted(
            |n| n,
            |e| {
                extras.each_member(|name, r| {
                    e.name(name);
                    e.value(r);
                })
            },
        );
    }

    /// The items `write_items` writes (returning how many), behind `varint(header(count))`:
    /// custom claims are read from their JSON text as they are written, and counting them
    /// first would read it twice. One byte is set aside for the varint; a longer one moves
    /// the items up once they are written.
    fn counted(&mut self, header: impl Fn(u64) -> u64, write_items: impl FnOnce(&mut Self) -> u64) {
        let at = self.len;
        self.len += 1;
        let count = write_items(self);
        let mut buf = [0u8; 10];
        let v = varint(header(count), &mut buf);
        let more = v.len() - 1;
        if more > 0 {
            if self.len + more <= self.out.len() {
                self.out.copy_within(at + 1..self.len, at + 1 + more);
            }
            self.len += more;
        }
        if let Some(dst) = self.out.get_mut(at..at + v.len()) {
            dst.copy_from_slice(v);
        }
    }

    /// A string as UTF-8 text, whatever form would be shorter.
    fn text(&mut self, s: &str) {
        self.varint((s.len() as u64) << 2 | FORM_TEXT);
        self.bytes(s.as_bytes());
    }

    /// A member name: a well-known name's code, or a string with its header offset by
    /// [`NAME_CODES`].
    fn name(&mut self, s: JsonStr<'_>) {
        let plain = s.as_str();
        if let Some(code) = plain.and_then(|p| WELL_KNOWN_NAMES.iter().position(|n| *n == p)) {
            return self.varint(code as u64);
        }
        self.string(s, NAME_CODES);
    }

    /// A string value or name: its shortest form (registrable), escapes decoded, with
    /// `offset` added to its header.
    fn string(&mut self, s: JsonStr<'_>, offset: u64) {
        match s.as_str() {
            Some(plain) => self.str_after(plain, offset),
            None => {
                // Escaped text is rare: carried as UTF-8 text, decoded.
                let len: usize = s.chars().map(char::len_utf8).sum();
                self.varint(offset + ((len as u64) << 2 | FORM_TEXT));
                for c in s.chars() {
                    let mut utf8 = [0u8; 4];
                    self.bytes(c.encode_utf8(&mut utf8).as_bytes());
                }
            }
        }
    }

    /// The JSON value at `r` (checked JSON), as `FORMAT.md` ("Custom claims") specifies,
    /// leaving `r` after it: each token is read once, arrays and objects as their items are
    /// written.
    fn value(&mut self, r: &mut Reader<'_>) {
        use crate::json::Int;
        match r.peek() {
            Some(b'n') => {
                let _ = r.literal(b"null");
                self.varint(value::LITERAL);
            }
            Some(b'f') => {
                let _ = r.literal(b"false");
                self.varint(1 << 3 | value::LITERAL);
            }
            Some(b't') => {
                let _ = r.literal(b"true");
                self.varint(2 << 3 | value::LITERAL);
            }
            Some(b'"') => {
                if let Ok(raw) = r.string() {
                    self.string_value(JsonStr::new(raw));
                }
            }
            Some(open @ (b'[' | b'{')) => {
                r.bump();
                let object = open == b'{';
                let kind = if object { value::OBJECT } else { value::ARRAY };
                self.counted(
                    |n| n << 3 | kind,
                    |e| {
                        let mut n = 0;
                        loop {
                            // An object's items are its members: a name, then the value.
                            let next = if object {
                                r.next_member().map(|name| e.name(JsonStr::new(name)))
                            } else {
                                r.next_element().then_some(())
                            };
                            if next.is_none() || !e.item(r, &mut n) {
                                break n;
                            }
                        }
                    },
                );
            }
            _ => {
                // Checked text has no other value: were it one, nothing is read, and the
                // walk stops (see [`Enc::item`]).
                let Ok(number) = r.number() else { return };
                match number.int {
                    Some(Int::Unsigned(u)) if u <= MAX_INT_PAYLOAD => {
                        self.varint(u << 3 | value::UNSIGNED);
                    }
                    // `-0` is a negative integer of magnitude 0: kept as its text (type 6).
                    Some(Int::Signed(i)) if i < 0 && i.unsigned_abs() - 1 <= MAX_INT_PAYLOAD => {
                        self.varint((i.unsigned_abs() - 1) << 3 | value::NEGATIVE);
                    }
                    _ => {
                        self.varint(value::NUMBER_TEXT);
                        self.text(number.text);
                    }
                }
            }
        }
    }

    /// The value at `r` as one more item of an array or object (counted in `n`); `false`
    /// when there was none to read, which ends the walk rather than looping.
    fn item(&mut self, r: &mut Reader<'_>, n: &mut u64) -> bool {
        let at = r.pos();
        self.value(r);
        *n += 1;
        r.pos() != at
    }

    /// A string value: its base64url bytes when that form is shorter, else the string.
    fn string_value(&mut self, s: JsonStr<'_>) {
        let plain = s.as_str();
        match plain.and_then(|p| b64url_len(p).map(|n| (p, n))) {
            Some((p, n)) if self.b64url_saves(p, n) => {
                self.varint((n as u64) << 3 | value::BASE64URL);
                b64url_bytes(p, |b| self.bytes(b));
            }
            _ => {
                self.varint(value::STRING);
                self.string(s, 0);
            }
        }
    }

    /// Whether `n` raw bytes are shorter than the string `s` in its usual form.
    fn b64url_saves(&self, s: &str, n: usize) -> bool {
        let mut buf = [0u8; 10];
        let raw = varint((n as u64) << 3 | value::BASE64URL, &mut buf).len() + n;
        let mut probe = Enc::new(&mut [], self.registry);
        probe.varint(value::STRING);
        probe.str(s);
        raw < probe.len()
    }
}

impl Raw<'_> {
    /// Writes the string as a JSON string (quoted, escaped where needed); U+0000, which C
    /// code would take for the string's end, is refused as issuing refuses it.
    fn write_json(&self, w: &mut crate::json::Writer<'_>) -> Result<()> {
        match *self {
            Raw::Borrowed(s) => {
                if !w.string_without_nul(s) {
                    return Err(Error::MalformedClaims);
                }
            }
            // Its UTF-8 is checked with the whole text written (`extras`).
            Raw::Unchecked(b) => {
                if !w.text_without_nul(b) {
                    return Err(Error::MalformedClaims);
                }
            }
            Raw::Packed { n, .. } => {
                // Hex digits and the base64url alphabet need no escaping.
                let mut chunk = [0u8; 64];
                w.raw(b"\"");
                let mut done = 0;
                while done < n {
                    let take = (n - done).min(chunk.len());
                    self.write_range(done, &mut chunk[..take]);
                    w.raw(&chunk[..take]);
                    done += take;
                }
                w.raw(b"\"");
            }
        }
        Ok(())
    }
}

/// A custom claim's name as the payload gives it.
#[derive(Clone, Copy)]
enum Name<'b> {
    /// One of [`WELL_KNOWN_NAMES`], by its code: nothing in it to escape (a test holds
    /// them to that), so it is written and compared as it is.
    WellKnown(&'static str),
    /// A name spelled out in the payload.
    Spelled(Raw<'b>),
}

impl<'b> Dec<'b, '_> {
    /// Reads custom claims into JSON text in scratch, in one pass that makes issuing's
    /// checks as it writes (no name twice in an object, no typed claim's name at the top,
    /// no U+0000): the text is written straight into the rest of scratch, counting on past
    /// its end so that `finish` can say how much was needed.
    pub fn extras(&mut self, kind: crate::kind::Kind) -> Result<crate::claims::Extras<&'b str>> {
        let mut w = crate::json::Writer::new(core::mem::take(&mut self.arena));
        w.raw(b"{");
        let count = self.varint()?;
        self.members(&mut w, count, 0, Some(kind))?;
        w.raw(b"}");
        let len = w.len();
        self.arena = w.into_inner();
        let Some(dst) = self.alloc(len) else {
            // Reported by `finish` as BufferTooSmall.
            return Ok(crate::claims::Extras::none());
        };
        // The one UTF-8 check of the string values in text form (written unchecked).
        let text = core::str::from_utf8(dst).map_err(|_| Error::MalformedClaims)?;
        Ok(crate::claims::Extras::checked(text, kind))
    }

    /// `count` members of an object whose `{` was just written, at `depth` below the claims
    /// object; `typed` at the top, whose names may not be typed claims of that kind.
    fn members(
        &mut self,
        w: &mut crate::json::Writer<'_>,
        count: u64,
        depth: usize,
        typed: Option<crate::kind::Kind>,
    ) -> Result<()> {
        let mut seen = crate::json::Members::new(w.len());
        for i in 0..count {
            if i > 0 {
                w.raw(b",");
            }
            self.member_name(w, typed, &mut seen)?;
            w.raw(b":");
            self.value(w, depth + 1)?;
        }
        Ok(())
    }

    /// A member's name, read, written and checked ([`check_name`]) against the object's
    /// earlier names in `seen`. Not inlined: its locals stay out of [`Dec::members`]'
    /// frame, which the nesting repeats.
    #[inline(never)]
    fn member_name(
        &mut self,
        w: &mut crate::json::Writer<'_>,
        typed: Option<crate::kind::Kind>,
        seen: &mut crate::json::Members,
    ) -> Result<()> {
        let at = w.len();
        let name = self.name()?;
        match name {
            Name::WellKnown(s) => w.plain_string(s),
            Name::Spelled(raw) => raw.write_json(w)?,
        }
        // Once the output no longer fits, the error is BufferTooSmall whatever follows.
        match w.written() {
            Some(out) => check_name(name, out, at, typed, seen),
            None => Ok(()),
        }
    }

    /// One value at `depth` below the claims object.
    fn value(&mut self, w: &mut crate::json::Writer<'_>, depth: usize) -> Result<()> {
        let h = self.varint()?;
        let p = h >> 3;
        match h & 7 {
            value::LITERAL => w.raw(match p {
                0 => b"null",
                1 => b"false",
                2 => b"true",
                _ => return Err(Error::MalformedClaims),
            }),
            value::UNSIGNED => w.digits(p),
            value::NEGATIVE => {
                w.raw(b"-");
                w.digits(p + 1);
            }
            value::STRING | value::NUMBER_TEXT if p == 0 => self.text_value(h & 7, w)?,
            value::ARRAY | value::OBJECT => {
                if depth + 1 > crate::json::MAX_DEPTH {
                    return Err(Error::NestingTooDeep);
                }
                if h & 7 == value::OBJECT {
                    w.raw(b"{");
                    self.members(w, p, depth, None)?;
                    w.raw(b"}");
                } else {
                    w.raw(b"[");
                    for i in 0..p {
                        if i > 0 {
                            w.raw(b",");
                        }
                        self.value(w, depth + 1)?;
                    }
                    w.raw(b"]");
                }
            }
            value::BASE64URL => {
                let n = usize::try_from(p).map_err(|_| Error::MalformedClaims)?;
                base64url_string(self.take(n)?, w)?;
            }
            _ => return Err(Error::MalformedClaims),
        }
        Ok(())
    }

    /// A string (`STRING`) or a number in text form (`NUMBER_TEXT`), whose header was just
    /// read. Not inlined: its locals stay out of [`Dec::value`]'s frame, which the nesting
    /// repeats.
    #[inline(never)]
    fn text_value(&mut self, kind: u64, w: &mut crate::json::Writer<'_>) -> Result<()> {
        if kind == value::STRING {
            // Text written unchecked: `extras` checks the UTF-8 of the whole text once.
            self.raw_unchecked()?.write_json(w)
        } else {
            number_text(self.raw()?, w)
        }
    }

    /// A custom claim's name: a well-known name's code, or a string whose header is offset
    /// by [`NAME_CODES`].
    fn name(&mut self) -> Result<Name<'b>> {
        let h = self.varint()?;
        match h.checked_sub(NAME_CODES) {
            Some(header) => {
                let mut raw = Raw::Borrowed("");
                self.raw_from(header, &mut raw)?;
                Ok(Name::Spelled(raw))
            }
            None => WELL_KNOWN_NAMES
                .get(h as usize)
                .map(|n| Name::WellKnown(n))
                .ok_or(Error::MalformedClaims),
        }
    }
}

/// Writes a number in text form, `raw`, which must be one JSON number. Not inlined: its
/// reader stays out of [`Dec::value`]'s frame, which the nesting repeats.
#[inline(never)]
fn number_text(raw: Raw<'_>, w: &mut crate::json::Writer<'_>) -> Result<()> {
    let Raw::Borrowed(text) = raw else {
        return Err(Error::MalformedClaims);
    };
    let mut r = crate::json::Reader::new(text);
    r.number()?;
    if r.pos() != text.len() {
        return Err(Error::MalformedClaims);
    }
    w.raw(text.as_bytes());
    Ok(())
}

/// Writes `bytes` as a base64url JSON string, encoded in place in the output (token bytes
/// are public: the table-driven encoder).
fn base64url_string(bytes: &[u8], w: &mut crate::json::Writer<'_>) -> Result<()> {
    w.raw(b"\"");
    if let Some(dst) = w.reserve(crate::b64::encoded_len(bytes.len())) {
        crate::b64::encode_public(bytes, dst)?;
    }
    w.raw(b"\"");
    Ok(())
}

/// Checks the name just written at `at` in `out` (the text so far) of a member of an object
/// whose names `seen` holds: not a typed claim of `typed`'s kind at the top, not an earlier
/// member's. In a frame of its own, not in [`Dec::members`]', which the nesting repeats.
#[inline(never)]
fn check_name(
    name: Name<'_>,
    out: &[u8],
    at: usize,
    typed: Option<crate::kind::Kind>,
    seen: &mut crate::json::Members,
) -> Result<()> {
    let utf8 = |b| core::str::from_utf8(b).map_err(|_| Error::MalformedClaims);
    // A name with nothing to escape was copied between its quotes as it is: it is its own
    // JSON content, and what was written need not be read back.
    let name = match name {
        Name::WellKnown(s) => crate::json::RawStr::plain(s),
        Name::Spelled(Raw::Borrowed(s)) if crate::json::is_plain(s) => {
            crate::json::RawStr::plain(s)
        }
        Name::Spelled(_) => crate::json::Reader::new(utf8(&out[at..])?).string()?,
    };
    if let Some(claim) = typed.and_then(|k| crate::claims::typed_claim(k, name)) {
        return Err(Error::ClaimCollision { claim });
    }
    // The object's earlier members are read again only on a filter hit.
    if seen.note(&name) && seen.earlier(utf8(out)?, &name, at)? {
        return Err(Error::DuplicateMember);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::B64;
    use super::*;

    /// A well-known name is written between quotes unread and taken as its own JSON
    /// content: none may hold anything to escape, nor be spelled twice.
    #[test]
    fn well_known_names_need_no_escaping() {
        for (i, name) in WELL_KNOWN_NAMES.iter().enumerate() {
            assert!(crate::json::is_plain(name) && !name.is_empty(), "{name:?}");
            assert!(!WELL_KNOWN_NAMES[..i].contains(name), "{name:?}");
        }
    }

    /// Packed strings written as JSON, in the 64-character pieces `write_json` writes: the
    /// quoted characters, at every length.
    #[test]
    fn packed_strings_are_written_as_json_at_every_length() {
        super::super::tests::each_packed(|chars, raw| {
            let mut json = [0u8; 256];
            let mut w = crate::json::Writer::new(&mut json);
            raw.write_json(&mut w).unwrap();
            let quoted = [&b"\""[..], chars, b"\""].concat();
            assert_eq!(w.written(), Some(&quoted[..]), "{} characters", chars.len());
        });
    }

    /// The encoder as it was written before it read each value once: over the public
    /// [`Value`](crate::claims::Value) API, each value skipped by the walk and then read
    /// again (and strings decoded twice). The one-pass encoder must write the same bytes.
    fn reference_extras<S: AsRef<str>>(e: &mut Enc<'_, '_>, extras: &crate::claims::Extras<S>) {
        fn members<'v>(
            e: &mut Enc<'_, '_>,
            members: impl Iterator<Item = (JsonStr<'v>, crate::claims::Value<'v>)>,
        ) -> u64 {
            let mut n = 0;
            for (name, v) in members {
                e.name(name);
                value(e, v);
                n += 1;
            }
            n
        }
        fn value(e: &mut Enc<'_, '_>, v: crate::claims::Value<'_>) {
            use crate::claims::ValueKind;
            match v.kind() {
                ValueKind::Null => e.varint(value::LITERAL),
                ValueKind::Bool => {
                    let p = if v.as_bool() == Some(true) { 2 } else { 1 };
                    e.varint(p << 3 | value::LITERAL);
                }
                ValueKind::Number => match (v.as_u64(), v.as_i64()) {
                    (Some(u), _) if u <= MAX_INT_PAYLOAD => e.varint(u << 3 | value::UNSIGNED),
                    (None, Some(i)) if i < 0 && i.unsigned_abs() - 1 <= MAX_INT_PAYLOAD => {
                        e.varint((i.unsigned_abs() - 1) << 3 | value::NEGATIVE);
                    }
                    _ => {
                        e.varint(value::NUMBER_TEXT);
                        e.text(v.raw());
                    }
                },
                ValueKind::String => {
                    let s = v.as_str().unwrap();
                    let plain = s.as_str();
                    let raw_len = plain.and_then(|p| b64url_bytes(p, |_| {}));
                    match (plain, raw_len) {
                        (Some(p), Some(n)) if e.b64url_saves(p, n) => {
                            e.varint((n as u64) << 3 | value::BASE64URL);
                            b64url_bytes(p, |b| e.bytes(b));
                        }
                        _ => {
                            e.varint(value::STRING);
                            e.string(s, 0);
                        }
                    }
                }
                ValueKind::Array => e.counted(
                    |n| n << 3 | value::ARRAY,
                    |e| {
                        let mut n = 0;
                        for element in v.elements() {
                            value(e, element);
                            n += 1;
                        }
                        n
                    },
                ),
                ValueKind::Object => {
                    e.counted(|n| n << 3 | value::OBJECT, |e| members(e, v.members()))
                }
            }
        }
        e.counted(|n| n, |e| members(e, extras.iter()));
    }

    /// The one-pass encoder writes what the reference writes, byte for byte, and asks for
    /// the same length when the buffer is short: custom claims of every value type (integers
    /// at the type boundaries, `-0`, fractions and exponents, escapes, base64url and hex
    /// strings, registered values, nesting, whitespace, more than 127 items), and views of
    /// whole claims sets of both kinds with typed claims before, between and after them.
    #[test]
    fn one_pass_encoder_writes_what_the_value_walk_wrote() {
        use crate::claims::Extras;
        use crate::kind::Kind;
        use std::borrow::ToOwned;
        use std::string::ToString;
        let long_array = std::format!(
            "[{}]",
            (0..130)
                .map(|i| i.to_string())
                .collect::<std::vec::Vec<_>>()
                .join(",")
        );
        let long_object = std::format!(
            "{{{}}}",
            (0..130)
                .map(|i| std::format!("\"k{i}\":\"0ZcOCORZ{i}\""))
                .collect::<std::vec::Vec<_>>()
                .join(",")
        );
        let texts = [
            r#"{}"#.to_owned(),
            r#"{"roles":["orders:read","orders:write"],"tenant":"acme-corp","cnf":{"jkt":"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}}"#.to_owned(),
            r#"{"a":null,"b":true,"c":false,"d":0,"e":-0,"f":-1,"g":2305843009213693951,"h":2305843009213693952,"i":-2305843009213693952,"j":-2305843009213693953,"k":1.5,"l":-2e10,"m":18446744073709551616}"#.to_owned(),
            r#"{"s":"","t":"a","u":"ab","v":"abc","w":"0f","x":"deadbeef","y":"A-_z","z":"a\u0041\n\"\\","é":"ü","roles":"x y"}"#.to_owned(),
            r#" { "n" : [ 1 , [ ] , { } , [ [ "x" ] ] , { "a" : [ true ] } ] , "m" : "reg" } "#.to_owned(),
            r#"{"groups":["reg","other","reg"],"x5t#S256":"reg","act":{"sub":"reg"}}"#.to_owned(),
            std::format!(r#"{{"big":{long_array},"obj":{long_object}}}"#),
        ];
        let claims = [
            (
                r#"{"iss":"i","roles":["a"],"sub":"s","x":{"iss":"nested"},"aud":"a","nonce":"n","exp":1}"#,
                0usize,
            ),
            (
                r#"{"roles":[1,2],"iss":"i","tenant":"t","azp":"z","email":"e@x","cnf":{"jkt":"AAAA"}}"#,
                0,
            ),
            // Told where the typed claims end: the walk starts at `,"tenant"`.
            (r#"{"iss":"i","sub":"s","tenant":"t"}"#, 20),
            (r#"  {"iss":"i","sub":"s"}  "#, 0),
        ];
        let registry = crate::registry::Registry::new(&["reg", "acme-corp"]).unwrap();
        let mut views = std::vec::Vec::new();
        for t in &texts {
            views.push(Extras::from_json(t).unwrap());
        }
        for (json, at) in claims {
            for kind in [Kind::Access, Kind::Id] {
                views.push(Extras::of_claims_from(json, kind, at));
            }
        }
        let mut with_members = 0;
        for extras in &views {
            for reg in [&crate::registry::Registry::EMPTY, &registry] {
                let (mut ours, mut theirs) = ([0u8; 8192], [0u8; 8192]);
                let mut a = Enc::new(&mut ours, reg);
                a.extras(extras);
                let (a_len, a_flags) = (a.len(), a.flags());
                let mut b = Enc::new(&mut theirs, reg);
                reference_extras(&mut b, extras);
                let (b_len, b_flags) = (b.len(), b.flags());
                assert_eq!((a_len, a_flags), (b_len, b_flags), "{extras:?}");
                assert_eq!(ours[..a_len], theirs[..b_len], "{extras:?}");
                with_members += usize::from(ours[0] != 0);
                // Short of room: the same length asked for, nothing past the buffer.
                let mut short = std::vec![0u8; a_len / 2];
                let mut c = Enc::new(&mut short, reg);
                c.extras(extras);
                assert_eq!(c.len(), a_len, "{extras:?}");
            }
        }
        // Every view carries members but the empty object and the claims set of typed
        // claims alone, for both kinds (the walk is not skipping them).
        assert_eq!(with_members, 2 * (views.len() - 3));
    }

    /// Base64url values against a whole-string decode.
    #[test]
    fn base64url_values_are_what_a_whole_decode_gives() {
        // Base64url values: the bytes a whole-string decode gives, or none, whatever the
        // length (across the 64-character chunks) and wherever a bad character sits.
        let text: std::string::String = (0..200).map(|i| B64[i * 7 % 64] as char).collect();
        for n in 0..=200usize {
            for bad in [None, Some(0), Some(n / 2), Some(n.saturating_sub(1))] {
                let mut s = std::string::String::from(&text[..n]);
                if let Some(at) = bad.filter(|&at| at < n) {
                    s.replace_range(at..at + 1, "é");
                }
                let mut whole = [0u8; 200];
                let expect = crate::b64::decode(&s, &mut whole).ok().map(<[u8]>::to_vec);
                let mut got = std::vec::Vec::new();
                let len = b64url_bytes(&s, |b| got.extend_from_slice(b));
                assert_eq!(len.map(|_| got.clone()), expect, "{s:?}");
                assert_eq!(len, expect.map(|e| e.len()), "{s:?}");
                // The length alone, found without decoding, is the same.
                assert_eq!(b64url_len(&s), len, "{s:?}");
            }
        }
    }
}
