//! DPoP (RFC 9449, issue 15): proofs verified against the request, access tokens bound to
//! the proof's key, every failure with its exact error, RFC 9449's examples.

mod common;

use std::cell::RefCell;
use std::collections::HashMap;

use common::*;
use compact_token::dpop::{
    self, MAX_JTI_LEN, MAX_PROOF_LEN, Presented, Profile, ProofClaims, ProofKey, ProofPolicy,
    ProofSigningKey, ReplayCheck,
};
use compact_token::{
    AccessClaims, Ed25519SigningKey, Error, Es256SigningKey, Es256VerifyingKey, ExtrasWriter,
    KeyUse, Limits, Registry, SigningKey, VerifyingKey, compact, jwt,
};

const HTU: &str = "https://api.example.com/orders";
const RFC_X: &str = "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs";
const RFC_Y: &str = "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA";
const RFC_JKT: &str = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I";
/// RFC 9449 §4.1, Figure 3: the proof of the token request, as published.
const RFC_PROOF: &str = concat!(
    "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0Vj",
    "NoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5",
    "VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVC",
    "IsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ.2-GxA6T8lP4",
    "vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg",
);

/// A replay store for tests: every jti ever accepted, or a full one.
#[derive(Default)]
struct Seen {
    jtis: RefCell<HashMap<String, u64>>,
    full: bool,
}

impl ReplayCheck for Seen {
    fn check_and_store(&self, jti: &str, until: u64, _now: u64) -> compact_token::Result<()> {
        let mut jtis = self.jtis.borrow_mut();
        if jtis.contains_key(jti) {
            return Err(Error::DpopReplayed);
        }
        if self.full {
            return Err(Error::DpopReplayCacheFull);
        }
        jtis.insert(jti.to_owned(), until);
        Ok(())
    }
}

fn client_es() -> Es256SigningKey {
    Es256SigningKey::from_bytes(&[0x11; 32], KeyUse::Access).unwrap()
}

fn client_ed() -> Ed25519SigningKey {
    Ed25519SigningKey::from_seed(&[0x22; 32], KeyUse::Access)
}

/// An access token bound (or not, with `None`) to `jkt_of`, in the `jwt` profile.
fn bound_token(key: &dyn SigningKey, bound_to: Option<&ProofKey>, out: &mut [u8]) -> String {
    let mut ebuf = [0u8; 128];
    let mut claims = access_claims(NOW);
    if let Some(k) = bound_to {
        let mut w = ExtrasWriter::new(&mut ebuf);
        dpop::bind(k, &mut w).unwrap();
        claims.extra = w.finish().unwrap();
    }
    jwt::issue_access(&claims, key, &Limits::ACCESS, out)
        .unwrap()
        .to_owned()
}

fn claims_for<'a>(token: Option<&'a str>, jti: &'a str) -> ProofClaims<'a> {
    ProofClaims {
        htm: "GET",
        htu: HTU,
        iat: NOW,
        jti,
        access_token: token,
        nonce: None,
    }
}

fn proof<K: ProofSigningKey>(key: &K, claims: &ProofClaims<'_>) -> String {
    let mut out = [0u8; MAX_PROOF_LEN];
    dpop::issue_proof(key, claims, &mut out).unwrap().to_owned()
}

/// Signs raw header and payload JSON with `key`, bypassing every check of ours.
fn forge(header: &str, payload: &str, key: &dyn SigningKey) -> String {
    let input = format!("{}.{}", b64e(header.as_bytes()), b64e(payload.as_bytes()));
    let mut sig = [0u8; compact_token::MAX_SIGNATURE_LEN];
    let n = key.sign(input.as_bytes(), &mut sig).unwrap();
    format!("{input}.{}", b64e(&sig[..n]))
}

fn es_jwk() -> String {
    let (x, y) = client_es().verifying_key().to_coordinates();
    format!(
        r#"{{"kty":"EC","crv":"P-256","x":"{}","y":"{}"}}"#,
        b64e(&x),
        b64e(&y)
    )
}

fn ed_jwk() -> String {
    let x = client_ed().verifying_key().to_bytes();
    format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#, b64e(&x))
}

fn payload(ath_of: Option<&str>) -> String {
    let ath = ath_of
        .map(|t| format!(r#","ath":"{}""#, dpop::access_token_hash(t)))
        .unwrap_or_default();
    format!(r#"{{"jti":"j-1","htm":"GET","htu":"{HTU}","iat":{NOW}{ath}}}"#)
}

/// Verifies `presented` against the server key `ed_key` in the `jwt` profile for GET HTU.
fn check(presented: Presented<'_>, replay: &Seen, now: u64) -> compact_token::Result<()> {
    let request = ProofPolicy::new("GET", HTU, replay);
    check_with(presented, &request, now)
}

fn check_with(
    presented: Presented<'_>,
    request: &ProofPolicy<'_>,
    now: u64,
) -> compact_token::Result<()> {
    let server = ed_key(KeyUse::Access).verifying_key();
    let mut scratch = [0u8; 2048];
    dpop::verify_access(
        presented,
        &server,
        Profile::Jwt,
        &access_policy(),
        request,
        now,
        &mut scratch,
    )
    .map(drop)
}

#[test]
fn rfc9449_jkt_example() {
    let x: [u8; 32] = b64(RFC_X).try_into().unwrap();
    let y: [u8; 32] = b64(RFC_Y).try_into().unwrap();
    let key = ProofKey::Es256(Es256VerifyingKey::from_coordinates(&x, &y, KeyUse::Access).unwrap());
    assert_eq!(key.jkt().as_str(), RFC_JKT);
    assert_eq!(b64e(&key.thumbprint()), RFC_JKT);
}

#[test]
fn rfc9449_proof_example_verifies() {
    let replay = Seen::default();
    let policy = ProofPolicy::new("POST", "https://server.example.com/token", &replay);
    let v = dpop::verify_proof(RFC_PROOF, &policy, None, 1_562_262_616).unwrap();
    assert_eq!(v.iat, 1_562_262_616);
    assert_eq!(v.jkt().as_str(), RFC_JKT);
    assert!(matches!(v.key, ProofKey::Es256(_)));
    assert!(replay.jtis.borrow().contains_key("-BwC3ESc6acc2lTc"));
    // The same proof again, and the same proof for another request.
    assert_eq!(
        dpop::verify_proof(RFC_PROOF, &policy, None, 1_562_262_616).err(),
        Some(Error::DpopReplayed)
    );
    let other = Seen::default();
    let get = ProofPolicy::new("GET", "https://server.example.com/token", &other);
    assert_eq!(
        dpop::verify_proof(RFC_PROOF, &get, None, 1_562_262_616).err(),
        Some(Error::DpopWrongMethod)
    );
}

#[test]
fn issued_proofs_have_the_rfc_4_1_structure() {
    let token = "an-access-token";
    let p = proof(
        &client_es(),
        &ProofClaims {
            nonce: Some("eyJ7S_zG.eyJH0-Z.HX4w-7v"),
            ..claims_for(Some(token), "e1j3V_bKic8-LAEB")
        },
    );
    let mut parts = p.split('.');
    let header: serde_json::Value = serde_json::from_slice(&b64(parts.next().unwrap())).unwrap();
    let claims: serde_json::Value = serde_json::from_slice(&b64(parts.next().unwrap())).unwrap();
    let (x, y) = client_es().verifying_key().to_coordinates();
    assert_eq!(
        header,
        serde_json::json!({
            "typ": "dpop+jwt",
            "alg": "ES256",
            "jwk": {"kty": "EC", "crv": "P-256", "x": b64e(&x), "y": b64e(&y)},
        })
    );
    use sha2::Digest;
    assert_eq!(
        claims,
        serde_json::json!({
            "jti": "e1j3V_bKic8-LAEB",
            "htm": "GET",
            "htu": HTU,
            "iat": NOW,
            "ath": b64e(&sha2::Sha256::digest(token.as_bytes())),
            "nonce": "eyJ7S_zG.eyJH0-Z.HX4w-7v",
        })
    );
    // The header is exactly the canonical JWK in members order (RFC 7638's order).
    let ed = proof(&client_ed(), &claims_for(None, "j"));
    let ed_header = String::from_utf8(b64(ed.split('.').next().unwrap())).unwrap();
    assert_eq!(
        ed_header,
        format!(
            r#"{{"typ":"dpop+jwt","alg":"EdDSA","jwk":{{"crv":"Ed25519","kty":"OKP","x":"{}"}}}}"#,
            b64e(&client_ed().verifying_key().to_bytes())
        )
    );
}

#[test]
fn bound_tokens_verify_with_their_proof_in_both_profiles_and_every_algorithm() {
    let registry = Registry::EMPTY;
    let es = client_es();
    let ed = client_ed();
    let server_keys: [(&dyn SigningKey, Box<dyn VerifyingKey>); 3] = [
        (
            &ed_key(KeyUse::Access),
            Box::new(ed_key(KeyUse::Access).verifying_key()),
        ),
        (&hs_key(KeyUse::Access), Box::new(hs_key(KeyUse::Access))),
        (
            &Es256SigningKey::from_bytes(&[0x33; 32], KeyUse::Access).unwrap(),
            Box::new(
                Es256SigningKey::from_bytes(&[0x33; 32], KeyUse::Access)
                    .unwrap()
                    .verifying_key(),
            ),
        ),
    ];
    let mut n = 0;
    for (signer, verifier) in &server_keys {
        for compact_profile in [false, true] {
            for client in [es.proof_key(), ed.proof_key()] {
                let mut ebuf = [0u8; 128];
                let mut w = ExtrasWriter::new(&mut ebuf);
                dpop::bind(&client, &mut w).unwrap();
                let mut claims = access_claims(NOW);
                claims.extra = w.finish().unwrap();
                let mut out = [0u8; 1024];
                let (token, profile) = if compact_profile {
                    let t = compact::issue_access(
                        &claims,
                        *signer,
                        &Limits::ACCESS,
                        &registry,
                        &mut out,
                    );
                    (t.unwrap().to_owned(), Profile::Compact(&registry))
                } else {
                    let t = jwt::issue_access(&claims, *signer, &Limits::ACCESS, &mut out);
                    (t.unwrap().to_owned(), Profile::Jwt)
                };
                let jti = format!("jti-{n}");
                n += 1;
                let claims_p = claims_for(Some(&token), &jti);
                let p = match client {
                    ProofKey::Es256(_) => proof(&es, &claims_p),
                    ProofKey::Ed25519(_) => proof(&ed, &claims_p),
                };
                let replay = Seen::default();
                let request = ProofPolicy::new("GET", HTU, &replay);
                let presented = Presented {
                    token: &token,
                    proof: Some(&p),
                };
                let mut scratch = [0u8; 2048];
                let v = dpop::verify_access(
                    presented,
                    verifier.as_ref(),
                    profile,
                    &access_policy(),
                    &request,
                    NOW + 1,
                    &mut scratch,
                )
                .unwrap();
                assert_eq!(v.sub, "user-8f14e45f");
                let jkt = v.extra.path(&["cnf", "jkt"]).unwrap().as_str().unwrap();
                assert_eq!(jkt, client.jkt().as_str());
                assert_eq!(replay.jtis.borrow().len(), 1);
            }
        }
    }
    assert_eq!(n, 12);
}

#[test]
fn missing_proof_and_unbound_tokens() {
    let client = client_es();
    let mut out = [0u8; 1024];
    let token = bound_token(&ed_key(KeyUse::Access), Some(&client.proof_key()), &mut out);
    let replay = Seen::default();
    assert_eq!(
        check(
            Presented {
                token: &token,
                proof: None
            },
            &replay,
            NOW
        ),
        Err(Error::DpopProofMissing)
    );
    // A valid proof with an unbound token.
    let unbound = bound_token(&ed_key(KeyUse::Access), None, &mut out);
    let p = proof(&client, &claims_for(Some(&unbound), "j-unbound"));
    assert_eq!(
        check(
            Presented {
                token: &unbound,
                proof: Some(&p)
            },
            &replay,
            NOW
        ),
        Err(Error::DpopTokenNotBound)
    );
    // A cnf without jkt, and a jkt that is not a string.
    for cnf in [r#"{"x5t#S256":"abc"}"#, r#"{"jkt":5}"#] {
        let mut ebuf = [0u8; 128];
        let mut w = ExtrasWriter::new(&mut ebuf);
        w.json("cnf", cnf).unwrap();
        let mut claims = access_claims(NOW);
        claims.extra = w.finish().unwrap();
        let t = jwt::issue_access(&claims, &ed_key(KeyUse::Access), &Limits::ACCESS, &mut out)
            .unwrap()
            .to_owned();
        let p = proof(&client, &claims_for(Some(&t), "j-cnf"));
        assert_eq!(
            check(
                Presented {
                    token: &t,
                    proof: Some(&p)
                },
                &replay,
                NOW
            ),
            Err(Error::DpopTokenNotBound),
            "{cnf}"
        );
    }
    // Nothing refused used up a jti.
    assert!(replay.jtis.borrow().is_empty());
}

#[test]
fn a_token_bound_to_one_key_refuses_another_keys_valid_proof() {
    let mut out = [0u8; 1024];
    let token = bound_token(
        &ed_key(KeyUse::Access),
        Some(&client_es().proof_key()),
        &mut out,
    );
    let replay = Seen::default();
    for p in [
        proof(&client_ed(), &claims_for(Some(&token), "j-ed")),
        proof(
            &Es256SigningKey::from_bytes(&[0x12; 32], KeyUse::Access).unwrap(),
            &claims_for(Some(&token), "j-es"),
        ),
    ] {
        assert_eq!(
            check(
                Presented {
                    token: &token,
                    proof: Some(&p)
                },
                &replay,
                NOW
            ),
            Err(Error::DpopKeyNotBound)
        );
    }
    assert!(
        replay.jtis.borrow().is_empty(),
        "refused proofs store nothing"
    );
    let p = proof(&client_es(), &claims_for(Some(&token), "j-es"));
    assert_eq!(
        check(
            Presented {
                token: &token,
                proof: Some(&p)
            },
            &replay,
            NOW
        ),
        Ok(())
    );
}

#[test]
fn replayed_proofs_and_a_full_cache_are_refused() {
    let client = client_ed();
    let mut out = [0u8; 1024];
    let token = bound_token(&ed_key(KeyUse::Access), Some(&client.proof_key()), &mut out);
    let p = proof(&client, &claims_for(Some(&token), "j-replay"));
    let presented = Presented {
        token: &token,
        proof: Some(&p),
    };
    let replay = Seen::default();
    assert_eq!(check(presented, &replay, NOW), Ok(()));
    assert_eq!(check(presented, &replay, NOW + 1), Err(Error::DpopReplayed));
    // The entry is kept until the proof is stale: until = iat + max age.
    assert_eq!(
        replay.jtis.borrow()["j-replay"],
        NOW + dpop::DEFAULT_MAX_AGE
    );
    // Another proof with the same jti (a fresh signature) is a replay too.
    let again = proof(
        &client,
        &ProofClaims {
            iat: NOW + 1,
            ..claims_for(Some(&token), "j-replay")
        },
    );
    assert_ne!(again, p);
    assert_eq!(
        check(
            Presented {
                token: &token,
                proof: Some(&again)
            },
            &replay,
            NOW + 1
        ),
        Err(Error::DpopReplayed)
    );
    let full = Seen {
        full: true,
        ..Seen::default()
    };
    assert_eq!(
        check(presented, &full, NOW),
        Err(Error::DpopReplayCacheFull)
    );
}

#[test]
fn wrong_method_uri_ath_and_nonce() {
    let client = client_es();
    let mut out = [0u8; 1024];
    let token = bound_token(&ed_key(KeyUse::Access), Some(&client.proof_key()), &mut out);
    let other = bound_token(
        &hs_key(KeyUse::Access),
        Some(&client.proof_key()),
        &mut [0u8; 1024],
    );
    let replay = Seen::default();
    let cases: Vec<(ProofClaims<'_>, Error)> = vec![
        (
            ProofClaims {
                htm: "POST",
                ..claims_for(Some(&token), "a")
            },
            Error::DpopWrongMethod,
        ),
        (
            ProofClaims {
                htm: "get",
                ..claims_for(Some(&token), "b")
            },
            Error::DpopWrongMethod,
        ),
        (
            ProofClaims {
                htu: "https://api.example.com/invoices",
                ..claims_for(Some(&token), "c")
            },
            Error::DpopWrongUri,
        ),
        (
            ProofClaims {
                htu: "http://api.example.com/orders",
                ..claims_for(Some(&token), "d")
            },
            Error::DpopWrongUri,
        ),
        (claims_for(None, "e"), Error::DpopAccessTokenHashMismatch),
        (
            claims_for(Some(&other), "f"),
            Error::DpopAccessTokenHashMismatch,
        ),
    ];
    for (claims, error) in cases {
        let p = proof(&client, &claims);
        assert_eq!(
            check(
                Presented {
                    token: &token,
                    proof: Some(&p)
                },
                &replay,
                NOW
            ),
            Err(error),
            "{claims:?}"
        );
    }
    // An htu with a query or fragment is refused by the verifier (the issuer refuses to
    // write one, so it is forged here).
    for htu in [format!("{HTU}?page=2"), format!("{HTU}#top")] {
        let ath = dpop::access_token_hash(&token);
        let body = format!(r#"{{"jti":"q","htm":"GET","htu":"{htu}","iat":{NOW},"ath":"{ath}"}}"#);
        let header = format!(r#"{{"typ":"dpop+jwt","alg":"ES256","jwk":{}}}"#, es_jwk());
        let p = forge(&header, &body, &client);
        assert_eq!(
            check(
                Presented {
                    token: &token,
                    proof: Some(&p)
                },
                &replay,
                NOW
            ),
            Err(Error::DpopWrongUri),
            "{htu}"
        );
        let mut out = [0u8; MAX_PROOF_LEN];
        let issue = ProofClaims {
            htu: &htu,
            ..claims_for(None, "q")
        };
        assert_eq!(
            dpop::issue_proof(&client, &issue, &mut out).err(),
            Some(Error::DpopWrongUri)
        );
    }
    // Normalized forms of the request URI match; the request's own query is not compared.
    let p = proof(
        &client,
        &ProofClaims {
            htu: "HTTPS://API.example.com:443/%6Frders",
            ..claims_for(Some(&token), "g")
        },
    );
    let request = ProofPolicy::new("GET", "https://api.example.com/orders?page=2", &replay);
    assert_eq!(
        check_with(
            Presented {
                token: &token,
                proof: Some(&p)
            },
            &request,
            NOW
        ),
        Ok(())
    );

    // Nonce required: missing, wrong, right.
    let request = ProofPolicy::new("GET", HTU, &replay).require_nonce("n-1");
    for (nonce, expect) in [
        (None, Err(Error::DpopNonceMismatch)),
        (Some("n-2"), Err(Error::DpopNonceMismatch)),
        (Some("n-1"), Ok(())),
    ] {
        let p = proof(
            &client,
            &ProofClaims {
                nonce,
                ..claims_for(Some(&token), "n")
            },
        );
        assert_eq!(
            check_with(
                Presented {
                    token: &token,
                    proof: Some(&p)
                },
                &request,
                NOW
            ),
            expect,
            "{nonce:?}"
        );
    }
}

#[test]
fn proof_time_window() {
    let client = client_ed();
    let mut out = [0u8; 1024];
    let token = bound_token(&ed_key(KeyUse::Access), Some(&client.proof_key()), &mut out);
    let replay = Seen::default();
    let at = |iat: u64, jti: &str, now: u64, request: &ProofPolicy<'_>| {
        let p = proof(
            &client,
            &ProofClaims {
                iat,
                ..claims_for(Some(&token), jti)
            },
        );
        check_with(
            Presented {
                token: &token,
                proof: Some(&p),
            },
            request,
            now,
        )
    };
    let default = ProofPolicy::new("GET", HTU, &replay);
    assert_eq!(at(NOW - 60, "a", NOW, &default), Ok(()));
    assert_eq!(at(NOW - 61, "b", NOW, &default), Err(Error::DpopProofStale));
    assert_eq!(at(NOW + 5, "c", NOW, &default), Ok(()));
    assert_eq!(
        at(NOW + 6, "d", NOW, &default),
        Err(Error::DpopProofInFuture)
    );
    let tight = ProofPolicy::new("GET", HTU, &replay).with_window(10, 0);
    assert_eq!(at(NOW - 11, "e", NOW, &tight), Err(Error::DpopProofStale));
    assert_eq!(at(NOW + 1, "f", NOW, &tight), Err(Error::DpopProofInFuture));
    assert_eq!(at(NOW - 10, "g", NOW, &tight), Ok(()));
    let too_wide = ProofPolicy::new("GET", HTU, &replay).with_window(dpop::MAX_WINDOW + 1, 0);
    assert_eq!(at(NOW, "h", NOW, &too_wide), Err(Error::InvalidPolicy));
}

#[test]
fn proof_headers_refused_with_exact_errors() {
    let es = client_es();
    let ed = client_ed();
    let mut out = [0u8; 1024];
    let token = bound_token(&ed_key(KeyUse::Access), Some(&es.proof_key()), &mut out);
    let body = payload(Some(&token));
    let hs = hs_key(KeyUse::Access);
    let other_es = Es256SigningKey::from_bytes(&[0x12; 32], KeyUse::Access).unwrap();
    let es_jwk = es_jwk();
    let ed_jwk = ed_jwk();
    let with_d = es_jwk.replace(
        r#""kty""#,
        &format!(r#""d":"{}","kty""#, b64e(&es.to_bytes())),
    );
    let cases: Vec<(String, &dyn SigningKey, Error)> = vec![
        (
            format!(r#"{{"typ":"JWT","alg":"ES256","jwk":{es_jwk}}}"#),
            &es,
            Error::DpopWrongType,
        ),
        (
            format!(r#"{{"alg":"ES256","jwk":{es_jwk}}}"#),
            &es,
            Error::DpopWrongType,
        ),
        (
            format!(r#"{{"typ":"at+jwt","alg":"ES256","jwk":{es_jwk}}}"#),
            &es,
            Error::DpopWrongType,
        ),
        (
            format!(r#"{{"typ":"dpop+jwt","alg":"HS256","jwk":{es_jwk}}}"#),
            &hs,
            Error::DpopAlgorithmNotAllowed,
        ),
        (
            format!(r#"{{"typ":"dpop+jwt","alg":"none","jwk":{es_jwk}}}"#),
            &es,
            Error::DpopAlgorithmNotAllowed,
        ),
        (
            format!(r#"{{"typ":"dpop+jwt","alg":"RS256","jwk":{es_jwk}}}"#),
            &es,
            Error::DpopAlgorithmNotAllowed,
        ),
        // Key and algorithm must agree: ES256 with an OKP key, EdDSA with an EC key.
        (
            format!(r#"{{"typ":"dpop+jwt","alg":"ES256","jwk":{ed_jwk}}}"#),
            &es,
            Error::DpopAlgorithmNotAllowed,
        ),
        (
            format!(r#"{{"typ":"dpop+jwt","alg":"EdDSA","jwk":{es_jwk}}}"#),
            &ed,
            Error::DpopAlgorithmNotAllowed,
        ),
        (
            format!(r#"{{"typ":"dpop+jwt","alg":"ES256","jwk":{with_d}}}"#),
            &es,
            Error::DpopPrivateKey,
        ),
        (
            format!(
                r#"{{"typ":"dpop+jwt","alg":"HS256","jwk":{{"kty":"oct","k":"{}"}}}}"#,
                b64e(&[0x24; 32])
            ),
            &hs,
            Error::DpopAlgorithmNotAllowed,
        ),
        (
            format!(
                r#"{{"typ":"dpop+jwt","alg":"ES256","jwk":{{"kty":"oct","k":"{}"}}}}"#,
                b64e(&[0x24; 32])
            ),
            &es,
            Error::DpopPrivateKey,
        ),
        (
            r#"{"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"oct","x":"AA"}}"#.to_owned(),
            &es,
            Error::DpopInvalidKey,
        ),
        (
            format!(
                r#"{{"typ":"dpop+jwt","alg":"ES256","jwk":{}}}"#,
                es_jwk.replace('}', r#","x5u":"https://evil"}"#)
            ),
            &es,
            Error::DpopInvalidKey,
        ),
        (
            format!(
                r#"{{"typ":"dpop+jwt","alg":"ES256","jwk":{}}}"#,
                es_jwk.replace(r#""P-256""#, r#""P-384""#)
            ),
            &es,
            Error::DpopInvalidKey,
        ),
        (
            format!(r#"{{"typ":"dpop+jwt","alg":"ES256","jwk":{es_jwk},"crit":["x"]}}"#),
            &es,
            Error::UnsupportedHeader,
        ),
        (
            format!(r#"{{"typ":"dpop+jwt","alg":"ES256","jwk":{es_jwk},"jku":"https://e"}}"#),
            &es,
            Error::UnsupportedHeader,
        ),
        (
            r#"{"typ":"dpop+jwt","alg":"ES256"}"#.to_owned(),
            &es,
            Error::DpopProofMalformed,
        ),
        (
            format!(r#"{{"typ":"dpop+jwt","jwk":{es_jwk}}}"#),
            &es,
            Error::DpopProofMalformed,
        ),
        (
            format!(r#"{{"typ":"dpop+jwt","typ":"dpop+jwt","alg":"ES256","jwk":{es_jwk}}}"#),
            &es,
            Error::DpopProofMalformed,
        ),
        (
            format!(r#"{{"typ":"dpop+jwt","alg":"ES256","jwk":"{es_jwk}"}}"#),
            &es,
            Error::DpopProofMalformed,
        ),
        // Signed by another key than the one in the header.
        (
            format!(r#"{{"typ":"dpop+jwt","alg":"ES256","jwk":{es_jwk}}}"#),
            &other_es,
            Error::DpopBadSignature,
        ),
    ];
    let replay = Seen::default();
    for (header, key, error) in &cases {
        let p = forge(header, &body, *key);
        assert_eq!(
            check(
                Presented {
                    token: &token,
                    proof: Some(&p)
                },
                &replay,
                NOW
            ),
            Err(*error),
            "{header}"
        );
    }
    // The controls: the same forging with a proper header passes; typ is case-insensitive.
    for typ in ["dpop+jwt", "DPoP+JWT"] {
        let p = forge(
            &format!(r#"{{"typ":"{typ}","alg":"ES256","jwk":{es_jwk}}}"#),
            &body,
            &es,
        );
        assert_eq!(
            check(
                Presented {
                    token: &token,
                    proof: Some(&p)
                },
                &Seen::default(),
                NOW
            ),
            Ok(())
        );
    }
    // Public members a client library may add are ignored.
    let extra = es_jwk.replace(
        '}',
        r#","kid":"k","use":"sig","key_ops":["verify"],"ext":true,"alg":"ES256"}"#,
    );
    let p = forge(
        &format!(r#"{{"typ":"dpop+jwt","alg":"ES256","jwk":{extra}}}"#),
        &body,
        &es,
    );
    assert_eq!(
        check(
            Presented {
                token: &token,
                proof: Some(&p)
            },
            &Seen::default(),
            NOW
        ),
        Ok(())
    );
    assert!(replay.jtis.borrow().is_empty());
}

#[test]
fn ed25519_and_eddsa_names_both_accepted_for_an_okp_key() {
    let ed = client_ed();
    let mut out = [0u8; 1024];
    let token = bound_token(&ed_key(KeyUse::Access), Some(&ed.proof_key()), &mut out);
    for alg in ["EdDSA", "Ed25519"] {
        let p = forge(
            &format!(r#"{{"typ":"dpop+jwt","alg":"{alg}","jwk":{}}}"#, ed_jwk()),
            &payload(Some(&token)),
            &ed,
        );
        assert_eq!(
            check(
                Presented {
                    token: &token,
                    proof: Some(&p)
                },
                &Seen::default(),
                NOW
            ),
            Ok(()),
            "{alg}"
        );
    }
}

#[test]
fn malformed_proofs_and_bad_signatures() {
    let es = client_es();
    let mut out = [0u8; 1024];
    let token = bound_token(&ed_key(KeyUse::Access), Some(&es.proof_key()), &mut out);
    let good = proof(&es, &claims_for(Some(&token), "j-good"));
    let (head, rest) = good.split_once('.').unwrap();
    let (body, sig) = rest.split_once('.').unwrap();
    let header = format!(r#"{{"typ":"dpop+jwt","alg":"ES256","jwk":{}}}"#, es_jwk());
    let long_jti = "j".repeat(MAX_JTI_LEN + 1);
    let malformed = vec![
        String::new(),
        "a.b".to_owned(),
        format!("{head}.{body}"),
        format!("{head}.{body}.{sig}.x"),
        format!("{head}=.{body}.{sig}"),
        format!("{}.{body}.{sig}", b64e(b"not json")),
        forge(&header, "[]", &es),
        forge(&header, r#"{"htm":"GET","htu":"x","iat":1}"#, &es),
        forge(
            &header,
            &format!(r#"{{"jti":"j","htm":"GET","htu":"{HTU}","iat":"{NOW}"}}"#),
            &es,
        ),
        forge(
            &header,
            &format!(r#"{{"jti":"j","htm":"GET","htu":"{HTU}","iat":-1}}"#),
            &es,
        ),
        forge(
            &header,
            &format!(r#"{{"jti":"j","htm":"GET","htu":"{HTU}","iat":1e9}}"#),
            &es,
        ),
        forge(
            &header,
            &format!(r#"{{"jti":"","htm":"GET","htu":"{HTU}","iat":{NOW}}}"#),
            &es,
        ),
        forge(
            &header,
            &format!(r#"{{"jti":"{long_jti}","htm":"GET","htu":"{HTU}","iat":{NOW}}}"#),
            &es,
        ),
        forge(
            &header,
            &format!(r#"{{"jti":"j","jti":"k","htm":"GET","htu":"{HTU}","iat":{NOW}}}"#),
            &es,
        ),
        forge(
            &header,
            &format!(r#"{{"jti":"j\u0000","htm":"GET","htu":"{HTU}","iat":{NOW}}}"#),
            &es,
        ),
        format!("{head}.{}.{sig}", "A".repeat(MAX_PROOF_LEN)),
    ];
    let replay = Seen::default();
    for p in &malformed {
        assert_eq!(
            check(
                Presented {
                    token: &token,
                    proof: Some(p)
                },
                &replay,
                NOW
            ),
            Err(Error::DpopProofMalformed),
            "{p}"
        );
    }
    let mut flipped = good.clone().into_bytes();
    let last = flipped.len() - 5;
    flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).unwrap();
    for p in [
        flipped,
        format!("{head}.{body}."),
        // The signature covers the segments as written: a padded one is another input.
        format!("{head}.{body}=.{sig}"),
        format!("{head}.{body}.{}", &sig[..sig.len() - 2]),
        format!(
            "{head}.{body}.{}",
            sig.replace(|c: char| c.is_ascii_digit(), "+")
        ),
        format!("{head}.{}.{sig}", b64e(&b64(body)[1..])),
    ] {
        assert_eq!(
            check(
                Presented {
                    token: &token,
                    proof: Some(&p)
                },
                &replay,
                NOW
            ),
            Err(Error::DpopBadSignature),
            "{p}"
        );
    }
    assert!(replay.jtis.borrow().is_empty());
    assert_eq!(
        check(
            Presented {
                token: &token,
                proof: Some(&good)
            },
            &replay,
            NOW
        ),
        Ok(())
    );
}

#[test]
fn the_access_token_is_checked_first_and_its_header_rules_stay() {
    let es = client_es();
    let server = ed_key(KeyUse::Access);
    let mut out = [0u8; 1024];
    let token = bound_token(&server, Some(&es.proof_key()), &mut out);
    let p = proof(&es, &claims_for(Some(&token), "j"));
    let replay = Seen::default();
    // Expired token: its own error, and no jti used.
    assert_eq!(
        check(
            Presented {
                token: &token,
                proof: Some(&p)
            },
            &replay,
            NOW + 400
        ),
        Err(Error::Expired)
    );
    // An access token whose header carries a jwk (the proof's key, even) is still refused.
    let (_, rest) = token.split_once('.').unwrap();
    let (body, _) = rest.split_once('.').unwrap();
    let header = format!(r#"{{"alg":"EdDSA","typ":"at+jwt","jwk":{}}}"#, es_jwk());
    let input = format!("{}.{body}", b64e(header.as_bytes()));
    let mut sig = [0u8; compact_token::MAX_SIGNATURE_LEN];
    let n = server.sign(input.as_bytes(), &mut sig).unwrap();
    let with_jwk = format!("{input}.{}", b64e(&sig[..n]));
    let p = proof(&es, &claims_for(Some(&with_jwk), "k"));
    assert_eq!(
        check(
            Presented {
                token: &with_jwk,
                proof: Some(&p)
            },
            &replay,
            NOW
        ),
        Err(Error::UnsupportedHeader)
    );
    // A proof is not an access token.
    let p = proof(&es, &claims_for(Some(&token), "l"));
    assert_eq!(
        check(
            Presented {
                token: &p,
                proof: Some(&p)
            },
            &replay,
            NOW
        ),
        Err(Error::UnsupportedHeader)
    );
    assert!(replay.jtis.borrow().is_empty());
}

#[test]
fn issue_proof_refuses_what_verification_would() {
    let es = client_es();
    let mut out = [0u8; MAX_PROOF_LEN];
    let long = "j".repeat(MAX_JTI_LEN + 1);
    for (claims, error) in [
        (claims_for(None, ""), Error::DpopProofMalformed),
        (claims_for(None, &long), Error::DpopProofMalformed),
        (claims_for(None, "j\0"), Error::DpopProofMalformed),
        (
            ProofClaims {
                htm: "G\0",
                ..claims_for(None, "j")
            },
            Error::DpopProofMalformed,
        ),
        (
            ProofClaims {
                nonce: Some("\0"),
                ..claims_for(None, "j")
            },
            Error::DpopProofMalformed,
        ),
        (
            ProofClaims {
                htu: "/orders",
                ..claims_for(None, "j")
            },
            Error::DpopWrongUri,
        ),
        (
            ProofClaims {
                iat: compact_token::MAX_DATE + 1,
                ..claims_for(None, "j")
            },
            Error::InvalidDate,
        ),
    ] {
        assert_eq!(
            dpop::issue_proof(&es, &claims, &mut out).err(),
            Some(error),
            "{claims:?}"
        );
    }
    let good = claims_for(None, "j");
    let len = dpop::issue_proof(&es, &good, &mut out).unwrap().len();
    assert_eq!(
        dpop::issue_proof(&es, &good, &mut out[..len - 1]).err(),
        Some(Error::BufferTooSmall { needed: len })
    );
    let long_htu = format!("https://api.example.com/{}", "a".repeat(MAX_PROOF_LEN));
    let too_long = ProofClaims {
        htu: &long_htu,
        ..good
    };
    let mut big = vec![0u8; 4 * MAX_PROOF_LEN];
    assert_eq!(
        dpop::issue_proof(&es, &too_long, &mut big).err(),
        Some(Error::DpopProofMalformed)
    );
}

/// The size of a bound access token (cnf.jkt) against the unbound one, in both profiles
/// with the brief's claims, EdDSA. Printed for the report; the compact profile carries
/// the 32 thumbprint bytes raw (FORMAT.md custom claims, type 7), so binding costs it far
/// less than the 43 characters plus names the jwt profile pays.
#[test]
fn bound_token_sizes() {
    let key = ed_key(KeyUse::Access);
    let client = client_es().proof_key();
    let mut ebuf = [0u8; 128];
    let mut w = ExtrasWriter::new(&mut ebuf);
    dpop::bind(&client, &mut w).unwrap();
    let mut bound: AccessClaims<&str> = access_claims(NOW);
    bound.extra = w.finish().unwrap();
    let unbound = access_claims(NOW);
    let size = |c: &AccessClaims<&str>, compact_profile: bool| {
        let mut out = [0u8; 1024];
        if compact_profile {
            compact::issue_access(c, &key, &Limits::ACCESS, &Registry::EMPTY, &mut out)
                .unwrap()
                .len()
        } else {
            jwt::issue_access(c, &key, &Limits::ACCESS, &mut out)
                .unwrap()
                .len()
        }
    };
    let (cu, cb, ju, jb) = (
        size(&unbound, true),
        size(&bound, true),
        size(&unbound, false),
        size(&bound, false),
    );
    println!("compact unbound {cu} B, bound {cb} B; jwt unbound {ju} B, bound {jb} B");
    // jwt: `,"cnf":{"jkt":"<43>"}` is 60 bytes of JSON: 80 base64url characters (± rounding).
    assert!((79..=81).contains(&(jb - ju)), "{}", jb - ju);
    // compact: the 32 raw bytes (at least 43 characters) and a few bytes of registered
    // names (`cnf` 7, `jkt` 8) and lengths.
    assert!((43..=52).contains(&(cb - cu)), "{}", cb - cu);
    assert!(cb * 100 <= jb * 65, "{cb} vs {jb}");
}
