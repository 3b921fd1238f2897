//! `list`: its constructor, growth within the heap budget, its methods and its sort.

use alloc::vec::Vec;

use crate::ast::CmpOp;
use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::gc::ObjRef;
use crate::objects::str::opt_arg;
use crate::objects::tuple::{seq_count, seq_index};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

impl Interp {
    pub(crate) fn list_append(&mut self, l: Value, v: Value) -> PResult<()> {
        if let Value::Obj(r) = l
            && let Obj::List(_) = self.gc.heap.get(r)
        {
            return self.grow(r, 1, &[v], |list| {
                if let Obj::List(items) = list {
                    items.push(v);
                }
            });
        }
        Err(PyErr::type_error("append to a non-list"))
    }

    pub(crate) fn list_extend(&mut self, l: Value, it: Value) -> PResult<()> {
        let items = self.collect_iterable(it)?;
        if let Value::Obj(r) = l
            && let Obj::List(_) = self.gc.heap.get(r)
        {
            self.grow(r, items.len(), &items, |list| {
                if let Obj::List(v) = list {
                    v.extend_from_slice(&items);
                }
            })?;
        }
        Ok(())
    }
}

pub(crate) fn list_ref(vm: &Interp, v: Value) -> PResult<crate::gc::ObjRef> {
    match v {
        Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::List(_)) => Ok(r),
        _ => Err(PyErr::type_error("descriptor requires a 'list' object")),
    }
}

pub(crate) fn list_items(vm: &mut Interp, r: crate::gc::ObjRef) -> &mut Vec<Value> {
    match vm.gc.heap.get_mut(r) {
        Obj::List(items) => items,
        _ => unreachable!("checked by list_ref"),
    }
}

pub(crate) fn list_append(vm: &mut Interp, a: Args) -> PResult<Value> {
    list_ref(vm, vm.arg(a, 0))?;
    vm.list_append(vm.arg(a, 0), vm.arg(a, 1))?;
    Ok(Value::None)
}

pub(crate) fn list_extend(vm: &mut Interp, a: Args) -> PResult<Value> {
    list_ref(vm, vm.arg(a, 0))?;
    vm.list_extend(vm.arg(a, 0), vm.arg(a, 1))?;
    Ok(Value::None)
}

pub(crate) fn list_insert(vm: &mut Interp, a: Args) -> PResult<Value> {
    let r = list_ref(vm, vm.arg(a, 0))?;
    let i = vm.int_arg(vm.arg(a, 1))?;
    let v = vm.arg(a, 2);
    vm.grow(r, 1, &[v], |list| {
        if let Obj::List(items) = list {
            let n = items.len() as i64;
            let at = if i < 0 { (i + n).max(0) } else { i.min(n) };
            items.insert(at as usize, v);
        }
    })?;
    Ok(Value::None)
}

pub(crate) fn list_pop(vm: &mut Interp, a: Args) -> PResult<Value> {
    let r = list_ref(vm, vm.arg(a, 0))?;
    let i = match opt_arg(vm, a, 1) {
        Some(v) => vm.int_arg(v)?,
        None => -1,
    };
    let items = list_items(vm, r);
    if items.is_empty() {
        return Err(PyErr::new(ErrKind::IndexError, "pop from empty list"));
    }
    match crate::runtime::norm_index(i, items.len()) {
        Some(k) => Ok(items.remove(k)),
        None => Err(PyErr::new(ErrKind::IndexError, "list index out of range")),
    }
}

pub(crate) fn list_remove(vm: &mut Interp, a: Args) -> PResult<Value> {
    let r = list_ref(vm, vm.arg(a, 0))?;
    let x = vm.arg(a, 1);
    let items = list_items(vm, r).clone();
    for (i, v) in items.iter().enumerate() {
        if vm.eq(*v, x)? {
            list_items(vm, r).remove(i);
            return Ok(Value::None);
        }
    }
    Err(PyErr::new(ErrKind::ValueError, "object not in sequence"))
}

pub(crate) fn list_clear(vm: &mut Interp, a: Args) -> PResult<Value> {
    let r = list_ref(vm, vm.arg(a, 0))?;
    list_items(vm, r).clear();
    vm.gc.heap.resize(r);
    Ok(Value::None)
}

pub(crate) fn list_copy(vm: &mut Interp, a: Args) -> PResult<Value> {
    let r = list_ref(vm, vm.arg(a, 0))?;
    let items = list_items(vm, r).clone();
    vm.alloc(Obj::List(items))
}

pub(crate) fn list_reverse(vm: &mut Interp, a: Args) -> PResult<Value> {
    let r = list_ref(vm, vm.arg(a, 0))?;
    list_items(vm, r).reverse();
    Ok(Value::None)
}

pub(crate) fn list_sort(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.check_kwargs(a, &["key", "reverse"])?;
    let l = vm.arg(a, 0);
    list_ref(vm, l)?;
    sort_list(vm, l, vm.kwarg(a, "key"), vm.kwarg(a, "reverse"))?;
    Ok(Value::None)
}

/// Sort a list in place: stable merge sort with a comparison that may call Python.
pub fn sort_list(
    vm: &mut Interp,
    list: Value,
    key: Option<Value>,
    reverse: Option<Value>,
) -> PResult<()> {
    let r = list_ref(vm, list)?;
    let items = list_items(vm, r).clone();
    let reverse = match reverse {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    let key = key.filter(|k| *k != Value::None);
    let mark = vm.gc.temp_roots.len();
    let mut keyed: Vec<(Value, Value)> = Vec::with_capacity(items.len());
    for item in &items {
        let k = match key {
            Some(f) => match vm.call_value(f, &[*item]) {
                Ok(k) => k,
                Err(e) => {
                    vm.gc.temp_roots.truncate(mark);
                    return Err(e);
                }
            },
            None => *item,
        };
        vm.gc.temp_roots.push(k);
        keyed.push((k, *item));
    }
    let result = merge_sort(vm, &mut keyed, reverse);
    vm.gc.temp_roots.truncate(mark);
    result?;
    *list_items(vm, r) = keyed.into_iter().map(|(_, v)| v).collect();
    Ok(())
}

pub(crate) fn merge_sort(
    vm: &mut Interp,
    v: &mut Vec<(Value, Value)>,
    reverse: bool,
) -> PResult<()> {
    let n = v.len();
    if n <= 1 {
        return Ok(());
    }
    let mut width = 1;
    let mut buf = v.clone();
    while width < n {
        let mut i = 0;
        while i < n {
            let mid = (i + width).min(n);
            let hi = (i + 2 * width).min(n);
            let (mut l, mut r, mut k) = (i, mid, i);
            while l < mid && r < hi {
                // Take from the right only if it is strictly smaller: stability.
                let take_right = if reverse {
                    vm.compare(CmpOp::Lt, v[l].0, v[r].0)? == Value::Bool(true)
                } else {
                    vm.compare(CmpOp::Lt, v[r].0, v[l].0)? == Value::Bool(true)
                };
                if take_right {
                    buf[k] = v[r];
                    r += 1;
                } else {
                    buf[k] = v[l];
                    l += 1;
                }
                k += 1;
            }
            while l < mid {
                buf[k] = v[l];
                l += 1;
                k += 1;
            }
            while r < hi {
                buf[k] = v[r];
                r += 1;
                k += 1;
            }
            i += 2 * width;
        }
        core::mem::swap(v, &mut buf);
        width *= 2;
    }
    Ok(())
}

pub(crate) const LIST: &[Native] = &[
    Native::new("append", list_append).args(2, 2),
    Native::new("extend", list_extend).args(2, 2),
    Native::new("insert", list_insert).args(3, 3),
    Native::new("pop", list_pop).args(1, 2).kw(),
    Native::new("remove", list_remove).args(2, 2),
    Native::new("index", seq_index).args(2, 4).kw(),
    Native::new("count", seq_count).args(2, 2),
    Native::new("clear", list_clear).args(1, 1),
    Native::new("copy", list_copy).args(1, 1),
    Native::new("reverse", list_reverse).args(1, 1),
    Native::new("sort", list_sort).args(1, 1).kw(),
];

pub(crate) fn new_list(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "list", 0, 1)?;
    let items = if a.len == 0 {
        Vec::new()
    } else {
        vm.collect_iterable(vm.arg(a, 0))?
    };
    vm.alloc(Obj::List(items))
}

impl Interp {
    /// `x + y` for lists, or `x += y` (an extend, by any iterable).
    pub(crate) fn list_concat(
        &mut self,
        a: Value,
        b: Value,
        inplace: bool,
    ) -> PResult<Option<Value>> {
        if inplace {
            self.list_extend(a, b)?;
            return Ok(Some(a));
        }
        let (Value::Obj(ra), Value::Obj(rb)) = (a, b) else {
            return Ok(None);
        };
        let (Obj::List(x), Obj::List(y)) = (self.gc.heap.get(ra), self.gc.heap.get(rb)) else {
            return Ok(None);
        };
        let mut joined = x.clone();
        joined.extend_from_slice(y);
        self.alloc(Obj::List(joined)).map(Some)
    }
}

impl Interp {
    /// Where index `i` (an int, negative from the end) falls in the list `r`.
    fn list_position(&mut self, o: Value, r: ObjRef, i: Value) -> PResult<usize> {
        let idx = self.subscript_index(o, i)?;
        let Obj::List(items) = self.gc.heap.get(r) else {
            return Err(PyErr::type_error("list expected"));
        };
        crate::runtime::norm_index(idx, items.len())
            .ok_or_else(|| PyErr::new(ErrKind::IndexError, "list index out of range"))
    }

    /// `l[i]` for an int index.
    pub(crate) fn list_getitem(&mut self, o: Value, r: ObjRef, i: Value) -> PResult<Value> {
        let k = self.list_position(o, r, i)?;
        match self.gc.heap.get(r) {
            Obj::List(items) => Ok(items[k]),
            _ => Err(PyErr::type_error("list expected")),
        }
    }

    /// `l[i] = v` for an int index.
    pub(crate) fn list_setitem(&mut self, o: Value, r: ObjRef, i: Value, v: Value) -> PResult<()> {
        let k = self.list_position(o, r, i)?;
        if let Obj::List(items) = self.gc.heap.get_mut(r) {
            items[k] = v;
        }
        Ok(())
    }

    /// `del l[i]` for an int index.
    pub(crate) fn list_delitem(&mut self, o: Value, r: ObjRef, i: Value) -> PResult<()> {
        let k = self.list_position(o, r, i)?;
        if let Obj::List(items) = self.gc.heap.get_mut(r) {
            items.remove(k);
        }
        Ok(())
    }
}
