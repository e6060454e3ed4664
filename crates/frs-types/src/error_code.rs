//! The catalogue of documented error codes (`error-codes.md`).
//!
//! Hand-written for now as one table; every property of a code (text, HTTP status,
//! retryability, meaning) is derived from that table so they cannot drift apart.

use std::fmt;

/// Declares [`ErrorCode`] and its lookup functions from one table.
macro_rules! error_codes {
    (
        $(
            $(#[$doc:meta])*
            $variant:ident = $code:literal, status $status:expr, retryable $retry:literal, $meaning:literal;
        )*
    ) => {
        /// An error code returned by FRS (`FRS.xxxx`) or by the API gateway in front of it
        /// (`APIGW.xxxx`).
        ///
        /// Every documented code has a variant; anything else is kept verbatim in
        /// [`ErrorCode::Unknown`], so nothing the service says is lost. The gateway's older
        /// prefix `APIG.` is read as `APIGW.`.
        #[derive(Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $(
                $(#[$doc])*
                #[doc = concat!("\n\n`", $code, "`: ", $meaning)]
                $variant,
            )*
            /// A code not in the catalogue, kept as the service sent it.
            Unknown(String),
        }

        impl ErrorCode {
            /// Every documented code, in catalogue order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as the service writes it, e.g. `FRS.0402`.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $code,)*
                    Self::Unknown(code) => code,
                }
            }

            /// The HTTP status the service documents for this code, when it documents one.
            ///
            /// Codes sent with several statuses (`APIGW.0201`) give the first documented one.
            pub fn http_status(&self) -> Option<u16> {
                match self {
                    $(Self::$variant => $status,)*
                    Self::Unknown(_) => None,
                }
            }

            /// Whether the condition is transient, so that the same request may succeed
            /// later (throttling, internal errors, an unavailable backend).
            pub fn is_retryable(&self) -> bool {
                match self {
                    $(Self::$variant => $retry,)*
                    Self::Unknown(_) => false,
                }
            }

            /// What the code means, in a short English sentence.
            pub fn meaning(&self) -> &'static str {
                match self {
                    $(Self::$variant => $meaning,)*
                    Self::Unknown(_) => "not in the catalogue of documented codes",
                }
            }

            /// Reads a code as the service sends it; never fails.
            pub fn parse(code: &str) -> Self {
                let normalized;
                let code = match code.strip_prefix("APIG.") {
                    Some(rest) => {
                        normalized = format!("APIGW.{rest}");
                        normalized.as_str()
                    }
                    None => code,
                };
                match code {
                    $($code => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }
    };
}

error_codes! {
    // --- Common service errors (1–99) ---
    /// The token is wrong or expired: obtain a new one.
    TokenInvalid = "FRS.0002", status Some(403), retryable false, "token authentication failed";
    /// A required header is missing or empty.
    HeaderMissing = "FRS.0010", status Some(400), retryable false, "request header missing or empty";
    /// A required parameter is missing or empty.
    ParameterMissing = "FRS.0011", status Some(400), retryable false, "required parameter missing or empty";
    /// A parameter has the wrong format or an out-of-range value.
    ParameterInvalid = "FRS.0012", status Some(400), retryable false, "parameter format invalid";
    /// Image resolution or face size out of range.
    ImageSizeOutOfRange = "FRS.0013", status Some(400), retryable false, "image or face size out of range";
    /// The body is not valid JSON.
    InvalidJson = "FRS.0014", status Some(400), retryable false, "request body is not valid JSON";
    /// A Base64 image could not be decoded.
    Base64DecodeFailed = "FRS.0015", status Some(400), retryable false, "Base64 image could not be decoded";
    /// The file format is not supported (JPG, JPEG, PNG, BMP for images).
    UnsupportedFormat = "FRS.0016", status Some(400), retryable false, "unsupported file format";
    /// The request body is larger than allowed.
    BodyTooLarge = "FRS.0017", status Some(400), retryable false, "request body larger than allowed";
    /// Internal error of the service.
    InternalError = "FRS.0018", status Some(500), retryable true, "internal service error";
    /// FRS is not enabled for the account.
    ServiceNotSubscribed = "FRS.0019", status Some(400), retryable false, "service not subscribed";
    /// This API of FRS is not enabled for the account (or the URL is misspelt).
    SubServiceNotSubscribed = "FRS.0020", status Some(400), retryable false, "sub-service not subscribed";
    /// The OBS URL is invalid.
    InvalidObsUrl = "FRS.0021", status Some(400), retryable false, "invalid OBS URL";
    /// The OBS image could not be read: wrong path, foreign bucket or no authorization.
    ObsImageUnavailable = "FRS.0022", status None, retryable false, "image at the OBS URL could not be used";
    /// The project id does not match the token.
    ProjectIdMismatch = "FRS.0028", status Some(403), retryable false, "project id does not match the token";
    /// Sorting by a non-numeric field or an unsupported sort type.
    SortNotSupported = "FRS.0032", status Some(400), retryable false, "sort field or type not supported";
    /// Flow control: too many requests per second.
    TooManyRequests = "FRS.0033", status Some(429), retryable true, "too many requests, flow control exceeded";
    /// The download address is not valid.
    InvalidDownloadUrl = "FRS.0035", status Some(400), retryable false, "download URL is not valid";
    /// The file could not be fetched from the URL.
    DownloadFailed = "FRS.0036", status Some(400), retryable false, "failed to fetch the file from the URL";
    /// Usage query: the date is in the future.
    QueryDateInFuture = "FRS.0115", status None, retryable false, "query date later than today";
    /// Usage query: the year must be the current year.
    QueryDateYearMismatch = "FRS.0116", status None, retryable false, "query year is not the current year";
    /// Usage query: the date format is invalid.
    QueryDateInvalid = "FRS.0117", status None, retryable false, "query date format invalid";
    /// The system is busy; calls are too frequent.
    SystemBusy = "FRS.0120", status None, retryable true, "system busy, calls too frequent";
    // --- Service management (201–300) ---
    /// The user is already registered.
    UserAlreadyRegistered = "FRS.0201", status Some(400), retryable false, "user already registered";
    /// The service is frozen for the account.
    ServiceFrozen = "FRS.0202", status Some(400), retryable false, "service frozen";
    /// Updating the user's information failed.
    UserUpdateFailed = "FRS.0203", status Some(400), retryable false, "updating user information failed";
    // --- Face sets (301–400) ---
    /// A face set with this name already exists.
    FaceSetAlreadyExists = "FRS.0301", status Some(400), retryable false, "face set already exists";
    /// The face set does not exist.
    FaceSetNotFound = "FRS.0302", status Some(400), retryable false, "face set does not exist";
    /// The face id does not exist (older code, seen in examples).
    FaceIdNotExist = "FRS.0303", status Some(400), retryable false, "face id does not exist (legacy code)";
    /// No face was detected in the query image, so nothing can be searched.
    NoFaceToSearch = "FRS.0304", status Some(400), retryable false, "no face detected, cannot search";
    /// The account already has the maximum number of face sets (10).
    FaceSetLimitExceeded = "FRS.0305", status Some(400), retryable false, "maximum number of face sets exceeded";
    /// The face set is full.
    FaceSetFull = "FRS.0306", status Some(403), retryable false, "face set capacity exceeded";
    // --- Faces (401–500) ---
    /// No face has this value in the field, so nothing can be deleted.
    FieldValueNotFound = "FRS.0401", status Some(400), retryable false, "no face has this field value, nothing deleted";
    /// The field does not exist (also sent when no face has the external image id).
    FieldNotFound = "FRS.0402", status Some(400), retryable false, "field does not exist";
    /// No face has this face id.
    FaceIdNotFound = "FRS.0403", status Some(400), retryable false, "face id does not exist";
    /// No face was detected in the image, so nothing can be added.
    NoFaceToAdd = "FRS.0404", status Some(400), retryable false, "no face detected, cannot add";
    /// No face matched the condition of a batch delete.
    NoDataMatched = "FRS.0407", status Some(400), retryable false, "no data satisfies the condition";
    // --- Detection and comparison ---
    /// No face was detected in the picture.
    NoFaceDetected = "FRS.0501", status Some(400), retryable false, "no face detected in the picture";
    // --- Liveness ---
    /// The video could not be parsed.
    VideoParseFailed = "FRS.0701", status Some(400), retryable false, "video data could not be parsed";
    /// An action code is not supported.
    UnsupportedAction = "FRS.0702", status None, retryable false, "unsupported action code";
    /// `action_time` is invalid.
    InvalidActionTime = "FRS.0703", status None, retryable false, "action_time invalid";
    /// More than 10 actions were given.
    TooManyActions = "FRS.0704", status Some(400), retryable false, "more than 10 actions";
    /// The matching mode is not supported.
    MatchingModeNotSupported = "FRS.0705", status Some(400), retryable false, "matching mode not supported";
    /// The video is not 1–15 seconds long.
    VideoDurationNotSupported = "FRS.0706", status Some(400), retryable false, "video duration must be 1-15 s";
    /// No face was detected in the photo (silent liveness).
    NoFaceForLiveness = "FRS.0707", status Some(400), retryable false, "no face detected in the photo";
    /// The photo holds several faces; silent liveness needs one.
    MultipleFacesForLiveness = "FRS.0709", status Some(400), retryable false, "several faces in a single-face photo";
    /// The video data could not be parsed.
    VideoDataParseFailed = "FRS.0751", status Some(400), retryable false, "video data parsing failed";
    // --- API gateway ---
    /// Wrong host, method or path, or the API is not published.
    GatewayApiNotFound = "APIGW.0101", status Some(404), retryable false, "API does not exist or is not published";
    /// The backend does not exist.
    GatewayBackendNotFound = "APIGW.0103", status Some(404), retryable false, "backend does not exist";
    /// Plug-in configuration missing.
    GatewayPluginsNotFound = "APIGW.0104", status Some(400), retryable false, "plug-ins do not exist";
    /// Backend configuration missing.
    GatewayBackendConfigNotFound = "APIGW.0105", status Some(400), retryable false, "backend configurations do not exist";
    /// Front-end to back-end parameter mapping failed.
    GatewayOrchestrationError = "APIGW.0106", status Some(400), retryable false, "orchestration error";
    /// Invalid request; also sent with 413 (body > 12 MB), 414, 494, 502 and 504.
    GatewayRequestError = "APIGW.0201", status Some(400), retryable false, "API request error";
    /// Wrong token or AK/SK signature.
    GatewayIamAuthFailed = "APIGW.0301", status Some(401), retryable false, "incorrect IAM authentication information";
    /// The IAM user may not call the API.
    GatewayIamUserNotAuthorized = "APIGW.0302", status Some(403), retryable false, "IAM user not authorized";
    /// Wrong app authentication (also: signature expired).
    GatewayAppAuthFailed = "APIGW.0303", status Some(401), retryable false, "incorrect app authentication information";
    /// The app may not call the API.
    GatewayAppNotAuthorized = "APIGW.0304", status Some(403), retryable false, "app not authorized";
    /// Wrong authentication information.
    GatewayAuthFailed = "APIGW.0305", status Some(401), retryable false, "incorrect authentication information";
    /// Access to the API denied.
    GatewayAccessDenied = "APIGW.0306", status Some(403), retryable false, "API access denied";
    /// The token expired, or belongs to another region.
    GatewayTokenMustBeUpdated = "APIGW.0307", status Some(401), retryable false, "token must be updated";
    /// The gateway's flow control was reached.
    GatewayThrottled = "APIGW.0308", status Some(429), retryable true, "throttling threshold reached";
    /// The project is unavailable.
    GatewayProjectUnavailable = "APIGW.0310", status Some(403), retryable false, "project unavailable";
    /// Wrong debugging authentication.
    GatewayDebugAuthFailed = "APIGW.0311", status Some(401), retryable false, "incorrect debugging authentication information";
    /// The client IP address is unknown.
    GatewayUnknownClientIp = "APIGW.0401", status Some(403), retryable false, "unknown client IP address";
    /// The client IP address may not call the API.
    GatewayIpNotAuthorized = "APIGW.0402", status Some(403), retryable false, "IP address not authorized";
    /// Access to the backend IP address is denied.
    GatewayBackendIpDenied = "APIGW.0404", status Some(403), retryable false, "access to the backend IP denied";
    /// The app quota is used up.
    GatewayAppQuotaExhausted = "APIGW.0501", status Some(405), retryable false, "app quota used up";
    /// The app is frozen (insufficient balance).
    GatewayAppFrozen = "APIGW.0502", status Some(405), retryable false, "app frozen";
    /// Internal error of the gateway.
    GatewayInternalError = "APIGW.0601", status Some(500), retryable true, "gateway internal error";
    /// Bad request.
    GatewayBadRequest = "APIGW.0602", status Some(400), retryable false, "bad request";
    /// The gateway could not resolve a domain name.
    GatewayDomainResolutionFailed = "APIGW.0605", status Some(500), retryable true, "domain name resolution failed";
    /// The gateway could not load the API configuration.
    GatewayApiConfigLoadFailed = "APIGW.0606", status Some(500), retryable true, "failed to load the API configurations";
    /// The protocol (HTTP or HTTPS) is not the one configured.
    GatewayProtocolNotSupported = "APIGW.0607", status Some(400), retryable false, "protocol not supported";
    /// The gateway could not obtain its admin token.
    GatewayAdminTokenFailed = "APIGW.0608", status Some(500), retryable true, "failed to obtain the admin token";
    /// The VPC backend does not exist.
    GatewayVpcBackendNotFound = "APIGW.0609", status Some(500), retryable false, "VPC backend does not exist";
    /// No backend is available.
    GatewayNoBackendAvailable = "APIGW.0610", status Some(502), retryable true, "no backend available";
    /// The backend port does not exist.
    GatewayBackendPortNotFound = "APIGW.0611", status Some(500), retryable false, "backend port does not exist";
    /// An API tried to call itself.
    GatewayApiCallsItself = "APIGW.0612", status Some(500), retryable false, "an API cannot call itself";
    /// IAM is unavailable.
    GatewayIamUnavailable = "APIGW.0613", status Some(503), retryable true, "IAM service unavailable";
    /// The backend signature could not be computed.
    GatewayBackendSignatureFailed = "APIGW.0705", status Some(500), retryable false, "backend signature calculation failed";
    /// The service is not offered in the selected region.
    GatewayServiceUnavailableInRegion = "APIGW.0801", status Some(403), retryable false, "service unavailable in the region";
    /// The IAM user is forbidden in the selected region.
    GatewayIamUserForbiddenInRegion = "APIGW.0802", status Some(403), retryable false, "IAM user forbidden in the region";
}

impl ErrorCode {
    /// Whether the code comes from the API gateway (`APIGW.*`) rather than FRS itself.
    pub fn is_gateway(&self) -> bool {
        self.as_str().starts_with("APIGW.")
    }
}

impl fmt::Debug for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ErrorCode({})", self.as_str())
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for ErrorCode {
    fn from(code: &str) -> Self {
        Self::parse(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_complete_and_round_trips() {
        let frs = ErrorCode::ALL.iter().filter(|c| !c.is_gateway()).count();
        let gw = ErrorCode::ALL.iter().filter(|c| c.is_gateway()).count();
        // error-codes.md: 47 FRS codes with a documented meaning, 35 distinct gateway codes.
        assert_eq!((frs, gw), (47, 35));
        for code in ErrorCode::ALL {
            assert_eq!(&ErrorCode::parse(code.as_str()), code);
        }
    }

    #[test]
    fn seed_code_and_aliases() {
        let code = ErrorCode::parse("FRS.0402");
        assert_eq!(code, ErrorCode::FieldNotFound);
        assert_eq!(code.http_status(), Some(400));
        assert!(!code.is_retryable());
        assert_eq!(ErrorCode::parse("APIG.0301"), ErrorCode::GatewayIamAuthFailed);
        assert_eq!(ErrorCode::parse("APIGW.0308").http_status(), Some(429));
        assert!(ErrorCode::parse("APIGW.0308").is_retryable());
        let unknown = ErrorCode::parse("FRS.9999");
        assert_eq!(unknown, ErrorCode::Unknown("FRS.9999".into()));
        assert_eq!(unknown.as_str(), "FRS.9999");
    }
}
