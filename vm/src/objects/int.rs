//! `int`: its constructors (`int(x, base)`, `bool(x)`) and its methods (`to_bytes`,
//! `from_bytes`). The numbers themselves, small and big, and their arithmetic are in
//! `num.rs`, which the compiler's constant folding shares.

use alloc::string::String;

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::interner::Sym;
use crate::num::{NumRef, from_float, normalize};
use crate::objects::str::opt_arg;
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

pub(crate) fn int_from_bytes(vm: &mut Interp, a: Args) -> PResult<Value> {
    // int.from_bytes(bytes, byteorder): bound to the class, so the bytes are argument 1.
    let (b, order) = (
        vm.arg(a, 1),
        if a.len > 2 {
            vm.arg(a, 2)
        } else {
            vm.kwarg(a, "byteorder").unwrap_or(Value::None)
        },
    );
    let bytes = vm
        .as_bytes(b)
        .ok_or_else(|| PyErr::type_error("object with buffer protocol required"))?
        .to_vec();
    let little = vm.as_str(order) == Some("little");
    let signed = match vm.kwarg(a, "signed") {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    let n = if little {
        if signed {
            num_bigint::BigInt::from_signed_bytes_le(&bytes)
        } else {
            num_bigint::BigInt::from_bytes_le(num_bigint::Sign::Plus, &bytes)
        }
    } else if signed {
        num_bigint::BigInt::from_signed_bytes_be(&bytes)
    } else {
        num_bigint::BigInt::from_bytes_be(num_bigint::Sign::Plus, &bytes)
    };
    vm.num_value(crate::num::normalize(n))
}

pub(crate) fn int_to_bytes(vm: &mut Interp, a: Args) -> PResult<Value> {
    let v = vm.arg(a, 0);
    let length = match opt_arg(vm, a, 1).or_else(|| vm.kwarg(a, "length")) {
        Some(l) => vm.int_arg(l)?,
        None => 1,
    };
    let Ok(length) = usize::try_from(length) else {
        return Err(PyErr::new(
            ErrKind::ValueError,
            "length argument must be non-negative",
        ));
    };
    let order = opt_arg(vm, a, 2)
        .or_else(|| vm.kwarg(a, "byteorder"))
        .unwrap_or(Value::None);
    let little = vm.as_str(order) == Some("little");
    let signed = match vm.kwarg(a, "signed") {
        Some(s) => vm.truthy(s)?,
        None => false,
    };
    let n = match vm.num(v) {
        Some(crate::num::NumRef::Int(i)) => num_bigint::BigInt::from(i),
        Some(crate::num::NumRef::Big(b)) => b.clone(),
        _ => return Err(PyErr::type_error("can't convert to int")),
    };
    let negative = n.sign() == num_bigint::Sign::Minus;
    if negative && !signed {
        return Err(PyErr::new(
            ErrKind::OverflowError,
            "can't convert negative int to unsigned",
        ));
    }
    // Unsigned values need their bits; signed ones a sign bit too (two's complement).
    let bits = if signed {
        let magnitude = if negative { -(&n) - 1u32 } else { n.clone() };
        magnitude.bits() + 1
    } else {
        n.bits()
    };
    if bits > 8 * length as u64 && n.sign() != num_bigint::Sign::NoSign {
        return Err(PyErr::new(
            ErrKind::OverflowError,
            alloc::format!("value would overflow a {length} byte buffer"),
        ));
    }
    let mut bytes = n.to_signed_bytes_le();
    bytes.resize(length, if negative { 0xff } else { 0 });
    if !little {
        bytes.reverse();
    }
    vm.alloc(Obj::Bytes(bytes.into()))
}

pub(crate) const INT: &[Native] = &[Native::new("to_bytes", int_to_bytes).args(1, 3).kw()];

pub(crate) fn new_int(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "int", 0, 2)?;
    if a.len == 0 {
        return Ok(Value::Int(0));
    }
    let v = vm.arg(a, 0);
    let base = if a.len == 2 {
        Some(vm.int_arg(vm.arg(a, 1))?)
    } else {
        vm.kwarg(a, "base").map(|b| vm.as_int(b).unwrap_or(10))
    };
    if let Some(text) = vm.as_str(v).map(String::from).or_else(|| {
        vm.as_bytes(v)
            .map(|b| String::from_utf8_lossy(b).into_owned())
    }) {
        return parse_int(vm, &text, base.unwrap_or(10));
    }
    if base.is_some() {
        return Err(PyErr::type_error(
            "can't convert non-string with explicit base",
        ));
    }
    match vm.num(v) {
        Some(NumRef::Int(i)) => Ok(Value::Int(i)),
        Some(NumRef::Big(_)) => Ok(v),
        Some(NumRef::Float(f)) => vm.num_value(from_float(f)?),
        None => {
            if let Some(r) = vm.call_special(v, Sym::__int__, &[])? {
                return match vm.num(r) {
                    Some(NumRef::Int(_) | NumRef::Big(_)) => Ok(r),
                    _ => Err(PyErr::type_error(alloc::format!(
                        "__int__ returned non-int (type {})",
                        vm.type_name(r)
                    ))),
                };
            }
            Err(PyErr::type_error(alloc::format!(
                "can't convert {} to int",
                vm.type_name(v)
            )))
        }
    }
}

pub(crate) fn parse_int(vm: &mut Interp, text: &str, base: i64) -> PResult<Value> {
    let requested_base = base;
    let bad = || {
        PyErr::new(
            ErrKind::ValueError,
            alloc::format!("invalid syntax for integer with base {base}: {}", {
                let mut s = String::new();
                crate::objects::str::write_repr(text, &mut s);
                s
            }),
        )
    };
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let lower = t.to_ascii_lowercase();
    let (base, digits) = match (base, lower.get(..2)) {
        (0 | 16, Some("0x")) => (16, &t[2..]),
        (0 | 8, Some("0o")) => (8, &t[2..]),
        (0 | 2, Some("0b")) => (2, &t[2..]),
        (0, _) => (10, t),
        (b, _) => (b, t),
    };
    if !(2..=36).contains(&base) {
        return Err(PyErr::new(
            ErrKind::ValueError,
            "int() arg 2 must be >= 2 and <= 36",
        ));
    }
    // Underscores only between digits (after a base prefix, one may lead).
    let inner = digits
        .strip_prefix('_')
        .filter(|_| base != 10 && digits.len() < t.len())
        .unwrap_or(digits);
    if inner.starts_with('_') || inner.ends_with('_') || inner.contains("__") {
        return Err(bad());
    }
    let digits: String = inner.chars().filter(|c| *c != '_').collect();
    if digits.is_empty() || digits.contains(char::is_whitespace) {
        return Err(bad());
    }
    // With base 0, a decimal literal can't have leading zeros (as in source code).
    if base == 10
        && lower
            .get(..2)
            .is_none_or(|p| !matches!(p, "0x" | "0o" | "0b"))
        && requested_base == 0
        && digits.len() > 1
        && digits.starts_with('0')
        && digits.bytes().any(|b| b != b'0')
    {
        return Err(bad());
    }
    let b = num_bigint::BigInt::parse_bytes(digits.as_bytes(), base as u32).ok_or_else(bad)?;
    vm.num_value(normalize(if neg { -b } else { b }))
}

pub(crate) fn new_bool(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "bool", 0, 1)?;
    if a.len == 0 {
        return Ok(Value::Bool(false));
    }
    Ok(Value::Bool(vm.truthy(vm.arg(a, 0))?))
}

/// MicroPython's error for text that is not a number.
pub(crate) fn bad_number() -> PyErr {
    PyErr::new(ErrKind::ValueError, "invalid syntax for number")
}
