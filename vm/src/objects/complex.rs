//! `complex`: arithmetic and `repr` of complex numbers (two doubles).

use alloc::string::String;

use crate::ast::BinOp;
use crate::error::{ErrKind, PyErr};
use crate::objects::float;

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
            return Err(PyErr::type_error(crate::objects::int::unsupported(
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
    if bi == 0.0 && br == libm::trunc(br) && libm::fabs(br) <= 100.0 {
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
