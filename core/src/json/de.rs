//! The reader as a `serde` deserializer: your types (and the JOSE header of a DPoP proof)
//! derive `Deserialize` and read through it, in one pass, with every rule of the module
//! above. The claims types read themselves member by member over the same reader
//! ([`super::fields`]), with the same values and errors as their derive gives here.

use core::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use super::read::{Int, Members, Number, RawStr, Reader};
use super::{Arena, MAX_DEPTH};
use crate::error::{Error, Result};

const BAD: Error = Error::MalformedClaims;

/// The newtype-struct name by which a type asks for a date (a NumericDate, RFC 7519 §2): an
/// integer, handed over with `visit_u64`; any other number is [`Error::InvalidDate`]. Other
/// deserializers see an ordinary newtype.
pub(crate) const DATE: &str = "$compact_token::Date";

/// The newtype-struct name by which a type asks for a string or an array (`aud`, `amr`):
/// a string is handed over with `visit_borrowed_str`, an array with `visit_seq`, anything
/// else is refused — without `deserialize_any`, whose float parsing would then be linked
/// into every verifier. Other deserializers see an ordinary newtype.
pub(crate) const STR_OR_SEQ: &str = "$compact_token::StrOrSeq";

impl de::Error for Error {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        BAD
    }
}

/// Deserializes one JSON value from `json`, which must hold nothing else but whitespace.
///
/// Strings borrow from `json` when they have no escapes and are decoded into `scratch`
/// otherwise (`json.len()` bytes of scratch always suffice; [`Error::BufferTooSmall`] if it
/// runs out). Works with any `#[derive(Deserialize)]` type whose strings are `&str`, owned
/// types, `Option`, sequences, maps and enums, under every rule of the [module](crate::json).
///
/// ```
/// use serde::Deserialize;
///
/// #[derive(Deserialize)]
/// struct RealmAccess<'a> {
///     #[serde(borrow)]
///     roles: heapless::Vec<&'a str, 4>,
/// }
///
/// let json = br#"{"roles":["admin","user\/ops"]}"#;
/// let mut scratch = [0u8; 64];
/// let access: RealmAccess = compact_token::json::from_slice(json, &mut scratch)?;
/// assert_eq!(access.roles, ["admin", "user/ops"]);
///
/// let dup = br#"{"roles":[],"roles":["admin"]}"#;
/// let mut scratch = [0u8; 64];
/// let err = compact_token::json::from_slice::<RealmAccess>(dup, &mut scratch).err();
/// assert_eq!(err, Some(compact_token::Error::DuplicateMember));
/// # Ok::<(), compact_token::Error>(())
/// ```
pub fn from_slice<'b, T: de::Deserialize<'b>>(json: &'b [u8], scratch: &'b mut [u8]) -> Result<T> {
    read(json, scratch, false)
}

/// [`from_slice`] for claims: also refuses U+0000 in any string, names included, at any
/// depth ([`Error::MalformedClaims`]), since C callers would cut a string there.
pub(crate) fn from_claims<'b, T: de::Deserialize<'b>>(
    json: &'b [u8],
    scratch: &'b mut [u8],
) -> Result<T> {
    read(json, scratch, true)
}

fn read<'b, T: de::Deserialize<'b>>(
    json: &'b [u8],
    scratch: &'b mut [u8],
    refuse_nul: bool,
) -> Result<T> {
    let text = core::str::from_utf8(json).map_err(|_| BAD)?;
    let mut de = Deserializer::new(text, scratch);
    de.refuse_nul = refuse_nul;
    let value = T::deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// Checks that `json` is one JSON object under every rule of the [module](crate::json)
/// (nothing after it but whitespace), handing the names of its own members, undecoded, to
/// `name`: what [`from_slice`] into `IgnoredAny` checks, in the same one pass. Returns
/// whether whitespace stands anywhere between the object's brackets outside strings (when
/// not, the object's text is byte-minimal).
pub(crate) fn object_names<'b>(json: &'b str, name: impl FnMut(RawStr<'b>)) -> Result<bool> {
    // Nothing is decoded: no scratch (an empty one lives as long as any text).
    let mut de = Deserializer::new(json, &mut []);
    if de.peek()? != b'{' {
        return Err(BAD);
    }
    de.r.spaced = false;
    de.skip_object(name)?;
    let spaced = de.r.spaced;
    de.end()?;
    Ok(spaced)
}

/// A number as the nearest `f64`; one too large for any (`1e400`) is refused, as
/// `serde_json` refuses it.
fn finite(n: Number<'_>) -> Result<f64> {
    match n.text.parse::<f64>() {
        Ok(f) if f.is_finite() => Ok(f),
        _ => Err(BAD),
    }
}

/// A strict JSON deserializer over text borrowed for `'b`, decoding escaped strings into a
/// scratch buffer borrowed for as long. Made by [`from_slice`]; `serde` drives it.
pub struct Deserializer<'b> {
    pub(super) r: Reader<'b>,
    pub(super) depth: usize,
    pub(super) arena: Arena<'b>,
    pub(super) refuse_nul: bool,
}

impl<'b> Deserializer<'b> {
    pub(super) fn new(text: &'b str, scratch: &'b mut [u8]) -> Self {
        Self {
            r: Reader::new(text),
            depth: 0,
            arena: Arena::new(scratch),
            refuse_nul: false,
        }
    }

    pub(super) fn end(&mut self) -> Result<()> {
        self.r.end()
    }

    pub(super) fn peek(&mut self) -> Result<u8> {
        self.r.peek().ok_or(BAD)
    }

    /// The next token as a string, decoded.
    pub(super) fn str(&mut self) -> Result<&'b str> {
        let mut raw = RawStr::EMPTY;
        self.raw_str_into(&mut raw)?;
        self.arena.unescape(raw)
    }

    /// The next token as a string into `out`, checked but not decoded (written through, not
    /// returned: see [`Reader::string_into`]).
    pub(super) fn raw_str_into(&mut self, out: &mut RawStr<'b>) -> Result<()> {
        if self.peek()? != b'"' {
            return Err(BAD);
        }
        self.r.string_into(out)?;
        if out.nul && self.refuse_nul {
            return Err(BAD);
        }
        Ok(())
    }

    fn number(&mut self) -> Result<Number<'b>> {
        match self.peek()? {
            b'-' | b'0'..=b'9' => self.r.number(),
            _ => Err(BAD),
        }
    }

    fn integer<V: Visitor<'b>>(&mut self, v: V) -> Result<V::Value> {
        match self.number()?.int {
            Some(Int::Unsigned(u)) => v.visit_u64(u),
            Some(Int::Signed(i)) => v.visit_i64(i),
            None => Err(BAD),
        }
    }

    fn float<V: Visitor<'b>>(&mut self, v: V) -> Result<V::Value> {
        let n = self.number()?;
        v.visit_f64(finite(n)?)
    }

    /// A scalar's value, checked but not converted, for values nobody reads.
    fn skip_scalar(&mut self) -> Result<()> {
        match self.peek()? {
            b'"' => {
                let mut unused = RawStr::EMPTY;
                self.raw_str_into(&mut unused)
            }
            b't' => self.r.literal(b"true"),
            b'f' => self.r.literal(b"false"),
            b'n' => self.r.literal(b"null"),
            _ => self.number().map(drop),
        }
    }

    /// A value nobody reads, walked under every rule (nesting, no name twice, strings,
    /// numbers): the steps [`map`](Self::map) and [`seq`](Self::seq) take under `serde`'s
    /// `IgnoredAny`, without its visitors (less code, and no visitor per level).
    pub(super) fn skip_value(&mut self) -> Result<()> {
        match self.peek()? {
            b'{' => return self.skip_object(|_| {}),
            b'[' => {
                self.enter()?;
                let (mut first, mut done) = (true, false);
                while self.next_item(b']', &mut first, &mut done)? {
                    self.skip_item()?;
                }
            }
            _ => return self.skip_scalar(),
        }
        self.depth -= 1;
        Ok(())
    }

    /// [`skip_value`](Self::skip_value) of an array's element or an object's member value:
    /// a frame deeper only for a nested array or object, a scalar skipped in this one.
    #[inline(always)]
    fn skip_item(&mut self) -> Result<()> {
        match self.peek()? {
            b'{' | b'[' => self.skip_value(),
            _ => self.skip_scalar(),
        }
    }

    /// [`skip_value`](Self::skip_value) of the object the cursor is at, handing each of its
    /// own members' names (not those of nested objects) to `name` as it goes.
    fn skip_object(&mut self, mut name: impl FnMut(RawStr<'b>)) -> Result<()> {
        self.enter()?;
        let mut members = Members::new(self.r.pos());
        let (mut first, mut done) = (true, false);
        let mut key = RawStr::EMPTY;
        while self.member(&mut members, &mut first, &mut done, &mut key)? {
            name(key);
            self.skip_item()?;
        }
        self.depth -= 1;
        Ok(())
    }

    /// Goes one level deeper; the only place depth grows, so recursion is bounded here.
    pub(super) fn enter(&mut self) -> Result<()> {
        self.r.bump();
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Error::NestingTooDeep);
        }
        Ok(())
    }

    fn seq<V: Visitor<'b>>(&mut self, v: V) -> Result<V::Value> {
        if self.peek()? != b'[' {
            return Err(BAD);
        }
        self.enter()?;
        let mut seq = Seq {
            de: self,
            first: true,
            done: false,
        };
        let value = v.visit_seq(&mut seq)?;
        if !seq.done {
            return Err(BAD);
        }
        self.depth -= 1;
        Ok(value)
    }

    fn map<V: Visitor<'b>>(&mut self, v: V) -> Result<V::Value> {
        if self.peek()? != b'{' {
            return Err(BAD);
        }
        self.enter()?;
        let mut map = Map {
            members: Members::new(self.r.pos()),
            de: self,
            first: true,
            done: false,
        };
        let value = v.visit_map(&mut map)?;
        if !map.done {
            return Err(BAD);
        }
        self.depth -= 1;
        Ok(value)
    }

    /// A NumericDate: a non-negative integer; anything else where a date stands (another
    /// number, a string, `null` where the date is required, ...) is [`Error::InvalidDate`].
    /// Between the items of an array or object closed by `close`: consumes the separator
    /// and tells whether an item follows (`[1,]`, `[,1]` and `[1 2]` are refused).
    pub(super) fn next_item(
        &mut self,
        close: u8,
        first: &mut bool,
        done: &mut bool,
    ) -> Result<bool> {
        if *done {
            return Ok(false);
        }
        match (self.peek()?, *first) {
            (b, _) if b == close => {
                self.r.bump();
                *done = true;
                return Ok(false);
            }
            (b',', false) => self.r.bump(),
            (_, true) => {}
            (_, false) => return Err(BAD),
        }
        *first = false;
        Ok(true)
    }

    fn date<V: Visitor<'b>>(&mut self, v: V) -> Result<V::Value> {
        v.visit_u64(self.date_value()?)
    }

    /// The next member name of an object into `key` (refused if `members` has it already),
    /// the cursor then at its value; `false` after the object's `}` (`first` and `done` as
    /// for [`next_item`](Self::next_item)). `key` is written through, not returned (see
    /// [`Reader::string_into`]).
    pub(super) fn member(
        &mut self,
        members: &mut Members,
        first: &mut bool,
        done: &mut bool,
        key: &mut RawStr<'b>,
    ) -> Result<bool> {
        let Some(at) = self.member_name(first, done, key)? else {
            return Ok(false);
        };
        members.insert(self.r.text(), key, at)?;
        self.r.eat(b':')?;
        Ok(true)
    }

    /// [`member`](Self::member) without the check against earlier names, and the cursor
    /// left at the `:`: where the name's opening quote is, or `None` after the `}`.
    pub(super) fn member_name(
        &mut self,
        first: &mut bool,
        done: &mut bool,
        key: &mut RawStr<'b>,
    ) -> Result<Option<usize>> {
        if !self.next_item(b'}', first, done)? {
            return Ok(None);
        }
        if self.peek()? != b'"' {
            return Err(BAD);
        }
        let at = self.r.pos();
        self.raw_str_into(key)?;
        Ok(Some(at))
    }

    /// `true` or `false`; anything else is refused.
    pub(super) fn bool_value(&mut self) -> Result<bool> {
        match self.peek()? {
            b't' => self.r.literal(b"true").map(|()| true),
            b'f' => self.r.literal(b"false").map(|()| false),
            _ => Err(BAD),
        }
    }

    /// Consumes a `null` if one comes next; `false` (nothing consumed) otherwise.
    pub(super) fn null(&mut self) -> Result<bool> {
        if self.peek()? != b'n' {
            return Ok(false);
        }
        self.r.literal(b"null")?;
        Ok(true)
    }

    /// A NumericDate's integer, not yet range-checked.
    pub(super) fn date_value(&mut self) -> Result<u64> {
        match self.number() {
            Ok(Number {
                int: Some(Int::Unsigned(u)),
                ..
            }) => Ok(u),
            _ => Err(Error::InvalidDate),
        }
    }
}

impl<'b> de::Deserializer<'b> for &mut Deserializer<'b> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        match self.peek()? {
            b'{' => self.map(v),
            b'[' => self.seq(v),
            b'"' => v.visit_borrowed_str(self.str()?),
            b't' => {
                self.r.literal(b"true")?;
                v.visit_bool(true)
            }
            b'f' => {
                self.r.literal(b"false")?;
                v.visit_bool(false)
            }
            b'n' => {
                self.r.literal(b"null")?;
                v.visit_unit()
            }
            _ => {
                let n = self.number()?;
                match n.int {
                    Some(Int::Unsigned(u)) => v.visit_u64(u),
                    Some(Int::Signed(i)) => v.visit_i64(i),
                    None => v.visit_f64(finite(n)?),
                }
            }
        }
    }

    fn deserialize_ignored_any<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        // Containers are walked too: every rule applies inside them.
        self.skip_value()?;
        v.visit_unit()
    }

    fn deserialize_bool<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        v.visit_bool(self.bool_value()?)
    }

    fn deserialize_i8<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        self.integer(v)
    }
    fn deserialize_i16<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        self.integer(v)
    }
    fn deserialize_i32<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        self.integer(v)
    }
    fn deserialize_i64<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        self.integer(v)
    }
    fn deserialize_u8<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        self.integer(v)
    }
    fn deserialize_u16<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        self.integer(v)
    }
    fn deserialize_u32<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        self.integer(v)
    }
    fn deserialize_u64<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        self.integer(v)
    }
    fn deserialize_f32<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        self.float(v)
    }
    fn deserialize_f64<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        self.float(v)
    }

    fn deserialize_char<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        v.visit_borrowed_str(self.str()?)
    }
    fn deserialize_str<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        v.visit_borrowed_str(self.str()?)
    }
    fn deserialize_string<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        v.visit_borrowed_str(self.str()?)
    }
    fn deserialize_identifier<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        v.visit_borrowed_str(self.str()?)
    }

    /// A string's UTF-8 bytes, or an array of byte values.
    fn deserialize_bytes<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        match self.peek()? {
            b'[' => self.seq(v),
            _ => v.visit_borrowed_bytes(self.str()?.as_bytes()),
        }
    }
    fn deserialize_byte_buf<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        self.deserialize_bytes(v)
    }

    fn deserialize_option<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        if self.null()? {
            v.visit_none()
        } else {
            v.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        if self.peek()? != b'n' {
            return Err(BAD);
        }
        self.r.literal(b"null")?;
        v.visit_unit()
    }
    fn deserialize_unit_struct<V: Visitor<'b>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(v)
    }

    fn deserialize_newtype_struct<V: Visitor<'b>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value> {
        match name {
            DATE => self.date(v),
            STR_OR_SEQ => match self.peek()? {
                b'"' => v.visit_borrowed_str(self.str()?),
                b'[' => self.seq(v),
                _ => Err(BAD),
            },
            _ => v.visit_newtype_struct(self),
        }
    }

    fn deserialize_seq<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        self.seq(v)
    }
    fn deserialize_tuple<V: Visitor<'b>>(self, _len: usize, v: V) -> Result<V::Value> {
        self.seq(v)
    }
    fn deserialize_tuple_struct<V: Visitor<'b>>(
        self,
        _name: &'static str,
        _len: usize,
        v: V,
    ) -> Result<V::Value> {
        self.seq(v)
    }

    fn deserialize_map<V: Visitor<'b>>(self, v: V) -> Result<V::Value> {
        self.map(v)
    }
    fn deserialize_struct<V: Visitor<'b>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value> {
        self.map(v)
    }

    /// `"Variant"` for a unit variant, `{"Variant": value}` for the others (as `serde_json`).
    fn deserialize_enum<V: Visitor<'b>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value> {
        match self.peek()? {
            b'"' => v.visit_enum(self.str()?.into_deserializer()),
            b'{' => {
                self.enter()?;
                let value = v.visit_enum(Variant { de: self })?;
                self.r.eat(b'}')?;
                self.depth -= 1;
                Ok(value)
            }
            _ => Err(BAD),
        }
    }
}

/// The elements of an array.
struct Seq<'a, 'b> {
    de: &'a mut Deserializer<'b>,
    first: bool,
    done: bool,
}

impl<'b> de::SeqAccess<'b> for Seq<'_, 'b> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'b>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if !self.de.next_item(b']', &mut self.first, &mut self.done)? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.de).map(Some)
    }
}

/// The members of an object.
struct Map<'a, 'b> {
    de: &'a mut Deserializer<'b>,
    members: Members,
    first: bool,
    done: bool,
}

impl<'b> de::MapAccess<'b> for Map<'_, 'b> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'b>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let mut key = RawStr::EMPTY;
        if !self
            .de
            .member(&mut self.members, &mut self.first, &mut self.done, &mut key)?
        {
            return Ok(None);
        }
        seed.deserialize(Key {
            de: &mut *self.de,
            key,
        })
        .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'b>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(&mut *self.de)
    }
}

/// A member name, already read and checked.
struct Key<'a, 'b> {
    de: &'a mut Deserializer<'b>,
    key: RawStr<'b>,
}

impl<'de> de::Deserializer<'de> for Key<'_, 'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        v.visit_borrowed_str(self.de.arena.unescape(self.key)?)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        v.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier
    }
}

/// The variant of an enum written `{"Variant": value}`.
struct Variant<'a, 'b> {
    de: &'a mut Deserializer<'b>,
}

impl<'a, 'b> de::EnumAccess<'b> for Variant<'a, 'b> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<T: DeserializeSeed<'b>>(self, seed: T) -> Result<(T::Value, Self)> {
        let name = seed.deserialize(&mut *self.de)?;
        self.de.r.eat(b':')?;
        Ok((name, self))
    }
}

impl<'b> de::VariantAccess<'b> for Variant<'_, 'b> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        de::Deserialize::deserialize(self.de)
    }
    fn newtype_variant_seed<T: DeserializeSeed<'b>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(self.de)
    }
    fn tuple_variant<V: Visitor<'b>>(self, _len: usize, v: V) -> Result<V::Value> {
        self.de.seq(v)
    }
    fn struct_variant<V: Visitor<'b>>(
        self,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value> {
        self.de.map(v)
    }
}
