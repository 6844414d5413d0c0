//! The JOSE header: strict parsing and byte-minimal writing.

use core::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::error::{Error, Result};
use crate::json::{self, Arena, Writer};

/// The longest header JSON read or written, in bytes.
pub const MAX_HEADER_LEN: usize = 512;

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

/// What the visitor saw; turned into precise errors after parsing.
#[derive(Default)]
struct RawHeader<'h> {
    alg: Option<&'h str>,
    typ: Option<&'h str>,
    kid: Option<&'h str>,
    unsupported: bool,
    duplicate: bool,
}

impl<'de> Deserialize<'de> for RawHeader<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawHeader<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JOSE header object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> core::result::Result<Self::Value, A::Error> {
                let mut h = RawHeader::default();
                while let Some(key) = map.next_key::<&'de str>()? {
                    let slot = match key {
                        "alg" => &mut h.alg,
                        "typ" => &mut h.typ,
                        "kid" => &mut h.kid,
                        _ => {
                            h.unsupported = true;
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    h.duplicate |= slot.is_some();
                    *slot = Some(map.next_value::<&'de str>()?);
                }
                Ok(h)
            }
        }
        d.deserialize_map(V)
    }
}

impl<'h> Header<'h> {
    /// Parses header JSON; escaped strings are decoded into `arena`.
    pub(crate) fn parse(json: &'h [u8], arena: &mut Arena<'h>) -> Result<Self> {
        json::prescan(json).map_err(|_| Error::MalformedHeader)?;
        let raw = match serde_json_core::from_slice::<RawHeader<'h>>(json) {
            Ok((raw, n)) if n == json.len() => raw,
            _ => return Err(Error::MalformedHeader),
        };
        if raw.unsupported || raw.duplicate {
            return Err(Error::UnsupportedHeader);
        }
        let unescape = |arena: &mut Arena<'h>, s: Option<&'h str>| {
            s.map(|s| arena.unescape(s).map_err(|_| Error::MalformedHeader))
                .transpose()
        };
        Ok(Header {
            alg: unescape(arena, raw.alg)?.ok_or(Error::MalformedHeader)?,
            typ: unescape(arena, raw.typ)?,
            kid: unescape(arena, raw.kid)?,
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
            r#"{"\u0061lg":"EdDSA"}"#,
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
