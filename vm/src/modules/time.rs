//! `time`: MicroPython's ticks, sleeps and the wall clock.

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
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
    let (x, y) = (vm.int_arg(vm.arg(a, 0))?, vm.int_arg(vm.arg(a, 1))?);
    let d = (x - y).rem_euclid(TICKS_PERIOD);
    Ok(Value::Int(if d >= TICKS_PERIOD / 2 {
        d - TICKS_PERIOD
    } else {
        d
    }))
}

/// `ticks_add(t, delta)`: a delta that `ticks_diff` could not give back is an error.
fn time_ticks_add(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (x, y) = (vm.int_arg(vm.arg(a, 0))?, vm.int_arg(vm.arg(a, 1))?);
    if y <= -TICKS_PERIOD / 2 || y >= TICKS_PERIOD / 2 {
        return Err(PyErr::new(
            ErrKind::OverflowError,
            "ticks interval overflow",
        ));
    }
    Ok(Value::Int(x.wrapping_add(y).rem_euclid(TICKS_PERIOD)))
}

/// Sleep for `us` microseconds (nothing for a negative time, as on MicroPython), in slices,
/// so that Ctrl-C interrupts a long sleep and scheduled callbacks run during it.
fn sleep_for(vm: &mut Interp, us: f64) -> PResult<Value> {
    let mut left = if us > 0.0 { us as u64 } else { 0 };
    vm.check_interrupt()?;
    // Finer slices while machine timers run, so they fire on time.
    let slice = if vm.mods.machine.active() {
        1_000
    } else {
        10_000
    };
    while left > 0 {
        let step = left.min(slice);
        vm.platform.sleep_us(step);
        left -= step;
        vm.check_interrupt()?;
    }
    Ok(Value::None)
}

fn time_sleep(vm: &mut Interp, a: Args) -> PResult<Value> {
    let s = vm.float_arg(vm.arg(a, 0))?;
    sleep_for(vm, s * 1e6)
}

/// `sleep_ms(n)` / `sleep_us(n)`: whole milliseconds or microseconds.
fn time_sleep_ms(vm: &mut Interp, a: Args) -> PResult<Value> {
    let ms = vm.int_arg(vm.arg(a, 0))?;
    sleep_for(vm, ms as f64 * 1e3)
}

fn time_sleep_us(vm: &mut Interp, a: Args) -> PResult<Value> {
    let us = vm.int_arg(vm.arg(a, 0))?;
    sleep_for(vm, us as f64)
}

fn time_time(vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::Float(vm.platform.epoch_seconds()))
}

fn time_time_ns(vm: &mut Interp, _a: Args) -> PResult<Value> {
    let ns = vm.platform.epoch_seconds() * 1e9;
    Ok(Value::Int(ns as i64))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (months and days may overflow).
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    // Normalise the month into 1..=12, carrying years.
    let year = year + (month - 1).div_euclid(12);
    let month = (month - 1).rem_euclid(12) + 1;
    // Count from March, so the leap day ends the year.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day counted from 1970-01-01: (year, month, day).
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `gmtime`/`localtime`: `(year, month, mday, hour, minute, second, weekday, yearday)`,
/// weekday 0 for Monday, yearday from 1. The VM keeps time in UTC.
fn time_gmtime(vm: &mut Interp, a: Args) -> PResult<Value> {
    let secs = match (a.len == 1).then(|| vm.arg(a, 0)) {
        None | Some(Value::None) => vm.platform.epoch_seconds() as i64,
        Some(v) => match vm.as_int(v) {
            Some(i) => i,
            None => crate::fmath::floor(vm.float_arg(v)?) as i64,
        },
    };
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let yday = days - days_from_civil(y, 1, 1) + 1;
    let wday = (days + 3).rem_euclid(7); // 1970-01-01 was a Thursday
    let items = [y, m, d, rem / 3600, rem / 60 % 60, rem % 60, wday, yday];
    vm.tuple(items.iter().map(|v| Value::Int(*v)).collect())
}

/// `mktime(tuple)`: seconds since the epoch; out-of-range fields carry over.
fn time_mktime(vm: &mut Interp, a: Args) -> PResult<Value> {
    let t = vm.arg(a, 0);
    let items = match t {
        Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::Tuple(_) | Obj::List(_)) => {
            vm.collect_iterable(t)?
        }
        _ => {
            return Err(PyErr::type_error(alloc::format!(
                "object '{}' isn't a tuple or list",
                vm.type_name(t)
            )));
        }
    };
    if !(8..=9).contains(&items.len()) {
        return Err(PyErr::type_error("mktime needs a tuple of length 8 or 9"));
    }
    let mut f = [0i64; 6];
    for (slot, v) in f.iter_mut().zip(&items) {
        *slot = vm.int_arg(*v)?;
    }
    let days = days_from_civil(f[0], f[1], 1) + f[2] - 1;
    let secs = days * 86_400 + f[3] * 3600 + f[4] * 60 + f[5];
    Ok(Value::Int(secs))
}

pub(super) const FUNCTIONS: &[Native] = &[
    Native::new("ticks_us", time_ticks_us).args(0, 0),
    Native::new("ticks_ms", time_ticks_ms).args(0, 0),
    Native::new("ticks_cpu", time_ticks_us).args(0, 0),
    Native::new("ticks_diff", time_ticks_diff).args(2, 2),
    Native::new("ticks_add", time_ticks_add).args(2, 2),
    Native::new("sleep", time_sleep).args(1, 1),
    Native::new("sleep_ms", time_sleep_ms).args(1, 1),
    Native::new("sleep_us", time_sleep_us).args(1, 1),
    Native::new("time", time_time).args(0, 0),
    Native::new("time_ns", time_time_ns).args(0, 0),
    Native::new("gmtime", time_gmtime).args(0, 1),
    Native::new("localtime", time_gmtime).args(0, 1),
    Native::new("mktime", time_mktime).args(1, 1),
];
