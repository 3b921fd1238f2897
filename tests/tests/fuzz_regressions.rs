//! Inputs the fuzzers found (fuzz/regressions/): each must compile or run to an end — a
//! Python exception is fine, a panic, a native stack overflow or a hang is not. They run
//! as the `run` fuzz target does: a small heap and an instruction budget (the interrupt
//! flag is raised after a fixed number of polls).

use copperhead_tests::repo_root;
use copperhead_vm::{Config, Mode, Platform, Vm};
use std::sync::mpsc;
use std::time::Duration;

/// Discards output; requests an interrupt once the budget of polls is spent.
struct Budget {
    polls: u32,
}

impl Platform for Budget {
    fn write_stdout(&mut self, _bytes: &[u8]) {}

    fn interrupt_requested(&mut self) -> bool {
        self.polls += 1;
        self.polls > 10_000
    }
}

fn run(source: String) {
    let mut vm = Vm::new(
        Budget { polls: 0 },
        Config {
            heap_size: 64 * 1024,
            max_depth: 100,
            ..Config::default()
        },
    );
    let _ = vm.exec(&source, "<fuzz>", Mode::File);
}

#[test]
fn fuzz_regressions_end_cleanly() {
    let mut files = Vec::new();
    for dir in ["compile", "run"] {
        let path = repo_root().join("fuzz/regressions").join(dir);
        for entry in std::fs::read_dir(&path).expect("fuzz/regressions") {
            files.push(entry.expect("entry").path());
        }
    }
    assert!(!files.is_empty(), "no regression inputs found");
    for file in files {
        let bytes = std::fs::read(&file).expect("read input");
        let Ok(source) = String::from_utf8(bytes) else {
            continue;
        };
        // Each input runs on its own thread (the default test stack), with a deadline.
        let (tx, rx) = mpsc::channel();
        let name = file.display().to_string();
        std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                run(source);
                let _ = tx.send(());
            })
            .expect("spawn");
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(()) => {}
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("{name}: did not finish in 30 s"),
            Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{name}: the VM panicked"),
        }
    }
}
