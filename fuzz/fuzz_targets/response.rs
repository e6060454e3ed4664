//! Fuzz target `response`: see `frs_conformance::fuzz::response`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| frs_conformance::fuzz::response(data));
