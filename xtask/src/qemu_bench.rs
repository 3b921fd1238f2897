//! `cargo xtask bench qemu`: the firmware images in QEMU. For each QEMU port, the boot time
//! (QEMU started → the first `>>> ` on its console, QEMU's own start included) and, when
//! `MICROPY_PERF_BENCH` names the `tests/perf_bench` folder of a MicroPython checkout, its
//! benchmarks, each run through the raw REPL on a freshly booted machine and timed by the
//! harness (`bench/perf_bench.py`) with the machine's own clock, at the sizes
//! `run-perfbench.py 1000 100` would pick (a microcontroller's memory).
//!
//! When `MICROPY_QEMU_FIRMWARE` names MicroPython's own firmware for the same machine as
//! qemu-mps2 (its `ports/qemu`, board `MPS2_AN385`), the same measures run on it in the
//! same run, under the same QEMU, and the table gives our time as a ratio of its time.
//! Also part of a full `cargo xtask bench`.

use crate::Result;
use crate::firmware::{self, Port};
use crate::sim_bench::{self, Program, Timing};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

const ROUNDS: usize = 3;
/// MicroPython's firmware for QEMU's mps2-an385, to compare with.
const REFERENCE_ENV: &str = "MICROPY_QEMU_FIRMWARE";
/// `run-perfbench.py`'s N and M: the time budget as on the host, the memory budget in KB
/// as a microcontroller has it (MicroPython's QEMU firmware has a heap of about 140 KB).
const BUDGETS: (u32, u32) = (1000, 100);
const BOOT_LIMIT: Duration = Duration::from_secs(20);
const RUN_LIMIT: Duration = Duration::from_secs(300);

/// A firmware image and the port whose machine runs it.
struct Image {
    name: String,
    port: &'static Port,
    path: PathBuf,
}

pub fn run(rounds: Option<usize>) -> Result {
    let rounds = rounds.unwrap_or(ROUNDS);
    let mut images = Vec::new();
    for port in firmware::PORTS.iter().filter(|p| p.runs_in_qemu()) {
        images.push(Image {
            name: port.name.to_string(),
            port,
            path: firmware::build(port, false)?,
        });
    }
    let reference = std::env::var_os(REFERENCE_ENV).map(|path| Image {
        name: "MicroPython (qemu-mps2)".into(),
        port: firmware::find("qemu-mps2").expect("the qemu-mps2 port"),
        path: PathBuf::from(path),
    });

    println!("\nthe firmware in QEMU, {rounds} round(s): boot to the first prompt");
    println!("{:<28} {:>10}", "image", "boot ms");
    let mut boot_ms = Vec::new();
    for image in images.iter().chain(&reference) {
        let mut times = Vec::new();
        for _ in 0..rounds {
            let started = Instant::now();
            let mut console = Console::boot(image)?;
            console.until(b">>> ", BOOT_LIMIT)?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            console.stop();
        }
        let median = crate::bench::median(&times).unwrap_or(f64::NAN);
        println!("{:<28} {median:>10.1}", image.name);
        boot_ms.push(median);
    }
    if reference.is_some() {
        let (ours, theirs) = (boot_ms[0], boot_ms[boot_ms.len() - 1]);
        println!(
            "qemu-mps2 boots in {:.2}× MicroPython's time",
            ours / theirs
        );
    }

    let programs = sim_bench::perf_bench("qemu-bench", BUDGETS)?;
    if programs.is_empty() {
        println!(
            "(MicroPython's perf_bench too: set {} to the tests/perf_bench folder of a MicroPython checkout)",
            sim_bench::PERF_BENCH_ENV
        );
        return Ok(());
    }
    let mps2 = &images[0];
    println!(
        "\nperf_bench in QEMU (budgets N={} M={}), ms by the machine's clock, median of {rounds}: first run, and run again",
        BUDGETS.0, BUDGETS.1
    );
    match &reference {
        Some(reference) => println!(
            "{:<28} {:>10} {:>10} {:>7} {:>10}",
            "program", mps2.name, reference.name, "ratio", "again"
        ),
        None => println!("{:<28} {:>10} {:>10}", "program", mps2.name, "again"),
    }
    let mut ratios = Vec::new();
    for program in &programs {
        let ours = timed_runs(mps2, program, rounds);
        let theirs = reference.as_ref().map(|r| timed_runs(r, program, rounds));
        let first =
            |runs: &[Timing]| sim_bench::median(runs, |t| Some(t.first)).unwrap_or(f64::NAN);
        let again = |runs: &[Timing]| sim_bench::median(runs, |t| t.again).unwrap_or(f64::NAN);
        match (ours, theirs) {
            (Err(e), _) => println!("{:<28} {e}", program.name),
            (Ok(ours), None) => println!(
                "{:<28} {:>10.1} {:>10.1}",
                program.name,
                first(&ours),
                again(&ours)
            ),
            (Ok(ours), Some(Err(e))) => println!("{:<28} {:>10.1} {e}", program.name, first(&ours)),
            (Ok(ours), Some(Ok(theirs))) => {
                let ratio = first(&ours) / first(&theirs);
                ratios.push(ratio);
                println!(
                    "{:<28} {:>10.1} {:>10.1} {:>6.2}× {:>10.1}",
                    program.name,
                    first(&ours),
                    first(&theirs),
                    ratio,
                    again(&ours)
                );
            }
        }
    }
    if let Some(mean) = crate::bench::geometric_mean(&ratios) {
        println!(
            "geometric mean: {mean:.2}× MicroPython's time ({} programs)",
            ratios.len()
        );
    } else if reference.is_none() {
        println!(
            "(MicroPython's own QEMU firmware too: set {REFERENCE_ENV} to its firmware.elf for mps2-an385)"
        );
    }
    Ok(())
}

/// `rounds` runs of `program` on `image`, each on a freshly booted machine; the outputs
/// must agree but for the times.
fn timed_runs(image: &Image, program: &Program, rounds: usize) -> Result<Vec<Timing>> {
    let source =
        std::fs::read(&program.path).map_err(|e| format!("{}: {e}", program.path.display()))?;
    let mut runs = Vec::new();
    let mut first_output = None;
    for _ in 0..rounds {
        let mut console = Console::boot(image)?;
        let output = console.raw_run(&source);
        console.stop();
        let output = output?;
        let stripped = sim_bench::strip_time(&output, program);
        match &first_output {
            None => first_output = Some(stripped),
            Some(first) if *first != stripped => {
                return Err(format!(
                    "outputs differ between runs: {}",
                    sim_bench::tail(&output)
                ));
            }
            Some(_) => {}
        }
        runs.push(sim_bench::harness_ms(&output)?);
    }
    Ok(runs)
}

/// A machine in QEMU with its console on QEMU's stdin and stdout.
struct Console {
    child: Child,
    stdin: ChildStdin,
    received: Receiver<Vec<u8>>,
    buffer: Vec<u8>,
}

impl Console {
    fn boot(image: &Image) -> Result<Console> {
        let mut child = firmware::qemu_command(image.port, &image.path)?
            .args(["-serial", "stdio"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start QEMU for {}: {e}", image.name))?;
        let stdin = child.stdin.take().ok_or("QEMU's stdin")?;
        let mut stdout = child.stdout.take().ok_or("QEMU's stdout")?;
        let (send, received) = channel();
        std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(n @ 1..) = stdout.read(&mut chunk) {
                if send.send(chunk[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Ok(Console {
            child,
            stdin,
            received,
            buffer: Vec::new(),
        })
    }

    /// Everything received up to and including `pattern`.
    fn until(&mut self, pattern: &[u8], limit: Duration) -> Result<Vec<u8>> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(at) = find(&self.buffer, pattern) {
                return Ok(self.buffer.drain(..at + pattern.len()).collect());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.received.recv_timeout(left) {
                Ok(bytes) => self.buffer.extend_from_slice(&bytes),
                Err(RecvTimeoutError::Timeout) => {
                    return Err(format!(
                        "no {:?} within {limit:?}; last output: {:?}",
                        String::from_utf8_lossy(pattern),
                        String::from_utf8_lossy(
                            &self.buffer[self.buffer.len().saturating_sub(200)..]
                        )
                    ));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(format!(
                        "QEMU ended; last output: {:?}",
                        String::from_utf8_lossy(
                            &self.buffer[self.buffer.len().saturating_sub(200)..]
                        )
                    ));
                }
            }
        }
    }

    fn send(&mut self, bytes: &[u8]) -> Result {
        self.stdin
            .write_all(bytes)
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("write to QEMU: {e}"))
    }

    /// Run `source` through the raw REPL (as mpremote's `exec` does, without raw-paste):
    /// its output, or its error output as an error.
    fn raw_run(&mut self, source: &[u8]) -> Result<String> {
        self.until(b">>> ", BOOT_LIMIT)?;
        self.send(b"\x01")?;
        self.until(b"raw REPL; CTRL-B to exit\r\n>", BOOT_LIMIT)?;
        self.send(source)?;
        self.send(b"\x04")?;
        self.until(b"OK", RUN_LIMIT)?;
        let out = self.until(b"\x04", RUN_LIMIT)?;
        let err = self.until(b"\x04", RUN_LIMIT)?;
        let text = |b: &[u8]| String::from_utf8_lossy(&b[..b.len() - 1]).replace("\r\n", "\n");
        if err.len() > 1 {
            return Err(format!("failed: {}", sim_bench::tail(&text(&err))));
        }
        Ok(text(&out))
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
