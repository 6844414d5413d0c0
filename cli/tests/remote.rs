//! `ctok verify --jwks URL|FILE` and `--discover` against a scripted server on 127.0.0.1
//! (std-ext's test server, shared through `#[path]`).

mod common;
#[path = "../../std-ext/tests/loopback/mod.rs"]
mod loopback;

use common::{AUD, NOW, ctok, ok};
use loopback::{Reply, Server};

const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

/// The exit status and the one stderr line of a failing run.
fn fails(args: &[&str]) -> (i32, String) {
    let out = ctok(args);
    assert!(out.stdout.is_empty(), "ctok {args:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    (out.status.code().unwrap(), err.trim_end().to_owned())
}

/// A provider on loopback: its discovery document, its JWK set at /keys (one EdDSA key
/// made by `ctok keygen`), and an access token it issued.
struct Provider {
    server: Server,
    dir: std::path::PathBuf,
    token: String,
}

impl Provider {
    fn new(test: &str) -> Self {
        let server = Server::start();
        let dir = std::env::temp_dir().join(format!("ctok-remote-{}-{test}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let jwks = dir.join("jwks.json");
        let jwks_arg = jwks.to_str().unwrap();
        let private = ok(&[
            "keygen", "--alg", "eddsa", "--kid", "k1", "--use", "both", "--public", jwks_arg,
        ]);
        let key = dir.join("k.jwk");
        std::fs::write(&key, private).unwrap();
        let iss = server.base();
        let claims = format!(
            r#"{{"iss":"{iss}","sub":"user-1","aud":"{AUD}","client_id":"c1",
                "iat":{NOW},"exp":{},"jti":"j1"}}"#,
            NOW + 300
        );
        let claims_path = dir.join("claims.json");
        std::fs::write(&claims_path, claims).unwrap();
        let token = ok(&[
            "issue",
            "access",
            "--key",
            key.to_str().unwrap(),
            "--claims",
            claims_path.to_str().unwrap(),
        ])
        .trim()
        .to_owned();
        server.set(
            "/keys",
            Reply::json(std::fs::read_to_string(&jwks).unwrap()),
        );
        server.set(
            DISCOVERY_PATH,
            Reply::json(format!(
                r#"{{"issuer":"{iss}","jwks_uri":"{}"}}"#,
                server.url("/keys")
            )),
        );
        Self { server, dir, token }
    }

    fn verify(&self, iss: &str, source: &[&str]) -> Vec<String> {
        let now = (NOW + 10).to_string();
        let mut args: Vec<String> = ["verify", "access"].map(String::from).to_vec();
        args.extend(source.iter().map(|s| s.to_string()));
        args.extend(["--iss", iss, "--aud", AUD, "--now", &now, &self.token].map(String::from));
        args
    }
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[test]
fn verify_with_a_jwks_url_a_jwks_file_and_discovery() {
    let p = Provider::new("ok");
    let iss = p.server.base();
    let url = p.server.url("/keys");
    let file = p.dir.join("jwks.json");
    for source in [
        vec!["--jwks", url.as_str()],
        vec!["--jwks", file.to_str().unwrap()],
        vec!["--discover"],
    ] {
        let out = ok(&strs(&p.verify(&iss, &source)));
        let claims: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(claims["sub"], "user-1", "{source:?}");
    }
    assert_eq!(p.server.hits("/keys"), 2);
    assert_eq!(p.server.hits(DISCOVERY_PATH), 1);
}

#[test]
fn remote_key_sources_fail_precisely() {
    let p = Provider::new("fail");
    let iss = p.server.base();
    let url = p.server.url("/keys");

    // Plain http off loopback: refused before any connection, a usage error.
    let insecure = "http://keys.example.invalid/jwks";
    assert_eq!(
        fails(&strs(&p.verify(&iss, &["--jwks", insecure]))),
        (
            2,
            format!("ctok: --jwks {insecure}: url is not https (plain http only to loopback)")
        )
    );
    // The server fails: exit 3, the status named.
    p.server.set("/keys", Reply::status(500));
    assert_eq!(
        fails(&strs(&p.verify(&iss, &["--jwks", &url]))),
        (
            3,
            format!("ctok: cannot fetch {url}: http status 500 (200 expected)")
        )
    );
    // The discovery document names another issuer (a trailing slash counts).
    let slash = format!("{iss}/");
    assert_eq!(
        fails(&strs(&p.verify(&slash, &["--discover"]))),
        (
            3,
            format!(
                "ctok: cannot use the discovery document of {slash}: discovery document names \
                 another issuer"
            )
        )
    );
    // One key source only.
    let (code, err) = fails(&strs(&p.verify(&iss, &["--jwks", &url, "--discover"])));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot be used with"), "{err}");
}
