//! The bulk jobs against the emulator: `frs face import` interrupted by SIGINT and SIGKILL
//! and resumed without enrolling anything twice, `delete-many` under injected faults,
//! `export`, `reconcile`, the progress display on a terminal and off it, and the QPS cap.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use frs_emulator::testimage::TestImage;
use frs_emulator::{Emulator, Fault};
use support::{Frs, assert_no_secret};

/// Writes `count` distinct images of `people` people into `dir/photos/<person>/`.
fn photos(dir: &Path, count: u64, people: u64) {
    for n in 0..count {
        let person = n % people;
        let folder = dir.join("photos").join(format!("p{person:03}"));
        std::fs::create_dir_all(&folder).unwrap();
        let png = TestImage::person(&format!("person-{person}")).variant(n / people).png();
        std::fs::write(folder.join(format!("img-{n:05}.png")), png).unwrap();
    }
}

fn create_set(frs: &Frs, name: &str) {
    frs.run(&["face-set", "create", name, "--capacity", "100000", "--field", "floor:integer"]).ok();
}

/// `frs` as a child process, for interrupting.
fn spawn(frs: &Frs, args: &[&str]) -> std::process::Child {
    command(frs, env!("CARGO_BIN_EXE_frs"), args)
}

/// `frs` started with SIGINT ignored, as a background job of a non-interactive shell is
/// (and as CI may start the tests): Ctrl-C must work all the same.
fn spawn_with_sigint_ignored(frs: &Frs, args: &[&str]) -> std::process::Child {
    let script = format!("trap '' INT; exec {} \"$@\"", env!("CARGO_BIN_EXE_frs"));
    let mut shell_args = vec!["-c", script.as_str(), "sh"];
    shell_args.extend_from_slice(args);
    command(frs, "/bin/sh", &shell_args)
}

fn command(frs: &Frs, program: &str, args: &[&str]) -> std::process::Child {
    Command::new(program)
        .args(args)
        .env_clear()
        .env("HOME", frs.dir.path())
        .envs(frs.env().iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .current_dir(frs.dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until the set holds at least `faces` faces (or 60 s pass).
fn wait_for(emulator: &Emulator, set: &str, faces: usize) {
    let start = Instant::now();
    while emulator.face_count(set).unwrap_or(0) < faces {
        assert!(start.elapsed() < Duration::from_secs(60), "the import did not reach {faces} faces");
        thread::sleep(Duration::from_millis(5));
    }
}

/// The set's faces per external image id, through `frs face export`.
fn faces_per_image(frs: &Frs, set: &str) -> BTreeMap<String, usize> {
    let mut per_image = BTreeMap::new();
    for face in frs.run(&["face", "export", set]).json_lines() {
        *per_image.entry(face["external_image_id"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    per_image
}

#[test]
fn an_interrupted_import_resumes_without_enrolling_twice_and_a_faulty_delete_removes_everything() {
    let frs = Frs::start();
    create_set(&frs, "staff");
    photos(frs.dir.path(), 2_000, 200);
    // At most 500 adds a second, so that the signals below land mid-run on any machine.
    let import = [
        "face",
        "import",
        "staff",
        "photos",
        "--ledger",
        "staff.sqlite",
        "--concurrency",
        "4",
        "--qps",
        "500",
    ];

    // Interrupted by Ctrl-C a quarter of the way: what is under way finishes, exit 130...
    let mut child = spawn_with_sigint_ignored(&frs, &import);
    wait_for(&frs.emulator, "staff", 500);
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    let after_int = frs.emulator.face_count("staff").unwrap();
    assert!(after_int < 2_000, "interrupted before the end: {after_int}");

    // ...then killed outright, with answers being lost on the way.
    frs.emulator.inject_randomly(Fault::LoseAnswer, 0.05, 7);
    let mut child = spawn(&frs, &import);
    wait_for(&frs.emulator, "staff", after_int + 600);
    child.kill().unwrap();
    child.wait().unwrap();
    frs.emulator.inject_randomly(Fault::LoseAnswer, 0.0, 0);
    let after_kill = frs.emulator.face_count("staff").unwrap();
    assert!(after_kill < 2_000, "killed before the end: {after_kill}");

    // The re-run enrols the rest, and only the rest.
    let summary = frs.run(&[&import[..], &["--output", "json"]].concat()).json();
    assert_eq!(summary["images"], 2_000, "{summary}");
    let skipped = summary["already_enrolled"].as_u64().unwrap();
    let enrolled = summary["enrolled"].as_u64().unwrap();
    let found = summary["found_after_lost_answer"].as_u64().unwrap();
    assert_eq!(skipped + enrolled + found, 2_000, "{summary}");
    assert_eq!((summary["failed"].as_u64(), summary["unknown"].as_u64()), (Some(0), Some(0)), "{summary}");
    assert_eq!(frs.emulator.face_count("staff"), Some(2_000));
    let per_image = faces_per_image(&frs, "staff");
    assert_eq!(per_image.len(), 2_000);
    assert!(per_image.values().all(|n| *n == 1), "one face per image");
    let reconcile =
        frs.run(&["face", "reconcile", "staff", "--ledger", "staff.sqlite", "--output", "json"]).json();
    assert_eq!(
        (reconcile["missing"].as_u64(), reconcile["duplicated"].as_u64()),
        (Some(0), Some(0)),
        "{reconcile}"
    );
    assert_eq!(
        (reconcile["unexpected"].as_u64(), reconcile["ledger_faces"].as_u64()),
        (Some(0), Some(2_000))
    );

    // A fourth run has nothing to do.
    let again = frs.run(&[&import[..], &["--output", "json"]].concat()).json();
    assert_eq!((again["already_enrolled"].as_u64(), again["enrolled"].as_u64()), (Some(2_000), Some(0)));
    assert_eq!(frs.emulator.face_count("staff"), Some(2_000));

    // Deleting everything the ledger enrolled, with 20% of the requests faulted: 5xx, 429,
    // dropped connections and lost answers, taking turns.
    let faults = [
        Fault::json(503, r#"{"error_code":"FRS.0018","error_msg":"busy"}"#),
        Fault::json(429, r#"{"error_code":"APIGW.0308","error_msg":"throttled"}"#)
            .with_header("Retry-After", "0"),
        Fault::Drop,
        Fault::LoseAnswer,
    ];
    let done = std::sync::atomic::AtomicBool::new(false);
    let deleted = thread::scope(|scope| {
        scope.spawn(|| {
            let mut n = 0;
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                frs.emulator.inject_randomly(faults[n % faults.len()].clone(), 0.2, n as u64);
                n += 1;
                thread::sleep(Duration::from_millis(20));
            }
        });
        let out = frs.run(&[
            "face",
            "delete-many",
            "staff",
            "--ledger",
            "staff.sqlite",
            "--retries",
            "8",
            "--output",
            "json",
        ]);
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        out
    });
    frs.emulator.inject_randomly(Fault::Drop, 0.0, 0);
    let summary = deleted.json();
    assert_eq!(summary["selectors"], 2_000, "{summary}");
    assert_eq!(
        (summary["deleted"].as_u64(), summary["failed"].as_u64()),
        (Some(2_000), Some(0)),
        "{summary}"
    );
    assert_eq!(summary["already_absent"], 0, "nothing was gone before: {summary}");
    let counted = summary["faces_deleted"].as_u64().unwrap();
    let unknown = summary["deleted_count_unknown"].as_u64().unwrap();
    assert_eq!(counted + unknown, 2_000, "each known count is 1, each lost answer counted apart: {summary}");
    assert!(unknown > 0, "lost answers were injected: {summary}");
    assert_eq!(frs.emulator.face_count("staff"), Some(0), "every face gone");
    // The ledger knows: nothing left to delete.
    let again =
        frs.run(&["face", "delete-many", "staff", "--ledger", "staff.sqlite", "--output", "json"]).json();
    assert_eq!(again["selectors"], 0, "{again}");
}

#[test]
fn a_manifest_gives_ids_and_fields_and_bad_lines_fail_alone() {
    let frs = Frs::start();
    create_set(&frs, "staff");
    for (name, person) in [("a.png", "alice"), ("b.png", "bob"), ("c.png", "carol")] {
        frs.file(name, &TestImage::person(person).png());
    }
    frs.file("notes.txt", b"not an image");
    frs.file(
        "manifest.csv",
        b"path,external_image_id,fields\na.png,alice-1,floor=3\nb.png,,floor=4\nnotes.txt,notes,floor=1\nc.png,bad id!,floor=5\n",
    );
    let out = frs.run(&["face", "import", "staff", "manifest.csv", "--ledger", "l.sqlite"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("failed notes.txt: "), "{}", out.stderr);
    assert!(
        out.stderr.contains("failed c.png: ") && out.stderr.contains("external_image_id"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("enrolled") && out.stdout.contains("2"), "{}", out.stdout);
    let faces = frs.run(&["face", "export", "staff"]).json_lines();
    let mut seen: Vec<(String, i64)> = faces
        .iter()
        .map(|f| {
            (
                f["external_image_id"].as_str().unwrap().to_owned(),
                f["external_fields"]["floor"].as_i64().unwrap(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(seen, [("alice-1".to_owned(), 3), ("b".to_owned(), 4)]);
    assert_no_secret(&out.all());
}

#[test]
fn delete_many_from_a_file_and_by_filter_with_a_dry_run_first() {
    let frs = Frs::start();
    create_set(&frs, "staff");
    for (n, person) in ["alice", "bob", "carol", "dave"].iter().enumerate() {
        let file = frs.file(&format!("{person}.png"), &TestImage::person(person).png());
        frs.run(&[
            "face",
            "add",
            "staff",
            &file,
            "--external-image-id",
            person,
            "--field",
            &format!("floor={n}"),
        ])
        .ok();
    }
    let alice_face =
        frs.run(&["face", "export", "staff"]).json_lines()[0]["face_id"].as_str().unwrap().to_owned();
    frs.file("leavers.txt", format!("# leavers\nbob\nface_id={alice_face}\nfloor=2\nnobody\n").as_bytes());
    let dry = frs.run(&["face", "delete-many", "staff", "--file", "leavers.txt", "--dry-run"]);
    let text = dry.ok();
    for line in [
        "would delete external_image_id=bob\n",
        &format!("would delete face_id={alice_face}\n"),
        "would delete floor=2\n",
    ] {
        assert!(text.contains(line), "{line}: {text}");
    }
    assert_eq!(frs.emulator.face_count("staff"), Some(4), "a dry run deletes nothing");
    let summary =
        frs.run(&["face", "delete-many", "staff", "--file", "leavers.txt", "--output", "json"]).json();
    assert_eq!(
        (summary["deleted"].as_u64(), summary["already_absent"].as_u64()),
        (Some(3), Some(1)),
        "{summary}"
    );
    assert_eq!(summary["failed"], 0);
    assert_eq!(frs.emulator.face_count("staff"), Some(1));
    let summary =
        frs.run(&["face", "delete-many", "staff", "--filter", "floor:[3 TO 3]", "--output", "json"]).json();
    assert_eq!(summary["faces_deleted"], 1, "{summary}");
    let summary =
        frs.run(&["face", "delete-many", "staff", "--filter", "floor:[3 TO 3]", "--output", "json"]).json();
    assert_eq!(summary["already_absent"], true, "{summary}");
    // A bad line fails the whole job before anything is sent.
    frs.file("bad.txt", b"bob\nface_id=\n");
    let before = frs.emulator.requests().len();
    let err = frs.run(&["face", "delete-many", "staff", "--file", "bad.txt"]);
    assert!(err.fails(2).contains("bad.txt line 2"), "{}", err.stderr);
    assert_eq!(frs.emulator.requests().len(), before);
}

#[test]
fn reconcile_reports_missing_unexpected_and_duplicated_faces() {
    let frs = Frs::start();
    create_set(&frs, "staff");
    photos(frs.dir.path(), 6, 3);
    frs.run(&["face", "import", "staff", "photos", "--ledger", "l.sqlite"]).ok();
    let clean = frs.run(&["face", "reconcile", "staff", "--ledger", "l.sqlite", "--output", "json"]).json();
    assert_eq!(clean["missing"], 0);
    // One face deleted behind the ledger's back, one added outside it, one image twice.
    frs.run(&["face", "delete", "staff", "--external-image-id", "img-00000"]).ok();
    frs.file("x.png", &TestImage::person("stranger").png());
    frs.run(&["face", "add", "staff", "x.png", "--external-image-id", "stranger"]).ok();
    frs.run(&["face", "add", "staff", "photos/p001/img-00001.png", "--external-image-id", "img-00001"]).ok();
    let out = frs.run(&["face", "reconcile", "staff", "--ledger", "l.sqlite", "--output", "json"]);
    assert_eq!(out.code, 1, "{out:?}");
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        (report["missing"].as_u64(), report["unexpected"].as_u64(), report["duplicated"].as_u64()),
        (Some(1), Some(2), Some(1)),
        "{report}"
    );
    assert_eq!(report["duplicated_external_image_ids"], serde_json::json!(["img-00001"]));
}

/// Runs `frs` under a pseudo-terminal (`script`) and returns what the screen received.
fn on_a_terminal(frs: &Frs, args: &str) -> String {
    let env: Vec<String> = frs.env().iter().map(|(k, v)| format!("{k}={v}")).collect();
    let command = format!(
        // A terminal of 120 columns (a fresh pseudo-terminal has none) that is not `dumb`.
        "stty cols 120 rows 40; env -i TERM=xterm HOME={} {} {} {args}",
        frs.dir.path().display(),
        env.join(" "),
        env!("CARGO_BIN_EXE_frs")
    );
    let out = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .current_dir(frs.dir.path())
        .env("TERM", "xterm")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_progress_bar_on_a_terminal_plain_output_elsewhere_nothing_extra_with_json() {
    let frs = Frs::start();
    create_set(&frs, "staff");
    photos(frs.dir.path(), 40, 10);
    frs.emulator.inject_randomly(Fault::delay(Duration::from_millis(30)), 1.0, 1);
    let screen = on_a_terminal(&frs, "face import staff photos --ledger t.sqlite --concurrency 2");
    frs.emulator.inject_randomly(Fault::Drop, 0.0, 0);
    assert!(screen.contains("import ["), "{screen:?}");
    assert!(screen.contains("/40"), "the count and the total: {screen}");
    assert!(screen.contains("ETA") && screen.contains("failures: 0"), "{screen}");
    assert!(screen.contains('\r') || screen.contains("\u{1b}["), "redrawn in place: {screen:?}");
    assert!(screen.contains("enrolled"), "the summary follows: {screen}");

    // Not a terminal: no bar, the summary on stdout.
    let out = frs.run(&["face", "import", "staff", "photos", "--ledger", "t.sqlite"]);
    assert!(!out.stderr.contains("ETA") && !out.stderr.contains('\r'), "{}", out.stderr);
    assert!(out.ok().contains("already enrolled"), "{}", out.stdout);
    // JSON: the summary alone.
    let out = frs.run(&["face", "import", "staff", "photos", "--ledger", "t.sqlite", "--output", "json"]);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    assert_eq!(out.json()["already_enrolled"], 40);
}

#[test]
fn off_a_terminal_progress_is_a_plain_line_every_two_seconds() {
    let frs = Frs::start();
    create_set(&frs, "staff");
    photos(frs.dir.path(), 24, 24);
    // 24 adds of 200 ms each, one at a time: about 5 s, so two or three progress lines.
    frs.emulator.inject_randomly(Fault::delay(Duration::from_millis(200)), 1.0, 1);
    let out = frs.run(&["face", "import", "staff", "photos", "--ledger", "p.sqlite", "--concurrency", "1"]);
    frs.emulator.inject_randomly(Fault::Drop, 0.0, 0);
    out.ok();
    let lines: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("import: ")).collect();
    assert!(!lines.is_empty(), "{}", out.stderr);
    for line in &lines {
        assert!(line.contains("/24 done, 0 failed (") && line.ends_with("/s"), "{line}");
    }
    assert!(
        !out.stderr.contains('\r') && !out.stderr.contains('\u{1b}'),
        "no terminal codes: {:?}",
        out.stderr
    );
}

#[test]
fn the_qps_cap_holds_within_ten_percent() {
    let frs = Frs::start();
    create_set(&frs, "staff");
    photos(frs.dir.path(), 61, 61);
    let summary = frs
        .run(&[
            "face",
            "import",
            "staff",
            "photos",
            "--ledger",
            "q.sqlite",
            "--qps",
            "20",
            "--concurrency",
            "8",
            "--output",
            "json",
        ])
        .json();
    assert_eq!(summary["enrolled"], 61);
    // 61 adds are 60 intervals of 1/20 s: 3 s (a bounded, benchmark-style check).
    let rate = 60.0 / summary["seconds"].as_f64().unwrap();
    assert!((rate - 20.0).abs() <= 2.0, "{rate:.1} adds/s for --qps 20: {summary}");
}

#[test]
fn reconcile_beyond_the_listing_bound_looks_each_ledger_face_up() {
    let frs = Frs::start();
    create_set(&frs, "big");
    photos(frs.dir.path(), 3, 3);
    frs.run(&["face", "import", "big", "photos", "--ledger", "l.sqlite"]).ok();
    for n in 0..10_000 {
        frs.emulator.seed_face("big", frs_emulator::SeededFace::new(&format!("seeded-{n}"))).unwrap();
    }
    let report = frs.run(&["face", "reconcile", "big", "--ledger", "l.sqlite", "--output", "json"]).json();
    assert_eq!((report["missing"].as_u64(), report["ledger_faces"].as_u64()), (Some(0), Some(3)), "{report}");
    assert!(report["unexpected"].is_null() && report["set_faces"].is_null(), "unknowable: {report}");
    frs.run(&["face", "delete", "big", "--external-image-id", "img-00002"]).ok();
    let out = frs.run(&["face", "reconcile", "big", "--ledger", "l.sqlite", "--output", "json"]);
    assert_eq!(out.code, 1);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["missing"], 1, "{report}");
}

#[test]
fn an_import_dry_run_says_what_it_would_do_and_sends_nothing() {
    let frs = Frs::start();
    create_set(&frs, "staff");
    photos(frs.dir.path(), 3, 3);
    frs.run(&["face", "import", "staff", "photos", "--ledger", "d.sqlite"]).ok();
    photos(frs.dir.path(), 5, 5);
    let before = frs.emulator.requests().len();
    let out = frs.run(&["face", "import", "staff", "photos", "--ledger", "d.sqlite", "--dry-run"]);
    let text = out.ok();
    assert!(text.contains("skip p000/img-00000.png (already enrolled)\n"), "{text}");
    assert!(text.contains("add p003/img-00003.png as img-00003\n"), "{text}");
    assert_eq!(frs.emulator.requests().len(), before, "a dry run sends nothing");
}
