//! An object read member by member, for the claims types: each typed claim is read
//! straight into its field, under every rule of the [module](crate::json) and with the
//! same values and errors as the claims' `serde` derive through [`Deserializer`] gives
//! (a test holds the two alike), without the derive's visitor frames and copies of the
//! whole claims set on every verification.

use super::de::Deserializer;
use super::read::{Members, RawStr};
use crate::error::{Error, Result};

const BAD: Error = Error::MalformedClaims;

/// Reads claims JSON (one object, nothing after it but whitespace, no U+0000 in any
/// string) with `read`, which takes every member with [`Fields::name`] until `None`.
/// Also returns where the first member `read` skipped ([`Fields::skip`]) starts, or the
/// object's end if it skipped none: every member before it was read by name.
///
/// `on_skip`, if any, is handed each skipped member's decoded name and its value's JSON
/// text (checked) as it is skipped: for a caller that looks into the custom claims once,
/// while they are read, rather than walking them again after.
pub(crate) fn read_object<'b, T>(
    text: &'b str,
    scratch: &'b mut [u8],
    on_skip: Option<&mut dyn FnMut(&'b str, &'b str)>,
    read: impl FnOnce(&mut Fields<'_, 'b>) -> Result<T>,
) -> Result<(T, usize)> {
    let mut de = Deserializer::new(text, scratch);
    de.refuse_nul = true;
    // Reborrowed for the reader's own span (a hook borrowed for longer cannot be stored
    // with the shorter borrow of `de` otherwise).
    let on_skip = on_skip.map(|f| -> &mut dyn FnMut(&'b str, &'b str) { f });
    let mut fields = Fields::new(&mut de, on_skip)?;
    let value = read(&mut fields)?;
    let first_skipped = fields.first_skipped.unwrap_or(fields.at);
    fields.end()?;
    de.end()?;
    Ok((value, first_skipped))
}

/// The members of one object, name by name; each name must be followed by reading its
/// value with exactly one of the value methods, after [`Fields::typed`] for a typed claim.
///
/// No name may appear twice ([`Error::DuplicateMember`]). A typed claim's name is checked
/// by its bit ([`Fields::typed`]); only the others go through the object's name filter
/// ([`Members`]), which a name that decodes to a typed claim's never reaches: the two
/// sets of names are apart, so each check sees every name that could repeat one of its own.
pub(crate) struct Fields<'d, 'b> {
    de: &'d mut Deserializer<'b>,
    members: Members,
    first: bool,
    done: bool,
    /// Where the current member starts (before its separator).
    at: usize,
    /// The current member's name as read, and where its opening quote is.
    key: RawStr<'b>,
    key_at: usize,
    /// Bit `i`: the typed claim numbered `i` was read ([`Fields::typed`]).
    seen: u64,
    /// Where the first member whose value was skipped starts.
    first_skipped: Option<usize>,
    /// The current member's decoded name ([`Fields::name`]).
    name: &'b str,
    /// See [`read_object`].
    on_skip: Option<&'d mut dyn FnMut(&'b str, &'b str)>,
}

impl<'d, 'b> Fields<'d, 'b> {
    fn new(
        de: &'d mut Deserializer<'b>,
        on_skip: Option<&'d mut dyn FnMut(&'b str, &'b str)>,
    ) -> Result<Self> {
        if de.peek()? != b'{' {
            return Err(BAD);
        }
        de.enter()?;
        Ok(Self {
            members: Members::new(de.r.pos()),
            at: de.r.pos(),
            de,
            first: true,
            done: false,
            key: RawStr::EMPTY,
            key_at: 0,
            seen: 0,
            first_skipped: None,
            name: "",
            on_skip,
        })
    }

    /// The next member's name, decoded, the cursor then at its value; `None` after the
    /// `}`. Whether an earlier member has it is checked by [`typed`](Self::typed), or by
    /// [`unique`](Self::unique) (which [`skip`](Self::skip) calls).
    pub fn name(&mut self) -> Result<Option<&'b str>> {
        self.at = self.de.r.pos();
        let Some(at) = self
            .de
            .member_name(&mut self.first, &mut self.done, &mut self.key)?
        else {
            return Ok(None);
        };
        self.key_at = at;
        self.de.r.eat(b':')?;
        self.name = self.de.arena.unescape(self.key)?;
        Ok(Some(self.name))
    }

    /// The member just named is the typed claim numbered `bit` (below 64, one number per
    /// claim of the type): a second member of that claim is [`Error::DuplicateMember`].
    /// Cheaper than the name filter ([`unique`](Self::unique)), which typed names skip.
    pub fn typed(&mut self, bit: u32) -> Result<&mut Self> {
        let b = 1u64 << (bit & 63);
        if self.seen & b != 0 {
            return Err(Error::DuplicateMember);
        }
        self.seen |= b;
        Ok(self)
    }

    /// The typed claims read so far ([`typed`](Self::typed)), as bits.
    pub fn seen(&self) -> u64 {
        self.seen
    }

    /// The member just named goes through the object's name filter: refused
    /// ([`Error::DuplicateMember`]) if an earlier member so filtered has the same name.
    /// For names that no [`typed`](Self::typed) bit stands for.
    pub fn unique(&mut self) -> Result<&mut Self> {
        self.members
            .insert(self.de.r.text(), &self.key, self.key_at)?;
        Ok(self)
    }

    /// After `name` returned `None`: leaves the object.
    fn end(self) -> Result<()> {
        if !self.done {
            return Err(BAD);
        }
        self.de.depth -= 1;
        Ok(())
    }

    /// A string value.
    pub fn str(&mut self) -> Result<&'b str> {
        self.de.str()
    }

    /// A string value or `null`.
    pub fn opt_str(&mut self) -> Result<Option<&'b str>> {
        if self.de.null()? {
            return Ok(None);
        }
        self.str().map(Some)
    }

    /// `true` or `false`, or `null`.
    pub fn opt_bool(&mut self) -> Result<Option<bool>> {
        if self.de.null()? {
            return Ok(None);
        }
        self.de.bool_value().map(Some)
    }

    /// A NumericDate as an exact non-negative integer; any other value is
    /// [`Error::InvalidDate`]. Range is the caller's to check.
    pub fn date(&mut self) -> Result<u64> {
        self.de.date_value()
    }

    /// A date or `null`.
    pub fn opt_date(&mut self) -> Result<Option<u64>> {
        if self.de.null()? {
            return Ok(None);
        }
        self.date().map(Some)
    }

    /// A string, or an array of strings, each handed to `push` while it returns `true`;
    /// once it returned `false` the rest of the array is walked (every rule still applies)
    /// but its elements need not be strings. Anything else is refused.
    pub fn strs(&mut self, mut push: impl FnMut(&'b str) -> bool) -> Result<()> {
        match self.de.peek()? {
            b'"' => {
                push(self.str()?);
                Ok(())
            }
            b'[' => {
                self.de.enter()?;
                let (mut first, mut done, mut taking) = (true, false, true);
                while self.de.next_item(b']', &mut first, &mut done)? {
                    if taking {
                        taking = push(self.str()?);
                    } else {
                        self.de.skip_value()?;
                    }
                }
                self.de.depth -= 1;
                Ok(())
            }
            _ => Err(BAD),
        }
    }

    /// A value nobody reads (a custom claim), walked under every rule; its name goes
    /// through the name filter first ([`unique`](Self::unique)).
    pub fn skip(&mut self) -> Result<()> {
        self.unique()?;
        self.first_skipped.get_or_insert(self.at);
        let Some(on_skip) = self.on_skip.as_deref_mut() else {
            return self.de.skip_value();
        };
        self.de.peek()?;
        let start = self.de.r.pos();
        self.de.skip_value()?;
        let value = self
            .de
            .r
            .text()
            .get(start..self.de.r.pos())
            .unwrap_or_default();
        on_skip(self.name, value);
        Ok(())
    }
}
