//! `compact::verify_access` on arbitrary tokens (raw, or arbitrary header and binary
//! payload validly signed) with both fixed keys and a fixed registry: never panics;
//! anything accepted re-verifies, is refused as an ID token, and round-trips through
//! `compact::issue_access`.
#![no_main]

use compact_token::{VerifyingKey, compact};
use compact_token_fuzz::*;
use libfuzzer_sys::fuzz_target;

fn check(token: &str, key: &(impl VerifyingKey + ?Sized), signer: &dyn compact_token::SigningKey) {
    let policy = access_policy();
    let reg = registry();
    check_accepted!(
        token: token, limits: policy.limits,
        verify: |t, s, l| compact::verify_access(t, key, &policy.with_limits(l), &reg, NOW, s),
        other: |t, s| compact::verify_id(t, key, &id_policy(), &reg, NOW, s),
        issue: |c, o, l| compact::issue_access(c, signer, l, &reg, o),
    );
}

fuzz_target!(|data: &[u8]| {
    let token = token_from_input(data, compact_header);
    check(&token, &ed_public(), &ed());
    check(&token, &hs(), &hs());
});
