//! `jwt-compact` (slowli), `ed25519-dalek` backend: standard JSON claims, and
//! its CBOR-claims variant (`cty: CBOR`, still a JWS).
//!
//! The library checks the signature (for the algorithm the verifier picks)
//! and expiry against an injected clock; it leaves `iss` and `aud` to the
//! application, so they are compared here on the claims it decoded.

use chrono::{DateTime, TimeDelta, Utc};
use ed25519_dalek_2 as dalek2;
use jwt_compact::alg::{Ed25519, Hs256, Hs256Key};
use jwt_compact::{AlgorithmExt, Claims, Header, TimeOptions, UntrustedToken};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::json::{AccessBody, IdBody};
use super::{Alg, Case, Kind, Peer, SignedParts, apart, jws_signed_parts, policy_ok, unsupported};
use crate::sample::{ACCESS, ED25519_SEED, HMAC_KEY, ID};

/// Exact version pinned in `Cargo.toml`.
pub const VERSION: &str = "0.8.0";

/// Which claims encoding the token uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Standard JWT: JSON claims.
    Json,
    /// JSON header with `cty: CBOR`, CBOR claims.
    Cbor,
}

pub struct JwtCompact {
    encoding: Encoding,
    ed: dalek2::SigningKey,
    ed_pub: dalek2::VerifyingKey,
    hs: Hs256Key,
    at_header: Header,
    id_header: Header,
}

/// A Unix time as jwt-compact's claims take it.
pub fn time(unix: u64) -> DateTime<Utc> {
    DateTime::from_timestamp(unix as i64, 0).expect("sample time in range")
}

impl JwtCompact {
    fn new(encoding: Encoding) -> Self {
        let ed = dalek2::SigningKey::from_bytes(&ED25519_SEED);
        JwtCompact {
            encoding,
            ed_pub: ed.verifying_key(),
            ed,
            hs: Hs256Key::new(HMAC_KEY),
            at_header: Header::empty().with_token_type("at+jwt"),
            id_header: Header::empty().with_token_type("JWT"),
        }
    }

    /// Standard JWT with JSON claims.
    pub fn json() -> Self {
        Self::new(Encoding::Json)
    }

    /// JWS with CBOR claims.
    pub fn cbor() -> Self {
        Self::new(Encoding::Cbor)
    }

    fn sign<A: jwt_compact::Algorithm, T: Serialize>(
        &self,
        alg: A,
        header: &Header,
        claims: &Claims<T>,
        key: &A::SigningKey,
    ) -> String {
        match self.encoding {
            Encoding::Json => alg.token(header, claims, key),
            Encoding::Cbor => alg.compact_token(header, claims, key),
        }
        .expect("jwt-compact signs the sample")
    }

    /// Signature, `typ`, claims decode and expiry; returns the claims.
    fn check<T: DeserializeOwned>(&self, case: Case, token: &str, now: u64) -> Option<Claims<T>> {
        let untrusted = UntrustedToken::new(token).ok()?;
        let typ = match case.kind {
            Kind::Access => "at+jwt",
            Kind::Id => "JWT",
        };
        if untrusted.header().token_type.as_deref() != Some(typ) {
            return None;
        }
        let token = match case.alg {
            Alg::EdDsa => Ed25519.validator::<T>(&self.ed_pub).validate(&untrusted),
            Alg::Hs256 => Hs256.validator::<T>(&self.hs).validate(&untrusted),
        }
        .ok()?;
        let clock = TimeOptions::new(TimeDelta::zero(), move || time(now));
        token.claims().validate_expiration(&clock).ok()?;
        Some(token.into_parts().1)
    }
}

fn exp_of<T>(claims: &Claims<T>) -> u64 {
    claims.expiration.map_or(0, |t| t.timestamp() as u64)
}

/// Claims with `iat` and `exp`.
pub fn with_times<T>(body: T, iat: u64, exp: u64) -> Claims<T> {
    let mut claims = Claims::new(body);
    claims.issued_at = Some(time(iat));
    claims.expiration = Some(time(exp));
    claims
}

impl Peer for JwtCompact {
    fn name(&self) -> &'static str {
        match self.encoding {
            Encoding::Json => "jwt-compact 0.8.0 (JSON)",
            Encoding::Cbor => "jwt-compact 0.8.0 (CBOR claims)",
        }
    }

    fn supports(&self, case: Case) -> bool {
        Case::ALL.contains(&case)
    }

    fn issue(&self, case: Case, out: &mut String) {
        let token = match (case.kind, case.alg) {
            (Kind::Access, alg) => {
                let claims = with_times(AccessBody::sample(&ACCESS), ACCESS.iat, ACCESS.exp);
                match alg {
                    Alg::EdDsa => self.sign(Ed25519, &self.at_header, &claims, &self.ed),
                    Alg::Hs256 => self.sign(Hs256, &self.at_header, &claims, &self.hs),
                }
            }
            (Kind::Id, Alg::EdDsa) => {
                let claims = with_times(IdBody::sample(&ID), ID.iat, ID.exp);
                self.sign(Ed25519, &self.id_header, &claims, &self.ed)
            }
            (Kind::Id, Alg::Hs256) => unsupported(self, case),
        };
        out.clear();
        out.push_str(&token);
    }

    fn verify(&self, case: Case, token: &str, now: u64) -> bool {
        match case.kind {
            Kind::Access => apart(|| {
                self.check::<AccessBody<String>>(case, token, now)
                    .is_some_and(|c| policy_ok(case, &c.custom.iss, &c.custom.aud, exp_of(&c), now))
            }),
            Kind::Id => apart(|| {
                self.check::<IdBody<String>>(case, token, now)
                    .is_some_and(|c| policy_ok(case, &c.custom.iss, &c.custom.aud, exp_of(&c), now))
            }),
        }
    }

    fn signed_parts(&self, _case: Case, token: &str) -> SignedParts {
        jws_signed_parts(token)
    }
}
