//! The peers: one module per library, all behind the [`Peer`] trait.
//!
//! Every peer issues the sample claims of [`crate::sample`] with the sample
//! keys and verifies its own tokens: signature, expiry at an explicit `now`,
//! issuer and audience (through the library where it can, by hand after the
//! library has decoded the claims where it cannot). Our own profiles plug in
//! through the same trait (see [`registry`]).

use std::fmt;

pub mod coset_cwt;
pub mod json;
pub mod jsonwebtoken;
pub mod jwt_compact;
pub mod jwt_simple;
pub mod ours;
pub mod pasetors;

/// Which claims a token carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// RFC 9068 access token ([`crate::sample::ACCESS`]).
    Access,
    /// OpenID Connect ID token ([`crate::sample::ID`]).
    Id,
}

/// How a token is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alg {
    /// Ed25519 signature with [`crate::sample::ED25519_SEED`].
    EdDsa,
    /// HMAC-SHA256 with [`crate::sample::HMAC_KEY`].
    Hs256,
}

/// One benchmarked combination of claims and algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Case {
    /// The claims.
    pub kind: Kind,
    /// The algorithm.
    pub alg: Alg,
}

impl Case {
    /// Access token, EdDSA.
    pub const ACCESS_EDDSA: Case = Case {
        kind: Kind::Access,
        alg: Alg::EdDsa,
    };
    /// Access token, HS256.
    pub const ACCESS_HS256: Case = Case {
        kind: Kind::Access,
        alg: Alg::Hs256,
    };
    /// ID token, EdDSA.
    pub const ID_EDDSA: Case = Case {
        kind: Kind::Id,
        alg: Alg::EdDsa,
    };
    /// The cases the report measures, in report order.
    pub const ALL: [Case; 3] = [Self::ACCESS_EDDSA, Self::ACCESS_HS256, Self::ID_EDDSA];
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            Kind::Access => "access",
            Kind::Id => "ID",
        };
        let alg = match self.alg {
            Alg::EdDsa => "EdDSA",
            Alg::Hs256 => "HS256",
        };
        write!(f, "{kind} {alg}")
    }
}

/// The exact bytes a token's primitive covers, and what it produced over them.
///
/// The report runs the bare primitive (Ed25519 `verify_strict`, HMAC-SHA256)
/// over `message`, so each peer's overhead is measured against the same input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedParts {
    /// The signing input: JWS `header.payload`, COSE `Sig_structure` /
    /// `MAC_structure`, PASETO pre-authentication encoding.
    pub message: Vec<u8>,
    /// The Ed25519 signature (64 bytes) or HMAC-SHA256 tag (32 bytes).
    pub signature: Vec<u8>,
}

/// A token library (or one profile of one) under test.
///
/// Keys are set up once, when the peer is built; `issue` and `verify` are what
/// the report times and counts allocations of, so they do everything a real
/// issuer or verifier does per token and nothing else.
pub trait Peer {
    /// Name and exact version, e.g. `jsonwebtoken 11.1.0`.
    fn name(&self) -> &'static str;

    /// Whether this peer can produce `case` at all (PASETO v4 has no HS256).
    fn supports(&self, case: Case) -> bool;

    /// Issues the sample claims of `case.kind` with the sample key for
    /// `case.alg`, as a text token written into `out` (cleared first).
    ///
    /// Writing into a caller's `String` lets a library that issues into a
    /// caller's buffer show zero allocations; peers that return a fresh
    /// `String` have it copied, and their allocation counted.
    fn issue(&self, case: Case, out: &mut String);

    /// Verifies `token` as a `case` token at Unix time `now`: signature,
    /// expiry, issuer and audience of that kind. `true` iff accepted.
    fn verify(&self, case: Case, token: &str, now: u64) -> bool;

    /// Splits a token this peer issued into its signing input and signature.
    /// Not timed; feeds the bare-primitive baselines. Panics on a malformed token.
    fn signed_parts(&self, case: Case, token: &str) -> SignedParts;
}

/// Every implementation the report compares, in report order.
pub fn registry() -> Vec<Box<dyn Peer>> {
    vec![
        Box::new(jsonwebtoken::JsonWebToken::new()),
        Box::new(jwt_simple::JwtSimple::new()),
        Box::new(jwt_compact::JwtCompact::json()),
        Box::new(jwt_compact::JwtCompact::cbor()),
        Box::new(coset_cwt::CosetCwt::new()),
        Box::new(pasetors::Pasetors::new()),
        // Ours, last: the summary reads top to bottom, peers then us.
        Box::new(ours::CompactToken::jwt()),
        Box::new(ours::CompactToken::compact()),
        Box::new(ours::CompactToken::compact_registered()),
    ]
}

/// Splits a JWS compact token into signing input and decoded signature.
pub fn jws_signed_parts(token: &str) -> SignedParts {
    let dot = token.rfind('.').expect("JWS has a signature part");
    SignedParts {
        message: token.as_bytes()[..dot].to_vec(),
        signature: b64_decode(&token[dot + 1..]).expect("signature is base64url"),
    }
}

/// base64url without padding, as JWS and PASETO use it.
pub fn b64_encode(bytes: &[u8]) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::encode_string(bytes)
}

/// Decodes base64url without padding; `None` when malformed.
pub fn b64_decode(text: &str) -> Option<Vec<u8>> {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::decode_vec(text).ok()
}

/// Checks a decoded claims set the way the brief's verifiers must.
/// Used by peers whose library has no (or no clock-injectable) check.
pub fn policy_ok(case: Case, iss: &str, aud: &str, exp: u64, now: u64) -> bool {
    let expected_aud = match case.kind {
        Kind::Access => crate::sample::ACCESS.aud,
        Kind::Id => crate::sample::ID.aud,
    };
    iss == crate::sample::ISSUER && aud == expected_aud && now < exp
}

/// Runs one kind's verify in a frame of its own (never inlined), so that the stack measured
/// for a case is that kind's alone: a `match` over kinds in one frame holds the largest
/// claims type of any arm (the ID token's) whichever arm runs. Every peer whose verify
/// decodes into a type per kind uses it, ours alike.
#[inline(never)]
pub fn apart<T>(verify: impl FnOnce() -> T) -> T {
    verify()
}

/// For the `(kind, alg)` pairs a peer does not implement (see [`Peer::supports`]).
pub fn unsupported(peer: &dyn Peer, case: Case) -> ! {
    panic!("{} does not implement {case}", peer.name())
}
