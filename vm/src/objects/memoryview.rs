//! `memoryview`: its constructor, item access through the viewed buffer, and its methods.

use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::num::Num;
use crate::objects::bytes::bytes_hex;
use crate::runtime::norm_index;
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

impl Interp {
    /// `view[i]` and `view[a:b]` of a memoryview: `len` items of type `code` from byte
    /// `start` of `base`.
    pub(crate) fn memoryview_get(
        &mut self,
        base: Value,
        start: usize,
        len: usize,
        code: u8,
        i: Value,
    ) -> PResult<Value> {
        let size = crate::objects::array::item_size(code).unwrap_or(1);
        if let Value::Obj(ir) = i
            && let Obj::Slice(a, b, c) = self.gc.heap.get(ir)
        {
            let (a, b, c) = (*a, *b, *c);
            let (s, e, step) = self.slice_indices(a, b, c, len)?;
            if step != 1 {
                return Err(PyErr::new(
                    ErrKind::NotImplementedError,
                    "only slices with step=1 (aka None) are supported",
                ));
            }
            let n = (e - s).max(0) as usize;
            return self.alloc(Obj::MemoryView(
                base,
                start + s.max(0) as usize * size,
                n,
                code,
            ));
        }
        let idx = self.subscript_index_named("memoryview", i)?;
        let k = norm_index(idx, len)
            .ok_or_else(|| PyErr::new(ErrKind::IndexError, "index out of range"))?;
        let bytes = self.as_bytes(base).unwrap_or(&[]);
        let Some(item) = bytes.get(start + k * size..start + k * size + size) else {
            return Err(PyErr::new(ErrKind::IndexError, "index out of range"));
        };
        if let Some(u) = crate::objects::array::big_item(code, item, 0) {
            return self.num_value(Num::Big(alloc::boxed::Box::new(num_bigint::BigInt::from(
                u,
            ))));
        }
        Ok(crate::objects::array::get(code, item, 0))
    }

    /// `view[i] = v` and `view[a:b] = buffer`, writing through to a bytearray or array.
    pub(crate) fn memoryview_set(
        &mut self,
        base: Value,
        start: usize,
        len: usize,
        code: u8,
        i: Value,
        v: Value,
    ) -> PResult<()> {
        let size = crate::objects::array::item_size(code).unwrap_or(1);
        let Value::Obj(br) = base else {
            unreachable!("views are of objects")
        };
        if !matches!(self.gc.heap.get(br), Obj::ByteArray(_) | Obj::Array(..)) {
            return Err(PyErr::type_error(
                "'memoryview' object doesn't support item assignment",
            ));
        }
        let (at, data): (usize, Vec<u8>) = if let Value::Obj(ir) = i
            && let Obj::Slice(a, b, c) = self.gc.heap.get(ir)
        {
            let (a, b, c) = (*a, *b, *c);
            let (s, e, _) = self.slice_indices(a, b, c, len)?;
            let n = (e - s).max(0) as usize;
            let src = self
                .as_bytes(v)
                .ok_or_else(|| PyErr::type_error("object with buffer protocol required"))?
                .to_vec();
            if src.len() != n * size {
                return Err(PyErr::new(
                    ErrKind::ValueError,
                    "memoryview slice assignment size mismatch",
                ));
            }
            (start + s.max(0) as usize * size, src)
        } else {
            let idx = self.subscript_index_named("memoryview", i)?;
            let k = norm_index(idx, len)
                .ok_or_else(|| PyErr::new(ErrKind::IndexError, "index out of range"))?;
            let (iv, fv, is_float) = self.array_item(code, v)?;
            if code == b'B' && !is_float && !(0..256).contains(&iv) {
                return Err(PyErr::new(
                    ErrKind::ValueError,
                    "byte must be in range(0, 256)",
                ));
            }
            let mut bytes = Vec::with_capacity(size);
            crate::objects::array::put(code, iv, fv, is_float, &mut bytes);
            (start + k * size, bytes)
        };
        match self.gc.heap.get_mut(br) {
            Obj::ByteArray(b) | Obj::Array(_, b) => {
                if let Some(dst) = b.get_mut(at..at + data.len()) {
                    dst.copy_from_slice(&data);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

pub(crate) fn memoryview_tobytes(vm: &mut Interp, a: Args) -> PResult<Value> {
    let b = vm.as_bytes(vm.arg(a, 0)).unwrap_or(&[]).to_vec();
    vm.alloc(Obj::Bytes(b.into()))
}

pub(crate) const MEMORYVIEW: &[Native] = &[
    Native::new("tobytes", memoryview_tobytes).args(1, 1),
    Native::new("hex", bytes_hex).args(1, 2),
];

pub(crate) fn new_memoryview(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "memoryview", 1, 1)?;
    let obj = vm.arg(a, 0);
    let (base, start, len) = match obj {
        Value::Obj(r) => match vm.gc.heap.get(r) {
            Obj::MemoryView(b, s, n, code) => {
                let (b, s, n, code) = (*b, *s, *n, *code);
                return vm.alloc(Obj::MemoryView(b, s, n, code));
            }
            Obj::Array(code, data) => {
                let (code, n) = (*code, crate::objects::array::len(*code, data));
                return vm.alloc(Obj::MemoryView(obj, 0, n, code));
            }
            Obj::Bytes(b) => (obj, 0, b.len()),
            Obj::ByteArray(b) => (obj, 0, b.len()),
            Obj::Instance(i) => match i.data.as_ref().and_then(|d| d.buffer()) {
                // An object over a buffer (a FrameBuffer): a view of that buffer.
                Some(b) => return vm.call_value(Value::Obj(vm.types.memoryview), &[b]),
                None => return Err(PyErr::type_error("object with buffer protocol required")),
            },
            _ => return Err(PyErr::type_error("object with buffer protocol required")),
        },
        _ => return Err(PyErr::type_error("object with buffer protocol required")),
    };
    vm.alloc(Obj::MemoryView(base, start, len, b'B'))
}
