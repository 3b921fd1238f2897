//! Copperhead's VM for the browser: the wasm-bindgen door between JavaScript and the VM.
//!
//! The IDE's simulator worker calls [`run`] with the editor's code and a callback; program
//! output streams to the callback chunk by chunk as the program prints, and an uncaught
//! exception's traceback follows it. This is the only crate in the workspace that knows
//! JavaScript.

use copperhead_vm::memfs::MemFs;
use copperhead_vm::platform::{Filesystem, Hardware};
use copperhead_vm::simhw::SimHardware;
use copperhead_vm::{Config, Mode, Platform, Vm};
use wasm_bindgen::prelude::*;

/// Runs `source` as a file named `<stdin>`, calling `write(text)` with each chunk of output and
/// then with the traceback of an uncaught exception. Returns `true` when the program finished
/// without one (`SystemExit` is a normal end).
#[wasm_bindgen]
pub fn run(source: &str, write: &js_sys::Function) -> bool {
    let mut vm = Vm::new(JsConsole::new(write.clone()), Config::default());
    let result = vm.exec(source, "<stdin>", Mode::File);
    let console = vm.platform_mut();
    console.flush();
    match result {
        Ok(()) => true,
        // `sys.exit()` ends the program quietly, as on a board.
        Err(exception) if exception.is_system_exit() => true,
        Err(exception) => {
            console.emit(&exception.traceback);
            false
        }
    }
}

/// The simulator's [`Platform`]: stdout goes to a JavaScript callback.
struct JsConsole {
    write: js_sys::Function,
    /// The first bytes of a UTF-8 character whose remaining bytes have not been written yet.
    pending: Utf8Tail,
    /// The simulated board's filesystem.
    fs: MemFs,
    /// The simulated board's peripherals.
    hw: SimHardware,
}

/// Bytes the simulator's filesystem holds.
const FS_CAPACITY: usize = 1 << 20;

impl JsConsole {
    fn new(write: js_sys::Function) -> Self {
        JsConsole {
            write,
            pending: Utf8Tail::default(),
            fs: MemFs::new(FS_CAPACITY),
            hw: SimHardware::new(),
        }
    }

    fn emit(&self, text: &str) {
        if text.is_empty() {
            return;
        }
        // An exception thrown by the callback is the page's problem, not the program's: the
        // program keeps running and its result still decides the return value.
        let _ = self.write.call1(&JsValue::NULL, &JsValue::from_str(text));
    }

    /// Writes out a dangling partial character (as U+FFFD) at the end of the program.
    fn flush(&mut self) {
        let rest = self.pending.take();
        if !rest.is_empty() {
            self.emit(&String::from_utf8_lossy(&rest));
        }
    }
}

impl Platform for JsConsole {
    fn write_stdout(&mut self, bytes: &[u8]) {
        let text = self.pending.decode(bytes);
        self.emit(&text);
    }

    fn fs(&mut self) -> Option<&mut dyn Filesystem> {
        Some(&mut self.fs)
    }

    fn hardware(&mut self) -> Option<&mut dyn Hardware> {
        Some(&mut self.hw)
    }

    /// The page's clock (millisecond resolution).
    fn ticks_us(&mut self) -> u64 {
        (js_sys::Date::now() * 1000.0) as u64
    }

    /// The simulator runs in a worker, where waiting in a loop blocks nothing else.
    fn sleep_us(&mut self, us: u64) {
        let until = js_sys::Date::now() + us as f64 / 1000.0;
        while js_sys::Date::now() < until {}
    }

    fn epoch_seconds(&mut self) -> f64 {
        js_sys::Date::now() / 1000.0
    }
}

/// Decodes a byte stream as UTF-8 across chunk boundaries: a character split between two
/// writes is held back until its last byte arrives.
#[derive(Default)]
struct Utf8Tail {
    bytes: Vec<u8>,
}

impl Utf8Tail {
    fn decode(&mut self, chunk: &[u8]) -> String {
        let mut buf = std::mem::take(&mut self.bytes);
        buf.extend_from_slice(chunk);
        let keep = incomplete_suffix_len(&buf);
        self.bytes = buf.split_off(buf.len() - keep);
        String::from_utf8_lossy(&buf).into_owned()
    }

    fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.bytes)
    }
}

/// Length of a trailing, possibly valid but unfinished UTF-8 sequence at the end of `buf`.
fn incomplete_suffix_len(buf: &[u8]) -> usize {
    // A sequence is at most 4 bytes, so only the last 3 can start an unfinished one.
    for back in 1..=buf.len().min(3) {
        let byte = buf[buf.len() - back];
        if byte & 0xC0 == 0x80 {
            continue; // continuation byte: look further back for the lead byte
        }
        let needed = match byte {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => 1,
        };
        return if needed > back { back } else { 0 };
    }
    0
}

#[cfg(test)]
mod tests {
    use super::Utf8Tail;

    #[test]
    fn split_characters_are_joined() {
        let euro = "€".as_bytes(); // 3 bytes
        let mut tail = Utf8Tail::default();
        assert_eq!(tail.decode(&[b'a', euro[0]]), "a");
        assert_eq!(tail.decode(&euro[1..2]), "");
        assert_eq!(tail.decode(&[euro[2], b'b']), "€b");
        assert!(tail.take().is_empty());
    }

    #[test]
    fn whole_text_passes_through() {
        let mut tail = Utf8Tail::default();
        assert_eq!(tail.decode("héllo\n".as_bytes()), "héllo\n");
        assert_eq!(tail.decode(&[0xFF, b'x']), "\u{FFFD}x");
    }
}
