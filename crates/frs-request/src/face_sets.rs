//! Face sets ("facial image libraries"): creating, showing, listing and deleting them.

use frs_types::models::face_sets::{
    DeleteFaceSetResponse, ExternalFieldsSchema, FaceSetResponse, FaceSetsResponse, FieldType,
    MAX_CUSTOM_FIELDS, TypeInfo,
};
use frs_types::{FaceSetName, FieldName, Problem, ValidationError};
use http::Method;
use serde_json::json;

use crate::error::BuildError;
use crate::operation::{ApiVersion, Idempotency, Operation, RequestSpec, json_answer};

/// Creates a face set: `POST /v2/{project_id}/face-sets`.
///
/// The account may hold at most 10 face sets (`FRS.0305` beyond); a name in use answers
/// `FRS.0301`. Custom fields used later when adding faces must be declared here.
///
/// ```
/// use std::time::SystemTime;
/// use frs_request::{face_sets::CreateFaceSet, Config, Credentials, Endpoint};
/// use frs_types::models::face_sets::FieldType;
///
/// let op = CreateFaceSet::new("staff".parse()?)
///     .capacity(30_000)?
///     .field("floor".parse()?, FieldType::Integer)?
///     .field("badge".parse()?, FieldType::String)?;
///
/// // The exact request, without sending it:
/// let config = Config::new(Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
///                          "my-project".parse()?, Credentials::token("my-token"));
/// let request = config.prepare(&op, SystemTime::now())?;
/// assert_eq!(request.method(), http::Method::POST);
/// assert_eq!(request.uri().path(), "/v2/my-project/face-sets");
/// let body: serde_json::Value = serde_json::from_slice(request.body())?;
/// assert_eq!(body["face_set_name"], "staff");
/// assert_eq!(body["face_set_capacity"], 30_000);
/// assert_eq!(body["external_fields"]["floor"]["type"], "integer");
///
/// // Bad input is refused when the operation is made, naming the field.
/// let err = CreateFaceSet::new("staff".parse()?).capacity(12_345).unwrap_err();
/// assert!(err.to_string().contains("face_set_capacity"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateFaceSet {
    name: FaceSetName,
    capacity: Option<u32>,
    fields: ExternalFieldsSchema,
}

impl CreateFaceSet {
    /// A face set named `name`, with the default capacity (100 000) and no custom fields.
    pub fn new(name: FaceSetName) -> Self {
        Self { name, capacity: None, fields: ExternalFieldsSchema::new() }
    }

    /// Sets the capacity: a multiple of 10 000, at least 10 000. The service allows up to
    /// [`MAX_FACE_SET_CAPACITY`](frs_types::models::face_sets::MAX_FACE_SET_CAPACITY) (100 000) unless the customer has had the limit raised,
    /// so a larger capacity is not refused here: the service decides.
    ///
    /// # Errors
    /// A [`ValidationError`] for `face_set_capacity` otherwise.
    pub fn capacity(mut self, capacity: u32) -> Result<Self, ValidationError> {
        if capacity == 0 || !capacity.is_multiple_of(10_000) {
            return Err(ValidationError::new(
                "face_set_capacity",
                Problem::Rule("must be a multiple of 10000, at least 10000"),
            ));
        }
        self.capacity = Some(capacity);
        Ok(self)
    }

    /// Declares a custom field (a later declaration of the same name replaces the earlier
    /// one, as at the service).
    ///
    /// # Errors
    /// A [`ValidationError`] for `external_fields` beyond 10 fields.
    pub fn field(mut self, name: FieldName, field_type: FieldType) -> Result<Self, ValidationError> {
        if !self.fields.contains_key(&name) && self.fields.len() >= MAX_CUSTOM_FIELDS {
            return Err(ValidationError::new("external_fields", Problem::Rule("at most 10 custom fields")));
        }
        self.fields.insert(name, TypeInfo { field_type });
        Ok(self)
    }

    /// The name.
    pub fn name(&self) -> &FaceSetName {
        &self.name
    }
}

impl Operation for CreateFaceSet {
    type Output = FaceSetResponse;
    const NAME: &'static str = "CreateFaceSet";

    fn request_spec(&self) -> Result<RequestSpec<'_>, BuildError> {
        let mut body = json!({ "face_set_name": self.name });
        if let Some(capacity) = self.capacity {
            body["face_set_capacity"] = json!(capacity);
        }
        if !self.fields.is_empty() {
            body["external_fields"] = json!(self.fields);
        }
        RequestSpec::frs(Method::POST, ApiVersion::V2, vec!["face-sets".into()]).json(&body)
    }

    fn idempotency(&self) -> Idempotency {
        // A retry after a lost answer would meet FRS.0301 (already exists).
        Idempotency::NotIdempotent
    }

    json_answer!();
}

/// Lists every face set of the project: `GET /v2/{project_id}/face-sets`.
///
/// Run here with a closure as the transport, answering as the service does:
///
/// ```
/// use std::{convert::Infallible, time::SystemTime};
/// use bytes::Bytes;
/// use frs_request::{execute_blocking, face_sets::ShowAllFaceSets, Config, Credentials, Endpoint};
///
/// let config = Config::new(Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
///                          "my-project".parse()?, Credentials::token("my-token"));
/// let transport = |req: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
///     assert_eq!(req.method(), http::Method::GET);
///     assert_eq!(req.uri().path(), "/v2/my-project/face-sets");
///     Ok(http::Response::new(Bytes::from_static(
///         br#"{"face_sets_info": [{"face_set_name": "staff", "face_number": 2}]}"#,
///     )))
/// };
/// let reply = execute_blocking(&config, &transport, &ShowAllFaceSets, SystemTime::now, |_| {})?;
/// let sets = reply.value.face_sets_info.unwrap_or_default();
/// assert_eq!(sets[0].face_set_name.as_deref(), Some("staff"));
/// assert_eq!(sets[0].face_number, Some(2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShowAllFaceSets;

impl Operation for ShowAllFaceSets {
    type Output = FaceSetsResponse;
    const NAME: &'static str = "ShowAllFaceSets";

    fn request_spec(&self) -> Result<RequestSpec<'_>, BuildError> {
        Ok(RequestSpec::frs(Method::GET, ApiVersion::V2, vec!["face-sets".into()]))
    }

    fn idempotency(&self) -> Idempotency {
        Idempotency::Idempotent
    }

    json_answer!();
}

/// Shows one face set: `GET /v2/{project_id}/face-sets/{face_set_name}` (`FRS.0302` when it
/// does not exist).
///
/// An error answer becomes [`Error::Service`](crate::Error::Service) with its code; here a
/// closure transport answers as the service does for a set that does not exist:
///
/// ```
/// use std::{convert::Infallible, time::SystemTime};
/// use bytes::Bytes;
/// use frs_request::{execute_blocking, face_sets::ShowFaceSet, Config, Credentials, Endpoint};
/// use frs_types::ErrorCode;
///
/// let config = Config::new(Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
///                          "my-project".parse()?, Credentials::token("my-token"));
/// let transport = |req: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
///     assert_eq!(req.uri().path(), "/v2/my-project/face-sets/visitors");
///     let body = br#"{"error_code": "FRS.0302", "error_msg": "The face set does not exist."}"#;
///     Ok(http::Response::builder().status(400).body(Bytes::from_static(body)).unwrap())
/// };
/// let op = ShowFaceSet::new("visitors".parse()?);
/// let err = execute_blocking(&config, &transport, &op, SystemTime::now, |_| {}).unwrap_err();
/// assert_eq!(err.code(), Some(&ErrorCode::FaceSetNotFound));
/// assert!(!err.is_retryable()); // sent once: retrying cannot help
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowFaceSet {
    name: FaceSetName,
}

impl ShowFaceSet {
    /// The face set `name`.
    pub fn new(name: FaceSetName) -> Self {
        Self { name }
    }
}

impl Operation for ShowFaceSet {
    type Output = FaceSetResponse;
    const NAME: &'static str = "ShowFaceSet";

    fn request_spec(&self) -> Result<RequestSpec<'_>, BuildError> {
        Ok(RequestSpec::frs(Method::GET, ApiVersion::V2, vec!["face-sets".into(), self.name.as_str().into()]))
    }

    fn idempotency(&self) -> Idempotency {
        Idempotency::Idempotent
    }

    json_answer!();
}

/// Deletes a face set and every face in it, irreversibly:
/// `DELETE /v2/{project_id}/face-sets/{face_set_name}`.
///
/// ```
/// use std::time::SystemTime;
/// use frs_request::{face_sets::DeleteFaceSet, Config, Credentials, Endpoint};
///
/// let config = Config::new(Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
///                          "my-project".parse()?, Credentials::access_key("AK", "SK"));
/// let request = config.prepare(&DeleteFaceSet::new("staff".parse()?), SystemTime::now())?;
/// assert_eq!(request.method(), http::Method::DELETE);
/// assert_eq!(request.uri().path(), "/v2/my-project/face-sets/staff");
/// assert!(request.body().is_empty());
/// assert!(request.headers().contains_key("authorization")); // signed with the AK/SK
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteFaceSet {
    name: FaceSetName,
}

impl DeleteFaceSet {
    /// The face set `name`.
    pub fn new(name: FaceSetName) -> Self {
        Self { name }
    }
}

impl Operation for DeleteFaceSet {
    type Output = DeleteFaceSetResponse;
    const NAME: &'static str = "DeleteFaceSet";

    fn request_spec(&self) -> Result<RequestSpec<'_>, BuildError> {
        Ok(RequestSpec::frs(
            Method::DELETE,
            ApiVersion::V2,
            vec!["face-sets".into(), self.name.as_str().into()],
        ))
    }

    fn idempotency(&self) -> Idempotency {
        Idempotency::Idempotent
    }

    json_answer!();
}
