//! `cargo xtask`: the project's automation, in Rust so that one toolchain builds, runs and
//! tests everything (the alias lives in `.cargo/config.toml`).
//!
//! - `build-web`: the wasm VM, its JavaScript bindings, and the bundled page in `web/dist/`.
//! - `run`: build-web, build the server and the virtual board, start the IDE.
//! - `test`: every test tier in order, stopping at the first failure.
//! - `firmware`: build a microcontroller port's image, and boot a QEMU one on a pty.
//! - `bench`: the Python benchmarks on copperhead-board, MicroPython and CPython, the upload
//!   to a board, and the page's weight and load time in headless Chromium.

#[cfg(unix)]
mod bench;
mod espimage;
mod firmware;
mod ide;
#[cfg(unix)]
mod measure;
#[cfg(unix)]
mod page_bench;
#[cfg(unix)]
mod qemu_bench;
mod sim_bench;
mod test;
mod tools;
mod upload;
mod web;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  build-web                                   build the wasm VM and the IDE page into web/dist/
  run [--debug] [--listen ADDR] [--workspace DIR] [--no-open]
                                              build everything and start the IDE (default 127.0.0.1:7878,
                                              the project folder ~/Copperhead)
  test                                        run every test tier, stopping at the first failure
  firmware NAME [--small] [--run]             build the firmware image of a port (qemu-mps2,
                                              qemu-virt-rv32, esp32c3) and print
                                              its path; --run boots it in QEMU and prints the pty
                                              of its console (--small: the 128 KiB heap build)
  bench [--rounds N] [FILTER]                 time bench/python/*.py (names containing FILTER) on
                                              copperhead-board, micropython and python3 (default 3 rounds;
                                              MICROPY_MICROPYTHON names a micropython binary), then the
                                              upload of a 64 KiB file at 115200 baud: the server against
                                              mpremote cp (`bench upload` for that alone), then the page:
                                              web/dist's weight (raw, gzip, brotli) and the time to an
                                              editable editor in headless Chromium, cold and warm
                                              (`bench page` for that alone, default 5 rounds), the
                                              Simulator against native (`bench simulator`), and the
                                              firmware in QEMU: boot time and, with MICROPY_PERF_BENCH,
                                              perf_bench, against MICROPY_QEMU_FIRMWARE if set
                                              (`bench qemu`)";

/// Errors are one readable line each; `main` prints them.
pub type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("build-web") if args.len() == 1 => web::build_web(),
        Some("run") => ide::RunOptions::parse(&args[1..]).and_then(|options| ide::run(&options)),
        Some("test") if args.len() == 1 => test::run_all(),
        Some("firmware") => firmware::Options::parse(&args[1..]).and_then(|o| firmware::run(&o)),
        #[cfg(unix)]
        Some("bench") => bench::BenchOptions::parse(&args[1..]).and_then(|o| bench::run(&o)),
        #[cfg(not(unix))]
        Some("bench") => Err("bench measures with wait4, so it needs a Unix host".into()),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => Err(format!(
            "unknown command line `{}`\n{USAGE}",
            args.join(" ")
        )),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
