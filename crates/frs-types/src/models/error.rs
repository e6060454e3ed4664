use serde::{Deserialize, Serialize};

/// The body of a failed call: `{"error_code": "FRS.0402", "error_msg": "..."}`.
///
/// Errors raised by the API gateway in front of FRS (`APIGW.*`) also carry `request_id`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error code, e.g. `FRS.0402` or `APIGW.0301`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The service's message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_msg: Option<String>,
    /// The gateway's request id (gateway errors only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}
