//! `array.array`: typed numbers stored packed, little-endian, as on MicroPython's ports.
//! The storage is also the object's buffer (`bytes(a)`, comparisons with bytes). Item
//! access, the constructor and the methods.

use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::{Obj, ObjRef};
use crate::num::{Num, NumRef};
use crate::objects::bytes::bytes_decode;
use crate::runtime::norm_index;
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

/// The size in bytes of one item of `typecode`, or `None` for an unknown code.
pub fn item_size(typecode: u8) -> Option<usize> {
    Some(match typecode {
        b'b' | b'B' => 1,
        b'h' | b'H' => 2,
        b'i' | b'I' | b'f' => 4,
        // `P` holds a pointer-sized unsigned int (a 64-bit VM's).
        b'l' | b'L' | b'q' | b'Q' | b'P' | b'd' => 8,
        _ => return None,
    })
}

/// An unsigned 64-bit item too large for a small int (`Q`/`L`/`P` with the top bit set).
pub fn big_item(typecode: u8, data: &[u8], index: usize) -> Option<u64> {
    if !matches!(typecode, b'Q' | b'L' | b'P') {
        return None;
    }
    let b = &data[index * 8..index * 8 + 8];
    let u = u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
    (u > i64::MAX as u64).then_some(u)
}

/// Decode the item at `index` (in items). (See [`big_item`] for values beyond `i64`.)
pub fn get(typecode: u8, data: &[u8], index: usize) -> Value {
    let size = item_size(typecode).unwrap_or(1);
    let b = &data[index * size..index * size + size];
    let mut raw = [0u8; 8];
    raw[..size].copy_from_slice(b);
    let unsigned = u64::from_le_bytes(raw);
    match typecode {
        b'f' => Value::Float(f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))),
        b'd' => Value::Float(f64::from_le_bytes(raw)),
        b'b' | b'h' | b'i' | b'l' | b'q' => {
            // Sign-extend from the item's width.
            let shift = 64 - 8 * size as u32;
            Value::Int(((unsigned << shift) as i64) >> shift)
        }
        _ => Value::Int(unsigned as i64),
    }
}

/// Encode `v` (an int or float, already checked) as one item, appending to `out`. Ints wrap
/// to the item's width, as MicroPython stores them.
pub fn put(typecode: u8, int: i64, float: f64, is_float: bool, out: &mut Vec<u8>) {
    let size = item_size(typecode).unwrap_or(1);
    match typecode {
        b'f' => {
            out.extend_from_slice(&(if is_float { float } else { int as f64 } as f32).to_le_bytes())
        }
        b'd' => out.extend_from_slice(&(if is_float { float } else { int as f64 }).to_le_bytes()),
        _ => {
            let i = if is_float { float as i64 } else { int };
            out.extend_from_slice(&i.to_le_bytes()[..size]);
        }
    }
}

/// Number of items stored.
pub fn len(typecode: u8, data: &[u8]) -> usize {
    data.len() / item_size(typecode).unwrap_or(1)
}

impl Interp {
    /// Check and split a value for storing in an array of `code`.
    pub(crate) fn array_item(&self, code: u8, v: Value) -> PResult<(i64, f64, bool)> {
        match self.num(v) {
            Some(NumRef::Int(i)) => Ok((i, 0.0, false)),
            Some(NumRef::Big(b)) => {
                use num_traits::ToPrimitive;
                Ok((
                    b.to_i64()
                        .unwrap_or_else(|| (b.to_u64().unwrap_or(0)) as i64),
                    0.0,
                    false,
                ))
            }
            Some(NumRef::Float(f)) if matches!(code, b'f' | b'd') => Ok((0, f, true)),
            _ => Err(PyErr::type_error(alloc::format!(
                "can't convert {} to {}",
                self.type_name(v),
                if matches!(code, b'f' | b'd') {
                    "float"
                } else {
                    "int"
                }
            ))),
        }
    }

    /// Pack the items of an iterable for an array of `code`.
    pub(crate) fn array_pack(&mut self, code: u8, items: &[Value]) -> PResult<Vec<u8>> {
        let mut data =
            Vec::with_capacity(items.len() * crate::objects::array::item_size(code).unwrap_or(1));
        for v in items {
            let (i, f, is_float) = self.array_item(code, *v)?;
            crate::objects::array::put(code, i, f, is_float, &mut data);
        }
        Ok(data)
    }

    /// Item `k` of an array as a value (a big int for large unsigned 64-bit items).
    pub(crate) fn array_value(&mut self, r: ObjRef, code: u8, k: usize) -> PResult<Value> {
        let Obj::Array(_, data) = self.gc.heap.get(r) else {
            unreachable!("checked by caller")
        };
        match crate::objects::array::big_item(code, data, k) {
            Some(u) => self.num_value(Num::Big(alloc::boxed::Box::new(num_bigint::BigInt::from(
                u,
            )))),
            None => Ok(crate::objects::array::get(code, data, k)),
        }
    }

    pub(crate) fn array_get(&mut self, r: ObjRef, code: u8, i: Value) -> PResult<Value> {
        let Obj::Array(_, data) = self.gc.heap.get(r) else {
            unreachable!("checked by caller")
        };
        let n = crate::objects::array::len(code, data);
        if let Value::Obj(ir) = i
            && let Obj::Slice(a, b, c) = self.gc.heap.get(ir)
        {
            let (a, b, c) = (*a, *b, *c);
            let pos = self.slice_positions(a, b, c, n)?;
            let size = crate::objects::array::item_size(code).unwrap_or(1);
            let Obj::Array(_, data) = self.gc.heap.get(r) else {
                unreachable!("checked")
            };
            let mut out = Vec::with_capacity(pos.len() * size);
            for p in pos {
                out.extend_from_slice(&data[p * size..p * size + size]);
            }
            return self.alloc(Obj::Array(code, out));
        }
        let idx = self.subscript_index(Value::Obj(r), i)?;
        let k = norm_index(idx, n)
            .ok_or_else(|| PyErr::new(ErrKind::IndexError, "array index out of range"))?;
        self.array_value(r, code, k)
    }

    pub(crate) fn array_set(&mut self, r: ObjRef, code: u8, i: Value, v: Value) -> PResult<()> {
        let size = crate::objects::array::item_size(code).unwrap_or(1);
        let n = match self.gc.heap.get(r) {
            Obj::Array(_, data) => crate::objects::array::len(code, data),
            _ => 0,
        };
        if let Value::Obj(ir) = i
            && let Obj::Slice(a, b, c) = self.gc.heap.get(ir)
        {
            let (a, b, c) = (*a, *b, *c);
            let (start, stop, step) = self.slice_indices(a, b, c, n)?;
            if step != 1 {
                return Err(PyErr::new(
                    ErrKind::NotImplementedError,
                    "only slices with step=1 (aka None) are supported",
                ));
            }
            // A buffer on the right is copied raw: its items must be as wide as ours.
            let rhs_size = match v {
                Value::Obj(vr) => match self.gc.heap.get(vr) {
                    Obj::Array(c, _) => crate::objects::array::item_size(*c),
                    Obj::Bytes(_) | Obj::ByteArray(_) => Some(1),
                    _ => None,
                },
                _ => None,
            };
            let new: Vec<u8> = match rhs_size {
                Some(s) if s != size => {
                    return Err(PyErr::new(
                        ErrKind::ValueError,
                        "lhs and rhs should be compatible",
                    ));
                }
                Some(_) => self.as_bytes(v).unwrap_or(&[]).to_vec(),
                None => {
                    let items = self.collect_iterable(v)?;
                    self.array_pack(code, &items)?
                }
            };
            let (lo, hi) = (
                start.max(0) as usize * size,
                stop.max(start).max(0) as usize * size,
            );
            if let Obj::Array(_, data) = self.gc.heap.get_mut(r) {
                data.splice(lo..hi, new);
            }
            self.gc.heap.resize(r);
            return Ok(());
        }
        let idx = self.subscript_index(Value::Obj(r), i)?;
        let k = norm_index(idx, n)
            .ok_or_else(|| PyErr::new(ErrKind::IndexError, "array index out of range"))?;
        let (iv, fv, is_float) = self.array_item(code, v)?;
        let mut bytes = Vec::with_capacity(size);
        crate::objects::array::put(code, iv, fv, is_float, &mut bytes);
        if let Obj::Array(_, data) = self.gc.heap.get_mut(r) {
            data[k * size..k * size + size].copy_from_slice(&bytes);
        }
        Ok(())
    }
}

pub(crate) fn array_append(vm: &mut Interp, a: Args) -> PResult<Value> {
    let Value::Obj(r) = vm.arg(a, 0) else {
        return Err(PyErr::type_error("array required"));
    };
    let Obj::Array(code, _) = vm.gc.heap.get(r) else {
        return Err(PyErr::type_error("array required"));
    };
    let code = *code;
    let (i, f, is_float) = vm.array_item(code, vm.arg(a, 1))?;
    let size = item_size(code).unwrap_or(1);
    vm.grow(r, size, &[], |array| {
        if let Obj::Array(_, data) = array {
            put(code, i, f, is_float, data);
        }
    })?;
    Ok(Value::None)
}

pub(crate) fn array_extend(vm: &mut Interp, a: Args) -> PResult<Value> {
    let Value::Obj(r) = vm.arg(a, 0) else {
        return Err(PyErr::type_error("array required"));
    };
    let Obj::Array(code, _) = vm.gc.heap.get(r) else {
        return Err(PyErr::type_error("array required"));
    };
    let code = *code;
    let src = vm.arg(a, 1);
    let bytes = match src {
        Value::Obj(sr) if matches!(vm.gc.heap.get(sr), Obj::Array(..)) => {
            vm.as_bytes(src).unwrap_or(&[]).to_vec()
        }
        _ => {
            let items = vm.collect_iterable(src)?;
            vm.array_pack(code, &items)?
        }
    };
    if !matches!(vm.gc.heap.get(r), Obj::Array(..)) {
        return Err(PyErr::type_error("array required"));
    }
    vm.grow(r, bytes.len(), &[], |array| {
        if let Obj::Array(_, data) = array {
            data.extend_from_slice(&bytes);
        }
    })?;
    Ok(Value::None)
}

pub(crate) const ARRAY: &[Native] = &[
    Native::new("append", array_append).args(2, 2),
    Native::new("extend", array_extend).args(2, 2),
    Native::new("decode", bytes_decode).args(1, 3).kw(),
];

pub(crate) fn new_array(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "array", 1, 2)?;
    // The typecode is the first character of a str (or bytes), as on MicroPython.
    let tc = vm.arg(a, 0);
    let first = match vm.as_str(tc) {
        Some(s) => s.as_bytes().first().copied(),
        None if matches!(tc, Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::Bytes(_))) => {
            vm.as_bytes(tc).and_then(|b| b.first().copied())
        }
        None => {
            return Err(PyErr::type_error(alloc::format!(
                "can't convert '{}' object to str implicitly",
                vm.type_name(tc)
            )));
        }
    };
    let code = match first {
        Some(c) if crate::objects::array::item_size(c).is_some() => c,
        _ => return Err(PyErr::new(ErrKind::ValueError, "bad typecode")),
    };
    let data = if a.len == 2 {
        let init = vm.arg(a, 1);
        match vm.as_bytes(init) {
            // A buffer is copied as raw items.
            Some(b) if !matches!(init, Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::Array(..))) => {
                b.to_vec()
            }
            _ => {
                let items = vm.collect_iterable(init)?;
                vm.array_pack(code, &items)?
            }
        }
    } else {
        Vec::new()
    };
    vm.alloc(Obj::Array(code, data))
}

impl Interp {
    /// `x + y` (or `x += y`, in place) for an array `x`: any buffer's bytes are appended
    /// raw, as on MicroPython.
    pub(crate) fn array_concat(
        &mut self,
        a: Value,
        b: Value,
        inplace: bool,
    ) -> PResult<Option<Value>> {
        let Value::Obj(ra) = a else { return Ok(None) };
        let Some(y) = self.as_bytes(b) else {
            return Err(PyErr::type_error("object with buffer protocol required"));
        };
        let y = y.to_vec();
        if inplace {
            self.grow(ra, y.len(), &[b], |array| {
                if let Obj::Array(_, data) = array {
                    data.extend_from_slice(&y);
                }
            })?;
            return Ok(Some(a));
        }
        let Obj::Array(code, x) = self.gc.heap.get(ra) else {
            return Ok(None);
        };
        let code = *code;
        let mut joined = x.clone();
        joined.extend_from_slice(&y);
        self.alloc(Obj::Array(code, joined)).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_wraps() {
        let mut data = Vec::new();
        put(b'h', -2, 0.0, false, &mut data);
        put(b'h', 70_000, 0.0, false, &mut data);
        assert_eq!(get(b'h', &data, 0), Value::Int(-2));
        assert_eq!(get(b'h', &data, 1), Value::Int(70_000 - 65_536));
        assert_eq!(len(b'h', &data), 2);
        let mut f = Vec::new();
        put(b'f', 0, 1.5, true, &mut f);
        assert_eq!(get(b'f', &f, 0), Value::Float(1.5));
    }
}
