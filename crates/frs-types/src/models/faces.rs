//! Faces: the bodies of adding, listing, updating and deleting faces in a face set.

use serde::{Deserialize, Serialize};

/// Answer to deleting faces by field (and to batch deletion): how many faces went.
///
/// Example from the service's documentation:
/// `{"face_number": 1, "face_set_id": "T785tx1N", "face_set_name": "showFaceSet"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteFacesResponse {
    /// Number of faces deleted (every face that matched, not a 0/1 flag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_number: Option<u64>,
    /// Id of the face set (8 random characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_set_id: Option<String>,
    /// Name of the face set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_set_name: Option<String>,
}
