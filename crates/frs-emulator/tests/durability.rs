//! Durable state (`--state-dir`) of the real `frs-emulator` binary: acknowledged changes
//! survive `kill -9` at any moment (also in the middle of a 10,000-add load), the database
//! on disk is always consistent, and the binary refuses a corrupt `state.json` to migrate.
//! Also the binary's start-up line, flags and Ctrl-C.
//!
//! Every child process is killed when its guard drops, even when an assertion fails; every
//! loop is bounded in count and time; only 127.0.0.1 is used.
//!
//! The moment of the kill in `kill_mid_write_keeps_every_acknowledged_change` comes from a
//! seed printed by the test; set `FRS_DURABILITY_SEED` to replay one.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use frs_emulator::mix::SplitMix64;
use frs_emulator::{Emulator, EmulatorConfig};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_frs-emulator");
/// The state file of earlier versions (migrated at start).
const STATE: &str = "state.json";
/// An earlier version's unfinished save (deleted at start).
const TEMP: &str = "state.json.tmp";
/// The database.
const DB: &str = "state.sqlite";
/// How long the binary may take to print its first line.
const START_TIMEOUT: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------
// Helpers: temporary directories, the child process, a minimal HTTP client.
// ---------------------------------------------------------------------------------------

/// A fresh directory under cargo's temporary directory for tests, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "durability-{name}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running `frs-emulator` process; killed (SIGKILL) and reaped when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    project: String,
    /// The lines printed after the first one.
    lines: mpsc::Receiver<String>,
}

impl Server {
    /// Starts the binary with `--no-auth --port 0 --state-dir DIR` and waits for its
    /// first line.
    fn start(state_dir: &Path) -> Self {
        let dir = state_dir.to_str().unwrap();
        Self::start_with(&["--no-auth", "--port", "0", "--state-dir", dir])
    }

    fn start_with(args: &[&str]) -> Self {
        let mut child = Command::new(BIN)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // From here on the guard kills the child whatever happens.
        let mut server =
            Self { child, addr: SocketAddr::from(([127, 0, 0, 1], 0)), project: String::new(), lines };
        let first = server
            .lines
            .recv_timeout(START_TIMEOUT)
            .unwrap_or_else(|e| panic!("no start-up line from frs-emulator {args:?}: {e}"));
        let (addr, project) = parse_first_line(&first);
        server.addr = addr;
        server.project = project;
        server
    }

    fn face_sets_path(&self) -> String {
        format!("/v2/{}/face-sets", self.project)
    }

    fn create(&self, name: &str) -> std::io::Result<(u16, Value)> {
        request(self.addr, "POST", &self.face_sets_path(), Some(&json!({ "face_set_name": name })))
    }

    fn delete(&self, name: &str) -> std::io::Result<(u16, Value)> {
        request(self.addr, "DELETE", &format!("{}/{name}", self.face_sets_path()), None)
    }

    /// The face sets listed by `GET /v2/{project_id}/face-sets`: name to id.
    fn list(&self) -> BTreeMap<String, String> {
        let (status, body) = request(self.addr, "GET", &self.face_sets_path(), None).unwrap();
        assert_eq!(status, 200, "{body}");
        body["face_sets_info"]
            .as_array()
            .unwrap_or_else(|| panic!("no face_sets_info in {body}"))
            .iter()
            .map(|s| (str_field(s, "face_set_name"), str_field(s, "face_set_id")))
            .collect()
    }

    /// SIGKILL (what `Child::kill` sends on Unix), and reap.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Waits at most `timeout` for the process to exit by itself.
    fn wait_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `frs-emulator listening on http://127.0.0.1:PORT (project PROJECT_ID)`.
fn parse_first_line(line: &str) -> (SocketAddr, String) {
    let rest = line
        .strip_prefix("frs-emulator listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    let (addr, project) = rest.split_once(" (project ").unwrap_or_else(|| panic!("no project in {line:?}"));
    let project = project.strip_suffix(')').unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    (addr.parse().unwrap_or_else(|e| panic!("bad address in {line:?}: {e}")), project.to_owned())
}

fn str_field(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_else(|| panic!("no string {key} in {value}")).to_owned()
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`); the status and the
/// body as JSON (`Null` when it is not JSON). An error when no status line came back.
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> std::io::Result<(u16, Value)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    let mut raw = Vec::new();
    // A reset after a complete status line still counts as an answer.
    let read = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw);
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|s| s.get(..3))
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| match read {
            Err(e) => e,
            Ok(_) => {
                std::io::Error::new(std::io::ErrorKind::UnexpectedEof, format!("no status line: {text:?}"))
            }
        })?;
    let (head, payload) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let payload = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        dechunk(payload)
    } else {
        payload.to_owned()
    };
    Ok((status, serde_json::from_str(&payload).unwrap_or(Value::Null)))
}

fn dechunk(mut text: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = text.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else { break };
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        text = rest[size..].trim_start_matches("\r\n");
    }
    out
}

/// The face set names in `DIR/state.sqlite`, read directly (as the next start will),
/// which must pass SQLite's integrity check.
fn names_in_state_file(dir: &Path) -> BTreeSet<String> {
    let conn = rusqlite::Connection::open(dir.join(DB)).unwrap_or_else(|e| panic!("cannot open {DB}: {e}"));
    // The killed emulator's lock is gone once it is reaped; wait for it all the same.
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("cannot check {DB}: {e}"));
    assert_eq!(check, "ok");
    let mut stmt =
        conn.prepare("SELECT name FROM face_sets").unwrap_or_else(|e| panic!("cannot read {DB}: {e}"));
    stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap).collect()
}

/// Whether the kill left committed transactions in the WAL for the next start to replay.
fn wal_left(dir: &Path) -> bool {
    std::fs::metadata(dir.join(format!("{DB}-wal"))).is_ok_and(|m| m.len() > 0)
}

// ---------------------------------------------------------------------------------------
// Restart.
// ---------------------------------------------------------------------------------------

#[test]
fn acknowledged_face_sets_survive_kill_and_restart() {
    let dir = TempDir::new("restart");
    let server = Server::start(dir.path());
    assert!(server.list().is_empty());
    let mut created = BTreeMap::new();
    for n in 0..5 {
        let name = format!("fs-{n}");
        let (status, body) = server.create(&name).unwrap();
        assert_eq!(status, 200, "{body}");
        assert_eq!(str_field(&body["face_set_info"], "face_set_name"), name);
        created.insert(name, str_field(&body["face_set_info"], "face_set_id"));
    }
    let (status, body) = server.delete("fs-2").unwrap();
    assert_eq!(status, 200, "{body}");
    created.remove("fs-2");
    server.kill();

    let server = Server::start(dir.path());
    assert_eq!(server.list(), created, "same names and ids after kill -9 and restart");
    // Ids go on from the saved counter: a new set does not reuse one.
    let (status, body) = server.create("fs-new").unwrap();
    assert_eq!(status, 200, "{body}");
    let id = str_field(&body["face_set_info"], "face_set_id");
    assert!(!created.values().any(|old| *old == id), "id {id} reused");
    created.insert("fs-new".to_owned(), id);
    server.kill();

    // And again: a restarted emulator's changes are durable too.
    let server = Server::start(dir.path());
    assert_eq!(server.list(), created);
    assert!(!dir.path().join(TEMP).exists());
}

#[test]
fn without_a_state_dir_the_state_is_in_memory() {
    let server = Server::start_with(&["--no-auth", "--port", "0"]);
    let (status, body) = server.create("fs-0").unwrap();
    assert_eq!(status, 200, "{body}");
    server.kill();
    let server = Server::start_with(&["--no-auth", "--port", "0"]);
    assert!(server.list().is_empty());
}

// ---------------------------------------------------------------------------------------
// Kill mid-write.
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Create,
    Delete,
}

/// One request of a client, in the order sent.
#[derive(Debug)]
struct Sent {
    op: Op,
    name: String,
    /// `Some(id)` (the face set id for a create, empty for a delete) when 200 came back;
    /// `None` when the request was in flight at the kill (no answer).
    acked: Option<String>,
}

/// Creates `{prefix}{k}` then deletes `{prefix}{k-1}`, for k = 0, 1, ..., as fast as it
/// can, until the server stops answering, `max_requests` were sent or `deadline` passed;
/// so a client holds at most two face sets at a time. Returns what it sent, and panics on
/// an answer other than 200 (only the kill may stop it).
fn client(
    addr: SocketAddr,
    project: &str,
    prefix: &str,
    acked: &AtomicUsize,
    max_requests: usize,
    deadline: Instant,
) -> Vec<Sent> {
    let path = format!("/v2/{project}/face-sets");
    let mut sent = Vec::new();
    // Sends one request and records it; false when the client must stop.
    let mut send = |op: Op, name: String| -> bool {
        if sent.len() >= max_requests || Instant::now() >= deadline {
            return false;
        }
        let answer = match op {
            Op::Create => request(addr, "POST", &path, Some(&json!({ "face_set_name": name }))),
            Op::Delete => request(addr, "DELETE", &format!("{path}/{name}"), None),
        };
        match answer {
            Ok((200, body)) => {
                let id = match op {
                    Op::Create => str_field(&body["face_set_info"], "face_set_id"),
                    Op::Delete => String::new(),
                };
                sent.push(Sent { op, name, acked: Some(id) });
                acked.fetch_add(1, Ordering::SeqCst);
                true
            }
            Ok((status, body)) => panic!("{op:?} {name}: {status} {body}"),
            Err(_) => {
                sent.push(Sent { op, name, acked: None });
                false
            }
        }
    };
    for k in 0..max_requests {
        if !send(Op::Create, format!("{prefix}{k}")) {
            break;
        }
        if k > 0 && !send(Op::Delete, format!("{prefix}{}", k - 1)) {
            break;
        }
    }
    sent
}

/// What must hold for each name after the restart.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// Present, with this id.
    Present(String),
    Absent,
    /// In flight at the kill: either way.
    Either,
}

fn expectations(sent: &[Sent]) -> BTreeMap<String, Expect> {
    let mut expect = BTreeMap::new();
    for s in sent {
        let e = match (s.op, &s.acked) {
            (Op::Create, Some(id)) => Expect::Present(id.clone()),
            (Op::Delete, Some(_)) => Expect::Absent,
            (_, None) => Expect::Either,
        };
        expect.insert(s.name.clone(), e);
    }
    expect
}

#[test]
fn kill_mid_write_keeps_every_acknowledged_change() {
    const ROUNDS: usize = 5;
    const CLIENTS: usize = 2;
    /// Per client and round: about 2000 requests per round in all.
    const MAX_REQUESTS: usize = 1000;
    const ROUND_TIME: Duration = Duration::from_secs(5);

    let seed = std::env::var("FRS_DURABILITY_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
    });
    eprintln!("kill_mid_write: FRS_DURABILITY_SEED={seed}");
    let mut rng = SplitMix64::new(seed);

    let dir = TempDir::new("mid-write");
    let mut server = Server::start(dir.path());
    let mut mid_write_kills = 0;
    for round in 0..ROUNDS {
        let started = Instant::now();
        // Kill after this many acknowledged requests, then after a few more microseconds.
        let target = 20 + usize::try_from(rng.below(400)).unwrap();
        let extra = Duration::from_micros(rng.below(2_000));
        let acked = Arc::new(AtomicUsize::new(0));
        let deadline = started + ROUND_TIME;
        let clients: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let (addr, project, acked) = (server.addr, server.project.clone(), Arc::clone(&acked));
                let prefix = format!("r{round}-c{c}-");
                std::thread::spawn(move || client(addr, &project, &prefix, &acked, MAX_REQUESTS, deadline))
            })
            .collect();
        while acked.load(Ordering::SeqCst) < target
            && Instant::now() < deadline
            && !clients.iter().all(std::thread::JoinHandle::is_finished)
        {
            std::thread::sleep(Duration::from_micros(100));
        }
        std::thread::sleep(extra);
        let at = acked.load(Ordering::SeqCst);
        server.kill();
        let sent: Vec<Vec<Sent>> = clients.into_iter().map(|c| c.join().unwrap()).collect();

        // On disk, before any restart: a consistent state, whatever the moment of the kill.
        if wal_left(dir.path()) {
            mid_write_kills += 1;
        }
        let on_disk = names_in_state_file(dir.path());

        server = Server::start(dir.path());
        assert!(!dir.path().join(TEMP).exists(), "the unfinished save is removed at start-up");
        let listed = server.list();
        assert_eq!(listed.keys().cloned().collect::<BTreeSet<_>>(), on_disk, "the restart serves the file");
        let mut either = 0;
        for (name, expect) in sent.iter().flat_map(|s| expectations(s)) {
            match expect {
                Expect::Present(id) => assert_eq!(
                    listed.get(&name),
                    Some(&id),
                    "round {round} (seed {seed}): acknowledged create of {name} lost"
                ),
                Expect::Absent => assert!(
                    !listed.contains_key(&name),
                    "round {round} (seed {seed}): acknowledged delete of {name} undone"
                ),
                Expect::Either => either += 1,
            }
        }
        let known: BTreeSet<String> = sent.iter().flatten().map(|s| s.name.clone()).collect();
        for name in listed.keys() {
            assert!(known.contains(name), "round {round} (seed {seed}): {name} was never created");
        }
        let total: usize = sent.iter().map(Vec::len).sum();
        eprintln!(
            "round {round}: killed at {at}+ acknowledged, {total} requests sent ({either} in flight), \
             {} face sets kept, {:?}",
            listed.len(),
            started.elapsed()
        );
        assert!(either <= CLIENTS, "at most one request per client is in flight");

        // Clear the sets so the next round stays within the limit of 10.
        for name in listed.keys() {
            let (status, body) = server.delete(name).unwrap();
            assert_eq!(status, 200, "{body}");
        }
        assert!(server.list().is_empty());
    }
    eprintln!("kill_mid_write: {mid_write_kills} of {ROUNDS} kills left a WAL to replay");
}

/// `kill -9` in the middle of a load of 10,000 adds (two clients, 5,000 each): after the
/// restart every acknowledged face is there with its id and image id, and nothing else
/// but the adds in flight at the kill.
#[test]
fn kill_during_a_10000_add_load_keeps_every_acknowledged_add() {
    const CLIENTS: usize = 2;
    const ADDS_PER_CLIENT: usize = 5_000;
    const LOAD_TIME: Duration = Duration::from_secs(120);

    let seed = std::env::var("FRS_DURABILITY_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
    });
    eprintln!("kill_during_load: FRS_DURABILITY_SEED={seed}");
    let mut rng = SplitMix64::new(seed);
    // Somewhere in the middle of the load.
    let target = 2_000 + usize::try_from(rng.below(6_000)).unwrap();

    let dir = TempDir::new("add-load");
    let server = Server::start(dir.path());
    let (status, body) = server.create("load").unwrap();
    assert_eq!(status, 200, "{body}");
    let image = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        frs_emulator::testimage::TestImage::person("loaded").png(),
    );
    let acked = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + LOAD_TIME;
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (addr, acked, image) = (server.addr, Arc::clone(&acked), image.clone());
            let path = format!("{}/load/faces", server.face_sets_path());
            std::thread::spawn(move || {
                // (external image id, face id once acknowledged)
                let mut sent: Vec<(String, Option<String>)> = Vec::new();
                for k in 0..ADDS_PER_CLIENT {
                    if Instant::now() >= deadline {
                        break;
                    }
                    let image_id = format!("c{c}-{k}");
                    let body = json!({ "image_base64": image, "external_image_id": image_id });
                    match request(addr, "POST", &path, Some(&body)) {
                        Ok((200, answer)) => {
                            let face_id = str_field(&answer["faces"][0], "face_id");
                            sent.push((image_id, Some(face_id)));
                            acked.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok((status, answer)) => panic!("add {image_id}: {status} {answer}"),
                        Err(_) => {
                            sent.push((image_id, None));
                            break;
                        }
                    }
                }
                sent
            })
        })
        .collect();
    while acked.load(Ordering::SeqCst) < target
        && Instant::now() < deadline
        && !clients.iter().all(std::thread::JoinHandle::is_finished)
    {
        std::thread::sleep(Duration::from_micros(200));
    }
    let at = acked.load(Ordering::SeqCst);
    server.kill();
    let sent: Vec<(String, Option<String>)> = clients.into_iter().flat_map(|c| c.join().unwrap()).collect();
    assert!(at >= target.min(CLIENTS * ADDS_PER_CLIENT), "the load ended before the kill ({at} adds)");

    let server = Server::start(dir.path());
    let (status, state) = request(server.addr, "GET", "/__emulator/state", None).unwrap();
    assert_eq!(status, 200);
    let stored: BTreeMap<String, String> = state["sets"]["load"]["faces"]
        .as_array()
        .unwrap_or_else(|| panic!("no faces in {state}"))
        .iter()
        .map(|f| (str_field(f, "face_id"), str_field(f, "external_image_id")))
        .collect();
    let acknowledged: Vec<&(String, Option<String>)> = sent.iter().filter(|s| s.1.is_some()).collect();
    for (image_id, face_id) in &acknowledged {
        let face_id = face_id.as_ref().unwrap();
        assert_eq!(
            stored.get(face_id),
            Some(image_id),
            "seed {seed}: acknowledged add {image_id} ({face_id}) lost after kill -9 at {at} adds"
        );
    }
    let in_flight = sent.len() - acknowledged.len();
    assert!(in_flight <= CLIENTS, "at most one add per client is in flight");
    assert!(stored.len() <= acknowledged.len() + in_flight, "seed {seed}: faces that were never added");
    let sent_ids: BTreeSet<&String> = sent.iter().map(|s| &s.0).collect();
    assert!(stored.values().all(|id| sent_ids.contains(id)), "seed {seed}: unknown faces");
    eprintln!(
        "kill_during_load: killed at {at}+ acknowledged adds; {} acknowledged, {} stored after restart",
        acknowledged.len(),
        stored.len()
    );
}

// ---------------------------------------------------------------------------------------
// Start-up, flags, signals.
// ---------------------------------------------------------------------------------------

#[test]
fn corrupt_state_refuses_to_start() {
    let dir = TempDir::new("corrupt");
    std::fs::write(dir.path().join(STATE), b"{\"sets\": {\"half").unwrap();
    let mut child = Command::new(BIN)
        .args(["--no-auth", "--port", "0", "--state-dir", dir.path().to_str().unwrap()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let mut server = Server {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        project: String::new(),
        lines: mpsc::channel().1,
    };
    let status = server.wait_exit(START_TIMEOUT).expect("frs-emulator started on a corrupt state");
    assert_eq!(status.code(), Some(1));
    let mut message = String::new();
    stderr.read_to_string(&mut message).unwrap();
    assert!(message.contains("state.json") && message.contains("corrupt"), "{message}");
    // The damaged file is left for inspection, not overwritten.
    assert_eq!(std::fs::read(dir.path().join(STATE)).unwrap(), b"{\"sets\": {\"half");
}

#[test]
fn leftover_temporary_file_is_ignored() {
    let dir = TempDir::new("leftover");
    let server = Server::start(dir.path());
    let (status, body) = server.create("kept").unwrap();
    assert_eq!(status, 200, "{body}");
    server.kill();
    std::fs::write(dir.path().join(TEMP), b"{\"sets\": {\"unfinished").unwrap();
    let server = Server::start(dir.path());
    assert_eq!(server.list().keys().collect::<Vec<_>>(), ["kept"]);
    assert!(!dir.path().join(TEMP).exists());
}

#[test]
fn start_up_lines_and_flags() {
    let server = Server::start_with(&["--port", "0"]);
    assert_eq!(server.addr.ip().to_string(), "127.0.0.1");
    assert_ne!(server.addr.port(), 0);
    assert_eq!(server.project, EmulatorConfig::DEFAULT_PROJECT_ID);
    let rest: Vec<String> = (0..3).map_while(|_| server.lines.recv_timeout(START_TIMEOUT).ok()).collect();
    let text = rest.join("\n");
    assert!(text.contains(EmulatorConfig::DEFAULT_TOKEN), "{text}");
    assert!(text.contains(EmulatorConfig::DEFAULT_ACCESS_KEY), "{text}");
    assert!(text.contains("state: in memory"), "{text}");
    // Credentials are checked: no token, no answer.
    let (status, _) =
        request(server.addr, "GET", &format!("/v2/{}/face-sets", server.project), None).unwrap();
    assert_eq!(status, 401);
    drop(server);

    let server = Server::start_with(&[
        "--port",
        "0",
        "--project-id",
        "p-123",
        "--access-key",
        "AK9:very-secret-sk",
        "--user",
        "alice:hunter2:acme",
    ]);
    assert_eq!(server.project, "p-123");
    let rest: Vec<String> = (0..3).map_while(|_| server.lines.recv_timeout(START_TIMEOUT).ok()).collect();
    let text = rest.join("\n");
    assert!(text.contains("AK9") && text.contains("alice"), "{text}");
    assert!(!text.contains("very-secret-sk") && !text.contains("hunter2"), "{text}");
}

#[test]
fn invalid_flags_exit_2() {
    for args in [&["--port", "http"][..], &["--access-key", "no-colon"], &["--bogus"]] {
        let output = Command::new(BIN).args(args).stdin(Stdio::null()).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(!output.stderr.is_empty(), "{args:?}: no message");
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_exits_0() {
    let mut server = Server::start_with(&["--no-auth", "--port", "0"]);
    let pid = server.child.id().to_string();
    let status = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(status.success());
    let status = server.wait_exit(Duration::from_secs(10)).expect("still running after SIGINT");
    assert_eq!(status.code(), Some(0));
}

// ---------------------------------------------------------------------------------------
// In-process.
// ---------------------------------------------------------------------------------------

#[test]
fn in_process_emulator_loads_what_a_previous_one_saved() {
    let dir = TempDir::new("in-process");
    let config =
        EmulatorConfig { state_dir: Some(dir.path().to_owned()), no_auth: true, ..EmulatorConfig::default() };
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    let project = config.project_id.clone();
    let path = format!("/v2/{project}/face-sets");
    let first = Emulator::start_on(config.clone(), loopback).unwrap();
    let (status, body) =
        request(first.addr(), "POST", &path, Some(&json!({ "face_set_name": "saved" }))).unwrap();
    assert_eq!(status, 200, "{body}");
    let id = str_field(&body["face_set_info"], "face_set_id");
    drop(first);

    let second = Emulator::start_on(config, loopback).unwrap();
    assert_eq!(second.face_count("saved"), Some(0));
    let (status, body) = request(second.addr(), "GET", &path, None).unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["face_sets_info"][0]["face_set_id"], json!(id));
}

/// A change that cannot be saved is refused (FRS.0018, HTTP 500) and has no effect: the
/// state directory is replaced by a file while the emulator runs, so every save fails.
#[test]
fn a_change_that_cannot_be_saved_is_not_applied() {
    use frs_request::face_sets::{CreateFaceSet, ShowAllFaceSets};
    use frs_request::{Config, Credentials, Endpoint, RetryPolicy};

    let dir = std::env::temp_dir().join(format!("frs-unsaved-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let config = EmulatorConfig { state_dir: Some(dir.clone()), no_auth: true, ..EmulatorConfig::default() };
    let emulator = Emulator::start(config).unwrap();
    let client = frs_ureq::Client::new(
        Config::new(
            Endpoint::parse(&emulator.endpoint()).unwrap(),
            EmulatorConfig::DEFAULT_PROJECT_ID.parse().unwrap(),
            Credentials::token("unused"),
        )
        .with_retry(RetryPolicy::none()),
    );
    client.execute(&CreateFaceSet::new("kept".parse().unwrap())).unwrap();

    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::write(&dir, b"not a directory").unwrap();
    let err = client.execute(&CreateFaceSet::new("lost".parse().unwrap())).unwrap_err();
    assert_eq!(err.code(), Some(&frs_types::ErrorCode::InternalError), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    let sets = client.execute(&ShowAllFaceSets).unwrap();
    let names: Vec<_> =
        sets.face_sets_info.iter().flatten().filter_map(|s| s.face_set_name.clone()).collect();
    assert_eq!(names, ["kept"]);
    std::fs::remove_file(&dir).unwrap();
}
