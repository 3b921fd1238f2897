//! `slice`: its constructor, `indices`, and getting and setting slices of sequences.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::interner::Sym;
use crate::num::NumRef;
use crate::objects::range::range_len;
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

impl Interp {
    /// Resolve slice bounds against a length: `(start, stop, step)` as in `slice.indices`.
    pub(crate) fn slice_indices(
        &self,
        a: Value,
        b: Value,
        c: Value,
        len: usize,
    ) -> PResult<(i64, i64, i64)> {
        let step = match c {
            Value::None => 1,
            v => self.index_arg(v)?,
        };
        if step == 0 {
            return Err(PyErr::new(ErrKind::ValueError, "slice step can't be zero"));
        }
        let len = len as i64;
        let clamp = |v: Value, default: i64| -> PResult<i64> {
            if v == Value::None {
                return Ok(default);
            }
            let mut i = match self.num(v) {
                Some(NumRef::Int(i)) => i,
                Some(NumRef::Big(b)) => {
                    if b.sign() == num_bigint::Sign::Minus {
                        i64::MIN / 2
                    } else {
                        i64::MAX / 2
                    }
                }
                _ => return Err(PyErr::type_error("slice indices must be integers")),
            };
            if i < 0 {
                i += len;
                if i < 0 {
                    i = if step < 0 { -1 } else { 0 };
                }
            } else if i >= len {
                i = if step < 0 { len - 1 } else { len };
            }
            Ok(i)
        };
        let (start, stop) = if step > 0 {
            (clamp(a, 0)?, clamp(b, len)?)
        } else {
            (clamp(a, len - 1)?, clamp(b, -1)?)
        };
        Ok((start, stop, step))
    }

    pub(crate) fn slice_positions(
        &self,
        a: Value,
        b: Value,
        c: Value,
        len: usize,
    ) -> PResult<Vec<usize>> {
        let (start, stop, step) = self.slice_indices(a, b, c, len)?;
        let mut out = Vec::new();
        let mut i = start;
        while (step > 0 && i < stop) || (step < 0 && i > stop) {
            out.push(i as usize);
            i += step;
        }
        Ok(out)
    }

    pub(crate) fn get_slice(&mut self, o: Value, a: Value, b: Value, c: Value) -> PResult<Value> {
        let Value::Obj(r) = o else {
            unreachable!("checked by caller")
        };
        let len = match self.gc.heap.get(r) {
            Obj::List(x) => x.len(),
            Obj::Tuple(x) => x.len(),
            Obj::Str(s) => s.chars().count(),
            Obj::Bytes(x) => x.len(),
            Obj::ByteArray(x) => x.len(),
            Obj::Range(start, stop, step) => range_len(*start, *stop, *step),
            Obj::Instance(_) => {
                let s = self.alloc(Obj::Slice(a, b, c))?;
                return match self.call_special(o, Sym::__getitem__, &[s])? {
                    Some(v) => Ok(v),
                    None => match self.payload(o) {
                        Some(p) => self.get_slice(p, a, b, c),
                        None => Err(PyErr::type_error("object isn't subscriptable")),
                    },
                };
            }
            _ => {
                return Err(PyErr::type_error(alloc::format!(
                    "'{}' object isn't subscriptable",
                    self.type_name(o)
                )));
            }
        };
        if let Obj::Range(start, _, step) = self.gc.heap.get(r) {
            let (rstart, rstep) = (*start, *step);
            let (s, e, st) = self.slice_indices(a, b, c, len)?;
            return self.alloc(Obj::Range(
                rstart + s * rstep,
                rstart + e * rstep,
                rstep * st,
            ));
        }
        let pos = self.slice_positions(a, b, c, len)?;
        let obj = match self.gc.heap.get(r) {
            Obj::List(x) => Obj::List(pos.iter().map(|&i| x[i]).collect()),
            Obj::Tuple(x) => {
                let items: Vec<Value> = pos.iter().map(|&i| x[i]).collect();
                return self.tuple(items);
            }
            Obj::Str(s) => {
                let chars: Vec<char> = s.chars().collect();
                let out: String = pos.iter().map(|&i| chars[i]).collect();
                Obj::Str(out.into())
            }
            Obj::Bytes(x) => Obj::Bytes(pos.iter().map(|&i| x[i]).collect()),
            Obj::ByteArray(x) => Obj::ByteArray(pos.iter().map(|&i| x[i]).collect()),
            _ => unreachable!("checked above"),
        };
        self.alloc(obj)
    }

    pub(crate) fn set_slice(
        &mut self,
        o: Value,
        a: Value,
        b: Value,
        c: Value,
        v: Value,
    ) -> PResult<()> {
        let Value::Obj(r) = o else {
            unreachable!("checked by caller")
        };
        let is_bytes = matches!(self.gc.heap.get(r), Obj::ByteArray(_));
        let mut values = Vec::new();
        if is_bytes && let Some(n) = self.as_bytes(v).map(<[u8]>::len) {
            // Each byte becomes a value on the way: on a board, from the same small memory.
            values = self.rooted(&[o, v], |vm| vm.try_vec(n))?;
        }
        let new: Vec<Value> = if is_bytes {
            match self.as_bytes(v) {
                Some(bytes) => {
                    values.extend(bytes.iter().map(|x| Value::Int(i64::from(*x))));
                    values
                }
                None => self.collect_iterable(v)?,
            }
        } else {
            self.collect_iterable(v)?
        };
        let len = match self.gc.heap.get(r) {
            Obj::List(x) => x.len(),
            Obj::ByteArray(x) => x.len(),
            _ => 0,
        };
        let (start, stop, step) = self.slice_indices(a, b, c, len)?;
        if step != 1 {
            let pos = self.slice_positions(a, b, c, len)?;
            if pos.len() != new.len() {
                return Err(PyErr::new(
                    ErrKind::ValueError,
                    alloc::format!(
                        "attempt to assign sequence of size {} to extended slice of size {}",
                        new.len(),
                        pos.len()
                    ),
                ));
            }
            for (p, item) in pos.into_iter().zip(new) {
                self.setitem(o, Value::Int(p as i64), item)?;
            }
            return Ok(());
        }
        let start = start.max(0) as usize;
        let stop = (stop.max(start as i64)) as usize;
        let add = new.len().saturating_sub(stop.min(len) - start.min(len));
        self.grow(r, add, &new, |seq| match seq {
            Obj::List(items) => {
                items.splice(start..stop, new.iter().copied());
            }
            Obj::ByteArray(items) => {
                let bytes: Vec<u8> = new
                    .iter()
                    .map(|x| match x {
                        Value::Int(i) => *i as u8,
                        _ => 0,
                    })
                    .collect();
                items.splice(start..stop, bytes);
            }
            _ => {}
        })
    }
}

/// `slice.indices(length)`: the slice's start, stop and step resolved against a length.
pub(crate) fn slice_indices(vm: &mut Interp, a: Args) -> PResult<Value> {
    let Value::Obj(r) = vm.arg(a, 0) else {
        return Err(PyErr::type_error("slice expected"));
    };
    let Obj::Slice(start, stop, step) = *vm.gc.heap.get(r) else {
        return Err(PyErr::type_error("slice expected"));
    };
    // (A negative length counts as none, as on MicroPython.)
    let len = vm.index_arg(vm.arg(a, 1))?.max(0);
    let (start, stop, step) = vm.slice_indices(start, stop, step, len as usize)?;
    vm.tuple(alloc::vec![
        Value::Int(start),
        Value::Int(stop),
        Value::Int(step)
    ])
}

pub(crate) const SLICE: &[Native] = &[Native::new("indices", slice_indices).args(2, 2)];

pub(crate) fn new_slice(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "slice", 1, 3)?;
    let (x, y, z) = match a.len {
        1 => (Value::None, vm.arg(a, 0), Value::None),
        2 => (vm.arg(a, 0), vm.arg(a, 1), Value::None),
        _ => (vm.arg(a, 0), vm.arg(a, 1), vm.arg(a, 2)),
    };
    vm.alloc(Obj::Slice(x, y, z))
}
