//! The public keys a DPoP proof may carry (EC P-256 and OKP Ed25519 JWKs), their JWK form
//! and their RFC 7638 thumbprints, computed on the stack.

use sha2::{Digest, Sha256};

use crate::alg::{Algorithm, Ed25519VerifyingKey, Es256VerifyingKey, KeyUse};
use crate::b64;
use crate::error::{Error, Result};
use crate::json::Writer;

/// The length of a thumbprint in base64url (`cnf.jkt`): 43 characters for SHA-256.
pub const JKT_LEN: usize = 43;

/// The longest canonical JWK of a supported key: the EC one,
/// `{"crv":"P-256","kty":"EC","x":"<43>","y":"<43>"}` (126 bytes).
const JWK_LEN: usize = 128;

/// A DPoP proof's public key: what the proof's `jwk` header carries and what `cnf.jkt`
/// binds an access token to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProofKey {
    /// An Ed25519 key (JWK `kty` `OKP`, `crv` `Ed25519`), for `EdDSA` / `Ed25519` proofs.
    Ed25519(Ed25519VerifyingKey),
    /// A P-256 key (JWK `kty` `EC`, `crv` `P-256`), for `ES256` proofs.
    Es256(Es256VerifyingKey),
}

impl ProofKey {
    /// The algorithm of the proofs this key signs.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            ProofKey::Ed25519(_) => Algorithm::EdDSA,
            ProofKey::Es256(_) => Algorithm::ES256,
        }
    }

    /// The key from a public JWK's members (`x` and `y` base64url). `kty` `OKP` with `crv`
    /// `Ed25519` and no `y`, or `kty` `EC` with `crv` `P-256`; anything else (`oct`, `RSA`,
    /// another curve, a point not on the curve) is [`Error::DpopInvalidKey`].
    pub(crate) fn from_jwk(kty: &str, crv: &str, x: &str, y: Option<&str>) -> Result<Self> {
        let bad = |_: Error| Error::DpopInvalidKey;
        let coordinate = |s: &str| -> Result<[u8; 32]> {
            let mut out = [0u8; 32];
            if b64::decoded_len(s.len()).map_err(bad)? != 32 {
                return Err(Error::DpopInvalidKey);
            }
            b64::decode(s, &mut out).map_err(bad)?;
            Ok(out)
        };
        match (kty, crv, y) {
            ("OKP", "Ed25519", None) => {
                let key = Ed25519VerifyingKey::from_bytes(&coordinate(x)?, KeyUse::Access);
                Ok(ProofKey::Ed25519(key.map_err(bad)?))
            }
            ("EC", "P-256", Some(y)) => {
                let key = Es256VerifyingKey::from_coordinates(
                    &coordinate(x)?,
                    &coordinate(y)?,
                    KeyUse::Access,
                );
                Ok(ProofKey::Es256(key.map_err(bad)?))
            }
            _ => Err(Error::DpopInvalidKey),
        }
    }

    /// Writes the key's required public members in lexicographic order (RFC 7638 §3.2):
    /// the JWK both the proof header and the thumbprint use.
    pub(crate) fn write_jwk(&self, w: &mut Writer<'_>) {
        let mut x_b64 = [0u8; JKT_LEN];
        let mut y_b64 = [0u8; JKT_LEN];
        // 32 bytes always encode to 43 characters: the buffers fit.
        match self {
            ProofKey::Ed25519(key) => {
                let x = b64::encode(&key.to_bytes(), &mut x_b64).unwrap_or_default();
                w.str("crv", "Ed25519");
                w.str("kty", "OKP");
                w.str("x", x);
            }
            ProofKey::Es256(key) => {
                let (x, y) = key.to_coordinates();
                let x = b64::encode(&x, &mut x_b64).unwrap_or_default();
                let y = b64::encode(&y, &mut y_b64).unwrap_or_default();
                w.str("crv", "P-256");
                w.str("kty", "EC");
                w.str("x", x);
                w.str("y", y);
            }
        }
    }

    /// The RFC 7638 thumbprint: SHA-256 of the canonical JWK, on the stack.
    pub fn thumbprint(&self) -> [u8; 32] {
        let mut buf = [0u8; JWK_LEN];
        let mut w = Writer::new(&mut buf);
        self.write_jwk(&mut w);
        let n = w.finish();
        Sha256::digest(&buf[..n.min(JWK_LEN)]).into()
    }

    /// The thumbprint in base64url: the value of `cnf.jkt` (RFC 9449 §6.1).
    pub fn jkt(&self) -> heapless::String<JKT_LEN> {
        jkt_of(&self.thumbprint())
    }
}

/// A thumbprint in base64url.
pub(crate) fn jkt_of(thumbprint: &[u8; 32]) -> heapless::String<JKT_LEN> {
    let mut buf = [0u8; JKT_LEN];
    let mut s = heapless::String::new();
    if let Ok(enc) = b64::encode(thumbprint, &mut buf) {
        // The capacity is exactly the encoding's length.
        let _ = s.push_str(enc);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_other_keys() {
        let x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
        for (kty, crv, y) in [
            ("oct", "Ed25519", None),
            ("OKP", "X25519", None),
            ("OKP", "Ed25519", Some(x)),
            ("EC", "P-256", None),
            ("EC", "P-384", Some(x)),
            ("RSA", "", None),
        ] {
            assert_eq!(
                ProofKey::from_jwk(kty, crv, x, y),
                Err(Error::DpopInvalidKey),
                "{kty} {crv}"
            );
        }
        assert_eq!(
            ProofKey::from_jwk("OKP", "Ed25519", "AAAA", None),
            Err(Error::DpopInvalidKey)
        );
        assert!(ProofKey::from_jwk("OKP", "Ed25519", x, None).is_ok());
    }
}
