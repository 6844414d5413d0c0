//! Claims in standard JWT JSON, read with `serde_json` into `compact-token`'s claims types.
//!
//! The core types deserialize through `serde-json-core`, which has no `deserialize_any` and
//! reaches string-or-array claims (`aud`, `amr`) through `deserialize_ignored_any`; plain
//! `serde_json` answers that call by skipping the value. This module walks a parsed
//! [`serde_json::Value`] instead, answering every call as `deserialize_any` would and handing
//! out strings borrowed from the value, so the derived impls of the core types read it as is.

use compact_token::{AccessClaims, IdClaims};
use serde::Deserialize;
use serde::de::value::{Error as DeError, MapDeserializer, SeqDeserializer};
use serde::de::{self, IntoDeserializer, Visitor};
use serde_json::Value;

use crate::error::{Error, Result};

/// Parses claims JSON. The document must be one JSON object with no member repeated in
/// any object (a `Value` would silently keep the last one).
pub fn parse(json: &str) -> Result<Value> {
    serde_json::from_str::<NoDuplicates>(json).map_err(|_| Error::Json)?;
    match serde_json::from_str(json) {
        Ok(value @ Value::Object(_)) => Ok(value),
        _ => Err(Error::Json),
    }
}

/// Reads any JSON, failing on an object that repeats a member.
struct NoDuplicates;

impl<'de> Deserialize<'de> for NoDuplicates {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        d.deserialize_any(NoDuplicates)
    }
}

impl<'de> Visitor<'de> for NoDuplicates {
    type Value = NoDuplicates;
    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("JSON without repeated members")
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> core::result::Result<Self, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key) {
                return Err(de::Error::custom("repeated member"));
            }
            map.next_value::<NoDuplicates>()?;
        }
        Ok(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> core::result::Result<Self, A::Error> {
        while seq.next_element::<NoDuplicates>()?.is_some() {}
        Ok(self)
    }
    fn visit_bool<E>(self, _: bool) -> core::result::Result<Self, E> {
        Ok(self)
    }
    fn visit_i64<E>(self, _: i64) -> core::result::Result<Self, E> {
        Ok(self)
    }
    fn visit_u64<E>(self, _: u64) -> core::result::Result<Self, E> {
        Ok(self)
    }
    fn visit_f64<E>(self, _: f64) -> core::result::Result<Self, E> {
        Ok(self)
    }
    fn visit_str<E>(self, _: &str) -> core::result::Result<Self, E> {
        Ok(self)
    }
    fn visit_unit<E>(self) -> core::result::Result<Self, E> {
        Ok(self)
    }
}

/// Reads access-token claims from a parsed JSON object, borrowing its strings. A missing
/// required claim or a value of the wrong type is `MalformedClaims`; unknown claims are
/// ignored; dates are checked when the token is issued.
pub fn access_claims(value: &Value) -> Result<AccessClaims<&str>> {
    claims(value)
}

/// Reads ID-token claims from a parsed JSON object, as [`access_claims`] does.
pub fn id_claims(value: &Value) -> Result<IdClaims<&str>> {
    claims(value)
}

fn claims<'v, C: Deserialize<'v>>(value: &'v Value) -> Result<C> {
    if !value.is_object() {
        return Err(Error::Json);
    }
    C::deserialize(Json(value)).map_err(|_| Error::Token(compact_token::Error::MalformedClaims))
}

/// A `serde_json::Value` seen as a self-describing deserializer with borrowed strings.
#[derive(Clone, Copy)]
struct Json<'v>(&'v Value);

impl<'v> IntoDeserializer<'v, DeError> for Json<'v> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'v> de::Deserializer<'v> for Json<'v> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'v>>(
        self,
        visitor: V,
    ) -> core::result::Result<V::Value, DeError> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => visitor.visit_u64(u),
                (_, Some(i), _) => visitor.visit_i64(i),
                (_, _, Some(f)) => visitor.visit_f64(f),
                _ => Err(de::Error::custom("unrepresentable number")),
            },
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => {
                let mut seq = SeqDeserializer::new(items.iter().map(Json));
                let out = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(out)
            }
            Value::Object(map) => {
                let mut map = MapDeserializer::new(map.iter().map(|(k, v)| (k.as_str(), Json(v))));
                let out = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(out)
            }
        }
    }

    fn deserialize_option<V: Visitor<'v>>(
        self,
        visitor: V,
    ) -> core::result::Result<V::Value, DeError> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    // `ignored_any` forwards to `deserialize_any` too: that is the point of this type.
    serde::forward_to_deserialize_any! {
        <W: Visitor<'v>>
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use compact_token::Error as TokenError;

    const ACCESS: &str = r#"{
        "iss": "https:\/\/auth.example.com", "sub": "user-8f14e45f",
        "aud": ["https://api.example.com", "https://b.example.com"],
        "client_id": "s6BhdRkqt3", "iat": 1764000000, "exp": 1764000300,
        "jti": "b1c2d3e4f5a6b7c8", "scope": "read:orders", "amr": "pwd",
        "unknown": {"nested": [1, 2, {"x": null}]}
    }"#;

    #[test]
    fn reads_access_claims_with_escapes_arrays_and_unknown_members() {
        let value = parse(ACCESS).unwrap();
        let c = access_claims(&value).unwrap();
        assert_eq!(c.iss, "https://auth.example.com");
        assert_eq!(
            c.aud.as_slice(),
            ["https://api.example.com", "https://b.example.com"]
        );
        assert_eq!(c.amr.as_slice(), ["pwd"]);
        assert_eq!((c.iat, c.exp, c.nbf), (1_764_000_000, 1_764_000_300, None));
        assert_eq!(c.scope, Some("read:orders"));
        assert_eq!(c.auth_time, None);
    }

    #[test]
    fn reads_id_claims_with_booleans_and_nulls() {
        let value = parse(
            r#"{"iss":"i","sub":"s","aud":"c","exp":2,"iat":1,"email_verified":true,
                "name":null,"updated_at":5,"nonce":"n"}"#,
        )
        .unwrap();
        let c = id_claims(&value).unwrap();
        assert_eq!(c.aud.as_slice(), ["c"]);
        assert_eq!(c.email_verified, Some(true));
        assert_eq!((c.name, c.nonce, c.updated_at), (None, Some("n"), Some(5)));
    }

    #[test]
    fn refuses_what_is_not_claims() {
        for (json, err) in [
            ("[]", Error::Json),
            ("{", Error::Json),
            ("\"x\"", Error::Json),
            (r#"{"iss":"a","sub":"s","iss":"b"}"#, Error::Json),
            (r#"{"iss":"a","amr":[{"x":1,"x":2}]}"#, Error::Json),
            (r#"{"iss":"i"}"#, Error::Token(TokenError::MalformedClaims)),
            (
                r#"{"iss":"i","sub":"s","aud":5,"client_id":"c","iat":1,"exp":2,"jti":"j"}"#,
                Error::Token(TokenError::MalformedClaims),
            ),
            (
                r#"{"iss":"i","sub":"s","aud":"a","client_id":"c","iat":"1","exp":2,"jti":"j"}"#,
                Error::Token(TokenError::MalformedClaims),
            ),
        ] {
            let r = parse(json).and_then(|v| access_claims(&v).map(|_| ()));
            assert_eq!(r, Err(err), "{json}");
        }
    }

    #[test]
    fn out_of_range_dates_are_kept_invalid_for_the_issuer_to_refuse() {
        let value = parse(
            r#"{"iss":"i","sub":"s","aud":"a","client_id":"c","iat":-1,"exp":1.5,"jti":"j"}"#,
        )
        .unwrap();
        let c = access_claims(&value).unwrap();
        assert!(c.iat > compact_token::MAX_DATE && c.exp > compact_token::MAX_DATE);
    }
}
