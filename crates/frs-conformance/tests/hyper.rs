//! The runtime of our own over hyper (`examples/hyper`): its demo runs, and its transport
//! passes the whole conformance suite against the emulator.

#[path = "../examples/hyper/main.rs"]
mod hyper_example;

#[test]
fn the_example_deletes_a_face_each_of_the_three_ways() {
    hyper_example::main().unwrap();
}

frs_conformance::conformance_tests!(Async, hyper_example::transport::HyperTransport::new);
