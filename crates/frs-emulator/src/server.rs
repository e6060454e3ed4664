//! The HTTP side: the admin API, faults, the API gateway's checks, and routing to the
//! operations.

use std::sync::{Arc, PoisonError};
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, StatusCode};
use bytes::Bytes;
use frs_types::ErrorCode;
use serde_json::{Value, json};

use crate::Shared;
use crate::auth;
use crate::conn::Connection;
use crate::faults::Fault;
use crate::http_util::{frs_error, gateway_error, json_response, request_id};
use crate::inputs::{Failure, Inputs};
use crate::routes::{self, Endpoint};
use crate::service;

/// The reserved path prefix of the admin API.
pub const ADMIN_PREFIX: &str = "/__emulator";

/// A request as the emulator received it; secret header values are replaced by `***`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RecordedRequest {
    /// The method.
    pub method: String,
    /// The request target (path and query), as received.
    pub target: String,
    /// The headers, in the order received, names lower case.
    pub headers: Vec<(String, String)>,
    /// The size of the body in bytes.
    pub body_len: usize,
    /// For a request refused with a signature mismatch: the canonical request the emulator
    /// computed (compare it with the client's, e.g. `frs sign`, line by line).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canonical_request: Option<String>,
    /// For a request refused with a signature mismatch: the string to sign the emulator
    /// computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string_to_sign: Option<String>,
}

impl RecordedRequest {
    /// The first value of a header, by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// `create_date` of a new face set: UTC, `YYYY-MM-DD HH:MM:SS` (the service documents no
/// format).
pub(crate) fn create_date() -> String {
    let d = frs_request::sdk_date::format_sdk_date(SystemTime::now()).unwrap_or_default();
    if d.len() != 16 {
        return d;
    }
    format!("{}-{}-{} {}:{}:{}", &d[0..4], &d[4..6], &d[6..8], &d[9..11], &d[11..13], &d[13..15])
}

pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    workers: &Workers,
    shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    // Not a graceful shutdown: a connection held open by a `Hang` fault must not keep the
    // emulator alive; the runtime drops whatever is left.
    tokio::select! {
        () = accept_loop(listener, shared, workers) => {}
        _ = shutdown => {}
    }
}

/// The single-threaded runtimes connections are served on, in turn: the accepting thread's
/// own and one thread each for the others.
pub(crate) struct Workers {
    handles: Vec<tokio::runtime::Handle>,
    threads: Vec<(tokio::sync::oneshot::Sender<()>, std::thread::JoinHandle<()>)>,
}

impl Workers {
    /// `extra` threads, each with a runtime of its own, besides the runtime of `own`.
    pub(crate) fn start(extra: usize, own: tokio::runtime::Handle) -> std::io::Result<Self> {
        let mut workers = Self { handles: vec![own], threads: Vec::with_capacity(extra) };
        for i in 0..extra {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            workers.handles.push(runtime.handle().clone());
            let thread =
                std::thread::Builder::new().name(format!("frs-emulator-{}", i + 1)).spawn(move || {
                    let _ = runtime.block_on(stopped);
                    runtime.shutdown_timeout(Duration::from_millis(100));
                })?;
            workers.threads.push((stop, thread));
        }
        Ok(workers)
    }

    /// Stops the other threads, dropping the connections they serve.
    pub(crate) fn stop(self) {
        for (stop, thread) in self.threads {
            let _ = stop.send(());
            let _ = thread.join();
        }
    }
}

/// Accepts connections and serves each on a task of its own, on the workers in turn: at
/// most `max_connections` at once (further ones are closed at once, so a flood cannot
/// exhaust the file descriptors), headers within `header_read_timeout`, and an answer even
/// to a client that half-closes after its request.
async fn accept_loop(listener: tokio::net::TcpListener, shared: Arc<Shared>, workers: &Workers) {
    let permits = Arc::new(tokio::sync::Semaphore::new(shared.config.max_connections.max(1)));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(shared.config.header_read_timeout)
        .half_close(true);
    for turn in (0..workers.handles.len()).cycle() {
        // Out of file descriptors and similar: wait a little rather than spin.
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        shared.connections.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        // Answers are small and latency matters more than batching in tests.
        let _ = stream.set_nodelay(true);
        // Registered anew with the I/O driver of the runtime that serves it.
        let Ok(stream) = stream.into_std() else { continue };
        let shared = Arc::clone(&shared);
        let http = http.clone();
        workers.handles[turn].spawn(async move {
            let Ok(mut stream) = tokio::net::TcpStream::from_std(stream) else { return };
            // A client that sends nothing is let go after the header timeout, as hyper
            // does for one that sends too slowly.
            match tokio::time::timeout(
                shared.config.header_read_timeout,
                first_request_line_is_valid(&stream),
            )
            .await
            {
                Ok(true) => {}
                Ok(false) => {
                    refuse_request_line(&shared, &mut stream).await;
                    drop(permit);
                    return;
                }
                Err(_) => {
                    drop(permit);
                    return;
                }
            }
            let (io, connection) = Connection::wrap(stream);
            let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                let (shared, connection) = (Arc::clone(&shared), connection.clone());
                async move {
                    Ok::<_, std::convert::Infallible>(handle(shared, connection, req.map(Body::new)).await)
                }
            });
            let _ = http.serve_connection(hyper_util::rt::TokioIo::new(io), service).await;
            drop(permit);
        });
    }
}

fn record(shared: &Shared, parts: &http::request::Parts, body_len: usize) -> String {
    let received = crate::journal::Received::new(parts, body_len);
    let rid = next_request_id(shared);
    shared.log.lock().unwrap_or_else(PoisonError::into_inner).push(received, rid.clone());
    rid
}

/// A request id that is new for every request, also across restarts.
fn next_request_id(shared: &Shared) -> String {
    let n = shared.requests_seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
    request_id(n ^ shared.boot_salt)
}

/// Whether the first request line of a connection is made of printable ASCII, as HTTP
/// requires; hyper answers anything else (a NUL, invalid UTF-8) with an empty 400, the
/// emulator with the gateway's JSON error. The line is peeked at, not read; a line that
/// has not arrived within a moment is left to hyper (and its header timeout).
async fn first_request_line_is_valid(stream: &tokio::net::TcpStream) -> bool {
    let mut buf = [0u8; 8192];
    for _ in 0..20 {
        let Ok(n) = stream.peek(&mut buf).await else { return true };
        if n == 0 {
            return true;
        }
        let seen = &buf[..n];
        let line = seen.iter().position(|b| *b == b'\n').map(|end| &seen[..end]);
        if let Some(line) = line {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            return line.iter().all(|b| (0x20..=0x7E).contains(b));
        }
        if seen.iter().any(|b| *b == 0 || *b >= 0x80) {
            return false;
        }
        if n == buf.len() {
            return true;
        }
        // Peeking again at once would see the same bytes: wait for more.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    true
}

/// Answers a request line that is not HTTP with the gateway's JSON error, and closes.
async fn refuse_request_line(shared: &Shared, stream: &mut tokio::net::TcpStream) {
    let rid = next_request_id(shared);
    let body = json!({
        "error_code": ErrorCode::GatewayRequestError.as_str(),
        "error_msg": "The request line is not valid HTTP (control or non-ASCII characters).",
        "request_id": rid,
    })
    .to_string();
    let answer = format!(
        "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json;charset=UTF-8\r\nx-request-id: {rid}\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let send = async {
        // What was sent is read first: closing with unread bytes would reset the
        // connection and lose the answer.
        let mut sink = [0u8; 8192];
        while matches!(stream.try_read(&mut sink), Ok(n) if n > 0) {}
        let mut rest = answer.as_bytes();
        while !rest.is_empty() && stream.writable().await.is_ok() {
            match stream.try_write(rest) {
                Ok(n) => rest = &rest[n..],
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(_) => break,
            }
        }
        // Let the client read the answer before the connection goes.
        tokio::time::sleep(Duration::from_millis(50)).await;
        while matches!(stream.try_read(&mut sink), Ok(n) if n > 0) {}
    };
    let _ = tokio::time::timeout(Duration::from_secs(5), send).await;
}

/// Reads a body of at most `max` bytes within `timeout`.
async fn read_body(body: Body, max: usize, timeout: Duration) -> Result<Bytes, BodyError> {
    // Most requests (GET, DELETE) have none: no timer, no stream.
    if hyper::body::Body::is_end_stream(&body) {
        return Ok(Bytes::new());
    }
    let collect = async {
        let mut stream = body.into_data_stream();
        let mut out = bytes::BytesMut::new();
        while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
            let chunk = chunk.map_err(|_| BodyError::Broken)?;
            if out.len() + chunk.len() > max {
                return Err(BodyError::TooLarge);
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out.freeze())
    };
    tokio::time::timeout(timeout, collect).await.unwrap_or(Err(BodyError::TimedOut))
}

/// Why a request body could not be read.
enum BodyError {
    /// Over the gateway's limit: 413.
    TooLarge,
    /// A bad chunk, a connection closed early: 400.
    Broken,
    /// Not sent in time: 408.
    TimedOut,
}

/// The header carrying the admin token.
pub(crate) const ADMIN_TOKEN_HEADER: &str = "x-emulator-admin-token";

fn failure_response(failure: &Failure, rid: &str) -> Response<Body> {
    frs_error(&failure.code, &failure.message, rid)
}

async fn handle(shared: Arc<Shared>, connection: Connection, req: Request<Body>) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let body = match read_body(body, shared.config.max_body_bytes, shared.config.body_read_timeout).await {
        Ok(body) => body,
        Err(e) => {
            let rid = record(&shared, &parts, 0);
            let (status, message) = match e {
                BodyError::TooLarge => (413, "Request entity too large."),
                BodyError::Broken => (400, "The request body could not be read."),
                BodyError::TimedOut => (408, "The request body was not received in time."),
            };
            return gateway_error(&ErrorCode::GatewayRequestError, status, message, &rid);
        }
    };
    if parts.uri.path().starts_with(ADMIN_PREFIX) {
        return crate::admin::handle(&shared, &parts, &body);
    }
    let rid = record(&shared, &parts, body.len());

    // Routed first (a pure lookup), so that faults can be scoped to an operation or a set.
    let path = parts.uri.path();
    // A path without `%` decodes to itself (the usual case): its segments are borrowed.
    let decoded: Vec<std::borrow::Cow<'_, str>>;
    let segs: Vec<&str> = if path.contains('%') {
        decoded = path_segments(path)
            .into_iter()
            .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy())
            .collect();
        decoded.iter().map(AsRef::as_ref).collect()
    } else {
        path_segments(path)
    };
    let route = routes::find(&parts.method, &segs).filter(|r| {
        shared.config.metadata.enabled
            || !matches!(r.endpoint, Endpoint::MetadataToken | Endpoint::SecurityKey)
    });
    let fault = {
        let mut faults = shared.faults.lock().unwrap_or_else(PoisonError::into_inner);
        if faults.is_idle() {
            None
        } else {
            let operation = route.map(|r| crate::faults::operation_name(r.endpoint));
            faults.next_for(&crate::faults::Target {
                path: parts.uri.path(),
                operation: operation.as_deref(),
                face_set: route.map(|r| r.face_set).filter(|s| !s.is_empty()),
            })
        }
    };
    let lose_answer = fault == Some(Fault::LoseAnswer);
    match fault {
        Some(Fault::Respond { status, content_type, body, headers }) => {
            // A status outside 200-599 (possible only from Rust: the admin API refuses it)
            // becomes 502.
            let status = StatusCode::from_u16(status)
                .ok()
                .filter(|s| (200..=599).contains(&s.as_u16()))
                .unwrap_or(StatusCode::BAD_GATEWAY);
            // 204 and 304 have no body, hence no content-length either.
            let body = if matches!(status.as_u16(), 204 | 304) { Body::empty() } else { Body::from(body) };
            let mut resp = Response::new(body);
            *resp.status_mut() = status;
            if let Ok(v) = HeaderValue::from_str(&content_type) {
                resp.headers_mut().insert("content-type", v);
            }
            for (name, value) in headers {
                // Checked when the fault was set through the admin API; from Rust a name or
                // value that is not HTTP is skipped.
                if let (Ok(name), Ok(value)) =
                    (http::HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value))
                {
                    resp.headers_mut().append(name, value);
                }
            }
            return resp;
        }
        Some(Fault::Hang) => {
            tokio::time::sleep(Duration::from_secs(24 * 3600)).await;
            return json_response(StatusCode::GATEWAY_TIMEOUT, &json!({}), &rid);
        }
        Some(Fault::Drop) => {
            connection.cut();
            return json_response(StatusCode::BAD_GATEWAY, &json!({}), &rid);
        }
        Some(Fault::Truncate { status, body, sent }) => {
            let declared = body.len();
            let first = Bytes::from(body).slice(..sent.min(declared));
            // The error comes a moment after the first bytes: raised at once, hyper would close
            // the connection before writing the head.
            let cut = futures_util::stream::once(async {
                tokio::time::sleep(Duration::from_millis(50)).await;
                Err::<Bytes, _>(std::io::Error::other("connection closed by fault injection"))
            });
            let stream = futures_util::StreamExt::chain(futures_util::stream::iter([Ok(first)]), cut);
            let mut resp = Response::new(Body::from_stream(stream));
            *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            resp.headers_mut()
                .insert("content-type", HeaderValue::from_static("application/json;charset=UTF-8"));
            resp.headers_mut().insert("content-length", HeaderValue::from(declared));
            return resp;
        }
        Some(Fault::Delay { ms }) => tokio::time::sleep(Duration::from_millis(ms)).await,
        Some(Fault::Latency { ms, jitter_ms, seed }) => {
            let wait =
                shared.faults.lock().unwrap_or_else(PoisonError::into_inner).latency(ms, jitter_ms, seed);
            tokio::time::sleep(wait).await;
        }
        Some(Fault::LoseAnswer) | None => {}
    }
    let mut response = answer(&shared, &parts, &body, &rid, route, &segs);
    if lose_answer {
        // Served: now lose the answer.
        connection.cut();
        return json_response(StatusCode::BAD_GATEWAY, &json!({}), &rid);
    }
    // The gateway's clock, as a client may use it to correct its own (`clock_offset_secs`).
    if let Some(date) = date_header(auth::now_with_offset(shared.config.clock_offset_secs)) {
        response.headers_mut().insert(http::header::DATE, date);
    }
    response
}

/// The segments of `path` after its first `/`, as `path.split('/').skip(1)` gives them, found
/// by a byte scan: `split`'s searcher cost more than these short segments, on every request.
fn path_segments(path: &str) -> Vec<&str> {
    let mut segments = Vec::with_capacity(8);
    let mut start = None;
    for (i, b) in path.bytes().enumerate() {
        if b == b'/' {
            if let Some(start) = start {
                segments.push(&path[start..i]);
            }
            start = Some(i + 1);
        }
    }
    if let Some(start) = start {
        segments.push(&path[start..]);
    }
    segments
}

/// The `Date` header for `t`, formatted once per second per thread (it has a resolution of
/// a second, and every answer carries it).
fn date_header(t: SystemTime) -> Option<HeaderValue> {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(u64, HeaderValue)>> = const { std::cell::RefCell::new(None) };
    }
    let secs = t.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((_, value)) = last.as_ref().filter(|(at, _)| *at == secs) {
            return Some(value.clone());
        }
        let value = HeaderValue::from_str(&http_date(t)).ok()?;
        *last = Some((secs, value.clone()));
        Some(value)
    })
}

/// An IMF-fixdate (`Tue, 01 Dec 2026 23:41:32 GMT`), as the gateway writes `Date`.
fn http_date(t: SystemTime) -> String {
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    let secs = t.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    // 20261201T234132Z
    let compact = frs_request::sdk_date::format_sdk_date(t).unwrap_or_default();
    let field = |range: std::ops::Range<usize>| compact.get(range).unwrap_or("00");
    let month =
        field(4..6).parse::<usize>().ok().and_then(|m| MONTHS.get(m.wrapping_sub(1))).unwrap_or(&"Jan");
    let day = usize::try_from((secs / 86_400) % 7).unwrap_or(0);
    format!(
        "{}, {} {month} {} {}:{}:{} GMT",
        DAYS[day],
        field(6..8),
        field(0..4),
        field(9..11),
        field(11..13),
        field(13..15)
    )
}

/// What the service answers to a request that no fault stopped (its route already found).
fn answer(
    shared: &Arc<Shared>,
    parts: &http::request::Parts,
    body: &Bytes,
    rid: &str,
    route: Option<routes::Matched<'_>>,
    segs: &[&str],
) -> Response<Body> {
    let Some(route) = route else {
        return gateway_error(
            &ErrorCode::GatewayApiNotFound,
            404,
            "The API does not exist or has not been published in the environment.",
            rid,
        );
    };
    let query = parts.uri.query().map(frs_request::server::parse_query).unwrap_or_default();
    // Answered without credentials, as IAM's token API and the metadata service are.
    match route.endpoint {
        Endpoint::IssueToken => return crate::iam::issue_token(shared, body, rid),
        Endpoint::MetadataToken => return crate::metadata::issue_token(shared, parts, rid),
        Endpoint::SecurityKey => return crate::metadata::security_key(shared, parts, rid),
        _ => {}
    }
    if let Err(refusal) = auth::check(shared, parts, body) {
        if let Some((canonical_request, string_to_sign)) = refusal.computed {
            if shared.config.verbose {
                eprintln!(
                    "frs-emulator: {} {}: signature mismatch; the emulator computed\n--- canonical request\n{canonical_request}\n--- string to sign\n{string_to_sign}\n---",
                    parts.method,
                    parts.uri.path()
                );
            }
            shared.log.lock().unwrap_or_else(PoisonError::into_inner).annotate(
                rid,
                canonical_request,
                string_to_sign,
            );
        }
        return gateway_error(&refusal.code, refusal.status, &refusal.message, rid);
    }
    if let Err(limit) =
        shared.quota.lock().unwrap_or_else(PoisonError::into_inner).take(std::time::Instant::now())
    {
        return gateway_error(
            &ErrorCode::GatewayThrottled,
            429,
            &format!(
                "The throttling threshold has been reached: policy user over ratelimit,limit:{limit},time:1 second"
            ),
            rid,
        );
    }
    if route.endpoint == Endpoint::ListProjects {
        return crate::iam::list_projects(shared, &query, rid);
    }
    if segs.get(1).is_some_and(|project| *project != shared.config.project_id) {
        return frs_error(
            &ErrorCode::ProjectIdMismatch,
            "The project id does not match the credentials.",
            rid,
        );
    }
    let content_type = parts.headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let inputs = match route.endpoint.has_body().then(|| Inputs::read(content_type, body)).transpose() {
        Ok(inputs) => inputs.unwrap_or_default(),
        Err(failure) => return failure_response(&failure, rid),
    };
    let set = route.face_set;
    let outcome = match route.endpoint {
        Endpoint::CreateFaceSet => service::create_face_set(shared, &inputs),
        Endpoint::ShowAllFaceSets => service::show_all_face_sets(shared),
        Endpoint::ShowFaceSet => service::show_face_set(shared, set),
        Endpoint::DeleteFaceSet => service::delete_face_set(shared, set),
        Endpoint::AddFaces => service::add_faces(shared, set, &inputs),
        Endpoint::ShowFaces => service::show_faces(shared, set, &query),
        Endpoint::UpdateFace => service::update_face(shared, set, &inputs),
        Endpoint::DeleteFaces => service::delete_faces(shared, set, &query),
        Endpoint::BatchDeleteFaces => service::batch_delete_faces(shared, set, &inputs),
        Endpoint::Search => service::search(shared, set, &inputs),
        Endpoint::Detect => service::detect(shared, &inputs),
        Endpoint::Compare => service::compare(shared, &inputs),
        Endpoint::LiveDetect => service::live_detect(shared, &inputs),
        Endpoint::LiveDetectFace => service::live_detect_face(shared, &inputs),
        Endpoint::IssueToken | Endpoint::ListProjects | Endpoint::MetadataToken | Endpoint::SecurityKey => {
            Err(Failure::invalid("unreachable route"))
        }
    };
    match outcome {
        Ok(value) => json_response(StatusCode::OK, &value, rid),
        Err(failure) => failure_response(&failure, rid),
    }
}

/// JSON from a value, for the admin API.
pub(crate) fn admin_json(status: StatusCode, value: &Value) -> Response<Body> {
    json_response(status, value, "admin")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Workers, path_segments};

    #[test]
    fn workers_run_their_tasks_on_threads_of_their_own_and_stop() {
        let own = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        let workers = Workers::start(2, own.handle().clone()).expect("workers");
        assert_eq!(workers.handles.len(), 3);
        let names: Vec<Option<String>> = own.block_on(async {
            let mut names = Vec::new();
            for handle in &workers.handles {
                let task = handle.spawn(async { std::thread::current().name().map(str::to_owned) });
                names.push(task.await.expect("the task ran"));
            }
            names
        });
        let me = std::thread::current().name().map(str::to_owned);
        assert_eq!(names, [me, Some("frs-emulator-1".to_owned()), Some("frs-emulator-2".to_owned())]);
        let extra = workers.handles[1].clone();
        workers.stop();
        // The stopped runtime takes no more work.
        let late = extra.spawn(async {});
        assert!(own.block_on(late).is_err_and(|e| e.is_cancelled()));
    }

    proptest! {
        /// The byte scan splits every string as `split('/').skip(1)` does.
        #[test]
        fn path_segments_are_those_of_split(path in "[/a%é]{0,12}") {
            let expected: Vec<&str> = path.split('/').skip(1).collect();
            prop_assert_eq!(path_segments(&path), expected);
        }
    }

    #[test]
    fn path_segments_of_edge_cases() {
        for path in
            ["", "/", "//", "a", "a/b", "/v2/p/face-sets/s/faces", "/v2/p/face-sets/s/faces/", "/é/ü/"]
        {
            let expected: Vec<&str> = path.split('/').skip(1).collect();
            assert_eq!(path_segments(path), expected, "{path:?}");
        }
    }
}
