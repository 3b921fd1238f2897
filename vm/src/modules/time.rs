//! `time`: MicroPython's ticks, sleeps and the wall clock.

use crate::error::{ErrKind, PyErr};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

/// Ticks wrap like MicroPython's: a 30-bit period on every port.
const TICKS_PERIOD: i64 = 1 << 30;

fn ticks(v: u64) -> Value {
    Value::Int((v % TICKS_PERIOD as u64) as i64)
}

fn time_ticks_us(vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(ticks(vm.platform.ticks_us()))
}

fn time_ticks_ms(vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(ticks(vm.platform.ticks_us() / 1000))
}

fn time_ticks_diff(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "ticks_diff", 2, 2)?;
    let (x, y) = (vm.int_arg(vm.arg(a, 0))?, vm.int_arg(vm.arg(a, 1))?);
    let d = (x - y).rem_euclid(TICKS_PERIOD);
    Ok(Value::Int(if d >= TICKS_PERIOD / 2 {
        d - TICKS_PERIOD
    } else {
        d
    }))
}

fn time_ticks_add(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "ticks_add", 2, 2)?;
    let (x, y) = (vm.int_arg(vm.arg(a, 0))?, vm.int_arg(vm.arg(a, 1))?);
    Ok(Value::Int((x + y).rem_euclid(TICKS_PERIOD)))
}

fn sleep_for(vm: &mut Interp, us: f64) -> PResult<Value> {
    if us < 0.0 {
        return Err(PyErr::new(
            ErrKind::ValueError,
            "sleep length must be non-negative",
        ));
    }
    // Sleep in slices so that Ctrl-C interrupts a long sleep.
    let mut left = us as u64;
    while left > 0 {
        let step = left.min(10_000);
        vm.platform.sleep_us(step);
        left -= step;
        if vm.platform.interrupt_requested() {
            return Err(PyErr::new(ErrKind::KeyboardInterrupt, ""));
        }
    }
    Ok(Value::None)
}

fn number(vm: &Interp, v: Value) -> PResult<f64> {
    match vm.num(v) {
        Some(n) => crate::objects::int::to_f64(n),
        None => Err(PyErr::type_error("can't convert to float")),
    }
}

fn time_sleep(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "sleep", 1, 1)?;
    let s = number(vm, vm.arg(a, 0))?;
    sleep_for(vm, s * 1e6)
}

fn time_sleep_ms(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "sleep_ms", 1, 1)?;
    let s = number(vm, vm.arg(a, 0))?;
    sleep_for(vm, s * 1e3)
}

fn time_sleep_us(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "sleep_us", 1, 1)?;
    let s = number(vm, vm.arg(a, 0))?;
    sleep_for(vm, s)
}

fn time_time(vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::Float(vm.platform.epoch_seconds()))
}

fn time_time_ns(vm: &mut Interp, _a: Args) -> PResult<Value> {
    let ns = vm.platform.epoch_seconds() * 1e9;
    Ok(Value::Int(ns as i64))
}

pub(super) const FUNCTIONS: &[Native] = &[
    Native::new("ticks_us", time_ticks_us),
    Native::new("ticks_ms", time_ticks_ms),
    Native::new("ticks_cpu", time_ticks_us),
    Native::new("ticks_diff", time_ticks_diff),
    Native::new("ticks_add", time_ticks_add),
    Native::new("sleep", time_sleep),
    Native::new("sleep_ms", time_sleep_ms),
    Native::new("sleep_us", time_sleep_us),
    Native::new("time", time_time),
    Native::new("time_ns", time_time_ns),
];
