//! DPoP (issue 15): one `dpop::verify_access` — an EdDSA-signed access token bound to the
//! client's key, with its proof — against the bare signature checks over the very same
//! bytes, and one proof issued against the bare sign.
//!
//! - `dpop-<profile>-verify`: the sample access token (`jwt` or `compact`, every claim
//!   carried, plus `cnf.jkt`), signed with the sample Ed25519 key, and an ES256 proof
//!   (RFC 7515 A.3 key) for `GET https://api.example.com/orders`; `dpop-<profile>-verify-ed`:
//!   the same with an EdDSA proof (the sample seed's RFC 8032 §7.1 test 2 neighbour, see
//!   [`PROOF_ED_SEED`]).
//! - `bare-dpop-verify:<profile>` / `bare-dpop-verify-ed:<profile>`: ed25519-dalek
//!   `verify_strict` over the token's signing input, then p256 (or dalek) verify over the
//!   proof's signing input.
//! - `dpop-proof-issue` / `bare-dpop-sign`: an ES256 proof with `ath` for the `jwt` token,
//!   against p256 signing its signing input.
//!
//! The replay check accepts every `jti` ([`AcceptAll`]): the replay store is the caller's
//! (compact-token-std has one), and the same proof is verified on every call. Built alone,
//! like [`crate::algs`]'s operations, so that a callgrind run sets up only what it counts.

use std::hint::black_box;

use compact_token::dpop::{
    self, Presented, Profile, ProofClaims, ProofPolicy, ProofSigningKey, ReplayCheck,
};
use compact_token::{
    AccessPolicy, Ed25519SigningKey, ExtrasWriter, KeyUse, Limits, Registry, compact, jwt,
};
use p256::ecdsa::signature::{Signer as _, Verifier as _};

use crate::algs::{Op, es_d, es_key, op};
use crate::peers::jws_signed_parts;
use crate::peers::ours::access_claims;
use crate::sample::{API_AUDIENCE, ED25519_SEED, ISSUER, NOW};

/// The client's Ed25519 proof key for the `-ed` operations: RFC 8032 §7.1 test 2's secret.
pub const PROOF_ED_SEED: [u8; 32] = [
    0x4c, 0xcd, 0x08, 0x9b, 0x28, 0xff, 0x96, 0xda, 0x9d, 0xb6, 0xc3, 0x46, 0xec, 0x11, 0x4e, 0x0f,
    0x5b, 0x8a, 0x31, 0x9f, 0x35, 0xab, 0xa6, 0x24, 0xda, 0x8c, 0xf6, 0xed, 0x4f, 0xb8, 0xa6, 0xfb,
];
/// The request every proof is for.
const HTM: &str = "GET";
const HTU: &str = "https://api.example.com/orders";
const JTI: &str = "e1j3V_bKic8-LAEB";

/// Our profiles measured here.
const PROFILES: [&str; 2] = ["jwt", "compact"];

/// A replay check that accepts every `jti`: a benchmark's test double (the same proof is
/// verified on every call). A server's store is its own, shared and bounded.
pub struct AcceptAll;

impl ReplayCheck for AcceptAll {
    fn check_and_store(&self, _jti: &str, _until: u64, _now: u64) -> compact_token::Result<()> {
        Ok(())
    }
}

/// Every operation name [`build`] knows, in report order.
pub fn names() -> Vec<String> {
    let mut v = Vec::new();
    for p in PROFILES {
        for what in [
            "dpop-{p}-verify",
            "bare-dpop-verify:{p}",
            "dpop-{p}-verify-ed",
            "bare-dpop-verify-ed:{p}",
        ] {
            v.push(what.replace("{p}", p));
        }
    }
    v.push("dpop-proof-issue".into());
    v.push("bare-dpop-sign".into());
    v
}

/// The operation `name` is read against: the bare signature checks over the same bytes.
pub fn baseline(name: &str) -> Option<String> {
    match name.split('-').collect::<Vec<_>>()[..] {
        ["dpop", p, "verify"] => Some(format!("bare-dpop-verify:{p}")),
        ["dpop", p, "verify", "ed"] => Some(format!("bare-dpop-verify-ed:{p}")),
        ["dpop", "proof", "issue"] => Some("bare-dpop-sign".into()),
        _ => None,
    }
}

/// The server's Ed25519 key for access tokens (the sample seed).
fn server_key() -> Ed25519SigningKey {
    Ed25519SigningKey::from_seed(&ED25519_SEED, KeyUse::Access)
}

/// The sample access token in `profile`, bound to `client`.
fn bound_token(profile: &str, client: &dyn ProofSigningKey) -> String {
    let mut extras = [0u8; 128];
    let mut w = ExtrasWriter::new(&mut extras);
    dpop::bind(&client.proof_key(), &mut w).expect("binds");
    let mut claims = access_claims();
    claims.extra = w.finish().expect("extras");
    let mut buf = [0u8; 4096];
    let key = server_key();
    match profile {
        "jwt" => jwt::issue_access(&claims, &key, &Limits::ACCESS, &mut buf),
        _ => compact::issue_access(&claims, &key, &Limits::ACCESS, &Registry::EMPTY, &mut buf),
    }
    .expect("ours issues the bound sample")
    .to_string()
}

/// The proof's claims for a request with `token`.
fn proof_claims(token: &str) -> ProofClaims<'_> {
    ProofClaims {
        htm: HTM,
        htu: HTU,
        iat: NOW,
        jti: JTI,
        access_token: Some(token),
        nonce: None,
    }
}

fn proof(client: &dyn ProofSigningKey, token: &str) -> String {
    let mut buf = [0u8; dpop::MAX_PROOF_LEN];
    dpop::issue_proof(client, &proof_claims(token), &mut buf)
        .expect("issues the proof")
        .to_string()
}

/// A bare check of the proof's signature over its signing input.
type ProofCheck = Box<dyn Fn(&[u8]) + Send>;

/// Builds the operation `name` (see [`names`]), or `None` for a name it does not know.
pub fn build(name: &str) -> Option<Op> {
    let (head, source) = name.split_once(':').unwrap_or((name, ""));
    let (bare, p, ed) = match head.split('-').collect::<Vec<_>>()[..] {
        ["dpop", "proof", "issue"] | ["bare", "dpop", "sign"] => return issue_op(name),
        ["dpop", p, "verify"] => (false, p, false),
        ["dpop", p, "verify", "ed"] => (false, p, true),
        ["bare", "dpop", "verify"] => (true, source, false),
        ["bare", "dpop", "verify", "ed"] => (true, source, true),
        _ => return None,
    };
    let p: &'static str = match p {
        "jwt" => "jwt",
        "compact" => "compact",
        _ => return None,
    };
    let es_client = es_key();
    let ed_client = Ed25519SigningKey::from_seed(&PROOF_ED_SEED, KeyUse::Access);
    let client: &dyn ProofSigningKey = if ed { &ed_client } else { &es_client };
    let token = bound_token(p, client);
    let proof = proof(client, &token);
    if bare {
        let t = jws_signed_parts(&token);
        let pr = jws_signed_parts(&proof);
        let server = ed25519_dalek::SigningKey::from_bytes(&ED25519_SEED).verifying_key();
        let t_sig = ed25519_dalek::Signature::from_slice(&t.signature).ok()?;
        let (t_msg, p_msg) = (t.message, pr.message);
        // The proof's own check: dalek `verify_strict` or p256 `verify`, key parsed once.
        let proof_check: ProofCheck = if ed {
            let pk = ed25519_dalek::SigningKey::from_bytes(&PROOF_ED_SEED).verifying_key();
            let sig = ed25519_dalek::Signature::from_slice(&pr.signature).ok()?;
            Box::new(move |msg| {
                black_box(&pk)
                    .verify_strict(msg, &sig)
                    .expect("proof verifies")
            })
        } else {
            let pk = *p256::ecdsa::SigningKey::from_slice(&es_d())
                .ok()?
                .verifying_key();
            let sig = p256::ecdsa::Signature::from_slice(&pr.signature).ok()?;
            Box::new(move |msg| black_box(&pk).verify(msg, &sig).expect("proof verifies"))
        };
        return Some(op(name, move || {
            black_box(&server)
                .verify_strict(black_box(&t_msg), &t_sig)
                .expect("token verifies");
            proof_check(black_box(&p_msg));
        }));
    }
    let vk = server_key().verifying_key();
    let mut scratch = vec![0u8; 4096];
    Some(op(name, move || {
        let policy = AccessPolicy::new(ISSUER, API_AUDIENCE);
        let request = ProofPolicy::new(HTM, HTU, &AcceptAll);
        let profile = if p == "jwt" {
            Profile::Jwt
        } else {
            Profile::Compact(&Registry::EMPTY)
        };
        let presented = Presented {
            token: black_box(&token),
            proof: Some(black_box(&proof)),
        };
        let verified = dpop::verify_access(
            presented,
            &vk,
            profile,
            &policy,
            &request,
            NOW,
            &mut scratch,
        );
        black_box(verified.expect("verifies"));
    }))
}

/// `dpop-proof-issue`: an ES256 proof with `ath` for the bound `jwt` token;
/// `bare-dpop-sign`: p256 signing that proof's signing input.
fn issue_op(name: &str) -> Option<Op> {
    let client = es_key();
    let token = bound_token("jwt", &client);
    if name == "bare-dpop-sign" {
        let msg = jws_signed_parts(&proof(&client, &token)).message;
        let sk = p256::ecdsa::SigningKey::from_slice(&es_d()).ok()?;
        return Some(op(name, move || {
            let s: p256::ecdsa::Signature = black_box(&sk).sign(black_box(&msg));
            black_box(s);
        }));
    }
    let mut buf = vec![0u8; dpop::MAX_PROOF_LEN];
    Some(op(name, move || {
        let claims = proof_claims(black_box(&token));
        black_box(dpop::issue_proof(&client, &claims, &mut buf).expect("issues"));
    }))
}
