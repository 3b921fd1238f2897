//! The one door between the VM and the world it runs in.
//!
//! An embedder (the host board, the browser simulator, a microcontroller port) implements
//! [`Platform`]; the VM never does I/O any other way.

/// What the VM needs from the machine it runs on.
pub trait Platform: core::any::Any {
    /// Write program output (already encoded as UTF-8). The VM writes `\n` line ends; a port
    /// that talks to a serial line cooks them into `\r\n`.
    fn write_stdout(&mut self, bytes: &[u8]);

    /// Polled by the interpreter loop: return `true` once to raise `KeyboardInterrupt` in the
    /// running program (Ctrl-C on a board, Stop in the IDE).
    fn interrupt_requested(&mut self) -> bool {
        false
    }

    /// A monotonic clock in microseconds (`time.ticks_us`); wraps at will.
    fn ticks_us(&mut self) -> u64 {
        0
    }

    /// Sleep (`time.sleep_ms`); a port without a clock returns at once.
    fn sleep_us(&mut self, us: u64) {
        let _ = us;
    }

    /// Seconds since the epoch (`time.time`), if the port knows the date.
    fn epoch_seconds(&mut self) -> f64 {
        0.0
    }

    /// `sys.platform`.
    fn sys_platform(&self) -> &str {
        "copperhead"
    }
}
