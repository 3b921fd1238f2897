//! The `math` module: MicroPython's double-precision functions over `libm`.

use alloc::boxed::Box;

use crate::error::{ErrKind, PyErr};
use crate::gc::{Obj, ObjRef};
use crate::interner::Sym;
use crate::num;
use crate::num::NumRef;
use crate::objects::class::{Attrs, Module};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

fn domain() -> PyErr {
    PyErr::new(ErrKind::ValueError, "math domain error")
}

/// A one-argument function; `None` from `f` is a domain error.
fn unary(vm: &mut Interp, a: Args, f: fn(f64) -> Option<f64>) -> PResult<Value> {
    let x = vm.float_arg(vm.arg(a, 0))?;
    f(x).map(Value::Float).ok_or_else(domain)
}

macro_rules! unary_fns {
    ($($name:ident => $f:expr),* $(,)?) => {
        $(fn $name(vm: &mut Interp, a: Args) -> PResult<Value> {
            unary(vm, a, $f)
        })*
    };
}

/// The poles of the gamma function: zero, the negative integers and `-inf`.
fn is_pole(x: f64) -> bool {
    x <= 0.0 && crate::fmath::floor(x) == x
}

/// `lgamma`: `log|gamma(x)|`, which is `inf` (not a domain error) at `-inf`.
fn log_gamma(x: f64) -> Option<f64> {
    if x == f64::NEG_INFINITY {
        Some(f64::INFINITY)
    } else if is_pole(x) {
        None
    } else {
        Some(libm::lgamma(x))
    }
}

unary_fns! {
    sqrt => |x| if x < 0.0 { None } else { Some(crate::fmath::sqrt(x)) },
    exp => |x| Some(libm::exp(x)),
    expm1 => |x| Some(libm::expm1(x)),
    sin => |x| if x.is_infinite() { None } else { Some(libm::sin(x)) },
    cos => |x| if x.is_infinite() { None } else { Some(libm::cos(x)) },
    tan => |x| if x.is_infinite() { None } else { Some(libm::tan(x)) },
    asin => |x| if libm::fabs(x) > 1.0 { None } else { Some(libm::asin(x)) },
    acos => |x| if libm::fabs(x) > 1.0 { None } else { Some(libm::acos(x)) },
    atan => |x| Some(libm::atan(x)),
    sinh => |x| Some(libm::sinh(x)),
    cosh => |x| Some(libm::cosh(x)),
    tanh => |x| Some(libm::tanh(x)),
    asinh => |x| Some(libm::asinh(x)),
    acosh => |x| if x < 1.0 { None } else { Some(libm::acosh(x)) },
    atanh => |x| if x <= -1.0 || x >= 1.0 { None } else { Some(libm::atanh(x)) },
    log2 => |x| if x <= 0.0 { None } else { Some(libm::log2(x)) },
    log10 => |x| if x <= 0.0 { None } else { Some(libm::log10(x)) },
    log1p => |x| if x <= -1.0 { None } else { Some(libm::log1p(x)) },
    fabs => |x| Some(libm::fabs(x)),
    degrees => |x| Some(x * 180.0 / core::f64::consts::PI),
    radians => |x| Some(x * core::f64::consts::PI / 180.0),
    erf => |x| Some(libm::erf(x)),
    erfc => |x| Some(libm::erfc(x)),
    gamma => |x| if is_pole(x) { None } else { Some(libm::tgamma(x)) },
    lgamma => log_gamma,
}

fn log(vm: &mut Interp, a: Args) -> PResult<Value> {
    let x = vm.float_arg(vm.arg(a, 0))?;
    if x <= 0.0 {
        return Err(domain());
    }
    let mut r = libm::log(x);
    if a.len == 2 {
        let b = vm.float_arg(vm.arg(a, 1))?;
        if b <= 0.0 || b == 1.0 {
            return Err(if b == 1.0 {
                PyErr::zero_division()
            } else {
                domain()
            });
        }
        r /= libm::log(b);
    }
    Ok(Value::Float(r))
}

fn binary(vm: &mut Interp, a: Args) -> PResult<(f64, f64)> {
    Ok((vm.float_arg(vm.arg(a, 0))?, vm.float_arg(vm.arg(a, 1))?))
}

fn atan2(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (y, x) = binary(vm, a)?;
    Ok(Value::Float(libm::atan2(y, x)))
}

fn pow(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (x, y) = binary(vm, a)?;
    // Zero to a finite negative power, and a negative base to a fractional power, have no
    // real value; `pow(0.0, -inf)` is `inf`.
    let fractional = y.is_finite() && crate::fmath::floor(y) != y;
    if x == 0.0 && y < 0.0 && y.is_finite() || x < 0.0 && fractional {
        return Err(domain());
    }
    Ok(Value::Float(libm::pow(x, y)))
}

fn fmod(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (x, y) = binary(vm, a)?;
    // A NaN operand gives NaN before any domain check.
    if (y == 0.0 || x.is_infinite()) && !y.is_nan() && !x.is_nan() {
        return Err(domain());
    }
    Ok(Value::Float(libm::fmod(x, y)))
}

fn copysign(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (x, y) = binary(vm, a)?;
    Ok(Value::Float(libm::copysign(x, y)))
}

fn hypot(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (x, y) = binary(vm, a)?;
    Ok(Value::Float(libm::hypot(x, y)))
}

fn ldexp(vm: &mut Interp, a: Args) -> PResult<Value> {
    let x = vm.float_arg(vm.arg(a, 0))?;
    let e = vm.int_arg(vm.arg(a, 1))?;
    Ok(Value::Float(libm::ldexp(
        x,
        e.clamp(-100_000, 100_000) as i32,
    )))
}

fn frexp(vm: &mut Interp, a: Args) -> PResult<Value> {
    let x = vm.float_arg(vm.arg(a, 0))?;
    let (m, e) = libm::frexp(x);
    vm.tuple(alloc::vec![Value::Float(m), Value::Int(i64::from(e))])
}

fn modf(vm: &mut Interp, a: Args) -> PResult<Value> {
    let x = vm.float_arg(vm.arg(a, 0))?;
    let (frac, whole) = libm::modf(x);
    vm.tuple(alloc::vec![Value::Float(frac), Value::Float(whole)])
}

/// floor, ceil and trunc return ints.
fn to_int(vm: &mut Interp, a: Args, f: fn(f64) -> f64) -> PResult<Value> {
    let v = vm.arg(a, 0);
    if matches!(vm.num(v), Some(NumRef::Int(_) | NumRef::Big(_))) {
        return Ok(v);
    }
    let x = f(vm.float_arg(v)?);
    vm.num_value(num::from_float(x)?)
}

fn floor(vm: &mut Interp, a: Args) -> PResult<Value> {
    to_int(vm, a, crate::fmath::floor)
}

fn ceil(vm: &mut Interp, a: Args) -> PResult<Value> {
    to_int(vm, a, crate::fmath::ceil)
}

fn trunc(vm: &mut Interp, a: Args) -> PResult<Value> {
    to_int(vm, a, crate::fmath::trunc)
}

fn test(vm: &mut Interp, a: Args, f: fn(f64) -> bool) -> PResult<Value> {
    Ok(Value::Bool(f(vm.float_arg(vm.arg(a, 0))?)))
}

fn isfinite(vm: &mut Interp, a: Args) -> PResult<Value> {
    test(vm, a, f64::is_finite)
}

fn isinf(vm: &mut Interp, a: Args) -> PResult<Value> {
    test(vm, a, f64::is_infinite)
}

fn isnan(vm: &mut Interp, a: Args) -> PResult<Value> {
    test(vm, a, f64::is_nan)
}

fn isclose(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (x, y) = binary(vm, a)?;
    let rel = match vm.kwarg(a, "rel_tol") {
        Some(v) => vm.float_arg(v)?,
        None => 1e-9,
    };
    let abs = match vm.kwarg(a, "abs_tol") {
        Some(v) => vm.float_arg(v)?,
        None => 0.0,
    };
    if rel < 0.0 || abs < 0.0 {
        return Err(domain());
    }
    if x == y {
        return Ok(Value::Bool(true));
    }
    let d = libm::fabs(x - y);
    // An infinity is close only to itself (and a NaN to nothing).
    if d.is_infinite() {
        return Ok(Value::Bool(false));
    }
    Ok(Value::Bool(
        d <= rel * libm::fabs(x).max(libm::fabs(y)) || d <= abs,
    ))
}

fn factorial(vm: &mut Interp, a: Args) -> PResult<Value> {
    let n = vm.int_arg(vm.arg(a, 0))?;
    if n < 0 {
        return Err(PyErr::new(
            ErrKind::ValueError,
            "factorial() not defined for negative values",
        ));
    }
    let mut r = num_bigint::BigInt::from(1);
    for k in 2..=n {
        r *= k;
    }
    vm.num_value(num::normalize(r))
}

const FUNCTIONS: &[Native] = &[
    Native::new("sqrt", sqrt).args(1, 1),
    Native::new("exp", exp).args(1, 1),
    Native::new("expm1", expm1).args(1, 1),
    Native::new("log", log).args(1, 2),
    Native::new("log2", log2).args(1, 1),
    Native::new("log10", log10).args(1, 1),
    Native::new("log1p", log1p).args(1, 1),
    Native::new("pow", pow).args(2, 2),
    Native::new("sin", sin).args(1, 1),
    Native::new("cos", cos).args(1, 1),
    Native::new("tan", tan).args(1, 1),
    Native::new("asin", asin).args(1, 1),
    Native::new("acos", acos).args(1, 1),
    Native::new("atan", atan).args(1, 1),
    Native::new("atan2", atan2).args(2, 2),
    Native::new("sinh", sinh).args(1, 1),
    Native::new("cosh", cosh).args(1, 1),
    Native::new("tanh", tanh).args(1, 1),
    Native::new("asinh", asinh).args(1, 1),
    Native::new("acosh", acosh).args(1, 1),
    Native::new("atanh", atanh).args(1, 1),
    Native::new("fabs", fabs).args(1, 1),
    Native::new("fmod", fmod).args(2, 2),
    Native::new("modf", modf).args(1, 1),
    Native::new("frexp", frexp).args(1, 1),
    Native::new("ldexp", ldexp).args(2, 2),
    Native::new("floor", floor).args(1, 1),
    Native::new("ceil", ceil).args(1, 1),
    Native::new("trunc", trunc).args(1, 1),
    Native::new("copysign", copysign).args(2, 2),
    Native::new("hypot", hypot).args(2, 2),
    Native::new("degrees", degrees).args(1, 1),
    Native::new("radians", radians).args(1, 1),
    Native::new("isfinite", isfinite).args(1, 1),
    Native::new("isinf", isinf).args(1, 1),
    Native::new("isnan", isnan).args(1, 1),
    Native::new("isclose", isclose).args(2, 2).kw(),
    Native::new("erf", erf).args(1, 1),
    Native::new("erfc", erfc).args(1, 1),
    Native::new("gamma", gamma).args(1, 1),
    Native::new("lgamma", lgamma).args(1, 1),
    Native::new("factorial", factorial).args(1, 1),
];

/// Build the `math` module.
pub fn make(vm: &mut Interp) -> ObjRef {
    let mut attrs = Attrs::default();
    for f in FUNCTIONS {
        let id = vm.natives.len() as u16;
        vm.natives.push(*f);
        attrs.insert(vm.interner.intern(f.name), Value::Builtin(id));
    }
    for (name, v) in [
        ("pi", core::f64::consts::PI),
        ("e", core::f64::consts::E),
        ("tau", core::f64::consts::TAU),
        ("inf", f64::INFINITY),
        ("nan", f64::NAN),
    ] {
        attrs.insert(vm.interner.intern(name), Value::Float(v));
    }
    let n = Sym::__name__.id();
    let s = vm.new_str("math");
    attrs.insert(n, s);
    vm.alloc_root(Obj::Module(Box::new(Module::new("math", attrs))))
}

// ---- cmath ----

fn complex_value(vm: &mut Interp, z: (f64, f64)) -> PResult<Value> {
    vm.alloc(Obj::Complex(z.0, z.1))
}

fn c_exp(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (re, im) = vm.complex_arg(vm.arg(a, 0))?;
    let m = libm::exp(re);
    complex_value(vm, (m * libm::cos(im), m * libm::sin(im)))
}

fn c_log(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (re, im) = vm.complex_arg(vm.arg(a, 0))?;
    complex_value(vm, (libm::log(libm::hypot(re, im)), libm::atan2(im, re)))
}

fn c_log10(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (re, im) = vm.complex_arg(vm.arg(a, 0))?;
    let l = core::f64::consts::LN_10;
    complex_value(
        vm,
        (libm::log(libm::hypot(re, im)) / l, libm::atan2(im, re) / l),
    )
}

fn c_sqrt(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (re, im) = vm.complex_arg(vm.arg(a, 0))?;
    // The numerically stable form: exact for perfect squares and the imaginary axis.
    let m = libm::hypot(re, im);
    if m == 0.0 {
        return complex_value(vm, (0.0, im));
    }
    let z = if re >= 0.0 {
        let t = crate::fmath::sqrt((m + re) / 2.0);
        (t, im / (2.0 * t))
    } else {
        let t = crate::fmath::sqrt((m - re) / 2.0);
        (libm::fabs(im) / (2.0 * t), libm::copysign(t, im))
    };
    complex_value(vm, z)
}

fn c_phase(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (re, im) = vm.complex_arg(vm.arg(a, 0))?;
    Ok(Value::Float(libm::atan2(im, re)))
}

fn c_polar(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (re, im) = vm.complex_arg(vm.arg(a, 0))?;
    vm.tuple(alloc::vec![
        Value::Float(libm::hypot(re, im)),
        Value::Float(libm::atan2(im, re))
    ])
}

fn c_rect(vm: &mut Interp, a: Args) -> PResult<Value> {
    let r = vm.float_arg(vm.arg(a, 0))?;
    let phi = vm.float_arg(vm.arg(a, 1))?;
    complex_value(vm, (r * libm::cos(phi), r * libm::sin(phi)))
}

fn c_cos(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (re, im) = vm.complex_arg(vm.arg(a, 0))?;
    complex_value(
        vm,
        (
            libm::cos(re) * libm::cosh(im),
            -libm::sin(re) * libm::sinh(im),
        ),
    )
}

fn c_sin(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (re, im) = vm.complex_arg(vm.arg(a, 0))?;
    complex_value(
        vm,
        (
            libm::sin(re) * libm::cosh(im),
            libm::cos(re) * libm::sinh(im),
        ),
    )
}

const CMATH: &[Native] = &[
    Native::new("exp", c_exp).args(1, 1),
    Native::new("log", c_log).args(1, 1),
    Native::new("log10", c_log10).args(1, 1),
    Native::new("sqrt", c_sqrt).args(1, 1),
    Native::new("phase", c_phase).args(1, 1),
    Native::new("polar", c_polar).args(1, 1),
    Native::new("rect", c_rect).args(2, 2),
    Native::new("cos", c_cos).args(1, 1),
    Native::new("sin", c_sin).args(1, 1),
];

/// Build the `cmath` module.
pub fn make_cmath(vm: &mut Interp) -> ObjRef {
    let mut attrs = Attrs::default();
    for f in CMATH {
        let id = vm.natives.len() as u16;
        vm.natives.push(*f);
        attrs.insert(vm.interner.intern(f.name), Value::Builtin(id));
    }
    attrs.insert(
        vm.interner.intern("pi"),
        Value::Float(core::f64::consts::PI),
    );
    attrs.insert(vm.interner.intern("e"), Value::Float(core::f64::consts::E));
    let n = Sym::__name__.id();
    let s = vm.new_str("cmath");
    attrs.insert(n, s);
    vm.alloc_root(Obj::Module(Box::new(Module::new("cmath", attrs))))
}
