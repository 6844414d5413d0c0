//! Differential: the crate's one JSON reader (`compact_token::json::from_slice`) against
//! `serde_json` on arbitrary bytes. Same accept/refuse and equal values, except for the
//! deliberate differences, each recognised from the input: nesting deeper than
//! `json::MAX_DEPTH` (`NestingTooDeep`) and a member name repeated in one object
//! (`DuplicateMember`), which `serde_json` accepts (keeping the last).
#![no_main]

use compact_token::{Error, json};
use compact_token_fuzz::json::{facts, same};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let mut scratch = vec![0u8; data.len()];
    let ours = json::from_slice::<Value>(data, &mut scratch);
    let theirs = serde_json::from_slice::<Value>(data);
    match (ours, theirs) {
        (Ok(a), Ok(b)) => assert!(same(&a, &b), "values differ: {a} vs {b}"),
        (Ok(a), Err(e)) => panic!("accepted what serde_json refuses ({e}): {a}"),
        // Depth and duplicates are read from the text: a `Value` keeps the last of two
        // equal names, and with it may lose the deeper one.
        (Err(Error::NestingTooDeep), Ok(_)) => {
            let depth = facts(data).expect("serde_json reads it").depth;
            assert!(depth > json::MAX_DEPTH, "NestingTooDeep at depth {depth}")
        }
        (Err(Error::DuplicateMember), Ok(_)) => {
            let dups = facts(data).expect("serde_json reads it").duplicates;
            assert!(dups, "DuplicateMember without duplicates")
        }
        (Err(e), Ok(b)) => panic!("refused valid JSON with {e:?}: {b}"),
        (Err(_), Err(_)) => {}
    }
    // Typed reading agrees with the value read: a string array is read as such.
    let mut scratch = vec![0u8; data.len()];
    if let Ok(list) = json::from_slice::<Vec<&str>>(data, &mut scratch) {
        let v = serde_json::from_slice::<Vec<String>>(data).expect("serde_json reads it too");
        assert_eq!(list, v);
    }
});
