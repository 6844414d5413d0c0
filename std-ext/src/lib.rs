//! # compact-token-std
//!
//! Everything around [`compact_token`] that needs `std`: keys from the OS RNG ([`keys`]),
//! PEM for Ed25519, P-256 and RSA ([`pem`]: PKCS#8 and SPKI, OpenSSL's SEC1 and PKCS#1
//! read), JWK and JWK sets ([`jwk`]: RFC 7517, RFC 8037 `OKP`, `oct`, RFC 7638
//! thumbprints), key sets with rotation windows and `kid` lookup ([`keyset`]), the system
//! clock ([`SystemClock`]), claims from JWT JSON ([`claims_json`]), and the product brief's
//! sample claims ([`demo`]). The `ctok` command-line tool is its own crate, `ctok`.
//!
//! Tokens are still issued and verified by `compact-token`: this crate picks the key and
//! the time, and every token error comes back unchanged inside [`Error::Token`].
//!
//! ```
//! use compact_token::{AccessClaims, AccessPolicy, Algorithm, KeyUse, Limits};
//! use compact_token_std::keys::AnySigningKey;
//! use compact_token_std::keyset::{KeySet, Window};
//! use compact_token_std::{jwk, SystemClock};
//!
//! // The authorization server: a fresh Ed25519 key, its thumbprint as `kid`.
//! let key = AnySigningKey::generate(Algorithm::EdDSA, KeyUse::Access)?;
//! let kid = jwk::thumbprint(&key.verifying_key());
//! let mut issuer = KeySet::new();
//! issuer.add_signing_key(key.with_kid(&kid)?, Window::ALWAYS)?;
//!
//! let now = SystemClock::now();
//! let claims = AccessClaims::new(
//!     "https://auth.example.com", "user-8f14e45f", "https://api.example.com",
//!     "s6BhdRkqt3", now, now + 300, "b1c2d3e4f5a6b7c8",
//! );
//! let mut buf = [0u8; 1024];
//! let token = issuer.issue_access(&claims, &Limits::ACCESS, now, &mut buf)?;
//!
//! // The resource server: the published JWK set, the token's `kid` picks the key.
//! let jwks = issuer.public_jwks(now);
//! let server = KeySet::from_public_jwks(&jwks, KeyUse::Access)?;
//! let policy = AccessPolicy::new("https://auth.example.com", "https://api.example.com");
//! let mut scratch = [0u8; 2048];
//! let verified = server.verify_access(token, &policy, now, &mut scratch)?;
//! assert_eq!(verified.sub, "user-8f14e45f");
//! # Ok::<(), compact_token_std::Error>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod claims_json;
pub mod clock;
pub mod demo;
pub mod dpop;
mod error;
pub mod jwk;
pub mod keys;
pub mod keyset;
pub mod pem;
#[cfg(feature = "remote")]
pub mod remote;

pub use clock::SystemClock;
pub use error::{Error, Result};
