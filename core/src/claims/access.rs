//! Access-token claims (RFC 9068 §2.2).

use serde::{Deserialize, Serialize};

use super::owned::map_opt;
use super::{
    Amr, Audience, ClaimSet, Extras, InPlace, ReadFields, SetExtras, check_opt_text,
    check_shared_values, check_texts, de_date, de_opt_date, read_date, read_opt_date,
};
use crate::error::Result;
use crate::json::{Fields, Spelled, Writer};
use crate::kind::Kind;

/// The claims of an OAuth 2.0 access token in the JWT profile of RFC 9068.
///
/// `iss`, `exp`, `aud`, `sub`, `client_id`, `iat` and `jti` are required; the rest optional.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "S: Deserialize<'de>"))]
pub struct AccessClaims<S> {
    /// Issuer: the authorization server's identifier.
    pub iss: S,
    /// Subject: the resource owner, or the client for client-credentials grants.
    pub sub: S,
    /// Audience: the resource server(s) this token is for.
    pub aud: Audience<S>,
    /// The OAuth client the token was issued to.
    pub client_id: S,
    /// Issued at (Unix seconds).
    #[serde(deserialize_with = "de_date")]
    pub iat: u64,
    /// Expires at (Unix seconds).
    #[serde(deserialize_with = "de_date")]
    pub exp: u64,
    /// Not valid before (Unix seconds).
    #[serde(
        default,
        deserialize_with = "de_opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub nbf: Option<u64>,
    /// Unique token identifier.
    pub jti: S,
    /// Space-separated scopes granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<S>,
    /// When the user authenticated (Unix seconds).
    #[serde(
        default,
        deserialize_with = "de_opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub auth_time: Option<u64>,
    /// Authentication context class reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acr: Option<S>,
    /// Authentication methods used.
    #[serde(default, skip_serializing_if = "Amr::is_empty")]
    pub amr: Amr<S>,
    /// Every other claim (`roles`, `groups`, a tenant, `cnf`, ...): see [`Extras`].
    #[serde(skip)]
    pub extra: Extras<S>,
}

impl<S> AccessClaims<S> {
    /// Claims with the required values and no optional ones.
    pub fn new(iss: S, sub: S, aud: S, client_id: S, iat: u64, exp: u64, jti: S) -> Self {
        Self {
            iss,
            sub,
            aud: Audience::one(aud),
            client_id,
            iat,
            exp,
            nbf: None,
            jti,
            scope: None,
            auth_time: None,
            acr: None,
            amr: Amr::new(),
            extra: Extras::none(),
        }
    }

    /// The names of the claims this struct holds, in wire order: a custom claim may not
    /// take one ([`crate::Error::ClaimCollision`]), and a verified token's custom claims
    /// never include one.
    pub const TYPED: &'static [&'static str] = &[
        "iss",
        "sub",
        "aud",
        "client_id",
        "iat",
        "exp",
        "nbf",
        "jti",
        "scope",
        "auth_time",
        "acr",
        "amr",
    ];
}

impl<S> AccessClaims<S> {
    /// The claims with every string value converted by `f` (the first error stops it):
    /// the base of [`try_map`](Self::try_map) and of the verified-token cache's slots.
    pub(crate) fn map_each<T, E>(
        &self,
        mut f: impl FnMut(&S) -> core::result::Result<T, E>,
    ) -> core::result::Result<AccessClaims<T>, E> {
        Ok(AccessClaims {
            iss: f(&self.iss)?,
            sub: f(&self.sub)?,
            aud: self.aud.map_each(&mut f)?,
            client_id: f(&self.client_id)?,
            iat: self.iat,
            exp: self.exp,
            nbf: self.nbf,
            jti: f(&self.jti)?,
            scope: map_opt(&self.scope, &mut f)?,
            auth_time: self.auth_time,
            acr: map_opt(&self.acr, &mut f)?,
            amr: self.amr.map_each(&mut f)?,
            extra: self.extra.map_each(&mut f)?,
        })
    }
}

impl<S: AsRef<str>> AccessClaims<S> {
    /// The claims with every string converted by `f` (the first error stops it): the base
    /// of [`to_heapless`](Self::to_heapless) and `to_owned`. `f` may change what a string
    /// says: the claims are checked when issued, and the custom claims' JSON text is
    /// checked whole ([`Extras::try_map`]).
    pub fn try_map<T, E>(
        &self,
        mut f: impl FnMut(&str) -> core::result::Result<T, E>,
    ) -> core::result::Result<AccessClaims<T>, E> {
        let mut mapped = self.map_each(|s| f(s.as_ref()))?;
        mapped.extra.forget_checks();
        Ok(mapped)
    }

    /// Whether `scope` grants `wanted` (scopes are space-separated, compared exactly).
    pub fn has_scope(&self, wanted: &str) -> bool {
        self.scope
            .as_ref()
            .is_some_and(|s| s.as_ref().split(' ').any(|s| s == wanted))
    }
}

impl<S: AsRef<str>> ClaimSet for AccessClaims<S> {
    const KIND: Kind = Kind::Access;

    fn issued_at(&self) -> u64 {
        self.iat
    }
    fn expires_at(&self) -> u64 {
        self.exp
    }
    fn not_before(&self) -> Option<u64> {
        self.nbf
    }

    fn write_json(&self, w: &mut Writer<'_>) {
        w.str("iss", self.iss.as_ref());
        w.str("sub", self.sub.as_ref());
        w.str_list("aud", self.aud.iter(), true);
        w.str("client_id", self.client_id.as_ref());
        w.num("iat", self.iat);
        w.num("exp", self.exp);
        w.opt_num("nbf", self.nbf);
        w.str("jti", self.jti.as_ref());
        w.opt_str("scope", self.scope.as_ref().map(AsRef::as_ref));
        w.opt_num("auth_time", self.auth_time);
        w.opt_str("acr", self.acr.as_ref().map(AsRef::as_ref));
        w.str_list("amr", self.amr.iter(), false);
        self.extra.write(w);
    }

    fn check_extras(&self) -> Result<()> {
        self.extra.check(Kind::Access)
    }

    fn check_values(&self) -> Result<()> {
        check_opt_text(&self.scope)?;
        check_opt_text(&self.acr)?;
        check_texts(
            &[&self.iss, &self.sub, &self.client_id, &self.jti],
            &self.aud,
            &self.amr,
        )?;
        self.check_read_values()
    }

    fn check_read_values(&self) -> Result<()> {
        check_shared_values(
            self.iat,
            self.exp,
            self.nbf,
            self.auth_time,
            &self.aud,
            &self.amr,
        )
    }
}

impl<'b> SetExtras<'b> for AccessClaims<&'b str> {
    fn set_extras(&mut self, extras: Extras<&'b str>) {
        self.extra = extras;
    }
}

impl InPlace for AccessClaims<&str> {
    fn empty() -> Self {
        let mut c = Self::new("", "", "", "", 0, 0, "");
        c.aud = Audience::new();
        c
    }
}

/// The typed claims' names in the order [`ClaimSet::write_json`] writes them (the reader
/// recognises them fastest so: [`Fields::expect`]).
pub(super) const WRITTEN_ORDER: &[Spelled] = &[
    Spelled::new("iss"),
    Spelled::new("sub"),
    Spelled::new("aud"),
    Spelled::new("client_id"),
    Spelled::new("iat"),
    Spelled::new("exp"),
    Spelled::new("nbf"),
    Spelled::new("jti"),
    Spelled::new("scope"),
    Spelled::new("auth_time"),
    Spelled::new("acr"),
    Spelled::new("amr"),
];

impl<'b> ReadFields<'b> for AccessClaims<&'b str> {
    fn read_fields(&mut self, f: &mut Fields<'_, 'b>) -> Result<()> {
        let c = self;
        f.expect(WRITTEN_ORDER);
        while let Some(name) = f.name()? {
            // One bit per typed claim; the first seven are the required ones.
            match name {
                "iss" => c.iss = f.typed(0)?.str()?,
                "sub" => c.sub = f.typed(1)?.str()?,
                "aud" => c.aud.read(f.typed(2)?)?,
                "client_id" => c.client_id = f.typed(3)?.str()?,
                "iat" => c.iat = read_date(f.typed(4)?)?,
                "exp" => c.exp = read_date(f.typed(5)?)?,
                "jti" => c.jti = f.typed(6)?.str()?,
                "nbf" => c.nbf = read_opt_date(f.typed(7)?)?,
                "scope" => c.scope = f.typed(8)?.opt_str()?,
                "auth_time" => c.auth_time = read_opt_date(f.typed(9)?)?,
                "acr" => c.acr = f.typed(10)?.opt_str()?,
                "amr" => c.amr.read(f.typed(11)?)?,
                _ => f.skip()?,
            }
        }
        super::require_all(f, 7)?;
        Ok(())
    }
}

super::claims_eq!(AccessClaims; iss, sub, aud, client_id, iat, exp, nbf, jti, scope, auth_time, acr, amr, extra);

impl<'b> AccessClaims<&'b str> {
    /// Reads access-token claims from JSON text (a claims file, a decoded payload you
    /// already trust) with the crate's one reader: the typed claims into their fields, every
    /// other member into [`extra`](Self::extra), so issuing them again carries every claim.
    /// Strings with escapes are decoded into `scratch` (`json.len()` bytes always suffice).
    /// Nothing is verified: there is no signature here. Values are checked when issuing.
    pub fn from_json(json: &'b str, scratch: &'b mut [u8]) -> Result<Self> {
        super::read_claims(json, scratch)
    }
}
