//! Differential against the `jsonwebtoken` crate (11.1, rust_crypto) in the `jwt` profile:
//! a valid token of ours, mutated as the input says and re-signed, is verified by both with
//! the same key, issuer and audience. Their time checks are off (they read the system
//! clock); ours run at the fixed clock and each time refusal is checked against the claims.
//! Accept/refuse must agree, and claims decoded by both must be equal, unless the
//! disagreement is a deliberate strictness listed in README.md (see `diff::explain_*`).
#![no_main]

use compact_token::{Algorithm as OurAlg, SigningKey, VerifyingKey, jwt};
use compact_token_fuzz::diff::{self, Input};
use compact_token_fuzz::*;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn theirs(token: &str, id: bool, alg: OurAlg) -> Result<Value, jsonwebtoken::errors::Error> {
    let (alg, key) = match alg {
        OurAlg::EdDSA => (
            Algorithm::EdDSA,
            DecodingKey::from_ed_components(&b64(&ed_public().to_bytes())).expect("key"),
        ),
        _ => (Algorithm::HS256, DecodingKey::from_secret(&HS_SECRET)),
    };
    let mut v = Validation::new(alg);
    v.set_audience(&[if id { CLIENT } else { AUD }]);
    v.set_issuer(&[ISS]);
    v.set_required_spec_claims::<&str>(&[]);
    v.validate_exp = false;
    v.validate_nbf = false;
    v.leeway = 30;
    decode::<Value>(token, &key, &v).map(|d| d.claims)
}

fn ours(token: &str, id: bool, key: &dyn VerifyingKey) -> Result<Value, compact_token::Error> {
    let mut s = vec![0u8; BUF];
    let (iat, exp, nbf, max_life, v) = if id {
        let c = jwt::verify_id(token, key, &id_policy(), NOW, &mut s)?;
        (
            c.iat,
            c.exp,
            c.nbf,
            id_policy().limits.max_lifetime,
            serde_json::to_value(&c),
        )
    } else {
        let c = jwt::verify_access(token, key, &access_policy(), NOW, &mut s)?;
        (
            c.iat,
            c.exp,
            c.nbf,
            access_policy().limits.max_lifetime,
            serde_json::to_value(&c),
        )
    };
    // Accepted: the times must allow it at the fixed clock (leeway 30).
    assert!(
        exp + 30 > NOW && iat <= NOW + 30 && nbf.is_none_or(|n| n <= NOW + 30),
        "{token}"
    );
    assert!(exp > iat && exp - iat <= max_life, "{token}");
    Ok(v.expect("claims serialise"))
}

fuzz_target!(|data: &[u8]| {
    with(data, |input: Input| {
        let (ed, hs) = (ed(), hs());
        let (signer, verifier): (&dyn SigningKey, &dyn VerifyingKey) = if input.hs {
            (&hs, &hs)
        } else {
            (&ed, &ed.verifying_key())
        };
        let ed_v = ed.verifying_key();
        let verifier = if input.hs { verifier } else { &ed_v };
        let (token, facts) = diff::build(&input, signer);
        let o = ours(&token, input.id, verifier);
        let t = theirs(&token, input.id, signer.algorithm());
        match (o, t) {
            (Ok(o), Ok(t)) => diff::compare_claims(o, t, &token),
            (Err(_), Err(_)) => {}
            (Err(e), Ok(_)) => {
                if diff::explain_refusal(e, &token, input.id, &facts).is_none() {
                    panic!("we refuse ({e:?}), jsonwebtoken accepts: {token}\n{facts:?}");
                }
            }
            (Ok(_), Err(te)) => {
                if diff::explain_acceptance(&token).is_none() {
                    panic!("we accept, jsonwebtoken refuses ({te:?}): {token}\n{facts:?}");
                }
            }
        }
    })
});
