//! Claims of the two kinds of token, and the pieces they share.
//!
//! Claims types are generic over their string type `S`: `&str` when verifying (borrowed from
//! the caller's scratch buffer, zero-copy where the JSON had no escapes) or when issuing from
//! data at hand; a fixed-capacity `heapless::String<N>` to own them without a heap.

mod access;
mod extra;
mod id;
mod owned;
mod require;

pub use access::AccessClaims;
#[cfg(feature = "compact-custom-claims")]
pub(crate) use extra::typed_claim;
pub use extra::{Elements, Extras, ExtrasWriter, JsonStr, Members, Value, ValueKind};
pub use id::IdClaims;
pub use require::{Require, Rule};
pub(crate) use require::{Resolver, Verdict, check as check_required};

use core::fmt;
use core::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeSeq, Serializer};

use crate::error::{Error, Result};
use crate::json::{Fields, Writer};
use crate::kind::Kind;

/// The most audiences an `aud` claim may hold.
pub const MAX_AUDIENCES: usize = 8;
/// The most entries an `amr` claim may hold.
pub const MAX_AMR: usize = 8;
/// The latest date accepted: 9999-12-31T23:59:59Z, in Unix seconds.
pub const MAX_DATE: u64 = 253_402_300_799;

/// A short list of strings, at most `N`. Reads JSON as an array or as a single string.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct List<S, const N: usize> {
    items: heapless::Vec<S, N>,
    /// Set while decoding when the input held more than `N` values.
    overflow: bool,
}

/// The `aud` claim: one or more audiences.
pub type Audience<S> = List<S, MAX_AUDIENCES>;
/// The `amr` claim: authentication method references.
pub type Amr<S> = List<S, MAX_AMR>;

impl<S, const N: usize> List<S, N> {
    /// An empty list.
    pub const fn new() -> Self {
        Self {
            items: heapless::Vec::new(),
            overflow: false,
        }
    }

    /// A list of one value.
    pub fn one(value: S) -> Self {
        let mut list = Self::new();
        list.items.push(value).ok();
        list
    }

    /// Appends a value; [`Error::TooManyValues`] when the list is full.
    pub fn push(&mut self, value: S) -> Result<()> {
        self.items.push(value).map_err(|_| Error::TooManyValues)
    }

    /// The values, in order.
    pub fn as_slice(&self) -> &[S] {
        &self.items
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(crate) fn check(&self) -> Result<()> {
        if self.overflow {
            Err(Error::TooManyValues)
        } else {
            Ok(())
        }
    }
}

impl<S: AsRef<str>, const N: usize> List<S, N> {
    /// Whether `value` is one of the values.
    pub fn contains(&self, value: &str) -> bool {
        self.items.iter().any(|s| s.as_ref() == value)
    }

    /// The values as `&str`.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> {
        self.items.iter().map(AsRef::as_ref)
    }
}

impl<S, const N: usize> Default for List<S, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: fmt::Debug, const N: usize> fmt::Debug for List<S, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.items.iter()).finish()
    }
}

impl<'a, const N: usize> TryFrom<&[&'a str]> for List<&'a str, N> {
    type Error = Error;
    fn try_from(values: &[&'a str]) -> Result<Self> {
        let mut list = Self::new();
        for v in values {
            list.push(v)?;
        }
        Ok(list)
    }
}

impl<'b, const N: usize> List<&'b str, N> {
    /// Reads the list as its `Deserialize` impl below does through this crate's reader: a
    /// string, or an array of strings; beyond `N` values the rest of the array is walked
    /// and the list marked to be refused ([`Error::TooManyValues`]) by the value checks.
    pub(crate) fn read(&mut self, f: &mut Fields<'_, 'b>) -> Result<()> {
        *self = Self::new();
        f.strs(|s| {
            let taken = self.items.push(s).is_ok();
            self.overflow |= !taken;
            taken
        })
    }
}

impl<S: Serialize, const N: usize> Serialize for List<S, N> {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> core::result::Result<Z::Ok, Z::Error> {
        let mut seq = serializer.serialize_seq(Some(self.items.len()))?;
        for item in &self.items {
            seq.serialize_element(item)?;
        }
        seq.end()
    }
}

impl<'de, S: Deserialize<'de>, const N: usize> Deserialize<'de> for List<S, N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        struct ListVisitor<S, const N: usize>(PhantomData<S>);
        impl<'de, S: Deserialize<'de>, const N: usize> Visitor<'de> for ListVisitor<S, N> {
            type Value = List<S, N>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                v: &'de str,
            ) -> core::result::Result<Self::Value, E> {
                let de = serde::de::value::BorrowedStrDeserializer::<E>::new(v);
                Ok(List::one(S::deserialize(de)?))
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                d: D,
            ) -> core::result::Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> core::result::Result<Self::Value, A::Error> {
                let mut list = List::new();
                while let Some(item) = seq.next_element::<S>()? {
                    if list.items.push(item).is_err() {
                        // Keep reading so the JSON stays well-formed; refuse afterwards.
                        list.overflow = true;
                        while seq.next_element::<IgnoredAny>()?.is_some() {}
                        break;
                    }
                }
                Ok(list)
            }
        }
        // A string reaches `visit_borrowed_str`, an array `visit_seq`; anything else is
        // refused. Other deserializers pass through `visit_newtype_struct`.
        d.deserialize_newtype_struct(crate::json::STR_OR_SEQ, ListVisitor::<S, N>(PhantomData))
    }
}

/// Reads a NumericDate (RFC 7519 §2) as an exact integer, never through floating point: the
/// crate's JSON reader refuses any other number with [`Error::InvalidDate`]; a date above
/// [`MAX_DATE`] (or a negative or fractional one from another deserializer) becomes
/// [`INVALID_DATE`], which [`check_date`] turns into [`Error::InvalidDate`] after parsing.
pub(crate) fn de_date<'de, D: Deserializer<'de>>(d: D) -> core::result::Result<u64, D::Error> {
    d.deserialize_newtype_struct(crate::json::DATE, DateVisitor)
}

pub(crate) fn de_opt_date<'de, D: Deserializer<'de>>(
    d: D,
) -> core::result::Result<Option<u64>, D::Error> {
    struct Date(u64);
    impl<'de> Deserialize<'de> for Date {
        fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
            de_date(d).map(Date)
        }
    }
    Ok(Option::<Date>::deserialize(d)?.map(|Date(v)| v))
}

/// Marks a date that was present but invalid.
pub(crate) const INVALID_DATE: u64 = u64::MAX;

struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = u64;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a NumericDate")
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        d: D,
    ) -> core::result::Result<u64, D::Error> {
        // Not `deserialize_any`: nothing here may need a float parser.
        d.deserialize_u64(self)
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> core::result::Result<u64, E> {
        Ok(in_range(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> core::result::Result<u64, E> {
        Ok(u64::try_from(v).map_or(INVALID_DATE, |v| {
            self.visit_u64::<E>(v).unwrap_or(INVALID_DATE)
        }))
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> core::result::Result<u64, E> {
        Ok(INVALID_DATE)
    }
}

/// A date as read: itself, or [`INVALID_DATE`] above [`MAX_DATE`].
fn in_range(v: u64) -> u64 {
    if v <= MAX_DATE { v } else { INVALID_DATE }
}

/// After a claims type's [`ReadFields`] read every member: its typed claims numbered
/// below `required` ([`Fields::typed`]) are the required ones, and each was read, else
/// [`Error::MalformedClaims`].
pub(crate) fn require_all(f: &Fields<'_, '_>, required: u32) -> Result<()> {
    let all = (1u64 << required) - 1;
    if f.seen() & all != all {
        return Err(Error::MalformedClaims);
    }
    Ok(())
}

/// A required date read by a claims type's [`ReadFields`], as [`de_date`] reads it.
pub(crate) fn read_date(f: &mut Fields<'_, '_>) -> Result<u64> {
    f.date().map(in_range)
}

/// An optional date read by a claims type's [`ReadFields`], as [`de_opt_date`] reads it.
pub(crate) fn read_opt_date(f: &mut Fields<'_, '_>) -> Result<Option<u64>> {
    Ok(f.opt_date()?.map(in_range))
}

pub(crate) fn check_date(d: u64) -> Result<()> {
    if d > MAX_DATE {
        Err(Error::InvalidDate)
    } else {
        Ok(())
    }
}

pub(crate) fn check_opt_date(d: Option<u64>) -> Result<()> {
    d.map_or(Ok(()), check_date)
}

/// Refuses U+0000 in a string claim: C callers receive strings with their length, but C
/// code cuts them at the first NUL (`"admin\u0000x"` would be read as `admin`).
pub(crate) fn check_text<S: AsRef<str>>(s: &S) -> Result<()> {
    // A word at a time: claims are short, and a `memchr` call costs more than the scan.
    let mut words = s.as_ref().as_bytes().chunks_exact(8);
    let mut nul = false;
    for w in &mut words {
        let w = u64::from_ne_bytes(w.try_into().unwrap_or_default());
        // Some byte of `w` is zero.
        nul |= w.wrapping_sub(0x0101_0101_0101_0101) & !w & 0x8080_8080_8080_8080 != 0;
    }
    if nul || words.remainder().contains(&0) {
        Err(Error::MalformedClaims)
    } else {
        Ok(())
    }
}

/// [`check_text`] on an optional string claim.
pub(crate) fn check_opt_text<S: AsRef<str>>(s: &Option<S>) -> Result<()> {
    s.as_ref().map_or(Ok(()), check_text)
}

/// The string checks both kinds share: no NUL in the `required` strings, `aud` or `amr`.
pub(crate) fn check_texts<S: AsRef<str>, const A: usize, const M: usize>(
    required: &[&S],
    aud: &List<S, A>,
    amr: &List<S, M>,
) -> Result<()> {
    for v in required
        .iter()
        .copied()
        .chain(aud.as_slice())
        .chain(amr.as_slice())
    {
        check_text(v)?;
    }
    Ok(())
}

/// The other value checks both kinds share: dates in range; an `aud` that is present (it
/// is required by RFC 9068 §2.2 and OIDC Core §2; an empty list would be written as no
/// `aud` at all, a token this crate could not read back) and, like `amr`, within capacity.
/// All that is checked of claims the crate's JSON reader filled in, which refused U+0000
/// in every string it read.
pub(crate) fn check_shared_values<S, const A: usize, const M: usize>(
    iat: u64,
    exp: u64,
    nbf: Option<u64>,
    auth_time: Option<u64>,
    aud: &List<S, A>,
    amr: &List<S, M>,
) -> Result<()> {
    check_date(iat)?;
    check_date(exp)?;
    check_opt_date(nbf)?;
    check_opt_date(auth_time)?;
    if aud.is_empty() {
        return Err(Error::MalformedClaims);
    }
    aud.check()?;
    amr.check()
}

/// What the token pipeline needs of a claims type, whatever its kind.
pub trait ClaimSet {
    /// The kind of token these claims make.
    const KIND: Kind;
    /// `iat`, when the token was issued.
    fn issued_at(&self) -> u64;
    /// `exp`, when the token expires.
    fn expires_at(&self) -> u64;
    /// `nbf`, before which the token is not valid.
    fn not_before(&self) -> Option<u64>;
    /// Writes the claims as one byte-minimal JSON object.
    #[doc(hidden)]
    fn write_json(&self, w: &mut Writer<'_>);
    /// Checks every value is representable (dates in range, no NUL in any string, `aud`
    /// present, lists within capacity).
    #[doc(hidden)]
    fn check_values(&self) -> Result<()>;
    /// [`check_values`](Self::check_values) for claims a verifier read: the `jwt` claims
    /// reader and the `compact` decoder refused U+0000 in every string they read, so only
    /// the dates, `aud`'s presence and the lists' capacities are checked, not the strings
    /// again.
    #[doc(hidden)]
    fn check_read_values(&self) -> Result<()>;
    /// Issue-time checks of the custom claims (no typed claim's name, no U+0000): a
    /// verified token's passed them when it was read, so only issuing links them.
    #[doc(hidden)]
    fn check_extras(&self) -> Result<()>;
}

/// Equality of claims types field by field, custom claims compared as JSON values (the
/// verified view of a `jwt` token holds the whole claims set, the issued one only extras).
macro_rules! claims_eq {
    ($ty:ident; $($f:ident),* $(,)?) => {
        impl<S: PartialEq + AsRef<str>> PartialEq for $ty<S> {
            fn eq(&self, other: &Self) -> bool {
                $( self.$f == other.$f )&&*
            }
        }
        impl<S: Eq + AsRef<str>> Eq for $ty<S> {}
    };
}
pub(crate) use claims_eq;

/// Claims types whose custom claims a verifier sets to a view of the claims it read.
pub(crate) trait SetExtras<'b> {
    /// Sets the custom claims.
    fn set_extras(&mut self, extras: Extras<&'b str>);
}

/// Claims types that read themselves from JSON, member by member, with the crate's
/// reader: what their `serde` derive does through it, in fewer frames (see
/// [`crate::json::Fields`]).
pub(crate) trait ReadFields<'b>: InPlace {
    /// Reads every member of the object into `self`, which starts [`InPlace::empty`]
    /// (typed claims into their fields, in place; others skipped); a missing required
    /// claim is [`Error::MalformedClaims`].
    fn read_fields(&mut self, f: &mut Fields<'_, 'b>) -> Result<()>;
}

/// Claims types a decoder fills in place: in the slot the verifier returns, so no copy of
/// the whole claims set sits in a decoder's frame (for the stack).
pub(crate) trait InPlace: Sized {
    /// Claims with every required string empty and nothing optional, for a decoder to fill.
    fn empty() -> Self;
}

/// `Ok` with the claims `read` filled in, starting from [`InPlace::empty`], or its error.
/// Inlined, so that `out` can be the caller's return slot rather than a slot of a frame of
/// its own (no claims-sized frame of this function on the stack).
#[inline(always)]
pub(crate) fn read_in_place<C: InPlace>(read: impl FnOnce(&mut C) -> Result<()>) -> Result<C> {
    let mut out = Ok(C::empty());
    if let Ok(c) = &mut out
        && let Err(e) = read(c)
    {
        out = Err(e);
    }
    out
}

/// Reads a whole claims set from JSON text with the crate's one reader: the typed claims into
/// their fields (strings with escapes decoded into `scratch`; as many bytes as the text
/// always suffice), every other member as the custom claims.
pub(crate) fn read_claims<'b, C: ReadFields<'b> + SetExtras<'b> + ClaimSet>(
    json: &'b str,
    scratch: &'b mut [u8],
) -> Result<C> {
    read_in_place(|c| read_claims_into(json, scratch, c, None))
}

/// [`read_claims`] into `c`, which starts [`InPlace::empty`]; each custom claim's name and
/// value handed to `on_skip`, if any, as it is read ([`Resolver::hook`]).
pub(crate) fn read_claims_into<'b, C: ReadFields<'b> + SetExtras<'b> + ClaimSet>(
    json: &'b str,
    scratch: &'b mut [u8],
    c: &mut C,
    on_skip: Option<&mut dyn FnMut(&'b str, &'b str)>,
) -> Result<()> {
    let ((), from) = crate::json::read_object(json, scratch, on_skip, |f| c.read_fields(f))?;
    c.set_extras(Extras::of_claims_from(json, C::KIND, from));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Members as `(name, value)` JSON text, joined into an object.
    fn object(members: &[(std::string::String, std::string::String)]) -> std::string::String {
        let body: std::vec::Vec<_> = members
            .iter()
            .map(|(n, v)| std::format!("{n}:{v}"))
            .collect();
        std::format!("{{{}}}", body.join(","))
    }

    /// Every JSON text the differential below reads: `base` with each typed claim (and a
    /// custom one) set to each of many values, valid and not, removed, repeated, its name
    /// escaped; and broken objects.
    fn variants(base: &[(&str, &str)], typed: &[&str]) -> std::vec::Vec<std::string::String> {
        use std::string::{String, ToString};
        use std::{format, vec::Vec};
        let nine = r#"["a","b","c","d","e","f","g","h","i"]"#;
        let values = [
            "null",
            "0",
            "-1",
            "-0",
            "1.5",
            "1e3",
            "253402300799",
            "253402300800",
            "18446744073709551616",
            r#""s""#,
            r#""\u0000""#,
            r#""a\/b""#,
            r#""""#,
            "[]",
            r#"["a"]"#,
            r#"["a","b","c","d","e","f","g","h"]"#,
            nine,
            r#"["a","b","c","d","e","f","g","h","i",1]"#,
            r#"["a","b","c","d","e","f","g","h",1]"#,
            r#"["a",1]"#,
            "[1]",
            "{}",
            r#"{"a":1}"#,
            r#"{"a":1,"a":2}"#,
            "[[[[1]]]]",
            "[[[1]]]",
            "true",
            "false",
            "tru",
            "[,]",
            r#"["a",]"#,
            r#"["a" "b"]"#,
            r#""\ud800""#,
        ];
        let base: Vec<(String, String)> = base
            .iter()
            .map(|(n, v)| (format!("\"{n}\""), v.to_string()))
            .collect();
        let mut out = std::vec![object(&base)];
        for name in typed.iter().copied().chain(["custom"]) {
            let quoted = format!("\"{name}\"");
            let at = base.iter().position(|(n, _)| *n == quoted);
            for v in values {
                let mut m = base.clone();
                match at {
                    Some(i) => m[i].1 = v.to_string(),
                    None => m.push((quoted.clone(), v.to_string())),
                }
                out.push(object(&m));
            }
            let mut m = base.clone();
            if let Some(i) = at {
                m.remove(i);
                out.push(object(&m));
                let mut dup = base.clone();
                dup.push((quoted.clone(), base[i].1.clone()));
                out.push(object(&dup));
                // The name with its first letter escaped: the same name.
                let escaped = format!("\"\\u{:04x}{}\"", u32::from(name.as_bytes()[0]), &name[1..]);
                let mut esc = base.clone();
                esc[i].0 = escaped.clone();
                out.push(object(&esc));
                esc.push((quoted, base[i].1.clone()));
                out.push(object(&esc));
            }
        }
        // Near misses of the spelling the reader recognises by its bytes (`Fields::expect`):
        // whitespace either side of the colon, a longer name, the members in reverse order,
        // and the text cut short just after each name.
        for i in 0..base.len() {
            let (n, v) = &base[i];
            for (name, value) in [
                (format!("{n} "), v.clone()),
                (n.clone(), format!(" {v}")),
                (format!("{}x\"", &n[..n.len() - 1]), v.clone()),
            ] {
                let mut m = base.clone();
                m[i] = (name, value);
                out.push(object(&m));
            }
        }
        let mut reversed = base.clone();
        reversed.reverse();
        out.push(object(&reversed));
        // Raw control bytes where a name's bytes are compared, at every place (none is a
        // spelling, not even of a name too long to be spelled).
        for raw in ["\0".repeat(16), "\0".repeat(24), "\u{1}".repeat(20)] {
            for i in 0..=base.len() {
                let mut m = base.clone();
                m.insert(i, (format!("\"{raw}\""), "1".to_string()));
                out.push(object(&m));
            }
        }
        let whole = object(&base);
        // A name repeated, then no colon: refused as repeated (the general reader's order),
        // whether the name is a typed claim's or not.
        for (n, _) in &base {
            let open = &whole[..whole.len() - 1];
            out.push(format!("{open},{n}"));
            out.push(format!("{open},{n} x}}"));
        }
        for (at, _) in whole.match_indices("\":") {
            out.push(whole[..at + 2].to_string());
            out.push(whole[..at + 3].to_string());
        }
        for broken in [
            format!("{whole} "),
            format!(" {whole}x"),
            whole.replacen('}', ",}", 1),
            whole.replacen('{', "{,", 1),
            whole[..whole.len() - 1].to_string(),
            format!("[{whole}]"),
            "{}".to_string(),
            "null".to_string(),
            whole.replacen(',', " ", 1),
        ] {
            out.push(broken);
        }
        out
    }

    /// Claims read member by member (`ReadFields`, what verification uses) equal what their
    /// `serde` derive reads through the same reader, value for value and error for error.
    macro_rules! same_as_derive {
        ($ty:ident, $base:expr) => {
            for json in variants($base, $ty::<&str>::TYPED) {
                let (mut a, mut b) = (std::vec![0u8; json.len()], std::vec![0u8; json.len()]);
                let fields = read_claims::<$ty<&str>>(&json, &mut a);
                let derived = crate::json::from_claims::<$ty<&str>>(json.as_bytes(), &mut b).map(
                    |mut c| {
                        c.set_extras(Extras::of_claims(&json, <$ty<&str> as ClaimSet>::KIND));
                        c
                    },
                );
                assert_eq!(fields, derived, "{json}");
            }
        };
    }

    /// The order the readers expect the typed claims in (`Fields::expect`) is the order the
    /// writer puts them in, every typed claim present: otherwise a token this crate issued
    /// would take the string reader for its names (slower, the same claims).
    #[test]
    fn typed_claims_are_expected_in_the_order_they_are_written() {
        fn names_written<C: ClaimSet>(c: &C) -> std::vec::Vec<std::string::String> {
            let mut buf = [0u8; 2048];
            let mut w = crate::json::Writer::new(&mut buf);
            c.write_json(&mut w);
            let n = w.finish();
            let json = core::str::from_utf8(&buf[..n]).unwrap();
            let view = Extras::of_claims(json, C::KIND);
            view.all_members()
                .map(|(name, _)| name.as_str().unwrap().into())
                .collect()
        }
        let spelled = |order: &[crate::json::Spelled]| -> std::vec::Vec<std::string::String> {
            order.iter().map(|s| s.name().into()).collect()
        };
        let all = |typed: &[&str]| {
            let members: std::vec::Vec<_> = typed
                .iter()
                .map(|n| match *n {
                    "aud" | "amr" => std::format!("\"{n}\":[\"a\"]"),
                    "iat" | "exp" | "nbf" | "auth_time" | "updated_at" => {
                        std::format!("\"{n}\":100")
                    }
                    "email_verified" | "phone_number_verified" => std::format!("\"{n}\":true"),
                    _ => std::format!("\"{n}\":\"v\""),
                })
                .rev()
                .collect();
            std::format!("{{{}}}", members.join(","))
        };
        let json = all(AccessClaims::<&str>::TYPED);
        let mut scratch = std::vec![0u8; json.len()];
        let c: AccessClaims<&str> = read_claims(&json, &mut scratch).unwrap();
        assert_eq!(names_written(&c), spelled(access::WRITTEN_ORDER));
        let json = all(IdClaims::<&str>::TYPED);
        let mut scratch = std::vec![0u8; json.len()];
        let c: IdClaims<&str> = read_claims(&json, &mut scratch).unwrap();
        assert_eq!(names_written(&c), spelled(id::WRITTEN_ORDER));
    }

    #[test]
    fn access_fields_read_as_the_derive_reads() {
        same_as_derive!(
            AccessClaims,
            &[
                ("iss", r#""https://a""#),
                ("sub", r#""u""#),
                ("aud", r#"["x","y"]"#),
                ("client_id", r#""c""#),
                ("iat", "100"),
                ("exp", "400"),
                ("nbf", "100"),
                ("jti", r#""j""#),
                ("scope", r#""read""#),
                ("auth_time", "90"),
                ("acr", r#""1""#),
                ("amr", r#"["pwd"]"#),
                ("roles", r#"["r",{"t":[1]}]"#),
            ]
        );
    }

    #[test]
    fn id_fields_read_as_the_derive_reads() {
        same_as_derive!(
            IdClaims,
            &[
                ("iss", r#""https://a""#),
                ("sub", r#""u""#),
                ("aud", r#""x""#),
                ("exp", "400"),
                ("iat", "100"),
                ("nonce", r#""n""#),
                ("email_verified", "true"),
                ("phone_number_verified", "false"),
                ("updated_at", "5"),
                ("name", r#""N""#),
                ("picture", r#""p""#),
                ("amr", r#"["a"]"#),
                ("azp", r#""z""#),
                ("x", r#"{"y":[1]}"#),
            ]
        );
    }

    /// U+0000 is found at every position of every length 0..20 (across the word scan's
    /// boundaries and in its remainder), and nothing else is refused.
    #[test]
    fn check_text_finds_nul_anywhere() {
        let plain = "abcdefghijklmnopqrst\u{100}";
        for n in 0..=20 {
            assert_eq!(check_text(&&plain[..n]), Ok(()), "{n}");
            for at in 0..n {
                let s = std::format!("{}\0{}", &plain[..at], &plain[at + 1..n]);
                assert_eq!(check_text(&s), Err(Error::MalformedClaims), "{s:?}");
            }
        }
        assert_eq!(check_text(&plain), Ok(()));
    }

    /// A verified view's walks start at the first member the typed read skipped: the custom
    /// claims come out the same wherever they stand among the typed ones (before, between,
    /// after, none), with whitespace around the object and between members.
    #[test]
    fn custom_claims_are_found_wherever_they_stand() {
        use std::vec::Vec;
        let typed = [
            r#""iss":"i""#,
            r#""sub":"s""#,
            r#""aud":"a""#,
            r#""client_id":"c""#,
            r#""iat":1"#,
            r#""exp":2"#,
            r#""jti":"j""#,
        ];
        let custom = [r#""roles":["x"]"#, r#""t\u0065nant":"t""#, r#""n":{"m":1}"#];
        for k in 0..=custom.len() {
            for at in 0..=typed.len() {
                // `custom[..k]` inserted before typed member `at`, then the rest at the end.
                let mut members: Vec<&str> = typed.to_vec();
                for (j, c) in custom[..k].iter().enumerate() {
                    members.insert(at + j, c);
                }
                for sep in [",", " ,\n "] {
                    let json = std::format!(" \t{{ {} }}\n", members.join(sep));
                    let mut scratch = std::vec![0u8; json.len()];
                    let c = read_claims::<AccessClaims<&str>>(&json, &mut scratch).unwrap();
                    let names: Vec<_> = c.extra.iter().map(|(n, _)| n).collect();
                    let want: Vec<&str> = ["roles", "tenant", "n"][..k].to_vec();
                    assert_eq!(names, want, "{json}");
                    assert_eq!(c.extra.is_empty(), k == 0, "{json}");
                    if k == 3 {
                        assert_eq!(c.extra.path(&["n", "m"]).unwrap().raw(), "1");
                    }
                }
            }
        }
    }
}
