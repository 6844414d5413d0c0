//! Everything a verifier must refuse (RFC 8725 and the known JWT attacks), each case
//! asserting its exact error. Tokens are forged with valid signatures where the point is to
//! reach a check behind the signature.

mod common;

use common::*;
use compact_token::{
    AccessClaims, Ed25519SigningKey, Ed25519VerifyingKey, Error, Hs256Key, IdPolicy, KeyUse,
    Limits, MAX_LEEWAY, VerifyingKey, access_token_hash, jwt,
};
use ed25519_dalek::Signer;

const SECRET: [u8; 32] = [0x24; 32];
const SEED: [u8; 32] = [0x42; 32];

/// Signs arbitrary header and payload bytes, bypassing every check of ours.
fn forge_hs(header: &str, payload: &[u8]) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    let input = format!("{}.{}", b64e(header.as_bytes()), b64e(payload));
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&SECRET).unwrap();
    mac.update(input.as_bytes());
    format!("{input}.{}", b64e(&mac.finalize().into_bytes()))
}

fn forge_ed(header: &str, payload: &[u8]) -> String {
    let input = format!("{}.{}", b64e(header.as_bytes()), b64e(payload));
    let sig = ed25519_dalek::SigningKey::from_bytes(&SEED).sign(input.as_bytes());
    format!("{input}.{}", b64e(&sig.to_bytes()))
}

const AT_HEADER: &str = r#"{"alg":"HS256","typ":"at+jwt"}"#;

fn access_json(iat: u64, exp: u64) -> String {
    format!(
        r#"{{"iss":"{ISS}","sub":"u","aud":"{AUD}","client_id":"{CLIENT}","iat":{iat},"exp":{exp},"jti":"j"}}"#
    )
}

fn hs() -> Hs256Key {
    Hs256Key::from_secret(&SECRET, KeyUse::AccessAndId).unwrap()
}

fn ed() -> Ed25519VerifyingKey {
    Ed25519SigningKey::from_seed(&SEED, KeyUse::AccessAndId).verifying_key()
}

fn verify_access_err(token: &str, key: &dyn VerifyingKey) -> Error {
    let mut scratch = [0u8; 4096];
    jwt::verify_access(token, key, &access_policy(), NOW, &mut scratch).unwrap_err()
}

fn verify_id_err(token: &str, key: &dyn VerifyingKey, policy: &IdPolicy<'_>) -> Error {
    let mut scratch = [0u8; 8192];
    jwt::verify_id(token, key, policy, NOW, &mut scratch).unwrap_err()
}

fn issue_access(claims: &AccessClaims<&str>) -> String {
    let mut buf = [0u8; 1024];
    jwt::issue_access(claims, &hs(), &Limits::ACCESS, &mut buf)
        .unwrap()
        .to_owned()
}

#[test]
fn the_forger_makes_tokens_we_accept() {
    // Guards every test below: a rejection must come from the case, not the forger.
    let mut scratch = [0u8; 1024];
    let t = forge_hs(AT_HEADER, access_json(NOW, NOW + 60).as_bytes());
    assert!(jwt::verify_access(&t, &hs(), &access_policy(), NOW, &mut scratch).is_ok());
    let t = forge_ed(
        r#"{"alg":"EdDSA","typ":"at+jwt"}"#,
        access_json(NOW, NOW + 60).as_bytes(),
    );
    assert!(jwt::verify_access(&t, &ed(), &access_policy(), NOW, &mut scratch).is_ok());
}

#[test]
fn alg_none_in_any_case_is_refused() {
    for alg in ["none", "None", "NONE", "nOnE"] {
        let header = format!(r#"{{"alg":"{alg}","typ":"at+jwt"}}"#);
        let unsigned = format!(
            "{}.{}.",
            b64e(header.as_bytes()),
            b64e(access_json(NOW, NOW + 60).as_bytes())
        );
        assert_eq!(
            verify_access_err(&unsigned, &hs()),
            Error::AlgorithmMismatch
        );
        assert_eq!(
            verify_access_err(&unsigned, &ed()),
            Error::AlgorithmMismatch
        );
    }
}

#[test]
fn algorithm_substitution_is_refused() {
    let payload = access_json(NOW, NOW + 60);
    // An HS256 token against an Ed25519 key...
    let hs_token = forge_hs(AT_HEADER, payload.as_bytes());
    assert_eq!(
        verify_access_err(&hs_token, &ed()),
        Error::AlgorithmMismatch
    );
    // ...including one MACed with the public key's bytes as the secret (the classic CVE).
    let public = ed().to_bytes();
    let input = format!(
        "{}.{}",
        b64e(AT_HEADER.as_bytes()),
        b64e(payload.as_bytes())
    );
    let mac = {
        use hmac::{Hmac, KeyInit, Mac};
        let mut m = Hmac::<sha2::Sha256>::new_from_slice(&public).unwrap();
        m.update(input.as_bytes());
        m.finalize().into_bytes()
    };
    let confused = format!("{input}.{}", b64e(&mac));
    assert_eq!(
        verify_access_err(&confused, &ed()),
        Error::AlgorithmMismatch
    );
    // ...and an EdDSA token against an HMAC key.
    let ed_token = forge_ed(r#"{"alg":"EdDSA","typ":"at+jwt"}"#, payload.as_bytes());
    assert_eq!(
        verify_access_err(&ed_token, &hs()),
        Error::AlgorithmMismatch
    );
    // Unknown or other fully-specified names.
    for alg in ["HS384", "RS256", "ES256", "Ed448", "eddsa", "hs256", ""] {
        let h = format!(r#"{{"alg":"{alg}","typ":"at+jwt"}}"#);
        assert_eq!(
            verify_access_err(&forge_hs(&h, payload.as_bytes()), &hs()),
            Error::AlgorithmMismatch,
            "{alg}"
        );
    }
    // The RFC 9864 fully-specified name for Ed25519 is the same algorithm.
    let t = forge_ed(r#"{"alg":"Ed25519","typ":"at+jwt"}"#, payload.as_bytes());
    let mut scratch = [0u8; 1024];
    assert!(jwt::verify_access(&t, &ed(), &access_policy(), NOW, &mut scratch).is_ok());
}

#[test]
fn header_key_injection_and_crit_are_refused() {
    let payload = access_json(NOW, NOW + 60);
    for extra in [
        r#""crit":["exp"]"#,
        r#""jku":"https://attacker.example/jwks""#,
        r#""jwk":{"kty":"oct","k":"AAAA"}"#,
        r#""x5u":"https://attacker.example/cert""#,
        r#""x5c":["MIIB"]"#,
        r#""b64":false"#,
        r#""zip":"DEF""#,
        r#""cty":"JWT""#,
        r#""typ":"at+jwt""#,
    ] {
        let header = format!(r#"{{"alg":"HS256","typ":"at+jwt",{extra}}}"#);
        assert_eq!(
            verify_access_err(&forge_hs(&header, payload.as_bytes()), &hs()),
            Error::UnsupportedHeader,
            "{extra}"
        );
    }
}

#[test]
fn kid_is_an_opaque_exact_match() {
    let payload = access_json(NOW, NOW + 60);
    let key = Hs256Key::from_secret(&SECRET, KeyUse::Access)
        .unwrap()
        .with_kid("k1")
        .unwrap();
    for kid in ["../../etc/passwd", "' OR 1=1 --", "k2", "K1", ""] {
        let header = format!(r#"{{"alg":"HS256","typ":"at+jwt","kid":"{kid}"}}"#);
        assert_eq!(
            verify_access_err(&forge_hs(&header, payload.as_bytes()), &key),
            Error::KeyIdMismatch,
            "{kid}"
        );
    }
    let header = r#"{"alg":"HS256","typ":"at+jwt","kid":"k1"}"#;
    let mut scratch = [0u8; 1024];
    let t = forge_hs(header, payload.as_bytes());
    assert!(jwt::verify_access(&t, &key, &access_policy(), NOW, &mut scratch).is_ok());
}

#[test]
fn typ_decides_the_kind() {
    let payload = access_json(NOW, NOW + 60);
    for (typ, expect) in [
        (r#""typ":"JWT","#, Error::WrongKind),
        (r#""typ":"application/jwt","#, Error::WrongKind),
        ("", Error::WrongKind),
        (r#""typ":"jwt+at","#, Error::WrongType),
        (r#""typ":"secevent+jwt","#, Error::WrongType),
        (r#""typ":"application/","#, Error::WrongType),
    ] {
        let header = format!(r#"{{{typ}"alg":"HS256"}}"#);
        assert_eq!(
            verify_access_err(&forge_hs(&header, payload.as_bytes()), &hs()),
            expect,
            "{typ}"
        );
    }
}

#[test]
fn id_token_as_access_token_and_reverse() {
    let mut buf = [0u8; 2048];
    let key = hs();
    let id = jwt::issue_id(&id_claims(NOW), &key, &Limits::ID, &mut buf)
        .unwrap()
        .to_owned();
    assert_eq!(verify_access_err(&id, &key), Error::WrongKind);
    let access = issue_access(&access_claims(NOW));
    assert_eq!(verify_id_err(&access, &key, &id_policy()), Error::WrongKind);
    // Even with claims that would satisfy the other kind's policy.
    let mut claims = access_claims(NOW);
    claims.aud = compact_token::Audience::one(CLIENT);
    let access = issue_access(&claims);
    assert_eq!(
        verify_id_err(&access, &key, &IdPolicy::new(ISS, CLIENT)),
        Error::WrongKind
    );
}

#[test]
fn policy_failures_name_their_check() {
    let key = hs();
    let mut scratch = [0u8; 1024];
    let mut check = |claims: AccessClaims<&str>, now: u64| {
        let t = issue_access(&claims);
        jwt::verify_access(&t, &key, &access_policy(), now, &mut scratch).map(|_| ())
    };
    assert_eq!(check(access_claims(NOW), NOW + 1), Ok(()));
    let mut c = access_claims(NOW);
    c.iss = "https://evil.example.com";
    assert_eq!(check(c, NOW), Err(Error::WrongIssuer));
    let mut c = access_claims(NOW);
    c.aud = compact_token::Audience::one("https://other.example.com");
    assert_eq!(check(c, NOW), Err(Error::WrongAudience));
    // Expiry, with the default 30 s leeway exactly at its edge.
    assert_eq!(check(access_claims(NOW), NOW + 300 + 29), Ok(()));
    assert_eq!(
        check(access_claims(NOW), NOW + 300 + 30),
        Err(Error::Expired)
    );
    let mut c = access_claims(NOW);
    c.nbf = Some(NOW + 100);
    assert_eq!(check(c, NOW), Err(Error::NotYetValid));
    assert_eq!(
        check(access_claims(NOW + 31), NOW),
        Err(Error::IssuedInFuture)
    );
    assert_eq!(check(access_claims(NOW + 30), NOW), Ok(()));

    let t = issue_access(&access_claims(NOW));
    let policy = access_policy().require_scopes(&["read:orders", "admin"]);
    assert_eq!(
        jwt::verify_access(&t, &key, &policy, NOW, &mut scratch).unwrap_err(),
        Error::MissingScope
    );
    let policy = access_policy().require_scopes(&["read:order"]);
    assert_eq!(
        jwt::verify_access(&t, &key, &policy, NOW, &mut scratch).unwrap_err(),
        Error::MissingScope
    );
    let policy = access_policy().with_leeway(MAX_LEEWAY + 1);
    assert_eq!(
        jwt::verify_access(&t, &key, &policy, NOW, &mut scratch).unwrap_err(),
        Error::InvalidPolicy
    );
}

#[test]
fn lifetime_and_budget_hold_at_issue_and_at_verify() {
    let key = hs();
    let mut buf = [0u8; 4096];
    let mut c = access_claims(NOW);
    c.exp = NOW + 601;
    assert_eq!(
        jwt::issue_access(&c, &key, &Limits::ACCESS, &mut buf),
        Err(Error::LifetimeTooLong)
    );
    c.exp = NOW;
    assert_eq!(
        jwt::issue_access(&c, &key, &Limits::ACCESS, &mut buf),
        Err(Error::LifetimeTooLong)
    );
    // A token another issuer made with a day's lifetime is refused at verify.
    let long = forge_hs(AT_HEADER, access_json(NOW, NOW + 86_400).as_bytes());
    assert_eq!(verify_access_err(&long, &key), Error::LifetimeTooLong);

    let big = "x".repeat(1000);
    let mut c: AccessClaims<&str> = access_claims(NOW);
    c.sub = &big;
    assert_eq!(
        jwt::issue_access(&c, &key, &Limits::ACCESS, &mut buf),
        Err(Error::OverBudget)
    );
    let token = jwt::issue_access(&c, &key, &Limits::ID, &mut buf)
        .unwrap()
        .to_owned();
    assert!(token.len() > Limits::ACCESS.max_bytes);
    assert_eq!(verify_access_err(&token, &key), Error::OverBudget);
    // Over budget is found before any parsing or crypto: garbage of that size says so too.
    assert_eq!(
        verify_access_err(&"a".repeat(5000), &key),
        Error::OverBudget
    );

    // A tightened budget bites at both ends.
    let tight = Limits::ACCESS.tighten_bytes(200);
    let normal = issue_access(&access_claims(NOW));
    assert!(normal.len() > 200);
    assert_eq!(
        jwt::issue_access(&access_claims(NOW), &key, &tight, &mut buf),
        Err(Error::OverBudget)
    );
    let mut scratch = [0u8; 1024];
    let policy = access_policy().with_limits(tight);
    assert_eq!(
        jwt::verify_access(&normal, &key, &policy, NOW, &mut scratch),
        Err(Error::OverBudget)
    );
}

#[test]
fn issue_reports_the_exact_buffer_needed_and_never_partial_success() {
    let key = hs();
    let token = issue_access(&access_claims(NOW));
    let n = token.len();
    for len in [0, 1, 10, n / 2, n - 1] {
        let mut buf = vec![0u8; len];
        assert_eq!(
            jwt::issue_access(&access_claims(NOW), &key, &Limits::ACCESS, &mut buf),
            Err(Error::BufferTooSmall { needed: n }),
            "len {len}"
        );
    }
    let mut buf = vec![0u8; n];
    assert_eq!(
        jwt::issue_access(&access_claims(NOW), &key, &Limits::ACCESS, &mut buf).unwrap(),
        token
    );
}

#[test]
fn every_single_byte_change_is_refused() {
    let key = ed_key(KeyUse::Access);
    let mut buf = [0u8; 1024];
    let token = jwt::issue_access(&access_claims(NOW), &key, &Limits::ACCESS, &mut buf)
        .unwrap()
        .to_owned();
    let public = key.verifying_key();
    // At every position: a neighbouring base64url character, and a few that never belong.
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for i in 0..token.len() {
        let here = token.as_bytes()[i];
        let next = alphabet[(alphabet.iter().position(|&a| a == here).unwrap_or(0) + 1) % 64];
        for c in [next, b'.', b'=', b'+'] {
            if here == c {
                continue;
            }
            let mut t = token.clone().into_bytes();
            t[i] = c;
            let t = String::from_utf8(t).unwrap();
            let err = verify_access_err(&t, &public);
            assert!(
                matches!(
                    err,
                    Error::BadSignature
                        | Error::Base64
                        | Error::Malformed
                        | Error::MalformedHeader
                        | Error::UnsupportedHeader
                        | Error::AlgorithmMismatch
                        | Error::WrongType
                        | Error::WrongKind
                        | Error::WrongProfile
                ),
                "byte {i} -> {:?}: {err:?}",
                c as char
            );
        }
    }
}

#[test]
fn truncations_and_structure() {
    let key = ed_key(KeyUse::Access);
    let mut buf = [0u8; 1024];
    let token = jwt::issue_access(&access_claims(NOW), &key, &Limits::ACCESS, &mut buf)
        .unwrap()
        .to_owned();
    let public = key.verifying_key();
    for end in 0..token.len() {
        assert!(verify_access_err(&token[..end], &public) != Error::Expired);
    }
    let sig_start = token.rfind('.').unwrap() + 1;
    // A truncated signature is a bad signature, not an out-of-bounds read.
    assert_eq!(
        verify_access_err(&token[..sig_start + 40], &public),
        Error::BadSignature
    );
    assert_eq!(
        verify_access_err(&token[..sig_start], &public),
        Error::BadSignature
    );
    assert_eq!(
        verify_access_err(&format!("{token}."), &public),
        Error::Malformed
    );
    assert_eq!(
        verify_access_err(&format!(".{token}"), &public),
        Error::Malformed
    );
    assert_eq!(
        verify_access_err(&token.replacen('.', "..", 1), &public),
        Error::Malformed
    );
    assert_eq!(verify_access_err("", &public), Error::Malformed);
    assert_eq!(verify_access_err("...", &public), Error::Malformed);
}

#[test]
fn non_canonical_base64url_is_refused() {
    let key = ed_key(KeyUse::Access);
    let mut buf = [0u8; 1024];
    let token = jwt::issue_access(&access_claims(NOW), &key, &Limits::ACCESS, &mut buf)
        .unwrap()
        .to_owned();
    let public = key.verifying_key();
    let (rest, sig) = token.rsplit_once('.').unwrap();
    // Padding on the signature (86 chars: 64 bytes, needs "==" in padded form).
    assert_eq!(
        verify_access_err(&format!("{rest}.{sig}=="), &public),
        Error::Base64
    );
    // Standard alphabet instead of url-safe.
    let std_alpha = token.replace('-', "+").replace('_', "/");
    if std_alpha != token {
        assert_eq!(verify_access_err(&std_alpha, &public), Error::Base64);
    }
    // Non-zero trailing bits: the last char of an 86-char segment carries 4 padding bits.
    let last = sig.as_bytes()[85];
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let idx = alphabet.find(last as char).unwrap();
    let sibling = alphabet.as_bytes()[idx ^ 1] as char;
    let mut bad_sig = sig[..85].to_owned();
    bad_sig.push(sibling);
    assert_eq!(
        verify_access_err(&format!("{rest}.{bad_sig}"), &public),
        Error::Base64
    );
    // Whitespace anywhere.
    assert_eq!(
        verify_access_err(&format!(" {token}"), &public),
        Error::Base64
    );
    assert_eq!(
        verify_access_err(&format!("{token}\n"), &public),
        Error::Base64
    );
}

#[test]
fn payload_contents_are_checked_strictly() {
    let key = hs();
    let cases: [(&[u8], Error); 14] = [
        (b"\xff\xfe{}", Error::WrongProfile),
        (b"{\"iss\":\"\xff\"}", Error::MalformedClaims),
        (b"[]", Error::WrongProfile),
        (b"{}", Error::MalformedClaims),
        (br#"{"iss":1}"#, Error::MalformedClaims),
        (
            br#"{"iss":"a","iss":"b","sub":"u","aud":"x","client_id":"c","iat":1,"exp":2,"jti":"j"}"#,
            Error::DuplicateMember,
        ),
        (br#"{"a":[[[[[]]]]]}"#, Error::NestingTooDeep),
        // An escaped name is the plain name: here, `exp` twice.
        (br#"{"exp":1,"\u0065xp":2}"#, Error::DuplicateMember),
        (br#"{"exp":1.5}"#, Error::InvalidDate),
        (br#"{"exp":-1}"#, Error::InvalidDate),
        (br#"{"exp":1e19}"#, Error::InvalidDate),
        (br#"{"exp":18446744073709551616}"#, Error::InvalidDate),
        (br#"{"exp":"1700000000"}"#, Error::InvalidDate),
        (br#"{"exp":null}"#, Error::InvalidDate),
    ];
    for (payload, expect) in cases {
        let full = if payload.starts_with(b"{\"exp\"") {
            // Complete the other claims so only the date is at fault.
            let s = std::str::from_utf8(payload).unwrap();
            format!(
                r#"{{"iss":"{ISS}","sub":"u","aud":"{AUD}","client_id":"c","iat":{NOW},"jti":"j",{}"#,
                &s[1..]
            )
            .into_bytes()
        } else {
            payload.to_vec()
        };
        let t = forge_hs(AT_HEADER, &full);
        assert_eq!(
            verify_access_err(&t, &key),
            expect,
            "{}",
            String::from_utf8_lossy(payload)
        );
    }
    // Nine audiences overflow the eight a claims value holds.
    let auds: Vec<String> = (0..9).map(|i| format!("\"a{i}\"")).collect();
    let p = format!(
        r#"{{"iss":"{ISS}","sub":"u","aud":[{}],"client_id":"c","iat":{NOW},"exp":{},"jti":"j"}}"#,
        auds.join(","),
        NOW + 60
    );
    assert_eq!(
        verify_access_err(&forge_hs(AT_HEADER, p.as_bytes()), &key),
        Error::TooManyValues
    );
    // A huge, deeply nested unknown claim is refused before the parser recurses.
    let deep = format!(r#"{{"x":{}{}}}"#, "[".repeat(10_000), "]".repeat(10_000));
    let policy = access_policy().with_limits(Limits {
        max_bytes: 100_000,
        ..Limits::ACCESS
    });
    let mut scratch = vec![0u8; 100_000];
    let t = forge_hs(AT_HEADER, deep.as_bytes());
    assert_eq!(
        jwt::verify_access(&t, &key, &policy, NOW, &mut scratch),
        Err(Error::NestingTooDeep)
    );
}

#[test]
fn id_token_checks() {
    let key = hs();
    let mut buf = [0u8; 2048];
    let issue = |c: &compact_token::IdClaims<&str>, buf: &mut [u8]| {
        jwt::issue_id(c, &key, &Limits::ID, buf).unwrap().to_owned()
    };
    let t = issue(&id_claims(NOW), &mut buf);
    let mut scratch = [0u8; 4096];
    assert!(jwt::verify_id(&t, &key, &id_policy(), NOW, &mut scratch).is_ok());
    let other_nonce = IdPolicy::new(ISS, CLIENT).expect_nonce("n-other");
    assert_eq!(verify_id_err(&t, &key, &other_nonce), Error::WrongNonce);
    let other_client = IdPolicy::new(ISS, "other-client");
    assert_eq!(verify_id_err(&t, &key, &other_client), Error::WrongAudience);

    // azp must name us; several audiences require it.
    let mut c = id_claims(NOW);
    c.azp = Some("someone-else");
    assert_eq!(
        verify_id_err(&issue(&c, &mut buf), &key, &id_policy()),
        Error::WrongAuthorizedParty
    );
    let mut c = id_claims(NOW);
    c.azp = None;
    c.aud.push("another-client").unwrap();
    assert_eq!(
        verify_id_err(&issue(&c, &mut buf), &key, &id_policy()),
        Error::WrongAuthorizedParty
    );

    // at_hash binds the ID token to its access token.
    let access = issue_access(&access_claims(NOW));
    let at_hash = access_token_hash(&access, compact_token::Algorithm::HS256);
    assert_eq!(at_hash.len(), 22);
    let mut c = id_claims(NOW);
    c.at_hash = Some(&at_hash);
    let t = issue(&c, &mut buf);
    let bound = id_policy().expect_access_token(&access);
    assert!(jwt::verify_id(&t, &key, &bound, NOW, &mut scratch).is_ok());
    let other_access = issue_access(&access_claims(NOW + 1));
    let wrong = id_policy().expect_access_token(&other_access);
    assert_eq!(
        verify_id_err(&t, &key, &wrong),
        Error::AccessTokenHashMismatch
    );
    let t = issue(&id_claims(NOW), &mut buf);
    assert_eq!(
        verify_id_err(&t, &key, &bound),
        Error::AccessTokenHashMismatch
    );
    // ID tokens may live an hour by default, not longer.
    let mut c = id_claims(NOW);
    c.exp = NOW + 3601;
    assert_eq!(
        jwt::issue_id(&c, &key, &Limits::ID, &mut buf),
        Err(Error::LifetimeTooLong)
    );
}

#[test]
fn keys_refuse_weak_material_and_other_uses() {
    assert_eq!(
        Hs256Key::from_secret(&[1; 31], KeyUse::Access).unwrap_err(),
        Error::InvalidKey
    );
    assert_eq!(
        Hs256Key::from_secret(&[1; 65], KeyUse::Access).unwrap_err(),
        Error::InvalidKey
    );
    // The identity point and other small-order points are refused.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert_eq!(
        Ed25519VerifyingKey::from_bytes(&identity, KeyUse::Access).unwrap_err(),
        Error::InvalidKey
    );
    assert_eq!(
        Ed25519VerifyingKey::from_bytes(&[0; 32], KeyUse::Access).unwrap_err(),
        Error::InvalidKey
    );
    assert_eq!(
        Ed25519SigningKey::from_slice(&[1; 31], KeyUse::Access).unwrap_err(),
        Error::InvalidKey
    );
    // A key for ID tokens neither signs nor verifies access tokens, and the reverse.
    let id_only = Hs256Key::from_secret(&SECRET, KeyUse::Id).unwrap();
    let mut buf = [0u8; 1024];
    assert_eq!(
        jwt::issue_access(&access_claims(NOW), &id_only, &Limits::ACCESS, &mut buf),
        Err(Error::KeyUseMismatch)
    );
    let t = issue_access(&access_claims(NOW));
    assert_eq!(verify_access_err(&t, &id_only), Error::KeyUseMismatch);
    let access_only = Hs256Key::from_secret(&SECRET, KeyUse::Access).unwrap();
    assert_eq!(
        jwt::issue_id(&id_claims(NOW), &access_only, &Limits::ID, &mut buf),
        Err(Error::KeyUseMismatch)
    );
}

#[test]
fn ed25519_non_canonical_s_is_refused() {
    let key = ed_key(KeyUse::Access);
    let mut buf = [0u8; 1024];
    let token = jwt::issue_access(&access_claims(NOW), &key, &Limits::ACCESS, &mut buf)
        .unwrap()
        .to_owned();
    let (rest, sig) = token.rsplit_once('.').unwrap();
    let mut sig = b64(sig);
    // S + L is the same scalar mod L: lenient verifiers accept it (malleability).
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut carry = 0u16;
    for i in 0..32 {
        let v = u16::from(sig[32 + i]) + u16::from(L[i]) + carry;
        sig[32 + i] = v as u8;
        carry = v >> 8;
    }
    let forged = format!("{rest}.{}", b64e(&sig));
    assert_eq!(
        verify_access_err(&forged, &key.verifying_key()),
        Error::BadSignature
    );
}

#[test]
fn dates_out_of_range_are_refused_at_issue() {
    let key = hs();
    let mut buf = [0u8; 1024];
    let mut c = access_claims(u64::MAX - 300);
    c.exp = u64::MAX;
    assert_eq!(
        jwt::issue_access(&c, &key, &Limits::ACCESS, &mut buf),
        Err(Error::InvalidDate)
    );
}
