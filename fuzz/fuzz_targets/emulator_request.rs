//! Fuzz target `emulator_request`: see `frs_conformance::fuzz::emulator_request`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| frs_conformance::fuzz::emulator_request(data));
