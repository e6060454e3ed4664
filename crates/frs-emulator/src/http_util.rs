//! Building answers the way the service and its gateway write them.

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode};
use frs_types::ErrorCode;
use serde_json::{Value, json};

/// A request id in the service's documented shape `request_id-timestamp-hostname`.
pub(crate) fn request_id(n: u64) -> String {
    let [first, second] = crate::mix::request_id_words(n);
    format!("{first:016x}{second:016x}")
}

const X_REQUEST_ID: http::HeaderName = http::HeaderName::from_static("x-request-id");

pub(crate) fn json_response(status: StatusCode, body: &Value, request_id: &str) -> Response<Body> {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut resp = Response::new(Body::from(bytes));
    *resp.status_mut() = status;
    let headers = resp.headers_mut();
    headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json;charset=UTF-8"));
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert(X_REQUEST_ID, v);
    }
    resp
}

/// An FRS error: `{"error_code", "error_msg"}` with the code's documented status (400 when
/// the documentation gives none).
pub(crate) fn frs_error(code: &ErrorCode, message: &str, request_id: &str) -> Response<Body> {
    let status = StatusCode::from_u16(code.http_status().unwrap_or(400)).unwrap_or(StatusCode::BAD_REQUEST);
    json_response(status, &json!({"error_code": code.as_str(), "error_msg": message}), request_id)
}

/// A gateway error: as an FRS error, plus `request_id` in the body.
pub(crate) fn gateway_error(
    code: &ErrorCode,
    status: u16,
    message: &str,
    request_id: &str,
) -> Response<Body> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::UNAUTHORIZED);
    json_response(
        status,
        &json!({"error_code": code.as_str(), "error_msg": message, "request_id": request_id}),
        request_id,
    )
}
