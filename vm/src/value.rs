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

/// A reference to a heap object: an index into the slot table. In debug builds it also
/// carries the slot's generation (bumped each time the slot is freed), so a reference that
/// outlived its object (a value native code forgot to root across a collection) fails loudly
/// where it is used instead of reading whatever took the slot over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ObjRef {
    index: u32,
    #[cfg(debug_assertions)]
    generation: u32,
}

impl ObjRef {
    /// Not an object: a placeholder before initialisation.
    pub const NULL: ObjRef = ObjRef::new(u32::MAX, 0);

    /// The reference to slot `index` in its `generation` (ignored in release builds).
    #[allow(unused_variables)]
    pub(crate) const fn new(index: u32, generation: u32) -> ObjRef {
        ObjRef {
            index,
            #[cfg(debug_assertions)]
            generation,
        }
    }

    /// The slot number, for `id()`.
    pub fn index(self) -> u32 {
        self.index
    }

    /// The slot's generation when the reference was made (debug builds).
    #[cfg(debug_assertions)]
    pub(crate) fn generation(self) -> u32 {
        self.generation
    }
}
