//! Built-in exceptions: `BaseException.__init__` (the kinds themselves are listed in `error.rs`).

use alloc::vec::Vec;

use crate::gc::Obj;
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult, VARARGS};

pub(crate) fn exc_init(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    let args: Vec<Value> = vm.args_vec(a)[1..].to_vec();
    let t = vm.tuple(args)?;
    if let Value::Obj(r) = this
        && let Obj::Instance(i) = vm.gc.heap.get_mut(r)
        && let Some(e) = &mut i.exc
    {
        e.args = t;
    }
    Ok(Value::None)
}

pub(crate) const EXCEPTION: &[Native] = &[Native::new("__init__", exc_init).args(1, VARARGS)];
