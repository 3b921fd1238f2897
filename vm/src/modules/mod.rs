//! Modules: `import` (built-in, frozen and file modules), and the built-in modules, one
//! file each.

mod gc;
pub(crate) mod math;
mod micropython;
mod random;
mod sys;
mod time;

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::{Obj, ObjRef};
use crate::objects::class::{Attrs, Module};
use crate::value::Value;
use crate::vm::{Interp, Native, PResult};

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
            "gc" => self.native_module("gc", gc::FUNCTIONS),
            "micropython" => self.native_module("micropython", micropython::FUNCTIONS),
            "time" | "utime" => self.native_module("time", time::FUNCTIONS),
            "math" => math::make(self),
            "cmath" => math::make_cmath(self),
            "array" | "uarray" => {
                let m = self.native_module("array", &[]);
                let id = self.interner.intern("array");
                self.module_set(m, id, Value::Obj(self.types.array));
                m
            }
            "random" | "urandom" => self.native_module("random", random::FUNCTIONS),
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
        let n = self.interner.intern("__name__");
        let s = self.new_str(name);
        attrs.insert(n, s);
        self.alloc_root(Obj::Module(Box::new(Module {
            name: Rc::from(name),
            attrs,
        })))
    }

    pub(crate) fn set_attr_in(&mut self, inst: ObjRef, name: &str, v: Value) {
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
