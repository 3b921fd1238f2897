//! Functions defined in Python, their closures, and generators (a suspended frame).

use alloc::rc::Rc;
use alloc::vec::Vec;

use crate::bytecode::Code;
use crate::gc::ObjRef;
use crate::value::Value;

#[derive(Debug)]
pub struct Function {
    pub code: Rc<Code>,
    /// The module whose globals the body sees.
    pub module: ObjRef,
    /// Defaults of the last positional parameters.
    pub defaults: Vec<Value>,
    /// Defaults of keyword-only parameters, by interned name.
    pub kwdefaults: Vec<(u32, Value)>,
    /// Cells captured from enclosing functions, in the order of `code.n_free`.
    pub closure: Vec<Value>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenState {
    Created,
    Suspended,
    Running,
    Done,
}

/// A generator: its frame's slots and operand stack are kept here while suspended.
#[derive(Debug)]
pub struct Generator {
    pub func: Value,
    pub code: Rc<Code>,
    pub module: ObjRef,
    pub saved: Vec<Value>,
    pub pc: usize,
    pub state: GenState,
    /// Depth of the handler stack entries saved with the frame.
    pub handlers: Vec<(u32, u32)>,
    /// What `pend_throw` asked to raise at the next resume (`None`: nothing).
    pub pending: Value,
}
