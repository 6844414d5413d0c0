//! The one error type of the crate.

use core::fmt;

/// Everything that can go wrong while issuing or verifying a token.
///
/// Each variant has a stable numeric [`code`](Error::code), used unchanged across the C ABI;
/// retired codes are never reused. A bad signature says nothing about *why* it is bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The token is not three base64url segments separated by two dots, or is empty.
    Malformed,
    /// A segment is not canonical unpadded base64url (padding, `+`, `/`, whitespace,
    /// non-zero trailing bits, or an impossible length).
    Base64,
    /// The JOSE header is not a JSON object of the expected shape.
    MalformedHeader,
    /// The header carries a parameter this library refuses or does not understand
    /// (`crit`, `jku`, `jwk`, `x5u`, `x5c`, `b64`, `zip`, ...), or a duplicate parameter.
    UnsupportedHeader,
    /// The header's `alg` is not the algorithm the key is for (this includes `none`).
    AlgorithmMismatch,
    /// The header's `kid` names another key than the one verifying.
    KeyIdMismatch,
    /// The header's `typ` is not the one this kind of token must carry.
    WrongType,
    /// The signature does not verify.
    BadSignature,
    /// The claims are not valid for their profile (bad JSON, wrong types, a missing required
    /// claim, invalid UTF-8, U+0000 in a string, or a value out of its allowed form).
    MalformedClaims,
    /// A date claim (`exp`, `iat`, `nbf`, `auth_time`) is not a non-negative integer in range.
    InvalidDate,
    /// The JSON nests deeper than this library reads.
    NestingTooDeep,
    /// More values than a claims type holds (e.g. audiences, `amr` entries).
    TooManyValues,
    /// An access token was offered where an ID token is expected, or the reverse.
    WrongKind,
    /// A token of the other profile (`jwt` vs `compact`) was offered.
    WrongProfile,
    /// The token has expired (`exp` + leeway is not after `now`).
    Expired,
    /// The token is not yet valid (`nbf` - leeway is after `now`).
    NotYetValid,
    /// The token claims to be issued in the future (`iat` - leeway is after `now`).
    IssuedInFuture,
    /// `iss` is not the expected issuer.
    WrongIssuer,
    /// `aud` does not contain the expected audience.
    WrongAudience,
    /// `azp` is not the expected client, or missing where several audiences require it.
    WrongAuthorizedParty,
    /// A required scope is missing from `scope`.
    MissingScope,
    /// The ID token's `nonce` is missing or not the expected one.
    WrongNonce,
    /// The ID token's `at_hash` is missing or does not match the access token.
    AccessTokenHashMismatch,
    /// `exp - iat` exceeds the kind's maximum lifetime, or `exp` is not after `iat`.
    LifetimeTooLong,
    /// The token is longer than the kind's size budget.
    OverBudget,
    /// The output or scratch buffer is too small; `needed` is the length that would do.
    BufferTooSmall {
        /// The length, in bytes, that the buffer must have.
        needed: usize,
    },
    /// Key material is invalid (wrong length, not a valid or a weak Ed25519 point, an HMAC
    /// secret shorter than 32 bytes).
    InvalidKey,
    /// The key's intended use does not cover this kind of token.
    KeyUseMismatch,
    /// A policy or limit is out of its allowed range (e.g. leeway above the maximum).
    InvalidPolicy,
    /// A compact token names a format version this library does not read.
    UnsupportedVersion,
    /// A compact token carries bytes after its claims.
    TrailingBytes,
    /// A compact token was encoded against another registry than the verifier's.
    RegistryMismatch,
    /// A compact token uses a registered number that the verifier's registry lacks.
    UnregisteredValue,
    /// A JSON object names a member twice, at any depth (names compared after unescaping).
    /// In a JOSE header a repeated parameter is [`Error::UnsupportedHeader`].
    DuplicateMember,
    /// Signing failed: the key's randomness source (PS256 salts) failed, or the key wrote
    /// a signature of another length than it announced. Nothing usable was written.
    SigningFailed,
    /// The ID token's `c_hash` is missing or does not match the authorization code.
    CodeHashMismatch,
    /// A custom claim takes the name of a claim the typed struct holds (`claim`), which
    /// would be written twice.
    ClaimCollision {
        /// The typed claim's name.
        claim: &'static str,
    },
    /// A custom claim a policy requires is absent: `index` is the requirement's place in
    /// the policy's list ([`crate::Require`]).
    RequiredClaimMissing {
        /// The failed requirement's index.
        index: u16,
    },
    /// A custom claim a policy requires has another value: `index` as above.
    RequiredClaimMismatch {
        /// The failed requirement's index.
        index: u16,
    },
    /// A DPoP-bound access token was presented without a DPoP proof (RFC 9449).
    DpopProofMissing,
    /// The DPoP proof is not a JWS of the expected shape: base64url, JSON, a missing or
    /// mistyped `jti`, `htm`, `htu`, `iat` or `jwk`, a `jti` longer than
    /// [`crate::dpop::MAX_JTI_LEN`], or a proof longer than [`crate::dpop::MAX_PROOF_LEN`].
    DpopProofMalformed,
    /// The DPoP proof's signature does not verify with the key in its own `jwk` header.
    DpopBadSignature,
    /// The DPoP proof's `typ` is missing or not `dpop+jwt`.
    DpopWrongType,
    /// The DPoP proof's `alg` is not `ES256`, `EdDSA` or `Ed25519`, or is not the algorithm of
    /// its `jwk` (`ES256` with an `OKP` key, `EdDSA` with an `EC` key).
    DpopAlgorithmNotAllowed,
    /// The DPoP proof's `jwk` carries private key material (`d`, `p`, `q`, `dp`, `dq`, `qi`,
    /// `oth`, `k`).
    DpopPrivateKey,
    /// The DPoP proof's `jwk` is not a public `EC` P-256 or `OKP` Ed25519 key (`oct`, `RSA`,
    /// another curve, a point not on the curve, an unknown member).
    DpopInvalidKey,
    /// The DPoP proof's `htm` is not the request's method.
    DpopWrongMethod,
    /// The DPoP proof's `htu` is not the request's URI (after normalization), or carries a
    /// query or fragment, or is not an absolute URI.
    DpopWrongUri,
    /// The DPoP proof's `iat` is older than the verifier's window allows.
    DpopProofStale,
    /// The DPoP proof's `iat` is further in the future than the verifier's window allows.
    DpopProofInFuture,
    /// The DPoP proof's `jti` was seen before: the proof is replayed.
    DpopReplayed,
    /// The replay cache is full of unexpired entries and refuses to store another `jti`
    /// (rather than forget one that could then be replayed).
    DpopReplayCacheFull,
    /// The DPoP proof's `ath` is missing or is not the hash of the presented access token.
    DpopAccessTokenHashMismatch,
    /// The verifier requires a server nonce and the DPoP proof's `nonce` is missing or
    /// another (answer with `use_dpop_nonce`, RFC 9449 §8).
    DpopNonceMismatch,
    /// A DPoP proof was checked against an access token that carries no `cnf.jkt`.
    DpopTokenNotBound,
    /// The access token's `cnf.jkt` is not the thumbprint of the DPoP proof's key.
    DpopKeyNotBound,
    /// A `compact` token carries custom claims, or custom claims were given to a `compact`
    /// issue, in a build without the `compact-custom-claims` feature (which reads and
    /// writes them).
    CustomClaimsDisabled,
}

impl Error {
    /// The stable numeric code of this error (never 0; 0 means success across the C ABI).
    pub const fn code(&self) -> u16 {
        match self {
            Error::Malformed => 1,
            Error::Base64 => 2,
            Error::MalformedHeader => 3,
            Error::UnsupportedHeader => 4,
            Error::AlgorithmMismatch => 5,
            Error::KeyIdMismatch => 6,
            Error::WrongType => 7,
            Error::BadSignature => 8,
            Error::MalformedClaims => 9,
            Error::InvalidDate => 10,
            Error::NestingTooDeep => 11,
            Error::TooManyValues => 12,
            Error::WrongKind => 13,
            Error::WrongProfile => 14,
            Error::Expired => 15,
            Error::NotYetValid => 16,
            Error::IssuedInFuture => 17,
            Error::WrongIssuer => 18,
            Error::WrongAudience => 19,
            Error::WrongAuthorizedParty => 20,
            Error::MissingScope => 21,
            Error::WrongNonce => 22,
            Error::AccessTokenHashMismatch => 23,
            Error::LifetimeTooLong => 24,
            Error::OverBudget => 25,
            Error::BufferTooSmall { .. } => 26,
            Error::InvalidKey => 27,
            Error::KeyUseMismatch => 28,
            Error::InvalidPolicy => 29,
            Error::UnsupportedVersion => 30,
            Error::TrailingBytes => 31,
            Error::RegistryMismatch => 32,
            Error::UnregisteredValue => 33,
            Error::DuplicateMember => 34,
            Error::SigningFailed => 35,
            Error::CodeHashMismatch => 36,
            Error::ClaimCollision { .. } => 37,
            Error::RequiredClaimMissing { .. } => 38,
            Error::RequiredClaimMismatch { .. } => 39,
            Error::DpopProofMissing => 40,
            Error::DpopProofMalformed => 41,
            Error::DpopBadSignature => 42,
            Error::DpopWrongType => 43,
            Error::DpopAlgorithmNotAllowed => 44,
            Error::DpopPrivateKey => 45,
            Error::DpopInvalidKey => 46,
            Error::DpopWrongMethod => 47,
            Error::DpopWrongUri => 48,
            Error::DpopProofStale => 49,
            Error::DpopProofInFuture => 50,
            Error::DpopReplayed => 51,
            Error::DpopReplayCacheFull => 52,
            Error::DpopAccessTokenHashMismatch => 53,
            Error::DpopNonceMismatch => 54,
            Error::DpopTokenNotBound => 55,
            Error::DpopKeyNotBound => 56,
            Error::CustomClaimsDisabled => 57,
        }
    }

    /// The error with this numeric code (`BufferTooSmall` with `needed: 0`), or `None` for 0
    /// and codes this version does not know. `Error::from_code(e.code())` names `e`'s kind.
    pub const fn from_code(code: u16) -> Option<Error> {
        Some(match code {
            1 => Error::Malformed,
            2 => Error::Base64,
            3 => Error::MalformedHeader,
            4 => Error::UnsupportedHeader,
            5 => Error::AlgorithmMismatch,
            6 => Error::KeyIdMismatch,
            7 => Error::WrongType,
            8 => Error::BadSignature,
            9 => Error::MalformedClaims,
            10 => Error::InvalidDate,
            11 => Error::NestingTooDeep,
            12 => Error::TooManyValues,
            13 => Error::WrongKind,
            14 => Error::WrongProfile,
            15 => Error::Expired,
            16 => Error::NotYetValid,
            17 => Error::IssuedInFuture,
            18 => Error::WrongIssuer,
            19 => Error::WrongAudience,
            20 => Error::WrongAuthorizedParty,
            21 => Error::MissingScope,
            22 => Error::WrongNonce,
            23 => Error::AccessTokenHashMismatch,
            24 => Error::LifetimeTooLong,
            25 => Error::OverBudget,
            26 => Error::BufferTooSmall { needed: 0 },
            27 => Error::InvalidKey,
            28 => Error::KeyUseMismatch,
            29 => Error::InvalidPolicy,
            30 => Error::UnsupportedVersion,
            31 => Error::TrailingBytes,
            32 => Error::RegistryMismatch,
            33 => Error::UnregisteredValue,
            34 => Error::DuplicateMember,
            35 => Error::SigningFailed,
            36 => Error::CodeHashMismatch,
            37 => Error::ClaimCollision { claim: "" },
            38 => Error::RequiredClaimMissing { index: 0 },
            39 => Error::RequiredClaimMismatch { index: 0 },
            40 => Error::DpopProofMissing,
            41 => Error::DpopProofMalformed,
            42 => Error::DpopBadSignature,
            43 => Error::DpopWrongType,
            44 => Error::DpopAlgorithmNotAllowed,
            45 => Error::DpopPrivateKey,
            46 => Error::DpopInvalidKey,
            47 => Error::DpopWrongMethod,
            48 => Error::DpopWrongUri,
            49 => Error::DpopProofStale,
            50 => Error::DpopProofInFuture,
            51 => Error::DpopReplayed,
            52 => Error::DpopReplayCacheFull,
            53 => Error::DpopAccessTokenHashMismatch,
            54 => Error::DpopNonceMismatch,
            55 => Error::DpopTokenNotBound,
            56 => Error::DpopKeyNotBound,
            57 => Error::CustomClaimsDisabled,
            _ => return None,
        })
    }

    /// The highest code in use; every code from 1 to this names an error.
    pub const MAX_CODE: u16 = 57;

    /// A short, lowercase, static description.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Error::Malformed => "malformed token",
            Error::Base64 => "invalid or non-canonical base64url",
            Error::MalformedHeader => "malformed header",
            Error::UnsupportedHeader => "unsupported header parameter",
            Error::AlgorithmMismatch => "algorithm does not match the key",
            Error::KeyIdMismatch => "key id does not match the key",
            Error::WrongType => "wrong token type (typ)",
            Error::BadSignature => "bad signature",
            Error::MalformedClaims => "malformed claims",
            Error::InvalidDate => "invalid date",
            Error::NestingTooDeep => "json nested too deep",
            Error::TooManyValues => "too many values in a claim",
            Error::WrongKind => "wrong kind of token",
            Error::WrongProfile => "wrong token profile",
            Error::Expired => "token expired",
            Error::NotYetValid => "token not yet valid",
            Error::IssuedInFuture => "token issued in the future",
            Error::WrongIssuer => "wrong issuer",
            Error::WrongAudience => "wrong audience",
            Error::WrongAuthorizedParty => "wrong authorized party (azp)",
            Error::MissingScope => "missing required scope",
            Error::WrongNonce => "wrong nonce",
            Error::AccessTokenHashMismatch => "at_hash does not match the access token",
            Error::LifetimeTooLong => "lifetime too long",
            Error::OverBudget => "token over its size budget",
            Error::BufferTooSmall { .. } => "buffer too small",
            Error::InvalidKey => "invalid key",
            Error::KeyUseMismatch => "key not meant for this kind of token",
            Error::InvalidPolicy => "invalid policy",
            Error::UnsupportedVersion => "unsupported format version",
            Error::TrailingBytes => "trailing bytes after claims",
            Error::RegistryMismatch => "registry fingerprint mismatch",
            Error::UnregisteredValue => "unregistered value",
            Error::DuplicateMember => "json member named twice",
            Error::SigningFailed => "signing failed",
            Error::CodeHashMismatch => "c_hash does not match the authorization code",
            Error::ClaimCollision { .. } => "custom claim named as a typed claim",
            Error::RequiredClaimMissing { .. } => "required claim missing",
            Error::RequiredClaimMismatch { .. } => "required claim has another value",
            Error::DpopProofMissing => "dpop proof missing",
            Error::DpopProofMalformed => "malformed dpop proof",
            Error::DpopBadSignature => "bad dpop proof signature",
            Error::DpopWrongType => "wrong dpop proof type (typ)",
            Error::DpopAlgorithmNotAllowed => "dpop proof algorithm not allowed",
            Error::DpopPrivateKey => "private key in dpop proof jwk",
            Error::DpopInvalidKey => "invalid dpop proof key",
            Error::DpopWrongMethod => "dpop proof for another method (htm)",
            Error::DpopWrongUri => "dpop proof for another uri (htu)",
            Error::DpopProofStale => "dpop proof too old (iat)",
            Error::DpopProofInFuture => "dpop proof issued in the future (iat)",
            Error::DpopReplayed => "dpop proof replayed (jti)",
            Error::DpopReplayCacheFull => "dpop replay cache full",
            Error::DpopAccessTokenHashMismatch => "dpop proof ath does not match the access token",
            Error::DpopNonceMismatch => "dpop proof nonce missing or wrong",
            Error::DpopTokenNotBound => "access token not bound to a dpop key",
            Error::DpopKeyNotBound => "dpop proof key not the one the token is bound to",
            Error::CustomClaimsDisabled => {
                "custom claims in the compact profile need the compact-custom-claims feature"
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BufferTooSmall { needed } => {
                write!(f, "buffer too small: {needed} bytes needed")
            }
            other => f.write_str(other.as_str()),
        }
    }
}

impl core::error::Error for Error {}

/// Shorthand for results of this crate.
pub type Result<T> = core::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_dense_stable_and_round_trip() {
        assert_eq!(Error::from_code(0), None);
        assert_eq!(Error::from_code(Error::MAX_CODE + 1), None);
        for code in 1..=Error::MAX_CODE {
            let e = Error::from_code(code).unwrap();
            assert_eq!(e.code(), code);
            // `code()` is a separate match: each variant must map back to its own number.
            for other in code + 1..=Error::MAX_CODE {
                let o = Error::from_code(other).unwrap();
                assert_ne!(e, o);
                assert_ne!(e.as_str(), o.as_str());
            }
        }
        // A few fixed points, so renumbering cannot pass unnoticed.
        assert_eq!(Error::Malformed.code(), 1);
        assert_eq!(Error::BadSignature.code(), 8);
        assert_eq!(Error::WrongKind.code(), 13);
        assert_eq!(Error::BufferTooSmall { needed: 7 }.code(), 26);
        assert_eq!(Error::UnregisteredValue.code(), 33);
        assert_eq!(Error::DuplicateMember.code(), 34);
        assert_eq!(Error::SigningFailed.code(), 35);
        assert_eq!(Error::CodeHashMismatch.code(), 36);
        assert_eq!(Error::DpopProofMissing.code(), 40);
        assert_eq!(Error::DpopKeyNotBound.code(), 56);
        assert_eq!(Error::CustomClaimsDisabled.code(), 57);
    }
}
