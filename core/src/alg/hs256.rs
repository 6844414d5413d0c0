//! HMAC-SHA-256 keys (JWK `oct`).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::{Algorithm, KeyId, KeyUse, MAX_SIGNATURE_LEN, SigningKey, VerifyingKey, make_kid};
use crate::error::{Error, Result};

/// The shortest HMAC secret accepted: 32 bytes, the hash output size (RFC 7518 §3.2).
pub const MIN_HS256_SECRET_LEN: usize = 32;
/// The longest HMAC secret accepted: 64 bytes, the SHA-256 block size.
pub const MAX_HS256_SECRET_LEN: usize = 64;

/// A shared HMAC-SHA-256 secret: it both signs and verifies. The secret is zeroized on drop.
#[derive(Clone)]
pub struct Hs256Key {
    secret: Zeroizing<[u8; MAX_HS256_SECRET_LEN]>,
    len: usize,
    /// Keyed once at creation, cloned per token: no re-keying on the hot path.
    mac: Hmac<Sha256>,
    kid: Option<KeyId>,
    key_use: KeyUse,
}

impl core::fmt::Debug for Hs256Key {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Hs256Key")
            .field("kid", &self.kid)
            .field("key_use", &self.key_use)
            .finish_non_exhaustive()
    }
}

impl Hs256Key {
    /// A key from a secret of 32 to 64 bytes; shorter or longer is [`Error::InvalidKey`].
    pub fn from_secret(secret: &[u8], key_use: KeyUse) -> Result<Self> {
        if !(MIN_HS256_SECRET_LEN..=MAX_HS256_SECRET_LEN).contains(&secret.len()) {
            return Err(Error::InvalidKey);
        }
        let mut stored = Zeroizing::new([0u8; MAX_HS256_SECRET_LEN]);
        stored[..secret.len()].copy_from_slice(secret);
        let mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| Error::InvalidKey)?;
        Ok(Self {
            secret: stored,
            len: secret.len(),
            mac,
            kid: None,
            key_use,
        })
    }

    /// The same key with a key id (1 to 64 bytes).
    pub fn with_kid(mut self, kid: &str) -> Result<Self> {
        self.kid = Some(make_kid(kid)?);
        Ok(self)
    }

    /// The secret bytes. Handle with care.
    pub fn secret(&self) -> &[u8] {
        &self.secret[..self.len]
    }
}

impl SigningKey for Hs256Key {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }
    fn key_use(&self) -> KeyUse {
        self.key_use
    }
    fn sign(&self, input: &[u8], out: &mut [u8; MAX_SIGNATURE_LEN]) -> Result<usize> {
        let mut mac = self.mac.clone();
        mac.update(input);
        out[..32].copy_from_slice(&mac.finalize().into_bytes());
        Ok(32)
    }
}

impl VerifyingKey for Hs256Key {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }
    fn key_use(&self) -> KeyUse {
        self.key_use
    }
    fn verify(&self, input: &[u8], signature: &[u8]) -> Result<()> {
        let mut mac = self.mac.clone();
        mac.update(input);
        // `verify_slice` compares in constant time and refuses any length but 32.
        mac.verify_slice(signature).map_err(|_| Error::BadSignature)
    }
}
