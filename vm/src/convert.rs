//! Reading Rust values out of Python ones: numbers (with coercion), indices, truth, text and
//! bytes.

use crate::ast::BinOp;
use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::interner::Sym;
use crate::num;
use crate::num::{Num, NumRef};
use crate::objects::range::range_len;
use crate::value::Value;
use crate::vm::{Interp, PResult};

impl Interp {
    /// A number, if the value is one (`bool` counts as `int`).
    pub(crate) fn num(&self, v: Value) -> Option<NumRef<'_>> {
        match v {
            Value::Int(i) => Some(NumRef::Int(i)),
            Value::Bool(b) => Some(NumRef::Int(i64::from(b))),
            Value::Float(f) => Some(NumRef::Float(f)),
            Value::Obj(r) => match self.gc.heap.get(r) {
                Obj::BigInt(b) => Some(NumRef::Big(b)),
                Obj::Instance(i) if i.native != Value::Undef => self.num(i.native),
                _ => None,
            },
            _ => None,
        }
    }

    pub(crate) fn num_value(&mut self, n: Num) -> PResult<Value> {
        match n {
            Num::Int(i) => Ok(Value::Int(i)),
            Num::Float(f) => Ok(Value::Float(f)),
            Num::Big(b) => self.alloc(Obj::BigInt(b)),
        }
    }

    /// Refuse `x ** y` and `x << y` whose result could not fit in the heap, before spending
    /// time computing it.
    pub(crate) fn check_int_growth(&self, op: BinOp, x: NumRef, y: NumRef) -> PResult<()> {
        let bits = |n: NumRef| -> u64 {
            match n {
                NumRef::Int(i) => 64 - i.unsigned_abs().leading_zeros() as u64,
                NumRef::Big(b) => b.bits(),
                NumRef::Float(_) => 0,
            }
        };
        let amount = match y {
            NumRef::Int(i) if i > 0 => i as u64,
            NumRef::Big(b) if b.sign() == num_bigint::Sign::Plus => u64::MAX,
            _ => return Ok(()),
        };
        let result_bits = match (op, x) {
            (_, NumRef::Float(_)) => return Ok(()),
            (BinOp::Pow, _) if bits(x) <= 1 => return Ok(()),
            (BinOp::Pow, _) => bits(x).saturating_mul(amount),
            (BinOp::LShift, _) if bits(x) == 0 => return Ok(()),
            (BinOp::LShift, _) => bits(x).saturating_add(amount),
            _ => return Ok(()),
        };
        if result_bits / 8 > self.gc.heap.limit() as u64 {
            return Err(PyErr::new(
                ErrKind::MemoryError,
                alloc::format!(
                    "memory allocation failed, allocating {} bytes",
                    result_bits / 8
                ),
            ));
        }
        Ok(())
    }

    pub(crate) fn is_complex(&self, v: Value) -> bool {
        matches!(v, Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Complex(..)))
    }

    /// A number as complex: `None` for non-numbers.
    pub(crate) fn as_complex(&self, v: Value) -> PResult<Option<(f64, f64)>> {
        if let Value::Obj(r) = v
            && let Obj::Complex(re, im) = self.gc.heap.get(r)
        {
            return Ok(Some((*re, *im)));
        }
        match self.num(v) {
            Some(n) => Ok(Some((num::to_f64(n)?, 0.0))),
            None => Ok(None),
        }
    }

    /// `v` as a float, as MicroPython converts arguments: a number, or an object whose
    /// `__float__` returns a float; `None` for anything else.
    pub(crate) fn float_of(&mut self, v: Value) -> PResult<Option<f64>> {
        if let Some(n) = self.num(v) {
            return num::to_f64(n).map(Some);
        }
        Ok(match self.call_special(v, Sym::__float__, &[])? {
            Some(r) => match self.num(r) {
                Some(NumRef::Float(f)) => Some(f),
                _ => None,
            },
            None => None,
        })
    }

    /// `v` as a float, or MicroPython's TypeError.
    pub(crate) fn float_arg(&mut self, v: Value) -> PResult<f64> {
        self.float_of(v)?.ok_or_else(|| {
            PyErr::type_error(alloc::format!(
                "can't convert {} to float",
                self.type_name(v)
            ))
        })
    }

    /// `v` as a complex: a complex, anything [`Interp::float_of`] takes, or an object whose
    /// `__complex__` returns a complex; `None` for anything else.
    pub(crate) fn complex_of(&mut self, v: Value) -> PResult<Option<(f64, f64)>> {
        if let Some(z) = self.as_complex(v)? {
            return Ok(Some(z));
        }
        if let Some(f) = self.float_of(v)? {
            return Ok(Some((f, 0.0)));
        }
        Ok(match self.call_special(v, Sym::__complex__, &[])? {
            Some(r) if self.is_complex(r) => self.as_complex(r)?,
            _ => None,
        })
    }

    /// `v` as a complex, or MicroPython's TypeError.
    pub(crate) fn complex_arg(&mut self, v: Value) -> PResult<(f64, f64)> {
        self.complex_of(v)?.ok_or_else(|| {
            PyErr::type_error(alloc::format!(
                "can't convert {} to complex",
                self.type_name(v)
            ))
        })
    }

    /// An int argument as `i64`.
    pub(crate) fn as_int(&self, v: Value) -> Option<i64> {
        match v {
            Value::Int(i) => Some(i),
            Value::Bool(b) => Some(i64::from(b)),
            _ => None,
        }
    }

    pub(crate) fn index_arg(&self, v: Value) -> PResult<i64> {
        match self.num(v) {
            Some(NumRef::Int(i)) => Ok(i),
            Some(NumRef::Big(_)) => Err(PyErr::new(ErrKind::IndexError, "index out of range")),
            _ => Err(PyErr::type_error(alloc::format!(
                "indices must be integers, not {}",
                self.type_name(v)
            ))),
        }
    }

    /// An index into `container`: an int, or MicroPython's TypeError naming both types
    /// (`list indices must be integers, not str`).
    pub(crate) fn subscript_index(&self, container: Value, i: Value) -> PResult<i64> {
        if let Value::Int(n) = i {
            return Ok(n);
        }
        // The container's name is wanted only for the message.
        self.index_arg(i).map_err(|e| match e.kind {
            ErrKind::TypeError => {
                let kind = match self.type_name(container) {
                    "str" => "string",
                    other => other,
                };
                PyErr::type_error(alloc::format!(
                    "{kind} indices must be integers, not {}",
                    self.type_name(i)
                ))
            }
            _ => e,
        })
    }

    /// As [`Self::subscript_index`], for a container known by its type's name.
    pub(crate) fn subscript_index_named(&self, kind: &str, i: Value) -> PResult<i64> {
        if let Value::Int(n) = i {
            return Ok(n);
        }
        self.index_arg(i).map_err(|e| match e.kind {
            ErrKind::TypeError => PyErr::type_error(alloc::format!(
                "{kind} indices must be integers, not {}",
                self.type_name(i)
            )),
            _ => e,
        })
    }

    pub(crate) fn truthy(&mut self, v: Value) -> PResult<bool> {
        Ok(match v {
            Value::None | Value::Undef => false,
            Value::Bool(b) => b,
            Value::Int(i) => i != 0,
            Value::Float(f) => f != 0.0,
            Value::Builtin(_) => true,
            Value::Obj(r) => match self.gc.heap.get(r) {
                Obj::Str(s) => !s.is_empty(),
                Obj::Bytes(b) => !b.is_empty(),
                Obj::ByteArray(b) => !b.is_empty(),
                Obj::BigInt(_) => true,
                Obj::Complex(re, im) => *re != 0.0 || *im != 0.0,
                Obj::Array(_, data) => !data.is_empty(),
                Obj::DictView(d, _) => self.dict_ref(*d).is_some_and(|t| !t.is_empty()),
                Obj::List(l) => !l.is_empty(),
                Obj::Tuple(t) => !t.is_empty(),
                Obj::Dict(d) | Obj::Set(d, _) => !d.is_empty(),
                Obj::Range(start, stop, step) => range_len(*start, *stop, *step) > 0,
                Obj::Instance(_) => {
                    if let Some(b) = self.call_special(v, Sym::__bool__, &[])? {
                        return self.truthy(b);
                    }
                    if let Some(n) = self.call_special(v, Sym::__len__, &[])? {
                        return Ok(self.as_int(n).unwrap_or(0) != 0);
                    }
                    match self.payload(v) {
                        Some(p) => return self.truthy(p),
                        None => true,
                    }
                }
                _ => true,
            },
        })
    }

    pub(crate) fn as_str(&self, v: Value) -> Option<&str> {
        match v {
            Value::Obj(r) => match self.gc.heap.get(r) {
                Obj::Str(s) => Some(s),
                Obj::Instance(i) if i.native != Value::Undef => self.as_str(i.native),
                _ => None,
            },
            _ => None,
        }
    }

    /// Bytes behind a bytes-like value.
    pub(crate) fn as_bytes(&self, v: Value) -> Option<&[u8]> {
        match v {
            Value::Obj(r) => match self.gc.heap.get(r) {
                Obj::Bytes(b) => Some(b),
                Obj::ByteArray(b) => Some(b),
                Obj::MemoryView(base, start, len, code) => {
                    let bytes = len * crate::objects::array::item_size(*code).unwrap_or(1);
                    let start = *start;
                    self.as_bytes(*base)
                        .and_then(|b| b.get(start..start + bytes))
                }
                Obj::Array(_, data) => Some(data),
                Obj::Instance(i) if i.native != Value::Undef => self.as_bytes(i.native),
                Obj::Instance(i) => self.as_bytes(i.data.as_ref()?.buffer()?),
                _ => None,
            },
            _ => None,
        }
    }
}
