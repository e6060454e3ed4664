//! Turning a file on disk into an [`Image`] or [`Video`]: the checks made before the file
//! is read and after, and the error. The reading itself (`std::fs`, `tokio::fs`, a user's
//! own runtime) is the caller's business; nothing here touches the file system.

use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use frs_types::media::{MediaError, MediaLimits};
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

/// An input that can come from a file: [`Image`] or [`Video`].
pub trait FileMedia: Sized {
    /// The service's limits for this kind of input (one table, shared with the emulator).
    const LIMITS: MediaLimits;

    /// The input from a file's name and bytes, checked.
    ///
    /// # Errors
    /// [`MediaError`] when the bytes are not acceptable.
    fn from_file_bytes(file_name: String, bytes: Bytes) -> Result<Self, MediaError>;
}

impl FileMedia for Image {
    const LIMITS: MediaLimits = MediaLimits::IMAGE;
    fn from_file_bytes(file_name: String, bytes: Bytes) -> Result<Self, MediaError> {
        Self::from_bytes(file_name, bytes)
    }
}

impl FileMedia for Video {
    const LIMITS: MediaLimits = MediaLimits::VIDEO;
    fn from_file_bytes(file_name: String, bytes: Bytes) -> Result<Self, MediaError> {
        Self::from_bytes(file_name, bytes)
    }
}

/// Reading one media file, decided here and done by the caller's runtime: the caller
/// gives the file's length (from its metadata) to [`MediaFile::check_len`], which refuses
/// a file over the limit before any byte is read, then the bytes to [`MediaFile::finish`].
///
/// ```
/// use frs_request::media_file::MediaFile;
/// use frs_types::Image;
///
/// fn read_image(path: &std::path::Path) -> Result<Image, frs_request::media_file::ReadMediaError> {
///     let file = MediaFile::<Image>::new(path);
///     file.check_len(std::fs::metadata(path).map(|m| m.len()))?;
///     file.finish(std::fs::read(path))
/// }
/// let err = read_image("no-such-file.jpg".as_ref()).unwrap_err();
/// assert!(err.to_string().contains("no-such-file.jpg"));
/// ```
#[derive(Debug, Clone)]
pub struct MediaFile<M> {
    path: PathBuf,
    media: PhantomData<fn() -> M>,
}

impl<M: FileMedia> MediaFile<M> {
    /// The file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into(), media: PhantomData }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Checks the file's length, as its metadata gives it, before the file is read: a 2 GB
    /// file is refused without loading it.
    ///
    /// # Errors
    /// [`ReadMediaError::Io`] when the metadata could not be read; [`ReadMediaError::Media`]
    /// with [`MediaError::TooLarge`] over the limit.
    pub fn check_len(&self, len: std::io::Result<u64>) -> Result<(), ReadMediaError> {
        let len = len.map_err(|source| self.io_error(source))?;
        M::LIMITS
            .check_file_len(len)
            .map_err(|source| ReadMediaError::Media { path: self.path.clone(), source })
    }

    /// The input from the file's bytes, checked (format by magic bytes, size); the file
    /// name sent in a multipart part is the path's last component.
    ///
    /// # Errors
    /// [`ReadMediaError::Io`] when the file could not be read; [`ReadMediaError::Media`]
    /// when the bytes are not acceptable.
    pub fn finish(self, bytes: std::io::Result<Vec<u8>>) -> Result<M, ReadMediaError> {
        let bytes = bytes.map_err(|source| self.io_error(source))?;
        let name = self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        M::from_file_bytes(name, Bytes::from(bytes))
            .map_err(|source| ReadMediaError::Media { path: self.path, source })
    }

    fn io_error(&self, source: std::io::Error) -> ReadMediaError {
        ReadMediaError::Io { path: self.path.clone(), source }
    }
}
