//! Custom claims with PyJWT and `jose` (issue 16): string, integer, boolean, string-array,
//! Keycloak-shaped nested objects and URI-named claims, both ways, with every value read back
//! equal. The peers are driven as in `peers.rs` (and fail the test when not installed).

mod peer;

use compact_token::{
    AccessClaims, AccessPolicy, Ed25519SigningKey, Extras, Hs256Key, KeyUse, Limits, Require, jwt,
};
use peer::{ALL, ok, token};
use serde_json::{Map, Value, json};

const ISS: &str = "https://auth.example.com";
const AUD: &str = "https://api.example.com";
const CLIENT: &str = "s6BhdRkqt3";
const NOW: u64 = 1_764_000_000;
const ED_SEED: [u8; 32] = [0x11; 32];
const HS_SECRET: [u8; 32] = [0x22; 32];

fn extras() -> Value {
    json!({
        "tenant": "acme",
        "level": 42,
        "debt": -7,
        "mfa": true,
        "roles": ["admin", "user/ops", "é😀"],
        "realm_access": {"roles": ["offline_access", "uma_authorization"]},
        "resource_access": {"account": {"roles": ["manage-account", "view-profile"]}},
        "https://example.com/claims/tenant": "acme-eu",
        "cnf": {"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}
    })
}

fn claims_json() -> Value {
    let mut claims = json!({
        "iss": ISS, "sub": "u-1", "aud": AUD, "client_id": CLIENT,
        "iat": NOW, "exp": NOW + 300, "jti": "j-1"
    });
    for (k, v) in extras().as_object().unwrap() {
        claims[k] = v.clone();
    }
    claims
}

fn ed() -> Ed25519SigningKey {
    Ed25519SigningKey::from_seed(&ED_SEED, KeyUse::Access)
}

fn hs() -> Hs256Key {
    Hs256Key::from_secret(&HS_SECRET, KeyUse::Access).unwrap()
}

/// Every custom claim of a verified token, as `serde_json` reads its value.
fn read_back(extra: &Extras<&str>) -> Value {
    let mut out = Map::new();
    for (name, value) in extra.iter() {
        out.insert(name.to_string(), serde_json::from_str(value.raw()).unwrap());
    }
    Value::Object(out)
}

#[test]
fn their_custom_claims_verify_in_ours_with_every_value_equal() {
    let needs = [
        Require::contains(&["roles"], "admin"),
        Require::contains(&["realm_access", "roles"], "offline_access"),
        Require::equals(&["https://example.com/claims/tenant"], "acme-eu"),
        Require::is_true(&["mfa"]),
    ];
    let policy = AccessPolicy::new(ISS, AUD).require_claims(&needs);
    for p in ALL {
        let r = p.batch(&[
            json!({"op": "issue", "alg": "EdDSA",
                   "key": peer::ed25519_private_jwk(&ED_SEED, &ed().verifying_key().to_bytes()),
                   "header": {"typ": "at+jwt"}, "claims": claims_json()}),
            json!({"op": "issue", "alg": "HS256", "key": peer::oct_jwk(&HS_SECRET),
                   "header": {"typ": "at+jwt"}, "claims": claims_json()}),
        ]);
        let keys: [&dyn compact_token::VerifyingKey; 2] = [&ed().verifying_key(), &hs()];
        for (response, key) in r.iter().zip(keys) {
            let t = token(p, response);
            let mut scratch = [0u8; 4096];
            let v = jwt::verify_access(&t, key, &policy, NOW + 10, &mut scratch)
                .unwrap_or_else(|e| panic!("{}: {e:?}", p.name()));
            assert_eq!(read_back(&v.extra), extras(), "{}", p.name());
            assert_eq!(v.extra.get("level").unwrap().as_i64(), Some(42));
            assert_eq!(v.extra.get("debt").unwrap().as_i64(), Some(-7));
            assert_eq!(v.sub, "u-1");
        }
    }
}

#[test]
fn our_custom_claims_verify_in_theirs_with_every_value_equal() {
    let text = serde_json::to_string(&extras()).unwrap();
    let mut claims = AccessClaims::new(ISS, "u-1", AUD, CLIENT, NOW, NOW + 300, "j-1");
    claims.extra = Extras::from_json(&text).unwrap();
    let mut b1 = [0u8; 1024];
    let mut b2 = [0u8; 1024];
    let t_ed = jwt::issue_access(&claims, &ed(), &Limits::ACCESS, &mut b1).unwrap();
    let t_hs = jwt::issue_access(&claims, &hs(), &Limits::ACCESS, &mut b2).unwrap();
    for p in ALL {
        let verify = |alg: &str, key: Value, t: &str| {
            json!({"op": "verify", "alg": alg, "key": key, "token": t, "audience": AUD,
                   "issuer": ISS, "typ": "at+jwt", "now": NOW + 10})
        };
        let r = p.batch(&[
            verify(
                "EdDSA",
                peer::ed25519_public_jwk(&ed().verifying_key().to_bytes()),
                t_ed,
            ),
            verify("HS256", peer::oct_jwk(&HS_SECRET), t_hs),
        ]);
        for response in &r {
            let got = ok(p, "verify", response);
            for (k, v) in extras().as_object().unwrap() {
                assert_eq!(&got["claims"][k], v, "{} {k}", p.name());
            }
        }
    }
}
