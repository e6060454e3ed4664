//! Fuzz target `multipart`: see `frs_conformance::fuzz::multipart`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| frs_conformance::fuzz::multipart(data));
