//! Attributes: `getattr`, `setattr`, `delattr` and method loading for every value: instance
//! dicts, class lookup along the MRO, descriptors, and the attributes built-in values answer.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::{Obj, ObjRef};
use crate::interner::Sym;
use crate::objects::class::Tag;
use crate::value::Value;
use crate::vm::{Interp, PResult};

impl Interp {
    pub(crate) fn attr_error(&self, v: Value, name: u32) -> PyErr {
        let n = self.interner.name(name);
        match v {
            Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Class(_)) => PyErr::new(
                ErrKind::AttributeError,
                alloc::format!(
                    "type object '{}' has no attribute '{n}'",
                    self.class_name(r)
                ),
            ),
            _ => PyErr::new(
                ErrKind::AttributeError,
                alloc::format!("'{}' object has no attribute '{n}'", self.type_name(v)),
            ),
        }
    }

    /// Bind a class attribute found for `obj` (an instance or any value) per its kind.
    pub(crate) fn bind(&mut self, attr: Value, obj: Value, class: ObjRef) -> PResult<Value> {
        match attr {
            // Built-in methods work on the built-in value inside a subclass instance.
            Value::Builtin(id) if self.natives[id as usize].method => {
                let this = self.payload(obj).unwrap_or(obj);
                self.alloc(Obj::BoundMethod(this, attr))
            }
            Value::Obj(r) => match self.gc.heap.get(r) {
                Obj::Function(_) => self.alloc(Obj::BoundMethod(obj, attr)),
                Obj::ClassMethod(f) => {
                    let f = *f;
                    self.alloc(Obj::BoundMethod(Value::Obj(class), f))
                }
                Obj::StaticMethod(f) => Ok(*f),
                Obj::Property(get, _, _) => {
                    let get = *get;
                    if get == Value::None {
                        return Err(PyErr::new(ErrKind::AttributeError, "unreadable attribute"));
                    }
                    self.call_value(get, &[obj])
                }
                _ => Ok(attr),
            },
            _ => Ok(attr),
        }
    }

    pub(crate) fn getattr(&mut self, obj: Value, name: u32) -> PResult<Value> {
        match self.getattr_opt(obj, name)? {
            Some(v) => Ok(v),
            None => match obj {
                // (Storing into a module that can't change keeps the generic wording.)
                Value::Obj(r) if let Obj::Module(m) = self.gc.heap.get(r) => Err(PyErr::new(
                    ErrKind::AttributeError,
                    alloc::format!(
                        "module '{}' has no attribute '{}'",
                        m.name,
                        self.interner.name(name)
                    ),
                )),
                _ => Err(self.attr_error(obj, name)),
            },
        }
    }

    /// `getattr` that reports absence as `None` instead of raising.
    pub(crate) fn getattr_opt(&mut self, obj: Value, name: u32) -> PResult<Option<Value>> {
        if let Value::Obj(r) = obj {
            match self.gc.heap.get(r) {
                Obj::Instance(i) => {
                    let class = i.class;
                    // Data descriptors (properties, objects with __set__) win over the
                    // instance dict.
                    let from_class = self.lookup(class, name);
                    if let Some(a @ Value::Obj(ar)) = from_class
                        && matches!(self.gc.heap.get(ar), Obj::Property(..))
                    {
                        return self.bind(a, obj, class).map(Some);
                    }
                    if let Some(a) = from_class
                        && self.special(a, Sym::__set__).is_some()
                        && let Some(v) =
                            self.call_special(a, Sym::__get__, &[obj, Value::Obj(class)])?
                    {
                        return Ok(Some(v));
                    }
                    if let Obj::Instance(i) = self.gc.heap.get(r)
                        && let Some(v) = i.attrs.get(&name)
                    {
                        return Ok(Some(*v));
                    }
                    if let Some(a) = from_class {
                        if let Some(v) =
                            self.call_special(a, Sym::__get__, &[obj, Value::Obj(class)])?
                        {
                            return Ok(Some(v));
                        }
                        return self.bind(a, obj, class).map(Some);
                    }
                    if let Some(v) = self.special_attr(obj, name)? {
                        return Ok(Some(v));
                    }
                    let getattr_id = Sym::__getattr__.id();
                    if let Some(f) = self.lookup(class, getattr_id) {
                        let n = self.interner.name_rc(name);
                        let s = self.str_value(&n)?;
                        return self.call_value(f, &[obj, s]).map(Some);
                    }
                    return Ok(None);
                }
                Obj::Class(_) => {
                    if let Some(a) = self.lookup(r, name) {
                        if let Some(v) = self.call_special(a, Sym::__get__, &[Value::None, obj])? {
                            return Ok(Some(v));
                        }
                        return match a {
                            Value::Obj(ar) => match self.gc.heap.get(ar) {
                                Obj::ClassMethod(f) => {
                                    let f = *f;
                                    self.alloc(Obj::BoundMethod(obj, f)).map(Some)
                                }
                                Obj::StaticMethod(f) => Ok(Some(*f)),
                                _ => Ok(Some(a)),
                            },
                            _ => Ok(Some(a)),
                        };
                    }
                    return self.special_attr(obj, name);
                }
                Obj::Module(_) => {
                    if let Some(v) = self.module_get(r, name) {
                        return Ok(Some(v));
                    }
                    // A module's own `__getattr__` answers for names it lacks (PEP 562).
                    let hook = self
                        .interner
                        .lookup("__getattr__")
                        .and_then(|id| self.module_get(r, id));
                    if let Some(f) = hook
                        && self.interner.name(name) != "__getattr__"
                    {
                        let n = self.interner.name_rc(name);
                        let s = self.str_value(&n)?;
                        return self.call_value(f, &[s]).map(Some);
                    }
                    return self.special_attr(obj, name);
                }
                Obj::Super(start, this) => {
                    let (start, this) = (*start, *this);
                    // Instances look along their class's MRO; classes (classmethods) along their own.
                    let class = match this {
                        Value::Obj(tr) if matches!(self.gc.heap.get(tr), Obj::Class(_)) => tr,
                        _ => self.class_of(this),
                    };
                    let mro = self.mro_of(class);
                    let after = mro
                        .iter()
                        .position(|c| *c == start)
                        .map_or(mro.len(), |p| p + 1);
                    for k in &mro[after..] {
                        if let Obj::Class(kc) = self.gc.heap.get(*k)
                            && let Some(a) = kc.attrs.get(&name)
                        {
                            let a = *a;
                            return self.bind(a, this, class).map(Some);
                        }
                    }
                    return Ok(None);
                }
                _ => {}
            }
        }
        let class = self.class_of(obj);
        if let Some(a) = self.lookup(class, name) {
            return self.bind(a, obj, class).map(Some);
        }
        self.special_attr(obj, name)
    }

    /// Attributes every object of a kind has without a dict entry.
    pub(crate) fn special_attr(&mut self, obj: Value, name: u32) -> PResult<Option<Value>> {
        let n = self.interner.name_rc(name);
        match &*n {
            "__class__" => Ok(Some(Value::Obj(self.class_of(obj)))),
            "__name__" => {
                let text: Option<String> = match obj {
                    Value::Obj(r) => match self.gc.heap.get(r) {
                        Obj::Class(c) => Some(String::from(&*c.name)),
                        Obj::Function(f) => Some(f.code.name.clone()),
                        Obj::Generator(g) => Some(g.code.name.clone()),
                        Obj::BoundMethod(_, f) => {
                            let f = *f;
                            return self.special_attr(f, name);
                        }
                        Obj::Module(m) => Some(String::from(&*m.name)),
                        _ => None,
                    },
                    Value::Builtin(id) => Some(String::from(self.natives[id as usize].name)),
                    _ => None,
                };
                match text {
                    Some(t) => Ok(Some(self.name_str(&t))),
                    None => Ok(None),
                }
            }
            "__globals__" => match obj {
                Value::Obj(r) => match self.gc.heap.get(r) {
                    Obj::Function(f) => {
                        let module = f.module;
                        self.module_dict(module).map(Some)
                    }
                    _ => Ok(None),
                },
                _ => Ok(None),
            },
            "__bases__" => match obj {
                Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Class(_)) => {
                    let Obj::Class(c) = self.gc.heap.get(r) else {
                        unreachable!("checked")
                    };
                    let bases: Vec<Value> = c.bases.iter().map(|b| Value::Obj(*b)).collect();
                    self.tuple(bases).map(Some)
                }
                _ => Ok(None),
            },
            "__dict__" => match obj {
                Value::Obj(r) => {
                    let pairs: Vec<(u32, Value)> = match self.gc.heap.get(r) {
                        Obj::Instance(i) => i.attrs.iter().map(|(k, v)| (*k, *v)).collect(),
                        Obj::Module(_) => return self.module_dict(r).map(Some),
                        Obj::Class(c) => c.attrs.iter().map(|(k, v)| (*k, *v)).collect(),
                        _ => return Ok(None),
                    };
                    let d = self.new_dict()?;
                    self.gc.temp_roots.push(d);
                    for (k, v) in pairs {
                        let name = self.interner.name_rc(k);
                        let key = self.str_value(&name)?;
                        self.dict_set(d, key, v)?;
                    }
                    self.gc.temp_roots.pop();
                    Ok(Some(d))
                }
                _ => Ok(None),
            },
            "itemsize" => match obj {
                Value::Obj(r) => match self.gc.heap.get(r) {
                    Obj::MemoryView(_, _, _, code) | Obj::Array(code, _) => Ok(Some(Value::Int(
                        crate::objects::array::item_size(*code).unwrap_or(1) as i64,
                    ))),
                    _ => Ok(None),
                },
                _ => Ok(None),
            },
            "real" | "imag" => match obj {
                Value::Obj(r) => match self.gc.heap.get(r) {
                    Obj::Complex(re, im) => {
                        Ok(Some(Value::Float(if &*n == "real" { *re } else { *im })))
                    }
                    _ => Ok(None),
                },
                v if self.num(v).is_some() => {
                    if &*n == "real" {
                        Ok(Some(if let Value::Bool(b) = v {
                            Value::Int(i64::from(b))
                        } else {
                            v
                        }))
                    } else {
                        Ok(Some(if matches!(v, Value::Float(_)) {
                            Value::Float(0.0)
                        } else {
                            Value::Int(0)
                        }))
                    }
                }
                _ => Ok(None),
            },
            "errno" | "strerror" => match obj {
                Value::Obj(r) => match self.gc.heap.get(r) {
                    Obj::Instance(i) if i.exc.is_some() => {
                        let args = self.tuple_items(i.exc.as_ref().expect("checked").args);
                        let k = usize::from(&*n == "strerror");
                        Ok(Some(args.get(k).copied().unwrap_or(Value::None)))
                    }
                    _ => Ok(None),
                },
                _ => Ok(None),
            },
            "args" | "value" => match obj {
                Value::Obj(r) => match self.gc.heap.get(r) {
                    Obj::Instance(i) if i.exc.is_some() => {
                        let args = i.exc.as_ref().expect("checked").args;
                        if &*n == "args" {
                            return Ok(Some(args));
                        }
                        Ok(Some(
                            self.tuple_items(args)
                                .first()
                                .copied()
                                .unwrap_or(Value::None),
                        ))
                    }
                    _ => Ok(None),
                },
                _ => Ok(None),
            },
            "__self__" | "__func__" => match obj {
                Value::Obj(r) => match self.gc.heap.get(r) {
                    Obj::BoundMethod(s, f) => Ok(Some(if &*n == "__self__" { *s } else { *f })),
                    _ => Ok(None),
                },
                _ => Ok(None),
            },
            "start" | "stop" | "step" => match obj {
                Value::Obj(r) => match self.gc.heap.get(r) {
                    Obj::Range(a, b, c) => Ok(Some(Value::Int(match &*n {
                        "start" => *a,
                        "stop" => *b,
                        _ => *c,
                    }))),
                    Obj::Slice(a, b, c) => Ok(Some(match &*n {
                        "start" => *a,
                        "stop" => *b,
                        _ => *c,
                    })),
                    _ => Ok(None),
                },
                _ => Ok(None),
            },
            _ => Ok(None),
        }
    }

    /// For `obj.name(…)`: the function and `self` when the class has a method, else the
    /// attribute and `Undef`, so that no bound method is allocated on the common path.
    pub(crate) fn load_method(&mut self, obj: Value, name: u32) -> PResult<(Value, Value)> {
        if let Value::Obj(r) = obj
            && matches!(self.gc.heap.get(r), Obj::Super(..))
        {
            return Ok((self.getattr(obj, name)?, Value::Undef));
        }
        // A class method or a static method called on a class: no bound method is made.
        if let Value::Obj(r) = obj
            && matches!(self.gc.heap.get(r), Obj::Class(_))
            && let Some(Value::Obj(ar)) = self.lookup(r, name)
        {
            match self.gc.heap.get(ar) {
                Obj::ClassMethod(f) => return Ok((*f, obj)),
                Obj::StaticMethod(f) => return Ok((*f, Value::Undef)),
                _ => {}
            }
        }
        let class = self.class_of(obj);
        let instance_has = match obj {
            Value::Obj(r) => match self.gc.heap.get(r) {
                Obj::Instance(i) => i.attrs.contains_key(&name),
                Obj::Class(_) | Obj::Module(_) => true,
                _ => false,
            },
            _ => false,
        };
        if !instance_has && let Some(a) = self.lookup(class, name) {
            let plain = match a {
                Value::Builtin(id) => self.natives[id as usize].method,
                Value::Obj(r) => matches!(self.gc.heap.get(r), Obj::Function(_)),
                _ => false,
            };
            if plain {
                let this = match a {
                    Value::Builtin(_) => self.payload(obj).unwrap_or(obj),
                    _ => obj,
                };
                return Ok((a, this));
            }
        }
        Ok((self.getattr(obj, name)?, Value::Undef))
    }

    pub(crate) fn setattr(&mut self, obj: Value, name: u32, v: Value) -> PResult<()> {
        let Value::Obj(r) = obj else {
            return Err(self.attr_error(obj, name));
        };
        match self.gc.heap.get(r) {
            Obj::Instance(i) => {
                let class = i.class;
                if let Some(Value::Obj(pr)) = self.lookup(class, name)
                    && let Obj::Property(_, set, _) = self.gc.heap.get(pr)
                {
                    let set = *set;
                    if set == Value::None {
                        return Err(PyErr::new(ErrKind::AttributeError, "can't set attribute"));
                    }
                    self.call_value(set, &[obj, v])?;
                    return Ok(());
                }
                if let Some(d) = self.lookup(class, name)
                    && self.call_special(d, Sym::__set__, &[obj, v])?.is_some()
                {
                    return Ok(());
                }
                let setattr_id = Sym::__setattr__.id();
                // A data class's own native `__setattr__` (not object's) runs too.
                let native_hook = self.tag_of(class) == Tag::Data
                    && self.lookup(class, setattr_id) != self.lookup(self.types.object, setattr_id);
                if let Some(f) = self.lookup(class, setattr_id)
                    && (matches!(f, Value::Obj(_)) || native_hook)
                {
                    let n = self.interner.name_rc(name);
                    let s = self.str_value(&n)?;
                    self.call_value(f, &[obj, s, v])?;
                    return Ok(());
                }
                self.set_instance_attr(r, name, v)
            }
            Obj::Class(c) if c.builtin => Err(self.attr_error(obj, name)),
            Obj::Module(m) if m.readonly && !self.settable_builtin_attr(&m.name, name) => {
                Err(self.attr_error(obj, name))
            }
            Obj::Class(_) | Obj::Module(_) => {
                self.module_set(r, name, v);
                Ok(())
            }
            _ => Err(self.attr_error(obj, name)),
        }
    }

    /// The attributes of built-in modules that Python code may set: `sys.path`, the REPL
    /// prompts and `sys.tracebacklimit` (as on MicroPython).
    pub(crate) fn settable_builtin_attr(&self, module: &str, name: u32) -> bool {
        module == "sys"
            && matches!(
                self.interner.name(name),
                "path" | "ps1" | "ps2" | "tracebacklimit"
            )
    }

    /// `object.__setattr__`: store in the instance dict, bypassing `__setattr__`.
    pub(crate) fn setattr_plain(&mut self, obj: Value, name: u32, v: Value) -> PResult<()> {
        if let Value::Obj(r) = obj
            && let Obj::Instance(_) = self.gc.heap.get(r)
        {
            return self.set_instance_attr(r, name, v);
        }
        self.setattr(obj, name, v)
    }

    /// Store an attribute in an instance's own table (a new one within the heap's budget).
    fn set_instance_attr(&mut self, r: ObjRef, name: u32, v: Value) -> PResult<()> {
        let Obj::Instance(i) = self.gc.heap.get_mut(r) else {
            return Ok(());
        };
        // `exc.__traceback__ = None` clears an exception's traceback in place, as on
        // MicroPython: a pre-made exception raised again and again allocates nothing.
        if v == Value::None
            && name == Sym::__traceback__.id()
            && let Some(exc) = &mut i.exc
        {
            exc.traceback.clear();
            return Ok(());
        }
        if let Some(slot) = i.attrs.get_mut(&name) {
            *slot = v;
            return Ok(());
        }
        self.grow(r, 1, &[v], |o| {
            if let Obj::Instance(i) = o {
                i.attrs.insert(name, v);
            }
        })
    }

    pub(crate) fn delattr(&mut self, obj: Value, name: u32) -> PResult<()> {
        if let Value::Obj(r) = obj {
            let class = self.class_of(obj);
            if matches!(self.gc.heap.get(r), Obj::Instance(_)) {
                if let Some(d) = self.lookup(class, name) {
                    if let Value::Obj(dr) = d
                        && let Obj::Property(_, _, del) = self.gc.heap.get(dr)
                    {
                        let del = *del;
                        if del == Value::None {
                            return Err(PyErr::new(
                                ErrKind::AttributeError,
                                "can't delete attribute",
                            ));
                        }
                        self.call_value(del, &[obj])?;
                        return Ok(());
                    }
                    if self.call_special(d, Sym::__delete__, &[obj])?.is_some() {
                        return Ok(());
                    }
                }
                let delattr_id = Sym::__delattr__.id();
                if let Some(f @ Value::Obj(_)) = self.lookup(class, delattr_id) {
                    let n = self.interner.name_rc(name);
                    let s = self.str_value(&n)?;
                    self.call_value(f, &[obj, s])?;
                    return Ok(());
                }
            }
            if self.is_builtin_class(r) {
                return Err(self.attr_error(obj, name));
            }
            if matches!(self.gc.heap.get(r), Obj::Module(m) if !m.readonly) {
                return self
                    .module_delete(r, name)
                    .map_err(|_| self.attr_error(obj, name));
            }
            let removed = match self.gc.heap.get_mut(r) {
                Obj::Instance(i) => i.attrs.remove(&name),
                Obj::Class(c) => {
                    let removed = c.attrs.remove(&name);
                    self.invalidate_type_cache();
                    removed
                }
                _ => None,
            };
            if removed.is_some() {
                return Ok(());
            }
        }
        Err(self.attr_error(obj, name))
    }
}
