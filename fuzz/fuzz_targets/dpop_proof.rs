//! DPoP proofs (RFC 9449) on arbitrary input: `dpop::verify_proof` never panics and, when it
//! accepts, its key is the header's `jwk` (as serde_json reads the header) and its claims
//! are the request's; arbitrary claims issued with
//! `dpop::issue_proof` verify against the request they name.
#![no_main]

use compact_token::dpop::{self, ProofClaims, ProofKey, ProofPolicy, ReplayCheck};
use compact_token::{Ed25519SigningKey, KeyUse};
use compact_token_fuzz::*;
use libfuzzer_sys::fuzz_target;

const HTU: &str = "https://api.example.com/orders";

/// Never a replay: every accepted proof is checked in full.
struct Fresh;
impl ReplayCheck for Fresh {
    fn check_and_store(&self, _: &str, _: u64, _: u64) -> compact_token::Result<()> {
        Ok(())
    }
}

/// The key's public coordinates as the header's `jwk` members would carry them.
fn jwk_members(key: &ProofKey) -> serde_json::Value {
    match key {
        ProofKey::Ed25519(k) => serde_json::json!(["OKP", "Ed25519", b64(&k.to_bytes())]),
        ProofKey::Es256(k) => {
            let (x, y) = k.to_coordinates();
            serde_json::json!(["EC", "P-256", b64(&x), b64(&y)])
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let policy = ProofPolicy::new("GET", HTU, &Fresh).with_window(600, 600);
    if let Ok(v) = dpop::verify_proof(&text, &policy, None, NOW) {
        let mut parts = text.split('.');
        let header: serde_json::Value =
            serde_json::from_slice(&unb64(parts.next().unwrap()).unwrap()).unwrap();
        let claims: serde_json::Value =
            serde_json::from_slice(&unb64(parts.next().unwrap()).unwrap()).unwrap();
        let jwk = &header["jwk"];
        let mut members = vec![jwk["kty"].clone(), jwk["crv"].clone(), jwk["x"].clone()];
        if jwk["kty"] == "EC" {
            members.push(jwk["y"].clone());
        }
        assert_eq!(
            serde_json::Value::from(members),
            jwk_members(&v.key),
            "{header}"
        );
        assert_eq!(v.thumbprint, v.key.thumbprint());
        assert!(
            header["typ"]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case("dpop+jwt")
        );
        assert_eq!(claims["htm"], "GET");
        assert_eq!(claims["iat"].as_u64(), Some(v.iat));
        assert!(v.iat.abs_diff(NOW) <= 600);
        // The same proof under a nonce it does not carry, or for another method: refused.
        let nonce = ProofPolicy::new("GET", HTU, &Fresh)
            .with_window(600, 600)
            .require_nonce("\u{1}");
        assert!(dpop::verify_proof(&text, &nonce, None, NOW).is_err());
        let post = ProofPolicy::new("POST", HTU, &Fresh).with_window(600, 600);
        assert!(dpop::verify_proof(&text, &post, None, NOW).is_err());
    }

    // Issue → verify with arbitrary strings: htm, the htu's path, jti, nonce (by lines).
    let mut lines = text.split('\n');
    let (htm, path, jti) = (
        lines.next().unwrap_or_default(),
        lines.next().unwrap_or_default(),
        lines.next().unwrap_or_default(),
    );
    let nonce = lines.next();
    let htu = format!("https://api.example.com/{path}");
    let key = Ed25519SigningKey::from_seed(&ED_SEED, KeyUse::Access);
    let claims = ProofClaims {
        htm,
        htu: &htu,
        iat: NOW,
        jti,
        access_token: Some(&text),
        nonce,
    };
    let mut out = vec![0u8; dpop::MAX_PROOF_LEN];
    if let Ok(proof) = dpop::issue_proof(&key, &claims, &mut out) {
        let mut policy = ProofPolicy::new(htm, &htu, &Fresh);
        if let Some(n) = nonce {
            policy = policy.require_nonce(n);
        }
        let v = dpop::verify_proof(proof, &policy, Some(&text), NOW)
            .unwrap_or_else(|e| panic!("{e:?}: {claims:?}"));
        assert_eq!(v.key, dpop::ProofSigningKey::proof_key(&key));
    }
});
