//! `object` and `type`: their constructors and methods, and the special methods every
//! built-in container answers by name (`__getitem__`, `__len__`, …, and `__init__`).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::objects::class::Tag;
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult, VARARGS};

pub(crate) fn object_init(_vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::None)
}

pub(crate) fn object_setattr(vm: &mut Interp, a: Args) -> PResult<Value> {
    let name = match vm.as_str(vm.arg(a, 1)) {
        Some(s) => String::from(s),
        None => return Err(PyErr::type_error("attribute name must be string")),
    };
    let id = vm.interner.intern(&name);
    vm.setattr_plain(vm.arg(a, 0), id, vm.arg(a, 2))?;
    Ok(Value::None)
}

/// `object.__delattr__(obj, name)`: remove from the instance dict, bypassing
/// `__delattr__`.
pub(crate) fn object_delattr(vm: &mut Interp, a: Args) -> PResult<Value> {
    let name = match vm.as_str(vm.arg(a, 1)) {
        Some(s) => String::from(s),
        None => return Err(PyErr::type_error("attribute name must be string")),
    };
    let id = vm.interner.intern(&name);
    let removed = match vm.arg(a, 0) {
        Value::Obj(r) => match vm.gc.heap.get_mut(r) {
            Obj::Instance(i) => i.attrs.remove(&id),
            _ => None,
        },
        _ => None,
    };
    match removed {
        Some(_) => Ok(Value::None),
        None => Err(PyErr::new(
            ErrKind::AttributeError,
            alloc::format!(
                "'{}' object has no attribute '{name}'",
                vm.type_name(vm.arg(a, 0))
            ),
        )),
    }
}

/// `object.__new__(cls)`: an uninitialised instance of a class defined in Python.
pub(crate) fn object_new(vm: &mut Interp, a: Args) -> PResult<Value> {
    let cls = vm.arg(a, 0);
    let user_type = matches!(cls, Value::Obj(r)
        if matches!(vm.gc.heap.get(r), Obj::Class(_)) && !vm.is_builtin_class(r));
    if !user_type {
        return Err(PyErr::type_error("arg must be user-type"));
    }
    vm.new_instance_of(cls, a)
}

pub(crate) fn type_new(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.new_instance_of(vm.arg(a, 0), a)
}

/// `list.__init__(self, iterable)` and friends: refill the container in place.
pub(crate) fn container_init(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.payload(vm.arg(a, 0)).unwrap_or(vm.arg(a, 0));
    let Value::Obj(r) = this else {
        return Ok(Value::None);
    };
    let tag = match vm.gc.heap.get(r) {
        Obj::List(_) => Tag::List,
        Obj::Dict(_) => Tag::Dict,
        Obj::Set(_, false) => Tag::Set,
        Obj::ByteArray(_) => Tag::ByteArray,
        _ => return Ok(Value::None),
    };
    let Some(make) = crate::builtins::constructor(tag) else {
        return Ok(Value::None);
    };
    let rest = Args {
        start: a.start + 1,
        len: a.len - 1,
        ..a
    };
    let fresh = make(vm, rest)?;
    let Value::Obj(fr) = fresh else {
        return Ok(Value::None);
    };
    let new_obj = match vm.gc.heap.get(fr) {
        Obj::List(items) => Obj::List(items.clone()),
        Obj::ByteArray(b) => Obj::ByteArray(b.clone()),
        _ => {
            // Dicts and sets: re-insert through the table (hashes are in the entries).
            let entries: Vec<(u64, Value, Value)> = match vm.gc.heap.get(fr) {
                Obj::Dict(d) | Obj::Set(d, _) => {
                    d.iter().map(|e| (e.hash, e.key, e.value)).collect()
                }
                _ => Vec::new(),
            };
            match vm.gc.heap.get_mut(r) {
                Obj::Dict(d) | Obj::Set(d, _) => {
                    d.clear();
                    for (h, k, v) in entries {
                        d.push(h, k, v);
                    }
                }
                _ => {}
            }
            vm.gc.heap.resize(r);
            return Ok(Value::None);
        }
    };
    *vm.gc.heap.get_mut(r) = new_obj;
    vm.gc.heap.resize(r);
    Ok(Value::None)
}

pub(crate) const CONTAINER_INIT: &[Native] = &[Native::new("__init__", container_init)
    .args(1, VARARGS)
    .kw()];

/// The receiver of a built-in special method: the built-in value inside a subclass
/// instance (so that `dict.__getitem__(self, k)` in an override doesn't call it again).
pub(crate) fn receiver(vm: &Interp, a: Args) -> Value {
    let this = vm.arg(a, 0);
    vm.payload(this).unwrap_or(this)
}

pub(crate) fn dunder_getitem(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.getitem(receiver(vm, a), vm.arg(a, 1))
}

pub(crate) fn dunder_setitem(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.setitem(receiver(vm, a), vm.arg(a, 1), vm.arg(a, 2))?;
    Ok(Value::None)
}

pub(crate) fn dunder_delitem(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.delitem(receiver(vm, a), vm.arg(a, 1))?;
    Ok(Value::None)
}

pub(crate) fn dunder_contains(vm: &mut Interp, a: Args) -> PResult<Value> {
    Ok(Value::Bool(vm.contains(receiver(vm, a), vm.arg(a, 1))?))
}

pub(crate) fn dunder_len(vm: &mut Interp, a: Args) -> PResult<Value> {
    Ok(Value::Int(vm.len(receiver(vm, a))? as i64))
}

pub(crate) fn dunder_iter(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.iter(receiver(vm, a))
}

pub(crate) const CONTAINER: &[Native] = &[
    Native::new("__getitem__", dunder_getitem).args(2, 2).kw(),
    Native::new("__contains__", dunder_contains).args(2, 2).kw(),
    Native::new("__len__", dunder_len).args(1, 1).kw(),
    Native::new("__iter__", dunder_iter).args(1, 1).kw(),
];

pub(crate) const MUTABLE: &[Native] = &[
    Native::new("__setitem__", dunder_setitem).args(3, 3).kw(),
    Native::new("__delitem__", dunder_delitem).args(2, 2).kw(),
];

pub(crate) const OBJECT: &[Native] = &[
    Native::new("__init__", object_init).args(1, 1),
    Native::new("__setattr__", object_setattr).args(3, 3),
    Native::new("__delattr__", object_delattr).args(2, 2),
];

pub(crate) fn new_object(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "object", 0, 0)?;
    vm.alloc(Obj::Instance(Box::new(
        crate::objects::class::Instance::new(vm.types.object),
    )))
}

pub(crate) fn new_type(vm: &mut Interp, a: Args) -> PResult<Value> {
    match a.len {
        1 => Ok(Value::Obj(vm.class_of(vm.arg(a, 0)))),
        3 => {
            // type(name, bases, dict)
            let (name, bases, ns) = (vm.arg(a, 0), vm.arg(a, 1), vm.arg(a, 2));
            let is_tuple =
                matches!(bases, Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::Tuple(_)));
            // The namespace may be any dict, an OrderedDict too.
            let is_dict = vm.is_instance(ns, vm.types.dict);
            if vm.as_str(name).is_none() || !is_tuple || !is_dict {
                return Err(PyErr::type_error("type() takes 1 or 3 arguments"));
            }
            let class = vm.make_class_from_dict(name, bases, ns)?;
            Ok(class)
        }
        _ => Err(PyErr::type_error("type() takes 1 or 3 arguments")),
    }
}
