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

    /// The contents of a file, for `import` (paths are `/`-separated, relative to the
    /// current directory unless absolute). `None` if there is no such file.
    fn read_file(&mut self, path: &str) -> Option<alloc::vec::Vec<u8>> {
        let _ = path;
        None
    }

    /// Is there a directory at `path`? (Packages are directories.)
    fn is_dir(&mut self, path: &str) -> bool {
        let _ = path;
        false
    }

    /// The initial `sys.path`.
    fn module_path(&self) -> alloc::vec::Vec<alloc::string::String> {
        alloc::vec![
            alloc::string::String::new(),
            alloc::string::String::from(".frozen")
        ]
    }

    /// `sys.platform`.
    fn sys_platform(&self) -> &str {
        "copperhead"
    }
}
