//! A blocking transport over `std::net::TcpStream`: plain HTTP/1.1 with keep-alive, no
//! HTTP crate beyond `http`. The whole of what a runtime must add to the sans-IO core.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Mutex;
use std::time::Instant;

use bytes::Bytes;
use frs_request::{SyncTransport, TransportError, TransportErrorKind, TransportLimits};

/// Why an exchange failed, with the kind the retry policy weighs.
#[derive(Debug, thiserror::Error)]
#[error("{0:?}: {1}")]
pub(crate) struct StdNetError(pub TransportErrorKind, #[source] pub std::io::Error);

impl TransportError for StdNetError {
    fn kind(&self) -> TransportErrorKind {
        self.0
    }
}

fn fail(kind: TransportErrorKind, what: &str) -> StdNetError {
    StdNetError(kind, std::io::Error::other(what.to_owned()))
}

fn io(e: std::io::Error) -> StdNetError {
    use std::io::ErrorKind as K;
    let kind = match e.kind() {
        K::WouldBlock | K::TimedOut => TransportErrorKind::Timeout,
        K::ConnectionRefused => TransportErrorKind::Connect,
        _ => TransportErrorKind::Other,
    };
    StdNetError(kind, e)
}

/// Sends each request on an idle kept-alive connection to its host, or a new one.
#[derive(Debug)]
pub(crate) struct StdNetTransport {
    limits: TransportLimits,
    idle: Mutex<Vec<(String, TcpStream)>>,
}

impl StdNetTransport {
    /// A transport applying `limits` (connect timeout, whole-attempt deadline, body cap).
    pub(crate) fn new(limits: TransportLimits) -> Self {
        Self { limits, idle: Mutex::new(Vec::new()) }
    }

    /// An idle connection to `host` that the server has not closed, else a new one.
    fn connection(&self, host: &str) -> Result<TcpStream, StdNetError> {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        while let Some(i) = idle.iter().position(|(h, _)| h == host) {
            let (_, stream) = idle.swap_remove(i);
            // A closed connection reads as end-of-file at once; a live idle one would block.
            let alive = stream.set_nonblocking(true).is_ok() && stream.peek(&mut [0]).is_err();
            if alive && stream.set_nonblocking(false).is_ok() {
                return Ok(stream);
            }
        }
        drop(idle);
        let addr = host
            .to_socket_addrs()
            .map_err(io)?
            .next()
            .ok_or_else(|| fail(TransportErrorKind::Connect, host))?;
        TcpStream::connect_timeout(&addr, self.limits.connect_timeout)
            .map_err(|e| StdNetError(TransportErrorKind::Connect, e))
    }
}

impl SyncTransport for StdNetTransport {
    type Error = StdNetError;

    fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, StdNetError> {
        let deadline = Instant::now() + self.limits.total_timeout;
        let host = request.uri().authority().map(ToString::to_string).unwrap_or_default();
        if request.uri().scheme_str() != Some("http") {
            return Err(fail(TransportErrorKind::Other, "this example speaks plain http:// only"));
        }
        let mut head = format!(
            "{} {} HTTP/1.1\r\nhost: {host}\r\n",
            request.method(),
            request.uri().path_and_query().map_or("/", |p| p.as_str())
        );
        for (name, value) in request.headers() {
            head += &format!(
                "{name}: {}\r\n",
                value.to_str().map_err(|_| fail(TransportErrorKind::Other, "header"))?
            );
        }
        head += &format!("content-length: {}\r\n\r\n", request.body().len());
        let stream = self.connection(&host)?;
        stream.set_write_timeout(Some(self.limits.total_timeout)).map_err(io)?;
        (&stream).write_all(&[head.as_bytes(), request.body()].concat()).map_err(io)?;
        let mut reader = BufReader::new(&stream);
        let mut lines = Vec::new();
        while lines.last().is_none_or(|l: &String| !l.is_empty()) {
            let mut line = String::new();
            stream.set_read_timeout(Some(remaining(deadline)?)).map_err(io)?;
            if reader.read_line(&mut line).map_err(io)? == 0 {
                return Err(fail(TransportErrorKind::Other, "connection closed before the answer ended"));
            }
            lines.push(line.trim_end().to_owned());
        }
        let status = lines[0].split(' ').nth(1).and_then(|s| s.parse().ok());
        let mut response = http::Response::new(Bytes::new());
        *response.status_mut() = status.ok_or_else(|| fail(TransportErrorKind::Other, "bad status line"))?;
        for (name, value) in lines[1..].iter().filter_map(|l| l.split_once(':')) {
            let (Ok(name), Ok(value)) =
                (http::HeaderName::try_from(name), http::HeaderValue::try_from(value.trim()))
            else {
                return Err(fail(TransportErrorKind::Other, "bad header"));
            };
            response.headers_mut().append(name, value);
        }
        let header = |name| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
        let length: u64 = header("content-length")
            .parse()
            .map_err(|_| fail(TransportErrorKind::Other, "no content-length"))?;
        if length > self.limits.max_response_bytes {
            return Err(fail(TransportErrorKind::BodyTooLarge, "the answer body exceeds the cap"));
        }
        let keep_alive = !header("connection").eq_ignore_ascii_case("close");
        let mut body = vec![0; usize::try_from(length).unwrap_or(usize::MAX)];
        stream.set_read_timeout(Some(remaining(deadline)?)).map_err(io)?;
        reader.read_exact(&mut body).map_err(io)?;
        *response.body_mut() = Bytes::from(body);
        if keep_alive && reader.buffer().is_empty() {
            self.idle.lock().unwrap_or_else(|e| e.into_inner()).push((host, stream));
        }
        Ok(response)
    }
}

/// What is left of the attempt's time; none left is a timeout.
fn remaining(deadline: Instant) -> Result<std::time::Duration, StdNetError> {
    let left = deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero());
    left.ok_or_else(|| fail(TransportErrorKind::Timeout, "the attempt's deadline passed"))
}
