//! FORMAT.md's test vectors, re-derived byte for byte: fixed keys and fixed claims must
//! give exactly the tokens in `tests/data/compact/vectors.json`, and those tokens must
//! verify back to the same claims.
//!
//! The file was generated from the implementation with
//! `REGENERATE_COMPACT_VECTORS=1 cargo test -p compact-token --test compact_vectors`, for
//! format version 1 and again for version 2. The registered vector's payload is annotated
//! by hand in FORMAT.md, and each version-2 payload is checked here against its version-1
//! one (`vectors-v1.json`, kept as it was): the same bytes but for the tag's version and
//! the fingerprint, which is re-derived from the specification.

mod compact_common;

use compact_common::*;
use compact_token::{
    AccessClaims, AccessPolicy, Ed25519SigningKey, Hs256Key, IdClaims, IdPolicy, KeyUse, Limits,
    Registry, SigningKey, VerifyingKey, compact,
};
use serde_json::{Value, json};

const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/compact/vectors.json"
);
const PATH_V1: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/compact/vectors-v1.json"
);

fn read_vectors(path: &str) -> Vec<Value> {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The vectors' inputs: name, algorithm, kid, registry, claims (JSON, as the jwt profile
/// writes them).
/// name, algorithm, kid, registry values, claims.
type Input = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Vec<&'static str>,
    Value,
);

fn inputs() -> Vec<Input> {
    let full = serde_json::to_value(access()).unwrap();
    let id_full = serde_json::to_value(id()).unwrap();
    let mut edge = AccessClaims::new(
        "https://issuer.example",
        "Zoë 😀",
        API,
        "ABC123",
        IAT,
        IAT + 60,
        "0123456789abcdef0123456789abcdef",
    );
    edge.aud.push("urn:example:second").unwrap();
    edge.nbf = Some(IAT - 5);
    edge.auth_time = Some(IAT - 3600);
    edge.acr = Some("urn:mace:incommon:iap:silver");
    edge.amr.push("pwd").unwrap();
    edge.amr.push("otp").unwrap();
    edge.scope = Some("read:orders  custom:Scope ");
    let mut id_edge = IdClaims::new(ISSUER, "248289761001", CLIENT, IAT, IAT + 600);
    id_edge.aud.push("other-client").unwrap();
    id_edge.azp = Some(CLIENT);
    id_edge.email_verified = Some(false);
    id_edge.phone_number = Some("+1 (555) 010-0199");
    id_edge.phone_number_verified = Some(true);
    id_edge.updated_at = Some(IAT - 86_400);
    id_edge.zoneinfo = Some("Europe/Paris");
    id_edge.c_hash = Some("LDktKdoQak3Pk0cnXxCltA");
    id_edge.name = Some("");
    vec![
        ("access-eddsa-full", "EdDSA", None, vec![], full.clone()),
        ("access-hs256-full", "HS256", None, vec![], full.clone()),
        (
            "access-eddsa-registered",
            "EdDSA",
            None,
            REGISTERED.to_vec(),
            full,
        ),
        ("id-eddsa-full", "EdDSA", None, vec![], id_full),
        (
            "access-eddsa-kid-edge",
            "EdDSA",
            Some("k1"),
            REGISTERED.to_vec(),
            serde_json::to_value(edge).unwrap(),
        ),
        (
            "id-hs256-registered-edge",
            "HS256",
            Some("2024-05"),
            vec![ISSUER, CLIENT],
            serde_json::to_value(id_edge).unwrap(),
        ),
    ]
}

// The claims types' `Deserialize` is written for `serde-json-core` (the `aud` visitor
// dispatches through `deserialize_ignored_any`), so the test reads the vector JSON itself.

fn strs(v: &Value) -> Vec<&str> {
    match v {
        Value::Array(a) => a.iter().map(|s| s.as_str().unwrap()).collect(),
        Value::String(s) => vec![s],
        _ => vec![],
    }
}

fn access_from(v: &Value) -> AccessClaims<&str> {
    let s = |k: &str| v[k].as_str();
    let n = |k: &str| v[k].as_u64();
    let aud = strs(&v["aud"]);
    let mut c = AccessClaims::new(
        s("iss").unwrap(),
        s("sub").unwrap(),
        aud[0],
        s("client_id").unwrap(),
        n("iat").unwrap(),
        n("exp").unwrap(),
        s("jti").unwrap(),
    );
    aud[1..].iter().for_each(|a| c.aud.push(a).unwrap());
    strs(&v["amr"])
        .into_iter()
        .for_each(|a| c.amr.push(a).unwrap());
    (c.nbf, c.auth_time) = (n("nbf"), n("auth_time"));
    (c.scope, c.acr) = (s("scope"), s("acr"));
    c
}

macro_rules! opt_strs {
    ($c:ident, $s:ident; $($f:ident),*) => { $( $c.$f = $s(stringify!($f)); )* };
}

fn id_from(v: &Value) -> IdClaims<&str> {
    let s = |k: &str| v[k].as_str();
    let n = |k: &str| v[k].as_u64();
    let b = |k: &str| v[k].as_bool();
    let aud = strs(&v["aud"]);
    let (iss, sub) = (s("iss").unwrap(), s("sub").unwrap());
    let mut c = IdClaims::new(iss, sub, aud[0], n("iat").unwrap(), n("exp").unwrap());
    aud[1..].iter().for_each(|a| c.aud.push(a).unwrap());
    strs(&v["amr"])
        .into_iter()
        .for_each(|a| c.amr.push(a).unwrap());
    (c.nbf, c.auth_time, c.updated_at) = (n("nbf"), n("auth_time"), n("updated_at"));
    (c.email_verified, c.phone_number_verified) = (b("email_verified"), b("phone_number_verified"));
    opt_strs!(c, s; nonce, acr, azp, at_hash, c_hash, name, given_name, family_name, middle_name,
        nickname, preferred_username, profile, picture, website, email, gender, birthdate,
        zoneinfo, locale, phone_number);
    c
}

/// Issues the vector's token.
fn issue(alg: &str, kid: Option<&str>, registry: &[&str], kind: &str, claims: &Value) -> String {
    let reg = Registry::new(registry).unwrap();
    let mut out = [0u8; 2048];
    match alg {
        "EdDSA" => {
            let mut key = Ed25519SigningKey::from_seed(&ED25519_SEED, KeyUse::AccessAndId);
            if let Some(kid) = kid {
                key = key.with_kid(kid).unwrap();
            }
            issue_with(&key, &reg, kind, claims, &mut out)
        }
        _ => {
            let mut key = Hs256Key::from_secret(&hmac_secret(), KeyUse::AccessAndId).unwrap();
            if let Some(kid) = kid {
                key = key.with_kid(kid).unwrap();
            }
            issue_with(&key, &reg, kind, claims, &mut out)
        }
    }
}

fn issue_with<K: SigningKey>(
    key: &K,
    reg: &Registry<'_>,
    kind: &str,
    claims: &Value,
    out: &mut [u8],
) -> String {
    if kind == "access" {
        compact::issue_access(&access_from(claims), key, &Limits::ACCESS, reg, out)
    } else {
        compact::issue_id(&id_from(claims), key, &Limits::ID, reg, out)
    }
    .unwrap()
    .to_owned()
}

/// Verifies the token and returns its claims as JSON.
fn verify<K: VerifyingKey>(
    key: &K,
    reg: &Registry<'_>,
    kind: &str,
    token: &str,
    claims: &Value,
) -> Value {
    let mut scratch = [0u8; 4096];
    let iss = claims["iss"].as_str().unwrap();
    let aud = match &claims["aud"] {
        Value::Array(a) => a[0].as_str().unwrap(),
        a => a.as_str().unwrap(),
    };
    let iat = claims["iat"].as_u64().unwrap();
    if kind == "access" {
        let p = AccessPolicy::new(iss, aud);
        serde_json::to_value(
            compact::verify_access(token, key, &p, reg, iat, &mut scratch).unwrap(),
        )
    } else {
        let p = IdPolicy::new(iss, aud);
        serde_json::to_value(compact::verify_id(token, key, &p, reg, iat, &mut scratch).unwrap())
    }
    .unwrap()
}

fn payload_hex(token: &str) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    let payload = token.split('.').nth(1).unwrap();
    let mut buf = [0u8; 2048];
    hex(Base64UrlUnpadded::decode(payload, &mut buf).unwrap())
}

fn kind_of(name: &str) -> &'static str {
    if name.starts_with("access") {
        "access"
    } else {
        "id"
    }
}

#[test]
fn vectors_are_rederived_byte_for_byte() {
    if std::env::var_os("REGENERATE_COMPACT_VECTORS").is_some() {
        let vectors: Vec<Value> = inputs()
            .into_iter()
            .map(|(name, alg, kid, registry, claims)| {
                let kind = kind_of(name);
                let token = issue(alg, kid, &registry, kind, &claims);
                let reg = Registry::new(&registry).unwrap();
                json!({
                    "name": name,
                    "kind": kind,
                    "alg": alg,
                    "key": if alg == "EdDSA" { hex(&ED25519_SEED) } else { hex(&hmac_secret()) },
                    "kid": kid,
                    "registry": registry,
                    "registry_fingerprint": hex(&reg.fingerprint()),
                    "claims": claims,
                    "payload_hex": payload_hex(&token),
                    "length": token.len(),
                    "token": token,
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&vectors).unwrap() + "\n";
        std::fs::write(PATH, text).unwrap();
    }
    let file = read_vectors(PATH);
    assert_eq!(file.len(), inputs().len());
    for v in &file {
        let name = v["name"].as_str().unwrap();
        let kind = v["kind"].as_str().unwrap();
        let alg = v["alg"].as_str().unwrap();
        let kid = v["kid"].as_str();
        let registry = str_list(&v["registry"]);
        let reg = Registry::new(&registry).unwrap();
        let claims = &v["claims"];
        let token = v["token"].as_str().unwrap();
        let key = unhex(v["key"].as_str().unwrap());
        assert_eq!(kind, kind_of(name));
        assert_eq!(hex(&reg.fingerprint()), v["registry_fingerprint"], "{name}");

        // Issuing the same claims with the same key gives the same token, byte for byte.
        let again = issue(alg, kid, &registry, kind, claims);
        assert_eq!(again, token, "{name}");
        assert_eq!(payload_hex(token), v["payload_hex"], "{name}");
        assert_eq!(token.len() as u64, v["length"], "{name}");

        // And the token verifies back to the same claims.
        let got = if alg == "EdDSA" {
            let k = Ed25519SigningKey::from_slice(&key, KeyUse::AccessAndId).unwrap();
            verify(&k.verifying_key(), &reg, kind, token, claims)
        } else {
            let k = Hs256Key::from_secret(&key, KeyUse::AccessAndId).unwrap();
            verify(&k, &reg, kind, token, claims)
        };
        assert_eq!(&got, claims, "{name}");
    }
}

/// Version 2 changed the tag's version (1 to 2) and the fingerprint (4 bytes under the
/// `v1` domain string to 16 under `v2`), nothing else: each version-2 payload is its
/// version-1 payload with exactly those bytes replaced.
#[test]
fn version_2_payloads_are_version_1_with_the_new_tag_and_fingerprint() {
    let (v1, v2) = (read_vectors(PATH_V1), read_vectors(PATH));
    assert_eq!(v1.len(), v2.len());
    for (old, new) in v1.iter().zip(&v2) {
        let name = new["name"].as_str().unwrap();
        for field in ["name", "kind", "alg", "key", "kid", "registry", "claims"] {
            assert_eq!(old[field], new[field], "{name}: {field}");
        }
        let values = str_list(&old["registry"]);
        let (fp1, fp2) = (
            spec_fingerprint(DOMAIN_V1, &values, 4),
            spec_fingerprint(DOMAIN_V2, &values, 16),
        );
        assert_eq!(old["registry_fingerprint"], fp1, "{name}");
        assert_eq!(new["registry_fingerprint"], fp2, "{name}");

        let mut payload = unhex(old["payload_hex"].as_str().unwrap());
        // Tag 10 0001 kk becomes 10 0010 kk.
        assert!(matches!(payload[0], 0x84 | 0x85), "{name}");
        payload[0] += 0x04;
        // The flags varint; when its bit 0 is set, the fingerprint follows.
        let flags_end = 2 + payload[1..].iter().take_while(|b| *b & 0x80 != 0).count();
        if payload[1] & 1 == 1 {
            let fp = flags_end..flags_end + 4;
            assert_eq!(hex(&payload[fp.clone()]), fp1, "{name}");
            payload.splice(fp, unhex(&fp2));
        }
        assert_eq!(hex(&payload), new["payload_hex"], "{name}");
    }
}
