//! Exceptions as the VM carries them: the built-in exception types, compile errors, and
//! raised exceptions with their traceback entries. Rendering follows MicroPython's format.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

/// Declares the built-in exceptions once: each with its parent, parents before children.
macro_rules! exception_kinds {
    ($root:ident, $($kind:ident($parent:ident),)*) => {
        /// The built-in exception types, with MicroPython's hierarchy.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum ErrKind {
            $root,
            $($kind,)*
        }

        impl ErrKind {
            /// Every built-in exception, parents before children.
            pub const ALL: &[ErrKind] = &[ErrKind::$root, $(ErrKind::$kind,)*];

            pub fn name(self) -> &'static str {
                match self {
                    ErrKind::$root => stringify!($root),
                    $(ErrKind::$kind => stringify!($kind),)*
                }
            }

            pub fn parent(self) -> Option<ErrKind> {
                match self {
                    ErrKind::$root => None,
                    $(ErrKind::$kind => Some(ErrKind::$parent),)*
                }
            }
        }
    };
}

exception_kinds! {
    BaseException,
    SystemExit(BaseException),
    KeyboardInterrupt(BaseException),
    GeneratorExit(BaseException),
    Exception(BaseException),
    StopIteration(Exception),
    StopAsyncIteration(Exception),
    ArithmeticError(Exception),
    OverflowError(ArithmeticError),
    ZeroDivisionError(ArithmeticError),
    AssertionError(Exception),
    AttributeError(Exception),
    EOFError(Exception),
    ImportError(Exception),
    LookupError(Exception),
    IndexError(LookupError),
    KeyError(LookupError),
    MemoryError(Exception),
    NameError(Exception),
    OSError(Exception),
    RuntimeError(Exception),
    NotImplementedError(RuntimeError),
    SyntaxError(Exception),
    IndentationError(SyntaxError),
    TypeError(Exception),
    ValueError(Exception),
    UnicodeError(ValueError),
}

impl ErrKind {
    /// `issubclass(self, other)`.
    pub fn is_a(self, other: ErrKind) -> bool {
        let mut k = Some(self);
        while let Some(kind) = k {
            if kind == other {
                return true;
            }
            k = kind.parent();
        }
        false
    }
}

/// A failure to tokenize, parse or compile, before anything runs.
#[derive(Clone, Debug, PartialEq)]
pub struct CompileError {
    pub kind: ErrKind,
    pub message: String,
    pub line: u32,
    /// The 1-based column (in characters) of the token at fault, where it is known: the
    /// lexer's errors and the parser's `invalid syntax` at a token. Tracebacks don't show it
    /// (MicroPython's don't); editors do.
    pub column: Option<u32>,
}

impl CompileError {
    /// Memory ran out while compiling, at `line`.
    pub fn memory(line: u32) -> Self {
        CompileError {
            kind: ErrKind::MemoryError,
            message: "memory allocation failed".into(),
            line,
            column: None,
        }
    }

    pub fn syntax(message: &str, line: u32) -> Self {
        CompileError {
            kind: ErrKind::SyntaxError,
            message: message.into(),
            line,
            column: None,
        }
    }

    pub fn indentation(message: &str, line: u32) -> Self {
        CompileError {
            kind: ErrKind::IndentationError,
            message: message.into(),
            line,
            column: None,
        }
    }

    /// The same error, at `column` of its line.
    pub fn at_column(mut self, column: u32) -> Self {
        self.column = Some(column);
        self
    }

    pub fn too_deep(line: u32) -> Self {
        CompileError {
            kind: ErrKind::RuntimeError,
            message: "maximum recursion depth exceeded".into(),
            line,
            column: None,
        }
    }
}

/// One traceback entry: where a frame was when the exception passed through it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceEntry {
    pub file: String,
    pub line: u32,
    /// `None` for compile errors, which print no `in <scope>`.
    pub scope: Option<String>,
}

/// A raised exception travelling up the Rust call stack.
///
/// Built-in exceptions raised by the VM travel as a kind and a message until Python code
/// catches them; then (or when Python raised an exception object) `value` holds the
/// exception instance and `kind` its nearest built-in class.
#[derive(Clone, Debug, PartialEq)]
pub struct PyErr {
    pub kind: ErrKind,
    /// `None` prints as `Type`; `Some("")` as `Type: ` (MicroPython's KeyboardInterrupt).
    pub message: Option<String>,
    /// Innermost last, as printed.
    pub traceback: Vec<TraceEntry>,
    pub value: Option<crate::value::Value>,
    /// Raised again from an `except` or `finally` of the frame that already recorded it:
    /// that frame adds no second traceback entry.
    pub reraise: bool,
}

impl PyErr {
    pub fn new(kind: ErrKind, message: impl Into<String>) -> Self {
        PyErr {
            kind,
            message: Some(message.into()),
            traceback: Vec::new(),
            value: None,
            reraise: false,
        }
    }

    pub fn bare(kind: ErrKind) -> Self {
        PyErr {
            kind,
            message: None,
            traceback: Vec::new(),
            value: None,
            reraise: false,
        }
    }

    pub fn type_error(message: impl Into<String>) -> Self {
        PyErr::new(ErrKind::TypeError, message)
    }

    pub fn zero_division() -> Self {
        PyErr::new(ErrKind::ZeroDivisionError, "divide by zero")
    }

    /// The whole traceback text, `\n` line ends, as MicroPython prints it.
    pub fn render(&self) -> String {
        let mut s = String::from("Traceback (most recent call last):\n");
        for e in &self.traceback {
            let _ = write!(s, "  File \"{}\", line {}", e.file, e.line);
            if let Some(scope) = &e.scope {
                let _ = write!(s, ", in {scope}");
            }
            s.push('\n');
        }
        s.push_str(self.kind.name());
        if let Some(m) = &self.message {
            s.push_str(": ");
            s.push_str(m);
        }
        s.push('\n');
        s
    }
}
