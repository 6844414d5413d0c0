//! `ctok dpop proof|verify|cnf` and `ctok verify access --dpop`, run as a user would: a
//! client key, a token bound to it through `ctok dpop cnf` and `issue --claims`, a proof,
//! and the refusals with their codes.

mod common;

use common::{AUD, ISS, NOW, ctok, dir, line, write};

const HTU: &str = "https://api.example.com/orders";

/// Runs ctok with --json, expecting a refusal; returns the error's code and exit status.
fn refused(args: &[&str]) -> (u64, i32) {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = ctok(&all);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{args:?}: {}", String::from_utf8_lossy(&out.stderr)));
    (
        v["error"]["code"].as_u64().unwrap_or(0),
        out.status.code().unwrap(),
    )
}

/// A proof for `GET HTU` with `token`, signed by the client key file `client` at `now`.
fn proof_for(client: &str, token: &str, now: &str) -> String {
    line(&[
        "dpop",
        "proof",
        "--key",
        client,
        "--htm",
        "GET",
        "--htu",
        HTU,
        "--access-token",
        token,
        "--now",
        now,
    ])
}

#[test]
fn bound_token_and_proof_round_trip() {
    let d = dir("round-trip");
    let server = write(&d.join("server.jwk"), &line(&["keygen", "--alg", "eddsa"]));
    for alg in ["es256", "eddsa"] {
        let client = write(
            &d.join(format!("{alg}.jwk")),
            &line(&["keygen", "--alg", alg]),
        );
        let public = write(
            &d.join(format!("{alg}.pub.jwk")),
            &line(&["public", "--key", &client]),
        );
        let cnf: serde_json::Value =
            serde_json::from_str(&line(&["dpop", "cnf", "--key", &public])).unwrap();
        let jkt = cnf["cnf"]["jkt"].as_str().unwrap().to_owned();
        assert_eq!(jkt, line(&["thumbprint", "--key", &public]), "{alg}");
        let claims = format!(
            r#"{{"iss":"{ISS}","sub":"user-8f14e45f","aud":"{AUD}","client_id":"s6BhdRkqt3",
                "iat":{NOW},"exp":{},"jti":"b1c2d3e4f5a6b7c8","cnf":{{"jkt":"{jkt}"}}}}"#,
            NOW + 300
        );
        let claims = write(&d.join("claims.json"), &claims);
        let now = NOW.to_string();
        for profile in ["jwt", "compact"] {
            let token = line(&[
                "issue",
                "access",
                "--key",
                &server,
                "--claims",
                &claims,
                "--profile",
                profile,
            ]);
            let proof = proof_for(&client, &token, &now);
            let v: serde_json::Value = serde_json::from_str(&line(&[
                "dpop",
                "verify",
                "--proof",
                &proof,
                "--htm",
                "GET",
                "--htu",
                HTU,
                "--access-token",
                &token,
                "--now",
                &now,
            ]))
            .unwrap();
            assert_eq!(v["jkt"], jkt.as_str());
            assert_eq!(v["iat"], NOW);
            let verify = |proof: &str, htm: &str| {
                vec![
                    "verify".to_owned(),
                    "access".into(),
                    "--key".into(),
                    server.clone(),
                    "--iss".into(),
                    ISS.into(),
                    "--aud".into(),
                    AUD.into(),
                    "--now".into(),
                    now.clone(),
                    "--profile".into(),
                    profile.into(),
                    "--dpop".into(),
                    proof.into(),
                    "--htm".into(),
                    htm.into(),
                    "--htu".into(),
                    HTU.into(),
                    token.clone(),
                ]
            };
            let args = verify(&proof, "GET");
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out: serde_json::Value = serde_json::from_str(&line(&args)).unwrap();
            assert_eq!(out["cnf"]["jkt"], jkt.as_str());
            // Another method: refused with the core's code (47, exit 1).
            let args = verify(&proof, "POST");
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            assert_eq!(refused(&args), (47, 1));
            // The token without the proof still verifies as a plain bearer token.
            line(&[
                "verify",
                "access",
                "--key",
                &server,
                "--iss",
                ISS,
                "--aud",
                AUD,
                "--now",
                &now,
                "--profile",
                profile,
                &token,
            ]);
        }
    }
}

#[test]
fn refusals_and_usage() {
    let d = dir("refusals");
    let server = write(&d.join("server.jwk"), &line(&["keygen", "--alg", "eddsa"]));
    let client = write(&d.join("client.jwk"), &line(&["keygen", "--alg", "es256"]));
    let hs = write(&d.join("hs.jwk"), &line(&["keygen", "--alg", "hs256"]));
    let now = NOW.to_string();
    // An unbound token with a valid proof: 55.
    let claims = format!(
        r#"{{"iss":"{ISS}","sub":"u","aud":"{AUD}","client_id":"c","iat":{NOW},"exp":{},"jti":"j"}}"#,
        NOW + 300
    );
    let claims = write(&d.join("claims.json"), &claims);
    let token = line(&["issue", "access", "--key", &server, "--claims", &claims]);
    let proof = proof_for(&client, &token, &now);
    let verify = [
        "verify", "access", "--key", &server, "--iss", ISS, "--aud", AUD, "--now", &now, "--dpop",
        &proof, "--htm", "GET", "--htu", HTU, &token,
    ];
    assert_eq!(refused(&verify), (55, 1));
    // A proof without ath for that token: 53; a stale proof: 49.
    let bare = line(&[
        "dpop", "proof", "--key", &client, "--htm", "GET", "--htu", HTU, "--now", &now,
    ]);
    let args = [
        "dpop",
        "verify",
        "--proof",
        &bare,
        "--htm",
        "GET",
        "--htu",
        HTU,
        "--access-token",
        &token,
        "--now",
        &now,
    ];
    assert_eq!(refused(&args), (53, 1));
    let late = (NOW + 61).to_string();
    let args = [
        "dpop", "verify", "--proof", &bare, "--htm", "GET", "--htu", HTU, "--now", &late,
    ];
    assert_eq!(refused(&args), (49, 1));
    // A key that cannot sign proofs, --htm without --dpop, --dpop for an ID token: usage (2).
    let args = ["dpop", "proof", "--key", &hs, "--htm", "GET", "--htu", HTU];
    assert_eq!(refused(&args).1, 2);
    let args = [
        "verify", "access", "--key", &server, "--iss", ISS, "--aud", AUD, "--now", &now, "--htm",
        "GET", &token,
    ];
    assert_eq!(refused(&args).1, 2);
    let args = [
        "verify", "id", "--key", &server, "--iss", ISS, "--aud", AUD, "--now", &now, "--dpop",
        &proof, "--htm", "GET", "--htu", HTU, &token,
    ];
    assert_eq!(refused(&args).1, 2);
}
