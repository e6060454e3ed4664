//! Detecting the faces of an image, and comparing the faces of two images.

use frs_types::media::MAX_IMAGE_BYTES;
use frs_types::models::detection::{CompareFacesResponse, DetectFacesResponse};
use frs_types::{Image, Problem, ValidationError};
use http::Method;

use crate::error::BuildError;
use crate::form::Form;
use crate::operation::{ApiVersion, Idempotency, Operation, RequestSpec, json_answer};

/// A face attribute detection can report (`attributes` codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Attribute {
    /// `gender` (code 1).
    Gender,
    /// `age` (code 2).
    Age,
    /// `dress`: glasses and hat (code 4).
    Dress,
    /// `mask` (code 6).
    Mask,
    /// `hair` (code 7).
    Hair,
    /// `beard` (code 8).
    Beard,
    /// `phototype` (code 11).
    PhotoType,
    /// `quality` (code 12).
    Quality,
    /// `expression` (code 13).
    Expression,
    /// `face_angle`: rotation 0/90/180/270 (code 21).
    FaceAngle,
}

impl Attribute {
    /// Every attribute, in code order.
    pub const ALL: [Self; 10] = [
        Self::Gender,
        Self::Age,
        Self::Dress,
        Self::Mask,
        Self::Hair,
        Self::Beard,
        Self::PhotoType,
        Self::Quality,
        Self::Expression,
        Self::FaceAngle,
    ];

    /// The attribute with the service's code `code`, if there is one.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The service's code.
    pub fn code(self) -> u8 {
        match self {
            Self::Gender => 1,
            Self::Age => 2,
            Self::Dress => 4,
            Self::Mask => 6,
            Self::Hair => 7,
            Self::Beard => 8,
            Self::PhotoType => 11,
            Self::Quality => 12,
            Self::Expression => 13,
            Self::FaceAngle => 21,
        }
    }
}

/// Detects every face of an image, with the attributes asked for:
/// `POST /v2/{project_id}/face-detect`. (The official SDK's `*_intl` methods send the same
/// request.)
///
/// ```
/// use std::{convert::Infallible, time::SystemTime};
/// use bytes::Bytes;
/// use frs_request::detection::{Attribute, DetectFaces};
/// use frs_request::{execute_blocking, Config, Credentials, Endpoint};
/// use frs_types::Image;
///
/// let op = DetectFaces::new(Image::from_url("/bucket/group.jpg")?)
///     .attributes(&[Attribute::Gender, Attribute::Age, Attribute::Gender]);
/// let config = Config::new(Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
///                          "my-project".parse()?, Credentials::token("my-token"));
/// let transport = |req: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
///     assert_eq!(req.uri().path(), "/v2/my-project/face-detect");
///     let body: serde_json::Value = serde_json::from_slice(req.body()).unwrap();
///     assert_eq!(body["image_url"], "/bucket/group.jpg");
///     assert_eq!(body["attributes"], "1,2"); // codes, in order, without repeats
///     Ok(http::Response::new(Bytes::from_static(br#"{"faces": [
///         {"bounding_box": {"top_left_x": 10, "top_left_y": 20, "width": 90, "height": 110},
///          "attributes": {"gender": "female", "age": 31}}]}"#)))
/// };
/// let reply = execute_blocking(&config, &transport, &op, SystemTime::now, |_| {})?;
/// let faces = reply.value.faces.unwrap_or_default();
/// assert_eq!(faces.len(), 1);
/// assert_eq!(faces[0].attributes.as_ref().and_then(|a| a.age), Some(31));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DetectFaces {
    image: Image,
    attributes: Vec<Attribute>,
}

impl DetectFaces {
    /// Detects the faces of `image`.
    pub fn new(image: Image) -> Self {
        Self { image, attributes: Vec::new() }
    }

    /// Asks for these attributes (sent as codes, e.g. `1,2,4`, in the order given, without
    /// repeats).
    #[must_use]
    pub fn attributes(mut self, attributes: &[Attribute]) -> Self {
        for a in attributes {
            if !self.attributes.contains(a) {
                self.attributes.push(*a);
            }
        }
        self
    }
}

impl Operation for DetectFaces {
    type Output = DetectFacesResponse;
    const NAME: &'static str = "DetectFace";

    fn request_spec(&self) -> Result<RequestSpec<'_>, BuildError> {
        let mut form = Form::new();
        form.image("image", &self.image);
        if !self.attributes.is_empty() {
            let codes: Vec<String> = self.attributes.iter().map(|a| a.code().to_string()).collect();
            form.text("attributes", codes.join(","));
        }
        Ok(RequestSpec::frs(Method::POST, ApiVersion::V2, vec!["face-detect".into()]).body(form.into_body()?))
    }

    fn idempotency(&self) -> Idempotency {
        Idempotency::Idempotent
    }

    json_answer!();
}

/// Compares the largest face of one image with the largest face of another:
/// `POST /v2/{project_id}/face-compare`.
///
/// Each image may be given its own way (file, base64 or URL), as the API page allows (the
/// official SDK's three methods use one form for both); a file makes the body multipart,
/// with the other image as a text part. Together they stay under 8 MiB.
///
/// ```
/// use std::{convert::Infallible, time::SystemTime};
/// use bytes::Bytes;
/// use frs_request::{detection::CompareFaces, execute_blocking, Config, Credentials, Endpoint};
/// use frs_types::Image;
///
/// let op = CompareFaces::new(Image::from_url("/bucket/badge.jpg")?,
///                            Image::base64_from_bytes([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10])?)?;
/// let config = Config::new(Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
///                          "my-project".parse()?, Credentials::token("my-token"));
/// let transport = |req: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
///     assert_eq!(req.method(), http::Method::POST);
///     assert_eq!(req.uri().path(), "/v2/my-project/face-compare");
///     let body: serde_json::Value = serde_json::from_slice(req.body()).unwrap();
///     assert_eq!(body["image1_url"], "/bucket/badge.jpg");
///     assert!(body["image2_base64"].is_string());
///     Ok(http::Response::new(Bytes::from_static(br#"{"similarity": 0.96}"#)))
/// };
/// let reply = execute_blocking(&config, &transport, &op, SystemTime::now, |_| {})?;
/// assert_eq!(reply.value.similarity, Some(0.96));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CompareFaces {
    image1: Image,
    image2: Image,
}

impl CompareFaces {
    /// Compares `image1` with `image2`.
    ///
    /// # Errors
    /// A [`ValidationError`] when the images are together larger than 8 MiB.
    pub fn new(image1: Image, image2: Image) -> Result<Self, ValidationError> {
        let total = image1.byte_len().unwrap_or(0) + image2.byte_len().unwrap_or(0);
        if total > MAX_IMAGE_BYTES {
            return Err(ValidationError::new(
                "image2",
                Problem::Rule("the two images together must be smaller than 8 MiB"),
            ));
        }
        Ok(Self { image1, image2 })
    }
}

impl Operation for CompareFaces {
    type Output = CompareFacesResponse;
    const NAME: &'static str = "CompareFace";

    fn request_spec(&self) -> Result<RequestSpec<'_>, BuildError> {
        let mut form = Form::new();
        form.image("image1", &self.image1).image("image2", &self.image2);
        Ok(RequestSpec::frs(Method::POST, ApiVersion::V2, vec!["face-compare".into()])
            .body(form.into_body()?))
    }

    fn idempotency(&self) -> Idempotency {
        Idempotency::Idempotent
    }

    json_answer!();
}
