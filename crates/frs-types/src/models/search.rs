//! Searching a face set for the faces most similar to a query face.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::common::BoundingBox;

/// One hit of a search: a stored face and its similarity to the query face.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchFace {
    /// Where the face is in its source image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounding_box: Option<BoundingBox>,
    /// The stored face's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_id: Option<String>,
    /// The id of the image it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_image_id: Option<String>,
    /// Its custom-field values (limited by `return_fields`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_fields: Option<Map<String, Value>>,
    /// Similarity to the query face, 0–1 (above 0.93: usually the same person).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f64>,
}

/// Answer to a search: `{"faces": [...]}`, most similar first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchFacesResponse {
    /// The hits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faces: Option<Vec<SearchFace>>,
}
