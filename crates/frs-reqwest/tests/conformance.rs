//! The transport conformance suite over reqwest, against the emulator on 127.0.0.1.

frs_conformance::conformance_tests!(Async, |limits| frs_reqwest::ReqwestTransport::new(limits).unwrap());
