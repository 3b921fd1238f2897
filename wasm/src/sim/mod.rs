//! The simulator: a whole board (the firmware's board runtime and REPL, a filesystem and
//! simulated hardware) running in a Web Worker.
//!
//! The worker gives the board a [`Link`] (`web/src/simlink.ts`): console output and events go
//! to the page with `postMessage`; what the page sends (typed bytes, Stop, Run, file requests,
//! button presses) arrives as *frames* that [`Link::next`] waits for. With cross-origin
//! isolation the frames come through a ring in a `SharedArrayBuffer` and the wait is
//! `Atomics.wait`, so the board blocks in `input()`, `time.sleep()` and at its prompt like a
//! real one, without spinning, and a running program sees frames at its interrupt polls.
//!
//! A frame is one kind byte and its payload:
//! - `i` bytes typed at the console (the interrupt character interrupts a running program);
//! - `x` Stop: interrupt whatever runs;
//! - `r` Run: `u16` name length, the file name, then the code, run as that file at the prompt;
//! - `f` a file request (see [`files`]), answered at once, even while a program runs;
//! - `h` the outside world: `p` pin level or `a` ADC value, a `u32` pin and a `u32` value;
//! - `H` hard reset: a fresh VM and fresh hardware, as after power-on.

mod files;
mod hardware;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::rc::Rc;

use copperhead_firmware::board::{Board, LineInput, Port};
use copperhead_firmware::repl::{BoardInfo, cook_into};
use copperhead_vm::platform::{Filesystem, Hardware};
use copperhead_vm::{Config, Mode, Platform, Vm};
use wasm_bindgen::prelude::*;

use files::SimFs;
use hardware::{SimHw, World};

#[wasm_bindgen]
extern "C" {
    /// The worker's side of the link to the page (`web/src/simlink.ts`, `WorkerLink`).
    pub type Link;

    /// Console output, as a board sends it down its serial line.
    #[wasm_bindgen(method)]
    fn write(this: &Link, bytes: &[u8]);

    /// The next frame from the page, waiting up to `timeout_ms` (forever if negative).
    #[wasm_bindgen(method)]
    fn next(this: &Link, timeout_ms: f64) -> Option<Vec<u8>>;

    /// Is a frame waiting? (Cheap: polled while programs run.)
    #[wasm_bindgen(method)]
    fn pending(this: &Link) -> bool;

    /// A monotonic clock in milliseconds (`performance.now()`).
    #[wasm_bindgen(method)]
    fn now(this: &Link) -> f64;

    /// An event for the page: its kind, a JSON text and bytes.
    #[wasm_bindgen(method)]
    fn post(this: &Link, kind: &str, json: &str, bytes: &[u8]);
}

/// Interrupt polls between two looks at the link while a program runs.
const POLLS_PER_CHECK: u32 = 1024;
/// The longest a running program's output waits before it is sent, and how much may wait.
const OUTPUT_EVERY_MS: f64 = 20.0;
const OUTPUT_MAX: usize = 16 * 1024;
/// How often the page hears of hardware changes (about 30 times a second) and of files.
const HARDWARE_EVERY_MS: f64 = 33.0;
const FILES_EVERY_MS: f64 = 250.0;
/// Bytes the simulator's filesystem holds.
const FS_CAPACITY: usize = 1 << 20;

/// What [`Simulator::warm_up`] runs: the interpreter's common paths (calls, loops, integer
/// and float arithmetic, attributes, lists, dicts, sets, strings and their formatting,
/// generators, exceptions, sorting), some tens of milliseconds in the baseline tier.
const WARM_UP: &str = "\
class P:
    def __init__(self, x):
        self.x = x
    def step(self, k):
        return self.x * k + 0.5
def gen(n):
    for i in range(n):
        yield i * 1.5
def work(n):
    total = 0
    items = []
    table = {}
    seen = set()
    for i in range(n):
        p = P(i)
        total += int(p.step(3)) % 7
        items.append(i)
        table[i % 16] = str(i)
        seen.add(i % 5)
        try:
            if i % 50 == 0:
                raise ValueError(i)
        except ValueError:
            total += 1
    words = ' '.join(table.values()).split()
    text = '{}:{:.2f}'.format(len(words), sum(gen(20))) + 'x'.upper() + str(items[-1:])
    items.sort(key=lambda v: -v)
    return total + len(text) + len(seen) + max(items) + len(sorted(words))
for _ in range(20):
    work(200)
";

/// Something the page asked for that waits until the board is at its prompt.
enum Request {
    Run { name: String, code: String },
    HardReset,
}

/// The board's state that outlives a VM (a soft reset makes a new one): the console, the
/// filesystem, the hardware and the link.
struct Shared {
    link: Link,
    input: VecDeque<u8>,
    /// A program is running: the interrupt character interrupts it.
    running: bool,
    intr_char: i32,
    waiting: VecDeque<Request>,
    out: Vec<u8>,
    out_sent_at: f64,
    fs: files::Store,
    world: World,
}

/// The interrupt flag, polled on every call and backward jump: a plain cell, not a borrow.
type Flag = Rc<Cell<bool>>;

struct State {
    shared: RefCell<Shared>,
    interrupt: Flag,
}

impl State {
    /// Take in one frame from the page.
    fn receive(&self, frame: &[u8]) {
        let Some((&kind, body)) = frame.split_first() else {
            return;
        };
        let mut s = self.shared.borrow_mut();
        match kind {
            b'i' => {
                for &b in body {
                    if s.running && i32::from(b) == s.intr_char {
                        self.interrupt.set(true);
                        s.input.clear();
                    } else {
                        s.input.push_back(b);
                    }
                }
            }
            b'x' if s.running => self.interrupt.set(true),
            b'r' => {
                let (name, code) = split_name(body);
                s.waiting.push_back(Request::Run { name, code });
            }
            b'f' => {
                let now = s.link.now();
                let Shared { fs, link, .. } = &mut *s;
                fs.serve(body, link, now);
            }
            b'h' => s.world.apply(body),
            b'H' => {
                if s.running {
                    self.interrupt.set(true);
                }
                s.waiting.push_back(Request::HardReset);
            }
            _ => {}
        }
    }

    /// Send what has piled up: output, and hardware and file changes (each no more often
    /// than its period unless `now_all`).
    fn publish(&self, now_all: bool) {
        let mut s = self.shared.borrow_mut();
        let now = s.link.now();
        if !s.out.is_empty() && (now_all || now - s.out_sent_at >= OUTPUT_EVERY_MS) {
            let out = std::mem::take(&mut s.out);
            s.link.write(&out);
            s.out_sent_at = now;
        }
        let Shared {
            world, fs, link, ..
        } = &mut *s;
        world.publish(link, now, if now_all { 0.0 } else { HARDWARE_EVERY_MS });
        fs.publish(link, now, if now_all { 0.0 } else { FILES_EVERY_MS });
    }

    /// Take in every frame that is already waiting.
    fn drain(&self) {
        loop {
            let frame = {
                let s = self.shared.borrow();
                if !s.link.pending() {
                    return;
                }
                s.link.next(0.0)
            };
            match frame {
                Some(frame) => self.receive(&frame),
                None => return,
            }
        }
    }

    /// Wait up to `timeout_ms` (forever if negative) for a frame and take it in; `false` if
    /// none came.
    fn wait(&self, timeout_ms: f64) -> bool {
        self.publish(true);
        let frame = self.shared.borrow().link.next(timeout_ms);
        match frame {
            Some(frame) => {
                self.receive(&frame);
                true
            }
            None => false,
        }
    }

    fn now(&self) -> f64 {
        self.shared.borrow().link.now()
    }
}

/// The VM's view of the simulated board.
pub struct SimPlatform {
    state: Rc<State>,
    interrupt: Flag,
    polls: u32,
    fs: SimFs,
    hw: SimHw,
}

impl SimPlatform {
    fn emit(&mut self, bytes: &[u8], cook: bool) {
        let full = {
            let mut s = self.state.shared.borrow_mut();
            if cook {
                cook_into(bytes, &mut s.out);
            } else {
                s.out.extend_from_slice(bytes);
            }
            s.out.len() >= OUTPUT_MAX
        };
        if full {
            self.state.publish(false);
        }
    }
}

impl Platform for SimPlatform {
    fn write_stdout(&mut self, bytes: &[u8]) {
        self.emit(bytes, true);
    }

    fn write_stdout_raw(&mut self, bytes: &[u8]) {
        self.emit(bytes, false);
    }

    fn read_stdin(&mut self, buf: &mut [u8]) -> usize {
        loop {
            {
                let mut s = self.state.shared.borrow_mut();
                if !s.input.is_empty() {
                    let n = buf.len().min(s.input.len());
                    for (slot, b) in buf.iter_mut().zip(s.input.drain(..n)) {
                        *slot = b;
                    }
                    return n;
                }
            }
            if self.interrupt.get() {
                return 0;
            }
            self.state.wait(-1.0);
        }
    }

    fn read_line(&mut self) -> Option<String> {
        copperhead_firmware::board::read_line(self)
    }

    fn stdin_ready(&mut self) -> bool {
        self.state.drain();
        !self.state.shared.borrow().input.is_empty()
    }

    fn set_interrupt_char(&mut self, c: i32) {
        self.state.shared.borrow_mut().intr_char = c;
    }

    fn interrupt_requested(&mut self) -> bool {
        self.polls = self.polls.wrapping_add(1);
        if self.polls.is_multiple_of(POLLS_PER_CHECK) {
            self.state.drain();
            self.state.publish(false);
        }
        self.interrupt.get() && self.interrupt.replace(false)
    }

    fn ticks_us(&mut self) -> u64 {
        (self.state.now() * 1000.0) as u64
    }

    /// Sleeps on the link, so a frame (Ctrl-C, a button) is taken in at once; the VM sleeps
    /// in slices and checks for an interrupt after each.
    fn sleep_us(&mut self, us: u64) {
        let until = self.state.now() + us as f64 / 1000.0;
        loop {
            let left = until - self.state.now();
            if left <= 0.0 || self.interrupt.get() {
                return;
            }
            self.state.wait(left);
        }
    }

    fn epoch_seconds(&mut self) -> f64 {
        js_sys::Date::now() / 1000.0
    }

    fn fs(&mut self) -> Option<&mut dyn Filesystem> {
        Some(&mut self.fs)
    }

    fn hardware(&mut self) -> Option<&mut dyn Hardware> {
        Some(&mut self.hw)
    }

    fn random_bytes(&mut self, buf: &mut [u8]) {
        for b in buf {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
}

impl LineInput for SimPlatform {
    fn next_byte(&mut self) -> Option<u8> {
        let mut byte = [0u8];
        (self.read_stdin(&mut byte) == 1).then_some(byte[0])
    }

    fn take_if(&mut self, byte: u8) -> bool {
        let mut s = self.state.shared.borrow_mut();
        let here = s.input.front() == Some(&byte);
        if here {
            s.input.pop_front();
        }
        here
    }

    fn echo(&mut self, bytes: &[u8]) {
        self.write_stdout_raw(bytes);
    }
}

/// The simulator as a port of the board runtime.
struct SimPort {
    state: Rc<State>,
    config: Config,
}

impl Port for SimPort {
    type Platform = SimPlatform;
    type Error = Infallible;

    fn new_vm(&mut self) -> Result<Vm<SimPlatform>, Infallible> {
        let platform = SimPlatform {
            state: self.state.clone(),
            interrupt: self.state.interrupt.clone(),
            polls: 0,
            fs: SimFs(self.state.clone()),
            hw: SimHw(self.state.clone()),
        };
        Ok(Vm::new(platform, self.config.clone()))
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), Infallible> {
        self.state.shared.borrow_mut().out.extend_from_slice(bytes);
        self.state.publish(true);
        Ok(())
    }

    fn unread(&mut self, bytes: &[u8]) {
        let mut s = self.state.shared.borrow_mut();
        for &b in bytes.iter().rev() {
            s.input.push_front(b);
        }
    }

    /// As the host's console: an interrupt character typed just before the code started
    /// counts.
    fn running(&mut self, on: bool) {
        let mut s = self.state.shared.borrow_mut();
        s.running = on;
        if !on {
            return;
        }
        self.state.interrupt.set(false);
        let intr = s.intr_char;
        if let Some(at) = s.input.iter().position(|b| i32::from(*b) == intr) {
            s.input.drain(..=at);
            self.state.interrupt.set(true);
        }
    }
}

/// A simulated board: construct it in the worker with the page's link and the files kept
/// from last time, then call [`Simulator::serve`].
#[wasm_bindgen]
pub struct Simulator {
    port: SimPort,
    board: Board<SimPlatform>,
}

#[wasm_bindgen]
impl Simulator {
    /// A board whose filesystem holds `files` (a snapshot as the `files` event sends it).
    #[wasm_bindgen(constructor)]
    pub fn new(link: Link, files: &[u8]) -> Simulator {
        let mut store = files::Store::new(FS_CAPACITY);
        store.restore(files);
        let now = link.now();
        let state = Rc::new(State {
            shared: RefCell::new(Shared {
                link,
                input: VecDeque::new(),
                running: false,
                intr_char: 3,
                waiting: VecDeque::new(),
                out: Vec::new(),
                out_sent_at: now,
                fs: store,
                world: World::new(),
            }),
            interrupt: Rc::new(Cell::new(false)),
        });
        let config = Config::default();
        let about = format!(
            "{{\"version\":{},\"machine\":{},\"heap\":{}}}",
            json_string(copperhead_firmware::VERSION),
            json_string(&format!("{} with {}", info().board, info().mcu)),
            config.heap_size
        );
        state.shared.borrow().link.post("board", &about, &[]);
        let mut port = SimPort { state, config };
        let Ok(board) = Board::new(&mut port, info());
        Simulator { port, board }
    }

    /// Power on: `boot.py`, `main.py`, the banner; then serve the REPL and the page's
    /// requests. Never returns: the page ends the worker.
    pub fn serve(&mut self) {
        let Ok(()) = self.board.boot(&mut self.port);
        let Ok(()) = self.board.greet(&mut self.port);
        self.warm_up();
        loop {
            self.step();
        }
    }

    /// Runs a short program in a VM of its own (nothing of it stays), so that the engine
    /// starts compiling its optimised code for the interpreter now, in the background while
    /// the board waits at its prompt, rather than during the user's first program: engines
    /// start every function in a baseline tier and move it up once it has run a while.
    pub fn warm_up(&self) {
        let mut vm = Vm::new(crate::Silent::default(), Config::default());
        let _ = vm.exec(WARM_UP, "<warm-up>", Mode::File);
    }

    /// Runs `code` as the file `name` at the prompt, as the IDE's Run does (its end goes to
    /// the link as a `ran` event), and returns: for driving the board without a page, as
    /// `bench/simulator.mjs` does under Node.
    pub fn run_file(&mut self, name: &str, code: &str) {
        self.run(name, code);
    }
}

impl Simulator {
    /// One turn of the board's idle loop: typed bytes to the REPL, else a request that was
    /// waiting for the prompt, else wait for the page (briefly, while timers or pin
    /// interrupts are armed).
    fn step(&mut self) {
        let state = self.port.state.clone();
        let typed: Vec<u8> = state.shared.borrow_mut().input.drain(..).collect();
        if !typed.is_empty() {
            let Ok(_) = self.board.feed(&mut self.port, &typed);
            return;
        }
        let request = state.shared.borrow_mut().waiting.pop_front();
        match request {
            Some(Request::Run { name, code }) => self.run(&name, &code),
            Some(Request::HardReset) => self.hard_reset(),
            None => {
                let timeout = if self.board.wants_background() {
                    2.0
                } else {
                    -1.0
                };
                if !state.wait(timeout) && self.board.wants_background() {
                    self.board.background(&mut self.port);
                }
            }
        }
    }

    /// Run a file from the IDE as a board runs a program it is sent: its output goes to the
    /// console; how it ended goes to the page as a `ran` event (`BoardError` in
    /// `web/src/api.ts`, or null), which shows the traceback as for a board's run; then a
    /// fresh prompt.
    fn run(&mut self, name: &str, code: &str) {
        let result = self.board.exec(&mut self.port, code, name, Mode::File);
        let error = match &result {
            Err(e) if !e.is_system_exit() => format!(
                "{{\"type\":{},\"message\":{},\"traceback\":{},\"file\":{},\"line\":{}}}",
                json_string(&e.type_name),
                json_string(&e.message),
                json_string(&e.traceback),
                e.file.as_deref().map_or(String::from("null"), json_string),
                e.line.map_or(String::from("null"), |l| l.to_string()),
            ),
            _ => String::from("null"),
        };
        self.port.state.publish(true);
        self.port
            .state
            .shared
            .borrow()
            .link
            .post("ran", &error, &[]);
        let mut prompt = Vec::new();
        self.board.repl.new_prompt(&mut prompt);
        let Ok(()) = <SimPort as Port>::write(&mut self.port, &prompt);
    }

    /// As power-on: fresh hardware and a fresh VM; the files stay.
    fn hard_reset(&mut self) {
        {
            let mut s = self.port.state.shared.borrow_mut();
            s.world = World::new();
            s.input.clear();
            s.link.post("hardware-reset", "{}", &[]);
        }
        let Ok(()) = self.board.renew_vm(&mut self.port);
        let Ok(()) = self.board.boot(&mut self.port);
        let Ok(()) = self.board.greet(&mut self.port);
    }
}

/// The simulated board's identity in its banner and `os.uname()`.
fn info() -> BoardInfo {
    BoardInfo {
        version: copperhead_firmware::VERSION,
        build_date: copperhead_firmware::BUILD_DATE,
        board: String::from("Copperhead simulator"),
        mcu: String::from("ESP32-C3"),
    }
}

/// `u16` length, a name, then the rest (a Run frame's body).
fn split_name(body: &[u8]) -> (String, String) {
    let len = body
        .get(..2)
        .map_or(0, |b| usize::from(u16::from_le_bytes([b[0], b[1]])));
    let name = body.get(2..2 + len).unwrap_or(&[]);
    let rest = body.get(2 + len..).unwrap_or(&[]);
    (
        String::from_utf8_lossy(name).into_owned(),
        String::from_utf8_lossy(rest).into_owned(),
    )
}

/// `text` as a JSON string literal.
pub(crate) fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    copperhead_vm::quote_json(text, &mut out);
    out
}
