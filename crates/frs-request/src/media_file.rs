//! What the transports need to turn a file on disk into an [`Image`] or [`Video`]: the
//! checks made before the file is read, and the error. The reading itself (`std::fs`,
//! `tokio::fs`) is the transports' business; nothing here touches the file system.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use frs_types::media::{MAX_IMAGE_BYTES, MAX_VIDEO_BYTES, MediaError};
use frs_types::{Image, Video};

/// Why a media file could not become an input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadMediaError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The file is not an acceptable input (format, size).
    #[error("{}: {source}", path.display())]
    Media {
        /// The file.
        path: PathBuf,
        /// The rule it broke.
        #[source]
        source: MediaError,
    },
}

/// What kind of media a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// An image (`image_file`).
    Image,
    /// A video (`video_file`).
    Video,
}

impl MediaKind {
    fn field_and_limit(self) -> (&'static str, usize, bool) {
        match self {
            Self::Image => ("image_file", MAX_IMAGE_BYTES, false),
            Self::Video => ("video_file", MAX_VIDEO_BYTES, true),
        }
    }
}

/// Checks a file's size (from its metadata) before it is read, so a 2 GB file is refused
/// without loading it.
///
/// # Errors
/// [`ReadMediaError::Media`] with [`MediaError::TooLarge`] over the limit.
pub fn check_size(path: &Path, kind: MediaKind, len: u64) -> Result<(), ReadMediaError> {
    let (field, limit, inclusive) = kind.field_and_limit();
    let size = usize::try_from(len).unwrap_or(usize::MAX);
    let too_large = if inclusive { size > limit } else { size >= limit };
    if too_large {
        return Err(ReadMediaError::Media {
            path: path.to_owned(),
            source: MediaError::TooLarge { field, size, limit, inclusive },
        });
    }
    Ok(())
}

/// The file name sent in the multipart part: the path's last component.
pub fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// An [`Image`] from a file's bytes, checked.
///
/// # Errors
/// [`ReadMediaError::Media`] when the bytes are not an acceptable image.
pub fn image_from_file(path: &Path, bytes: Vec<u8>) -> Result<Image, ReadMediaError> {
    Image::from_bytes(file_name(path), Bytes::from(bytes))
        .map_err(|source| ReadMediaError::Media { path: path.to_owned(), source })
}

/// A [`Video`] from a file's bytes, checked.
///
/// # Errors
/// [`ReadMediaError::Media`] when the bytes are not an acceptable video.
pub fn video_from_file(path: &Path, bytes: Vec<u8>) -> Result<Video, ReadMediaError> {
    Video::from_bytes(file_name(path), Bytes::from(bytes))
        .map_err(|source| ReadMediaError::Media { path: path.to_owned(), source })
}

/// The I/O error of reading `path`.
pub fn io_error(path: &Path, source: std::io::Error) -> ReadMediaError {
    ReadMediaError::Io { path: path.to_owned(), source }
}
