//! Stack use of a verify is bounded by the budget, not by the input (issue 10).
//!
//! The largest stack any verify may take is the one of the worst token the budget admits:
//! claims nested exactly `json::MAX_DEPTH` deep, filling the ID budget. Hostile inputs —
//! the audit's 512-byte header, claims with thousands of brackets — must stay at or below
//! it, and their stack must not grow with their length. Measured by stack painting
//! (`compact_token_benches::stack`, the method `report` uses), and run on a small thread
//! where an input-driven recursion would crash the test.

use base64ct::{Base64UrlUnpadded, Encoding};
use compact_token::{Hs256Key, IdPolicy, KeyUse, Limits, jwt};
use compact_token_benches::stack;

const ISS: &str = "https://auth.example.com";
const CLIENT: &str = "s6BhdRkqt3";
const NOW: u64 = 1_764_000_000;

/// How far above the bare primitive a verify may go before a test calls it a regression:
/// 8 KB in an optimized build (where the figures mean something: `cargo test --release`,
/// and `report`); 32 KB in a debug build, whose unoptimized frames (`cargo test
/// --workspace` in CI) are three to four times larger and still must stay bounded.
const MARGIN: usize = if cfg!(debug_assertions) {
    32 * 1024
} else {
    8 * 1024
};

/// Issue 12's bound on an HS256 access verify above the bare HMAC, held in an optimized
/// build (`cargo test --release -p compact-token-benches --test stack`, as `report` measures;
/// +1,736 B `compact` / +2,568 B `jwt` before the claims were decoded in place): in a debug
/// build [`MARGIN`] applies.
const HS256_MARGIN: usize = if cfg!(debug_assertions) { MARGIN } else { 1024 };

/// The same bound on an EdDSA access verify above the bare `verify_strict` (+1,168 B before
/// the signature check's frames were trimmed: the signature taken from an array, the
/// checked segments written through, the 64-byte check inlined).
const EDDSA_MARGIN: usize = HS256_MARGIN;

fn key() -> Hs256Key {
    Hs256Key::from_secret(&[0x24; 32], KeyUse::Id).unwrap()
}

/// A validly signed HS256 token with this header and payload, whatever they hold.
fn signed(header: &str, payload: &str) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    let input = format!(
        "{}.{}",
        Base64UrlUnpadded::encode_string(header.as_bytes()),
        Base64UrlUnpadded::encode_string(payload.as_bytes())
    );
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&[0x24; 32]).unwrap();
    mac.update(input.as_bytes());
    let tag = Base64UrlUnpadded::encode_string(&mac.finalize().into_bytes());
    format!("{input}.{tag}")
}

fn id_claims(extra: &str) -> String {
    format!(
        r#"{{"iss":"{ISS}","sub":"u","aud":"{CLIENT}","iat":{NOW},"exp":{}{extra}}}"#,
        NOW + 60
    )
}

/// Claims filling most of the ID budget with members nested `MAX_DEPTH` deep.
fn deepest_legit() -> String {
    let mut extra = String::new();
    let mut i = 0;
    while id_claims(&extra).len() < 2900 {
        extra.push_str(&format!(r#","m{i}":[{{"a":[1]}}]"#));
        i += 1;
    }
    id_claims(&extra)
}

/// Peak stack of verifying `token` as an ID token, and its result.
fn peak(token: &str) -> (usize, Result<(), compact_token::Error>) {
    let mut result = Ok(());
    let bytes = stack::peak(|| {
        let mut scratch = [0u8; 8192];
        let policy = IdPolicy::new(ISS, CLIENT);
        result = jwt::verify_id(token, &key(), &policy, NOW, &mut scratch).map(|_| ());
    })
    .unwrap();
    (bytes, result)
}

#[test]
fn verify_stack_is_bounded_by_the_budget_not_the_input() {
    let flat = signed(r#"{"alg":"HS256"}"#, &id_claims(""));
    let deepest = signed(r#"{"alg":"HS256"}"#, &deepest_legit());
    assert!(deepest.len() <= Limits::ID.max_bytes, "{}", deepest.len());
    let (flat_stack, ok) = peak(&flat);
    assert_eq!(ok, Ok(()));
    let (bound, ok) = peak(&deepest);
    assert_eq!(ok, Ok(()), "the deepest legitimate token verifies");

    let mut header = String::from(r#"{"x":1"a,"1":"#);
    while header.len() < 512 {
        header.push('[');
    }
    let crafted_header = signed(&header, &id_claims(""));
    let brackets = |n: usize| {
        signed(
            r#"{"alg":"HS256"}"#,
            &id_claims(&format!(r#","x":{}"#, "[".repeat(n))),
        )
    };
    let desync = |n: usize| {
        signed(
            r#"{"alg":"HS256"}"#,
            &id_claims(&format!(r#","x":1"a,"1":{}"#, "[".repeat(n))),
        )
    };
    let mut hostile = Vec::new();
    for token in [
        crafted_header,
        brackets(10),
        brackets(2800),
        desync(10),
        desync(2800),
    ] {
        assert!(token.len() <= Limits::ID.max_bytes);
        let (bytes, result) = peak(&token);
        assert!(result.is_err());
        hostile.push(bytes);
    }
    // Slack: painting reads a few bytes of the harness's own frames differently per call.
    const SLACK: usize = 512;
    for (i, &bytes) in hostile.iter().enumerate() {
        assert!(
            bytes <= bound + SLACK,
            "hostile input {i} took {bytes} B of stack, the budget's worst case {bound} B"
        );
    }
    // Length does not matter: 10 brackets or 2,800 take the same stack.
    assert!(hostile[2].abs_diff(hostile[1]) <= SLACK, "{hostile:?}");
    assert!(hostile[4].abs_diff(hostile[3]) <= SLACK, "{hostile:?}");
    eprintln!(
        "stack per ID verify: flat {flat_stack} B, deepest legitimate {bound} B, hostile {hostile:?}"
    );

    // And on a small thread, where input-driven recursion would overflow: 64 KiB, as a
    // debug build's frames are large (a flat ID verify needs ~40 KiB there, ~6 KiB
    // optimised); the audit's deep claims needed 2.6 MB in a debug build.
    let tokens = [deepest, brackets(2800), desync(2800)];
    std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(move || {
            for t in &tokens {
                let mut scratch = vec![0u8; 8192];
                let policy = IdPolicy::new(ISS, CLIENT);
                let _ = jwt::verify_id(t, &key(), &policy, NOW, &mut scratch);
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

/// Peak stack of one call of the named operation (`src/algs.rs`, `src/dpop.rs`).
fn peak_of(name: &str) -> usize {
    let mut op = compact_token_benches::algs::build(name)
        .or_else(|| compact_token_benches::dpop::build(name))
        .expect("a known operation");
    stack::peak(&mut op.run).unwrap()
}

/// Stack per ES256 verify (issue 11), through both profiles, against the bare p256 verify
/// over the same bytes: the figures are printed; the test holds the overhead to a bound
/// that catches a regression (the brief's target is +1 KB, see REPORT.md for today's).
#[test]
fn es256_verify_stack_stays_near_the_bare_primitive() {
    for p in ["jwt", "compact"] {
        let ours = peak_of(&format!("es-{p}-verify"));
        let bare = peak_of(&format!("bare-es-verify:{p}"));
        eprintln!("stack per ES256 verify, {p}: {ours} B; bare p256 verify: {bare} B");
        assert!(
            ours >= bare,
            "{p}: the verify contains the primitive ({ours} < {bare})"
        );
        assert!(ours <= bare + MARGIN, "{p}: {ours} B, bare {bare} B");
    }
}

/// Stack per DPoP verify (issue 15): a bound EdDSA access token and its ES256 (or EdDSA)
/// proof in one `dpop::verify_access`, through both profiles, against the two bare
/// signature checks over the same bytes. The proof is decoded on the stack (the `dpop`
/// module's docs say about 5 KB for the largest): the figures are printed; the bound
/// catches a regression.
#[test]
fn dpop_verify_stack_stays_near_the_bare_checks() {
    for p in ["jwt", "compact"] {
        for (proof, suffix) in [("ES256", ""), ("EdDSA", "-ed")] {
            let ours = peak_of(&format!("dpop-{p}-verify{suffix}"));
            let bare = peak_of(&format!("bare-dpop-verify{suffix}:{p}"));
            eprintln!("stack per DPoP verify, {p}, {proof} proof: {ours} B; bare checks: {bare} B");
            assert!(
                ours >= bare,
                "{p}, {proof}: the verify contains the primitives ({ours} < {bare})"
            );
            assert!(
                ours <= bare + MARGIN,
                "{p}, {proof}: {ours} B, bare {bare} B"
            );
        }
    }
}

/// Stack per access-token verify (issue 12): EdDSA and HS256 through both profiles, against
/// the bare primitive (dalek `verify_strict`, hmac `verify_slice`) over the same signing
/// input. The figures are printed for the report (the brief's target is +1 KB); the bound
/// catches a regression.
#[test]
fn access_verify_stack_beside_the_bare_primitive() {
    use compact_token::{
        AccessClaims, AccessPolicy, Ed25519SigningKey, Registry, SigningKey, VerifyingKey, compact,
    };
    const AUD: &str = "https://api.example.com";
    let claims = AccessClaims::new(ISS, "user-8f14e45f", AUD, CLIENT, NOW, NOW + 300, "b1c2d3");
    let issue = |profile: &str, key: &dyn SigningKey| {
        let mut buf = [0u8; 1024];
        match profile {
            "jwt" => jwt::issue_access(&claims, key, &Limits::ACCESS, &mut buf),
            _ => compact::issue_access(&claims, key, &Limits::ACCESS, &Registry::EMPTY, &mut buf),
        }
        .unwrap()
        .to_owned()
    };
    fn peak_ours(profile: &str, token: &str, key: &(dyn VerifyingKey + Sync)) -> usize {
        // Set aside once per verifier, as a device keeps it in a static: not the verify's.
        let mut scratch = vec![0u8; 2048];
        // The outcome is asserted after the measured call, not in it: the assertion's
        // formatting is neither the verify's stack nor the bare primitive's.
        let mut verified = Ok(());
        let bytes = stack::peak(|| {
            let policy = AccessPolicy::new(ISS, AUD);
            verified = match profile {
                "jwt" => jwt::verify_access(token, key, &policy, NOW, &mut scratch).map(drop),
                _ => {
                    compact::verify_access(token, key, &policy, &Registry::EMPTY, NOW, &mut scratch)
                        .map(drop)
                }
            };
        })
        .unwrap();
        assert_eq!(verified, Ok(()), "{profile}");
        bytes
    }
    let split = |token: &str| {
        let (input, sig) = token.rsplit_once('.').unwrap();
        (
            input.as_bytes().to_vec(),
            Base64UrlUnpadded::decode_vec(sig).unwrap(),
        )
    };
    let ed = Ed25519SigningKey::from_seed(&[7; 32], KeyUse::Access);
    let hs = Hs256Key::from_secret(&[0x24; 32], KeyUse::Access).unwrap();
    let dalek = ed25519_dalek::SigningKey::from_bytes(&[7; 32]).verifying_key();
    for profile in ["jwt", "compact"] {
        let token = issue(profile, &ed);
        let (input, sig) = split(&token);
        let sig = ed25519_dalek::Signature::from_slice(&sig).unwrap();
        let mut ok = false;
        let bare = stack::peak(|| ok = dalek.verify_strict(&input, &sig).is_ok()).unwrap();
        assert!(ok);
        let ours = peak_ours(profile, &token, &ed.verifying_key());
        eprintln!(
            "stack per EdDSA access verify, {profile}: {ours} B; bare verify_strict: {bare} B"
        );
        assert!(
            ours >= bare && ours <= bare + EDDSA_MARGIN,
            "{profile}: {ours} B, bare {bare} B"
        );

        let token = issue(profile, &hs);
        let (input, tag) = split(&token);
        let mut ok = false;
        let bare = stack::peak(|| {
            use hmac::{KeyInit, Mac};
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&[0x24; 32]).unwrap();
            mac.update(&input);
            ok = mac.verify_slice(&tag).is_ok();
        })
        .unwrap();
        assert!(ok);
        let ours = peak_ours(profile, &token, &hs);
        eprintln!("stack per HS256 access verify, {profile}: {ours} B; bare HMAC: {bare} B");
        assert!(
            ours >= bare && ours <= bare + HS256_MARGIN,
            "{profile}: {ours} B, bare {bare} B"
        );
    }
}
