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

    /// `sys.platform`.
    fn sys_platform(&self) -> &str {
        "copperhead"
    }
}
