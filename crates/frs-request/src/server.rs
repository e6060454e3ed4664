//! What only a server implementing FRS needs (the emulator uses it); SDK users never call it.
//!
//! - [`verify`]: checks the `SDK-HMAC-SHA256` signature of a received request as the API
//!   gateway does, with the signer's own canonicalisation — so a test can also prove that a
//!   transport changed nothing that was signed;
//! - [`decode_lossy`] and [`parse_query`]: read a received path and query the way the
//!   signer decodes them;
//! - [`multipart`]: the strict `multipart/form-data` parser (the encoder, which the SDK
//!   uses, is [`crate::multipart`]).

pub mod multipart;
mod signature;

pub use crate::canonical::{decode_lossy, parse_query};
pub use signature::{Verified, VerifyError, verify};
