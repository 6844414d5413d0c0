//! `coset` (Google): a CWT (RFC 8392) as an untagged `COSE_Sign1` (EdDSA) or
//! `COSE_Mac0` (HMAC 256/256), base64url-encoded so it travels as text.
//!
//! coset is the data model only: the crypto is `ed25519-dalek` 3
//! (`verify_strict`) and `hmac` 0.13, the same the bare baselines use, and
//! the claims policy (exp, iss, aud) is applied here on the decoded set.
//! Registered CWT claim keys are used where IANA has one (iss 1, sub 2, aud 3,
//! exp 4, iat 6, cti 7, scope 9); the others keep their JWT names as text keys.

use coset::cwt::{ClaimsSet, ClaimsSetBuilder, Timestamp};
use coset::iana::{self, CwtClaimName};
use coset::{
    CborSerializable, CoseMac0, CoseMac0Builder, CoseSign1, CoseSign1Builder, HeaderBuilder,
    MacContext, RegisteredLabelWithPrivate, cbor::value::Value, mac_structure_data,
};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use hmac::digest::MacError;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::{Alg, Case, Kind, Peer, SignedParts, b64_decode, b64_encode, policy_ok, unsupported};
use crate::sample::{ACCESS, ED25519_SEED, HMAC_KEY, ID};

/// Exact version pinned in `Cargo.toml`.
pub const VERSION: &str = "0.4.2";

type HmacSha256 = Hmac<Sha256>;

pub struct CosetCwt {
    ed: SigningKey,
    ed_pub: VerifyingKey,
}

impl CosetCwt {
    pub fn new() -> Self {
        let ed = SigningKey::from_bytes(&ED25519_SEED);
        CosetCwt {
            ed_pub: ed.verifying_key(),
            ed,
        }
    }
}

impl Default for CosetCwt {
    fn default() -> Self {
        Self::new()
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn access_claims() -> ClaimsSet {
    ClaimsSetBuilder::new()
        .issuer(ACCESS.iss.to_string())
        .subject(ACCESS.sub.to_string())
        .audience(ACCESS.aud.to_string())
        .text_claim("client_id".to_string(), text(ACCESS.client_id))
        .issued_at(Timestamp::WholeSeconds(ACCESS.iat as i64))
        .expiration_time(Timestamp::WholeSeconds(ACCESS.exp as i64))
        .cwt_id(ACCESS.jti.as_bytes().to_vec())
        .claim(CwtClaimName::Scope, text(ACCESS.scope))
        .build()
}

fn id_claims() -> ClaimsSet {
    let t = |name: &str, value: Value| (RegisteredLabelWithPrivate::Text(name.to_string()), value);
    let mut claims = ClaimsSetBuilder::new()
        .issuer(ID.iss.to_string())
        .subject(ID.sub.to_string())
        .audience(ID.aud.to_string())
        .issued_at(Timestamp::WholeSeconds(ID.iat as i64))
        .expiration_time(Timestamp::WholeSeconds(ID.exp as i64))
        .build();
    claims.rest.extend([
        t("auth_time", Value::Integer(ID.auth_time.into())),
        t("nonce", text(ID.nonce)),
        t("azp", text(ID.azp)),
        t("at_hash", text(ID.at_hash)),
        t("name", text(ID.name)),
        t("given_name", text(ID.given_name)),
        t("family_name", text(ID.family_name)),
        t("email", text(ID.email)),
        t("email_verified", Value::Bool(ID.email_verified)),
        t("picture", text(ID.picture)),
        t("locale", text(ID.locale)),
    ]);
    claims
}

fn claims_ok(case: Case, payload: Option<Vec<u8>>, now: u64) -> bool {
    let Some(claims) = payload.and_then(|p| ClaimsSet::from_slice(&p).ok()) else {
        return false;
    };
    let Some(Timestamp::WholeSeconds(exp)) = claims.expiration_time else {
        return false;
    };
    match (claims.issuer.as_deref(), claims.audience.as_deref()) {
        (Some(iss), Some(aud)) => policy_ok(case, iss, aud, exp.max(0) as u64, now),
        _ => false,
    }
}

fn mac_key() -> HmacSha256 {
    <HmacSha256 as KeyInit>::new_from_slice(&HMAC_KEY).expect("any key length")
}

impl Peer for CosetCwt {
    fn name(&self) -> &'static str {
        "coset 0.4.2 (CWT, base64url)"
    }

    fn supports(&self, case: Case) -> bool {
        Case::ALL.contains(&case)
    }

    fn issue(&self, case: Case, out: &mut String) {
        let claims = match case.kind {
            Kind::Access => access_claims(),
            Kind::Id if case.alg == Alg::EdDsa => id_claims(),
            Kind::Id => unsupported(self, case),
        };
        let payload = claims.to_vec().expect("claims encode");
        let cose = match case.alg {
            Alg::EdDsa => CoseSign1Builder::new()
                .protected(
                    HeaderBuilder::new()
                        .algorithm(iana::Algorithm::EdDSA)
                        .build(),
                )
                .payload(payload)
                .create_signature(b"", |m| self.ed.sign(m).to_bytes().to_vec())
                .build()
                .to_vec(),
            Alg::Hs256 => CoseMac0Builder::new()
                .protected(
                    HeaderBuilder::new()
                        .algorithm(iana::Algorithm::HMAC_256_256)
                        .build(),
                )
                .payload(payload)
                .create_tag(b"", |m| {
                    let mut mac = mac_key();
                    mac.update(m);
                    mac.finalize().into_bytes().to_vec()
                })
                .build()
                .to_vec(),
        }
        .expect("COSE encodes");
        out.clear();
        out.push_str(&b64_encode(&cose));
    }

    fn verify(&self, case: Case, token: &str, now: u64) -> bool {
        let Some(bytes) = b64_decode(token) else {
            return false;
        };
        match case.alg {
            Alg::EdDsa => {
                let Ok(sign1) = CoseSign1::from_slice(&bytes) else {
                    return false;
                };
                // The key pins the algorithm: a header naming another is refused.
                let alg = coset::Algorithm::Assigned(iana::Algorithm::EdDSA);
                if sign1.protected.header.alg != Some(alg) || sign1.payload.is_none() {
                    return false;
                }
                let signed = sign1.verify_signature(b"", |sig, data| {
                    let sig = Signature::from_slice(sig)?;
                    self.ed_pub.verify_strict(data, &sig)
                });
                signed.is_ok() && claims_ok(case, sign1.payload, now)
            }
            Alg::Hs256 => {
                let Ok(mac0) = CoseMac0::from_slice(&bytes) else {
                    return false;
                };
                let alg = coset::Algorithm::Assigned(iana::Algorithm::HMAC_256_256);
                if mac0.protected.header.alg != Some(alg) {
                    return false;
                }
                let tagged = mac0.verify_payload_tag(
                    b"",
                    || MacError,
                    |tag, data| {
                        let mut mac = mac_key();
                        mac.update(data);
                        mac.verify_slice(tag)
                    },
                );
                tagged.is_ok() && claims_ok(case, mac0.payload, now)
            }
        }
    }

    fn signed_parts(&self, case: Case, token: &str) -> SignedParts {
        let bytes = b64_decode(token).expect("token is base64url");
        match case.alg {
            Alg::EdDsa => {
                let sign1 = CoseSign1::from_slice(&bytes).expect("COSE_Sign1");
                SignedParts {
                    message: sign1.tbs_data(b""),
                    signature: sign1.signature,
                }
            }
            Alg::Hs256 => {
                let mac0 = CoseMac0::from_slice(&bytes).expect("COSE_Mac0");
                let message = mac_structure_data(
                    MacContext::CoseMac0,
                    mac0.protected.clone(),
                    b"",
                    mac0.payload.as_deref().unwrap_or_default(),
                );
                SignedParts {
                    message,
                    signature: mac0.tag,
                }
            }
        }
    }
}
