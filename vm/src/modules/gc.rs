//! `gc`: the collector's controls.

use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

fn gc_collect(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.collect();
    Ok(Value::None)
}

fn gc_mem_free(vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::Int(
        (vm.heap.limit().saturating_sub(vm.heap.used())) as i64,
    ))
}

fn gc_mem_alloc(vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::Int(vm.heap.used() as i64))
}

fn gc_isenabled(vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::Bool(!vm.gc_disabled))
}

fn gc_enable(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.gc_disabled = false;
    Ok(Value::None)
}

fn gc_disable(vm: &mut Interp, _a: Args) -> PResult<Value> {
    // Collection still runs when the heap is full, as on MicroPython.
    vm.gc_disabled = true;
    Ok(Value::None)
}

pub(super) const FUNCTIONS: &[Native] = &[
    Native::new("collect", gc_collect),
    Native::new("mem_free", gc_mem_free),
    Native::new("mem_alloc", gc_mem_alloc),
    Native::new("enable", gc_enable),
    Native::new("disable", gc_disable),
    Native::new("isenabled", gc_isenabled),
];
