//! Liveness: action liveness from a video, silent liveness from a photo.

use serde::{Deserialize, Serialize};

use super::common::{EncodedPicture, Warning};

/// The result for one requested action.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActionResult {
    /// The action code: 1 shake left, 2 shake right, 3 nod, 4 mouth, 5 blink.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<i64>,
    /// How sure the service is, 0–1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
}

/// The verdict on a video.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VideoResult {
    /// Whether a live person performed the actions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alive: Option<bool>,
    /// Per-action results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<ActionResult>>,
    /// The largest face, as a base64 JPG.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<EncodedPicture>,
}

/// Answer to action liveness; the service writes its keys with hyphens.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DetectLiveResponse {
    /// The verdict (`video-result`).
    #[serde(rename = "video-result", default, skip_serializing_if = "Option::is_none")]
    pub video_result: Option<VideoResult>,
    /// Warnings (`warning-list`).
    #[serde(rename = "warning-list", default, skip_serializing_if = "Option::is_none")]
    pub warning_list: Option<Vec<Warning>>,
}

/// The verdict on a photo.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LiveFaceResult {
    /// Whether the face is of a live person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alive: Option<bool>,
    /// How sure the service is, 0–1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// The largest face, as base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<EncodedPicture>,
}

/// Answer to silent liveness.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DetectLiveFaceResponse {
    /// The verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<LiveFaceResult>,
    /// Warnings (`warning-list`).
    #[serde(rename = "warning-list", default, skip_serializing_if = "Option::is_none")]
    pub warning_list: Option<Vec<Warning>>,
}
