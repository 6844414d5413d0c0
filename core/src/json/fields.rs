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
    /// The typed claims' names in the order this crate writes them ([`Fields::expect`]),
    /// and the index after the last one recognised so.
    expect: &'static [Spelled],
    next: usize,
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
            expect: &[],
            next: 0,
            on_skip,
        })
    }

    /// The next member's name, decoded, the cursor then at its value; `None` after the
    /// `}`. Whether an earlier member has it is checked by [`typed`](Self::typed), or by
    /// [`unique`](Self::unique) (which [`skip`](Self::skip) calls).
    pub fn name(&mut self) -> Result<Option<&'b str>> {
        self.at = self.de.r.pos();
        if let Some(name) = self.expected() {
            return Ok(Some(name));
        }
        let Some(at) = self
            .de
            .member_name(&mut self.first, &mut self.done, &mut self.key)?
        else {
            return Ok(None);
        };
        self.key_at = at;
        if self.de.r.eat(b':').is_err() {
            // The general reader refuses a repeated name before it looks for the colon
            // (`Deserializer::member`): the same error here, though which check a name
            // takes (a typed claim's bit, or the filter) is only known after the colon.
            let text = self.de.r.text();
            return Err(match self.members.earlier(text, &self.key, at)? {
                true => Error::DuplicateMember,
                false => BAD,
            });
        }
        self.name = self.de.arena.unescape(self.key)?;
        Ok(Some(self.name))
    }

    /// The names of the typed claims in the order this crate's writer puts them: a member
    /// spelled exactly as the writer spells one of the next few is recognised by comparing
    /// its bytes ([`Fields::name`]), without the string reader.
    pub fn expect(&mut self, names: &'static [Spelled]) {
        self.expect = names;
    }

    /// The next member's name, when its bytes are exactly what this crate writes for one of
    /// the next few typed claims in [`expect`](Self::expect)'s order: the separator (none
    /// before the first member), `"`, the name, `":`. The string reader would read the same
    /// name from them (a string of plain characters, then the colon), so this is the one
    /// grammar met in one spelling, not a second reader; any other bytes, whitespace or an
    /// escape included, are left to it. `None` when the bytes are not such a name.
    fn expected(&mut self) -> Option<&'b str> {
        // How many names ahead to look: the claims between that a token may leave out.
        const AHEAD: usize = 8;
        if self.done {
            return None;
        }
        let bytes = self.de.r.text().as_bytes();
        let mut at = self.at;
        if !self.first {
            if bytes.get(at) != Some(&b',') {
                return None;
            }
            at += 1;
        }
        // The quote, then sixteen bytes to compare (fewer only at the end of the text,
        // where the string reader takes over).
        let (&quote, after) = bytes.get(at..)?.split_first()?;
        let (words, _) = after.split_first_chunk::<16>()?;
        if quote != b'"' {
            return None;
        }
        let (w0, w1) = words.split_at(8);
        let w = [
            u64::from_le_bytes(w0.try_into().ok()?),
            u64::from_le_bytes(w1.try_into().ok()?),
        ];
        let ahead = self.expect.get(self.next..)?.iter().take(AHEAD);
        for (k, e) in ahead.enumerate() {
            if !e.starts(&w) {
                continue;
            }
            let (name, n) = (e.name, e.name.len());
            self.next += k + 1;
            self.first = false;
            self.key = RawStr {
                raw: name,
                escaped: false,
                nul: false,
            };
            self.key_at = at;
            self.name = name;
            self.de.r.advance(at + n + 3 - self.at);
            return Some(name);
        }
        None
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

/// A member's name as this crate writes it, `name":` (after the opening quote), as two
/// little-endian words (zero after its last byte), and the name: for [`Fields::expect`].
/// Only names of at most 14 bytes are spelled so; a longer one is never recognised.
pub(crate) struct Spelled {
    words: [u64; 2],
    name: &'static str,
}

impl Spelled {
    /// The name spelled.
    #[cfg(test)]
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    /// The spelling of `name`.
    pub(crate) const fn new(name: &'static str) -> Self {
        let b = name.as_bytes();
        let mut words = [0u64; 2];
        let mut i = 0;
        while b.len() <= 14 && i < b.len() + 2 {
            let byte = if i < b.len() {
                b[i]
            } else if i == b.len() {
                b'"'
            } else {
                b':'
            };
            words[i / 8] |= (byte as u64) << (i % 8 * 8);
            i += 1;
        }
        Self { words, name }
    }

    /// Whether the sixteen bytes `w` (little-endian words) start with this spelling.
    fn starts(&self, w: &[u64; 2]) -> bool {
        let n = self.name.len();
        // The first byte rules out all but (nearly always) the one; then the rest.
        if n > 14 || w[0] as u8 != self.words[0] as u8 {
            return false;
        }
        // The bits that count, 16 to 128 of them: the name, its quote and the colon.
        let bits = 8 * (n as u32 + 2);
        let low = u64::MAX >> (64 - bits.min(64));
        let high = u64::MAX.checked_shr(128 - bits).unwrap_or(0);
        w[0] & low == self.words[0] && w[1] & high == self.words[1]
    }
}
