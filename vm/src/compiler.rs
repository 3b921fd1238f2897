//! Syntax tree → bytecode. Names are resolved by [`crate::symtable`] to slots, cells or
//! globals; constant expressions are folded; constants and nested code objects are collected
//! host-side ([`Unit`]) for the VM to place in its heap.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use num_bigint::BigInt;

use crate::ast::*;
use crate::bytecode::{NO_KW, Op, Shape};
use crate::error::CompileError;
use crate::interner::Interner;
use crate::num::{Num, NumRef};
use crate::symtable::{Place, Scope, SymTable};
use crate::{num, symtable};

/// How source handed to `Vm::exec` is compiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A whole file: statements run in order, expression values are discarded.
    File,
    /// One interactive REPL input: the value of an expression statement is printed with repr.
    Single,
    /// One expression, whose value is the result (`eval`).
    Eval,
}

/// A constant as the compiler knows it; the VM turns each into a [`crate::value::Value`].
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    Int(i64),
    Big(Box<BigInt>),
    Float(f64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    /// A tuple of strings (keyword-argument names).
    Names(Vec<Rc<str>>),
    Ellipsis,
    /// An imaginary literal, `2j`.
    Imag(f64),
    None,
    Bool(bool),
    /// A tuple of constants, made once and shared by every evaluation.
    Tuple(Vec<Const>),
}

impl Const {
    fn has_float(&self) -> bool {
        match self {
            Const::Float(_) | Const::Imag(_) => true,
            Const::Tuple(items) => items.iter().any(Const::has_float),
            _ => false,
        }
    }
}

/// The constant an expression always evaluates to, if it is one (numbers, strings, bytes,
/// `None`, booleans, `...`, and tuples of those), given the values of names known at
/// compile time (`micropython.const`).
fn const_of_env(e: &Expr, env: &dyn Fn(&str) -> Option<Const>) -> Option<Const> {
    Some(match &e.kind {
        ExprKind::Name(n) => env(n)?,
        ExprKind::None => Const::None,
        ExprKind::True => Const::Bool(true),
        ExprKind::False => Const::Bool(false),
        ExprKind::Ellipsis => Const::Ellipsis,
        ExprKind::Str(s) => Const::Str(Rc::from(s.as_str())),
        ExprKind::Bytes(b) => Const::Bytes(Rc::from(b.as_slice())),
        ExprKind::Tuple(items) => Const::Tuple(
            items
                .iter()
                .map(|i| const_of_env(i, env))
                .collect::<Option<_>>()?,
        ),
        _ => fold_env(e, env)?,
    })
}

/// A compiled code object before its constants are materialised.
#[derive(Debug, Default)]
pub struct Unit {
    pub name: String,
    pub ops: Vec<Op>,
    pub lines: crate::bytecode::LineTable,
    pub consts: Vec<Const>,
    pub names: Vec<u32>,
    pub children: Vec<Unit>,
    pub shape: Shape,
}

pub fn compile(body: &[Stmt], mode: Mode, interner: &mut Interner) -> Result<Unit, CompileError> {
    compile_at_level(body, mode, interner, 0)
}

/// [`compile`] at one of MicroPython's optimisation levels (`micropython.opt_level`): from 1,
/// `__debug__` is false and `assert` statements are left out; from 3, no line numbers are
/// kept (every line is line 1).
pub fn compile_at_level(
    body: &[Stmt],
    mode: Mode,
    interner: &mut Interner,
    opt_level: u8,
) -> Result<Unit, CompileError> {
    let table = symtable::analyze(body)?;
    let module_scope = &table.scopes[0];
    let mut c = Compiler::new(&table, module_scope, interner, mode, "<module>");
    c.opt_level = opt_level;
    c.unit.shape.uses_names = true;
    if mode == Mode::Eval {
        let [
            Stmt {
                kind: StmtKind::Expr(e),
                line,
            },
        ] = body
        else {
            return Err(CompileError::syntax(
                "invalid syntax",
                body.first().map_or(1, |s| s.line),
            ));
        };
        c.line = *line;
        c.expr(e)?;
        c.emit(Op::Return);
        return Ok(c.unit);
    }
    drop(c);
    let mut module = Module::new(mode, opt_level);
    module.add(body, interner)?;
    Ok(module.finish())
}

/// Room for ops that a module's code keeps before each statement is compiled into it.
const MODULE_OPS_ROOM: usize = 64;

/// A module's code, compiled a statement at a time as the parser gives them
/// ([`crate::parser::parse_each`]), so that only one statement's syntax tree is alive at once.
/// Each batch is analysed on its own: a module's names are globals, so its statements share
/// no cells or slots, only the `const()` names given so far.
pub struct Module {
    unit: Unit,
    mode: Mode,
    opt_level: u8,
    consts: SharedConsts,
    /// The line of the last statement compiled.
    line: u32,
}

impl Module {
    pub fn new(mode: Mode, opt_level: u8) -> Module {
        let mut unit = Unit {
            name: "<module>".into(),
            ..Unit::default()
        };
        unit.shape.uses_names = true;
        Module {
            unit,
            mode,
            opt_level,
            consts: SharedConsts::default(),
            line: 1,
        }
    }

    /// Compile the next statements of the module.
    pub fn add(&mut self, body: &[Stmt], interner: &mut Interner) -> Result<(), CompileError> {
        let table = symtable::analyze(body)?;
        let scope = &table.scopes[0];
        let mut c = Compiler::new(&table, scope, interner, self.mode, "<module>");
        c.opt_level = self.opt_level;
        c.consts = self.consts.clone();
        let n_slots = c.unit.shape.n_slots.max(self.unit.shape.n_slots);
        c.unit = core::mem::take(&mut self.unit);
        c.unit.shape.n_slots = n_slots;
        // The module's ops grow by a quarter at a time, by asking (a board's arena may
        // refuse, and growing by doubling would need three times the ops at once).
        let (len, room) = (c.unit.ops.len(), c.unit.ops.capacity() - c.unit.ops.len());
        if room < MODULE_OPS_ROOM {
            let more = (len / 4).max(MODULE_OPS_ROOM);
            let line = body.first().map_or(self.line, |s| s.line);
            c.unit
                .ops
                .try_reserve_exact(more)
                .map_err(|_| CompileError::memory(line))?;
        }
        c.line = self.line;
        for stmt in body {
            c.stmt(stmt)?;
        }
        self.line = c.line;
        self.unit = c.unit;
        Ok(())
    }

    /// The module's code, returning `None` at its end (on the last statement's line).
    pub fn finish(mut self) -> Unit {
        let line = if self.opt_level >= 3 { 1 } else { self.line };
        for op in [Op::LoadNone, Op::Return] {
            self.unit.lines.push(self.unit.ops.len() as u32, line);
            self.unit.ops.push(op);
        }
        self.unit
    }
}

struct Loop {
    continue_to: u32,
    breaks: Vec<usize>,
    /// Length of the unwind stack when the loop started.
    unwind_depth: usize,
    is_for: bool,
}

/// What a `break`, `continue` or `return` must undo on its way out.
#[derive(Clone)]
enum Unwind<'a> {
    /// Leave a `try … except` region.
    Block,
    /// Leave a `try … finally` region: run the finally body.
    Finally(&'a [Stmt]),
    /// Leave an `except` body: the exception is below whatever is on the stack.
    Except,
    /// Leave a `with` body: the exit function is on the stack.
    With,
    /// Leave an `async with` body: the exit coroutine must be awaited.
    AsyncWith,
    /// A value kept on the stack (a pending return value) that leaving drops.
    Value,
    /// The three stack slots of a `for` loop's state.
    ForState,
}

struct Compiler<'a, 'i> {
    table: &'a SymTable,
    scope: &'a Scope,
    unit: Unit,
    interner: &'i mut Interner,
    mode: Mode,
    loops: Vec<Loop>,
    unwind: Vec<Unwind<'a>>,
    line: u32,
    /// Slot of the `__class__` cell visible here (for zero-argument `super()`).
    class_cell: Option<u32>,
    /// Compiling a `@micropython.viper` function: its return annotation, if any.
    viper: Option<Option<&'a str>>,
    /// Names given a value by `X = const(…)`, substituted from then on in this compilation,
    /// as MicroPython's compiler does.
    consts: SharedConsts,
    /// MicroPython's optimisation level (see [`compile_at_level`]).
    opt_level: u8,
    /// In a viper function, the locals known to hold machine words (`int` or `uint`), so
    /// that arithmetic on them wraps as a machine word does.
    viper_words: Vec<(&'a str, &'static str)>,
}

/// The names given values by `const()`, shared by a compilation's nested scopes.
type SharedConsts = Rc<core::cell::RefCell<Vec<(Rc<str>, Const)>>>;

/// The names viper functions give a meaning (casts), and the builtin each one becomes.
const VIPER_NAMES: &[(&str, &str)] = &[
    ("ptr", "micropython.ptr"),
    ("ptr8", "micropython.ptr8"),
    ("ptr16", "micropython.ptr16"),
    ("ptr32", "micropython.ptr32"),
    ("uint", "micropython.uint"),
    ("int", "micropython.int"),
];

/// `NAME = const(expr)`: the name and the expression.
fn const_call<'e>(targets: &'e [Expr], value: &'e Expr) -> Option<(&'e str, &'e Expr)> {
    let [
        Expr {
            kind: ExprKind::Name(name),
            ..
        },
    ] = targets
    else {
        return None;
    };
    let ExprKind::Call { func, args } = &value.kind else {
        return None;
    };
    match (&func.kind, args.as_slice()) {
        (ExprKind::Name(f), [Arg::Pos(arg)]) if f == "const" => Some((name, arg)),
        _ => None,
    }
}

/// The arguments of `range(…)` when a `for` loop iterates over a plain call of it.
fn range_args(e: &Expr) -> Option<Vec<&Expr>> {
    let ExprKind::Call { func, args } = &e.kind else {
        return None;
    };
    if !matches!(&func.kind, ExprKind::Name(n) if n == "range") || args.is_empty() || args.len() > 3
    {
        return None;
    }
    args.iter()
        .map(|a| match a {
            Arg::Pos(x) => Some(x),
            _ => None,
        })
        .collect()
}

/// The cast of a viper annotation (`None` for `object` and unknown names: no cast).
fn viper_cast(annotation: &str) -> Option<&'static str> {
    if annotation == "bool" {
        return Some("micropython.bool");
    }
    VIPER_NAMES
        .iter()
        .find(|(n, _)| *n == annotation)
        .map(|(_, b)| *b)
}

impl<'a, 'i> Compiler<'a, 'i> {
    fn new(
        table: &'a SymTable,
        scope: &'a Scope,
        interner: &'i mut Interner,
        mode: Mode,
        name: &str,
    ) -> Self {
        let mut unit = Unit {
            name: name.into(),
            shape: Shape {
                n_slots: scope.n_slots() as u32,
                n_free: scope.frees.len() as u32,
                is_generator: scope.is_generator,
                ..Shape::default()
            },
            ..Unit::default()
        };
        for (i, l) in scope.locals.iter().enumerate() {
            if scope.cells.contains(l) {
                unit.shape.cell_slots.push(i as u32);
            }
        }
        let class_cell = match scope.place("__class__") {
            Place::Cell(i) if scope.is_function => Some(i),
            _ => None,
        };
        Compiler {
            table,
            scope,
            unit,
            interner,
            mode,
            loops: Vec::new(),
            unwind: Vec::new(),
            line: 1,
            class_cell,
            viper: None,
            viper_words: Vec::new(),
            consts: Rc::default(),
            opt_level: 0,
        }
    }

    fn emit(&mut self, op: Op) -> usize {
        let line = if self.opt_level >= 3 { 1 } else { self.line };
        self.unit.lines.push(self.unit.ops.len() as u32, line);
        self.unit.ops.push(op);
        self.unit.ops.len() - 1
    }

    fn here(&self) -> u32 {
        self.unit.ops.len() as u32
    }

    /// Point the jump at `at` to the current position.
    fn patch(&mut self, at: usize) {
        let target = self.here();
        match &mut self.unit.ops[at] {
            Op::Jump(t)
            | Op::PopJumpIfFalse(t)
            | Op::PopJumpIfTrue(t)
            | Op::JumpIfFalseOrPop(t)
            | Op::JumpIfTrueOrPop(t)
            | Op::ForIter(t)
            | Op::ForNext(t)
            | Op::SetupExcept(t)
            | Op::SetupFinally(t) => *t = target,
            other => unreachable!("patching a non-jump {other:?}"),
        }
    }

    fn name_index(&mut self, name: &str) -> u32 {
        let id = self.interner.intern(name);
        match self.unit.names.iter().position(|n| *n == id) {
            Some(i) => i as u32,
            None => {
                self.unit.names.push(id);
                self.unit.names.len() as u32 - 1
            }
        }
    }

    fn const_index(&mut self, c: Const) -> u32 {
        let same = |k: &Const| match (k, &c) {
            // Bitwise, so that 0.0 and -0.0 stay distinct.
            (Const::Float(x), Const::Float(y)) | (Const::Imag(x), Const::Imag(y)) => {
                x.to_bits() == y.to_bits()
            }
            // Tuples with floats are not merged (0.0 and -0.0 compare equal).
            (Const::Tuple(_), _) if c.has_float() => false,
            _ => *k == c,
        };
        match self.unit.consts.iter().position(same) {
            Some(i) => i as u32,
            None => {
                self.unit.consts.push(c);
                self.unit.consts.len() as u32 - 1
            }
        }
    }

    fn constant(&mut self, c: Const) {
        let i = self.const_index(c);
        self.emit(Op::LoadConst(i));
    }

    fn kwnames(&mut self, names: Vec<Rc<str>>) -> u16 {
        if names.is_empty() {
            return NO_KW;
        }
        self.const_index(Const::Names(names)) as u16
    }

    // ---- names ----

    fn load_name(&mut self, name: &str) {
        let op = match self.scope.place(name) {
            Place::Local(i) => Op::LoadFast(i),
            Place::Cell(i) => Op::LoadDeref(i),
            // Inside a viper function, `ptr8`, `uint`, `int` … are its casts.
            Place::Global if self.viper.is_some() => {
                let real = VIPER_NAMES
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map_or(name, |(_, b)| *b);
                Op::LoadGlobal(self.name_index(real))
            }
            Place::Global => Op::LoadGlobal(self.name_index(name)),
            Place::Name => Op::LoadName(self.name_index(name)),
        };
        self.emit(op);
    }

    fn store_name(&mut self, name: &str) {
        let op = match self.scope.place(name) {
            Place::Local(i) => Op::StoreFast(i),
            Place::Cell(i) => Op::StoreDeref(i),
            Place::Global => Op::StoreGlobal(self.name_index(name)),
            Place::Name => Op::StoreName(self.name_index(name)),
        };
        self.emit(op);
    }

    fn delete_name(&mut self, name: &str) {
        let op = match self.scope.place(name) {
            Place::Local(i) => Op::DeleteFast(i),
            Place::Cell(i) => Op::DeleteDeref(i),
            Place::Global => Op::DeleteGlobal(self.name_index(name)),
            Place::Name => Op::DeleteName(self.name_index(name)),
        };
        self.emit(op);
    }

    // ---- statements ----

    fn block(&mut self, body: &'a [Stmt]) -> Result<(), CompileError> {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &'a Stmt) -> Result<(), CompileError> {
        self.line = s.line;
        match &s.kind {
            StmtKind::Expr(e) => {
                self.expr(e)?;
                self.line = s.line;
                self.emit(
                    if self.mode == Mode::Single
                        && self.unit.shape.uses_names
                        && self.unit.name == "<module>"
                    {
                        Op::PrintExpr
                    } else {
                        Op::Pop
                    },
                );
            }
            StmtKind::Assign { targets, value } if const_call(targets, value).is_some() => {
                let (name, arg) = const_call(targets, value).expect("checked by the guard");
                let c = {
                    let consts = self.consts.borrow();
                    if consts.iter().any(|(k, _)| &**k == name) {
                        return Err(CompileError::syntax("constant redefined", s.line));
                    }
                    let env = |n: &str| {
                        consts
                            .iter()
                            .rev()
                            .find(|(k, _)| &**k == n)
                            .map(|(_, c)| c.clone())
                    };
                    const_of_env(arg, &env)
                };
                let Some(c) = c else {
                    return Err(CompileError::syntax("constant must be an integer", s.line));
                };
                self.consts.borrow_mut().push((Rc::from(name), c.clone()));
                // A private name (`_X`) is not created at all; others are also assigned.
                if !name.starts_with('_') {
                    self.constant(c);
                    self.store_name(name);
                }
            }
            StmtKind::Assign { targets, value } => {
                if self.viper.is_some()
                    && let [
                        Expr {
                            kind: ExprKind::Name(n),
                            ..
                        },
                    ] = targets.as_slice()
                {
                    match self.viper_word(value) {
                        Some(t) => self.viper_words.push((n, t)),
                        None => self.viper_words.retain(|(v, _)| v != n),
                    }
                }
                self.expr(value)?;
                for (i, t) in targets.iter().enumerate() {
                    if i + 1 < targets.len() {
                        self.emit(Op::Dup);
                    }
                    self.store(t)?;
                }
            }
            StmtKind::AugAssign { target, op, value } => self.aug_assign(target, *op, value)?,
            StmtKind::AnnAssign { target, value } => {
                if let Some(v) = value {
                    self.expr(v)?;
                    self.store(target)?;
                }
            }
            StmtKind::If { test, body, orelse } => {
                let to_else = self.jump_if_false(test)?;
                self.block(body)?;
                if orelse.is_empty() {
                    self.patch(to_else);
                } else {
                    let to_end = self.emit(Op::Jump(0));
                    self.patch(to_else);
                    self.block(orelse)?;
                    self.patch(to_end);
                }
            }
            StmtKind::While { test, body, orelse } => {
                let top = self.here();
                let to_else = self.jump_if_false(test)?;
                self.loops.push(Loop {
                    continue_to: top,
                    breaks: Vec::new(),
                    unwind_depth: self.unwind.len(),
                    is_for: false,
                });
                self.block(body)?;
                self.emit(Op::Jump(top));
                let done = self.loops.pop().expect("loop pushed above");
                self.patch(to_else);
                self.block(orelse)?;
                for b in done.breaks {
                    self.patch(b);
                }
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
                is_async,
            } => {
                if *is_async {
                    if !self.scope.is_async {
                        return Err(CompileError::syntax(
                            "'async for' outside async function",
                            s.line,
                        ));
                    }
                    return self.async_for(target, iter, body, orelse);
                }
                match range_args(iter) {
                    // `for x in range(…)` counts without a range object, as MicroPython's
                    // compiler does (it goes by the name).
                    Some(args) => {
                        match args.as_slice() {
                            [stop] => {
                                self.constant(Const::Int(0));
                                self.expr(stop)?;
                                self.constant(Const::Int(1));
                            }
                            [start, stop] => {
                                self.expr(start)?;
                                self.expr(stop)?;
                                self.constant(Const::Int(1));
                            }
                            _ => {
                                for a in args {
                                    self.expr(a)?;
                                }
                            }
                        }
                        self.line = iter.line;
                        self.emit(Op::ForRange);
                    }
                    None => {
                        self.expr(iter)?;
                        self.emit(Op::ForStart);
                    }
                }
                let top = self.here();
                let exit = self.emit(Op::ForNext(0));
                self.store(target)?;
                self.loops.push(Loop {
                    continue_to: top,
                    breaks: Vec::new(),
                    unwind_depth: self.unwind.len(),
                    is_for: true,
                });
                // The loop's state stays on the stack while the body runs.
                self.unwind.push(Unwind::ForState);
                self.block(body)?;
                self.unwind.pop();
                self.line = s.line;
                self.emit(Op::Jump(top));
                let done = self.loops.pop().expect("loop pushed above");
                self.patch(exit);
                self.block(orelse)?;
                for b in done.breaks {
                    self.patch(b);
                }
            }
            StmtKind::Pass => {}
            StmtKind::Break | StmtKind::Continue => {
                let is_break = matches!(s.kind, StmtKind::Break);
                let Some(l) = self.loops.last() else {
                    let what = if is_break {
                        "'break' outside loop"
                    } else {
                        "'continue' not properly in loop"
                    };
                    return Err(CompileError::syntax(what, s.line));
                };
                let (depth, is_for, to) = (l.unwind_depth, l.is_for, l.continue_to);
                if is_break {
                    // Down to the loop's own iterator, which `break` drops too.
                    self.unwind_to(depth, false)?;
                    let at = self.emit(Op::Jump(0));
                    self.loops.last_mut().expect("checked").breaks.push(at);
                } else {
                    self.unwind_to(depth + usize::from(is_for), false)?;
                    self.emit(Op::Jump(to));
                }
            }
            StmtKind::Return(value) => {
                if !self.scope.is_function || self.scope.is_class {
                    return Err(CompileError::syntax("'return' outside function", s.line));
                }
                let cast = self.return_cast();
                if let Some(c) = cast {
                    let i = self.name_index(c);
                    self.emit(Op::LoadGlobal(i));
                }
                match value {
                    Some(v) => self.expr(v)?,
                    None => {
                        self.emit(Op::LoadNone);
                    }
                }
                if cast.is_some() {
                    self.emit(Op::Call {
                        args: 1,
                        kwnames: NO_KW,
                    });
                }
                self.unwind_to(0, true)?;
                self.line = s.line;
                self.emit(Op::Return);
            }
            StmtKind::FunctionDef { def, decorators } => {
                // `@micropython.bytecode`, `native` and `viper` select MicroPython's
                // emitters (no import needed); here every function runs as bytecode.
                let mut plain = Vec::new();
                let mut viper = false;
                for d in decorators {
                    match emitter_decorator(d) {
                        Some(Some(emitter)) => viper |= emitter == "viper",
                        Some(None) => {
                            return Err(CompileError::syntax(
                                "invalid micropython decorator",
                                s.line,
                            ));
                        }
                        None => plain.push(d),
                    }
                }
                let decorators = plain;
                for d in &decorators {
                    self.expr(d)?;
                }
                self.function(def, viper)?;
                for _ in &decorators {
                    self.emit(Op::Call {
                        args: 1,
                        kwnames: NO_KW,
                    });
                }
                self.store_name(&def.name);
            }
            StmtKind::ClassDef {
                name,
                bases,
                body,
                decorators,
            } => {
                for d in decorators {
                    self.expr(d)?;
                }
                self.class(s, name, bases, body)?;
                for _ in decorators {
                    self.emit(Op::Call {
                        args: 1,
                        kwnames: NO_KW,
                    });
                }
                self.store_name(name);
            }
            StmtKind::Global(_) | StmtKind::Nonlocal(_) => {}
            StmtKind::Del(targets) => {
                for t in targets {
                    self.delete(t)?;
                }
            }
            StmtKind::Assert { .. } if self.opt_level >= 1 => {}
            StmtKind::Assert { test, msg } => {
                let ok = self.jump_if_true(test)?;
                self.load_name("AssertionError");
                if let Some(m) = msg {
                    self.expr(m)?;
                    self.emit(Op::Call {
                        args: 1,
                        kwnames: NO_KW,
                    });
                }
                self.emit(Op::Raise(1));
                self.patch(ok);
            }
            StmtKind::Raise { exc, cause } => {
                let mut n = 0;
                if let Some(e) = exc {
                    self.expr(e)?;
                    n = 1;
                    if let Some(c) = cause {
                        self.expr(c)?;
                        n = 2;
                    }
                }
                self.line = s.line;
                self.emit(Op::Raise(n));
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finally,
            } => self.try_stmt(body, handlers, orelse, finally)?,
            StmtKind::With {
                items,
                body,
                is_async,
            } => {
                if *is_async {
                    if !self.scope.is_async {
                        return Err(CompileError::syntax(
                            "'async with' outside async function",
                            s.line,
                        ));
                    }
                    self.async_with(items, body)?;
                } else {
                    self.with(items, body)?;
                }
            }
            StmtKind::Import(names) => {
                for n in names {
                    self.emit(Op::LoadNone);
                    self.emit(Op::LoadSmallInt(0));
                    let i = self.name_index(&n.module);
                    self.emit(Op::ImportName(i));
                    match &n.alias {
                        Some(alias) => {
                            // `import a.b as c` binds the submodule.
                            for part in n.module.split('.').skip(1) {
                                let p = self.name_index(part);
                                self.emit(Op::LoadAttr(p));
                            }
                            self.store_name(alias);
                        }
                        None => {
                            let first = n.module.split('.').next().unwrap_or("");
                            self.store_name(first);
                        }
                    }
                }
            }
            StmtKind::ImportFrom {
                module,
                level,
                names,
            } => {
                let list: Vec<Rc<str>> = if names.is_empty() {
                    alloc::vec![Rc::from("*")]
                } else {
                    names.iter().map(|(n, _)| Rc::from(n.as_str())).collect()
                };
                self.constant(Const::Names(list));
                self.emit(Op::LoadSmallInt(*level as i32));
                let i = self.name_index(module);
                self.emit(Op::ImportName(i));
                if names.is_empty() {
                    self.emit(Op::ImportStar);
                } else {
                    for (n, alias) in names {
                        let i = self.name_index(n);
                        self.emit(Op::ImportFrom(i));
                        self.store_name(alias.as_ref().unwrap_or(n));
                    }
                    self.emit(Op::Pop);
                }
            }
        }
        Ok(())
    }

    /// Emit what leaving the unwind entries above `depth` takes.
    fn unwind_to(&mut self, depth: usize, keep_top: bool) -> Result<(), CompileError> {
        let entries: Vec<Unwind<'a>> = self.unwind[depth..].iter().rev().cloned().collect();
        let saved = core::mem::take(&mut self.unwind);
        self.unwind = saved[..depth].to_vec();
        let mut result = Ok(());
        for (i, entry) in entries.iter().enumerate() {
            match entry {
                Unwind::Block => {
                    self.emit(Op::PopBlock);
                }
                Unwind::Finally(body) => {
                    self.emit(Op::PopBlock);
                    // The finally body runs with the unwind entries outside it in force,
                    // and with the pending return value on the stack.
                    self.unwind = saved[..saved.len() - i - 1].to_vec();
                    if keep_top {
                        self.unwind.push(Unwind::Value);
                    }
                    result = self.block(body);
                    self.unwind = saved[..depth].to_vec();
                    if result.is_err() {
                        break;
                    }
                }
                Unwind::Except => {
                    if keep_top {
                        self.emit(Op::Rot2);
                    }
                    self.emit(Op::PopExcept);
                }
                Unwind::With => {
                    self.emit(Op::PopBlock);
                    if keep_top {
                        self.emit(Op::Rot2);
                    }
                    self.emit(Op::WithExit);
                }
                Unwind::AsyncWith => {
                    self.emit(Op::PopBlock);
                    if keep_top {
                        self.emit(Op::Rot2);
                    }
                    self.emit(Op::WithExitCall);
                    self.await_top();
                    self.emit(Op::Pop);
                }
                Unwind::Value => {
                    if keep_top {
                        self.emit(Op::Rot2);
                    }
                    self.emit(Op::Pop);
                }
                Unwind::ForState => {
                    for _ in 0..3 {
                        if keep_top {
                            self.emit(Op::Rot2);
                        }
                        self.emit(Op::Pop);
                    }
                }
            }
        }
        self.unwind = saved;
        result
    }

    fn try_stmt(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [Handler],
        orelse: &'a [Stmt],
        finally: &'a [Stmt],
    ) -> Result<(), CompileError> {
        let setup_finally = if finally.is_empty() {
            None
        } else {
            let at = self.emit(Op::SetupFinally(0));
            self.unwind.push(Unwind::Finally(finally));
            Some(at)
        };
        if handlers.is_empty() {
            self.block(body)?;
        } else {
            let setup = self.emit(Op::SetupExcept(0));
            self.unwind.push(Unwind::Block);
            self.block(body)?;
            self.unwind.pop();
            self.emit(Op::PopBlock);
            self.block(orelse)?;
            let to_end = self.emit(Op::Jump(0));
            self.patch(setup);
            // Stack: [exc]. Try each clause in turn.
            let mut ends = alloc::vec![to_end];
            for h in handlers {
                self.line = h.line;
                let next = match &h.kind {
                    Some(kind) => {
                        self.emit(Op::Dup);
                        self.expr(kind)?;
                        self.emit(Op::ExcMatch);
                        Some(self.emit(Op::PopJumpIfFalse(0)))
                    }
                    None => None,
                };
                if let Some(name) = &h.name {
                    self.emit(Op::Dup);
                    self.store_name(name);
                }
                self.unwind.push(Unwind::Except);
                self.block(&h.body)?;
                self.unwind.pop();
                self.emit(Op::PopExcept);
                if let Some(name) = &h.name {
                    // `except E as e` unbinds e at the end of the clause.
                    self.emit(Op::LoadNone);
                    self.store_name(name);
                    self.delete_name(name);
                }
                ends.push(self.emit(Op::Jump(0)));
                match next {
                    Some(n) => self.patch(n),
                    None => break,
                }
            }
            if handlers.last().is_some_and(|h| h.kind.is_some()) {
                self.emit(Op::Reraise);
            }
            for e in ends {
                self.patch(e);
            }
        }
        if let Some(at) = setup_finally {
            self.unwind.pop();
            self.emit(Op::PopBlock);
            self.block(finally)?;
            let to_end = self.emit(Op::Jump(0));
            self.patch(at);
            // Exceptional path: [exc]; run the body, then raise again.
            self.unwind.push(Unwind::Except);
            self.block(finally)?;
            self.unwind.pop();
            self.emit(Op::Reraise);
            self.patch(to_end);
        }
        Ok(())
    }

    fn with(
        &mut self,
        items: &'a [(Expr, Option<Expr>)],
        body: &'a [Stmt],
    ) -> Result<(), CompileError> {
        let Some(((ctx, target), rest)) = items.split_first() else {
            return self.block(body);
        };
        self.expr(ctx)?;
        self.emit(Op::SetupWith);
        match target {
            Some(t) => self.store(t)?,
            None => {
                self.emit(Op::Pop);
            }
        }
        let setup = self.emit(Op::SetupFinally(0));
        self.unwind.push(Unwind::With);
        self.with(rest, body)?;
        self.unwind.pop();
        self.emit(Op::PopBlock);
        self.emit(Op::WithExit);
        let to_end = self.emit(Op::Jump(0));
        self.patch(setup);
        // [exit exc] -> [exc suppress]
        self.emit(Op::WithExcept);
        let reraise = self.emit(Op::PopJumpIfFalse(0));
        self.emit(Op::PopExcept);
        let done = self.emit(Op::Jump(0));
        self.patch(reraise);
        self.emit(Op::Reraise);
        self.patch(to_end);
        self.patch(done);
        Ok(())
    }

    /// Await the value on the top of the stack.
    fn await_top(&mut self) {
        self.emit(Op::GetAwaitable);
        self.emit(Op::LoadNone);
        self.emit(Op::YieldFrom);
    }

    fn call_method0(&mut self, name: &str) {
        let i = self.name_index(name);
        self.emit(Op::LoadMethod(i));
        self.emit(Op::CallMethod {
            args: 0,
            kwnames: NO_KW,
        });
    }

    fn async_for(
        &mut self,
        target: &'a Expr,
        iter: &'a Expr,
        body: &'a [Stmt],
        orelse: &'a [Stmt],
    ) -> Result<(), CompileError> {
        self.expr(iter)?;
        self.call_method0("__aiter__");
        let top = self.here();
        let setup = self.emit(Op::SetupExcept(0));
        self.emit(Op::Dup);
        self.call_method0("__anext__");
        self.await_top();
        self.emit(Op::PopBlock);
        self.store(target)?;
        self.loops.push(Loop {
            continue_to: top,
            breaks: Vec::new(),
            unwind_depth: self.unwind.len(),
            is_for: true,
        });
        self.unwind.push(Unwind::Value);
        self.block(body)?;
        self.unwind.pop();
        self.emit(Op::Jump(top));
        let done = self.loops.pop().expect("loop pushed above");
        self.patch(setup);
        // [aiter exc]: StopAsyncIteration ends the loop, anything else propagates.
        self.emit(Op::Dup);
        let i = self.name_index("StopAsyncIteration");
        self.emit(Op::LoadGlobal(i));
        self.emit(Op::ExcMatch);
        let reraise = self.emit(Op::PopJumpIfFalse(0));
        self.emit(Op::PopExcept);
        self.emit(Op::Pop);
        self.block(orelse)?;
        let to_end = self.emit(Op::Jump(0));
        self.patch(reraise);
        self.emit(Op::Reraise);
        self.patch(to_end);
        for b in done.breaks {
            self.patch(b);
        }
        Ok(())
    }

    fn async_with(
        &mut self,
        items: &'a [(Expr, Option<Expr>)],
        body: &'a [Stmt],
    ) -> Result<(), CompileError> {
        let Some(((ctx, target), rest)) = items.split_first() else {
            return self.block(body);
        };
        self.expr(ctx)?;
        self.emit(Op::Dup);
        let exit = self.name_index("__aexit__");
        self.emit(Op::LoadAttr(exit));
        self.emit(Op::Rot2);
        self.call_method0("__aenter__");
        self.await_top();
        match target {
            Some(t) => self.store(t)?,
            None => {
                self.emit(Op::Pop);
            }
        }
        let setup = self.emit(Op::SetupFinally(0));
        self.unwind.push(Unwind::AsyncWith);
        self.async_with(rest, body)?;
        self.unwind.pop();
        self.emit(Op::PopBlock);
        self.emit(Op::WithExitCall);
        self.await_top();
        self.emit(Op::Pop);
        let to_end = self.emit(Op::Jump(0));
        self.patch(setup);
        // [exit exc] -> [exc awaited-result]
        self.emit(Op::WithExceptCall);
        self.await_top();
        let reraise = self.emit(Op::PopJumpIfFalse(0));
        self.emit(Op::PopExcept);
        let done = self.emit(Op::Jump(0));
        self.patch(reraise);
        self.emit(Op::Reraise);
        self.patch(to_end);
        self.patch(done);
        Ok(())
    }

    fn aug_assign(
        &mut self,
        target: &'a Expr,
        op: BinOp,
        value: &'a Expr,
    ) -> Result<(), CompileError> {
        match &target.kind {
            ExprKind::Name(n) => {
                let cast = self.word_cast(target);
                if let Some(c) = cast {
                    let i = self.name_index(c);
                    self.emit(Op::LoadGlobal(i));
                }
                self.load_name(n);
                self.expr(value)?;
                self.line = target.line;
                self.emit(Op::InPlace(op));
                if cast.is_some() {
                    self.emit(Op::Call {
                        args: 1,
                        kwnames: NO_KW,
                    });
                }
                self.store_name(n);
            }
            ExprKind::Attribute(obj, attr) => {
                self.expr(obj)?;
                self.emit(Op::Dup);
                let i = self.name_index(attr);
                self.emit(Op::LoadAttr(i));
                self.expr(value)?;
                self.line = target.line;
                self.emit(Op::InPlace(op));
                self.emit(Op::Rot2);
                self.emit(Op::StoreAttr(i));
            }
            ExprKind::Subscript(obj, index) => {
                self.expr(obj)?;
                self.expr(index)?;
                self.emit(Op::Dup2);
                self.emit(Op::Subscr);
                self.expr(value)?;
                self.line = target.line;
                self.emit(Op::InPlace(op));
                self.emit(Op::Rot3);
                self.emit(Op::StoreSubscr);
            }
            _ => {
                return Err(CompileError::syntax(
                    "illegal expression for augmented assignment",
                    target.line,
                ));
            }
        }
        Ok(())
    }

    fn store(&mut self, target: &'a Expr) -> Result<(), CompileError> {
        self.line = target.line;
        match &target.kind {
            ExprKind::Name(n) => self.store_name(n),
            ExprKind::Attribute(obj, attr) => {
                self.expr(obj)?;
                let i = self.name_index(attr);
                self.emit(Op::StoreAttr(i));
            }
            ExprKind::Subscript(obj, index) => {
                self.expr(obj)?;
                self.expr(index)?;
                self.emit(Op::StoreSubscr);
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                let star = items
                    .iter()
                    .position(|e| matches!(e.kind, ExprKind::Starred(_)));
                match star {
                    Some(at) => {
                        self.emit(Op::UnpackEx {
                            before: at as u16,
                            after: (items.len() - at - 1) as u16,
                        });
                    }
                    None => {
                        self.emit(Op::UnpackSequence(items.len() as u32));
                    }
                }
                for item in items {
                    match &item.kind {
                        ExprKind::Starred(inner) => self.store(inner)?,
                        _ => self.store(item)?,
                    }
                }
            }
            _ => {
                return Err(CompileError::syntax(
                    "can't assign to expression",
                    target.line,
                ));
            }
        }
        Ok(())
    }

    fn delete(&mut self, target: &'a Expr) -> Result<(), CompileError> {
        self.line = target.line;
        match &target.kind {
            ExprKind::Name(n) => self.delete_name(n),
            ExprKind::Attribute(obj, attr) => {
                self.expr(obj)?;
                let i = self.name_index(attr);
                self.emit(Op::DeleteAttr(i));
            }
            ExprKind::Subscript(obj, index) => {
                self.expr(obj)?;
                self.expr(index)?;
                self.emit(Op::DeleteSubscr);
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for i in items {
                    self.delete(i)?;
                }
            }
            _ => return Err(CompileError::syntax("can't delete expression", target.line)),
        }
        Ok(())
    }

    /// Compile a nested scope's body into a child unit; returns its index.
    fn child<T>(
        &mut self,
        node: &'a T,
        name: &str,
        build: impl FnOnce(&mut Compiler<'a, '_>) -> Result<(), CompileError>,
    ) -> Result<(u32, &'a Scope), CompileError> {
        let scope = self.table.scope_of(node);
        let mut inner = Compiler::new(self.table, scope, self.interner, self.mode, name);
        inner.line = self.line;
        inner.consts = self.consts.clone();
        inner.opt_level = self.opt_level;
        if inner.class_cell.is_none() && !scope.is_function {
            inner.class_cell = None;
        }
        build(&mut inner)?;
        let unit = inner.unit;
        self.unit.children.push(unit);
        Ok((self.unit.children.len() as u32 - 1, scope))
    }

    /// Push the closure tuple for a child scope: the cells of its free variables.
    fn closure(&mut self, scope: &Scope) -> bool {
        if scope.frees.is_empty() {
            return false;
        }
        for name in &scope.frees {
            match self.scope.place(name) {
                Place::Cell(i) => {
                    self.emit(Op::LoadClosure(i));
                }
                _ => {
                    // Only `__class__` can be missing here (a class body provides it).
                    self.emit(Op::LoadNone);
                }
            }
        }
        self.emit(Op::BuildTuple(scope.frees.len() as u32));
        true
    }

    /// The cast a viper function applies to what it returns (a pointer returns as its
    /// address).
    fn return_cast(&self) -> Option<&'static str> {
        match self.viper {
            Some(Some(a)) if a.starts_with("ptr") => Some("micropython.uint"),
            Some(Some(annotation)) => viper_cast(annotation),
            _ => None,
        }
    }

    /// The machine-word type (`"int"` or `"uint"`) of an expression in a viper function.
    fn viper_word(&self, e: &Expr) -> Option<&'static str> {
        self.viper?;
        match &e.kind {
            ExprKind::Name(n) => self
                .viper_words
                .iter()
                .rev()
                .find(|(v, _)| v == n)
                .map(|(_, t)| *t),
            ExprKind::Int(_) => Some("int"),
            ExprKind::Unary(UnaryOp::Neg | UnaryOp::Invert, a) => self.viper_word(a),
            ExprKind::Binary(_, a, b) => match (self.viper_word(a), self.viper_word(b)) {
                (Some("uint"), _) | (_, Some("uint")) => Some("uint"),
                (Some(_), Some(_)) => Some("int"),
                _ => None,
            },
            ExprKind::Call { func, .. } => match &func.kind {
                ExprKind::Name(n) if n == "uint" => Some("uint"),
                ExprKind::Name(n) if n == "int" => Some("int"),
                _ => None,
            },
            _ => None,
        }
    }

    /// The cast that keeps a machine-word result in range, for viper arithmetic.
    fn word_cast(&self, e: &Expr) -> Option<&'static str> {
        match self.viper_word(e)? {
            "uint" => Some("micropython.uint"),
            _ => Some("micropython.int"),
        }
    }

    /// Viper functions convert annotated arguments on entry (`x: ptr8`, `n: uint`).
    fn viper_prologue(&mut self, def: &'a FuncDef) {
        for p in def.params.iter().chain(def.kwonly.iter()) {
            match p.annotation.as_deref() {
                Some("int") => self.viper_words.push((&p.name, "int")),
                Some("uint") => self.viper_words.push((&p.name, "uint")),
                _ => {}
            }
            let Some(cast) = p.annotation.as_deref().and_then(viper_cast) else {
                continue;
            };
            let i = self.name_index(cast);
            self.emit(Op::LoadGlobal(i));
            self.load_name(&p.name);
            self.emit(Op::Call {
                args: 1,
                kwnames: NO_KW,
            });
            self.store_name(&p.name);
        }
    }

    fn function(&mut self, def: &'a FuncDef, viper: bool) -> Result<(), CompileError> {
        let mut flags = 0u8;
        let defaults: Vec<&Expr> = def
            .params
            .iter()
            .filter_map(|p| p.default.as_ref())
            .collect();
        if !defaults.is_empty() {
            for d in &defaults {
                self.expr(d)?;
            }
            self.emit(Op::BuildTuple(defaults.len() as u32));
            flags |= 1;
        }
        let kwdefaults: Vec<(&str, &Expr)> = def
            .kwonly
            .iter()
            .filter_map(|p| p.default.as_ref().map(|d| (p.name.as_str(), d)))
            .collect();
        if !kwdefaults.is_empty() {
            for (name, d) in &kwdefaults {
                self.constant(Const::Str(Rc::from(*name)));
                self.expr(d)?;
            }
            self.emit(Op::BuildMap(kwdefaults.len() as u32));
            flags |= 2;
        }
        let line = self.line;
        let (index, scope) = self.child(def, &def.name, |c| {
            c.line = def.line;
            c.unit.shape.n_params = def.params.len() as u32;
            c.unit.shape.n_kwonly = def.kwonly.len() as u32;
            c.unit.shape.has_varargs = def.varargs.as_ref().is_some_and(|v| !v.is_empty());
            c.unit.shape.has_varkw = def.varkw.is_some();
            let names: Vec<u32> = def
                .params
                .iter()
                .chain(def.kwonly.iter())
                .map(|p| c.interner.intern(&p.name))
                .collect();
            c.unit.shape.param_names = names;
            if viper {
                c.viper = Some(def.returns.as_deref());
                c.viper_prologue(def);
            }
            c.block(&def.body)?;
            let cast = c.return_cast();
            if let Some(cast) = cast {
                let i = c.name_index(cast);
                c.emit(Op::LoadGlobal(i));
            }
            c.emit(Op::LoadNone);
            if cast.is_some() {
                c.emit(Op::Call {
                    args: 1,
                    kwnames: NO_KW,
                });
            }
            c.emit(Op::Return);
            Ok(())
        })?;
        self.line = line;
        if self.closure(scope) {
            flags |= 4;
        }
        self.emit(Op::MakeFunction { code: index, flags });
        Ok(())
    }

    fn class(
        &mut self,
        stmt: &'a Stmt,
        name: &str,
        bases: &'a [Arg],
        body: &'a [Stmt],
    ) -> Result<(), CompileError> {
        let (index, scope) = self.child(stmt, name, |c| {
            c.unit.shape.uses_names = true;
            let (module, name_of_module) = (c.name_index("__module__"), c.name_index("__name__"));
            c.emit(Op::LoadName(name_of_module));
            c.emit(Op::StoreName(module));
            let qual = c.name_index("__qualname__");
            c.constant(Const::Str(Rc::from(name)));
            c.emit(Op::StoreName(qual));
            c.block(body)?;
            // The body returns its `__class__` cell (if a method uses `super()`), so that
            // the new class can be stored in it.
            match c.scope.place("__class__") {
                Place::Cell(i) => {
                    c.emit(Op::LoadClosure(i));
                }
                _ => {
                    c.emit(Op::LoadNone);
                }
            }
            c.emit(Op::Return);
            Ok(())
        })?;
        let flags = if self.closure(scope) { 4 } else { 0 };
        self.emit(Op::MakeFunction { code: index, flags });
        self.constant(Const::Str(Rc::from(name)));
        let mut n = 0;
        for b in bases {
            match b {
                Arg::Pos(e) => {
                    self.expr(e)?;
                    n += 1;
                }
                // Keyword arguments (metaclass=…) are accepted and ignored.
                Arg::Kw(..) => {}
                _ => return Err(CompileError::syntax("invalid syntax", stmt.line)),
            }
        }
        self.emit(Op::BuildTuple(n));
        self.line = stmt.line;
        self.emit(Op::MakeClass);
        Ok(())
    }

    fn jump_if_false(&mut self, test: &'a Expr) -> Result<usize, CompileError> {
        if let ExprKind::Unary(UnaryOp::Not, inner) = &test.kind {
            return self.jump_if_true(inner);
        }
        self.expr(test)?;
        Ok(self.emit(Op::PopJumpIfFalse(0)))
    }

    fn jump_if_true(&mut self, test: &'a Expr) -> Result<usize, CompileError> {
        if let ExprKind::Unary(UnaryOp::Not, inner) = &test.kind {
            return self.jump_if_false(inner);
        }
        self.expr(test)?;
        Ok(self.emit(Op::PopJumpIfTrue(0)))
    }

    // ---- expressions ----

    fn expr(&mut self, e: &'a Expr) -> Result<(), CompileError> {
        self.line = e.line;
        let folded = {
            let consts = self.consts.borrow();
            let env = |n: &str| {
                consts
                    .iter()
                    .rev()
                    .find(|(k, _)| &**k == n)
                    .map(|(_, c)| c.clone())
            };
            match &e.kind {
                // A name given a value by `const()` is that value.
                ExprKind::Name(n) if n == "__debug__" && self.opt_level >= 1 => {
                    Some(Const::Bool(false))
                }
                ExprKind::Name(n) => env(n),
                _ => fold_env(e, &env),
            }
        };
        if let Some(c) = folded {
            match c {
                Const::Int(i) if i32::try_from(i).is_ok() => {
                    self.emit(Op::LoadSmallInt(i as i32));
                }
                c => self.constant(c),
            }
            return Ok(());
        }
        match &e.kind {
            ExprKind::None => {
                self.emit(Op::LoadNone);
            }
            ExprKind::True => {
                self.emit(Op::LoadTrue);
            }
            ExprKind::False => {
                self.emit(Op::LoadFalse);
            }
            ExprKind::Ellipsis => self.constant(Const::Ellipsis),
            ExprKind::Int(_) => {
                return Err(CompileError::syntax("invalid syntax for integer", e.line));
            }
            ExprKind::Float(f) => self.constant(Const::Float(*f)),
            ExprKind::Imag(f) => self.constant(Const::Imag(*f)),
            ExprKind::Str(s) => self.constant(Const::Str(Rc::from(s.as_str()))),
            ExprKind::Bytes(b) => self.constant(Const::Bytes(Rc::from(b.as_slice()))),
            ExprKind::FString(parts) => self.fstring(parts)?,
            ExprKind::Name(n) => self.load_name(n),
            ExprKind::Binary(op, a, b) => {
                // Viper arithmetic on machine words wraps.
                let cast = self.word_cast(e);
                if let Some(c) = cast {
                    let i = self.name_index(c);
                    self.emit(Op::LoadGlobal(i));
                }
                self.expr(a)?;
                self.expr(b)?;
                self.line = e.line;
                self.emit(Op::Binary(*op));
                if cast.is_some() {
                    self.emit(Op::Call {
                        args: 1,
                        kwnames: NO_KW,
                    });
                }
            }
            ExprKind::Unary(op, a) => {
                self.expr(a)?;
                self.line = e.line;
                self.emit(Op::Unary(*op));
            }
            ExprKind::BoolOp { and, left, right } => {
                self.expr(left)?;
                let jump = self.emit(if *and {
                    Op::JumpIfFalseOrPop(0)
                } else {
                    Op::JumpIfTrueOrPop(0)
                });
                self.expr(right)?;
                self.patch(jump);
            }
            ExprKind::Compare { first, rest } => {
                self.expr(first)?;
                let mut cleanups = Vec::new();
                for (i, (op, operand)) in rest.iter().enumerate() {
                    self.expr(operand)?;
                    self.line = e.line;
                    if i + 1 < rest.len() {
                        self.emit(Op::Dup);
                        self.emit(Op::Rot3);
                        self.emit(Op::Compare(*op));
                        cleanups.push(self.emit(Op::JumpIfFalseOrPop(0)));
                    } else {
                        self.emit(Op::Compare(*op));
                    }
                }
                if !cleanups.is_empty() {
                    let to_end = self.emit(Op::Jump(0));
                    for c in cleanups {
                        self.patch(c);
                    }
                    self.emit(Op::Rot2);
                    self.emit(Op::Pop);
                    self.patch(to_end);
                }
            }
            ExprKind::Call { func, args } => self.call(func, args, e.line)?,
            ExprKind::IfExp { test, body, orelse } => {
                let to_else = self.jump_if_false(test)?;
                self.expr(body)?;
                let to_end = self.emit(Op::Jump(0));
                self.patch(to_else);
                self.expr(orelse)?;
                self.patch(to_end);
            }
            ExprKind::Attribute(obj, attr) => {
                self.expr(obj)?;
                self.line = e.line;
                let i = self.name_index(attr);
                self.emit(Op::LoadAttr(i));
            }
            ExprKind::Subscript(obj, index) => {
                self.expr(obj)?;
                self.expr(index)?;
                self.line = e.line;
                self.emit(Op::Subscr);
            }
            ExprKind::Slice(a, b, c) => {
                for part in [a, b] {
                    match part {
                        Some(p) => self.expr(p)?,
                        None => {
                            self.emit(Op::LoadNone);
                        }
                    }
                }
                match c {
                    Some(p) => {
                        self.expr(p)?;
                        self.emit(Op::BuildSlice(3));
                    }
                    None => {
                        self.emit(Op::BuildSlice(2));
                    }
                }
            }
            ExprKind::Tuple(items) => {
                let c = {
                    let consts = self.consts.borrow();
                    let env = |n: &str| {
                        consts
                            .iter()
                            .rev()
                            .find(|(k, _)| &**k == n)
                            .map(|(_, c)| c.clone())
                    };
                    const_of_env(e, &env)
                };
                if let Some(c @ Const::Tuple(_)) = c {
                    // A constant tuple is one shared object, not rebuilt each time.
                    self.constant(c);
                } else if items.iter().any(|i| matches!(i.kind, ExprKind::Starred(_))) {
                    self.starred_list(items)?;
                    self.emit(Op::ListToTuple);
                } else {
                    for i in items {
                        self.expr(i)?;
                    }
                    self.emit(Op::BuildTuple(items.len() as u32));
                }
            }
            ExprKind::List(items) => {
                if items.iter().any(|i| matches!(i.kind, ExprKind::Starred(_))) {
                    self.starred_list(items)?;
                } else {
                    for i in items {
                        self.expr(i)?;
                    }
                    self.emit(Op::BuildList(items.len() as u32));
                }
            }
            ExprKind::Set(items) => {
                self.emit(Op::BuildSet(0));
                for i in items {
                    match &i.kind {
                        ExprKind::Starred(inner) => {
                            self.expr(inner)?;
                            self.emit(Op::SetUpdate(1));
                        }
                        _ => {
                            self.expr(i)?;
                            self.emit(Op::SetAdd(1));
                        }
                    }
                }
            }
            ExprKind::Dict(items) => {
                self.emit(Op::BuildMap(0));
                for (k, v) in items {
                    match k {
                        Some(k) => {
                            self.expr(v)?;
                            self.expr(k)?;
                            self.emit(Op::MapAdd(2));
                        }
                        None => {
                            self.expr(v)?;
                            self.emit(Op::MapUpdate(1));
                        }
                    }
                }
            }
            ExprKind::Starred(_) => {
                return Err(CompileError::syntax(
                    "can't use starred expression here",
                    e.line,
                ));
            }
            ExprKind::Lambda(def) => self.function(def, false)?,
            ExprKind::Comp {
                kind,
                elt,
                value,
                fors,
            } => self.comprehension(e, *kind, elt, value.as_deref(), fors)?,
            ExprKind::Yield(v) => {
                match v {
                    Some(v) => self.expr(v)?,
                    None => {
                        self.emit(Op::LoadNone);
                    }
                }
                self.line = e.line;
                self.emit(Op::Yield);
            }
            ExprKind::YieldFrom(v) => {
                self.expr(v)?;
                self.line = e.line;
                self.emit(Op::GetIter);
                self.emit(Op::LoadNone);
                self.emit(Op::YieldFrom);
            }
            ExprKind::Await(v) => {
                self.expr(v)?;
                self.line = e.line;
                self.await_top();
            }
            ExprKind::Walrus(name, value) => {
                self.expr(value)?;
                self.emit(Op::Dup);
                self.store_name(name);
            }
        }
        Ok(())
    }

    /// A list from items some of which are `*starred`.
    fn starred_list(&mut self, items: &'a [Expr]) -> Result<(), CompileError> {
        self.emit(Op::BuildList(0));
        for i in items {
            match &i.kind {
                ExprKind::Starred(inner) => {
                    self.expr(inner)?;
                    self.emit(Op::ListExtend(1));
                }
                _ => {
                    self.expr(i)?;
                    self.emit(Op::ListAppend(1));
                }
            }
        }
        Ok(())
    }

    fn fstring(&mut self, parts: &'a [FPart]) -> Result<(), CompileError> {
        for p in parts {
            match p {
                FPart::Lit(s) => self.constant(Const::Str(Rc::from(s.as_str()))),
                FPart::Field { expr, conv, spec } => {
                    self.expr(expr)?;
                    let has_spec = !spec.is_empty();
                    if has_spec {
                        self.fstring(spec)?;
                    }
                    self.emit(Op::FormatValue {
                        conv: conv.map_or(0, |c| c as u8),
                        spec: has_spec,
                    });
                }
            }
        }
        if parts.is_empty() {
            self.constant(Const::Str(Rc::from("")));
        } else if parts.len() > 1 {
            self.emit(Op::BuildString(parts.len() as u32));
        } else if let FPart::Lit(_) = parts[0] {
        } else {
            // A lone field is already a str.
        }
        Ok(())
    }

    fn call(&mut self, func: &'a Expr, args: &'a [Arg], line: u32) -> Result<(), CompileError> {
        // Zero-argument super() inside a method: super(__class__, first argument).
        if let (ExprKind::Name(n), true) = (&func.kind, args.is_empty())
            && n == "super"
            && let Some(cell) = self.class_cell
            && !self.scope.locals.is_empty()
        {
            self.load_name("super");
            self.emit(Op::LoadDeref(cell));
            match self.scope.place(&self.scope.locals[0]) {
                Place::Local(i) => self.emit(Op::LoadFast(i)),
                Place::Cell(i) => self.emit(Op::LoadDeref(i)),
                _ => self.emit(Op::LoadNone),
            };
            self.line = line;
            self.emit(Op::Call {
                args: 2,
                kwnames: NO_KW,
            });
            return Ok(());
        }
        let simple = args.iter().all(|a| matches!(a, Arg::Pos(_) | Arg::Kw(..)));
        if simple {
            let method = match &func.kind {
                ExprKind::Attribute(obj, attr) => {
                    self.expr(obj)?;
                    self.line = func.line;
                    let i = self.name_index(attr);
                    self.emit(Op::LoadMethod(i));
                    true
                }
                _ => {
                    self.expr(func)?;
                    false
                }
            };
            let mut n = 0;
            let mut names = Vec::new();
            for a in args {
                match a {
                    Arg::Pos(e) => {
                        self.expr(e)?;
                        n += 1;
                    }
                    Arg::Kw(name, e) => {
                        self.expr(e)?;
                        names.push(Rc::from(name.as_str()));
                    }
                    _ => unreachable!("simple calls only"),
                }
            }
            let kwnames = self.kwnames(names);
            self.line = line;
            self.emit(if method {
                Op::CallMethod { args: n, kwnames }
            } else {
                Op::Call { args: n, kwnames }
            });
            return Ok(());
        }
        // General form: f(*args_tuple, **kwargs_dict).
        self.expr(func)?;
        self.emit(Op::BuildList(0));
        for a in args {
            match a {
                Arg::Pos(e) => {
                    self.expr(e)?;
                    self.emit(Op::ListAppend(1));
                }
                Arg::Star(e) => {
                    self.expr(e)?;
                    self.emit(Op::ListExtend(1));
                }
                _ => {}
            }
        }
        self.emit(Op::ListToTuple);
        let has_kw = args
            .iter()
            .any(|a| matches!(a, Arg::Kw(..) | Arg::StarStar(_)));
        if has_kw {
            self.emit(Op::BuildMap(0));
            for a in args {
                match a {
                    Arg::Kw(name, e) => {
                        self.constant(Const::Str(Rc::from(name.as_str())));
                        self.expr(e)?;
                        self.emit(Op::MapAddKw(2));
                    }
                    Arg::StarStar(e) => {
                        self.expr(e)?;
                        self.emit(Op::MapUpdateKw(1));
                    }
                    _ => {}
                }
            }
        }
        self.line = line;
        self.emit(Op::CallEx { kwargs: has_kw });
        Ok(())
    }

    fn comprehension(
        &mut self,
        node: &'a Expr,
        kind: CompKind,
        elt: &'a Expr,
        value: Option<&'a Expr>,
        fors: &'a [CompFor],
    ) -> Result<(), CompileError> {
        let name = match kind {
            CompKind::List => "<listcomp>",
            CompKind::Set => "<setcomp>",
            CompKind::Dict => "<dictcomp>",
            CompKind::Generator => "<genexpr>",
        };
        let line = self.line;
        let (index, scope) = self.child(node, name, |c| {
            c.unit.shape.n_params = 1;
            let dot0 = c.interner.intern(".0");
            c.unit.shape.param_names = alloc::vec![dot0];
            match kind {
                CompKind::List => {
                    c.emit(Op::BuildList(0));
                }
                CompKind::Set => {
                    c.emit(Op::BuildSet(0));
                }
                CompKind::Dict => {
                    c.emit(Op::BuildMap(0));
                }
                CompKind::Generator => {}
            }
            c.comp_loop(kind, elt, value, fors, 0)?;
            if kind == CompKind::Generator {
                c.emit(Op::LoadNone);
            }
            c.emit(Op::Return);
            Ok(())
        })?;
        self.line = line;
        let flags = if self.closure(scope) { 4 } else { 0 };
        self.emit(Op::MakeFunction { code: index, flags });
        self.expr(&fors[0].iter)?;
        self.emit(Op::GetIter);
        self.emit(Op::Call {
            args: 1,
            kwnames: NO_KW,
        });
        Ok(())
    }

    fn comp_loop(
        &mut self,
        kind: CompKind,
        elt: &'a Expr,
        value: Option<&'a Expr>,
        fors: &'a [CompFor],
        depth: usize,
    ) -> Result<(), CompileError> {
        let f = &fors[depth];
        if depth == 0 {
            self.emit(Op::LoadFast(0));
        } else {
            self.expr(&f.iter)?;
            self.emit(Op::GetIter);
        }
        let top = self.here();
        let exit = self.emit(Op::ForIter(0));
        self.store(&f.target)?;
        let mut skips = Vec::new();
        for cond in &f.ifs {
            skips.push(self.jump_if_false(cond)?);
        }
        if depth + 1 < fors.len() {
            self.comp_loop(kind, elt, value, fors, depth + 1)?;
        } else {
            // The container sits below one iterator per loop level.
            let below = (depth + 2) as u32;
            match kind {
                CompKind::List => {
                    self.expr(elt)?;
                    self.emit(Op::ListAppend(below));
                }
                CompKind::Set => {
                    self.expr(elt)?;
                    self.emit(Op::SetAdd(below));
                }
                CompKind::Dict => {
                    self.expr(value.expect("dict comprehension value"))?;
                    self.expr(elt)?;
                    self.emit(Op::MapAdd(below + 1));
                }
                CompKind::Generator => {
                    self.expr(elt)?;
                    self.emit(Op::Yield);
                    self.emit(Op::Pop);
                }
            }
        }
        for s in skips {
            self.patch(s);
        }
        self.emit(Op::Jump(top));
        self.patch(exit);
        Ok(())
    }
}

/// A decorator `@micropython.…`, which MicroPython's compiler reads as an emitter choice:
/// `Some(Some(name))` for `bytecode`, `native` and `viper`, `Some(None)` for any other (a
/// syntax error), `None` for an ordinary decorator.
fn emitter_decorator(e: &Expr) -> Option<Option<&str>> {
    let ExprKind::Attribute(obj, attr) = &e.kind else {
        return None;
    };
    let mut root = obj;
    let mut direct = true;
    while let ExprKind::Attribute(inner, _) = &root.kind {
        root = inner;
        direct = false;
    }
    if !matches!(&root.kind, ExprKind::Name(n) if n == "micropython") {
        return None;
    }
    Some(
        (direct && matches!(attr.as_str(), "bytecode" | "native" | "viper"))
            .then_some(attr.as_str()),
    )
}

/// Folded ints are at most this many bits; bigger ones are computed at run time.
const MAX_FOLDED_BITS: u64 = 1024;

/// Fold a numeric constant expression, or `None` if it isn't one (or would raise: the error
/// must happen at run time, on its line). `env` gives the values of names known at compile
/// time (`micropython.const`).
fn fold_env(e: &Expr, env: &dyn Fn(&str) -> Option<Const>) -> Option<Const> {
    let fold = |x: &Expr| fold_env(x, env);
    match &e.kind {
        ExprKind::Name(n) => match env(n)? {
            c @ (Const::Int(_) | Const::Float(_) | Const::Big(_)) => Some(c),
            _ => None,
        },
        ExprKind::Int(digits) => Some(match num::parse_literal(digits)? {
            Num::Int(i) => Const::Int(i),
            Num::Big(b) => Const::Big(b),
            Num::Float(f) => Const::Float(f),
        }),
        ExprKind::Float(f) => Some(Const::Float(*f)),
        ExprKind::Unary(UnaryOp::Neg, a) => match fold(a)? {
            Const::Int(i) => Some(
                i.checked_neg()
                    .map_or_else(|| Const::Big(Box::new(-BigInt::from(i))), Const::Int),
            ),
            Const::Float(f) => Some(Const::Float(-f)),
            Const::Big(b) => Some(match num::normalize(-*b) {
                Num::Int(i) => Const::Int(i),
                Num::Big(b) => Const::Big(b),
                Num::Float(f) => Const::Float(f),
            }),
            _ => None,
        },
        ExprKind::Unary(UnaryOp::Pos, a) => match fold(a)? {
            c @ (Const::Int(_) | Const::Float(_)) => Some(c),
            _ => None,
        },
        ExprKind::Binary(op, a, b) => {
            let x = fold(a)?;
            let y = fold(b)?;
            fn num(c: &Const) -> Option<NumRef<'_>> {
                match c {
                    Const::Int(i) => Some(NumRef::Int(*i)),
                    Const::Float(f) => Some(NumRef::Float(*f)),
                    Const::Big(b) => Some(NumRef::Big(b)),
                    _ => None,
                }
            }
            if *op == BinOp::MatMul {
                return None;
            }
            let bits = |c: &Const| match c {
                Const::Int(i) => u64::from(64 - i.unsigned_abs().leading_zeros()),
                Const::Big(b) => b.bits(),
                _ => 0,
            };
            // Powers and shifts of ints fold only when the result stays modest: a huge
            // constant must not be computed at compile time.
            if let (Const::Int(_) | Const::Big(_), Const::Int(b), BinOp::Pow | BinOp::LShift) =
                (&x, &y, op)
            {
                let result_bits = match op {
                    BinOp::Pow if *b < 0 => 0,
                    BinOp::Pow => bits(&x).saturating_mul(*b as u64),
                    _ if *b < 0 => return None,
                    _ => bits(&x).saturating_add(*b as u64),
                };
                if result_bits > MAX_FOLDED_BITS {
                    return None;
                }
            }
            let (a, b) = (num(&x)?, num(&y)?);
            if *op == BinOp::Pow && num::pow_is_complex(a, b) {
                return None; // complex: computed at run time
            }
            // Keep big results (e.g. 2**10000) out of the constant table: compute at run time.
            match num::arith(*op, a, b).ok()? {
                Num::Int(i) => Some(Const::Int(i)),
                Num::Float(f) => Some(Const::Float(f)),
                Num::Big(b) if b.bits() <= MAX_FOLDED_BITS => Some(Const::Big(b)),
                Num::Big(_) => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser;
    use alloc::format;

    fn ops(src: &str, mode: Mode) -> String {
        let ast = parser::parse(src).unwrap();
        let mut interner = Interner::default();
        let unit = compile(&ast, mode, &mut interner).unwrap();
        let parts: Vec<String> = unit.ops.iter().map(|op| format!("{op:?}")).collect();
        parts.join("; ")
    }

    #[test]
    fn folds_constants() {
        assert_eq!(
            ops("x = 2 * 3 + 1", Mode::File),
            "LoadSmallInt(7); StoreName(0); LoadNone; Return"
        );
        assert_eq!(
            ops("x = 1 / 0", Mode::File),
            "LoadSmallInt(1); LoadSmallInt(0); Binary(TrueDiv); StoreName(0); LoadNone; Return"
        );
    }

    #[test]
    fn single_mode_prints_expressions() {
        assert_eq!(
            ops("x", Mode::Single),
            "LoadName(0); PrintExpr; LoadNone; Return"
        );
    }

    #[test]
    fn functions_use_slots_and_cells() {
        let ast =
            parser::parse("def f(a):\n  b = a\n  def g():\n    return b\n  return g").unwrap();
        let mut interner = Interner::default();
        let unit = compile(&ast, Mode::File, &mut interner).unwrap();
        let f = &unit.children[0];
        let text: Vec<String> = f.ops.iter().map(|op| format!("{op:?}")).collect();
        assert_eq!(
            text.join("; "),
            "LoadFast(0); StoreDeref(1); LoadClosure(1); BuildTuple(1); MakeFunction { code: 0, flags: 4 }; StoreFast(2); LoadFast(2); Return; LoadNone; Return"
        );
        assert_eq!(f.shape.cell_slots, [1]);
        assert_eq!(f.children[0].shape.n_free, 1);
    }

    #[test]
    fn errors() {
        let err = |s: &str| {
            let ast = parser::parse(s).unwrap();
            compile(&ast, Mode::File, &mut Interner::default())
                .unwrap_err()
                .message
        };
        assert_eq!(err("break"), "'break' outside loop");
        assert_eq!(err("return 1"), "'return' outside function");
        assert_eq!(err("yield 1"), "'yield' outside function");
    }
}
