//! Custom claims (issue 16): issued with `ExtrasWriter` or JSON text, read back zero-copy
//! after verification, required by policies, refused with exact errors.

mod common;
mod compact_common;

use common::*;
use compact_token::{
    AccessPolicy, Error, Extras, ExtrasWriter, IdPolicy, KeyUse, Limits, Require, ValueKind, jwt,
};
use serde::Deserialize;

const JKT: &str = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I";
const KEYCLOAK: &str = r#"{"roles":["offline_access","admin"]}"#;
const RESOURCE: &str = r#"{"account":{"roles":["manage-account","view-profile"]}}"#;

fn typical(buf: &mut [u8]) -> Extras<&str> {
    let mut w = ExtrasWriter::new(buf);
    w.strs("roles", &["admin", "ops"])
        .str("tenant", "acme")
        .int("level", -3)
        .bool("mfa", true)
        .null("nothing")
        .str("https://example.com/roles", "auditor");
    w.json("cnf", &format!(r#"{{ "jkt" : "{JKT}" }}"#)).unwrap();
    w.json("realm_access", KEYCLOAK).unwrap();
    w.json("resource_access", RESOURCE).unwrap();
    w.json("ratio", "0.25").unwrap();
    w.finish().unwrap()
}

#[test]
fn every_json_type_round_trips_through_the_jwt_profile() {
    let key = ed_key(KeyUse::AccessAndId);
    let mut ebuf = [0u8; 512];
    let mut claims = access_claims(NOW);
    claims.extra = typical(&mut ebuf);
    let mut out = [0u8; 1024];
    let token = jwt::issue_access(&claims, &key, &Limits::ACCESS, &mut out).unwrap();
    let mut scratch = [0u8; 2048];
    let v = jwt::verify_access(
        token,
        &key.verifying_key(),
        &access_policy(),
        NOW,
        &mut scratch,
    )
    .unwrap();
    assert_eq!(v, claims, "typed and custom claims equal");
    let e = &v.extra;
    let names: Vec<String> = e.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(
        names,
        [
            "roles",
            "tenant",
            "level",
            "mfa",
            "nothing",
            "https://example.com/roles",
            "cnf",
            "realm_access",
            "resource_access",
            "ratio"
        ]
    );
    assert!(e.get("roles").unwrap().contains_str("ops"));
    let roles: Vec<String> = e
        .get("roles")
        .unwrap()
        .strs()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(roles, ["admin", "ops"]);
    assert_eq!(e.get("tenant").unwrap().as_str().unwrap(), "acme");
    assert_eq!(e.get("level").unwrap().as_i64(), Some(-3));
    assert_eq!(e.get("level").unwrap().as_u64(), None);
    assert_eq!(e.get("mfa").unwrap().as_bool(), Some(true));
    assert_eq!(e.get("nothing").unwrap().kind(), ValueKind::Null);
    assert_eq!(e.get("ratio").unwrap().raw(), "0.25");
    assert_eq!(
        e.path(&["cnf", "jkt"]).unwrap().as_str().unwrap().as_str(),
        Some(JKT)
    );
    assert!(
        e.path(&["resource_access", "account", "roles"])
            .unwrap()
            .contains_str("view-profile")
    );
    assert_eq!(
        e.get("https://example.com/roles")
            .unwrap()
            .as_str()
            .unwrap(),
        "auditor"
    );
    // Typed claims are not extras.
    assert!(e.get("sub").is_none() && e.get("scope").is_none());
    // Whitespace in `json` values is not written.
    assert!(!token.contains(' '));
}

#[derive(Debug, Deserialize, PartialEq)]
struct Mine<'a> {
    #[serde(borrow)]
    roles: Vec<&'a str>,
    tenant: &'a str,
    realm_access: Realm<'a>,
    #[serde(default)]
    absent: Option<u32>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Realm<'a> {
    #[serde(borrow)]
    roles: Vec<&'a str>,
}

#[test]
fn extras_deserialize_into_your_own_types_and_unescape() {
    let key = hs_key(KeyUse::AccessAndId);
    let mut claims = id_claims(NOW);
    let text = r#"{"roles":["a\/b","c"],"tenant":"acm\u00e9","realm_access":{"roles":["x"]}}"#;
    claims.extra = Extras::from_json(text).unwrap();
    let mut out = [0u8; 2048];
    let token = jwt::issue_id(&claims, &key, &Limits::ID, &mut out).unwrap();
    let mut scratch = [0u8; 4096];
    let v = jwt::verify_id(token, &key, &id_policy(), NOW, &mut scratch).unwrap();
    let mut s2 = [0u8; 1024];
    let mine: Mine = v.extra.deserialize(&mut s2).unwrap();
    assert_eq!(
        mine,
        Mine {
            roles: vec!["a/b", "c"],
            tenant: "acmé",
            realm_access: Realm { roles: vec!["x"] },
            absent: None,
        }
    );
    // Escaped strings compare decoded, and decode into a buffer on request.
    let tenant = v.extra.get("tenant").unwrap().as_str().unwrap();
    assert_eq!(tenant, "acmé");
    assert_eq!(tenant.as_str(), None, "escaped: not borrowable as is");
    let mut buf = [0u8; 16];
    assert_eq!(tenant.to_str(&mut buf).unwrap(), "acmé");
    let mut s3 = [0u8; 64];
    let realm: Realm = v
        .extra
        .get("realm_access")
        .unwrap()
        .deserialize(&mut s3)
        .unwrap();
    assert_eq!(realm.roles, ["x"]);
}

#[test]
fn policies_require_custom_claims_and_name_the_failed_requirement() {
    let key = hs_key(KeyUse::AccessAndId);
    let mut ebuf = [0u8; 512];
    let mut claims = access_claims(NOW);
    claims.extra = typical(&mut ebuf);
    let mut out = [0u8; 1024];
    let token = jwt::issue_access(&claims, &key, &Limits::ACCESS, &mut out).unwrap();
    let check = |required: &[Require]| {
        let mut scratch = [0u8; 2048];
        let policy = AccessPolicy::new(ISS, AUD).require_claims(required);
        jwt::verify_access(token, &key, &policy, NOW, &mut scratch).map(|_| ())
    };
    assert_eq!(
        check(&[
            Require::contains(&["roles"], "admin"),
            Require::equals(&["tenant"], "acme"),
            Require::contains(&["realm_access", "roles"], "admin"),
            Require::present(&["cnf", "jkt"]),
            Require::present(&["nothing"]),
            Require::is_true(&["mfa"]),
        ]),
        Ok(())
    );
    let ok = Require::present(&["tenant"]);
    assert_eq!(
        check(&[ok, Require::contains(&["roles"], "root")]),
        Err(Error::RequiredClaimMismatch { index: 1 })
    );
    assert_eq!(
        check(&[ok, ok, Require::equals(&["group"], "x")]),
        Err(Error::RequiredClaimMissing { index: 2 })
    );
    assert_eq!(
        check(&[Require::equals(&["roles"], "admin")]),
        Err(Error::RequiredClaimMismatch { index: 0 }),
        "equals wants a string, not an array"
    );
    assert_eq!(
        check(&[Require::is_true(&["tenant"])]),
        Err(Error::RequiredClaimMismatch { index: 0 })
    );
    assert_eq!(
        check(&[Require::present(&["realm_access", "groups"])]),
        Err(Error::RequiredClaimMissing { index: 0 })
    );
    // Typed claims are not custom claims.
    assert_eq!(
        check(&[Require::present(&["sub"])]),
        Err(Error::RequiredClaimMissing { index: 0 })
    );
    // ID tokens too.
    let mut id = id_claims(NOW);
    id.extra = Extras::from_json(r#"{"groups":["staff"]}"#).unwrap();
    let mut out = [0u8; 2048];
    let token = jwt::issue_id(&id, &key, &Limits::ID, &mut out).unwrap();
    let mut scratch = [0u8; 4096];
    let need = [Require::contains(&["groups"], "admins")];
    let policy = IdPolicy::new(ISS, CLIENT).require_claims(&need);
    assert_eq!(
        jwt::verify_id(token, &key, &policy, NOW, &mut scratch).err(),
        Some(Error::RequiredClaimMismatch { index: 0 })
    );
}

#[test]
fn bad_extras_are_refused_with_exact_errors() {
    let key = hs_key(KeyUse::AccessAndId);
    let mut out = [0u8; 4096];
    // A typed claim's name, for each kind; `name` is typed only in ID tokens.
    let mut c = access_claims(NOW);
    c.extra = Extras::from_json(r#"{"tenant":"a","sub":"admin"}"#).unwrap();
    assert_eq!(
        jwt::issue_access(&c, &key, &Limits::ACCESS, &mut out).err(),
        Some(Error::ClaimCollision { claim: "sub" })
    );
    c.extra = Extras::from_json(r#"{"\u0073cope":"admin"}"#).unwrap();
    assert_eq!(
        jwt::issue_access(&c, &key, &Limits::ACCESS, &mut out).err(),
        Some(Error::ClaimCollision { claim: "scope" })
    );
    c.extra = Extras::from_json(r#"{"name":"n"}"#).unwrap();
    assert!(jwt::issue_access(&c, &key, &Limits::ACCESS, &mut out).is_ok());
    let mut id = id_claims(NOW);
    id.extra = Extras::from_json(r#"{"name":"n"}"#).unwrap();
    assert_eq!(
        jwt::issue_id(&id, &key, &Limits::ID, &mut out).err(),
        Some(Error::ClaimCollision { claim: "name" })
    );
    // Duplicates, at the top and nested; not JSON; too deep; NUL.
    for (json, err) in [
        (r#"{"roles":[],"roles":["admin"]}"#, Error::DuplicateMember),
        (r#"{"cnf":{"jkt":"a","jkt":"b"}}"#, Error::DuplicateMember),
        (r#"{"x":[{"a":1,"\u0061":2}]}"#, Error::DuplicateMember),
        (r#"{"x":1,}"#, Error::MalformedClaims),
        (r#"["roles"]"#, Error::MalformedClaims),
        (r#"{"x":[[[[1]]]]}"#, Error::NestingTooDeep),
    ] {
        assert_eq!(Extras::from_json(json).err(), Some(err), "{json}");
    }
    c.extra = Extras::from_json(r#"{"x":{"y":"a\u0000b"}}"#).unwrap();
    assert_eq!(
        jwt::issue_access(&c, &key, &Limits::ACCESS, &mut out).err(),
        Some(Error::MalformedClaims)
    );
    let mut buf = [0u8; 256];
    let mut w = ExtrasWriter::new(&mut buf);
    w.str("a", "1");
    assert_eq!(w.json("b", "[[[[1]]]]").err(), Some(Error::NestingTooDeep));
    assert_eq!(w.finish().err(), Some(Error::NestingTooDeep));
    let mut w = ExtrasWriter::new(&mut buf);
    w.str("a", "1").str("a", "2");
    assert_eq!(w.finish().err(), Some(Error::DuplicateMember));
    let mut small = [0u8; 8];
    let mut w = ExtrasWriter::new(&mut small);
    w.str("tenant", "acme");
    assert_eq!(
        w.finish().err(),
        Some(Error::BufferTooSmall {
            needed: r#"{"tenant":"acme"}"#.len()
        })
    );
    // The budget counts extras.
    let big = format!(r#"{{"blob":"{}"}}"#, "x".repeat(700));
    let mut c = access_claims(NOW);
    c.extra = Extras::from_json(&big).unwrap();
    assert_eq!(
        jwt::issue_access(&c, &key, &Limits::ACCESS, &mut out).err(),
        Some(Error::OverBudget)
    );
    // Signed by someone else: a duplicate custom claim, nested, and a NUL in one.
    for extra in [
        r#","roles":["a"],"roles":["admin"]"#,
        r#","cnf":{"jkt":"a","jkt":"b"}"#,
    ] {
        let claims = access_json_with(extra);
        let t = forge_hs(r#"{"alg":"HS256","typ":"at+jwt"}"#, claims.as_bytes());
        let mut scratch = [0u8; 4096];
        assert_eq!(
            jwt::verify_access(&t, &key, &access_policy(), NOW, &mut scratch).err(),
            Some(Error::DuplicateMember)
        );
    }
    let claims = access_json_with(r#","x":{"y":["\u0000"]}"#);
    let t = forge_hs(r#"{"alg":"HS256","typ":"at+jwt"}"#, claims.as_bytes());
    let mut scratch = [0u8; 4096];
    assert_eq!(
        jwt::verify_access(&t, &key, &access_policy(), NOW, &mut scratch).err(),
        Some(Error::MalformedClaims)
    );
}

fn access_json_with(extra: &str) -> String {
    format!(
        r#"{{"iss":"{ISS}","sub":"u","aud":"{AUD}","client_id":"{CLIENT}","iat":{NOW},"exp":{},"jti":"j"{extra}}}"#,
        NOW + 60
    )
}

mod compact_profile {
    use super::*;
    use crate::compact_common::varint;
    use compact_token::{Header, Registry, compact, jws};

    /// A string in the text form.
    fn text(s: &str) -> Vec<u8> {
        let mut out = varint((s.len() as u64) << 2);
        out.extend_from_slice(s.as_bytes());
        out
    }

    /// A custom claim's name spelled out: its text-form header offset by 64.
    fn name(s: &str) -> Vec<u8> {
        let mut out = varint(64 + ((s.len() as u64) << 2));
        out.extend_from_slice(s.as_bytes());
        out
    }

    /// A version-2 compact access token with the extras flag (bit 6) and `extras` as the
    /// custom claims' bytes (FORMAT.md), signed with the HS256 test key.
    fn forged(extras: &[u8]) -> String {
        let mut p = vec![0x88];
        p.extend(varint(1 << 6));
        for s in [ISS, "u"] {
            p.extend(text(s));
        }
        p.extend(varint(1));
        p.extend(text(AUD));
        p.extend(text(CLIENT));
        p.extend(varint(NOW));
        p.extend(varint(60));
        p.extend(text("j"));
        p.extend_from_slice(extras);
        let header = Header {
            alg: "HS256",
            typ: None,
            kid: None,
        };
        let mut out = vec![0u8; 1024];
        jws::sign(&header, &p, &hs_key(KeyUse::Access), &mut out)
            .unwrap()
            .to_owned()
    }

    fn verify(token: &str) -> Result<compact_token::AccessClaims<String>, Error> {
        let mut scratch = [0u8; 4096];
        let key = hs_key(KeyUse::Access);
        let c = compact::verify_access(
            token,
            &key,
            &access_policy(),
            &Registry::EMPTY,
            NOW,
            &mut scratch,
        )?;
        // Owned copies of what the tests look at.
        let mut owned = compact_token::AccessClaims::new(
            c.iss.to_owned(),
            c.sub.to_owned(),
            String::new(),
            c.client_id.to_owned(),
            c.iat,
            c.exp,
            c.jti.to_owned(),
        );
        owned.scope = c.extra.json().map(str::to_owned);
        Ok(owned)
    }

    /// Custom strings in the base64url alphabet travel as their bytes and come back as
    /// the same text at every length, across the decoder's 48-byte pieces.
    #[test]
    fn base64url_strings_round_trip_at_every_length() {
        use base64ct::{Base64UrlUnpadded, Encoding};
        let key = ed_key(KeyUse::AccessAndId);
        let issue = |text: &str| {
            let mut ebuf = [0u8; 512];
            let mut w = ExtrasWriter::new(&mut ebuf);
            w.str("v", text);
            let mut claims = access_claims(NOW);
            claims.extra = w.finish().unwrap();
            let mut out = [0u8; 1024];
            compact::issue_access(&claims, &key, &Limits::ACCESS, &Registry::EMPTY, &mut out)
                .unwrap()
                .to_owned()
        };
        let bytes: Vec<u8> = (0..150u8).map(|i| i.wrapping_mul(37) ^ 0x5A).collect();
        for n in 0..=bytes.len() {
            let text = Base64UrlUnpadded::encode_string(&bytes[..n]);
            let token = issue(&text);
            if n >= 30 {
                // Carried as bytes: shorter than the same text with one character outside
                // the alphabet, which travels as text.
                assert!(token.len() + 8 < issue(&format!("{text}!")).len(), "{n}");
            }
            let mut scratch = [0u8; 4096];
            let v = compact::verify_access(
                &token,
                &key.verifying_key(),
                &access_policy(),
                &Registry::EMPTY,
                NOW,
                &mut scratch,
            )
            .unwrap();
            assert!(v.extra.get("v").unwrap().as_str().unwrap() == *text, "{n}");
        }
    }

    #[test]
    fn every_json_type_round_trips_through_the_compact_profile() {
        let key = ed_key(KeyUse::AccessAndId);
        let mut ebuf = [0u8; 512];
        let mut claims = access_claims(NOW);
        claims.extra = typical(&mut ebuf);
        let names = ["roles", "tenant", "cnf", "jkt", "admin", "acme", ISS, AUD];
        for registry in [Registry::EMPTY, Registry::new(&names).unwrap()] {
            let mut out = [0u8; 1024];
            let token =
                compact::issue_access(&claims, &key, &Limits::ACCESS, &registry, &mut out).unwrap();
            let mut scratch = [0u8; 4096];
            let v = compact::verify_access(
                token,
                &key.verifying_key(),
                &access_policy(),
                &registry,
                NOW,
                &mut scratch,
            )
            .unwrap();
            assert_eq!(v, claims);
            assert_eq!(
                v.extra.path(&["cnf", "jkt"]).unwrap().as_str().unwrap(),
                JKT
            );
            assert_eq!(v.extra.get("level").unwrap().as_i64(), Some(-3));
            assert_eq!(v.extra.get("ratio").unwrap().raw(), "0.25");
            let need = [Require::contains(&["realm_access", "roles"], "admin")];
            let policy = AccessPolicy::new(ISS, AUD).require_claims(&need);
            let mut scratch = [0u8; 4096];
            assert!(
                compact::verify_access(
                    token,
                    &key.verifying_key(),
                    &policy,
                    &registry,
                    NOW,
                    &mut scratch
                )
                .is_ok()
            );
        }
    }

    #[test]
    fn integers_strings_and_numbers_at_their_edges_round_trip() {
        let key = hs_key(KeyUse::AccessAndId);
        let json = r#"{"z":-0,"a":0,"b":2305843009213693951,"c":2305843009213693952,"d":-2305843009213693952,"e":-2305843009213693953,"f":18446744073709551615,"g":-9223372036854775808,"h":1e400,"i":"","j":"AA","k":"A","l":"abc","m":"é\"\\\n","n":"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I","o":"deadbeef","p":[],"q":{},"r":[[[1]]],"s":false,"\u0074":"escaped name"}"#;
        let mut claims = access_claims(NOW);
        claims.extra = Extras::from_json(json).unwrap();
        let mut out = [0u8; 1024];
        let token =
            compact::issue_access(&claims, &key, &Limits::ACCESS, &Registry::EMPTY, &mut out)
                .unwrap();
        let mut scratch = [0u8; 4096];
        let v = compact::verify_access(
            token,
            &key,
            &access_policy(),
            &Registry::EMPTY,
            NOW,
            &mut scratch,
        )
        .unwrap();
        assert_eq!(v.extra, claims.extra);
        assert_eq!(v.extra.get("h").unwrap().raw(), "1e400");
        // `-0` (found by fuzz/roundtrip_extras: it underflowed the negative-integer form).
        assert_eq!(v.extra.get("z").unwrap().raw(), "-0");
        assert_eq!(v.extra.get("g").unwrap().as_i64(), Some(i64::MIN));
        assert_eq!(v.extra.get("f").unwrap().as_u64(), Some(u64::MAX));
        assert_eq!(v.extra.get("m").unwrap().as_str().unwrap(), "é\"\\\n");
        assert_eq!(v.extra.get("t").unwrap().as_str().unwrap(), "escaped name");
    }

    #[test]
    fn bad_custom_claims_bytes_are_refused_with_exact_errors() {
        let s = |v: &str| {
            let mut out = varint(3);
            out.extend(text(v));
            out
        };
        let bytes = |v: &[u8]| {
            let mut out = varint(3);
            out.extend(varint((v.len() as u64) << 2));
            out.extend_from_slice(v);
            out
        };
        let cat = |parts: &[&[u8]]| parts.concat();
        let ok = cat(&[&varint(1), &name("tenant"), &s("acme")]);
        let got = verify(&forged(&ok)).unwrap();
        assert_eq!(got.scope.as_deref(), Some(r#"{"tenant":"acme"}"#));
        // Well-known names by code (FORMAT.md): 0 is `roles`, 29 `uid`, 39 (`acr`) the
        // last, here nested: at the top it would collide with the typed claim.
        let ok = cat(&[
            &varint(3),
            &varint(0),
            &s("a"),
            &varint(29),
            &s("b"),
            &varint(10),
            &varint(1 << 3 | 5),
            &varint(39),
            &s("c"),
        ]);
        let got = verify(&forged(&ok)).unwrap();
        assert_eq!(
            got.scope.as_deref(),
            Some(r#"{"roles":"a","uid":"b","act":{"acr":"c"}}"#)
        );
        for (bytes, err) in [
            // The same name twice, at the top and nested.
            (
                cat(&[&varint(2), &name("r"), &s("a"), &name("r"), &s("b")]),
                Error::DuplicateMember,
            ),
            (
                cat(&[
                    &varint(1),
                    &name("o"),
                    &varint(2 << 3 | 5),
                    &name("k"),
                    &varint(0),
                    &name("k"),
                    &varint(0),
                ]),
                Error::DuplicateMember,
            ),
            // A typed claim's name.
            (
                cat(&[&varint(1), &name("scope"), &s("admin")]),
                Error::ClaimCollision { claim: "scope" },
            ),
            // Nesting: the claims object, then five levels of arrays.
            (
                cat(&[
                    &varint(1),
                    &name("x"),
                    &varint(1 << 3 | 4),
                    &varint(1 << 3 | 4),
                    &varint(1 << 3 | 4),
                    &varint(4),
                ]),
                Error::NestingTooDeep,
            ),
            // Unknown literal, number text that is not a number, string header payload,
            // U+0000, truncated, a count larger than the bytes.
            (
                cat(&[&varint(1), &name("x"), &varint(3 << 3)]),
                Error::MalformedClaims,
            ),
            (
                cat(&[&varint(1), &name("x"), &varint(6), &text("1x")]),
                Error::MalformedClaims,
            ),
            (
                cat(&[&varint(1), &name("x"), &varint(1 << 3 | 3), &text("a")]),
                Error::MalformedClaims,
            ),
            (
                cat(&[&varint(1), &name("x"), &s("a\0b")]),
                Error::MalformedClaims,
            ),
            // U+0000 in a name, and beside a character that must be escaped.
            (
                cat(&[&varint(1), &name("x\0"), &s("a")]),
                Error::MalformedClaims,
            ),
            (
                cat(&[&varint(1), &name("x"), &s("\"\0")]),
                Error::MalformedClaims,
            ),
            // String values whose bytes are not UTF-8 (their UTF-8 is checked once, over
            // the whole JSON text): a lone continuation byte, a sequence cut by the closing
            // quote, an overlong `/`, a surrogate, and one inside an array and beside an
            // escape.
            (
                cat(&[&varint(1), &name("x"), &bytes(&[0x80])]),
                Error::MalformedClaims,
            ),
            (
                cat(&[&varint(1), &name("x"), &bytes(b"ab\xe2\x82")]),
                Error::MalformedClaims,
            ),
            (
                cat(&[&varint(1), &name("x"), &bytes(&[0xc0, 0xaf])]),
                Error::MalformedClaims,
            ),
            (
                cat(&[&varint(1), &name("x"), &bytes(&[0xed, 0xa0, 0x80])]),
                Error::MalformedClaims,
            ),
            (
                cat(&[
                    &varint(1),
                    &name("x"),
                    &varint(2 << 3 | 4),
                    &bytes(b"ok"),
                    &bytes(b"\"\xff"),
                ]),
                Error::MalformedClaims,
            ),
            (cat(&[&varint(1), &name("x")]), Error::MalformedClaims),
            (
                cat(&[&varint(9), &name("x"), &s("a")]),
                Error::MalformedClaims,
            ),
            (
                cat(&[&varint(1), &name("x"), &varint(1000 << 3 | 4)]),
                Error::MalformedClaims,
            ),
        ] {
            assert_eq!(verify(&forged(&bytes)).err(), Some(err), "{bytes:02x?}");
        }
    }
}

/// The brief's sample access token plus three typical custom claims (`roles` with two
/// values, a `tenant`, `cnf.jkt`), EdDSA: the compact profile against the standard JWT.
#[test]
fn three_typical_custom_claims_stay_small_in_the_compact_profile() {
    use compact_token::{Registry, compact};
    let key = ed_key(KeyUse::Access);
    let mut ebuf = [0u8; 256];
    let mut w = ExtrasWriter::new(&mut ebuf);
    w.strs("roles", &["orders:read", "orders:write"])
        .str("tenant", "acme-corp");
    w.json("cnf", &format!(r#"{{"jkt":"{JKT}"}}"#)).unwrap();
    let mut claims = access_claims(NOW);
    claims.extra = w.finish().unwrap();
    let mut out = [0u8; 1024];
    let jwt_len = jwt::issue_access(&claims, &key, &Limits::ACCESS, &mut out)
        .unwrap()
        .len();
    let full = compact::issue_access(&claims, &key, &Limits::ACCESS, &Registry::EMPTY, &mut out)
        .unwrap()
        .len();
    let registered = Registry::new(&[
        ISS,
        AUD,
        "read:orders",
        "write:orders",
        "roles",
        "tenant",
        "cnf",
        "jkt",
        "orders:read",
        "orders:write",
        "acme-corp",
    ])
    .unwrap();
    let reg = compact::issue_access(&claims, &key, &Limits::ACCESS, &registered, &mut out)
        .unwrap()
        .len();
    eprintln!("jwt {jwt_len} B, compact {full} B, registered {reg} B");
    // The issue's goals: at most 0.65× the JWT with everything carried, 0.45× registered.
    assert!(full * 100 <= jwt_len * 65, "{full} / {jwt_len}");
    assert!(reg * 100 <= jwt_len * 45, "{reg} / {jwt_len}");
}

/// FORMAT.md's custom-claims example, byte for byte, both ways.
#[test]
fn the_format_example_is_what_the_encoder_writes_and_the_decoder_reads() {
    use compact_token::{Registry, compact};
    const BYTES: [u8; 13] = [
        0x03, 0x00, 0x0c, 0x03, 0x04, 0x61, 0x44, 0x6e, 0x0a, 0x4a, 0xa2, 0x40, 0x10,
    ];
    let key = hs_key(KeyUse::Access);
    let mut claims = access_claims(NOW);
    claims.scope = None;
    claims.extra = Extras::from_json(r#"{"roles":["a"],"n":-2,"ok":true}"#).unwrap();
    let mut out = [0u8; 1024];
    let token =
        compact::issue_access(&claims, &key, &Limits::ACCESS, &Registry::EMPTY, &mut out).unwrap();
    let payload = b64(token.split('.').nth(1).unwrap());
    assert!(payload.ends_with(&BYTES), "{payload:02x?}");
    // The flags: only bit 6 (custom claims).
    assert_eq!(payload[1], 1 << 6);
    let mut scratch = [0u8; 2048];
    let v = compact::verify_access(
        token,
        &key,
        &access_policy(),
        &Registry::EMPTY,
        NOW,
        &mut scratch,
    )
    .unwrap();
    assert_eq!(v.extra.json(), Some(r#"{"roles":["a"],"n":-2,"ok":true}"#));
}

#[test]
fn claims_read_from_json_carry_every_claim_when_issued_again() {
    use compact_token::{AccessClaims, IdClaims};
    let text = format!(
        r#"{{"iss":"{ISS}","sub":"u","aud":["{AUD}","b"],"client_id":"{CLIENT}","iat":{NOW},
            "exp":{},"jti":"j","roles":["admin"],"realm_access":{{"roles":["x\/y"]}},"n":1}}"#,
        NOW + 60
    );
    let mut scratch = [0u8; 512];
    let c = AccessClaims::from_json(&text, &mut scratch).unwrap();
    assert_eq!(c.aud.as_slice(), [AUD, "b"]);
    assert_eq!(c.extra.iter().count(), 3);
    let key = hs_key(KeyUse::AccessAndId);
    let mut out = [0u8; 1024];
    let token = jwt::issue_access(&c, &key, &Limits::ACCESS, &mut out).unwrap();
    let mut scratch2 = [0u8; 2048];
    let v = jwt::verify_access(token, &key, &access_policy(), NOW, &mut scratch2).unwrap();
    assert_eq!(v, c);
    assert!(
        v.extra
            .path(&["realm_access", "roles"])
            .unwrap()
            .contains_str("x/y")
    );
    // The same reader's rules: duplicates, missing required claims, bad dates.
    let mut scratch = [0u8; 512];
    let dup = text.replace(r#""n":1"#, r#""n":1,"roles":[]"#);
    assert_eq!(
        AccessClaims::from_json(&dup, &mut scratch).err(),
        Some(Error::DuplicateMember)
    );
    let mut scratch = [0u8; 512];
    assert_eq!(
        IdClaims::from_json(r#"{"iss":"i"}"#, &mut scratch).err(),
        Some(Error::MalformedClaims)
    );
    let mut scratch = [0u8; 512];
    let float = text.replace(&format!(r#""iat":{NOW}"#), &format!(r#""iat":{NOW}.0"#));
    assert_eq!(
        AccessClaims::from_json(&float, &mut scratch).err(),
        Some(Error::InvalidDate)
    );
}

#[test]
fn numbers_beyond_f64_are_kept_as_text_until_converted() {
    let e = Extras::from_json(r#"{"big":1e400,"neg":-1e400}"#).unwrap();
    let big = e.get("big").unwrap();
    assert_eq!((big.raw(), big.kind()), ("1e400", ValueKind::Number));
    assert_eq!((big.as_u64(), big.as_i64()), (None, None));
    let mut scratch = [0u8; 8];
    assert_eq!(
        compact_token::json::from_slice::<f64>(b"1e400", &mut scratch).err(),
        Some(Error::MalformedClaims)
    );
    assert_eq!(
        compact_token::json::from_slice::<f64>(b"1e300", &mut scratch),
        Ok(1e300)
    );
}

#[test]
fn custom_claims_from_indented_json_are_written_byte_minimal() {
    let key = hs_key(KeyUse::Access);
    let mut c = access_claims(NOW);
    c.extra =
        Extras::from_json("{\n  \"roles\" : [ \"a\" , \"b c\" ],\n  \"o\" : { \"k\" : 1 }\n}")
            .unwrap();
    let mut out = [0u8; 1024];
    let token = jwt::issue_access(&c, &key, &Limits::ACCESS, &mut out).unwrap();
    let payload = String::from_utf8(b64(token.split('.').nth(1).unwrap())).unwrap();
    assert!(
        payload.ends_with(r#","roles":["a","b c"],"o":{"k":1}}"#),
        "{payload}"
    );
}

#[test]
fn custom_claims_compare_as_json_values() {
    let a = Extras::from_json(r#"{"o":{"a":1,"b":[2,"x\/y"]},"t":true}"#).unwrap();
    let same = Extras::from_json(r#"{"t":true,"o":{"b":[2,"x/y"],"a":1}}"#).unwrap();
    assert_eq!(a, same);
    for other in [
        r#"{"o":{"a":1},"t":true}"#,
        r#"{"o":{"a":1,"b":["x/y",2]},"t":true}"#,
        r#"{"o":{"a":1,"b":[2,"x/y"],"c":null},"t":true}"#,
        r#"{"o":{"a":"1","b":[2,"x/y"]},"t":true}"#,
        r#"{"o":{"a":1,"b":[2,"x/y"]},"t":false}"#,
    ] {
        assert_ne!(a, Extras::from_json(other).unwrap(), "{other}");
    }
}

/// Found by fuzz/roundtrip_extras: JSON text with whitespace around the object was accepted
/// and then read as holding no custom claims (dropped when issuing, invisible after a `jwt`
/// verify of a payload that starts with whitespace).
#[test]
fn whitespace_around_the_object_keeps_every_custom_claim() {
    let e = Extras::from_json(" \r\n{\"tenant\":\"acme\"}\t ").unwrap();
    assert_eq!(e.get("tenant").unwrap().as_str().unwrap(), "acme");
    let c = Extras::from_json("\n{\"sub\":\"admin\"}").unwrap();
    let mut claims = access_claims(NOW);
    claims.extra = c;
    let key = hs_key(KeyUse::AccessAndId);
    let mut out = [0u8; 1024];
    assert_eq!(
        jwt::issue_access(&claims, &key, &Limits::ACCESS, &mut out).err(),
        Some(Error::ClaimCollision { claim: "sub" })
    );
    // A signed payload that starts with whitespace: the custom claims are still read.
    let payload = format!("\r\n {}", access_json_with(r#","roles":["admin"]"#));
    let t = forge_hs(r#"{"alg":"HS256","typ":"at+jwt"}"#, payload.as_bytes());
    let mut scratch = [0u8; 4096];
    let v = jwt::verify_access(&t, &key, &access_policy(), NOW, &mut scratch).unwrap();
    assert!(v.extra.get("roles").unwrap().contains_str("admin"));
}

/// Custom claims read from a verified token of one kind and issued again in a token of the
/// other kind are checked against the other kind's typed claims: `nonce` is a custom claim
/// of an access token but an ID token's own claim, and `client_id` the reverse.
#[test]
fn custom_claims_verified_for_one_kind_are_checked_again_for_the_other() {
    use compact_token::compact;
    let key = hs_key(KeyUse::AccessAndId);
    let mut ebuf = [0u8; 128];
    let mut w = ExtrasWriter::new(&mut ebuf);
    w.str("nonce", "custom").str("tenant", "acme");
    let mut access = access_claims(NOW);
    access.extra = w.finish().unwrap();
    let (mut out, mut scratch, mut again) = ([0u8; 1024], [0u8; 2048], [0u8; 1024]);
    let mut scratch2 = [0u8; 2048];
    // jwt: the verified view of the whole claims set.
    let token = jwt::issue_access(&access, &key, &Limits::ACCESS, &mut out).unwrap();
    let v = jwt::verify_access(token, &key, &access_policy(), NOW, &mut scratch).unwrap();
    let mut id = id_claims(NOW);
    id.extra = v.extra;
    assert_eq!(
        jwt::issue_id(&id, &key, &Limits::ID, &mut again).err(),
        Some(Error::ClaimCollision { claim: "nonce" })
    );
    // compact: the decoder's checked text.
    let reg = compact_token::Registry::EMPTY;
    let token = compact::issue_access(&access, &key, &Limits::ACCESS, &reg, &mut out).unwrap();
    let v =
        compact::verify_access(token, &key, &access_policy(), &reg, NOW, &mut scratch2).unwrap();
    id.extra = v.extra;
    assert_eq!(
        compact::issue_id(&id, &key, &Limits::ID, &reg, &mut again).err(),
        Some(Error::ClaimCollision { claim: "nonce" })
    );
    // Issued again as the kind they were verified as, they pass.
    let mut a2 = access_claims(NOW);
    a2.extra = v.extra;
    assert!(compact::issue_access(&a2, &key, &Limits::ACCESS, &reg, &mut again).is_ok());
}

/// Claims converted by `try_map` are checked again when issued: its `f` may change the
/// text, so what was learned when the custom claims were read (a verifier's view, the
/// `compact` decoder's checks) is not assumed of what `f` returns. A U+0000 or broken JSON
/// that `f` puts in is refused, in both profiles; claims `f` only copies issue as before.
#[test]
fn claims_mapped_by_try_map_are_checked_again_when_issued() {
    use compact_token::{Registry, compact};
    let key = hs_key(KeyUse::AccessAndId);
    let mut ebuf = [0u8; 128];
    let mut w = ExtrasWriter::new(&mut ebuf);
    w.str("tenant", "acme").strs("roles", &["a"]);
    let mut access = access_claims(NOW);
    access.extra = w.finish().unwrap();
    let reg = Registry::EMPTY;
    let (mut out, mut again) = ([0u8; 1024], [0u8; 1024]);
    let (mut s1, mut s2) = ([0u8; 2048], [0u8; 2048]);
    let token = jwt::issue_access(&access, &key, &Limits::ACCESS, &mut out).unwrap();
    let from_jwt = jwt::verify_access(token, &key, &access_policy(), NOW, &mut s1).unwrap();
    let token = compact::issue_access(&access, &key, &Limits::ACCESS, &reg, &mut out).unwrap();
    let from_compact =
        compact::verify_access(token, &key, &access_policy(), &reg, NOW, &mut s2).unwrap();
    for verified in [from_jwt, from_compact] {
        let copied = verified.try_map(|s| Ok::<_, ()>(s.to_owned())).unwrap();
        assert!(jwt::issue_access(&copied, &key, &Limits::ACCESS, &mut again).is_ok());
        assert!(compact::issue_access(&copied, &key, &Limits::ACCESS, &reg, &mut again).is_ok());
        for (from, to) in [(r#""acme""#, r#""ac\u0000me""#), (r#""acme""#, "acme")] {
            let changed = verified
                .try_map(|s| Ok::<_, ()>(s.replace(from, to)))
                .unwrap();
            assert_ne!(changed.extra.json(), verified.extra.json());
            assert_eq!(
                jwt::issue_access(&changed, &key, &Limits::ACCESS, &mut again).err(),
                Some(Error::MalformedClaims),
                "{to}"
            );
            assert_eq!(
                compact::issue_access(&changed, &key, &Limits::ACCESS, &reg, &mut again).err(),
                Some(Error::MalformedClaims),
                "{to}"
            );
        }
    }
}
