//! Structures shared by several operations.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where a face is in its image, in pixels.
///
/// Example from the documentation: `{"width": 174, "top_left_y": 37, "top_left_x": 22, "height": 174}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BoundingBox {
    /// x of the top-left corner.
    #[serde(default)]
    pub top_left_x: i64,
    /// y of the top-left corner.
    #[serde(default)]
    pub top_left_y: i64,
    /// Width of the box.
    #[serde(default)]
    pub width: i64,
    /// Height of the box.
    #[serde(default)]
    pub height: i64,
}

/// A warning attached to a liveness result (`{"warningCode": 1, "warningMsg": "..."}`; the
/// service writes these keys in camel case).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// The warning code (1 face not frontal, 2 video shorter than 1 s, 3 longer than 15 s,
    /// 4 two faces, 5 no face, 6 action too small, 7 poor quality or not a real person, 8 no
    /// usable frame, 101–106 image quality problems).
    #[serde(rename = "warningCode", default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// The service's message.
    #[serde(rename = "warningMsg", default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A picture the service returns as base64 (a face cut from a video or an image).
///
/// Pictures of faces are personal data: `Debug` shows only their length.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EncodedPicture(pub String);

impl fmt::Debug for EncodedPicture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EncodedPicture({} base64 characters)", self.0.len())
    }
}
