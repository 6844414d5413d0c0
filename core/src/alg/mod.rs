//! Signature algorithms and the keys that pin them.
//!
//! A key knows its algorithm, its optional key id and the kinds of token it may sign or
//! verify. The token's header never chooses: it can only agree with the key.

mod eddsa;
mod es256;
mod hs256;
#[cfg(feature = "rsa")]
mod rsassa;

pub use eddsa::{Ed25519SigningKey, Ed25519VerifyingKey};
pub use es256::{Es256SigningKey, Es256VerifyingKey};
pub use hs256::Hs256Key;
#[cfg(feature = "rsa")]
pub use rsassa::{MAX_RSA_BITS, MIN_RSA_BITS, RsaSigningKey, RsaVerifyingKey};

use crate::error::{Error, Result};
use crate::kind::Kind;

/// The longest signature of any supported algorithm: 64 bytes (Ed25519, ES256), or 512
/// with the `rsa` feature (a 4096-bit modulus).
#[cfg(not(feature = "rsa"))]
pub const MAX_SIGNATURE_LEN: usize = 64;
/// The longest signature of any supported algorithm: 64 bytes (Ed25519, ES256), or 512
/// with the `rsa` feature (a 4096-bit modulus).
#[cfg(feature = "rsa")]
pub const MAX_SIGNATURE_LEN: usize = rsassa::MAX_RSA_BITS / 8;
/// The longest key id a key may carry, in bytes.
pub const MAX_KID_LEN: usize = 64;

/// A key id (`kid`), at most [`MAX_KID_LEN`] bytes.
pub type KeyId = heapless::String<MAX_KID_LEN>;

/// The signature algorithms this crate implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// Ed25519 (RFC 8037), strict verification.
    EdDSA,
    /// HMAC-SHA-256 (RFC 7518 §3.2), constant-time tag comparison.
    HS256,
    /// ECDSA with P-256 and SHA-256 (RFC 7518 §3.4): 64-byte `r || s` signatures.
    ES256,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3). Keys need the `rsa` feature.
    RS256,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt (RFC 7518 §3.5). Keys need
    /// the `rsa` feature.
    PS256,
}

impl Algorithm {
    /// The JOSE `alg` name this crate writes.
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::EdDSA => "EdDSA",
            Algorithm::HS256 => "HS256",
            Algorithm::ES256 => "ES256",
            Algorithm::RS256 => "RS256",
            Algorithm::PS256 => "PS256",
        }
    }

    /// The signature length in bytes; for RS256 and PS256, whose signatures are as long as
    /// the key's modulus, the shortest one accepted (256 bytes, 2048 bits): a key's own
    /// [`SigningKey::signature_len`] / [`VerifyingKey::signature_len`] is exact.
    pub const fn signature_len(self) -> usize {
        match self {
            Algorithm::EdDSA | Algorithm::ES256 => 64,
            Algorithm::HS256 => 32,
            Algorithm::RS256 | Algorithm::PS256 => 256,
        }
    }

    /// Whether a header's `alg` value names this algorithm. For Ed25519 the fully-specified
    /// name `Ed25519` (RFC 9864) is accepted beside `EdDSA`. Comparison is exact.
    pub fn is_named(self, alg: &str) -> bool {
        match self {
            Algorithm::EdDSA => alg == "EdDSA" || alg == "Ed25519",
            Algorithm::HS256 | Algorithm::ES256 | Algorithm::RS256 | Algorithm::PS256 => {
                alg == self.name()
            }
        }
    }
}

/// Which kinds of token a key is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyUse {
    /// Access tokens only.
    Access,
    /// ID tokens only.
    Id,
    /// Both kinds (one key signing both; the kind is still marked in every token).
    AccessAndId,
}

impl KeyUse {
    /// Whether a key of this use may sign or verify a token of `kind`.
    pub const fn allows(self, kind: Kind) -> bool {
        matches!(
            (self, kind),
            (KeyUse::AccessAndId, _) | (KeyUse::Access, Kind::Access) | (KeyUse::Id, Kind::Id)
        )
    }
}

/// A key that signs tokens.
pub trait SigningKey {
    /// The algorithm this key signs with.
    fn algorithm(&self) -> Algorithm;
    /// The key id written into the header, if any.
    fn key_id(&self) -> Option<&str>;
    /// The kinds of token this key may sign.
    fn key_use(&self) -> KeyUse;
    /// The length of this key's signatures in bytes (for RSA, the modulus length).
    fn signature_len(&self) -> usize {
        self.algorithm().signature_len()
    }
    /// Signs `input`, writing exactly [`SigningKey::signature_len`] bytes at the start of
    /// `out` and returning that length. [`Error::SigningFailed`] only when the key's
    /// randomness source fails (PS256) or the key is unusable.
    fn sign(&self, input: &[u8], out: &mut [u8; MAX_SIGNATURE_LEN]) -> Result<usize>;
}

/// A key that verifies tokens.
pub trait VerifyingKey {
    /// The algorithm this key verifies.
    fn algorithm(&self) -> Algorithm;
    /// The key id, if any: a token naming another `kid` is refused.
    fn key_id(&self) -> Option<&str>;
    /// The kinds of token this key may verify.
    fn key_use(&self) -> KeyUse;
    /// The length of the signatures this key verifies in bytes (for RSA, the modulus length):
    /// a token's signature of any other length is refused before it is decoded.
    fn signature_len(&self) -> usize {
        self.algorithm().signature_len()
    }
    /// Checks `signature` over `input`; [`Error::BadSignature`] when it does not verify.
    fn verify(&self, input: &[u8], signature: &[u8]) -> Result<()>;
}

pub(crate) fn make_kid(kid: &str) -> Result<KeyId> {
    if kid.is_empty() {
        return Err(Error::InvalidKey);
    }
    KeyId::try_from(kid).map_err(|_| Error::InvalidKey)
}
