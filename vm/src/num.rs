//! Numbers: `int` (small and arbitrary precision), `bool` as an int, `float`, and their mixed
//! arithmetic and comparison, exactly as Python defines them. Pure: the runtime and the
//! compiler's constant folding share it, so a folded constant is what the VM would compute.
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
    let t = crate::fmath::trunc(f);
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
    x < 0.0 && x.is_finite() && y.is_finite() && y != crate::fmath::trunc(y)
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
        BinOp::FloorDiv => py_floordiv(x, y),
        BinOp::Mod => py_mod(x, y),
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
    // An int of at most 53 bits is exactly a float: compare as floats (the common case,
    // `x < 2`, without a big int).
    const EXACT: i64 = 1 << 53;
    if let NumRef::Int(i) = n
        && (-EXACT..=EXACT).contains(&i)
    {
        return x.partial_cmp(&(i as f64));
    }
    // Compare exactly: the float's integer part as a big int, then its fraction.
    let whole = crate::fmath::trunc(x);
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

/// Python's `%` on floats: the result has the sign of the divisor.
pub fn py_mod(a: f64, b: f64) -> f64 {
    let r = libm::fmod(a, b);
    if r != 0.0 && ((r < 0.0) != (b < 0.0)) {
        r + b
    } else if r == 0.0 {
        libm::copysign(0.0, b)
    } else {
        r
    }
}

/// Python's `//` on floats. A zero quotient takes the sign of `a / b` (so `-1.5 // -2.0` is
/// `0.0`, not `-0.0`).
pub fn py_floordiv(a: f64, b: f64) -> f64 {
    let m = py_mod(a, b);
    let d = (a - m) / b;
    if d == 0.0 {
        return libm::copysign(0.0, a / b);
    }
    let f = crate::fmath::floor(d);
    if d - f > 0.5 { f + 1.0 } else { f }
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

    #[test]
    fn modulo_and_floor_division_follow_python() {
        assert_eq!(py_mod(-7.0, 2.0), 1.0);
        assert_eq!(py_mod(7.0, -2.0), -1.0);
        assert_eq!(py_floordiv(-7.0, 2.0), -4.0);
        assert_eq!(py_floordiv(7.5, 2.0), 3.0);
        assert!(py_floordiv(-1.5, -2.0).is_sign_positive());
        assert!(py_floordiv(1.5, -2.0) == -1.0);
    }
}
