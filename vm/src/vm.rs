//! The interpreter: the [`Vm`] that owns a heap, globals and a value stack, and the loop that
//! runs bytecode over them.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::fmt::Write;

use crate::ast::{BinOp, CmpOp, UnaryOp};
use crate::builtins::{self, Builtin};
use crate::bytecode::{Code, Op};
use crate::compiler::{self, Const, Interner};
use crate::error::{CompileError, ErrKind, PyErr, TraceEntry};
use crate::gc::{Heap, Obj};
use crate::objects::int::{self, Num, NumRef};
use crate::objects::{float, str as strobj};
use crate::value::Value;
use crate::{Config, Exception, Mode, Platform, lexer, parser};

/// One Python interpreter with its own heap and globals. No global state: several may
/// coexist in one process.
pub struct Vm<P: Platform> {
    platform: P,
    config: Config,
    pub(crate) heap: Heap,
    pub(crate) interner: Interner,
    globals: hashbrown::HashMap<u32, Value>,
    builtins: hashbrown::HashMap<u32, Value>,
    /// The value stack of every running frame: all of it is a GC root.
    pub(crate) stack: Vec<Value>,
    /// Code objects being run; their constants are GC roots.
    running: Vec<Rc<Code>>,
}

type PResult<T> = Result<T, PyErr>;

impl<P: Platform> Vm<P> {
    pub fn new(platform: P, config: Config) -> Self {
        let mut interner = Interner::default();
        let mut builtin_names = hashbrown::HashMap::new();
        for (i, b) in builtins::BUILTINS.iter().enumerate() {
            builtin_names.insert(interner.intern(b.name()), Value::Builtin(i as u16));
        }
        let mut globals = hashbrown::HashMap::new();
        let main = interner.intern("__name__");
        let heap = Heap::new(config.heap_size);
        let mut vm = Vm {
            platform,
            config,
            heap,
            interner,
            globals: hashbrown::HashMap::new(),
            builtins: builtin_names,
            stack: Vec::new(),
            running: Vec::new(),
        };
        if let Ok(name) = vm.alloc(Obj::Str("__main__".into())) {
            globals.insert(main, name);
        }
        vm.globals = globals;
        vm
    }

    pub fn platform(&self) -> &P {
        &self.platform
    }

    pub fn platform_mut(&mut self) -> &mut P {
        &mut self.platform
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Bytes of the GC heap in use and its size.
    pub fn heap_usage(&self) -> (usize, usize) {
        (self.heap.used(), self.heap.limit())
    }

    /// Compile and run `source`; `filename` appears in tracebacks (`<stdin>` for the REPL).
    pub fn exec(&mut self, source: &str, filename: &str, mode: Mode) -> Result<(), Exception> {
        let base = self.stack.len();
        let result = self.run_source(source, filename, mode);
        self.stack.truncate(base);
        result.map_err(|e| self.exception(e))
    }

    fn exception(&self, e: PyErr) -> Exception {
        let innermost = e.traceback.last();
        Exception {
            type_name: e.kind.name().into(),
            message: e.message.clone().unwrap_or_default(),
            traceback: e.render(),
            file: innermost.map(|t| t.file.clone()),
            line: innermost.map(|t| t.line),
        }
    }

    fn run_source(&mut self, source: &str, filename: &str, mode: Mode) -> PResult<()> {
        let compile_error = |e: CompileError| PyErr {
            kind: e.kind,
            message: Some(e.message),
            traceback: alloc::vec![TraceEntry {
                file: filename.into(),
                line: e.line,
                scope: None,
            }],
        };
        let tokens = lexer::tokenize(source).map_err(compile_error)?;
        let ast = parser::parse(tokens).map_err(compile_error)?;
        let unit = compiler::compile(&ast, mode, &mut self.interner).map_err(compile_error)?;
        let code = Rc::new(self.load(unit, filename)?);
        self.running.push(code.clone());
        let result = self.run(&code);
        self.running.pop();
        result
    }

    /// Place a compiled unit's constants in the heap, rooted on the stack while it happens.
    fn load(&mut self, unit: compiler::Unit, filename: &str) -> PResult<Code> {
        let base = self.stack.len();
        for c in &unit.consts {
            let v = match c {
                Const::Int(i) => Value::Int(*i),
                Const::Float(f) => Value::Float(*f),
                Const::Big(b) => self.alloc(Obj::BigInt(b.clone()))?,
                Const::Str(s) => self.alloc(Obj::Str((**s).into()))?,
                Const::Bytes(b) => self.alloc(Obj::Bytes((**b).into()))?,
            };
            self.stack.push(v);
        }
        let consts = self.stack.split_off(base);
        Ok(Code {
            name: "<module>".into(),
            file: Rc::from(filename),
            ops: unit.ops,
            lines: unit.lines,
            consts,
            names: unit.names,
        })
    }

    /// Allocate on the GC heap, collecting first if the budget is exhausted. Every value the
    /// caller still needs must be reachable from the roots (normally: still on the stack).
    pub(crate) fn alloc(&mut self, obj: Obj) -> PResult<Value> {
        if !self.heap.fits(&obj) {
            self.collect();
        }
        let size = obj.size();
        self.heap.alloc(obj).map(Value::Obj).map_err(|_| {
            PyErr::new(
                ErrKind::MemoryError,
                alloc::format!("memory allocation failed, allocating {size} bytes"),
            )
        })
    }

    /// Run a full collection from the VM's roots; returns bytes freed.
    pub fn collect(&mut self) -> usize {
        let roots = self
            .stack
            .iter()
            .copied()
            .chain(self.globals.values().copied())
            .chain(self.running.iter().flat_map(|c| c.consts.iter().copied()));
        self.heap.collect(roots)
    }

    fn run(&mut self, code: &Code) -> PResult<()> {
        let mut pc = 0usize;
        let base = self.stack.len();
        macro_rules! tri {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(e) => {
                        self.stack.truncate(base);
                        return Err(traced(e, code, pc - 1));
                    }
                }
            };
        }
        loop {
            let op = code.ops[pc];
            pc += 1;
            match op {
                Op::LoadConst(i) => self.stack.push(code.consts[i as usize]),
                Op::LoadNone => self.stack.push(Value::None),
                Op::LoadTrue => self.stack.push(Value::Bool(true)),
                Op::LoadFalse => self.stack.push(Value::Bool(false)),
                Op::LoadSmallInt(i) => self.stack.push(Value::Int(i64::from(i))),
                Op::LoadName(i) => {
                    let id = code.names[i as usize];
                    let v = match self.globals.get(&id).or_else(|| self.builtins.get(&id)) {
                        Some(v) => *v,
                        None => tri!(Err(PyErr::new(
                            ErrKind::NameError,
                            alloc::format!("name '{}' isn't defined", self.interner.name(id)),
                        ))),
                    };
                    self.stack.push(v);
                }
                Op::StoreName(i) => {
                    let v = self.pop();
                    self.globals.insert(code.names[i as usize], v);
                }
                Op::Pop => {
                    self.pop();
                }
                Op::Dup => {
                    let v = self.top();
                    self.stack.push(v);
                }
                Op::Rot2 => {
                    let n = self.stack.len();
                    self.stack.swap(n - 1, n - 2);
                }
                Op::Rot3 => {
                    let v = self.pop();
                    let n = self.stack.len();
                    self.stack.insert(n - 2, v);
                }
                Op::Binary(op) | Op::InPlace(op) => {
                    let n = self.stack.len();
                    let (a, b) = (self.stack[n - 2], self.stack[n - 1]);
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
                        _ => tri!(self.binary(op, a, b)),
                    };
                    self.stack.truncate(n - 2);
                    self.stack.push(r);
                }
                Op::Unary(op) => {
                    let a = self.top();
                    let r = tri!(self.unary(op, a));
                    *self.stack.last_mut().expect("operand") = r;
                }
                Op::Compare(op) => {
                    let n = self.stack.len();
                    let (a, b) = (self.stack[n - 2], self.stack[n - 1]);
                    let r = tri!(self.compare(op, a, b));
                    self.stack.truncate(n - 2);
                    self.stack.push(Value::Bool(r));
                }
                Op::Jump(target) => {
                    if (target as usize) < pc && self.platform.interrupt_requested() {
                        tri!(Err(PyErr::new(ErrKind::KeyboardInterrupt, "")));
                    }
                    pc = target as usize;
                }
                Op::PopJumpIfFalse(target) => {
                    let v = self.pop();
                    if !self.truthy(v) {
                        pc = target as usize;
                    }
                }
                Op::PopJumpIfTrue(target) => {
                    let v = self.pop();
                    if self.truthy(v) {
                        pc = target as usize;
                    }
                }
                Op::JumpIfFalseOrPop(target) => {
                    if self.truthy(self.top()) {
                        self.pop();
                    } else {
                        pc = target as usize;
                    }
                }
                Op::JumpIfTrueOrPop(target) => {
                    if self.truthy(self.top()) {
                        pc = target as usize;
                    } else {
                        self.pop();
                    }
                }
                Op::Call { args, kwargs } => {
                    let n_args = args as usize;
                    let n_kw = kwargs as usize;
                    let callee_at = self.stack.len() - 1 - n_args - 2 * n_kw;
                    let r = match self.stack[callee_at] {
                        Value::Builtin(id) => {
                            tri!(self.call_builtin(
                                builtins::BUILTINS[id as usize],
                                callee_at + 1,
                                n_args,
                                n_kw
                            ))
                        }
                        other => tri!(Err(PyErr::type_error(alloc::format!(
                            "'{}' object isn't callable",
                            self.type_name(other)
                        )))),
                    };
                    self.stack.truncate(callee_at);
                    self.stack.push(r);
                }
                Op::PrintExpr => {
                    let v = self.top();
                    if v != Value::None {
                        let mut s = String::new();
                        self.write_repr(v, &mut s);
                        s.push('\n');
                        self.platform.write_stdout(s.as_bytes());
                    }
                    self.pop();
                }
                Op::ReturnNone => return Ok(()),
            }
        }
    }

    fn pop(&mut self) -> Value {
        self.stack.pop().expect("value stack underflow")
    }

    fn top(&self) -> Value {
        *self.stack.last().expect("value stack underflow")
    }

    /// A number, if the value is one (`bool` counts as `int`).
    fn num(&self, v: Value) -> Option<NumRef<'_>> {
        match v {
            Value::Int(i) => Some(NumRef::Int(i)),
            Value::Bool(b) => Some(NumRef::Int(i64::from(b))),
            Value::Float(f) => Some(NumRef::Float(f)),
            Value::Obj(r) => match self.heap.get(r) {
                Obj::BigInt(b) => Some(NumRef::Big(b)),
                _ => None,
            },
            _ => None,
        }
    }

    fn num_value(&mut self, n: Num) -> PResult<Value> {
        match n {
            Num::Int(i) => Ok(Value::Int(i)),
            Num::Float(f) => Ok(Value::Float(f)),
            Num::Big(b) => self.alloc(Obj::BigInt(b)),
        }
    }

    /// Text or bytes behind a value, with whether it is `str`.
    fn seq(&self, v: Value) -> Option<(&[u8], bool)> {
        match v {
            Value::Obj(r) => match self.heap.get(r) {
                Obj::Str(s) => Some((s.as_bytes(), true)),
                Obj::Bytes(b) => Some((b, false)),
                _ => None,
            },
            _ => None,
        }
    }

    fn binary(&mut self, op: BinOp, a: Value, b: Value) -> PResult<Value> {
        if let (Some(x), Some(y)) = (self.num(a), self.num(b)) {
            let r = int::arith(op, x, y)?;
            return self.num_value(r);
        }
        let unsupported =
            || PyErr::type_error(int::unsupported(op, self.type_name(a), self.type_name(b)));
        match op {
            BinOp::Add => {
                let (Some((x, sx)), Some((y, sy))) = (self.seq(a), self.seq(b)) else {
                    return Err(unsupported());
                };
                if sx != sy {
                    return Err(unsupported());
                }
                let mut joined = Vec::with_capacity(x.len() + y.len());
                joined.extend_from_slice(x);
                joined.extend_from_slice(y);
                self.alloc(seq_obj(joined, sx))
            }
            BinOp::Mul => {
                let (seq, count) = match (self.seq(a), self.seq(b), a, b) {
                    (Some(s), None, _, Value::Int(n)) => (s, n),
                    (None, Some(s), Value::Int(n), _) => (s, n),
                    (Some(s), None, _, Value::Bool(n)) => (s, i64::from(n)),
                    (None, Some(s), Value::Bool(n), _) => (s, i64::from(n)),
                    _ => return Err(unsupported()),
                };
                let (bytes, is_str) = seq;
                let count = count.max(0) as usize;
                let total = bytes
                    .len()
                    .checked_mul(count)
                    .filter(|t| *t <= self.heap.limit());
                let Some(total) = total else {
                    return Err(PyErr::bare(ErrKind::MemoryError));
                };
                let mut out = Vec::with_capacity(total);
                for _ in 0..count {
                    out.extend_from_slice(bytes);
                }
                self.alloc(seq_obj(out, is_str))
            }
            _ => Err(unsupported()),
        }
    }

    fn unary(&mut self, op: UnaryOp, a: Value) -> PResult<Value> {
        if op == UnaryOp::Not {
            return Ok(Value::Bool(!self.truthy(a)));
        }
        let name = match op {
            UnaryOp::Neg => "__neg__",
            UnaryOp::Pos => "__pos__",
            _ => "__invert__",
        };
        let err = || {
            PyErr::type_error(alloc::format!(
                "unsupported type for {name}: '{}'",
                self.type_name(a)
            ))
        };
        let r = match (op, self.num(a).ok_or_else(err)?) {
            (UnaryOp::Pos, NumRef::Int(i)) => Num::Int(i),
            (UnaryOp::Pos, NumRef::Float(f)) => Num::Float(f),
            (UnaryOp::Pos, NumRef::Big(_)) => return Ok(a),
            (UnaryOp::Neg, NumRef::Float(f)) => Num::Float(-f),
            (UnaryOp::Neg, n) => int::arith(BinOp::Sub, NumRef::Int(0), n)?,
            (UnaryOp::Invert, NumRef::Float(_)) => return Err(err()),
            (_, n) => int::arith(BinOp::Sub, NumRef::Int(-1), n)?,
        };
        self.num_value(r)
    }

    fn compare(&mut self, op: CmpOp, a: Value, b: Value) -> PResult<bool> {
        match op {
            CmpOp::Eq => return Ok(self.equals(a, b)),
            CmpOp::Ne => return Ok(!self.equals(a, b)),
            CmpOp::Is => return Ok(identical(a, b)),
            CmpOp::IsNot => return Ok(!identical(a, b)),
            CmpOp::In | CmpOp::NotIn => {
                let found = match (self.seq(a), self.seq(b)) {
                    (Some((needle, sa)), Some((hay, sb))) if sa == sb => {
                        needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
                    }
                    _ => {
                        return Err(PyErr::type_error(alloc::format!(
                            "'{}' object isn't iterable",
                            self.type_name(b)
                        )));
                    }
                };
                return Ok(found == (op == CmpOp::In));
            }
            _ => {}
        }
        let ordering = if let (Some(x), Some(y)) = (self.num(a), self.num(b)) {
            int::compare(x, y)
        } else {
            match (self.seq(a), self.seq(b)) {
                (Some((x, sx)), Some((y, sy))) if sx == sy => Some(x.cmp(y)),
                _ => {
                    let name = match op {
                        CmpOp::Lt => "__lt__",
                        CmpOp::Le => "__le__",
                        CmpOp::Gt => "__gt__",
                        _ => "__ge__",
                    };
                    return Err(PyErr::type_error(alloc::format!(
                        "unsupported types for {name}: '{}', '{}'",
                        self.type_name(a),
                        self.type_name(b)
                    )));
                }
            }
        };
        let Some(o) = ordering else { return Ok(false) };
        Ok(match op {
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::Le => o != Ordering::Greater,
            CmpOp::Gt => o == Ordering::Greater,
            _ => o != Ordering::Less,
        })
    }

    pub(crate) fn equals(&self, a: Value, b: Value) -> bool {
        if let (Some(x), Some(y)) = (self.num(a), self.num(b)) {
            return int::compare(x, y) == Some(Ordering::Equal);
        }
        if let (Some(x), Some(y)) = (self.seq(a), self.seq(b)) {
            return x == y;
        }
        identical(a, b)
    }

    pub(crate) fn truthy(&self, v: Value) -> bool {
        match v {
            Value::None => false,
            Value::Bool(b) => b,
            Value::Int(i) => i != 0,
            Value::Float(f) => f != 0.0,
            Value::Builtin(_) => true,
            Value::Obj(r) => match self.heap.get(r) {
                Obj::Str(s) => !s.is_empty(),
                Obj::Bytes(b) => !b.is_empty(),
                Obj::BigInt(_) => true,
            },
        }
    }

    pub(crate) fn type_name(&self, v: Value) -> &'static str {
        match v {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Builtin(_) => "function",
            Value::Obj(r) => match self.heap.get(r) {
                Obj::Str(_) => "str",
                Obj::Bytes(_) => "bytes",
                Obj::BigInt(_) => "int",
            },
        }
    }

    /// Append `str(v)`.
    pub(crate) fn write_str(&self, v: Value, out: &mut String) {
        match v {
            Value::Obj(r) => match self.heap.get(r) {
                Obj::Str(s) => out.push_str(s),
                _ => self.write_repr(v, out),
            },
            _ => self.write_repr(v, out),
        }
    }

    /// Append `repr(v)`.
    pub(crate) fn write_repr(&self, v: Value, out: &mut String) {
        match v {
            Value::None => out.push_str("None"),
            Value::Bool(true) => out.push_str("True"),
            Value::Bool(false) => out.push_str("False"),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Float(f) => float::write_repr(f, out),
            Value::Builtin(id) => {
                let _ = write!(out, "<function {}>", builtins::BUILTINS[id as usize].name());
            }
            Value::Obj(r) => match self.heap.get(r) {
                Obj::Str(s) => strobj::write_repr(s, out),
                Obj::Bytes(b) => strobj::write_bytes_repr(b, out),
                Obj::BigInt(b) => {
                    let _ = write!(out, "{b}");
                }
            },
        }
    }

    fn call_builtin(
        &mut self,
        f: Builtin,
        args_at: usize,
        n_args: usize,
        n_kw: usize,
    ) -> PResult<Value> {
        let args: Vec<Value> = self.stack[args_at..args_at + n_args].to_vec();
        let mut kwargs: Vec<(&str, Value)> = Vec::with_capacity(n_kw);
        for k in 0..n_kw {
            let at = args_at + n_args + 2 * k;
            let name = match self.stack[at] {
                Value::Obj(r) => match self.heap.get(r) {
                    Obj::Str(s) => &**s,
                    _ => "",
                },
                _ => "",
            };
            kwargs.push((name, self.stack[at + 1]));
        }
        match f {
            Builtin::Print => {
                let mut sep: Option<Value> = None;
                let mut end: Option<Value> = None;
                for (name, v) in &kwargs {
                    match *name {
                        "sep" => sep = Some(*v),
                        "end" => end = Some(*v),
                        other => {
                            return Err(PyErr::type_error(alloc::format!(
                                "unexpected keyword argument '{other}'"
                            )));
                        }
                    }
                }
                let text_arg = |v: Option<Value>, default: &'static str| -> PResult<String> {
                    match v {
                        None | Some(Value::None) => Ok(default.into()),
                        Some(v) => match self.seq(v) {
                            Some((t, true)) => Ok(String::from_utf8_lossy(t).into_owned()),
                            _ => Err(PyErr::type_error(alloc::format!(
                                "Can't convert '{}' object to str implicitly",
                                self.type_name(v)
                            ))),
                        },
                    }
                };
                let sep = text_arg(sep, " ")?;
                let end = text_arg(end, "\n")?;
                let mut line = String::new();
                for (i, v) in args.iter().enumerate() {
                    if i > 0 {
                        line.push_str(&sep);
                    }
                    self.write_str(*v, &mut line);
                }
                line.push_str(&end);
                self.platform.write_stdout(line.as_bytes());
                Ok(Value::None)
            }
        }
    }
}

/// `a is b`.
fn identical(a: Value, b: Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

fn seq_obj(bytes: Vec<u8>, is_str: bool) -> Obj {
    if is_str {
        // Both halves were valid UTF-8, so their concatenation or repetition is too.
        Obj::Str(
            String::from_utf8(bytes)
                .unwrap_or_default()
                .into_boxed_str(),
        )
    } else {
        Obj::Bytes(bytes.into_boxed_slice())
    }
}

/// Record the frame's position in an exception leaving it (outermost entries first).
fn traced(mut e: PyErr, code: &Code, at: usize) -> PyErr {
    e.traceback.insert(
        0,
        TraceEntry {
            file: String::from(&*code.file),
            line: code.lines[at],
            scope: Some(code.name.clone()),
        },
    );
    e
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
    }

    impl Platform for Capture {
        fn write_stdout(&mut self, bytes: &[u8]) {
            self.out.push_str(core::str::from_utf8(bytes).unwrap());
        }
        fn interrupt_requested(&mut self) -> bool {
            self.polls += 1;
            self.interrupt_after.is_some_and(|n| self.polls > n)
        }
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
        let mut vm = vm(16 * 1024);
        // Far more allocation than the heap holds, but little of it live at once.
        vm.exec(
            "i = 0\nwhile i < 2000:\n    s = 'x' * 100\n    i += 1",
            "<stdin>",
            Mode::File,
        )
        .unwrap();
        assert!(vm.heap_usage().0 < 16 * 1024);
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
