//! The image formats and video containers the service accepts, recognised by their magic
//! bytes (a file name or extension is never trusted).

use std::fmt;

/// Expected image formats, as error messages show them.
pub(super) const IMAGE_FORMATS: &str = "a JPG/JPEG, PNG or BMP image";

/// Expected video containers, as error messages show them.
pub(super) const VIDEO_FORMATS: &str = "an mp4, mov, avi, flv, webm or asf video";

/// An image format the service accepts, recognised by its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    /// JPEG (`.jpg`/`.jpeg`): starts with `FF D8 FF`.
    Jpeg,
    /// PNG: starts with `89 50 4E 47 0D 0A 1A 0A`.
    Png,
    /// Windows bitmap: starts with `BM`.
    Bmp,
}

impl ImageFormat {
    /// How many leading bytes [`ImageFormat::detect`] may look at.
    pub const MAGIC_LEN: usize = 8;

    /// Recognises the format from the first bytes of the data; `None` for anything else
    /// (GIF, WebP, HEIC, … are not accepted by the service).
    pub fn detect(data: &[u8]) -> Option<Self> {
        if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if data.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(Self::Png)
        } else if data.starts_with(b"BM") {
            Some(Self::Bmp)
        } else {
            None
        }
    }

    /// The usual file extension, without the dot: `jpg`, `png`, `bmp`.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Bmp => "bmp",
        }
    }

    /// The media type: `image/jpeg`, `image/png`, `image/bmp`.
    pub fn mime_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Bmp => "image/bmp",
        }
    }

    /// The file name used when the caller gives none: `image.jpg`, `image.png`, `image.bmp`.
    pub fn default_file_name(self) -> &'static str {
        match self {
            Self::Jpeg => "image.jpg",
            Self::Png => "image.png",
            Self::Bmp => "image.bmp",
        }
    }
}

impl fmt::Display for ImageFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Jpeg => "JPEG",
            Self::Png => "PNG",
            Self::Bmp => "BMP",
        })
    }
}

/// A video container the service accepts, recognised by its magic bytes.
///
/// Only the container is checked; the codec (h261, h263, h264, hevc, vc1, vp8, vp9, wmv3),
/// duration (1–15 s) and frame rate are judged by the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VideoFormat {
    /// MPEG-4 (ISO base media): an `ftyp` box first, with a brand other than `qt  `.
    Mp4,
    /// QuickTime: an `ftyp` box with brand `qt  `, or a file starting with a `moov`, `mdat`,
    /// `wide` or `free` atom (QuickTime files may lack `ftyp`).
    Mov,
    /// AVI: `RIFF`, four size bytes, then `AVI `.
    Avi,
    /// Flash video: starts with `FLV`.
    Flv,
    /// WebM: starts with the EBML header `1A 45 DF A3`. Matroska shares it and is let
    /// through as well; the service decides.
    Webm,
    /// ASF / WMV: starts with the ASF header GUID `30 26 B2 75 8E 66 CF 11`.
    Asf,
}

impl VideoFormat {
    /// How many leading bytes [`VideoFormat::detect`] may look at.
    pub const MAGIC_LEN: usize = 12;

    /// Recognises the container from the first bytes of the data; `None` for anything else.
    pub fn detect(data: &[u8]) -> Option<Self> {
        let box_type = data.get(4..8);
        if box_type == Some(b"ftyp") {
            return Some(if data.get(8..12) == Some(b"qt  ") { Self::Mov } else { Self::Mp4 });
        }
        if matches!(box_type, Some(b"moov" | b"mdat" | b"wide" | b"free")) {
            return Some(Self::Mov);
        }
        if data.starts_with(b"RIFF") && data.get(8..12) == Some(b"AVI ") {
            return Some(Self::Avi);
        }
        if data.starts_with(b"FLV") {
            return Some(Self::Flv);
        }
        if data.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
            return Some(Self::Webm);
        }
        if data.starts_with(&[0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11]) {
            return Some(Self::Asf);
        }
        None
    }

    /// The usual file extension, without the dot: `mp4`, `mov`, `avi`, `flv`, `webm`, `asf`.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Mp4 => "mp4",
            Self::Mov => "mov",
            Self::Avi => "avi",
            Self::Flv => "flv",
            Self::Webm => "webm",
            Self::Asf => "asf",
        }
    }

    /// The media type: `video/mp4`, `video/quicktime`, `video/x-msvideo`, `video/x-flv`,
    /// `video/webm`, `video/x-ms-asf`.
    pub fn mime_type(self) -> &'static str {
        match self {
            Self::Mp4 => "video/mp4",
            Self::Mov => "video/quicktime",
            Self::Avi => "video/x-msvideo",
            Self::Flv => "video/x-flv",
            Self::Webm => "video/webm",
            Self::Asf => "video/x-ms-asf",
        }
    }

    /// The file name used when the caller gives none: `video.mp4`, `video.mov`, ….
    pub fn default_file_name(self) -> &'static str {
        match self {
            Self::Mp4 => "video.mp4",
            Self::Mov => "video.mov",
            Self::Avi => "video.avi",
            Self::Flv => "video.flv",
            Self::Webm => "video.webm",
            Self::Asf => "video.asf",
        }
    }
}

impl fmt::Display for VideoFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::media::test_support::{BMP, JPEG, PNG};

    #[test]
    fn image_magic_detection() {
        assert_eq!(ImageFormat::detect(JPEG), Some(ImageFormat::Jpeg));
        assert_eq!(ImageFormat::detect(PNG), Some(ImageFormat::Png));
        assert_eq!(ImageFormat::detect(BMP), Some(ImageFormat::Bmp));
        assert_eq!(ImageFormat::detect(b"GIF89a"), None);
        assert_eq!(ImageFormat::detect(&PNG[..7]), None);
        assert_eq!(ImageFormat::detect(&[0xFF, 0xD8]), None);
        assert_eq!(ImageFormat::detect(b""), None);
    }

    #[test]
    fn video_magic_detection() {
        let cases: [(&[u8], Option<VideoFormat>); 12] = [
            (b"\0\0\0\x20ftypisom\0\0\0\0", Some(VideoFormat::Mp4)),
            (b"\0\0\0\x18ftypmp42", Some(VideoFormat::Mp4)),
            (b"\0\0\0\x14ftypqt  ", Some(VideoFormat::Mov)),
            (b"\0\0\0\x08wide\0\0\0\0", Some(VideoFormat::Mov)),
            (b"\0\0\0\x08moov", Some(VideoFormat::Mov)),
            (b"\0\0\0\x08mdat", Some(VideoFormat::Mov)),
            (b"\0\0\0\x08free", Some(VideoFormat::Mov)),
            (b"RIFF\x10\0\0\0AVI LIST", Some(VideoFormat::Avi)),
            (b"FLV\x01\x05", Some(VideoFormat::Flv)),
            (&[0x1A, 0x45, 0xDF, 0xA3, 0x9F], Some(VideoFormat::Webm)),
            (&[0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6], Some(VideoFormat::Asf)),
            (b"RIFF\x10\0\0\0WAVEfmt ", None),
        ];
        for (data, expected) in cases {
            assert_eq!(VideoFormat::detect(data), expected, "{data:?}");
        }
        assert_eq!(VideoFormat::detect(b"\0\0\0\x20ftyp"), Some(VideoFormat::Mp4));
        assert_eq!(VideoFormat::detect(b"ftyp"), None);
        assert_eq!(VideoFormat::detect(JPEG), None);
    }
}
