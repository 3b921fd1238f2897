//! Syntax tree → bytecode. Names are interned to ids, constant expressions are folded, and
//! constants are collected host-side ([`Const`]) for the VM to place in its heap.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::vec::Vec;
use num_bigint::BigInt;

use crate::Mode;
use crate::ast::*;
use crate::bytecode::Op;
use crate::error::CompileError;
use crate::objects::int::{self, Num, NumRef};

/// A constant as the compiler knows it; the VM turns each into a [`crate::value::Value`].
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    Int(i64),
    Big(Box<BigInt>),
    Float(f64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
}

/// The compiled unit before its constants are materialised.
#[derive(Debug, Default)]
pub struct Unit {
    pub ops: Vec<Op>,
    pub lines: Vec<u32>,
    pub consts: Vec<Const>,
    pub names: Vec<u32>,
}

/// Names → small ids, shared by the compiler and the VM's globals and builtins.
#[derive(Default)]
pub struct Interner {
    map: hashbrown::HashMap<Rc<str>, u32>,
    names: Vec<Rc<str>>,
}

impl Interner {
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(id) = self.map.get(name) {
            return *id;
        }
        let id = self.names.len() as u32;
        let rc: Rc<str> = Rc::from(name);
        self.names.push(rc.clone());
        self.map.insert(rc, id);
        id
    }

    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }
}

pub fn compile(body: &[Stmt], mode: Mode, interner: &mut Interner) -> Result<Unit, CompileError> {
    let mut c = Compiler {
        unit: Unit::default(),
        interner,
        mode,
        loops: Vec::new(),
        line: 1,
    };
    for stmt in body {
        c.stmt(stmt)?;
    }
    c.emit(Op::ReturnNone);
    Ok(c.unit)
}

struct Loop {
    continue_to: u32,
    breaks: Vec<usize>,
}

struct Compiler<'a> {
    unit: Unit,
    interner: &'a mut Interner,
    mode: Mode,
    loops: Vec<Loop>,
    line: u32,
}

impl Compiler<'_> {
    fn emit(&mut self, op: Op) -> usize {
        self.unit.ops.push(op);
        self.unit.lines.push(self.line);
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
            | Op::JumpIfTrueOrPop(t) => *t = target,
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

    fn constant(&mut self, c: Const) {
        let index = match self.unit.consts.iter().position(|k| same_const(k, &c)) {
            Some(i) => i,
            None => {
                self.unit.consts.push(c);
                self.unit.consts.len() - 1
            }
        };
        self.emit(Op::LoadConst(index as u32));
    }

    fn stmt(&mut self, s: &Stmt) -> Result<(), CompileError> {
        self.line = s.line;
        match &s.kind {
            StmtKind::Expr(e) => {
                self.expr(e)?;
                self.line = s.line;
                self.emit(if self.mode == Mode::Single {
                    Op::PrintExpr
                } else {
                    Op::Pop
                });
            }
            StmtKind::Assign { targets, value } => {
                self.expr(value)?;
                for (i, t) in targets.iter().enumerate() {
                    if i + 1 < targets.len() {
                        self.emit(Op::Dup);
                    }
                    self.store(t)?;
                }
            }
            StmtKind::AugAssign { target, op, value } => {
                self.expr(target)?;
                self.expr(value)?;
                self.line = s.line;
                self.emit(Op::InPlace(*op));
                self.store(target)?;
            }
            StmtKind::If { test, body, orelse } => {
                self.expr(test)?;
                let to_else = self.emit(Op::PopJumpIfFalse(0));
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
                self.expr(test)?;
                let to_else = self.emit(Op::PopJumpIfFalse(0));
                self.loops.push(Loop {
                    continue_to: top,
                    breaks: Vec::new(),
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
            StmtKind::Pass => {}
            StmtKind::Break => {
                if self.loops.is_empty() {
                    return Err(CompileError::syntax("'break' outside loop", s.line));
                }
                let at = self.emit(Op::Jump(0));
                self.loops.last_mut().expect("checked").breaks.push(at);
            }
            StmtKind::Continue => {
                let Some(l) = self.loops.last() else {
                    return Err(CompileError::syntax("'continue' outside loop", s.line));
                };
                let to = l.continue_to;
                self.emit(Op::Jump(to));
            }
        }
        Ok(())
    }

    fn block(&mut self, body: &[Stmt]) -> Result<(), CompileError> {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn store(&mut self, target: &Expr) -> Result<(), CompileError> {
        match &target.kind {
            ExprKind::Name(n) => {
                let i = self.name_index(n);
                self.emit(Op::StoreName(i));
                Ok(())
            }
            _ => Err(CompileError::syntax(
                "can't assign to expression",
                target.line,
            )),
        }
    }

    fn expr(&mut self, e: &Expr) -> Result<(), CompileError> {
        self.line = e.line;
        if let Some(c) = fold(e) {
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
            ExprKind::Int(_) => {
                return Err(CompileError::syntax("invalid syntax for integer", e.line));
            }
            ExprKind::Float(f) => self.constant(Const::Float(*f)),
            ExprKind::Str(s) => self.constant(Const::Str(Rc::from(s.as_str()))),
            ExprKind::Bytes(b) => self.constant(Const::Bytes(Rc::from(b.as_slice()))),
            ExprKind::Name(n) => {
                let i = self.name_index(n);
                self.emit(Op::LoadName(i));
            }
            ExprKind::Binary(op, a, b) => {
                self.expr(a)?;
                self.expr(b)?;
                self.line = e.line;
                self.emit(Op::Binary(*op));
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
            ExprKind::Call { func, args, kwargs } => {
                self.expr(func)?;
                for a in args {
                    self.expr(a)?;
                }
                for (name, value) in kwargs {
                    self.constant(Const::Str(Rc::from(name.as_str())));
                    self.expr(value)?;
                }
                self.line = e.line;
                self.emit(Op::Call {
                    args: args.len() as u16,
                    kwargs: kwargs.len() as u16,
                });
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.expr(test)?;
                let to_else = self.emit(Op::PopJumpIfFalse(0));
                self.expr(body)?;
                let to_end = self.emit(Op::Jump(0));
                self.patch(to_else);
                self.expr(orelse)?;
                self.patch(to_end);
            }
        }
        Ok(())
    }
}

fn same_const(a: &Const, b: &Const) -> bool {
    match (a, b) {
        // Bitwise, so that 0.0 and -0.0 stay distinct.
        (Const::Float(x), Const::Float(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

/// Fold a numeric constant expression, or `None` if it isn't one (or would raise: the error
/// must happen at run time, on its line).
fn fold(e: &Expr) -> Option<Const> {
    match &e.kind {
        ExprKind::Int(digits) => Some(match int::parse_literal(digits)? {
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
            Const::Big(b) => Some(match int::normalize(-*b) {
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
            let num = |c: &Const| match c {
                Const::Int(i) => Some(NumRef::Int(*i)),
                Const::Float(f) => Some(NumRef::Float(*f)),
                _ => None,
            };
            // Keep big results (e.g. 2**10000) out of the constant table: compute at run time.
            match int::arith(*op, num(&x)?, num(&y)?).ok()? {
                Num::Int(i) => Some(Const::Int(i)),
                Num::Float(f) => Some(Const::Float(f)),
                Num::Big(_) => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{lexer, parser};
    use alloc::format;
    use alloc::string::String;

    fn ops(src: &str, mode: Mode) -> String {
        let ast = parser::parse(lexer::tokenize(src).unwrap()).unwrap();
        let mut interner = Interner::default();
        let unit = compile(&ast, mode, &mut interner).unwrap();
        let parts: Vec<String> = unit.ops.iter().map(|op| format!("{op:?}")).collect();
        parts.join("; ")
    }

    #[test]
    fn folds_constants() {
        assert_eq!(
            ops("x = 2 * 3 + 1", Mode::File),
            "LoadSmallInt(7); StoreName(0); ReturnNone"
        );
        assert_eq!(
            ops("x = 1 / 0", Mode::File),
            "LoadSmallInt(1); LoadSmallInt(0); Binary(TrueDiv); StoreName(0); ReturnNone"
        );
        assert_eq!(ops("-2.5", Mode::File), "LoadConst(0); Pop; ReturnNone");
    }

    #[test]
    fn single_mode_prints_expressions() {
        assert_eq!(ops("x", Mode::Single), "LoadName(0); PrintExpr; ReturnNone");
    }

    #[test]
    fn while_loop_and_break() {
        assert_eq!(
            ops("while x:\n  break\n", Mode::File),
            "LoadName(0); PopJumpIfFalse(4); Jump(4); Jump(0); ReturnNone"
        );
    }

    #[test]
    fn chained_comparison_evaluates_middle_once() {
        assert_eq!(
            ops("a < b < c", Mode::File),
            "LoadName(0); LoadName(1); Dup; Rot3; Compare(Lt); JumpIfFalseOrPop(9); LoadName(2); Compare(Lt); Jump(11); Rot2; Pop; Pop; ReturnNone"
        );
    }

    #[test]
    fn break_outside_loop() {
        let ast = parser::parse(lexer::tokenize("break").unwrap()).unwrap();
        let err = compile(&ast, Mode::File, &mut Interner::default()).unwrap_err();
        assert_eq!(err.message, "'break' outside loop");
    }
}
