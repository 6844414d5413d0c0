//! The product brief's sample claims and the keys to sign them: what `ctok demo` and
//! `ctok compare` (crate `ctok`), the benchmarks and the tests issue.

use compact_token::{AccessClaims, Ed25519SigningKey, Hs256Key, IdClaims, KeyUse};

use crate::error::Result;
use crate::keys;

/// The sample claims' values, as in the product brief and `benches/src/sample.rs`.
pub mod sample {
    /// `iss`.
    pub const ISSUER: &str = "https://auth.example.com";
    /// `sub`.
    pub const SUBJECT: &str = "user-8f14e45f";
    /// `aud` of the access token.
    pub const AUDIENCE: &str = "https://api.example.com";
    /// `client_id`, and the ID token's `aud` and `azp`.
    pub const CLIENT_ID: &str = "s6BhdRkqt3";
    /// `jti`.
    pub const JTI: &str = "b1c2d3e4f5a6b7c8";
    /// `scope`.
    pub const SCOPE: &str = "read:orders write:orders";
    /// The ID token's `nonce`.
    pub const NONCE: &str = "n-0S6_WzA2Mj";
    /// Access-token lifetime, seconds.
    pub const ACCESS_LIFETIME: u64 = 300;
    /// ID-token lifetime, seconds.
    pub const ID_LIFETIME: u64 = 3600;
    /// How long before `now` the user authenticated (`auth_time`), seconds.
    pub const AUTH_AGE: u64 = 60;
    /// The compact profile's registry both sides hold: the issuer, the audience and the two
    /// scope names, numbered 0 to 3.
    pub const REGISTERED: [&str; 4] = [ISSUER, AUDIENCE, "read:orders", "write:orders"];
}

/// The keys the demo signs with: one Ed25519 key for both kinds (so that an ID token
/// offered as an access token is refused for its kind, not its key) and an HS256 secret
/// for access tokens. No `kid`, to compare sizes with other libraries' plain JWTs.
#[derive(Debug, Clone)]
pub struct DemoKeys {
    /// Signs access and ID tokens.
    pub ed25519: Ed25519SigningKey,
    /// Signs access tokens.
    pub hs256: Hs256Key,
}

impl DemoKeys {
    /// Fresh keys from the OS RNG.
    pub fn generate() -> Result<Self> {
        Ok(Self {
            ed25519: keys::generate_ed25519(KeyUse::AccessAndId)?,
            hs256: keys::generate_hs256(KeyUse::Access)?,
        })
    }

    /// Keys from fixed bytes, for reproducible runs.
    pub fn from_bytes(ed25519_seed: &[u8; 32], hs256_secret: &[u8]) -> Result<Self> {
        Ok(Self {
            ed25519: Ed25519SigningKey::from_seed(ed25519_seed, KeyUse::AccessAndId),
            hs256: Hs256Key::from_secret(hs256_secret, KeyUse::Access)?,
        })
    }
}

/// The sample access-token claims at `now`.
pub fn access_claims(now: u64) -> AccessClaims<&'static str> {
    use sample::*;
    let mut claims = AccessClaims::new(
        ISSUER,
        SUBJECT,
        AUDIENCE,
        CLIENT_ID,
        now,
        now + ACCESS_LIFETIME,
        JTI,
    );
    claims.scope = Some(SCOPE);
    claims
}

/// The sample ID-token claims at `now`, bound to an access token by its `at_hash`.
pub fn id_claims(now: u64, at_hash: &str) -> IdClaims<&str> {
    use sample::*;
    let mut claims = IdClaims::new(ISSUER, SUBJECT, CLIENT_ID, now, now + ID_LIFETIME);
    claims.auth_time = Some(now.saturating_sub(AUTH_AGE));
    claims.nonce = Some(NONCE);
    claims.azp = Some(CLIENT_ID);
    claims.at_hash = Some(at_hash);
    claims.name = Some("Jane Doe");
    claims.given_name = Some("Jane");
    claims.family_name = Some("Doe");
    claims.email = Some("jane.doe@example.com");
    claims.email_verified = Some(true);
    claims.picture = Some("https://example.com/jane.jpg");
    claims.locale = Some("en-US");
    claims
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_claims_are_the_briefs() {
        let access = access_claims(1_764_000_000);
        assert_eq!((access.iat, access.exp), (1_764_000_000, 1_764_000_300));
        assert_eq!(access.scope, Some(sample::SCOPE));
        let id = id_claims(1_764_000_000, "h");
        assert_eq!((id.auth_time, id.at_hash), (Some(1_763_999_940), Some("h")));
        assert_eq!(id.aud.as_slice(), [sample::CLIENT_ID]);
    }
}
