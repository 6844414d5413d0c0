//! The JOSE header: strict parsing and byte-minimal writing.

use crate::alg::MAX_KID_LEN;
use crate::error::{Error, Result};
use crate::json::{Arena, Reader, Writer};

/// The longest header JSON read or written, in bytes.
pub const MAX_HEADER_LEN: usize = 512;

/// The longest header the `compact` profile writes: the longest algorithm name (every one
/// has five characters) with the longest key id.
pub(crate) const COMPACT_MAX_LEN: usize = r#"{"alg":"EdDSA","kid":""}"#.len() + MAX_KID_LEN;

/// The `typ` the `jwt` profile writes for access tokens.
pub(crate) const ACCESS_TYP: &str = "at+jwt";
/// The `typ` the `jwt` profile writes for ID tokens.
pub(crate) const ID_TYP: &str = "JWT";

/// The headers this crate writes without a `kid` (every algorithm, with no `typ` or either
/// `typ` of the `jwt` profile), base64url-encoded at compile time: issuing copies them
/// ([`written_b64`]) rather than writing and encoding them for every token. A test holds
/// each to [`Header::write`] followed by encoding.
macro_rules! written {
    ($alg:literal) => {
        written!(@ concat!(r#"{"alg":""#, $alg, r#""}"#))
    };
    ($alg:literal, $typ:literal) => {
        written!(@ concat!(r#"{"alg":""#, $alg, r#"","typ":""#, $typ, r#""}"#))
    };
    (@ $json:expr) => {{
        const JSON: &[u8] = $json.as_bytes();
        const CHARS: [u8; crate::b64::encoded_len(JSON.len())] = crate::b64::encode_const(JSON);
        match core::str::from_utf8(&CHARS) {
            Ok(s) => s,
            Err(_) => panic!("base64url characters are ASCII"),
        }
    }};
}

/// [`written!`] for each algorithm in [`crate::alg::Algorithm`]'s order, each with no `typ`,
/// [`ACCESS_TYP`], then [`ID_TYP`].
const WRITTEN: [&str; 15] = [
    written!("EdDSA"),
    written!("EdDSA", "at+jwt"),
    written!("EdDSA", "JWT"),
    written!("HS256"),
    written!("HS256", "at+jwt"),
    written!("HS256", "JWT"),
    written!("ES256"),
    written!("ES256", "at+jwt"),
    written!("ES256", "JWT"),
    written!("RS256"),
    written!("RS256", "at+jwt"),
    written!("RS256", "JWT"),
    written!("PS256"),
    written!("PS256", "at+jwt"),
    written!("PS256", "JWT"),
];

/// The header `{"alg":…}` (with `typ`, if any, and no `kid`) base64url-encoded as this
/// crate writes it, when it is one of [`WRITTEN`]: `typ` none, [`ACCESS_TYP`] or [`ID_TYP`].
pub(crate) fn written_b64(alg: crate::alg::Algorithm, typ: Option<&str>) -> Option<&'static str> {
    let t = match typ {
        None => 0,
        Some(ACCESS_TYP) => 1,
        Some(ID_TYP) => 2,
        Some(_) => return None,
    };
    WRITTEN.get(alg as usize * 3 + t).copied()
}

/// A parsed JOSE header. Only `alg`, `typ` and `kid` are understood; any other parameter
/// (`crit`, `jku`, `jwk`, `x5u`, `x5c`, `x5t`, `b64`, `zip`, `cty`, ...) is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<'h> {
    /// The algorithm the token claims to be signed with.
    pub alg: &'h str,
    /// The media type of the whole token.
    pub typ: Option<&'h str>,
    /// The key id.
    pub kid: Option<&'h str>,
}

impl<'h> Header<'h> {
    /// Parses header JSON with the crate's one JSON reader; escaped strings are decoded into
    /// `arena`. A header holds only string members, so nothing nests: the first member that
    /// is not `alg`, `typ` or `kid` stops the parse with [`Error::UnsupportedHeader`] before
    /// its value is read, as does a repeated member; anything that is not such a JSON object
    /// is [`Error::MalformedHeader`].
    pub(crate) fn parse(json: &'h [u8], arena: &mut Arena<'h>) -> Result<Self> {
        let bad = |_: Error| Error::MalformedHeader;
        let text = core::str::from_utf8(json).map_err(|_| Error::MalformedHeader)?;
        let mut r = Reader::new(text);
        let (mut alg, mut typ, mut kid) = (None, None, None);
        r.eat(b'{').map_err(bad)?;
        if r.peek() == Some(b'}') {
            r.bump();
        } else {
            loop {
                if r.peek() != Some(b'"') {
                    return Err(Error::MalformedHeader);
                }
                let name = r.string().map_err(bad)?;
                let slot = if name.is("alg") {
                    &mut alg
                } else if name.is("typ") {
                    &mut typ
                } else if name.is("kid") {
                    &mut kid
                } else {
                    return Err(Error::UnsupportedHeader);
                };
                if slot.is_some() {
                    return Err(Error::UnsupportedHeader);
                }
                r.eat(b':').map_err(bad)?;
                if r.peek() != Some(b'"') {
                    return Err(Error::MalformedHeader);
                }
                let value = r.string().map_err(bad)?;
                *slot = Some(arena.unescape(value).map_err(bad)?);
                match r.peek() {
                    Some(b',') => r.bump(),
                    Some(b'}') => {
                        r.bump();
                        break;
                    }
                    _ => return Err(Error::MalformedHeader),
                }
            }
        }
        r.end().map_err(bad)?;
        Ok(Header {
            alg: alg.ok_or(Error::MalformedHeader)?,
            typ,
            kid,
        })
    }

    /// The header exactly as this crate writes it for a key named `alg` that has no id:
    /// `{"alg":"…"}`, or with `"typ"` after it as the `jwt` profile writes it; `None` for
    /// any other bytes, which [`Header::parse`] reads. A byte-for-byte comparison, not a
    /// second reader: whatever it recognises, the parser reads as the same header (a test
    /// holds the two together). Most tokens a verifier sees are its issuer's, and this
    /// spares them the general reader.
    pub(crate) fn as_written(json: &[u8], alg: &'static str) -> Option<Header<'static>> {
        let (name, rest) = json
            .strip_prefix(br#"{"alg":""#)?
            .split_at_checked(alg.len())?;
        // Whole byte strings compared (their `typ` is [`ACCESS_TYP`] or [`ID_TYP`]), as
        // slices: a `match` on byte-string patterns compiles to a branch per byte, which
        // firmware that links this pays for in code size.
        let tails: [(&[u8], _); 3] = [
            (br#""}"#, None),
            (br#"","typ":"at+jwt"}"#, Some(ACCESS_TYP)),
            (br#"","typ":"JWT"}"#, Some(ID_TYP)),
        ];
        let (_, typ) = tails.into_iter().find(|(tail, _)| *tail == rest)?;
        (name == alg.as_bytes()).then_some(Header {
            alg,
            typ,
            kid: None,
        })
    }

    /// Checks header JSON against the one form the `compact` profile accepts: exactly what
    /// [`Header::write`] writes for a key of `alg` with no `typ`, `{"alg":"…"}` or
    /// `{"alg":"…","kid":"…"}`, no whitespace, the key id without escapes and at most
    /// [`MAX_KID_LEN`] bytes. Not a second JSON
    /// reader: a byte comparison whose every acceptance [`Header::parse`] reads as the same
    /// header (a test holds the two together), so this profile links no JSON reader.
    ///
    /// `json` is the whole header, or when `whole` is false the start of a longer one than
    /// any this profile writes (refused, the error named from that start). `alg` is the
    /// key's algorithm name (`None`: any name, for reading without a key); `kid` the key's
    /// id, which a header `kid` must equal. Errors: [`Error::AlgorithmMismatch`],
    /// [`Error::KeyIdMismatch`]; a member other than these two where the form has none,
    /// [`Error::WrongType`] when it is `typ` (the kind is in the payload), else
    /// [`Error::UnsupportedHeader`] (also for one repeated); [`Error::MalformedHeader`] for
    /// anything else not in the form.
    pub(crate) fn check_compact(
        json: &[u8],
        whole: bool,
        alg: Option<&str>,
        kid: Option<&str>,
    ) -> Result<()> {
        let Some(rest) = json.strip_prefix(br#"{"alg":""#) else {
            return Err(match json.strip_prefix(b"{") {
                Some(member) if !member.starts_with(br#""alg""#) => member_error(member),
                _ => Error::MalformedHeader,
            });
        };
        let (name, rest) = plain_string(rest)?;
        if alg.is_some_and(|alg| name != alg.as_bytes()) {
            return Err(Error::AlgorithmMismatch);
        }
        let rest = match rest.strip_prefix(br#","kid":""#) {
            Some(rest) => {
                let (theirs, rest) = plain_string(rest)?;
                if theirs.len() > MAX_KID_LEN {
                    return Err(Error::MalformedHeader);
                }
                if kid.is_some_and(|ours| theirs != ours.as_bytes()) {
                    return Err(Error::KeyIdMismatch);
                }
                rest
            }
            None => rest,
        };
        match rest {
            b"}" if whole => Ok(()),
            [b',', member @ ..] => Err(member_error(member)),
            _ => Err(Error::MalformedHeader),
        }
    }

    /// Writes the header as byte-minimal JSON (`alg`, then `typ` and `kid` when present);
    /// returns the length written, or [`Error::BufferTooSmall`].
    pub fn write(&self, out: &mut [u8]) -> Result<usize> {
        let cap = out.len();
        let mut w = Writer::new(out);
        w.str("alg", self.alg);
        w.opt_str("typ", self.typ);
        w.opt_str("kid", self.kid);
        let n = w.finish();
        if n <= cap {
            Ok(n)
        } else {
            Err(Error::BufferTooSmall { needed: n })
        }
    }
}

/// A JSON string's content up to its closing quote, and what follows the quote: content
/// that needs no escape (no `\`, no control byte) and is UTF-8, as [`Header::write`]
/// writes such a string; anything else is [`Error::MalformedHeader`].
fn plain_string(s: &[u8]) -> Result<(&[u8], &[u8])> {
    let end = s
        .iter()
        .position(|&b| !is_plain(b))
        .ok_or(Error::MalformedHeader)?;
    match s.split_at(end) {
        (content, [b'"', rest @ ..]) if core::str::from_utf8(content).is_ok() => {
            Ok((content, rest))
        }
        _ => Err(Error::MalformedHeader),
    }
}

/// The error for a member, starting at `member`, where the `compact` form has none.
fn member_error(member: &[u8]) -> Error {
    if member.starts_with(br#""typ""#) {
        Error::WrongType
    } else if member.starts_with(b"\"") {
        Error::UnsupportedHeader
    } else {
        Error::MalformedHeader
    }
}

/// Whether JSON writes byte `b` of a string as it is: not a quote, a backslash or a
/// control byte.
fn is_plain(b: u8) -> bool {
    b != b'"' && b != b'\\' && b >= 0x20
}

/// Whether [`Header::write`] writes key id `kid` as it is between quotes, as the `compact`
/// profile requires ([`Header::check_compact`]).
pub(crate) fn is_plain_kid(kid: &str) -> bool {
    kid.bytes().all(is_plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The written forms are recognised, and whatever is recognised the parser reads as the
    /// same header: every written form, and every one of them with a byte removed, doubled,
    /// or replaced by one of a few that matter to JSON (space, quote, backslash, comma,
    /// brace, a letter's other case), under every algorithm name.
    /// The headers encoded at compile time are what `write` then encoding give, for every
    /// algorithm and `typ` (and none for any other `typ`).
    use crate::alg::Algorithm;

    /// Every algorithm, in [`Algorithm`]'s order.
    const ALGS: [Algorithm; 5] = [
        Algorithm::EdDSA,
        Algorithm::HS256,
        Algorithm::ES256,
        Algorithm::RS256,
        Algorithm::PS256,
    ];

    /// `json` itself, and `json` with each byte removed, doubled, or replaced by each of
    /// `bytes` and by itself with its case bit flipped.
    fn near_misses(json: &[u8], bytes: &[u8]) -> std::vec::Vec<std::vec::Vec<u8>> {
        let mut variants = std::vec![json.to_vec()];
        for i in 0..json.len() {
            let mut v = json.to_vec();
            v.remove(i);
            variants.push(v);
            let mut v = json.to_vec();
            v.insert(i, json[i]);
            variants.push(v);
            for &b in bytes.iter().chain([json[i] ^ 0x20].iter()) {
                let mut v = json.to_vec();
                v[i] = b;
                variants.push(v);
            }
        }
        variants
    }

    #[test]
    fn headers_encoded_at_compile_time_are_the_written_ones() {
        let algs = ALGS;
        for alg in algs {
            for typ in [None, Some(ACCESS_TYP), Some(ID_TYP)] {
                let mut json = [0u8; 64];
                let header = Header {
                    alg: alg.name(),
                    typ,
                    kid: None,
                };
                let n = header.write(&mut json).unwrap();
                let mut chars = [0u8; 128];
                let c = crate::b64::encode(&json[..n], &mut chars).unwrap();
                assert_eq!(written_b64(alg, typ), Some(c), "{alg:?} {typ:?}");
            }
            assert_eq!(written_b64(alg, Some("jwt")), None);
        }
    }

    #[test]
    fn written_forms_are_recognised_as_the_parser_reads_them() {
        let algs = ALGS;
        let mut checked = 0;
        for alg in algs.map(Algorithm::name) {
            for typ in [None, Some(ACCESS_TYP), Some(ID_TYP)] {
                let written = Header {
                    alg,
                    typ,
                    kid: None,
                };
                let mut out = [0u8; 64];
                let n = written.write(&mut out).unwrap();
                let json = &out[..n];
                assert_eq!(Header::as_written(json, alg), Some(written));
                for v in near_misses(json, b" \"\\,}") {
                    for other in algs.map(Algorithm::name) {
                        checked += 1;
                        if let Some(h) = Header::as_written(&v, other) {
                            let mut buf = [0u8; 128];
                            assert_eq!(Header::parse(&v, &mut Arena::new(&mut buf)), Ok(h));
                            // Only a written form itself (a byte replaced by itself).
                            assert_eq!((&v[..], other), (json, alg));
                        }
                    }
                }
            }
        }
        assert!(checked > 10_000, "{checked}");
    }

    /// The `compact` form: what `write` writes with no `typ` (with and without a key id,
    /// including a longest one and one beyond ASCII) is accepted; and of every written form
    /// with a byte removed, doubled or replaced, under any key, what is accepted the general
    /// parser reads as the same header, which `write` writes byte for byte as it was.
    #[test]
    fn the_compact_form_is_what_write_writes_and_parse_reads_alike() {
        let algs = ALGS.map(Algorithm::name);
        let longest = "k".repeat(MAX_KID_LEN);
        let kids = [None, Some("k1"), Some("clé-2"), Some(longest.as_str())];
        let mut checked = 0;
        for alg in algs {
            for kid in kids {
                let written = Header {
                    alg,
                    typ: None,
                    kid,
                };
                let mut out = [0u8; COMPACT_MAX_LEN];
                let n = written.write(&mut out).unwrap();
                let json = &out[..n];
                assert_eq!(Header::check_compact(json, true, Some(alg), kid), Ok(()));
                assert_eq!(Header::check_compact(json, true, None, None), Ok(()));
                // The start of a longer header is never accepted.
                assert_eq!(
                    Header::check_compact(json, false, Some(alg), kid),
                    Err(Error::MalformedHeader)
                );
                for v in near_misses(json, &[b' ', b'"', b'\\', b',', b'}', 0x1f, 0xff]) {
                    for (other, other_kid) in algs.iter().flat_map(|a| kids.map(|k| (*a, k))) {
                        checked += 1;
                        if Header::check_compact(&v, true, Some(other), other_kid).is_ok() {
                            let mut buf = [0u8; 2 * COMPACT_MAX_LEN];
                            let h = Header::parse(&v, &mut Arena::new(&mut buf)).unwrap();
                            assert_eq!(h.alg, other);
                            assert_eq!(h.typ, None);
                            // A key with an id accepts no other id.
                            assert!(h.kid.is_none() || other_kid.is_none() || h.kid == other_kid);
                            let mut again = [0u8; COMPACT_MAX_LEN];
                            let n = h.write(&mut again).unwrap();
                            assert_eq!(&again[..n], &v[..], "{}", v.escape_ascii());
                        }
                    }
                }
            }
        }
        assert!(checked > 50_000, "{checked}");
    }

    #[test]
    fn the_compact_form_names_what_is_wrong() {
        let check =
            |json: &str, kid| Header::check_compact(json.as_bytes(), true, Some("HS256"), kid);
        let cases: [(Result<()>, Option<&str>, &[&str]); 7] = [
            (
                Ok(()),
                None,
                &[r#"{"alg":"HS256"}"#, r#"{"alg":"HS256","kid":"a"}"#],
            ),
            (
                Ok(()),
                Some("a"),
                &[r#"{"alg":"HS256"}"#, r#"{"alg":"HS256","kid":"a"}"#],
            ),
            (
                Err(Error::AlgorithmMismatch),
                None,
                &[r#"{"alg":"EdDSA"}"#, r#"{"alg":"none"}"#],
            ),
            (
                Err(Error::KeyIdMismatch),
                Some("a"),
                &[r#"{"alg":"HS256","kid":"b"}"#],
            ),
            (
                Err(Error::WrongType),
                None,
                &[
                    r#"{"alg":"HS256","typ":"at+jwt"}"#,
                    r#"{"typ":"JWT","alg":"HS256"}"#,
                    r#"{"alg":"HS256","kid":"a","typ":"JWT"}"#,
                ],
            ),
            (
                Err(Error::UnsupportedHeader),
                None,
                &[
                    r#"{"alg":"HS256","crit":["b64"]}"#,
                    r#"{"alg":"HS256","alg":"HS256"}"#,
                    r#"{"alg":"HS256","kid":"a","kid":"a"}"#,
                    r#"{"kid":"a","alg":"HS256"}"#,
                    r#"{"x":1"a,"1":[[["#,
                ],
            ),
            (
                Err(Error::MalformedHeader),
                None,
                &[
                    r#"{"alg":"H\u0053256"}"#,
                    r#"{"alg":"HS256","kid":"\u0061"}"#,
                    "{\"alg\":\"HS256\",\"kid\":\"a\u{1}\"}",
                    r#"{"alg":1}"#,
                    r#"{"alg" :"HS256"}"#,
                    r#"{"alg":"HS256" }"#,
                    r#"{"alg":"HS256"} "#,
                    r#"{"alg":"HS256""#,
                    r#"{"alg":"HS256"#,
                    "{}",
                    "[]",
                    "",
                ],
            ),
        ];
        for (expect, kid, headers) in cases {
            for json in headers {
                assert_eq!(check(json, kid), expect, "{json} {kid:?}");
            }
        }
        // A key id longer than any key's.
        let json = std::format!(
            r#"{{"alg":"HS256","kid":"{}"}}"#,
            "k".repeat(MAX_KID_LEN + 1)
        );
        assert_eq!(check(&json, None), Err(Error::MalformedHeader));
        // A key id that is not UTF-8.
        let json = b"{\"alg\":\"HS256\",\"kid\":\"\xc3\"}";
        assert_eq!(
            Header::check_compact(json, true, Some("HS256"), None),
            Err(Error::MalformedHeader)
        );
        assert!(is_plain_kid("k1") && is_plain_kid("clé"));
        for kid in ["a\"b", "a\\b", "a\nb", "\u{1f}"] {
            assert!(!is_plain_kid(kid), "{kid:?}");
        }
    }

    fn parse_err(json: &str) -> Option<Error> {
        let mut buf = [0u8; 256];
        Header::parse(json.as_bytes(), &mut Arena::new(&mut buf)).err()
    }

    #[test]
    fn reads_what_other_libraries_write() {
        let mut buf = [0u8; 64];
        let json = "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"} ";
        let h = Header::parse(json.as_bytes(), &mut Arena::new(&mut buf)).unwrap();
        assert_eq!((h.alg, h.typ, h.kid), ("HS256", Some("JWT"), None));
        let json = r#"{"kid":"a\/b","alg":"EdDSA"}"#;
        let h = Header::parse(json.as_bytes(), &mut Arena::new(&mut buf)).unwrap();
        assert_eq!(h.kid, Some("a/b"));
        // Member names are compared after unescaping, as every JSON library reads them.
        let json = r#"{"\u0061lg":"EdDSA","t\u0079p":"JWT"}"#;
        let h = Header::parse(json.as_bytes(), &mut Arena::new(&mut buf)).unwrap();
        assert_eq!((h.alg, h.typ), ("EdDSA", Some("JWT")));
        assert_eq!(
            parse_err(r#"{"alg":"EdDSA","\u0061lg":"HS256"}"#),
            Some(Error::UnsupportedHeader)
        );
    }

    #[test]
    fn stops_at_the_first_unknown_member() {
        // The audit's header: `{"x":1"a,"1":[[[…` made the old prescan and parser disagree
        // and drove one level of recursion per bracket. Nothing after `"x"` is read now.
        let mut json = [b'['; MAX_HEADER_LEN];
        json[..13].copy_from_slice(br#"{"x":1"a,"1":"#);
        let mut buf = [0u8; 256];
        assert_eq!(
            Header::parse(&json, &mut Arena::new(&mut buf)),
            Err(Error::UnsupportedHeader)
        );
    }

    #[test]
    fn refuses_what_it_does_not_understand() {
        for json in [
            r#"{"alg":"EdDSA","crit":["exp"]}"#,
            r#"{"alg":"EdDSA","jku":"https://evil"}"#,
            r#"{"alg":"EdDSA","jwk":{"kty":"OKP"}}"#,
            r#"{"alg":"EdDSA","x5u":"https://evil"}"#,
            r#"{"alg":"EdDSA","x5c":["MII"]}"#,
            r#"{"alg":"EdDSA","b64":false}"#,
            r#"{"alg":"EdDSA","zip":"DEF"}"#,
            r#"{"alg":"EdDSA","alg":"HS256"}"#,
        ] {
            assert_eq!(parse_err(json), Some(Error::UnsupportedHeader), "{json}");
        }
        for json in [
            "",
            "[]",
            r#"{"typ":"JWT"}"#,
            r#"{"alg":5}"#,
            r#"{"alg":"EdDSA"}x"#,
            r#"{"alg":"EdDSA","#,
            r#"{"alg":"EdDSA",}"#,
            r#"{,"alg":"EdDSA"}"#,
            r#"{"alg":"EdDSA" "typ":"JWT"}"#,
            r#"{"alg":"Ed\qDSA"}"#,
            "{\"alg\":\"EdDSA\u{1}\"}",
        ] {
            assert_eq!(parse_err(json), Some(Error::MalformedHeader), "{json}");
        }
    }

    #[test]
    fn writes_minimal_json() {
        let mut out = [0u8; 64];
        let h = Header {
            alg: "EdDSA",
            typ: Some("at+jwt"),
            kid: Some("k1"),
        };
        let n = h.write(&mut out).unwrap();
        assert_eq!(&out[..n], br#"{"alg":"EdDSA","typ":"at+jwt","kid":"k1"}"#);
        assert_eq!(
            h.write(&mut out[..10]),
            Err(Error::BufferTooSmall { needed: n })
        );
    }
}
