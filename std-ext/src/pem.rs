//! Ed25519 keys in PEM: PKCS#8 private keys (RFC 5958, RFC 8410 §7) and SPKI public keys
//! (RFC 5280, RFC 8410 §4), the formats OpenSSL reads and writes.

use compact_token::{Ed25519SigningKey, Ed25519VerifyingKey, KeyUse};
use ed25519::pkcs8::spki::der::pem::LineEnding;
use ed25519::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519::pkcs8::{KeypairBytes, PublicKeyBytes};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Reads a `-----BEGIN PRIVATE KEY-----` PKCS#8 Ed25519 key (v1, or v2 with its public key,
/// which must then be the one derived from the private key).
pub fn signing_key_from_pem(pem: &str, key_use: KeyUse) -> Result<Ed25519SigningKey> {
    let pair = KeypairBytes::from_pkcs8_pem(pem).map_err(|_| Error::Pem)?;
    let key = Ed25519SigningKey::from_seed(&pair.secret_key, key_use);
    match pair.public_key {
        Some(public) if public.0 != key.verifying_key().to_bytes() => Err(Error::KeyPairMismatch),
        _ => Ok(key),
    }
}

/// Writes a PKCS#8 v1 `PRIVATE KEY` PEM (as RFC 8410 §10.3 and OpenSSL do), LF line endings.
/// The result holds the secret and is zeroized on drop.
pub fn signing_key_to_pem(key: &Ed25519SigningKey) -> Result<Zeroizing<String>> {
    let pair = KeypairBytes {
        secret_key: key.seed(),
        public_key: None,
    };
    let pem = pair.to_pkcs8_pem(LineEnding::LF).map_err(|_| Error::Pem)?;
    Ok(Zeroizing::new(pem.as_str().to_owned()))
}

/// Reads a `-----BEGIN PUBLIC KEY-----` SPKI Ed25519 key; invalid or weak points are refused.
pub fn verifying_key_from_pem(pem: &str, key_use: KeyUse) -> Result<Ed25519VerifyingKey> {
    let public = PublicKeyBytes::from_public_key_pem(pem).map_err(|_| Error::Pem)?;
    Ok(Ed25519VerifyingKey::from_bytes(&public.0, key_use)?)
}

/// Writes an SPKI `PUBLIC KEY` PEM, LF line endings.
pub fn verifying_key_to_pem(key: &Ed25519VerifyingKey) -> Result<String> {
    PublicKeyBytes(key.to_bytes())
        .to_public_key_pem(LineEnding::LF)
        .map_err(|_| Error::Pem)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8410 §10.3 and §10.1 (see `tests/data/README.md`).
    const RFC8410_PRIVATE: &str = include_str!("../tests/data/rfc8410-private.pem");
    const RFC8410_PUBLIC: &str = include_str!("../tests/data/rfc8410-public.pem");

    #[test]
    fn rfc8410_private_key_derives_the_rfc_public_key() {
        let key = signing_key_from_pem(RFC8410_PRIVATE, KeyUse::Access).unwrap();
        assert_eq!(
            key.seed()[..4],
            [0xD4, 0xEE, 0x72, 0xDB],
            "RFC 8410 §10.3 seed D4EE72DB..."
        );
        let public = verifying_key_from_pem(RFC8410_PUBLIC, KeyUse::Access).unwrap();
        assert_eq!(key.verifying_key(), public);
        assert_eq!(public.to_bytes()[..4], [0x19, 0xBF, 0x44, 0x09]);
    }

    #[test]
    fn export_reproduces_the_rfc_bytes() {
        let key = signing_key_from_pem(RFC8410_PRIVATE, KeyUse::Id).unwrap();
        assert_eq!(signing_key_to_pem(&key).unwrap().as_str(), RFC8410_PRIVATE);
        assert_eq!(
            verifying_key_to_pem(&key.verifying_key()).unwrap(),
            RFC8410_PUBLIC
        );
    }

    #[test]
    fn refuses_other_documents() {
        assert_eq!(
            signing_key_from_pem(RFC8410_PUBLIC, KeyUse::Id).unwrap_err(),
            Error::Pem
        );
        assert_eq!(
            verifying_key_from_pem(RFC8410_PRIVATE, KeyUse::Id).unwrap_err(),
            Error::Pem
        );
        assert_eq!(
            signing_key_from_pem("not pem", KeyUse::Id).unwrap_err(),
            Error::Pem
        );
        // The RFC 8410 public key with its OID changed to X25519 (1.3.101.110).
        let x25519 = "-----BEGIN PUBLIC KEY-----\n\
            MCowBQYDK2VuAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n\
            -----END PUBLIC KEY-----\n";
        assert_eq!(
            verifying_key_from_pem(x25519, KeyUse::Id).unwrap_err(),
            Error::Pem
        );
    }

    #[test]
    fn pkcs8_v2_public_key_must_match() {
        let key = signing_key_from_pem(RFC8410_PRIVATE, KeyUse::Access).unwrap();
        let with_public = |public: [u8; 32]| {
            KeypairBytes {
                secret_key: key.seed(),
                public_key: Some(PublicKeyBytes(public)),
            }
            .to_pkcs8_pem(LineEnding::LF)
            .unwrap()
        };
        let good = with_public(key.verifying_key().to_bytes());
        assert_eq!(
            signing_key_from_pem(&good, KeyUse::Access).unwrap().seed(),
            key.seed()
        );
        let mut other = key.verifying_key().to_bytes();
        other[0] ^= 1;
        assert_eq!(
            signing_key_from_pem(&with_public(other), KeyUse::Access).unwrap_err(),
            Error::KeyPairMismatch
        );
    }
}
