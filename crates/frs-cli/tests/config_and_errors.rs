//! Configuration, exit codes, `--dry-run`, `--verbose`, and secrets never printed.

mod support;

use std::time::Duration;

use frs_emulator::Fault;
use frs_emulator::testimage::TestImage;
use support::{Frs, PROJECT, SK, TOKEN, assert_no_secret, rows};

#[test]
fn missing_credentials_list_every_place_looked_at() {
    let frs = Frs::start();
    // Nothing but HOME: no credentials, no project id.
    let stderr = frs.run_with(&["face-set", "list"], &[], None).fails(3).to_owned();
    for place in [
        "--token",
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
        "FRS_TOKEN",
        ".huaweicloud/credentials",
        "FRS_METADATA_URL",
    ] {
        assert!(stderr.contains(place), "{place} not in {stderr}");
    }
    assert!(stderr.starts_with("error: "), "{stderr}");
    // Credentials but no project id: the places looked at for it.
    let endpoint = frs.emulator.endpoint();
    let env = [("FRS_ENDPOINT", endpoint.as_str()), ("FRS_TOKEN", TOKEN)];
    let stderr = frs.run_with(&["face-set", "list"], &env, None).fails(3).to_owned();
    for place in ["--project-id", "HUAWEICLOUD_SDK_PROJECT_ID", ".huaweicloud/credentials"] {
        assert!(stderr.contains(place), "{place} not in {stderr}");
    }
    assert!(!stderr.contains(TOKEN), "{stderr}");
    // Half a key pair: reported as such, never completed from elsewhere.
    let env = [
        ("FRS_ENDPOINT", endpoint.as_str()),
        ("HUAWEICLOUD_SDK_AK", "AK"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT),
    ];
    let stderr = frs.run_with(&["face-set", "list"], &env, None).fails(3).to_owned();
    assert!(stderr.contains("incomplete credentials in the environment"), "{stderr}");
    assert!(stderr.contains("HUAWEICLOUD_SDK_SK"), "{stderr}");
    // config show says the same.
    frs.run_with(&["config", "show"], &[], None).fails(3);
    assert!(frs.emulator.requests().is_empty(), "nothing was sent");
}

#[test]
fn refused_credentials_exit_with_3() {
    let frs = Frs::start();
    let endpoint = frs.emulator.endpoint();
    let wrong_sk = [
        ("FRS_ENDPOINT", endpoint.as_str()),
        ("HUAWEICLOUD_SDK_AK", frs_emulator::EmulatorConfig::DEFAULT_ACCESS_KEY),
        ("HUAWEICLOUD_SDK_SK", "not-the-secret-key-at-all"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT),
    ];
    let out = frs.run_with(&["face-set", "list", "--verbose"], &wrong_sk, None);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("error: APIGW.0301 (HTTP 401): "), "{}", out.stderr);
    assert!(!out.all().contains("not-the-secret-key-at-all"));

    // A token, from FRS_TOKEN or --token: accepted when right, refused when wrong.
    let token =
        [("FRS_ENDPOINT", endpoint.as_str()), ("FRS_TOKEN", TOKEN), ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT)];
    frs.run_with(&["face-set", "list"], &token, None).ok();
    assert_eq!(frs.emulator.requests().last().unwrap().header("x-auth-token"), Some("***"));
    let out = frs.run_with(&["face-set", "list", "--token", "wrong-token-0123456789"], &token, None);
    assert!(out.fails(3).contains("APIGW.0301"), "{}", out.stderr);
    assert!(!out.all().contains("wrong-token-0123456789"));
}

#[test]
fn bad_input_exits_with_2_and_sends_nothing() {
    let frs = Frs::start();
    frs.file("notes.txt", b"not an image");
    for args in [
        &["face-set", "create", "bad/name"][..],
        &["face-set", "create", "staff", "--field", "age:int"],
        &["face-set", "create", "staff", "--capacity", "12345"],
        &["face", "add", "staff", "missing.png"],
        &["face", "add", "staff", "notes.txt"],
        &["face", "add", "staff"],
        &["face", "add", "staff", "--url", "ftp://example.com/a.png"],
        &["face", "add", "staff", "--base64", "notes.txt"],
        &["face", "delete", "staff"],
        &["face", "delete", "staff", "--face-id", "a1b2c3d4", "--external-image-id", "x"],
        &["face", "batch-delete", "staff", "--filter", "age:[1 TO"],
        &["face", "list", "staff", "--offset", "9999", "--limit", "2"],
        &["search", "staff", "--face-id", "a1b2c3d4", "--top-n", "0"],
        &["detect", "--url", "/bucket/a.png", "--attributes", "height"],
        &["compare", "--url", "/bucket/a.png"],
        &["live", "detect", "--url", "/bucket/a.mp4", "--actions", "jump"],
        &["face-set", "list", "--endpoint", "ftp://nowhere"],
        &["face-set", "list", "--timeout", "0"],
        &["face-set", "frobnicate"],
        &["--output", "xml", "face-set", "list"],
    ] {
        let out = frs.run(args);
        let stderr = out.fails(2);
        assert!(!stderr.is_empty(), "{args:?}");
        assert_no_secret(stderr);
    }
    assert!(frs.emulator.requests().is_empty(), "{:?}", frs.emulator.requests());
}

#[test]
fn dry_run_prints_the_signed_request_and_sends_nothing() {
    let frs = Frs::start();
    frs.file("alice.png", &TestImage::person("alice").png());
    let out = frs.run(&["face", "add", "staff", "alice.png", "--external-image-id", "alice-1", "--dry-run"]);
    let text = out.ok();
    let endpoint = frs.emulator.endpoint();
    assert!(text.starts_with(&format!("POST {endpoint}/v2/{PROJECT}/face-sets/staff/faces\n")), "{text}");
    assert!(
        text.contains("\nauthorization: SDK-HMAC-SHA256 Access=EMULATORAK0000000001, SignedHeaders="),
        "{text}"
    );
    assert!(text.contains(", Signature=***\n"), "{text}");
    assert!(text.contains("\nx-sdk-date: "), "{text}");
    assert!(text.contains("multipart body, 2 parts"), "{text}");
    assert!(text.contains("  external_image_id: alice-1\n"), "{text}");
    assert!(text.contains("  image_file: file \"alice.png\""), "{text}");
    assert!(text.contains(" bytes, sha256 "), "{text}");

    let out = frs.run(&["--dry-run", "face", "delete", "staff", "--field", "id=home", "--token", TOKEN]);
    let text = out.ok();
    assert!(
        text.starts_with(&format!("DELETE {endpoint}/v2/{PROJECT}/face-sets/staff/faces?id=home\n")),
        "{text}"
    );
    assert!(text.contains("\nx-auth-token: ***\n"), "{text}");
    assert!(text.ends_with("no body\n"), "{text}");

    let image = frs_types::ImageBase64::encode(TestImage::person("bob").png()).unwrap();
    let out = frs.run_stdin(&["detect", "--base64", "-", "--dry-run"], image.as_str().as_bytes());
    let text = out.ok();
    assert!(text.contains("\"image_base64\": \"<base64 data: "), "{text}");
    assert!(!text.contains(image.as_str()), "the image itself is not printed");

    let out = frs.run(&["face", "list", "staff", "--dry-run"]);
    assert!(out.ok().contains("faces?limit=100&offset=0"), "{}", out.stdout);

    assert_no_secret(&out.all());
    assert!(frs.emulator.requests().is_empty(), "{:?}", frs.emulator.requests());
}

#[test]
fn verbose_lines_and_no_secret_anywhere() {
    let frs = Frs::start();
    frs.file("alice.png", &TestImage::person("alice").png());
    let mut printed = String::new();
    for args in [
        &["face-set", "create", "staff", "--field", "age:integer", "--verbose"][..],
        &["face", "add", "staff", "alice.png", "--external-image-id", "alice-1", "--verbose"],
        &["face", "list", "staff", "--verbose", "--output", "json"],
        &["search", "staff", "alice.png", "--verbose"],
        &["face", "delete", "staff", "--external-image-id", "alice-1", "--verbose"],
        &["face", "delete", "staff", "--external-image-id", "alice-1", "--verbose"],
        &["config", "show", "--verbose"],
        &["face-set", "delete", "staff", "--verbose", "--dry-run"],
    ] {
        printed.push_str(&frs.run(args).all());
    }
    let token = [
        ("FRS_ENDPOINT", frs.emulator.endpoint()),
        ("FRS_TOKEN", TOKEN.to_owned()),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT.to_owned()),
    ];
    let token: Vec<(&str, &str)> = token.iter().map(|(k, v)| (*k, v.as_str())).collect();
    printed.push_str(&frs.run_with(&["face-set", "list", "--verbose"], &token, None).all());
    printed.push_str(&frs.run_with(&["config", "show"], &token, None).all());
    printed.push_str(&frs.run_with(&["face-set", "list", "--dry-run"], &token, None).all());
    assert_no_secret(&printed);

    let out = frs.run(&["face-set", "show", "staff", "--verbose"]);
    let lines: Vec<&str> = out.stderr.lines().collect();
    // The transport's two lines, then the core's spans as they close: the attempt, the call.
    assert_eq!(lines.len(), 4, "{}", out.stderr);
    assert_eq!(lines[0], format!("> GET {}/v2/{PROJECT}/face-sets/staff", frs.emulator.endpoint()));
    assert!(lines[1].starts_with("< 200 OK (request id "), "{}", lines[1]);
    assert!(lines[1].ends_with(" ms)"), "{}", lines[1]);
    assert!(lines[2].starts_with("~ frs.attempt request=ShowFaceSet attempt=1 "), "{}", lines[2]);
    for field in [" status=200", " request_id=", " latency_ms="] {
        assert!(lines[2].contains(field), "{field}: {}", lines[2]);
    }
    assert!(lines[3].starts_with("~ frs.call operation=ShowFaceSet attempts=1"), "{}", lines[3]);
    assert!(lines[3].contains(" status=200") && lines[3].contains(" outcome=ok"), "{}", lines[3]);
    assert_eq!(rows(out.ok())[0], ["name", "staff"], "stdout holds only the data");
}

#[test]
fn config_show_names_each_source() {
    let frs = Frs::start();
    let out = frs.run(&["config", "show", "--retries", "0"]);
    let table = rows(out.ok());
    assert_eq!(table[0], ["SETTING", "VALUE", "SOURCE"]);
    let row = |setting: &str| {
        table.iter().find(|r| r[0] == setting).unwrap_or_else(|| panic!("{setting}: {table:?}")).clone()
    };
    assert_eq!(
        row("endpoint"),
        ["endpoint", frs.emulator.endpoint().as_str(), "environment variable FRS_ENDPOINT"]
    );
    assert_eq!(row("secret key"), ["secret key", "****0000", "environment variable HUAWEICLOUD_SDK_SK"]);
    assert_eq!(row("project id")[2], "environment variable HUAWEICLOUD_SDK_PROJECT_ID");
    assert_eq!(row("retries"), ["retries", "0", "--retries"]);
    assert!(!out.all().contains(SK));

    let doc = frs.run(&["config", "show", "--output", "json", "--token", "a-token-given-as-a-flag"]).json();
    let token = doc.as_array().unwrap().iter().find(|s| s["setting"] == "token").unwrap();
    assert_eq!(token["value"], "****flag");
    assert_eq!(token["source"], "--token");
    assert!(
        doc.as_array().unwrap().iter().all(|s| s["setting"] != "secret key"),
        "one credential, one source"
    );
    assert!(frs.emulator.requests().is_empty());
}

#[test]
fn transport_failures_exit_with_6() {
    let frs = Frs::start();
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let out = frs.run(&["face-set", "list", "--endpoint", &format!("http://{closed}"), "--retries", "0"]);
    assert!(out.fails(6).starts_with("error: transport error: "), "{}", out.stderr);

    // A server that never answers, within --timeout.
    frs.emulator.inject(Fault::Hang, 1);
    let started = std::time::Instant::now();
    let out = frs.run(&["face-set", "list", "--timeout", "0.5", "--retries", "0"]);
    out.fails(6);
    assert!(started.elapsed() < Duration::from_secs(10));

    // A proxy's HTML page: an answer that is not the service's, exit 5; retried first.
    frs.emulator.inject(Fault::html(502, "<html>bad gateway</html>"), 2);
    let before = frs.emulator.requests().len();
    let out = frs.run(&["face-set", "list", "--retries", "1", "--verbose"]);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains("unexpected HTTP 502 answer"), "{}", out.stderr);
    assert_eq!(out.stderr.lines().filter(|l| l.starts_with("< 502 ")).count(), 2, "{}", out.stderr);
    assert_eq!(frs.emulator.requests().len() - before, 2);
}

#[test]
fn an_explicit_region_beats_an_endpoint_from_the_environment() {
    let frs = Frs::start();
    let table = rows(frs.run(&["config", "show", "--region", "cn-east-3"]).ok());
    let row = |setting: &str| table.iter().find(|r| r[0] == setting).unwrap().clone();
    assert_eq!(row("region"), ["region", "cn-east-3", "--region"]);
    assert_eq!(row("endpoint")[1], "https://face.cn-east-3.myhuaweicloud.com");
}

/// The profile file of the official SDKs (`~/.huaweicloud/credentials`, `[basic]`) is read
/// when the environment has no credentials, and `config show` says so.
#[test]
fn credentials_from_the_profile_file() {
    let frs = Frs::start();
    frs.emulator.seed_face_set("staff", &[]);
    let dir = frs.dir.path().join(".huaweicloud");
    std::fs::create_dir_all(&dir).unwrap();
    let profile = format!(
        "# written by a test\n[global]\nak = NOT-THIS-ONE\n\n[basic]\nak = {}\nsk = {SK}\nproject_id = {PROJECT}\n",
        frs_emulator::EmulatorConfig::DEFAULT_ACCESS_KEY
    );
    std::fs::write(dir.join("credentials"), profile).unwrap();
    let endpoint = frs.emulator.endpoint();
    let env = [("FRS_ENDPOINT", endpoint.as_str())];
    let listed = rows(frs.run_with(&["face-set", "list"], &env, None).ok());
    assert_eq!(listed[1][0], "staff");
    let out = frs.run_with(&["config", "show"], &env, None);
    let shown = rows(out.ok());
    let source = |setting: &str| shown.iter().find(|r| r[0] == setting).unwrap()[2].clone();
    let path = dir.join("credentials").display().to_string();
    assert_eq!(source("access key"), format!("profile file {path}"));
    assert_eq!(source("secret key"), format!("profile file {path}"));
    assert_eq!(source("project id"), format!("profile file {path}"));
    assert_no_secret(&out.all());
    // A broken profile says where, without repeating the line.
    std::fs::write(dir.join("credentials"), format!("[basic]\nsk {SK}\n")).unwrap();
    let out = frs.run_with(&["face-set", "list"], &env, None);
    assert!(out.fails(3).contains("line 2"), "{}", out.stderr);
    assert_no_secret(&out.all());
}

/// With `FRS_METADATA_URL` set (here: the emulator, which serves the ECS metadata paths),
/// temporary keys are fetched from the metadata service and the call is signed with them.
#[test]
fn credentials_from_the_ecs_metadata_service() {
    let frs = Frs::start();
    frs.emulator.seed_face_set("staff", &[]);
    let endpoint = frs.emulator.endpoint();
    let env = [
        ("FRS_ENDPOINT", endpoint.as_str()),
        ("FRS_METADATA_URL", endpoint.as_str()),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT),
    ];
    let listed = rows(frs.run_with(&["face-set", "list"], &env, None).ok());
    assert_eq!(listed[1][0], "staff");
    let targets: Vec<String> =
        frs.emulator.requests().iter().map(|r| format!("{} {}", r.method, r.target)).collect();
    assert_eq!(targets[0], "PUT /meta-data/latest/api/token", "{targets:?}");
    assert_eq!(targets[1], "GET /openstack/latest/securitykey", "{targets:?}");
    assert_eq!(targets[2], format!("GET /v2/{PROJECT}/face-sets"), "{targets:?}");
    assert_eq!(frs.emulator.requests()[2].header("x-security-token"), Some("***"));
    let shown = frs.run_with(&["config", "show"], &env, None);
    assert!(shown.ok().contains(&format!("ECS metadata {endpoint}")), "{}", shown.stdout);
}

/// An IAM password login: the client obtains a user token from IAM (the emulator's
/// `POST /v3/auth/tokens`) and sends it; the password comes from `FRS_IAM_PASSWORD` only.
#[test]
fn credentials_from_an_iam_password_login() {
    let mut config = frs_emulator::EmulatorConfig::default();
    config.users.push(frs_emulator::IamUser {
        name: "alice".into(),
        password: "alice-password-0001".into(),
        domain: "acme".into(),
    });
    let emulator = frs_emulator::Emulator::start(config).unwrap();
    emulator.seed_face_set("staff", &[]);
    let dir = support::TempDir::new();
    let endpoint = emulator.endpoint();
    let args =
        ["face-set", "list", "--iam-user", "alice", "--iam-domain", "acme", "--iam-endpoint", &endpoint];
    let env = [
        ("FRS_ENDPOINT", endpoint.as_str()),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT),
        ("FRS_IAM_PASSWORD", "alice-password-0001"),
    ];
    let out = support::run_in(dir.path(), &args, &env, None);
    assert_eq!(rows(out.ok())[1][0], "staff");
    let seen: Vec<String> =
        emulator.requests().iter().map(|r| format!("{} {}", r.method, r.target)).collect();
    assert_eq!(seen, ["POST /v3/auth/tokens".to_owned(), format!("GET /v2/{PROJECT}/face-sets")]);
    assert_eq!(emulator.requests()[1].header("x-auth-token"), Some("***"));
    assert!(!out.all().contains("alice-password-0001"));
    // Without the password: a credentials error, nothing sent.
    let out = support::run_in(dir.path(), &args, &env[..2], None);
    assert!(out.fails(3).contains("FRS_IAM_PASSWORD"), "{}", out.stderr);
    assert_eq!(emulator.requests().len(), 2);
}
