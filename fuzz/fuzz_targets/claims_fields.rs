//! Differential: the claims types read member by member (`AccessClaims::from_json`,
//! `IdClaims::from_json`: the reader verification uses) against their `serde` derive through
//! the same JSON reader (`json::from_slice`), on arbitrary text. Same values, same errors;
//! the one deliberate difference is recognised from the input: claims refuse U+0000 in any
//! string (`MalformedClaims` wherever the text has a `\u0000` escape), `from_slice` does not.
#![no_main]

use compact_token::{AccessClaims, Error, Extras, IdClaims, json};
use libfuzzer_sys::fuzz_target;

macro_rules! same {
    ($ty:ident, $text:expr) => {{
        let text: &str = $text;
        let (mut a, mut b) = (vec![0u8; text.len()], vec![0u8; text.len()]);
        // `from_json` keeps every other member as custom claims; the derive skips them.
        let fields = $ty::from_json(text, &mut a).map(|mut c| {
            c.extra = Extras::none();
            c
        });
        let derived = json::from_slice::<$ty<&str>>(text.as_bytes(), &mut b);
        if !(fields == Err(Error::MalformedClaims) && text.contains("\\u0000")) {
            assert_eq!(fields, derived, "{text}");
        }
    }};
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    same!(AccessClaims, text);
    same!(IdClaims, text);
});
