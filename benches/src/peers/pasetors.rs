//! `pasetors` (brycx): PASETO v4.public (Ed25519 via `ed25519-compact`).
//!
//! PASETO has no HS256 (v4.local is encryption), so only the EdDSA cases run.
//! The signature is checked by the library; its claims validation reads the
//! system clock (and cannot be pointed at the sample's fixed `now`), so the
//! same checks it makes for exp, iss and aud are made here, after it parsed
//! the claims exactly as `pasetors::public::verify` does.

use pasetors::claims::Claims;
use pasetors::keys::{AsymmetricPublicKey, AsymmetricSecretKey};
use pasetors::token::UntrustedToken;
use pasetors::version4::{PublicToken, V4};
use pasetors::{Public, public};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Alg, Case, Kind, Peer, SignedParts, b64_decode, policy_ok, unsupported};
use crate::sample::{ACCESS, ED25519_PUBLIC, ED25519_SEED, ID, rfc3339};

/// Exact version pinned in `Cargo.toml`.
pub const VERSION: &str = "0.8.1";

pub struct Pasetors {
    sk: AsymmetricSecretKey<V4>,
    pk: AsymmetricPublicKey<V4>,
    access_times: [String; 2],
    id_times: [String; 2],
}

impl Pasetors {
    pub fn new() -> Self {
        let mut keypair = ED25519_SEED.to_vec();
        keypair.extend_from_slice(&ED25519_PUBLIC);
        Pasetors {
            sk: AsymmetricSecretKey::<V4>::from(&keypair).expect("sample key pair"),
            pk: AsymmetricPublicKey::<V4>::from(&ED25519_PUBLIC).expect("sample public key"),
            // PASETO's registered times are RFC 3339 strings; formatting them
            // is the issuer's business, done once here. `auth_time` is an
            // application claim and stays a number, as OIDC defines it.
            access_times: [rfc3339(ACCESS.iat), rfc3339(ACCESS.exp)],
            id_times: [rfc3339(ID.iat), rfc3339(ID.exp)],
        }
    }

    fn claims(&self, kind: Kind) -> Claims {
        let ok = "sample claims are valid";
        // `Claims::new()` stamps iat/nbf/exp from the system clock; all three
        // are replaced or removed so the claims set is the sample's.
        let mut c = Claims::new().expect(ok);
        c.remove_claim("nbf");
        match kind {
            Kind::Access => {
                c.issuer(ACCESS.iss).expect(ok);
                c.subject(ACCESS.sub).expect(ok);
                c.audience(ACCESS.aud).expect(ok);
                c.add_additional("client_id", ACCESS.client_id).expect(ok);
                c.issued_at(&self.access_times[0]).expect(ok);
                c.expiration(&self.access_times[1]).expect(ok);
                c.token_identifier(ACCESS.jti).expect(ok);
                c.add_additional("scope", ACCESS.scope).expect(ok);
            }
            Kind::Id => {
                c.issuer(ID.iss).expect(ok);
                c.subject(ID.sub).expect(ok);
                c.audience(ID.aud).expect(ok);
                c.issued_at(&self.id_times[0]).expect(ok);
                c.expiration(&self.id_times[1]).expect(ok);
                c.add_additional("auth_time", ID.auth_time).expect(ok);
                c.add_additional("nonce", ID.nonce).expect(ok);
                c.add_additional("azp", ID.azp).expect(ok);
                c.add_additional("at_hash", ID.at_hash).expect(ok);
                c.add_additional("name", ID.name).expect(ok);
                c.add_additional("given_name", ID.given_name).expect(ok);
                c.add_additional("family_name", ID.family_name).expect(ok);
                c.add_additional("email", ID.email).expect(ok);
                c.add_additional("email_verified", ID.email_verified)
                    .expect(ok);
                c.add_additional("picture", ID.picture).expect(ok);
                c.add_additional("locale", ID.locale).expect(ok);
            }
        }
        c
    }
}

impl Default for Pasetors {
    fn default() -> Self {
        Self::new()
    }
}

/// PASETO's pre-authentication encoding (PAE), what v4.public signs.
fn pae(pieces: &[&[u8]]) -> Vec<u8> {
    let mut out = (pieces.len() as u64).to_le_bytes().to_vec();
    for piece in pieces {
        out.extend_from_slice(&(piece.len() as u64).to_le_bytes());
        out.extend_from_slice(piece);
    }
    out
}

impl Peer for Pasetors {
    fn name(&self) -> &'static str {
        "pasetors 0.8.1 (v4.public)"
    }

    fn supports(&self, case: Case) -> bool {
        case.alg == Alg::EdDsa && Case::ALL.contains(&case)
    }

    fn issue(&self, case: Case, out: &mut String) {
        if !self.supports(case) {
            unsupported(self, case)
        }
        let claims = self.claims(case.kind);
        let token = public::sign(&self.sk, &claims, None, None).expect("pasetors signs");
        out.clear();
        out.push_str(&token);
    }

    fn verify(&self, case: Case, token: &str, now: u64) -> bool {
        if !self.supports(case) {
            unsupported(self, case)
        }
        let Ok(untrusted) = UntrustedToken::<Public, V4>::try_from(token) else {
            return false;
        };
        let Ok(trusted) = PublicToken::verify(&self.pk, &untrusted, None, None) else {
            return false;
        };
        let Ok(claims) = Claims::from_string(trusted.payload()) else {
            return false;
        };
        let text = |name| claims.get_claim(name).and_then(|v| v.as_str());
        let exp = text("exp")
            .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
            .map_or(0, |t| t.unix_timestamp().max(0) as u64);
        match (text("iss"), text("aud")) {
            (Some(iss), Some(aud)) => policy_ok(case, iss, aud, exp, now),
            _ => false,
        }
    }

    fn signed_parts(&self, _case: Case, token: &str) -> SignedParts {
        let body = token
            .strip_prefix(PublicToken::HEADER)
            .expect("v4.public token");
        assert!(!body.contains('.'), "the sample tokens carry no footer");
        let signed = b64_decode(body).expect("base64url body");
        let (message, signature) = signed.split_at(signed.len() - 64);
        SignedParts {
            message: pae(&[PublicToken::HEADER.as_bytes(), message, b"", b""]),
            signature: signature.to_vec(),
        }
    }
}
