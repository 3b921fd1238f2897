//! `property`, `classmethod` and `staticmethod`: constructors and methods.

use crate::error::PyErr;
use crate::gc::Obj;
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

pub(crate) fn property_parts(vm: &Interp, v: Value) -> PResult<(Value, Value, Value)> {
    match v {
        Value::Obj(r) => match vm.gc.heap.get(r) {
            Obj::Property(g, s, d) => Ok((*g, *s, *d)),
            _ => Err(PyErr::type_error("descriptor requires a 'property' object")),
        },
        _ => Err(PyErr::type_error("descriptor requires a 'property' object")),
    }
}

pub(crate) fn property_getter(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (_, s, d) = property_parts(vm, vm.arg(a, 0))?;
    vm.alloc(Obj::Property(vm.arg(a, 1), s, d))
}

pub(crate) fn property_setter(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (g, _, d) = property_parts(vm, vm.arg(a, 0))?;
    vm.alloc(Obj::Property(g, vm.arg(a, 1), d))
}

pub(crate) fn property_deleter(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (g, s, _) = property_parts(vm, vm.arg(a, 0))?;
    vm.alloc(Obj::Property(g, s, vm.arg(a, 1)))
}

pub(crate) const PROPERTY: &[Native] = &[
    Native::new("getter", property_getter).args(2, 2),
    Native::new("setter", property_setter).args(2, 2),
    Native::new("deleter", property_deleter).args(2, 2),
];

pub(crate) fn new_property(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "property", 0, 4)?;
    let get = if a.len > 0 {
        vm.arg(a, 0)
    } else {
        vm.kwarg(a, "fget").unwrap_or(Value::None)
    };
    let set = if a.len > 1 {
        vm.arg(a, 1)
    } else {
        vm.kwarg(a, "fset").unwrap_or(Value::None)
    };
    let del = if a.len > 2 {
        vm.arg(a, 2)
    } else {
        vm.kwarg(a, "fdel").unwrap_or(Value::None)
    };
    vm.alloc(Obj::Property(get, set, del))
}

pub(crate) fn new_classmethod(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "classmethod", 1, 1)?;
    vm.alloc(Obj::ClassMethod(vm.arg(a, 0)))
}

pub(crate) fn new_staticmethod(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "staticmethod", 1, 1)?;
    vm.alloc(Obj::StaticMethod(vm.arg(a, 0)))
}
