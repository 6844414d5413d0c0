//! The brief's sample claims and keys, as plain data.
//!
//! Everything here is fixed so that every run, every peer and (later) our own
//! profiles sign exactly the same values with exactly the same keys. Nothing
//! here depends on any token library.

/// `iat` of both sample tokens (2025-11-24T16:00:00Z).
pub const IAT: u64 = 1_764_000_000;

/// The moment at which the benchmarks verify: one minute after issuance, so
/// both tokens are valid without any leeway.
pub const NOW: u64 = IAT + 60;

/// An RFC 9068 JWT access token's claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessClaims {
    /// `iss`
    pub iss: &'static str,
    /// `sub`
    pub sub: &'static str,
    /// `aud`
    pub aud: &'static str,
    /// `client_id`
    pub client_id: &'static str,
    /// `iat`, Unix seconds
    pub iat: u64,
    /// `exp`, Unix seconds
    pub exp: u64,
    /// `jti`
    pub jti: &'static str,
    /// `scope`, space separated
    pub scope: &'static str,
}

/// An OpenID Connect ID token's claims (OIDC Core §2 and the §5.1 profile claims).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdClaims {
    /// `iss`
    pub iss: &'static str,
    /// `sub`
    pub sub: &'static str,
    /// `aud`: the client the ID token is for
    pub aud: &'static str,
    /// `iat`, Unix seconds
    pub iat: u64,
    /// `exp`, Unix seconds
    pub exp: u64,
    /// `auth_time`, Unix seconds
    pub auth_time: u64,
    /// `nonce`
    pub nonce: &'static str,
    /// `azp`
    pub azp: &'static str,
    /// `at_hash`: base64url of the left half of SHA-256 of the access token
    pub at_hash: &'static str,
    /// `name`
    pub name: &'static str,
    /// `given_name`
    pub given_name: &'static str,
    /// `family_name`
    pub family_name: &'static str,
    /// `email`
    pub email: &'static str,
    /// `email_verified`
    pub email_verified: bool,
    /// `picture`
    pub picture: &'static str,
    /// `locale`
    pub locale: &'static str,
}

/// The issuer of both tokens.
pub const ISSUER: &str = "https://auth.example.com";
/// The resource server the access token is for.
pub const API_AUDIENCE: &str = "https://api.example.com";
/// The OAuth client: `client_id` of the access token, `aud` and `azp` of the ID token.
pub const CLIENT_ID: &str = "s6BhdRkqt3";

/// The sample access token.
pub const ACCESS: AccessClaims = AccessClaims {
    iss: ISSUER,
    sub: "user-8f14e45f",
    aud: API_AUDIENCE,
    client_id: CLIENT_ID,
    iat: IAT,
    exp: IAT + 300,
    jti: "b1c2d3e4f5a6b7c8",
    scope: "read:orders write:orders",
};

/// The sample ID token, issued with the access token above.
pub const ID: IdClaims = IdClaims {
    iss: ISSUER,
    sub: "user-8f14e45f",
    aud: CLIENT_ID,
    iat: IAT,
    exp: IAT + 3600,
    auth_time: IAT - 60,
    nonce: "n-0S6_WzA2Mj",
    azp: CLIENT_ID,
    // A fixed, plausible value: 16 bytes in 22 base64url characters. The
    // benchmarks measure size and speed, so it need not match a real token.
    at_hash: "77QmUPtjPfzWtF2AnpK9RQ",
    name: "Jane Doe",
    given_name: "Jane",
    family_name: "Doe",
    email: "jane.doe@example.com",
    email_verified: true,
    picture: "https://example.com/jane.jpg",
    locale: "en-US",
};

/// The Ed25519 private key seed every peer signs with (RFC 8032 §7.1, test 1).
pub const ED25519_SEED: [u8; 32] = [
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
];

/// The Ed25519 public key of [`ED25519_SEED`] (RFC 8032 §7.1, test 1).
pub const ED25519_PUBLIC: [u8; 32] = [
    0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
    0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
];

/// The 32-byte HS256 key every peer MACs with (bytes 0x00..=0x1f).
pub const HMAC_KEY: [u8; 32] = {
    let mut key = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        key[i] = i as u8;
        i += 1;
    }
    key
};

/// `iat` and `exp` written as RFC 3339, for formats (PASETO) that use dates.
pub fn rfc3339(unix: u64) -> String {
    // Civil-from-days (H. Hinnant), enough for the sample's fixed dates.
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3_600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_key_matches_seed() {
        let sk = ed25519_dalek::SigningKey::from_bytes(&ED25519_SEED);
        assert_eq!(sk.verifying_key().to_bytes(), ED25519_PUBLIC);
    }

    #[test]
    fn rfc3339_of_sample_times() {
        assert_eq!(rfc3339(IAT), "2025-11-24T16:00:00Z");
        assert_eq!(rfc3339(ACCESS.exp), "2025-11-24T16:05:00Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn sample_is_as_briefed() {
        assert_eq!(ACCESS.exp - ACCESS.iat, 300);
        assert_eq!(ID.exp - ID.iat, 3600);
        assert_eq!(ID.iat - ID.auth_time, 60);
        assert_eq!(ID.aud, ACCESS.client_id);
        assert_eq!(ID.at_hash.len(), 22);
        assert_eq!(HMAC_KEY[31], 31);
    }
}
