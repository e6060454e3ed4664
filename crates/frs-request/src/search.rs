//! Searching a face set for the faces most similar to a query face.

use frs_types::models::search::SearchFacesResponse;
use frs_types::{FaceId, FaceSetName, Filter, Image, Problem, ReturnFields, Sort, ValidationError};
use http::Method;
use serde_json::json;

use crate::error::BuildError;
use crate::form::Form;
use crate::operation::{ApiVersion, Idempotency, Operation, RequestSpec, json_answer};

/// The query face of a search.
#[derive(Debug, Clone, PartialEq)]
enum Query {
    Image(Image),
    FaceId(FaceId),
}

/// Finds the faces of a face set most similar to the largest face of an image, or to a
/// stored face: `POST /v2/{project_id}/face-sets/{face_set_name}/search`.
///
/// ```
/// use std::time::SystemTime;
/// use frs_request::{search::SearchFaces, Config, Credentials, Endpoint};
/// use frs_types::{Filter, Image, Sort};
///
/// let op = SearchFaces::by_image("staff".parse()?, Image::from_url("/bucket/visitor.jpg")?)
///     .top_n(5)?
///     .threshold(0.93)?
///     .filter(Filter::parse("floor:[1 TO 3] && active:true")?)
///     .sort(Sort::new().desc("hired_at".parse()?));
/// let config = Config::new(Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
///                          "my-project".parse()?, Credentials::token("my-token"));
/// let request = config.prepare(&op, SystemTime::now())?;
/// assert_eq!(request.method(), http::Method::POST);
/// assert_eq!(request.uri().path(), "/v2/my-project/face-sets/staff/search");
/// let body: serde_json::Value = serde_json::from_slice(request.body())?;
/// assert_eq!(body["image_url"], "/bucket/visitor.jpg");
/// assert_eq!(body["top_n"], 5);
/// assert_eq!(body["threshold"], 0.93);
/// assert!(body["filter"].as_str().is_some_and(|f| f.contains("floor")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SearchFaces {
    face_set: FaceSetName,
    query: Query,
    top_n: Option<u32>,
    threshold: Option<f64>,
    filter: Option<Filter>,
    sort: Option<Sort>,
    return_fields: Option<ReturnFields>,
}

impl SearchFaces {
    /// Searches with the largest face of `image`.
    pub fn by_image(face_set: FaceSetName, image: Image) -> Self {
        Self::with_query(face_set, Query::Image(image))
    }

    /// Searches with the stored face `face_id`.
    ///
    /// Run with a closure as the transport, answering as the service does:
    ///
    /// ```
    /// use std::{convert::Infallible, time::SystemTime};
    /// use bytes::Bytes;
    /// use frs_request::{execute_blocking, search::SearchFaces, Config, Credentials, Endpoint};
    ///
    /// let config = Config::new(Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
    ///                          "my-project".parse()?, Credentials::token("my-token"));
    /// let transport = |req: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
    ///     let body: serde_json::Value = serde_json::from_slice(req.body()).unwrap();
    ///     assert_eq!(body["face_id"], "iexEBb6t");
    ///     Ok(http::Response::new(Bytes::from_static(
    ///         br#"{"faces": [{"face_id": "q2ZkS7xp", "external_image_id": "alice-1", "similarity": 0.97}]}"#,
    ///     )))
    /// };
    /// let op = SearchFaces::by_face_id("staff".parse()?, "iexEBb6t".parse()?).top_n(1)?;
    /// let hits = execute_blocking(&config, &transport, &op, SystemTime::now, |_| {})?.into_inner();
    /// let best = &hits.faces.unwrap_or_default()[0];
    /// assert_eq!(best.external_image_id.as_deref(), Some("alice-1"));
    /// assert!(best.similarity.is_some_and(|s| s > 0.93));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn by_face_id(face_set: FaceSetName, face_id: FaceId) -> Self {
        Self::with_query(face_set, Query::FaceId(face_id))
    }

    fn with_query(face_set: FaceSetName, query: Query) -> Self {
        Self { face_set, query, top_n: None, threshold: None, filter: None, sort: None, return_fields: None }
    }

    /// Returns at most `n` faces (1–1000; the service's default is 10).
    ///
    /// # Errors
    /// A [`ValidationError`] for `top_n` outside 1–1000.
    pub fn top_n(mut self, n: u32) -> Result<Self, ValidationError> {
        if !(1..=1000).contains(&n) {
            return Err(ValidationError::new("top_n", Problem::Rule("must be from 1 to 1000")));
        }
        self.top_n = Some(n);
        Ok(self)
    }

    /// Returns only faces at least this similar (0–1; 0.93 is the suggested value).
    ///
    /// # Errors
    /// A [`ValidationError`] for `threshold` outside 0–1.
    pub fn threshold(mut self, threshold: f64) -> Result<Self, ValidationError> {
        if !(0.0..=1.0).contains(&threshold) {
            return Err(ValidationError::new("threshold", Problem::Rule("must be from 0 to 1")));
        }
        self.threshold = Some(threshold);
        Ok(self)
    }

    /// Searches only the faces matching `filter`.
    #[must_use]
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filter = Some(filter);
        self
    }

    /// Orders the hits by numeric custom fields.
    #[must_use]
    pub fn sort(mut self, sort: Sort) -> Self {
        self.sort = Some(sort);
        self
    }

    /// Returns only these custom fields in each hit.
    #[must_use]
    pub fn return_fields(mut self, fields: ReturnFields) -> Self {
        self.return_fields = Some(fields);
        self
    }
}

impl Operation for SearchFaces {
    type Output = SearchFacesResponse;
    const NAME: &'static str = "SearchFace";

    fn request_spec(&self) -> Result<RequestSpec<'_>, BuildError> {
        let mut form = Form::new();
        match &self.query {
            Query::Image(image) => form.image("image", image),
            Query::FaceId(id) => form.text("face_id", id.as_str()),
        };
        if let Some(n) = self.top_n {
            form.scalar("top_n", n);
        }
        if let Some(t) = self.threshold {
            form.scalar("threshold", t);
        }
        if let Some(sort) = &self.sort {
            form.json("sort", json!(sort));
        }
        if let Some(filter) = &self.filter {
            form.text("filter", filter.to_string());
        }
        if let Some(fields) = &self.return_fields {
            form.json("return_fields", json!(fields));
        }
        let spec = RequestSpec::frs(
            Method::POST,
            ApiVersion::V2,
            vec!["face-sets".into(), self.face_set.as_str().into(), "search".into()],
        );
        Ok(spec.body(form.into_body()?))
    }

    fn idempotency(&self) -> Idempotency {
        // A search changes nothing.
        Idempotency::Idempotent
    }

    json_answer!();
}
