//! Our own profiles in the registry: every case decodes to exactly the sample
//! claims, under the strict policies the report verifies with, and tokens of
//! one profile or registry are refused by another. (That `core` never
//! allocates is core/tests/alloc.rs; the report counts it again here.)

use compact_token::Error;
use compact_token_benches::peers::ours::{CompactToken, Profile};
use compact_token_benches::peers::{Case, Peer};
use compact_token_benches::sample::{ACCESS, NOW};

fn profiles() -> [CompactToken; 3] {
    [
        CompactToken::jwt(),
        CompactToken::compact(),
        CompactToken::compact_registered(),
    ]
}

fn issue(p: &CompactToken, case: Case) -> String {
    let mut token = String::new();
    p.issue(case, &mut token);
    token
}

#[test]
fn every_case_verifies_to_the_sample_claims() {
    for p in profiles() {
        for case in Case::ALL {
            let token = issue(&p, case);
            assert!(p.verifies_to_sample(case, &token), "{} {case}", p.name());
        }
    }
}

#[test]
fn policies_are_strict() {
    for p in profiles() {
        let token = issue(&p, Case::ACCESS_EDDSA);
        let case = Case::ACCESS_EDDSA;
        assert_eq!(p.verify_result(case, &token, NOW), Ok(()));
        // Expired at `exp` plus the default 30 s leeway.
        assert_eq!(
            p.verify_result(case, &token, ACCESS.exp + 30),
            Err(Error::Expired),
            "{}",
            p.name()
        );
        // Issued in the future (beyond the leeway).
        assert_eq!(
            p.verify_result(case, &token, ACCESS.iat - 31),
            Err(Error::IssuedInFuture),
            "{}",
            p.name()
        );
    }
}

#[test]
fn one_profile_does_not_read_the_other() {
    let [jwt, compact, registered] = profiles();
    let case = Case::ACCESS_HS256;
    let jwt_token = issue(&jwt, case);
    let compact_token = issue(&compact, case);
    let registered_token = issue(&registered, case);
    assert_eq!(
        compact.verify_result(case, &jwt_token, NOW),
        Err(Error::WrongProfile)
    );
    assert_eq!(
        jwt.verify_result(case, &compact_token, NOW),
        Err(Error::WrongProfile)
    );
    // A token using registered numbers, read without the registry, is refused.
    assert_eq!(
        compact.verify_result(case, &registered_token, NOW),
        Err(Error::RegistryMismatch)
    );
    // A token carrying every string verifies under any registry.
    assert_eq!(registered.verify_result(case, &compact_token, NOW), Ok(()));
    assert_eq!(registered.profile(), Profile::CompactRegistered);
}
