//! UTF-8 source → compile and run on a small VM under an instruction budget. Python
//! exceptions are fine; panics, aborts and hangs are not.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::run(data, false));
