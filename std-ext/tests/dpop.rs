//! DPoP (RFC 9449) with std-ext's replay cache and JWK binding, and interop both ways with
//! implementations we did not write: proofs made by the `dpop` npm client (panva, 2.1.2)
//! verify in ours, and ours verify with `jose` (jwtVerify + EmbeddedJWK +
//! calculateJwkThumbprint). The peer is `interop/dpop_peer.mjs`; when node or the packages
//! are missing the test FAILS (run `bash interop/install.sh --node-only`).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use compact_token::dpop::{self, Presented, Profile, ProofClaims, ProofPolicy, ProofSigningKey};
use compact_token::{
    AccessClaims, AccessPolicy, Ed25519SigningKey, Error, Es256SigningKey, ExtrasWriter, KeyUse,
    Limits, jwt,
};
use compact_token_std::dpop::{ReplayCache, bind_jwk, proof_key_from_jwk};
use compact_token_std::jwk;
use compact_token_std::keys::AnyVerifyingKey;
use serde_json::{Value, json};

const NOW: u64 = 1_764_000_000;
const ISS: &str = "https://auth.example.com";
const AUD: &str = "https://api.example.com";
const HTU: &str = "https://api.example.com/orders";

fn peer(requests: &[Value]) -> Vec<Value> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../interop/dpop_peer.mjs");
    let mut child = Command::new("node")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("dpop peer: cannot run node {}: {e}", script.display()));
    let input = serde_json::to_vec(requests).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => {}
        Some(3) => {
            panic!("dpop peer not installed; run `bash interop/install.sh --node-only`: {stderr}")
        }
        other => panic!("dpop peer: exit {other:?}: {stderr}"),
    }
    let responses: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(responses.len(), requests.len());
    responses
}

fn server() -> Ed25519SigningKey {
    Ed25519SigningKey::from_seed(&[0x42; 32], KeyUse::Access)
}

fn claims(iat: u64) -> AccessClaims<&'static str> {
    AccessClaims::new(
        ISS,
        "user-8f14e45f",
        AUD,
        "s6BhdRkqt3",
        iat,
        iat + 300,
        "b1c2d3e4f5a6b7c8",
    )
}

/// An access token bound to the client's public JWK through std-ext's convenience.
fn token_bound_to(public_jwk: &str) -> String {
    let mut ebuf = [0u8; 128];
    let mut w = ExtrasWriter::new(&mut ebuf);
    bind_jwk(public_jwk, &mut w).unwrap();
    let mut c = claims(NOW);
    c.extra = w.finish().unwrap();
    let mut out = [0u8; 1024];
    jwt::issue_access(&c, &server(), &Limits::ACCESS, &mut out)
        .unwrap()
        .to_owned()
}

fn verify(
    token: &str,
    proof: &str,
    htm: &str,
    cache: &ReplayCache,
    nonce: Option<&str>,
) -> compact_token::Result<()> {
    let mut request = ProofPolicy::new(htm, HTU, cache);
    if let Some(n) = nonce {
        request = request.require_nonce(n);
    }
    let mut scratch = [0u8; 2048];
    dpop::verify_access(
        Presented {
            token,
            proof: Some(proof),
        },
        &server().verifying_key(),
        Profile::Jwt,
        &AccessPolicy::new(ISS, AUD),
        &request,
        NOW + 2,
        &mut scratch,
    )
    .map(drop)
}

#[test]
fn proofs_made_by_the_dpop_client_verify_in_ours() {
    let keys = peer(&[
        json!({"op": "key", "alg": "ES256"}),
        json!({"op": "key", "alg": "Ed25519"}),
    ]);
    let mut requests = Vec::new();
    let mut tokens = Vec::new();
    for (alg, key) in ["ES256", "Ed25519"].iter().zip(&keys) {
        assert_eq!(key["ok"], true, "{key}");
        let public = key["public_jwk"].to_string();
        // Their thumbprint is ours, and std-ext's own.
        let ours = proof_key_from_jwk(&public).unwrap();
        assert_eq!(ours.jkt().as_str(), key["jkt"].as_str().unwrap(), "{alg}");
        let any = jwk::public_key_from_jwk(&public, KeyUse::Access).unwrap();
        assert_eq!(jwk::thumbprint(&any), key["jkt"].as_str().unwrap());
        let token = token_bound_to(&public);
        for (htm, nonce) in [
            ("GET", Value::Null),
            ("GET", json!("n-1")),
            ("POST", Value::Null),
        ] {
            requests.push(json!({
                "op": "proof", "alg": alg, "private_jwk": key["private_jwk"],
                "public_jwk": key["public_jwk"], "htm": htm, "htu": HTU, "now": NOW,
                "access_token": token, "nonce": nonce,
            }));
        }
        tokens.push(token);
    }
    let proofs = peer(&requests);
    let cache = ReplayCache::new(16);
    for (i, token) in tokens.iter().enumerate() {
        let p = |j: usize| {
            let r = &proofs[3 * i + j];
            assert_eq!(r["ok"], true, "{r}");
            r["proof"].as_str().unwrap().to_owned()
        };
        let (plain, with_nonce, post) = (p(0), p(1), p(2));
        assert_eq!(verify(token, &plain, "GET", &cache, None), Ok(()));
        assert_eq!(
            verify(token, &plain, "GET", &cache, None),
            Err(Error::DpopReplayed)
        );
        assert_eq!(
            verify(token, &with_nonce, "GET", &cache, Some("n-2")),
            Err(Error::DpopNonceMismatch)
        );
        assert_eq!(
            verify(token, &with_nonce, "GET", &cache, Some("n-1")),
            Ok(())
        );
        assert_eq!(
            verify(token, &post, "GET", &cache, None),
            Err(Error::DpopWrongMethod)
        );
        // The other client's token: bound to another key.
        let other = &tokens[1 - i];
        assert_eq!(
            verify(other, &post, "POST", &cache, None),
            Err(Error::DpopAccessTokenHashMismatch)
        );
    }
    assert_eq!(cache.len(), 4);
}

#[test]
fn proofs_we_make_verify_with_jose() {
    let es = Es256SigningKey::from_bytes(&[0x11; 32], KeyUse::Access).unwrap();
    let ed = Ed25519SigningKey::from_seed(&[0x22; 32], KeyUse::Access);
    let token = "an.access.token";
    let mut requests = Vec::new();
    let mut expected = Vec::new();
    for (i, key) in [&es as &dyn ProofKeyed, &ed].into_iter().enumerate() {
        let jti = format!("jti-{i}");
        let claims = ProofClaims {
            htm: "POST",
            htu: HTU,
            iat: NOW,
            jti: &jti,
            access_token: Some(token),
            nonce: Some("n-1"),
        };
        let proof = key.issue(&claims);
        requests.push(json!({"op": "verify", "proof": proof, "now": NOW + 1}));
        // A changed byte in the signature: jose must refuse it (the check can fail).
        let mut bad = proof.clone().into_bytes();
        let at = bad.len() - 3;
        bad[at] = if bad[at] == b'A' { b'B' } else { b'A' };
        requests.push(
            json!({"op": "verify", "proof": String::from_utf8(bad).unwrap(), "now": NOW + 1}),
        );
        expected.push((key.jkt(), key.alg()));
    }
    let answers = peer(&requests);
    for (i, (jkt, alg)) in expected.iter().enumerate() {
        let good = &answers[2 * i];
        assert_eq!(good["ok"], true, "{good}");
        assert_eq!(good["jkt"], json!(jkt));
        assert_eq!(good["header"]["typ"], "dpop+jwt");
        assert_eq!(good["header"]["alg"], json!(alg));
        let payload = &good["payload"];
        assert_eq!(payload["htm"], "POST");
        assert_eq!(payload["htu"], HTU);
        assert_eq!(payload["iat"], NOW);
        assert_eq!(payload["jti"], format!("jti-{i}"));
        assert_eq!(payload["nonce"], "n-1");
        use sha2::Digest;
        let ath = base64ct::Base64UrlUnpadded::encode_string(&sha2::Sha256::digest(token));
        assert_eq!(payload["ath"], json!(ath));
        assert_eq!(answers[2 * i + 1]["ok"], false, "{}", answers[2 * i + 1]);
    }
}

use base64ct::Encoding as _;

/// Our two proof key types behind one face, for the loop above.
trait ProofKeyed {
    fn issue(&self, claims: &ProofClaims<'_>) -> String;
    fn jkt(&self) -> String;
    fn alg(&self) -> &'static str;
}

impl<K: ProofSigningKey> ProofKeyed for K {
    fn issue(&self, claims: &ProofClaims<'_>) -> String {
        let mut out = [0u8; dpop::MAX_PROOF_LEN];
        dpop::issue_proof(self, claims, &mut out)
            .unwrap()
            .to_owned()
    }
    fn jkt(&self) -> String {
        self.proof_key().jkt().to_string()
    }
    fn alg(&self) -> &'static str {
        self.algorithm().name()
    }
}

#[test]
fn binding_reads_public_jwks_only() {
    let ed = Ed25519SigningKey::from_seed(&[0x22; 32], KeyUse::Access);
    let public = jwk::public_key_to_jwk(&ed.verifying_key());
    // std-ext's thumbprint and core's agree.
    let any = AnyVerifyingKey::Ed25519(ed.verifying_key());
    assert_eq!(
        proof_key_from_jwk(&public).unwrap().jkt().as_str(),
        jwk::thumbprint(&any)
    );
    let private = jwk::signing_key_to_jwk(&compact_token_std::keys::AnySigningKey::Ed25519(ed));
    let mut ebuf = [0u8; 128];
    let mut w = ExtrasWriter::new(&mut ebuf);
    assert_eq!(
        bind_jwk(&private, &mut w),
        Err(compact_token_std::Error::PrivateKeyInPublicSet)
    );
    let oct = r#"{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#;
    assert_eq!(
        bind_jwk(oct, &mut w),
        Err(compact_token_std::Error::PrivateKeyInPublicSet)
    );
}
