//! The JOSE header: strict parsing and byte-minimal writing.

use crate::error::{Error, Result};
use crate::json::{Arena, Reader, Writer};

/// The longest header JSON read or written, in bytes.
pub const MAX_HEADER_LEN: usize = 512;

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

#[cfg(test)]
mod tests {
    use super::*;

    /// The written forms are recognised, and whatever is recognised the parser reads as the
    /// same header: every written form, and every one of them with a byte removed, doubled,
    /// or replaced by one of a few that matter to JSON (space, quote, backslash, comma,
    /// brace, a letter's other case), under every algorithm name.
    /// The headers encoded at compile time are what `write` then encoding give, for every
    /// algorithm and `typ` (and none for any other `typ`).
    #[test]
    fn headers_encoded_at_compile_time_are_the_written_ones() {
        use crate::alg::Algorithm;
        let algs = [
            Algorithm::EdDSA,
            Algorithm::HS256,
            Algorithm::ES256,
            Algorithm::RS256,
            Algorithm::PS256,
        ];
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
        use crate::alg::Algorithm;
        let algs = [
            Algorithm::EdDSA,
            Algorithm::HS256,
            Algorithm::ES256,
            Algorithm::RS256,
            Algorithm::PS256,
        ];
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
                let mut variants = std::vec::Vec::new();
                for i in 0..json.len() {
                    let mut v = json.to_vec();
                    v.remove(i);
                    variants.push(v);
                    let mut v = json.to_vec();
                    v.insert(i, json[i]);
                    variants.push(v);
                    for b in [b' ', b'"', b'\\', b',', b'}', json[i] ^ 0x20] {
                        let mut v = json.to_vec();
                        v[i] = b;
                        variants.push(v);
                    }
                }
                for v in variants {
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
