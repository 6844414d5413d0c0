//! The one error type of the crate.

use core::fmt;

/// Everything that can go wrong in key handling, key sets and the helpers around them.
///
/// Token errors from `compact-token` are carried unchanged in [`Error::Token`], so a caller
/// still sees *exactly* why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// A token or key error from `compact-token` (bad signature, expired, wrong kind, ...).
    Token(compact_token::Error),
    /// An algorithm `compact-token` knows but this crate does not handle yet.
    UnsupportedAlgorithm,
    /// The operating system's random number generator failed.
    Random,
    /// The text is not one PEM document, or its DER is malformed or truncated (not the key
    /// structure its label names).
    Pem,
    /// The PEM label is none of `PUBLIC KEY`, `PRIVATE KEY`, `EC PRIVATE KEY`,
    /// `RSA PRIVATE KEY`, `RSA PUBLIC KEY` (e.g. a certificate, or an encrypted private key).
    PemLabel,
    /// The PEM key is well-formed but of a type or curve this crate does not use (only
    /// Ed25519, P-256 and RSA).
    PemUnsupportedKey,
    /// A public key was expected but the PEM holds a private key.
    NotAPublicKey,
    /// An RSA key does not say whether it is for RS256 or PS256: the caller must name one.
    AlgorithmRequired,
    /// An RSA modulus is shorter than 2048 bits or longer than 4096 (RFC 7518 §3.3).
    RsaKeySize,
    /// A key document's private and public halves are not one key pair (a PKCS#8 v2 public
    /// key, or a JWK `x` beside `d`, that is not the one derived from the private key).
    KeyPairMismatch,
    /// The document is not well-formed JSON of the expected shape (a JWK, a JWK set, or
    /// claims), or a member has the wrong JSON type or a duplicate.
    Json,
    /// A JWK lacks a member its key type requires (`kty`, `crv`, `x`, `k`).
    MissingMember,
    /// A JWK member is not canonical unpadded base64url, or decodes to the wrong length.
    InvalidMember,
    /// The JWK `kty` is not `OKP` or `oct`.
    UnsupportedKeyType,
    /// The JWK `crv` is not `Ed25519`.
    UnsupportedCurve,
    /// The JWK `alg`, or the algorithm asked of a PEM key, names an algorithm other than the
    /// key's (`EdDSA` for Ed25519, `ES256` for P-256, `RS256`/`PS256` for RSA, `HS256` for
    /// `oct`; PS256 only for an RSASSA-PSS key).
    AlgorithmMismatch,
    /// The JWK `use` is not `sig`, or `key_ops` names an operation other than `sign` and
    /// `verify`.
    NotASigningKey,
    /// The JWK `token_use` is not `access`, `id` or `both`.
    InvalidTokenUse,
    /// A private member (`d`, or any `oct` key) was found where only public keys belong.
    PrivateKeyInPublicSet,
    /// A private key was needed (to sign) but only a public key was given.
    NotAPrivateKey,
    /// An HS256 secret has no public part to export or publish.
    NoPublicKey,
    /// A key set needs every key to carry a `kid`.
    MissingKeyId,
    /// A key set already holds a key with this `kid`.
    DuplicateKeyId,
    /// A rotation window ends before it starts.
    InvalidWindow,
    /// No key in the set has the token's `kid`, or that key is outside its window.
    UnknownKeyId,
    /// The token has no `kid` and more than one key of the set could verify it.
    AmbiguousKey,
    /// No key of the set may sign or verify this kind of token at this time: none has a
    /// `token_use` allowing the kind, or none of those is in its window.
    NoActiveKey,
    /// A key set file could not be written or read.
    Io,
    /// A URL (issuer, `jwks_uri`) is not an absolute `https`/`http` URL with a host, or has
    /// user information or a fragment (an issuer also a query), which remote key sets refuse.
    InvalidUrl,
    /// A URL is plain `http` to a host other than a loopback address (`127.0.0.0/8`, `::1`,
    /// `localhost`), or another scheme: refused before any connection.
    InsecureUrl,
    /// The discovery document's `issuer` is not exactly the issuer asked for (OpenID
    /// Connect Discovery 1.0 §4.3; a trailing `/` counts).
    IssuerMismatch,
    /// The server answered with an HTTP status other than 200 (redirects are not followed).
    Http {
        /// The response status.
        status: u16,
    },
    /// The request could not be made or its response not read: name resolution,
    /// connection, TLS or HTTP protocol failure.
    Fetch,
    /// The whole request (connect, send, response and body) took longer than its timeout.
    Timeout,
    /// The response body is larger than the configured cap.
    ResponseTooLarge,
}

impl Error {
    /// A short, lowercase, static description (for [`Error::Token`], the token error's).
    pub const fn as_str(&self) -> &'static str {
        match self {
            Error::Token(e) => e.as_str(),
            Error::UnsupportedAlgorithm => "algorithm not supported here",
            Error::Random => "os random number generator failed",
            Error::Pem => "malformed pem or der key",
            Error::PemLabel => {
                "pem label is not public key, private key, ec private key, rsa private key or \
                 rsa public key (encrypted keys are not read)"
            }
            Error::PemUnsupportedKey => "pem key is not ed25519, p-256 or rsa",
            Error::NotAPublicKey => "a public key is expected, not a private key",
            Error::AlgorithmRequired => "an rsa key needs its algorithm named: rs256 or ps256",
            Error::RsaKeySize => "rsa modulus not 2048 to 4096 bits",
            Error::KeyPairMismatch => "public key does not match the private key",
            Error::Json => "malformed json",
            Error::MissingMember => "jwk member missing",
            Error::InvalidMember => "jwk member not canonical base64url of the right length",
            Error::UnsupportedKeyType => "unsupported jwk key type (kty)",
            Error::UnsupportedCurve => "unsupported jwk curve (crv)",
            Error::AlgorithmMismatch => {
                "the algorithm named (jwk alg or asked) contradicts the key"
            }
            Error::NotASigningKey => "jwk is not a signature key (use, key_ops)",
            Error::InvalidTokenUse => "invalid jwk token_use",
            Error::PrivateKeyInPublicSet => "private key material in a public key set",
            Error::NotAPrivateKey => "a private key is needed",
            Error::Io => "key set file could not be written or read",
            Error::NoPublicKey => "an hs256 secret has no public key",
            Error::MissingKeyId => "key has no kid",
            Error::DuplicateKeyId => "duplicate kid in key set",
            Error::InvalidWindow => "key window ends before it starts",
            Error::UnknownKeyId => "no key with this kid is valid now",
            Error::AmbiguousKey => "token has no kid and several keys could verify it",
            Error::InvalidUrl => "not an absolute http(s) url with a host and no fragment",
            Error::InsecureUrl => "url is not https (plain http only to loopback)",
            Error::IssuerMismatch => "discovery document names another issuer",
            Error::Http { .. } => "http status other than 200",
            Error::Fetch => "http request failed (connect, tls or protocol)",
            Error::Timeout => "http request timed out",
            Error::ResponseTooLarge => "http response larger than the cap",
            Error::NoActiveKey => {
                "no key of the set is for this kind of token (token_use) and in its window now"
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Token(e) => fmt::Display::fmt(e, f),
            Error::Http { status } => write!(f, "http status {status} (200 expected)"),
            other => f.write_str(other.as_str()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Token(e) => Some(e),
            _ => None,
        }
    }
}

impl From<compact_token::Error> for Error {
    fn from(e: compact_token::Error) -> Self {
        Error::Token(e)
    }
}

/// Shorthand for results of this crate.
pub type Result<T> = core::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_errors_keep_their_message_and_source() {
        let e = Error::from(compact_token::Error::BadSignature);
        assert_eq!(e, Error::Token(compact_token::Error::BadSignature));
        assert_eq!(e.to_string(), "bad signature");
        let needed = Error::from(compact_token::Error::BufferTooSmall { needed: 9 });
        assert_eq!(needed.to_string(), "buffer too small: 9 bytes needed");
        assert!(std::error::Error::source(&e).is_some());
        assert!(std::error::Error::source(&Error::Pem).is_none());
    }

    #[test]
    fn no_active_key_says_which_two_things_to_check() {
        // It used to say "no key is valid now", misleading when the key's use was the cause.
        assert_eq!(
            Error::NoActiveKey.to_string(),
            "no key of the set is for this kind of token (token_use) and in its window now"
        );
    }
}
