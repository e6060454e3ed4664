//! The HTTP side: faults, gateway checks, routing, and the operations.

use std::sync::{Arc, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, Response, StatusCode};
use frs_types::ErrorCode;
use serde_json::json;

use crate::Shared;
use crate::auth;
use crate::faults::Fault;
use crate::http_util::{frs_error, gateway_error, json_response, request_id};
use crate::state::same_value;

/// A request as the emulator received it; secret header values are replaced by `***`.
#[derive(Debug, Clone, PartialEq, Eq)]
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

pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    let app = Router::new().fallback(handle).with_state(shared);
    // Not a graceful shutdown: a connection held open by a `Hang` fault must not keep the
    // emulator alive; the runtime drops whatever is left.
    tokio::select! {
        result = axum::serve(listener, app) => {
            if let Err(e) = result {
                eprintln!("frs-emulator: server stopped: {e}");
            }
        }
        _ = shutdown => {}
    }
}

fn record(shared: &Shared, parts: &http::request::Parts, body_len: usize) -> u64 {
    let headers = parts
        .headers
        .iter()
        .map(|(n, v)| {
            let value = if matches!(n.as_str(), "authorization" | "x-auth-token" | "x-security-token") {
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

async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response<Body> {
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
    let n = record(&shared, &parts, body.len());
    let rid = request_id(n);

    let fault = shared.faults.lock().unwrap_or_else(PoisonError::into_inner).next();
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
        Some(Fault::Truncate { status, body, sent }) => {
            let declared = body.len();
            let first = bytes::Bytes::from(body).slice(..sent.min(declared));
            let chunks: Vec<Result<bytes::Bytes, std::io::Error>> =
                vec![Ok(first), Err(std::io::Error::other("connection closed by fault injection"))];
            let mut resp = Response::new(Body::from_stream(futures_util::stream::iter(chunks)));
            *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            resp.headers_mut()
                .insert("content-type", HeaderValue::from_static("application/json;charset=UTF-8"));
            resp.headers_mut().insert("content-length", HeaderValue::from(declared));
            return resp;
        }
        Some(Fault::Delay(wait)) => tokio::time::sleep(wait).await,
        None => {}
    }

    // The gateway: is there such an API, and who is calling?
    let segments: Vec<String> =
        parts.uri.path().split('/').skip(1).map(frs_request::sign::decode_lossy).collect();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let route = match (&parts.method, segs.as_slice()) {
        (&Method::DELETE, ["v2", project, "face-sets", set, "faces"]) => {
            Some((*project, Route::DeleteFaces(set)))
        }
        (&Method::GET, ["v2", project, "face-sets", set, "faces"]) => Some((*project, Route::ShowFaces(set))),
        _ => None,
    };
    let Some((project, route)) = route else {
        return gateway_error(
            &ErrorCode::GatewayApiNotFound,
            404,
            "The API does not exist or has not been published in the environment.",
            &rid,
        );
    };
    if let Err(refusal) = auth::check(&shared.config, &parts, &body) {
        return gateway_error(&refusal.code, refusal.status, &refusal.message, &rid);
    }
    if project != shared.config.project_id {
        return frs_error(
            &ErrorCode::ProjectIdMismatch,
            "The project id does not match the credentials.",
            &rid,
        );
    }
    let query = parts.uri.query().map(frs_request::sign::parse_query).unwrap_or_default();
    match route {
        Route::DeleteFaces(set) => delete_faces(&shared, set, &query, &rid),
        Route::ShowFaces(set) => show_faces(&shared, set, &query, &rid),
    }
}

enum Route<'a> {
    DeleteFaces(&'a str),
    ShowFaces(&'a str),
}

fn face_json(face: &crate::state::Face) -> serde_json::Value {
    json!({
        "bounding_box": {"top_left_x": 22, "top_left_y": 37, "width": 174, "height": 174},
        "face_id": face.face_id,
        "external_image_id": face.external_image_id,
        "external_fields": face.external_fields,
    })
}

/// `GET /v2/{project_id}/face-sets/{face_set_name}/faces?face_id=` or `?offset=&limit=`
/// (defaults 0 and 5; `offset + limit` at most 10 000).
fn show_faces(shared: &Shared, set_name: &str, query: &[(String, String)], rid: &str) -> Response<Body> {
    let get = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let store = shared.store();
    let Some(set) = store.sets.get(set_name) else {
        return frs_error(&ErrorCode::FaceSetNotFound, "The face set does not exist.", rid);
    };
    let faces: Vec<serde_json::Value> = if let Some(face_id) = get("face_id") {
        let Some(face) = set.faces.iter().find(|f| f.face_id == face_id) else {
            return frs_error(
                &ErrorCode::FaceIdNotFound,
                "The face id is not exist, checkout your input.",
                rid,
            );
        };
        vec![face_json(face)]
    } else {
        let number = |key: &str, default: u64| match get(key) {
            None => Ok(default),
            Some(v) => v.parse::<u64>().map_err(|_| key.to_owned()),
        };
        let (offset, limit) = match (number("offset", 0), number("limit", 5)) {
            (Ok(o), Ok(l)) => (o, l),
            (Err(k), _) | (_, Err(k)) => {
                return frs_error(
                    &ErrorCode::ParameterInvalid,
                    &format!("The request param has wrong format, {k} must be a non-negative integer."),
                    rid,
                );
            }
        };
        if limit == 0 || offset + limit > 10_000 {
            return frs_error(
                &ErrorCode::ParameterInvalid,
                "The request param has wrong format, limit must be positive and offset + limit at most 10000.",
                rid,
            );
        }
        let start = usize::try_from(offset).unwrap_or(usize::MAX);
        let take = usize::try_from(limit).unwrap_or(usize::MAX);
        set.faces.iter().skip(start).take(take).map(face_json).collect()
    };
    json_response(
        StatusCode::OK,
        &json!({"face_set_id": set.id, "face_set_name": set.name, "faces": faces}),
        rid,
    )
}

/// `DELETE /v2/{project_id}/face-sets/{face_set_name}/faces?<field>=<value>`: deletes every
/// face whose field equals the value (custom-fields.md §5).
fn delete_faces(shared: &Shared, set_name: &str, query: &[(String, String)], rid: &str) -> Response<Body> {
    let (field, value) = match query {
        [] => {
            return frs_error(
                &ErrorCode::ParameterMissing,
                "Lack the request parameter, or the request parameter field_name is empty.",
                rid,
            );
        }
        [(field, value)] => (field.as_str(), value.as_str()),
        _ => {
            return frs_error(
                &ErrorCode::ParameterInvalid,
                "The request param has wrong format, only one field can be used to delete faces.",
                rid,
            );
        }
    };
    if value.is_empty() {
        return frs_error(
            &ErrorCode::ParameterMissing,
            &format!("Lack the request parameter, or the request parameter {field} is empty."),
            rid,
        );
    }
    let mut store = shared.store();
    let Some(set) = store.sets.get_mut(set_name) else {
        return frs_error(&ErrorCode::FaceSetNotFound, "The face set does not exist.", rid);
    };
    let before = set.faces.len();
    match field {
        "external_image_id" => {
            set.faces.retain(|f| f.external_image_id != value);
            if set.faces.len() == before {
                return frs_error(
                    &ErrorCode::FieldNotFound,
                    "External id is not exist, can not delete face",
                    rid,
                );
            }
        }
        "face_id" => {
            set.faces.retain(|f| f.face_id != value);
            if set.faces.len() == before {
                return frs_error(
                    &ErrorCode::FaceIdNotFound,
                    "The face id is not exist, checkout your input.",
                    rid,
                );
            }
        }
        custom => {
            let Some(field_type) = set.fields.get(custom).copied() else {
                return frs_error(
                    &ErrorCode::FieldNotFound,
                    &format!("The field {custom} is not exist, can not delete face"),
                    rid,
                );
            };
            let Some(wanted) = field_type.read_text(value) else {
                return frs_error(
                    &ErrorCode::ParameterInvalid,
                    &format!(
                        "The request param has wrong format, {custom} must be a value of type {}.",
                        field_type.as_str()
                    ),
                    rid,
                );
            };
            set.faces.retain(|f| !f.external_fields.get(custom).is_some_and(|v| same_value(v, &wanted)));
            if set.faces.len() == before {
                return frs_error(
                    &ErrorCode::FieldValueNotFound,
                    &format!("No face has the value of {custom}, can not delete face"),
                    rid,
                );
            }
        }
    }
    let deleted = before - set.faces.len();
    json_response(
        StatusCode::OK,
        &json!({"face_number": deleted, "face_set_id": set.id, "face_set_name": set.name}),
        rid,
    )
}
