//! `heapq`: a min-heap kept in a list (MicroPython's subset: heappush, heappop, heapify).
//!
//! Sifting down follows the smaller child all the way to a leaf and then moves the item
//! back up, with the same comparisons (only `<`) and tie-breaks as CPython, so that heaps
//! come out laid out identically. Comparisons may run Python code that changes the list,
//! so every access is checked.

use crate::ast::CmpOp;
use crate::error::{ErrKind, PyErr};
use crate::gc::{Obj, ObjRef};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

fn heap_list(vm: &Interp, v: Value) -> PResult<ObjRef> {
    match v {
        Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::List(_)) => Ok(r),
        _ => Err(PyErr::type_error("heap must be a list")),
    }
}

fn len(vm: &Interp, list: ObjRef) -> usize {
    match vm.gc.heap.get(list) {
        Obj::List(items) => items.len(),
        _ => 0,
    }
}

fn get(vm: &Interp, list: ObjRef, i: usize) -> PResult<Value> {
    match vm.gc.heap.get(list) {
        Obj::List(items) if i < items.len() => Ok(items[i]),
        _ => Err(PyErr::new(ErrKind::IndexError, "list index out of range")),
    }
}

fn set(vm: &mut Interp, list: ObjRef, i: usize, v: Value) -> PResult<()> {
    match vm.gc.heap.get_mut(list) {
        Obj::List(items) if i < items.len() => {
            items[i] = v;
            Ok(())
        }
        _ => Err(PyErr::new(ErrKind::IndexError, "list index out of range")),
    }
}

fn less(vm: &mut Interp, a: Value, b: Value) -> PResult<bool> {
    let r = vm.compare(CmpOp::Lt, a, b)?;
    vm.truthy(r)
}

/// Move `item` (taken from `heap[i]`) up towards `heap[start]` while it is smaller than its
/// parent, and store it where it stops.
fn bubble_up(
    vm: &mut Interp,
    list: ObjRef,
    start: usize,
    mut i: usize,
    item: Value,
) -> PResult<()> {
    while i > start {
        let parent = (i - 1) >> 1;
        let p = get(vm, list, parent)?;
        if !less(vm, item, p)? {
            break;
        }
        set(vm, list, i, p)?;
        i = parent;
    }
    set(vm, list, i, item)
}

fn sift_down(vm: &mut Interp, list: ObjRef, start: usize) -> PResult<()> {
    let n = len(vm, list);
    let item = get(vm, list, start)?;
    vm.rooted(&[item], |vm| {
        let mut i = start;
        let mut child = 2 * i + 1;
        while child < n {
            let right = child + 1;
            if right < n {
                let (c, r) = (get(vm, list, child)?, get(vm, list, right)?);
                if !less(vm, c, r)? {
                    child = right;
                }
            }
            let c = get(vm, list, child)?;
            set(vm, list, i, c)?;
            i = child;
            child = 2 * i + 1;
        }
        bubble_up(vm, list, start, i, item)
    })
}

fn heappush(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (heap, item) = (vm.arg(a, 0), vm.arg(a, 1));
    let list = heap_list(vm, heap)?;
    vm.list_append(heap, item)?;
    let last = len(vm, list) - 1;
    vm.rooted(&[item], |vm| bubble_up(vm, list, 0, last, item))?;
    Ok(Value::None)
}

fn heappop(vm: &mut Interp, a: Args) -> PResult<Value> {
    let list = heap_list(vm, vm.arg(a, 0))?;
    let last = match vm.gc.heap.get_mut(list) {
        Obj::List(items) => items.pop(),
        _ => None,
    };
    let Some(last) = last else {
        return Err(PyErr::new(ErrKind::IndexError, "empty heap"));
    };
    if len(vm, list) == 0 {
        return Ok(last);
    }
    let top = get(vm, list, 0)?;
    set(vm, list, 0, last)?;
    vm.rooted(&[top], |vm| sift_down(vm, list, 0))?;
    Ok(top)
}

fn heapify(vm: &mut Interp, a: Args) -> PResult<Value> {
    let list = heap_list(vm, vm.arg(a, 0))?;
    for i in (0..len(vm, list) / 2).rev() {
        sift_down(vm, list, i)?;
    }
    Ok(Value::None)
}

pub(super) const FUNCTIONS: &[Native] = &[
    Native::new("heappush", heappush).args(2, 2),
    Native::new("heappop", heappop).args(1, 1),
    Native::new("heapify", heapify).args(1, 1),
];
