//! The HTTP side: the admin API, faults, the API gateway's checks, and routing to the
//! operations.

use std::sync::{Arc, PoisonError};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Response, StatusCode};
use bytes::Bytes;
use frs_types::ErrorCode;
use serde_json::{Value, json};

use crate::Shared;
use crate::auth;
use crate::conn::{Connection, CuttableListener};
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
    shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    let accepted = Arc::clone(&shared.connections);
    let app = Router::new().fallback(handle).with_state(shared);
    let service = app.into_make_service_with_connect_info::<Connection>();
    // Not a graceful shutdown: a connection held open by a `Hang` fault must not keep the
    // emulator alive; the runtime drops whatever is left.
    tokio::select! {
        result = axum::serve(CuttableListener { listener, accepted }, service) => {
            if let Err(e) = result {
                eprintln!("frs-emulator: server stopped: {e}");
            }
        }
        _ = shutdown => {}
    }
}

fn record(shared: &Shared, parts: &Parts, body_len: usize) -> u64 {
    let headers = parts
        .headers
        .iter()
        .map(|(n, v)| {
            let value = if matches!(
                n.as_str(),
                "authorization" | "x-auth-token" | "x-security-token" | "x-metadata-token"
            ) {
                "***".to_owned()
            } else {
                String::from_utf8_lossy(v.as_bytes()).into_owned()
            };
            (n.as_str().to_owned(), value)
        })
        .collect();
    let mut log = shared.log.lock().unwrap_or_else(PoisonError::into_inner);
    log.push(RecordedRequest {
        method: parts.method.to_string(),
        target: parts.uri.path_and_query().map(ToString::to_string).unwrap_or_default(),
        headers,
        body_len,
    });
    log.len() as u64
}

fn failure_response(failure: &Failure, rid: &str) -> Response<Body> {
    frs_error(&failure.code, &failure.message, rid)
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    req: Request,
) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, shared.config.max_body_bytes).await else {
        let n = record(&shared, &parts, 0);
        return gateway_error(
            &ErrorCode::GatewayRequestError,
            413,
            "Request entity too large.",
            &request_id(n),
        );
    };
    if parts.uri.path().starts_with(ADMIN_PREFIX) {
        return crate::admin::handle(&shared, &parts, &body);
    }
    let n = record(&shared, &parts, body.len());
    let rid = request_id(n);

    let fault = shared.faults.lock().unwrap_or_else(PoisonError::into_inner).next();
    let lose_answer = fault == Some(Fault::LoseAnswer);
    match fault {
        Some(Fault::Respond { status, content_type, body }) => {
            let mut resp = Response::new(Body::from(body));
            *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            if let Ok(v) = HeaderValue::from_str(&content_type) {
                resp.headers_mut().insert("content-type", v);
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
        Some(Fault::LoseAnswer) | None => {}
    }
    let mut response = answer(&shared, &parts, &body, &rid);
    if lose_answer {
        // Served: now lose the answer.
        connection.cut();
        return json_response(StatusCode::BAD_GATEWAY, &json!({}), &rid);
    }
    // The gateway's clock, as a client may use it to correct its own (`clock_offset_secs`).
    if let Ok(date) =
        HeaderValue::from_str(&http_date(auth::now_with_offset(shared.config.clock_offset_secs)))
    {
        response.headers_mut().insert("date", date);
    }
    response
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

/// What the service answers to a request that no fault stopped.
fn answer(shared: &Arc<Shared>, parts: &Parts, body: &Bytes, rid: &str) -> Response<Body> {
    // The gateway: is there such an API, and who is calling?
    let segments: Vec<String> =
        parts.uri.path().split('/').skip(1).map(frs_request::server::decode_lossy).collect();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let route = routes::find(&parts.method, &segs).filter(|r| {
        shared.config.metadata.enabled
            || !matches!(r.endpoint, Endpoint::MetadataToken | Endpoint::SecurityKey)
    });
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
        return gateway_error(&refusal.code, refusal.status, &refusal.message, rid);
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
    let content_type = parts.headers.get("content-type").and_then(|v| v.to_str().ok());
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
