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
const CTRL_F: u8 = 0x06;
const CTRL_K: u8 = 0x0b;
const CTRL_N: u8 = 0x0e;
const CTRL_P: u8 = 0x10;
const CTRL_U: u8 = 0x15;
const CTRL_W: u8 = 0x17;

/// Something the port must do for the REPL.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    /// Run `source` (named `<stdin>`), then call [`Repl::exec_done`].
    Exec { source: String, mode: Mode },
    /// Tear down the VM, make a fresh one, run `boot.py`, then call [`Repl::reset_done`].
    SoftReset,
    /// Tab was pressed: find the words that complete `text` (the line up to the cursor),
    /// then call [`Repl::complete_done`] with them.
    Complete { text: String },
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
    /// The friendly REPL's line being edited.
    edit: LineEditor,
    /// Complete lines of a multi-line friendly input, or the paste / raw buffer.
    buffer: Vec<u8>,
    paste_received: usize,
    /// The raw-paste window this board grants (half its input buffer).
    window: u16,
    info: BoardInfo,
}

/// The history of entered lines kept by the friendly REPL.
const HISTORY: usize = 8;

/// Where an escape sequence from the terminal has got to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Escape {
    None,
    /// After ESC.
    Esc,
    /// After `ESC [`.
    Bracket,
    /// After `ESC [` and a digit (`ESC [ 3 ~` is Delete).
    BracketDigit(u8),
    /// After `ESC O` (Home and End on some terminals).
    O,
}

/// A line editor as a VT100 terminal expects it: a cursor in the line, redrawn with
/// backspaces, `ESC [ n D` and `ESC [ K`, a history of 8 lines, and auto-indent.
struct LineEditor {
    line: Vec<u8>,
    cursor: usize,
    escape: Escape,
    history: Vec<Vec<u8>>,
    /// The history entry shown (`None`: the line being typed).
    recalled: Option<usize>,
    /// Auto-indent is on (until a space or Tab follows one, in one statement).
    indent: bool,
    /// The last edit was an auto-indent.
    indented: bool,
    /// The newline byte just seen: `\r\n` (or `\n\r`) counts as one Enter.
    last_newline: u8,
}

impl LineEditor {
    fn new() -> Self {
        LineEditor {
            line: Vec::new(),
            cursor: 0,
            escape: Escape::None,
            history: Vec::new(),
            recalled: None,
            indent: true,
            indented: false,
            last_newline: 0,
        }
    }

    /// Start a new line (the prompt has just been printed).
    fn clear(&mut self) {
        self.line.clear();
        self.cursor = 0;
        self.escape = Escape::None;
        self.recalled = None;
        self.indented = false;
    }

    fn remember(&mut self, line: &[u8]) {
        if !line.is_empty() && self.history.first().is_none_or(|h| h.as_slice() != line) {
            self.history.insert(0, line.to_vec());
            self.history.truncate(HISTORY);
        }
    }

    /// Insert `text` at the cursor.
    fn insert(&mut self, text: &[u8], out: &mut Vec<u8>) {
        let old = self.line.len();
        for (i, b) in text.iter().enumerate() {
            self.line.insert(self.cursor + i, *b);
        }
        self.redraw(out, old, 0, true, text.len());
    }

    /// Move and redraw, as the edit needs: back `back` places, then (if `from_cursor`) the
    /// line from the cursor on, clearing what an old, longer line left, then forward
    /// `forward` places.
    fn redraw(
        &mut self,
        out: &mut Vec<u8>,
        old_len: usize,
        back: usize,
        from_cursor: bool,
        forward: usize,
    ) {
        if back > 0 {
            move_back(out, back);
            self.cursor -= back;
        }
        if from_cursor {
            if self.line.len() < old_len {
                out.extend_from_slice(b"\x1b[K");
            }
            out.extend_from_slice(&self.line[self.cursor..]);
            move_back(out, self.line.len() - (self.cursor + forward));
            self.cursor += forward;
        } else if forward > 0 {
            out.extend_from_slice(&self.line[self.cursor..self.cursor + forward]);
            self.cursor += forward;
        }
        self.indented = false;
    }

    /// Show history entry `entry` (or the empty line) in place of the line.
    fn recall(&mut self, entry: Option<usize>, out: &mut Vec<u8>) {
        let old = self.line.len();
        let back = self.cursor;
        self.recalled = entry;
        self.line = entry.map_or_else(Vec::new, |i| self.history[i].clone());
        let forward = self.line.len();
        // Move to the start first, then draw the new text from there.
        self.cursor = back;
        self.redraw(out, old.max(back), back, true, forward);
    }

    /// Handle one key. Returns what the REPL must act on: Enter, Tab (completion), or a
    /// control key on an empty line.
    fn key(&mut self, byte: u8, out: &mut Vec<u8>) -> Option<Key> {
        let old = self.line.len();
        match self.escape {
            Escape::None => {}
            Escape::Esc => {
                self.escape = match byte {
                    b'[' => Escape::Bracket,
                    b'O' => Escape::O,
                    _ => Escape::None,
                };
                return None;
            }
            Escape::Bracket => {
                self.escape = Escape::None;
                match byte {
                    b'0'..=b'9' => self.escape = Escape::BracketDigit(byte),
                    b'A' => self.up(out),
                    b'B' => self.down(out),
                    b'C' => self.right(out),
                    b'D' => self.left(out),
                    b'H' => self.home(out),
                    b'F' => self.end(out),
                    _ => {}
                }
                return None;
            }
            Escape::BracketDigit(d) => {
                self.escape = Escape::None;
                if byte == b'~' {
                    match d {
                        b'1' | b'7' => self.home(out),
                        b'4' | b'8' => self.end(out),
                        b'3' => self.delete(out),
                        _ => {}
                    }
                }
                return None;
            }
            Escape::O => {
                self.escape = Escape::None;
                match byte {
                    b'H' => self.home(out),
                    b'F' => self.end(out),
                    _ => {}
                }
                return None;
            }
        }
        if byte != b'\r' && byte != b'\n' {
            self.last_newline = 0;
        }
        match byte {
            CTRL_A..=CTRL_E if self.line.is_empty() => return Some(Key::Control(byte)),
            CTRL_A => self.home(out),
            CTRL_B => self.left(out),
            CTRL_C => return Some(Key::Control(CTRL_C)),
            CTRL_D => self.delete(out),
            CTRL_E => self.end(out),
            CTRL_F => self.right(out),
            CTRL_K => {
                self.line.truncate(self.cursor);
                self.redraw(out, old, 0, true, 0);
            }
            CTRL_N => self.down(out),
            CTRL_P => self.up(out),
            CTRL_U => {
                let n = self.cursor;
                self.line.drain(..n);
                self.redraw(out, old, n, true, 0);
            }
            CTRL_W => {
                let n = self.word_before();
                self.line.drain(self.cursor - n..self.cursor);
                self.redraw(out, old, n, true, 0);
            }
            b'\r' | b'\n' => {
                // `\r\n` is one Enter; so is `\r\r`, twice.
                if self.last_newline != 0 && self.last_newline != byte {
                    self.last_newline = 0;
                    return None;
                }
                self.last_newline = byte;
                out.extend_from_slice(b"\r\n");
                let line = self.line.clone();
                self.remember(&line);
                return Some(Key::Enter);
            }
            0x1b => self.escape = Escape::Esc,
            0x08 | 0x7f if self.cursor > 0 => {
                // Over indentation (only spaces before the cursor) a backspace takes 4.
                let spaces = self.line[..self.cursor].iter().all(|b| *b == b' ');
                let n = if spaces && self.cursor >= 4 { 4 } else { 1 };
                self.line.drain(self.cursor - n..self.cursor);
                self.redraw(out, old, n, true, 0);
            }
            b'\t' | b' ' if self.indented => {
                // Typing (or pasting) indentation right after an auto-indent: it wins, and
                // auto-indent stops until the next statement. A space keeps one space.
                self.indent = false;
                if byte == b' ' {
                    self.line.truncate(self.line.len() - 3);
                    self.redraw(out, old, 3, true, 0);
                }
                self.indented = false;
            }
            b'\t' => {
                if self.cursor > 0 && self.line[self.cursor - 1].is_ascii_whitespace() {
                    self.insert(b"    ", out);
                } else {
                    let text = String::from_utf8_lossy(&self.line[..self.cursor]).into_owned();
                    return Some(Key::Tab(text));
                }
            }
            0x20..=0x7e | 0x80..=0xff => self.insert(&[byte], out),
            _ => {}
        }
        None
    }

    fn left(&mut self, out: &mut Vec<u8>) {
        if self.cursor > 0 {
            let old = self.line.len();
            self.redraw(out, old, 1, false, 0);
        }
    }

    fn right(&mut self, out: &mut Vec<u8>) {
        if self.cursor < self.line.len() {
            let old = self.line.len();
            self.redraw(out, old, 0, false, 1);
        }
    }

    fn home(&mut self, out: &mut Vec<u8>) {
        let old = self.line.len();
        let n = self.cursor;
        self.redraw(out, old, n, false, 0);
    }

    fn end(&mut self, out: &mut Vec<u8>) {
        let old = self.line.len();
        let n = self.line.len() - self.cursor;
        self.redraw(out, old, 0, false, n);
    }

    fn delete(&mut self, out: &mut Vec<u8>) {
        if self.cursor < self.line.len() {
            let old = self.line.len();
            self.line.remove(self.cursor);
            self.redraw(out, old, 0, true, 0);
        }
    }

    fn up(&mut self, out: &mut Vec<u8>) {
        let next = self.recalled.map_or(0, |i| i + 1);
        if next < self.history.len() {
            self.recall(Some(next), out);
        }
    }

    fn down(&mut self, out: &mut Vec<u8>) {
        if let Some(i) = self.recalled {
            self.recall(i.checked_sub(1), out);
        }
    }

    /// How far back the word before the cursor starts (with the spaces before it).
    fn word_before(&self) -> usize {
        let mut pos = self.cursor;
        let mut in_word = false;
        while pos > 0 {
            if self.line[pos - 1].is_ascii_alphanumeric() {
                in_word = true;
            } else if in_word {
                break;
            }
            pos -= 1;
        }
        self.cursor - pos
    }

    /// After a continuation prompt: indent as the previous line of `buffer`, one level
    /// more after a `:`, not after two lines of only spaces.
    fn auto_indent(&mut self, buffer: &[u8], out: &mut Vec<u8>) {
        if !self.indent || buffer.is_empty() {
            return;
        }
        let lines: Vec<&[u8]> = buffer[..buffer.len() - 1].split(|b| *b == b'\n').collect();
        let Some(prev) = lines.last() else {
            return;
        };
        let blank = |l: &[u8]| l.iter().all(|b| *b == b' ');
        if lines.len() > 1 && blank(prev) && blank(lines[lines.len() - 2]) {
            return;
        }
        let spaces = prev.iter().take_while(|b| **b == b' ').count();
        let levels = spaces / 4 + usize::from(prev.last() == Some(&b':'));
        for _ in 0..levels {
            self.line.extend_from_slice(b"    ");
            out.extend_from_slice(b"    ");
            self.cursor += 4;
            self.indented = true;
        }
    }
}

/// What a key asks the REPL to do.
enum Key {
    Enter,
    Tab(String),
    /// Ctrl-A to Ctrl-E on an empty line, or Ctrl-C.
    Control(u8),
}

/// Move the terminal's cursor back `n` places: backspaces for a few, `ESC [ n D` beyond.
fn move_back(out: &mut Vec<u8>, n: usize) {
    if n == 0 {
    } else if n <= 4 {
        out.extend(core::iter::repeat_n(0x08, n));
    } else {
        out.extend_from_slice(alloc::format!("\x1b[{n}D").as_bytes());
    }
}

impl Repl {
    /// A REPL in friendly mode. Nothing is printed until a byte arrives: the banner of a real
    /// board went out at boot, before any host was listening.
    pub fn new(info: BoardInfo) -> Self {
        Repl {
            state: State::Friendly,
            raw_mode: false,
            edit: LineEditor::new(),
            buffer: Vec::new(),
            paste_received: 0,
            window: RAW_PASTE_WINDOW,
            info,
        }
    }

    /// Grant raw-paste windows of `bytes` (a board with a smaller input buffer grants less;
    /// some nrf ports grant 32); 0 refuses raw-paste mode, as a board built without it.
    pub fn set_raw_paste_window(&mut self, bytes: u16) {
        self.window = bytes;
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

    /// A fresh prompt after the port printed something of its own (a program the IDE ran
    /// while the REPL waited): a line being typed is dropped. Nothing in the raw REPL,
    /// whose client expects only its own answers.
    pub fn new_prompt(&mut self, out: &mut Vec<u8>) {
        if self.state == State::Friendly {
            self.buffer.clear();
            self.prompt(out);
        }
    }

    /// The friendly banner and first prompt.
    pub fn banner(&self, out: &mut Vec<u8>) {
        let i = &self.info;
        // Tools find a board's banner by its first word (mpremote waits for
        // `\nMicroPython ` after a soft reset; Thonny reads the version after it), so it
        // starts as MicroPython's does, with the level implemented, then says what it is.
        let (major, minor, micro) = copperhead_vm::MICROPYTHON_VERSION;
        let text = alloc::format!(
            "MicroPython v{major}.{minor}.{micro} (Copperhead {}) on {}; {} with {}\r\nType \"help()\" for more information.\r\n",
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
                self.prompt(out);
            }
        }
        None
    }

    /// Answer in the raw REPL (`true`) or the friendly one from the next [`Repl::reset_done`]
    /// on: a port that restarted after a crash resumes in the mode the client left it in.
    pub fn set_raw(&mut self, raw: bool) {
        self.raw_mode = raw;
    }

    /// The port has soft-reset its VM (and run `boot.py`, and `main.py` in friendly mode).
    pub fn reset_done(&mut self, out: &mut Vec<u8>) {
        self.edit.clear();
        self.edit.indent = true;
        self.buffer.clear();
        if self.raw_mode {
            self.state = State::Raw;
            out.extend_from_slice(RAW_BANNER);
            out.push(b'>');
        } else {
            self.state = State::Friendly;
            self.banner(out);
            self.prompt(out);
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
        self.buffer.clear();
        self.banner(out);
        self.prompt(out);
    }

    fn feed_friendly(&mut self, byte: u8, out: &mut Vec<u8>) -> Option<Action> {
        let empty = self.buffer.is_empty();
        match self.edit.key(byte, out)? {
            Key::Control(CTRL_A) if empty => {
                out.extend_from_slice(b"\r\n");
                self.enter_raw(out);
            }
            Key::Control(CTRL_B) if empty => {
                out.extend_from_slice(b"\r\n");
                self.enter_friendly(out);
            }
            Key::Control(CTRL_D) if empty => {
                out.extend_from_slice(b"\r\n");
                return self.soft_reset(out);
            }
            Key::Control(CTRL_E) if empty => {
                self.state = State::Paste;
                self.buffer.clear();
                out.extend_from_slice(
                    b"\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== ",
                );
            }
            Key::Control(CTRL_C) => {
                self.buffer.clear();
                out.extend_from_slice(b"\r\n");
                self.prompt(out);
            }
            // Ctrl-D on an empty continuation line ends the statement and runs it.
            Key::Control(CTRL_D) => {
                out.extend_from_slice(b"\r\n");
                return Some(self.start_friendly_exec());
            }
            // Ctrl-A, B and E on an empty continuation line: nothing.
            Key::Control(_) => {}
            Key::Enter => return self.end_of_line(out),
            Key::Tab(text) => return Some(Action::Complete { text }),
        }
        None
    }

    /// Print the prompt for the next line (`>>> `, or `... ` and auto-indent in a
    /// statement that goes on).
    fn prompt(&mut self, out: &mut Vec<u8>) {
        self.edit.clear();
        if self.buffer.is_empty() {
            self.edit.indent = true;
            out.extend_from_slice(PS1);
        } else {
            out.extend_from_slice(PS2);
            self.edit.auto_indent(&self.buffer, out);
        }
    }

    /// The words that complete the line (from [`Action::Complete`]): one, or several with a
    /// longer common start, are typed in; several more are listed, and the line is shown
    /// again under them.
    pub fn complete_done(&mut self, words: &[String], out: &mut Vec<u8>) {
        let typed = self.edit.line[..self.edit.cursor]
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        let Some(first) = words.first() else {
            return;
        };
        let common = words.iter().fold(first.len(), |n, w| {
            n.min(
                first
                    .bytes()
                    .zip(w.bytes())
                    .take_while(|(a, b)| a == b)
                    .count(),
            )
        });
        if common > typed {
            self.edit.insert(&first.as_bytes()[typed..common], out);
            return;
        }
        if words.len() < 2 {
            return;
        }
        list_words(words, out);
        out.extend_from_slice(if self.buffer.is_empty() { PS1 } else { PS2 });
        let old = self.edit.line.len();
        let cursor = self.edit.cursor;
        out.extend_from_slice(&self.edit.line[..cursor]);
        self.edit.redraw(out, old, 0, true, 0);
    }

    /// Enter was pressed in the friendly REPL: run the input or ask for a continuation line.
    fn end_of_line(&mut self, out: &mut Vec<u8>) -> Option<Action> {
        let line = core::mem::take(&mut self.edit.line);
        let first = self.buffer.is_empty();
        if first && line.iter().all(|b| b.is_ascii_whitespace()) {
            self.prompt(out);
            return None;
        }
        if !first && line.is_empty() {
            // An empty line ends a compound statement.
            return Some(self.start_friendly_exec());
        }
        self.buffer.extend_from_slice(&line);
        self.buffer.push(b'\n');
        if needs_continuation(&self.buffer) {
            self.prompt(out);
            return None;
        }
        Some(self.start_friendly_exec())
    }

    fn start_friendly_exec(&mut self) -> Action {
        let source = String::from_utf8_lossy(&core::mem::take(&mut self.buffer)).into_owned();
        self.edit.clear();
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
                self.prompt(out);
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
                    if wanted == b'A' && self.window > 0 {
                        out.extend_from_slice(b"R\x01");
                        out.extend_from_slice(&self.window.to_le_bytes());
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
                if self.paste_received == usize::from(self.window) {
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

/// List completions as MicroPython does: in 16-column slots, at most 64 columns a line,
/// starting on a new line.
fn list_words(words: &[String], out: &mut Vec<u8>) {
    const SLOT: usize = 16;
    const WIDTH: usize = 4 * SLOT;
    let mut used = WIDTH;
    for w in words {
        let mut gap = used.div_ceil(SLOT) * SLOT - used;
        if gap < 2 {
            gap += SLOT;
        }
        if used + gap + w.len() <= WIDTH {
            out.extend(core::iter::repeat_n(b' ', gap));
            used += gap + w.len();
        } else {
            out.extend_from_slice(b"\r\n");
            used = w.len();
        }
        out.extend_from_slice(w.as_bytes());
    }
    out.extend_from_slice(b"\r\n");
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
    fn a_board_resumed_in_raw_mode_answers_with_the_raw_prompt() {
        let mut r = repl();
        r.set_raw(true);
        let mut out = Vec::new();
        r.reset_done(&mut out);
        assert_eq!(out, b"raw REPL; CTRL-B to exit\r\n>");
        let (out, actions) = feed(&mut r, b"x\x04");
        assert_eq!(out, b"OK");
        assert_eq!(actions, [exec("x", Mode::File)]);
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
        assert!(out.starts_with(
            b"MicroPython v1.24.0 (Copperhead v0.0.0) on 2026-01-01; test board with test mcu\r\n"
        ));
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

    /// Type a line and run it (Enter, then the code "finishes").
    fn run_line(r: &mut Repl, line: &[u8]) -> (Vec<u8>, Vec<Action>) {
        let (mut out, actions) = feed(r, line);
        if r.is_running() {
            r.exec_done(&Ok(()), &mut out);
        }
        (out, actions)
    }

    #[test]
    fn auto_indent_as_micropython() {
        let mut r = repl();
        let (out, _) = feed(&mut r, b"for i in range(2):\r");
        assert_eq!(out, b"for i in range(2):\r\n...     ");
        let (out, _) = feed(&mut r, b"print(i)\r");
        assert_eq!(out, b"print(i)\r\n...     ");
        let (out, actions) = feed(&mut r, b"\x08\x08\x08\x08\r");
        assert_eq!(out, b"\x08\x08\x08\x08\x1b[K\r\n");
        assert_eq!(
            actions,
            [exec("for i in range(2):\n    print(i)\n", Mode::Single)]
        );
    }

    #[test]
    fn a_space_after_auto_indent_keeps_pasted_indentation() {
        let mut r = repl();
        feed(&mut r, b"if 1:\r");
        // Pasted code brings its own 4 spaces: the first replaces the auto-indent.
        let (out, _) = feed(&mut r, b"    x = 1\r");
        assert_eq!(out, b"\x08\x08\x08\x1b[K   x = 1\r\n... ");
        let (_, actions) = feed(&mut r, b"\r");
        assert_eq!(actions, [exec("if 1:\n    x = 1\n", Mode::Single)]);
    }

    #[test]
    fn three_enters_end_an_indented_block() {
        let mut r = repl();
        feed(&mut r, b"while 0:\r");
        feed(&mut r, b"pass\r");
        let (out, actions) = feed(&mut r, b"\r\r");
        // The first Enter leaves a line of indentation; after two such lines the prompt
        // has none, and an empty line ends the statement.
        assert_eq!(out, b"\r\n...     \r\n... ");
        assert!(actions.is_empty());
        let (_, actions) = feed(&mut r, b"\r");
        assert_eq!(actions.len(), 1);
    }

    #[test]
    fn cursor_keys_edit_inside_the_line() {
        let mut r = repl();
        // Left twice, insert: the rest of the line is redrawn and the cursor put back.
        let (out, _) = feed(&mut r, b"abcd\x1b[D\x1b[DX");
        assert_eq!(out, b"abcd\x08\x08Xcd\x08\x08");
        // Home, Delete (ESC [ 3 ~), End.
        let (out, _) = feed(&mut r, b"\x1b[H\x1b[3~\x1b[F");
        assert_eq!(out, b"\x08\x08\x08\x1b[KbXcd\x08\x08\x08\x08bXcd");
        let (_, actions) = feed(&mut r, b"\r");
        assert_eq!(actions, [exec("bXcd\n", Mode::Single)]);
        assert_eq!(r.edit.history, [b"bXcd".to_vec()]);
    }

    #[test]
    fn emacs_keys_on_a_non_empty_line() {
        let mut r = repl();
        // Ctrl-A home, Ctrl-F right, Ctrl-K kill to the end, Ctrl-E end.
        let (out, _) = feed(&mut r, b"hello\x01\x06\x0b\x05");
        assert_eq!(out, b"hello\x1b[5Dh\x1b[K");
        // Ctrl-B left, Ctrl-D delete at the cursor.
        let (out, _) = feed(&mut r, b"ij\x02\x04");
        assert_eq!(out, b"ij\x08\x1b[K");
        // Ctrl-W kills the word before the cursor; Ctrl-U the whole start of the line.
        let (out, _) = feed(&mut r, b" ab\x17");
        assert_eq!(out, b" ab\x08\x08\x1b[K");
        let (out, _) = feed(&mut r, b"\x15");
        assert_eq!(out, b"\x08\x08\x08\x1b[K");
        let (out, _) = feed(&mut r, b"\x03");
        assert_eq!(out, b"\r\n>>> ");
    }

    #[test]
    fn history_recalls_the_last_eight_lines() {
        let mut r = repl();
        for i in 0..10 {
            run_line(&mut r, alloc::format!("x{i}\r").as_bytes());
        }
        run_line(&mut r, b"x9\r");
        assert_eq!(r.edit.history.len(), 8, "8 lines, a repeated line once");
        let (out, _) = feed(&mut r, b"\x1b[A");
        assert_eq!(out, b"x9");
        let (out, _) = feed(&mut r, b"\x1b[A");
        assert_eq!(out, b"\x08\x08x8");
        // Ctrl-P and Ctrl-N go through history too; past the newest is the empty line.
        let (out, _) = feed(&mut r, b"\x0e\x0e");
        assert_eq!(out, b"\x08\x08x9\x08\x08\x1b[K");
        let (out, _) = feed(&mut r, b"\x10\r");
        assert_eq!(out, b"x9\r\n");
    }

    #[test]
    fn crlf_is_one_enter() {
        let mut r = repl();
        let (out, actions) = run_line(&mut r, b"1\r\n");
        assert_eq!(out, b"1\r\n>>> ");
        assert_eq!(actions.len(), 1);
        let (out, _) = feed(&mut r, b"\r\r");
        assert_eq!(out, b"\r\n>>> \r\n>>> ");
    }

    #[test]
    fn tab_completes_through_the_port() {
        let mut r = repl();
        let (_, actions) = feed(&mut r, b"pri\t");
        assert_eq!(actions, [Action::Complete { text: "pri".into() }]);
        let mut out = Vec::new();
        r.complete_done(&["print".into()], &mut out);
        assert_eq!(out, b"nt");
        // Several words with nothing in common beyond what was typed: listed, in 16-column
        // slots, and the line shown again.
        let mut r = repl();
        feed(&mut r, b"x = m\t");
        let mut out = Vec::new();
        r.complete_done(&["machine".into(), "min".into(), "max".into()], &mut out);
        assert_eq!(out, b"\r\nmachine         min             max\r\n>>> x = m");
        // A longer common start is typed in.
        let mut out = Vec::new();
        r.complete_done(&["machine".into(), "mach_x".into()], &mut out);
        assert_eq!(out, b"ach");
        // After whitespace, Tab inserts 4 spaces and asks nothing.
        let mut r = repl();
        let (out, actions) = feed(&mut r, b"x \t");
        assert_eq!(out, b"x     ");
        assert!(actions.is_empty());
    }

    #[test]
    fn ctrl_d_on_an_empty_continuation_line_runs_the_statement() {
        let mut r = repl();
        feed(&mut r, b"if 1:\r");
        let (out, actions) = feed(&mut r, b"\x15\x04");
        assert_eq!(out, b"\x08\x08\x08\x08\x1b[K\r\n");
        assert_eq!(actions, [exec("if 1:\n", Mode::Single)]);
    }

    #[test]
    fn raw_paste_with_a_small_window() {
        let mut r = repl();
        r.set_raw_paste_window(8);
        feed(&mut r, b"\x01");
        let (out, _) = feed(&mut r, b"\x05A\x01");
        assert_eq!(out, b"R\x01\x08\x00\x01");
        // Two windows may go at once; each 8 bytes consumed earn one more.
        let code = b"print(123456789)";
        let (out, _) = feed(&mut r, &code[..8]);
        assert_eq!(out, b"\x01");
        let (out, _) = feed(&mut r, &code[8..15]);
        assert!(out.is_empty(), "no credit before a window is used up");
        let (out, _) = feed(&mut r, &code[15..]);
        assert_eq!(out, b"\x01");
        let (out, actions) = feed(&mut r, b"\x04");
        assert_eq!(out, b"\x04");
        assert_eq!(actions, [exec("print(123456789)", Mode::File)]);
        let mut out = Vec::new();
        r.exec_done(&Ok(()), &mut out);
        assert_eq!(out, b"\x04\x04>");
    }

    #[test]
    fn raw_paste_ended_abruptly_by_the_host() {
        let mut r = repl();
        r.set_raw_paste_window(8);
        feed(&mut r, b"\x01\x05A\x01");
        // Ctrl-C in the middle of the data: nothing runs, the raw prompt is back.
        let (out, actions) = feed(&mut r, b"for i in\x03");
        assert_eq!(out, b"\x01\x04\x04KeyboardInterrupt: \r\n\x04>");
        assert!(actions.is_empty());
        // The next exchange starts clean.
        let (out, actions) = feed(&mut r, b"x\x04");
        assert_eq!(out, b"OK");
        assert_eq!(actions, [exec("x", Mode::File)]);
    }

    #[test]
    fn raw_repl_control_bytes() {
        let mut r = repl();
        feed(&mut r, b"\x01");
        // Ctrl-C clears the buffer silently; Ctrl-A reprints the banner and clears it too.
        let (out, _) = feed(&mut r, b"junk\x03");
        assert!(out.is_empty());
        let (out, _) = feed(&mut r, b"more\x01");
        assert_eq!(out, b"raw REPL; CTRL-B to exit\r\n>");
        // Any 8-bit byte is data.
        let (_, actions) = feed(&mut r, b"b'\xff\x00'\x04");
        assert_eq!(actions.len(), 1);
        r.exec_done(&Ok(()), &mut Vec::new());
        // Ctrl-D on an empty buffer: OK, then a soft reset back into raw mode.
        let (out, actions) = feed(&mut r, b"\x04");
        assert_eq!(out, b"OK\r\nMPY: soft reboot\r\n");
        assert_eq!(actions, [Action::SoftReset]);
        assert!(r.is_raw() && !r.runs_main());
        // Ctrl-B: the friendly REPL, with its banner.
        let mut out = Vec::new();
        r.reset_done(&mut out);
        let (out, _) = feed(&mut r, b"\x02");
        assert!(out.starts_with(b"\r\nMicroPython v1.24.0 (Copperhead v0.0.0)"));
        assert!(out.ends_with(b">>> "));
        assert!(r.runs_main());
    }

    #[test]
    fn a_board_without_raw_paste_refuses_it() {
        let mut r = repl();
        r.set_raw_paste_window(0);
        feed(&mut r, b"\x01");
        let (out, _) = feed(&mut r, b"\x05A\x01");
        assert_eq!(out, b"R\x00>");
        let (out, actions) = feed(&mut r, b"1\x04");
        assert_eq!(out, b"OK");
        assert_eq!(actions.len(), 1);
    }
}
