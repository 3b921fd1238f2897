//! The board's REPL as a state machine: bytes from the serial line in, bytes to it out.
//!
//! It does no I/O and runs no code itself. [`Repl::feed`] consumes one input byte, appends
//! what the board answers to `out`, and returns an [`Action`] when the port must run code or
//! soft-reset. After running the code the port calls [`Repl::exec_done`]; after resetting its
//! VM it calls [`Repl::reset_done`]. The bytes follow MicroPython exactly (see
//! `shared/reference/micropython-wire.md` §3): friendly REPL, raw REPL and raw-paste mode.

use alloc::string::String;
use alloc::vec::Vec;
use copperhead_vm::{Exception, Mode};

pub const RAW_BANNER: &[u8] = b"raw REPL; CTRL-B to exit\r\n";
pub const SOFT_REBOOT: &[u8] = b"MPY: soft reboot\r\n";
pub const PS1: &[u8] = b">>> ";
pub const PS2: &[u8] = b"... ";

/// Raw-paste window: half of a 256-byte stdin buffer, as MicroPython's ports use.
pub const RAW_PASTE_WINDOW: u16 = 128;

const CTRL_A: u8 = 0x01;
const CTRL_B: u8 = 0x02;
const CTRL_C: u8 = 0x03;
const CTRL_D: u8 = 0x04;
const CTRL_E: u8 = 0x05;

/// Something the port must do for the REPL.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    /// Run `source` (named `<stdin>`), then call [`Repl::exec_done`].
    Exec { source: String, mode: Mode },
    /// Tear down the VM, make a fresh one, run `boot.py`, then call [`Repl::reset_done`].
    SoftReset,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Friendly,
    Paste,
    Raw,
    RawPaste,
    Running(Running),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Running {
    Friendly,
    Raw,
}

/// Board identity shown in the friendly banner.
#[derive(Clone, Debug)]
pub struct BoardInfo {
    pub version: &'static str,
    pub build_date: &'static str,
    pub board: String,
    pub mcu: String,
}

pub struct Repl {
    state: State,
    /// The REPL mode survives soft resets: `true` when the raw REPL is current.
    raw_mode: bool,
    line: Vec<u8>,
    /// Complete lines of a multi-line friendly input, or the paste / raw buffer.
    buffer: Vec<u8>,
    paste_received: usize,
    info: BoardInfo,
}

impl Repl {
    /// A REPL in friendly mode. Nothing is printed until a byte arrives: the banner of a real
    /// board went out at boot, before any host was listening.
    pub fn new(info: BoardInfo) -> Self {
        Repl {
            state: State::Friendly,
            raw_mode: false,
            line: Vec::new(),
            buffer: Vec::new(),
            paste_received: 0,
            info,
        }
    }

    /// True while the REPL is in raw mode (raw, raw-paste, or running code from them).
    pub fn is_raw(&self) -> bool {
        self.raw_mode
    }

    /// True while code started by this REPL is running.
    pub fn is_running(&self) -> bool {
        matches!(self.state, State::Running(_))
    }

    /// Whether `main.py` should run after a soft reset: only in friendly mode.
    pub fn runs_main(&self) -> bool {
        !self.raw_mode
    }

    /// The friendly banner and first prompt.
    pub fn banner(&self, out: &mut Vec<u8>) {
        let i = &self.info;
        let text = alloc::format!(
            "Copperhead {} on {}; {} with {}\r\nType \"help()\" for more information.\r\n",
            i.version,
            i.build_date,
            i.board,
            i.mcu
        );
        out.extend_from_slice(text.as_bytes());
    }

    /// Feed one byte from the host.
    pub fn feed(&mut self, byte: u8, out: &mut Vec<u8>) -> Option<Action> {
        match self.state {
            State::Friendly => self.feed_friendly(byte, out),
            State::Paste => self.feed_paste(byte, out),
            State::Raw => self.feed_raw(byte, out),
            State::RawPaste => self.feed_raw_paste(byte, out),
            // Bytes that arrive while code runs are the port's business (Ctrl-C interrupts);
            // anything else is dropped, as a board without a stdin reader would.
            State::Running(_) => None,
        }
    }

    /// The code started by the last [`Action::Exec`] has finished. `result` is its outcome;
    /// the exception text is written with `\r\n` line ends.
    pub fn exec_done(
        &mut self,
        result: &Result<(), Exception>,
        out: &mut Vec<u8>,
    ) -> Option<Action> {
        let State::Running(how) = self.state else {
            return None;
        };
        let system_exit = matches!(result, Err(e) if e.is_system_exit());
        match how {
            Running::Raw => {
                out.push(CTRL_D);
                if let Err(e) = result
                    && !system_exit
                {
                    cook_into(e.traceback.as_bytes(), out);
                }
                out.push(CTRL_D);
                self.state = State::Raw;
                if system_exit {
                    return self.soft_reset(out);
                }
                out.push(b'>');
            }
            Running::Friendly => {
                self.state = State::Friendly;
                if let Err(e) = result {
                    if system_exit {
                        return self.soft_reset(out);
                    }
                    cook_into(e.traceback.as_bytes(), out);
                }
                out.extend_from_slice(PS1);
            }
        }
        None
    }

    /// The port has soft-reset its VM (and run `boot.py`, and `main.py` in friendly mode).
    pub fn reset_done(&mut self, out: &mut Vec<u8>) {
        self.line.clear();
        self.buffer.clear();
        if self.raw_mode {
            self.state = State::Raw;
            out.extend_from_slice(RAW_BANNER);
            out.push(b'>');
        } else {
            self.state = State::Friendly;
            self.banner(out);
            out.extend_from_slice(PS1);
        }
    }

    fn soft_reset(&mut self, out: &mut Vec<u8>) -> Option<Action> {
        out.extend_from_slice(SOFT_REBOOT);
        Some(Action::SoftReset)
    }

    fn enter_raw(&mut self, out: &mut Vec<u8>) {
        self.raw_mode = true;
        self.state = State::Raw;
        self.buffer.clear();
        out.extend_from_slice(RAW_BANNER);
        out.push(b'>');
    }

    fn enter_friendly(&mut self, out: &mut Vec<u8>) {
        self.raw_mode = false;
        self.state = State::Friendly;
        self.line.clear();
        self.buffer.clear();
        self.banner(out);
        out.extend_from_slice(PS1);
    }

    fn feed_friendly(&mut self, byte: u8, out: &mut Vec<u8>) -> Option<Action> {
        let empty = self.line.is_empty() && self.buffer.is_empty();
        match byte {
            CTRL_A if empty => {
                out.extend_from_slice(b"\r\n");
                self.enter_raw(out);
            }
            CTRL_B if empty => {
                out.extend_from_slice(b"\r\n");
                self.enter_friendly(out);
            }
            CTRL_C => {
                self.line.clear();
                self.buffer.clear();
                out.extend_from_slice(b"\r\n");
                out.extend_from_slice(PS1);
            }
            CTRL_D if empty => {
                out.extend_from_slice(b"\r\n");
                return self.soft_reset(out);
            }
            CTRL_E if empty => {
                self.state = State::Paste;
                self.buffer.clear();
                out.extend_from_slice(
                    b"\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== ",
                );
            }
            b'\r' | b'\n' => {
                out.extend_from_slice(b"\r\n");
                return self.end_of_line(out);
            }
            0x08 | 0x7f if self.line.pop().is_some() => {
                out.extend_from_slice(b"\x08\x1b[K");
            }
            0x20..=0x7e | 0x80..=0xff | b'\t' => {
                self.line.push(byte);
                out.push(byte);
            }
            _ => {}
        }
        None
    }

    /// Enter was pressed in the friendly REPL: run the input or ask for a continuation line.
    fn end_of_line(&mut self, out: &mut Vec<u8>) -> Option<Action> {
        let line = core::mem::take(&mut self.line);
        let first = self.buffer.is_empty();
        if first && line.iter().all(|b| b.is_ascii_whitespace()) {
            out.extend_from_slice(PS1);
            return None;
        }
        if !first && line.iter().all(|b| b.is_ascii_whitespace()) {
            // An empty line ends a compound statement.
            return Some(self.start_friendly_exec());
        }
        self.buffer.extend_from_slice(&line);
        self.buffer.push(b'\n');
        if needs_continuation(&self.buffer) {
            out.extend_from_slice(PS2);
            return None;
        }
        Some(self.start_friendly_exec())
    }

    fn start_friendly_exec(&mut self) -> Action {
        let source = String::from_utf8_lossy(&core::mem::take(&mut self.buffer)).into_owned();
        self.state = State::Running(Running::Friendly);
        Action::Exec {
            source,
            mode: Mode::Single,
        }
    }

    fn feed_paste(&mut self, byte: u8, out: &mut Vec<u8>) -> Option<Action> {
        match byte {
            CTRL_C => {
                self.buffer.clear();
                self.state = State::Friendly;
                out.extend_from_slice(b"\r\n");
                out.extend_from_slice(PS1);
            }
            CTRL_D => {
                out.extend_from_slice(b"\r\n");
                let source =
                    String::from_utf8_lossy(&core::mem::take(&mut self.buffer)).into_owned();
                self.state = State::Running(Running::Friendly);
                return Some(Action::Exec {
                    source,
                    mode: Mode::File,
                });
            }
            b'\r' => {
                self.buffer.push(b'\n');
                out.extend_from_slice(b"\r\n=== ");
            }
            _ => {
                self.buffer.push(byte);
                out.push(byte);
            }
        }
        None
    }

    fn feed_raw(&mut self, byte: u8, out: &mut Vec<u8>) -> Option<Action> {
        match byte {
            CTRL_A => {
                if self.buffer.len() == 2 && self.buffer[0] == CTRL_E {
                    let wanted = self.buffer[1];
                    self.buffer.clear();
                    if wanted == b'A' {
                        out.extend_from_slice(b"R\x01");
                        out.extend_from_slice(&RAW_PASTE_WINDOW.to_le_bytes());
                        out.push(0x01);
                        self.state = State::RawPaste;
                        self.paste_received = 0;
                    } else {
                        out.extend_from_slice(b"R\x00>");
                    }
                } else {
                    self.enter_raw(out);
                }
            }
            CTRL_B => {
                out.extend_from_slice(b"\r\n");
                self.enter_friendly(out);
            }
            CTRL_C => self.buffer.clear(),
            CTRL_D => {
                out.extend_from_slice(b"OK");
                if self.buffer.is_empty() {
                    out.extend_from_slice(b"\r\n");
                    return self.soft_reset(out);
                }
                return Some(self.start_raw_exec());
            }
            _ => self.buffer.push(byte),
        }
        None
    }

    fn feed_raw_paste(&mut self, byte: u8, out: &mut Vec<u8>) -> Option<Action> {
        match byte {
            CTRL_D => {
                // Acknowledge the end of the data, then run it; no `OK` in this mode.
                out.push(CTRL_D);
                Some(self.start_raw_exec())
            }
            CTRL_C => {
                // Interrupted while receiving: report it like an interrupted program.
                self.buffer.clear();
                self.state = State::Raw;
                out.extend_from_slice(b"\x04\x04KeyboardInterrupt: \r\n\x04>");
                None
            }
            _ => {
                self.buffer.push(byte);
                self.paste_received += 1;
                if self.paste_received == RAW_PASTE_WINDOW as usize {
                    // The window is consumed: grant the host another one.
                    self.paste_received = 0;
                    out.push(0x01);
                }
                None
            }
        }
    }

    fn start_raw_exec(&mut self) -> Action {
        let source = String::from_utf8_lossy(&core::mem::take(&mut self.buffer)).into_owned();
        self.state = State::Running(Running::Raw);
        Action::Exec {
            source,
            mode: Mode::File,
        }
    }
}

/// Append `text` to `out`, turning each `\n` into `\r\n` as a board's console does.
pub fn cook_into(text: &[u8], out: &mut Vec<u8>) {
    for &b in text {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
}

/// Does the friendly-REPL input so far need another line? (MicroPython's rule: a compound
/// statement keeps going until an empty line; open brackets, an open triple quote or a
/// trailing backslash continue too.)
fn needs_continuation(buffer: &[u8]) -> bool {
    let text = String::from_utf8_lossy(buffer);
    let trimmed = text.trim_start();
    const COMPOUND: [&str; 8] = ["if", "while", "for", "try", "with", "def", "class", "async"];
    let first_word: String = trimmed
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if COMPOUND.contains(&first_word.as_str()) || trimmed.starts_with('@') {
        return true;
    }
    let mut depth = 0i32;
    let mut quote: Option<(char, bool)> = None;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some((q, triple)) => {
                if c == '\\' {
                    i += 1;
                } else if c == q {
                    if !triple {
                        quote = None;
                    } else if chars.get(i + 1) == Some(&q) && chars.get(i + 2) == Some(&q) {
                        quote = None;
                        i += 2;
                    }
                }
            }
            None => match c {
                '#' => {
                    while i < chars.len() && chars[i] != '\n' {
                        i += 1;
                    }
                }
                '\'' | '"' => {
                    let triple = chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c);
                    quote = Some((c, triple));
                    if triple {
                        i += 2;
                    }
                }
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                _ => {}
            },
        }
        i += 1;
    }
    if depth > 0 || matches!(quote, Some((_, true))) {
        return true;
    }
    text.trim_end_matches('\n').ends_with('\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repl() -> Repl {
        Repl::new(BoardInfo {
            version: "v0.0.0",
            build_date: "2026-01-01",
            board: "test board".into(),
            mcu: "test mcu".into(),
        })
    }

    /// Feed bytes; return what the board printed and the actions it asked for.
    fn feed(r: &mut Repl, bytes: &[u8]) -> (Vec<u8>, Vec<Action>) {
        let mut out = Vec::new();
        let mut actions = Vec::new();
        for &b in bytes {
            if let Some(a) = r.feed(b, &mut out) {
                actions.push(a);
            }
        }
        (out, actions)
    }

    fn exec(source: &str, mode: Mode) -> Action {
        Action::Exec {
            source: source.into(),
            mode,
        }
    }

    #[test]
    fn raw_repl_framing() {
        let mut r = repl();
        let (out, _) = feed(&mut r, b"\x01");
        assert_eq!(out, b"\r\nraw REPL; CTRL-B to exit\r\n>");
        let (out, actions) = feed(&mut r, b"print(1)\x04");
        assert_eq!(out, b"OK");
        assert_eq!(actions, [exec("print(1)", Mode::File)]);
        assert!(r.is_running());
        let mut out = Vec::new();
        assert_eq!(r.exec_done(&Ok(()), &mut out), None);
        assert_eq!(out, b"\x04\x04>");
    }

    #[test]
    fn raw_repl_error_and_system_exit() {
        let mut r = repl();
        feed(&mut r, b"\x01x\x04");
        let err = Exception {
            type_name: "ValueError".into(),
            message: "bad".into(),
            traceback: "Traceback (most recent call last):\nValueError: bad\n".into(),
            file: None,
            line: None,
        };
        let mut out = Vec::new();
        r.exec_done(&Err(err.clone()), &mut out);
        assert_eq!(
            out,
            b"\x04Traceback (most recent call last):\r\nValueError: bad\r\n\x04>"
        );
        feed(&mut r, b"y\x04");
        let exit = Exception {
            type_name: "SystemExit".into(),
            ..err
        };
        let mut out = Vec::new();
        assert_eq!(r.exec_done(&Err(exit), &mut out), Some(Action::SoftReset));
        assert_eq!(out, b"\x04\x04MPY: soft reboot\r\n");
        let mut out = Vec::new();
        r.reset_done(&mut out);
        assert_eq!(out, b"raw REPL; CTRL-B to exit\r\n>");
    }

    #[test]
    fn raw_paste_windows() {
        let mut r = repl();
        feed(&mut r, b"\x01");
        let (out, _) = feed(&mut r, b"\x05A\x01");
        assert_eq!(out, b"R\x01\x80\x00\x01");
        let (out, _) = feed(&mut r, &[b'#'; 127]);
        assert!(out.is_empty());
        let (out, _) = feed(&mut r, b"#");
        assert_eq!(out, b"\x01");
        let (out, actions) = feed(&mut r, b"\n1\x04");
        assert_eq!(out, b"\x04");
        assert_eq!(actions.len(), 1);
    }

    #[test]
    fn friendly_soft_reset_and_paste_mode() {
        let mut r = repl();
        let (out, actions) = feed(&mut r, b"\x04");
        assert_eq!(out, b"\r\nMPY: soft reboot\r\n");
        assert_eq!(actions, [Action::SoftReset]);
        let mut out = Vec::new();
        r.reset_done(&mut out);
        assert!(out.starts_with(b"Copperhead v0.0.0 on 2026-01-01; test board with test mcu\r\n"));
        assert!(out.ends_with(b">>> "));
        let (out, _) = feed(&mut r, b"\x05");
        assert_eq!(
            out,
            b"\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== "
        );
        let (out, actions) = feed(&mut r, b"x = 5\rif x:\r    print(x)\r\x04");
        assert_eq!(out, b"x = 5\r\n=== if x:\r\n===     print(x)\r\n=== \r\n");
        assert_eq!(actions, [exec("x = 5\nif x:\n    print(x)\n", Mode::File)]);
    }

    #[test]
    fn friendly_line_editing_and_continuation() {
        let mut r = repl();
        let (out, actions) = feed(&mut r, b"1+x\x7f2\r");
        assert_eq!(out, b"1+x\x08\x1b[K2\r\n");
        assert_eq!(actions, [exec("1+2\n", Mode::Single)]);
        let mut out = Vec::new();
        r.exec_done(&Ok(()), &mut out);
        assert_eq!(out, b">>> ");
        let (out, actions) = feed(&mut r, b"(1,\r2)\r");
        assert_eq!(out, b"(1,\r\n... 2)\r\n");
        assert_eq!(actions, [exec("(1,\n2)\n", Mode::Single)]);
    }
}
