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
//! - [`Filter`] (with [`FilterField`]), [`Sort`], [`ReturnFields`]: the search and batch
//!   delete filter grammar, built in Rust or parsed from text, and checked against a set's
//!   schema;
//! - [`ExternalFields`]: custom-field values for a face;
//! - [`Image`], [`Video`] (files, Base64, [`ObsUrl`]s): media checked before anything is
//!   sent (format by magic bytes, size by [`MediaLimits`]);
//! - [`server`]: what only a server implementing FRS needs (the emulator uses it); SDK users
//!   never call it.
//!
//! # When to use it
//!
//! You rarely depend on it alone: `frs-request` re-exports it as `frs_request::types`, and
//! every operation takes these types. Depend on it directly to name its types in your own
//! signatures, to validate input early (a web form's face set name) without pulling in the
//! HTTP layer, or to read the service's JSON bodies with its models. To build or send
//! requests, use `frs-request` with a transport (`frs-ureq`, `frs-reqwest`).
//!
//! ```
//! use frs_types::{ErrorCode, FaceSelector, FaceSetName, FieldName, FieldValue, Filter, FilterField};
//!
//! let set = FaceSetName::new("staff")?;
//! let selector = FaceSelector::field(FieldName::new("badge")?, FieldValue::new("A-1001")?);
//! assert_eq!(selector.query_pair(), ("badge", "A-1001"));
//! assert!(FaceSetName::new("no/slash").is_err());
//! # let _ = set;
//!
//! // A filter built in Rust prints as the service's grammar, and parses back.
//! let filter = Filter::between(FieldName::new("floor")?, 1, 3) & Filter::term(FilterField::ExternalImageId, FieldValue::new("alice-1")?);
//! assert_eq!(Filter::parse(&filter.to_string()).ok(), Some(filter));
//!
//! // Codes carry their HTTP status and whether a retry can help.
//! assert!(!ErrorCode::FaceSetNotFound.is_retryable());
//! assert_eq!(ErrorCode::FaceSetNotFound.to_string(), "FRS.0302");
//! # Ok::<(), Box<dyn std::error::Error>>(())
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
