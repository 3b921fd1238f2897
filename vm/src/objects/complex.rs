//! `complex`: arithmetic and `repr` of complex numbers (two doubles), constructor, methods.

use alloc::string::String;

use crate::ast::BinOp;
use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::objects::float;
use crate::objects::int::bad_number;
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

/// Append `repr(z)`: `(1+2j)`, `2j`, `(1-0j)`; integral parts print without `.0`.
pub fn write_repr(re: f64, im: f64, out: &mut String) {
    let part = |x: f64, out: &mut String| {
        let mut s = String::new();
        float::write_repr(x, &mut s);
        out.push_str(s.strip_suffix(".0").unwrap_or(&s));
    };
    if re == 0.0 && !re.is_sign_negative() {
        part(im, out);
        out.push('j');
        return;
    }
    out.push('(');
    part(re, out);
    if im >= 0.0 || im.is_nan() {
        out.push('+');
    }
    part(im, out);
    out.push_str("j)");
}

/// `a op b` for complex operands.
pub fn arith(op: BinOp, a: (f64, f64), b: (f64, f64)) -> Result<(f64, f64), PyErr> {
    let ((ar, ai), (br, bi)) = (a, b);
    Ok(match op {
        BinOp::Add => (ar + br, ai + bi),
        BinOp::Sub => (ar - br, ai - bi),
        BinOp::Mul => (ar * br - ai * bi, ar * bi + ai * br),
        BinOp::TrueDiv => {
            let d = br * br + bi * bi;
            if d == 0.0 {
                return Err(PyErr::new(
                    ErrKind::ZeroDivisionError,
                    "complex divide by zero",
                ));
            }
            ((ar * br + ai * bi) / d, (ai * br - ar * bi) / d)
        }
        BinOp::Pow => pow(a, b)?,
        _ => {
            return Err(PyErr::type_error(crate::num::unsupported(
                op, "complex", "complex",
            )));
        }
    })
}

fn pow(a: (f64, f64), b: (f64, f64)) -> Result<(f64, f64), PyErr> {
    let ((ar, ai), (br, bi)) = (a, b);
    if br == 0.0 && bi == 0.0 {
        return Ok((1.0, 0.0));
    }
    if ar == 0.0 && ai == 0.0 {
        if bi != 0.0 || br < 0.0 {
            return Err(PyErr::new(
                ErrKind::ZeroDivisionError,
                "0.0 to a negative or complex power",
            ));
        }
        return Ok((0.0, 0.0));
    }
    // Small integer powers by repeated multiplication, for exact results.
    if bi == 0.0 && br == crate::fmath::trunc(br) && libm::fabs(br) <= 100.0 {
        let mut n = libm::fabs(br) as u32;
        let mut result = (1.0, 0.0);
        let mut base = a;
        while n > 0 {
            if n & 1 == 1 {
                result = arith(BinOp::Mul, result, base)?;
            }
            base = arith(BinOp::Mul, base, base)?;
            n >>= 1;
        }
        if br < 0.0 {
            result = arith(BinOp::TrueDiv, (1.0, 0.0), result)?;
        }
        return Ok(result);
    }
    let modulus = libm::hypot(ar, ai);
    let arg = libm::atan2(ai, ar);
    let log_r = libm::log(modulus);
    let new_mod = libm::exp(br * log_r - bi * arg);
    let new_arg = bi * log_r + br * arg;
    Ok((new_mod * libm::cos(new_arg), new_mod * libm::sin(new_arg)))
}

pub(crate) fn complex_conjugate(vm: &mut Interp, a: Args) -> PResult<Value> {
    match vm.arg(a, 0) {
        Value::Obj(r) => match vm.gc.heap.get(r) {
            Obj::Complex(re, im) => {
                let (re, im) = (*re, *im);
                vm.alloc(Obj::Complex(re, -im))
            }
            _ => Err(PyErr::type_error("descriptor requires a 'complex' object")),
        },
        _ => Err(PyErr::type_error("descriptor requires a 'complex' object")),
    }
}

pub(crate) const COMPLEX: &[Native] = &[Native::new("conjugate", complex_conjugate).args(1, 1)];

pub(crate) fn new_complex(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "complex", 0, 2)?;
    if a.len == 1
        && let Some(text) = vm.as_str(vm.arg(a, 0))
    {
        let parsed = parse_complex(text).ok_or_else(bad_number)?;
        return vm.alloc(Obj::Complex(parsed.0, parsed.1));
    }
    let part = |vm: &mut Interp, i: usize| -> PResult<(f64, f64)> {
        if i >= a.len {
            return Ok((0.0, 0.0));
        }
        vm.complex_arg(vm.arg(a, i))
    };
    let (xr, xi) = part(vm, 0)?;
    let (yr, yi) = part(vm, 1)?;
    vm.alloc(Obj::Complex(xr - yi, xi + yr))
}

/// `"1+2j"`, `"-3j"`, `"(1.5-2j)"`, `"4"`.
pub(crate) fn parse_complex(text: &str) -> Option<(f64, f64)> {
    use crate::objects::float;
    let t = text.trim();
    let t = t
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(t)
        .trim();
    let Some(body) = t.strip_suffix(['j', 'J']) else {
        return Some((float::parse(t)?, 0.0));
    };
    // Split at the last sign that isn't the first character or an exponent's sign.
    let bytes = body.as_bytes();
    let split = (1..bytes.len())
        .rev()
        .find(|&i| (bytes[i] == b'+' || bytes[i] == b'-') && !matches!(bytes[i - 1], b'e' | b'E'));
    let imag = |s: &str| -> Option<f64> {
        match s {
            "" | "+" => Some(1.0),
            "-" => Some(-1.0),
            s => float::parse(s),
        }
    };
    match split {
        Some(i) => Some((float::parse(&body[..i])?, imag(&body[i..])?)),
        None => Some((0.0, imag(body)?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repr(re: f64, im: f64) -> String {
        let mut s = String::new();
        write_repr(re, im, &mut s);
        s
    }

    #[test]
    fn reprs_match_python() {
        assert_eq!(repr(1.0, 2.0), "(1+2j)");
        assert_eq!(repr(0.0, 2.0), "2j");
        assert_eq!(repr(1.5, -0.5), "(1.5-0.5j)");
        assert_eq!(repr(-0.0, 1.0), "(-0+1j)");
    }

    #[test]
    fn arithmetic() {
        assert_eq!(
            arith(BinOp::Mul, (1.0, 2.0), (3.0, 4.0)).unwrap(),
            (-5.0, 10.0)
        );
        assert_eq!(
            arith(BinOp::Pow, (0.0, 1.0), (2.0, 0.0)).unwrap(),
            (-1.0, 0.0)
        );
        assert!(arith(BinOp::TrueDiv, (1.0, 0.0), (0.0, 0.0)).is_err());
    }
}
