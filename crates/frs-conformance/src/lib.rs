//! The transport conformance suite of the FRS SDK, written once against the transport
//! traits and run by every transport: `frs-ureq`, `frs-reqwest`, and the two runtimes of
//! our own in this crate's examples (`std_net`, `hyper`).
//!
//! Each check starts an in-process [`frs_emulator::Emulator`] on 127.0.0.1, talks real HTTP
//! to it through the transport under test, and asserts what a transport must get right:
//! token and AK/SK authentication (the emulator re-verifies every signature, so a header
//! the transport adds or rewrites is a 401), temporary keys, the service's typed errors with
//! their request ids, a proxy's HTML 502, an oversized body, a server that never answers, a
//! truncated answer, a refused connection, retries after 502 and 429, pagination, and the
//! exact target, `Host`, `X-Project-Id`, content type and body length that arrived.
//!
//! A transport runs the whole suite with one line in a test file; each check becomes a
//! `#[test]` of its own:
//!
//! ```text
//! // tests/conformance.rs of a blocking transport
//! frs_conformance::conformance_tests!(Blocking, |limits| my_crate::MyTransport::new(limits));
//! // or, for an async transport (the checks drive it on a tokio runtime)
//! frs_conformance::conformance_tests!(Async, |limits| my_crate::MyAsyncTransport::new(limits));
//! ```
//!
//! Your own transport can run it the same way: it is the definition of "a transport".
//!
//! # When to use it
//!
//! When you write a transport — an [`frs_request::SyncTransport`] or
//! [`frs_request::AsyncTransport`] over an HTTP stack of your own — add this crate as a
//! dev-dependency and run the suite in a test file as above. It is not for testing
//! *application* code: for that, start an [`frs_emulator::Emulator`] (or use a closure
//! transport) in your own tests, as `docs/guide.md` shows. The crate is not published yet
//! (`publish = false`); depend on it by path or git.
//!
//! Where to start: [`conformance_tests!`] (every check as a test), [`checks`] (one function
//! per check, each taking a function from a [`Config`](frs_request::Config) and
//! [`TransportLimits`](frs_request::TransportLimits) to a [`Subject`]), [`Blocking`] /
//! [`Async`] (the subjects that wrap a transport in the core's clients).
//!
//! # Example
//!
//! One check run directly, over `frs-ureq`'s transport (this is what each generated
//! `#[test]` does):
//!
//! ```
//! use frs_conformance::{checks, Blocking};
//!
//! checks::signed_delete_by_custom_field_verifies_on_the_server(|config, limits| {
//!     Blocking::new(config, frs_ureq::UreqTransport::new(limits))
//! });
//! ```

#![deny(missing_docs)]

pub mod checks;
pub mod fuzz;
mod subject;

pub use subject::{Async, Blocking, BulkResults, Subject};

/// Expands to one `#[test]` per check of [`checks`], each running the check with a
/// [`Blocking`] or [`Async`] subject over the transport that `$make` builds from the
/// [`TransportLimits`](frs_request::TransportLimits) the check asks for.
#[macro_export]
macro_rules! conformance_tests {
    ($kind:ident, $make:expr) => {
        $crate::conformance_tests!(@each $kind, $make;
            token_delete_by_external_image_id_deletes_every_face_of_the_image,
            signed_delete_by_custom_field_verifies_on_the_server,
            temporary_credentials_send_a_signed_security_token,
            seed_error_is_typed_with_its_request_id,
            unknown_custom_value_and_unknown_field_are_distinct_errors,
            wrong_secret_key_is_refused_like_the_gateway,
            json_body_arrives_whole_with_its_content_type,
            multipart_body_arrives_whole_with_its_boundary,
            html_502_from_a_proxy_is_a_clear_decode_error,
            idempotent_delete_is_retried_after_a_502,
            throttled_request_is_retried_after_retry_after,
            body_over_the_cap_is_not_read,
            a_server_that_never_answers_times_out,
            a_truncated_answer_is_a_transport_error,
            a_dropped_connection_is_a_transport_error,
            refused_connection_is_a_connect_error,
            bad_input_is_rejected_before_any_io,
            listing_walks_every_page,
            listing_ends_with_the_error_of_a_failed_page,
            listing_reports_the_service_depth_bound_instead_of_stopping_silently,
            keep_alive_connections_survive_many_calls,
            a_lost_delete_answer_reports_the_faces_gone,
            a_lost_add_answer_is_never_resent,
            a_lost_add_answer_is_checked_before_resending_when_opted_in,
            bulk_adds_and_deletes_report_every_item,
            a_skewed_service_clock_is_corrected_after_one_retry,
            the_rate_limit_holds_over_real_http,
            soak_of_mixed_operations_under_injected_faults,
            a_hundred_sequential_calls_use_one_connection,
            concurrent_calls_keep_their_connections
        );
    };
    (@each $kind:ident, $make:expr; $($check:ident),* $(,)?) => {
        $(
            #[test]
            fn $check() {
                $crate::checks::$check(|config, limits| $crate::$kind::new(config, ($make)(limits)));
            }
        )*
    };
}

// The README's examples are compiled as doc tests here, where every crate they use is visible.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

// And so are those of the bulk guide,
#[cfg(doctest)]
#[doc = include_str!("../../../docs/bulk.md")]
struct BulkDoctests;

// the guide,
#[cfg(doctest)]
#[doc = include_str!("../../../docs/guide.md")]
struct GuideDoctests;

// the architecture notes
#[cfg(doctest)]
#[doc = include_str!("../../../docs/architecture.md")]
struct ArchitectureDoctests;

// the emulator's manual,
#[cfg(doctest)]
#[doc = include_str!("../../../docs/emulator.md")]
struct EmulatorDoctests;

// and the example of the migration guide.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/migration.md")]
struct MigrationDoctests;
