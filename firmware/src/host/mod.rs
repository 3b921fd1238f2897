//! The host port: the board runtime on Linux/macOS, behind the `copperhead-board` binary.
//!
//! [`serve`] runs the REPL state machine over any byte link (a pseudo-terminal for the
//! virtual board, the user's terminal), with one reader thread that queues input bytes and
//! turns the interrupt character into the VM's interrupt flag while code runs. A running
//! program reads the same queue through `sys.stdin`, so input typed while it runs reaches it,
//! and what it leaves goes back to the REPL.

pub mod fatal;
pub mod fs;
pub mod link;
pub mod pty;
pub mod webrepl;

use crate::board::{Board, Doing, Flow, Port};
use crate::repl::BoardInfo;
use copperhead_vm::platform::{Filesystem, Hardware, Uname};
use copperhead_vm::simhw::SimHardware;
use copperhead_vm::{Config, Platform, Vm};
use std::collections::VecDeque;
use std::format;
use std::io::{self, Read, Write};
use std::string::String;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::vec;
use std::vec::Vec;

pub use fs::HostFs;

/// A shared, lockable output link.
pub type Link = Arc<Mutex<dyn Write + Send>>;

/// Console input, filled by a reader thread and drained by the REPL or the running program.
pub struct Console {
    queue: Mutex<VecDeque<u8>>,
    arrived: Condvar,
    ended: AtomicBool,
    /// Set when the interrupt character arrives while code runs.
    interrupt: AtomicBool,
    /// Code is running (the interrupt character interrupts instead of being input).
    running: AtomicBool,
    /// The interrupt character (`micropython.kbd_intr`), -1 for none.
    intr_char: AtomicI32,
}

impl Console {
    pub fn new() -> Arc<Console> {
        Arc::new(Console {
            queue: Mutex::new(VecDeque::new()),
            arrived: Condvar::new(),
            ended: AtomicBool::new(false),
            interrupt: AtomicBool::new(false),
            running: AtomicBool::new(false),
            intr_char: AtomicI32::new(3),
        })
    }

    /// Read `input` on a thread of its own until it ends.
    pub fn start_reader(self: &Arc<Self>, mut input: impl Read + Send + 'static) {
        let console = self.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                match input.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => console.push(&buf[..n]),
                }
            }
            console.ended.store(true, Ordering::Relaxed);
            console.arrived.notify_all();
        });
    }

    fn push(&self, bytes: &[u8]) {
        let intr = self.intr_char.load(Ordering::Relaxed);
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        for &b in bytes {
            if i32::from(b) == intr && self.running.load(Ordering::Relaxed) {
                // Ctrl-C while code runs is an interrupt, not input.
                self.interrupt.store(true, Ordering::Relaxed);
                queue.clear();
            } else {
                queue.push_back(b);
            }
        }
        drop(queue);
        self.arrived.notify_all();
    }

    /// Wait for input; moves up to `buf.len()` bytes into `buf`. 0 when the input ended
    /// (or, while code runs, when it was interrupted).
    fn read(&self, buf: &mut [u8]) -> usize {
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if !queue.is_empty() {
                let n = buf.len().min(queue.len());
                for (slot, b) in buf.iter_mut().zip(queue.drain(..n)) {
                    *slot = b;
                }
                return n;
            }
            if self.ended.load(Ordering::Relaxed)
                || (self.running.load(Ordering::Relaxed) && self.interrupt.load(Ordering::Relaxed))
            {
                return 0;
            }
            queue = self.arrived.wait(queue).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Code starts running: from now on the interrupt character interrupts. One that
    /// arrived just before (while the code was being received or compiled) counts too.
    fn start_running(&self) {
        let intr = self.intr_char.load(Ordering::Relaxed);
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        self.interrupt.store(false, Ordering::Relaxed);
        if let Some(at) = queue.iter().position(|b| i32::from(*b) == intr) {
            queue.drain(..=at);
            self.interrupt.store(true, Ordering::Relaxed);
        }
        self.running.store(true, Ordering::Relaxed);
    }

    /// Take the next byte if it is `b` and is already here.
    fn take_if(&self, b: u8) -> bool {
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        let here = queue.front() == Some(&b);
        if here {
            queue.pop_front();
        }
        here
    }

    /// Wait at most `wait` for input: `None` if none came.
    fn read_within(&self, buf: &mut [u8], wait: std::time::Duration) -> Option<usize> {
        let queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        let (queue, _) = self
            .arrived
            .wait_timeout_while(queue, wait, |q| {
                q.is_empty() && !self.ended.load(Ordering::Relaxed)
            })
            .unwrap_or_else(|e| e.into_inner());
        let ready = !queue.is_empty() || self.ended.load(Ordering::Relaxed);
        drop(queue);
        ready.then(|| self.read(buf))
    }

    /// Put bytes back at the front of the queue.
    fn unread(&self, bytes: &[u8]) {
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        for &b in bytes.iter().rev() {
            queue.push_front(b);
        }
    }

    fn ready(&self) -> bool {
        !self
            .queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }
}

/// Where `sys.stdin` reads from.
enum Input {
    /// The process's own stdin (the script runner).
    Process,
    /// A board console's queue.
    Board(Arc<Console>),
}

/// The VM's view of the host: output to a link (cooked or not), input, the interrupt flag,
/// and a filesystem.
pub struct HostPlatform {
    out: Link,
    cook: bool,
    input: Input,
    interrupt: Arc<AtomicBool>,
    started: std::time::Instant,
    /// The initial `sys.path`.
    path: Vec<String>,
    argv: Vec<String>,
    fs: HostFs,
    cwd: String,
    board: String,
    /// The simulated peripherals behind `machine`.
    pub hw: SimHardware,
}

impl HostPlatform {
    /// The script runner's platform: output to `out` unchanged, the process's stdin and
    /// the host's filesystem, starting in the process's current directory.
    pub fn new(out: Link, interrupt: Arc<AtomicBool>) -> Self {
        let cwd = Self::process_cwd();
        HostPlatform {
            out,
            cook: false,
            input: Input::Process,
            interrupt,
            started: std::time::Instant::now(),
            path: default_path(""),
            argv: Vec::new(),
            fs: HostFs::host(),
            cwd,
            board: String::from("Copperhead host"),
            hw: SimHardware::new(),
        }
    }

    /// A board's platform: output cooked (`\n` → `\r\n`), input from the console, and
    /// `fs` as the board's filesystem, starting at `/`.
    pub fn board(out: Link, console: Arc<Console>, fs: HostFs, board: &str) -> Self {
        let interrupt = Arc::new(AtomicBool::new(false));
        HostPlatform {
            out,
            cook: true,
            input: Input::Board(console),
            interrupt,
            started: std::time::Instant::now(),
            path: vec![String::new(), String::from(".frozen"), String::from("/lib")],
            argv: Vec::new(),
            fs,
            cwd: String::from("/"),
            board: String::from(board),
            hw: SimHardware::new(),
        }
    }

    fn process_cwd() -> String {
        std::env::current_dir()
            .map(|d| d.to_string_lossy().into_owned())
            .unwrap_or_else(|_| String::from("/"))
    }

    /// Set `sys.path[0]`, the directory of the script being run (`""` for the current one).
    pub fn with_script_dir(mut self, dir: &str) -> Self {
        self.path = default_path(dir);
        self
    }

    /// Set `sys.argv`.
    pub fn with_argv(mut self, argv: Vec<String>) -> Self {
        self.argv = argv;
        self
    }
}

/// `sys.path` as MicroPython's unix port makes it: the script's directory, then
/// `MICROPYPATH` (`:`-separated) or the default library folders.
pub fn default_path(script_dir: &str) -> Vec<String> {
    let mut path = vec![String::from(script_dir)];
    match std::env::var("MICROPYPATH") {
        Ok(p) => path.extend(p.split(':').map(String::from)),
        Err(_) => {
            path.push(String::from(".frozen"));
            if let Ok(home) = std::env::var("HOME") {
                path.push(format!("{home}/.micropython/lib"));
            }
            path.push(String::from("/usr/lib/micropython"));
        }
    }
    path
}

impl HostPlatform {
    fn emit(&mut self, bytes: &[u8], cook: bool) {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        // Output is best effort: a host that went away must not stop the program.
        let _ = if cook {
            let mut cooked = Vec::with_capacity(bytes.len() + 8);
            crate::repl::cook_into(bytes, &mut cooked);
            out.write_all(&cooked)
        } else {
            out.write_all(bytes)
        };
        let _ = out.flush();
    }
}

impl Platform for HostPlatform {
    fn write_stdout(&mut self, bytes: &[u8]) {
        self.emit(bytes, self.cook);
    }

    fn write_stdout_raw(&mut self, bytes: &[u8]) {
        self.emit(bytes, false);
    }

    fn write_stderr(&mut self, bytes: &[u8]) {
        match self.input {
            // The script runner has a separate stderr, as MicroPython's unix port.
            Input::Process => {
                let _ = io::stderr().write_all(bytes);
            }
            Input::Board(_) => self.emit(bytes, self.cook),
        }
    }

    fn read_stdin(&mut self, buf: &mut [u8]) -> usize {
        match &self.input {
            Input::Process => io::stdin().read(buf).unwrap_or(0),
            Input::Board(console) => console.read(buf),
        }
    }

    /// On a board, `input()` echoes what is typed, as MicroPython's line reader does:
    /// backspace rubs out, Enter (`\r`, `\n` or `\r\n`) ends the line.
    fn read_line(&mut self) -> Option<String> {
        let Input::Board(console) = &self.input else {
            let mut line = String::new();
            return match io::stdin().read_line(&mut line) {
                Ok(0) | Err(_) => None,
                Ok(_) => Some(String::from(line.trim_end_matches(['\r', '\n']))),
            };
        };
        let mut input = BoardLine {
            console: console.clone(),
            platform: self,
        };
        crate::board::read_line(&mut input)
    }

    fn stdin_ready(&mut self) -> bool {
        match &self.input {
            Input::Process => false,
            Input::Board(console) => console.ready(),
        }
    }

    fn set_interrupt_char(&mut self, c: i32) {
        if let Input::Board(console) = &self.input {
            console.intr_char.store(c, Ordering::Relaxed);
        }
    }

    fn interrupt_requested(&mut self) -> bool {
        let flag = match &self.input {
            Input::Process => &*self.interrupt,
            Input::Board(console) => &console.interrupt,
        };
        // A plain load first: this is polled on every call and backward jump.
        flag.load(Ordering::Relaxed) && flag.swap(false, Ordering::Relaxed)
    }

    fn ticks_us(&mut self) -> u64 {
        self.started.elapsed().as_micros() as u64
    }

    fn sleep_us(&mut self, us: u64) {
        std::thread::sleep(std::time::Duration::from_micros(us));
    }

    fn epoch_seconds(&mut self) -> f64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64())
    }

    fn fs(&mut self) -> Option<&mut dyn Filesystem> {
        Some(&mut self.fs)
    }

    fn hardware(&mut self) -> Option<&mut dyn Hardware> {
        Some(&mut self.hw)
    }

    fn initial_cwd(&self) -> String {
        self.cwd.clone()
    }

    fn argv(&self) -> Vec<String> {
        self.argv.clone()
    }

    fn sys_platform(&self) -> &str {
        std::env::consts::OS
    }

    fn uname(&self) -> Uname {
        Uname {
            sysname: String::from(std::env::consts::OS),
            nodename: String::from(std::env::consts::OS),
            release: String::from(env!("CARGO_PKG_VERSION")),
            version: format!("{} on {}", crate::VERSION, env!("COPPERHEAD_BUILD_DATE")),
            machine: self.board.clone(),
        }
    }

    fn module_path(&self) -> Vec<String> {
        self.path.clone()
    }

    fn random_bytes(&mut self, buf: &mut [u8]) {
        if let Ok(mut f) = std::fs::File::open("/dev/urandom")
            && f.read_exact(buf).is_ok()
        {
            return;
        }
        let mut x = self.ticks_us() | 1;
        for b in buf {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
    }
}

/// A board console's line for `input()`: the console's bytes, echoed on the platform's link.
struct BoardLine<'a> {
    console: Arc<Console>,
    platform: &'a mut HostPlatform,
}

impl crate::board::LineInput for BoardLine<'_> {
    fn next_byte(&mut self) -> Option<u8> {
        let mut byte = [0u8];
        (self.console.read(&mut byte) == 1).then_some(byte[0])
    }

    fn take_if(&mut self, byte: u8) -> bool {
        self.console.take_if(byte)
    }

    fn echo(&mut self, bytes: &[u8]) {
        self.platform.write_stdout_raw(bytes);
    }
}

/// What a board is: its name in the banner, the VM's size, and its filesystem.
#[derive(Clone, Debug)]
pub struct BoardOptions {
    pub info: BoardInfo,
    pub config: Config,
    /// The host directory holding the board's files; `None` for the host's own files (the
    /// terminal REPL, like MicroPython's unix port).
    pub fs_dir: Option<std::path::PathBuf>,
    /// Leave [`serve`] on a soft reset instead of restarting the VM (the terminal REPL of
    /// the unix port exits on Ctrl-D, too).
    pub exit_on_reset: bool,
    /// The raw-paste window the board grants; 0 to answer as a board without raw-paste
    /// (for testing tools' fallback to the plain raw REPL).
    pub raw_paste_window: u16,
    /// Panic, as a bug in the VM would, when code to run contains this text (for testing
    /// that the board survives bugs: `--crash-on`).
    pub crash_on: Option<String>,
    /// Where a panic is reported (the link's file descriptor); `None` leaves panics to
    /// Rust's default hook.
    pub report_fd: Option<i32>,
    /// This board is starting again after a crash (see `fatal.rs`).
    pub resume: Option<fatal::Resume>,
}

impl BoardOptions {
    pub fn virtual_board(config: Config, fs_dir: Option<std::path::PathBuf>) -> Self {
        BoardOptions {
            info: BoardInfo {
                version: crate::VERSION,
                build_date: env!("COPPERHEAD_BUILD_DATE"),
                board: String::from("Copperhead virtual board"),
                mcu: String::from(std::env::consts::ARCH),
            },
            config,
            fs_dir,
            exit_on_reset: false,
            raw_paste_window: crate::repl::RAW_PASTE_WINDOW,
            crash_on: None,
            report_fd: None,
            resume: None,
        }
    }
}

/// The host as a [`Port`]: a link, the console queue its reader thread fills, and the
/// board's options.
struct HostPort {
    output: Link,
    console: Arc<Console>,
    options: BoardOptions,
    board_name: String,
}

impl Port for HostPort {
    type Platform = HostPlatform;
    type Error = io::Error;

    fn new_vm(&mut self) -> io::Result<Vm<HostPlatform>> {
        let fs = match &self.options.fs_dir {
            Some(dir) => HostFs::confined(dir)?,
            None => HostFs::host(),
        };
        let mut platform = HostPlatform::board(
            self.output.clone(),
            self.console.clone(),
            fs,
            &self.board_name,
        );
        if self.options.fs_dir.is_none() {
            // The terminal REPL: the host's own files, from the current directory.
            platform.cwd = HostPlatform::process_cwd();
            platform.path = default_path("");
        }
        Ok(Vm::new(platform, self.options.config.clone()))
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut link = self.output.lock().unwrap_or_else(|e| e.into_inner());
        link.write_all(bytes)?;
        link.flush()
    }

    fn unread(&mut self, bytes: &[u8]) {
        self.console.unread(bytes);
    }

    fn running(&mut self, on: bool) {
        if on {
            self.console.start_running();
        } else {
            self.console.running.store(false, Ordering::Relaxed);
        }
    }

    fn doing(&mut self, what: Doing<'_>, raw: bool) {
        if let Some(fd) = self.options.report_fd {
            let (text, running, boot) = match what {
                Doing::Exec(source) => (fatal::running(source), true, false),
                Doing::Boot(name) => (format!("running {name}"), false, true),
                Doing::Complete(text) => (format!("completing {text:?}"), false, false),
                Doing::Background => (
                    String::from("running a timer or pin callback at the prompt"),
                    false,
                    false,
                ),
            };
            fatal::doing(fd, text, raw, running, boot);
        }
        // After the report's context is set, as a bug in the VM would find it.
        if let Doing::Exec(source) = what
            && let Some(text) = &self.options.crash_on
            && source.contains(text.as_str())
        {
            panic!("crash asked for with --crash-on");
        }
    }

    fn idle(&mut self) {
        fatal::idle();
    }
}

/// Serve the board REPL over a byte link until the input ends.
pub fn serve(
    input: impl Read + Send + 'static,
    output: impl Write + Send + 'static,
    options: BoardOptions,
) -> io::Result<()> {
    let console = Console::new();
    console.start_reader(input);
    let resume = options.resume;
    // A panic (a bug) is reported on the link and ends this process, which a supervising
    // parent then starts again (`fatal.rs`).
    if options.report_fd.is_some() {
        fatal::install();
    }
    let mut port = HostPort {
        output: Arc::new(Mutex::new(output)),
        console: console.clone(),
        board_name: format!("{} with {}", options.info.board, options.info.mcu),
        options,
    };
    let info = port.options.info.clone();
    let mut board = Board::new(&mut port, info)?;
    board
        .repl
        .set_raw_paste_window(port.options.raw_paste_window);
    board.exit_on_reset = port.options.exit_on_reset;
    if let Some(resume) = resume {
        board.repl.set_raw(resume.raw);
    }
    // A board's filesystem holds its start-up scripts; the host's files don't (nor are
    // they run again after they crashed the board).
    board.boots = port.options.fs_dir.is_some() && resume.is_none_or(|r| r.boot_files);
    board.boot(&mut port)?;
    if resume.is_some() {
        // Started again after a crash: the old board printed the report and the reboot.
        board.greet(&mut port)?;
    }
    let mut chunk = [0u8; 4096];
    loop {
        // While timers or pin interrupts are set up, they keep firing at the prompt.
        let n = if board.wants_background() {
            match console.read_within(&mut chunk, std::time::Duration::from_millis(2)) {
                Some(n) => n,
                None => {
                    board.background(&mut port);
                    continue;
                }
            }
        } else {
            console.read(&mut chunk)
        };
        if n == 0 {
            return Ok(());
        }
        if board.feed(&mut port, &chunk[..n])? == Flow::Exit {
            return Ok(());
        }
    }
}
