//! Models, validated identifiers, error codes and regions of Huawei Cloud Face Recognition
//! Service (FRS).
//!
//! This crate is the bottom layer of the FRS workspace. It knows the *service's vocabulary*
//! and its rules, and nothing about HTTP or I/O:
//!
//! - [`ids`]: identifiers checked against the service's documented rules when they are made
//!   ([`FaceSetName`], [`FaceId`], [`ExternalImageId`], [`FieldName`], [`FieldValue`],
//!   [`ProjectId`]), so a bad value is rejected with an error naming the field and the limit
//!   long before a request is built;
//! - [`FaceSelector`]: the three ways of choosing the faces to delete;
//! - [`models`]: the JSON bodies the service sends and accepts;
//! - [`ErrorCode`]: every documented `FRS.*` and `APIGW.*` code with its HTTP status and
//!   whether retrying can help;
//! - [`Region`]: the region table with templated endpoints for regions we do not know yet;
//! - [`server`]: what only a server implementing FRS needs (the emulator uses it); SDK users
//!   never call it.
//!
//! ```
//! use frs_types::{FaceSelector, FaceSetName, FieldName, FieldValue};
//!
//! let set = FaceSetName::new("staff")?;
//! let selector = FaceSelector::field(FieldName::new("badge")?, FieldValue::new("A-1001")?);
//! assert_eq!(selector.query_pair(), ("badge", "A-1001"));
//! assert!(FaceSetName::new("no/slash").is_err());
//! # let _ = set;
//! # Ok::<(), frs_types::ValidationError>(())
//! ```

#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod error_code;
mod fields;
pub mod filter;
pub mod ids;
pub mod media;
pub mod models;
mod region;
mod selector;
pub mod server;
pub mod sort;
#[cfg(test)]
mod test_support;
mod validation;

pub use error_code::ErrorCode;
pub use fields::{ExternalFields, ExternalValue, IntoExternalValue};
pub use filter::{Filter, FilterField, FilterParseError, FilterTypeError, RangeBound};
pub use ids::{
    EnterpriseProjectId, ExternalImageId, FaceId, FaceSetName, FieldName, FieldValue, FieldValueKind,
    ProjectId,
};
pub use media::{
    Image, ImageBase64, ImageFile, ImageFormat, MediaError, MediaLimits, ObsUrl, Video, VideoBase64,
    VideoFile, VideoFormat,
};
pub use region::Region;
pub use selector::FaceSelector;
pub use sort::{ReturnFields, Sort, SortOrder};
pub use validation::{Problem, ValidationError};

// The crate README's example is compiled as a doc test (the package ships the README).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
