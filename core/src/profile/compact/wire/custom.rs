//! Custom claims on the wire (`FORMAT.md`, "Custom claims"): every claim the kind's table
//! does not name, as typed values behind well-known or spelled-out names. Written from the
//! claims' JSON text on issue, and read back into byte-minimal JSON text on verify, with
//! the JSON reader's rules. Built with the `compact-custom-claims` feature; without it
//! `compact` neither writes nor reads custom claims ([`Error::CustomClaimsDisabled`]).

use super::{Dec, Enc, FORM_TEXT, Raw, varint};
use crate::error::{Error, Result};

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
    /// Appends custom claims: `varint(count)`, then each member's name and value.
    pub fn extras<S: AsRef<str>>(&mut self, extras: &crate::claims::Extras<S>) {
        self.counted(|n| n, |e| e.members(extras.iter()));
    }

    /// Each member's name and value; returns how many.
    fn members<'v>(
        &mut self,
        members: impl Iterator<Item = (crate::claims::JsonStr<'v>, crate::claims::Value<'v>)>,
    ) -> u64 {
        let mut n = 0;
        for (name, v) in members {
            self.name(name);
            self.value(v);
            n += 1;
        }
        n
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
    fn name(&mut self, s: crate::claims::JsonStr<'_>) {
        let plain = s.as_str();
        if let Some(code) = plain.and_then(|p| WELL_KNOWN_NAMES.iter().position(|n| *n == p)) {
            return self.varint(code as u64);
        }
        self.string(s, NAME_CODES);
    }

    /// A string value or name: its shortest form (registrable), escapes decoded, with
    /// `offset` added to its header.
    fn string(&mut self, s: crate::claims::JsonStr<'_>, offset: u64) {
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

    /// A JSON value, as `FORMAT.md` ("Custom claims") specifies.
    fn value(&mut self, v: crate::claims::Value<'_>) {
        use crate::claims::ValueKind;
        match v.kind() {
            ValueKind::Null => self.varint(value::LITERAL),
            ValueKind::Bool => {
                let p = if v.as_bool() == Some(true) { 2 } else { 1 };
                self.varint(p << 3 | value::LITERAL);
            }
            ValueKind::Number => match (v.as_u64(), v.as_i64()) {
                (Some(u), _) if u <= MAX_INT_PAYLOAD => self.varint(u << 3 | value::UNSIGNED),
                // `-0` is a negative integer of magnitude 0: kept as its text (type 6).
                (None, Some(i)) if i < 0 && i.unsigned_abs() - 1 <= MAX_INT_PAYLOAD => {
                    self.varint((i.unsigned_abs() - 1) << 3 | value::NEGATIVE);
                }
                _ => {
                    self.varint(value::NUMBER_TEXT);
                    self.text(v.raw());
                }
            },
            ValueKind::String => {
                let Some(s) = v.as_str() else { return };
                let plain = s.as_str();
                let raw_len = plain.and_then(|p| b64url_bytes(p, |_| {}));
                match (plain, raw_len) {
                    (Some(p), Some(n)) if self.b64url_saves(p, n) => {
                        self.varint((n as u64) << 3 | value::BASE64URL);
                        b64url_bytes(p, |b| self.bytes(b));
                    }
                    _ => {
                        self.varint(value::STRING);
                        self.string(s, 0);
                    }
                }
            }
            ValueKind::Array => self.counted(
                |n| n << 3 | value::ARRAY,
                |e| {
                    let mut n = 0;
                    for element in v.elements() {
                        e.value(element);
                        n += 1;
                    }
                    n
                },
            ),
            ValueKind::Object => {
                self.counted(|n| n << 3 | value::OBJECT, |e| e.members(v.members()))
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
            Raw::Borrowed(s) if s.as_bytes().contains(&0) => return Err(Error::MalformedClaims),
            Raw::Borrowed(s) => w.string(s),
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
        let text = core::str::from_utf8(dst).map_err(|_| Error::MalformedClaims)?;
        Ok(crate::claims::Extras::checked(text))
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
            let at = w.len();
            self.name()?.write_json(w)?;
            // Once the output no longer fits, the error is BufferTooSmall whatever follows.
            if let Some(out) = w.written() {
                let utf8 = |b| core::str::from_utf8(b).map_err(|_| Error::MalformedClaims);
                let name = crate::json::Reader::new(utf8(&out[at..])?).string()?;
                if let Some(claim) = typed.and_then(|k| crate::claims::typed_claim(k, name)) {
                    return Err(Error::ClaimCollision { claim });
                }
                // The object's earlier members are read again only on a filter hit.
                if seen.note(&name) && seen.earlier(utf8(out)?, &name, at)? {
                    return Err(Error::DuplicateMember);
                }
            }
            w.raw(b":");
            self.value(w, depth + 1)?;
        }
        Ok(())
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
            value::STRING if p == 0 => self.raw()?.write_json(w)?,
            value::NUMBER_TEXT if p == 0 => {
                let raw = self.raw()?;
                let Raw::Borrowed(text) = raw else {
                    return Err(Error::MalformedClaims);
                };
                let mut r = crate::json::Reader::new(text);
                r.number()?;
                if r.pos() != text.len() {
                    return Err(Error::MalformedClaims);
                }
                w.raw(text.as_bytes());
            }
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
                let bytes = self.take(n)?;
                w.raw(b"\"");
                // Token bytes are public: the table-driven encoder, 48 bytes (whole groups
                // of three, so the pieces join into one encoding) at a time.
                let mut chars = [0u8; 64];
                for chunk in bytes.chunks(48) {
                    let n = crate::b64::encode_public(chunk, &mut chars)?;
                    w.raw(&chars[..n]);
                }
                w.raw(b"\"");
            }
            _ => return Err(Error::MalformedClaims),
        }
        Ok(())
    }

    /// A custom claim's name: a well-known name's code, or a string whose header is offset
    /// by [`NAME_CODES`].
    fn name(&mut self) -> Result<Raw<'b>> {
        let h = self.varint()?;
        match h.checked_sub(NAME_CODES) {
            Some(header) => {
                let mut raw = Raw::Borrowed("");
                self.raw_from(header, &mut raw)?;
                Ok(raw)
            }
            None => WELL_KNOWN_NAMES
                .get(h as usize)
                .map(|n| Raw::Borrowed(n))
                .ok_or(Error::MalformedClaims),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::B64;
    use super::*;

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
            }
        }
    }
}
