//! Running the built `frs` binary as a user does: a cleared environment holding only what
//! the test sets, `HOME` and the working directory in an empty temporary directory, and an
//! in-process emulator to talk to.

#![allow(dead_code, unreachable_pub)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use frs_emulator::{Emulator, EmulatorConfig};

/// The secret key of the emulator's default access key: it must never be printed.
pub const SK: &str = EmulatorConfig::DEFAULT_SECRET_KEY;
/// The emulator's default token: it must never be printed either.
pub const TOKEN: &str = EmulatorConfig::DEFAULT_TOKEN;
/// The emulator's project id.
pub const PROJECT: &str = EmulatorConfig::DEFAULT_PROJECT_ID;

/// What a run of `frs` left.
#[derive(Debug)]
pub struct Out {
    /// The exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Out {
    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "exit code {}\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        &self.stdout
    }

    /// Asserts the exit code and that stdout is empty; returns stderr.
    #[track_caller]
    pub fn fails(&self, code: i32) -> &str {
        assert_eq!(
            self.code, code,
            "exit code {}\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        assert!(self.stdout.is_empty(), "stdout of a failure: {}", self.stdout);
        &self.stderr
    }

    /// stdout as one JSON document.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.ok()).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }

    /// stdout as JSON lines.
    #[track_caller]
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.ok().lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
    }

    /// Everything printed.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// An empty directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("frs-cli-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An emulator and the environment that points `frs` at it.
pub struct Frs {
    pub emulator: Emulator,
    pub dir: TempDir,
    env: Vec<(String, String)>,
}

impl Frs {
    /// An emulator with its default credentials; `frs` signs with its access key.
    pub fn start() -> Self {
        let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
        let env = vec![
            ("FRS_ENDPOINT".to_owned(), emulator.endpoint()),
            ("HUAWEICLOUD_SDK_AK".to_owned(), EmulatorConfig::DEFAULT_ACCESS_KEY.to_owned()),
            ("HUAWEICLOUD_SDK_SK".to_owned(), SK.to_owned()),
            ("HUAWEICLOUD_SDK_PROJECT_ID".to_owned(), PROJECT.to_owned()),
        ];
        Self { emulator, dir: TempDir::new(), env }
    }

    /// The environment given to every run.
    pub fn env(&self) -> &[(String, String)] {
        &self.env
    }

    /// Runs `frs args...` with the emulator's environment.
    pub fn run(&self, args: &[&str]) -> Out {
        self.run_with(args, &self.env_refs(), None)
    }

    /// Runs `frs args...` with the emulator's environment and `input` on stdin.
    pub fn run_stdin(&self, args: &[&str], input: &[u8]) -> Out {
        self.run_with(args, &self.env_refs(), Some(input))
    }

    fn env_refs(&self) -> Vec<(&str, &str)> {
        self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }

    /// Runs `frs args...` with exactly `env` (plus `HOME`), in the test's directory.
    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)], input: Option<&[u8]>) -> Out {
        run_in(self.dir.path(), args, env, input)
    }

    /// Writes a file into the test's directory and returns its name (relative to the
    /// directory `frs` runs in).
    pub fn file(&self, name: &str, bytes: &[u8]) -> String {
        std::fs::write(self.dir.path().join(name), bytes).unwrap();
        name.to_owned()
    }
}

/// Runs the binary in `dir` with exactly `env` plus `HOME=dir`.
pub fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)], input: Option<&[u8]>) -> Out {
    let mut command = Command::new(env!("CARGO_BIN_EXE_frs"));
    command
        .args(args)
        .env_clear()
        .env("HOME", dir)
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    if let Some(input) = input {
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(input).unwrap();
    }
    let output = child.wait_with_output().unwrap();
    Out {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// Asserts that no secret — the secret key, the token, a signature — is in `text`.
#[track_caller]
pub fn assert_no_secret(text: &str) {
    assert!(!text.contains(SK), "the secret key was printed:\n{text}");
    assert!(!text.contains(TOKEN), "the token was printed:\n{text}");
    for (at, _) in text.match_indices("Signature=") {
        let rest = &text[at + "Signature=".len()..];
        assert!(rest.starts_with("***"), "a signature was printed:\n{text}");
    }
    // A signature is 64 hex digits (HMAC-SHA256), wherever it would be printed.
    let mut run = 0;
    for c in text.chars() {
        run = if c.is_ascii_hexdigit() { run + 1 } else { 0 };
        assert!(run < 64, "64 hex digits in a row, a signature's shape, were printed:\n{text}");
    }
}

/// The rows of a table (header included), split on runs of two or more spaces.
pub fn rows(table: &str) -> Vec<Vec<String>> {
    table
        .lines()
        .map(|line| line.split("  ").map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect())
        .collect()
}
