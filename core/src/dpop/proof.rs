//! DPoP proofs (RFC 9449 §4): parsing and verifying one (the server half) and issuing one
//! (the client half).
//!
//! Pipeline: bytes → JWS split → header (`typ`, `alg`, the public `jwk`) → key → signature
//! → claims (`jti`, `htm`, `htu`, `iat`, `ath`, `nonce`) → checks against the request →
//! binding → replay check. Every JSON byte goes through the crate's one reader.

use core::fmt;

use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use sha2::{Digest, Sha256};

use super::thumbprint::{JKT_LEN, ProofKey};
use super::{ProofPolicy, uri};
use crate::alg::{Algorithm, Ed25519SigningKey, Es256SigningKey, SigningKey, VerifyingKey};
use crate::b64;
use crate::claims::{INVALID_DATE, MAX_DATE, de_date};
use crate::error::{Error, Result};
use crate::header::MAX_HEADER_LEN;
use crate::json::{self, Writer};
use crate::jws;

/// The `typ` of a DPoP proof (RFC 9449 §4.2).
pub const PROOF_TYP: &str = "dpop+jwt";
/// The longest DPoP proof read or written, in bytes; longer ones are
/// [`Error::DpopProofMalformed`] before any other work.
pub const MAX_PROOF_LEN: usize = 2048;
/// The longest `jti` accepted or written, in bytes (RFC 9449 asks for at least 96 bits of
/// randomness: 16 bytes of base64url and more).
pub const MAX_JTI_LEN: usize = 128;

/// The longest proof payload, decoded.
const MAX_PAYLOAD_LEN: usize = MAX_PROOF_LEN / 4 * 3;

const MALFORMED: Error = Error::DpopProofMalformed;

/// A DPoP proof that verified: its key (whose thumbprint binds access tokens) and its `iat`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedProof {
    /// The public key the proof carried and was signed with.
    pub key: ProofKey,
    /// The key's RFC 7638 thumbprint (`cnf.jkt` is its base64url form).
    pub thumbprint: [u8; 32],
    /// The proof's creation time (Unix seconds).
    pub iat: u64,
}

impl VerifiedProof {
    /// The thumbprint in base64url: what `cnf.jkt` must hold.
    pub fn jkt(&self) -> heapless::String<JKT_LEN> {
        super::thumbprint::jkt_of(&self.thumbprint)
    }
}

/// The proof header's members, as read.
#[derive(Default)]
struct RawHeader<'a> {
    typ: Option<&'a str>,
    alg: Option<&'a str>,
    jwk: Option<RawJwk<'a>>,
    /// A member other than `typ`, `alg` and `jwk` was present.
    unsupported: bool,
}

/// The proof's `jwk`, as read: the members a public key may have.
#[derive(Default)]
struct RawJwk<'a> {
    kty: Option<&'a str>,
    crv: Option<&'a str>,
    x: Option<&'a str>,
    y: Option<&'a str>,
    /// A member holding private key material was present.
    private: bool,
    /// A member no public EC or OKP key has was present.
    unknown: bool,
}

/// Members of a private key in any JWK type (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).
const PRIVATE_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "oth", "k"];
/// Public members a client library may add and this verifier ignores (RFC 7517 §4,
/// WebCrypto's `ext`).
const IGNORED_MEMBERS: &[&str] = &["kid", "use", "key_ops", "alg", "ext"];

impl<'de> Deserialize<'de> for RawHeader<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawHeader<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a DPoP proof header")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> core::result::Result<Self::Value, A::Error> {
                let mut h = RawHeader::default();
                while let Some(name) = map.next_key::<&'de str>()? {
                    match name {
                        "typ" => h.typ = Some(map.next_value()?),
                        "alg" => h.alg = Some(map.next_value()?),
                        "jwk" => h.jwk = Some(map.next_value()?),
                        _ => {
                            // Read (every rule of the reader applies) and refused after.
                            map.next_value::<IgnoredAny>()?;
                            h.unsupported = true;
                        }
                    }
                }
                Ok(h)
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for RawJwk<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawJwk<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a public JWK")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> core::result::Result<Self::Value, A::Error> {
                let mut k = RawJwk::default();
                while let Some(name) = map.next_key::<&'de str>()? {
                    let slot = match name {
                        "kty" => &mut k.kty,
                        "crv" => &mut k.crv,
                        "x" => &mut k.x,
                        "y" => &mut k.y,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            if PRIVATE_MEMBERS.contains(&name) {
                                k.private = true;
                            } else if !IGNORED_MEMBERS.contains(&name) {
                                k.unknown = true;
                            }
                            continue;
                        }
                    };
                    *slot = Some(map.next_value()?);
                }
                Ok(k)
            }
        }
        d.deserialize_map(V)
    }
}

/// The proof's claims (RFC 9449 §4.2); other claims are read and ignored.
#[derive(Deserialize)]
struct RawClaims<'a> {
    jti: &'a str,
    htm: &'a str,
    htu: &'a str,
    #[serde(deserialize_with = "de_date")]
    iat: u64,
    #[serde(borrow, default)]
    ath: Option<&'a str>,
    #[serde(borrow, default)]
    nonce: Option<&'a str>,
}

/// Decodes a base64url segment of at most `N` bytes into `buf`.
fn decode_segment<'b, const N: usize>(segment: &str, buf: &'b mut [u8; N]) -> Result<&'b [u8]> {
    if b64::decoded_len(segment.len()).map_err(|_| MALFORMED)? > N {
        return Err(MALFORMED);
    }
    b64::decode(segment, buf).map_err(|_| MALFORMED)
}

/// The `ath` of an access token: base64url SHA-256 of its ASCII bytes (RFC 9449 §4.2).
pub fn access_token_hash(access_token: &str) -> heapless::String<JKT_LEN> {
    super::thumbprint::jkt_of(&Sha256::digest(access_token.as_bytes()).into())
}

/// Verifies `proof` against `policy` at `now`; `access_token`, when given, must be the one
/// `ath` hashes. `bind` sees the proof key's RFC 7638 thumbprint after every other check
/// and before the replay check, so neither a refused proof nor one bound to another key uses
/// up a `jti`.
pub(crate) fn verify(
    proof: &str,
    policy: &ProofPolicy<'_>,
    access_token: Option<&str>,
    now: u64,
    bind: impl FnOnce(&[u8; 32]) -> Result<()>,
) -> Result<VerifiedProof> {
    policy.check()?;
    if proof.len() > MAX_PROOF_LEN {
        return Err(MALFORMED);
    }
    let parts = jws::split(proof).map_err(|_| MALFORMED)?;
    // Three phases in three frames, for the stack: the header's buffers are gone before
    // the signature is checked, and the payload's are made only after it.
    let (key, alg) = read_header(&parts)?;
    check_signature(&parts, &key, alg)?;
    check_claims(&parts, policy, access_token, now, key, bind)
}

/// The header: what is refused by name comes first, then the key.
#[inline(never)]
fn read_header(parts: &jws::Parts<'_>) -> Result<(ProofKey, Algorithm)> {
    let mut header_json = [0u8; MAX_HEADER_LEN];
    let mut header_strings = [0u8; MAX_HEADER_LEN];
    let header_json = decode_segment(parts.header, &mut header_json)?;
    let header: RawHeader<'_> =
        json::from_slice(header_json, &mut header_strings).map_err(|_| MALFORMED)?;
    if header.unsupported {
        return Err(Error::UnsupportedHeader);
    }
    if !header
        .typ
        .is_some_and(|t| t.eq_ignore_ascii_case(PROOF_TYP))
    {
        return Err(Error::DpopWrongType);
    }
    let alg = match header.alg.ok_or(MALFORMED)? {
        "ES256" => Algorithm::ES256,
        "EdDSA" | "Ed25519" => Algorithm::EdDSA,
        _ => return Err(Error::DpopAlgorithmNotAllowed),
    };
    let jwk = header.jwk.ok_or(MALFORMED)?;
    if jwk.private {
        return Err(Error::DpopPrivateKey);
    }
    if jwk.unknown {
        return Err(Error::DpopInvalidKey);
    }
    let key = match (jwk.kty, jwk.crv, jwk.x) {
        (Some(kty), Some(crv), Some(x)) => ProofKey::from_jwk(kty, crv, x, jwk.y)?,
        _ => return Err(Error::DpopInvalidKey),
    };
    if key.algorithm() != alg {
        return Err(Error::DpopAlgorithmNotAllowed);
    }
    Ok((key, alg))
}

/// The signature, with the proof's own key (EdDSA and ES256 signatures are 64 bytes).
#[inline(never)]
fn check_signature(parts: &jws::Parts<'_>, key: &ProofKey, alg: Algorithm) -> Result<()> {
    const LEN: usize = 64;
    if !parts.signature.bytes().all(b64::is_alphabet)
        || b64::decoded_len(parts.signature.len()) != Ok(alg.signature_len())
        || alg.signature_len() != LEN
    {
        return Err(Error::DpopBadSignature);
    }
    let mut signature = [0u8; LEN];
    let signature =
        b64::decode(parts.signature, &mut signature).map_err(|_| Error::DpopBadSignature)?;
    let input = parts.signing_input.as_bytes();
    let verified = match key {
        ProofKey::Ed25519(k) => k.verify(input, signature),
        ProofKey::Es256(k) => k.verify(input, signature),
    };
    verified.map_err(|_| Error::DpopBadSignature)
}

/// The claims, against the request; then `bind`, then the replay check.
#[inline(never)]
fn check_claims(
    parts: &jws::Parts<'_>,
    policy: &ProofPolicy<'_>,
    access_token: Option<&str>,
    now: u64,
    key: ProofKey,
    bind: impl FnOnce(&[u8; 32]) -> Result<()>,
) -> Result<VerifiedProof> {
    let mut payload = [0u8; MAX_PAYLOAD_LEN];
    let mut strings = [0u8; MAX_PAYLOAD_LEN];
    let payload = decode_segment(parts.payload, &mut payload)?;
    let claims: RawClaims<'_> = json::from_claims(payload, &mut strings).map_err(|_| MALFORMED)?;
    if claims.iat == INVALID_DATE || claims.jti.is_empty() || claims.jti.len() > MAX_JTI_LEN {
        return Err(MALFORMED);
    }
    if claims.htm != policy.htm {
        return Err(Error::DpopWrongMethod);
    }
    uri::check_htu(claims.htu, policy.htu)?;
    // Dates are at most MAX_DATE and windows at most MAX_WINDOW: no sum overflows.
    if claims.iat > now.saturating_add(policy.max_future) {
        return Err(Error::DpopProofInFuture);
    }
    let last_valid = claims.iat + policy.max_age;
    if last_valid < now {
        return Err(Error::DpopProofStale);
    }
    if let Some(expected) = policy.nonce
        && claims.nonce != Some(expected)
    {
        return Err(Error::DpopNonceMismatch);
    }
    if let Some(token) = access_token
        && claims.ath != Some(access_token_hash(token).as_str())
    {
        return Err(Error::DpopAccessTokenHashMismatch);
    }
    // Computed once: `bind` compares it with the token's `cnf.jkt`, the result carries it.
    let thumbprint = key.thumbprint();
    bind(&thumbprint)?;
    policy.replay.check_and_store(claims.jti, last_valid, now)?;
    Ok(VerifiedProof {
        key,
        thumbprint,
        iat: claims.iat,
    })
}

/// A key that signs DPoP proofs: its public half goes into every proof's `jwk` header.
/// Implemented for [`Ed25519SigningKey`] (`EdDSA`) and [`Es256SigningKey`] (`ES256`).
pub trait ProofSigningKey: SigningKey {
    /// The public key written into the proof and bound into access tokens.
    fn proof_key(&self) -> ProofKey;
}

impl ProofSigningKey for Ed25519SigningKey {
    fn proof_key(&self) -> ProofKey {
        ProofKey::Ed25519(self.verifying_key())
    }
}

impl ProofSigningKey for Es256SigningKey {
    fn proof_key(&self) -> ProofKey {
        ProofKey::Es256(self.verifying_key())
    }
}

/// What a client puts in a DPoP proof (RFC 9449 §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProofClaims<'a> {
    /// The request's HTTP method (`htm`), e.g. `GET`.
    pub htm: &'a str,
    /// The request's URI without query and fragment (`htu`).
    pub htu: &'a str,
    /// The creation time, Unix seconds (`iat`).
    pub iat: u64,
    /// A unique identifier for this proof (`jti`): at least 96 bits of randomness, 1 to
    /// [`MAX_JTI_LEN`] bytes.
    pub jti: &'a str,
    /// The access token this proof is sent with, if any: its hash is written as `ath`.
    pub access_token: Option<&'a str>,
    /// The server's nonce (`nonce`), when it asked for one.
    pub nonce: Option<&'a str>,
}

/// Issues a DPoP proof signed by `key` into `out`, returning it: header `typ` `dpop+jwt`,
/// the key's `alg` and its public `jwk`; the claims as given (`ath` computed from the
/// access token).
///
/// Errors: [`Error::DpopWrongUri`] if `htu` is not an absolute URI without query and
/// fragment, [`Error::DpopProofMalformed`] for an empty or too long `jti`, U+0000 in
/// `htm`, `jti` or `nonce` (the verifier refuses it) or a proof over [`MAX_PROOF_LEN`], [`Error::InvalidDate`] for an `iat` beyond [`MAX_DATE`], or
/// [`Error::BufferTooSmall`] with the exact length needed.
pub fn issue_proof<'o, K: ProofSigningKey + ?Sized>(
    key: &K,
    claims: &ProofClaims<'_>,
    out: &'o mut [u8],
) -> Result<&'o str> {
    uri::check_htu(claims.htu, claims.htu)?;
    if claims.jti.is_empty() || claims.jti.len() > MAX_JTI_LEN {
        return Err(MALFORMED);
    }
    // The verifier refuses U+0000 in any claim (C callers would cut the string there).
    let strings = [Some(claims.htm), Some(claims.jti), claims.nonce];
    if strings.iter().flatten().any(|s| s.contains('\0')) {
        return Err(MALFORMED);
    }
    if claims.iat > MAX_DATE {
        return Err(Error::InvalidDate);
    }
    let mut jwk = [0u8; 128];
    let mut w = Writer::new(&mut jwk);
    key.proof_key().write_jwk(&mut w);
    let jwk_len = w.finish();
    let jwk = core::str::from_utf8(jwk.get(..jwk_len).ok_or(MALFORMED)?).map_err(|_| MALFORMED)?;

    let mut header = [0u8; MAX_HEADER_LEN];
    let mut w = Writer::new(&mut header);
    w.str("typ", PROOF_TYP);
    w.str("alg", key.algorithm().name());
    w.raw_member("jwk", jwk);
    let header_len = w.finish();
    let header = header.get(..header_len).ok_or(MALFORMED)?;

    let ath = claims.access_token.map(access_token_hash);
    let result = jws::assemble_json(header, key, MAX_PROOF_LEN, out, |dst| {
        let mut w = Writer::new(dst);
        w.str("jti", claims.jti);
        w.str("htm", claims.htm);
        w.str("htu", claims.htu);
        w.num("iat", claims.iat);
        w.opt_str("ath", ath.as_deref());
        w.opt_str("nonce", claims.nonce);
        Ok(w.finish())
    });
    result.map_err(|e| if e == Error::OverBudget { MALFORMED } else { e })
}
