//! Copperhead's Python VM: source → tokens ([`lexer`]) → syntax tree ([`parser`], [`ast`])
//! → bytecode ([`compiler`], [`bytecode`]) → the interpreter loop ([`Vm`]) over a GC heap
//! ([`gc`]). `no_std` + `alloc`; everything outside the language goes through [`Platform`].
#![no_std]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod args;
pub mod ast;
mod attr;
pub mod builtins;
pub mod bytecode;
mod call;
pub mod chunked;
pub mod compiler;
mod complete;
mod convert;
pub mod error;
mod fmath;
mod format;
mod frozen;
pub mod gc;
mod idhash;
pub mod interner;
pub mod lexer;
pub mod lfsfs;
pub mod memfs;
mod modules;
pub use modules::json::quote_json;
mod num;
pub mod objects;
pub mod parser;
pub mod platform;
mod repr;
mod runtime;
pub mod simhw;
pub mod ssd1306;
pub mod symtable;
mod types;
pub mod value;
mod vm;

/// Base64 with padding, as `binascii.b2a_base64` writes it (without its newline).
pub use modules::binascii::encode_base64;
pub use platform::Platform;

/// The MicroPython version Copperhead answers as (`sys.implementation.version`, the
/// board's banner): the language and library level it implements.
pub const MICROPYTHON_VERSION: (i64, i64, i64) = (1, 24, 0);
pub use compiler::Mode;
pub use vm::Vm;

use alloc::string::String;

/// How the VM is sized.
#[derive(Clone, Debug)]
pub struct Config {
    /// Bytes the GC heap may hold before `MemoryError`.
    pub heap_size: usize,
    /// Python call depth beyond which `RuntimeError: maximum recursion depth exceeded` is raised.
    pub max_depth: usize,
    /// Collect before every allocation: slow, but any value that native code forgets to
    /// root is freed at once, so rooting bugs show up in tests instead of on a board.
    /// (Not while `gc.disable()` is in force, which a program may rely on.)
    pub gc_stress: bool,
    /// Built-in modules this build leaves out, as a smaller board's firmware does (`import`
    /// then looks for them on the filesystem only). Tools' fallbacks are tested with it.
    pub without: alloc::vec::Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            heap_size: 2 * 1024 * 1024,
            max_depth: 200,
            gc_stress: false,
            without: alloc::vec::Vec::new(),
        }
    }
}

/// An exception that escaped the program, rendered as MicroPython prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exception {
    /// The class name, e.g. `ZeroDivisionError`.
    pub type_name: String,
    /// `str()` of the exception, e.g. `divide by zero`.
    pub message: String,
    /// The whole text: `Traceback (most recent call last):\n  File "<stdin>", line 1, in <module>\nZeroDivisionError: divide by zero\n`.
    pub traceback: String,
    /// The file of the innermost frame, if known.
    pub file: Option<String>,
    /// The line of the innermost frame, if known.
    pub line: Option<u32>,
}

impl Exception {
    /// `SystemExit` escaping a REPL program asks the board to soft-reset.
    pub fn is_system_exit(&self) -> bool {
        self.type_name == "SystemExit"
    }
}
