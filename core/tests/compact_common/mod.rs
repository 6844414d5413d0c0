//! The brief's sample claims and fixed keys, shared by the `compact_*` tests.
#![allow(dead_code)]

use compact_token::{AccessClaims, Ed25519SigningKey, Hs256Key, IdClaims, KeyUse, Registry};

/// `iat` of the sample tokens (2025-11-24T16:00:00Z), as in `benches/src/sample.rs`.
pub const IAT: u64 = 1_764_000_000;
pub const ISSUER: &str = "https://auth.example.com";
pub const API: &str = "https://api.example.com";
pub const CLIENT: &str = "s6BhdRkqt3";

/// RFC 8032 §7.1 test 1 secret key.
pub const ED25519_SEED: [u8; 32] = [
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x7d, 0x69, 0x3b, 0x70, 0x19, 0x03, 0x1c, 0xae, 0x7f, 0x60, 0x19,
];

/// Bytes 0x00..=0x1f.
pub fn hmac_secret() -> [u8; 32] {
    core::array::from_fn(|i| i as u8)
}

pub fn ed_key(key_use: KeyUse) -> Ed25519SigningKey {
    Ed25519SigningKey::from_seed(&ED25519_SEED, key_use)
}

pub fn hs_key(key_use: KeyUse) -> Hs256Key {
    Hs256Key::from_secret(&hmac_secret(), key_use).unwrap()
}

/// The registered values of the sample: issuer, audience, scopes.
pub const REGISTERED: &[&str] = &[ISSUER, API, "read:orders", "write:orders"];

pub fn registry() -> Registry<'static> {
    Registry::new(REGISTERED).unwrap()
}

pub fn access() -> AccessClaims<&'static str> {
    let mut c = AccessClaims::new(
        ISSUER,
        "user-8f14e45f",
        API,
        CLIENT,
        IAT,
        IAT + 300,
        "b1c2d3e4f5a6b7c8",
    );
    c.scope = Some("read:orders write:orders");
    c
}

pub fn id() -> IdClaims<&'static str> {
    let mut c = IdClaims::new(ISSUER, "user-8f14e45f", CLIENT, IAT, IAT + 3600);
    c.auth_time = Some(IAT - 60);
    c.nonce = Some("n-0S6_WzA2Mj");
    c.azp = Some(CLIENT);
    c.at_hash = Some("77QmUPtjPfzWtF2AnpK9RQ");
    c.name = Some("Jane Doe");
    c.given_name = Some("Jane");
    c.family_name = Some("Doe");
    c.email = Some("jane.doe@example.com");
    c.email_verified = Some(true);
    c.picture = Some("https://example.com/jane.jpg");
    c.locale = Some("en-US");
    c
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of lowercase or uppercase hex `s` (even length).
pub fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// `v` as a postcard varint (unsigned LEB128), written from FORMAT.md.
pub fn varint(mut v: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return out;
        }
        out.push(b | 0x80);
    }
}

/// The fingerprint domain string of format version 1 (4-byte fingerprints; no longer read).
pub const DOMAIN_V1: &[u8] = b"compact-token registry v1\0";
/// The fingerprint domain string of format version 2 (16-byte fingerprints).
pub const DOMAIN_V2: &[u8] = b"compact-token registry v2\0";

/// FORMAT.md's fingerprint of `values`, in hex: SHA-256 over `domain || varint(count) ||
/// (varint(len) || value)*`, cut to `len` bytes. Written from the specification with its
/// own SHA-256 call, not through `Registry`, so the tests re-derive the fingerprint.
pub fn spec_fingerprint(domain: &[u8], values: &[&str], len: usize) -> String {
    use sha2::{Digest, Sha256};
    let mut input = domain.to_vec();
    input.extend(varint(values.len() as u64));
    for v in values {
        input.extend(varint(v.len() as u64));
        input.extend_from_slice(v.as_bytes());
    }
    hex(&Sha256::digest(&input)[..len])
}

/// A JSON array of strings, as the vector files hold registries.
pub fn str_list(v: &serde_json::Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect()
}
