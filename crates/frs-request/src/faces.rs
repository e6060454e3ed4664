//! Faces in a face set: adding, listing, updating and deleting them.

use std::borrow::Cow;

use frs_types::models::faces::{DeleteFacesResponse, FaceSetFace, FacesResponse, UpdateFaceResponse};
use frs_types::models::search::SearchFace;
use frs_types::{
    ErrorCode, ExternalFields, ExternalImageId, FaceId, FaceSelector, FaceSetName, FieldName, FieldValue,
    Filter, FilterField, Image, Problem, ValidationError,
};
use http::Method;
use serde_json::json;

use crate::error::BuildError;
use crate::form::Form;
use crate::operation::{ApiVersion, Idempotency, Operation, RequestSpec, json_answer};
use crate::search::SearchFaces;

fn faces_path(face_set: &FaceSetName) -> Vec<Cow<'_, str>> {
    vec![Cow::Borrowed("face-sets"), Cow::Borrowed(face_set.as_str()), Cow::Borrowed("faces")]
}

/// Deletes the faces of a face set that match one field:
/// `DELETE /v2/{project_id}/face-sets/{face_set_name}/faces?<field>=<value>`.
///
/// Every matching face is deleted and the answer's `face_number` says how many. When
/// nothing matches the service answers with an error (`FRS.0402` for an unknown external
/// image id, `FRS.0403` for an unknown face id, `FRS.0401` for a custom-field value no face
/// has), not with zero.
///
/// ```
/// use frs_request::faces::DeleteFaces;
/// use frs_request::{Config, Credentials, Endpoint};
/// use std::time::SystemTime;
///
/// let op = DeleteFaces::by_field("showFaceSet".parse()?, "id".parse()?, "home".parse()?);
/// let config = Config::new(Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
///                          "my-project".parse()?, Credentials::access_key("AK", "SK"));
/// let request = config.prepare(&op, SystemTime::now())?;
/// assert_eq!(request.method(), http::Method::DELETE);
/// assert_eq!(request.uri().to_string(),
///            "https://face.cn-north-4.myhuaweicloud.com/v2/my-project/face-sets/showFaceSet/faces?id=home");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeleteFaces {
    face_set: FaceSetName,
    selector: FaceSelector,
}

impl DeleteFaces {
    /// Deletes the faces of `face_set` chosen by `selector`.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use frs_request::{faces::DeleteFaces, Config, Credentials, Endpoint};
    /// use frs_types::FaceSelector;
    ///
    /// let selector = FaceSelector::field("badge".parse()?, "A-1001".parse()?);
    /// let op = DeleteFaces::new("staff".parse()?, selector);
    /// let config = Config::new(Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
    ///                          "my-project".parse()?, Credentials::token("my-token"));
    /// let request = config.prepare(&op, SystemTime::now())?;
    /// assert_eq!(request.uri().path_and_query().map(|p| p.as_str()),
    ///            Some("/v2/my-project/face-sets/staff/faces?badge=A-1001"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(face_set: FaceSetName, selector: FaceSelector) -> Self {
        Self { face_set, selector }
    }

    /// Deletes every face added from the image `id` (`?external_image_id=`).
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use frs_request::{faces::DeleteFaces, Config, Credentials, Endpoint};
    ///
    /// let op = DeleteFaces::by_external_image_id("staff".parse()?, "alice-1".parse()?);
    /// let config = Config::new(Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
    ///                          "my-project".parse()?, Credentials::token("my-token"));
    /// let request = config.prepare(&op, SystemTime::now())?;
    /// assert_eq!(request.method(), http::Method::DELETE);
    /// assert_eq!(request.uri().path(), "/v2/my-project/face-sets/staff/faces");
    /// assert_eq!(request.uri().query(), Some("external_image_id=alice-1"));
    /// assert_eq!(request.headers()["x-auth-token"], "my-token");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn by_external_image_id(face_set: FaceSetName, id: ExternalImageId) -> Self {
        Self::new(face_set, FaceSelector::ExternalImageId(id))
    }

    /// Deletes the face `id` (`?face_id=`).
    ///
    /// Run with a closure as the transport, answering as the service does:
    ///
    /// ```
    /// use std::{convert::Infallible, time::SystemTime};
    /// use bytes::Bytes;
    /// use frs_request::{execute_blocking, faces::DeleteFaces, Config, Credentials, Endpoint, Outcome};
    ///
    /// let config = Config::new(Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
    ///                          "my-project".parse()?, Credentials::token("my-token"));
    /// let transport = |req: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
    ///     assert_eq!(req.uri().query(), Some("face_id=iexEBb6t"));
    ///     Ok(http::Response::new(Bytes::from_static(br#"{"face_number": 1, "face_set_name": "staff"}"#)))
    /// };
    /// let op = DeleteFaces::by_face_id("staff".parse()?, "iexEBb6t".parse()?);
    /// let reply = execute_blocking(&config, &transport, &op, SystemTime::now, |_| {})?;
    /// assert_eq!(reply.value.face_number, Some(1));
    /// assert_eq!(reply.outcome, Outcome::Answered);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn by_face_id(face_set: FaceSetName, id: FaceId) -> Self {
        Self::new(face_set, FaceSelector::FaceId(id))
    }

    /// Deletes every face whose custom field `name` equals `value` (`?<name>=<value>`) —
    /// a request none of Huawei's generated SDKs can send.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use frs_request::{faces::DeleteFaces, Config, Credentials, Endpoint};
    ///
    /// let op = DeleteFaces::by_field("staff".parse()?, "floor".parse()?, "3".parse()?);
    /// let config = Config::new(Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
    ///                          "my-project".parse()?, Credentials::token("my-token"));
    /// let request = config.prepare(&op, SystemTime::now())?;
    /// assert_eq!(request.method(), http::Method::DELETE);
    /// assert_eq!(request.uri().query(), Some("floor=3"));
    /// // A reserved name cannot be a custom field: the field name is refused when made.
    /// assert!("face_id".parse::<frs_types::FieldName>().is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn by_field(face_set: FaceSetName, name: FieldName, value: FieldValue) -> Self {
        Self::new(face_set, FaceSelector::field(name, value))
    }

    /// The face set.
    pub fn face_set(&self) -> &FaceSetName {
        &self.face_set
    }

    /// The selector.
    pub fn selector(&self) -> &FaceSelector {
        &self.selector
    }
}

impl Operation for DeleteFaces {
    type Output = DeleteFacesResponse;
    const NAME: &'static str = "DeleteFaces";

    fn request_spec(&self) -> Result<RequestSpec<'_>, BuildError> {
        let (name, value) = self.selector.query_pair();
        Ok(RequestSpec::frs(Method::DELETE, ApiVersion::V2, faces_path(&self.face_set)).query(name, value))
    }

    fn idempotency(&self) -> Idempotency {
        Idempotency::Idempotent
    }

    json_answer!();

    fn gone_after_lost_answer(&self, code: &ErrorCode) -> Option<DeleteFacesResponse> {
        gone(&self.face_set, code)
    }
}

/// Whether a delete's error code means nothing matched its selector or filter
/// (`FRS.0402`, `FRS.0403`, `FRS.0407`).
pub(crate) fn nothing_matched(code: &ErrorCode) -> bool {
    matches!(code, ErrorCode::FieldNotFound | ErrorCode::FaceIdNotFound | ErrorCode::NoDataMatched)
}

/// What a delete reports when its retry found nothing after a lost answer: the set, no count.
fn gone(face_set: &FaceSetName, code: &ErrorCode) -> Option<DeleteFacesResponse> {
    nothing_matched(code).then(|| DeleteFacesResponse {
        face_set_name: Some(face_set.as_str().to_owned()),
        ..DeleteFacesResponse::default()
    })
}

/// The most faces a listing can reach: `offset + limit` may not exceed it.
pub const MAX_LISTING_DEPTH: u32 = 10_000;

pub use crate::listing::{FaceListing, ListingStep};

/// Shows faces of a face set, by face id or a page at a time:
/// `GET /v2/{project_id}/face-sets/{face_set_name}/faces?face_id=` or `?offset=&limit=`.
///
/// The service lists at most the first [`MAX_LISTING_DEPTH`] faces (`offset + limit ≤
/// 10 000`); keep your own list of face ids for larger sets. [`FaceListing`] walks the pages
/// (and the clients' `faces` iterator and stream run it).
///
/// ```
/// use std::time::SystemTime;
/// use frs_request::{faces::ShowFaces, Config, Credentials, Endpoint};
///
/// let config = Config::new(Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
///                          "my-project".parse()?, Credentials::token("my-token"));
/// let one = ShowFaces::by_face_id("staff".parse()?, "iexEBb6t".parse()?);
/// let request = config.prepare(&one, SystemTime::now())?;
/// assert_eq!(request.method(), http::Method::GET);
/// assert_eq!(request.uri().path(), "/v2/my-project/face-sets/staff/faces");
/// assert_eq!(request.uri().query(), Some("face_id=iexEBb6t"));
///
/// let page = ShowFaces::page("staff".parse()?, 200, 100)?;
/// let request = config.prepare(&page, SystemTime::now())?;
/// assert_eq!(request.uri().query(), Some("limit=100&offset=200")); // canonical order
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowFaces {
    face_set: FaceSetName,
    query: ShowFacesQuery,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ShowFacesQuery {
    FaceId(FaceId),
    Page { offset: u32, limit: u32 },
}

impl ShowFaces {
    /// The face `face_id`.
    pub fn by_face_id(face_set: FaceSetName, face_id: FaceId) -> Self {
        Self { face_set, query: ShowFacesQuery::FaceId(face_id) }
    }

    /// `limit` faces from position `offset`.
    ///
    /// # Errors
    /// A [`ValidationError`] when `limit` is 0 or `offset + limit` exceeds 10 000.
    ///
    /// ```
    /// use frs_request::faces::ShowFaces;
    ///
    /// assert!(ShowFaces::page("staff".parse()?, 9_900, 100).is_ok());
    /// let err = ShowFaces::page("staff".parse()?, 9_950, 100).unwrap_err(); // deeper than the service lists
    /// assert!(err.to_string().contains("offset"));
    /// assert!(ShowFaces::page("staff".parse()?, 0, 0).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn page(face_set: FaceSetName, offset: u32, limit: u32) -> Result<Self, ValidationError> {
        if limit == 0 {
            return Err(ValidationError::new("limit", Problem::Rule("must be at least 1")));
        }
        if offset.checked_add(limit).is_none_or(|end| end > MAX_LISTING_DEPTH) {
            return Err(ValidationError::new(
                "offset",
                Problem::Rule("offset + limit must not exceed 10000 (the service lists no deeper)"),
            ));
        }
        Ok(Self { face_set, query: ShowFacesQuery::Page { offset, limit } })
    }

    /// A page the caller has already kept within the bound (the listing machine).
    pub(crate) fn page_within_bound(face_set: FaceSetName, offset: u32, limit: u32) -> Self {
        Self { face_set, query: ShowFacesQuery::Page { offset, limit } }
    }
}

impl Operation for ShowFaces {
    type Output = FacesResponse;
    const NAME: &'static str = "ShowFaces";

    fn request_spec(&self) -> Result<RequestSpec<'_>, BuildError> {
        let spec = RequestSpec::frs(Method::GET, ApiVersion::V2, faces_path(&self.face_set));
        Ok(match &self.query {
            ShowFacesQuery::FaceId(id) => spec.query("face_id", id.as_str()),
            ShowFacesQuery::Page { offset, limit } => {
                spec.query("offset", offset.to_string()).query("limit", limit.to_string())
            }
        })
    }

    fn idempotency(&self) -> Idempotency {
        Idempotency::Idempotent
    }

    json_answer!();
}

/// Updates one face's external image id and/or custom fields:
/// `PUT /v2/{project_id}/face-sets/{face_set_name}/faces`.
///
/// ```
/// use std::time::SystemTime;
/// use frs_request::{faces::UpdateFace, BuildError, Config, Credentials, Endpoint};
/// use frs_types::ExternalFields;
///
/// let config = Config::new(Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
///                          "my-project".parse()?, Credentials::token("my-token"));
/// let op = UpdateFace::new("staff".parse()?, "iexEBb6t".parse()?)
///     .external_image_id("alice-2".parse()?)
///     .external_fields(ExternalFields::new().with("floor", 4)?);
/// let request = config.prepare(&op, SystemTime::now())?;
/// assert_eq!(request.method(), http::Method::PUT);
/// assert_eq!(request.uri().path(), "/v2/my-project/face-sets/staff/faces");
/// let body: serde_json::Value = serde_json::from_slice(request.body())?;
/// assert_eq!(body["face_id"], "iexEBb6t");
/// assert_eq!(body["external_image_id"], "alice-2");
/// assert_eq!(body["external_fields"]["floor"], 4);
///
/// // An update that changes nothing is refused before anything is sent.
/// let empty = UpdateFace::new("staff".parse()?, "iexEBb6t".parse()?);
/// assert!(matches!(config.prepare(&empty, SystemTime::now()), Err(BuildError::Invalid(_))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateFace {
    face_set: FaceSetName,
    face_id: FaceId,
    external_image_id: Option<ExternalImageId>,
    external_fields: Option<ExternalFields>,
}

impl UpdateFace {
    /// Updates face `face_id`; set at least one of the two new values.
    pub fn new(face_set: FaceSetName, face_id: FaceId) -> Self {
        Self { face_set, face_id, external_image_id: None, external_fields: None }
    }

    /// A new external image id.
    #[must_use]
    pub fn external_image_id(mut self, id: ExternalImageId) -> Self {
        self.external_image_id = Some(id);
        self
    }

    /// New custom-field values.
    #[must_use]
    pub fn external_fields(mut self, fields: ExternalFields) -> Self {
        self.external_fields = Some(fields);
        self
    }
}

impl Operation for UpdateFace {
    type Output = UpdateFaceResponse;
    const NAME: &'static str = "UpdateFace";

    fn request_spec(&self) -> Result<RequestSpec<'_>, BuildError> {
        if self.external_image_id.is_none() && self.external_fields.is_none() {
            return Err(ValidationError::new(
                "external_image_id",
                Problem::Rule("an update needs external_image_id or external_fields"),
            )
            .into());
        }
        let mut body = json!({ "face_id": self.face_id });
        if let Some(id) = &self.external_image_id {
            body["external_image_id"] = json!(id);
        }
        if let Some(fields) = &self.external_fields {
            body["external_fields"] = json!(fields);
        }
        RequestSpec::frs(Method::PUT, ApiVersion::V2, faces_path(&self.face_set)).json(&body)
    }

    fn idempotency(&self) -> Idempotency {
        Idempotency::Idempotent
    }

    json_answer!();
}

/// Adds the faces found in an image to a face set:
/// `POST /v2/{project_id}/face-sets/{face_set_name}/faces`.
///
/// Every detected face is added (all sharing the external image id) unless
/// [`AddFaces::single`] asks for the largest one only. A full set answers `FRS.0306`, an
/// image without a face `FRS.0404`.
///
/// An add is not idempotent: after a lost answer it is never resent blind (see
/// [`RetryPolicy::resend_adds_after_check`](crate::RetryPolicy::resend_adds_after_check)).
/// An image given by URL (or Base64) makes a JSON body; a file makes it multipart:
///
/// ```
/// use std::time::SystemTime;
/// use frs_request::{faces::AddFaces, Config, Credentials, Endpoint};
/// use frs_types::{ExternalFields, Image};
///
/// let config = Config::new(Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
///                          "my-project".parse()?, Credentials::token("my-token"));
/// let op = AddFaces::new("staff".parse()?, Image::from_url("/bucket/alice.jpg")?)
///     .external_image_id("alice-1".parse()?)
///     .external_fields(ExternalFields::new().with("floor", 3)?)
///     .single(true);
/// let request = config.prepare(&op, SystemTime::now())?;
/// assert_eq!(request.method(), http::Method::POST);
/// assert_eq!(request.uri().path(), "/v2/my-project/face-sets/staff/faces");
/// let body: serde_json::Value = serde_json::from_slice(request.body())?;
/// assert_eq!(body["image_url"], "/bucket/alice.jpg");
/// assert_eq!(body["external_image_id"], "alice-1");
/// assert_eq!(body["single"], true);
///
/// // The bytes of a file (checked by their magic bytes) go as a multipart part.
/// let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];
/// let op = AddFaces::new("staff".parse()?, Image::from_bytes("alice.jpg", jpeg.to_vec())?);
/// let request = config.prepare(&op, SystemTime::now())?;
/// let content_type = request.headers()["content-type"].to_str()?;
/// assert!(content_type.starts_with("multipart/form-data; boundary="));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AddFaces {
    face_set: FaceSetName,
    image: Image,
    external_image_id: Option<ExternalImageId>,
    external_fields: Option<ExternalFields>,
    single: Option<bool>,
}

impl AddFaces {
    /// Adds the faces of `image` to `face_set`.
    pub fn new(face_set: FaceSetName, image: Image) -> Self {
        Self { face_set, image, external_image_id: None, external_fields: None, single: None }
    }

    /// The id to give the image (otherwise the service makes one).
    #[must_use]
    pub fn external_image_id(mut self, id: ExternalImageId) -> Self {
        self.external_image_id = Some(id);
        self
    }

    /// Custom-field values for the new faces (declared in the set's schema).
    #[must_use]
    pub fn external_fields(mut self, fields: ExternalFields) -> Self {
        self.external_fields = Some(fields);
        self
    }

    /// Adds only the largest face (`true`) or every face (`false`, the default).
    #[must_use]
    pub fn single(mut self, single: bool) -> Self {
        self.single = Some(single);
        self
    }
}

impl Operation for AddFaces {
    type Output = FacesResponse;
    const NAME: &'static str = "AddFaces";

    fn request_spec(&self) -> Result<RequestSpec<'_>, BuildError> {
        let mut form = Form::new();
        form.image("image", &self.image);
        if let Some(id) = &self.external_image_id {
            form.text("external_image_id", id.as_str());
        }
        if let Some(fields) = &self.external_fields {
            form.json("external_fields", json!(fields));
        }
        if let Some(single) = self.single {
            form.scalar("single", single);
        }
        Ok(RequestSpec::frs(Method::POST, ApiVersion::V2, faces_path(&self.face_set)).body(form.into_body()?))
    }

    fn idempotency(&self) -> Idempotency {
        // Sending it twice adds the faces twice.
        Idempotency::NotIdempotent
    }

    json_answer!();

    /// The same image searched among the faces with the add's `external_image_id`, every
    /// similarity accepted: a hit means the faces are there. Without an id (the service
    /// would have made one up) there is nothing to look for.
    fn landed_check(&self) -> Option<SearchFaces> {
        let id = self.external_image_id.as_ref()?;
        let value = FieldValue::new(id.as_str()).ok()?;
        let search = SearchFaces::by_image(self.face_set.clone(), self.image.clone())
            .filter(Filter::term(FilterField::ExternalImageId, value))
            .threshold(0.0)
            .ok()?
            .top_n(1000)
            .ok()?;
        Some(search)
    }

    fn landed(&self, hits: Vec<SearchFace>) -> Option<FacesResponse> {
        let faces = hits
            .into_iter()
            .map(|hit| FaceSetFace {
                bounding_box: hit.bounding_box,
                face_id: hit.face_id,
                external_image_id: hit.external_image_id,
                external_fields: hit.external_fields,
            })
            .collect();
        Some(FacesResponse {
            face_set_id: None,
            face_set_name: Some(self.face_set.as_str().to_owned()),
            faces: Some(faces),
        })
    }
}

/// Deletes every face matching a filter:
/// `DELETE /v2/{project_id}/face-sets/{face_set_name}/faces/batch` with `{"filter": ...}`.
///
/// When nothing matches the service answers `FRS.0407`, not zero.
///
/// ```
/// use std::time::SystemTime;
/// use frs_request::{faces::BatchDeleteFaces, Config, Credentials, Endpoint};
/// use frs_types::{FieldName, Filter};
///
/// let config = Config::new(Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
///                          "my-project".parse()?, Credentials::token("my-token"));
/// let filter = Filter::between(FieldName::new("floor")?, 1, 2); // or Filter::parse("floor:[1 TO 2]")?
/// let op = BatchDeleteFaces::new("staff".parse()?, filter);
/// let request = config.prepare(&op, SystemTime::now())?;
/// assert_eq!(request.method(), http::Method::DELETE);
/// assert_eq!(request.uri().path(), "/v2/my-project/face-sets/staff/faces/batch");
/// let body: serde_json::Value = serde_json::from_slice(request.body())?;
/// assert_eq!(body["filter"], "floor:[1 TO 2]");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchDeleteFaces {
    face_set: FaceSetName,
    filter: Filter,
}

impl BatchDeleteFaces {
    /// Deletes the faces of `face_set` that match `filter`.
    pub fn new(face_set: FaceSetName, filter: Filter) -> Self {
        Self { face_set, filter }
    }
}

impl Operation for BatchDeleteFaces {
    type Output = DeleteFacesResponse;
    const NAME: &'static str = "BatchDeleteFaces";

    fn request_spec(&self) -> Result<RequestSpec<'_>, BuildError> {
        let mut segments = faces_path(&self.face_set);
        segments.push(Cow::Borrowed("batch"));
        RequestSpec::frs(Method::DELETE, ApiVersion::V2, segments)
            .json(&json!({ "filter": self.filter.to_string() }))
    }

    fn idempotency(&self) -> Idempotency {
        Idempotency::Idempotent
    }

    json_answer!();

    fn gone_after_lost_answer(&self, code: &ErrorCode) -> Option<DeleteFacesResponse> {
        gone(&self.face_set, code)
    }
}
