//! JSON bodies of the service, grouped as the service groups its operations.
//!
//! Response models follow the service's own advice: every field is optional, because a
//! failing call omits all of them and some calls omit what was not asked for. Unknown
//! fields are ignored, so a new field in an answer never breaks a client.

pub mod common;
pub mod detection;
mod error;
pub mod face_sets;
pub mod faces;
pub mod iam;
pub mod liveness;
pub mod search;

pub use error::ErrorBody;
