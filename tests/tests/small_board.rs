//! The 128 KiB build of `qemu-mps2` (issue 15: the VM lives in small RAM) runs the whole
//! Python corpus, each case through the raw REPL as mpremote's `run` sends it, a soft reset
//! between cases. A board must never stop: every case passes, or ends in a `MemoryError` (a
//! program too big for the board's RAM), or in `ENODEV` (hardware the QEMU board has none
//! of); the board is then at its prompt for the next case. The counts are printed.
//!
//! Run by `cargo xtask test`, which builds the image and names it in
//! `COPPERHEAD_QEMU_MPS2_SMALL`.

use copperhead_tests::{MPS2_SMALL, Qemu, repo_root};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The board's console, raw.
struct Console {
    _qemu: Qemu,
    port: File,
    seen: Vec<u8>,
}

const RAW_PROMPT: &[u8] = b"raw REPL; CTRL-B to exit\r\n>";

impl Console {
    fn boot() -> Console {
        let qemu = MPS2_SMALL.boot();
        let port = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY)
            .open(&qemu.pty)
            .unwrap_or_else(|e| panic!("open {}: {e}", qemu.pty));
        // SAFETY: termios calls on a descriptor we own.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            libc::tcgetattr(port.as_raw_fd(), &mut t);
            libc::cfmakeraw(&mut t);
            libc::tcsetattr(port.as_raw_fd(), libc::TCSANOW, &t);
        }
        let mut console = Console {
            _qemu: qemu,
            port,
            seen: Vec::new(),
        };
        // The banner may have gone out before the port was opened: ask for a prompt.
        console.send(b"\r\x03\x03");
        console.until(b">>> ", 10).expect("the prompt");
        console.send(b"\x01");
        console.until(RAW_PROMPT, 5).expect("the raw REPL");
        console
    }

    fn send(&mut self, bytes: &[u8]) {
        self.port.write_all(bytes).expect("write to the board");
    }

    /// Read until `pattern`; what came before it (the pattern consumed), or `None` after
    /// `seconds` (what was read stays in `seen`).
    fn until(&mut self, pattern: &[u8], seconds: u64) -> Option<Vec<u8>> {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        loop {
            if let Some(at) = self.seen.windows(pattern.len()).position(|w| w == pattern) {
                let before = self.seen[..at].to_vec();
                self.seen.drain(..at + pattern.len());
                return Some(before);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            let mut pfd = libc::pollfd {
                fd: self.port.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one pollfd for a descriptor we own.
            let ready = unsafe { libc::poll(&mut pfd, 1, left.as_millis() as i32) };
            if ready > 0 {
                let mut chunk = [0u8; 4096];
                match self.port.read(&mut chunk) {
                    Ok(n) => self.seen.extend_from_slice(&chunk[..n]),
                    // Nobody at QEMU's end yet (EIO on a pty): try again.
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        }
    }
}

/// How a case ended on the board.
#[derive(Debug, PartialEq)]
enum Verdict {
    Pass,
    /// The program needs more RAM than the board has.
    OutOfMemory,
    /// The program needs hardware the board has none of.
    NoDevice,
    /// Wrong output: the board's failure.
    Wrong(String),
    /// The board stopped or hung.
    Stopped(String),
}

/// Run one case at the raw REPL's prompt, leaving the board at that prompt again.
fn run(console: &mut Console, source: &[u8], expected: &str) -> Verdict {
    console.send(source);
    console.send(b"\x04");
    if console.until(b"OK", 10).is_none() {
        return Verdict::Stopped(format!(
            "no OK: {:?}",
            String::from_utf8_lossy(&console.seen)
        ));
    }
    // stdout, then stderr, each ended by Ctrl-D, then the prompt; after `sys.exit()` a soft
    // reset instead of the prompt, as on MicroPython.
    let Some(out) = console.until(b"\x04", 60) else {
        return Verdict::Stopped(String::from_utf8_lossy(&console.seen).into_owned());
    };
    let Some(err) = console.until(b"\x04", 10) else {
        return Verdict::Stopped(String::from_utf8_lossy(&console.seen).into_owned());
    };
    // (The prompt is the first `>` in both cases.)
    if console.until(b">", 10).is_none() {
        return Verdict::Stopped(String::from_utf8_lossy(&console.seen).into_owned());
    }
    let got = String::from_utf8_lossy(&[out, err.clone()].concat()).replace("\r\n", "\n");
    let err = String::from_utf8_lossy(&err).into_owned();
    if got == expected {
        Verdict::Pass
    } else if err.contains("MemoryError") {
        Verdict::OutOfMemory
    } else if err.contains("[Errno 19] ENODEV") {
        Verdict::NoDevice
    } else {
        Verdict::Wrong(got)
    }
}

fn cases() -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(repo_root().join("tests/python"))
        .expect("read tests/python")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    all.sort();
    all
}

#[test]
#[ignore = "needs QEMU and the small qemu-mps2 image: cargo xtask test runs it"]
fn qemu_small_board_runs_the_corpus_and_never_stops() {
    let mut console = Console::boot();
    let (mut pass, mut memory, mut device, mut failures) = (0, Vec::new(), Vec::new(), Vec::new());
    let all = cases();
    for case in &all {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let source = std::fs::read(case).expect("read case");
        let expected = std::fs::read_to_string(case.with_extension("py.exp")).expect("read .exp");
        match run(&mut console, &source, &expected) {
            Verdict::Pass => pass += 1,
            Verdict::OutOfMemory => memory.push(name.clone()),
            Verdict::NoDevice => device.push(name.clone()),
            Verdict::Wrong(got) => failures.push(format!("{name}: wrong output:\n{got}")),
            Verdict::Stopped(seen) => {
                failures.push(format!("{name}: the board stopped:\n{seen}"));
                // A fresh board for the cases after it.
                drop(console);
                console = Console::boot();
                continue;
            }
        }
        // A fresh VM for the next case, as a board's soft reset gives.
        console.send(b"\x04");
        if console.until(RAW_PROMPT, 10).is_none() {
            failures.push(format!("{name}: no prompt after a soft reset"));
            drop(console);
            console = Console::boot();
        }
    }
    println!(
        "{} cases on the 128 KiB board: {pass} pass, {} MemoryError ({}), {} ENODEV ({})",
        all.len(),
        memory.len(),
        memory.join(" "),
        device.len(),
        device.join(" ")
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
