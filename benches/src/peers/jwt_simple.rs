//! `jwt-simple` (jedisct1), pure-Rust build (`ed25519-compact`, `hmac-sha256`).
//!
//! The library checks signature, `typ`, issuer, audience and expiry itself,
//! against `artificial_time`. Its `VerificationOptions` are taken by value,
//! so each verify clones a prepared set: that is the API's cost, and counted.

use std::collections::HashSet;

use jwt_simple::prelude::{
    Audiences, Duration, Ed25519KeyPair, Ed25519PublicKey, EdDSAKeyPairLike, EdDSAPublicKeyLike,
    HS256Key, HeaderOptions, JWTClaims, MACLike, VerificationOptions,
};
use serde::{Deserialize, Serialize};

use super::{Alg, Case, Kind, Peer, SignedParts, apart, jws_signed_parts, unsupported};
use crate::sample::{ACCESS, ED25519_PUBLIC, ED25519_SEED, HMAC_KEY, ID};

/// Exact version pinned in `Cargo.toml`.
pub const VERSION: &str = "0.15.0";

/// Access token claims jwt-simple has no field for.
#[derive(Serialize, Deserialize)]
pub struct AccessExtra<S> {
    client_id: S,
    scope: S,
}

/// ID token claims jwt-simple has no field for (`nonce` it has).
#[derive(Serialize, Deserialize)]
struct IdExtra<S> {
    auth_time: u64,
    azp: S,
    at_hash: S,
    name: S,
    given_name: S,
    family_name: S,
    email: S,
    email_verified: bool,
    picture: S,
    locale: S,
}

pub struct JwtSimple {
    ed: Ed25519KeyPair,
    ed_pub: Ed25519PublicKey,
    hs: HS256Key,
    at_header: HeaderOptions,
    options: [VerificationOptions; 3],
}

impl JwtSimple {
    pub fn new() -> Self {
        let mut keypair = ED25519_SEED.to_vec();
        keypair.extend_from_slice(&ED25519_PUBLIC);
        let options = |aud: &str, typ: &str| VerificationOptions {
            allowed_issuers: Some(HashSet::from([ACCESS.iss.to_string()])),
            allowed_audiences: Some(HashSet::from([aud.to_string()])),
            required_signature_type: Some(typ.to_string()),
            ..VerificationOptions::default()
        };
        JwtSimple {
            ed: Ed25519KeyPair::from_bytes(&keypair).expect("sample key pair"),
            ed_pub: Ed25519PublicKey::from_bytes(&ED25519_PUBLIC).expect("sample public key"),
            hs: HS256Key::from_bytes(&HMAC_KEY),
            at_header: HeaderOptions {
                content_type: None,
                signature_type: Some("at+jwt".to_string()),
            },
            options: [
                options(ACCESS.aud, "at+jwt"),
                options(ACCESS.aud, "at+jwt"),
                options(ID.aud, "JWT"),
            ],
        }
    }
}

impl Default for JwtSimple {
    fn default() -> Self {
        Self::new()
    }
}

/// The sample access token's claims, as jwt-simple takes them.
pub fn access_claims() -> JWTClaims<AccessExtra<&'static str>> {
    JWTClaims {
        issued_at: Some(Duration::from_secs(ACCESS.iat)),
        expires_at: Some(Duration::from_secs(ACCESS.exp)),
        invalid_before: None,
        issuer: Some(ACCESS.iss.to_string()),
        subject: Some(ACCESS.sub.to_string()),
        audiences: Some(Audiences::AsString(ACCESS.aud.to_string())),
        jwt_id: Some(ACCESS.jti.to_string()),
        nonce: None,
        custom: AccessExtra {
            client_id: ACCESS.client_id,
            scope: ACCESS.scope,
        },
    }
}

fn id_claims() -> JWTClaims<IdExtra<&'static str>> {
    JWTClaims {
        issued_at: Some(Duration::from_secs(ID.iat)),
        expires_at: Some(Duration::from_secs(ID.exp)),
        invalid_before: None,
        issuer: Some(ID.iss.to_string()),
        subject: Some(ID.sub.to_string()),
        audiences: Some(Audiences::AsString(ID.aud.to_string())),
        jwt_id: None,
        nonce: Some(ID.nonce.to_string()),
        custom: IdExtra {
            auth_time: ID.auth_time,
            azp: ID.azp,
            at_hash: ID.at_hash,
            name: ID.name,
            given_name: ID.given_name,
            family_name: ID.family_name,
            email: ID.email,
            email_verified: ID.email_verified,
            picture: ID.picture,
            locale: ID.locale,
        },
    }
}

impl Peer for JwtSimple {
    fn name(&self) -> &'static str {
        "jwt-simple 0.15.0"
    }

    fn supports(&self, case: Case) -> bool {
        Case::ALL.contains(&case)
    }

    fn issue(&self, case: Case, out: &mut String) {
        let token = match (case.kind, case.alg) {
            (Kind::Access, Alg::EdDsa) => {
                self.ed.sign_with_options(access_claims(), &self.at_header)
            }
            (Kind::Access, Alg::Hs256) => self
                .hs
                .authenticate_with_options(access_claims(), &self.at_header),
            (Kind::Id, Alg::EdDsa) => self.ed.sign(id_claims()),
            (Kind::Id, Alg::Hs256) => unsupported(self, case),
        }
        .expect("jwt-simple signs the sample");
        out.clear();
        out.push_str(&token);
    }

    fn verify(&self, case: Case, token: &str, now: u64) -> bool {
        let Some(i) = Case::ALL.iter().position(|c| *c == case) else {
            unsupported(self, case)
        };
        let mut options = self.options[i].clone();
        options.artificial_time = Some(Duration::from_secs(now));
        let options = Some(options);
        match (case.kind, case.alg) {
            (Kind::Access, Alg::EdDsa) => apart(|| {
                self.ed_pub
                    .verify_token::<AccessExtra<String>>(token, options)
                    .is_ok()
            }),
            (Kind::Access, Alg::Hs256) => apart(|| {
                self.hs
                    .verify_token::<AccessExtra<String>>(token, options)
                    .is_ok()
            }),
            (Kind::Id, Alg::EdDsa) => apart(|| {
                self.ed_pub
                    .verify_token::<IdExtra<String>>(token, options)
                    .is_ok()
            }),
            (Kind::Id, Alg::Hs256) => unsupported(self, case),
        }
    }

    fn signed_parts(&self, _case: Case, token: &str) -> SignedParts {
        jws_signed_parts(token)
    }
}
