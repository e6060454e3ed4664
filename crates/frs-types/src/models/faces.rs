//! Faces: the bodies of adding, listing, updating and deleting faces in a face set.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::common::BoundingBox;

/// A face stored in a face set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FaceSetFace {
    /// Where the face is in its source image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounding_box: Option<BoundingBox>,
    /// The face's id, given by the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_id: Option<String>,
    /// The id of the image it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_image_id: Option<String>,
    /// Its custom-field values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_fields: Option<Map<String, Value>>,
}

/// Answer to adding faces and to showing faces:
/// `{"face_set_id": ..., "face_set_name": ..., "faces": [...]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FacesResponse {
    /// The face set's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_set_id: Option<String>,
    /// The face set's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_set_name: Option<String>,
    /// The faces added, or the faces of the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faces: Option<Vec<FaceSetFace>>,
}

/// Answer to deleting faces by field, to batch deletion and to updating a face: how many
/// faces were affected.
///
/// Example from the service's documentation:
/// `{"face_number": 1, "face_set_id": "T785tx1N", "face_set_name": "showFaceSet"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteFacesResponse {
    /// Number of faces deleted (or updated): every face that matched, not a 0/1 flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_number: Option<u64>,
    /// Id of the face set (8 random characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_set_id: Option<String>,
    /// Name of the face set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_set_name: Option<String>,
}

/// Answer to updating a face (same shape as a deletion's).
pub type UpdateFaceResponse = DeleteFacesResponse;
