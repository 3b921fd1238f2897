//! Generators: `send`, `throw`, `close` and MicroPython's `pend_throw` (resumption is in `call.rs`).

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::objects::iter::{iter_next, iter_self};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

pub(crate) fn gen_send(vm: &mut Interp, a: Args) -> PResult<Value> {
    match vm.gen_resume(vm.arg(a, 0), vm.arg(a, 1), None)? {
        crate::call::GenOut::Yield(v) => Ok(v),
        crate::call::GenOut::Return(v) => Err(vm.stop_iteration(v)),
    }
}

pub(crate) fn gen_throw(vm: &mut Interp, a: Args) -> PResult<Value> {
    let exc = if a.len >= 3 && vm.arg(a, 2) != Value::None {
        vm.arg(a, 2)
    } else {
        vm.arg(a, 1)
    };
    match vm.gen_resume(vm.arg(a, 0), Value::None, Some(exc))? {
        crate::call::GenOut::Yield(v) => Ok(v),
        crate::call::GenOut::Return(v) => Err(vm.stop_iteration(v)),
    }
}

/// `gen.pend_throw(exc)` (MicroPython's): raise `exc` in the generator when it is next
/// resumed, in place of the value sent; `None` cancels. Returns what was pending before.
pub(crate) fn gen_pend_throw(vm: &mut Interp, a: Args) -> PResult<Value> {
    let exc = vm.arg(a, 1);
    let Value::Obj(r) = vm.arg(a, 0) else {
        return Err(PyErr::type_error("generator expected"));
    };
    match vm.gc.heap.get_mut(r) {
        Obj::Generator(g) if g.state == crate::objects::function::GenState::Running => Err(
            PyErr::new(ErrKind::ValueError, "generator already executing"),
        ),
        Obj::Generator(g) => Ok(core::mem::replace(&mut g.pending, exc)),
        _ => Err(PyErr::type_error("generator expected")),
    }
}

pub(crate) fn gen_close(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.close_generator(vm.arg(a, 0))?;
    Ok(Value::None)
}

pub(crate) const GENERATOR: &[Native] = &[
    Native::new("send", gen_send).args(2, 2),
    Native::new("throw", gen_throw).args(2, 4),
    Native::new("pend_throw", gen_pend_throw).args(2, 2),
    Native::new("close", gen_close).args(1, 1),
    Native::new("__next__", iter_next).args(1, 1),
    Native::new("__iter__", iter_self).args(1, 1),
];
