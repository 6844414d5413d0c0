//! Shared fixtures for the integration tests: the brief's sample claims and fixed keys.
#![allow(dead_code)]

use compact_token::{
    AccessClaims, AccessPolicy, Ed25519SigningKey, Hs256Key, IdClaims, IdPolicy, KeyUse,
};

pub const ISS: &str = "https://auth.example.com";
pub const AUD: &str = "https://api.example.com";
pub const CLIENT: &str = "s6BhdRkqt3";
pub const NOW: u64 = 1_764_000_000;
pub const NONCE: &str = "n-0S6_WzA2Mj";

pub fn ed_key(use_: KeyUse) -> Ed25519SigningKey {
    Ed25519SigningKey::from_seed(&[0x42; 32], use_)
}

pub fn hs_key(use_: KeyUse) -> Hs256Key {
    Hs256Key::from_secret(&[0x24; 32], use_).unwrap()
}

pub fn access_claims(iat: u64) -> AccessClaims<&'static str> {
    let mut c = AccessClaims::new(
        ISS,
        "user-8f14e45f",
        AUD,
        CLIENT,
        iat,
        iat + 300,
        "b1c2d3e4f5a6b7c8",
    );
    c.scope = Some("read:orders write:orders");
    c
}

pub fn id_claims(iat: u64) -> IdClaims<&'static str> {
    let mut c = IdClaims::new(ISS, "user-8f14e45f", CLIENT, iat, iat + 3600);
    c.auth_time = Some(iat - 60);
    c.nonce = Some(NONCE);
    c.azp = Some(CLIENT);
    c.name = Some("Jane Doe");
    c.given_name = Some("Jane");
    c.family_name = Some("Doe");
    c.email = Some("jane.doe@example.com");
    c.email_verified = Some(true);
    c.picture = Some("https://example.com/jane.jpg");
    c.locale = Some("en-US");
    c
}

pub fn access_policy() -> AccessPolicy<'static> {
    AccessPolicy::new(ISS, AUD)
}

pub fn id_policy() -> IdPolicy<'static> {
    IdPolicy::new(ISS, CLIENT).expect_nonce(NONCE)
}

pub fn b64(s: &str) -> Vec<u8> {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::decode_vec(s).unwrap()
}

pub fn b64e(bytes: &[u8]) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::encode_string(bytes)
}

/// The HMAC tag of `input` under [`hs_key`]'s secret, base64url.
pub fn mac(input: &str) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(&[0x24; 32]).unwrap();
    m.update(input.as_bytes());
    b64e(&m.finalize().into_bytes())
}

/// Signs two raw segment strings as given (not re-encoded) with [`hs_key`]'s secret,
/// bypassing every check of ours.
pub fn forge_segments(header: &str, payload: &str) -> String {
    let input = format!("{header}.{payload}");
    format!("{input}.{}", mac(&input))
}

/// A validly signed HS256 token (under [`hs_key`]'s secret) with any header and payload.
pub fn forge_hs(header: &str, payload: &[u8]) -> String {
    forge_segments(&b64e(header.as_bytes()), &b64e(payload))
}

/// An HS256 key (with [`hs_key`]'s secret) that counts its signature checks: proves a
/// refusal came before any crypto.
pub struct Tripwire {
    key: Hs256Key,
    /// Signature checks so far.
    pub checks: std::cell::Cell<usize>,
}

impl Tripwire {
    pub fn new() -> Self {
        Self {
            key: hs_key(KeyUse::AccessAndId),
            checks: std::cell::Cell::new(0),
        }
    }
}

impl compact_token::VerifyingKey for Tripwire {
    fn algorithm(&self) -> compact_token::Algorithm {
        compact_token::Algorithm::HS256
    }
    fn key_id(&self) -> Option<&str> {
        None
    }
    fn key_use(&self) -> KeyUse {
        KeyUse::AccessAndId
    }
    fn verify(&self, input: &[u8], signature: &[u8]) -> Result<(), compact_token::Error> {
        self.checks.set(self.checks.get() + 1);
        self.key.verify(input, signature)
    }
}
