//! `select`: `poll()` objects over native streams (files, the console) and Python objects
//! that answer MicroPython's stream `ioctl(MP_STREAM_POLL, events)`.

use alloc::vec::Vec;

use crate::error::PyErr;
use crate::objects::data::{ClassSpec, Data};
use crate::platform::errno;
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

const POLLIN: i64 = 0x0001;
const POLLOUT: i64 = 0x0004;
const POLLERR: i64 = 0x0008;
const POLLHUP: i64 = 0x0010;
/// `ipoll` flag: report an object once, then stop watching it until `modify`.
const ONE_SHOT: i64 = 1;
/// The stream `ioctl` request that asks for readiness.
const MP_STREAM_POLL: i64 = 3;

/// The objects a poll object watches, with their event masks.
#[derive(Debug, Default)]
pub(crate) struct Poll {
    entries: Vec<(Value, i64)>,
}

impl Data for Poll {
    fn trace(&self, f: &mut dyn FnMut(Value)) {
        for (v, _) in &self.entries {
            f(*v);
        }
    }

    fn extra_size(&self) -> usize {
        self.entries.len() * core::mem::size_of::<(Value, i64)>()
    }
}

static POLL: ClassSpec = ClassSpec {
    name: "poll",
    base: None,
    methods: &[
        Native::new("register", register).args(2, 3).kw(),
        Native::new("unregister", unregister).args(2, 2).kw(),
        Native::new("modify", modify).args(3, 3).kw(),
        Native::new("poll", poll_list).args(1, 2).kw(),
        Native::new("ipoll", poll_iter).args(1, 3).kw(),
    ],
    make: None,
};

pub(super) fn make(vm: &mut Interp) -> crate::gc::ObjRef {
    let m = vm.native_module("select", &[Native::new("poll", new_poll).args(0, 0)]);
    for (name, v) in [
        ("POLLIN", POLLIN),
        ("POLLOUT", POLLOUT),
        ("POLLERR", POLLERR),
        ("POLLHUP", POLLHUP),
    ] {
        vm.set_attr_str(m, name, Value::Int(v));
    }
    m
}

fn new_poll(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.new_data(&POLL, Poll::default())
}

fn position(vm: &mut Interp, a: Args, obj: Value) -> PResult<Option<usize>> {
    let p = vm.this::<Poll>(a)?;
    Ok(p.entries
        .iter()
        .position(|(v, _)| crate::runtime::identical(*v, obj)))
}

fn register(vm: &mut Interp, a: Args) -> PResult<Value> {
    let obj = vm.arg(a, 1);
    let mask = match a.len {
        3 => vm.int_arg(vm.arg(a, 2))?,
        _ => POLLIN | POLLOUT,
    };
    let at = position(vm, a, obj)?;
    let p = vm.this::<Poll>(a)?;
    match at {
        Some(i) => p.entries[i].1 = mask,
        None => p.entries.push((obj, mask)),
    }
    let this = vm.arg(a, 0);
    vm.data_resized(this);
    Ok(Value::None)
}

fn unregister(vm: &mut Interp, a: Args) -> PResult<Value> {
    let obj = vm.arg(a, 1);
    match position(vm, a, obj)? {
        Some(i) => {
            vm.this::<Poll>(a)?.entries.remove(i);
            Ok(Value::None)
        }
        None => Err(vm.os_error(errno::ENOENT)),
    }
}

fn modify(vm: &mut Interp, a: Args) -> PResult<Value> {
    let obj = vm.arg(a, 1);
    let mask = vm.int_arg(vm.arg(a, 2))?;
    match position(vm, a, obj)? {
        Some(i) => {
            vm.this::<Poll>(a)?.entries[i].1 = mask;
            Ok(Value::None)
        }
        None => Err(vm.os_error(errno::ENOENT)),
    }
}

impl Interp {
    /// The readiness of one watched object.
    fn poll_one(&mut self, obj: Value, mask: i64) -> PResult<i64> {
        let events = (mask & (POLLIN | POLLOUT)) as u32;
        if let Some(r) = super::io::native_poll(self, obj, events) {
            return Ok(i64::from(r));
        }
        let r = self.call_method(
            obj,
            "ioctl",
            &[Value::Int(MP_STREAM_POLL), Value::Int(mask)],
        )?;
        match self.as_int(r) {
            Some(n) if n >= 0 => Ok(n & (mask | POLLERR | POLLHUP)),
            Some(_) => Ok(POLLERR),
            None => Err(PyErr::type_error("ioctl must return an int")),
        }
    }

    /// Wait up to `timeout_ms` (forever if negative) until something is ready; the ready
    /// objects and their events.
    fn poll_wait(
        &mut self,
        this: Value,
        timeout_ms: i64,
        flags: i64,
    ) -> PResult<Vec<(Value, i64)>> {
        let start = self.platform.ticks_us();
        loop {
            let entries = match self.data_ref::<Poll>(this) {
                Some(p) => p.entries.clone(),
                None => return Err(PyErr::type_error("not a poll object")),
            };
            let mut ready = Vec::new();
            for (obj, mask) in entries {
                if mask == 0 {
                    continue;
                }
                let r = self.poll_one(obj, mask)?;
                if r != 0 {
                    ready.push((obj, r));
                }
            }
            if !ready.is_empty() {
                if flags & ONE_SHOT != 0
                    && let Some(p) = self.data_mut::<Poll>(this)
                {
                    for (obj, _) in &ready {
                        for e in p.entries.iter_mut() {
                            if crate::runtime::identical(e.0, *obj) {
                                e.1 = 0;
                            }
                        }
                    }
                }
                return Ok(ready);
            }
            let waited_ms = (self.platform.ticks_us().wrapping_sub(start) / 1000) as i64;
            if timeout_ms >= 0 && waited_ms >= timeout_ms {
                return Ok(ready);
            }
            self.platform.sleep_us(1000);
            self.check_interrupt()?;
        }
    }

    fn poll_result(&mut self, ready: Vec<(Value, i64)>) -> PResult<Value> {
        let base = self.gc.temp_roots.len();
        let r = (|| {
            for (obj, events) in ready {
                let t = self.tuple(alloc::vec![obj, Value::Int(events)])?;
                self.gc.temp_roots.push(t);
            }
            self.list_from_roots(base)
        })();
        self.gc.temp_roots.truncate(base);
        r
    }
}

fn timeout_arg(vm: &Interp, a: Args) -> PResult<i64> {
    match (a.len > 1).then(|| vm.arg(a, 1)) {
        None | Some(Value::None) => Ok(-1),
        Some(v) => vm.int_arg(v),
    }
}

fn poll_list(vm: &mut Interp, a: Args) -> PResult<Value> {
    let timeout = timeout_arg(vm, a)?;
    let ready = vm.poll_wait(vm.arg(a, 0), timeout, 0)?;
    vm.poll_result(ready)
}

fn poll_iter(vm: &mut Interp, a: Args) -> PResult<Value> {
    let timeout = timeout_arg(vm, a)?;
    let flags = match a.len {
        3 => vm.int_arg(vm.arg(a, 2))?,
        _ => 0,
    };
    let ready = vm.poll_wait(vm.arg(a, 0), timeout, flags)?;
    let list = vm.poll_result(ready)?;
    vm.iter(list)
}
