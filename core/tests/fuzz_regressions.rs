//! Inputs the fuzz targets (`fuzz/`) found, kept as ordinary tests. Each names its target
//! and what was wrong.

mod common;

use common::*;
use compact_token::{Error, KeyUse, Limits, Registry, compact, jwt};

/// roundtrip_jwt: claims with no audience issued fine (the writer leaves an empty `aud`
/// out), but the token could not be read back (`aud` is required): issuing now refuses.
#[test]
fn empty_audience_is_refused_when_issuing() {
    let key = ed_key(KeyUse::AccessAndId);
    let mut buf = [0u8; 2048];
    let mut access = access_claims(NOW);
    access.aud = Default::default();
    assert_eq!(
        jwt::issue_access(&access, &key, &Limits::ACCESS, &mut buf),
        Err(Error::MalformedClaims)
    );
    assert_eq!(
        compact::issue_access(&access, &key, &Limits::ACCESS, &Registry::EMPTY, &mut buf),
        Err(Error::MalformedClaims)
    );
    let mut id = id_claims(NOW);
    id.aud = Default::default();
    assert_eq!(
        jwt::issue_id(&id, &key, &Limits::ID, &mut buf),
        Err(Error::MalformedClaims)
    );
    assert_eq!(
        compact::issue_id(&id, &key, &Limits::ID, &Registry::EMPTY, &mut buf),
        Err(Error::MalformedClaims)
    );
}

/// roundtrip_jwt (crash-cc0ba95f): the token that input produced, signed by a key of the
/// test fixtures: `aud` absent is a malformed token, not a wrong audience.
#[test]
fn token_without_audience_is_malformed() {
    use compact_token::jws;
    let key = ed_key(KeyUse::Access);
    let payload = format!(
        r#"{{"iss":"{ISS}","sub":"s","client_id":"c","iat":{NOW},"exp":{},"jti":"j"}}"#,
        NOW + 49
    );
    let header = compact_token::Header {
        alg: "EdDSA",
        typ: Some("at+jwt"),
        kid: None,
    };
    let mut buf = [0u8; 1024];
    let token = jws::sign(&header, payload.as_bytes(), &key, &mut buf).unwrap();
    let mut scratch = [0u8; 1024];
    assert_eq!(
        jwt::verify_access(
            token,
            &key.verifying_key(),
            &access_policy(),
            NOW,
            &mut scratch
        ),
        Err(Error::MalformedClaims)
    );
    let payload = payload.replace(r#""jti""#, r#""aud":[],"jti""#);
    let token = jws::sign(&header, payload.as_bytes(), &key, &mut buf).unwrap();
    assert_eq!(
        jwt::verify_access(
            token,
            &key.verifying_key(),
            &access_policy(),
            NOW,
            &mut scratch
        ),
        Err(Error::MalformedClaims)
    );
}

/// jws_parts (the empty input): `jws::sign` wrote `header..signature` for an empty payload,
/// which `jws::split` (and so `jws::verify`) refuses; signing now refuses it first.
#[test]
fn empty_payload_is_refused_when_signing() {
    use compact_token::{Header, jws};
    let key = ed_key(KeyUse::Access);
    let header = Header {
        alg: "EdDSA",
        typ: None,
        kid: None,
    };
    let mut buf = [0u8; 256];
    assert_eq!(
        jws::sign(&header, b"", &key, &mut buf),
        Err(Error::Malformed)
    );
    let token = jws::sign(&header, b"x", &key, &mut buf).unwrap().to_owned();
    let mut out = [0u8; 16];
    assert_eq!(
        jws::verify(&token, &key.verifying_key(), &mut out),
        Ok(&b"x"[..])
    );
}

/// differential_jsonwebtoken: a raw control character (0x1d) inside the name of an unknown
/// claim was accepted (the parser skips unknown members without checking them), where JSON
/// and jsonwebtoken refuse it; now refused before parsing, in claims and header alike.
#[test]
fn raw_control_characters_in_skipped_names_are_refused() {
    use compact_token::{Header, jws};
    let key = ed_key(KeyUse::AccessAndId);
    let claims = format!(
        "{{\"iss\":\"{ISS}\",\"sub\":\"s\",\"aud\":\"{CLIENT}\",\"exp\":{},\"iat\":{NOW},\"email_ve\u{1d}ified\":true}}",
        NOW + 60
    );
    let header = Header {
        alg: "EdDSA",
        typ: Some("JWT"),
        kid: None,
    };
    let mut buf = [0u8; 1024];
    let token = jws::sign(&header, claims.as_bytes(), &key, &mut buf).unwrap();
    let mut scratch = [0u8; 1024];
    let policy = compact_token::IdPolicy::new(ISS, CLIENT);
    assert_eq!(
        jwt::verify_id(token, &key.verifying_key(), &policy, NOW, &mut scratch),
        Err(Error::MalformedClaims)
    );
    let token = jws::sign(
        &header,
        claims.replace('\u{1d}', "r").as_bytes(),
        &key,
        &mut buf,
    )
    .unwrap();
    assert!(jwt::verify_id(token, &key.verifying_key(), &policy, NOW, &mut scratch).is_ok());
}

/// differential_jsonwebtoken: `"x-unknown":-6853924172403y15815` (not JSON) was accepted:
/// the parser skips unknown members' values without checking them. Every bare literal is
/// now checked before parsing.
#[test]
fn malformed_literals_in_skipped_values_are_refused() {
    use compact_token::{Header, jws};
    let key = ed_key(KeyUse::AccessAndId);
    let header = Header {
        alg: "EdDSA",
        typ: Some("at+jwt"),
        kid: None,
    };
    let valid = format!(
        r#"{{"iss":"{ISS}","sub":"s","aud":"{AUD}","client_id":"c","iat":{NOW},"exp":{},"jti":"j","x-unknown":-6853924172403e15815}}"#,
        NOW + 60
    );
    let mut buf = [0u8; 1024];
    let mut scratch = [0u8; 1024];
    let vk = key.verifying_key();
    let token = jws::sign(&header, valid.as_bytes(), &key, &mut buf).unwrap();
    assert!(jwt::verify_access(token, &vk, &access_policy(), NOW, &mut scratch).is_ok());
    for bad in ["-6853924172403y15815", "01", "tru", "NaN", "1.", "'x'"] {
        let claims = valid.replace("-6853924172403e15815", bad);
        let token = jws::sign(&header, claims.as_bytes(), &key, &mut buf).unwrap();
        assert_eq!(
            jwt::verify_access(token, &vk, &access_policy(), NOW, &mut scratch),
            Err(Error::MalformedClaims),
            "{bad}"
        );
    }
}
