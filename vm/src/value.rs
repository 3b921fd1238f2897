//! The one value type of the VM: 16 bytes, `Copy`, with `None`, booleans, small integers,
//! floats and built-in functions unboxed, and everything else a reference into the GC heap.

use crate::gc::ObjRef;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Value {
    #[default]
    None,
    Bool(bool),
    /// A small int. Results that leave the `i64` range become heap big ints.
    Int(i64),
    Float(f64),
    /// A built-in function, by its index in [`crate::builtins::BUILTINS`].
    Builtin(u16),
    Obj(ObjRef),
    /// Never visible to Python: an unbound local slot, or "no self" beside a method on the stack.
    Undef,
}

const _: () = assert!(core::mem::size_of::<Value>() <= 16);
