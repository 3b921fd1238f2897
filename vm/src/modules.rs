//! Modules: `import`, and the built-in modules that the language core needs (`sys`, `gc`,
//! `micropython`, `builtins`). Modules from files come through the `Platform` later.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::{Obj, ObjRef};
use crate::objects::class::{Attrs, Instance, Module};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

impl Interp {
    /// `import name` (returns the top package) or `from name import …` (returns the module).
    pub(crate) fn import(&mut self, name: u32, fromlist: Value, level: Value) -> PResult<Value> {
        let mut full = String::from(self.interner.name(name));
        let level = self.as_int(level).unwrap_or(0);
        if level > 0 {
            full = self.resolve_relative(&full, level)?;
        }
        let mut leaf = Value::None;
        let mut top = Value::None;
        let mut prefix = String::new();
        for (i, part) in full.split('.').enumerate() {
            if i > 0 {
                prefix.push('.');
            }
            prefix.push_str(part);
            let m = self.find_module(&prefix)?;
            if i == 0 {
                top = m;
            }
            leaf = m;
        }
        Ok(if fromlist == Value::None { top } else { leaf })
    }

    fn find_module(&mut self, name: &str) -> PResult<Value> {
        if let Some((_, m)) = self.modules.iter().find(|(n, _)| &**n == name) {
            return Ok(Value::Obj(*m));
        }
        let m = match name {
            "sys" => self.make_sys(),
            "gc" => self.native_module("gc", GC),
            "micropython" => self.native_module("micropython", MICROPYTHON),
            "time" | "utime" => self.native_module("time", TIME),
            "math" => crate::mathmod::make(self),
            "cmath" => crate::mathmod::make_cmath(self),
            "array" | "uarray" => {
                let m = self.native_module("array", &[]);
                let id = self.interner.intern("array");
                self.module_set(m, id, Value::Obj(self.types.array));
                m
            }
            "random" | "urandom" => self.native_module("random", RANDOM),
            "builtins" => {
                let attrs = self.builtins.clone();
                self.alloc_root(Obj::Module(Box::new(Module {
                    name: Rc::from("builtins"),
                    attrs,
                })))
            }
            _ => return self.import_source(name),
        };
        self.modules.push((Rc::from(name), m));
        Ok(Value::Obj(m))
    }

    /// `from .x import y` inside package `p.q`: the absolute name.
    fn resolve_relative(&mut self, name: &str, level: i64) -> PResult<String> {
        let module = self.frames.last().map_or(self.main, |f| f.module);
        let name_id = self.interner.intern("__name__");
        let path_id = self.interner.intern("__path__");
        let current = self
            .module_get(module, name_id)
            .and_then(|v| self.as_str(v).map(String::from))
            .unwrap_or_default();
        let is_package = self.module_get(module, path_id).is_some();
        let mut parts: Vec<&str> = current.split('.').collect();
        if !is_package {
            parts.pop();
        }
        for _ in 1..level {
            parts.pop();
        }
        if parts.is_empty() || current == "__main__" {
            return Err(PyErr::new(
                ErrKind::ImportError,
                "can't perform relative import",
            ));
        }
        let mut full = parts.join(".");
        if !name.is_empty() {
            full.push('.');
            full.push_str(name);
        }
        Ok(full)
    }

    /// Find `name` as frozen source or a file along `sys.path` (a submodule inside its
    /// package's directory), and run it as a new module.
    fn import_source(&mut self, name: &str) -> PResult<Value> {
        let (parent, last) = match name.rsplit_once('.') {
            Some((p, l)) => (Some(p), l),
            None => (None, name),
        };
        let dirs: Vec<String> = match parent {
            Some(p) => {
                let Some((_, pm)) = self.modules.iter().find(|(n, _)| &**n == p) else {
                    return Err(no_module(name));
                };
                let path_id = self.interner.intern("__path__");
                match self
                    .module_get(*pm, path_id)
                    .and_then(|v| self.as_str(v).map(String::from))
                {
                    Some(dir) => alloc::vec![dir],
                    None => return Err(no_module(name)),
                }
            }
            None => self.sys_path(),
        };
        let mut found: Option<(String, String, Option<String>)> = None;
        let mut searched_frozen = false;
        for dir in &dirs {
            if dir == ".frozen" {
                searched_frozen = true;
                if let Some(src) = frozen_source(name) {
                    found = Some((String::from(src), alloc::format!(".frozen/{name}.py"), None));
                    break;
                }
                continue;
            }
            let base = if dir.is_empty() {
                String::from(last)
            } else {
                alloc::format!("{dir}/{last}")
            };
            let init = alloc::format!("{base}/__init__.py");
            if self.platform.is_dir(&base) {
                let src = self.platform.read_file(&init).unwrap_or_default();
                found = Some((String::from_utf8_lossy(&src).into_owned(), init, Some(base)));
                break;
            }
            let file = alloc::format!("{base}.py");
            if let Some(src) = self.platform.read_file(&file) {
                found = Some((String::from_utf8_lossy(&src).into_owned(), file, None));
                break;
            }
        }
        if found.is_none()
            && !searched_frozen
            && let Some(src) = frozen_source(name)
        {
            found = Some((String::from(src), alloc::format!(".frozen/{name}.py"), None));
        }
        let Some((source, file, package_dir)) = found else {
            return Err(no_module(name));
        };
        let mut attrs = Attrs::default();
        let n = self.interner.intern("__name__");
        let nv = self.str_value(name)?;
        attrs.insert(n, nv);
        let f = self.interner.intern("__file__");
        let fv = self.str_value(&file)?;
        attrs.insert(f, fv);
        if let Some(dir) = package_dir {
            let p = self.interner.intern("__path__");
            let pv = self.str_value(&dir)?;
            attrs.insert(p, pv);
        }
        let m = self.alloc(Obj::Module(Box::new(Module {
            name: Rc::from(name),
            attrs,
        })))?;
        let Value::Obj(mref) = m else {
            unreachable!("modules are objects")
        };
        // Registered before it runs, so that circular imports see the partial module.
        self.modules.push((Rc::from(name), mref));
        if let Err(e) = self.run_source(&source, &file, crate::Mode::File, mref) {
            self.modules.retain(|(n, _)| &**n != name);
            return Err(e);
        }
        if let Some(p) = parent
            && let Some((_, pm)) = self.modules.iter().find(|(n, _)| &**n == p)
        {
            let pm = *pm;
            let id = self.interner.intern(last);
            self.module_set(pm, id, m);
        }
        Ok(m)
    }

    /// The current `sys.path` as text.
    fn sys_path(&mut self) -> Vec<String> {
        let sys = match self.find_module("sys") {
            Ok(Value::Obj(r)) => r,
            _ => return Vec::new(),
        };
        let path_id = self.interner.intern("path");
        let Some(list) = self.module_get(sys, path_id) else {
            return Vec::new();
        };
        self.tuple_items(list)
            .iter()
            .filter_map(|v| self.as_str(*v).map(String::from))
            .collect()
    }

    /// `from module import *`: the names in `__all__`, or every public name.
    pub(crate) fn import_star(&mut self, m: Value, target: ObjRef) -> PResult<()> {
        let Value::Obj(r) = m else { return Ok(()) };
        let all_id = self.interner.intern("__all__");
        let pairs: Vec<(u32, Value)> = match self.module_get(r, all_id) {
            Some(all) => {
                let mut out = Vec::new();
                for n in self.collect_iterable(all)? {
                    let Some(text) = self.as_str(n).map(String::from) else {
                        continue;
                    };
                    let id = self.interner.intern(&text);
                    out.push((id, self.getattr(m, id)?));
                }
                out
            }
            None => match self.heap.get(r) {
                Obj::Module(module) => module
                    .attrs
                    .iter()
                    .filter(|(k, _)| !self.interner.name(**k).starts_with('_'))
                    .map(|(k, v)| (*k, *v))
                    .collect(),
                _ => Vec::new(),
            },
        };
        for (k, v) in pairs {
            self.module_set(target, k, v);
        }
        Ok(())
    }

    /// `from module import name`: an attribute, or a submodule of a package.
    pub(crate) fn import_from(&mut self, m: Value, name: u32) -> PResult<Value> {
        match self.getattr(m, name) {
            Ok(v) => Ok(v),
            Err(e) if e.kind == ErrKind::AttributeError => {
                let path_id = self.interner.intern("__path__");
                if let Value::Obj(r) = m
                    && self.module_get(r, path_id).is_some()
                    && let Obj::Module(module) = self.heap.get(r)
                {
                    let full = alloc::format!("{}.{}", module.name, self.interner.name(name));
                    if let Ok(sub) = self.find_module(&full) {
                        return Ok(sub);
                    }
                }
                Err(PyErr::new(
                    ErrKind::ImportError,
                    alloc::format!("cannot import name {}", self.interner.name(name)),
                ))
            }
            Err(e) => Err(e),
        }
    }

    fn native_module(&mut self, name: &str, functions: &[Native]) -> ObjRef {
        let mut attrs = Attrs::default();
        for f in functions {
            let id = self.natives.len() as u16;
            self.natives.push(*f);
            attrs.insert(self.interner.intern(f.name), Value::Builtin(id));
        }
        let n = self.interner.intern("__name__");
        let s = self.new_str(name);
        attrs.insert(n, s);
        self.alloc_root(Obj::Module(Box::new(Module {
            name: Rc::from(name),
            attrs,
        })))
    }

    fn set_attr_str(&mut self, m: ObjRef, name: &str, v: Value) {
        let id = self.interner.intern(name);
        self.module_set(m, id, v);
    }

    fn make_sys(&mut self) -> ObjRef {
        let m = self.native_module("sys", SYS);
        let platform = String::from(self.platform.sys_platform());
        let s = self.new_str(&platform);
        self.set_attr_str(m, "platform", s);
        let s = self.new_str(concat!("3.4.0; Copperhead v", env!("CARGO_PKG_VERSION")));
        self.set_attr_str(m, "version", s);
        let vi = self
            .tuple(alloc::vec![Value::Int(3), Value::Int(4), Value::Int(0)])
            .unwrap_or(Value::None);
        self.set_attr_str(m, "version_info", vi);
        self.set_attr_str(m, "maxsize", Value::Int(i64::MAX));
        let s = self.new_str("little");
        self.set_attr_str(m, "byteorder", s);
        // sys.implementation: name, version and the fields MicroPython's tools read.
        let imp = self.alloc_root(Obj::Instance(Box::new(Instance {
            class: self.types.object,
            attrs: Attrs::default(),
            exc: None,
            native: Value::Undef,
        })));
        // Code written for MicroPython tests `sys.implementation.name == "micropython"`;
        // Copperhead answers as MicroPython does (its own name is in `sys.version`).
        let name = self.new_str("micropython");
        self.set_attr_in(imp, "name", name);
        let version = self
            .tuple(alloc::vec![
                Value::Int(0),
                Value::Int(1),
                Value::Int(0),
                Value::None
            ])
            .unwrap_or(Value::None);
        self.set_attr_in(imp, "version", version);
        self.set_attr_in(imp, "_mpy", Value::Int(0));
        self.set_attr_str(m, "implementation", Value::Obj(imp));
        let path = self.platform.module_path();
        for (list_name, items) in [("argv", Vec::new()), ("path", path)] {
            let mut values = Vec::new();
            for i in items {
                values.push(self.new_str(&i));
            }
            let l = self.alloc_root(Obj::List(values));
            self.set_attr_str(m, list_name, Value::Obj(l));
        }
        m
    }

    fn set_attr_in(&mut self, inst: ObjRef, name: &str, v: Value) {
        let id = self.interner.intern(name);
        if let Obj::Instance(i) = self.heap.get_mut(inst) {
            i.attrs.insert(id, v);
        }
    }
}

/// MicroPython's errno names, for `OSError` messages.
pub(crate) fn errno_name(code: i64) -> Option<&'static str> {
    Some(match code {
        1 => "EPERM",
        2 => "ENOENT",
        5 => "EIO",
        9 => "EBADF",
        11 => "EAGAIN",
        12 => "ENOMEM",
        13 => "EACCES",
        17 => "EEXIST",
        19 => "ENODEV",
        20 => "ENOTDIR",
        21 => "EISDIR",
        22 => "EINVAL",
        28 => "ENOSPC",
        39 => "ENOTEMPTY",
        95 => "EOPNOTSUPP",
        98 => "EADDRINUSE",
        103 => "ECONNABORTED",
        104 => "ECONNRESET",
        105 => "ENOBUFS",
        107 => "ENOTCONN",
        110 => "ETIMEDOUT",
        111 => "ECONNREFUSED",
        113 => "EHOSTUNREACH",
        114 => "EALREADY",
        115 => "EINPROGRESS",
        _ => return None,
    })
}

fn no_module(name: &str) -> PyErr {
    PyErr::new(
        ErrKind::ImportError,
        alloc::format!("no module named '{name}'"),
    )
}

fn frozen_source(name: &str) -> Option<&'static str> {
    crate::frozen::MODULES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| *s)
}

fn sys_exit(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "exit", 0, 1)?;
    let args = if a.len == 1 {
        alloc::vec![vm.arg(a, 0)]
    } else {
        Vec::new()
    };
    let t = vm.tuple(args)?;
    let class = vm.types.exc(ErrKind::SystemExit);
    let e = vm.instantiate_exc(class, t)?;
    Err(PyErr {
        kind: ErrKind::SystemExit,
        message: None,
        traceback: Vec::new(),
        value: Some(e),
        reraise: false,
    })
}

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

fn mp_const(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "const", 1, 1)?;
    Ok(vm.arg(a, 0))
}

/// `@micropython.native` / `@micropython.viper`: accepted; the function runs as bytecode.
fn mp_identity(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "native", 1, 1)?;
    Ok(vm.arg(a, 0))
}

fn mp_heap_lock(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.heap_locked += 1;
    Ok(Value::None)
}

fn mp_heap_unlock(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.heap_locked = vm.heap_locked.saturating_sub(1);
    Ok(Value::Int(vm.heap_locked as i64))
}

fn mp_heap_locked(vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::Int(vm.heap_locked as i64))
}

fn mp_mem_info(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (used, total) = (vm.heap.used(), vm.heap.limit());
    let text = alloc::format!(
        "mem: total={used}, current={used}, peak={used}\nstack: {} out of {}\nGC: total: {total}, used: {used}, free: {}\n",
        vm.frames.len() * 64,
        vm.config.max_depth * 64,
        total.saturating_sub(used)
    );
    let _ = a;
    vm.platform.write_stdout(text.as_bytes());
    Ok(Value::None)
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
    Ok(Value::Int((vm.frames.len() * 64) as i64))
}

fn mp_kbd_intr(_vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::None)
}

fn mp_schedule(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "schedule", 2, 2)?;
    // Runs at once: the host port has no interrupt context to defer from.
    vm.call_value(vm.arg(a, 0), &[vm.arg(a, 1)])?;
    Ok(Value::None)
}

fn mp_opt_level(_vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::Int(0))
}

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

const TIME: &[Native] = &[
    Native {
        name: "ticks_us",
        func: time_ticks_us,
    },
    Native {
        name: "ticks_ms",
        func: time_ticks_ms,
    },
    Native {
        name: "ticks_cpu",
        func: time_ticks_us,
    },
    Native {
        name: "ticks_diff",
        func: time_ticks_diff,
    },
    Native {
        name: "ticks_add",
        func: time_ticks_add,
    },
    Native {
        name: "sleep",
        func: time_sleep,
    },
    Native {
        name: "sleep_ms",
        func: time_sleep_ms,
    },
    Native {
        name: "sleep_us",
        func: time_sleep_us,
    },
    Native {
        name: "time",
        func: time_time,
    },
    Native {
        name: "time_ns",
        func: time_time_ns,
    },
];

/// xorshift64*: small, fast, and good enough for `random`'s uses on a board.
fn next_u64(vm: &mut Interp) -> u64 {
    let mut x = vm.rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    vm.rng = x;
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
    vm.nargs(a, "seed", 0, 1)?;
    let seed = match (a.len > 0)
        .then(|| vm.arg(a, 0))
        .filter(|v| *v != Value::None)
    {
        Some(v) => vm.hash(v)?,
        None => vm.platform.ticks_us() ^ 0x9e37_79b9_7f4a_7c15,
    };
    // Never zero: xorshift would stay there.
    vm.rng = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    Ok(Value::None)
}

fn random_getrandbits(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "getrandbits", 1, 1)?;
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
    vm.nargs(a, "uniform", 2, 2)?;
    let lo = crate::objects::int::to_f64(
        vm.num(vm.arg(a, 0))
            .ok_or_else(|| PyErr::type_error("must be a number"))?,
    )?;
    let hi = crate::objects::int::to_f64(
        vm.num(vm.arg(a, 1))
            .ok_or_else(|| PyErr::type_error("must be a number"))?,
    )?;
    let r = (next_u64(vm) >> 11) as f64 / (1u64 << 53) as f64;
    Ok(Value::Float(lo + (hi - lo) * r))
}

fn randrange_from(vm: &mut Interp, start: i64, stop: i64, step: i64) -> PResult<Value> {
    if step == 0 {
        return Err(PyErr::new(ErrKind::ValueError, "zero step for randrange()"));
    }
    let n = crate::runtime::range_len(start, stop, step);
    if n == 0 {
        return Err(PyErr::new(
            ErrKind::ValueError,
            "empty range for randrange()",
        ));
    }
    let k = below(vm, n as u64) as i64;
    Ok(Value::Int(start + k * step))
}

fn random_randrange(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "randrange", 1, 3)?;
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
    vm.nargs(a, "randint", 2, 2)?;
    let (lo, hi) = (vm.int_arg(vm.arg(a, 0))?, vm.int_arg(vm.arg(a, 1))?);
    randrange_from(vm, lo, hi.saturating_add(1), 1)
}

fn random_choice(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "choice", 1, 1)?;
    let seq = vm.arg(a, 0);
    let n = vm.len(seq)?;
    if n == 0 {
        return Err(PyErr::new(
            ErrKind::IndexError,
            "can't choose from an empty sequence",
        ));
    }
    let k = below(vm, n as u64) as i64;
    vm.getitem(seq, Value::Int(k))
}

const RANDOM: &[Native] = &[
    Native {
        name: "seed",
        func: random_seed,
    },
    Native {
        name: "getrandbits",
        func: random_getrandbits,
    },
    Native {
        name: "random",
        func: random_random,
    },
    Native {
        name: "uniform",
        func: random_uniform,
    },
    Native {
        name: "randrange",
        func: random_randrange,
    },
    Native {
        name: "randint",
        func: random_randint,
    },
    Native {
        name: "choice",
        func: random_choice,
    },
];

const SYS: &[Native] = &[Native {
    name: "exit",
    func: sys_exit,
}];

const GC: &[Native] = &[
    Native {
        name: "collect",
        func: gc_collect,
    },
    Native {
        name: "mem_free",
        func: gc_mem_free,
    },
    Native {
        name: "mem_alloc",
        func: gc_mem_alloc,
    },
    Native {
        name: "enable",
        func: gc_enable,
    },
    Native {
        name: "disable",
        func: gc_disable,
    },
    Native {
        name: "isenabled",
        func: gc_isenabled,
    },
];

const MICROPYTHON: &[Native] = &[
    Native {
        name: "native",
        func: mp_identity,
    },
    Native {
        name: "viper",
        func: mp_identity,
    },
    Native {
        name: "heap_lock",
        func: mp_heap_lock,
    },
    Native {
        name: "heap_unlock",
        func: mp_heap_unlock,
    },
    Native {
        name: "heap_locked",
        func: mp_heap_locked,
    },
    Native {
        name: "mem_info",
        func: mp_mem_info,
    },
    Native {
        name: "qstr_info",
        func: mp_qstr_info,
    },
    Native {
        name: "stack_use",
        func: mp_stack_use,
    },
    Native {
        name: "kbd_intr",
        func: mp_kbd_intr,
    },
    Native {
        name: "schedule",
        func: mp_schedule,
    },
    Native {
        name: "alloc_emergency_exception_buf",
        func: mp_kbd_intr,
    },
    Native {
        name: "const",
        func: mp_const,
    },
    Native {
        name: "opt_level",
        func: mp_opt_level,
    },
];
