//! Faces in a face set: adding, listing, updating and deleting them.

use std::borrow::Cow;

use frs_types::models::faces::DeleteFacesResponse;
use frs_types::{ExternalImageId, FaceId, FaceSelector, FaceSetName, FieldName, FieldValue};
use http::Method;

use crate::error::BuildError;
use crate::operation::{ApiVersion, Body, Idempotency, Operation, RequestSpec};

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
    pub fn new(face_set: FaceSetName, selector: FaceSelector) -> Self {
        Self { face_set, selector }
    }

    /// Deletes every face added from the image `id` (`?external_image_id=`).
    pub fn by_external_image_id(face_set: FaceSetName, id: ExternalImageId) -> Self {
        Self::new(face_set, FaceSelector::ExternalImageId(id))
    }

    /// Deletes the face `id` (`?face_id=`).
    pub fn by_face_id(face_set: FaceSetName, id: FaceId) -> Self {
        Self::new(face_set, FaceSelector::FaceId(id))
    }

    /// Deletes every face whose custom field `name` equals `value` (`?<name>=<value>`).
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

    fn request_spec(&self) -> Result<RequestSpec, BuildError> {
        let (name, value) = self.selector.query_pair();
        Ok(RequestSpec {
            method: Method::DELETE,
            version: ApiVersion::V2,
            segments: vec![
                Cow::Borrowed("face-sets"),
                Cow::Owned(self.face_set.as_str().to_owned()),
                Cow::Borrowed("faces"),
            ],
            query: vec![(name.to_owned(), value.to_owned())],
            body: Body::Empty,
        })
    }

    fn idempotency(&self) -> Idempotency {
        Idempotency::Idempotent
    }
}
