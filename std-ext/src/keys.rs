//! Keys of any algorithm, and fresh ones from the operating system's RNG.
//!
//! `compact-token` types its keys by algorithm; a key file or a key set can hold any of
//! them, so [`AnySigningKey`] and [`AnyVerifyingKey`] wrap them and implement the core traits.

use compact_token::{
    Algorithm, Ed25519SigningKey, Ed25519VerifyingKey, Es256SigningKey, Es256VerifyingKey,
    Hs256Key, KeyUse, MAX_SIGNATURE_LEN, RsaSigningKey, RsaVerifyingKey, SigningKey, VerifyingKey,
};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The length of a generated HS256 secret: 32 bytes, the SHA-256 output size.
pub const HS256_SECRET_LEN: usize = 32;

/// Fills a fresh secret of `N` bytes from the OS RNG.
fn random_secret<const N: usize>() -> Result<Zeroizing<[u8; N]>> {
    let mut bytes = Zeroizing::new([0u8; N]);
    getrandom::fill(bytes.as_mut()).map_err(|_| Error::Random)?;
    Ok(bytes)
}

/// A fresh Ed25519 signing key from a 32-byte seed drawn from the OS RNG.
pub fn generate_ed25519(key_use: KeyUse) -> Result<Ed25519SigningKey> {
    Ok(Ed25519SigningKey::from_seed(
        &*random_secret::<32>()?,
        key_use,
    ))
}

/// A fresh ES256 (P-256) signing key: a scalar drawn from the OS RNG (redrawn in the
/// 2^-32 case that it is not below the group order).
pub fn generate_es256(key_use: KeyUse) -> Result<Es256SigningKey> {
    loop {
        if let Ok(key) = Es256SigningKey::from_bytes(&*random_secret::<32>()?, key_use) {
            return Ok(key);
        }
    }
}

/// A fresh HS256 key: a 32-byte secret drawn from the OS RNG.
pub fn generate_hs256(key_use: KeyUse) -> Result<Hs256Key> {
    Ok(Hs256Key::from_secret(
        random_secret::<HS256_SECRET_LEN>()?.as_ref(),
        key_use,
    )?)
}

/// The RSA modulus size [`AnySigningKey::generate`] uses: 2048 bits, what RFC 7518 §3.3
/// requires at least and what identity providers issue.
pub const RSA_BITS: usize = 2048;

/// A fresh RSA key of `bits` (2048 to 4096) for `alg` ([`Algorithm::RS256`] or
/// [`Algorithm::PS256`]): two primes from the OS RNG, public exponent 65537.
///
/// Slow: tens of milliseconds optimised, seconds in an unoptimised build. Errors:
/// [`Error::RsaKeySize`], [`Error::UnsupportedAlgorithm`] for another algorithm,
/// [`Error::Random`] if the RNG fails.
pub fn generate_rsa(bits: usize, alg: Algorithm, key_use: KeyUse) -> Result<RsaSigningKey> {
    if !matches!(alg, Algorithm::RS256 | Algorithm::PS256) {
        return Err(Error::UnsupportedAlgorithm);
    }
    check_rsa_bits(bits)?;
    let key = rsa::PrivateKey::new(&mut getrandom::SysRng, bits).map_err(|_| Error::Random)?;
    Ok(RsaSigningKey::from_rsa(key, alg, key_use)?)
}

/// [`Error::RsaKeySize`] unless an RSA modulus of `bits` bits is within
/// [`MIN_RSA_BITS`](compact_token::MIN_RSA_BITS) to
/// [`MAX_RSA_BITS`](compact_token::MAX_RSA_BITS): the one size check of every way a key
/// comes in (generation, PEM, JWK), so each names the problem alike.
pub(crate) fn check_rsa_bits(bits: usize) -> Result<()> {
    if (compact_token::MIN_RSA_BITS..=compact_token::MAX_RSA_BITS).contains(&bits) {
        Ok(())
    } else {
        Err(Error::RsaKeySize)
    }
}

/// A key that signs: an Ed25519, P-256 or RSA private key, or an HS256 secret.
#[derive(Debug, Clone)]
pub enum AnySigningKey {
    /// An Ed25519 private key.
    Ed25519(Ed25519SigningKey),
    /// An HS256 shared secret.
    Hs256(Hs256Key),
    /// An ES256 (P-256) private key.
    Es256(Es256SigningKey),
    /// An RS256 or PS256 private key.
    Rsa(RsaSigningKey),
}

/// A key that verifies: an Ed25519, P-256 or RSA public key, or an HS256 secret.
#[derive(Debug, Clone)]
pub enum AnyVerifyingKey {
    /// An Ed25519 public key.
    Ed25519(Ed25519VerifyingKey),
    /// An HS256 shared secret (it verifies what it signs).
    Hs256(Hs256Key),
    /// An ES256 (P-256) public key.
    Es256(Es256VerifyingKey),
    /// An RS256 or PS256 public key.
    Rsa(RsaVerifyingKey),
}

/// Forwards to the wrapped key, whichever algorithm it is (both enums have the same shape).
macro_rules! each {
    ($self:ident, $k:ident => $e:expr) => {
        match $self {
            Self::Ed25519($k) => $e,
            Self::Hs256($k) => $e,
            Self::Es256($k) => $e,
            Self::Rsa($k) => $e,
        }
    };
}

impl AnySigningKey {
    /// A fresh key of `algorithm` from the OS RNG (RSA: [`RSA_BITS`], see [`generate_rsa`]).
    pub fn generate(algorithm: Algorithm, key_use: KeyUse) -> Result<Self> {
        match algorithm {
            Algorithm::EdDSA => generate_ed25519(key_use).map(Self::Ed25519),
            Algorithm::HS256 => generate_hs256(key_use).map(Self::Hs256),
            Algorithm::ES256 => generate_es256(key_use).map(Self::Es256),
            Algorithm::RS256 | Algorithm::PS256 => {
                generate_rsa(RSA_BITS, algorithm, key_use).map(Self::Rsa)
            }
            _ => Err(Error::UnsupportedAlgorithm),
        }
    }

    /// The key that verifies what this one signs.
    pub fn verifying_key(&self) -> AnyVerifyingKey {
        match self {
            Self::Ed25519(k) => AnyVerifyingKey::Ed25519(k.verifying_key()),
            Self::Hs256(k) => AnyVerifyingKey::Hs256(k.clone()),
            Self::Es256(k) => AnyVerifyingKey::Es256(k.verifying_key()),
            Self::Rsa(k) => AnyVerifyingKey::Rsa(k.verifying_key()),
        }
    }

    /// The same key with a key id (1 to 64 bytes).
    pub fn with_kid(self, kid: &str) -> Result<Self> {
        Ok(each!(self, k => Self::from(k.with_kid(kid)?)))
    }
}

impl AnyVerifyingKey {
    /// The same key with a key id (1 to 64 bytes).
    pub fn with_kid(self, kid: &str) -> Result<Self> {
        Ok(each!(self, k => Self::from(k.with_kid(kid)?)))
    }
}

impl From<Ed25519SigningKey> for AnySigningKey {
    fn from(k: Ed25519SigningKey) -> Self {
        Self::Ed25519(k)
    }
}

impl From<Hs256Key> for AnySigningKey {
    fn from(k: Hs256Key) -> Self {
        Self::Hs256(k)
    }
}

impl From<Es256SigningKey> for AnySigningKey {
    fn from(k: Es256SigningKey) -> Self {
        Self::Es256(k)
    }
}

impl From<RsaSigningKey> for AnySigningKey {
    fn from(k: RsaSigningKey) -> Self {
        Self::Rsa(k)
    }
}

impl From<Es256VerifyingKey> for AnyVerifyingKey {
    fn from(k: Es256VerifyingKey) -> Self {
        Self::Es256(k)
    }
}

impl From<RsaVerifyingKey> for AnyVerifyingKey {
    fn from(k: RsaVerifyingKey) -> Self {
        Self::Rsa(k)
    }
}

impl From<Ed25519VerifyingKey> for AnyVerifyingKey {
    fn from(k: Ed25519VerifyingKey) -> Self {
        Self::Ed25519(k)
    }
}

impl From<Hs256Key> for AnyVerifyingKey {
    fn from(k: Hs256Key) -> Self {
        Self::Hs256(k)
    }
}

impl SigningKey for AnySigningKey {
    fn algorithm(&self) -> Algorithm {
        each!(self, k => SigningKey::algorithm(k))
    }
    fn key_id(&self) -> Option<&str> {
        each!(self, k => SigningKey::key_id(k))
    }
    fn key_use(&self) -> KeyUse {
        each!(self, k => SigningKey::key_use(k))
    }
    fn signature_len(&self) -> usize {
        each!(self, k => SigningKey::signature_len(k))
    }
    fn sign(
        &self,
        input: &[u8],
        out: &mut [u8; MAX_SIGNATURE_LEN],
    ) -> compact_token::Result<usize> {
        each!(self, k => k.sign(input, out))
    }
}

impl VerifyingKey for AnyVerifyingKey {
    fn algorithm(&self) -> Algorithm {
        each!(self, k => VerifyingKey::algorithm(k))
    }
    fn key_id(&self) -> Option<&str> {
        each!(self, k => VerifyingKey::key_id(k))
    }
    fn key_use(&self) -> KeyUse {
        each!(self, k => VerifyingKey::key_use(k))
    }
    fn verify(&self, input: &[u8], signature: &[u8]) -> compact_token::Result<()> {
        each!(self, k => k.verify(input, signature))
    }
}

/// A key from a key set caches like the key it wraps: its identity is the wrapped key's
/// (algorithm and public key bytes), so a `VerifiedCache` in front of a `KeySet` never
/// returns a token cached under one key for another.
impl compact_token::CacheableKey for AnyVerifyingKey {
    fn identity(&self) -> compact_token::KeyIdentity {
        each!(self, k => k.identity())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_fresh_and_usable() {
        let a = generate_ed25519(KeyUse::Access).unwrap();
        let b = generate_ed25519(KeyUse::Access).unwrap();
        assert_ne!(a.seed(), b.seed());
        assert_ne!(a.seed(), [0; 32]);
        let h = generate_hs256(KeyUse::Id).unwrap();
        assert_eq!(h.secret().len(), HS256_SECRET_LEN);
        assert_ne!(h.secret(), generate_hs256(KeyUse::Id).unwrap().secret());
    }

    #[test]
    fn any_keys_dispatch_to_the_wrapped_key() {
        let ed = AnySigningKey::generate(Algorithm::EdDSA, KeyUse::Access)
            .unwrap()
            .with_kid("e1")
            .unwrap();
        let hs = AnySigningKey::generate(Algorithm::HS256, KeyUse::Id)
            .unwrap()
            .with_kid("h1")
            .unwrap();
        for (key, alg, kid, key_use) in [
            (&ed, Algorithm::EdDSA, "e1", KeyUse::Access),
            (&hs, Algorithm::HS256, "h1", KeyUse::Id),
        ] {
            let v = key.verifying_key();
            assert_eq!(SigningKey::algorithm(key), alg);
            assert_eq!(VerifyingKey::algorithm(&v), alg);
            assert_eq!(
                (SigningKey::key_id(key), VerifyingKey::key_id(&v)),
                (Some(kid), Some(kid))
            );
            assert_eq!(
                (SigningKey::key_use(key), VerifyingKey::key_use(&v)),
                (key_use, key_use)
            );
            let mut sig = [0u8; MAX_SIGNATURE_LEN];
            let n = key.sign(b"input", &mut sig).unwrap();
            assert_eq!(n, alg.signature_len());
            let sig = &sig[..n];
            assert_eq!(v.verify(b"input", sig), Ok(()));
            assert_eq!(
                v.verify(b"inpuT", sig),
                Err(compact_token::Error::BadSignature)
            );
        }
    }
}
