//! What the engine makes of an input, and why it refuses one.

use frs_types::models::common::BoundingBox;
use frs_types::models::detection::Attributes;
use frs_types::{ErrorCode, ImageFormat, VideoFormat};

/// The largest image resolution accepted: images must be smaller than `long_side` ×
/// `short_side`, in either orientation (the long side of the image is compared with
/// `long_side`, the short side with `short_side`; both must be strictly smaller).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResolutionLimit {
    /// The long side must be smaller than this, in pixels.
    pub long_side: u32,
    /// The short side must be smaller than this, in pixels.
    pub short_side: u32,
}

impl ResolutionLimit {
    /// "< 4096 × 2160": the en-us API reference, product description, international
    /// Chinese pages and FRS.0013's description. The default, being the stricter.
    pub const INTERNATIONAL: Self = Self { long_side: 4096, short_side: 2160 };
    /// "< 4096 × 4096": the Chinese pages updated in 2025-12 / 2026-01.
    pub const CHINA_2025: Self = Self { long_side: 4096, short_side: 4096 };

    /// Whether an image of `width` × `height` is small enough.
    pub fn allows(self, width: u32, height: u32) -> bool {
        let (long, short) = if width >= height { (width, height) } else { (height, width) };
        long < self.long_side && short < self.short_side
    }
}

impl Default for ResolutionLimit {
    /// [`ResolutionLimit::INTERNATIONAL`].
    fn default() -> Self {
        Self::INTERNATIONAL
    }
}

/// What the engine makes of an image.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageAnalysis {
    /// The format, from the magic bytes.
    pub format: ImageFormat,
    /// The width in pixels, from the headers or [`DEFAULT_WIDTH`](super::DEFAULT_WIDTH).
    pub width: u32,
    /// The height in pixels, from the headers or [`DEFAULT_HEIGHT`](super::DEFAULT_HEIGHT).
    pub height: u32,
    /// Whether `width` and `height` were read from the headers (not assumed).
    pub size_from_headers: bool,
    /// The faces, largest first; empty when the image declares `faces=0`.
    pub faces: Vec<EngineFace>,
    /// The silent liveness verdict.
    pub live: bool,
    /// How sure the verdict is, 0–1.
    pub live_confidence: f64,
}

/// One face found by the engine.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineFace {
    /// Whose face it is: the declared or derived person, `person#2`, `person#3`, … for the
    /// further faces of a group photo.
    pub person: String,
    /// Which picture of that person: the first face has the image's variant, the others a
    /// value mixed from it and the face's index.
    pub variant: u64,
    /// Where the face is; inside the image.
    pub bounding_box: BoundingBox,
    /// Every attribute, filled in.
    pub attributes: Attributes,
}

/// Why an image is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImageRejection {
    /// No bytes at all.
    #[error("the image is empty")]
    Empty,
    /// Not a JPG/JPEG, PNG or BMP file.
    #[error("unsupported image format: expected a JPG/JPEG, PNG or BMP image")]
    UnsupportedFormat,
    /// Larger than the resolution limit.
    #[error(
        "image resolution {width}x{height} is too large: it must be smaller than {}x{}",
        .limit.long_side,
        .limit.short_side
    )]
    ResolutionTooLarge {
        /// The image's width.
        width: u32,
        /// The image's height.
        height: u32,
        /// The limit applied.
        limit: ResolutionLimit,
    },
    /// A declaration with a value that does not parse.
    #[error("emulator declaration frs:{key}={value} in the image: expected {expected}")]
    InvalidDeclaration {
        /// The key.
        key: String,
        /// The value (at most 64 characters of it).
        value: String,
        /// What the value should be.
        expected: &'static str,
    },
}

impl ImageRejection {
    /// The service error the emulator answers with: FRS.0011 (empty), FRS.0016 (format),
    /// FRS.0013 (resolution), FRS.0012 (a bad declaration; the emulator's own rule).
    pub fn error_code(&self) -> ErrorCode {
        match self {
            Self::Empty => ErrorCode::ParameterMissing,
            Self::UnsupportedFormat => ErrorCode::UnsupportedFormat,
            Self::ResolutionTooLarge { .. } => ErrorCode::ImageSizeOutOfRange,
            Self::InvalidDeclaration { .. } => ErrorCode::ParameterInvalid,
        }
    }
}

/// What the engine makes of a video.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoAnalysis {
    /// The container, from the magic bytes.
    pub format: VideoFormat,
    /// The length in milliseconds (declared, or [`DEFAULT_VIDEO_DURATION_MS`](super::DEFAULT_VIDEO_DURATION_MS)).
    pub duration_ms: u32,
    /// Who is filmed.
    pub person: String,
    /// Which recording of the person (as an image's variant).
    pub variant: u64,
    /// How many faces are visible.
    pub faces: u32,
    /// Whether a live person is filmed.
    pub alive: bool,
    /// The action codes performed; `None`: every requested action.
    pub performed_actions: Option<Vec<u8>>,
    /// The frame rate.
    pub fps: u32,
}

/// Why a video is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VideoRejection {
    /// No bytes at all.
    #[error("the video is empty")]
    Empty,
    /// Not one of the accepted containers.
    #[error("Parse video data failed.")]
    UnsupportedContainer,
    /// A declared duration outside 1–15 s.
    #[error("Video time {duration_ms} ms is not supported: it must be 1-15 s.")]
    Duration {
        /// The declared duration.
        duration_ms: u64,
    },
    /// A declaration with a value that does not parse.
    #[error("emulator declaration frs:{key}={value} in the video: expected {expected}")]
    InvalidDeclaration {
        /// The key.
        key: String,
        /// The value (at most 64 characters of it).
        value: String,
        /// What the value should be.
        expected: &'static str,
    },
}

impl VideoRejection {
    /// The service error the emulator answers with: FRS.0011 (empty), FRS.0701 (container),
    /// FRS.0706 (duration), FRS.0012 (a bad declaration; the emulator's own rule).
    pub fn error_code(&self) -> ErrorCode {
        match self {
            Self::Empty => ErrorCode::ParameterMissing,
            Self::UnsupportedContainer => ErrorCode::VideoParseFailed,
            Self::Duration { .. } => ErrorCode::VideoDurationNotSupported,
            Self::InvalidDeclaration { .. } => ErrorCode::ParameterInvalid,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolution_limits() {
        let l = ResolutionLimit::INTERNATIONAL;
        assert!(l.allows(4095, 2159));
        assert!(l.allows(2159, 4095));
        assert!(!l.allows(4096, 2000));
        assert!(!l.allows(3840, 2160));
        assert!(!l.allows(2160, 3840));
        assert!(ResolutionLimit::CHINA_2025.allows(4095, 4095));
        assert!(!ResolutionLimit::CHINA_2025.allows(4096, 100));
        assert_eq!(ResolutionLimit::default(), l);
    }
}
