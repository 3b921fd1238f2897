//! `sys`: the interpreter's own module.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::{Obj, ObjRef};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

use crate::MICROPYTHON_VERSION;

impl Interp {
    pub(crate) fn make_sys(&mut self) -> PResult<ObjRef> {
        let m = self.native_module("sys", FUNCTIONS);
        let platform = String::from(self.platform.sys_platform());
        let texts = [
            ("platform", platform.as_str()),
            (
                "version",
                concat!("3.4.0; Copperhead v", env!("CARGO_PKG_VERSION")),
            ),
            ("byteorder", "little"),
            ("ps1", ">>> "),
            ("ps2", "... "),
        ];
        for (name, text) in texts {
            let s = self.str_value(text)?;
            self.set_attr_str(m, name, s);
        }
        let vi = self.tuple(alloc::vec![Value::Int(3), Value::Int(4), Value::Int(0)])?;
        self.set_attr_str(m, "version_info", vi);
        // The largest size the machine's word holds, as MicroPython's `MP_SSIZE_MAX`: 2**31 - 1
        // on a 32-bit board.
        self.set_attr_str(m, "maxsize", Value::Int(isize::MAX as i64));
        self.set_attr_str(m, "modules", self.modules);
        let imp = self.make_implementation()?;
        self.set_attr_str(m, "implementation", imp);
        let path = self.platform.module_path();
        let argv = self.platform.argv();
        for (list_name, items) in [("argv", argv), ("path", path)] {
            let l = self.alloc(Obj::List(Vec::new()))?;
            self.set_attr_str(m, list_name, l);
            for i in items {
                let s = self.str_value(&i)?;
                self.list_append(l, s)?;
            }
        }
        for (name, fd) in [("stdin", 0), ("stdout", 1), ("stderr", 2)] {
            let text = crate::modules::io::console_stream(self, fd, true)?;
            self.set_attr_str(m, name, text);
            let binary = crate::modules::io::console_stream(self, fd, false)?;
            let id = self.interner.intern("buffer");
            self.setattr_plain(text, id, binary)?;
        }
        Ok(m)
    }

    /// `sys.implementation`: Code written for MicroPython tests `name == "micropython"`,
    /// so Copperhead answers as MicroPython does (its own name is in `sys.version` and
    /// `_machine`).
    fn make_implementation(&mut self) -> PResult<Value> {
        let base = self.gc.temp_roots.len();
        let r = (|| {
            let name = self.str_value("micropython")?;
            self.gc.temp_roots.push(name);
            let empty = self.str_value("")?;
            self.gc.temp_roots.push(empty);
            let (a, b, c) = MICROPYTHON_VERSION;
            let version = self.tuple(alloc::vec![
                Value::Int(a),
                Value::Int(b),
                Value::Int(c),
                empty
            ])?;
            self.gc.temp_roots.push(version);
            let machine = alloc::format!(
                "Copperhead v{} on {}",
                env!("CARGO_PKG_VERSION"),
                self.platform.uname().machine
            );
            let machine = self.str_value(&machine)?;
            self.gc.temp_roots.push(machine);
            self.attr_tuple(
                &["name", "version", "_machine", "_mpy"],
                alloc::vec![name, version, machine, Value::Int(0)],
            )
        })();
        self.gc.temp_roots.truncate(base);
        r
    }

    /// The traceback text of an exception object, as MicroPython prints it.
    /// The `SystemExit(*args)` that `sys.exit` raises (a `MemoryError` if it can't be made).
    pub(crate) fn system_exit(&mut self, args: Vec<Value>) -> PyErr {
        let made = self.tuple(args).and_then(|t| {
            let class = self.types.exc(ErrKind::SystemExit);
            self.instantiate_exc(class, t)
        });
        match made {
            Ok(e) => PyErr {
                kind: ErrKind::SystemExit,
                message: None,
                traceback: Vec::new(),
                value: Some(e),
                reraise: false,
            },
            Err(e) => e,
        }
    }

    pub(crate) fn traceback_text(&mut self, exc: Value) -> String {
        let err = self.reraise_value(exc);
        self.exception(err).traceback
    }
}

fn sys_exit(vm: &mut Interp, a: Args) -> PResult<Value> {
    let args = if a.len == 1 {
        alloc::vec![vm.arg(a, 0)]
    } else {
        Vec::new()
    };
    Err(vm.system_exit(args))
}

/// `sys.print_exception(exc, file=sys.stdout)`.
fn print_exception(vm: &mut Interp, a: Args) -> PResult<Value> {
    let exc = vm.arg(a, 0);
    let file = (a.len > 1)
        .then(|| vm.arg(a, 1))
        .or_else(|| vm.kwarg(a, "file"))
        .filter(|f| *f != Value::None);
    if let Some(f) = file {
        let write = vm.interner.intern("write");
        if !vm.is_native_stream(f) && vm.getattr_opt(f, write)?.is_none() {
            return Err(PyErr::new(
                ErrKind::OSError,
                "stream operation not supported",
            ));
        }
    }
    // Anything but an exception prints as its repr.
    let text = if vm.is_exception(exc) {
        vm.traceback_text(exc)
    } else {
        let mut text = vm.repr(exc)?;
        text.push('\n');
        text
    };
    match file {
        Some(f) => vm.stream_write_str(f, &text)?,
        None => vm.platform.write_stdout(text.as_bytes()),
    }
    Ok(Value::None)
}

/// `sys.exc_info()`: `(type, value, None)` of the exception being handled.
fn exc_info(vm: &mut Interp, _a: Args) -> PResult<Value> {
    match vm.exec.handling.last().copied() {
        Some(e) => {
            let class = Value::Obj(vm.class_of(e));
            vm.tuple(alloc::vec![class, e, Value::None])
        }
        None => vm.tuple(alloc::vec![Value::None, Value::None, Value::None]),
    }
}

/// `sys.atexit(func)`: `func` runs when the program ends; returns the previous one.
fn atexit(vm: &mut Interp, a: Args) -> PResult<Value> {
    let f = vm.arg(a, 0);
    Ok(core::mem::replace(&mut vm.mods.atexit, f))
}

pub(super) const FUNCTIONS: &[Native] = &[
    Native::new("exit", sys_exit).args(0, 1),
    Native::new("print_exception", print_exception)
        .args(1, 2)
        .kw(),
    Native::new("exc_info", exc_info).args(0, 0),
    Native::new("atexit", atexit).args(1, 1),
];
