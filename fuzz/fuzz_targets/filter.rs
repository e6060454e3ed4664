//! Fuzz target `filter`: see `frs_conformance::fuzz::filter`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| frs_conformance::fuzz::filter(data));
