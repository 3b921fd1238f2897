//! Copperhead's VM for the browser: the wasm-bindgen door between JavaScript and the VM.
//!
//! The IDE's simulator worker calls [`run`] with the editor's code and a callback; program
//! output streams to the callback chunk by chunk as the program prints, and an uncaught
//! exception's traceback follows it. The editor calls [`check`] for the first syntax error
//! of its buffer and [`complete`] for what could follow the dotted name being typed. This is
//! the only crate in the workspace that knows JavaScript.

#[cfg(any(target_arch = "wasm32", test))]
mod pools;
mod sim;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: pools::Pools = pools::Pools::new();

use std::cell::RefCell;

use copperhead_vm::compiler;
use copperhead_vm::error::CompileError;
use copperhead_vm::interner::Interner;
use copperhead_vm::memfs::MemFs;
use copperhead_vm::platform::{Filesystem, Hardware};
use copperhead_vm::simhw::SimHardware;
use copperhead_vm::{Config, Mode, Platform, Vm, parser};
use wasm_bindgen::prelude::*;

pub use sim::Simulator;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** The first error of a buffer that does not compile, as `check` reports it. */
export interface CompileProblem {
  /** The exception's class, e.g. `SyntaxError`, `IndentationError`. */
  type: string;
  /** Its message, in MicroPython's wording, e.g. `invalid syntax`. */
  message: string;
  /** The file name given to `check`. */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column (in characters) of the token at fault, or null where it isn't known. */
  column: number | null;
}
"#;

/// Runs `source` as a file named `filename` (e.g. `main.py`, which tracebacks then name),
/// calling `write(text)` with each chunk of output and then with the traceback of an
/// uncaught exception. Returns `true` when the program finished without one (`SystemExit`
/// is a normal end).
#[wasm_bindgen]
pub fn run(
    source: &str,
    filename: &str,
    #[wasm_bindgen(unchecked_param_type = "(text: string) => void")] write: &js_sys::Function,
) -> bool {
    let mut vm = Vm::new(JsConsole::new(write.clone()), Config::default());
    let result = vm.exec(source, filename, Mode::File);
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

/// Compiles `source` (lexes, parses and compiles it; nothing runs) and returns `null` if it
/// compiles, or its first error as a `CompileProblem` (see `TS_TYPES`): the exception's type and
/// message as a board prints them for the same file, its line and, where known, its column.
#[wasm_bindgen(unchecked_return_type = "CompileProblem | null")]
pub fn check(source: &str, filename: &str) -> JsValue {
    let Some(error) = first_error(source) else {
        return JsValue::NULL;
    };
    let problem = js_sys::Object::new();
    let column = error.column.map_or(JsValue::NULL, JsValue::from);
    let fields = [
        ("type", JsValue::from_str(error.kind.name())),
        ("message", JsValue::from_str(&error.message)),
        ("file", JsValue::from_str(filename)),
        ("line", JsValue::from(error.line)),
        ("column", column),
    ];
    for (key, value) in fields {
        // Setting a property of a fresh plain object can't fail.
        let _ = js_sys::Reflect::set(&problem, &JsValue::from_str(key), &value);
    }
    problem.into()
}

/// The first error that stops `source` compiling as a file, if any.
fn first_error(source: &str) -> Option<CompileError> {
    parser::parse(source)
        .and_then(|ast| {
            // A fresh interner each time: names seen in one buffer don't pile up across calls.
            compiler::compile(&ast, Mode::File, &mut Interner::default()).map(drop)
        })
        .err()
}

/// The words that could follow the dotted name at the end of `line_prefix` (the editor's
/// current line up to the cursor), as the REPL's Tab completion offers them: builtins and
/// imported names with no dot, a module's or a class's attributes after one (`machine.`,
/// `machine.Pin.`), module names after `import`. The buffer's top-level imports (`source`)
/// are carried out first, in a VM kept for completion, so `import machine as m` makes `m.`
/// complete; nothing else of the buffer runs. Names starting with `_` only once an `_` is
/// typed; keywords never (the editor has its own).
#[wasm_bindgen(unchecked_return_type = "string[]")]
pub fn complete(source: &str, line_prefix: &str) -> Vec<String> {
    COMPLETER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut completer) => completer
            .get_or_insert_with(Completer::new)
            .complete(source, line_prefix),
        Err(_) => Vec::new(),
    })
}

thread_local! {
    /// The wasm module is single-threaded: one completion VM for the page's editor.
    static COMPLETER: RefCell<Option<Completer>> = const { RefCell::new(None) };
}

/// How many import statements of a buffer [`complete`] carries out, and the longest it
/// considers: enough for any real file, and bounded work for a pathological one.
const MAX_IMPORTS: usize = 64;
const MAX_IMPORT_LEN: usize = 2048;
/// Lines one import statement may span (`from m import (a,\n b)`).
const MAX_IMPORT_LINES: usize = 32;

/// A VM that has run exactly the import statements of the buffer last completed in.
struct Completer {
    vm: Vm<Silent>,
    imports: Vec<String>,
}

impl Completer {
    fn new() -> Self {
        Completer {
            vm: Vm::new(Silent::default(), Config::default()),
            imports: Vec::new(),
        }
    }

    fn complete(&mut self, source: &str, line_prefix: &str) -> Vec<String> {
        let imports = import_statements(source);
        if imports != self.imports {
            // Start again from a fresh VM, so a removed or edited import leaves no name
            // behind; imports change far less often than the editor asks.
            self.vm = Vm::new(Silent::default(), Config::default());
            for statement in &imports {
                if only_imports(statement) {
                    self.vm.platform_mut().polls_left = POLL_BUDGET;
                    // A missing module is the program's problem, not completion's.
                    let _ = self.vm.exec(statement, "<imports>", Mode::File);
                }
            }
            self.imports = imports;
        }
        self.vm.platform_mut().polls_left = POLL_BUDGET;
        let mut words = self.vm.completions(line_prefix);
        // The REPL offers `import` at the start of a line; the editor completes keywords itself.
        words.retain(|w| w != "import");
        words
    }
}

/// The top-level import statements of `source`: each line that starts (at column 0) with
/// `import` or `from` and a space, with the lines it continues onto (inside parentheses or
/// after a trailing backslash).
fn import_statements(source: &str) -> Vec<String> {
    let lines: Vec<&str> = source.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() && found.len() < MAX_IMPORTS {
        if !starts_import(lines[i]) {
            i += 1;
            continue;
        }
        let first = i;
        let mut depth = 0i32;
        loop {
            let (opened, continued) = line_continues(lines[i], depth);
            depth = opened;
            i += 1;
            if !continued || i >= lines.len() || i - first >= MAX_IMPORT_LINES {
                break;
            }
        }
        let statement = lines[first..i].join("\n");
        if statement.len() <= MAX_IMPORT_LEN {
            found.push(statement);
        }
    }
    found
}

fn starts_import(line: &str) -> bool {
    ["import", "from"].iter().any(|keyword| {
        line.strip_prefix(keyword)
            .and_then(|rest| rest.chars().next())
            .is_some_and(char::is_whitespace)
    })
}

/// The parenthesis depth after `line` (starting at `depth`), and whether the statement goes
/// on to the next line. Import statements hold no strings, so a `#` always starts a comment.
fn line_continues(line: &str, mut depth: i32) -> (i32, bool) {
    let code = line.split('#').next().unwrap_or("");
    for c in code.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
    }
    let backslash = code.trim_end().ends_with('\\') && code.len() == line.len();
    (depth, depth > 0 || backslash)
}

/// Does `statement` parse as nothing but import statements? Only those are carried out
/// (`import time; while True: pass` is not).
fn only_imports(statement: &str) -> bool {
    use copperhead_vm::ast::StmtKind;
    let Ok(body) = parser::parse(statement) else {
        return false;
    };
    !body.is_empty()
        && body
            .iter()
            .all(|s| matches!(s.kind, StmtKind::Import(_) | StmtKind::ImportFrom { .. }))
}

/// Interrupt polls an import may take (on calls and backward jumps) before it is stopped:
/// importing a built-in or frozen module takes far fewer.
const POLL_BUDGET: u32 = 100_000;

/// The completion VM's [`Platform`]: no output, no files, no hardware, and a budget of
/// interrupt polls so that no import can run for long.
pub(crate) struct Silent {
    polls_left: u32,
}

impl Default for Silent {
    fn default() -> Self {
        Silent {
            polls_left: POLL_BUDGET,
        }
    }
}

impl Platform for Silent {
    fn write_stdout(&mut self, _bytes: &[u8]) {}

    fn interrupt_requested(&mut self) -> bool {
        match self.polls_left.checked_sub(1) {
            Some(left) => {
                self.polls_left = left;
                false
            }
            None => true,
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
    use super::{Completer, Utf8Tail, first_error, import_statements, only_imports};
    use copperhead_vm::error::ErrKind;

    #[test]
    fn first_errors_with_line_and_column() {
        assert_eq!(first_error("print(1)\nx = [1,\n 2]\n"), None);
        let e = first_error("def f(:\n    pass\n").unwrap();
        assert_eq!(
            (e.kind, e.line, e.column),
            (ErrKind::SyntaxError, 1, Some(7))
        );
        assert_eq!(e.message, "invalid syntax");
        let e = first_error("if x:\n    a = 1\n  b = 2\n").unwrap();
        assert_eq!(e.kind, ErrKind::IndentationError);
        assert_eq!((e.line, e.column), (3, Some(3)));
        // The compiler's errors (after parsing) count too; they know only their line.
        let e = first_error("x = 1\nreturn x\n").unwrap();
        assert_eq!((e.kind, e.line), (ErrKind::SyntaxError, 2));
        assert_eq!(e.message, "'return' outside function");
    }

    #[test]
    fn import_statements_at_column_zero() {
        let source = "import machine\nfrom time import (sleep,\n    sleep_ms)  # x\n\
                      def f():\n    import os\nimported = 1\nfrom\tmath import \\\n  pi\nx = 2\n";
        assert_eq!(
            import_statements(source),
            [
                "import machine",
                "from time import (sleep,\n    sleep_ms)  # x",
                "from\tmath import \\\n  pi"
            ]
        );
        // An unclosed parenthesis takes a bounded number of lines.
        let open = String::from("from m import (\n") + &"a,\n".repeat(1000);
        assert_eq!(import_statements(&open)[0].lines().count(), 32);
        assert!(only_imports("import a, b as c; from d import e"));
        assert!(!only_imports("import time; print(1)"));
        assert!(!only_imports("import time; while True: pass"));
        assert!(!only_imports("import"));
    }

    #[test]
    fn completions_follow_the_buffer_imports() {
        let mut c = Completer::new();
        let source = "import machine\nimport time as t\nwhile True:\n    pass\n";
        let pins = c.complete(source, "led = machine.P");
        assert!(
            pins.contains(&"Pin".into()) && pins.contains(&"PWM".into()),
            "{pins:?}"
        );
        assert!(c.complete(source, "machine.Pin.").contains(&"OUT".into()));
        let sleeps = c.complete(source, "    t.sl");
        assert!(sleeps.contains(&"sleep".into()) && sleeps.contains(&"sleep_ms".into()));
        assert_eq!(c.complete(source, "pri"), ["print"]);
        assert!(!c.complete(source, "imp").contains(&"import".into()));
        // A removed import leaves nothing behind.
        assert_eq!(c.complete("import machine\n", "t.sl"), Vec::<String>::new());
        assert!(c.complete("import nosuchmodule\n", "machine.").is_empty());
        // A statement that is not only imports is not run (it would loop forever).
        assert!(
            c.complete("import time; while True: pass\n", "time.")
                .is_empty()
        );
        assert!(c.complete("", "é.ü").is_empty());
        assert!(c.complete("", &"a.".repeat(100_000)).is_empty());
    }

    #[test]
    fn a_looping_import_is_stopped() {
        let mut c = Completer::new();
        // Only built-in and frozen modules can be imported, and none loops; the budget is
        // what stops one that would, so check it on the VM directly.
        let vm = &mut c.vm;
        vm.platform_mut().polls_left = super::POLL_BUDGET;
        let r = vm.exec(
            "while True:\n    pass\n",
            "<imports>",
            copperhead_vm::Mode::File,
        );
        assert_eq!(r.unwrap_err().type_name, "KeyboardInterrupt");
    }

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
