//! What the `run` targets share: the budgeted platform and the VM they run source on.

use copperhead_vm::{Config, Mode, Platform, Vm};

/// Polls of `interrupt_requested` (the VM polls on backward jumps, calls, native iteration
/// and slices of a sleep) before the program is stopped with `KeyboardInterrupt`.
const BUDGET: u32 = 10_000;

/// Discards output, never sleeps, reads no files, and interrupts the program once its
/// budget is spent (and on every poll after that, so catching `KeyboardInterrupt` does not
/// buy more time).
struct FuzzPlatform {
    polls: u32,
}

impl Platform for FuzzPlatform {
    fn write_stdout(&mut self, _bytes: &[u8]) {}

    fn interrupt_requested(&mut self) -> bool {
        self.polls = self.polls.saturating_add(1);
        self.polls > BUDGET
    }

    fn sleep_us(&mut self, _us: u64) {}
}

/// Run `data` (if UTF-8) as a file on a VM with a 64 KiB heap and depth 100.
pub fn run(data: &[u8], gc_stress: bool) {
    let Ok(source) = core::str::from_utf8(data) else {
        return;
    };
    let mut vm = Vm::new(
        FuzzPlatform { polls: 0 },
        Config {
            heap_size: 64 * 1024,
            max_depth: 100,
            gc_stress,
            ..Config::default()
        },
    );
    let _ = vm.exec(source, "<fuzz>", Mode::File);
}
