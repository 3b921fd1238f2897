//! The one value type of the VM: 16 bytes, `Copy`, with `None`, booleans, small integers,
//! floats and built-in functions unboxed, and everything else a reference into the GC heap.
//! A leaf: it depends on nothing else in the VM, so the compiler and errors can hold values.

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Value {
    #[default]
    None,
    Bool(bool),
    /// A small int. Results that leave the `i64` range become heap big ints.
    Int(i64),
    Float(f64),
    /// A built-in function (or any native), by its index in the VM's table of natives.
    Builtin(u16),
    Obj(ObjRef),
    /// Never visible to Python: an unbound local slot, or "no self" beside a method on the stack.
    Undef,
}

const _: () = assert!(core::mem::size_of::<Value>() <= 16);

/// A reference to a heap object: an index into the slot table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ObjRef(pub(crate) u32);

impl ObjRef {
    /// Not an object: a placeholder before initialisation.
    pub const NULL: ObjRef = ObjRef(u32::MAX);

    /// The slot number, for `id()`.
    pub fn index(self) -> u32 {
        self.0
    }
}
