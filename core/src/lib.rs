//! # compact-token
//!
//! Small, strict bearer tokens for `no_std` targets with no heap: OAuth 2.0 **access
//! tokens** (RFC 9068) and OpenID Connect **ID tokens** as distinct types, in JWS compact
//! serialization, signed with **EdDSA** (Ed25519) or **HS256**.
//!
//! - The key pins the algorithm: a header naming another one, `none`, or carrying `crit`,
//!   `jku`, `jwk`, `x5u`, `x5c`, `b64` or anything else unknown is refused.
//! - Each kind is marked inside the signed bytes (`typ` `at+jwt` vs `JWT`): an ID token is
//!   never accepted as an access token, nor the reverse.
//! - Each kind has a size budget and a maximum lifetime ([`Limits`]), enforced when issuing
//!   and when verifying.
//! - Issuing writes into your buffer; verifying borrows the claims from your scratch buffer.
//!   Nothing allocates. Time is a parameter: `now`, in Unix seconds.
//! - An opt-in [`VerifiedCache`] (caller-sized, no heap) skips the signature of a token
//!   verified before under the same key, and re-checks everything else on every hit.
//!
//! Features:
//! - `compact-custom-claims` (default): custom claims (`roles`, `groups`, `cnf`, ...) in the
//!   `compact` profile's binary claims. Without it, `compact` refuses a token carrying
//!   them, and claims carrying them to issue, with [`Error::CustomClaimsDisabled`]: a
//!   verify-only firmware build that needs none is ~9 KB smaller. The `jwt` profile reads
//!   and writes custom claims in every build.
//! - `alloc`: conveniences that need a heap (`to_owned` claims).
//! - `rsa`: RS256 and PS256 keys (needs `alloc`).
//!
//! ```
//! use compact_token::{jwt, AccessClaims, AccessPolicy, Ed25519SigningKey, KeyUse, Limits};
//!
//! let key = Ed25519SigningKey::from_seed(&[7; 32], KeyUse::Access).with_kid("k1")?;
//! let now = 1_764_000_000;
//! let mut claims = AccessClaims::new(
//!     "https://auth.example.com", "user-8f14e45f", "https://api.example.com",
//!     "s6BhdRkqt3", now, now + 300, "b1c2d3e4f5a6b7c8",
//! );
//! claims.scope = Some("read:orders write:orders");
//!
//! let mut buf = [0u8; 1024];
//! let token = jwt::issue_access(&claims, &key, &Limits::ACCESS, &mut buf)?;
//!
//! let policy = AccessPolicy::new("https://auth.example.com", "https://api.example.com")
//!     .require_scopes(&["read:orders"]);
//! let mut scratch = [0u8; 1024];
//! let verified = jwt::verify_access(token, &key.verifying_key(), &policy, now + 10, &mut scratch)?;
//! assert_eq!(verified.sub, "user-8f14e45f");
//! # Ok::<(), compact_token::Error>(())
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(test)]
extern crate std;

mod alg;
mod b64;
mod budget;
mod cache;
mod claims;
pub mod dpop;
mod error;
mod header;
pub mod json;
mod kind;
mod profile;
mod registry;
mod validate;

pub mod jws;

pub use alg::{
    Algorithm, Ed25519SigningKey, Ed25519VerifyingKey, Es256SigningKey, Es256VerifyingKey,
    Hs256Key, KeyId, KeyUse, MAX_KID_LEN, MAX_SIGNATURE_LEN, SigningKey, VerifyingKey,
};
#[cfg(feature = "rsa")]
pub use alg::{MAX_RSA_BITS, MIN_RSA_BITS, RsaSigningKey, RsaVerifyingKey};
pub use budget::Limits;
pub use cache::{
    CACHE_WAYS, CacheableKey, IdentifiedKey, KeyIdentity, SLOT_BYTES, Slot, VerifiedCache,
};
pub use claims::{
    AccessClaims, Amr, Audience, ClaimSet, Elements, Extras, ExtrasWriter, IdClaims, JsonStr, List,
    MAX_AMR, MAX_AUDIENCES, MAX_DATE, Members, Require, Rule, Value, ValueKind,
};
pub use error::{Error, Result};
pub use header::{Header, MAX_HEADER_LEN};
pub use kind::Kind;
pub use profile::compact;
pub use profile::jwt;
pub use registry::{FINGERPRINT_LEN, MAX_REGISTERED, Registry};
/// The `rsa` crate this one builds its RSA keys on (for encoding and decoding them).
#[cfg(feature = "rsa")]
pub use rsa;
pub use validate::{
    AccessPolicy, DEFAULT_LEEWAY, IdPolicy, MAX_AT_HASH_LEN, MAX_LEEWAY, access_token_hash,
    code_hash,
};
