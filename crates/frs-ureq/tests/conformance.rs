//! The transport conformance suite over ureq, against the emulator on 127.0.0.1.

frs_conformance::conformance_tests!(Blocking, frs_ureq::UreqTransport::new);
