//! `float`: double precision, printed as MicroPython (and CPython) print it; its constructor.

use alloc::format;
use alloc::string::String;

use crate::objects::int::bad_number;
use crate::value::Value;
use crate::vm::{Args, Interp, PResult};

/// Append `repr(f)`: the shortest digits that read back as `f`, in fixed notation when the
/// decimal exponent is in `-4..16`, else in scientific notation (`1e+16`, `1.5e-07`).
pub fn write_repr(f: f64, out: &mut String) {
    if f.is_nan() {
        out.push_str("nan");
        return;
    }
    if f.is_infinite() {
        out.push_str(if f < 0.0 { "-inf" } else { "inf" });
        return;
    }
    // `{:e}` gives the shortest round-trip digits: "-1.2345e-7".
    let sci = format!("{:e}", f);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if negative {
        out.push('-');
    }
    if (-4..16).contains(&exp) {
        let point = exp + 1; // digits before the decimal point
        if point <= 0 {
            out.push_str("0.");
            for _ in 0..-point {
                out.push('0');
            }
            out.push_str(&digits);
        } else if point as usize >= digits.len() {
            out.push_str(&digits);
            for _ in 0..(point as usize - digits.len()) {
                out.push('0');
            }
            out.push_str(".0");
        } else {
            out.push_str(&digits[..point as usize]);
            out.push('.');
            out.push_str(&digits[point as usize..]);
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let e = exp.unsigned_abs();
        if e < 10 {
            out.push('0');
        }
        out.push_str(&format!("{e}"));
    }
}

/// `float(text)`: surrounding whitespace, a sign, `inf`/`infinity`/`nan` in any case, and
/// underscores between digits (`1_000.5`) are accepted; `None` for anything else.
pub fn parse(text: &str) -> Option<f64> {
    let t = text.trim();
    let bytes = t.as_bytes();
    let is_digit = |i: Option<usize>| i.and_then(|i| bytes.get(i)).is_some_and(u8::is_ascii_digit);
    let underscores_ok = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'_')
        .all(|(i, _)| is_digit(i.checked_sub(1)) && is_digit(Some(i + 1)));
    if !underscores_ok {
        return None;
    }
    // Otherwise Rust's grammar is Python's (case-insensitive `inf`, `infinity`, `nan`).
    let digits: String = t.chars().filter(|c| *c != '_').collect();
    digits.parse::<f64>().ok()
}

pub(crate) fn new_float(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "float", 0, 1)?;
    if a.len == 0 {
        return Ok(Value::Float(0.0));
    }
    let v = vm.arg(a, 0);
    // Text, or any buffer holding it (`float(b"1.5")`).
    let text = match vm.as_str(v) {
        Some(s) => Some(String::from(s)),
        None => vm
            .as_bytes(v)
            .map(|b| String::from_utf8_lossy(b).into_owned()),
    };
    if let Some(text) = text {
        return crate::objects::float::parse(&text)
            .map(Value::Float)
            .ok_or_else(bad_number);
    }
    vm.float_arg(v).map(Value::Float)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repr(f: f64) -> String {
        let mut s = String::new();
        write_repr(f, &mut s);
        s
    }

    #[test]
    fn repr_matches_python() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (2.5, "2.5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1.0 / 3.0, "0.3333333333333333"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-1.25e-7, "-1.25e-07"),
            (1e100, "1e+100"),
            (123456.789, "123456.789"),
            (f64::INFINITY, "inf"),
            (f64::NAN, "nan"),
        ];
        for (f, want) in cases {
            assert_eq!(repr(*f), *want, "repr({f:?})");
        }
    }

    #[test]
    fn parses_as_python() {
        assert_eq!(parse(" 1_000.5 "), Some(1000.5));
        assert_eq!(parse("-1e1_0"), Some(-1e10));
        assert_eq!(parse("+.5"), Some(0.5));
        assert_eq!(parse("-InFiNiTy"), Some(f64::NEG_INFINITY));
        assert!(parse("nan").is_some_and(f64::is_nan));
        for bad in [
            "", "1_", "_1", "1__0", "1_.5", "1e", "1e+", "1z", "0x10", ".",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
