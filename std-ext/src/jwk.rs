//! JSON Web Keys (RFC 7517, RFC 7518 §6): Ed25519 as `OKP` (RFC 8037) with `x` and, for a
//! private key, `d`; P-256 as `EC` with `x`, `y` (and `d`); RSA as `RSA` with `n`, `e` (and
//! `d`, `p`, `q`, `dp`, `dq`, `qi`); HS256 secrets as `oct` with `k`. Plus JWK sets and the
//! RFC 7638 thumbprint used as the default `kid`.
//!
//! The key pins the algorithm: `OKP` keys are EdDSA, `EC` P-256 keys ES256, `oct` keys
//! HS256, and `RSA` keys RS256 unless their `alg` says `PS256` (RS256 is OpenID Connect's
//! default, Core §15.1). An RSA modulus must be 2048 to 4096 bits, as for PEM keys
//! ([`Error::RsaKeySize`](crate::Error::RsaKeySize)). A `kid` is optional (RFC 7517 §4.5).
//!
//! Import of one key is strict: another `kty` or `crv`, an `alg` that is not one of the
//! key's, a `use` other than `sig`, and `key_ops` other than `sign` and `verify` are
//! refused. A public JWK set, as providers publish them, loads whole: keys this crate
//! cannot use for signatures (other types and curves, `use: enc`, `key_ops` without
//! `verify`, an `alg` such as `RS512`) are skipped (RFC 7517 §5); every other key must be a
//! valid public key, and any private material (`d`, `p`, `oct` keys) refuses the set.
//!
//! Which kinds of token a key is for is not a standard JWK member: this crate writes and
//! reads it as `"token_use": "access" | "id" | "both"`. A JWK without it gets the use the
//! caller passes as the default.

use base64ct::{Base64UrlUnpadded, Encoding};
use compact_token::rsa::BoxedUint;
use compact_token::rsa::traits::PrivateKeyParts as _;
use compact_token::{
    Algorithm, Ed25519SigningKey, Ed25519VerifyingKey, Es256SigningKey, Es256VerifyingKey,
    Hs256Key, KeyUse, RsaSigningKey, RsaVerifyingKey, SigningKey, VerifyingKey,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};
use crate::keys::{AnySigningKey, AnyVerifyingKey};

/// The JWK members this crate reads and writes, in the order it writes them.
#[derive(Default, Serialize, Deserialize)]
struct Members {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kty: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    crv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    x: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    y: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    n: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    e: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    d: Option<Zeroizing<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    p: Option<Zeroizing<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    q: Option<Zeroizing<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dp: Option<Zeroizing<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dq: Option<Zeroizing<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    qi: Option<Zeroizing<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    k: Option<Zeroizing<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    alg: Option<String>,
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    use_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key_ops: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token_use: Option<String>,
    /// A key set file's window (`KeySet::save`): not written in a single JWK.
    #[serde(default, skip_serializing)]
    not_before: Option<u64>,
    #[serde(default, skip_serializing)]
    retire_after: Option<u64>,
    /// Members this crate does not read. Being `flatten`, it also makes serde read only a
    /// JSON object here (a derived struct would otherwise accept an array).
    #[serde(flatten, skip_serializing)]
    _other: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct Set {
    keys: Vec<Members>,
    #[serde(flatten)]
    _other: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct SetOut {
    keys: Vec<Members>,
}

/// The JWK name of a key use, as written in `token_use`.
pub fn token_use_name(key_use: KeyUse) -> &'static str {
    match key_use {
        KeyUse::Access => "access",
        KeyUse::Id => "id",
        KeyUse::AccessAndId => "both",
    }
}

/// Reads a `token_use` value (`access`, `id` or `both`).
pub fn parse_token_use(name: &str) -> Result<KeyUse> {
    match name {
        "access" => Ok(KeyUse::Access),
        "id" => Ok(KeyUse::Id),
        "both" => Ok(KeyUse::AccessAndId),
        _ => Err(Error::InvalidTokenUse),
    }
}

/// A key read from a JWK, before the caller says what it needs of it.
#[allow(clippy::large_enum_variant)] // short-lived, never stored: boxing buys nothing
enum Read {
    Ed25519 {
        public: Ed25519VerifyingKey,
        private: Option<Ed25519SigningKey>,
    },
    Hs256(Hs256Key),
    Es256 {
        public: Es256VerifyingKey,
        private: Option<Es256SigningKey>,
    },
    Rsa {
        public: RsaVerifyingKey,
        private: Option<RsaSigningKey>,
    },
}

/// A variable-length member (RSA integers), canonical base64url, not empty.
fn decode_vec(value: Option<&str>) -> Result<Zeroizing<Vec<u8>>> {
    let value = value.ok_or(Error::MissingMember)?;
    match Base64UrlUnpadded::decode_vec(value) {
        Ok(bytes) if !bytes.is_empty() => Ok(Zeroizing::new(bytes)),
        _ => Err(Error::InvalidMember),
    }
}

/// The length in bits of a big-endian unsigned integer (leading zero bytes, which RFC 7518
/// §6.3.1.1 forbids in `n`, count for nothing).
fn bit_length(be: &[u8]) -> usize {
    match be.iter().position(|&b| b != 0) {
        Some(i) => (be.len() - i) * 8 - be[i].leading_zeros() as usize,
        None => 0,
    }
}

/// The algorithm an `RSA` JWK is for: its `alg`, RS256 when it has none.
fn rsa_algorithm(alg: Option<&str>) -> Option<Algorithm> {
    match alg {
        None | Some("RS256") => Some(Algorithm::RS256),
        Some("PS256") => Some(Algorithm::PS256),
        Some(_) => None,
    }
}

fn decode_member<const N: usize>(value: Option<&str>) -> Result<Zeroizing<[u8; N]>> {
    let value = value.ok_or(Error::MissingMember)?;
    let mut out = Zeroizing::new([0u8; N]);
    match Base64UrlUnpadded::decode(value, out.as_mut()) {
        Ok(bytes) if bytes.len() == N => Ok(out),
        _ => Err(Error::InvalidMember),
    }
}

fn read(m: &Members, default_use: KeyUse) -> Result<Read> {
    if m.use_.as_deref().is_some_and(|u| u != "sig")
        || m.key_ops
            .iter()
            .flatten()
            .any(|op| op != "sign" && op != "verify")
    {
        return Err(Error::NotASigningKey);
    }
    let key_use = m
        .token_use
        .as_deref()
        .map_or(Ok(default_use), parse_token_use)?;
    let alg_ok = |alg: Algorithm| m.alg.as_deref().is_none_or(|a| alg.is_named(a));
    let read = match m.kty.as_deref().ok_or(Error::MissingMember)? {
        "OKP" => {
            if m.crv.as_deref().ok_or(Error::MissingMember)? != "Ed25519" {
                return Err(Error::UnsupportedCurve);
            }
            if !alg_ok(Algorithm::EdDSA) {
                return Err(Error::AlgorithmMismatch);
            }
            let x = decode_member::<32>(m.x.as_deref())?;
            let public = Ed25519VerifyingKey::from_bytes(&x, key_use)?;
            let private = match m.d.as_deref() {
                None => None,
                Some(d) => {
                    let private =
                        Ed25519SigningKey::from_seed(&*decode_member::<32>(Some(d))?, key_use);
                    if private.verifying_key() != public {
                        return Err(Error::KeyPairMismatch);
                    }
                    Some(private)
                }
            };
            Read::Ed25519 { public, private }
        }
        "oct" => {
            if !alg_ok(Algorithm::HS256) {
                return Err(Error::AlgorithmMismatch);
            }
            let k = m.k.as_deref().ok_or(Error::MissingMember)?;
            let mut secret = Zeroizing::new([0u8; 64]);
            let secret =
                Base64UrlUnpadded::decode(k, secret.as_mut()).map_err(|_| Error::InvalidMember)?;
            Read::Hs256(Hs256Key::from_secret(secret, key_use)?)
        }
        "EC" => {
            if m.crv.as_deref().ok_or(Error::MissingMember)? != "P-256" {
                return Err(Error::UnsupportedCurve);
            }
            if !alg_ok(Algorithm::ES256) {
                return Err(Error::AlgorithmMismatch);
            }
            let x = decode_member::<32>(m.x.as_deref())?;
            let y = decode_member::<32>(m.y.as_deref())?;
            let public = Es256VerifyingKey::from_coordinates(&x, &y, key_use)?;
            let private = match m.d.as_deref() {
                None => None,
                Some(d) => {
                    let private =
                        Es256SigningKey::from_bytes(&*decode_member::<32>(Some(d))?, key_use)?;
                    if private.verifying_key() != public {
                        return Err(Error::KeyPairMismatch);
                    }
                    Some(private)
                }
            };
            Read::Es256 { public, private }
        }
        "RSA" => {
            let alg = rsa_algorithm(m.alg.as_deref()).ok_or(Error::AlgorithmMismatch)?;
            let n = decode_vec(m.n.as_deref())?;
            let e = decode_vec(m.e.as_deref())?;
            crate::keys::check_rsa_bits(bit_length(&n))?;
            let public = RsaVerifyingKey::from_components(&n, &e, alg, key_use)?;
            let private = match m.d.as_deref() {
                None => None,
                Some(d) => {
                    // The CRT values `dp`, `dq`, `qi` are recomputed from `p` and `q`.
                    let private = RsaSigningKey::from_components(
                        &n,
                        &e,
                        &decode_vec(Some(d))?,
                        &decode_vec(m.p.as_deref().map(|v| v.as_str()))?,
                        &decode_vec(m.q.as_deref().map(|v| v.as_str()))?,
                        alg,
                        key_use,
                    )?;
                    Some(private)
                }
            };
            Read::Rsa { public, private }
        }
        _ => return Err(Error::UnsupportedKeyType),
    };
    Ok(match (read, m.kid.as_deref()) {
        (r, None) => r,
        (Read::Ed25519 { public, private }, Some(kid)) => Read::Ed25519 {
            public: public.with_kid(kid)?,
            private: private.map(|k| k.with_kid(kid)).transpose()?,
        },
        (Read::Hs256(k), Some(kid)) => Read::Hs256(k.with_kid(kid)?),
        (Read::Es256 { public, private }, Some(kid)) => Read::Es256 {
            public: public.with_kid(kid)?,
            private: private.map(|k| k.with_kid(kid)).transpose()?,
        },
        (Read::Rsa { public, private }, Some(kid)) => Read::Rsa {
            public: public.with_kid(kid)?,
            private: private.map(|k| k.with_kid(kid)).transpose()?,
        },
    })
}

fn parse<T: for<'de> Deserialize<'de>>(json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|_| Error::Json)
}

/// Reads a private JWK (`OKP`, `EC` or `RSA` with `d`, or `oct`) as a signing key.
/// `default_use` applies when the JWK has no `token_use`. A public-only key is
/// [`Error::NotAPrivateKey`].
pub fn signing_key_from_jwk(json: &str, default_use: KeyUse) -> Result<AnySigningKey> {
    match read(&parse(json)?, default_use)? {
        Read::Ed25519 {
            private: Some(k), ..
        } => Ok(AnySigningKey::Ed25519(k)),
        Read::Es256 {
            private: Some(k), ..
        } => Ok(AnySigningKey::Es256(k)),
        Read::Rsa {
            private: Some(k), ..
        } => Ok(AnySigningKey::Rsa(k)),
        Read::Hs256(k) => Ok(AnySigningKey::Hs256(k)),
        Read::Ed25519 { .. } | Read::Es256 { .. } | Read::Rsa { .. } => Err(Error::NotAPrivateKey),
    }
}

fn verifying(read: Read) -> AnyVerifyingKey {
    match read {
        Read::Ed25519 { public, .. } => AnyVerifyingKey::Ed25519(public),
        Read::Es256 { public, .. } => AnyVerifyingKey::Es256(public),
        Read::Rsa { public, .. } => AnyVerifyingKey::Rsa(public),
        Read::Hs256(k) => AnyVerifyingKey::Hs256(k),
    }
}

/// Reads any JWK as a verifying key: an `OKP`, `EC` or `RSA` key (its public part, if it
/// also holds private members) or an `oct` secret. `default_use` applies when the JWK has
/// no `token_use`.
pub fn verifying_key_from_jwk(json: &str, default_use: KeyUse) -> Result<AnyVerifyingKey> {
    Ok(verifying(read(&parse(json)?, default_use)?))
}

fn public_only(m: &Members, default_use: KeyUse) -> Result<AnyVerifyingKey> {
    let private = m.d.is_some()
        || m.k.is_some()
        || m.p.is_some()
        || m.q.is_some()
        || m.dp.is_some()
        || m.dq.is_some()
        || m.qi.is_some()
        || m.kty.as_deref() == Some("oct");
    if private {
        return Err(Error::PrivateKeyInPublicSet);
    }
    Ok(verifying(read(m, default_use)?))
}

/// Reads a public JWK (`OKP`, `EC` or `RSA`); any private member is
/// [`Error::PrivateKeyInPublicSet`].
pub fn public_key_from_jwk(json: &str, default_use: KeyUse) -> Result<AnyVerifyingKey> {
    public_only(&parse(json)?, default_use)
}

/// A key of a private JWK set: it signs when it has a private part.
pub(crate) enum SetKey {
    Signing(AnySigningKey),
    Verifying(AnyVerifyingKey),
}

/// A key of a saved set with its `not_before` and `retire_after`.
pub(crate) type WindowedKey = (SetKey, Option<u64>, Option<u64>);

/// Reads a private JWK set as `KeySet::save` writes it: every key must be usable (nothing
/// is skipped), each with its optional `not_before` and `retire_after`.
pub(crate) fn private_set(json: &str, default_use: KeyUse) -> Result<Vec<WindowedKey>> {
    parse::<Set>(json)?
        .keys
        .iter()
        .map(|m| {
            let key = match read(m, default_use)? {
                Read::Hs256(k) => SetKey::Signing(AnySigningKey::Hs256(k)),
                Read::Ed25519 {
                    private: Some(k), ..
                } => SetKey::Signing(k.into()),
                Read::Es256 {
                    private: Some(k), ..
                } => SetKey::Signing(k.into()),
                Read::Rsa {
                    private: Some(k), ..
                } => SetKey::Signing(k.into()),
                public => SetKey::Verifying(verifying(public)),
            };
            Ok((key, m.not_before, m.retire_after))
        })
        .collect()
}

/// `json` (one JWK object) with `not_before` and `retire_after` members added, in one
/// zeroizing buffer of its exact size.
pub(crate) fn with_window(
    json: &str,
    not_before: u64,
    retire_after: Option<u64>,
) -> Zeroizing<String> {
    let body = json.trim_end().trim_end_matches('}').trim_end();
    let tail = match retire_after {
        Some(end) => format!(",\"not_before\":{not_before},\"retire_after\":{end}}}"),
        None => format!(",\"not_before\":{not_before}}}"),
    };
    let mut out = Zeroizing::new(String::with_capacity(body.len() + tail.len()));
    out.push_str(body);
    out.push_str(&tail);
    out
}

/// Reads a public JWK set (`{"keys":[...]}`) whole: Ed25519, P-256 and RSA keys side by
/// side, with or without `kid`. Keys this crate cannot verify signatures with (`OKP` with
/// `X25519`/`Ed448`, `EC` on another curve, other types, `use` other than `sig`, `key_ops`
/// without `verify`, an `alg` it does not implement) are skipped, as RFC 7517 §5 advises;
/// every other key must be a valid public key: a private member or an `oct` key anywhere
/// refuses the whole set. A set with no usable key reads as no keys.
pub fn public_keys_from_jwks(json: &str, default_use: KeyUse) -> Result<Vec<AnyVerifyingKey>> {
    parse::<Set>(json)?
        .keys
        .iter()
        .filter(|m| !is_foreign(m))
        .map(|m| public_only(m, default_use))
        .collect()
}

/// A key this crate never uses for signatures (never one that could be ours, wrongly
/// formed: those are still refused).
fn is_foreign(m: &Members) -> bool {
    let not_for_signatures = m.use_.as_deref().is_some_and(|u| u != "sig")
        || m.key_ops
            .as_ref()
            .is_some_and(|ops| !ops.iter().any(|op| op == "verify"));
    let alg = m.alg.as_deref();
    let known = |a: Algorithm| alg.is_none_or(|name| a.is_named(name));
    not_for_signatures
        || match m.kty.as_deref() {
            Some("OKP") => {
                m.crv.as_deref().is_some_and(|c| c != "Ed25519") || !known(Algorithm::EdDSA)
            }
            Some("EC") => {
                m.crv.as_deref().is_some_and(|c| c != "P-256") || !known(Algorithm::ES256)
            }
            Some("RSA") => rsa_algorithm(alg).is_none(),
            Some("oct") | None => false,
            Some(_) => true,
        }
}

fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// A public key with a JWK form: Ed25519, P-256 or RSA (an HS256 secret has none).
pub trait PublicJwk: sealed::Sealed {
    /// The key as an [`AnyVerifyingKey`].
    fn to_any(&self) -> AnyVerifyingKey;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for compact_token::Ed25519VerifyingKey {}
    impl Sealed for compact_token::Es256VerifyingKey {}
    impl Sealed for compact_token::RsaVerifyingKey {}
}

macro_rules! public_jwk {
    ($($t:ty),*) => {$(
        impl PublicJwk for $t {
            fn to_any(&self) -> AnyVerifyingKey {
                self.clone().into()
            }
        }
    )*};
}
public_jwk!(Ed25519VerifyingKey, Es256VerifyingKey, RsaVerifyingKey);

/// The public members of `key`; `None` for an HS256 secret, which has no public part.
fn public_members(key: &AnyVerifyingKey) -> Option<Members> {
    let mut m = match key {
        AnyVerifyingKey::Ed25519(k) => Members {
            kty: Some("OKP".into()),
            crv: Some("Ed25519".into()),
            x: Some(b64(&k.to_bytes())),
            ..Members::default()
        },
        AnyVerifyingKey::Es256(k) => {
            let (x, y) = k.to_coordinates();
            Members {
                kty: Some("EC".into()),
                crv: Some("P-256".into()),
                x: Some(b64(&x)),
                y: Some(b64(&y)),
                ..Members::default()
            }
        }
        AnyVerifyingKey::Rsa(k) => Members {
            kty: Some("RSA".into()),
            n: Some(b64(&k.modulus())),
            e: Some(b64(&k.exponent())),
            ..Members::default()
        },
        AnyVerifyingKey::Hs256(_) => return None,
    };
    m.kid = key.key_id().map(Into::into);
    m.alg = Some(key.algorithm().name().into());
    m.use_ = Some("sig".into());
    m.token_use = Some(token_use_name(key.key_use()).into());
    Some(m)
}

fn to_json<T: Serialize>(value: &T) -> String {
    // Serializing plain strings and vectors of them cannot fail.
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// Writes a public key as a JWK (`kty`, `crv`/`x`/`y` or `n`/`e`, `kid`, `alg`, `use`,
/// `token_use`).
pub fn public_key_to_jwk<K: PublicJwk>(key: &K) -> String {
    to_json(&public_members(&key.to_any()))
}

/// The public JWK of `key` (one key, not a set); `None` for an HS256 secret.
pub(crate) fn any_key_to_jwk(key: &AnyVerifyingKey) -> Option<String> {
    public_members(key).map(|m| to_json(&m))
}

/// Writes a public JWK set of `keys`.
pub fn public_keys_to_jwks<'k, K: PublicJwk + 'k>(keys: impl IntoIterator<Item = &'k K>) -> String {
    any_keys_to_jwks(
        keys.into_iter()
            .map(PublicJwk::to_any)
            .collect::<Vec<_>>()
            .iter(),
    )
}

/// Writes a public JWK set of the keys that have a public part (HS256 secrets are left out).
pub fn any_keys_to_jwks<'k>(keys: impl IntoIterator<Item = &'k AnyVerifyingKey>) -> String {
    to_json(&SetOut {
        keys: keys.into_iter().filter_map(public_members).collect(),
    })
}

/// Counts the bytes written to it, keeping none.
struct Count(usize);

impl std::io::Write for Count {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Appends to a vector within its capacity and refuses a write that would go beyond: the
/// vector is never reallocated, so it never leaves a copy of what it holds in freed memory.
struct NoGrow<'v>(&'v mut Vec<u8>);

impl std::io::Write for NoGrow<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if bytes.len() > self.0.capacity() - self.0.len() {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        self.0.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// [`to_json`] for a value holding a secret: a first pass counts the bytes, the second
/// writes them into one zeroizing buffer of exactly that capacity ([`NoGrow`]), so no
/// growth leaves part of the secret behind in freed heap memory.
fn to_secret_json<T: Serialize>(value: &T) -> Zeroizing<String> {
    let mut len = Count(0);
    let mut buf = Zeroizing::new(Vec::new());
    if serde_json::to_writer_pretty(&mut len, value).is_ok() {
        *buf = Vec::with_capacity(len.0);
        // Both passes write the same bytes, so this fits; if not, nothing is returned.
        if serde_json::to_writer_pretty(NoGrow(&mut buf), value).is_err() {
            buf.zeroize();
        }
    }
    // Moves the buffer, never copies it; serde_json writes UTF-8 only.
    match String::from_utf8(core::mem::take(&mut *buf)) {
        Ok(json) => Zeroizing::new(json),
        Err(e) => {
            drop(Zeroizing::new(e.into_bytes()));
            Zeroizing::default()
        }
    }
}

fn secret_b64(value: &BoxedUint) -> Option<Zeroizing<String>> {
    let bytes = Zeroizing::new(value.to_be_bytes_trimmed_vartime());
    Some(Zeroizing::new(b64(&bytes)))
}

/// Writes a private JWK: `OKP` or `EC` with `d`, `RSA` with `d`, `p`, `q`, `dp`, `dq`,
/// `qi`, or `oct` with `k`. The result holds the secret and is zeroized on drop; it is
/// written once into a buffer of its exact size, so no reallocation leaves a copy of the
/// secret in freed memory (the base64url strings of the members are zeroized too).
pub fn signing_key_to_jwk(key: &AnySigningKey) -> Zeroizing<String> {
    let public = public_members(&key.verifying_key()).unwrap_or_default();
    let members = match key {
        AnySigningKey::Ed25519(k) => Members {
            d: Some(Zeroizing::new(b64(&*Zeroizing::new(k.seed())))),
            ..public
        },
        AnySigningKey::Es256(k) => Members {
            d: Some(Zeroizing::new(b64(&*Zeroizing::new(k.to_bytes())))),
            ..public
        },
        AnySigningKey::Rsa(k) => {
            let rsa = k.as_rsa();
            let primes = rsa.primes();
            Members {
                d: secret_b64(rsa.d()),
                p: primes.first().and_then(|p| secret_b64(p)),
                q: primes.get(1).and_then(|q| secret_b64(q)),
                dp: rsa.dp().and_then(secret_b64),
                dq: rsa.dq().and_then(secret_b64),
                qi: rsa.crt_coefficient().as_ref().and_then(secret_b64),
                ..public
            }
        }
        AnySigningKey::Hs256(k) => Members {
            kty: Some("oct".into()),
            k: Some(Zeroizing::new(b64(k.secret()))),
            kid: SigningKey::key_id(k).map(Into::into),
            alg: Some(Algorithm::HS256.name().into()),
            use_: Some("sig".into()),
            token_use: Some(token_use_name(SigningKey::key_use(k)).into()),
            ..Members::default()
        },
    };
    to_secret_json(&members)
}

/// The RFC 7638 thumbprint of a key: SHA-256 over its required members in lexicographic
/// order without whitespace, base64url. A good `kid` (43 characters).
///
/// The canonical JSON is hashed piece by piece, its one value encoded three bytes at a
/// time into a zeroized stack buffer: an `oct` secret never reaches the heap.
pub fn thumbprint(key: &AnyVerifyingKey) -> String {
    let x;
    let (open, value, close): (&str, &[u8], &str) = match key {
        AnyVerifyingKey::Ed25519(k) => {
            x = k.to_bytes();
            (r#"{"crv":"Ed25519","kty":"OKP","x":""#, &x, r#""}"#)
        }
        AnyVerifyingKey::Hs256(k) => (r#"{"k":""#, k.secret(), r#"","kty":"oct"}"#),
        // Public values only: hashed as one string.
        AnyVerifyingKey::Es256(k) => {
            let (x, y) = k.to_coordinates();
            let json = format!(
                r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
                b64(&x),
                b64(&y)
            );
            return b64(&Sha256::digest(json));
        }
        AnyVerifyingKey::Rsa(k) => {
            let json = format!(
                r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
                b64(&k.exponent()),
                b64(&k.modulus())
            );
            return b64(&Sha256::digest(json));
        }
    };
    let mut h = Sha256::new();
    h.update(open);
    // Base64url maps each 3 bytes to 4 characters on their own, so encoding by 3-byte groups
    // gives the whole value's encoding (only the last group may be short, and unpadded).
    let mut quad = Zeroizing::new([0u8; 4]);
    for group in value.chunks(3) {
        // 4 bytes always hold the encoding of at most 3.
        if let Ok(chars) = Base64UrlUnpadded::encode(group, quad.as_mut()) {
            h.update(chars);
        }
    }
    h.update(close);
    b64(&h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8037 Appendix A.1 (private) and A.2 (public).
    const A1_D: &str = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
    const A1_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    /// RFC 8037 Appendix A.3.
    const A3_THUMBPRINT: &str = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";

    fn a1_private() -> String {
        format!(r#"{{"kty":"OKP","crv":"Ed25519","d":"{A1_D}","x":"{A1_X}"}}"#)
    }

    fn a2_public() -> String {
        format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{A1_X}"}}"#)
    }

    fn with(json: &str, extra: &str) -> String {
        format!("{},{extra}}}", json.trim_end_matches('}'))
    }

    #[test]
    fn rfc8037_a1_key_imports_and_a3_thumbprint_matches() {
        let key = signing_key_from_jwk(&a1_private(), KeyUse::Access).unwrap();
        let AnySigningKey::Ed25519(ed) = &key else {
            panic!("not ed25519")
        };
        assert_eq!(b64(&ed.seed()), A1_D);
        assert_eq!(b64(&ed.verifying_key().to_bytes()), A1_X);
        assert_eq!(thumbprint(&key.verifying_key()), A3_THUMBPRINT);
        let public = verifying_key_from_jwk(&a2_public(), KeyUse::Access).unwrap();
        assert_eq!(thumbprint(&public), A3_THUMBPRINT);
    }

    #[test]
    fn private_jwk_round_trips_with_kid_and_use() {
        let key = signing_key_from_jwk(&a1_private(), KeyUse::Id)
            .unwrap()
            .with_kid(A3_THUMBPRINT)
            .unwrap();
        let json = signing_key_to_jwk(&key);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&json).unwrap(),
            serde_json::json!({
                "kty": "OKP", "crv": "Ed25519", "x": A1_X, "d": A1_D,
                "kid": A3_THUMBPRINT, "alg": "EdDSA", "use": "sig", "token_use": "id",
            })
        );
        // `token_use` in the document wins over the caller's default.
        let back = signing_key_from_jwk(&json, KeyUse::Access).unwrap();
        assert_eq!(SigningKey::key_use(&back), KeyUse::Id);
        assert_eq!(SigningKey::key_id(&back), Some(A3_THUMBPRINT));
    }

    #[test]
    fn oct_jwk_round_trips() {
        let secret = [0x5Au8; 40];
        let key = AnySigningKey::Hs256(Hs256Key::from_secret(&secret, KeyUse::Access).unwrap())
            .with_kid("h")
            .unwrap();
        let json = signing_key_to_jwk(&key);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&json).unwrap(),
            serde_json::json!({
                "kty": "oct", "k": b64(&secret), "kid": "h", "alg": "HS256",
                "use": "sig", "token_use": "access",
            })
        );
        let AnySigningKey::Hs256(back) = signing_key_from_jwk(&json, KeyUse::Id).unwrap() else {
            panic!("not hs256")
        };
        assert_eq!(back.secret(), secret);
        let short = format!(r#"{{"kty":"oct","k":"{}"}}"#, b64(&[1; 31]));
        assert_eq!(
            signing_key_from_jwk(&short, KeyUse::Id).unwrap_err(),
            Error::Token(compact_token::Error::InvalidKey)
        );
    }

    /// An HS256 key with the longest secret (64 bytes: the JSON outgrows serde_json's first
    /// 128-byte buffer after the secret is in it) and a kid.
    fn long_hs256() -> AnySigningKey {
        let secret: Vec<u8> = (0..64).map(|i| i * 3 + 1).collect();
        AnySigningKey::Hs256(Hs256Key::from_secret(&secret, KeyUse::Id).unwrap())
            .with_kid("hs-2025")
            .unwrap()
    }

    #[test]
    fn a_private_jwk_is_written_once_at_its_exact_size() {
        // Audit issue 10: serde_json's growing buffer left copies of the secret in freed
        // memory. One buffer of the exact size, never grown, leaves none.
        let ed = signing_key_from_jwk(&a1_private(), KeyUse::Access).unwrap();
        for key in [long_hs256(), ed] {
            let json = signing_key_to_jwk(&key);
            assert_eq!(json.capacity(), json.len());
            assert_eq!(
                *json,
                to_json(&serde_json::from_str::<Members>(&json).unwrap())
            );
        }
    }

    #[test]
    fn the_secret_buffer_never_grows() {
        use std::io::Write;
        let mut buf = Vec::with_capacity(4);
        let at = buf.as_ptr();
        assert!(NoGrow(&mut buf).write_all(b"abc").is_ok());
        assert!(NoGrow(&mut buf).write_all(b"de").is_err());
        assert!(NoGrow(&mut buf).write_all(b"d").is_ok());
        assert_eq!(
            (buf.as_slice(), buf.capacity(), buf.as_ptr()),
            (&b"abcd"[..], 4, at)
        );
    }

    #[test]
    fn oct_thumbprint_hashes_the_canonical_members() {
        // RFC 7638 §3.2 for `oct`: {"k":...,"kty":"oct"}; every length mod 3.
        for len in [32, 33, 34, 64] {
            let secret: Vec<u8> = (0..len).map(|i| (i * 7 + 5) as u8).collect();
            let key = AnyVerifyingKey::Hs256(Hs256Key::from_secret(&secret, KeyUse::Id).unwrap());
            let canonical = format!(r#"{{"k":"{}","kty":"oct"}}"#, b64(&secret));
            assert_eq!(thumbprint(&key), b64(&Sha256::digest(canonical)), "{len}");
        }
    }

    #[test]
    fn refuses_what_it_does_not_support() {
        let cases = [
            (
                with(&a2_public(), r#""alg":"HS256""#),
                Error::AlgorithmMismatch,
            ),
            (
                with(&a2_public(), r#""alg":"ES256""#),
                Error::AlgorithmMismatch,
            ),
            (with(&a2_public(), r#""use":"enc""#), Error::NotASigningKey),
            (
                with(&a2_public(), r#""key_ops":["encrypt"]"#),
                Error::NotASigningKey,
            ),
            (
                with(&a2_public(), r#""token_use":"refresh""#),
                Error::InvalidTokenUse,
            ),
            (
                with(&a2_public(), r#""kid":"""#),
                Error::Token(compact_token::Error::InvalidKey),
            ),
            (with(&a2_public(), r#""x":"AA""#), Error::Json),
            (
                a2_public().replace("Ed25519", "Ed448"),
                Error::UnsupportedCurve,
            ),
            (
                a2_public().replace("Ed25519", "X25519"),
                Error::UnsupportedCurve,
            ),
            (a2_public().replace("OKP", "RSA"), Error::MissingMember),
            (a2_public().replace("OKP", "EC"), Error::UnsupportedCurve),
            (a2_public().replace("OKP", "AKP"), Error::UnsupportedKeyType),
            (r#"{"crv":"Ed25519","x":"AA"}"#.into(), Error::MissingMember),
            (
                r#"{"kty":"OKP","crv":"Ed25519"}"#.into(),
                Error::MissingMember,
            ),
            (r#"{"kty":"OKP","x":"AA"}"#.into(), Error::MissingMember),
            (
                r#"{"kty":"oct","alg":"HS256"}"#.into(),
                Error::MissingMember,
            ),
            (
                r#"{"kty":"oct","k":"c2VjcmV0","alg":"HS512"}"#.into(),
                Error::AlgorithmMismatch,
            ),
            (a2_public().replace(A1_X, &A1_X[..42]), Error::InvalidMember),
            (
                a2_public().replace(A1_X, &format!("{A1_X}AA")),
                Error::InvalidMember,
            ),
            (
                a2_public().replace(A1_X, &format!("{A1_X}=")),
                Error::InvalidMember,
            ),
            (
                a2_public().replace(A1_X, &b64(&[0; 32])),
                Error::Token(compact_token::Error::InvalidKey),
            ),
            ("[]".into(), Error::Json),
            (r#"["OKP","Ed25519"]"#.into(), Error::Json),
            ("{".into(), Error::Json),
            (r#"{"kty":5}"#.into(), Error::Json),
        ];
        for (json, expected) in cases {
            assert_eq!(
                verifying_key_from_jwk(&json, KeyUse::Access).unwrap_err(),
                expected,
                "{json}"
            );
        }
    }

    #[test]
    fn private_part_must_match_public_part() {
        let other_x = b64(&Ed25519SigningKey::from_seed(&[9; 32], KeyUse::Id)
            .verifying_key()
            .to_bytes());
        let json = a1_private().replace(A1_X, &other_x);
        assert_eq!(
            signing_key_from_jwk(&json, KeyUse::Id).unwrap_err(),
            Error::KeyPairMismatch
        );
        assert_eq!(
            signing_key_from_jwk(&a2_public(), KeyUse::Id).unwrap_err(),
            Error::NotAPrivateKey
        );
    }

    #[test]
    fn public_imports_refuse_private_material() {
        assert!(public_key_from_jwk(&a2_public(), KeyUse::Id).is_ok());
        assert_eq!(
            public_key_from_jwk(&a1_private(), KeyUse::Id).unwrap_err(),
            Error::PrivateKeyInPublicSet
        );
        let oct = format!(r#"{{"kty":"oct","k":"{}"}}"#, b64(&[1; 32]));
        assert_eq!(
            public_key_from_jwk(&oct, KeyUse::Id).unwrap_err(),
            Error::PrivateKeyInPublicSet
        );
        let set = |keys: &[&str]| format!(r#"{{"keys":[{}]}}"#, keys.join(","));
        let keys = public_keys_from_jwks(&set(&[&a2_public()]), KeyUse::Id).unwrap();
        assert_eq!(thumbprint(&keys[0]), A3_THUMBPRINT);
        for bad in [set(&[&a2_public(), &a1_private()]), set(&[&oct])] {
            assert_eq!(
                public_keys_from_jwks(&bad, KeyUse::Id).unwrap_err(),
                Error::PrivateKeyInPublicSet
            );
        }
        // Keys of other types and curves are skipped; a set of only those has no key.
        let rsa = r#"{"kty":"EC","crv":"P-384","x":"AQAB","y":"AQAB"}"#;
        let x25519 = r#"{"kty":"OKP","crv":"X25519","x":"AQAB"}"#;
        let keys = public_keys_from_jwks(&set(&[rsa, &a2_public(), x25519]), KeyUse::Id).unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(thumbprint(&keys[0]), A3_THUMBPRINT);
        assert!(
            public_keys_from_jwks(&set(&[rsa, x25519]), KeyUse::Id)
                .unwrap()
                .is_empty()
        );
        // A malformed key of a type we use is still refused, foreign keys beside it or not.
        let bad_okp = r#"{"kty":"OKP","crv":"Ed25519","x":"AA"}"#;
        assert!(public_keys_from_jwks(&set(&[rsa, bad_okp]), KeyUse::Id).is_err());
        assert_eq!(
            public_keys_from_jwks(r#"{"kids":[]}"#, KeyUse::Id).unwrap_err(),
            Error::Json
        );
    }

    #[test]
    fn public_jwks_round_trips() {
        let a = Ed25519SigningKey::from_seed(&[1; 32], KeyUse::Access)
            .with_kid("a")
            .unwrap()
            .verifying_key();
        let b = Ed25519SigningKey::from_seed(&[2; 32], KeyUse::Id)
            .with_kid("b")
            .unwrap()
            .verifying_key();
        let json = public_keys_to_jwks([&a, &b]);
        assert!(!json.contains("\"d\""));
        let back: Vec<String> = public_keys_from_jwks(&json, KeyUse::AccessAndId)
            .unwrap()
            .iter()
            .map(|k| format!("{:?} {}", k.key_id(), thumbprint(k)))
            .collect();
        let want: Vec<String> = [a.clone(), b]
            .into_iter()
            .map(AnyVerifyingKey::from)
            .map(|k| format!("{:?} {}", k.key_id(), thumbprint(&k)))
            .collect();
        assert_eq!(back, want);
        let AnyVerifyingKey::Ed25519(one) =
            public_key_from_jwk(&public_key_to_jwk(&a), KeyUse::Id).unwrap()
        else {
            panic!("not ed25519")
        };
        assert_eq!(one, a);
    }
}
