//! Serde shapes of the sample claims for the JSON-based peers.
//!
//! Generic over the string type: `&str` to issue without copying the sample,
//! `String` to decode (the peers want `DeserializeOwned` claims).

use serde::{Deserialize, Serialize};

use crate::sample::{AccessClaims, IdClaims};

/// The full RFC 9068 access token claims set, in RFC order.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Access<S> {
    pub iss: S,
    pub sub: S,
    pub aud: S,
    pub client_id: S,
    pub iat: u64,
    pub exp: u64,
    pub jti: S,
    pub scope: S,
}

impl Access<&'static str> {
    pub fn sample(c: &AccessClaims) -> Self {
        Access {
            iss: c.iss,
            sub: c.sub,
            aud: c.aud,
            client_id: c.client_id,
            iat: c.iat,
            exp: c.exp,
            jti: c.jti,
            scope: c.scope,
        }
    }
}

/// The full ID token claims set: OIDC Core §2 claims, then the §5.1 profile.
///
/// Flat on purpose: `#[serde(flatten)]` would make serde buffer every field on
/// decode and charge the peers allocations that are ours, not theirs.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Id<S> {
    pub iss: S,
    pub sub: S,
    pub aud: S,
    pub iat: u64,
    pub exp: u64,
    pub auth_time: u64,
    pub nonce: S,
    pub azp: S,
    pub at_hash: S,
    pub name: S,
    pub given_name: S,
    pub family_name: S,
    pub email: S,
    pub email_verified: bool,
    pub picture: S,
    pub locale: S,
}

impl Id<&'static str> {
    pub fn sample(c: &IdClaims) -> Self {
        Id {
            iss: c.iss,
            sub: c.sub,
            aud: c.aud,
            iat: c.iat,
            exp: c.exp,
            auth_time: c.auth_time,
            nonce: c.nonce,
            azp: c.azp,
            at_hash: c.at_hash,
            name: c.name,
            given_name: c.given_name,
            family_name: c.family_name,
            email: c.email,
            email_verified: c.email_verified,
            picture: c.picture,
            locale: c.locale,
        }
    }
}

/// Access token claims without `iat`/`exp`, for libraries that own the times.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessBody<S> {
    pub iss: S,
    pub sub: S,
    pub aud: S,
    pub client_id: S,
    pub jti: S,
    pub scope: S,
}

impl AccessBody<&'static str> {
    pub fn sample(c: &AccessClaims) -> Self {
        AccessBody {
            iss: c.iss,
            sub: c.sub,
            aud: c.aud,
            client_id: c.client_id,
            jti: c.jti,
            scope: c.scope,
        }
    }
}

/// ID token claims without `iat`/`exp`, for libraries that own the times.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct IdBody<S> {
    pub iss: S,
    pub sub: S,
    pub aud: S,
    pub auth_time: u64,
    pub nonce: S,
    pub azp: S,
    pub at_hash: S,
    pub name: S,
    pub given_name: S,
    pub family_name: S,
    pub email: S,
    pub email_verified: bool,
    pub picture: S,
    pub locale: S,
}

impl IdBody<&'static str> {
    pub fn sample(c: &IdClaims) -> Self {
        IdBody {
            iss: c.iss,
            sub: c.sub,
            aud: c.aud,
            auth_time: c.auth_time,
            nonce: c.nonce,
            azp: c.azp,
            at_hash: c.at_hash,
            name: c.name,
            given_name: c.given_name,
            family_name: c.family_name,
            email: c.email,
            email_verified: c.email_verified,
            picture: c.picture,
            locale: c.locale,
        }
    }
}
