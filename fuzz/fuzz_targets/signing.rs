//! Fuzz target `signing`: see `frs_conformance::fuzz::signing`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| frs_conformance::fuzz::signing(data));
