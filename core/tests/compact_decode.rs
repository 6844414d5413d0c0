//! `compact::decode_unverified`: a compact token's claims read with the verifier's own
//! decoder and NOTHING verified — a tampered token still decodes (that is what unverified
//! means) — while a malformed one gets exactly the error the verifier gives.

mod common;

use common::*;
use compact_token::compact::{self, Unverified};
use compact_token::{Error, Extras, KeyUse, Kind, Limits, Registry, jwt};

/// Decodes `token` under the access budget with no registry and checks what comes out.
fn assert_decodes(token: &str, expected: Result<&Unverified<'_>, Error>, what: &str) {
    let mut scratch = [0u8; 4096];
    let got = compact::decode_unverified(token, &Limits::ACCESS, &Registry::EMPTY, &mut scratch);
    assert_eq!(got.as_ref().map_err(|e| *e), expected, "{what}");
}

/// What the verifier says of `token` with the key that signed it (HS256, [`hs_key`]).
fn verifier(token: &str, registry: &Registry<'_>) -> Result<(), Error> {
    let mut scratch = [0u8; 4096];
    let key = hs_key(KeyUse::AccessAndId);
    compact::verify_access(token, &key, &access_policy(), registry, NOW, &mut scratch).map(|_| ())
}

fn issue_access(claims: &compact_token::AccessClaims<&str>, registry: &Registry<'_>) -> String {
    let mut out = [0u8; 1024];
    let key = hs_key(KeyUse::AccessAndId);
    compact::issue_access(claims, &key, &Limits::ACCESS, registry, &mut out)
        .unwrap()
        .to_owned()
}

#[test]
fn both_kinds_decode_to_the_claims_issued_with_the_kind_of_their_tag() {
    let mut access = access_claims(NOW);
    access.extra = Extras::from_json(r#"{"roles":["a","b"],"tenant":"acme"}"#).unwrap();
    let token = issue_access(&access, &Registry::EMPTY);
    let mut scratch = [0u8; 2048];
    let seen = compact::decode_unverified(&token, &Limits::ACCESS, &Registry::EMPTY, &mut scratch);
    assert_eq!(seen.as_ref().map(Unverified::kind), Ok(Kind::Access));
    assert_eq!(seen, Ok(Unverified::Access(access)));

    let id = id_claims(NOW);
    let mut out = [0u8; 1024];
    let key = ed_key(KeyUse::Id);
    let token = compact::issue_id(&id, &key, &Limits::ID, &Registry::EMPTY, &mut out).unwrap();
    let mut scratch = [0u8; 2048];
    let seen = compact::decode_unverified(token, &Limits::ID, &Registry::EMPTY, &mut scratch);
    assert_eq!(seen.as_ref().map(Unverified::kind), Ok(Kind::Id));
    assert_eq!(seen, Ok(Unverified::Id(id)));
}

#[test]
fn a_tampered_token_still_decodes_because_nothing_is_verified() {
    let claims = access_claims(NOW);
    let token = issue_access(&claims, &Registry::EMPTY);
    // Another signature of the same length: the verifier refuses it, decoding does not look.
    let (input, sig) = token.rsplit_once('.').unwrap();
    let forged = format!("{input}.{}", "A".repeat(sig.len()));
    assert_eq!(
        verifier(&forged, &Registry::EMPTY),
        Err(Error::BadSignature)
    );
    let expected = Unverified::Access(claims.clone());
    assert_decodes(&forged, Ok(&expected), "another signature");
    // Nor is the key's algorithm: the same claims under an EdDSA header, no key anywhere.
    let ed = {
        let mut out = [0u8; 1024];
        let key = ed_key(KeyUse::Access);
        compact::issue_access(&claims, &key, &Limits::ACCESS, &Registry::EMPTY, &mut out)
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        verifier(&ed, &Registry::EMPTY),
        Err(Error::AlgorithmMismatch)
    );
    assert_decodes(&ed, Ok(&expected), "another algorithm");
    // Nor the times: a token long expired decodes.
    let old = issue_access(&access_claims(NOW - 86_400), &Registry::EMPTY);
    assert_eq!(verifier(&old, &Registry::EMPTY), Err(Error::Expired));
    let old_claims = Unverified::Access(access_claims(NOW - 86_400));
    assert_decodes(&old, Ok(&old_claims), "expired");
}

/// The payload of a real token with its bytes changed by `edit`, signed again with the
/// verifier's key, so that the verifier gets as far as decoding it.
fn resigned(edit: impl FnOnce(&mut Vec<u8>)) -> String {
    let token = issue_access(&access_claims(NOW), &Registry::EMPTY);
    let mut payload = b64(token.split('.').nth(1).unwrap());
    edit(&mut payload);
    forge_hs(r#"{"alg":"HS256"}"#, &payload)
}

#[test]
fn malformed_tokens_get_exactly_the_verifiers_error() {
    let registered = Registry::new(&[ISS, AUD, "read:orders", "write:orders"]).unwrap();
    let token = issue_access(&access_claims(NOW), &Registry::EMPTY);
    let (header, rest) = token.split_once('.').unwrap();
    let (payload, sig) = rest.split_once('.').unwrap();
    let jwt_token = {
        let mut out = [0u8; 1024];
        let key = hs_key(KeyUse::Access);
        jwt::issue_access(&access_claims(NOW), &key, &Limits::ACCESS, &mut out)
            .unwrap()
            .to_owned()
    };
    let cases: Vec<(&str, String, Error)> = vec![
        (
            "over the budget, before anything else",
            format!("{}.{payload}.{sig}", "!".repeat(1100)),
            Error::OverBudget,
        ),
        (
            "two segments",
            format!("{header}.{payload}"),
            Error::Malformed,
        ),
        ("four segments", format!("{token}.x"), Error::Malformed),
        (
            "a header this crate refuses",
            forge_hs(
                r#"{"alg":"HS256","jku":"https://evil.example"}"#,
                &b64(payload),
            ),
            Error::UnsupportedHeader,
        ),
        ("a JSON payload", jwt_token, Error::WrongProfile),
        (
            "format version 1",
            resigned(|p| p[0] = 0x84),
            Error::UnsupportedVersion,
        ),
        (
            "a kind no token has",
            resigned(|p| p[0] = 0x8A),
            Error::WrongKind,
        ),
        (
            "a typ header",
            forge_hs(r#"{"alg":"HS256","typ":"JWT"}"#, &b64(payload)),
            Error::WrongType,
        ),
        (
            "a signature that is not base64url",
            format!("{header}.{payload}.{}", "*".repeat(sig.len())),
            Error::Base64,
        ),
        (
            "a payload that is not base64url",
            forge_segments(header, &format!("{payload}*")),
            Error::Base64,
        ),
        (
            "a byte too many",
            resigned(|p| p.push(0)),
            Error::TrailingBytes,
        ),
        (
            "a byte too few",
            resigned(|p| {
                p.pop();
            }),
            Error::MalformedClaims,
        ),
        (
            "registered values read with another registry",
            {
                let mut out = [0u8; 1024];
                let key = hs_key(KeyUse::Access);
                let c = access_claims(NOW);
                compact::issue_access(&c, &key, &Limits::ACCESS, &registered, &mut out)
                    .unwrap()
                    .to_owned()
            },
            Error::RegistryMismatch,
        ),
    ];
    for (what, token, error) in &cases {
        assert_eq!(
            verifier(token, &Registry::EMPTY),
            Err(*error),
            "verifier: {what}"
        );
        assert_decodes(token, Err(*error), what);
    }
}

#[test]
fn a_scratch_too_small_names_the_size_that_suffices() {
    let token = issue_access(&access_claims(NOW), &Registry::EMPTY);
    let mut small = [0u8; 16];
    let needed =
        match compact::decode_unverified(&token, &Limits::ACCESS, &Registry::EMPTY, &mut small) {
            Err(Error::BufferTooSmall { needed }) => needed,
            other => panic!("{other:?}"),
        };
    let mut enough = vec![0u8; needed];
    assert!(
        compact::decode_unverified(&token, &Limits::ACCESS, &Registry::EMPTY, &mut enough).is_ok()
    );
    // A budget tighter than the token is refused first.
    let tight = Limits {
        max_bytes: token.len() - 1,
        ..Limits::ACCESS
    };
    let mut scratch = [0u8; 1024];
    assert_eq!(
        compact::decode_unverified(&token, &tight, &Registry::EMPTY, &mut scratch),
        Err(Error::OverBudget)
    );
}
