//! ID-token claims (OpenID Connect Core 1.0 §2 and the standard claims of §5.1).

use serde::{Deserialize, Serialize};

use super::owned::map_opt;
use super::{
    Amr, Audience, ClaimSet, Extras, InPlace, ReadFields, SetExtras, check_opt_date,
    check_opt_text, check_shared_values, check_texts, de_date, de_opt_date, read_date,
    read_opt_date,
};
use crate::error::Result;
use crate::json::{Fields, Spelled, Writer};
use crate::kind::Kind;

/// The claims of an OpenID Connect ID token.
///
/// `iss`, `sub`, `aud`, `exp` and `iat` are required; the rest optional. The §5.1 `address`
/// claim (a JSON object) is not carried; unknown claims are ignored when reading.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "S: Deserialize<'de>"))]
pub struct IdClaims<S> {
    /// Issuer: the OpenID Provider.
    pub iss: S,
    /// Subject: the user, unique within the issuer.
    pub sub: S,
    /// Audience: the client(s) this token is for.
    pub aud: Audience<S>,
    /// Expires at (Unix seconds).
    #[serde(deserialize_with = "de_date")]
    pub exp: u64,
    /// Issued at (Unix seconds).
    #[serde(deserialize_with = "de_date")]
    pub iat: u64,
    /// Not valid before (Unix seconds).
    #[serde(
        default,
        deserialize_with = "de_opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub nbf: Option<u64>,
    /// When the user authenticated (Unix seconds).
    #[serde(
        default,
        deserialize_with = "de_opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub auth_time: Option<u64>,
    /// The value the client sent in the authentication request, against replay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<S>,
    /// Authentication context class reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acr: Option<S>,
    /// Authentication methods used.
    #[serde(default, skip_serializing_if = "Amr::is_empty")]
    pub amr: Amr<S>,
    /// Authorized party: the client the token was issued to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azp: Option<S>,
    /// Access token hash: binds this ID token to an access token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_hash: Option<S>,
    /// Code hash: binds this ID token to an authorization code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub c_hash: Option<S>,
    /// Full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<S>,
    /// Given (first) name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<S>,
    /// Family (last) name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<S>,
    /// Middle name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<S>,
    /// Casual name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<S>,
    /// Shorthand name the user wants to be called by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<S>,
    /// Profile page URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<S>,
    /// Profile picture URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<S>,
    /// Web page or blog URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<S>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<S>,
    /// Whether the e-mail address was verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// Gender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<S>,
    /// Birthday, `YYYY-MM-DD` or `YYYY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthdate: Option<S>,
    /// Time zone (IANA name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zoneinfo: Option<S>,
    /// Locale (BCP 47).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<S>,
    /// Phone number (E.164 recommended).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<S>,
    /// Whether the phone number was verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number_verified: Option<bool>,
    /// When the profile was last updated (Unix seconds).
    #[serde(
        default,
        deserialize_with = "de_opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated_at: Option<u64>,
    /// Every other claim (`groups`, a tenant, `address`, ...): see [`Extras`].
    #[serde(skip)]
    pub extra: Extras<S>,
}

impl<S> IdClaims<S> {
    /// Claims with the required values and no optional ones.
    pub fn new(iss: S, sub: S, aud: S, iat: u64, exp: u64) -> Self {
        Self {
            iss,
            sub,
            aud: Audience::one(aud),
            exp,
            iat,
            nbf: None,
            auth_time: None,
            nonce: None,
            acr: None,
            amr: Amr::new(),
            azp: None,
            at_hash: None,
            c_hash: None,
            name: None,
            given_name: None,
            family_name: None,
            middle_name: None,
            nickname: None,
            preferred_username: None,
            profile: None,
            picture: None,
            website: None,
            email: None,
            email_verified: None,
            gender: None,
            birthdate: None,
            zoneinfo: None,
            locale: None,
            phone_number: None,
            phone_number_verified: None,
            updated_at: None,
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
        "exp",
        "iat",
        "nbf",
        "auth_time",
        "nonce",
        "acr",
        "amr",
        "azp",
        "at_hash",
        "c_hash",
        "name",
        "given_name",
        "family_name",
        "middle_name",
        "nickname",
        "preferred_username",
        "profile",
        "picture",
        "website",
        "email",
        "email_verified",
        "gender",
        "birthdate",
        "zoneinfo",
        "locale",
        "phone_number",
        "phone_number_verified",
        "updated_at",
    ];
}

impl<S> IdClaims<S> {
    /// The claims with every string value converted by `f` (the first error stops it):
    /// the base of [`try_map`](Self::try_map) and of the verified-token cache's slots.
    pub(crate) fn map_each<T, E>(
        &self,
        mut f: impl FnMut(&S) -> core::result::Result<T, E>,
    ) -> core::result::Result<IdClaims<T>, E> {
        Ok(IdClaims {
            iss: f(&self.iss)?,
            sub: f(&self.sub)?,
            aud: self.aud.map_each(&mut f)?,
            exp: self.exp,
            iat: self.iat,
            nbf: self.nbf,
            auth_time: self.auth_time,
            nonce: map_opt(&self.nonce, &mut f)?,
            acr: map_opt(&self.acr, &mut f)?,
            amr: self.amr.map_each(&mut f)?,
            azp: map_opt(&self.azp, &mut f)?,
            at_hash: map_opt(&self.at_hash, &mut f)?,
            c_hash: map_opt(&self.c_hash, &mut f)?,
            name: map_opt(&self.name, &mut f)?,
            given_name: map_opt(&self.given_name, &mut f)?,
            family_name: map_opt(&self.family_name, &mut f)?,
            middle_name: map_opt(&self.middle_name, &mut f)?,
            nickname: map_opt(&self.nickname, &mut f)?,
            preferred_username: map_opt(&self.preferred_username, &mut f)?,
            profile: map_opt(&self.profile, &mut f)?,
            picture: map_opt(&self.picture, &mut f)?,
            website: map_opt(&self.website, &mut f)?,
            email: map_opt(&self.email, &mut f)?,
            email_verified: self.email_verified,
            gender: map_opt(&self.gender, &mut f)?,
            birthdate: map_opt(&self.birthdate, &mut f)?,
            zoneinfo: map_opt(&self.zoneinfo, &mut f)?,
            locale: map_opt(&self.locale, &mut f)?,
            phone_number: map_opt(&self.phone_number, &mut f)?,
            phone_number_verified: self.phone_number_verified,
            updated_at: self.updated_at,
            extra: self.extra.map_each(&mut f)?,
        })
    }
}

impl<S: AsRef<str>> IdClaims<S> {
    /// The claims with every string converted by `f` (the first error stops it): the base
    /// of [`to_heapless`](Self::to_heapless) and `to_owned`. `f` may change what a string
    /// says: the claims are checked when issued, and the custom claims' JSON text is
    /// checked whole ([`Extras::try_map`]).
    pub fn try_map<T, E>(
        &self,
        mut f: impl FnMut(&str) -> core::result::Result<T, E>,
    ) -> core::result::Result<IdClaims<T>, E> {
        let mut mapped = self.map_each(|s| f(s.as_ref()))?;
        mapped.extra.forget_checks();
        Ok(mapped)
    }
}

/// Expands `$m!(args; field, ...)` over every optional string claim after `azp`, in wire
/// order: one list serves writing and checking.
macro_rules! with_profile_strings {
    ($m:ident!($($args:tt)*)) => {
        $m!($($args)*; at_hash, c_hash, name, given_name, family_name, middle_name, nickname,
            preferred_username, profile, picture, website, email, gender, birthdate, zoneinfo,
            locale, phone_number)
    };
}

macro_rules! write_opt_strs {
    ($w:ident, $s:ident; $($f:ident),*) => {
        $( $w.opt_str(stringify!($f), $s.$f.as_ref().map(AsRef::as_ref)); )*
    };
}

macro_rules! check_opt_strs {
    ($s:ident; $($f:ident),*) => {
        $( check_opt_text(&$s.$f)?; )*
    };
}

/// The field of the optional string claim named `$name`, if it is one of them.
macro_rules! opt_str_field {
    ($c:ident, $name:ident; $($f:ident),*) => {
        match $name {
            $( stringify!($f) => Some(&mut $c.$f), )*
            _ => None,
        }
    };
}

impl<S: AsRef<str>> ClaimSet for IdClaims<S> {
    const KIND: Kind = Kind::Id;

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
        w.num("exp", self.exp);
        w.num("iat", self.iat);
        w.opt_num("nbf", self.nbf);
        w.opt_num("auth_time", self.auth_time);
        w.opt_str("nonce", self.nonce.as_ref().map(AsRef::as_ref));
        w.opt_str("acr", self.acr.as_ref().map(AsRef::as_ref));
        w.str_list("amr", self.amr.iter(), false);
        w.opt_str("azp", self.azp.as_ref().map(AsRef::as_ref));
        with_profile_strings!(write_opt_strs!(w, self));
        w.opt_bool("email_verified", self.email_verified);
        w.opt_bool("phone_number_verified", self.phone_number_verified);
        w.opt_num("updated_at", self.updated_at);
        self.extra.write(w);
    }

    fn check_extras(&self) -> Result<()> {
        self.extra.check(Kind::Id)
    }

    fn check_values(&self) -> Result<()> {
        check_opt_text(&self.nonce)?;
        check_opt_text(&self.acr)?;
        check_opt_text(&self.azp)?;
        with_profile_strings!(check_opt_strs!(self));
        check_texts(&[&self.iss, &self.sub], &self.aud, &self.amr)?;
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
        )?;
        check_opt_date(self.updated_at)
    }
}

impl<'b> SetExtras<'b> for IdClaims<&'b str> {
    fn set_extras(&mut self, extras: Extras<&'b str>) {
        self.extra = extras;
    }
}

impl InPlace for IdClaims<&str> {
    fn empty() -> Self {
        let mut c = Self::new("", "", "", 0, 0);
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
    Spelled::new("exp"),
    Spelled::new("iat"),
    Spelled::new("nbf"),
    Spelled::new("auth_time"),
    Spelled::new("nonce"),
    Spelled::new("acr"),
    Spelled::new("amr"),
    Spelled::new("azp"),
    Spelled::new("at_hash"),
    Spelled::new("c_hash"),
    Spelled::new("name"),
    Spelled::new("given_name"),
    Spelled::new("family_name"),
    Spelled::new("middle_name"),
    Spelled::new("nickname"),
    Spelled::new("preferred_username"),
    Spelled::new("profile"),
    Spelled::new("picture"),
    Spelled::new("website"),
    Spelled::new("email"),
    Spelled::new("gender"),
    Spelled::new("birthdate"),
    Spelled::new("zoneinfo"),
    Spelled::new("locale"),
    Spelled::new("phone_number"),
    Spelled::new("email_verified"),
    Spelled::new("phone_number_verified"),
    Spelled::new("updated_at"),
];

impl<'b> ReadFields<'b> for IdClaims<&'b str> {
    fn read_fields(&mut self, f: &mut Fields<'_, 'b>) -> Result<()> {
        let c = self;
        f.expect(WRITTEN_ORDER);
        while let Some(name) = f.name()? {
            if let Some(field) =
                with_profile_strings!(opt_str_field!(c, name)).or_else(|| match name {
                    "nonce" => Some(&mut c.nonce),
                    "acr" => Some(&mut c.acr),
                    "azp" => Some(&mut c.azp),
                    _ => None,
                })
            {
                // The optional strings have no bit each: the name filter checks them.
                *field = f.unique()?.opt_str()?;
                continue;
            }
            // One bit per other typed claim; the first five are the required ones.
            match name {
                "iss" => c.iss = f.typed(0)?.str()?,
                "sub" => c.sub = f.typed(1)?.str()?,
                "aud" => c.aud.read(f.typed(2)?)?,
                "exp" => c.exp = read_date(f.typed(3)?)?,
                "iat" => c.iat = read_date(f.typed(4)?)?,
                "nbf" => c.nbf = read_opt_date(f.typed(5)?)?,
                "auth_time" => c.auth_time = read_opt_date(f.typed(6)?)?,
                "amr" => c.amr.read(f.typed(7)?)?,
                "email_verified" => c.email_verified = f.typed(8)?.opt_bool()?,
                "phone_number_verified" => c.phone_number_verified = f.typed(9)?.opt_bool()?,
                "updated_at" => c.updated_at = read_opt_date(f.typed(10)?)?,
                _ => f.skip()?,
            }
        }
        super::require_all(f, 5)?;
        Ok(())
    }
}

super::claims_eq!(IdClaims; iss, sub, aud, exp, iat, nbf, auth_time, nonce, acr, amr, azp, at_hash,
    c_hash, name, given_name, family_name, middle_name, nickname, preferred_username, profile,
    picture, website, email, email_verified, gender, birthdate, zoneinfo, locale, phone_number,
    phone_number_verified, updated_at, extra);

impl<'b> IdClaims<&'b str> {
    /// Reads ID-token claims from JSON text (a claims file, a decoded payload you
    /// already trust) with the crate's one reader: the typed claims into their fields, every
    /// other member into [`extra`](Self::extra), so issuing them again carries every claim.
    /// Strings with escapes are decoded into `scratch` (`json.len()` bytes always suffice).
    /// Nothing is verified: there is no signature here. Values are checked when issuing.
    pub fn from_json(json: &'b str, scratch: &'b mut [u8]) -> Result<Self> {
        super::read_claims(json, scratch)
    }
}
