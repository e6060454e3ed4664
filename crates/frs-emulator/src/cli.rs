//! The emulator as a stand-alone server: the command-line options ([`Args`]) and the run
//! loop ([`run`]) shared by the `frs-emulator` binary and `frs emulator`.
//!
//! ```text
//! cargo run -p frs-emulator -- --port 8080
//! cargo run -p frs-emulator -- --port 0 --no-auth --state-dir ./frs-state
//! ```
//!
//! It serves the emulated API on `--host` (default `127.0.0.1`) and `--port` (default
//! `8080`; `0` picks a free port) until it is stopped; Ctrl-C (SIGINT) or SIGTERM stop it
//! with exit status 0. The first line on standard output is
//!
//! ```text
//! frs-emulator listening on http://127.0.0.1:8080 (project 0a1b2c3d4e5f60718293a4b5c6d7e8f9)
//! ```
//!
//! followed by one line per kind of credential accepted and a line saying where the state
//! is kept, so scripts and tests can start it on port 0 and read the address.
//!
//! # Credentials
//!
//! `--token T`, `--access-key AK:SK`, `--temporary-key AK:SK:SECURITY_TOKEN` and
//! `--user NAME:PASSWORD:DOMAIN` (an IAM user that may obtain tokens) may each be repeated.
//! When none of them is given, the defaults of `EmulatorConfig::default()` apply: the token
//! `emulator-token` and the access key `EMULATORAK0000000001` with its well-known secret
//! key, both printed at start-up. Secrets given on the command line (secret keys, security
//! tokens, tokens and passwords) are never printed. `--no-auth` accepts every request
//! without credentials. `--max-clock-skew-secs N` sets how far `X-Sdk-Date` may be from the
//! emulator's clock (default 900, as the gateway).
//!
//! # Durable state
//!
//! By default the state lives in memory and is lost when the process ends. With
//! `--state-dir DIR` it is kept in the SQLite database `DIR/state.sqlite` (WAL mode): every
//! change is committed in its own transaction before it is acknowledged, so an acknowledged
//! change survives `kill -9`. A `DIR/state.json` of an earlier version is migrated on the
//! first start; the emulator refuses to start when it is corrupt rather than starting
//! empty over it. One directory serves one emulator at a time.
//!
//! # Exit status
//!
//! `0` when stopped by Ctrl-C or SIGTERM, `1` when it cannot start (address in use, corrupt
//! state, ...), `2` for invalid flags (clap's usage errors) or a host that does not resolve.

use std::io::Write as _;
use std::net::{SocketAddr, ToSocketAddrs as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::{AccessKeyPair, Emulator, EmulatorConfig, IamUser};

/// The emulator's command-line options (a clap [`Args`](clap::Args) group: the binary and
/// `frs emulator` flatten it into their own command).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address (or host name) to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,

    /// Port to listen on; 0 picks a free one (printed on the first line).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,

    /// The project id every request path must carry.
    #[arg(long, default_value = EmulatorConfig::DEFAULT_PROJECT_ID)]
    pub project_id: String,

    /// Accept this token in X-Auth-Token (repeatable).
    // The id is the flag's name, so that a command embedding these options with a global
    // `--token` of its own keeps this one (clap does not propagate a global argument into a
    // subcommand that defines the same id).
    #[arg(id = "token", long = "token", value_name = "TOKEN", value_parser = parse_token)]
    tokens: Vec<String>,

    /// Accept signatures made with this access key pair (repeatable).
    #[arg(long = "access-key", value_name = "AK:SK", value_parser = parse_access_key)]
    access_keys: Vec<KeyArg>,

    /// Accept signatures with this temporary access key pair, with its security token
    /// (repeatable).
    #[arg(long = "temporary-key", value_name = "AK:SK:SECURITY_TOKEN", value_parser = parse_temporary_key)]
    temporary_keys: Vec<KeyArg>,

    /// An IAM user that may obtain tokens with POST /v3/auth/tokens (repeatable).
    #[arg(long = "user", value_name = "NAME:PASSWORD:DOMAIN", value_parser = parse_user)]
    users: Vec<UserArg>,

    /// Accept every request without checking credentials.
    #[arg(long)]
    no_auth: bool,

    /// Keep the state durably in this directory (default: in memory only).
    #[arg(long, value_name = "DIR")]
    state_dir: Option<PathBuf>,

    /// How many seconds X-Sdk-Date may be away from the emulator's clock.
    #[arg(long, value_name = "N", default_value_t = 15 * 60)]
    max_clock_skew_secs: u64,

    /// The largest face-set capacity accepted (the service's default is 100000).
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    max_capacity: u64,

    /// Admin requests must carry this token in X-Emulator-Admin-Token (required for the
    /// admin API when --host is not loopback).
    #[arg(long, value_name = "TOKEN", value_parser = parse_admin_token)]
    admin_token: Option<AdminToken>,

    /// The most requests the request journal keeps (older ones are dropped).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    journal_entries: usize,

    /// About how many bytes of requests the request journal keeps.
    #[arg(long, value_name = "BYTES", default_value_t = 4 * 1024 * 1024)]
    journal_bytes: usize,

    /// The most connections served at once (further ones are closed at once).
    #[arg(long, value_name = "N", default_value_t = 512)]
    max_connections: usize,

    /// Requests per second the project may send; beyond it APIGW.0308 (429).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    qps_quota: Option<u32>,

    /// Start from this state dump (the JSON of GET /__emulator/state), replacing the state.
    #[arg(long, value_name = "FILE")]
    load: Option<PathBuf>,

    /// Write the state dump to this file when stopped by Ctrl-C or SIGTERM.
    #[arg(long, value_name = "FILE")]
    export_on_exit: Option<PathBuf>,

    /// Print the canonical request and string to sign computed for each request refused
    /// with a signature mismatch. (Under `frs emulator` this is frs's own `--verbose`.)
    #[arg(long, id = "verbose")]
    verbose: bool,

    /// Seconds added to the emulator's clock (negative: behind), to test a client's clock-skew
    /// correction: signatures are checked against, and `Date` answered with, the moved clock.
    #[arg(long, value_name = "N", default_value_t = 0, allow_negative_numbers = true)]
    clock_offset_secs: i64,
}

/// An access key pair from the command line (its secrets never printed).
#[derive(Clone)]
struct KeyArg(AccessKeyPair);

impl std::fmt::Debug for KeyArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.0, f)
    }
}

/// An IAM user from the command line (its password never printed).
#[derive(Clone)]
struct UserArg(IamUser);

impl std::fmt::Debug for UserArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.0, f)
    }
}

fn non_empty<'a>(what: &str, value: &'a str) -> Result<&'a str, String> {
    if value.is_empty() { Err(format!("the {what} is empty")) } else { Ok(value) }
}

/// The admin token from the command line (never printed).
#[derive(Clone)]
struct AdminToken(String);

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

fn parse_admin_token(s: &str) -> Result<AdminToken, String> {
    non_empty("admin token", s).map(|t| AdminToken(t.to_owned()))
}

fn parse_token(s: &str) -> Result<String, String> {
    non_empty("token", s).map(str::to_owned)
}

/// `AK:SK`; the secret key is everything after the first colon.
fn parse_access_key(s: &str) -> Result<KeyArg, String> {
    let Some((ak, sk)) = s.split_once(':') else {
        return Err("expected AK:SK".to_owned());
    };
    Ok(KeyArg(AccessKeyPair {
        access_key: non_empty("access key", ak)?.to_owned(),
        secret_key: non_empty("secret key", sk)?.to_owned(),
        security_token: None,
    }))
}

/// `AK:SK:SECURITY_TOKEN`; the security token is everything after the second colon.
fn parse_temporary_key(s: &str) -> Result<KeyArg, String> {
    let mut parts = s.splitn(3, ':');
    let (Some(ak), Some(sk), Some(token)) = (parts.next(), parts.next(), parts.next()) else {
        return Err("expected AK:SK:SECURITY_TOKEN".to_owned());
    };
    Ok(KeyArg(AccessKeyPair {
        access_key: non_empty("access key", ak)?.to_owned(),
        secret_key: non_empty("secret key", sk)?.to_owned(),
        security_token: Some(non_empty("security token", token)?.to_owned()),
    }))
}

/// `NAME:PASSWORD:DOMAIN`; the name ends at the first colon and the domain starts after
/// the last one, so the password may contain colons.
fn parse_user(s: &str) -> Result<UserArg, String> {
    let parts = s.split_once(':').and_then(|(name, rest)| rest.rsplit_once(':').map(|(pw, d)| (name, pw, d)));
    let Some((name, password, domain)) = parts else {
        return Err("expected NAME:PASSWORD:DOMAIN".to_owned());
    };
    Ok(UserArg(IamUser {
        name: non_empty("user name", name)?.to_owned(),
        password: non_empty("password", password)?.to_owned(),
        domain: non_empty("domain name", domain)?.to_owned(),
    }))
}

impl Args {
    fn has_credentials(&self) -> bool {
        !(self.tokens.is_empty()
            && self.access_keys.is_empty()
            && self.temporary_keys.is_empty()
            && self.users.is_empty())
    }

    /// The emulator configuration these options describe: the `DEFAULT_*` credentials of
    /// [`EmulatorConfig::default`] unless credentials are given.
    pub fn config(&self) -> EmulatorConfig {
        let mut config = EmulatorConfig {
            project_id: self.project_id.clone(),
            no_auth: self.no_auth,
            max_clock_skew: Duration::from_secs(self.max_clock_skew_secs),
            clock_offset_secs: self.clock_offset_secs,
            state_dir: self.state_dir.clone(),
            max_capacity: self.max_capacity,
            admin_token: self.admin_token.as_ref().map(|t| t.0.clone()),
            journal_max_entries: self.journal_entries,
            journal_max_bytes: self.journal_bytes,
            max_connections: self.max_connections,
            qps_quota: self.qps_quota,
            load_state: self.load.clone(),
            export_on_exit: self.export_on_exit.clone(),
            verbose: self.verbose,
            ..EmulatorConfig::default()
        };
        if self.has_credentials() {
            config.tokens.clone_from(&self.tokens);
            config.access_keys =
                self.access_keys.iter().chain(&self.temporary_keys).map(|k| k.0.clone()).collect();
            config.users = self.users.iter().map(|u| u.0.clone()).collect();
        }
        config
    }

    /// The lines describing credentials and state, after the first line.
    fn describe(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.no_auth {
            lines.push("auth: disabled (--no-auth): every request is accepted".to_owned());
        } else if !self.has_credentials() {
            lines.push(format!("token: {}", EmulatorConfig::DEFAULT_TOKEN));
            lines.push(format!(
                "access key: {} (secret key: {})",
                EmulatorConfig::DEFAULT_ACCESS_KEY,
                EmulatorConfig::DEFAULT_SECRET_KEY
            ));
        } else {
            if !self.tokens.is_empty() {
                lines.push(format!("tokens: {} given with --token", self.tokens.len()));
            }
            if !self.access_keys.is_empty() {
                lines
                    .push(format!("access keys: {}", list(self.access_keys.iter().map(|k| &k.0.access_key))));
            }
            if !self.temporary_keys.is_empty() {
                lines.push(format!(
                    "temporary access keys: {}",
                    list(self.temporary_keys.iter().map(|k| &k.0.access_key))
                ));
            }
            if !self.users.is_empty() {
                lines.push(format!(
                    "IAM users: {}",
                    list(self.users.iter().map(|u| format!("{} (domain {})", u.0.name, u.0.domain)))
                ));
            }
        }
        lines.push(match &self.state_dir {
            Some(dir) => format!("state: durable in {}", dir.display()),
            None => "state: in memory (lost when the emulator stops; --state-dir DIR keeps it)".to_owned(),
        });
        lines
    }
}

fn list<T: std::fmt::Display>(items: impl Iterator<Item = T>) -> String {
    items.map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
}

fn resolve(host: &str, port: u16) -> std::io::Result<SocketAddr> {
    // Bare IPv6 addresses (`::1`) as well as names and IPv4 addresses.
    let bracketed;
    let host = if host.contains(':') && !host.starts_with('[') {
        bracketed = format!("[{host}]");
        bracketed.as_str()
    } else {
        host
    };
    format!("{host}:{port}").to_socket_addrs()?.next().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::NotFound, format!("{host} resolves to no address"))
    })
}

/// The signals that stop the emulator: Ctrl-C (SIGINT) and, on Unix, SIGTERM. Installed
/// before the start-up line is printed, so a signal sent as soon as it is read is handled.
struct StopSignals {
    runtime: tokio::runtime::Runtime,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn install() -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let guard = runtime.enter();
            let interrupt = signal(SignalKind::interrupt())?;
            let terminate = signal(SignalKind::terminate())?;
            drop(guard);
            Ok(Self { runtime, interrupt, terminate })
        }
        #[cfg(not(unix))]
        {
            Ok(Self { runtime })
        }
    }

    /// Blocks until one of the signals arrives.
    #[cfg(unix)]
    fn wait(mut self) {
        self.runtime.block_on(async {
            tokio::select! {
                _ = self.interrupt.recv() => {}
                _ = self.terminate.recv() => {}
            }
        });
    }

    /// Blocks until Ctrl-C.
    #[cfg(not(unix))]
    fn wait(self) {
        let _ = self.runtime.block_on(tokio::signal::ctrl_c());
    }
}

/// Runs the emulator as `args` say until Ctrl-C or SIGTERM: prints the start-up lines on
/// standard output, serves, and returns the exit status (see the [module documentation](self)).
pub fn run(args: &Args) -> ExitCode {
    let addr = match resolve(&args.host, args.port) {
        Ok(addr) => addr,
        Err(e) => {
            eprintln!("frs-emulator: cannot use host {:?}: {e}", args.host);
            return ExitCode::from(2);
        }
    };
    let emulator = match Emulator::start_on(args.config(), addr) {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("frs-emulator: cannot start on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let signals = match StopSignals::install() {
        Ok(signals) => signals,
        Err(e) => {
            eprintln!("frs-emulator: cannot install signal handlers: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut text =
        format!("frs-emulator listening on {} (project {})\n", emulator.endpoint(), args.project_id);
    if !addr.ip().is_loopback() {
        text.push_str(&format!(
            "warning: listening on {addr}, beyond loopback: anyone who can reach the port can call the API{}\n",
            if args.admin_token.is_some() {
                "; the admin API needs the admin token"
            } else {
                "; the admin API is disabled (start with --admin-token to use it)"
            }
        ));
    }
    for line in args.describe() {
        text.push_str(&line);
        text.push('\n');
    }
    let mut out = std::io::stdout().lock();
    // A closed stdout (the reader went away) does not stop the server.
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    drop(out);

    signals.wait();
    drop(emulator);
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    use clap::{Args as _, FromArgMatches as _};

    fn args(extra: &[&str]) -> Result<Args, clap::Error> {
        let command = Args::augment_args(clap::Command::new("frs-emulator"));
        let matches =
            command.try_get_matches_from(std::iter::once("frs-emulator").chain(extra.iter().copied()))?;
        Args::from_arg_matches(&matches)
    }

    #[test]
    fn defaults() {
        let a = args(&[]).unwrap();
        assert_eq!((a.host.as_str(), a.port), ("127.0.0.1", 8080));
        let config = a.config();
        assert_eq!(config.project_id, EmulatorConfig::DEFAULT_PROJECT_ID);
        assert_eq!(config.tokens, [EmulatorConfig::DEFAULT_TOKEN]);
        assert_eq!(config.access_keys.len(), 1);
        assert_eq!(config.access_keys[0].secret_key, EmulatorConfig::DEFAULT_SECRET_KEY);
        assert!(!config.no_auth && config.state_dir.is_none() && config.users.is_empty());
        assert_eq!(config.max_clock_skew, Duration::from_secs(900));
        assert!(a.describe().iter().any(|l| l.contains(EmulatorConfig::DEFAULT_SECRET_KEY)));
    }

    #[test]
    fn credentials_replace_the_defaults_and_stay_secret() {
        let a = args(&[
            "--token",
            "tok-1",
            "--access-key",
            "AK1:sk:with:colons",
            "--temporary-key",
            "AK2:sk2:sec-token",
            "--user",
            "alice:pa:ss:acme",
            "--max-clock-skew-secs",
            "5",
            "--clock-offset-secs",
            "-1200",
            "--project-id",
            "p1",
        ])
        .unwrap();
        let config = a.config();
        assert_eq!(config.clock_offset_secs, -1200);
        assert_eq!(config.project_id, "p1");
        assert_eq!(config.tokens, ["tok-1"]);
        assert_eq!(config.max_clock_skew, Duration::from_secs(5));
        let keys: Vec<_> = config
            .access_keys
            .iter()
            .map(|k| (k.access_key.as_str(), k.secret_key.as_str(), k.security_token.as_deref()))
            .collect();
        assert_eq!(keys, [("AK1", "sk:with:colons", None), ("AK2", "sk2", Some("sec-token"))]);
        let user = &config.users[0];
        assert_eq!(
            (user.name.as_str(), user.password.as_str(), user.domain.as_str()),
            ("alice", "pa:ss", "acme")
        );

        let text = a.describe().join("\n");
        for secret in ["tok-1", "sk:with:colons", "sk2", "sec-token", "pa:ss"] {
            assert!(!text.contains(secret), "{secret} printed in {text}");
        }
        assert!(text.contains("AK1") && text.contains("AK2") && text.contains("alice"), "{text}");
        assert!(!format!("{a:?}").contains("sk2"));

        // Only a user: no default token or key is accepted besides.
        let config = args(&["--user", "bob:pw:acme"]).unwrap().config();
        assert!(config.tokens.is_empty() && config.access_keys.is_empty());
    }

    #[test]
    fn invalid_flags_are_usage_errors() {
        for bad in [
            &["--access-key", "no-colon"][..],
            &["--access-key", ":sk"],
            &["--access-key", "ak:"],
            &["--temporary-key", "ak:sk"],
            &["--user", "alice:pw"],
            &["--user", ":pw:acme"],
            &["--token", ""],
            &["--port", "70000"],
            &["--port", "http"],
            &["--max-clock-skew-secs", "-1"],
            &["--unknown"],
        ] {
            let err = args(bad).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad:?}");
        }
    }

    #[test]
    fn hosts() {
        assert_eq!(resolve("127.0.0.1", 0).unwrap(), SocketAddr::from(([127, 0, 0, 1], 0)));
        assert_eq!(resolve("::1", 9).unwrap().to_string(), "[::1]:9");
        assert!(resolve("localhost", 1).unwrap().ip().is_loopback());
    }
}
