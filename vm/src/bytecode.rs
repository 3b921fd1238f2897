//! The instruction set: one table of every opcode, its operand and its stack effect.
//!
//! The VM is a stack machine. Operands are indexes into the code object's constant and name
//! tables, or absolute jump targets. `[a b] -> [c]` below reads: pops `b` (top) and `a`,
//! pushes `c`.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use crate::ast::{BinOp, CmpOp, UnaryOp};
use crate::value::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `[] -> [consts[i]]`
    LoadConst(u32),
    /// `[] -> [None]`, `[True]`, `[False]`: the singletons need no constant slot.
    LoadNone,
    LoadTrue,
    LoadFalse,
    /// `[] -> [small int]` for values that fit in the operand.
    LoadSmallInt(i32),
    /// `[] -> [globals[names[i]]]`, falling back to builtins; `NameError` if absent.
    LoadName(u32),
    /// `[v] -> []`, `globals[names[i]] = v`.
    StoreName(u32),
    /// `[v] -> []`
    Pop,
    /// `[v] -> [v v]`
    Dup,
    /// `[a b] -> [b a]`
    Rot2,
    /// `[a b c] -> [c a b]`
    Rot3,
    /// `[a b] -> [a op b]`
    Binary(BinOp),
    /// `[a b] -> [a op= b]` (in-place where the type supports it).
    InPlace(BinOp),
    /// `[a] -> [op a]`
    Unary(UnaryOp),
    /// `[a b] -> [a op b]`
    Compare(CmpOp),
    /// `pc = target`; a backward jump polls the interrupt flag.
    Jump(u32),
    /// `[v] -> []`, jump if `v` is false.
    PopJumpIfFalse(u32),
    /// `[v] -> []`, jump if `v` is true.
    PopJumpIfTrue(u32),
    /// `[v] -> [v]` and jump if false, else `[v] -> []` (for `and`).
    JumpIfFalseOrPop(u32),
    /// `[v] -> [v]` and jump if true, else `[v] -> []` (for `or`).
    JumpIfTrueOrPop(u32),
    /// `[f a1..an k1 v1..km vm] -> [f(a.., k=v..)]`: `n` positional, `m` keyword (names are
    /// string constants pushed before each value).
    Call {
        args: u16,
        kwargs: u16,
    },
    /// `[v] -> []`: REPL echo; prints `repr(v)` unless it is `None`.
    PrintExpr,
    /// Leave the frame returning `None`.
    ReturnNone,
}

/// A compiled unit: a module body for now, functions later.
#[derive(Debug)]
pub struct Code {
    pub name: String,
    pub file: Rc<str>,
    pub ops: Vec<Op>,
    /// Source line of each op, for tracebacks.
    pub lines: Vec<u32>,
    pub consts: Vec<Value>,
    /// Interned ids of the names used by `LoadName` / `StoreName`.
    pub names: Vec<u32>,
}
