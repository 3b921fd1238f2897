//! `tuple`: its constructor, its items, and the methods it shares with `list` (`index`, `count`).

use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::gc::ObjRef;
use crate::objects::str::opt_arg;
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

impl Interp {
    pub(crate) fn tuple_items(&self, t: Value) -> Vec<Value> {
        match t {
            Value::Obj(r) => match self.gc.heap.get(r) {
                Obj::Tuple(items) => items.to_vec(),
                Obj::List(items) => items.clone(),
                Obj::Instance(i) if i.native != Value::Undef => self.tuple_items(i.native),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    pub(crate) fn tuple_len(&self, t: Value) -> usize {
        match t {
            Value::Obj(r) => match self.gc.heap.get(r) {
                Obj::Tuple(items) => items.len(),
                _ => 0,
            },
            _ => 0,
        }
    }
}

pub(crate) fn seq_index(vm: &mut Interp, a: Args) -> PResult<Value> {
    let items = vm.tuple_items(vm.arg(a, 0));
    let x = vm.arg(a, 1);
    let n = items.len() as i64;
    let norm = |v: i64| if v < 0 { (v + n).max(0) } else { v.min(n) };
    let start = match opt_arg(vm, a, 2) {
        Some(v) => norm(vm.int_arg(v)?),
        None => 0,
    };
    let end = match opt_arg(vm, a, 3) {
        Some(v) => norm(vm.int_arg(v)?),
        None => n,
    };
    for i in start..end {
        if vm.eq(items[i as usize], x)? {
            return Ok(Value::Int(i));
        }
    }
    Err(PyErr::new(ErrKind::ValueError, "object not in sequence"))
}

pub(crate) fn seq_count(vm: &mut Interp, a: Args) -> PResult<Value> {
    let items = vm.tuple_items(vm.arg(a, 0));
    let x = vm.arg(a, 1);
    let mut n = 0;
    for v in items {
        if vm.eq(v, x)? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

pub(crate) const TUPLE: &[Native] = &[
    Native::new("index", seq_index).args(2, 4).kw(),
    Native::new("count", seq_count).args(2, 2),
];

pub(crate) fn new_tuple(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "tuple", 0, 1)?;
    if a.len == 1
        && matches!(vm.arg(a, 0), Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::Tuple(_)))
    {
        return Ok(vm.arg(a, 0));
    }
    let items = if a.len == 0 {
        Vec::new()
    } else {
        vm.collect_iterable(vm.arg(a, 0))?
    };
    vm.tuple(items)
}

impl Interp {
    /// `x + y` for tuples.
    pub(crate) fn tuple_concat(&mut self, a: Value, b: Value) -> PResult<Option<Value>> {
        let (Value::Obj(ra), Value::Obj(rb)) = (a, b) else {
            return Ok(None);
        };
        let (Obj::Tuple(x), Obj::Tuple(y)) = (self.gc.heap.get(ra), self.gc.heap.get(rb)) else {
            return Ok(None);
        };
        let mut joined = x.to_vec();
        joined.extend_from_slice(y);
        self.tuple(joined).map(Some)
    }
}

impl Interp {
    /// `t[i]` for an int index.
    pub(crate) fn tuple_getitem(&mut self, o: Value, r: ObjRef, i: Value) -> PResult<Value> {
        let idx = self.subscript_index(o, i)?;
        let Obj::Tuple(items) = self.gc.heap.get(r) else {
            return Err(PyErr::type_error("tuple expected"));
        };
        match crate::runtime::norm_index(idx, items.len()) {
            Some(k) => Ok(items[k]),
            None => Err(PyErr::new(ErrKind::IndexError, "tuple index out of range")),
        }
    }
}
