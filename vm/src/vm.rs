//! The interpreter: [`Interp`] owns a heap, modules, a value stack and a frame stack, and
//! [`Interp::run`] is the loop that executes bytecode over them. [`Vm`] is the typed handle
//! an embedder holds.
//!
//! Python calls do not recurse on the native stack: a call pushes a [`Frame`] and the same
//! loop continues. Native code that calls back into Python (a `key=` function, `__eq__`,
//! `__init__` …) runs a nested loop that stops when its frame returns.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::any::Any;
use core::marker::PhantomData;

use crate::ast::{BinOp, CmpOp};
use crate::bytecode::{Code, NO_KW, Op};
use crate::compiler::{self, Const, Unit};
use crate::error::{CompileError, ErrKind, PyErr, TraceEntry};
use crate::gc::{Heap, Obj, ObjRef};
use crate::interner::Interner;
use crate::interner::Sym;
use crate::objects::class::{Attrs, Module};
use crate::types::Types;
use crate::value::Value;
use crate::{Config, Exception, Mode, Platform, parser};

pub type PResult<T> = Result<T, PyErr>;

/// One Python interpreter, typed by its platform. No global state: several may coexist.
pub struct Vm<P: Platform + 'static> {
    pub(crate) interp: Interp,
    _platform: PhantomData<P>,
}

impl<P: Platform + 'static> Vm<P> {
    pub fn new(platform: P, config: Config) -> Self {
        Vm {
            interp: Interp::new(Box::new(platform), config),
            _platform: PhantomData,
        }
    }

    pub fn platform(&self) -> &P {
        let any: &dyn Any = &*self.interp.platform;
        any.downcast_ref::<P>()
            .expect("the platform given to Vm::new")
    }

    pub fn platform_mut(&mut self) -> &mut P {
        let any: &mut dyn Any = &mut *self.interp.platform;
        any.downcast_mut::<P>()
            .expect("the platform given to Vm::new")
    }

    pub fn config(&self) -> &Config {
        &self.interp.config
    }

    /// Bytes of the GC heap in use and its size.
    pub fn heap_usage(&self) -> (usize, usize) {
        (self.interp.gc.heap.used(), self.interp.gc.heap.limit())
    }

    /// Run a full collection; returns bytes freed.
    pub fn collect(&mut self) -> usize {
        self.interp.collect()
    }

    /// Compile and run `source` in the `__main__` module; `filename` appears in tracebacks
    /// (`<stdin>` for the REPL).
    pub fn exec(&mut self, source: &str, filename: &str, mode: Mode) -> Result<(), Exception> {
        self.interp.exec(source, filename, mode)
    }

    /// Does anything want to run while no program does (a `machine.Timer`, a pin
    /// interrupt, a scheduled callback)? Then the port calls [`Vm::run_background`] while
    /// its REPL waits for input, as a board's REPL keeps servicing them.
    pub fn has_background(&self) -> bool {
        self.interp.mods.machine.active() || !self.interp.mods.scheduled.is_empty()
    }

    /// Fire the timers and pin interrupts that are due and run the scheduled callbacks
    /// (their exceptions are printed, as when a program runs).
    pub fn run_background(&mut self) {
        let base = self.interp.exec.stack.len();
        let depth = self.interp.exec.frames.len();
        let polled = self.interp.poll_machine();
        if let Err(e) = polled {
            let text = self.interp.exception(e).traceback;
            self.interp.platform.write_stdout(text.as_bytes());
        }
        if !self.interp.mods.in_scheduled && !self.interp.mods.scheduled.is_empty() {
            let _ = self.interp.run_scheduled();
        }
        self.interp.exec.stack.truncate(base);
        self.interp.exec.frames.truncate(depth);
        self.interp.gc.temp_roots.clear();
    }

    /// The text of a file of the platform's filesystem (`path` absolute), as a board reads
    /// `boot.py` and `main.py` to run them: `None` if it can't be read.
    pub fn read_file(&mut self, path: &str) -> Option<String> {
        let fs = self.interp.platform.fs()?;
        let mode = crate::platform::OpenMode {
            read: true,
            ..Default::default()
        };
        let fd = fs.open(path, mode).ok()?;
        let mut data = Vec::new();
        let mut chunk = [0u8; 512];
        let complete = loop {
            match fs.read(fd, &mut chunk) {
                Ok(0) => break true,
                Ok(n) => data.extend_from_slice(&chunk[..n]),
                Err(_) => break false,
            }
        };
        let _ = fs.close(fd);
        complete.then(|| String::from_utf8_lossy(&data).into_owned())
    }

    /// Run the function registered with `sys.atexit`, if any (when the program ends).
    pub fn run_atexit(&mut self) -> Result<(), Exception> {
        let f = core::mem::replace(&mut self.interp.mods.atexit, Value::None);
        if f == Value::None {
            return Ok(());
        }
        let base = self.interp.exec.stack.len();
        self.interp.exec.stack.push(f);
        let r = self.interp.call_value(f, &[]);
        self.interp.exec.stack.truncate(base);
        r.map(|_| ()).map_err(|e| self.interp.exception(e))
    }
}

/// A runtime `try` region (see [`Op::SetupExcept`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Block {
    pub target: u32,
    pub stack_len: usize,
    pub handling_len: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FrameKind {
    Normal,
    /// `__init__` run by a class call: its result is dropped and the instance (the first
    /// slot) returned.
    Init,
    /// A generator's frame; yielding or returning stores its state back.
    Generator(ObjRef),
}

#[derive(Debug)]
pub(crate) struct Frame {
    pub code: Rc<Code>,
    pub pc: usize,
    /// Stack index of slot 0; the callee sits at `base - 1`.
    pub base: usize,
    pub module: ObjRef,
    /// Class bodies: the namespace being filled.
    pub ns: Option<ObjRef>,
    pub blocks_base: usize,
    pub handling_base: usize,
    pub kind: FrameKind,
}

/// Traceback entries kept per exception (an exception raised again and again in a loop
/// would otherwise grow without bound).
const MAX_TRACEBACK: usize = 64;

/// Bytes of a bounded system allocator (a board's arena) that Python objects leave free for
/// what the VM allocates without asking: compiled code, its tables, an exception's
/// traceback.
const MEMORY_RESERVE: usize = 12 * 1024;

/// What compiling a statement takes beyond its syntax tree, in bytes per byte of its
/// source, at most (its code, its symbol table; measured on the corpus on a 32-bit
/// target): what must be free beyond [`MEMORY_RESERVE`] before it is compiled.
const COMPILE_BYTES_PER_SOURCE_BYTE: usize = 16;

/// How many callbacks `micropython.schedule` can hold, as on MicroPython.
pub(crate) const SCHEDULE_DEPTH: usize = 4;

/// How a run of the loop ended.
pub(crate) enum Exit {
    Return(Value),
    Yield(Value),
}

/// Interrupt polls after which the interpreter loop returns to [`Interp::run`] and is entered
/// again. Natively this costs nothing that shows; in WebAssembly it is what lets the engine
/// use its optimised code for the loop: engines without on-stack replacement for wasm (V8)
/// switch a function to its optimised tier only on its next call, and a program otherwise
/// runs from its first instruction to its last in one call of the loop.
pub(crate) const SLICE_POLLS: u32 = 1 << 16;

/// A native function: arguments are on the value stack (so they stay GC roots).
pub type NativeFn = fn(&mut Interp, Args) -> PResult<Value>;

/// A native function's table entry. What it accepts is declared here and checked once, in
/// the call path, before the function runs: the number of positional arguments (counting
/// a method's receiver), whether keywords are taken, and for a method of a built-in class
/// the class its receiver must belong to. A function reads its arguments with
/// [`Interp::arg`], which never indexes past them.
#[derive(Clone, Copy)]
pub struct Native {
    pub name: &'static str,
    pub func: NativeFn,
    /// A method of a built-in class: it binds `self` when fetched through an instance.
    /// Free functions (`abs`, `math.sqrt`) don't, even when stored in a class.
    pub method: bool,
    /// Positional arguments taken, receiver included: at least `min`, at most `max`
    /// ([`VARARGS`]: no limit).
    pub min: u8,
    pub max: u8,
    /// Keyword arguments are accepted (the function checks their names).
    pub kw: bool,
    /// The class a method's receiver must be an instance of; set when the method is added
    /// to its class (class methods are class attributes of their own).
    pub owner: Option<crate::gc::ObjRef>,
}

/// No upper bound on the positional arguments of a [`Native`].
pub const VARARGS: u8 = u8::MAX;

/// An unused entry of the table of natives.
impl Default for Native {
    fn default() -> Native {
        Native::new("", |_, _| Ok(Value::None))
    }
}

impl Native {
    /// A function with no declared limits (it checks what it needs itself).
    pub const fn new(name: &'static str, func: NativeFn) -> Native {
        Native {
            name,
            func,
            method: false,
            min: 0,
            max: VARARGS,
            kw: true,
            owner: None,
        }
    }

    /// Takes `min` to `max` positional arguments (a method's receiver counts) and no
    /// keywords.
    pub const fn args(self, min: u8, max: u8) -> Native {
        Native {
            min,
            max,
            kw: false,
            ..self
        }
    }

    /// Takes keyword arguments too (after [`Native::args`]).
    pub const fn kw(self) -> Native {
        Native { kw: true, ..self }
    }
}

/// Where a native call's arguments are on the stack.
#[derive(Clone, Copy, Debug)]
pub struct Args {
    pub start: usize,
    pub len: usize,
    /// Keyword values follow the positional ones; their names are this tuple (or `Undef`).
    pub kwnames: Value,
    pub n_kw: usize,
}

/// The heap and the roots native code adds to the VM's own (its stacks, modules and types).
pub struct GcState {
    pub(crate) heap: Heap,
    /// Extra roots that native code holds while it allocates.
    pub(crate) temp_roots: Vec<Value>,
    /// `micropython.heap_lock()` depth: allocation raises `MemoryError` while locked.
    pub(crate) heap_locked: usize,
    /// `gc.disable()` was called (reported by `gc.isenabled()`).
    pub(crate) gc_disabled: bool,
    /// `gc.threshold`: collect once this many bytes were allocated since the last
    /// collection (while collection is enabled).
    pub(crate) gc_threshold: Option<usize>,
}

/// The running program: the value stack, frames, blocks, the exceptions being handled.
pub struct ExecState {
    /// The value stack of every running frame: all of it is a GC root.
    pub(crate) stack: Vec<Value>,
    pub(crate) frames: Vec<Frame>,
    pub(crate) blocks: Vec<Block>,
    /// Exceptions being handled (innermost last), for bare `raise`.
    pub(crate) handling: Vec<Value>,
    /// Code objects being loaded or run at module level: their constants are GC roots.
    pub(crate) running: Vec<Rc<Code>>,
    /// Depth of nested native → Python runs, bounded like Python recursion.
    pub(crate) native_depth: usize,
    /// The `StopIteration` that ended the last iterator written in Python, so that `next()`
    /// can re-raise it with its value.
    pub(crate) last_stop: Option<PyErr>,
    /// Counts calls and native iteration steps; every so often the interrupt flag is
    /// polled there too, so that Ctrl-C stops recursion and long built-in loops.
    pub(crate) ticks: u32,
    /// Counts interrupt polls; every [`SLICE_POLLS`] the loop takes a slice exit.
    pub(crate) polls: u32,
}

pub struct Interp {
    pub(crate) platform: Box<dyn Platform>,
    pub(crate) config: Config,
    pub(crate) interner: Interner,
    /// The `builtins` module (permanent): names found after a module's globals.
    pub(crate) builtins: ObjRef,
    /// In chunks: the table grows as native modules are imported, and a board's arena
    /// may have no block for the whole table.
    pub(crate) natives: crate::chunked::ChunkedVec<Native, 32>,
    pub(crate) types: Types,
    pub(crate) main: ObjRef,
    /// `sys.modules`: a dict of name → module (permanent, so a root), for modules made from
    /// source (files, frozen code).
    pub(crate) modules: Value,
    /// The built-in modules made so far, and the `u`-prefixed names imported.
    pub(crate) builtin_modules: Vec<(Rc<str>, ObjRef)>,
    /// Strs of names made by [`Interp::name_str`] (permanent objects).
    pub(crate) name_strs: crate::idhash::IdMap<u32, Value>,
    /// Results of attribute lookups along class MROs, by (class, name); cleared whenever a
    /// class's attributes change and at every collection.
    pub(crate) type_cache: core::cell::RefCell<crate::idhash::IdMap<(ObjRef, u32), Option<Value>>>,
    /// The classes made from each [`crate::objects::data::ClassSpec`], by its address.
    pub(crate) data_classes: hashbrown::HashMap<usize, ObjRef>,
    pub(crate) gc: GcState,
    pub(crate) exec: ExecState,
    pub(crate) mods: crate::modules::ModuleState,
}

impl Interp {
    pub fn new(platform: Box<dyn Platform>, config: Config) -> Self {
        let heap = Heap::new(config.heap_size);
        let mut interp = Interp {
            platform,
            config,
            interner: Interner::default(),
            builtins: ObjRef::NULL,
            natives: Default::default(),
            types: Types::placeholder(),
            main: ObjRef::NULL,
            modules: Value::None,
            builtin_modules: Vec::new(),
            name_strs: Default::default(),
            type_cache: Default::default(),
            data_classes: Default::default(),
            gc: GcState {
                heap,
                temp_roots: Vec::new(),
                heap_locked: 0,
                gc_disabled: false,
                gc_threshold: None,
            },
            exec: ExecState {
                stack: Vec::new(),
                frames: Vec::new(),
                blocks: Vec::new(),
                handling: Vec::new(),
                running: Vec::new(),
                native_depth: 0,
                last_stop: None,
                ticks: 0,
                polls: 0,
            },
            mods: crate::modules::ModuleState {
                vfs: Default::default(),
                dupterm: Value::None,
                atexit: Value::None,
                opt_level: 0,
                machine: Default::default(),
                irq_disabled: 0,
                addresses: Default::default(),
                scheduled: Default::default(),
                in_scheduled: false,
                pending_interrupt: false,
                rng: 0x2545_f491_4f6c_dd1d,
            },
        };
        crate::types::init(&mut interp);
        crate::builtins::init(&mut interp);
        let name = Sym::__name__.id();
        let main_name = interp.new_str("__main__");
        let mut attrs = Attrs::default();
        attrs.insert(name, main_name);
        interp.main = interp.alloc_root(Obj::Module(Box::new(Module::new("__main__", attrs))));
        interp.modules =
            Value::Obj(interp.alloc_root(Obj::Dict(Box::new(crate::objects::dict::Dict::new()))));
        // `import __main__` finds the program's module (not listed in `sys.modules`, as on
        // MicroPython).
        interp
            .builtin_modules
            .push((Rc::from("__main__"), interp.main));
        interp.invalidate_type_cache();
        interp
    }

    // ---- the embedder's entry point ----

    pub fn exec(&mut self, source: &str, filename: &str, mode: Mode) -> Result<(), Exception> {
        let base = self.exec.stack.len();
        let depth = self.exec.frames.len();
        // A whole file run in `__main__` is that module's `__file__` (`<stdin>` for code the
        // REPL is given), as on MicroPython.
        let result = match mode {
            Mode::File => self.str_value(filename).map(|name| {
                let key = self.interner.intern("__file__");
                self.module_set(self.main, key, name);
            }),
            _ => Ok(()),
        }
        .and_then(|()| self.run_source(source, filename, mode, self.main));
        self.exec.stack.truncate(base);
        self.exec.frames.truncate(depth);
        self.exec.blocks.clear();
        self.exec.handling.clear();
        self.gc.temp_roots.clear();
        self.exec.native_depth = 0;
        self.gc.heap_locked = 0;
        result.map(|_| ()).map_err(|e| self.exception(e))
    }

    /// Compile `source` and run it as the body of `module`.
    pub(crate) fn run_source(
        &mut self,
        source: &str,
        filename: &str,
        mode: Mode,
        module: ObjRef,
    ) -> PResult<Value> {
        self.run_source_in(source, filename, mode, module, None)
    }

    /// Compile `source` and run it with `globals` (a module or a dict) and, if given, a
    /// separate namespace for its names (a class body's, or the locals dict of `exec`).
    pub(crate) fn run_source_in(
        &mut self,
        source: &str,
        filename: &str,
        mode: Mode,
        module: ObjRef,
        ns: Option<ObjRef>,
    ) -> PResult<Value> {
        let code = self.compile_source(source, filename, mode)?;
        self.run_code_in(code, module, ns)
    }

    /// Compile `source` to code whose constants are in the heap. A syntax error is the
    /// Python exception, with `filename` and the line in its traceback.
    pub(crate) fn compile_source(
        &mut self,
        source: &str,
        filename: &str,
        mode: Mode,
    ) -> PResult<Rc<Code>> {
        let compile_error = |e: CompileError| PyErr {
            kind: e.kind,
            message: Some(e.message),
            traceback: alloc::vec![TraceEntry {
                file: filename.into(),
                line: e.line,
                scope: None,
            }],
            value: None,
            reraise: false,
        };
        // What compiling allocates cannot be refused, so a board's arena is watched as it
        // goes (see `compile`); the garbage is gone first if the arena is already low.
        if self.memory_short(source.len().saturating_mul(COMPILE_BYTES_PER_SOURCE_BYTE)) {
            self.collect();
        }
        let unit = self.compile(source, mode).map_err(compile_error)?;
        let file: Rc<str> = Rc::from(filename);
        self.load(unit, &file)
    }

    /// Compile `source` a top-level statement at a time (see [`compiler::Module`]), each
    /// statement's tree dropped once compiled. On a board the arena is watched at every
    /// token and before each statement is compiled: running short is a `MemoryError`
    /// there, before what compiling allocates (and cannot be refused) could exhaust it.
    fn compile(&mut self, source: &str, mode: Mode) -> Result<compiler::Unit, CompileError> {
        let opt_level = self.mods.opt_level;
        if mode == Mode::Eval {
            let ast = parser::parse(source)?;
            return compiler::compile_at_level(&ast, mode, &mut self.interner, opt_level);
        }
        let mut module = compiler::Module::new(mode, opt_level);
        let (interner, platform) = (&mut self.interner, &mut self.platform);
        let over_budget = self.gc.heap.is_over_budget();
        let mut short = |source_bytes: usize| {
            let need = source_bytes
                .saturating_mul(COMPILE_BYTES_PER_SOURCE_BYTE)
                .saturating_add(MEMORY_RESERVE);
            !over_budget && platform.memory_left().is_some_and(|left| left < need)
        };
        parser::parse_each(source, &mut short, |body| module.add(body, interner))?;
        Ok(module.finish())
    }

    /// Run compiled top-level code as the body of `module` (or with the namespace `ns`).
    pub(crate) fn run_code_in(
        &mut self,
        code: Rc<Code>,
        module: ObjRef,
        ns: Option<ObjRef>,
    ) -> PResult<Value> {
        self.exec.running.push(code.clone());
        // The module body runs as a frame with no slots; the "callee" slot holds None.
        self.exec.stack.push(Value::None);
        let base = self.exec.stack.len();
        self.push_frame(code, base, module, ns, FrameKind::Normal);
        let result = self.run(self.exec.frames.len() - 1);
        self.exec.running.pop();
        match result? {
            Exit::Return(v) | Exit::Yield(v) => Ok(v),
        }
    }

    /// The value of a constant, made in the heap (its parts rooted on the stack meanwhile).
    fn const_value(&mut self, c: &Const) -> PResult<Value> {
        Ok(match c {
            Const::Int(i) => Value::Int(*i),
            Const::Float(f) => Value::Float(*f),
            Const::None => Value::None,
            Const::Bool(b) => Value::Bool(*b),
            Const::Big(b) => self.alloc(Obj::BigInt(b.clone()))?,
            Const::Str(s) => self.alloc(Obj::Str((**s).into()))?,
            Const::Bytes(b) => self.alloc(Obj::Bytes((**b).into()))?,
            Const::Ellipsis => Value::Obj(self.types.ellipsis),
            Const::Imag(f) => self.alloc(Obj::Complex(0.0, *f))?,
            Const::Names(names) => {
                let items: Vec<Const> = names.iter().map(|n| Const::Str(n.clone())).collect();
                self.const_value(&Const::Tuple(items))?
            }
            Const::Tuple(items) => {
                let start = self.exec.stack.len();
                for item in items {
                    let v = self.const_value(item)?;
                    self.exec.stack.push(v);
                }
                // The items stay on the stack (rooted) until the tuple holds them.
                let items: Box<[Value]> = self.exec.stack[start..].into();
                let t = self.alloc(Obj::Tuple(items))?;
                self.exec.stack.truncate(start);
                t
            }
        })
    }

    /// Place a compiled unit's constants in the heap (rooted on the stack while it happens).
    fn load(&mut self, unit: Unit, file: &Rc<str>) -> PResult<Rc<Code>> {
        let base = self.exec.stack.len();
        for c in &unit.consts {
            let v = self.const_value(c)?;
            self.exec.stack.push(v);
        }
        let mut children = Vec::with_capacity(unit.children.len());
        for child in unit.children {
            let code = self.load(child, file)?;
            // Keep the child's constants rooted until the parent holds them.
            self.exec.running.push(code.clone());
            children.push(code);
        }
        for _ in 0..children.len() {
            self.exec.running.pop();
        }
        let consts = self.exec.stack.split_off(base);
        // Kept for as long as the program runs: without the room the vectors grew by.
        let (mut ops, mut lines, mut names) = (unit.ops, unit.lines, unit.names);
        ops.shrink_to_fit();
        lines.shrink_to_fit();
        names.shrink_to_fit();
        Ok(Rc::new(Code {
            name: unit.name,
            file: file.clone(),
            ops,
            lines,
            consts,
            names,
            children,
            shape: unit.shape,
        }))
    }

    /// Render an exception that escaped to the embedder.
    pub(crate) fn exception(&mut self, e: PyErr) -> Exception {
        let (type_name, message) = self.exc_name_and_message(&e);
        // An exception that was never raised has no traceback, and prints without one.
        let entries = self.exc_traceback(&e);
        let mut traceback = String::new();
        if !entries.is_empty() {
            traceback.push_str("Traceback (most recent call last):\n");
        }
        for t in &entries {
            traceback.push_str(&alloc::format!("  File \"{}\", line {}", t.file, t.line));
            if let Some(scope) = &t.scope {
                traceback.push_str(", in ");
                traceback.push_str(scope);
            }
            traceback.push('\n');
        }
        traceback.push_str(&type_name);
        if let Some(m) = &message {
            traceback.push_str(": ");
            traceback.push_str(m);
        }
        traceback.push('\n');
        let innermost = entries.last();
        Exception {
            type_name,
            message: message.clone().unwrap_or_default(),
            traceback,
            file: innermost.map(|t| t.file.clone()),
            line: innermost.map(|t| t.line),
        }
    }

    // ---- the heap ----

    /// Allocate on the GC heap, collecting first if the budget is exhausted. Every value the
    /// caller still needs must be reachable from the roots (normally: on the stack).
    pub(crate) fn alloc(&mut self, obj: Obj) -> PResult<Value> {
        if self.gc.heap_locked > 0 {
            return Err(PyErr::new(
                ErrKind::MemoryError,
                "memory allocation failed, heap is locked",
            ));
        }
        // Stress testing collects wherever a collection could run: not while the program
        // has turned automatic collection off.
        let early = !self.gc.gc_disabled
            && (self.config.gc_stress
                || self
                    .gc
                    .gc_threshold
                    .is_some_and(|t| self.gc.heap.allocated_since_collect() >= t));
        let size = obj.size();
        if early
            || !self.gc.heap.fits(&obj)
            || self.memory_short(size)
            || !self.gc.heap.reserve_slot()
        {
            // The new object's contents are roots too: they may be held nowhere else yet.
            let mark = self.gc.temp_roots.len();
            let mut children = Vec::new();
            obj.trace(&mut |v| children.push(v));
            self.gc.temp_roots.extend(children);
            self.collect();
            self.gc.temp_roots.truncate(mark);
            if self.memory_short(size) {
                return Err(PyErr::new(
                    ErrKind::MemoryError,
                    alloc::format!("memory allocation failed, allocating {size} bytes"),
                ));
            }
        }
        self.gc.heap.alloc(obj).map(Value::Obj).map_err(|_| {
            PyErr::new(
                ErrKind::MemoryError,
                alloc::format!("memory allocation failed, allocating {size} bytes"),
            )
        })
    }

    /// The str of a name (a class's or function's `__name__`), made once and kept, as
    /// MicroPython's interned strings: reading it allocates nothing.
    pub(crate) fn name_str(&mut self, name: &str) -> Value {
        let id = self.interner.intern(name);
        if let Some(v) = self.name_strs.get(&id) {
            return *v;
        }
        let v = Value::Obj(self.alloc_root(Obj::Str(name.into())));
        self.name_strs.insert(id, v);
        v
    }

    /// Run `f` with `keep` rooted: values that must survive the allocations `f` makes (a
    /// collection may run at any of them) though nothing else holds them yet. The roots are
    /// released on every way out of `f`, `?` included. This is how native code roots values.
    pub(crate) fn rooted<R>(&mut self, keep: &[Value], f: impl FnOnce(&mut Self) -> R) -> R {
        let mark = self.gc.temp_roots.len();
        self.gc.temp_roots.extend_from_slice(keep);
        let out = f(self);
        self.gc.temp_roots.truncate(mark);
        out
    }

    /// Change the container `r` in place, growing it by `add` items, within the heap's
    /// budget: room is made first (a collection if the budget is short, with `r` and `keep`
    /// rooted; `MemoryError` if it stays short or the heap is locked), then `change` runs on
    /// the object and the heap accounts for its new size. Every in-place growth of a list,
    /// bytearray, array, dict, set or instance goes through here.
    pub(crate) fn grow<R>(
        &mut self,
        r: ObjRef,
        add: usize,
        keep: &[Value],
        change: impl FnOnce(&mut Obj) -> R,
    ) -> PResult<R> {
        let extra = self.gc.heap.get(r).growth(add);
        if extra > 0 {
            self.rooted(&[Value::Obj(r)], |vm| vm.make_room(extra, keep))?;
            // The budget has room; the allocator may still have no block that large.
            if !self.gc.heap.get_mut(r).try_reserve(add) {
                self.collect_keeping(&[&[Value::Obj(r)], keep]);
                if !self.gc.heap.get_mut(r).try_reserve(add) {
                    return Err(PyErr::new(
                        ErrKind::MemoryError,
                        alloc::format!("memory allocation failed, allocating {extra} bytes"),
                    ));
                }
            }
        }
        let out = change(self.gc.heap.get_mut(r));
        self.gc.heap.resize(r);
        Ok(out)
    }

    /// Make room in the budget before an object grows by `extra` bytes (a list append that
    /// outgrows its capacity, a bytearray extended): collect if it is short; `MemoryError`
    /// if it stays short or the heap is locked. `keep` stays rooted during the collection.
    pub(crate) fn make_room(&mut self, extra: usize, keep: &[Value]) -> PResult<()> {
        if extra == 0 {
            return Ok(());
        }
        if self.gc.heap_locked > 0 {
            return Err(PyErr::new(
                ErrKind::MemoryError,
                "memory allocation failed, heap is locked",
            ));
        }
        if (self.config.gc_stress && !self.gc.gc_disabled)
            || !self.gc.heap.has_room(extra)
            || self.memory_short(extra)
        {
            self.collect_keeping(&[keep]);
        }
        if !self.gc.heap.has_room(extra) || self.memory_short(extra) {
            return Err(PyErr::new(
                ErrKind::MemoryError,
                alloc::format!("memory allocation failed, allocating {extra} bytes"),
            ));
        }
        Ok(())
    }

    /// Before native code makes `size` bytes that it cannot ask for piecemeal (a compiler,
    /// a compressor's tables): a collection if they would eat into the reserve of a board's
    /// arena, and a `MemoryError` if they still would.
    pub(crate) fn ensure_memory(&mut self, size: usize) -> PResult<()> {
        if self.memory_short(size) {
            self.collect();
            if self.memory_short(size) {
                return Err(PyErr::new(
                    ErrKind::MemoryError,
                    alloc::format!("memory allocation failed, allocating {size} bytes"),
                ));
            }
        }
        Ok(())
    }

    /// An empty vector with room for `n` items, made only if they fit above the reserve and
    /// the allocator has a block that large (a board's arena may be free enough in total and
    /// still have no such block): else a `MemoryError`.
    pub(crate) fn try_vec<T>(&mut self, n: usize) -> PResult<Vec<T>> {
        let size = n.saturating_mul(core::mem::size_of::<T>());
        self.ensure_memory(size)?;
        let mut v = Vec::new();
        v.try_reserve_exact(n).map_err(|_| {
            PyErr::new(
                ErrKind::MemoryError,
                alloc::format!("memory allocation failed, allocating {size} bytes"),
            )
        })?;
        Ok(v)
    }

    /// Would `size` more bytes eat into the reserve of the system allocator's arena (see
    /// [`Platform::memory_left`])? Never while the emergency exception is being made.
    pub(crate) fn memory_short(&mut self, size: usize) -> bool {
        !self.gc.heap.is_over_budget()
            && self
                .platform
                .memory_left()
                .is_some_and(|left| left < size.saturating_add(MEMORY_RESERVE))
    }

    /// Allocate an object that lives as long as the VM (types, modules).
    pub(crate) fn alloc_root(&mut self, obj: Obj) -> ObjRef {
        match self.gc.heap.alloc_permanent(obj) {
            Value::Obj(r) => r,
            _ => unreachable!("permanent objects are heap objects"),
        }
    }

    /// Run a full collection from the VM's roots; returns bytes freed.
    pub fn collect(&mut self) -> usize {
        self.collect_keeping(&[])
    }

    /// [`Interp::collect`], with the values of `keep` (which may be many: a list's items
    /// on their way into another) kept as well, without copying them anywhere.
    pub(crate) fn collect_keeping(&mut self, keep: &[&[Value]]) -> usize {
        // The big sets of roots are marked where they lie; the rest are gathered first.
        let heap = &mut self.gc.heap;
        for v in keep.iter().flat_map(|k| k.iter()) {
            heap.mark(*v);
        }
        for v in self.exec.stack.iter().chain(&self.exec.handling) {
            heap.mark(*v);
        }
        for v in &self.gc.temp_roots {
            heap.mark(*v);
        }
        for f in &self.exec.frames {
            f.code.trace(&mut |v| heap.mark(v));
            heap.mark(Value::Obj(f.module));
            if let Some(ns) = f.ns {
                heap.mark(Value::Obj(ns));
            }
            if let FrameKind::Generator(g) = f.kind {
                heap.mark(Value::Obj(g));
            }
        }
        for c in &self.exec.running {
            c.trace(&mut |v| heap.mark(v));
        }
        let mut roots: Vec<Value> = Vec::with_capacity(64);
        roots.push(self.modules);
        roots.extend(self.builtin_modules.iter().map(|(_, m)| Value::Obj(*m)));
        roots.push(self.mods.dupterm);
        roots.push(self.mods.atexit);
        self.mods.machine.roots(&mut roots);
        for (f, arg) in &self.mods.scheduled {
            roots.push(*f);
            roots.push(*arg);
        }
        self.mods.vfs.roots(&mut roots);
        self.types.roots(&mut roots);
        // Freed class slots may be reused: cached lookups must not outlive them.
        self.invalidate_type_cache();
        let mut finalize = Vec::new();
        let freed = self.gc.heap.collect(roots.into_iter(), &mut finalize);
        self.mods.addresses.sweep(&self.gc.heap);
        for mut d in finalize {
            d.finalize(&mut *self.platform);
        }
        freed
    }

    pub(crate) fn new_str(&mut self, s: &str) -> Value {
        // Short-lived helper for strings the VM makes itself; a failure is a MemoryError
        // that callers on user paths surface through `str_value`.
        self.alloc(Obj::Str(s.into())).unwrap_or(Value::None)
    }

    pub(crate) fn str_value(&mut self, s: &str) -> PResult<Value> {
        self.alloc(Obj::Str(s.into()))
    }

    pub(crate) fn tuple(&mut self, items: Vec<Value>) -> PResult<Value> {
        if items.is_empty() {
            return Ok(Value::Obj(self.types.empty_tuple));
        }
        self.alloc(Obj::Tuple(items.into_boxed_slice()))
    }

    // ---- frames ----

    pub(crate) fn push_frame(
        &mut self,
        code: Rc<Code>,
        base: usize,
        module: ObjRef,
        ns: Option<ObjRef>,
        kind: FrameKind,
    ) {
        self.exec.frames.push(Frame {
            code,
            pc: 0,
            base,
            module,
            ns,
            blocks_base: self.exec.blocks.len(),
            handling_base: self.exec.handling.len(),
            kind,
        });
    }

    fn pop(&mut self) -> Value {
        self.exec.stack.pop().expect("value stack underflow")
    }

    fn top(&self) -> Value {
        *self.exec.stack.last().expect("value stack underflow")
    }

    /// Run frames until the one at index `stop` returns or yields.
    pub(crate) fn run(&mut self, stop: usize) -> PResult<Exit> {
        loop {
            match self.run_inner(stop) {
                // A slice ended at a safe point: go on where it stopped.
                Ok(None) => {}
                Ok(Some(exit)) => return Ok(exit),
                Err(e) => {
                    // Find a handler in the frames above `stop`, or give up.
                    self.handle(e, stop)?;
                }
            }
        }
    }

    /// Route an exception to the innermost handler at or above frame `stop`; `Err` if none.
    /// The one unwinder: every exception, raised by the loop, a native or `generator.throw`,
    /// goes through here.
    pub(crate) fn handle(&mut self, mut e: PyErr, stop: usize) -> PResult<()> {
        loop {
            if self.exec.frames.len() <= stop {
                return Err(e);
            }
            let frame = self.exec.frames.last().expect("a running frame");
            let at = frame.pc.saturating_sub(1);
            if e.reraise {
                e.reraise = false;
            } else if e.traceback.len() < MAX_TRACEBACK {
                e.traceback.insert(
                    0,
                    TraceEntry {
                        file: String::from(&*frame.code.file),
                        line: frame.code.lines.line(at),
                        scope: Some(frame.code.name.clone()),
                    },
                );
            }
            if self.exec.blocks.len() > frame.blocks_base {
                let block = self.exec.blocks.pop().expect("checked");
                self.exec.stack.truncate(block.stack_len);
                self.exec.handling.truncate(block.handling_len);
                let exc = self.materialize(e)?;
                self.exec.stack.push(exc);
                self.exec.handling.push(exc);
                self.exec.frames.last_mut().expect("frame").pc = block.target as usize;
                return Ok(());
            }
            let frame = self.exec.frames.pop().expect("frame");
            self.exec.blocks.truncate(frame.blocks_base);
            self.exec.handling.truncate(frame.handling_base);
            self.exec.stack.truncate(frame.base.saturating_sub(1));
            if let FrameKind::Generator(g) = frame.kind {
                self.generator_finished(g);
            }
            if self.exec.frames.len() <= stop {
                return Err(e);
            }
        }
    }

    /// Poll the interrupt flag every 1024 calls of this (Python calls, native iteration).
    pub(crate) fn tick(&mut self) -> PResult<()> {
        self.exec.ticks = self.exec.ticks.wrapping_add(1);
        if self.exec.ticks & 1023 == 0 {
            return self.check_interrupt();
        }
        Ok(())
    }

    /// The interrupt flag, polled on backward jumps.
    /// Polled on calls, backward jumps and sleeps: Ctrl-C, then callbacks scheduled with
    /// `micropython.schedule`.
    pub(crate) fn check_interrupt(&mut self) -> PResult<()> {
        self.exec.polls = self.exec.polls.wrapping_add(1);
        if self.platform.interrupt_requested() {
            return Err(PyErr::new(ErrKind::KeyboardInterrupt, ""));
        }
        if self.mods.in_scheduled {
            return Ok(());
        }
        if self.mods.machine.active() {
            self.poll_machine()?;
        }
        if self.mods.pending_interrupt {
            // `micropython.schedule(kbd_intr, None)`: a KeyboardInterrupt raised from here.
            self.mods.pending_interrupt = false;
            return Err(PyErr::new(ErrKind::KeyboardInterrupt, ""));
        }
        if !self.mods.scheduled.is_empty() {
            return self.run_scheduled();
        }
        Ok(())
    }

    /// Run the scheduled callbacks, one after the other; one scheduled while they run waits
    /// for the next poll. An exception from a callback is printed, with its traceback, and
    /// the program goes on (as MicroPython's scheduler does).
    pub(crate) fn run_scheduled(&mut self) -> PResult<()> {
        self.mods.in_scheduled = true;
        let n = self.mods.scheduled.len();
        for _ in 0..n {
            let Some((f, arg)) = self.mods.scheduled.pop_front() else {
                break;
            };
            let base = self.exec.stack.len();
            self.exec.stack.push(f);
            self.exec.stack.push(arg);
            let result = self.call_value(f, &[arg]);
            self.exec.stack.truncate(base);
            if let Err(e) = result {
                let text = self.exception(e).traceback;
                self.platform.write_stdout(text.as_bytes());
            }
        }
        self.mods.in_scheduled = false;
        Ok(())
    }

    /// The interpreter loop: `None` when it stepped out at a safe point after
    /// [`SLICE_POLLS`] polls, to be entered again.
    fn run_inner(&mut self, stop: usize) -> PResult<Option<Exit>> {
        let tr_mark = self.gc.temp_roots.len();
        let mut fi = self.exec.frames.len() - 1;
        let mut code = self.exec.frames[fi].code.clone();
        let mut base = self.exec.frames[fi].base;
        let mut pc = self.exec.frames[fi].pc;
        macro_rules! sync {
            () => {
                self.exec.frames[fi].pc = pc;
            };
        }
        macro_rules! reload {
            () => {
                fi = self.exec.frames.len() - 1;
                code = self.exec.frames[fi].code.clone();
                base = self.exec.frames[fi].base;
                pc = self.exec.frames[fi].pc;
            };
        }
        macro_rules! tri {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(e) => {
                        sync!();
                        return Err(e);
                    }
                }
            };
        }
        loop {
            let op = code.ops[pc];
            pc += 1;
            match op {
                Op::LoadConst(i) => self.exec.stack.push(code.consts[i as usize]),
                Op::LoadNone => self.exec.stack.push(Value::None),
                Op::LoadTrue => self.exec.stack.push(Value::Bool(true)),
                Op::LoadFalse => self.exec.stack.push(Value::Bool(false)),
                Op::LoadSmallInt(i) => self.exec.stack.push(Value::Int(i64::from(i))),
                Op::LoadFast(i) => {
                    let v = self.exec.stack[base + i as usize];
                    if v == Value::Undef {
                        sync!();
                        return Err(self.unbound_local(&code, i));
                    }
                    self.exec.stack.push(v);
                }
                Op::StoreFast(i) => {
                    let v = self.pop();
                    self.exec.stack[base + i as usize] = v;
                }
                Op::DeleteFast(i) => {
                    if self.exec.stack[base + i as usize] == Value::Undef {
                        sync!();
                        return Err(self.unbound_local(&code, i));
                    }
                    self.exec.stack[base + i as usize] = Value::Undef;
                }
                Op::LoadDeref(i) => {
                    let cell = self.exec.stack[base + i as usize];
                    let v = match cell {
                        Value::Obj(r) => match self.gc.heap.get(r) {
                            Obj::Cell(v) => *v,
                            _ => Value::Undef,
                        },
                        _ => Value::Undef,
                    };
                    if v == Value::Undef {
                        sync!();
                        return Err(self.unbound_local(&code, i));
                    }
                    self.exec.stack.push(v);
                }
                Op::StoreDeref(i) => {
                    let v = self.pop();
                    if let Value::Obj(r) = self.exec.stack[base + i as usize]
                        && let Obj::Cell(c) = self.gc.heap.get_mut(r)
                    {
                        *c = v;
                    }
                }
                Op::DeleteDeref(i) => {
                    let mut was_bound = false;
                    if let Value::Obj(r) = self.exec.stack[base + i as usize]
                        && let Obj::Cell(c) = self.gc.heap.get_mut(r)
                    {
                        was_bound = *c != Value::Undef;
                        *c = Value::Undef;
                    }
                    if !was_bound {
                        sync!();
                        return Err(self.unbound_local(&code, i));
                    }
                }
                Op::LoadClosure(i) => {
                    let cell = self.exec.stack[base + i as usize];
                    self.exec.stack.push(cell);
                }
                Op::LoadGlobal(i) => {
                    let id = code.names[i as usize];
                    let module = self.exec.frames[fi].module;
                    let v = tri!(self.load_global(module, id));
                    self.exec.stack.push(v);
                }
                Op::StoreGlobal(i) => {
                    let v = self.pop();
                    let module = self.exec.frames[fi].module;
                    self.module_set(module, code.names[i as usize], v);
                }
                Op::DeleteGlobal(i) => {
                    let module = self.exec.frames[fi].module;
                    tri!(self.module_delete(module, code.names[i as usize]));
                }
                Op::LoadName(i) => {
                    let id = code.names[i as usize];
                    let found = self.exec.frames[fi]
                        .ns
                        .and_then(|ns| self.module_get(ns, id));
                    let v = match found {
                        Some(v) => v,
                        None => {
                            let module = self.exec.frames[fi].module;
                            tri!(self.load_global(module, id))
                        }
                    };
                    self.exec.stack.push(v);
                }
                Op::StoreName(i) => {
                    let v = self.pop();
                    let target = self.exec.frames[fi]
                        .ns
                        .unwrap_or(self.exec.frames[fi].module);
                    self.module_set(target, code.names[i as usize], v);
                }
                Op::DeleteName(i) => {
                    let target = self.exec.frames[fi]
                        .ns
                        .unwrap_or(self.exec.frames[fi].module);
                    tri!(self.module_delete(target, code.names[i as usize]));
                }
                Op::LoadAttr(i) => {
                    let o = self.top();
                    sync!();
                    let v = tri!(self.getattr(o, code.names[i as usize]));
                    *self.exec.stack.last_mut().expect("operand") = v;
                }
                Op::StoreAttr(i) => {
                    let n = self.exec.stack.len();
                    let (v, o) = (self.exec.stack[n - 2], self.exec.stack[n - 1]);
                    sync!();
                    tri!(self.setattr(o, code.names[i as usize], v));
                    self.exec.stack.truncate(n - 2);
                }
                Op::DeleteAttr(i) => {
                    let o = self.top();
                    sync!();
                    tri!(self.delattr(o, code.names[i as usize]));
                    self.pop();
                }
                Op::LoadMethod(i) => {
                    let o = self.top();
                    sync!();
                    let (f, this) = tri!(self.load_method(o, code.names[i as usize]));
                    *self.exec.stack.last_mut().expect("operand") = f;
                    self.exec.stack.push(this);
                }
                Op::Subscr => {
                    let n = self.exec.stack.len();
                    let (o, i) = (self.exec.stack[n - 2], self.exec.stack[n - 1]);
                    sync!();
                    let v = tri!(self.getitem(o, i));
                    self.exec.stack.truncate(n - 2);
                    self.exec.stack.push(v);
                }
                Op::StoreSubscr => {
                    let n = self.exec.stack.len();
                    let (v, o, i) = (
                        self.exec.stack[n - 3],
                        self.exec.stack[n - 2],
                        self.exec.stack[n - 1],
                    );
                    sync!();
                    tri!(self.setitem(o, i, v));
                    self.exec.stack.truncate(n - 3);
                }
                Op::DeleteSubscr => {
                    let n = self.exec.stack.len();
                    let (o, i) = (self.exec.stack[n - 2], self.exec.stack[n - 1]);
                    sync!();
                    tri!(self.delitem(o, i));
                    self.exec.stack.truncate(n - 2);
                }
                Op::Pop => {
                    self.pop();
                }
                Op::Dup => {
                    let v = self.top();
                    self.exec.stack.push(v);
                }
                Op::Dup2 => {
                    let n = self.exec.stack.len();
                    let (a, b) = (self.exec.stack[n - 2], self.exec.stack[n - 1]);
                    self.exec.stack.push(a);
                    self.exec.stack.push(b);
                }
                Op::Rot2 => {
                    let n = self.exec.stack.len();
                    self.exec.stack.swap(n - 1, n - 2);
                }
                Op::Rot3 => {
                    let v = self.pop();
                    let n = self.exec.stack.len();
                    self.exec.stack.insert(n - 2, v);
                }
                Op::Binary(op) | Op::InPlace(op) => {
                    let n = self.exec.stack.len();
                    let (a, b) = (self.exec.stack[n - 2], self.exec.stack[n - 1]);
                    let r = match (op, a, b) {
                        (BinOp::Add, Value::Int(x), Value::Int(y))
                            if let Some(r) = x.checked_add(y) =>
                        {
                            Value::Int(r)
                        }
                        (BinOp::Sub, Value::Int(x), Value::Int(y))
                            if let Some(r) = x.checked_sub(y) =>
                        {
                            Value::Int(r)
                        }
                        (BinOp::Mul, Value::Int(x), Value::Int(y))
                            if let Some(r) = x.checked_mul(y) =>
                        {
                            Value::Int(r)
                        }
                        (BinOp::FloorDiv, Value::Int(x), Value::Int(y)) if x >= 0 && y > 0 => {
                            Value::Int(x / y)
                        }
                        (BinOp::Mod, Value::Int(x), Value::Int(y)) if x >= 0 && y > 0 => {
                            Value::Int(x % y)
                        }
                        (BinOp::And, Value::Int(x), Value::Int(y)) => Value::Int(x & y),
                        (BinOp::Or, Value::Int(x), Value::Int(y)) => Value::Int(x | y),
                        (BinOp::Xor, Value::Int(x), Value::Int(y)) => Value::Int(x ^ y),
                        (BinOp::Add, Value::Float(x), Value::Float(y)) => Value::Float(x + y),
                        (BinOp::Sub, Value::Float(x), Value::Float(y)) => Value::Float(x - y),
                        (BinOp::Mul, Value::Float(x), Value::Float(y)) => Value::Float(x * y),
                        (BinOp::TrueDiv, Value::Float(x), Value::Float(y)) if y != 0.0 => {
                            Value::Float(x / y)
                        }
                        (BinOp::Add, Value::Float(x), Value::Int(y)) => Value::Float(x + y as f64),
                        (BinOp::Add, Value::Int(x), Value::Float(y)) => Value::Float(x as f64 + y),
                        (BinOp::Mul, Value::Float(x), Value::Int(y)) => Value::Float(x * y as f64),
                        (BinOp::Mul, Value::Int(x), Value::Float(y)) => Value::Float(x as f64 * y),
                        (BinOp::Sub, Value::Float(x), Value::Int(y)) => Value::Float(x - y as f64),
                        (BinOp::Sub, Value::Int(x), Value::Float(y)) => Value::Float(x as f64 - y),
                        _ => {
                            sync!();
                            let inplace = op_kind(&code.ops[pc - 1]);
                            tri!(self.binary(op, a, b, inplace))
                        }
                    };
                    self.exec.stack.truncate(n - 2);
                    self.exec.stack.push(r);
                }
                Op::Unary(op) => {
                    let a = self.top();
                    sync!();
                    let r = tri!(self.unary(op, a));
                    *self.exec.stack.last_mut().expect("operand") = r;
                }
                Op::Compare(op) => {
                    let n = self.exec.stack.len();
                    let (a, b) = (self.exec.stack[n - 2], self.exec.stack[n - 1]);
                    let r = match (a, b) {
                        // (`in` with an int container is a TypeError, raised by `compare`.)
                        (Value::Int(x), Value::Int(y))
                            if !matches!(op, CmpOp::In | CmpOp::NotIn) =>
                        {
                            crate::runtime::compare_ints(op, x, y)
                        }
                        (Value::Float(x), Value::Float(y))
                            if !matches!(
                                op,
                                CmpOp::In | CmpOp::NotIn | CmpOp::Is | CmpOp::IsNot
                            ) =>
                        {
                            Value::Bool(match op {
                                CmpOp::Lt => x < y,
                                CmpOp::Le => x <= y,
                                CmpOp::Gt => x > y,
                                CmpOp::Ge => x >= y,
                                CmpOp::Eq => x == y,
                                _ => x != y,
                            })
                        }
                        _ => {
                            sync!();
                            tri!(self.compare(op, a, b))
                        }
                    };
                    self.exec.stack.truncate(n - 2);
                    self.exec.stack.push(r);
                }
                Op::Jump(target) => {
                    let back = (target as usize) < pc;
                    if back {
                        tri!(self.check_interrupt());
                    }
                    pc = target as usize;
                    if back && self.exec.polls.is_multiple_of(SLICE_POLLS) {
                        sync!();
                        return Ok(None);
                    }
                }
                Op::PopJumpIfFalse(target) => {
                    let v = self.pop();
                    let t = match v {
                        Value::Bool(b) => b,
                        _ => {
                            sync!();
                            tri!(self.truthy(v))
                        }
                    };
                    if !t {
                        pc = target as usize;
                    }
                }
                Op::PopJumpIfTrue(target) => {
                    let v = self.pop();
                    let t = match v {
                        Value::Bool(b) => b,
                        _ => {
                            sync!();
                            tri!(self.truthy(v))
                        }
                    };
                    if t {
                        pc = target as usize;
                    }
                }
                Op::JumpIfFalseOrPop(target) => {
                    sync!();
                    if tri!(self.truthy(self.top())) {
                        self.pop();
                    } else {
                        pc = target as usize;
                    }
                }
                Op::JumpIfTrueOrPop(target) => {
                    sync!();
                    if tri!(self.truthy(self.top())) {
                        pc = target as usize;
                    } else {
                        self.pop();
                    }
                }
                Op::GetIter => {
                    let o = self.top();
                    sync!();
                    let it = tri!(self.iter(o));
                    *self.exec.stack.last_mut().expect("operand") = it;
                }
                Op::ForStart => {
                    let o = self.top();
                    sync!();
                    let [a, b, c] = tri!(self.for_start(o));
                    *self.exec.stack.last_mut().expect("operand") = a;
                    self.exec.stack.push(b);
                    self.exec.stack.push(c);
                }
                Op::ForRange => {
                    sync!();
                    let n = self.exec.stack.len();
                    let step = tri!(self.int_arg(self.exec.stack[n - 1]));
                    let start = tri!(self.int_arg(self.exec.stack[n - 3]));
                    let stop = tri!(self.int_arg(self.exec.stack[n - 2]));
                    if step == 0 {
                        tri!(Err(PyErr::new(
                            ErrKind::ValueError,
                            "arg 3 must not be zero"
                        )));
                    }
                    self.exec.stack[n - 3] = Value::Int(start);
                    self.exec.stack[n - 2] = Value::Int(stop);
                    self.exec.stack[n - 1] = Value::Int(step);
                }
                Op::ForNext(target) => {
                    let n = self.exec.stack.len();
                    // The common case inline: a range loop.
                    if let [Value::Int(i), Value::Int(stop), Value::Int(step)] =
                        self.exec.stack[n - 3..]
                    {
                        if (step > 0 && i < stop) || (step < 0 && i > stop) {
                            self.exec.stack[n - 3] =
                                Value::Int(i.checked_add(step).unwrap_or(stop));
                            self.exec.stack.push(Value::Int(i));
                        } else {
                            self.exec.stack.truncate(n - 3);
                            pc = target as usize;
                        }
                        continue;
                    }
                    sync!();
                    match tri!(self.for_next(n - 3)) {
                        Some(v) => self.exec.stack.push(v),
                        None => {
                            self.exec.stack.truncate(n - 3);
                            pc = target as usize;
                        }
                    }
                }
                Op::ForIter(target) => {
                    let it = self.top();
                    sync!();
                    match tri!(self.next(it)) {
                        Some(v) => self.exec.stack.push(v),
                        None => {
                            self.pop();
                            pc = target as usize;
                        }
                    }
                }
                Op::BuildTuple(n) => {
                    let start = self.exec.stack.len() - n as usize;
                    let items: Vec<Value> = self.exec.stack[start..].to_vec();
                    let t = tri!(self.tuple(items));
                    self.exec.stack.truncate(start);
                    self.exec.stack.push(t);
                }
                Op::BuildList(n) => {
                    let start = self.exec.stack.len() - n as usize;
                    let items: Vec<Value> = self.exec.stack[start..].to_vec();
                    let l = tri!(self.alloc(Obj::List(items)));
                    self.exec.stack.truncate(start);
                    self.exec.stack.push(l);
                }
                Op::BuildSet(n) => {
                    let start = self.exec.stack.len() - n as usize;
                    let s = tri!(self.new_set(false));
                    self.exec.stack.push(s);
                    for k in start..start + n as usize {
                        let item = self.exec.stack[k];
                        sync!();
                        tri!(self.set_add(s, item));
                    }
                    self.exec.stack.truncate(start);
                    self.exec.stack.push(s);
                }
                Op::BuildMap(n) => {
                    let start = self.exec.stack.len() - 2 * n as usize;
                    let d = tri!(self.new_dict());
                    self.exec.stack.push(d);
                    for k in 0..n as usize {
                        let (key, value) = (
                            self.exec.stack[start + 2 * k],
                            self.exec.stack[start + 2 * k + 1],
                        );
                        sync!();
                        tri!(self.dict_set(d, key, value));
                    }
                    self.exec.stack.truncate(start);
                    self.exec.stack.push(d);
                }
                Op::BuildSlice(n) => {
                    let start = self.exec.stack.len() - n as usize;
                    let (a, b) = (self.exec.stack[start], self.exec.stack[start + 1]);
                    let c = if n == 3 {
                        self.exec.stack[start + 2]
                    } else {
                        Value::None
                    };
                    let s = tri!(self.alloc(Obj::Slice(a, b, c)));
                    self.exec.stack.truncate(start);
                    self.exec.stack.push(s);
                }
                Op::BuildString(n) => {
                    let start = self.exec.stack.len() - n as usize;
                    let mut s = String::new();
                    for k in start..self.exec.stack.len() {
                        if let Some(t) = self.as_str(self.exec.stack[k]) {
                            s.push_str(t);
                        }
                    }
                    let v = tri!(self.str_value(&s));
                    self.exec.stack.truncate(start);
                    self.exec.stack.push(v);
                }
                Op::ListAppend(depth) => {
                    let v = self.pop();
                    let l = self.exec.stack[self.exec.stack.len() - depth as usize];
                    tri!(self.list_append(l, v));
                }
                Op::ListExtend(depth) => {
                    let it = self.top();
                    let l = self.exec.stack[self.exec.stack.len() - 1 - depth as usize];
                    sync!();
                    tri!(self.list_extend(l, it));
                    self.pop();
                }
                Op::SetAdd(depth) => {
                    let v = self.top();
                    let s = self.exec.stack[self.exec.stack.len() - 1 - depth as usize];
                    sync!();
                    tri!(self.set_add(s, v));
                    self.pop();
                }
                Op::SetUpdate(depth) => {
                    let it = self.top();
                    let s = self.exec.stack[self.exec.stack.len() - 1 - depth as usize];
                    sync!();
                    tri!(self.set_update(s, it));
                    self.pop();
                }
                Op::MapAdd(depth) => {
                    let n = self.exec.stack.len();
                    let (v, k) = (self.exec.stack[n - 2], self.exec.stack[n - 1]);
                    let d = self.exec.stack[n - 1 - depth as usize];
                    sync!();
                    tri!(self.dict_set(d, k, v));
                    self.exec.stack.truncate(n - 2);
                }
                Op::MapUpdate(depth) => {
                    let m = self.top();
                    let d = self.exec.stack[self.exec.stack.len() - 1 - depth as usize];
                    sync!();
                    tri!(self.dict_update(d, m));
                    self.pop();
                }
                Op::MapAddKw(depth) => {
                    let n = self.exec.stack.len();
                    let (k, v) = (self.exec.stack[n - 2], self.exec.stack[n - 1]);
                    let d = self.exec.stack[n - 1 - depth as usize];
                    sync!();
                    if tri!(self.dict_get(d, k)).is_some() {
                        let name = tri!(self.str_of(k));
                        tri!(Err(PyErr::type_error(alloc::format!(
                            "function got multiple values for keyword argument '{name}'"
                        ))));
                    }
                    tri!(self.dict_set(d, k, v));
                    self.exec.stack.truncate(n - 2);
                }
                Op::MapUpdateKw(depth) => {
                    let m = self.top();
                    let d = self.exec.stack[self.exec.stack.len() - 1 - depth as usize];
                    sync!();
                    let pairs = tri!(self.dict_items(m));
                    for (k, v) in pairs {
                        if self.as_str(k).is_none() {
                            tri!(Err(PyErr::type_error("keywords must be strings")));
                        }
                        if tri!(self.dict_get(d, k)).is_some() {
                            let name = tri!(self.str_of(k));
                            tri!(Err(PyErr::type_error(alloc::format!(
                                "function got multiple values for keyword argument '{name}'"
                            ))));
                        }
                        tri!(self.dict_set(d, k, v));
                    }
                    self.pop();
                }
                Op::ListToTuple => {
                    let l = self.top();
                    let items = match l {
                        Value::Obj(r) => match self.gc.heap.get(r) {
                            Obj::List(items) => items.clone(),
                            _ => Vec::new(),
                        },
                        _ => Vec::new(),
                    };
                    let t = tri!(self.tuple(items));
                    *self.exec.stack.last_mut().expect("operand") = t;
                }
                Op::UnpackSequence(n) => {
                    let seq = self.top();
                    sync!();
                    let items = tri!(self.unpack(seq, n as usize));
                    self.pop();
                    self.exec.stack.extend(items.into_iter().rev());
                }
                Op::UnpackEx { before, after } => {
                    let seq = self.top();
                    sync!();
                    let items = tri!(self.collect_iterable(seq));
                    let (before, after) = (before as usize, after as usize);
                    if items.len() < before + after {
                        tri!(Err(PyErr::new(
                            ErrKind::ValueError,
                            alloc::format!("need more than {} values to unpack", items.len()),
                        )));
                    }
                    let middle = items[before..items.len() - after].to_vec();
                    let list = tri!(self.alloc(Obj::List(middle)));
                    self.pop();
                    let tail = &items[items.len() - after..];
                    self.exec.stack.extend(tail.iter().rev().copied());
                    self.exec.stack.push(list);
                    self.exec
                        .stack
                        .extend(items[..before].iter().rev().copied());
                }
                Op::FormatValue { conv, spec } => {
                    let spec_v = if spec { Some(self.pop()) } else { None };
                    let v = self.top();
                    sync!();
                    let s = tri!(self.format_value(v, conv, spec_v));
                    *self.exec.stack.last_mut().expect("operand") = s;
                }
                Op::Call { args, kwnames } | Op::CallMethod { args, kwnames } => {
                    let is_method = matches!(op, Op::CallMethod { .. });
                    let (kwv, n_kw) = if kwnames == NO_KW {
                        (Value::Undef, 0)
                    } else {
                        let names = code.consts[kwnames as usize];
                        (names, self.tuple_len(names))
                    };
                    let mut n_args = args as usize;
                    let mut callee_at = self.exec.stack.len() - 1 - n_args - n_kw;
                    if is_method {
                        callee_at -= 1;
                        if self.exec.stack[callee_at + 1] == Value::Undef {
                            self.exec.stack.remove(callee_at + 1);
                        } else {
                            n_args += 1;
                        }
                    }
                    sync!();
                    match tri!(self.call_at(callee_at, n_args, kwv, n_kw)) {
                        Some(v) => {
                            self.exec.stack.truncate(callee_at);
                            self.exec.stack.push(v);
                        }
                        // A Python frame was pushed (and the call polled): a safe point.
                        None if self.exec.polls.is_multiple_of(SLICE_POLLS) => {
                            return Ok(None);
                        }
                        None => {
                            reload!();
                        }
                    }
                }
                Op::CallEx { kwargs } => {
                    let n = self.exec.stack.len();
                    let callee_at = if kwargs { n - 3 } else { n - 2 };
                    let args_t = self.exec.stack[callee_at + 1];
                    let kw = if kwargs {
                        Some(self.exec.stack[callee_at + 2])
                    } else {
                        None
                    };
                    sync!();
                    let pos = tri!(self.collect_iterable(args_t));
                    let mut kw_pairs: Vec<(Value, Value)> = Vec::new();
                    if let Some(d) = kw {
                        kw_pairs = tri!(self.dict_items(d));
                    }
                    // Lay the call out as a plain call: [f a… kv…] with a names tuple.
                    self.exec.stack.truncate(callee_at + 1);
                    self.exec.stack.extend_from_slice(&pos);
                    let mut names = Vec::with_capacity(kw_pairs.len());
                    for (k, v) in &kw_pairs {
                        if self.as_str(*k).is_none() {
                            tri!(Err(PyErr::type_error("keywords must be strings")));
                        }
                        names.push(*k);
                        self.exec.stack.push(*v);
                    }
                    let kwv = if names.is_empty() {
                        Value::Undef
                    } else {
                        self.gc.temp_roots.extend_from_slice(&names);
                        let t = self.tuple(names);
                        self.gc.temp_roots.truncate(tr_mark);
                        tri!(t)
                    };
                    let r = self.rooted(&[kwv], |vm| {
                        vm.call_at(callee_at, pos.len(), kwv, kw_pairs.len())
                    });
                    match tri!(r) {
                        Some(v) => {
                            self.exec.stack.truncate(callee_at);
                            self.exec.stack.push(v);
                        }
                        None => {
                            reload!();
                        }
                    }
                }
                Op::MakeFunction { code: child, flags } => {
                    let child_code = code.children[child as usize].clone();
                    let module = self.exec.frames[fi].module;
                    sync!();
                    let f = tri!(self.make_function(child_code, module, flags));
                    self.exec.stack.push(f);
                }
                Op::MakeClass => {
                    let n = self.exec.stack.len();
                    let (body, name, bases) = (
                        self.exec.stack[n - 3],
                        self.exec.stack[n - 2],
                        self.exec.stack[n - 1],
                    );
                    sync!();
                    let class = tri!(self.class_statement(body, name, bases));
                    self.exec.stack.truncate(n - 3);
                    self.exec.stack.push(class);
                }
                Op::PrintExpr => {
                    let v = self.top();
                    if v != Value::None {
                        sync!();
                        let module = self.exec.frames[fi].module;
                        tri!(self.repl_print(v, module));
                    }
                    self.pop();
                }
                Op::Return => {
                    let v = self.pop();
                    let frame = self.exec.frames.pop().expect("frame");
                    self.exec.blocks.truncate(frame.blocks_base);
                    self.exec.handling.truncate(frame.handling_base);
                    let result = match frame.kind {
                        FrameKind::Init => {
                            if v != Value::None {
                                self.exec.stack.truncate(frame.base - 1);
                                return Err(PyErr::type_error("__init__() should return None"));
                            }
                            self.exec.stack[frame.base]
                        }
                        FrameKind::Generator(g) => {
                            // A generator frame is always the one its resumer runs.
                            self.generator_finished(g);
                            self.exec.stack.truncate(frame.base - 1);
                            return Ok(Some(Exit::Return(v)));
                        }
                        FrameKind::Normal => v,
                    };
                    self.exec.stack.truncate(frame.base - 1);
                    if self.exec.frames.len() <= stop {
                        return Ok(Some(Exit::Return(result)));
                    }
                    self.exec.stack.push(result);
                    reload!();
                }
                Op::Yield => {
                    let v = self.pop();
                    sync!();
                    self.suspend_generator();
                    return Ok(Some(Exit::Yield(v)));
                }
                Op::YieldFrom => {
                    sync!();
                    if let Some(v) = tri!(self.yield_from_step()) {
                        // Stay on this instruction: re-run it when resumed.
                        pc -= 1;
                        sync!();
                        self.suspend_generator();
                        return Ok(Some(Exit::Yield(v)));
                    }
                }
                Op::Raise(n) => {
                    sync!();
                    let e = match n {
                        0 => match self.exec.handling.last() {
                            Some(v) => self.reraise_value(*v),
                            None => {
                                PyErr::new(ErrKind::RuntimeError, "no active exception to reraise")
                            }
                        },
                        1 => {
                            let exc = self.pop();
                            tri!(self.make_raise(exc))
                        }
                        _ => {
                            let cause = self.pop();
                            let exc = self.pop();
                            if cause != Value::None {
                                // As MicroPython: the cause is not kept.
                                self.platform
                                    .write_stdout(b"Warning: exception chaining not supported\n");
                            }
                            tri!(self.make_raise(exc))
                        }
                    };
                    return Err(e);
                }
                Op::SetupExcept(target) | Op::SetupFinally(target) => {
                    self.exec.blocks.push(Block {
                        target,
                        stack_len: self.exec.stack.len(),
                        handling_len: self.exec.handling.len(),
                    });
                }
                Op::PopBlock => {
                    self.exec.blocks.pop();
                }
                Op::PopExcept => {
                    self.pop();
                    self.exec.handling.pop();
                }
                Op::Reraise => {
                    let exc = self.pop();
                    self.exec.handling.pop();
                    sync!();
                    return Err(self.reraise_value(exc));
                }
                Op::ExcMatch => {
                    let n = self.exec.stack.len();
                    let (exc, cls) = (self.exec.stack[n - 2], self.exec.stack[n - 1]);
                    sync!();
                    let m = tri!(self.exception_matches(exc, cls));
                    self.exec.stack.truncate(n - 2);
                    self.exec.stack.push(Value::Bool(m));
                }
                Op::ImportName(i) => {
                    let n = self.exec.stack.len();
                    let (fromlist, level) = (self.exec.stack[n - 2], self.exec.stack[n - 1]);
                    let name = code.names[i as usize];
                    let module = self.exec.frames[fi].module;
                    sync!();
                    let m = tri!(self.import_statement(name, fromlist, level, module));
                    self.exec.stack.truncate(n - 2);
                    self.exec.stack.push(m);
                    reload!();
                }
                Op::ImportFrom(i) => {
                    let m = self.top();
                    sync!();
                    let v = tri!(self.import_from(m, code.names[i as usize]));
                    self.exec.stack.push(v);
                }
                Op::ImportStar => {
                    let m = self.pop();
                    let target = self.exec.frames[fi]
                        .ns
                        .unwrap_or(self.exec.frames[fi].module);
                    sync!();
                    tri!(self.import_star(m, target));
                }
                Op::SetupWith => {
                    let ctx = self.top();
                    sync!();
                    let exit_name = Sym::__exit__.id();
                    let enter_name = Sym::__enter__.id();
                    let exit = tri!(self.getattr(ctx, exit_name));
                    *self.exec.stack.last_mut().expect("operand") = exit;
                    self.exec.stack.push(ctx);
                    let enter = tri!(self.getattr(ctx, enter_name));
                    let r = tri!(self.call_value(enter, &[]));
                    *self.exec.stack.last_mut().expect("operand") = r;
                }
                Op::WithExit => {
                    let exit = self.pop();
                    sync!();
                    tri!(self.call_value(exit, &[Value::None, Value::None, Value::None]));
                }
                Op::WithExcept => {
                    let n = self.exec.stack.len();
                    let (exit, exc) = (self.exec.stack[n - 2], self.exec.stack[n - 1]);
                    sync!();
                    let cls = Value::Obj(self.class_of(exc));
                    let r = tri!(self.call_value(exit, &[cls, exc, Value::None]));
                    let suppress = tri!(self.truthy(r));
                    self.exec.stack[n - 2] = exc;
                    self.exec.stack[n - 1] = Value::Bool(suppress);
                }
                Op::GetAwaitable => {
                    let o = self.top();
                    sync!();
                    let it = tri!(self.awaitable(o));
                    *self.exec.stack.last_mut().expect("operand") = it;
                }
                Op::WithExitCall => {
                    let exit = self.top();
                    sync!();
                    let r = tri!(self.call_value(exit, &[Value::None, Value::None, Value::None]));
                    *self.exec.stack.last_mut().expect("operand") = r;
                }
                Op::WithExceptCall => {
                    let n = self.exec.stack.len();
                    let (exit, exc) = (self.exec.stack[n - 2], self.exec.stack[n - 1]);
                    sync!();
                    let cls = Value::Obj(self.class_of(exc));
                    let r = tri!(self.call_value(exit, &[cls, exc, Value::None]));
                    self.exec.stack[n - 2] = exc;
                    self.exec.stack[n - 1] = r;
                }
                Op::Nop => {}
            }
        }
    }

    fn unbound_local(&self, code: &Code, slot: u32) -> PyErr {
        let _ = (code, slot);
        PyErr::new(
            ErrKind::NameError,
            "local variable referenced before assignment",
        )
    }

    // ---- modules and globals ----

    /// A name in a namespace: a module, a class body, or a dict (the globals or locals
    /// given to `exec`, a module whose `__dict__` was asked for).
    #[inline]
    pub(crate) fn module_get(&self, m: ObjRef, name: u32) -> Option<Value> {
        match self.gc.heap.get(m) {
            Obj::Module(module) if module.dict.is_none() => module.attrs.get(&name).copied(),
            Obj::Class(c) => c.attrs.get(&name).copied(),
            _ => self.namespace_dict_get(m, name),
        }
    }

    /// [`Self::module_get`] in a namespace kept in a dict (rare: off the fast path).
    #[inline(never)]
    fn namespace_dict_get(&self, m: ObjRef, name: u32) -> Option<Value> {
        match self.gc.heap.get(m) {
            Obj::Module(module) => self.dict_name_get(module.dict?, name),
            Obj::Dict(_) => self.dict_name_get(m, name),
            _ => None,
        }
    }

    pub(crate) fn module_set(&mut self, m: ObjRef, name: u32, v: Value) {
        match self.gc.heap.get_mut(m) {
            Obj::Module(module) => match module.dict {
                None => {
                    module.attrs.insert(name, v);
                }
                Some(d) => self.dict_name_set(d, name, v),
            },
            Obj::Class(c) => {
                c.attrs.insert(name, v);
                self.invalidate_type_cache();
            }
            Obj::Dict(_) => self.dict_name_set(m, name, v),
            _ => {}
        }
    }

    pub(crate) fn module_delete(&mut self, m: ObjRef, name: u32) -> PResult<()> {
        let dict = match self.gc.heap.get(m) {
            Obj::Module(module) => module.dict,
            Obj::Dict(_) => Some(m),
            _ => None,
        };
        let removed = match dict {
            Some(d) => self
                .dict_name_pos(d, name)
                .and_then(|pos| match self.gc.heap.get_mut(d) {
                    Obj::Dict(t) => t.remove_at(pos).map(|e| e.value),
                    _ => None,
                }),
            None => match self.gc.heap.get_mut(m) {
                Obj::Module(module) => module.attrs.remove(&name),
                Obj::Class(c) => c.attrs.remove(&name),
                _ => None,
            },
        };
        self.invalidate_type_cache();
        match removed {
            Some(_) => Ok(()),
            None => Err(self.name_error(name)),
        }
    }

    /// Where the str key `name` is in the dict `d` (keys that aren't strs never match).
    fn dict_name_pos(&self, d: ObjRef, name: u32) -> Option<usize> {
        let Obj::Dict(table) = self.gc.heap.get(d) else {
            return None;
        };
        let text = self.interner.name(name);
        table.find_with(crate::runtime::fnv(text.as_bytes()), |k| {
            matches!(k, Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Str(s) if **s == *text))
        })
    }

    fn dict_name_get(&self, d: ObjRef, name: u32) -> Option<Value> {
        let pos = self.dict_name_pos(d, name)?;
        match self.gc.heap.get(d) {
            Obj::Dict(table) => table.entry(pos).map(|e| e.value),
            _ => None,
        }
    }

    /// Store `name` in the dict `d` (its key a permanent str, so storing can't fail).
    fn dict_name_set(&mut self, d: ObjRef, name: u32, v: Value) {
        if let Some(pos) = self.dict_name_pos(d, name) {
            if let Obj::Dict(table) = self.gc.heap.get_mut(d) {
                table.set_value(pos, v);
            }
            return;
        }
        let text = self.interner.name_rc(name);
        let key = self.name_str(&text);
        if let Obj::Dict(table) = self.gc.heap.get_mut(d) {
            table.push(crate::runtime::fnv(text.as_bytes()), key, v);
        }
        self.gc.heap.resize(d);
    }

    /// The names of a module (or class, or namespace dict) with their values.
    pub(crate) fn namespace_items(&mut self, m: ObjRef) -> Vec<(u32, Value)> {
        let dict = match self.gc.heap.get(m) {
            Obj::Module(module) => match module.dict {
                None => return module.attrs.iter().map(|(k, v)| (*k, *v)).collect(),
                Some(d) => d,
            },
            Obj::Class(c) => return c.attrs.iter().map(|(k, v)| (*k, *v)).collect(),
            Obj::Dict(_) => m,
            _ => return Vec::new(),
        };
        let pairs: Vec<(Value, Value)> = match self.gc.heap.get(dict) {
            Obj::Dict(t) => t.iter().map(|e| (e.key, e.value)).collect(),
            _ => Vec::new(),
        };
        let mut out = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            if let Some(text) = self.as_str(k).map(String::from) {
                out.push((self.interner.intern(&text), v));
            }
        }
        out
    }

    /// A module's namespace as a dict. For a module Python code may change, the dict is the
    /// namespace itself from now on (made on first use); for a built-in one, a copy.
    pub(crate) fn module_dict(&mut self, m: ObjRef) -> PResult<Value> {
        match self.gc.heap.get(m) {
            Obj::Dict(_) => return Ok(Value::Obj(m)),
            Obj::Module(module) if module.dict.is_some() => {
                return Ok(Value::Obj(module.dict.expect("checked")));
            }
            _ => {}
        }
        let live = matches!(self.gc.heap.get(m), Obj::Module(module) if !module.readonly);
        let pairs = self.namespace_items(m);
        let d = self.new_dict()?;
        self.gc.temp_roots.push(d);
        let mut filled = Ok(());
        for (k, v) in pairs {
            let text = self.interner.name_rc(k);
            let key = self.name_str(&text);
            filled = self.dict_set(d, key, v);
            if filled.is_err() {
                break;
            }
        }
        self.gc.temp_roots.pop();
        filled?;
        if live && let (Value::Obj(dr), Obj::Module(module)) = (d, self.gc.heap.get_mut(m)) {
            module.attrs = Attrs::default();
            module.dict = Some(dr);
            self.gc.heap.resize(m);
        }
        Ok(d)
    }

    /// What the REPL does with the value of an expression statement: print its repr (unless
    /// it is None) and keep it as `_` in `module`.
    pub(crate) fn repl_print(&mut self, v: Value, module: ObjRef) -> PResult<()> {
        if v == Value::None {
            return Ok(());
        }
        let mut s = self.repr(v)?;
        s.push('\n');
        self.platform.write_stdout(s.as_bytes());
        let underscore = self.interner.intern("_");
        self.module_set(module, underscore, v);
        Ok(())
    }

    pub(crate) fn name_error(&self, name: u32) -> PyErr {
        PyErr::new(
            ErrKind::NameError,
            alloc::format!("name '{}' isn't defined", self.interner.name(name)),
        )
    }

    fn load_global(&self, module: ObjRef, id: u32) -> PResult<Value> {
        if let Some(v) = self.module_get(module, id) {
            return Ok(v);
        }
        match self.module_get(self.builtins, id) {
            Some(v) => Ok(v),
            None => Err(self.name_error(id)),
        }
    }
}

/// Is this op the in-place form?
fn op_kind(op: &Op) -> bool {
    matches!(op, Op::InPlace(_))
}
#[cfg(test)]
mod tests {
    use super::*;

    /// Collects output; raises an interrupt after `interrupt_after` polls.
    #[derive(Default)]
    struct Capture {
        out: String,
        polls: usize,
        interrupt_after: Option<usize>,
        /// What the system allocator has left, as a board's arena says.
        memory_left: Option<usize>,
    }

    impl Platform for Capture {
        fn write_stdout(&mut self, bytes: &[u8]) {
            self.out.push_str(core::str::from_utf8(bytes).unwrap());
        }
        fn interrupt_requested(&mut self) -> bool {
            self.polls += 1;
            self.interrupt_after.is_some_and(|n| self.polls > n)
        }
        fn memory_left(&mut self) -> Option<usize> {
            self.memory_left
        }
    }

    #[test]
    fn an_arena_running_low_is_a_memory_error_before_the_reserve() {
        let mut vm = vm(1024 * 1024);
        vm.exec("small = [1, 2, 3]", "<stdin>", Mode::File).unwrap();
        vm.platform_mut().memory_left = Some(MEMORY_RESERVE + 1000);
        let e = vm
            .exec("x = bytearray(2000)", "<stdin>", Mode::File)
            .unwrap_err();
        assert_eq!(e.type_name, "MemoryError", "{e:?}");
        let e = vm
            .exec("small.extend(range(1000))", "<stdin>", Mode::File)
            .unwrap_err();
        assert_eq!(e.type_name, "MemoryError", "{e:?}");
        vm.exec("y = bytearray(100)", "<stdin>", Mode::File)
            .expect("what fits above the reserve is made");
    }

    fn vm(heap_size: usize) -> Vm<Capture> {
        Vm::new(
            Capture::default(),
            Config {
                heap_size,
                ..Config::default()
            },
        )
    }

    #[test]
    fn runs_and_keeps_globals_between_execs() {
        let mut vm = vm(64 * 1024);
        vm.exec("x = 6\ny = 'a' * 2", "<stdin>", Mode::File)
            .unwrap();
        vm.exec("print(x * 7, y)", "<stdin>", Mode::File).unwrap();
        vm.exec("x + 1", "<stdin>", Mode::Single).unwrap();
        vm.exec("None", "<stdin>", Mode::Single).unwrap();
        assert_eq!(vm.platform().out, "42 aa\n7\n");
    }

    #[test]
    fn exceptions_carry_type_message_and_line() {
        let mut vm = vm(64 * 1024);
        let e = vm
            .exec("a = 1\n\nb = a // 0", "prog.py", Mode::File)
            .unwrap_err();
        assert_eq!(e.type_name, "ZeroDivisionError");
        assert_eq!(e.message, "divide by zero");
        assert_eq!((e.file.as_deref(), e.line), (Some("prog.py"), Some(3)));
        assert_eq!(
            e.traceback,
            "Traceback (most recent call last):\n  File \"prog.py\", line 3, in <module>\nZeroDivisionError: divide by zero\n"
        );
    }

    #[test]
    fn garbage_is_collected_and_a_full_heap_raises_memory_error() {
        let mut vm = vm(32 * 1024);
        // Far more allocation than the heap holds, but little of it live at once.
        vm.exec(
            "i = 0\nwhile i < 2000:\n    s = 'x' * 100\n    i += 1",
            "<stdin>",
            Mode::File,
        )
        .unwrap();
        assert!(vm.heap_usage().0 < 32 * 1024);
        let e = vm
            .exec("s = 'x' * 100000", "<stdin>", Mode::File)
            .unwrap_err();
        assert_eq!(e.type_name, "MemoryError");
        // The VM is still usable afterwards.
        vm.exec("print('alive', s == 'x' * 100)", "<stdin>", Mode::File)
            .unwrap();
        assert_eq!(vm.platform().out, "alive True\n");
    }

    #[test]
    fn interrupt_flag_raises_keyboard_interrupt() {
        let mut vm = vm(64 * 1024);
        vm.platform_mut().interrupt_after = Some(10);
        let e = vm
            .exec("while True:\n    pass", "<stdin>", Mode::File)
            .unwrap_err();
        assert_eq!(e.type_name, "KeyboardInterrupt");
        assert!(e.traceback.ends_with("KeyboardInterrupt: \n"));
    }

    #[test]
    fn two_vms_are_independent() {
        let mut a = vm(64 * 1024);
        let mut b = vm(64 * 1024);
        a.exec("x = 1", "<stdin>", Mode::File).unwrap();
        assert_eq!(
            b.exec("x", "<stdin>", Mode::File).unwrap_err().type_name,
            "NameError"
        );
    }
}
