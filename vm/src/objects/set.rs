//! `set` and `frozenset`: constructors, the operations on the table (in `dict.rs`) behind
//! them, and their methods.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::ast::BinOp;
use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::objects::dict::Dict;
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult, VARARGS};

impl Interp {
    pub(crate) fn new_set(&mut self, frozen: bool) -> PResult<Value> {
        self.alloc(Obj::Set(Box::new(Dict::new()), frozen))
    }

    pub(crate) fn set_add(&mut self, s: Value, item: Value) -> PResult<()> {
        if self.dict_find(s, item)?.is_some() {
            return Ok(());
        }
        let hash = self.hash(item)?;
        let Value::Obj(r) = self.payload(s).unwrap_or(s) else {
            return Ok(());
        };
        self.grow(r, 1, &[s, item], |t| {
            if let Obj::Dict(t) | Obj::Set(t, _) = t {
                t.push(hash, item, Value::None);
            }
        })
    }

    pub(crate) fn set_contains(&mut self, s: Value, item: Value) -> PResult<bool> {
        match self.dict_find(s, item) {
            Ok(found) => Ok(found.is_some()),
            // An unhashable set looks for a frozenset with the same items.
            Err(e)
                if e.kind == ErrKind::TypeError
                    && matches!(item, Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Set(_, false))) =>
            {
                let f = self.set_copy(item, true)?;
                let r = self.rooted(&[f], |vm| vm.dict_find(s, f));
                Ok(r?.is_some())
            }
            Err(e) => Err(e),
        }
    }

    pub(crate) fn set_update(&mut self, s: Value, it: Value) -> PResult<()> {
        let items = self.collect_iterable(it)?;
        self.rooted(&items, |vm| {
            for &item in &items {
                vm.set_add(s, item)?;
            }
            Ok(())
        })
    }

    pub(crate) fn set_items(&self, s: Value) -> Vec<Value> {
        self.dict_ref(s)
            .map(|t| t.iter().map(|e| e.key).collect())
            .unwrap_or_default()
    }

    pub(crate) fn set_copy(&mut self, s: Value, frozen: bool) -> PResult<Value> {
        let items = self.set_items(s);
        let new = self.new_set(frozen)?;
        self.rooted(&[new], |vm| {
            for i in items {
                vm.set_add(new, i)?;
            }
            Ok(new)
        })
    }

    pub(crate) fn set_is_subset(&mut self, a: Value, b: Value) -> PResult<bool> {
        for item in self.set_items(a) {
            if !self.set_contains(b, item)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// `result op= other`, where `result` starts as a copy of `a`.
    pub(crate) fn set_op(
        &mut self,
        op: BinOp,
        result: Value,
        a: Value,
        other: Value,
    ) -> PResult<()> {
        let other_items = self.collect_iterable(other)?;
        // The items may be new objects (a str's characters): rooted until the end.
        let keep = other_items.clone();
        self.rooted(&keep, |vm| vm.set_op_items(op, result, a, other_items))
    }

    pub(crate) fn set_op_items(
        &mut self,
        op: BinOp,
        result: Value,
        a: Value,
        other_items: Vec<Value>,
    ) -> PResult<()> {
        match op {
            BinOp::Or => {
                for i in other_items {
                    self.set_add(result, i)?;
                }
            }
            BinOp::Sub => {
                for i in other_items {
                    self.dict_remove(result, i)?;
                }
            }
            BinOp::And => {
                let mine = self.set_items(result);
                let other_set = self.new_set(true)?;
                self.rooted(&[other_set], |vm| {
                    for i in other_items {
                        vm.set_add(other_set, i)?;
                    }
                    for i in mine {
                        if !vm.set_contains(other_set, i)? {
                            vm.dict_remove(result, i)?;
                        }
                    }
                    Ok(())
                })?;
            }
            BinOp::Xor => {
                let original = self.set_copy(a, true)?;
                self.rooted(&[original], |vm| {
                    for i in other_items {
                        if vm.set_contains(original, i)? {
                            vm.dict_remove(result, i)?;
                        } else {
                            vm.set_add(result, i)?;
                        }
                    }
                    Ok(())
                })?;
            }
            _ => {}
        }
        Ok(())
    }
}

pub(crate) fn set_arg(vm: &Interp, v: Value) -> PResult<bool> {
    match v {
        Value::Obj(r) => match vm.gc.heap.get(r) {
            Obj::Set(_, frozen) => Ok(*frozen),
            _ => Err(PyErr::type_error("descriptor requires a 'set' object")),
        },
        _ => Err(PyErr::type_error("descriptor requires a 'set' object")),
    }
}

pub(crate) fn set_add(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_arg(vm, vm.arg(a, 0))?;
    vm.set_add(vm.arg(a, 0), vm.arg(a, 1))?;
    Ok(Value::None)
}

pub(crate) fn set_remove_impl(vm: &mut Interp, a: Args, strict: bool) -> PResult<Value> {
    set_arg(vm, vm.arg(a, 0))?;
    let k = vm.arg(a, 1);
    if vm.dict_remove(vm.arg(a, 0), k)?.is_none() && strict {
        return Err(vm.key_error(k));
    }
    Ok(Value::None)
}

pub(crate) fn set_remove(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_remove_impl(vm, a, true)
}

pub(crate) fn set_discard(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_remove_impl(vm, a, false)
}

pub(crate) fn set_pop(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_arg(vm, vm.arg(a, 0))?;
    let Value::Obj(r) = vm.arg(a, 0) else {
        unreachable!("checked")
    };
    let e = match vm.gc.heap.get_mut(r) {
        Obj::Set(d, _) => d.next_from(0).and_then(|(pos, _)| d.remove_at(pos)),
        _ => None,
    };
    match e {
        Some(e) => Ok(e.key),
        None => Err(PyErr::new(ErrKind::KeyError, "pop from an empty set")),
    }
}

pub(crate) fn set_clear(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_arg(vm, vm.arg(a, 0))?;
    if let Value::Obj(r) = vm.arg(a, 0)
        && let Obj::Set(d, _) = vm.gc.heap.get_mut(r)
    {
        d.clear();
    }
    Ok(Value::None)
}

pub(crate) fn set_copy(vm: &mut Interp, a: Args) -> PResult<Value> {
    let frozen = set_arg(vm, vm.arg(a, 0))?;
    vm.set_copy(vm.arg(a, 0), frozen)
}

pub(crate) fn set_update(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_arg(vm, vm.arg(a, 0))?;
    for i in 1..a.len {
        vm.set_update(vm.arg(a, 0), vm.arg(a, i))?;
    }
    Ok(Value::None)
}

pub(crate) fn set_binop(
    vm: &mut Interp,
    a: Args,
    op: crate::ast::BinOp,
    inplace: bool,
) -> PResult<Value> {
    let frozen = set_arg(vm, vm.arg(a, 0))?;
    let this = vm.arg(a, 0);
    let result = if inplace {
        this
    } else {
        vm.set_copy(this, frozen)?
    };
    vm.exec.stack.push(result);
    let mut r = Ok(());
    for i in 1..a.len {
        let other = vm.arg(a, i);
        if let Err(e) = vm.set_op(op, result, this, other) {
            r = Err(e);
            break;
        }
    }
    vm.exec.stack.pop();
    r.map(|()| if inplace { Value::None } else { result })
}

pub(crate) fn set_union(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_binop(vm, a, crate::ast::BinOp::Or, false)
}

pub(crate) fn set_intersection(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_binop(vm, a, crate::ast::BinOp::And, false)
}

pub(crate) fn set_difference(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_binop(vm, a, crate::ast::BinOp::Sub, false)
}

pub(crate) fn set_symmetric_difference(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_binop(vm, a, crate::ast::BinOp::Xor, false)
}

pub(crate) fn set_intersection_update(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_binop(vm, a, crate::ast::BinOp::And, true)
}

pub(crate) fn set_difference_update(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_binop(vm, a, crate::ast::BinOp::Sub, true)
}

pub(crate) fn set_symmetric_difference_update(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_binop(vm, a, crate::ast::BinOp::Xor, true)
}

pub(crate) fn set_relation(vm: &mut Interp, a: Args, subset: bool) -> PResult<Value> {
    let this = vm.arg(a, 0);
    let other = vm.arg(a, 1);
    let other = if matches!(other, Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::Set(..))) {
        other
    } else {
        let s = vm.new_set(true)?;
        vm.exec.stack.push(s);
        let r = vm.set_update(s, other);
        vm.exec.stack.pop();
        r?;
        s
    };
    vm.exec.stack.push(other);
    let (small, big) = if subset { (this, other) } else { (other, this) };
    let mut ok = true;
    for item in vm.set_items(small) {
        if !vm.set_contains(big, item)? {
            ok = false;
            break;
        }
    }
    vm.exec.stack.pop();
    Ok(Value::Bool(ok))
}

pub(crate) fn set_issubset(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_relation(vm, a, true)
}

pub(crate) fn set_issuperset(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_relation(vm, a, false)
}

pub(crate) fn set_isdisjoint(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    for item in vm.collect_iterable(vm.arg(a, 1))? {
        if vm.set_contains(this, item)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

pub(crate) const SET: &[Native] = &[
    Native::new("add", set_add).args(2, 2),
    Native::new("remove", set_remove).args(2, 2),
    Native::new("discard", set_discard).args(2, 2),
    Native::new("pop", set_pop).args(1, 1),
    Native::new("clear", set_clear).args(1, 1),
    Native::new("copy", set_copy).args(1, 1),
    Native::new("update", set_update).args(1, VARARGS),
    Native::new("union", set_union).args(2, 2),
    Native::new("intersection", set_intersection).args(2, 2),
    Native::new("difference", set_difference).args(1, VARARGS),
    Native::new("symmetric_difference", set_symmetric_difference).args(2, 2),
    Native::new("intersection_update", set_intersection_update).args(2, 2),
    Native::new("difference_update", set_difference_update).args(1, VARARGS),
    Native::new(
        "symmetric_difference_update",
        set_symmetric_difference_update,
    )
    .args(2, 2),
    Native::new("issubset", set_issubset).args(2, 2),
    Native::new("issuperset", set_issuperset).args(2, 2),
    Native::new("isdisjoint", set_isdisjoint).args(2, 2),
];

pub(crate) const FROZENSET: &[Native] = &[
    Native::new("copy", set_copy).args(1, 1),
    Native::new("union", set_union).args(2, 2),
    Native::new("intersection", set_intersection).args(2, 2),
    Native::new("difference", set_difference).args(1, VARARGS),
    Native::new("symmetric_difference", set_symmetric_difference).args(2, 2),
    Native::new("issubset", set_issubset).args(2, 2),
    Native::new("issuperset", set_issuperset).args(2, 2),
    Native::new("isdisjoint", set_isdisjoint).args(2, 2),
];

pub(crate) fn new_set_common(vm: &mut Interp, a: Args, frozen: bool) -> PResult<Value> {
    vm.nargs(a, if frozen { "frozenset" } else { "set" }, 0, 1)?;
    let s = vm.new_set(frozen)?;
    vm.exec.stack.push(s);
    let r = if a.len == 1 {
        vm.set_update(s, vm.arg(a, 0))
    } else {
        Ok(())
    };
    vm.exec.stack.pop();
    r.map(|()| s)
}

pub(crate) fn new_set(vm: &mut Interp, a: Args) -> PResult<Value> {
    new_set_common(vm, a, false)
}

pub(crate) fn new_frozenset(vm: &mut Interp, a: Args) -> PResult<Value> {
    new_set_common(vm, a, true)
}

impl Interp {
    /// `x | y`, `x & y`, `x - y`, `x ^ y` (or in place) for sets: both operands sets.
    pub(crate) fn set_binary(
        &mut self,
        op: BinOp,
        a: Value,
        b: Value,
        inplace: bool,
    ) -> PResult<Option<Value>> {
        let (Value::Obj(ra), Value::Obj(rb)) = (a, b) else {
            return Ok(None);
        };
        let (Obj::Set(_, frozen), Obj::Set(..)) = (self.gc.heap.get(ra), self.gc.heap.get(rb))
        else {
            return Ok(None);
        };
        let frozen = *frozen;
        let result = if inplace {
            a
        } else {
            self.set_copy(a, frozen)?
        };
        self.rooted(&[result], |vm| vm.set_op(op, result, a, b))?;
        Ok(Some(result))
    }
}
