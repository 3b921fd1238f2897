//! `int` (small and arbitrary precision), `bool` as an int, and mixed arithmetic with `float`;
//! the constructors of `int` and `bool` (with parsing in any base) and `int`'s methods.
//!
//! Small ints live unboxed in [`crate::value::Value::Int`]; a result that leaves the `i64`
//! range is computed with a big int and comes back as [`Num::Big`], and a big result that
//! fits again is made small ([`normalize`]).

use alloc::boxed::Box;
use alloc::string::String;
use core::cmp::Ordering;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::ast::BinOp;
use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::interner::Sym;
use crate::objects::str::opt_arg;
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

/// A number borrowed from a value.
#[derive(Clone, Copy, Debug)]
pub enum NumRef<'a> {
    Int(i64),
    Big(&'a BigInt),
    Float(f64),
}

/// A computed number, before it becomes a value.
#[derive(Debug, PartialEq)]
pub enum Num {
    Int(i64),
    Big(Box<BigInt>),
    Float(f64),
}

/// Make a big int small when it fits.
pub fn normalize(b: BigInt) -> Num {
    match b.to_i64() {
        Some(i) => Num::Int(i),
        None => Num::Big(Box::new(b)),
    }
}

fn to_big(n: NumRef) -> Option<BigInt> {
    match n {
        NumRef::Int(i) => Some(BigInt::from(i)),
        NumRef::Big(b) => Some(b.clone()),
        NumRef::Float(_) => None,
    }
}

pub fn to_f64(n: NumRef) -> Result<f64, PyErr> {
    match n {
        NumRef::Int(i) => Ok(i as f64),
        NumRef::Float(f) => Ok(f),
        NumRef::Big(b) => b.to_f64().filter(|f| f.is_finite()).ok_or_else(|| {
            PyErr::new(
                ErrKind::OverflowError,
                "overflow converting long int to machine word",
            )
        }),
    }
}

/// `int(f)`: the float truncated toward zero, exactly (`int(1e30)` is a big int).
pub fn from_float(f: f64) -> Result<Num, PyErr> {
    if f.is_nan() {
        return Err(PyErr::new(ErrKind::ValueError, "can't convert NaN to int"));
    }
    if f.is_infinite() {
        return Err(PyErr::new(
            ErrKind::OverflowError,
            "can't convert inf to int",
        ));
    }
    let t = libm::trunc(f);
    if libm::fabs(t) < 9.0e18 {
        return Ok(Num::Int(t as i64));
    }
    let b: Option<BigInt> = num_traits::FromPrimitive::from_f64(t);
    Ok(normalize(b.unwrap_or_default()))
}

/// Whether `a ** b` is complex: a negative finite base to a finite non-integer float power.
pub fn pow_is_complex(a: NumRef, b: NumRef) -> bool {
    let NumRef::Float(y) = b else {
        return false;
    };
    let x = match a {
        NumRef::Int(i) => i as f64,
        NumRef::Float(f) => f,
        NumRef::Big(b) => b.to_f64().unwrap_or(0.0),
    };
    x < 0.0 && x.is_finite() && y.is_finite() && y != libm::trunc(y)
}

/// `a op b` for two numbers.
pub fn arith(op: BinOp, a: NumRef, b: NumRef) -> Result<Num, PyErr> {
    if op == BinOp::MatMul {
        return Err(PyErr::type_error(unsupported(op, "int", "int")));
    }
    if let (NumRef::Int(x), NumRef::Int(y)) = (a, b)
        && let Some(r) = small_arith(op, x, y)?
    {
        return Ok(r);
    }
    if matches!(a, NumRef::Float(_)) || matches!(b, NumRef::Float(_)) || op == BinOp::TrueDiv {
        return float_arith(op, to_f64(a)?, to_f64(b)?);
    }
    let (Some(x), Some(y)) = (to_big(a), to_big(b)) else {
        unreachable!("floats handled above")
    };
    big_arith(op, x, y)
}

/// The fast path: `None` when the result needs a big int (or a float, for `**` with a
/// negative exponent).
fn small_arith(op: BinOp, x: i64, y: i64) -> Result<Option<Num>, PyErr> {
    Ok(match op {
        BinOp::Add => x.checked_add(y).map(Num::Int),
        BinOp::Sub => x.checked_sub(y).map(Num::Int),
        BinOp::Mul => x.checked_mul(y).map(Num::Int),
        BinOp::FloorDiv => {
            if y == 0 {
                return Err(PyErr::zero_division());
            }
            x.checked_div_euclid(y)
                .map(|_| Num::Int(Integer::div_floor(&x, &y)))
        }
        BinOp::Mod => {
            if y == 0 {
                return Err(PyErr::zero_division());
            }
            x.checked_rem_euclid(y)
                .map(|_| Num::Int(Integer::mod_floor(&x, &y)))
        }
        BinOp::Pow => {
            if y < 0 {
                return Ok(None);
            }
            u32::try_from(y)
                .ok()
                .and_then(|e| x.checked_pow(e))
                .map(Num::Int)
        }
        BinOp::LShift => {
            if y < 0 {
                return Err(PyErr::new(ErrKind::ValueError, "negative shift count"));
            }
            if x == 0 {
                Some(Num::Int(0))
            } else if y < 63 && (x << y) >> y == x {
                Some(Num::Int(x << y))
            } else {
                None
            }
        }
        BinOp::RShift => {
            if y < 0 {
                return Err(PyErr::new(ErrKind::ValueError, "negative shift count"));
            }
            Some(Num::Int(x >> y.min(63)))
        }
        BinOp::And => Some(Num::Int(x & y)),
        BinOp::Or => Some(Num::Int(x | y)),
        BinOp::Xor => Some(Num::Int(x ^ y)),
        BinOp::TrueDiv | BinOp::MatMul => None,
    })
}

fn big_arith(op: BinOp, x: BigInt, y: BigInt) -> Result<Num, PyErr> {
    let r = match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::FloorDiv | BinOp::Mod if y.is_zero() => return Err(PyErr::zero_division()),
        BinOp::FloorDiv => x.div_floor(&y),
        BinOp::Mod => x.mod_floor(&y),
        BinOp::Pow => {
            if y.is_negative() {
                return float_arith(op, big_to_f64(&x)?, big_to_f64(&y)?);
            }
            let Some(e) = y.to_u32() else {
                if x.is_zero() || x.is_one() {
                    return Ok(normalize(x));
                }
                return Err(PyErr::bare(ErrKind::MemoryError));
            };
            // Refuse results that could not fit in any heap before computing them.
            let bits = x.bits().saturating_mul(u64::from(e));
            if bits > 64 * 1024 * 1024 {
                return Err(PyErr::bare(ErrKind::MemoryError));
            }
            num_traits::pow(x, e as usize)
        }
        BinOp::LShift | BinOp::RShift if y.is_negative() => {
            return Err(PyErr::new(ErrKind::ValueError, "negative shift count"));
        }
        BinOp::LShift => {
            let n = y
                .to_usize()
                .filter(|n| *n < 64 * 1024 * 1024)
                .ok_or(PyErr::bare(ErrKind::MemoryError))?;
            x << n
        }
        BinOp::RShift => match y.to_usize() {
            Some(n) => x >> n,
            None => BigInt::from(if x.is_negative() { -1 } else { 0 }),
        },
        BinOp::And => x & y,
        BinOp::Or => x | y,
        BinOp::Xor => x ^ y,
        BinOp::TrueDiv | BinOp::MatMul => unreachable!("handled before big-int arithmetic"),
    };
    Ok(normalize(r))
}

fn big_to_f64(b: &BigInt) -> Result<f64, PyErr> {
    to_f64(NumRef::Big(b))
}

fn float_arith(op: BinOp, x: f64, y: f64) -> Result<Num, PyErr> {
    let r = match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::TrueDiv | BinOp::FloorDiv | BinOp::Mod if y == 0.0 => {
            return Err(PyErr::zero_division());
        }
        BinOp::TrueDiv => x / y,
        BinOp::FloorDiv => super::float::py_floordiv(x, y),
        BinOp::Mod => super::float::py_mod(x, y),
        BinOp::Pow => {
            // Zero to a finite negative power divides by zero; to `-inf` it is `inf`.
            if x == 0.0 && y < 0.0 && y.is_finite() {
                return Err(PyErr::zero_division());
            }
            libm::pow(x, y)
        }
        _ => return Err(PyErr::type_error(unsupported(op, "float", "float"))),
    };
    Ok(Num::Float(r))
}

/// MicroPython's message for an operator the operand types don't support.
pub fn unsupported(op: BinOp, a: &str, b: &str) -> String {
    let name = match op {
        BinOp::Add => "__add__",
        BinOp::Sub => "__sub__",
        BinOp::Mul => "__mul__",
        BinOp::TrueDiv => "__truediv__",
        BinOp::FloorDiv => "__floordiv__",
        BinOp::Mod => "__mod__",
        BinOp::Pow => "__pow__",
        BinOp::LShift => "__lshift__",
        BinOp::RShift => "__rshift__",
        BinOp::And => "__and__",
        BinOp::Or => "__or__",
        BinOp::Xor => "__xor__",
        BinOp::MatMul => "__matmul__",
    };
    alloc::format!("unsupported types for {name}: '{a}', '{b}'")
}

/// Numeric comparison (`None` when a NaN is involved).
pub fn compare(a: NumRef, b: NumRef) -> Option<Ordering> {
    match (a, b) {
        (NumRef::Int(x), NumRef::Int(y)) => Some(x.cmp(&y)),
        (NumRef::Float(x), NumRef::Float(y)) => x.partial_cmp(&y),
        (NumRef::Float(x), other) => compare_float_int(x, other),
        (other, NumRef::Float(y)) => compare_float_int(y, other).map(Ordering::reverse),
        _ => Some(to_big(a)?.cmp(&to_big(b)?)),
    }
}

fn compare_float_int(x: f64, n: NumRef) -> Option<Ordering> {
    if x.is_nan() {
        return None;
    }
    if x.is_infinite() {
        return Some(if x > 0.0 {
            Ordering::Greater
        } else {
            Ordering::Less
        });
    }
    // Compare exactly: the float's integer part as a big int, then its fraction.
    let whole = libm::trunc(x);
    let wb = BigInt::from_f64_exact(whole);
    let nb = to_big(n)?;
    match wb.cmp(&nb) {
        Ordering::Equal if x > whole => Some(Ordering::Greater),
        Ordering::Equal if x < whole => Some(Ordering::Less),
        o => Some(o),
    }
}

trait FromF64Exact {
    fn from_f64_exact(f: f64) -> BigInt;
}

impl FromF64Exact for BigInt {
    fn from_f64_exact(f: f64) -> BigInt {
        num_traits::FromPrimitive::from_f64(f).unwrap_or_default()
    }
}

/// Parse an integer literal as the lexer passed it: decimal, or `0x`/`0o`/`0b` prefixed.
pub fn parse_literal(digits: &str) -> Option<Num> {
    let lower = digits.to_ascii_lowercase();
    let (radix, body) = match lower.get(..2) {
        Some("0x") => (16, &digits[2..]),
        Some("0o") => (8, &digits[2..]),
        Some("0b") => (2, &digits[2..]),
        _ => {
            // A decimal literal may not have leading zeros, except zero itself.
            if digits.len() > 1 && digits.starts_with('0') && digits.bytes().any(|b| b != b'0') {
                return None;
            }
            (10, digits)
        }
    };
    if body.is_empty() {
        return None;
    }
    if let Ok(i) = i64::from_str_radix(body, radix) {
        return Some(Num::Int(i));
    }
    BigInt::parse_bytes(body.as_bytes(), radix).map(normalize)
}

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
    vm.num_value(crate::objects::int::normalize(n))
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
        Some(crate::objects::int::NumRef::Int(i)) => num_bigint::BigInt::from(i),
        Some(crate::objects::int::NumRef::Big(b)) => b.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn int(op: BinOp, a: i64, b: i64) -> Num {
        arith(op, NumRef::Int(a), NumRef::Int(b)).unwrap()
    }

    #[test]
    fn floor_semantics() {
        assert_eq!(int(BinOp::FloorDiv, -7, 2), Num::Int(-4));
        assert_eq!(int(BinOp::Mod, -7, 2), Num::Int(1));
        assert_eq!(int(BinOp::Mod, 7, -2), Num::Int(-1));
        assert_eq!(int(BinOp::TrueDiv, 7, 2), Num::Float(3.5));
        assert_eq!(int(BinOp::Pow, 2, -1), Num::Float(0.5));
    }

    #[test]
    fn overflow_goes_big_and_back() {
        let Num::Big(b) = int(BinOp::Mul, i64::MAX, 2) else {
            panic!()
        };
        assert_eq!(b.to_string(), "18446744073709551614");
        let back = arith(BinOp::FloorDiv, NumRef::Big(&b), NumRef::Int(2)).unwrap();
        assert_eq!(back, Num::Int(i64::MAX));
        let Num::Big(p) = int(BinOp::Pow, 2, 100) else {
            panic!()
        };
        assert_eq!(p.to_string(), "1267650600228229401496703205376");
    }

    #[test]
    fn errors() {
        let e = arith(BinOp::Mod, NumRef::Int(1), NumRef::Int(0)).unwrap_err();
        assert_eq!(e.kind, ErrKind::ZeroDivisionError);
        let e = arith(BinOp::TrueDiv, NumRef::Float(1.0), NumRef::Int(0)).unwrap_err();
        assert_eq!(e.message.as_deref(), Some("divide by zero"));
    }

    #[test]
    fn mixed_comparison_is_exact() {
        assert_eq!(
            compare(NumRef::Float(2.5), NumRef::Int(2)),
            Some(Ordering::Greater)
        );
        assert_eq!(
            compare(NumRef::Int(3), NumRef::Float(3.0)),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare(
                NumRef::Int(9007199254740993),
                NumRef::Float(9007199254740992.0)
            ),
            Some(Ordering::Greater)
        );
    }

    #[test]
    fn floats_convert_exactly() {
        assert_eq!(from_float(-2.9).unwrap(), Num::Int(-2));
        let Num::Big(b) = from_float(1e30).unwrap() else {
            panic!()
        };
        assert_eq!(b.to_string(), "1000000000000000019884624838656");
        assert_eq!(from_float(f64::NAN).unwrap_err().kind, ErrKind::ValueError);
        assert_eq!(
            from_float(f64::NEG_INFINITY).unwrap_err().kind,
            ErrKind::OverflowError
        );
    }

    #[test]
    fn literals() {
        assert_eq!(parse_literal("0x1f"), Some(Num::Int(31)));
        assert_eq!(parse_literal("0b101"), Some(Num::Int(5)));
        assert_eq!(parse_literal("007"), None);
        assert_eq!(parse_literal("000"), Some(Num::Int(0)));
        assert!(matches!(
            parse_literal("99999999999999999999"),
            Some(Num::Big(_))
        ));
    }
}
