//! Modules: `import` (built-in, frozen and file modules), and the built-in modules, one
//! file each.

pub(crate) mod binascii;
mod deflate;
mod font8x8;
mod framebuf;
mod gc;
mod hashlib;
mod heapq;
pub(crate) mod io;
pub(crate) mod json;
pub(crate) mod machine;
pub(crate) mod math;
mod micropython;
mod os;
mod random;
mod re;
mod ringio;
mod select;
mod sys;
pub(crate) mod time;
pub(crate) mod uctypes;
pub(crate) mod vfs;
mod vfs_lfs;
pub(crate) mod viper;

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::{Obj, ObjRef};
use crate::interner::Sym;
use crate::objects::class::{Attrs, Module};
use crate::value::Value;
use crate::vm::{Interp, Native, PResult};

/// How a built-in module is made, the first time it is imported.
type Maker = fn(&mut Interp) -> PResult<ObjRef>;

/// The modules made in Rust, each with how it is made: the one list of them (import,
/// `help('modules')`).
const NATIVE_MODULES: &[(&str, Maker)] = &[
    ("sys", |vm| vm.make_sys()),
    ("gc", |vm| Ok(vm.native_module("gc", gc::FUNCTIONS))),
    ("micropython", |vm| {
        let m = vm.native_module("micropython", micropython::FUNCTIONS);
        let c = vm.data_class(&ringio::RINGIO);
        vm.set_attr_str(m, "RingIO", Value::Obj(c));
        Ok(m)
    }),
    ("time", |vm| Ok(vm.native_module("time", time::FUNCTIONS))),
    ("math", |vm| Ok(math::make(vm))),
    ("cmath", |vm| Ok(math::make_cmath(vm))),
    ("io", io::make),
    ("binascii", |vm| {
        Ok(vm.native_module("binascii", binascii::FUNCTIONS))
    }),
    ("hashlib", |vm| Ok(hashlib::make(vm))),
    ("json", |vm| Ok(vm.native_module("json", json::FUNCTIONS))),
    ("re", |vm| Ok(re::make(vm))),
    ("select", |vm| Ok(select::make(vm))),
    ("uctypes", |vm| Ok(uctypes::make(vm))),
    ("framebuf", |vm| Ok(framebuf::make(vm))),
    ("machine", machine::make),
    ("deflate", |vm| Ok(deflate::make(vm))),
    ("platform", |vm| Ok(vm.native_module("platform", PLATFORM))),
    ("os", os::make),
    ("vfs", |vm| {
        let m = vm.native_module("vfs", vfs::FUNCTIONS);
        let c = vm.data_class(&vfs::VFS_POSIX);
        vm.set_attr_str(m, "VfsPosix", Value::Obj(c));
        let c = vfs_lfs::class(vm);
        vm.set_attr_str(m, "VfsLfs2", Value::Obj(c));
        Ok(m)
    }),
    ("array", |vm| {
        let m = vm.native_module("array", &[]);
        let id = vm.interner.intern("array");
        vm.module_set(m, id, Value::Obj(vm.types.array));
        Ok(m)
    }),
    ("random", |vm| {
        Ok(vm.native_module("random", random::FUNCTIONS))
    }),
    ("builtins", |vm| Ok(vm.builtins)),
    ("errno", |vm| vm.make_errno()),
    (
        "heapq",
        |vm| Ok(vm.native_module("heapq", heapq::FUNCTIONS)),
    ),
];

impl Interp {
    /// `import name` (returns the top package) or `from name import …` (returns the module).
    /// `import name` (relative to the package of `importer`, the importing module or
    /// globals dict, when `level` > 0).
    pub(crate) fn import(
        &mut self,
        name: u32,
        fromlist: Value,
        level: Value,
        importer: ObjRef,
    ) -> PResult<Value> {
        let mut full = String::from(self.interner.name(name));
        let level = self.as_int(level).unwrap_or(0);
        if level > 0 {
            full = self.resolve_relative(&full, level, importer)?;
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

    /// The names of every module built into the VM, native and frozen (for
    /// `help('modules')`).
    pub(crate) fn builtin_module_names() -> Vec<&'static str> {
        let mut names: Vec<&'static str> = NATIVE_MODULES.iter().map(|(n, _)| *n).collect();
        names.extend(crate::frozen::MODULES.iter().map(|(n, _)| *n));
        names.push("__main__");
        names
    }

    fn find_module(&mut self, name: &str) -> PResult<Value> {
        if let Some((_, m)) = self.builtin_modules.iter().find(|(n, _)| &**n == name) {
            return Ok(Value::Obj(*m));
        }
        if let Some(m) = self.loaded_module(name) {
            return Ok(Value::Obj(m));
        }
        if self.config.without.iter().any(|w| w == name) {
            return self.import_source(name);
        }
        if let Some(real) = name.strip_prefix('u').filter(|n| U_ALIASES.contains(n)) {
            // MicroPython's `u`-prefixed names: the same module object (not listed in
            // `sys.modules` under the alias, as on MicroPython).
            let m = self.find_module(real)?;
            if let Value::Obj(r) = m {
                self.builtin_modules.push((Rc::from(name), r));
            }
            return Ok(m);
        }
        let Some((_, make)) = NATIVE_MODULES.iter().find(|(n, _)| *n == name) else {
            return self.import_source(name);
        };
        let m = make(self)?;
        // Built-in modules stay out of `sys.modules`, as on MicroPython, and only
        // `builtins` can be changed from Python.
        if name != "builtins"
            && let Obj::Module(module) = self.gc.heap.get_mut(m)
        {
            module.readonly = true;
        }
        self.builtin_modules.push((Rc::from(name), m));
        Ok(Value::Obj(m))
    }

    /// `from .x import y` inside package `p.q`: the absolute name.
    fn resolve_relative(&mut self, name: &str, level: i64, module: ObjRef) -> PResult<String> {
        let name_id = Sym::__name__.id();
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
                let Some(pm) = self.loaded_module(p) else {
                    return Err(no_module(name));
                };
                let path_id = self.interner.intern("__path__");
                match self
                    .module_get(pm, path_id)
                    .and_then(|v| self.as_str(v).map(String::from))
                {
                    Some(dir) => alloc::vec![dir],
                    None => return Err(no_module(name)),
                }
            }
            None => self.sys_path(),
        };
        let Some(found) = self.locate(name, last, &dirs)? else {
            return Err(no_module(name));
        };
        let Located {
            source,
            file,
            package_dir,
        } = found;
        let mut attrs = Attrs::default();
        let base = self.gc.temp_roots.len();
        let mut set = |vm: &mut Interp, key: &str, text: &str| -> PResult<()> {
            let v = vm.str_value(text)?;
            vm.gc.temp_roots.push(v);
            attrs.insert(vm.interner.intern(key), v);
            Ok(())
        };
        let filled = set(self, "__name__", name)
            .and_then(|()| set(self, "__file__", &file))
            .and_then(|()| match &package_dir {
                Some(dir) => set(self, "__path__", dir),
                None => Ok(()),
            });
        let m = filled.and_then(|()| self.alloc(Obj::Module(Box::new(Module::new(name, attrs)))));
        self.gc.temp_roots.truncate(base);
        let m = m?;
        let Value::Obj(mref) = m else {
            unreachable!("modules are objects")
        };
        // Registered before it runs, so that circular imports see the partial module.
        let roots = self.gc.temp_roots.len();
        self.gc.temp_roots.push(m);
        let ran = self
            .register_module(name, mref)
            .and_then(|()| self.run_source(&source, &file, crate::Mode::File, mref));
        self.gc.temp_roots.truncate(roots);
        if let Err(e) = ran {
            self.unregister_module(name)?;
            return Err(e);
        }
        if let Some(p) = parent
            && let Some(pm) = self.loaded_module(p)
        {
            let id = self.interner.intern(last);
            self.module_set(pm, id, m);
        }
        Ok(m)
    }

    /// A module already in `sys.modules`.
    pub(crate) fn loaded_module(&self, name: &str) -> Option<ObjRef> {
        let Obj::Dict(d) = self.gc.heap.get(self.modules_ref()) else {
            return None;
        };
        let pos = d.find_with(crate::runtime::fnv(name.as_bytes()), |k| {
            self.as_str(k) == Some(name)
        })?;
        match d.entry(pos)?.value {
            Value::Obj(r) => Some(r),
            _ => None,
        }
    }

    fn modules_ref(&self) -> ObjRef {
        match self.modules {
            Value::Obj(r) => r,
            _ => unreachable!("sys.modules is made with the VM"),
        }
    }

    /// Add a module to `sys.modules`.
    pub(crate) fn register_module(&mut self, name: &str, m: ObjRef) -> PResult<()> {
        let key = self.str_value(name)?;

        self.rooted(&[key], |vm| vm.dict_set(vm.modules, key, Value::Obj(m)))
    }

    fn unregister_module(&mut self, name: &str) -> PResult<()> {
        let key = self.str_value(name)?;
        let r = self.rooted(&[key], |vm| vm.dict_remove(vm.modules, key));
        r.map(|_| ())
    }

    /// Where module `name` (whose last part is `last`) comes from: frozen source, or a file
    /// or package directory in one of `dirs` (looked up through the mount table, so modules
    /// on a mounted filesystem import too).
    fn locate(&mut self, name: &str, last: &str, dirs: &[String]) -> PResult<Option<Located>> {
        for dir in dirs {
            if is_frozen_dir(dir) {
                if let Some(found) = frozen_located(name) {
                    return Ok(Some(found));
                }
                continue;
            }
            let base = if dir.is_empty() {
                String::from(last)
            } else {
                alloc::format!("{dir}/{last}")
            };
            if self.import_stat(&base) == Some(true) {
                let init = alloc::format!("{base}/__init__.py");
                // A directory without `__init__.py` is a namespace package.
                let source = match self.import_stat(&init) {
                    Some(false) => self.read_source(&init)?,
                    _ => String::new(),
                };
                return Ok(Some(Located {
                    source: source.into(),
                    file: init,
                    package_dir: Some(base),
                }));
            }
            let file = alloc::format!("{base}.py");
            if self.import_stat(&file) == Some(false) {
                let source = self.read_source(&file)?;
                return Ok(Some(Located {
                    source: source.into(),
                    file,
                    package_dir: None,
                }));
            }
            let mpy = alloc::format!("{base}.mpy");
            if self.import_stat(&mpy) == Some(false) {
                let _ = self.read_source(&mpy)?;
                return Err(PyErr::new(ErrKind::ValueError, "incompatible .mpy file"));
            }
        }
        // Frozen modules are found even when `.frozen` was taken off `sys.path`.
        if !dirs.iter().any(|d| is_frozen_dir(d)) {
            return Ok(frozen_located(name));
        }
        Ok(None)
    }

    /// The text of a file, read through the mount table.
    fn read_source(&mut self, path: &str) -> PResult<String> {
        let p = self.str_value(path)?;
        self.gc.temp_roots.push(p);
        let r = self
            .str_value("rb")
            .and_then(|mode| self.rooted(&[mode], |vm| vm.vfs_open(p, mode)));
        self.gc.temp_roots.pop();
        let bytes = self.read_all_and_close(r?)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
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

    /// `from module import *`: the names in `__all__`, or every public name. The "module"
    /// may be any object put in `sys.modules` (a class, an instance): then its `__dict__`.
    pub(crate) fn import_star(&mut self, m: Value, target: ObjRef) -> PResult<()> {
        let all_id = self.interner.intern("__all__");
        // A module's `__getattr__` is asked for `__all__` too (PEP 562).
        let all = match self.getattr(m, all_id) {
            Ok(all) => Some(all),
            Err(e) if e.kind == ErrKind::AttributeError => None,
            Err(e) => return Err(e),
        };
        let pairs: Vec<(u32, Value)> = match all {
            Some(all) => {
                let names = self.rooted(&[all], |vm| vm.collect_iterable(all));
                let mut out = Vec::new();
                for n in names? {
                    let Some(text) = self.as_str(n).map(String::from) else {
                        continue;
                    };
                    let id = self.interner.intern(&text);
                    out.push((id, self.getattr(m, id)?));
                }
                out
            }
            None => {
                let mut items = match m {
                    Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Module(_)) => {
                        self.namespace_items(r)
                    }
                    _ => {
                        let dict_id = Sym::__dict__.id();
                        let d = self.getattr(m, dict_id)?;
                        let mut out = Vec::new();
                        for (k, v) in self.dict_items(d)? {
                            if let Some(text) = self.as_str(k).map(String::from) {
                                out.push((self.interner.intern(&text), v));
                            }
                        }
                        out
                    }
                };
                items.retain(|(k, _)| !self.interner.name(*k).starts_with('_'));
                items
            }
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
                    && let Obj::Module(module) = self.gc.heap.get(r)
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

    pub(crate) fn set_attr_str(&mut self, m: ObjRef, name: &str, v: Value) {
        let id = self.interner.intern(name);
        self.module_set(m, id, v);
    }

    pub(crate) fn native_module(&mut self, name: &str, functions: &[Native]) -> ObjRef {
        let mut attrs = Attrs::default();
        for f in functions {
            let id = self.natives.len() as u16;
            self.natives.push(*f);
            attrs.insert(self.interner.intern(f.name), Value::Builtin(id));
        }
        let n = Sym::__name__.id();
        let s = self.new_str(name);
        attrs.insert(n, s);
        self.alloc_root(Obj::Module(Box::new(Module::new(name, attrs))))
    }
}

/// `platform`: what this build is.
const PLATFORM: &[Native] = &[
    Native::new("platform", platform_platform).args(0, 0),
    Native::new("python_compiler", platform_compiler).args(0, 0),
    Native::new("libc_ver", platform_libc_ver).args(0, 0),
];

fn platform_platform(vm: &mut Interp, _a: crate::vm::Args) -> PResult<Value> {
    let u = vm.platform.uname();
    let text = alloc::format!("{}-{}-{}", u.sysname, u.release, u.machine);
    vm.str_value(&text)
}

fn platform_compiler(vm: &mut Interp, _a: crate::vm::Args) -> PResult<Value> {
    vm.str_value("rustc")
}

fn platform_libc_ver(vm: &mut Interp, _a: crate::vm::Args) -> PResult<Value> {
    let e = vm.str_value("")?;

    vm.rooted(&[e], |vm| vm.tuple(alloc::vec![e, e]))
}

/// Modules that MicroPython also offers under a `u`-prefixed name (`utime`, `uos` …).
const U_ALIASES: &[&str] = &[
    "deflate",
    "array",
    "asyncio",
    "binascii",
    "collections",
    "cryptolib",
    "errno",
    "hashlib",
    "heapq",
    "io",
    "json",
    "machine",
    "os",
    "platform",
    "random",
    "re",
    "select",
    "socket",
    "ssl",
    "struct",
    "sys",
    "time",
    "websocket",
];

/// The name of an error number MicroPython knows (`[Errno 2] ENOENT`).
pub(crate) fn errno_name(code: i64) -> Option<&'static str> {
    crate::platform::errno::MODULE
        .iter()
        .find(|(_, c)| i64::from(*c) == code)
        .map(|(n, _)| *n)
}

impl Interp {
    /// `errno`: the constants, and `errorcode` (number → name).
    fn make_errno(&mut self) -> PResult<ObjRef> {
        let m = self.native_module("errno", &[]);
        let codes = self.new_dict()?;
        self.rooted(&[codes], |vm| {
            for (name, code) in crate::platform::errno::MODULE {
                let code = Value::Int(i64::from(*code));
                vm.set_attr_str(m, name, code);
                let text = vm.name_str(name);
                vm.dict_set(codes, code, text)?;
            }
            Ok(())
        })?;
        if let Value::Obj(r) = codes
            && let Obj::Dict(d) = self.gc.heap.get_mut(r)
        {
            d.fix();
        }
        self.set_attr_str(m, "errorcode", codes);
        Ok(m)
    }
}

fn no_module(name: &str) -> PyErr {
    PyErr::new(
        ErrKind::ImportError,
        alloc::format!("no module named '{name}'"),
    )
}

/// A module found by [`Interp::locate`].
struct Located {
    /// A frozen module's is borrowed from the image: no copy of it in RAM.
    source: alloc::borrow::Cow<'static, str>,
    /// `__file__`.
    file: String,
    /// `__path__`, for a package.
    package_dir: Option<String>,
}

fn is_frozen_dir(dir: &str) -> bool {
    dir == ".frozen" || dir.starts_with(".frozen/")
}

/// Frozen module `name`, as [`Interp::locate`] reports it.
fn frozen_located(name: &str) -> Option<Located> {
    let source = alloc::borrow::Cow::Borrowed(frozen_source(name)?);
    let path = name.replace('.', "/");
    Some(if frozen_is_package(name) {
        Located {
            source,
            file: alloc::format!(".frozen/{path}/__init__.py"),
            package_dir: Some(alloc::format!(".frozen/{path}")),
        }
    } else {
        Located {
            source,
            file: alloc::format!(".frozen/{path}.py"),
            package_dir: None,
        }
    })
}

/// Is frozen module `name` a package (are there frozen modules inside it)?
fn frozen_is_package(name: &str) -> bool {
    crate::frozen::MODULES.iter().any(|(n, _)| {
        n.len() > name.len() && n.starts_with(name) && n.as_bytes()[name.len()] == b'.'
    })
}

fn frozen_source(name: &str) -> Option<&'static str> {
    crate::frozen::MODULES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| *s)
}

/// State owned by built-in modules (their root pointers, in MicroPython's terms).
pub struct ModuleState {
    /// The mount table behind `open`, `os` and `import`.
    pub(crate) vfs: vfs::MountTable,
    /// The stream given to `os.dupterm`.
    pub(crate) dupterm: Value,
    /// Where buffers are in the address space of `uctypes` and `machine.mem*`.
    pub(crate) addresses: uctypes::AddressSpace,
    /// The function given to `sys.atexit`.
    pub(crate) atexit: Value,
    /// `machine`'s timers, pin interrupts and RTC.
    pub(crate) machine: machine::MachineState,
    /// `machine.disable_irq()` depth.
    pub(crate) irq_disabled: usize,
    /// State of the `random` module's generator.
    pub(crate) rng: u64,
    /// Callbacks from `micropython.schedule` waiting to run: (function, argument).
    pub(crate) scheduled: alloc::collections::VecDeque<(Value, Value)>,
    /// A scheduled callback is running: others wait until it returns.
    pub(crate) in_scheduled: bool,
    /// A KeyboardInterrupt was scheduled (`micropython.schedule(kbd_intr, None)`).
    pub(crate) pending_interrupt: bool,
    /// `micropython.opt_level`.
    pub(crate) opt_level: u8,
}
