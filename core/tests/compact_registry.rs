//! The registry fingerprint of the `compact` profile (FORMAT.md, "Registry"): its length,
//! its bytes re-derived here from the specification with an independent SHA-256 call, and
//! the two attacks a short fingerprint allowed. Version 1 carried 4 bytes, so two registries
//! with equal fingerprints took a second to find; `tests/data/compact/v1-fingerprint-
//! collision.json` holds such a pair, and a token for one audience must not verify as a
//! token for the other. Version-1 tokens are refused outright.

mod compact_common;

use compact_common::*;
use compact_token::{
    AccessClaims, AccessPolicy, Ed25519SigningKey, Error, FINGERPRINT_LEN, Hs256Key, IdPolicy,
    KeyUse, Limits, Registry, SigningKey, VerifyingKey, compact,
};
use serde_json::Value;

fn data(name: &str) -> Value {
    let path = format!("{}/tests/data/compact/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn fingerprint_is_128_bits() {
    assert_eq!(FINGERPRINT_LEN, 16);
    assert_eq!(compact::VERSION, 2);
    assert_eq!((compact::ACCESS_TAG, compact::ID_TAG), (0x88, 0x89));
}

#[test]
fn fingerprint_is_the_specified_hash() {
    let collision = data("v1-fingerprint-collision.json");
    let lists = [
        vec![],
        REGISTERED.to_vec(),
        str_list(&collision["registry_a"]),
        str_list(&collision["registry_b"]),
    ];
    for values in &lists {
        let got = hex(&Registry::new(values).unwrap().fingerprint());
        assert_eq!(got, spec_fingerprint(DOMAIN_V2, values, 16), "{values:?}");
    }
    assert_eq!(
        hex(&Registry::EMPTY.fingerprint()),
        spec_fingerprint(DOMAIN_V2, &[], 16)
    );
    // The values FORMAT.md prints, computed there with Python's hashlib.
    assert_eq!(
        hex(&Registry::EMPTY.fingerprint()),
        "ef60478193a8c657a466f39f18f68738"
    );
    assert_eq!(
        hex(&registry().fingerprint()),
        "f2da7df730036231eed798716dc78359"
    );
}

/// Two registries with equal version-1 fingerprints, where number 1 is `api-a` in one and
/// `api-b` in the other. Under version 1 a token issued for `api-a` verified at `api-b`,
/// its audience read as `api-b`. Now the fingerprints differ and the token is refused.
#[test]
fn colliding_v1_registries_are_told_apart() {
    let collision = data("v1-fingerprint-collision.json");
    let (a, b) = (
        str_list(&collision["registry_a"]),
        str_list(&collision["registry_b"]),
    );
    // The data really is a version-1 collision between different lists.
    assert_ne!(a, b);
    assert_eq!(
        spec_fingerprint(DOMAIN_V1, &a, 4),
        collision["fingerprint_v1"]
    );
    assert_eq!(
        spec_fingerprint(DOMAIN_V1, &b, 4),
        collision["fingerprint_v1"]
    );

    let (reg_a, reg_b) = (Registry::new(&a).unwrap(), Registry::new(&b).unwrap());
    let sample = access();
    let claims = AccessClaims::new(
        a[0],
        sample.sub,
        a[1],
        sample.client_id,
        IAT,
        sample.exp,
        sample.jti,
    );
    let api_b = b[1];

    let ed = ed_key(KeyUse::Access);
    at_a_not_at_b(&ed, &ed.verifying_key(), &claims, &reg_a, &reg_b, api_b);
    let hs = hs_key(KeyUse::Access);
    at_a_not_at_b(&hs, &hs, &claims, &reg_a, &reg_b, api_b);
}

/// Issues `claims` under `reg_a`: the token verifies at its audience under `reg_a`, and is
/// refused at `api_b` under `reg_b` before any number is read.
fn at_a_not_at_b<S: SigningKey, V: VerifyingKey>(
    key: &S,
    vk: &V,
    claims: &AccessClaims<&str>,
    reg_a: &Registry<'_>,
    reg_b: &Registry<'_>,
    api_b: &str,
) {
    let mut buf = [0u8; 1024];
    let token = compact::issue_access(claims, key, &Limits::ACCESS, reg_a, &mut buf).unwrap();
    let mut scratch = [0u8; 1024];
    let api_a = claims.aud.as_slice()[0];
    let policy = AccessPolicy::new(claims.iss, api_a);
    let got = compact::verify_access(token, vk, &policy, reg_a, IAT, &mut scratch);
    assert_eq!(got.map(|c| c.aud.as_slice()[0]), Ok(api_a));
    let policy = AccessPolicy::new(claims.iss, api_b);
    let got = compact::verify_access(token, vk, &policy, reg_b, IAT, &mut scratch);
    assert_eq!(
        got.map(|c| c.aud.as_slice()[0]),
        Err(Error::RegistryMismatch)
    );
}

/// Every version-1 vector (the vectors file as it was for version 1) is refused as a version
/// this library does not read, whatever its kind, key or registry.
#[test]
fn version_1_tokens_are_refused() {
    let vectors = data("vectors-v1.json");
    let vectors = vectors.as_array().unwrap();
    assert_eq!(vectors.len(), 6);
    for v in vectors {
        let name = v["name"].as_str().unwrap();
        let token = v["token"].as_str().unwrap();
        let values = str_list(&v["registry"]);
        let reg = Registry::new(&values).unwrap();
        let claims = &v["claims"];
        let (iss, aud) = (
            claims["iss"].as_str().unwrap(),
            claims["aud"][0].as_str().unwrap(),
        );
        let got = match v["alg"].as_str().unwrap() {
            "EdDSA" => {
                let seed: [u8; 32] = unhex(v["key"].as_str().unwrap()).try_into().unwrap();
                let key = Ed25519SigningKey::from_seed(&seed, KeyUse::AccessAndId);
                verify_any(v, token, &key.verifying_key(), iss, aud, &reg)
            }
            _ => {
                let secret = unhex(v["key"].as_str().unwrap());
                let key = Hs256Key::from_secret(&secret, KeyUse::AccessAndId).unwrap();
                verify_any(v, token, &key, iss, aud, &reg)
            }
        };
        assert_eq!(got, Err(Error::UnsupportedVersion), "{name}");
    }
}

fn verify_any<K: VerifyingKey>(
    v: &Value,
    token: &str,
    key: &K,
    iss: &str,
    aud: &str,
    reg: &Registry<'_>,
) -> Result<(), Error> {
    let mut scratch = [0u8; 4096];
    if v["kind"] == "access" {
        let p = AccessPolicy::new(iss, aud);
        compact::verify_access(token, key, &p, reg, IAT, &mut scratch).map(|_| ())
    } else {
        let p = IdPolicy::new(iss, aud);
        compact::verify_id(token, key, &p, reg, IAT, &mut scratch).map(|_| ())
    }
}
