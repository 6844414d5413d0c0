//! `jsonwebtoken` (Keats), RustCrypto backend.
//!
//! The library validates `iss` and `aud` itself. Its `exp` check reads the
//! system clock, which cannot be set to the sample's fixed `now`, so it is
//! turned off and `exp` is compared here, on the claims it decoded.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};

use super::json::{Access, Id};
use super::{Alg, Case, Kind, Peer, SignedParts, apart, jws_signed_parts, unsupported};
use crate::sample::{ACCESS, ED25519_PUBLIC, ED25519_SEED, HMAC_KEY, ID};

/// Exact version pinned in `Cargo.toml`.
pub const VERSION: &str = "11.1.0";

/// PKCS#8 v1 prefix of an Ed25519 private key (RFC 8410), followed by the seed.
const PKCS8_ED25519_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

pub struct JsonWebToken {
    ed_sign: EncodingKey,
    ed_verify: DecodingKey,
    hs: EncodingKey,
    hs_verify: DecodingKey,
    access_header: [Header; 2],
    id_header: Header,
    validation: [Validation; 3],
}

impl JsonWebToken {
    pub fn new() -> Self {
        let mut pkcs8 = PKCS8_ED25519_PREFIX.to_vec();
        pkcs8.extend_from_slice(&ED25519_SEED);
        let at_header = |alg| {
            let mut h = Header::new(alg);
            h.typ = Some("at+jwt".into());
            h
        };
        let access_header = [at_header(Algorithm::EdDSA), at_header(Algorithm::HS256)];
        let validation = |alg, aud: &str| {
            let mut v = Validation::new(alg);
            v.set_issuer(&[ACCESS.iss]);
            v.set_audience(&[aud]);
            v.set_required_spec_claims(&["exp", "iss", "aud"]);
            v.validate_exp = false; // checked below against the caller's `now`
            v
        };
        JsonWebToken {
            ed_sign: EncodingKey::from_ed_der(&pkcs8),
            ed_verify: DecodingKey::from_ed_der(&ED25519_PUBLIC),
            hs: EncodingKey::from_secret(&HMAC_KEY),
            hs_verify: DecodingKey::from_secret(&HMAC_KEY),
            access_header,
            id_header: Header::new(Algorithm::EdDSA),
            validation: [
                validation(Algorithm::EdDSA, ACCESS.aud),
                validation(Algorithm::HS256, ACCESS.aud),
                validation(Algorithm::EdDSA, ID.aud),
            ],
        }
    }

    fn keys(&self, alg: Alg) -> (&EncodingKey, &DecodingKey) {
        match alg {
            Alg::EdDsa => (&self.ed_sign, &self.ed_verify),
            Alg::Hs256 => (&self.hs, &self.hs_verify),
        }
    }
}

impl Default for JsonWebToken {
    fn default() -> Self {
        Self::new()
    }
}

impl Peer for JsonWebToken {
    fn name(&self) -> &'static str {
        "jsonwebtoken 11.1.0"
    }

    fn supports(&self, case: Case) -> bool {
        Case::ALL.contains(&case)
    }

    fn issue(&self, case: Case, out: &mut String) {
        let (key, _) = self.keys(case.alg);
        let token = match (case.kind, case.alg) {
            (Kind::Access, Alg::EdDsa) => {
                encode(&self.access_header[0], &Access::sample(&ACCESS), key)
            }
            (Kind::Access, Alg::Hs256) => {
                encode(&self.access_header[1], &Access::sample(&ACCESS), key)
            }
            (Kind::Id, Alg::EdDsa) => encode(&self.id_header, &Id::sample(&ID), key),
            (Kind::Id, Alg::Hs256) => unsupported(self, case),
        }
        .expect("jsonwebtoken encodes the sample");
        out.clear();
        out.push_str(&token);
    }

    fn verify(&self, case: Case, token: &str, now: u64) -> bool {
        let (_, key) = self.keys(case.alg);
        let Some(i) = Case::ALL.iter().position(|c| *c == case) else {
            unsupported(self, case)
        };
        match case.kind {
            Kind::Access => apart(|| {
                match decode::<Access<String>>(token, key, &self.validation[i]) {
                    // RFC 9068 §4: the `typ` header is what keeps ID tokens out.
                    Ok(data) => {
                        data.header.typ.as_deref() == Some("at+jwt") && now < data.claims.exp
                    }
                    Err(_) => false,
                }
            }),
            Kind::Id => apart(
                || match decode::<Id<String>>(token, key, &self.validation[i]) {
                    Ok(data) => now < data.claims.exp,
                    Err(_) => false,
                },
            ),
        }
    }

    fn signed_parts(&self, _case: Case, token: &str) -> SignedParts {
        jws_signed_parts(token)
    }
}
