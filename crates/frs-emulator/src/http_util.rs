//! Building answers the way the service and its gateway write them.

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode};
use frs_types::ErrorCode;
use serde_json::Value;

/// The request id of the `n`-th request (salted per boot): 32 lower-case hex digits.
pub(crate) fn request_id(n: u64) -> String {
    // Two words as 32 lower-case hex digits, written by hand: one per request.
    let mut id = String::with_capacity(32);
    for word in crate::mix::request_id_words(n) {
        for shift in (0..16).rev() {
            id.push(char::from(
                b"0123456789abcdef"[usize::try_from((word >> (shift * 4)) & 0xf).unwrap_or(0)],
            ));
        }
    }
    id
}

const X_REQUEST_ID: http::HeaderName = http::HeaderName::from_static("x-request-id");

pub(crate) fn json_response(status: StatusCode, body: &Value, request_id: &str) -> Response<Body> {
    bytes_response(status, serde_json::to_vec(body).unwrap_or_default(), request_id)
}

/// A JSON answer from its serialised bytes.
fn bytes_response(status: StatusCode, bytes: Vec<u8>, request_id: &str) -> Response<Body> {
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
    let body = ErrorBody { error_code: code.as_str(), error_msg: message, request_id: None };
    bytes_response(status, serde_json::to_vec(&body).unwrap_or_default(), request_id)
}

/// The body of an error answer, serialised as it is (no `Value` map in between); the
/// fields in the order `json!` wrote them (sorted by name).
#[derive(serde::Serialize)]
struct ErrorBody<'a> {
    error_code: &'a str,
    error_msg: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
}

/// A gateway error: as an FRS error, plus `request_id` in the body.
pub(crate) fn gateway_error(
    code: &ErrorCode,
    status: u16,
    message: &str,
    request_id: &str,
) -> Response<Body> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::UNAUTHORIZED);
    let body = ErrorBody { error_code: code.as_str(), error_msg: message, request_id: Some(request_id) };
    bytes_response(status, serde_json::to_vec(&body).unwrap_or_default(), request_id)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use axum::body::{Body, to_bytes};
    use axum::http::Response;
    use frs_types::ErrorCode;
    use serde_json::json;

    use super::{frs_error, gateway_error, request_id};

    /// The hand-written hex is what `format!("{:016x}{:016x}")` wrote.
    #[test]
    fn request_ids_are_both_words_in_hex() {
        for n in [0, 1, 2, 0xff, 1 << 32, u64::MAX - 1, u64::MAX, 0x0123_4567_89ab_cdef] {
            let [first, second] = crate::mix::request_id_words(n);
            assert_eq!(request_id(n), format!("{first:016x}{second:016x}"), "n = {n}");
        }
    }

    async fn body_of(resp: Response<Body>) -> Vec<u8> {
        to_bytes(resp.into_body(), usize::MAX).await.unwrap().to_vec()
    }

    /// Error bodies are serialised from a struct now: the bytes `json!` gave, with a
    /// message that needs escaping.
    #[tokio::test]
    async fn error_bodies_are_the_bytes_json_wrote() {
        let code = ErrorCode::parse("FRS.0402");
        let message = "No face \"x\" in set\nfound";
        let frs = frs_error(&code, message, "rid-1");
        assert_eq!(frs.status().as_u16(), code.http_status().unwrap_or(400));
        assert_eq!(frs.headers()["x-request-id"], "rid-1");
        let want = serde_json::to_vec(&json!({"error_code": code.as_str(), "error_msg": message})).unwrap();
        assert_eq!(body_of(frs).await, want);
        let gateway = gateway_error(&code, 401, message, "rid-2");
        assert_eq!(gateway.status().as_u16(), 401);
        let want = serde_json::to_vec(
            &json!({"error_code": code.as_str(), "error_msg": message, "request_id": "rid-2"}),
        )
        .unwrap();
        assert_eq!(body_of(gateway).await, want);
    }
}
