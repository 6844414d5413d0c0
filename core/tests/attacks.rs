//! The attacks of issue 5 that `rejections.rs` does not already cover, one test per named
//! attack, each asserting the exact error (and, where it matters, that no signature check
//! ran). Tokens are forged with valid signatures wherever the point is to reach a check
//! behind the signature.

mod common;

use common::*;
use compact_token::{
    Ed25519SigningKey, Ed25519VerifyingKey, Error, Hs256Key, IdPolicy, KeyUse, Limits, MAX_DATE,
    MAX_LEEWAY, Registry, VerifyingKey, compact, jwt,
};
use ed25519_dalek::Signer;

const SECRET: [u8; 32] = [0x24; 32];
const SEED: [u8; 32] = [0x42; 32];
const AT_HEADER: &str = r#"{"alg":"HS256","typ":"at+jwt"}"#;

fn hs() -> Hs256Key {
    Hs256Key::from_secret(&SECRET, KeyUse::AccessAndId).unwrap()
}

fn forge_ed(header: &str, payload: &[u8]) -> String {
    let input = format!("{}.{}", b64e(header.as_bytes()), b64e(payload));
    let sig = ed25519_dalek::SigningKey::from_bytes(&SEED).sign(input.as_bytes());
    format!("{input}.{}", b64e(&sig.to_bytes()))
}

/// A good EdDSA access token as its signing input and signature bytes, and its key.
fn ed_token() -> (String, Vec<u8>, Ed25519VerifyingKey) {
    let t = forge_ed(
        r#"{"alg":"EdDSA","typ":"at+jwt"}"#,
        access_json(NOW, NOW + 60).as_bytes(),
    );
    let (rest, sig) = t.rsplit_once('.').unwrap();
    let key = Ed25519SigningKey::from_seed(&SEED, KeyUse::Access).verifying_key();
    (rest.to_owned(), b64(sig), key)
}

fn access_json(iat: u64, exp: u64) -> String {
    format!(
        r#"{{"iss":"{ISS}","sub":"u","aud":"{AUD}","client_id":"{CLIENT}","iat":{iat},"exp":{exp},"jti":"j"}}"#
    )
}

/// Access claims JSON with `dates` (e.g. `"iat":1,"exp":2`) in place of the usual ones.
fn access_with_dates(dates: &str) -> String {
    format!(r#"{{"iss":"{ISS}","sub":"u","aud":"{AUD}","client_id":"{CLIENT}","jti":"j",{dates}}}"#)
}

fn verify_access(token: &str, key: &dyn VerifyingKey) -> Result<(), Error> {
    let mut scratch = [0u8; 4096];
    jwt::verify_access(token, key, &access_policy(), NOW, &mut scratch).map(|_| ())
}

fn verify_id(token: &str, key: &dyn VerifyingKey) -> Result<(), Error> {
    let mut scratch = [0u8; 8192];
    jwt::verify_id(token, key, &IdPolicy::new(ISS, CLIENT), NOW, &mut scratch).map(|_| ())
}

#[test]
fn forged_tokens_verify_when_nothing_is_wrong() {
    // Guards every test below: a refusal must come from the case, not from the forger.
    let t = forge_hs(AT_HEADER, access_json(NOW, NOW + 60).as_bytes());
    assert_eq!(verify_access(&t, &hs()), Ok(()));
    let t = forge_ed(
        r#"{"alg":"EdDSA","typ":"at+jwt"}"#,
        access_json(NOW, NOW + 60).as_bytes(),
    );
    let ed = Ed25519SigningKey::from_seed(&SEED, KeyUse::Access).verifying_key();
    assert_eq!(verify_access(&t, &ed), Ok(()));
    let wire = Tripwire::new();
    let t = forge_hs(AT_HEADER, access_json(NOW, NOW + 60).as_bytes());
    assert_eq!(verify_access(&t, &wire), Ok(()));
    assert_eq!(wire.checks.get(), 1);
}

#[test]
fn alg_none_with_a_signature_missing_null_or_not_a_string() {
    let payload = access_json(NOW, NOW + 60);
    for (header, expect) in [
        // `none` carrying a (valid HMAC) signature is still `none`.
        (r#"{"alg":"none","typ":"at+jwt"}"#, Error::AlgorithmMismatch),
        // An escaped `none` is `none`.
        (
            r#"{"alg":"n\u006fne","typ":"at+jwt"}"#,
            Error::AlgorithmMismatch,
        ),
        (
            r#"{"alg":"HS256 ","typ":"at+jwt"}"#,
            Error::AlgorithmMismatch,
        ),
        (r#"{"typ":"at+jwt"}"#, Error::MalformedHeader),
        (r#"{"alg":null,"typ":"at+jwt"}"#, Error::MalformedHeader),
        (
            r#"{"alg":["HS256"],"typ":"at+jwt"}"#,
            Error::MalformedHeader,
        ),
        (r#"{"alg":true,"typ":"at+jwt"}"#, Error::MalformedHeader),
    ] {
        let wire = Tripwire::new();
        let t = forge_hs(header, payload.as_bytes());
        assert_eq!(verify_access(&t, &wire), Err(expect), "{header}");
        assert_eq!(wire.checks.get(), 0, "{header}: refused before any crypto");
    }
    // The same name escaped is the same algorithm (JSON string equality, RFC 8259 §7).
    let t = forge_hs(r#"{"alg":"H\u0053256","typ":"at+jwt"}"#, payload.as_bytes());
    assert_eq!(verify_access(&t, &hs()), Ok(()));
}

/// The payload segment of a `compact` access token `key` issues.
fn compact_payload(key: &Hs256Key) -> String {
    let mut buf = [0u8; 1024];
    let claims = access_claims(NOW);
    let token = compact::issue_access(&claims, key, &Limits::ACCESS, &Registry::EMPTY, &mut buf);
    token.unwrap().split('.').nth(1).unwrap().to_owned()
}

#[test]
fn header_injection_is_refused_in_the_compact_profile_too() {
    let key = hs_key(KeyUse::AccessAndId);
    let payload = &compact_payload(&key);
    let mut scratch = [0u8; 2048];
    for (header, expect) in [
        (r#"{"alg":"none"}"#, Error::AlgorithmMismatch),
        (r#"{"alg":"EdDSA"}"#, Error::AlgorithmMismatch),
        (
            r#"{"alg":"HS256","crit":["b64"]}"#,
            Error::UnsupportedHeader,
        ),
        (r#"{"alg":"HS256","b64":false}"#, Error::UnsupportedHeader),
        (
            r#"{"alg":"HS256","jku":"https://evil"}"#,
            Error::UnsupportedHeader,
        ),
        (
            r#"{"alg":"HS256","jwk":{"kty":"oct","k":"AA"}}"#,
            Error::UnsupportedHeader,
        ),
        (
            r#"{"alg":"HS256","x5u":"https://evil"}"#,
            Error::UnsupportedHeader,
        ),
        (
            r#"{"alg":"HS256","x5c":["MIIB"]}"#,
            Error::UnsupportedHeader,
        ),
        (r#"{"alg":"HS256","alg":"HS256"}"#, Error::UnsupportedHeader),
    ] {
        let t = forge_segments(&b64e(header.as_bytes()), payload);
        let got = compact::verify_access(
            &t,
            &key,
            &access_policy(),
            &Registry::EMPTY,
            NOW,
            &mut scratch,
        );
        assert_eq!(got.err(), Some(expect), "{header}");
    }
}

/// The `compact` profile reads its header in one form only, the one its writer writes
/// (FORMAT.md, "Header"): a header any JSON reader takes as the same, but spelled another
/// way, is refused before any crypto, by the verifier and by `decode_unverified` alike.
#[test]
fn the_compact_header_is_accepted_only_as_written() {
    let key = hs_key(KeyUse::AccessAndId);
    let payload = &compact_payload(&key);
    let mut scratch = [0u8; 2048];
    let long_kid = format!(r#"{{"alg":"HS256","kid":"{}"}}"#, "k".repeat(65));
    for (header, expect) in [
        (r#"{"alg":"HS256"}"#, Ok(())),
        (r#"{"alg":"HS256","kid":"any"}"#, Ok(())),
        (r#"{ "alg":"HS256"}"#, Err(Error::MalformedHeader)),
        (r#"{"alg":"HS256"} "#, Err(Error::MalformedHeader)),
        (r#"{"alg":"H\u0053256"}"#, Err(Error::MalformedHeader)),
        (
            r#"{"alg":"HS256","kid":"\u0061"}"#,
            Err(Error::MalformedHeader),
        ),
        (
            r#"{"kid":"a","alg":"HS256"}"#,
            Err(Error::UnsupportedHeader),
        ),
        (long_kid.as_str(), Err(Error::MalformedHeader)),
    ] {
        let t = forge_segments(&b64e(header.as_bytes()), payload);
        let wire = Tripwire::new();
        let got = compact::verify_access(
            &t,
            &wire,
            &access_policy(),
            &Registry::EMPTY,
            NOW,
            &mut scratch,
        );
        assert_eq!(got.map(|_| ()), expect, "{header}");
        assert_eq!(wire.checks.get(), usize::from(expect.is_ok()), "{header}");
        let seen = compact::decode_unverified(&t, &Limits::ACCESS, &Registry::EMPTY, &mut scratch);
        assert_eq!(seen.map(|_| ()), expect, "{header}");
    }
    // The same headers under a `jwt` payload name the profile, as before the form.
    let jwt_payload = b64e(access_json(NOW, NOW + 60).as_bytes());
    for header in [
        AT_HEADER,
        r#"{"typ":"at+jwt","alg":"HS256"}"#,
        r#"{"alg":"HS256","kid":"a","typ":"JWT"}"#,
    ] {
        let t = forge_segments(&b64e(header.as_bytes()), &jwt_payload);
        let got = compact::verify_access(
            &t,
            &hs(),
            &access_policy(),
            &Registry::EMPTY,
            NOW,
            &mut scratch,
        );
        assert_eq!(got.err(), Some(Error::WrongProfile), "{header}");
    }
}

/// A key id the `compact` header cannot carry as it is (JSON would escape it) is refused
/// when issuing, not written in another form: the `jwt` profile still issues with it.
#[test]
fn a_key_id_json_escapes_issues_no_compact_token() {
    for kid in ["a\"b", "a\\b", "tab\there"] {
        let key = hs_key(KeyUse::AccessAndId).with_kid(kid).unwrap();
        let mut buf = [0u8; 1024];
        let claims = access_claims(NOW);
        let got = compact::issue_access(&claims, &key, &Limits::ACCESS, &Registry::EMPTY, &mut buf);
        assert_eq!(got.err(), Some(Error::InvalidKey), "{kid:?}");
        let token = jwt::issue_access(&claims, &key, &Limits::ACCESS, &mut buf).unwrap();
        let mut scratch = [0u8; 2048];
        assert!(jwt::verify_access(token, &key, &access_policy(), NOW, &mut scratch).is_ok());
    }
    // An id it can carry: verified under the same id and under a key without one, refused
    // under another.
    let key = hs_key(KeyUse::AccessAndId).with_kid("clé-1").unwrap();
    let mut buf = [0u8; 1024];
    let token = compact::issue_access(
        &access_claims(NOW),
        &key,
        &Limits::ACCESS,
        &Registry::EMPTY,
        &mut buf,
    )
    .unwrap();
    let mut scratch = [0u8; 2048];
    let mut verify = |k: &Hs256Key| {
        compact::verify_access(
            token,
            k,
            &access_policy(),
            &Registry::EMPTY,
            NOW,
            &mut scratch,
        )
        .map(|_| ())
    };
    assert_eq!(verify(&key), Ok(()));
    assert_eq!(verify(&hs()), Ok(()));
    let other = hs_key(KeyUse::AccessAndId).with_kid("clé-2").unwrap();
    assert_eq!(verify(&other), Err(Error::KeyIdMismatch));
}

#[test]
fn duplicate_members_in_header_or_claims_are_refused() {
    let payload = access_json(NOW, NOW + 60);
    for header in [
        r#"{"alg":"HS256","alg":"none","typ":"at+jwt"}"#,
        r#"{"alg":"none","alg":"HS256","typ":"at+jwt"}"#,
        r#"{"alg":"HS256","typ":"JWT","typ":"at+jwt"}"#,
        r#"{"alg":"HS256","typ":"at+jwt","kid":"a","kid":"b"}"#,
    ] {
        let t = forge_hs(header, payload.as_bytes());
        assert_eq!(
            verify_access(&t, &hs()),
            Err(Error::UnsupportedHeader),
            "{header}"
        );
    }
    // Last-one-wins parsers would read the second `exp`, `aud` or `nonce`; we read neither.
    for claims in [
        access_with_dates(&format!(r#""iat":{NOW},"exp":{NOW},"exp":{}"#, NOW + 60)),
        format!(
            r#"{{"iss":"{ISS}","sub":"u","aud":"x","aud":"{AUD}","client_id":"c","iat":{NOW},"exp":{},"jti":"j"}}"#,
            NOW + 60
        ),
        format!(
            r#"{{"iss":"{ISS}","sub":"u","aud":"{AUD}","client_id":"c","iat":{NOW},"exp":{},"jti":"j","scope":"a","scope":"admin"}}"#,
            NOW + 60
        ),
    ] {
        let t = forge_hs(AT_HEADER, claims.as_bytes());
        assert_eq!(
            verify_access(&t, &hs()),
            Err(Error::DuplicateMember),
            "{claims}"
        );
    }
    let id = format!(
        r#"{{"iss":"{ISS}","sub":"u","aud":"{CLIENT}","iat":{NOW},"exp":{},"nonce":"a","nonce":"b"}}"#,
        NOW + 60
    );
    let t = forge_hs(r#"{"alg":"HS256","typ":"JWT"}"#, id.as_bytes());
    assert_eq!(verify_id(&t, &hs()), Err(Error::DuplicateMember));
}

#[test]
fn typ_variants_of_at_jwt_are_one_media_type() {
    let payload = access_json(NOW, NOW + 60);
    for typ in [
        "at+jwt",
        "AT+JWT",
        "At+Jwt",
        "application/at+jwt",
        "APPLICATION/AT+JWT",
        "Application/at+JWT",
        // Escaped, it is the same string.
        r"at\u002bjwt",
    ] {
        let t = forge_hs(
            &format!(r#"{{"alg":"HS256","typ":"{typ}"}}"#),
            payload.as_bytes(),
        );
        assert_eq!(verify_access(&t, &hs()), Ok(()), "{typ}");
    }
    for typ in [
        " at+jwt",
        "at+jwt ",
        r"at+jwt\u0000",
        "application/application/at+jwt",
        "application at+jwt",
        "x-at+jwt",
        "at+jwt;charset=utf-8",
        "at+jws",
    ] {
        let h = format!(r#"{{"alg":"HS256","typ":"{typ}"}}"#);
        let t = forge_hs(&h, payload.as_bytes());
        assert_eq!(verify_access(&t, &hs()), Err(Error::WrongType), "{typ:?}");
    }
}

#[test]
fn whitespace_inside_json_is_fine_but_never_inside_segments() {
    // JSON whitespace anywhere JSON allows it: the same header and claims.
    let header = "{ \"alg\" :\t\"HS256\",\r\n  \"typ\" : \"at+jwt\" }\n";
    let value: serde_json::Value = serde_json::from_str(&access_json(NOW, NOW + 60)).unwrap();
    let claims = serde_json::to_string_pretty(&value).unwrap();
    assert!(claims.contains("\n  \"aud\": "));
    let t = forge_hs(header, claims.as_bytes());
    assert_eq!(verify_access(&t, &hs()), Ok(()));

    let h = b64e(AT_HEADER.as_bytes());
    let p = b64e(access_json(NOW, NOW + 60).as_bytes());
    for ws in [" ", "\t", "\n", "\r\n", "\u{a0}"] {
        // Inside the header or the payload, signed as it stands: the decoder refuses it.
        let in_header = format!("{}{ws}{}", &h[..8], &h[8..]);
        assert_eq!(
            verify_access(&forge_segments(&in_header, &p), &hs()),
            Err(Error::Base64),
            "{ws:?} in header"
        );
        let in_payload = format!("{}{ws}{}", &p[..8], &p[8..]);
        assert_eq!(
            verify_access(&forge_segments(&h, &in_payload), &hs()),
            Err(Error::Base64),
            "{ws:?} in payload"
        );
        // Inside the signature, or around a dot.
        let good = forge_segments(&h, &p);
        let (rest, sig) = good.rsplit_once('.').unwrap();
        let in_sig = format!("{rest}.{}{ws}{}", &sig[..8], &sig[8..]);
        assert_eq!(verify_access(&in_sig, &hs()), Err(Error::Base64), "{ws:?}");
        let after_dot = format!("{rest}.{ws}{sig}");
        assert_eq!(
            verify_access(&after_dot, &hs()),
            Err(Error::Base64),
            "{ws:?}"
        );
    }
}

#[test]
fn non_canonical_base64url_in_header_and_payload_is_refused() {
    let h = b64e(AT_HEADER.as_bytes());
    let p = b64e(access_json(NOW, NOW + 60).as_bytes());
    assert_eq!(
        h.len() % 4,
        0,
        "header needs no padding; the cases below add it"
    );
    let p_pad = (4 - p.len() % 4) % 4;
    assert!(p_pad > 0, "the payload would need padding");
    // Padding, signed as it stands.
    let padded = format!("{p}{}", "=".repeat(p_pad));
    assert_eq!(
        verify_access(&forge_segments(&h, &padded), &hs()),
        Err(Error::Base64)
    );
    // Non-zero trailing bits in the payload's last character.
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let last = alphabet.find(p.chars().last().unwrap()).unwrap();
    let sibling = alphabet.as_bytes()[last ^ 1] as char;
    let bits = format!("{}{sibling}", &p[..p.len() - 1]);
    assert_eq!(
        verify_access(&forge_segments(&h, &bits), &hs()),
        Err(Error::Base64)
    );
    // `+` and `/` of the standard alphabet, and an impossible length (4n + 1).
    let std_alpha = format!("{}+/{}", &p[..4], &p[6..]);
    assert_eq!(
        verify_access(&forge_segments(&h, &std_alpha), &hs()),
        Err(Error::Base64)
    );
    let h_std = format!("{}+{}", &h[..4], &h[5..]);
    assert_eq!(
        verify_access(&forge_segments(&h_std, &p), &hs()),
        Err(Error::Base64)
    );
    let h_long = format!("{h}A");
    assert_eq!(
        verify_access(&forge_segments(&h_long, &p), &hs()),
        Err(Error::Base64)
    );
    // Percent-encoding is not base64url either.
    let pct = format!("{}%3D", &p);
    assert_eq!(
        verify_access(&forge_segments(&h, &pct), &hs()),
        Err(Error::Base64)
    );
}

#[test]
fn non_utf8_and_bad_escapes_in_header_or_claims_are_refused() {
    let payload = access_json(NOW, NOW + 60);
    for header in [
        &b"{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"\xff\"}"[..],
        // An overlong encoding of '/'.
        b"{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"\xc0\xaf\"}",
        // A lone surrogate, and an escape that does not exist.
        br#"{"alg":"HS256","typ":"at+jwt","kid":"\udc00"}"#,
        br#"{"alg":"HS256","typ":"at+jwt","kid":"\x41"}"#,
    ] {
        let t = forge_segments(&b64e(header), &b64e(payload.as_bytes()));
        assert_eq!(
            verify_access(&t, &hs()),
            Err(Error::MalformedHeader),
            "{}",
            String::from_utf8_lossy(header)
        );
    }
    for sub in [
        &b"\xed\xa0\x80"[..],
        b"\xc0\xaf",
        br"\ud800",
        br"\ud800\u0041",
        br"\q",
    ] {
        let mut claims = format!(r#"{{"iss":"{ISS}","sub":""#).into_bytes();
        claims.extend_from_slice(sub);
        claims.extend_from_slice(
            format!(
                r#"","aud":"{AUD}","client_id":"c","iat":{NOW},"exp":{},"jti":"j"}}"#,
                NOW + 60
            )
            .as_bytes(),
        );
        let t = forge_hs(AT_HEADER, &claims);
        assert_eq!(
            verify_access(&t, &hs()),
            Err(Error::MalformedClaims),
            "{}",
            String::from_utf8_lossy(sub)
        );
    }
}

#[test]
fn times_negative_float_or_out_of_range_are_invalid_dates() {
    let exp = NOW + 60;
    for dates in [
        format!(r#""iat":-1,"exp":{exp}"#),
        format!(r#""iat":{NOW}.5,"exp":{exp}"#),
        format!(r#""iat":{NOW},"exp":{exp},"nbf":-5"#),
        format!(r#""iat":{NOW},"exp":{exp},"nbf":1.5"#),
        format!(r#""iat":{NOW},"exp":{exp},"auth_time":1e300"#),
        format!(r#""iat":{NOW},"exp":{}"#, MAX_DATE + 1),
        format!(r#""iat":{NOW},"exp":{}"#, u64::MAX),
        format!(r#""iat":{NOW},"exp":-{exp}"#),
        format!(r#""iat":{NOW},"exp":true"#),
        format!(r#""iat":{NOW},"exp":[{exp}]"#),
        format!(r#""iat":{NOW},"exp":"{exp}""#),
        format!(r#""iat":{NOW},"exp":null"#),
        // Dates are integers: a fraction or an exponent is refused even when the value is
        // whole. No floating point is parsed, so no rounding can move an instant (RFC 7519
        // allows non-integer NumericDates; every library we test against writes integers).
        format!(r#""iat":{NOW}.0,"exp":{exp}"#),
        format!(r#""iat":{NOW},"exp":1.76400006e9"#),
        format!(r#""iat":{NOW},"exp":{exp}e0"#),
        format!(r#""iat":{NOW},"exp":{exp},"nbf":{NOW}.0"#),
    ] {
        let t = forge_hs(AT_HEADER, access_with_dates(&dates).as_bytes());
        let got = verify_access(&t, &hs());
        assert!(got == Err(Error::InvalidDate), "{dates}: {got:?}");
    }
}

#[test]
fn integer_overflow_at_the_edges_of_time_is_refused_without_panic() {
    let key = hs();
    let mut scratch = [0u8; 2048];
    // The last representable date, verified at the largest `now` and with the largest leeway.
    let t = forge_hs(AT_HEADER, access_json(MAX_DATE - 60, MAX_DATE).as_bytes());
    let p = access_policy().with_leeway(MAX_LEEWAY);
    assert_eq!(
        jwt::verify_access(&t, &key, &p, u64::MAX, &mut scratch).err(),
        Some(Error::Expired)
    );
    assert_eq!(
        jwt::verify_access(&t, &key, &p, MAX_DATE - 60, &mut scratch).map(|_| ()),
        Ok(())
    );
    // `now` at zero: a token from today was issued "in the future".
    let t = forge_hs(AT_HEADER, access_json(NOW, NOW + 60).as_bytes());
    assert_eq!(
        jwt::verify_access(&t, &key, &access_policy(), 0, &mut scratch).err(),
        Some(Error::IssuedInFuture)
    );
    // exp before iat (a negative lifetime) is not a huge unsigned one.
    let t = forge_hs(AT_HEADER, access_json(NOW, NOW - 1).as_bytes());
    assert_eq!(
        jwt::verify_access(&t, &key, &access_policy(), NOW - 10, &mut scratch).err(),
        Some(Error::LifetimeTooLong)
    );
    // A leeway that would overflow a sum is refused as a policy, not wrapped.
    let p = access_policy().with_leeway(u64::MAX);
    let t = forge_hs(AT_HEADER, access_json(NOW, NOW + 60).as_bytes());
    assert_eq!(
        jwt::verify_access(&t, &key, &p, NOW, &mut scratch).err(),
        Some(Error::InvalidPolicy)
    );
}

#[test]
fn oversized_tokens_are_refused_before_any_crypto() {
    let wire = Tripwire::new();
    let mut scratch = vec![0u8; 1 << 16];
    // Well-formed and correctly signed, just over each kind's budget.
    let pad = "x".repeat(650);
    let claims = format!(
        r#"{{"iss":"{ISS}","sub":"{pad}","aud":"{AUD}","client_id":"c","iat":{NOW},"exp":{},"jti":"j"}}"#,
        NOW + 60
    );
    let t = forge_hs(AT_HEADER, claims.as_bytes());
    assert!(t.len() > Limits::ACCESS.max_bytes && t.len() < 1400);
    assert_eq!(
        jwt::verify_access(&t, &wire, &access_policy(), NOW, &mut scratch).err(),
        Some(Error::OverBudget)
    );
    let id = format!(
        r#"{{"iss":"{ISS}","sub":"{}","aud":"{CLIENT}","iat":{NOW},"exp":{}}}"#,
        "y".repeat(3100),
        NOW + 60
    );
    let t = forge_hs(r#"{"alg":"HS256","typ":"JWT"}"#, id.as_bytes());
    assert!(t.len() > Limits::ID.max_bytes);
    assert_eq!(
        jwt::verify_id(&t, &wire, &IdPolicy::new(ISS, CLIENT), NOW, &mut scratch).err(),
        Some(Error::OverBudget)
    );
    // Megabytes of anything, through both profiles.
    let huge = format!(
        "{}.{}.{}",
        "e".repeat(1 << 20),
        "e".repeat(1 << 20),
        "A".repeat(43)
    );
    assert_eq!(
        jwt::verify_access(&huge, &wire, &access_policy(), NOW, &mut scratch).err(),
        Some(Error::OverBudget)
    );
    assert_eq!(
        compact::verify_access(
            &huge,
            &wire,
            &access_policy(),
            &Registry::EMPTY,
            NOW,
            &mut scratch
        )
        .err(),
        Some(Error::OverBudget)
    );
    assert_eq!(wire.checks.get(), 0, "no signature was checked");
}

#[test]
fn huge_or_deep_headers_are_refused_before_any_crypto() {
    let wire = Tripwire::new();
    let payload = access_json(NOW, NOW + 60);
    let long_kid = format!(
        r#"{{"alg":"HS256","typ":"at+jwt","kid":"{}"}}"#,
        "k".repeat(600)
    );
    let deep = |name: &str| {
        format!(
            r#"{{"alg":"HS256","typ":"at+jwt","{name}":{}{}}}"#,
            "[".repeat(50),
            "]".repeat(50)
        )
    };
    // A budget large enough to let the header through to its own limit (512 bytes).
    let policy = access_policy().with_limits(Limits::ID);
    let mut scratch = [0u8; 4096];
    for (header, expected) in [
        (long_kid, Error::MalformedHeader),
        // An unknown member stops the header parse before its value is read; a known one
        // must hold a string.
        (deep("x"), Error::UnsupportedHeader),
        (
            deep("kid").replacen(r#""typ":"at+jwt","#, "", 1),
            Error::MalformedHeader,
        ),
    ] {
        let t = forge_hs(&header, payload.as_bytes());
        let got = jwt::verify_access(&t, &wire, &policy, NOW, &mut scratch).map(|_| ());
        assert_eq!(got, Err(expected), "{header}");
    }
    assert_eq!(wire.checks.get(), 0);
}

#[test]
fn kid_is_never_interpreted() {
    let payload = access_json(NOW, NOW + 60);
    let key = Hs256Key::from_secret(&SECRET, KeyUse::Access)
        .unwrap()
        .with_kid("k1")
        .unwrap();
    for (kid, expect) in [
        (r"k1\u0000", Err(Error::KeyIdMismatch)),
        ("k1 ", Err(Error::KeyIdMismatch)),
        (&*"k".repeat(200), Err(Error::KeyIdMismatch)),
        // Escaped, it is the same string.
        (r"\u006b1", Ok(())),
    ] {
        let h = format!(r#"{{"alg":"HS256","typ":"at+jwt","kid":"{kid}"}}"#);
        assert_eq!(
            verify_access(&forge_hs(&h, payload.as_bytes()), &key),
            expect,
            "{kid}"
        );
    }
    let h = r#"{"alg":"HS256","typ":"at+jwt","kid":5}"#;
    assert_eq!(
        verify_access(&forge_hs(h, payload.as_bytes()), &key),
        Err(Error::MalformedHeader)
    );
    // A pinned key without a kid ignores whatever the token names: no lookup, no path.
    let h = r#"{"alg":"HS256","typ":"at+jwt","kid":"../../../dev/null; DROP TABLE keys"}"#;
    assert_eq!(
        verify_access(&forge_hs(h, payload.as_bytes()), &hs()),
        Ok(())
    );
}

#[test]
fn truncated_or_extended_signatures_are_bad_signatures() {
    let t = forge_hs(AT_HEADER, access_json(NOW, NOW + 60).as_bytes());
    let (rest, sig) = t.rsplit_once('.').unwrap();
    let tag = b64(sig);
    // A tag truncated to 128 bits (RFC 4231 test case 5 style), to one byte, or extended.
    for bad in [
        &tag[..16],
        &tag[..1],
        &[tag.as_slice(), &[0]].concat()[..],
        &[tag.as_slice(), &tag].concat()[..],
    ] {
        let forged = format!("{rest}.{}", b64e(bad));
        assert_eq!(
            verify_access(&forged, &hs()),
            Err(Error::BadSignature),
            "{}",
            bad.len()
        );
    }
    // The same for Ed25519: 63 and 65 bytes.
    let (rest, sig, ed) = ed_token();
    for bad in [&sig[..63], &[sig.as_slice(), &[0]].concat()[..]] {
        let forged = format!("{rest}.{}", b64e(bad));
        assert_eq!(
            verify_access(&forged, &ed),
            Err(Error::BadSignature),
            "{}",
            bad.len()
        );
    }
}

fn unhex(s: &str) -> [u8; 32] {
    core::array::from_fn(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
}

/// The eight points of small order on Ed25519 in canonical encoding, and non-canonical
/// encodings of some of them (y >= p, or x = 0 with the sign bit set).
const SMALL_ORDER: [&str; 8] = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
];
const NON_CANONICAL_SMALL_ORDER: [&str; 4] = [
    "0100000000000000000000000000000000000000000000000000000000000080",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
];

#[test]
fn small_order_ed25519_public_keys_are_refused_at_creation() {
    for hex in SMALL_ORDER {
        let bytes = unhex(hex);
        // Not a vacuous check: ed25519-dalek decodes it and finds it of small order.
        let point = ed25519_dalek::VerifyingKey::from_bytes(&bytes).unwrap();
        assert!(point.is_weak(), "{hex}");
        assert_eq!(
            Ed25519VerifyingKey::from_bytes(&bytes, KeyUse::Access).unwrap_err(),
            Error::InvalidKey,
            "{hex}"
        );
    }
    for hex in NON_CANONICAL_SMALL_ORDER {
        assert_eq!(
            Ed25519VerifyingKey::from_bytes(&unhex(hex), KeyUse::Access).unwrap_err(),
            Error::InvalidKey,
            "{hex}"
        );
    }
}

#[test]
fn small_order_r_and_the_zero_signature_are_bad_signatures() {
    let (rest, sig, ed) = ed_token();
    for r in SMALL_ORDER {
        // R of small order with the genuine S, and with S = 0.
        for s in [&sig[32..], &[0u8; 32][..]] {
            let forged = [&unhex(r)[..], s].concat();
            let forged = format!("{rest}.{}", b64e(&forged));
            assert_eq!(verify_access(&forged, &ed), Err(Error::BadSignature), "{r}");
        }
    }
    let zero = format!("{rest}.{}", b64e(&[0u8; 64]));
    assert_eq!(verify_access(&zero, &ed), Err(Error::BadSignature));
    // S with its top bits set (S >= 2^253 > L).
    let mut high = sig.clone();
    high[63] |= 0xe0;
    let forged = format!("{rest}.{}", b64e(&high));
    assert_eq!(verify_access(&forged, &ed), Err(Error::BadSignature));
}

#[test]
fn weak_hmac_secrets_are_refused_at_key_creation() {
    for len in [0, 1, 16, 20, 31] {
        assert_eq!(
            Hs256Key::from_secret(&vec![7; len], KeyUse::Access).unwrap_err(),
            Error::InvalidKey,
            "{len}"
        );
    }
    for len in [32, 48, 64] {
        assert!(
            Hs256Key::from_secret(&vec![7; len], KeyUse::Access).is_ok(),
            "{len}"
        );
    }
}

#[test]
fn tokens_of_the_other_kind_are_refused_before_any_crypto() {
    let wire = Tripwire::new();
    let mut buf = [0u8; 2048];
    let key = hs();
    let id = jwt::issue_id(&id_claims(NOW), &key, &Limits::ID, &mut buf)
        .unwrap()
        .to_owned();
    assert_eq!(verify_access(&id, &wire), Err(Error::WrongKind));
    let access = jwt::issue_access(&access_claims(NOW), &key, &Limits::ACCESS, &mut buf)
        .unwrap()
        .to_owned();
    assert_eq!(verify_id(&access, &wire), Err(Error::WrongKind));
    let mut scratch = [0u8; 2048];
    let c_id = compact::issue_id(
        &id_claims(NOW),
        &key,
        &Limits::ID,
        &Registry::EMPTY,
        &mut buf,
    )
    .unwrap()
    .to_owned();
    let got = compact::verify_access(
        &c_id,
        &wire,
        &access_policy(),
        &Registry::EMPTY,
        NOW,
        &mut scratch,
    );
    assert_eq!(got.err(), Some(Error::WrongKind));
    assert_eq!(verify_access(&c_id, &wire), Err(Error::WrongProfile));
    assert_eq!(wire.checks.get(), 0);
}
