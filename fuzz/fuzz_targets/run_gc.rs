//! As `run`, with `gc_stress`: the heap collects before every allocation, so a value that
//! native code forgets to root is freed at once and its next use panics here.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::run(data, true));
