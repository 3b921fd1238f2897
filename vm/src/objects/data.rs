//! Built-in objects whose state is a Rust value: open files, `StringIO`, compiled regexes,
//! hashes, poll objects …
//!
//! Each is an [`Instance`] of a class made from a static [`ClassSpec`] (once per VM, on
//! first use), with its state in `Instance::data`. Its methods are natives in the class's
//! attributes, so special methods (`__iter__`, `__enter__` …) are found as for any instance,
//! and Python classes can derive from it.

use alloc::boxed::Box;
use core::any::Any;
use core::fmt::Debug;

use crate::error::PyErr;
use crate::gc::{Obj, ObjRef};
use crate::objects::class::{Instance, Tag};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, NativeFn, PResult};

/// The Rust state of a built-in object.
pub trait Data: Any + Debug {
    /// Call `f` on every heap value this object holds.
    fn trace(&self, f: &mut dyn FnMut(Value)) {
        let _ = f;
    }

    /// Heap bytes this object costs beyond its own size (buffers it owns).
    fn extra_size(&self) -> usize {
        0
    }

    /// The object whose bytes this object exposes through the buffer protocol (a
    /// `FrameBuffer`'s buffer), if any.
    fn buffer(&self) -> Option<Value> {
        None
    }

    /// Must [`Data::finalize`] run when the object is collected?
    fn has_finalizer(&self) -> bool {
        false
    }

    /// Release what the object holds outside the heap (an open file) when it is collected
    /// without having been closed.
    fn finalize(&mut self, platform: &mut dyn crate::Platform) {
        let _ = platform;
    }
}

/// A built-in class of [`Data`] objects.
pub struct ClassSpec {
    pub name: &'static str,
    pub base: Option<&'static ClassSpec>,
    pub methods: &'static [Native],
    /// The constructor, called with the arguments of `Class(...)`; `None` if Python code
    /// can't make instances itself (a file comes from `open`).
    pub make: Option<NativeFn>,
}

impl Interp {
    /// The class made from `spec`, created on first use.
    pub(crate) fn data_class(&mut self, spec: &'static ClassSpec) -> ObjRef {
        let key = spec as *const ClassSpec as usize;
        if let Some(c) = self.data_classes.get(&key) {
            return *c;
        }
        let base = match spec.base {
            Some(b) => self.data_class(b),
            None => self.types.object,
        };
        let class = crate::types::class(self, spec.name, &[base], Tag::Data);
        crate::types::add_methods(self, class, spec.methods);
        if let Obj::Class(c) = self.gc.heap.get_mut(class) {
            c.make = spec.make;
        }
        self.data_classes.insert(key, class);
        self.invalidate_type_cache();
        class
    }

    /// A new object of the class of `spec` holding `data`.
    pub(crate) fn new_data(&mut self, spec: &'static ClassSpec, data: impl Data) -> PResult<Value> {
        let class = self.data_class(spec);
        let mut inst = Instance::new(class);
        inst.data = Some(Box::new(data));
        self.alloc(Obj::Instance(Box::new(inst)))
    }

    /// The state of `v` if it is a `T`.
    pub(crate) fn data_ref<T: Data>(&self, v: Value) -> Option<&T> {
        let Value::Obj(r) = v else { return None };
        match self.gc.heap.get(r) {
            Obj::Instance(i) => {
                let d: &dyn Any = i.data.as_deref()?;
                d.downcast_ref()
            }
            _ => None,
        }
    }

    /// The state of `v`, mutably, if it is a `T`.
    pub(crate) fn data_mut<T: Data>(&mut self, v: Value) -> Option<&mut T> {
        let Value::Obj(r) = v else { return None };
        match self.gc.heap.get_mut(r) {
            Obj::Instance(i) => {
                let d: &mut dyn Any = i.data.as_deref_mut()?;
                d.downcast_mut()
            }
            _ => None,
        }
    }

    /// The receiver of a native method (argument 0) as a `T`, or a `TypeError`.
    pub(crate) fn this<T: Data>(&mut self, a: Args) -> PResult<&mut T> {
        let v = self.arg(a, 0);
        if self.data_ref::<T>(v).is_none() {
            return Err(PyErr::type_error(alloc::format!(
                "unexpected '{}' object as self",
                self.type_name(v)
            )));
        }
        Ok(self.data_mut::<T>(v).expect("checked above"))
    }

    /// Account for a data object whose buffers grew or shrank.
    pub(crate) fn data_resized(&mut self, v: Value) {
        if let Value::Obj(r) = v {
            self.gc.heap.resize(r);
        }
    }

    /// The native constructor of a class of data objects or of a lazy iterator (`map`):
    /// its own or a base's.
    pub(crate) fn data_constructor(&self, class: ObjRef) -> Option<NativeFn> {
        let Obj::Class(c) = self.gc.heap.get(class) else {
            return None;
        };
        c.mro.iter().find_map(|k| match self.gc.heap.get(*k) {
            Obj::Class(kc) => kc.make,
            _ => None,
        })
    }
}
