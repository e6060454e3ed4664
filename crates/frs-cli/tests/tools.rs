//! The tools: `frs sign`, `frs emulator`, `frs completions`, and the help of every command.

mod support;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

use frs_emulator::{Emulator, EmulatorConfig};
use support::{Frs, TempDir, run_in};

const VECTORS: &str = include_str!("../../frs-request/tests/data/signing-vectors.json");

const LINE: &str = r#"{"ak":"AK","sk":"Very-Secret-SK-0123456789","method":"GET","host":"face.cn-north-4.myhuaweicloud.com","path":"/v2/p/face-sets","query":[],"headers":[["X-Sdk-Date","20240315T102030Z"]]}"#;

#[test]
fn sign_shows_every_step_and_never_the_secret_key() {
    let dir = TempDir::new();
    let out = run_in(dir.path(), &["sign"], &[], Some(LINE.as_bytes()));
    let text = out.ok();
    assert!(text.starts_with("uri: https://face.cn-north-4.myhuaweicloud.com/v2/p/face-sets\n"), "{text}");
    assert!(text.contains("canonical request:\n  GET\n  /v2/p/face-sets/\n"), "{text}");
    assert!(text.contains("string to sign:\n  SDK-HMAC-SHA256\n  20240315T102030Z\n"), "{text}");
    assert!(text.contains("signed headers: host;x-sdk-date\n"), "{text}");
    assert!(
        text.contains("authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature="),
        "{text}"
    );
    assert!(!out.all().contains("Very-Secret-SK"));

    // A bad line: the others are still signed, the error is on stderr, exit 2.
    let input = format!("{LINE}\n{{\"ak\":\"AK\",\"sk\":\"Very-Secret-SK-0123456789\"}}\n");
    let out = run_in(dir.path(), &["sign"], &[], Some(input.as_bytes()));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.starts_with("uri: "), "{}", out.stdout);
    assert!(out.stderr.contains("error: line 2: invalid input: missing field `method`"), "{}", out.stderr);
    assert!(out.stderr.contains("error: 1 line could not be signed"), "{}", out.stderr);
    assert!(!out.all().contains("Very-Secret-SK"));
}

#[test]
fn sign_reads_the_signing_vectors_as_they_are() {
    let dir = TempDir::new();
    let doc: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
    let vectors = doc["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 88);
    let input: String = vectors.iter().map(|v| format!("{v}\n")).collect();
    std::fs::write(dir.path().join("vectors.jsonl"), &input).unwrap();
    let out = run_in(dir.path(), &["sign", "vectors.jsonl", "--output", "jsonl"], &[], None);
    assert_eq!(out.code, 2, "two vectors are refused: {}", out.stderr);
    let lines: Vec<serde_json::Value> =
        out.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 88);
    let mut matched = 0;
    for (v, report) in vectors.iter().zip(&lines) {
        assert!(!report.to_string().contains(v["sk"].as_str().unwrap()), "{}", v["name"]);
        if report.get("error").is_some() {
            continue;
        }
        assert_eq!(report["authorization"], v["expected"]["authorization"], "{}", v["name"]);
        assert_eq!(report["canonical_request"], v["expected"]["canonical_request"], "{}", v["name"]);
        matched += 1;
    }
    assert_eq!(matched, 86);
}

#[test]
fn the_emulator_runs_and_prints_its_environment() {
    let dir = TempDir::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_frs"))
        .args(["emulator", "--port", "0", "--token", "tok-for-this-test"])
        .env_clear()
        .env("HOME", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let endpoint = first
        .strip_prefix("frs-emulator listening on ")
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("{first}"))
        .to_owned();
    let env = [
        ("FRS_TOKEN", "tok-for-this-test"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", EmulatorConfig::DEFAULT_PROJECT_ID),
    ];
    let out =
        run_in(dir.path(), &["face-set", "list", "--endpoint", &endpoint, "--output", "json"], &env, None);
    let listed = out.ok().to_owned();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&listed).unwrap(),
        serde_json::json!({"face_sets_info": []})
    );

    // --print-env: the export lines point frs at an emulator on that port.
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let port = emulator.addr().port().to_string();
    let out = run_in(dir.path(), &["emulator", "--port", &port, "--print-env"], &[], None);
    let mut env = Vec::new();
    for line in out.ok().lines() {
        let (name, value) = line.strip_prefix("export ").and_then(|l| l.split_once('=')).unwrap();
        env.push((name.to_owned(), value.to_owned()));
    }
    let names: Vec<&str> = env.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "FRS_ENDPOINT",
            "FRS_REGION",
            "HUAWEICLOUD_SDK_REGION_FRS_CN_NORTH_4",
            "HUAWEICLOUD_SDK_PROJECT_ID",
            "HUAWEICLOUD_SDK_AK",
            "HUAWEICLOUD_SDK_SK"
        ]
    );
    let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    run_in(dir.path(), &["face-set", "create", "staff"], &env, None).ok();
    assert_eq!(emulator.face_count("staff"), Some(0));
    // The official SDKs' variable alone is enough too.
    let official: Vec<(&str, &str)> = env.iter().copied().filter(|(n, _)| *n != "FRS_ENDPOINT").collect();
    run_in(dir.path(), &["face-set", "show", "staff"], &official, None).ok();

    let out = run_in(dir.path(), &["emulator", "--port", "0", "--print-env"], &[], None);
    assert!(out.fails(2).contains("--port"), "{}", out.stderr);
}

#[test]
fn completions_for_three_shells() {
    let dir = TempDir::new();
    for shell in ["bash", "zsh", "fish"] {
        let out = run_in(dir.path(), &["completions", shell], &[], None);
        let script = out.ok();
        assert!(script.contains("face-set") && script.contains("batch-delete"), "{shell}");
    }
    run_in(dir.path(), &["completions", "tcsh"], &[], None).fails(2);
}

#[test]
fn help_has_the_exit_codes_and_an_example_for_every_subcommand() {
    let frs = Frs::start();
    let help = frs.run(&["--help"]);
    let text = help.ok();
    for line in
        ["Exit codes:", "  3  credentials missing", "  4  not found", "  6  transport failure", "FRS_TOKEN"]
    {
        assert!(text.contains(line), "{line}");
    }
    let subcommands = [
        "face-set create",
        "face-set list",
        "face-set show",
        "face-set delete",
        "face add",
        "face list",
        "face show",
        "face update",
        "face delete",
        "face batch-delete",
        "search",
        "detect",
        "compare",
        "live detect",
        "live detect-face",
        "config show",
        "sign",
        "emulator",
        "completions",
        "demo",
    ];
    for command in subcommands {
        let mut args: Vec<&str> = command.split(' ').collect();
        args.push("--help");
        let out = frs.run(&args);
        let text = out.ok();
        assert!(text.contains("Example"), "{command}: {text}");
        assert!(text.contains(&format!("frs {command}")), "{command}: {text}");
        assert!(text.contains("Global options:") && text.contains("--dry-run"), "{command}: {text}");
    }
    let version = frs.run(&["--version"]);
    assert!(version.ok().starts_with("frs "), "{}", version.stdout);
    assert!(frs.emulator.requests().is_empty());
}

/// The README's quick start is exactly what the tests run: its two commands are
/// `cargo run -p frs-cli -- demo` (run below by `demo_runs_the_whole_api_with_nothing_set_up`,
/// which checks the faces it deletes) and `cargo test --workspace` (what `.ci/run` runs).
#[test]
fn the_readme_quick_start_is_what_the_tests_run() {
    let readme = include_str!("../../../README.md");
    let ci = include_str!("../../../.ci/run");
    let section = readme.split("## Two commands").nth(1).expect("a Two commands section");
    let block = section.split("```").nth(1).expect("a code block");
    let commands: Vec<&str> = block
        .lines()
        .skip(1) // the fence's language
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|line| !line.is_empty())
        .collect();
    assert_eq!(commands, ["cargo run -p frs-cli -- demo", "cargo test --workspace"], "{block}");
    assert!(ci.lines().any(|l| l.trim().ends_with("cargo test --workspace --locked")), "{ci}");
}

/// The README's main job: `frs demo` walks the whole API against its embedded emulator, with
/// no credentials, no network and nothing set in the environment.
#[test]
fn demo_runs_the_whole_api_with_nothing_set_up() {
    let dir = TempDir::new();
    let out = run_in(dir.path(), &["demo"], &[], None);
    let text = out.ok();
    assert!(text.starts_with("frs demo: the whole Face Recognition Service API against an embedded emulator at http://127.0.0.1:"), "{text}");
    for deleted in [
        "delete by external_image_id: alice-2",
        "delete by face_id: bob's face",
        "13. delete by a custom field: badge=A-1",
    ] {
        assert!(text.contains(deleted), "{deleted}: {text}");
    }
    assert!(
        text.contains(
            "error FRS.0402 (HTTP 400): External id is not exist, can not delete face [request id "
        ),
        "{text}"
    );
    assert!(text.trim_end().ends_with("requests went to the emulator"), "{text}");
    assert!(!out.all().contains(EmulatorConfig::DEFAULT_SECRET_KEY));
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}
