//! Custom claims: every claim the typed structs do not hold (`roles`, `groups`, a tenant,
//! `cnf`, Keycloak's `realm_access`, Auth0's URI-named claims, ...), of any JSON type.
//!
//! They are held as JSON text that the crate's one reader has accepted: zero-copy when
//! verifying (a view into the token's decoded claims), written by [`ExtrasWriter`] into your
//! buffer (or given as JSON text) when issuing. Nothing allocates.

use core::fmt;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::json::{self, Arena, MAX_DEPTH, RawStr, Reader, Writer};
use crate::kind::Kind;

/// The custom claims of a token: a JSON object's members, less the claims its typed struct
/// holds (`Extras<&str>` when verifying or issuing from borrowed data).
///
/// When issuing, build them with [`ExtrasWriter`] or [`Extras::from_json`]; a name the typed
/// struct already carries is [`Error::ClaimCollision`]. After verifying, read them with
/// [`get`](Self::get), [`path`](Self::path), [`iter`](Self::iter) or
/// [`deserialize`](Self::deserialize):
///
/// ```
/// use compact_token::{jwt, AccessClaims, AccessPolicy, Ed25519SigningKey, ExtrasWriter, KeyUse, Limits};
///
/// let key = Ed25519SigningKey::from_seed(&[7; 32], KeyUse::Access);
/// let now = 1_764_000_000;
/// let mut extras_buf = [0u8; 128];
/// let mut claims = AccessClaims::new(
///     "https://auth.example.com", "user-8f14e45f", "https://api.example.com",
///     "s6BhdRkqt3", now, now + 300, "b1c2d3e4f5a6b7c8",
/// );
/// let mut w = ExtrasWriter::new(&mut extras_buf);
/// w.strs("roles", &["admin", "ops"]);
/// w.str("tenant", "acme");
/// w.json("cnf", r#"{"jkt":"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}"#)?;
/// claims.extra = w.finish()?;
///
/// let mut buf = [0u8; 1024];
/// let token = jwt::issue_access(&claims, &key, &Limits::ACCESS, &mut buf)?;
///
/// let policy = AccessPolicy::new("https://auth.example.com", "https://api.example.com");
/// let mut scratch = [0u8; 1024];
/// let verified = jwt::verify_access(token, &key.verifying_key(), &policy, now, &mut scratch)?;
/// assert!(verified.extra.get("roles").unwrap().contains_str("admin"));
/// assert_eq!(verified.extra.get("tenant").unwrap().as_str().unwrap(), "acme");
/// let jkt = verified.extra.path(&["cnf", "jkt"]).unwrap().as_str().unwrap();
/// assert_eq!(jkt.as_str(), Some("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"));
/// assert_eq!(verified.extra.iter().count(), 3);
/// # Ok::<(), compact_token::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct Extras<S> {
    /// A JSON object text, checked by the crate's reader; `None` for no extras.
    json: Option<S>,
    /// Names of this kind's typed claims are not extras (when `json` is a whole claims set).
    kind: Option<Kind>,
    /// The kind of token for which issuing's checks ([`Extras::check`]) were made when the
    /// text was written (the `compact` decoder's, for the token it read); `None` if none.
    checked: Option<Kind>,
    /// What [`Extras::from_json`] learned of the text in the pass that checked it
    /// ([`Facts`]); `0`, nothing known, for any other text.
    facts: u8,
    /// Where in `json` walks over the members may start (0: at the object's start): in a
    /// view, every member before it is a typed claim, read as such by the verifier.
    from: u32,
    /// Whether the text came out of [`Extras::try_map`], whose `f` may have changed it:
    /// nothing learned of the text before is assumed of it, and issuing checks it whole.
    mapped: bool,
}

impl<S> Extras<S> {
    /// No custom claims.
    pub const fn none() -> Self {
        Self {
            json: None,
            kind: None,
            checked: None,
            facts: 0,
            from: 0,
            mapped: false,
        }
    }
}

impl<S> Extras<S> {
    /// Marks the text as given by a caller's conversion ([`Extras::try_map`]): what was
    /// learned of it before is not assumed, and issuing checks it whole. A view keeps its
    /// kind (which members are typed claims, not custom ones) and walks from the start.
    pub(crate) fn forget_checks(&mut self) {
        self.mapped = true;
        self.checked = None;
        self.facts = 0;
        self.from = 0;
    }

    /// The custom claims with their JSON text converted by `f`.
    pub(crate) fn map_each<T, E>(
        &self,
        f: &mut impl FnMut(&S) -> core::result::Result<T, E>,
    ) -> core::result::Result<Extras<T>, E> {
        Ok(Extras {
            json: super::owned::map_opt(&self.json, f)?,
            kind: self.kind,
            checked: self.checked,
            // Facts of the text before `f`: not assumed of the text after it.
            facts: 0,
            from: self.from,
            mapped: self.mapped,
        })
    }
}

impl<S: AsRef<str>> Extras<S> {
    /// The custom claims with their JSON text converted by `f` (to an owned string, say).
    /// `f` may change the text: nothing learned when it was read is assumed of what `f`
    /// returns, and issuing checks the text whole (JSON grammar, no name twice, no typed
    /// claim's name, no U+0000), as for [`Extras::from_json`].
    pub fn try_map<T, E>(
        &self,
        f: &mut impl FnMut(&str) -> core::result::Result<T, E>,
    ) -> core::result::Result<Extras<T>, E> {
        let mut mapped = self.map_each(&mut |s| f(s.as_ref()))?;
        mapped.forget_checks();
        Ok(mapped)
    }
}

impl<S> Default for Extras<S> {
    fn default() -> Self {
        Self::none()
    }
}

impl<'a> Extras<&'a str> {
    /// The members of the JSON object `json` as custom claims, checked by the crate's reader
    /// (grammar, nesting — the object itself counts as the claims' first level — and no name
    /// twice at any depth). A name the typed claims carry is refused when issuing.
    pub fn from_json(json: &'a str) -> Result<Self> {
        let mut facts = Facts::KNOWN;
        let spaced = json::object_names(json, |raw| facts |= Facts::of_name(raw))?;
        if !spaced {
            facts |= Facts::MINIMAL;
        }
        let json = trim(json);
        Ok(Self {
            json: Some(json),
            kind: None,
            checked: None,
            facts,
            from: 0,
            mapped: false,
        })
    }

    /// Custom claims as JSON object text that its writer (the `compact` decoder) produced
    /// and checked as it wrote it: grammar, nesting, no name twice, no name of a typed claim
    /// of `kind` (the token's), no U+0000.
    #[cfg(any(test, feature = "compact-custom-claims"))]
    pub(crate) fn checked(json: &'a str, kind: Kind) -> Self {
        Self {
            json: Some(json),
            kind: None,
            checked: Some(kind),
            facts: 0,
            from: 0,
            mapped: false,
        }
    }

    /// A view of the members of a whole claims set `json` (already read by the crate's
    /// reader) that are not typed claims of `kind`.
    #[cfg(test)]
    pub(crate) fn of_claims(json: &'a str, kind: Kind) -> Self {
        Self::of_claims_from(json, kind, 0)
    }

    /// [`of_claims`](Self::of_claims), told that every member before byte `at` of `json`
    /// is a typed claim, read as such (`at` starts a member, before its separator, or is
    /// the object's closing bracket): walks over the members start there.
    pub(crate) fn of_claims_from(json: &'a str, kind: Kind, at: usize) -> Self {
        // `at` counts the whitespace before the object, which the view leaves out.
        let text = json.trim_start_matches(WHITESPACE);
        let lead = json.len() - text.len();
        let text = text.trim_end_matches(WHITESPACE);
        let from = at.saturating_sub(lead).min(text.len());
        Self {
            json: Some(text),
            kind: Some(kind),
            checked: None,
            facts: 0,
            from: u32::try_from(from).unwrap_or(0),
            mapped: false,
        }
    }
}

/// Bits of [`Extras::facts`]: what the pass that checked a text learned of it, so that
/// issuing need not read it again.
struct Facts;

impl Facts {
    /// The bits below were computed.
    const KNOWN: u8 = 1;
    /// A member is named as a typed claim of access tokens.
    const ACCESS_NAME: u8 = 2;
    /// A member is named as a typed claim of ID tokens.
    const ID_NAME: u8 = 4;
    /// No whitespace outside strings: the text is byte-minimal, exactly as
    /// [`Writer::raw_member`] would write its members.
    const MINIMAL: u8 = 8;

    /// [`ACCESS_NAME`](Self::ACCESS_NAME) and [`ID_NAME`](Self::ID_NAME) of a member's
    /// name.
    fn of_name(raw: RawStr<'_>) -> u8 {
        if !may_be_typed(raw) {
            return 0;
        }
        let name = JsonStr { raw };
        let mut facts = 0;
        if typed_name(Kind::Access, &name).is_some() {
            facts |= Self::ACCESS_NAME;
        }
        if typed_name(Kind::Id, &name).is_some() {
            facts |= Self::ID_NAME;
        }
        facts
    }
}

/// Whether the JSON string `raw` may name a typed claim of either kind: most names are told
/// apart from every typed claim's by one bit test ([`TYPED_BITS`]); escaped ones and the
/// rest are compared with each.
fn may_be_typed(raw: RawStr<'_>) -> bool {
    raw.escaped || name_may_be_typed(raw.raw)
}

/// [`may_be_typed`] of a name as it is (no escapes to decode).
fn name_may_be_typed(name: &str) -> bool {
    name_bit(name.as_bytes()) & TYPED_BITS != 0
}

/// One bit of 128 for a name, from its length and its first and last bytes.
const fn name_bit(name: &[u8]) -> u128 {
    let (first, last) = match name {
        [] => (0, 0),
        [a] => (*a, *a),
        [a, .., z] => (*a, *z),
    };
    // Chosen so that none of sixteen common custom names (the test's) shares a typed
    // name's bit; a shared bit costs only the comparisons.
    let h = (name.len() as u32)
        .wrapping_add(first as u32 * 9)
        .wrapping_add(last as u32 * 2);
    1 << (h % 128)
}

/// The bits ([`name_bit`]) of every typed claim's name, of either kind: a name whose bit is
/// clear here is no typed claim's.
const TYPED_BITS: u128 = {
    let mut bits = 0;
    let lists = [
        super::AccessClaims::<&str>::TYPED,
        super::IdClaims::<&str>::TYPED,
    ];
    let mut l = 0;
    while l < lists.len() {
        let mut i = 0;
        while i < lists[l].len() {
            bits |= name_bit(lists[l][i].as_bytes());
            i += 1;
        }
        l += 1;
    }
    bits
};

/// `json` without the JSON whitespace (RFC 8259 §2) around its value: the views read the
/// value's type from its first byte.
fn trim(json: &str) -> &str {
    json.trim_matches(WHITESPACE)
}

/// JSON's whitespace (RFC 8259 §2).
const WHITESPACE: [char; 4] = [' ', '\t', '\r', '\n'];

impl<S: AsRef<str>> Extras<S> {
    /// The JSON object text that holds the custom claims (for a verified `jwt` token, the
    /// whole claims set, typed claims included), if any.
    pub fn json(&self) -> Option<&str> {
        self.json.as_ref().map(AsRef::as_ref)
    }

    /// Every custom claim, in order: its name and its value.
    pub fn iter(&self) -> impl Iterator<Item = (JsonStr<'_>, Value<'_>)> {
        let kind = self.kind;
        self.all_members()
            .filter(move |(name, _)| kind.is_none_or(|k| !is_typed(k, name)))
    }

    /// The custom claim `name` (compared after unescaping), if present.
    pub fn get(&self, name: &str) -> Option<Value<'_>> {
        if self.hides(name) {
            return None;
        }
        let mut members = self.all_members();
        members.find(|(n, _)| *n == *name).map(|(_, v)| v)
    }

    /// Whether `name` can name no custom claim here: a typed claim of a view's kind.
    ///
    /// [`Extras::iter`] filters out every member so named; a search for one name can apply
    /// that filter once, to the name, and then walk [`Extras::all_members`] (any other name
    /// matches only members that are not typed claims either).
    pub(crate) fn hides(&self, name: &str) -> bool {
        self.kind
            .is_some_and(|k| name_may_be_typed(name) && typed_names(k).contains(&name))
    }

    /// Every member of the JSON text, typed claims of a view included: for searches that
    /// filter by [`Extras::hides`] instead.
    pub(crate) fn all_members(&self) -> Members<'_> {
        match self.json() {
            // The members from `from` on: the object's rest, as `Members` reads it after
            // a member (a separator, then a member or the closing bracket).
            Some(json) if self.from > 0 => Members {
                r: Some(Reader::at(json, self.from as usize)),
            },
            Some(json) => Value { raw: json }.members(),
            None => Members::empty(),
        }
    }

    /// One walk over the custom claims for an encoder (a view's typed claims skipped): `f`
    /// gets each claim's name and the reader at its value, and reads the value whole.
    /// Returns how many claims `f` was given. Each value is read once, by `f`, where
    /// [`Extras::iter`] would skip it first and `f` read it again.
    #[cfg(feature = "compact-custom-claims")]
    pub(crate) fn each_member<'s>(
        &'s self,
        mut f: impl FnMut(JsonStr<'s>, &mut Reader<'s>),
    ) -> u64 {
        let mut r = match self.json() {
            Some(json) if self.from > 0 => Reader::at(json, self.from as usize),
            Some(json) => open(json),
            None => return 0,
        };
        let mut n = 0;
        while let Some(raw) = r.next_member() {
            let name = JsonStr { raw };
            let at = r.pos();
            if self.kind.is_some_and(|k| is_typed(k, &name)) {
                let _ = r.skip_checked_value();
            } else {
                f(name, &mut r);
                n += 1;
            }
            // Checked text: every value is read whole. Were one not, stop rather than loop.
            if r.pos() == at {
                break;
            }
        }
        n
    }

    /// The value at `path`: `["realm_access", "roles"]` is the `roles` member of the custom
    /// claim `realm_access`.
    pub fn path(&self, path: &[&str]) -> Option<Value<'_>> {
        let (first, rest) = path.split_first()?;
        self.get(first)?.path(rest)
    }

    /// Whether there are no custom claims.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// Deserializes the JSON object holding the custom claims into your own type (strings
    /// with escapes are decoded into `scratch`; as many bytes as the JSON always suffice).
    /// For a verified `jwt` token the object is the whole claims set, so your type may name
    /// typed claims too; unknown members are ignored unless your type says otherwise.
    pub fn deserialize<'s, T: Deserialize<'s>>(&'s self, scratch: &'s mut [u8]) -> Result<T> {
        json::from_slice(self.json().unwrap_or("{}").as_bytes(), scratch)
    }

    /// Issue-time checks: no custom claim named as a typed claim of `kind`
    /// ([`Error::ClaimCollision`]), no U+0000 in any string ([`Error::MalformedClaims`]).
    ///
    /// What a verifier made passes without a second look, for the kind it was made for: a
    /// view of a verified claims set (the claims reader refused U+0000, and the view's typed
    /// names were read into their fields), and extras the `compact` decoder checked. Issued
    /// in a token of the other kind, their names are checked again against that kind's
    /// typed claims (`nonce` is a custom claim of an access token, an ID token's own).
    pub(crate) fn check(&self, kind: Kind) -> Result<()> {
        let Some(json) = self.json() else {
            return Ok(());
        };
        if self.mapped {
            // A caller's conversion may have changed the text: its grammar, nesting and
            // names are checked again, as `from_json` checks them.
            json::object_names(json, |_| {})?;
        }
        let verified = !self.mapped && (self.kind.is_some() || self.checked.is_some());
        if verified && (self.kind == Some(kind) || self.checked == Some(kind)) {
            return Ok(());
        }
        // `from_json` saw every name: the names are walked again only when it saw a typed
        // one (then the walk names it).
        let typed = match kind {
            Kind::Access => Facts::ACCESS_NAME,
            Kind::Id => Facts::ID_NAME,
        };
        if self.facts & (Facts::KNOWN | typed) != Facts::KNOWN {
            // The members issuing writes: a view's own typed claims are not among them.
            for (name, _) in self.iter() {
                if let Some(typed) = typed_name(kind, &name) {
                    return Err(Error::ClaimCollision { claim: typed });
                }
            }
        }
        if verified {
            return Ok(());
        }
        // Without a backslash or a control byte no string can hold U+0000, escaped or raw,
        // nor an escape or a byte the string reader refuses; with an even number of quotes
        // every string is closed. Then the scan below would pass: one pass over the bytes
        // (no early exit, so it vectorizes) says so for the common case.
        let (odd_quotes, suspect) = json.bytes().fold((false, false), |(q, s), b| {
            (q ^ (b == b'"'), s | (b == b'\\') | (b < 0x20))
        });
        if !odd_quotes && !suspect {
            return Ok(());
        }
        // Every string token, names included, at any depth.
        let mut r = Reader::new(json);
        while let Some(b) = r.peek() {
            if b == b'"' {
                if r.string()?.nul {
                    return Err(Error::MalformedClaims);
                }
            } else {
                r.bump();
            }
        }
        Ok(())
    }

    /// Writes the custom claims as members of the object `w` is writing.
    pub(crate) fn write(&self, w: &mut Writer<'_>) {
        // A byte-minimal object of `from_json` (no view: every member is written): its
        // members' text is what the loop below would write, in one copy.
        if let (Some(json), true) = (self.json(), self.facts & Facts::MINIMAL != 0) {
            let inner = json
                .get(1..json.len().saturating_sub(1))
                .unwrap_or_default();
            w.raw_members(inner);
            return;
        }
        for (name, value) in self.iter() {
            w.raw_member(name.raw.raw, value.raw);
        }
    }
}

impl<S: AsRef<str>, T: AsRef<str>> PartialEq<Extras<T>> for Extras<S> {
    /// The same custom claims with the same values (compared as JSON: names and strings
    /// after unescaping, in any member order at the top level).
    fn eq(&self, other: &Extras<T>) -> bool {
        self.iter().count() == other.iter().count()
            && self
                .iter()
                .all(|(n, v)| other.iter().any(|(m, w)| n == m && v == w))
    }
}

impl<S: AsRef<str>> Eq for Extras<S> {}

impl<S: fmt::Debug> fmt::Debug for Extras<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Extras")
            .field("json", &self.json)
            .field("of_kind", &self.kind)
            .finish()
    }
}

/// A custom claim's name, or a string value: raw JSON string content, decoded on demand.
#[derive(Clone, Copy)]
pub struct JsonStr<'a> {
    raw: RawStr<'a>,
}

impl<'a> JsonStr<'a> {
    /// The string whose raw JSON content (between the quotes) the reader gave.
    #[cfg(feature = "compact-custom-claims")]
    pub(crate) fn new(raw: RawStr<'a>) -> Self {
        Self { raw }
    }

    /// The string itself when it has no escapes (zero-copy), else `None`: use
    /// [`to_str`](Self::to_str) or compare with `==`, which decode.
    pub fn as_str(&self) -> Option<&'a str> {
        (!self.raw.escaped).then_some(self.raw.raw)
    }

    /// The decoded string, borrowed when it has no escapes, else decoded into `buf` (as
    /// many bytes as the raw text always suffice; [`Error::BufferTooSmall`] otherwise).
    pub fn to_str<'s>(&self, buf: &'s mut [u8]) -> Result<&'s str>
    where
        'a: 's,
    {
        Arena::new(buf).unescape(self.raw)
    }

    /// The decoded characters.
    pub fn chars(&self) -> impl Iterator<Item = char> + 'a {
        json::Chars::new(self.raw)
    }
}

impl PartialEq<str> for JsonStr<'_> {
    fn eq(&self, other: &str) -> bool {
        self.raw.is(other)
    }
}

impl PartialEq<&str> for JsonStr<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.raw.is(other)
    }
}

impl PartialEq for JsonStr<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.raw.same(&other.raw)
    }
}

impl fmt::Debug for JsonStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.raw.raw, f)
    }
}

impl fmt::Display for JsonStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write as _;
        self.chars().try_for_each(|c| f.write_char(c))
    }
}

/// The JSON type of a [`Value`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

/// One JSON value of a custom claim, as checked text (zero-copy).
#[derive(Clone, Copy)]
pub struct Value<'a> {
    raw: &'a str,
}

impl<'a> Value<'a> {
    /// The value whose JSON text `raw` the crate's reader checked (grammar, nesting, no
    /// name twice): what the views' walks hand out.
    pub(crate) fn checked(raw: &'a str) -> Self {
        Self { raw }
    }

    /// The value's JSON text, exactly as in the token (for the `compact` profile, as the
    /// decoder wrote it: byte-minimal).
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// Its JSON type.
    pub fn kind(&self) -> ValueKind {
        match self.raw.as_bytes().first() {
            Some(b'n') => ValueKind::Null,
            Some(b't' | b'f') => ValueKind::Bool,
            Some(b'"') => ValueKind::String,
            Some(b'[') => ValueKind::Array,
            Some(b'{') => ValueKind::Object,
            _ => ValueKind::Number,
        }
    }

    /// The boolean, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.raw {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// The integer, if it is one (no fraction or exponent) that fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self.int()? {
            json::Int::Unsigned(u) => i64::try_from(u).ok(),
            json::Int::Signed(i) => Some(i),
        }
    }

    /// The integer, if it is one (no fraction or exponent) that fits a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        match self.int()? {
            json::Int::Unsigned(u) => Some(u),
            json::Int::Signed(_) => None,
        }
    }

    fn int(&self) -> Option<json::Int> {
        if self.kind() != ValueKind::Number {
            return None;
        }
        Reader::new(self.raw).number().ok()?.int
    }

    /// The string, if it is one.
    pub fn as_str(&self) -> Option<JsonStr<'a>> {
        if self.kind() != ValueKind::String {
            return None;
        }
        Reader::new(self.raw)
            .string()
            .ok()
            .map(|raw| JsonStr { raw })
    }

    /// Whether it is the string `s`, or an array holding the string `s`.
    pub fn contains_str(&self, s: &str) -> bool {
        match self.kind() {
            ValueKind::String => self.as_str().is_some_and(|v| v == s),
            // Each element read once: a string compared where it stands (not skipped, then
            // read again as a value of its own), anything else skipped.
            ValueKind::Array => {
                let mut r = open(self.raw);
                while r.next_element() {
                    let found = match r.peek() {
                        Some(b'"') => r.string().map(|v| v.is(s)),
                        _ => r.skip_checked_value().map(|()| false),
                    };
                    match found {
                        Ok(false) => {}
                        Ok(true) => return true,
                        Err(_) => return false,
                    }
                }
                false
            }
            _ => false,
        }
    }

    /// The strings of an array (other elements skipped; nothing for a non-array).
    pub fn strs(&self) -> impl Iterator<Item = JsonStr<'a>> {
        self.elements().filter_map(|e| e.as_str())
    }

    /// The elements of an array (nothing for a non-array).
    pub fn elements(&self) -> Elements<'a> {
        Elements {
            r: (self.kind() == ValueKind::Array).then(|| open(self.raw)),
        }
    }

    /// The members of an object (nothing for a non-object).
    pub fn members(&self) -> Members<'a> {
        Members {
            r: (self.kind() == ValueKind::Object).then(|| open(self.raw)),
        }
    }

    /// The member `name` of an object (compared after unescaping).
    pub fn get(&self, name: &str) -> Option<Value<'a>> {
        self.members().find(|(n, _)| *n == *name).map(|(_, v)| v)
    }

    /// The value at `path` below this one (`[]` is this value).
    pub fn path(&self, path: &[&str]) -> Option<Value<'a>> {
        path.iter().try_fold(*self, |v, name| v.get(name))
    }

    /// Deserializes the value into your own type (escaped strings decoded into `scratch`).
    pub fn deserialize<'s, T: Deserialize<'s>>(&self, scratch: &'s mut [u8]) -> Result<T>
    where
        'a: 's,
    {
        json::from_slice(self.raw.as_bytes(), scratch)
    }
}

impl PartialEq for Value<'_> {
    /// Equal JSON values: objects with the same members in any order (JSON objects are
    /// unordered), arrays element by element, strings after unescaping, numbers and
    /// literals by their text. Recursion is bounded by the reader's nesting limit.
    fn eq(&self, other: &Self) -> bool {
        match (self.kind(), other.kind()) {
            (ValueKind::Object, ValueKind::Object) => {
                self.members().count() == other.members().count()
                    && self
                        .members()
                        .all(|(n, v)| other.members().any(|(m, w)| n == m && v == w))
            }
            (ValueKind::Array, ValueKind::Array) => {
                self.elements().count() == other.elements().count()
                    && self.elements().zip(other.elements()).all(|(a, b)| a == b)
            }
            (ValueKind::String, ValueKind::String) => self.as_str() == other.as_str(),
            (a, b) => a == b && self.raw.trim() == other.raw.trim(),
        }
    }
}

impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.raw)
    }
}

/// A reader just inside the opening bracket of `raw`.
fn open(raw: &str) -> Reader<'_> {
    let mut r = Reader::new(raw);
    r.bump();
    r
}

/// The elements of an array [`Value`].
pub struct Elements<'a> {
    r: Option<Reader<'a>>,
}

impl<'a> Iterator for Elements<'a> {
    type Item = Value<'a>;

    fn next(&mut self) -> Option<Value<'a>> {
        let r = self.r.as_mut()?;
        if r.peek() == Some(b',') {
            r.bump();
        }
        let value = next_value(r);
        if value.is_none() {
            self.r = None;
        }
        value
    }
}

/// The members of an object [`Value`]: name and value.
pub struct Members<'a> {
    r: Option<Reader<'a>>,
}

impl Members<'_> {
    fn empty() -> Self {
        Members { r: None }
    }
}

impl<'a> Iterator for Members<'a> {
    type Item = (JsonStr<'a>, Value<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let r = self.r.as_mut()?;
        let member = r
            .next_member()
            .and_then(|raw| Some((JsonStr { raw }, next_value(r)?)));
        if member.is_none() {
            self.r = None;
        }
        member
    }
}

/// The next value of checked JSON, or `None` at a closing bracket.
fn next_value<'a>(r: &mut Reader<'a>) -> Option<Value<'a>> {
    match r.peek()? {
        b']' | b'}' => None,
        _ => {
            let start = r.pos();
            r.skip_checked_value().ok()?;
            Some(Value {
                raw: r.text().get(start..r.pos())?,
            })
        }
    }
}

/// Whether `name` is a typed claim of `kind`.
fn is_typed(kind: Kind, name: &JsonStr<'_>) -> bool {
    typed_name(kind, name).is_some()
}

/// The typed claim of `kind` that the JSON string `raw` names, if any.
#[cfg(feature = "compact-custom-claims")]
pub(crate) fn typed_claim(kind: Kind, raw: RawStr<'_>) -> Option<&'static str> {
    typed_name(kind, &JsonStr { raw })
}

/// The typed claim of `kind` that `name` names, if any.
fn typed_name(kind: Kind, name: &JsonStr<'_>) -> Option<&'static str> {
    if !may_be_typed(name.raw) {
        return None;
    }
    typed_names(kind).iter().copied().find(|t| name == t)
}

/// The names of `kind`'s typed claims.
fn typed_names(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Access => super::AccessClaims::<&str>::TYPED,
        Kind::Id => super::IdClaims::<&str>::TYPED,
    }
}

/// Writes custom claims as a JSON object into your buffer, for [`Extras`] with no heap.
///
/// Values are written byte-minimal; [`json`](Self::json) takes any JSON value as text
/// (checked by the crate's reader: it must nest at most [`MAX_DEPTH`]` - 1` deep).
/// [`finish`](Self::finish) checks the whole object (no name twice) and returns the
/// extras, or [`Error::BufferTooSmall`] with the length needed.
pub struct ExtrasWriter<'o> {
    w: Writer<'o>,
    error: Option<Error>,
}

impl<'o> ExtrasWriter<'o> {
    /// A writer over `out`.
    pub fn new(out: &'o mut [u8]) -> Self {
        Self {
            w: Writer::new(out),
            error: None,
        }
    }

    /// `name` as a string claim.
    pub fn str(&mut self, name: &str, value: &str) -> &mut Self {
        self.w.str(name, value);
        self
    }

    /// `name` as an array of strings.
    pub fn strs(&mut self, name: &str, values: &[&str]) -> &mut Self {
        self.w.str_array(name, values.iter().copied());
        self
    }

    /// `name` as an integer.
    pub fn int(&mut self, name: &str, value: i64) -> &mut Self {
        self.w.int(name, value);
        self
    }

    /// `name` as a boolean.
    pub fn bool(&mut self, name: &str, value: bool) -> &mut Self {
        self.w.opt_bool(name, Some(value));
        self
    }

    /// `name` as `null`.
    pub fn null(&mut self, name: &str) -> &mut Self {
        self.w.raw_member_str(name, "null");
        self
    }

    /// `name` with any JSON value, given as text: an object or array (nested at most
    /// [`MAX_DEPTH`]` - 1` deep), a string, number, boolean or `null`. Whitespace outside
    /// strings is dropped. [`Error::MalformedClaims`] (or [`Error::NestingTooDeep`],
    /// [`Error::DuplicateMember`]) if it is not such JSON; also reported by `finish`.
    pub fn json(&mut self, name: &str, value: &str) -> Result<&mut Self> {
        let mut scratch = [0u8; 0];
        let checked = json::from_slice::<serde::de::IgnoredAny>(value.as_bytes(), &mut scratch)
            .and_then(|_| json::depth_within(value, MAX_DEPTH - 1));
        match checked {
            Ok(()) => {
                self.w.minified_member(name, value);
                Ok(self)
            }
            Err(e) => {
                self.error.get_or_insert(e);
                Err(e)
            }
        }
    }

    /// Closes the object and returns the extras.
    pub fn finish(self) -> Result<Extras<&'o str>> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let (out, len) = self.w.finish_into();
        let text = core::str::from_utf8(
            out.get(..len)
                .ok_or(Error::BufferTooSmall { needed: len })?,
        )
        .map_err(|_| Error::MalformedClaims)?;
        Extras::from_json(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `from_json` learns of its text lets issuing skip reading it again; it changes
    /// nothing: the same verdicts for either kind and the same bytes written as the same
    /// text read again gives (its facts forgotten, as `try_map` forgets them), over minimal
    /// and spaced texts, escapes, control bytes, U+0000 and typed names of either kind.
    #[test]
    fn facts_of_the_text_change_nothing_issued() {
        let texts = [
            r#"{}"#,
            r#"{"roles":["a","b"],"tenant":"acme corp","cnf":{"jkt":"x"}}"#,
            r#"{"a":{"b":[1,-2.5e3,true,false,null,{}]},"c":[]}"#,
            r#"{ "roles" : [ "a" , "b" ] }"#,
            r#"{"a":[ 1]}"#,
            "{\"a\":1,\n\"b\":2}\t",
            r#"{"a":"x\"y","b":"\/"}"#,
            r#"{"a":"\u0000"}"#,
            r#"{"\u0000":1}"#,
            r#"{"a":{"b":"\u0000"}}"#,
            r#"{"iss":"x"}"#,
            r#"{"a":1,"client_id":"x"}"#,
            r#"{"nonce":"n"}"#,
            r#"{"\u0069ss":"x"}"#,
            r#"{"x":{"iss":"nested is not a claim"}}"#,
        ];
        for text in texts {
            let fast = Extras::from_json(text).unwrap();
            let slow = Extras { facts: 0, ..fast };
            let mapped = fast.try_map(&mut |s| Ok::<_, ()>(std::string::String::from(s)));
            assert_eq!(mapped.unwrap().facts, 0);
            for kind in [Kind::Access, Kind::Id] {
                assert_eq!(fast.check(kind), slow.check(kind), "{text} {kind:?}");
            }
            let written = |e: &Extras<&str>| {
                let mut buf = [0u8; 256];
                let mut w = Writer::new(&mut buf);
                w.str("jti", "j");
                e.write(&mut w);
                let n = w.finish();
                std::string::String::from_utf8(buf[..n].to_vec()).unwrap()
            };
            assert_eq!(written(&fast), written(&slow), "{text}");
        }
        // The paths taken: minimal text is copied whole (escapes included); a typed name
        // sends the check to the walk that names it.
        let facts = |t| Extras::from_json(t).unwrap().facts;
        assert_ne!(facts(texts[1]) & Facts::MINIMAL, 0);
        assert_eq!(facts(texts[3]) & Facts::MINIMAL, 0);
        assert_ne!(facts(texts[6]) & Facts::MINIMAL, 0);
        for spaced in &texts[3..6] {
            assert_eq!(facts(spaced) & Facts::MINIMAL, 0, "{spaced}");
        }
        // The sample's custom names pass the one-bit test; every typed name's bit is set.
        for custom in [
            "roles",
            "tenant",
            "cnf",
            "groups",
            "realm_access",
            "resource_access",
            "scp",
            "tid",
            "oid",
            "permissions",
            "org_id",
            "act",
            "sid",
            "entitlements",
            "tenant_id",
            "department",
        ] {
            assert_eq!(name_bit(custom.as_bytes()) & TYPED_BITS, 0, "{custom}");
        }
        for kind in [Kind::Access, Kind::Id] {
            for typed in typed_names(kind) {
                assert_ne!(name_bit(typed.as_bytes()) & TYPED_BITS, 0, "{typed}");
            }
        }
        let roles = Extras::from_json(texts[1]).unwrap();
        assert_eq!(roles.check(Kind::Access), Ok(()));
        let iss = Extras::from_json(texts[10]).unwrap();
        assert_eq!(
            iss.check(Kind::Id),
            Err(Error::ClaimCollision { claim: "iss" })
        );
        let client = Extras::from_json(texts[11]).unwrap();
        assert_eq!(client.check(Kind::Id), Ok(()));
        assert_eq!(
            client.check(Kind::Access),
            Err(Error::ClaimCollision { claim: "client_id" })
        );
        let nul = Extras::from_json(texts[9]).unwrap();
        assert_eq!(nul.check(Kind::Access), Err(Error::MalformedClaims));
    }

    /// `get` finds what a search of `iter` finds, typed names filtered or not: over a
    /// claims view of either kind and over plain extras, for every typed name, custom names
    /// written plainly or escaped, and absent ones.
    #[test]
    fn get_finds_what_iter_finds() {
        let json = r#"{"iss":"i","s\u0075b":"u","roles":["a"],"t\u0065nant":"x","nonce":"n","aud":"c","n":1}"#;
        let views = [
            Extras::of_claims(json, Kind::Access),
            Extras::of_claims(json, Kind::Id),
            Extras {
                json: Some(json),
                kind: None,
                checked: None,
                facts: 0,
                from: 0,
                mapped: false,
            },
            // As a verifier makes them: the typed claims before `roles` are not walked.
            Extras::of_claims_from(json, Kind::Access, json.find(",\"roles\"").unwrap()),
            Extras::of_claims_from(json, Kind::Id, json.find(",\"roles\"").unwrap()),
        ];
        let mut names = std::vec!["roles", "tenant", "n", "absent", "", "s\\u0075b"];
        names.extend(typed_names(Kind::Access));
        names.extend(typed_names(Kind::Id));
        let mut found = 0;
        for extras in &views {
            for &name in &names {
                let by_iter = extras
                    .iter()
                    .find(|(n, _)| *n == *name)
                    .map(|(_, v)| v.raw());
                assert_eq!(extras.get(name).map(|v| v.raw()), by_iter, "{name}");
                found += usize::from(by_iter.is_some());
            }
        }
        // Not vacuous: custom claims found in every view, typed ones in the plain extras.
        assert!(found >= 5 * 3 + 4, "{found}");
    }

    /// `contains_str` against the element walk it replaced (`elements`, then each element
    /// read again as a string): the same answer for strings escaped or not, elements of
    /// every type before and after, the string nested one level down (not contained),
    /// empty arrays, and values that are no array.
    #[test]
    fn contains_str_agrees_with_the_element_walk() {
        let values = [
            r#"[]"#,
            r#"["a"]"#,
            r#"["b","a"]"#,
            r#"[1,null,true,{"a":"a"},["a"],"\u0061"]"#,
            r#"[ "x" , [ "a" ] , { } , -2.5e3 , "a" ]"#,
            r#"[["a"],{"k":["a"]}]"#,
            r#""a""#,
            r#""\u0061""#,
            r#"{"a":"a"}"#,
            r#"1"#,
            r#"null"#,
        ];
        let mut hits = 0;
        for raw in values {
            let v = Value { raw };
            for s in ["a", "b", "x", "", "k"] {
                let expect = match v.kind() {
                    ValueKind::String => v.as_str().is_some_and(|j| j == s),
                    ValueKind::Array => v.elements().any(|e| e.as_str().is_some_and(|j| j == s)),
                    _ => false,
                };
                assert_eq!(v.contains_str(s), expect, "{raw} {s}");
                hits += usize::from(expect);
            }
        }
        assert_eq!(hits, 8);
    }

    /// The issue-time check refuses U+0000 and broken strings whether or not its one-pass
    /// shortcut applies, on text no reader has checked (as `try_map` may give).
    #[test]
    fn check_refuses_nul_and_broken_strings_with_or_without_the_shortcut() {
        let check = |json: &str| {
            Extras {
                json: Some(json),
                kind: None,
                checked: None,
                facts: 0,
                from: 0,
                mapped: false,
            }
            .check(Kind::Access)
        };
        for ok in [
            r#"{"a":"b"}"#,
            r#"{"a":"\\u0000"}"#,
            "{\"a\":\n\"b\"}",
            r#"{"a":["b",{"c":"d"}]}"#,
        ] {
            assert_eq!(check(ok), Ok(()), "{ok:?}");
        }
        for bad in [
            r#"{"a":"x\u0000"}"#,
            r#"{"a":{"b":["\u0000"]}}"#,
            "{\"a\":\"x\0\"}",
            "{\"a\":\"x\n\"}",
            r#"{"a":"x}"#,
            r#"{"a":"\q"}"#,
        ] {
            assert_eq!(check(bad), Err(Error::MalformedClaims), "{bad:?}");
        }
        assert_eq!(
            check(r#"{"sub":"x"}"#),
            Err(Error::ClaimCollision { claim: "sub" })
        );
    }
}
