//! `jwt::verify_access` on arbitrary tokens (raw, or arbitrary JSON validly signed) with
//! both fixed keys: never panics; anything accepted re-verifies, is refused as an ID token,
//! and round-trips through `jwt::issue_access`.
#![no_main]

use compact_token::{VerifyingKey, jwt};
use compact_token_fuzz::*;
use libfuzzer_sys::fuzz_target;

fn check(token: &str, key: &(impl VerifyingKey + ?Sized), signer: &dyn compact_token::SigningKey) {
    let policy = access_policy();
    check_accepted!(
        token: token, limits: policy.limits,
        verify: |t, s, l| jwt::verify_access(t, key, &policy.with_limits(l), NOW, s),
        other: |t, s| jwt::verify_id(t, key, &id_policy(), NOW, s),
        issue: |c, o, l| jwt::issue_access(c, signer, l, o),
    );
}

fuzz_target!(|data: &[u8]| {
    let token = token_from_input(data, jwt_access_header);
    check(&token, &ed_public(), &ed());
    check(&token, &hs(), &hs());
});
