//! The instruction set: one table of every opcode, its operand and its stack effect.
//!
//! The VM is a stack machine. A frame's local slots sit at the bottom of its stack region;
//! operands are slot numbers, indexes into the code object's constant and name tables, or
//! absolute jump targets. `[a b] -> [c]` reads: pops `b` (top) and `a`, pushes `c`.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use crate::ast::{BinOp, CmpOp, UnaryOp};
use crate::value::Value;

/// "No keyword arguments" in a call's `kwnames` operand.
pub const NO_KW: u16 = u16::MAX;

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
    /// `[] -> [slot i]`; `UnboundLocalError` if unset.
    LoadFast(u32),
    /// `[v] -> []`, slot i = v.
    StoreFast(u32),
    DeleteFast(u32),
    /// `[] -> [cell in slot i].contents`
    LoadDeref(u32),
    /// `[v] -> []`, cell in slot i gets v.
    StoreDeref(u32),
    /// Unbind the variable held in the cell in slot i.
    DeleteDeref(u32),
    /// `[] -> [the cell object in slot i]` (to build a closure).
    LoadClosure(u32),
    /// `[] -> [globals[names[i]] or builtins]`; `NameError` if absent.
    LoadGlobal(u32),
    StoreGlobal(u32),
    DeleteGlobal(u32),
    /// Class bodies: the class namespace, then globals, then builtins.
    LoadName(u32),
    StoreName(u32),
    DeleteName(u32),
    /// `[o] -> [o.names[i]]`
    LoadAttr(u32),
    /// `[v o] -> []`, `o.names[i] = v`
    StoreAttr(u32),
    DeleteAttr(u32),
    /// `[o] -> [f self]` for a method found on the type, else `[o.name Undef]`.
    LoadMethod(u32),
    /// `[o i] -> [o[i]]`
    Subscr,
    /// `[v o i] -> []`, `o[i] = v`
    StoreSubscr,
    /// `[o i] -> []`
    DeleteSubscr,
    /// `[v] -> []`
    Pop,
    /// `[v] -> [v v]`
    Dup,
    /// `[a b] -> [a b a b]`
    Dup2,
    /// `[a b] -> [b a]`
    Rot2,
    /// `[a b c] -> [c a b]`
    Rot3,
    /// `[a b] -> [a op b]`
    Binary(BinOp),
    /// `[a b] -> [a op= b]` (in place where the type supports it).
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
    /// `[o] -> [iter(o)]`
    GetIter,
    /// `[it] -> [it next(it)]`, or `[it] -> []` and jump when it is exhausted.
    ForIter(u32),
    /// `[o] -> [a b c]`: the three-slot state of a `for` loop over `o`, made without
    /// allocating for ranges, tuples, lists, bytes, bytearrays, dicts and sets (see
    /// [`Op::ForNext`]); other iterables get an iterator object.
    ForStart,
    /// `[start stop step] -> [a b c]`: the state of `for x in range(start, stop, step)`,
    /// with no range object.
    ForRange,
    /// `[a b c] -> [a' b c next]`, or `[a b c] -> []` and jump when the loop is done.
    /// States: `[int i, int stop, int step]` a range; `[seq, int index, Undef]` a built-in
    /// sequence, dict or set by position; `[iterator, Undef, Undef]` anything else.
    ForNext(u32),
    /// `[items…] -> [tuple]` of the top n.
    BuildTuple(u32),
    BuildList(u32),
    BuildSet(u32),
    /// `[k1 v1 … kn vn] -> [dict]`
    BuildMap(u32),
    /// `[a b] -> [slice(a, b)]` or `[a b c] -> [slice(a, b, c)]`
    BuildSlice(u32),
    /// `[s1 … sn] -> [s1 + … + sn]` (f-strings)
    BuildString(u32),
    /// `[list … v] -> [list … ]` with `v` appended to the list `n` below the top.
    ListAppend(u32),
    /// `[list … it] -> [list …]` extended with `it`.
    ListExtend(u32),
    SetAdd(u32),
    /// `[set … it] -> [set …]` updated from `it`.
    SetUpdate(u32),
    /// `[dict … v k] -> [dict …]` (the value is evaluated before the key, as on
    /// MicroPython)
    MapAdd(u32),
    /// `[dict … m] -> [dict …]` updated from mapping `m`.
    MapUpdate(u32),
    /// As `MapAdd` (but `[dict … k v]`) / `MapUpdate`, where a key already present is an
    /// error (keyword arguments of a call: `f(a=1, **{'a': 2})`).
    MapAddKw(u32),
    MapUpdateKw(u32),
    /// `[list] -> [tuple]`
    ListToTuple,
    /// `[seq] -> [item n-1 … item 0]` (first item on top).
    UnpackSequence(u32),
    /// `[seq] -> [after… list before…]` with `before` items, a starred list, `after` items.
    UnpackEx {
        before: u16,
        after: u16,
    },
    /// `[v] -> [format(v)]` or `[v spec] -> [format(v, spec)]`; `conv` is 0, b'r', b's' or b'a'.
    FormatValue {
        conv: u8,
        spec: bool,
    },
    /// `[f a1…an k1…km] -> [f(…)]`: `n` positional, then keyword values named by the tuple
    /// constant `kwnames` (or none if it is [`NO_KW`]).
    Call {
        args: u16,
        kwnames: u16,
    },
    /// `[f self a1…an k…] -> [result]` after [`Op::LoadMethod`]; `self` may be `Undef`.
    CallMethod {
        args: u16,
        kwnames: u16,
    },
    /// `[f args-tuple] -> [f(*args)]` or `[f args kwargs] -> [f(*args, **kwargs)]`.
    CallEx {
        kwargs: bool,
    },
    /// `[defaults? kwdefaults? closure?] -> [function]` from the code constant `code`; `flags`
    /// bit 0: defaults tuple, bit 1: kwdefaults dict, bit 2: closure tuple.
    MakeFunction {
        code: u32,
        flags: u8,
    },
    /// `[body-function name bases-tuple] -> [class]`: runs the body in a new namespace.
    MakeClass,
    /// `[v] -> []`: REPL echo; prints `repr(v)` unless it is `None`.
    PrintExpr,
    /// `[v] -> return v`
    Return,
    /// `[v] -> [sent]`: suspend a generator.
    Yield,
    /// `[iterable] -> [result]`: delegate to a sub-iterator until it is exhausted.
    YieldFrom,
    /// Enter a `try … except` region: an exception inside jumps to `target` with the operand
    /// stack cut back to its depth here and the exception pushed.
    SetupExcept(u32),
    /// Enter a `try … finally` (or `with`) region; same mechanism.
    SetupFinally(u32),
    /// Leave the innermost region normally.
    PopBlock,
    /// `[] -> raise`: 0 re-raises the exception being handled; 1 `[exc]`; 2 `[exc cause]`.
    Raise(u8),
    /// `[exc] -> []`: leave an `except` block (the exception is no longer being handled).
    PopExcept,
    /// `[exc] -> raise exc again` (end of an unmatched handler chain or a `finally`).
    Reraise,
    /// `[exc cls] -> [exc bool]` does `exc` match the `except` clause's class(es)?
    ExcMatch,
    /// `[fromlist level] -> [module]` imports `names[i]`.
    ImportName(u32),
    /// `[module] -> [module attr]`
    ImportFrom(u32),
    /// `[module] -> []` binds every public name of the module in the current namespace.
    ImportStar,
    /// `[ctx] -> [exit enter_result]`
    SetupWith,
    /// `[exit exc] -> [exc suppress?]` calls `exit(type, exc, None)`.
    WithExcept,
    /// `[exit] -> []` calls `exit(None, None, None)`.
    WithExit,
    /// `[o] -> [awaitable iterator of o]` for `await`.
    GetAwaitable,
    /// `[exit] -> [exit(None, None, None)]` (the result not yet awaited: `async with`).
    WithExitCall,
    /// `[exit exc] -> [exc exit(type(exc), exc, None)]` (not yet awaited: `async with`).
    WithExceptCall,
    /// Unused placeholder (a jump target at the end of a unit).
    Nop,
}

/// What a unit's frame looks like: its parameters and slots, and how it runs. Shared by
/// the compiler's [`crate::compiler::Unit`] and the VM's [`Code`].
#[derive(Clone, Debug, Default)]
pub struct Shape {
    /// Positional parameters (including those with defaults).
    pub n_params: u32,
    /// Keyword-only parameters, after the positional ones.
    pub n_kwonly: u32,
    pub has_varargs: bool,
    pub has_varkw: bool,
    /// Interned names of the parameters, in slot order (positional, keyword-only, *, **).
    pub param_names: Vec<u32>,
    /// Slots in all: locals, then cells captured from outside (`n_free` of them).
    pub n_slots: u32,
    pub n_free: u32,
    /// Local slots that hold cells (captured by inner functions).
    pub cell_slots: Vec<u32>,
    pub is_generator: bool,
    /// Module level or class body: names live in a namespace, not in slots.
    pub uses_names: bool,
}

/// The source line of each op, kept as runs (the first op of each run and its line), as
/// consecutive ops mostly share a line: a few bytes per line of source, not four per op.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineTable {
    runs: Vec<(u32, u32)>,
}

impl LineTable {
    /// Op `at` (the next one emitted) is on `line`.
    pub fn push(&mut self, at: u32, line: u32) {
        match self.runs.last() {
            Some(&(_, last)) if last == line => {}
            _ => self.runs.push((at, line)),
        }
    }

    /// The line of op `at` (0 before the first op).
    pub fn line(&self, at: usize) -> u32 {
        let i = self
            .runs
            .partition_point(|&(start, _)| start as usize <= at);
        i.checked_sub(1).map_or(0, |i| self.runs[i].1)
    }

    /// Give back what the table grew by and does not use.
    pub fn shrink_to_fit(&mut self) {
        self.runs.shrink_to_fit();
    }
}

/// A compiled unit: a module body, a function, a class body or a comprehension.
#[derive(Debug, Default)]
pub struct Code {
    pub name: String,
    pub file: Rc<str>,
    pub ops: Vec<Op>,
    /// Source line of each op, for tracebacks.
    pub lines: LineTable,
    pub consts: Vec<Value>,
    /// Interned ids of the names used by name and attribute instructions.
    pub names: Vec<u32>,
    /// Code objects of nested functions, classes and comprehensions.
    pub children: Vec<Rc<Code>>,
    pub shape: Shape,
}

impl Code {
    /// Call `f` on every heap value this code holds: its constants and those of the code
    /// nested in it (which a function made later from that code will need).
    pub fn trace(&self, f: &mut dyn FnMut(Value)) {
        self.consts.iter().for_each(|v| f(*v));
        for child in &self.children {
            child.trace(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::LineTable;

    #[test]
    fn a_line_table_gives_each_op_its_line() {
        let mut t = LineTable::default();
        for (at, line) in [(0, 3), (1, 3), (2, 4), (3, 4), (4, 4), (5, 2), (6, 9)] {
            t.push(at, line);
        }
        let lines: alloc::vec::Vec<u32> = (0..8).map(|at| t.line(at)).collect();
        assert_eq!(lines, [3, 3, 4, 4, 4, 2, 9, 9]);
        assert_eq!(t.runs.len(), 4, "one entry per run");
        assert_eq!(LineTable::default().line(5), 0);
    }
}
