//! The runtime of our own over `std::net` (`examples/std_net`): its demo runs, and its
//! transport passes the whole conformance suite against the emulator.

#[path = "../examples/std_net/main.rs"]
mod std_net;

#[test]
fn the_example_deletes_a_face_each_of_the_three_ways() {
    std_net::main().unwrap();
}

frs_conformance::conformance_tests!(Blocking, std_net::transport::StdNetTransport::new);
