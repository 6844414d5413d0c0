//! Custom claims (`roles`, `tenant`, `cnf`, Keycloak's `realm_access`, ...) across the C ABI:
//! the ct_extras view a verified claims struct carries, and the functions that read it.
//!
//! No handle: a ct_extras is a view of JSON text (in the caller's scratch buffer after
//! verifying) plus the kind whose typed claims it skips. Every function checks the text
//! again with core's reader (Extras::from_json) before reading it, so a view the caller
//! built by hand, or corrupted, is refused with a code, never read out of grammar.

use core::ptr;

use compact_token::{Extras, JsonStr, Value, ValueKind};

use crate::panic::boundary;
use crate::{
    CT_BUFFER_TOO_SMALL, CT_ERR_CLAIM_NOT_FOUND, CT_ERR_CLAIM_TYPE, CT_ERR_INVALID_ARGUMENT,
    CT_ERR_NULL_POINTER, ct_result, ct_str, err, text,
};

/// Which typed claims a ct_extras skips: one of CT_KIND_*.
pub type ct_kind = u32;
/// None: every member of the object is a custom claim (the form issuing takes).
pub const CT_KIND_NONE: ct_kind = 0;
/// An access token's: members named as ct_access_claims fields are not custom claims.
pub const CT_KIND_ACCESS: ct_kind = 1;
/// An ID token's: members named as ct_id_claims fields are not custom claims.
pub const CT_KIND_ID: ct_kind = 2;

/// The JSON type of a custom claim's value: one of CT_JSON_*.
pub type ct_json_type = u32;
/// null.
pub const CT_JSON_NULL: ct_json_type = 1;
/// true or false.
pub const CT_JSON_BOOL: ct_json_type = 2;
/// A number.
pub const CT_JSON_NUMBER: ct_json_type = 3;
/// A string.
pub const CT_JSON_STRING: ct_json_type = 4;
/// An array.
pub const CT_JSON_ARRAY: ct_json_type = 5;
/// An object.
pub const CT_JSON_OBJECT: ct_json_type = 6;

/// The custom claims of a token: every claim its typed struct does not hold, as the text of
/// a JSON object.
///
/// Issuing: set json to a JSON object text holding only custom claims, e.g.
/// {"roles":["admin"],"tenant":"acme"} ({NULL, 0}: none); kind is ignored. The text is
/// checked as the Rust crate checks it: CT_MALFORMED_CLAIMS (not one JSON object, or a
/// U+0000 in a string), CT_DUPLICATE_MEMBER (a name twice at any depth),
/// CT_NESTING_TOO_DEEP, CT_CLAIM_COLLISION (a name the claims struct has a field for).
///
/// Verified: json points into the scratch buffer given to the verify function (valid until
/// that buffer is reused or freed) and kind is the token's. For the jwt profile json is the
/// whole claims set, and the ct_extras_* functions skip the members named as the kind's
/// typed claims; for the compact profile it holds the custom claims only. {NULL, 0} when
/// the token has none.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ct_extras {
    /// The JSON object text (UTF-8, not NUL-terminated), or {NULL, 0}: no custom claims.
    pub json: ct_str,
    /// Whose typed claims to skip: a CT_KIND_* (any other value: CT_ERR_INVALID_ARGUMENT).
    pub kind: ct_kind,
}

impl ct_extras {
    /// No custom claims.
    pub(crate) const NONE: ct_extras = ct_extras {
        json: ct_str::NONE,
        kind: CT_KIND_NONE,
    };

    /// The verified view of extras read from a token of kind.
    pub(crate) fn of(extras: &Extras<&str>, kind: ct_kind) -> ct_extras {
        match extras.json() {
            Some(json) => ct_extras {
                json: ct_str::new(json),
                kind,
            },
            None => ct_extras::NONE,
        }
    }
}

/// The claims ct_access_claims holds: core's list.
pub(crate) const ACCESS_TYPED: &[&str] = compact_token::AccessClaims::<&str>::TYPED;

/// The claims ct_id_claims holds: core's list.
pub(crate) const ID_TYPED: &[&str] = compact_token::IdClaims::<&str>::TYPED;

/// A checked view of a ct_extras: the text read by core's reader, the typed names to skip.
struct Checked<'a> {
    extras: Extras<&'a str>,
    skip: &'static [&'static str],
}

impl<'a> Checked<'a> {
    /// Reads *e: NULL is CT_ERR_NULL_POINTER, a bad kind CT_ERR_INVALID_ARGUMENT, text that
    /// is not one JSON object core's reader accepts its core code.
    ///
    /// # Safety
    /// e NULL or readable, its json NULL or valid for its length for 'a.
    unsafe fn of(e: *const ct_extras) -> Result<Checked<'a>, ct_result> {
        if e.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        // SAFETY: non-NULL and readable (caller's contract).
        let e = unsafe { &*e };
        let skip = match e.kind {
            CT_KIND_NONE => &[][..],
            CT_KIND_ACCESS => ACCESS_TYPED,
            CT_KIND_ID => ID_TYPED,
            _ => return Err(CT_ERR_INVALID_ARGUMENT),
        };
        let extras = if e.json.ptr.is_null() {
            Extras::none()
        } else {
            // SAFETY: valid for its length (caller's contract).
            Extras::from_json(unsafe { text(e.json.ptr, e.json.len) }?).map_err(err)?
        };
        Ok(Checked { extras, skip })
    }

    /// The custom claims, in order (typed names skipped).
    fn members(&self) -> impl Iterator<Item = (JsonStr<'_>, Value<'_>)> {
        let skip = self.skip;
        self.extras
            .iter()
            .filter(move |(name, _)| !skip.iter().any(|t| name == t))
    }

    /// The value at path (CT_ERR_CLAIM_NOT_FOUND when absent).
    fn at(&self, path: &Path<'_>) -> Result<Value<'_>, ct_result> {
        let (first, rest) = path.names().split_first().ok_or(CT_ERR_INVALID_ARGUMENT)?;
        self.members()
            .find(|(name, _)| name == first)
            .and_then(|(_, v)| v.path(rest))
            .ok_or(CT_ERR_CLAIM_NOT_FOUND)
    }

    /// The bytes of the text (for the overlap checks).
    fn range(&self) -> crate::claims::Range {
        self.extras
            .json()
            .map_or((ptr::null(), 0), |j| (j.as_ptr(), j.len()))
    }
}

/// The most names in a path (claim, then nested members): realm_access.roles is 2,
/// resource_access.<client>.roles 3.
pub const CT_MAX_CLAIM_PATH: usize = 4;

/// A path read from the caller: its names in a fixed array (no heap), with their ranges.
pub(crate) struct Path<'a> {
    list: [&'a str; CT_MAX_CLAIM_PATH],
    len: usize,
    ranges: [crate::claims::Range; CT_MAX_CLAIM_PATH],
}

impl<'a> Path<'a> {
    /// Reads path[0..path_len]: NULL path CT_ERR_NULL_POINTER, a length of 0 or over
    /// CT_MAX_CLAIM_PATH bad, a name not UTF-8 CT_ERR_INVALID_UTF8.
    ///
    /// # Safety
    /// path NULL or path_len readable views, each valid for its length for 'a.
    pub(crate) unsafe fn of(
        path: *const ct_str,
        path_len: usize,
        bad_len: ct_result,
    ) -> Result<Path<'a>, ct_result> {
        if path.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        if path_len == 0 || path_len > CT_MAX_CLAIM_PATH {
            return Err(bad_len);
        }
        let mut p = Path {
            list: [""; CT_MAX_CLAIM_PATH],
            len: path_len,
            ranges: [(ptr::null(), 0); CT_MAX_CLAIM_PATH],
        };
        // SAFETY: non-NULL, path_len readable views (caller's contract).
        let views = unsafe { core::slice::from_raw_parts(path, path_len) };
        for (i, v) in views.iter().enumerate() {
            // SAFETY: each view valid for its length (caller's contract).
            p.list[i] = unsafe { text(v.ptr, v.len) }?;
            p.ranges[i] = (v.ptr, v.len);
        }
        Ok(p)
    }

    pub(crate) fn names(&self) -> &[&'a str] {
        &self.list[..self.len]
    }

    pub(crate) fn ranges(&self) -> &[crate::claims::Range] {
        &self.ranges[..self.len]
    }
}

/// The decoded length of a JSON string.
fn decoded_len(s: &JsonStr<'_>) -> usize {
    s.chars().map(char::len_utf8).sum()
}

/// Writes the decoded s to out (out_len bytes) and its length to *out_written on success;
/// on CT_BUFFER_TOO_SMALL the length needed to *out_written and nothing to out. out may
/// share no byte with the inputs (CT_ERR_INVALID_ARGUMENT): it is written while they are
/// read.
///
/// # Safety
/// out and out_written non-NULL (checked by the callers), out_len writable bytes at out.
unsafe fn put_decoded(
    s: &JsonStr<'_>,
    (out, out_len, out_written): (*mut u8, usize, *mut usize),
    inputs: impl Iterator<Item = crate::claims::Range>,
) -> Result<(), ct_result> {
    let needed = decoded_len(s);
    let mut inputs = inputs;
    if out_len > isize::MAX as usize
        || inputs.any(|r| crate::claims::overlap((out.cast_const(), out_len), r))
    {
        return Err(CT_ERR_INVALID_ARGUMENT);
    }
    if needed > out_len {
        // SAFETY: non-NULL, writable (API contract).
        unsafe { *out_written = needed };
        return Err(CT_BUFFER_TOO_SMALL);
    }
    // SAFETY: non-NULL, out_len >= needed writable bytes, shared with no input (checked).
    let dst = unsafe { core::slice::from_raw_parts_mut(out, needed) };
    let mut at = 0;
    for c in s.chars() {
        at += c.encode_utf8(&mut dst[at..]).len();
    }
    // SAFETY: non-NULL, writable (API contract).
    unsafe { *out_written = at };
    Ok(())
}

fn json_type(v: &Value<'_>) -> ct_json_type {
    match v.kind() {
        ValueKind::Null => CT_JSON_NULL,
        ValueKind::Bool => CT_JSON_BOOL,
        ValueKind::Number => CT_JSON_NUMBER,
        ValueKind::String => CT_JSON_STRING,
        ValueKind::Array => CT_JSON_ARRAY,
        ValueKind::Object => CT_JSON_OBJECT,
    }
}

/// The common start of the path getters: the checked extras and the path.
///
/// # Safety
/// As the getters state.
unsafe fn args<'a>(
    extras: *const ct_extras,
    path: *const ct_str,
    path_len: usize,
) -> Result<(Checked<'a>, Path<'a>), ct_result> {
    // SAFETY: forwarded contract.
    let checked = unsafe { Checked::of(extras) }?;
    // SAFETY: forwarded contract.
    let path = unsafe { Path::of(path, path_len, CT_ERR_INVALID_ARGUMENT) }?;
    Ok((checked, path))
}

/// The JSON type (a CT_JSON_*) of the value at path, to *out_type.
///
/// A path is path[0..path_len]: a custom claim's name, then the names of members nested in
/// it ({"realm_access", "roles"}); 1 to CT_MAX_CLAIM_PATH names (else
/// CT_ERR_INVALID_ARGUMENT), compared with the token's after unescaping. Every ct_extras_*
/// function: CT_ERR_NULL_POINTER for a NULL pointer argument; CT_ERR_CLAIM_NOT_FOUND when
/// there is no value at the path (a typed claim's name included: read those from the
/// claims struct); the extras text checked again (its core code if it is not a JSON
/// object the reader accepts); outputs written only on success.
///
/// # Safety
/// extras a readable ct_extras whose json is NULL or valid for its length; path path_len
/// readable views, each valid; out_type writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_extras_type(
    extras: *const ct_extras,
    path: *const ct_str,
    path_len: usize,
    out_type: *mut ct_json_type,
) -> ct_result {
    boundary(|| {
        if out_type.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        // SAFETY: the API contract.
        let (checked, path) = unsafe { args(extras, path, path_len) }?;
        let t = json_type(&checked.at(&path)?);
        // SAFETY: non-NULL, writable (API contract).
        unsafe { *out_type = t };
        Ok(())
    })
}

/// The string at path, decoded (escapes such as \/ and \uXXXX resolved; UTF-8, not
/// NUL-terminated), to out, and its length to *out_written. CT_ERR_CLAIM_TYPE when the
/// value is not a string. CT_BUFFER_TOO_SMALL: the length needed to *out_written, nothing
/// to out (as many bytes as the token's text of the string always suffice). out may not
/// share a byte with the extras text or the path (CT_ERR_INVALID_ARGUMENT).
///
/// # Safety
/// As for ct_extras_type; out out_len writable bytes, out_written writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_extras_get_str(
    extras: *const ct_extras,
    path: *const ct_str,
    path_len: usize,
    out: *mut u8,
    out_len: usize,
    out_written: *mut usize,
) -> ct_result {
    boundary(|| {
        if out.is_null() || out_written.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        // SAFETY: the API contract.
        let (checked, path) = unsafe { args(extras, path, path_len) }?;
        let s = checked.at(&path)?.as_str().ok_or(CT_ERR_CLAIM_TYPE)?;
        let inputs = path.ranges().iter().copied().chain([checked.range()]);
        // SAFETY: checked non-NULL; out_len writable bytes (API contract).
        unsafe { put_decoded(&s, (out, out_len, out_written), inputs) }
    })
}

/// The integer at path to *out. CT_ERR_CLAIM_TYPE when the value is not an integer (a
/// number with a fraction or exponent, or not a number) or does not fit an int64_t.
///
/// # Safety
/// As for ct_extras_type; out writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_extras_get_i64(
    extras: *const ct_extras,
    path: *const ct_str,
    path_len: usize,
    out: *mut i64,
) -> ct_result {
    boundary(|| {
        if out.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        // SAFETY: the API contract.
        let (checked, path) = unsafe { args(extras, path, path_len) }?;
        let v = checked.at(&path)?.as_i64().ok_or(CT_ERR_CLAIM_TYPE)?;
        // SAFETY: non-NULL, writable (API contract).
        unsafe { *out = v };
        Ok(())
    })
}

/// The boolean at path to *out (CT_ERR_CLAIM_TYPE when it is not true or false).
///
/// # Safety
/// As for ct_extras_type; out writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_extras_get_bool(
    extras: *const ct_extras,
    path: *const ct_str,
    path_len: usize,
    out: *mut bool,
) -> ct_result {
    boundary(|| {
        if out.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        // SAFETY: the API contract.
        let (checked, path) = unsafe { args(extras, path, path_len) }?;
        let v = checked.at(&path)?.as_bool().ok_or(CT_ERR_CLAIM_TYPE)?;
        // SAFETY: non-NULL, writable (API contract).
        unsafe { *out = v };
        Ok(())
    })
}

/// The number of elements of the array at path to *out_len (CT_ERR_CLAIM_TYPE when it is
/// not an array).
///
/// # Safety
/// As for ct_extras_type; out_len writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_extras_array_len(
    extras: *const ct_extras,
    path: *const ct_str,
    path_len: usize,
    out_len: *mut usize,
) -> ct_result {
    boundary(|| {
        if out_len.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        // SAFETY: the API contract.
        let (checked, path) = unsafe { args(extras, path, path_len) }?;
        let v = checked.at(&path)?;
        if v.kind() != ValueKind::Array {
            return Err(CT_ERR_CLAIM_TYPE);
        }
        let n = v.elements().count();
        // SAFETY: non-NULL, writable (API contract).
        unsafe { *out_len = n };
        Ok(())
    })
}

/// Element index (from 0) of the array at path, a string, decoded into out as
/// ct_extras_get_str does. CT_ERR_CLAIM_TYPE when the value is not an array or the element
/// not a string; CT_ERR_CLAIM_NOT_FOUND when index is past the end.
///
/// # Safety
/// As for ct_extras_get_str.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_extras_array_get_str(
    extras: *const ct_extras,
    path: *const ct_str,
    path_len: usize,
    index: usize,
    out: *mut u8,
    out_len: usize,
    out_written: *mut usize,
) -> ct_result {
    boundary(|| {
        if out.is_null() || out_written.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        // SAFETY: the API contract.
        let (checked, path) = unsafe { args(extras, path, path_len) }?;
        let v = checked.at(&path)?;
        if v.kind() != ValueKind::Array {
            return Err(CT_ERR_CLAIM_TYPE);
        }
        let element = v.elements().nth(index).ok_or(CT_ERR_CLAIM_NOT_FOUND)?;
        let s = element.as_str().ok_or(CT_ERR_CLAIM_TYPE)?;
        let inputs = path.ranges().iter().copied().chain([checked.range()]);
        // SAFETY: checked non-NULL; out_len writable bytes (API contract).
        unsafe { put_decoded(&s, (out, out_len, out_written), inputs) }
    })
}

/// The JSON text of the value at path, any type (an object such as realm_access, an
/// array, a string with its quotes and escapes, a number, true, false, null), as a view
/// into the extras text to *out_json: nothing is copied, and the view is valid as long as
/// the extras text (the verify function's scratch buffer).
///
/// # Safety
/// As for ct_extras_type; out_json writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_extras_get_json(
    extras: *const ct_extras,
    path: *const ct_str,
    path_len: usize,
    out_json: *mut ct_str,
) -> ct_result {
    boundary(|| {
        if out_json.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        // SAFETY: the API contract.
        let (checked, path) = unsafe { args(extras, path, path_len) }?;
        let v = ct_str::new(checked.at(&path)?.raw());
        // SAFETY: non-NULL, writable (API contract).
        unsafe { *out_json = v };
        Ok(())
    })
}

/// The number of custom claims to *out_count (typed claims not counted).
///
/// # Safety
/// extras a readable ct_extras whose json is NULL or valid; out_count writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_extras_count(
    extras: *const ct_extras,
    out_count: *mut usize,
) -> ct_result {
    boundary(|| {
        if out_count.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        // SAFETY: the API contract.
        let checked = unsafe { Checked::of(extras) }?;
        let n = checked.members().count();
        // SAFETY: non-NULL, writable (API contract).
        unsafe { *out_count = n };
        Ok(())
    })
}

/// Custom claim number index (from 0, in the token's order; 0 to count - 1 with
/// ct_extras_count, else CT_ERR_CLAIM_NOT_FOUND): its name decoded into name_out (its
/// length to *name_written) and its value's JSON text as a view to *out_value (as
/// ct_extras_get_json). CT_BUFFER_TOO_SMALL: the name's length to *name_written, nothing
/// else written. name_out may not share a byte with the extras text.
///
/// # Safety
/// As for ct_extras_count; name_out name_out_len writable bytes; name_written and
/// out_value writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_extras_member(
    extras: *const ct_extras,
    index: usize,
    name_out: *mut u8,
    name_out_len: usize,
    name_written: *mut usize,
    out_value: *mut ct_str,
) -> ct_result {
    boundary(|| {
        if name_out.is_null() || name_written.is_null() || out_value.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        // SAFETY: the API contract.
        let checked = unsafe { Checked::of(extras) }?;
        let (name, value) = checked.members().nth(index).ok_or(CT_ERR_CLAIM_NOT_FOUND)?;
        // SAFETY: checked non-NULL; name_out_len writable bytes (API contract).
        unsafe {
            put_decoded(
                &name,
                (name_out, name_out_len, name_written),
                [checked.range()].into_iter(),
            )
        }?;
        // SAFETY: non-NULL, writable (API contract).
        unsafe { *out_value = ct_str::new(value.raw()) };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use compact_token::{AccessClaims, Ed25519SigningKey, Error, IdClaims, KeyUse, Limits, jwt};

    fn issue_access_with(extra: &str) -> compact_token::Result<()> {
        let key = Ed25519SigningKey::from_seed(&[1; 32], KeyUse::AccessAndId);
        let mut c = AccessClaims::new("i", "s", "a", "c", 1, 2, "j");
        c.extra = Extras::from_json(extra)?;
        jwt::issue_access(&c, &key, &Limits::ACCESS, &mut [0u8; 1024]).map(drop)
    }

    fn issue_id_with(extra: &str) -> compact_token::Result<()> {
        let key = Ed25519SigningKey::from_seed(&[1; 32], KeyUse::AccessAndId);
        let mut c = IdClaims::new("i", "s", "a", 1, 2);
        c.extra = Extras::from_json(extra)?;
        jwt::issue_id(&c, &key, &Limits::ID, &mut [0u8; 4096]).map(drop)
    }

    /// Core's typed lists, as the ABI uses them: each name collides, every other name of
    /// the other kind's list is a custom claim.
    #[test]
    fn typed_names_agree_with_core() {
        let mut buf = [0u8; 64];
        let all = ACCESS_TYPED.iter().chain(ID_TYPED);
        for name in all {
            let mut w = compact_token::ExtrasWriter::new(&mut buf);
            w.int(name, 1);
            let extras = w.finish().unwrap();
            let json = std::string::String::from(extras.json().unwrap());
            let access = issue_access_with(&json);
            let id = issue_id_with(&json);
            if ACCESS_TYPED.contains(name) {
                assert!(
                    matches!(access, Err(Error::ClaimCollision { .. })),
                    "{name}"
                );
            } else {
                assert_eq!(access, Ok(()), "{name}");
            }
            if ID_TYPED.contains(name) {
                assert!(matches!(id, Err(Error::ClaimCollision { .. })), "{name}");
            } else {
                assert_eq!(id, Ok(()), "{name}");
            }
        }
    }
}
