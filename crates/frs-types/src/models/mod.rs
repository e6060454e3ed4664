//! JSON bodies of the service, grouped as the service groups its operations.
//!
//! Response models follow the service's own advice: every field is optional, because a
//! failing call omits all of them and some calls omit what was not asked for.

mod error;
pub mod face_sets;
pub mod faces;

pub use error::ErrorBody;
