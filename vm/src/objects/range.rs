//! `range`: its constructor and length (iteration counts on the value stack: `iter.rs`).

use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::gc::ObjRef;
use crate::value::Value;
use crate::vm::{Args, Interp, PResult};

pub fn range_len(start: i64, stop: i64, step: i64) -> usize {
    let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
    let n = if step > 0 && stop > start {
        (stop - start + step - 1) / step
    } else if step < 0 && stop < start {
        (start - stop - step - 1) / -step
    } else {
        0
    };
    usize::try_from(n).unwrap_or(usize::MAX)
}

pub(crate) fn new_range(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "range", 1, 3)?;
    if a.n_kw > 0 {
        return Err(PyErr::type_error("range() takes no keyword arguments"));
    }
    // A range's bounds are machine words, as MicroPython's are: on a 32-bit board
    // `range(1 << 32)` overflows rather than having a length no word can hold.
    let nums: Vec<i64> = (0..a.len)
        .map(|i| match vm.int_arg(vm.arg(a, i))? {
            n if isize::try_from(n).is_ok() => Ok(n),
            _ => Err(PyErr::new(
                ErrKind::OverflowError,
                "overflow converting long int to machine word",
            )),
        })
        .collect::<PResult<_>>()?;
    let (start, stop, step) = match nums.as_slice() {
        [stop] => (0, *stop, 1),
        [start, stop] => (*start, *stop, 1),
        [start, stop, step] => (*start, *stop, *step),
        _ => unreachable!("checked by nargs"),
    };
    if step == 0 {
        return Err(PyErr::new(ErrKind::ValueError, "arg 3 must not be zero"));
    }
    vm.alloc(Obj::Range(start, stop, step))
}

impl Interp {
    /// `range(...)[i]` for an int index, computed without making the range's items.
    pub(crate) fn range_getitem(&mut self, o: Value, r: ObjRef, i: Value) -> PResult<Value> {
        let idx = self.subscript_index(o, i)?;
        let Obj::Range(start, stop, step) = *self.gc.heap.get(r) else {
            return Err(PyErr::type_error("range expected"));
        };
        match crate::runtime::norm_index(idx, range_len(start, stop, step)) {
            Some(k) => Ok(Value::Int(start + step * k as i64)),
            None => Err(PyErr::new(
                ErrKind::IndexError,
                "range object index out of range",
            )),
        }
    }
}

impl Interp {
    /// `x in range(...)`, computed without making the range's items.
    pub(crate) fn range_contains(&mut self, r: ObjRef, item: Value) -> bool {
        let Obj::Range(start, stop, step) = *self.gc.heap.get(r) else {
            return false;
        };
        let Some(i) = self.as_int(item) else {
            return false;
        };
        let inside = if step > 0 {
            i >= start && i < stop
        } else {
            i <= start && i > stop
        };
        inside && (i - start) % step == 0
    }
}
