//! Validation policies: what a verifier expects of each kind of token, and the checks.

use sha2::{Digest, Sha256, Sha512};

use crate::alg::Algorithm;
use crate::budget::Limits;
use crate::claims::{AccessClaims, ClaimSet, IdClaims, Require, Verdict, check_required};
use crate::error::{Error, Result};

/// The largest clock leeway a policy may allow, in seconds.
pub const MAX_LEEWAY: u64 = 300;
/// The default clock leeway, in seconds.
pub const DEFAULT_LEEWAY: u64 = 30;

/// What a resource server expects of an access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessPolicy<'p> {
    /// The one issuer accepted (`iss`, compared exactly).
    pub issuer: &'p str,
    /// This resource server's identifier: `aud` must contain it.
    pub audience: &'p str,
    /// Clock leeway for `exp`, `nbf` and `iat`, at most [`MAX_LEEWAY`].
    pub leeway: u64,
    /// Size budget and maximum lifetime.
    pub limits: Limits,
    /// Scopes that must all be granted.
    pub required_scopes: &'p [&'p str],
    /// Requirements on custom claims, checked in order.
    pub required_claims: &'p [Require<'p>],
}

impl<'p> AccessPolicy<'p> {
    /// A policy for `issuer` and `audience` with the default leeway and [`Limits::ACCESS`].
    pub const fn new(issuer: &'p str, audience: &'p str) -> Self {
        Self {
            issuer,
            audience,
            leeway: DEFAULT_LEEWAY,
            limits: Limits::ACCESS,
            required_scopes: &[],
            required_claims: &[],
        }
    }

    /// The same policy with another leeway (checked against [`MAX_LEEWAY`] when verifying).
    pub const fn with_leeway(mut self, leeway: u64) -> Self {
        self.leeway = leeway;
        self
    }

    /// The same policy with other limits.
    pub const fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The same policy requiring every scope in `scopes`.
    pub const fn require_scopes(mut self, scopes: &'p [&'p str]) -> Self {
        self.required_scopes = scopes;
        self
    }

    /// The same policy with requirements on custom claims ([`Require`]).
    pub const fn require_claims(mut self, required: &'p [Require<'p>]) -> Self {
        self.required_claims = required;
        self
    }

    /// Checks `claims` at `now`; `read`, what the claims reader resolved of
    /// [`required_claims`](Self::required_claims) as it read them, if it did.
    pub(crate) fn check<S: AsRef<str>>(
        &self,
        claims: &AccessClaims<S>,
        now: u64,
        read: Option<Verdict>,
    ) -> Result<()> {
        check_common(self.leeway, &self.limits, claims, now)?;
        if claims.iss.as_ref() != self.issuer {
            return Err(Error::WrongIssuer);
        }
        if !claims.aud.contains(self.audience) {
            return Err(Error::WrongAudience);
        }
        if !self.required_scopes.iter().all(|s| claims.has_scope(s)) {
            return Err(Error::MissingScope);
        }
        check_required(self.required_claims, &claims.extra, read)
    }
}

/// What a client (relying party) expects of an ID token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdPolicy<'p> {
    /// The one issuer accepted (`iss`, compared exactly).
    pub issuer: &'p str,
    /// This client's `client_id`: `aud` must contain it, and `azp`, when present, equal it.
    pub client_id: &'p str,
    /// Clock leeway for `exp`, `nbf` and `iat`, at most [`MAX_LEEWAY`].
    pub leeway: u64,
    /// Size budget and maximum lifetime.
    pub limits: Limits,
    /// The nonce sent in the authentication request: `nonce` must equal it.
    pub nonce: Option<&'p str>,
    /// The access token issued with this ID token: `at_hash` must match it.
    pub access_token: Option<&'p str>,
    /// The authorization code returned with this ID token: `c_hash` must match it.
    pub code: Option<&'p str>,
    /// Requirements on custom claims, checked in order.
    pub required_claims: &'p [Require<'p>],
}

impl<'p> IdPolicy<'p> {
    /// A policy for `issuer` and `client_id` with the default leeway and [`Limits::ID`].
    pub const fn new(issuer: &'p str, client_id: &'p str) -> Self {
        Self {
            issuer,
            client_id,
            leeway: DEFAULT_LEEWAY,
            limits: Limits::ID,
            nonce: None,
            access_token: None,
            code: None,
            required_claims: &[],
        }
    }

    /// The same policy with another leeway (checked against [`MAX_LEEWAY`] when verifying).
    pub const fn with_leeway(mut self, leeway: u64) -> Self {
        self.leeway = leeway;
        self
    }

    /// The same policy with other limits.
    pub const fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The same policy requiring `nonce`.
    pub const fn expect_nonce(mut self, nonce: &'p str) -> Self {
        self.nonce = Some(nonce);
        self
    }

    /// The same policy with requirements on custom claims ([`Require`]).
    pub const fn require_claims(mut self, required: &'p [Require<'p>]) -> Self {
        self.required_claims = required;
        self
    }

    /// The same policy requiring `at_hash` to match `access_token`.
    pub const fn expect_access_token(mut self, access_token: &'p str) -> Self {
        self.access_token = Some(access_token);
        self
    }

    /// The same policy requiring `c_hash` to match `code` (the hybrid flow's authorization
    /// code, OpenID Connect Core §3.3.2.11).
    pub const fn expect_code(mut self, code: &'p str) -> Self {
        self.code = Some(code);
        self
    }

    /// Checks `claims` signed with `alg` at `now`; `read` as for [`AccessPolicy::check`].
    pub(crate) fn check<S: AsRef<str>>(
        &self,
        claims: &IdClaims<S>,
        alg: Algorithm,
        now: u64,
        read: Option<Verdict>,
    ) -> Result<()> {
        check_common(self.leeway, &self.limits, claims, now)?;
        if claims.iss.as_ref() != self.issuer {
            return Err(Error::WrongIssuer);
        }
        if !claims.aud.contains(self.client_id) {
            return Err(Error::WrongAudience);
        }
        match &claims.azp {
            Some(azp) if azp.as_ref() != self.client_id => return Err(Error::WrongAuthorizedParty),
            None if claims.aud.len() > 1 => return Err(Error::WrongAuthorizedParty),
            _ => {}
        }
        if let Some(expected) = self.nonce
            && claims.nonce.as_ref().map(AsRef::as_ref) != Some(expected)
        {
            return Err(Error::WrongNonce);
        }
        if let Some(access_token) = self.access_token {
            let expected = access_token_hash(access_token, alg);
            if claims.at_hash.as_ref().map(AsRef::as_ref) != Some(expected.as_str()) {
                return Err(Error::AccessTokenHashMismatch);
            }
        }
        if let Some(code) = self.code {
            let expected = code_hash(code, alg);
            if claims.c_hash.as_ref().map(AsRef::as_ref) != Some(expected.as_str()) {
                return Err(Error::CodeHashMismatch);
            }
        }
        check_required(self.required_claims, &claims.extra, read)
    }
}

fn check_common<C: ClaimSet>(leeway: u64, limits: &Limits, claims: &C, now: u64) -> Result<()> {
    if leeway > MAX_LEEWAY {
        return Err(Error::InvalidPolicy);
    }
    let (iat, exp) = (claims.issued_at(), claims.expires_at());
    // Dates are bounded by MAX_DATE, so none of these sums can overflow.
    if exp.saturating_add(leeway) <= now {
        return Err(Error::Expired);
    }
    if let Some(nbf) = claims.not_before()
        && nbf > now.saturating_add(leeway)
    {
        return Err(Error::NotYetValid);
    }
    if iat > now.saturating_add(leeway) {
        return Err(Error::IssuedInFuture);
    }
    limits.check_lifetime(iat, exp)
}

/// The longest `at_hash` or `c_hash` value: half of a SHA-512 digest, in base64url.
pub const MAX_AT_HASH_LEN: usize = 43;

/// The `at_hash` of `access_token` for an ID token signed with `alg` (OpenID Connect Core
/// §3.1.3.6): the left half of the hash of its ASCII bytes, base64url. The hash is the one
/// the algorithm uses: SHA-256 for HS256, ES256, RS256 and PS256 (22 characters), SHA-512
/// for EdDSA with Ed25519 (43 characters), as OpenID providers compute it.
pub fn access_token_hash(access_token: &str, alg: Algorithm) -> heapless::String<MAX_AT_HASH_LEN> {
    left_half_hash(access_token, alg)
}

/// The `c_hash` of an authorization `code` for an ID token signed with `alg` (OpenID
/// Connect Core §3.3.2.11): computed exactly as [`access_token_hash`].
pub fn code_hash(code: &str, alg: Algorithm) -> heapless::String<MAX_AT_HASH_LEN> {
    left_half_hash(code, alg)
}

fn left_half_hash(value: &str, alg: Algorithm) -> heapless::String<MAX_AT_HASH_LEN> {
    let mut digest = [0u8; 64];
    let half = match alg {
        Algorithm::HS256 | Algorithm::ES256 | Algorithm::RS256 | Algorithm::PS256 => {
            digest[..32].copy_from_slice(&Sha256::digest(value.as_bytes()));
            16
        }
        Algorithm::EdDSA => {
            digest.copy_from_slice(&Sha512::digest(value.as_bytes()));
            32
        }
    };
    let mut out = [0u8; MAX_AT_HASH_LEN];
    let mut s = heapless::String::new();
    if let Ok(enc) = crate::b64::encode(&digest[..half], &mut out) {
        // Capacity is exactly the longest encoding, so this cannot fail.
        let _ = s.push_str(enc);
    }
    s
}
