//! Choosing the faces that a delete applies to.

use crate::ids::{ExternalImageId, FaceId, FieldName, FieldValue};

/// Which faces of a face set an operation selects: the `?<field>=<value>` of
/// `DELETE /v2/{project_id}/face-sets/{face_set_name}/faces`.
///
/// The service takes exactly one field per request. Every face whose field equals the value
/// is selected: all faces of one image for `external_image_id`, at most one for `face_id`,
/// and every face carrying the value for a custom field.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FaceSelector {
    /// Faces added from the image with this id (`?external_image_id=`).
    ExternalImageId(ExternalImageId),
    /// The face with this id (`?face_id=`).
    FaceId(FaceId),
    /// Faces whose custom field `name` equals `value` (`?<name>=<value>`), a selection none
    /// of Huawei's generated SDKs can express.
    Field {
        /// The custom field, declared in the face set's schema.
        name: FieldName,
        /// The value to match; the service reads it with the field's declared type.
        value: FieldValue,
    },
}

impl FaceSelector {
    /// Selects by custom field.
    pub fn field(name: FieldName, value: FieldValue) -> Self {
        Self::Field { name, value }
    }

    /// The query parameter name: `external_image_id`, `face_id` or the custom field's name.
    pub fn field_name(&self) -> &str {
        match self {
            Self::ExternalImageId(_) => "external_image_id",
            Self::FaceId(_) => "face_id",
            Self::Field { name, .. } => name.as_str(),
        }
    }

    /// The value to match, as text (not yet percent-encoded).
    pub fn value(&self) -> &str {
        match self {
            Self::ExternalImageId(id) => id.as_str(),
            Self::FaceId(id) => id.as_str(),
            Self::Field { value, .. } => value.as_str(),
        }
    }

    /// The `(name, value)` query pair, unencoded.
    pub fn query_pair(&self) -> (&str, &str) {
        (self.field_name(), self.value())
    }
}

impl From<ExternalImageId> for FaceSelector {
    fn from(id: ExternalImageId) -> Self {
        Self::ExternalImageId(id)
    }
}

impl From<FaceId> for FaceSelector {
    fn from(id: FaceId) -> Self {
        Self::FaceId(id)
    }
}
