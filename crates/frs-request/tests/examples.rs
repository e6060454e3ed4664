//! The crate's example runs to the end: `closure_transport`'s `main` is itself a test of
//! "your code" over a closure transport, and fails on any mismatch of the request sent or
//! the result parsed.

#[path = "../examples/closure_transport.rs"]
mod closure_transport;

#[test]
fn closure_transport_example_checks_the_request_and_the_result() {
    closure_transport::main().unwrap();
}
