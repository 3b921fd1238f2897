//! The board runtime: a VM and the REPL state machine turned into a board, for any port.
//!
//! A port owns the waiting (a reader thread and a condition variable on the host, `Atomics.wait`
//! in the browser's worker, an interrupt and WFI on a microcontroller) and hands the bytes it
//! receives to [`Board::feed`]; the board carries out what the REPL asks: run code, complete
//! a word, soft-reset (a fresh VM, `boot.py`, then `main.py` in friendly mode). What a port
//! supplies besides the bytes is the [`Port`] trait. This module does no I/O of its own and
//! is `no_std`, so the host's virtual board and the browser's simulator run the same board.

use alloc::vec::Vec;
use copperhead_vm::{Exception, Mode, Platform, Vm};

use crate::repl::{Action, BoardInfo, Repl};

/// What a board is about to do, for a port that reports crashes (see the host's `fatal.rs`).
#[derive(Clone, Copy, Debug)]
pub enum Doing<'a> {
    /// Running code the REPL received.
    Exec(&'a str),
    /// Running a start-up file (`boot.py`, `main.py`).
    Boot(&'a str),
    /// Completing the word before the cursor.
    Complete(&'a str),
    /// Firing timers and pin interrupts while the REPL waits.
    Background,
}

/// What a port gives the board runtime.
pub trait Port {
    /// The VM's view of this port.
    type Platform: Platform;
    /// The line went away (the host's link closed).
    type Error;

    /// A fresh VM: at start and at each soft reset.
    fn new_vm(&mut self) -> Result<Vm<Self::Platform>, Self::Error>;

    /// Bytes to the line.
    fn write(&mut self, bytes: &[u8]) -> Result<(), Self::Error>;

    /// Bytes the REPL did not take because code started running before it got to them: they
    /// go back to the front of the console's input, where the program's `sys.stdin` (and the
    /// REPL, afterwards) reads them.
    fn unread(&mut self, bytes: &[u8]);

    /// Code starts (`true`) or stops running: while it runs, the interrupt character
    /// interrupts it instead of being input.
    fn running(&mut self, on: bool);

    /// What the board is about to do, `raw` telling the REPL's mode; [`Port::idle`] follows.
    fn doing(&mut self, what: Doing<'_>, raw: bool) {
        let _ = (what, raw);
    }

    /// The board is back at its prompt.
    fn idle(&mut self) {}
}

/// Whether the board goes on after [`Board::feed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// A soft reset was asked for and the board is set to leave then (the host's terminal
    /// REPL ends on Ctrl-D, as MicroPython's unix port does).
    Exit,
}

/// A VM behind a REPL.
pub struct Board<P: Platform> {
    /// `None` only while a new VM is made: the old one is gone first, so that a board whose
    /// RAM holds one VM never needs two.
    vm: Option<Vm<P>>,
    pub repl: Repl,
    /// Run `boot.py` and `main.py` from the VM's filesystem at start and after soft resets.
    pub boots: bool,
    /// End on a soft reset instead of starting again.
    pub exit_on_reset: bool,
    out: Vec<u8>,
}

impl<P: Platform> Board<P> {
    /// A board with a fresh VM from `port`; nothing runs and nothing is written yet.
    pub fn new<T: Port<Platform = P>>(port: &mut T, info: BoardInfo) -> Result<Self, T::Error> {
        Ok(Board {
            vm: Some(port.new_vm()?),
            repl: Repl::new(info),
            boots: true,
            exit_on_reset: false,
            out: Vec::new(),
        })
    }

    /// Start as a board powers up: `boot.py`, then `main.py` (again on a fresh VM while they
    /// ask for a soft reset with `SystemExit`).
    pub fn boot<T: Port<Platform = P>>(&mut self, port: &mut T) -> Result<(), T::Error> {
        if !self.boots {
            return Ok(());
        }
        while self.run_boot_files(port)? {
            port.write(crate::repl::SOFT_REBOOT)?;
            self.renew_vm(port)?;
        }
        Ok(())
    }

    /// The board's VM.
    pub fn vm(&mut self) -> &mut Vm<P> {
        self.vm
            .as_mut()
            .expect("a board has its VM except inside renew_vm")
    }

    /// Replace the VM with a fresh one from `port`, freeing the old one's memory first.
    pub fn renew_vm<T: Port<Platform = P>>(&mut self, port: &mut T) -> Result<(), T::Error> {
        self.vm = None;
        self.vm = Some(port.new_vm()?);
        Ok(())
    }

    /// Show the banner and the prompt (or the raw REPL's), as after a soft reset.
    pub fn greet<T: Port<Platform = P>>(&mut self, port: &mut T) -> Result<(), T::Error> {
        self.repl.reset_done(&mut self.out);
        self.flush(port)
    }

    /// Run `boot.py`, then `main.py` if the REPL is in friendly mode. An exception is
    /// printed; `true` if one of them asked for a soft reset.
    fn run_boot_files<T: Port<Platform = P>>(&mut self, port: &mut T) -> Result<bool, T::Error> {
        for (path, name) in [("/boot.py", "boot.py"), ("/main.py", "main.py")] {
            if name == "main.py" && !self.repl.runs_main() {
                continue;
            }
            let Some(source) = self.vm().read_file(path) else {
                continue;
            };
            port.running(true);
            port.doing(Doing::Boot(name), self.repl.is_raw());
            let result = self.vm().exec(&source, name, Mode::File);
            port.running(false);
            port.idle();
            match result {
                Err(e) if e.is_system_exit() => return Ok(true),
                Err(e) => {
                    crate::repl::cook_into(e.traceback.as_bytes(), &mut self.out);
                    self.flush(port)?;
                }
                Ok(()) => {}
            }
        }
        Ok(false)
    }

    /// Feed bytes from the line to the REPL and carry out what it asks. When code starts
    /// running, the bytes after the one that started it go back to the port
    /// ([`Port::unread`]), since they are the program's input; so this returns after the
    /// first action, and the port feeds what is left again later.
    pub fn feed<T: Port<Platform = P>>(
        &mut self,
        port: &mut T,
        bytes: &[u8],
    ) -> Result<Flow, T::Error> {
        for (i, &byte) in bytes.iter().enumerate() {
            let Some(first) = self.repl.feed(byte, &mut self.out) else {
                continue;
            };
            port.unread(&bytes[i + 1..]);
            let mut action = Some(first);
            while let Some(act) = action.take() {
                self.flush(port)?;
                action = match act {
                    Action::Exec { source, mode } => {
                        let result = self.exec(port, &source, "<stdin>", mode);
                        self.repl.exec_done(&result, &mut self.out)
                    }
                    Action::Complete { text } => {
                        port.doing(Doing::Complete(&text), self.repl.is_raw());
                        let words = self.vm().completions(&text);
                        port.idle();
                        self.repl.complete_done(&words, &mut self.out);
                        None
                    }
                    Action::SoftReset if self.exit_on_reset => {
                        self.flush(port)?;
                        return Ok(Flow::Exit);
                    }
                    Action::SoftReset => {
                        self.soft_reset(port)?;
                        None
                    }
                };
            }
            break;
        }
        self.flush(port)?;
        Ok(Flow::Continue)
    }

    /// Run `source` as the file `filename` with the interrupt character armed, as the REPL
    /// runs what it receives.
    pub fn exec<T: Port<Platform = P>>(
        &mut self,
        port: &mut T,
        source: &str,
        filename: &str,
        mode: Mode,
    ) -> Result<(), Exception> {
        port.running(true);
        port.doing(Doing::Exec(source), self.repl.is_raw());
        let result = self.vm().exec(source, filename, mode);
        port.running(false);
        port.idle();
        result
    }

    /// A soft reset: a fresh VM, the start-up files, then the banner and prompt.
    pub fn soft_reset<T: Port<Platform = P>>(&mut self, port: &mut T) -> Result<(), T::Error> {
        self.flush(port)?;
        self.renew_vm(port)?;
        self.boot(port)?;
        self.repl.reset_done(&mut self.out);
        self.flush(port)
    }

    /// Fire the timers and pin interrupts that are due while the REPL waits for input.
    pub fn background<T: Port<Platform = P>>(&mut self, port: &mut T) {
        port.doing(Doing::Background, self.repl.is_raw());
        self.vm().run_background();
        port.idle();
    }

    /// Does the board want [`Board::background`] called while it waits for input?
    pub fn wants_background(&self) -> bool {
        self.vm.as_ref().is_some_and(Vm::has_background) && !self.repl.is_running()
    }

    /// Write out what the REPL has answered so far.
    pub fn flush<T: Port<Platform = P>>(&mut self, port: &mut T) -> Result<(), T::Error> {
        if !self.out.is_empty() {
            let result = port.write(&self.out);
            self.out.clear();
            result?;
        }
        Ok(())
    }
}

/// A board's console as `input()` reads it: bytes typed, and the echo back to the line.
pub trait LineInput {
    /// The next byte typed, waiting for it; `None` when the input ended or was interrupted.
    fn next_byte(&mut self) -> Option<u8>;
    /// Take the next byte if it is `byte` and has already arrived.
    fn take_if(&mut self, byte: u8) -> bool;
    /// Bytes back to the line, unchanged.
    fn echo(&mut self, bytes: &[u8]);
}

/// `input()` on a board: what is typed is echoed, as MicroPython's line reader does;
/// backspace rubs out a whole character, Enter (`\r`, `\n` or `\r\n`) ends the line, other
/// control bytes are dropped. `None` when the input ended first.
pub fn read_line(console: &mut impl LineInput) -> Option<alloc::string::String> {
    let mut line = Vec::new();
    loop {
        match console.next_byte()? {
            byte @ (b'\r' | b'\n') => {
                if byte == b'\r' {
                    console.take_if(b'\n');
                }
                console.echo(b"\r\n");
                break;
            }
            0x08 | 0x7f => {
                while line.pop().is_some_and(|b| b & 0xC0 == 0x80) {}
                console.echo(b"\x08\x1b[K");
            }
            b if b >= 0x20 || b == b'\t' => {
                line.push(b);
                console.echo(&[b]);
            }
            _ => {}
        }
    }
    Some(alloc::string::String::from_utf8_lossy(&line).into_owned())
}
