//! Detecting faces and comparing two faces.

use serde::{Deserialize, Serialize};

use super::common::BoundingBox;

/// A detected face: its position and, when asked for, its attributes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DetectFace {
    /// Where the face is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounding_box: Option<BoundingBox>,
    /// The attributes asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Attributes>,
    /// Key points (older API versions only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub landmark: Option<Landmark>,
}

/// Attributes of a detected face; each is present only when its code was asked for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Attributes {
    /// `male` or `female` (code 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// Estimated age (code 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<i64>,
    /// Glasses and hat (code 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dress: Option<Dress>,
    /// `yes`, `dark`, `none`, `unknown` (code 4; also inside `dress`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub glass: Option<String>,
    /// `yes`, `none`, `unknown` (code 4; also inside `dress`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hat: Option<String>,
    /// `yes`, `none`, `unknown` (code 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mask: Option<String>,
    /// `long`, `short`, `unknown` (code 7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hair: Option<String>,
    /// `yes`, `none`, `unknown` (code 8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beard: Option<String>,
    /// `idcard`, `monitor` or `internet photo` (code 11).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phototype: Option<String>,
    /// Quality scores (code 12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<FaceQuality>,
    /// Expression (code 13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<Expression>,
    /// Clockwise rotation of the face: 0, 90, 180 or 270 (code 21).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_angle: Option<i64>,
}

/// Glasses and hat.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dress {
    /// `yes`, `dark`, `none`, `unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub glass: Option<String>,
    /// `yes`, `none`, `unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hat: Option<String>,
}

/// Quality scores of a face, each in 0–1.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FaceQuality {
    /// Overall quality; higher is better.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_score: Option<f64>,
    /// Higher is blurrier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blur: Option<f64>,
    /// Higher is a worse pose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pose: Option<f64>,
    /// Higher is more occluded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occlusion: Option<f64>,
    /// Higher is worse lighting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illumination: Option<f64>,
}

/// A facial expression and how sure the service is of it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Expression {
    /// `neutral`, `happy`, `fear`, `surprise`, `sad`, `angry`, `disgust` or `unknown`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Confidence, 0–1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
}

/// Key points of a face (older API versions).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Landmark {
    /// Outline of the nose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nose_contour: Option<serde_json::Value>,
    /// Outline of the mouth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mouth_contour: Option<serde_json::Value>,
    /// Eyebrows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eyebrow_contour: Option<serde_json::Value>,
    /// Eyes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eyes_contour: Option<serde_json::Value>,
    /// Outline of the face.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_contour: Option<serde_json::Value>,
}

/// Answer to detection: `{"faces": [...]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DetectFacesResponse {
    /// Every face found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faces: Option<Vec<DetectFace>>,
}

/// The face used from one image of a comparison.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompareFace {
    /// Where it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounding_box: Option<BoundingBox>,
}

/// Answer to a comparison.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CompareFacesResponse {
    /// The largest face of image 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image1_face: Option<CompareFace>,
    /// The largest face of image 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image2_face: Option<CompareFace>,
    /// Similarity, 0–1 (above 0.93: usually the same person).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f64>,
}
