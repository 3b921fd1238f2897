//! `micropython`: MicroPython's own module (heap lock, memory info, decorators the
//! compiler accepts).

use crate::error::{ErrKind, PyErr};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

fn mp_const(vm: &mut Interp, a: Args) -> PResult<Value> {
    Ok(vm.arg(a, 0))
}

/// `@micropython.native` / `@micropython.viper`: accepted; the function runs as bytecode.
fn mp_identity(vm: &mut Interp, a: Args) -> PResult<Value> {
    Ok(vm.arg(a, 0))
}

fn mp_heap_lock(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.gc.heap_locked += 1;
    Ok(Value::None)
}

fn mp_heap_unlock(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.gc.heap_locked = vm.gc.heap_locked.saturating_sub(1);
    Ok(Value::Int(vm.gc.heap_locked as i64))
}

fn mp_heap_locked(vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::Int(vm.gc.heap_locked as i64))
}

fn mp_mem_info(vm: &mut Interp, _a: Args) -> PResult<Value> {
    let (used, total) = (vm.gc.heap.used(), vm.gc.heap.limit());
    let (ever, peak) = (vm.gc.heap.total_allocated(), vm.gc.heap.peak());
    let text = alloc::format!(
        "mem: total={ever}, current={used}, peak={peak}\nstack: {} out of {}\nGC: total: {total}, used: {used}, free: {}\n",
        vm.exec.frames.len() * 64,
        vm.config.max_depth * 64,
        total.saturating_sub(used)
    );
    vm.platform.write_stdout(text.as_bytes());
    // A board's arena, which holds the VM's own tables and code besides Python's objects.
    if let Some(left) = vm.platform.memory_left() {
        let text = alloc::format!("arena: free {left}\n");
        vm.platform.write_stdout(text.as_bytes());
    }
    Ok(Value::None)
}

/// `mem_total()`: bytes ever allocated; `mem_current()`: in use; `mem_peak()`: the most in
/// use at once.
fn mp_mem_total(vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::Int(vm.gc.heap.total_allocated() as i64))
}

fn mp_mem_current(vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::Int(vm.gc.heap.used() as i64))
}

fn mp_mem_peak(vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::Int(vm.gc.heap.peak() as i64))
}

fn mp_qstr_info(vm: &mut Interp, _a: Args) -> PResult<Value> {
    let n = vm.interner.len();
    let text = alloc::format!(
        "qstr pool: n_pool=1, n_qstr={n}, n_str_data_bytes={}, n_total_bytes={}\n",
        n * 8,
        n * 16
    );
    vm.platform.write_stdout(text.as_bytes());
    Ok(Value::None)
}

fn mp_stack_use(vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::Int((vm.exec.frames.len() * 64) as i64))
}

/// `micropython.kbd_intr(c)`: the console character that raises `KeyboardInterrupt`
/// (3, Ctrl-C), or -1 so that it is ordinary input (mpremote's `mount` does this).
fn mp_kbd_intr(vm: &mut Interp, a: Args) -> PResult<Value> {
    let c = vm.int_arg(vm.arg(a, 0))?;
    vm.platform.set_interrupt_char(c.clamp(-1, 255) as i32);
    Ok(Value::None)
}

fn mp_alloc_emergency_exception_buf(_vm: &mut Interp, _a: Args) -> PResult<Value> {
    // Exceptions never need a buffer here: they are made outside the heap's budget.
    Ok(Value::None)
}

/// `micropython.schedule(func, arg)`: run `func(arg)` soon, at the next point where the VM
/// polls for Ctrl-C (a call, a backward jump, a sleep), not inside the current operation.
fn mp_schedule(vm: &mut Interp, a: Args) -> PResult<Value> {
    if let Value::Builtin(id) = vm.arg(a, 0)
        && core::ptr::fn_addr_eq(
            vm.natives[id as usize].func,
            mp_kbd_intr as crate::vm::NativeFn,
        )
    {
        // Scheduling `kbd_intr` schedules a KeyboardInterrupt, once however often it is.
        vm.mods.pending_interrupt = true;
        return Ok(Value::None);
    }
    if vm.mods.scheduled.len() >= crate::vm::SCHEDULE_DEPTH {
        return Err(PyErr::new(ErrKind::RuntimeError, "schedule queue full"));
    }
    vm.mods.scheduled.push_back((vm.arg(a, 0), vm.arg(a, 1)));
    Ok(Value::None)
}

/// `micropython.opt_level([level])`: the level code compiled from now on uses.
fn mp_opt_level(vm: &mut Interp, a: Args) -> PResult<Value> {
    if a.len == 0 {
        return Ok(Value::Int(i64::from(vm.mods.opt_level)));
    }
    vm.mods.opt_level = vm.int_arg(vm.arg(a, 0))?.clamp(0, 3) as u8;
    Ok(Value::None)
}

pub(super) const FUNCTIONS: &[Native] = &[
    Native::new("native", mp_identity).args(1, 1),
    Native::new("viper", mp_identity).args(1, 1),
    Native::new("heap_lock", mp_heap_lock).args(0, 0),
    Native::new("heap_unlock", mp_heap_unlock).args(0, 0),
    Native::new("heap_locked", mp_heap_locked).args(0, 0),
    Native::new("mem_info", mp_mem_info).args(0, 1),
    Native::new("mem_total", mp_mem_total).args(0, 0),
    Native::new("mem_current", mp_mem_current).args(0, 0),
    Native::new("mem_peak", mp_mem_peak).args(0, 0),
    Native::new("qstr_info", mp_qstr_info).args(0, 1),
    Native::new("stack_use", mp_stack_use).args(0, 0),
    Native::new("kbd_intr", mp_kbd_intr).args(1, 1),
    Native::new("schedule", mp_schedule).args(2, 2),
    Native::new(
        "alloc_emergency_exception_buf",
        mp_alloc_emergency_exception_buf,
    )
    .args(1, 1),
    Native::new("const", mp_const).args(1, 1),
    Native::new("opt_level", mp_opt_level).args(0, 1),
];
