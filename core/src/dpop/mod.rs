//! DPoP: access tokens bound to a client's key (RFC 9449).
//!
//! The access token carries `cnf.jkt`, the RFC 7638 thumbprint of the client's public key;
//! every request carries a fresh proof — a JWS signed with that key, naming the request's
//! method and URI, the hash of the access token (`ath`), a unique `jti` and its time — so a
//! stolen access token is useless without the client's private key.
//!
//! - The resource server calls [`verify_access`] once: the access token (either profile,
//!   any of the crate's algorithms, the server's key) and the proof are both verified, then
//!   the binding, and the verified access claims come back. [`verify_proof`] checks a proof
//!   alone (at the token endpoint, where no access token exists yet).
//! - The authorization server binds a token with [`bind`] (writes the `cnf` custom claim).
//! - The client signs proofs with [`issue_proof`].
//!
//! A proof's header is the one place a key is taken from a token: only in a proof, only a
//! public `EC` P-256 or `OKP` Ed25519 key, only for `ES256`, `EdDSA` or `Ed25519` (RFC
//! 9864). An access token's header with a `jwk` stays refused. Nothing here allocates: the
//! proof is decoded on the stack (about 5 KB for the largest proof, [`MAX_PROOF_LEN`]).
//!
//! ```
//! use compact_token::dpop::{self, Presented, Profile, ProofClaims, ProofPolicy, ReplayCheck};
//! use compact_token::{
//!     jwt, AccessClaims, AccessPolicy, Ed25519SigningKey, Es256SigningKey, ExtrasWriter, KeyUse,
//!     Limits,
//! };
//! use core::cell::RefCell;
//!
//! // The server's signing key, and the client's proof key (its public half goes in proofs).
//! let server = Ed25519SigningKey::from_seed(&[7; 32], KeyUse::Access);
//! let client = Es256SigningKey::from_bytes(&[9; 32], KeyUse::Access)?;
//! let now = 1_764_000_000;
//!
//! // The authorization server binds the access token to the client's key.
//! let mut extras = [0u8; 64];
//! let mut w = ExtrasWriter::new(&mut extras);
//! dpop::bind(&dpop::ProofSigningKey::proof_key(&client), &mut w)?;
//! let mut claims = AccessClaims::new(
//!     "https://auth.example.com", "user-8f14e45f", "https://api.example.com",
//!     "s6BhdRkqt3", now, now + 300, "b1c2d3e4f5a6b7c8",
//! );
//! claims.extra = w.finish()?;
//! let mut token_buf = [0u8; 1024];
//! let token = jwt::issue_access(&claims, &server, &Limits::ACCESS, &mut token_buf)?;
//!
//! // The client makes a proof for its request.
//! let mut proof_buf = [0u8; dpop::MAX_PROOF_LEN];
//! let proof = dpop::issue_proof(&client, &ProofClaims {
//!     htm: "GET",
//!     htu: "https://api.example.com/orders",
//!     iat: now,
//!     jti: "e1j3V_bKic8-LAEB",
//!     access_token: Some(token),
//!     nonce: None,
//! }, &mut proof_buf)?;
//!
//! // The resource server verifies both with one call. A real replay check is shared and
//! // bounded (compact-token-std has one); this one remembers a single jti.
//! struct One(RefCell<Option<heapless::String<128>>>);
//! impl ReplayCheck for One {
//!     fn check_and_store(&self, jti: &str, _until: u64, _now: u64) -> compact_token::Result<()> {
//!         let mut seen = self.0.borrow_mut();
//!         if seen.as_deref() == Some(jti) {
//!             return Err(compact_token::Error::DpopReplayed);
//!         }
//!         *seen = heapless::String::try_from(jti).ok();
//!         Ok(())
//!     }
//! }
//! let replay = One(RefCell::new(None));
//! let policy = AccessPolicy::new("https://auth.example.com", "https://api.example.com");
//! let request = ProofPolicy::new("GET", "https://api.example.com/orders?page=2", &replay);
//! let presented = Presented { token, proof: Some(proof) };
//! let mut scratch = [0u8; 1024];
//! let verified = dpop::verify_access(
//!     presented, &server.verifying_key(), Profile::Jwt, &policy, &request, now + 1, &mut scratch,
//! )?;
//! assert_eq!(verified.sub, "user-8f14e45f");
//!
//! // The same proof again is a replay.
//! let mut scratch = [0u8; 1024];
//! let again = dpop::verify_access(
//!     presented, &server.verifying_key(), Profile::Jwt, &policy, &request, now + 1, &mut scratch,
//! );
//! assert_eq!(again.err(), Some(compact_token::Error::DpopReplayed));
//! # Ok::<(), compact_token::Error>(())
//! ```

mod proof;
mod thumbprint;
mod uri;

pub use proof::{
    MAX_JTI_LEN, MAX_PROOF_LEN, PROOF_TYP, ProofClaims, ProofSigningKey, VerifiedProof,
    access_token_hash, issue_proof,
};
pub use thumbprint::{JKT_LEN, ProofKey};

use crate::alg::VerifyingKey;
use crate::claims::{AccessClaims, ExtrasWriter};
use crate::error::{Error, Result};
use crate::profile::{compact, jwt};
use crate::registry::Registry;
use crate::validate::AccessPolicy;

/// The default number of seconds a proof stays acceptable after its `iat`.
pub const DEFAULT_MAX_AGE: u64 = 60;
/// The default number of seconds a proof's `iat` may be ahead of the verifier's clock.
pub const DEFAULT_MAX_FUTURE: u64 = 5;
/// The largest window either way, in seconds: a longer one is [`Error::InvalidPolicy`].
pub const MAX_WINDOW: u64 = 600;

/// Remembers the `jti` of accepted proofs, so none is accepted twice (RFC 9449 §11.1).
///
/// Takes `&self` so one check can be shared by every request a server handles: use
/// interior mutability (a `Mutex` with `std`, a `RefCell` or critical section on a
/// single-threaded device). `compact-token-std` has a bounded, thread-safe one.
pub trait ReplayCheck {
    /// Stores `jti` unless it is already stored: [`Error::DpopReplayed`] then. The proof
    /// stays acceptable until `until` (Unix seconds, inclusive), so the entry may be forgotten
    /// once `now` is past it — and must not be before. A store that cannot hold another entry
    /// returns [`Error::DpopReplayCacheFull`] rather than forget one still unexpired.
    fn check_and_store(&self, jti: &str, until: u64, now: u64) -> Result<()>;
}

impl<T: ReplayCheck + ?Sized> ReplayCheck for &T {
    fn check_and_store(&self, jti: &str, until: u64, now: u64) -> Result<()> {
        (**self).check_and_store(jti, until, now)
    }
}

/// What a proof must show for one request: its method and URI, the accepted age of the
/// proof, the server nonce when one is required, and the replay check.
#[derive(Clone, Copy)]
pub struct ProofPolicy<'p> {
    htm: &'p str,
    htu: &'p str,
    max_age: u64,
    max_future: u64,
    nonce: Option<&'p str>,
    replay: &'p dyn ReplayCheck,
}

impl core::fmt::Debug for ProofPolicy<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ProofPolicy")
            .field("htm", &self.htm)
            .field("htu", &self.htu)
            .field("max_age", &self.max_age)
            .field("max_future", &self.max_future)
            .field("nonce", &self.nonce)
            .finish_non_exhaustive()
    }
}

impl<'p> ProofPolicy<'p> {
    /// The policy for a request with method `htm` (compared exactly) to URI `htu` (its query
    /// and fragment are not compared; the rest after RFC 3986 normalization), a window of
    /// [`DEFAULT_MAX_AGE`] and [`DEFAULT_MAX_FUTURE`], no nonce, and `replay`.
    pub const fn new(htm: &'p str, htu: &'p str, replay: &'p dyn ReplayCheck) -> Self {
        Self {
            htm,
            htu,
            max_age: DEFAULT_MAX_AGE,
            max_future: DEFAULT_MAX_FUTURE,
            nonce: None,
            replay,
        }
    }

    /// Accepts proofs whose `iat` is at most `max_age` seconds before `now` and at most
    /// `max_future` seconds after it (each at most [`MAX_WINDOW`]).
    pub const fn with_window(mut self, max_age: u64, max_future: u64) -> Self {
        self.max_age = max_age;
        self.max_future = max_future;
        self
    }

    /// Requires the proof's `nonce` to be `nonce` (RFC 9449 §8).
    pub const fn require_nonce(mut self, nonce: &'p str) -> Self {
        self.nonce = Some(nonce);
        self
    }

    fn check(&self) -> Result<()> {
        if self.max_age > MAX_WINDOW || self.max_future > MAX_WINDOW {
            return Err(Error::InvalidPolicy);
        }
        Ok(())
    }
}

/// What a client presented: the access token (`Authorization: DPoP <token>`) and the proof
/// (the `DPoP` header), which may be missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Presented<'t> {
    /// The access token.
    pub token: &'t str,
    /// The DPoP proof, if the request had one.
    pub proof: Option<&'t str>,
}

/// The profile of the access token, with the registry a `compact` one is read with.
#[derive(Debug, Clone, Copy)]
pub enum Profile<'r> {
    /// A `jwt` access token.
    Jwt,
    /// A `compact` access token, read with the issuer's registry.
    Compact(&'r Registry<'r>),
}

/// Verifies a proof alone at `now` (Unix seconds): at the token endpoint, or where the access
/// token is checked elsewhere (then pass it as `access_token`, which `ath` must hash; with
/// `None`, `ath` is not looked at). The `jti` is stored last, only for a proof that passed
/// everything else.
pub fn verify_proof(
    proof: &str,
    policy: &ProofPolicy<'_>,
    access_token: Option<&str>,
    now: u64,
) -> Result<VerifiedProof> {
    proof::verify(proof, policy, access_token, now, |_| Ok(()))
}

/// Verifies a DPoP-bound access token and its proof at `now` (Unix seconds), in one call.
///
/// In order: the access token against `key` and `policy` in its `profile` (its errors are the
/// profile's own); [`Error::DpopProofMissing`] without a proof; the proof
/// ([`verify_proof`]'s errors, `ath` against this token); [`Error::DpopTokenNotBound`] if the
/// token has no `cnf.jkt`, [`Error::DpopKeyNotBound`] if it names another key; then the
/// replay check. Returns the verified access claims, borrowed from `scratch` as the
/// profile's `verify_access` does.
pub fn verify_access<'b, 'r: 'b, K: VerifyingKey + ?Sized>(
    presented: Presented<'_>,
    key: &K,
    profile: Profile<'r>,
    policy: &AccessPolicy<'_>,
    proof_policy: &ProofPolicy<'_>,
    now: u64,
    scratch: &'b mut [u8],
) -> Result<AccessClaims<&'b str>> {
    let token = presented.token;
    let claims = match profile {
        Profile::Jwt => jwt::verify_access(token, key, policy, now, scratch)?,
        Profile::Compact(registry) => {
            compact::verify_access(token, key, policy, registry, now, scratch)?
        }
    };
    let proof = presented.proof.ok_or(Error::DpopProofMissing)?;
    proof::verify(proof, proof_policy, Some(token), now, |thumbprint| {
        let jkt = claims.extra.path(&["cnf", "jkt"]);
        let jkt = jkt
            .and_then(|v| v.as_str())
            .ok_or(Error::DpopTokenNotBound)?;
        if jkt != thumbprint::jkt_of(thumbprint).as_str() {
            return Err(Error::DpopKeyNotBound);
        }
        Ok(())
    })?;
    Ok(claims)
}

/// Binds an access token to `key`: writes the custom claim `cnf` as `{"jkt":"<thumbprint>"}`
/// (RFC 9449 §6.1) into the token's extras.
pub fn bind(key: &ProofKey, extras: &mut ExtrasWriter<'_>) -> Result<()> {
    let jkt = key.jkt();
    // `{"jkt":"` + 43 characters + `"}`.
    let mut buf = [0u8; 8 + JKT_LEN + 2];
    buf[..8].copy_from_slice(br#"{"jkt":""#);
    buf[8..8 + JKT_LEN].copy_from_slice(jkt.as_bytes());
    buf[8 + JKT_LEN..].copy_from_slice(br#""}"#);
    let cnf = core::str::from_utf8(&buf).map_err(|_| Error::MalformedClaims)?;
    extras.json("cnf", cnf)?;
    Ok(())
}
