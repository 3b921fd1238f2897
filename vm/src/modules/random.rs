//! `random`: MicroPython's subset of CPython's `random`.

use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

/// xorshift64*: small, fast, and good enough for `random`'s uses on a board.
fn next_u64(vm: &mut Interp) -> u64 {
    let mut x = vm.mods.rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    vm.mods.rng = x;
    x.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

/// A uniform integer in `0..n` (n > 0), without modulo bias.
fn below(vm: &mut Interp, n: u64) -> u64 {
    let zone = u64::MAX - u64::MAX % n;
    loop {
        let r = next_u64(vm);
        if r < zone {
            return r % n;
        }
    }
}

fn random_seed(vm: &mut Interp, a: Args) -> PResult<Value> {
    let seed = match (a.len > 0)
        .then(|| vm.arg(a, 0))
        .filter(|v| *v != Value::None)
    {
        Some(v) => vm.int_arg(v)? as u64,
        None => vm.platform.ticks_us() ^ 0x9e37_79b9_7f4a_7c15,
    };
    // Never zero: xorshift would stay there.
    vm.mods.rng = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    Ok(Value::None)
}

fn random_getrandbits(vm: &mut Interp, a: Args) -> PResult<Value> {
    let k = vm.int_arg(vm.arg(a, 0))?;
    if !(0..=32).contains(&k) {
        return Err(PyErr::new(ErrKind::ValueError, "bits must be 32 or less"));
    }
    if k == 0 {
        return Ok(Value::Int(0));
    }
    Ok(Value::Int((next_u64(vm) >> (64 - k)) as i64))
}

fn random_random(vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::Float(
        (next_u64(vm) >> 11) as f64 / (1u64 << 53) as f64,
    ))
}

fn random_uniform(vm: &mut Interp, a: Args) -> PResult<Value> {
    let lo = vm.float_arg(vm.arg(a, 0))?;
    let hi = vm.float_arg(vm.arg(a, 1))?;
    let r = (next_u64(vm) >> 11) as f64 / (1u64 << 53) as f64;
    Ok(Value::Float(lo + (hi - lo) * r))
}

/// A random member of `range(start, stop, step)`; an empty range or a zero step is a bare
/// `ValueError`, as on MicroPython.
fn randrange_from(vm: &mut Interp, start: i64, stop: i64, step: i64) -> PResult<Value> {
    if step == 0 {
        return Err(PyErr::bare(ErrKind::ValueError));
    }
    let n = crate::objects::range::range_len(start, stop, step);
    if n == 0 {
        return Err(PyErr::bare(ErrKind::ValueError));
    }
    let k = below(vm, n as u64) as i64;
    Ok(Value::Int(start + k * step))
}

fn random_randrange(vm: &mut Interp, a: Args) -> PResult<Value> {
    let nums: Vec<i64> = (0..a.len)
        .map(|i| vm.int_arg(vm.arg(a, i)))
        .collect::<PResult<_>>()?;
    match nums.as_slice() {
        [stop] => randrange_from(vm, 0, *stop, 1),
        [start, stop] => randrange_from(vm, *start, *stop, 1),
        [start, stop, step] => randrange_from(vm, *start, *stop, *step),
        _ => unreachable!("checked by nargs"),
    }
}

fn random_randint(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (lo, hi) = (vm.int_arg(vm.arg(a, 0))?, vm.int_arg(vm.arg(a, 1))?);
    randrange_from(vm, lo, hi.saturating_add(1), 1)
}

fn random_choice(vm: &mut Interp, a: Args) -> PResult<Value> {
    let seq = vm.arg(a, 0);
    let n = vm.len(seq)?;
    if n == 0 {
        return Err(PyErr::bare(ErrKind::IndexError));
    }
    let k = below(vm, n as u64) as i64;
    vm.getitem(seq, Value::Int(k))
}

pub(super) const FUNCTIONS: &[Native] = &[
    Native::new("seed", random_seed).args(0, 1),
    Native::new("getrandbits", random_getrandbits).args(1, 1),
    Native::new("random", random_random).args(0, 0),
    Native::new("uniform", random_uniform).args(2, 2),
    Native::new("randrange", random_randrange).args(1, 3),
    Native::new("randint", random_randint).args(2, 2),
    Native::new("choice", random_choice).args(1, 1),
];
