//! `gc`: the collector's controls.

use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

fn gc_collect(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.collect();
    Ok(Value::None)
}

fn gc_mem_free(vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::Int(
        (vm.gc.heap.limit().saturating_sub(vm.gc.heap.used())) as i64,
    ))
}

fn gc_mem_alloc(vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::Int(vm.gc.heap.used() as i64))
}

fn gc_isenabled(vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::Bool(!vm.gc.gc_disabled))
}

fn gc_enable(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.gc.gc_disabled = false;
    Ok(Value::None)
}

fn gc_disable(vm: &mut Interp, _a: Args) -> PResult<Value> {
    // Collection still runs when the heap is full, as on MicroPython.
    vm.gc.gc_disabled = true;
    Ok(Value::None)
}

/// `gc.threshold()`: the allocation amount that triggers a collection (-1: only a full
/// heap does); `gc.threshold(n)` sets it (-1 turns it off). Counted in MicroPython's
/// 16-byte blocks.
fn gc_threshold(vm: &mut Interp, a: Args) -> PResult<Value> {
    if a.len == 0 {
        return Ok(Value::Int(vm.gc.gc_threshold.map_or(-1, |t| t as i64)));
    }
    let n = vm.int_arg(vm.arg(a, 0))?;
    vm.gc.gc_threshold = (n >= 0).then(|| (n as usize) / BLOCK * BLOCK);
    Ok(Value::None)
}

const BLOCK: usize = 16;

pub(super) const FUNCTIONS: &[Native] = &[
    Native::new("collect", gc_collect).args(0, 0),
    Native::new("mem_free", gc_mem_free).args(0, 0),
    Native::new("mem_alloc", gc_mem_alloc).args(0, 0),
    Native::new("enable", gc_enable).args(0, 0),
    Native::new("disable", gc_disable).args(0, 0),
    Native::new("isenabled", gc_isenabled).args(0, 0),
    Native::new("threshold", gc_threshold).args(0, 1),
];
