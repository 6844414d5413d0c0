//! compact-token itself: the `jwt` profile, and the `compact` profile with every
//! claim carried as a string and with issuer-registered values.
//!
//! Issuing writes into a buffer set aside once and copies into the caller's
//! `String` (which the report sizes in advance), verifying decodes into a
//! scratch buffer set aside once: neither touches the heap. Verification is the library's
//! own, strict policy: signature with the pinned key, kind (`typ` or tag
//! byte), size budget, lifetime limit, `exp` (and `iat`, `nbf`) at the given
//! `now`, issuer and audience (ID tokens: `aud` and `azp` against the client).

use std::cell::RefCell;

use compact_token::{
    AccessClaims, AccessPolicy, Ed25519SigningKey, Ed25519VerifyingKey, Extras, Hs256Key, IdClaims,
    IdPolicy, KeyUse, Limits, Registry, Require, compact, jwt,
};

use super::{Alg, Case, Kind, Peer, SignedParts, apart, jws_signed_parts, unsupported};
use crate::sample::{self, ACCESS, API_AUDIENCE, CLIENT_ID, ED25519_SEED, HMAC_KEY, ID, ISSUER};

/// Largest token any case produces fits easily (the ID token budget is 4096).
const BUF: usize = 4096;
/// Scratch that verifies any token within the ID budget, in either profile.
pub const SCRATCH: usize = 3 * BUF;

/// What a resource server knows in advance: its issuer, its own audience and
/// the scope names it understands (the brief's "issuer-registered values").
pub static ACCESS_REGISTERED: [&str; 4] = [ISSUER, API_AUDIENCE, "read:orders", "write:orders"];

/// What a client (relying party) knows in advance: its issuer and its own
/// `client_id` (the ID token's `aud` and `azp`).
pub static ID_REGISTERED: [&str; 2] = [ISSUER, CLIENT_ID];

/// The three typical custom claims of issue 16: `roles` with two values, a tenant and
/// `cnf.jkt` (an RFC 7638 thumbprint).
pub const SAMPLE_EXTRAS: &str = r#"{"roles":["orders:read","orders:write"],"tenant":"acme-corp","cnf":{"jkt":"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}}"#;

/// What a resource server requires of those custom claims.
static REQUIRE_EXTRAS: [Require<'static>; 2] = [
    Require::contains(&["roles"], "orders:read"),
    Require::equals(&["tenant"], "acme-corp"),
];

/// Which profile, and for `compact`, which registries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Standard JWT, JSON claims.
    Jwt,
    /// Binary claims, every string carried ([`Registry::EMPTY`]).
    Compact,
    /// Binary claims, issuer, audience, client and scope names registered.
    CompactRegistered,
}

/// One profile of compact-token, with the sample keys.
pub struct CompactToken {
    profile: Profile,
    ed: Ed25519SigningKey,
    ed_pub: Ed25519VerifyingKey,
    hs: Hs256Key,
    access_registry: Registry<'static>,
    id_registry: Registry<'static>,
    access_policy: AccessPolicy<'static>,
    id_policy: IdPolicy<'static>,
    /// The verifier's scratch buffer, set aside once as a device would (a
    /// static): zeroing 12 KiB per call would cost more than an HMAC.
    scratch: RefCell<Box<[u8]>>,
    /// The issuer's output buffer, likewise set aside once.
    out: RefCell<Box<[u8]>>,
    /// Whether access tokens carry [`SAMPLE_EXTRAS`] (and the policy requires them).
    extras: bool,
}

/// The sample access token as compact-token claims.
pub fn access_claims() -> AccessClaims<&'static str> {
    let mut c = AccessClaims::new(
        ACCESS.iss,
        ACCESS.sub,
        ACCESS.aud,
        ACCESS.client_id,
        ACCESS.iat,
        ACCESS.exp,
        ACCESS.jti,
    );
    c.scope = Some(ACCESS.scope);
    c
}

/// The sample ID token as compact-token claims.
pub fn id_claims() -> IdClaims<&'static str> {
    let mut c = IdClaims::new(ID.iss, ID.sub, ID.aud, ID.iat, ID.exp);
    c.auth_time = Some(ID.auth_time);
    c.nonce = Some(ID.nonce);
    c.azp = Some(ID.azp);
    c.at_hash = Some(ID.at_hash);
    c.name = Some(ID.name);
    c.given_name = Some(ID.given_name);
    c.family_name = Some(ID.family_name);
    c.email = Some(ID.email);
    c.email_verified = Some(ID.email_verified);
    c.picture = Some(ID.picture);
    c.locale = Some(ID.locale);
    c
}

impl CompactToken {
    fn new(profile: Profile) -> Self {
        let ed = Ed25519SigningKey::from_seed(&ED25519_SEED, KeyUse::AccessAndId);
        let (access_registry, id_registry) = match profile {
            Profile::CompactRegistered => (
                Registry::new(&ACCESS_REGISTERED).expect("distinct values"),
                Registry::new(&ID_REGISTERED).expect("distinct values"),
            ),
            Profile::Jwt | Profile::Compact => (Registry::EMPTY, Registry::EMPTY),
        };
        CompactToken {
            profile,
            ed_pub: ed.verifying_key(),
            ed,
            hs: Hs256Key::from_secret(&HMAC_KEY, KeyUse::AccessAndId).expect("32-byte key"),
            access_registry,
            id_registry,
            access_policy: AccessPolicy::new(ISSUER, API_AUDIENCE),
            id_policy: IdPolicy::new(ISSUER, CLIENT_ID),
            scratch: RefCell::new(vec![0u8; SCRATCH].into_boxed_slice()),
            out: RefCell::new(vec![0u8; BUF].into_boxed_slice()),
            extras: false,
        }
    }

    /// The same profile, its access tokens carrying [`SAMPLE_EXTRAS`] and the access
    /// policy requiring two of them (for the instruction counts of issue 16).
    pub fn with_extras(mut self) -> Self {
        self.extras = true;
        self.access_policy = self.access_policy.require_claims(&REQUIRE_EXTRAS);
        self
    }

    /// The sample access claims, with the custom claims when this profile carries them.
    fn access(&self) -> AccessClaims<&'static str> {
        let mut c = access_claims();
        if self.extras {
            c.extra = Extras::from_json(SAMPLE_EXTRAS).expect("valid custom claims");
        }
        c
    }

    /// The `jwt` profile.
    pub fn jwt() -> Self {
        Self::new(Profile::Jwt)
    }

    /// The `compact` profile, every claim carried as a string.
    pub fn compact() -> Self {
        Self::new(Profile::Compact)
    }

    /// The `compact` profile with issuer-registered values.
    pub fn compact_registered() -> Self {
        Self::new(Profile::CompactRegistered)
    }

    /// The names the command-line tools (`instructions`, `stack_probe`) give our profiles;
    /// `…extras`: the access token carries three typical custom claims and the policy
    /// requires two of them.
    pub const NAMES: [&'static str; 5] =
        ["jwt", "compact", "registered", "jwtextras", "compactextras"];

    /// The profile one of [`CompactToken::NAMES`] names; `None` for any other name.
    pub fn named(name: &str) -> Option<Self> {
        Some(match name {
            "jwt" => Self::jwt(),
            "compact" => Self::compact(),
            "registered" => Self::compact_registered(),
            "jwtextras" => Self::jwt().with_extras(),
            "compactextras" => Self::compact().with_extras(),
            _ => return None,
        })
    }

    /// Which profile this is.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// Issues `case` into `buf`, returning the token.
    pub fn issue_into<'o>(&self, case: Case, buf: &'o mut [u8]) -> compact_token::Result<&'o str> {
        let (access, id) = (&self.access_registry, &self.id_registry);
        match (self.profile, case.kind, case.alg) {
            (_, Kind::Id, Alg::Hs256) => unsupported(self, case),
            (Profile::Jwt, Kind::Access, Alg::EdDsa) => {
                jwt::issue_access(&self.access(), &self.ed, &Limits::ACCESS, buf)
            }
            (Profile::Jwt, Kind::Access, Alg::Hs256) => {
                jwt::issue_access(&self.access(), &self.hs, &Limits::ACCESS, buf)
            }
            (Profile::Jwt, Kind::Id, Alg::EdDsa) => {
                jwt::issue_id(&id_claims(), &self.ed, &Limits::ID, buf)
            }
            (_, Kind::Access, Alg::EdDsa) => {
                compact::issue_access(&self.access(), &self.ed, &Limits::ACCESS, access, buf)
            }
            (_, Kind::Access, Alg::Hs256) => {
                compact::issue_access(&self.access(), &self.hs, &Limits::ACCESS, access, buf)
            }
            (_, Kind::Id, Alg::EdDsa) => {
                compact::issue_id(&id_claims(), &self.ed, &Limits::ID, id, buf)
            }
        }
    }

    /// Verifies `token` as `case` at `now`, with the library's error.
    pub fn verify_result(&self, case: Case, token: &str, now: u64) -> compact_token::Result<()> {
        let mut scratch = self.scratch.borrow_mut();
        self.verify_with(case, token, now, &mut scratch)
    }

    /// Verifies `token` as `case` at `now` with the caller's `scratch`
    /// (`SCRATCH` bytes always suffice), with the library's error.
    pub fn verify_with(
        &self,
        case: Case,
        token: &str,
        now: u64,
        scratch: &mut [u8],
    ) -> compact_token::Result<()> {
        let (ap, ip) = (&self.access_policy, &self.id_policy);
        let (ar, ir) = (&self.access_registry, &self.id_registry);
        match (self.profile, case.kind, case.alg) {
            (_, Kind::Id, Alg::Hs256) => unsupported(self, case),
            (Profile::Jwt, Kind::Access, Alg::EdDsa) => {
                apart(|| jwt::verify_access(token, &self.ed_pub, ap, now, scratch).map(drop))
            }
            (Profile::Jwt, Kind::Access, Alg::Hs256) => {
                apart(|| jwt::verify_access(token, &self.hs, ap, now, scratch).map(drop))
            }
            (Profile::Jwt, Kind::Id, Alg::EdDsa) => {
                apart(|| jwt::verify_id(token, &self.ed_pub, ip, now, scratch).map(drop))
            }
            (_, Kind::Access, Alg::EdDsa) => apart(|| {
                compact::verify_access(token, &self.ed_pub, ap, ar, now, scratch).map(drop)
            }),
            (_, Kind::Access, Alg::Hs256) => {
                apart(|| compact::verify_access(token, &self.hs, ap, ar, now, scratch).map(drop))
            }
            (_, Kind::Id, Alg::EdDsa) => {
                apart(|| compact::verify_id(token, &self.ed_pub, ip, ir, now, scratch).map(drop))
            }
        }
    }

    /// Verifies `token` and returns whether the decoded claims are exactly the
    /// sample's (for tests: the binary payload cannot be searched for strings).
    pub fn verifies_to_sample(&self, case: Case, token: &str) -> bool {
        let mut scratch = vec![0u8; SCRATCH];
        let now = sample::NOW;
        let (ap, ip) = (&self.access_policy, &self.id_policy);
        let (ar, ir) = (&self.access_registry, &self.id_registry);
        match (self.profile, case.kind, case.alg) {
            (_, Kind::Id, Alg::Hs256) => unsupported(self, case),
            (Profile::Jwt, Kind::Access, Alg::EdDsa) => {
                jwt::verify_access(token, &self.ed_pub, ap, now, &mut scratch)
                    == Ok(access_claims())
            }
            (Profile::Jwt, Kind::Access, Alg::Hs256) => {
                jwt::verify_access(token, &self.hs, ap, now, &mut scratch) == Ok(access_claims())
            }
            (Profile::Jwt, Kind::Id, Alg::EdDsa) => {
                jwt::verify_id(token, &self.ed_pub, ip, now, &mut scratch) == Ok(id_claims())
            }
            (_, Kind::Access, Alg::EdDsa) => {
                compact::verify_access(token, &self.ed_pub, ap, ar, now, &mut scratch)
                    == Ok(access_claims())
            }
            (_, Kind::Access, Alg::Hs256) => {
                compact::verify_access(token, &self.hs, ap, ar, now, &mut scratch)
                    == Ok(access_claims())
            }
            (_, Kind::Id, Alg::EdDsa) => {
                compact::verify_id(token, &self.ed_pub, ip, ir, now, &mut scratch)
                    == Ok(id_claims())
            }
        }
    }
}

impl Peer for CompactToken {
    fn name(&self) -> &'static str {
        match self.profile {
            Profile::Jwt => "compact-token (jwt)",
            Profile::Compact => "compact-token (compact)",
            Profile::CompactRegistered => "compact-token (compact, registered values)",
        }
    }

    fn supports(&self, case: Case) -> bool {
        Case::ALL.contains(&case)
    }

    fn issue(&self, case: Case, out: &mut String) {
        let mut buf = self.out.borrow_mut();
        let token = self
            .issue_into(case, &mut buf)
            .expect("compact-token issues the sample");
        out.clear();
        out.push_str(token);
    }

    fn verify(&self, case: Case, token: &str, now: u64) -> bool {
        self.verify_result(case, token, now).is_ok()
    }

    fn signed_parts(&self, _case: Case, token: &str) -> SignedParts {
        jws_signed_parts(token)
    }
}
