//! The operations the interpreter performs on values: types and attributes, arithmetic and
//! comparison, hashing and equality, containers, subscripts, iteration, `str` and `repr`.
//! Where a value is an instance of a Python class, the matching special method is called.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::fmt::Write;

use crate::ast::{BinOp, CmpOp, UnaryOp};
use crate::error::{ErrKind, PyErr};
use crate::gc::{Obj, ObjRef};
use crate::objects::class::Tag;
use crate::objects::dict::Dict;
use crate::objects::int::{self, Num, NumRef};
use crate::objects::iter::Iter;
use crate::objects::{float, str as strobj};
use crate::value::Value;
use crate::vm::{Interp, PResult};

/// `a op b` for two small ints, as a bool value.
pub fn compare_ints(op: CmpOp, x: i64, y: i64) -> Value {
    Value::Bool(match op {
        CmpOp::Lt => x < y,
        CmpOp::Le => x <= y,
        CmpOp::Gt => x > y,
        CmpOp::Ge => x >= y,
        CmpOp::Eq | CmpOp::Is => x == y,
        CmpOp::Ne | CmpOp::IsNot => x != y,
        CmpOp::In | CmpOp::NotIn => false,
    })
}

fn dunder(op: BinOp) -> (&'static str, &'static str, &'static str) {
    match op {
        BinOp::Add => ("__add__", "__radd__", "__iadd__"),
        BinOp::Sub => ("__sub__", "__rsub__", "__isub__"),
        BinOp::Mul => ("__mul__", "__rmul__", "__imul__"),
        BinOp::MatMul => ("__matmul__", "__rmatmul__", "__imatmul__"),
        BinOp::TrueDiv => ("__truediv__", "__rtruediv__", "__itruediv__"),
        BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__", "__ifloordiv__"),
        BinOp::Mod => ("__mod__", "__rmod__", "__imod__"),
        BinOp::Pow => ("__pow__", "__rpow__", "__ipow__"),
        BinOp::LShift => ("__lshift__", "__rlshift__", "__ilshift__"),
        BinOp::RShift => ("__rshift__", "__rrshift__", "__irshift__"),
        BinOp::And => ("__and__", "__rand__", "__iand__"),
        BinOp::Or => ("__or__", "__ror__", "__ior__"),
        BinOp::Xor => ("__xor__", "__rxor__", "__ixor__"),
    }
}

/// Does the order `o` of two values satisfy `op` (`<`, `<=`, `>`, `>=`)?
fn ordering_holds(op: CmpOp, o: Ordering) -> bool {
    match op {
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::Le => o != Ordering::Greater,
        CmpOp::Gt => o == Ordering::Greater,
        _ => o != Ordering::Less,
    }
}

/// Normalise a possibly negative index against a length.
pub fn norm_index(i: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let j = if i < 0 { i + len } else { i };
    if (0..len).contains(&j) {
        Some(j as usize)
    } else {
        None
    }
}

impl Interp {
    // ---- types ----

    /// The class of a value.
    pub(crate) fn class_of(&self, v: Value) -> ObjRef {
        let t = &self.types;
        match v {
            Value::None => t.none,
            Value::Bool(_) => t.bool_,
            Value::Int(_) => t.int,
            Value::Float(_) => t.float,
            Value::Builtin(_) => t.function,
            Value::Undef => t.object,
            Value::Obj(r) => match self.heap.get(r) {
                Obj::Str(_) => t.str_,
                Obj::Bytes(_) => t.bytes,
                Obj::ByteArray(_) => t.bytearray,
                Obj::BigInt(_) => t.int,
                Obj::List(_) => t.list,
                Obj::Tuple(_) => t.tuple,
                Obj::Dict(_) => t.dict,
                Obj::Set(_, false) => t.set,
                Obj::Set(_, true) => t.frozenset,
                Obj::Function(_) => t.function,
                Obj::BoundMethod(..) => t.bound_method,
                Obj::Cell(_) => t.cell,
                Obj::Class(_) => t.type_,
                Obj::Instance(i) => i.class,
                Obj::Module(_) => t.module,
                Obj::Range(..) => t.range,
                Obj::Slice(..) => t.slice,
                Obj::Iter(_) => t.iterator,
                Obj::Generator(_) => t.generator,
                Obj::Property(..) => t.property,
                Obj::ClassMethod(_) => t.classmethod,
                Obj::StaticMethod(_) => t.staticmethod,
                Obj::Super(..) => t.object,
                Obj::Complex(..) => t.complex,
                Obj::MemoryView(..) => t.memoryview,
                Obj::Array(..) => t.array,
                Obj::DictView(_, kind) => t.dict_views[usize::from(*kind).min(2)],
            },
        }
    }

    pub(crate) fn class_name(&self, class: ObjRef) -> &str {
        match self.heap.get(class) {
            Obj::Class(c) => &c.name,
            _ => "?",
        }
    }

    pub(crate) fn type_name(&self, v: Value) -> &str {
        self.class_name(self.class_of(v))
    }

    pub(crate) fn mro_of(&self, class: ObjRef) -> Vec<ObjRef> {
        match self.heap.get(class) {
            Obj::Class(c) => c.mro.clone(),
            _ => Vec::new(),
        }
    }

    /// A class of the VM's own (not defined in Python)?
    pub(crate) fn is_builtin_class(&self, r: ObjRef) -> bool {
        matches!(self.heap.get(r), Obj::Class(c) if c.builtin)
    }

    pub(crate) fn tag_of(&self, class: ObjRef) -> Tag {
        match self.heap.get(class) {
            Obj::Class(c) => c.tag,
            _ => Tag::Object,
        }
    }

    pub(crate) fn is_subclass(&self, class: ObjRef, of: ObjRef) -> bool {
        class == of
            || match self.heap.get(class) {
                Obj::Class(c) => c.mro.contains(&of),
                _ => false,
            }
    }

    pub(crate) fn is_instance(&self, v: Value, class: ObjRef) -> bool {
        self.is_subclass(self.class_of(v), class)
    }

    /// Look a name up along a class's MRO.
    pub(crate) fn lookup(&self, class: ObjRef, name: u32) -> Option<Value> {
        if let Some(hit) = self.type_cache.borrow().get(&(class, name)) {
            return *hit;
        }
        let Obj::Class(c) = self.heap.get(class) else {
            return None;
        };
        let mut found = None;
        for k in &c.mro {
            if let Obj::Class(kc) = self.heap.get(*k)
                && let Some(v) = kc.attrs.get(&name)
            {
                found = Some(*v);
                break;
            }
        }
        self.type_cache.borrow_mut().insert((class, name), found);
        found
    }

    /// Forget cached class lookups: a class's attributes changed (or classes were freed).
    pub(crate) fn invalidate_type_cache(&self) {
        self.type_cache.borrow_mut().clear();
    }

    /// A special method defined in Python on the value's class (not a built-in one).
    pub(crate) fn special(&mut self, v: Value, name: &str) -> Option<Value> {
        let Value::Obj(r) = v else { return None };
        if !matches!(self.heap.get(r), Obj::Instance(_)) {
            return None;
        }
        let id = self.interner.intern(name);
        let class = self.class_of(v);
        // Built-in methods of built-in types are applied natively to the payload of a
        // subclass instance; those of data objects are the only implementation.
        self.lookup(class, id)
            .filter(|f| !matches!(f, Value::Builtin(_)) || self.tag_of(class) == Tag::Data)
    }

    /// Call a special method with `self` and `args`, if the class has it.
    pub(crate) fn call_special(
        &mut self,
        v: Value,
        name: &str,
        args: &[Value],
    ) -> PResult<Option<Value>> {
        let Some(f) = self.special(v, name) else {
            return Ok(None);
        };
        let mut all = Vec::with_capacity(args.len() + 1);
        // Static methods get no `self`, class methods get the class.
        let f = match f {
            Value::Obj(r) => match self.heap.get(r) {
                Obj::StaticMethod(inner) => *inner,
                Obj::ClassMethod(inner) => {
                    all.push(Value::Obj(self.class_of(v)));
                    *inner
                }
                _ => {
                    all.push(v);
                    f
                }
            },
            _ => {
                all.push(v);
                f
            }
        };
        all.extend_from_slice(args);
        self.call_value(f, &all).map(Some)
    }

    /// The built-in value inside an instance of a subclass of a built-in type.
    pub(crate) fn payload(&self, v: Value) -> Option<Value> {
        match v {
            Value::Obj(r) => match self.heap.get(r) {
                Obj::Instance(i) if i.native != Value::Undef => Some(i.native),
                _ => None,
            },
            _ => None,
        }
    }

    // ---- attributes ----

    fn attr_error(&self, v: Value, name: u32) -> PyErr {
        let n = self.interner.name(name);
        match v {
            Value::Obj(r) if matches!(self.heap.get(r), Obj::Class(_)) => PyErr::new(
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
    fn bind(&mut self, attr: Value, obj: Value, class: ObjRef) -> PResult<Value> {
        match attr {
            // Built-in methods work on the built-in value inside a subclass instance.
            Value::Builtin(id) if self.natives[id as usize].method => {
                let this = self.payload(obj).unwrap_or(obj);
                self.alloc(Obj::BoundMethod(this, attr))
            }
            Value::Obj(r) => match self.heap.get(r) {
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
                Value::Obj(r) if let Obj::Module(m) = self.heap.get(r) => Err(PyErr::new(
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
            match self.heap.get(r) {
                Obj::Instance(i) => {
                    let class = i.class;
                    // Data descriptors (properties, objects with __set__) win over the
                    // instance dict.
                    let from_class = self.lookup(class, name);
                    if let Some(a @ Value::Obj(ar)) = from_class
                        && matches!(self.heap.get(ar), Obj::Property(..))
                    {
                        return self.bind(a, obj, class).map(Some);
                    }
                    if let Some(a) = from_class
                        && self.special(a, "__set__").is_some()
                        && let Some(v) =
                            self.call_special(a, "__get__", &[obj, Value::Obj(class)])?
                    {
                        return Ok(Some(v));
                    }
                    if let Obj::Instance(i) = self.heap.get(r)
                        && let Some(v) = i.attrs.get(&name)
                    {
                        return Ok(Some(*v));
                    }
                    if let Some(a) = from_class {
                        if let Some(v) =
                            self.call_special(a, "__get__", &[obj, Value::Obj(class)])?
                        {
                            return Ok(Some(v));
                        }
                        return self.bind(a, obj, class).map(Some);
                    }
                    if let Some(v) = self.special_attr(obj, name)? {
                        return Ok(Some(v));
                    }
                    let getattr_id = self.interner.intern("__getattr__");
                    if let Some(f) = self.lookup(class, getattr_id) {
                        let n = self.interner.name_rc(name);
                        let s = self.str_value(&n)?;
                        return self.call_value(f, &[obj, s]).map(Some);
                    }
                    return Ok(None);
                }
                Obj::Class(_) => {
                    if let Some(a) = self.lookup(r, name) {
                        if let Some(v) = self.call_special(a, "__get__", &[Value::None, obj])? {
                            return Ok(Some(v));
                        }
                        return match a {
                            Value::Obj(ar) => match self.heap.get(ar) {
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
                        Value::Obj(tr) if matches!(self.heap.get(tr), Obj::Class(_)) => tr,
                        _ => self.class_of(this),
                    };
                    let mro = self.mro_of(class);
                    let after = mro
                        .iter()
                        .position(|c| *c == start)
                        .map_or(mro.len(), |p| p + 1);
                    for k in &mro[after..] {
                        if let Obj::Class(kc) = self.heap.get(*k)
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
    fn special_attr(&mut self, obj: Value, name: u32) -> PResult<Option<Value>> {
        let n = self.interner.name_rc(name);
        match &*n {
            "__class__" => Ok(Some(Value::Obj(self.class_of(obj)))),
            "__name__" => {
                let text: Option<String> = match obj {
                    Value::Obj(r) => match self.heap.get(r) {
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
                Value::Obj(r) => match self.heap.get(r) {
                    Obj::Function(f) => {
                        let module = f.module;
                        self.module_dict(module).map(Some)
                    }
                    _ => Ok(None),
                },
                _ => Ok(None),
            },
            "__bases__" => match obj {
                Value::Obj(r) if matches!(self.heap.get(r), Obj::Class(_)) => {
                    let Obj::Class(c) = self.heap.get(r) else {
                        unreachable!("checked")
                    };
                    let bases: Vec<Value> = c.bases.iter().map(|b| Value::Obj(*b)).collect();
                    self.tuple(bases).map(Some)
                }
                _ => Ok(None),
            },
            "__dict__" => match obj {
                Value::Obj(r) => {
                    let pairs: Vec<(u32, Value)> = match self.heap.get(r) {
                        Obj::Instance(i) => i.attrs.iter().map(|(k, v)| (*k, *v)).collect(),
                        Obj::Module(_) => return self.module_dict(r).map(Some),
                        Obj::Class(c) => c.attrs.iter().map(|(k, v)| (*k, *v)).collect(),
                        _ => return Ok(None),
                    };
                    let d = self.new_dict()?;
                    self.temp_roots.push(d);
                    for (k, v) in pairs {
                        let name = self.interner.name_rc(k);
                        let key = self.str_value(&name)?;
                        self.dict_set(d, key, v)?;
                    }
                    self.temp_roots.pop();
                    Ok(Some(d))
                }
                _ => Ok(None),
            },
            "itemsize" => match obj {
                Value::Obj(r) => match self.heap.get(r) {
                    Obj::MemoryView(_, _, _, code) | Obj::Array(code, _) => Ok(Some(Value::Int(
                        crate::objects::array::item_size(*code).unwrap_or(1) as i64,
                    ))),
                    _ => Ok(None),
                },
                _ => Ok(None),
            },
            "real" | "imag" => match obj {
                Value::Obj(r) => match self.heap.get(r) {
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
                Value::Obj(r) => match self.heap.get(r) {
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
                Value::Obj(r) => match self.heap.get(r) {
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
                Value::Obj(r) => match self.heap.get(r) {
                    Obj::BoundMethod(s, f) => Ok(Some(if &*n == "__self__" { *s } else { *f })),
                    _ => Ok(None),
                },
                _ => Ok(None),
            },
            "start" | "stop" | "step" => match obj {
                Value::Obj(r) => match self.heap.get(r) {
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
            && matches!(self.heap.get(r), Obj::Super(..))
        {
            return Ok((self.getattr(obj, name)?, Value::Undef));
        }
        // A class method or a static method called on a class: no bound method is made.
        if let Value::Obj(r) = obj
            && matches!(self.heap.get(r), Obj::Class(_))
            && let Some(Value::Obj(ar)) = self.lookup(r, name)
        {
            match self.heap.get(ar) {
                Obj::ClassMethod(f) => return Ok((*f, obj)),
                Obj::StaticMethod(f) => return Ok((*f, Value::Undef)),
                _ => {}
            }
        }
        let class = self.class_of(obj);
        let instance_has = match obj {
            Value::Obj(r) => match self.heap.get(r) {
                Obj::Instance(i) => i.attrs.contains_key(&name),
                Obj::Class(_) | Obj::Module(_) => true,
                _ => false,
            },
            _ => false,
        };
        if !instance_has && let Some(a) = self.lookup(class, name) {
            let plain = match a {
                Value::Builtin(id) => self.natives[id as usize].method,
                Value::Obj(r) => matches!(self.heap.get(r), Obj::Function(_)),
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
        match self.heap.get(r) {
            Obj::Instance(i) => {
                let class = i.class;
                if let Some(Value::Obj(pr)) = self.lookup(class, name)
                    && let Obj::Property(_, set, _) = self.heap.get(pr)
                {
                    let set = *set;
                    if set == Value::None {
                        return Err(PyErr::new(ErrKind::AttributeError, "can't set attribute"));
                    }
                    self.call_value(set, &[obj, v])?;
                    return Ok(());
                }
                if let Some(d) = self.lookup(class, name)
                    && self.call_special(d, "__set__", &[obj, v])?.is_some()
                {
                    return Ok(());
                }
                let setattr_id = self.interner.intern("__setattr__");
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
                if let Obj::Instance(i) = self.heap.get_mut(r) {
                    i.attrs.insert(name, v);
                }
                self.heap.resize(r);
                Ok(())
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
    fn settable_builtin_attr(&self, module: &str, name: u32) -> bool {
        module == "sys"
            && matches!(
                self.interner.name(name),
                "path" | "ps1" | "ps2" | "tracebacklimit"
            )
    }

    /// `object.__setattr__`: store in the instance dict, bypassing `__setattr__`.
    pub(crate) fn setattr_plain(&mut self, obj: Value, name: u32, v: Value) -> PResult<()> {
        if let Value::Obj(r) = obj
            && let Obj::Instance(i) = self.heap.get_mut(r)
        {
            i.attrs.insert(name, v);
            return Ok(());
        }
        self.setattr(obj, name, v)
    }

    pub(crate) fn delattr(&mut self, obj: Value, name: u32) -> PResult<()> {
        if let Value::Obj(r) = obj {
            let class = self.class_of(obj);
            if matches!(self.heap.get(r), Obj::Instance(_)) {
                if let Some(d) = self.lookup(class, name) {
                    if let Value::Obj(dr) = d
                        && let Obj::Property(_, _, del) = self.heap.get(dr)
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
                    if self.call_special(d, "__delete__", &[obj])?.is_some() {
                        return Ok(());
                    }
                }
                let delattr_id = self.interner.intern("__delattr__");
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
            if matches!(self.heap.get(r), Obj::Module(m) if !m.readonly) {
                return self
                    .module_delete(r, name)
                    .map_err(|_| self.attr_error(obj, name));
            }
            let removed = match self.heap.get_mut(r) {
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

    // ---- numbers and truth ----

    /// A number, if the value is one (`bool` counts as `int`).
    pub(crate) fn num(&self, v: Value) -> Option<NumRef<'_>> {
        match v {
            Value::Int(i) => Some(NumRef::Int(i)),
            Value::Bool(b) => Some(NumRef::Int(i64::from(b))),
            Value::Float(f) => Some(NumRef::Float(f)),
            Value::Obj(r) => match self.heap.get(r) {
                Obj::BigInt(b) => Some(NumRef::Big(b)),
                Obj::Instance(i) if i.native != Value::Undef => self.num(i.native),
                _ => None,
            },
            _ => None,
        }
    }

    pub(crate) fn num_value(&mut self, n: Num) -> PResult<Value> {
        match n {
            Num::Int(i) => Ok(Value::Int(i)),
            Num::Float(f) => Ok(Value::Float(f)),
            Num::Big(b) => self.alloc(Obj::BigInt(b)),
        }
    }

    /// Refuse `x ** y` and `x << y` whose result could not fit in the heap, before spending
    /// time computing it.
    fn check_int_growth(&self, op: BinOp, x: NumRef, y: NumRef) -> PResult<()> {
        let bits = |n: NumRef| -> u64 {
            match n {
                NumRef::Int(i) => 64 - i.unsigned_abs().leading_zeros() as u64,
                NumRef::Big(b) => b.bits(),
                NumRef::Float(_) => 0,
            }
        };
        let amount = match y {
            NumRef::Int(i) if i > 0 => i as u64,
            NumRef::Big(b) if b.sign() == num_bigint::Sign::Plus => u64::MAX,
            _ => return Ok(()),
        };
        let result_bits = match (op, x) {
            (_, NumRef::Float(_)) => return Ok(()),
            (BinOp::Pow, _) if bits(x) <= 1 => return Ok(()),
            (BinOp::Pow, _) => bits(x).saturating_mul(amount),
            (BinOp::LShift, _) if bits(x) == 0 => return Ok(()),
            (BinOp::LShift, _) => bits(x).saturating_add(amount),
            _ => return Ok(()),
        };
        if result_bits / 8 > self.heap.limit() as u64 {
            return Err(PyErr::new(
                ErrKind::MemoryError,
                alloc::format!(
                    "memory allocation failed, allocating {} bytes",
                    result_bits / 8
                ),
            ));
        }
        Ok(())
    }

    pub(crate) fn is_complex(&self, v: Value) -> bool {
        matches!(v, Value::Obj(r) if matches!(self.heap.get(r), Obj::Complex(..)))
    }

    /// A number as complex: `None` for non-numbers.
    pub(crate) fn as_complex(&self, v: Value) -> PResult<Option<(f64, f64)>> {
        if let Value::Obj(r) = v
            && let Obj::Complex(re, im) = self.heap.get(r)
        {
            return Ok(Some((*re, *im)));
        }
        match self.num(v) {
            Some(n) => Ok(Some((int::to_f64(n)?, 0.0))),
            None => Ok(None),
        }
    }

    /// `v` as a float, as MicroPython converts arguments: a number, or an object whose
    /// `__float__` returns a float; `None` for anything else.
    pub(crate) fn float_of(&mut self, v: Value) -> PResult<Option<f64>> {
        if let Some(n) = self.num(v) {
            return int::to_f64(n).map(Some);
        }
        Ok(match self.call_special(v, "__float__", &[])? {
            Some(r) => match self.num(r) {
                Some(NumRef::Float(f)) => Some(f),
                _ => None,
            },
            None => None,
        })
    }

    /// `v` as a float, or MicroPython's TypeError.
    pub(crate) fn float_arg(&mut self, v: Value) -> PResult<f64> {
        self.float_of(v)?.ok_or_else(|| {
            PyErr::type_error(alloc::format!(
                "can't convert {} to float",
                self.type_name(v)
            ))
        })
    }

    /// `v` as a complex: a complex, anything [`Interp::float_of`] takes, or an object whose
    /// `__complex__` returns a complex; `None` for anything else.
    pub(crate) fn complex_of(&mut self, v: Value) -> PResult<Option<(f64, f64)>> {
        if let Some(z) = self.as_complex(v)? {
            return Ok(Some(z));
        }
        if let Some(f) = self.float_of(v)? {
            return Ok(Some((f, 0.0)));
        }
        Ok(match self.call_special(v, "__complex__", &[])? {
            Some(r) if self.is_complex(r) => self.as_complex(r)?,
            _ => None,
        })
    }

    /// `v` as a complex, or MicroPython's TypeError.
    pub(crate) fn complex_arg(&mut self, v: Value) -> PResult<(f64, f64)> {
        self.complex_of(v)?.ok_or_else(|| {
            PyErr::type_error(alloc::format!(
                "can't convert {} to complex",
                self.type_name(v)
            ))
        })
    }

    /// An int argument as `i64`.
    pub(crate) fn as_int(&self, v: Value) -> Option<i64> {
        match v {
            Value::Int(i) => Some(i),
            Value::Bool(b) => Some(i64::from(b)),
            _ => None,
        }
    }

    pub(crate) fn index_arg(&self, v: Value) -> PResult<i64> {
        match self.num(v) {
            Some(NumRef::Int(i)) => Ok(i),
            Some(NumRef::Big(_)) => Err(PyErr::new(ErrKind::IndexError, "index out of range")),
            _ => Err(PyErr::type_error(alloc::format!(
                "indices must be integers, not {}",
                self.type_name(v)
            ))),
        }
    }

    /// An index into `container`: an int, or MicroPython's TypeError naming both types
    /// (`list indices must be integers, not str`).
    pub(crate) fn subscript_index(&self, container: Value, i: Value) -> PResult<i64> {
        let kind = match self.type_name(container) {
            "str" => "string",
            other => other,
        };
        self.subscript_index_named(kind, i)
    }

    /// As [`Self::subscript_index`], for a container known by its type's name.
    fn subscript_index_named(&self, kind: &str, i: Value) -> PResult<i64> {
        self.index_arg(i).map_err(|e| match e.kind {
            ErrKind::TypeError => PyErr::type_error(alloc::format!(
                "{kind} indices must be integers, not {}",
                self.type_name(i)
            )),
            _ => e,
        })
    }

    pub(crate) fn truthy(&mut self, v: Value) -> PResult<bool> {
        Ok(match v {
            Value::None | Value::Undef => false,
            Value::Bool(b) => b,
            Value::Int(i) => i != 0,
            Value::Float(f) => f != 0.0,
            Value::Builtin(_) => true,
            Value::Obj(r) => match self.heap.get(r) {
                Obj::Str(s) => !s.is_empty(),
                Obj::Bytes(b) => !b.is_empty(),
                Obj::ByteArray(b) => !b.is_empty(),
                Obj::BigInt(_) => true,
                Obj::Complex(re, im) => *re != 0.0 || *im != 0.0,
                Obj::Array(_, data) => !data.is_empty(),
                Obj::DictView(d, _) => self.dict_ref(*d).is_some_and(|t| !t.is_empty()),
                Obj::List(l) => !l.is_empty(),
                Obj::Tuple(t) => !t.is_empty(),
                Obj::Dict(d) | Obj::Set(d, _) => !d.is_empty(),
                Obj::Range(start, stop, step) => range_len(*start, *stop, *step) > 0,
                Obj::Instance(_) => {
                    if let Some(b) = self.call_special(v, "__bool__", &[])? {
                        return self.truthy(b);
                    }
                    if let Some(n) = self.call_special(v, "__len__", &[])? {
                        return Ok(self.as_int(n).unwrap_or(0) != 0);
                    }
                    match self.payload(v) {
                        Some(p) => return self.truthy(p),
                        None => true,
                    }
                }
                _ => true,
            },
        })
    }

    // ---- str and repr ----

    pub(crate) fn as_str(&self, v: Value) -> Option<&str> {
        match v {
            Value::Obj(r) => match self.heap.get(r) {
                Obj::Str(s) => Some(s),
                Obj::Instance(i) if i.native != Value::Undef => self.as_str(i.native),
                _ => None,
            },
            _ => None,
        }
    }

    /// Bytes behind a bytes-like value.
    pub(crate) fn as_bytes(&self, v: Value) -> Option<&[u8]> {
        match v {
            Value::Obj(r) => match self.heap.get(r) {
                Obj::Bytes(b) => Some(b),
                Obj::ByteArray(b) => Some(b),
                Obj::MemoryView(base, start, len, code) => {
                    let bytes = len * crate::objects::array::item_size(*code).unwrap_or(1);
                    let start = *start;
                    self.as_bytes(*base)
                        .and_then(|b| b.get(start..start + bytes))
                }
                Obj::Array(_, data) => Some(data),
                Obj::Instance(i) if i.native != Value::Undef => self.as_bytes(i.native),
                Obj::Instance(i) => self.as_bytes(i.data.as_ref()?.buffer()?),
                _ => None,
            },
            _ => None,
        }
    }

    /// `str(v)` as Rust text.
    pub(crate) fn str_of(&mut self, v: Value) -> PResult<String> {
        if let Some(s) = self.as_str(v) {
            return Ok(String::from(s));
        }
        if let Some(r) = self.call_special(v, "__str__", &[])? {
            return match self.as_str(r) {
                Some(s) => Ok(String::from(s)),
                None => Err(PyErr::type_error("__str__ returned non-string")),
            };
        }
        if let Some(p) = self.payload(v) {
            if self.special(v, "__repr__").is_some() || self.class_of(v) == self.types.attrtuple {
                return self.repr(v);
            }
            return self.str_of(p);
        }
        if self.is_exception(v) {
            if let Some(text) = self.oserror_text(v) {
                return Ok(text);
            }
            let args = self.exc_args(v);
            let items = self.tuple_items(args);
            return match items.len() {
                0 => Ok(String::new()),
                1 => self.str_of(items[0]),
                _ => self.repr(args),
            };
        }
        self.repr(v)
    }

    /// `str(OSError(errno, …))` as MicroPython prints it: `[Errno 2] ENOENT`.
    fn oserror_text(&mut self, v: Value) -> Option<String> {
        let class = self.class_of(v);
        if !self.is_subclass(class, self.types.exc(ErrKind::OSError)) {
            return None;
        }
        let items = self.tuple_items(self.exc_args(v));
        // Only `OSError(errno)` and `OSError(errno, text)`; more args print as a tuple.
        if items.len() > 2 {
            return None;
        }
        let code = self.as_int(*items.first()?)?;
        let name = crate::modules::errno_name(code)?;
        let mut text = alloc::format!("[Errno {code}] {name}");
        if let Some(extra) = items.get(1) {
            let extra = self.str_of(*extra).ok()?;
            text.push_str(": ");
            text.push_str(&extra);
        }
        Some(text)
    }

    pub(crate) fn repr(&mut self, v: Value) -> PResult<String> {
        let mut out = String::new();
        self.write_repr(v, &mut out, 0)?;
        Ok(out)
    }

    fn write_repr(&mut self, v: Value, out: &mut String, depth: usize) -> PResult<()> {
        if depth > 64 {
            return Err(PyErr::new(
                ErrKind::RuntimeError,
                "maximum recursion depth exceeded",
            ));
        }
        match v {
            Value::None => out.push_str("None"),
            Value::Bool(true) => out.push_str("True"),
            Value::Bool(false) => out.push_str("False"),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Float(f) => float::write_repr(f, out),
            Value::Builtin(id) => {
                // MicroPython prints every built-in function alike.
                let _ = id;
                out.push_str("<function>");
            }
            Value::Undef => out.push_str("<undefined>"),
            Value::Obj(r) => {
                let items: Vec<Value>;
                match self.heap.get(r) {
                    Obj::Str(s) => {
                        strobj::write_repr(s, out);
                        return Ok(());
                    }
                    Obj::Bytes(b) => {
                        strobj::write_bytes_repr(b, out);
                        return Ok(());
                    }
                    Obj::ByteArray(b) => {
                        out.push_str("bytearray(");
                        strobj::write_bytes_repr(b, out);
                        out.push(')');
                        return Ok(());
                    }
                    Obj::BigInt(b) => {
                        let _ = write!(out, "{b}");
                        return Ok(());
                    }
                    Obj::List(l) => {
                        items = l.clone();
                        out.push('[');
                        self.write_items(&items, out, depth)?;
                        out.push(']');
                    }
                    Obj::Tuple(t) => {
                        items = t.to_vec();
                        out.push('(');
                        self.write_items(&items, out, depth)?;
                        if items.len() == 1 {
                            out.push(',');
                        }
                        out.push(')');
                    }
                    Obj::Dict(d) => {
                        let pairs: Vec<(Value, Value)> =
                            d.iter().map(|e| (e.key, e.value)).collect();
                        out.push('{');
                        for (i, (k, val)) in pairs.into_iter().enumerate() {
                            if i > 0 {
                                out.push_str(", ");
                            }
                            self.write_repr(k, out, depth + 1)?;
                            out.push_str(": ");
                            self.write_repr(val, out, depth + 1)?;
                        }
                        out.push('}');
                    }
                    Obj::Set(d, frozen) => {
                        let frozen = *frozen;
                        items = d.iter().map(|e| e.key).collect();
                        if items.is_empty() {
                            out.push_str(if frozen { "frozenset()" } else { "set()" });
                            return Ok(());
                        }
                        if frozen {
                            out.push_str("frozenset(");
                        }
                        out.push('{');
                        self.write_items(&items, out, depth)?;
                        out.push('}');
                        if frozen {
                            out.push(')');
                        }
                    }
                    Obj::Range(a, b, c) => {
                        if *c == 1 {
                            let _ = write!(out, "range({a}, {b})");
                        } else {
                            let _ = write!(out, "range({a}, {b}, {c})");
                        }
                    }
                    Obj::Slice(a, b, c) => {
                        let (a, b, c) = (*a, *b, *c);
                        out.push_str("slice(");
                        self.write_repr(a, out, depth + 1)?;
                        out.push_str(", ");
                        self.write_repr(b, out, depth + 1)?;
                        out.push_str(", ");
                        self.write_repr(c, out, depth + 1)?;
                        out.push(')');
                    }
                    Obj::Function(f) => {
                        let _ = write!(out, "<function {} at 0x{:x}>", f.code.name, obj_id(r));
                    }
                    Obj::BoundMethod(_, f) => {
                        let f = *f;
                        out.push_str("<bound_method>");
                        let _ = f;
                    }
                    Obj::Class(c) => {
                        let _ = write!(out, "<class '{}'>", c.name);
                    }
                    Obj::Module(m) => {
                        let file = self
                            .interner
                            .lookup("__file__")
                            .and_then(|id| m.attrs.get(&id));
                        match file.and_then(|f| self.as_str(*f)) {
                            Some(f) => {
                                let _ = write!(out, "<module '{}' from '{f}'>", m.name);
                            }
                            None => {
                                let _ = write!(out, "<module '{}'>", m.name);
                            }
                        }
                    }
                    Obj::Generator(g) => {
                        let _ = write!(
                            out,
                            "<generator object '{}' at {:x}>",
                            g.code.name,
                            obj_id(r)
                        );
                    }
                    Obj::Instance(_) => {
                        if r == self.types.ellipsis {
                            out.push_str("Ellipsis");
                            return Ok(());
                        }
                        if r == self.types.not_implemented {
                            out.push_str("NotImplemented");
                            return Ok(());
                        }
                        if let Some(s) = self.call_special(v, "__repr__", &[])? {
                            match self.as_str(s) {
                                Some(t) => out.push_str(t),
                                None => {
                                    return Err(PyErr::type_error("__repr__ returned non-string"));
                                }
                            }
                            return Ok(());
                        }
                        if self.class_of(v) == self.types.attrtuple {
                            return self.write_attr_tuple(v, out);
                        }
                        if let Some(p) = self.payload(v) {
                            return self.write_repr(p, out, depth + 1);
                        }
                        if self.is_exception(v) {
                            let name = String::from(self.type_name(v));
                            let args = self.exc_args(v);
                            out.push_str(&name);
                            // The args tuple, as MicroPython prints it: `E('x',)`.
                            self.write_repr(args, out, depth + 1)?;
                            return Ok(());
                        }
                        let class = self.class_of(v);
                        // Objects of built-in classes print as their type (`<object>`,
                        // `<sha256>`), as MicroPython's native objects do.
                        let native = class == self.types.object
                            || matches!(self.heap.get(class), Obj::Class(c) if c.builtin);
                        if native {
                            let _ = write!(out, "<{}>", self.class_name(class));
                            return Ok(());
                        }
                        // (MicroPython prints these addresses without `0x`.)
                        let _ = write!(out, "<{} object at {:x}>", self.type_name(v), obj_id(r));
                    }
                    Obj::Cell(_) => out.push_str("<cell>"),
                    Obj::Iter(_) => {
                        let _ = write!(out, "<{}>", self.type_name(v));
                    }
                    Obj::Property(..) => out.push_str("<property>"),
                    Obj::ClassMethod(_) => out.push_str("<classmethod>"),
                    Obj::StaticMethod(_) => out.push_str("<staticmethod>"),
                    Obj::Super(class, obj) => {
                        let (class, obj) = (*class, *obj);
                        out.push_str("<super: ");
                        self.write_repr(Value::Obj(class), out, depth + 1)?;
                        out.push_str(", ");
                        self.write_repr(obj, out, depth + 1)?;
                        out.push('>');
                    }
                    Obj::Complex(re, im) => crate::objects::complex::write_repr(*re, *im, out),
                    Obj::MemoryView(..) => out.push_str("<memoryview>"),
                    Obj::DictView(d, kind) => {
                        let (d, kind) = (*d, *kind);
                        out.push_str(
                            ["dict_keys([", "dict_values([", "dict_items(["]
                                [usize::from(kind).min(2)],
                        );
                        let view = v;
                        let it = self.iter(view)?;
                        self.temp_roots.push(it);
                        let mut first = true;
                        let result = loop {
                            match self.next(it) {
                                Ok(Some(item)) => {
                                    if !first {
                                        out.push_str(", ");
                                    }
                                    first = false;
                                    if let Err(e) = self.write_repr(item, out, depth + 1) {
                                        break Err(e);
                                    }
                                }
                                Ok(None) => break Ok(()),
                                Err(e) => break Err(e),
                            }
                        };
                        self.temp_roots.pop();
                        result?;
                        let _ = d;
                        out.push_str("])");
                    }
                    Obj::Array(code, data) => {
                        let code = *code;
                        let n = crate::objects::array::len(code, data);
                        let _ = write!(out, "array('{}'", code as char);
                        if n > 0 {
                            out.push_str(", [");
                            for k in 0..n {
                                if k > 0 {
                                    out.push_str(", ");
                                }
                                match crate::objects::array::big_item(code, data, k) {
                                    Some(u) => {
                                        let _ = write!(out, "{u}");
                                    }
                                    None => match crate::objects::array::get(code, data, k) {
                                        Value::Int(i) => {
                                            let _ = write!(out, "{i}");
                                        }
                                        Value::Float(f) => float::write_repr(f, out),
                                        _ => {}
                                    },
                                }
                            }
                            out.push(']');
                        }
                        out.push(')');
                    }
                }
            }
        }
        Ok(())
    }

    fn write_items(&mut self, items: &[Value], out: &mut String, depth: usize) -> PResult<()> {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            self.write_repr(*item, out, depth + 1)?;
        }
        Ok(())
    }

    // ---- hashing and equality ----

    pub(crate) fn hash(&mut self, v: Value) -> PResult<u64> {
        Ok(match v {
            Value::None => 0x9e37_79b9,
            Value::Bool(b) => u64::from(b),
            Value::Int(i) => i as u64,
            Value::Float(f) => {
                if libm::trunc(f) == f && libm::fabs(f) < 9.2e18 {
                    f as i64 as u64
                } else {
                    f.to_bits()
                }
            }
            Value::Builtin(id) => 0x1000 + u64::from(id),
            Value::Undef => 0,
            Value::Obj(r) => match self.heap.get(r) {
                Obj::Str(s) => fnv(s.as_bytes()),
                Obj::Bytes(b) => fnv(b),
                Obj::BigInt(b) => fnv(&b.to_signed_bytes_le()),
                Obj::BoundMethod(this, func) => {
                    // Equal bound methods (same object, same function) hash alike.
                    let part = |v: Value| match v {
                        Value::Obj(r) => obj_id(r),
                        Value::Builtin(id) => 0x1000 + u64::from(id),
                        other => other_hash(other),
                    };
                    part(*this).wrapping_mul(1_000_003) ^ part(*func)
                }
                Obj::Complex(re, im) => {
                    let (re, im) = (*re, *im);
                    let h = self.hash(Value::Float(re))?;
                    if im == 0.0 {
                        h
                    } else {
                        h ^ self.hash(Value::Float(im))?.wrapping_mul(1_000_003)
                    }
                }
                Obj::Tuple(t) => {
                    let items = t.to_vec();
                    let mut h: u64 = 0x345678;
                    for item in items {
                        h = (h ^ self.hash(item)?).wrapping_mul(1_000_003);
                    }
                    h
                }
                Obj::Set(d, true) => {
                    let keys: Vec<u64> = d.iter().map(|e| e.hash).collect();
                    keys.into_iter()
                        .fold(0x1234, |a, h| a ^ h.wrapping_mul(0x9e37_79b9_7f4a_7c15))
                }
                Obj::Array(..) | Obj::MemoryView(..) => {
                    return Err(PyErr::type_error(alloc::format!(
                        "unsupported type for __hash__: '{}'",
                        self.type_name(v)
                    )));
                }
                Obj::Slice(..)
                | Obj::DictView(_, 0 | 2)
                | Obj::List(_)
                | Obj::Dict(_)
                | Obj::Set(_, false)
                | Obj::ByteArray(_) => {
                    return Err(PyErr::type_error(alloc::format!(
                        "unhashable type: '{}'",
                        self.type_name(v)
                    )));
                }
                Obj::Instance(_) => {
                    if let Some(h) = self.call_special(v, "__hash__", &[])? {
                        return match self.num(h) {
                            Some(NumRef::Int(i)) => Ok(i as u64),
                            Some(NumRef::Big(b)) => Ok(fnv(&b.to_signed_bytes_le())),
                            _ => Err(PyErr::type_error(
                                "__hash__ method should return an integer",
                            )),
                        };
                    }
                    if self.special(v, "__eq__").is_some() {
                        return Err(PyErr::type_error(alloc::format!(
                            "unhashable type: '{}'",
                            self.type_name(v)
                        )));
                    }
                    match self.payload(v) {
                        Some(p) => return self.hash(p),
                        None => obj_id(r),
                    }
                }
                _ => obj_id(r),
            },
        })
    }

    pub(crate) fn eq(&mut self, a: Value, b: Value) -> PResult<bool> {
        if let (Some(x), Some(y)) = (self.num(a), self.num(b)) {
            return Ok(int::compare(x, y) == Some(Ordering::Equal));
        }
        if (self.is_complex(a) || self.is_complex(b))
            && let (Some(x), Some(y)) = (self.as_complex(a)?, self.as_complex(b)?)
        {
            return Ok(x == y);
        }
        if identical(a, b) {
            // A class's own __eq__ decides even for the same object.
            if self.special(a, "__eq__").is_some() {
                return self.eq_special(a, b);
            }
            return Ok(true);
        }
        let (Value::Obj(ra), Value::Obj(rb)) = (a, b) else {
            if let Value::Obj(_) = a {
                return self.eq_special(a, b);
            }
            if let Value::Obj(_) = b {
                return self.eq_special(b, a);
            }
            return Ok(false);
        };
        match (self.heap.get(ra), self.heap.get(rb)) {
            (Obj::Str(x), Obj::Str(y)) => Ok(x == y),
            (
                Obj::Bytes(_) | Obj::ByteArray(_) | Obj::MemoryView(..),
                Obj::Bytes(_) | Obj::ByteArray(_) | Obj::MemoryView(..),
            ) => Ok(self.as_bytes(a) == self.as_bytes(b)),
            (Obj::List(x), Obj::List(y)) => {
                let (x, y) = (x.clone(), y.clone());
                self.seq_eq(&x, &y)
            }
            (Obj::Tuple(x), Obj::Tuple(y)) => {
                let (x, y) = (x.to_vec(), y.to_vec());
                self.seq_eq(&x, &y)
            }
            (Obj::Dict(x), Obj::Dict(y)) => {
                if x.len() != y.len() {
                    return Ok(false);
                }
                let pairs: Vec<(Value, Value)> = x.iter().map(|e| (e.key, e.value)).collect();
                for (k, v) in pairs {
                    match self.dict_get(b, k)? {
                        Some(w) if self.eq(v, w)? => {}
                        _ => return Ok(false),
                    }
                }
                Ok(true)
            }
            (Obj::Set(x, _), Obj::Set(y, _)) => {
                if x.len() != y.len() {
                    return Ok(false);
                }
                let keys: Vec<Value> = x.iter().map(|e| e.key).collect();
                for k in keys {
                    if !self.set_contains(b, k)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            (Obj::Range(a1, b1, c1), Obj::Range(a2, b2, c2)) => {
                // Equal when they produce the same numbers.
                let (n1, n2) = (range_len(*a1, *b1, *c1), range_len(*a2, *b2, *c2));
                Ok(n1 == n2 && (n1 == 0 || (a1 == a2 && (n1 == 1 || c1 == c2))))
            }
            (Obj::Array(..), Obj::Array(..)) => {
                let (x, y) = (self.collect_iterable(a)?, self.collect_iterable(b)?);
                self.seq_eq(&x, &y)
            }
            (Obj::Slice(a1, b1, c1), Obj::Slice(a2, b2, c2)) => {
                let (x, y) = ([*a1, *b1, *c1], [*a2, *b2, *c2]);
                self.seq_eq(&x, &y)
            }
            (Obj::BoundMethod(s1, f1), Obj::BoundMethod(s2, f2)) => {
                Ok(identical(*s1, *s2) && identical(*f1, *f2))
            }
            (Obj::Instance(_), _) => self.eq_special(a, b),
            (_, Obj::Instance(_)) => self.eq_special(b, a),
            _ => Ok(false),
        }
    }

    fn eq_special(&mut self, a: Value, b: Value) -> PResult<bool> {
        if let Some(r) = self.call_special(a, "__eq__", &[b])?
            && r != Value::Obj(self.types.not_implemented)
        {
            return self.truthy(r);
        }
        if let Some(r) = self.call_special(b, "__eq__", &[a])?
            && r != Value::Obj(self.types.not_implemented)
        {
            return self.truthy(r);
        }
        self.eq_payload(a, b)
    }

    /// Equality when special methods didn't decide: the payloads of subclass instances of
    /// built-in types, else identity.
    fn eq_payload(&mut self, a: Value, b: Value) -> PResult<bool> {
        let (pa, pb) = (self.payload(a), self.payload(b));
        if pa.is_some() || pb.is_some() {
            return self.eq(pa.unwrap_or(a), pb.unwrap_or(b));
        }
        Ok(identical(a, b))
    }

    fn seq_eq(&mut self, x: &[Value], y: &[Value]) -> PResult<bool> {
        if x.len() != y.len() {
            return Ok(false);
        }
        for (a, b) in x.iter().zip(y) {
            if !self.eq(*a, *b)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    // ---- operators ----

    pub(crate) fn binary(
        &mut self,
        op: BinOp,
        a: Value,
        b: Value,
        inplace: bool,
    ) -> PResult<Value> {
        if let (Some(x), Some(y)) = (self.num(a), self.num(b)) {
            if op == BinOp::Pow && int::pow_is_complex(x, y) {
                // A negative base to a fractional power: the principal complex root.
                let (x, y) = ((int::to_f64(x)?, 0.0), (int::to_f64(y)?, 0.0));
                let (re, im) = crate::objects::complex::arith(op, x, y)?;
                return self.alloc(Obj::Complex(re, im));
            }
            self.check_int_growth(op, x, y)?;
            let r = int::arith(op, x, y)?;
            return self.num_value(r);
        }
        if (self.is_complex(a) || self.is_complex(b))
            && let (Some(x), Some(y)) = (self.as_complex(a)?, self.as_complex(b)?)
        {
            let (re, im) = crate::objects::complex::arith(op, x, y)?;
            return self.alloc(Obj::Complex(re, im));
        }
        // Python classes first: __iop__, then __op__, then the reflected __rop__.
        let (name, rname, iname) = dunder(op);
        let ni = Value::Obj(self.types.not_implemented);
        if inplace
            && let Some(r) = self.call_special(a, iname, &[b])?
            && r != ni
        {
            return Ok(r);
        }
        if let Some(r) = self.call_special(a, name, &[b])?
            && r != ni
        {
            return Ok(r);
        }
        if let Some(r) = self.call_special(b, rname, &[a])?
            && r != ni
        {
            return Ok(r);
        }
        if let Some(r) = self.builtin_binary(op, a, b, inplace)? {
            return Ok(r);
        }
        let (pa, pb) = (self.payload(a), self.payload(b));
        if pa.is_some() || pb.is_some() {
            return self.binary(op, pa.unwrap_or(a), pb.unwrap_or(b), false);
        }
        Err(PyErr::type_error(int::unsupported(
            op,
            self.type_name(a),
            self.type_name(b),
        )))
    }

    fn builtin_binary(
        &mut self,
        op: BinOp,
        a: Value,
        b: Value,
        inplace: bool,
    ) -> PResult<Option<Value>> {
        let (Value::Obj(ra), bv) = (a, b) else {
            // int * sequence
            if op == BinOp::Mul
                && let Some(n) = self.as_int(a)
                && matches!(b, Value::Obj(_))
            {
                return self.builtin_binary(op, b, Value::Int(n), false);
            }
            return Ok(None);
        };
        let count = self.as_int(bv);
        match (op, self.heap.get(ra)) {
            (BinOp::Add, Obj::Str(x)) => {
                let Some(y) = self.as_str(bv) else {
                    return Ok(None);
                };
                // Adding an empty str gives the other one, as on MicroPython (no allocation).
                if y.is_empty() {
                    return Ok(Some(a));
                }
                if x.is_empty()
                    && matches!(bv, Value::Obj(r) if matches!(self.heap.get(r), Obj::Str(_)))
                {
                    return Ok(Some(bv));
                }
                let mut s = String::with_capacity(x.len() + y.len());
                s.push_str(x);
                s.push_str(y);
                self.alloc(Obj::Str(s.into())).map(Some)
            }
            (BinOp::Add, Obj::Bytes(_) | Obj::ByteArray(_)) => {
                let (Some(x), Some(y)) = (self.as_bytes(a), self.as_bytes(bv)) else {
                    return Ok(None);
                };
                // bytes + empty bytes: the other one (no allocation), as on MicroPython.
                let is_bytes = |v: Value| matches!(v, Value::Obj(r) if matches!(self.heap.get(r), Obj::Bytes(_)));
                if is_bytes(a) && is_bytes(bv) {
                    if y.is_empty() {
                        return Ok(Some(a));
                    }
                    if x.is_empty() {
                        return Ok(Some(bv));
                    }
                }
                let (xl, yl) = (x.len(), y.len());
                let mut joined = Vec::with_capacity(xl + yl);
                joined.extend_from_slice(x);
                joined.extend_from_slice(y);
                let bytearray = matches!(self.heap.get(ra), Obj::ByteArray(_));
                if bytearray && inplace {
                    let extra = crate::vm::growth(xl, xl, yl, 1);
                    self.make_room(extra, &[a, bv])?;
                    if let Obj::ByteArray(v) = self.heap.get_mut(ra) {
                        *v = joined;
                    }
                    self.heap.resize(ra);
                    return Ok(Some(a));
                }
                let obj = if bytearray {
                    Obj::ByteArray(joined)
                } else {
                    Obj::Bytes(joined.into())
                };
                self.alloc(obj).map(Some)
            }
            (BinOp::Add, Obj::Array(code, x)) => {
                let code = *code;
                // Any buffer's bytes are appended raw, as on MicroPython.
                let Some(y) = self.as_bytes(bv) else {
                    return Err(PyErr::type_error("object with buffer protocol required"));
                };
                let mut joined = x.clone();
                joined.extend_from_slice(y);
                if inplace {
                    if let Obj::Array(_, data) = self.heap.get_mut(ra) {
                        *data = joined;
                    }
                    self.heap.resize(ra);
                    return Ok(Some(a));
                }
                self.alloc(Obj::Array(code, joined)).map(Some)
            }
            (BinOp::Add, Obj::List(x)) => {
                if inplace {
                    self.list_extend(a, bv)?;
                    return Ok(Some(a));
                }
                let Value::Obj(rb) = bv else { return Ok(None) };
                let Obj::List(y) = self.heap.get(rb) else {
                    return Ok(None);
                };
                let mut joined = x.clone();
                joined.extend_from_slice(y);
                self.alloc(Obj::List(joined)).map(Some)
            }
            (BinOp::Add, Obj::Tuple(x)) => {
                let Value::Obj(rb) = bv else { return Ok(None) };
                let Obj::Tuple(y) = self.heap.get(rb) else {
                    return Ok(None);
                };
                let mut joined = x.to_vec();
                joined.extend_from_slice(y);
                self.tuple(joined).map(Some)
            }
            (
                BinOp::Mul,
                Obj::Str(_) | Obj::Bytes(_) | Obj::ByteArray(_) | Obj::List(_) | Obj::Tuple(_),
            ) => {
                let Some(n) = count else { return Ok(None) };
                let n = n.max(0) as usize;
                let limit = self.heap.limit();
                let obj = match self.heap.get(ra) {
                    Obj::Str(s) => {
                        if s.len().saturating_mul(n) > limit {
                            return Err(PyErr::bare(ErrKind::MemoryError));
                        }
                        Obj::Str(s.repeat(n).into())
                    }
                    Obj::Bytes(s) => {
                        if s.len().saturating_mul(n) > limit {
                            return Err(PyErr::bare(ErrKind::MemoryError));
                        }
                        Obj::Bytes(s.repeat(n).into())
                    }
                    Obj::ByteArray(s) => Obj::ByteArray(s.repeat(n.min(limit))),
                    Obj::List(l) => {
                        if l.len().saturating_mul(n).saturating_mul(16) > limit {
                            return Err(PyErr::bare(ErrKind::MemoryError));
                        }
                        Obj::List(l.repeat(n))
                    }
                    Obj::Tuple(t) => {
                        if t.len().saturating_mul(n).saturating_mul(16) > limit {
                            return Err(PyErr::bare(ErrKind::MemoryError));
                        }
                        Obj::Tuple(t.repeat(n).into())
                    }
                    _ => unreachable!("matched above"),
                };
                self.alloc(obj).map(Some)
            }
            (BinOp::Mod, Obj::Str(_)) => {
                let s = crate::format::percent(self, a, bv)?;
                self.str_value(&s).map(Some)
            }
            (BinOp::Mod, Obj::Bytes(_)) => {
                let s = crate::format::percent(self, a, bv)?;
                // Bytes formatting works on Latin-1 text: one char per byte.
                let bytes: Vec<u8> = s.chars().map(|c| c as u32 as u8).collect();
                self.alloc(Obj::Bytes(bytes.into())).map(Some)
            }
            (BinOp::Or | BinOp::And | BinOp::Sub | BinOp::Xor, Obj::Set(_, frozen)) => {
                let frozen = *frozen;
                let Value::Obj(rb) = bv else { return Ok(None) };
                if !matches!(self.heap.get(rb), Obj::Set(..)) {
                    return Ok(None);
                }
                let result = if inplace {
                    a
                } else {
                    self.set_copy(a, frozen)?
                };
                self.temp_roots.push(result);
                let r = self.set_op(op, result, a, bv);
                self.temp_roots.pop();
                r?;
                Ok(Some(result))
            }
            (BinOp::Or, Obj::Dict(_)) if matches!(bv, Value::Obj(rb) if matches!(self.heap.get(rb), Obj::Dict(_))) =>
            {
                let result = if inplace { a } else { self.dict_copy(a)? };
                self.temp_roots.push(result);
                let r = self.dict_update(result, bv);
                self.temp_roots.pop();
                r?;
                Ok(Some(result))
            }
            _ => Ok(None),
        }
    }

    pub(crate) fn unary(&mut self, op: UnaryOp, a: Value) -> PResult<Value> {
        if op == UnaryOp::Not {
            return Ok(Value::Bool(!self.truthy(a)?));
        }
        let name = match op {
            UnaryOp::Neg => "__neg__",
            UnaryOp::Pos => "__pos__",
            _ => "__invert__",
        };
        if let Some(r) = self.call_special(a, name, &[])? {
            return Ok(r);
        }
        let err = || alloc::format!("unsupported type for {name}: '{}'", self.type_name(a));
        if let Value::Obj(r) = a
            && let Obj::Complex(re, im) = self.heap.get(r)
        {
            let (re, im) = (*re, *im);
            return match op {
                UnaryOp::Neg => self.alloc(Obj::Complex(-re, -im)),
                UnaryOp::Pos => Ok(a),
                _ => Err(PyErr::type_error(
                    "unsupported type for __invert__: 'complex'",
                )),
            };
        }
        let Some(n) = self.num(a) else {
            return Err(PyErr::type_error(err()));
        };
        let r = match (op, n) {
            (UnaryOp::Pos, NumRef::Int(i)) => Num::Int(i),
            (UnaryOp::Pos, NumRef::Float(f)) => Num::Float(f),
            (UnaryOp::Pos, NumRef::Big(_)) => return Ok(a),
            (UnaryOp::Neg, NumRef::Float(f)) => Num::Float(-f),
            (UnaryOp::Neg, n) => int::arith(BinOp::Sub, NumRef::Int(0), n)?,
            (UnaryOp::Invert, NumRef::Float(_)) => return Err(PyErr::type_error(err())),
            (_, n) => int::arith(BinOp::Sub, NumRef::Int(-1), n)?,
        };
        self.num_value(r)
    }

    pub(crate) fn compare(&mut self, op: CmpOp, a: Value, b: Value) -> PResult<Value> {
        let instances = self.is_py_instance(a) || self.is_py_instance(b);
        if instances && let Some(r) = self.rich_compare(op, a, b)? {
            return Ok(r);
        }
        // Neither operand's special methods decided: compare the built-in way (the payloads
        // of subclass instances, else identity), without calling them again.
        let r = match op {
            CmpOp::Eq | CmpOp::Ne if instances => self.eq_payload(a, b)? == (op == CmpOp::Eq),
            CmpOp::Eq => self.eq(a, b)?,
            CmpOp::Ne => !self.eq(a, b)?,
            CmpOp::Is => identical(a, b),
            CmpOp::IsNot => !identical(a, b),
            CmpOp::In => self.contains(b, a)?,
            CmpOp::NotIn => !self.contains(b, a)?,
            _ => {
                let o = self.order_builtin(op, a, b)?;
                return Ok(Value::Bool(o));
            }
        };
        Ok(Value::Bool(r))
    }

    /// A dict, or an instance of a subclass of dict.
    pub(crate) fn is_dict(&self, v: Value) -> bool {
        matches!(self.payload(v).unwrap_or(v), Value::Obj(r) if matches!(self.heap.get(r), Obj::Dict(_)))
    }

    fn is_py_instance(&self, v: Value) -> bool {
        matches!(v, Value::Obj(r) if matches!(self.heap.get(r), Obj::Instance(_)))
    }

    /// A comparison operator defined in Python on either operand (the left one first, then
    /// the reflected one on the right), whose result is returned as it is, not made a bool.
    /// `None` when neither operand defines it (or both return `NotImplemented`).
    fn rich_compare(&mut self, op: CmpOp, a: Value, b: Value) -> PResult<Option<Value>> {
        if matches!(op, CmpOp::Eq | CmpOp::Ne) {
            let ne = op == CmpOp::Ne;
            if let Some(r) = self.rich_eq(ne, a, b)? {
                return Ok(Some(r));
            }
            return self.rich_eq(ne, b, a);
        }
        let (name, reflected) = match op {
            CmpOp::Lt => ("__lt__", "__gt__"),
            CmpOp::Le => ("__le__", "__ge__"),
            CmpOp::Gt => ("__gt__", "__lt__"),
            CmpOp::Ge => ("__ge__", "__le__"),
            _ => return Ok(None),
        };
        let ni = Value::Obj(self.types.not_implemented);
        if let Some(r) = self.call_special(a, name, &[b])?
            && r != ni
        {
            return Ok(Some(r));
        }
        if let Some(r) = self.call_special(b, reflected, &[a])?
            && r != ni
        {
            return Ok(Some(r));
        }
        Ok(None)
    }

    /// `x == y` or `x != y` by `x`'s special methods: `__ne__` for `!=` if it has one,
    /// else `__eq__` (its result made a bool and negated for `!=`).
    fn rich_eq(&mut self, ne: bool, x: Value, y: Value) -> PResult<Option<Value>> {
        let ni = Value::Obj(self.types.not_implemented);
        if ne
            && let Some(r) = self.call_special(x, "__ne__", &[y])?
            && r != ni
        {
            return Ok(Some(r));
        }
        match self.call_special(x, "__eq__", &[y])? {
            Some(r) if r != ni && ne => Ok(Some(Value::Bool(!self.truthy(r)?))),
            Some(r) if r != ni => Ok(Some(r)),
            _ => Ok(None),
        }
    }

    /// `<`, `<=`, `>`, `>=`.
    fn order(&mut self, op: CmpOp, a: Value, b: Value) -> PResult<bool> {
        let (name, reflected) = match op {
            CmpOp::Lt => ("__lt__", "__gt__"),
            CmpOp::Le => ("__le__", "__ge__"),
            CmpOp::Gt => ("__gt__", "__lt__"),
            _ => ("__ge__", "__le__"),
        };
        if let (Some(x), Some(y)) = (self.num(a), self.num(b)) {
            return Ok(int::compare(x, y).is_some_and(|o| ordering_holds(op, o)));
        }
        let ni = Value::Obj(self.types.not_implemented);
        if let Some(r) = self.call_special(a, name, &[b])?
            && r != ni
        {
            return self.truthy(r);
        }
        if let Some(r) = self.call_special(b, reflected, &[a])?
            && r != ni
        {
            return self.truthy(r);
        }
        self.order_builtin(op, a, b)
    }

    /// `<`, `<=`, `>`, `>=` on built-in values (and the payloads of subclass instances).
    fn order_builtin(&mut self, op: CmpOp, a: Value, b: Value) -> PResult<bool> {
        let name = match op {
            CmpOp::Lt => "__lt__",
            CmpOp::Le => "__le__",
            CmpOp::Gt => "__gt__",
            _ => "__ge__",
        };
        let from = |o: Ordering| ordering_holds(op, o);
        if let (Some(x), Some(y)) = (self.num(a), self.num(b)) {
            return Ok(int::compare(x, y).is_some_and(from));
        }
        if let (Value::Obj(ra), Value::Obj(rb)) = (a, b) {
            match (self.heap.get(ra), self.heap.get(rb)) {
                (Obj::Str(x), Obj::Str(y)) => return Ok(from(x.cmp(y))),
                (Obj::Bytes(_) | Obj::ByteArray(_), Obj::Bytes(_) | Obj::ByteArray(_)) => {
                    return Ok(from(self.as_bytes(a).cmp(&self.as_bytes(b))));
                }
                (Obj::List(x), Obj::List(y)) => {
                    let (x, y) = (x.clone(), y.clone());
                    return self.seq_order(op, &x, &y);
                }
                (Obj::Array(..), Obj::Array(..)) => {
                    let (x, y) = (self.collect_iterable(a)?, self.collect_iterable(b)?);
                    return self.seq_order(op, &x, &y);
                }
                (Obj::Tuple(x), Obj::Tuple(y)) => {
                    let (x, y) = (x.to_vec(), y.to_vec());
                    return self.seq_order(op, &x, &y);
                }
                (Obj::Set(..), Obj::Set(..)) => {
                    let sub = self.set_is_subset(a, b)?;
                    let sup = self.set_is_subset(b, a)?;
                    return Ok(match op {
                        CmpOp::Lt => sub && !sup,
                        CmpOp::Le => sub,
                        CmpOp::Gt => sup && !sub,
                        _ => sup,
                    });
                }
                _ => {}
            }
        }
        let (pa, pb) = (self.payload(a), self.payload(b));
        if pa.is_some() || pb.is_some() {
            return self.order(op, pa.unwrap_or(a), pb.unwrap_or(b));
        }
        Err(PyErr::type_error(alloc::format!(
            "unsupported types for {name}: '{}', '{}'",
            self.type_name(a),
            self.type_name(b)
        )))
    }

    fn seq_order(&mut self, op: CmpOp, x: &[Value], y: &[Value]) -> PResult<bool> {
        for (a, b) in x.iter().zip(y) {
            if !self.eq(*a, *b)? {
                return self.order(op, *a, *b);
            }
        }
        let o = x.len().cmp(&y.len());
        Ok(match op {
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::Le => o != Ordering::Greater,
            CmpOp::Gt => o == Ordering::Greater,
            _ => o != Ordering::Less,
        })
    }

    /// `item in container`.
    pub(crate) fn contains(&mut self, container: Value, item: Value) -> PResult<bool> {
        if let Value::Obj(r) = container {
            match self.heap.get(r) {
                Obj::Str(hay) => {
                    let Some(needle) = self.as_str(item) else {
                        return Err(PyErr::type_error(alloc::format!(
                            "can't convert '{}' object to str implicitly",
                            self.type_name(item)
                        )));
                    };
                    return Ok(hay.contains(needle));
                }
                Obj::Bytes(_) | Obj::ByteArray(_) => {
                    let hay = self.as_bytes(container).unwrap_or(&[]);
                    if let Some(b) = self.as_int(item) {
                        return Ok(hay.contains(&(b as u8)));
                    }
                    let needle = self.as_bytes(item).unwrap_or(&[]);
                    return Ok(needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle));
                }
                Obj::List(items) => {
                    let items = items.clone();
                    return self.any_eq(&items, item);
                }
                Obj::Tuple(items) => {
                    let items = items.to_vec();
                    return self.any_eq(&items, item);
                }
                Obj::Dict(_) => return Ok(self.dict_get(container, item)?.is_some()),
                Obj::Set(..) => return self.set_contains(container, item),
                Obj::Range(start, stop, step) => {
                    let (start, stop, step) = (*start, *stop, *step);
                    let Some(i) = self.as_int(item) else {
                        return Ok(false);
                    };
                    let inside = if step > 0 {
                        i >= start && i < stop
                    } else {
                        i <= start && i > stop
                    };
                    return Ok(inside && (i - start) % step == 0);
                }
                Obj::Instance(_) => {
                    if let Some(r) = self.call_special(container, "__contains__", &[item])? {
                        return self.truthy(r);
                    }
                    if let Some(p) = self.payload(container) {
                        return self.contains(p, item);
                    }
                }
                _ => {}
            }
        }
        let it = self.iter(container).map_err(|_| {
            PyErr::type_error(alloc::format!(
                "argument of type '{}' is not iterable",
                self.type_name(container)
            ))
        })?;
        self.temp_roots.push(it);
        let result = loop {
            match self.next(it) {
                Ok(Some(v)) => match self.eq(v, item) {
                    Ok(true) => break Ok(true),
                    Ok(false) => {}
                    Err(e) => break Err(e),
                },
                Ok(None) => break Ok(false),
                Err(e) => break Err(e),
            }
        };
        self.temp_roots.pop();
        result
    }

    fn any_eq(&mut self, items: &[Value], item: Value) -> PResult<bool> {
        for v in items {
            // Containment tests identity first, as CPython does.
            if identical(*v, item) || self.eq(*v, item)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    // ---- containers ----

    pub(crate) fn new_dict(&mut self) -> PResult<Value> {
        self.alloc(Obj::Dict(Box::new(Dict::new())))
    }

    pub(crate) fn new_set(&mut self, frozen: bool) -> PResult<Value> {
        self.alloc(Obj::Set(Box::new(Dict::new()), frozen))
    }

    fn dict_ref(&self, d: Value) -> Option<&Dict> {
        match d {
            Value::Obj(r) => match self.heap.get(r) {
                Obj::Dict(d) | Obj::Set(d, _) => Some(d),
                Obj::Instance(i) if i.native != Value::Undef => self.dict_ref(i.native),
                _ => None,
            },
            _ => None,
        }
    }

    fn dict_mut(&mut self, d: Value) -> Option<&mut Dict> {
        let d = self.payload(d).unwrap_or(d);
        match d {
            Value::Obj(r) => match self.heap.get_mut(r) {
                Obj::Dict(d) | Obj::Set(d, _) => Some(d),
                _ => None,
            },
            _ => None,
        }
    }

    /// Position of `key` in a dict or set.
    pub(crate) fn dict_find(&mut self, d: Value, key: Value) -> PResult<Option<(usize, u64)>> {
        // Nothing is found in an empty table, whether or not the key is hashable (so
        // `{}[:]` is a KeyError, as on MicroPython).
        if self.dict_ref(d).is_some_and(|t| t.is_empty()) {
            return Ok(None);
        }
        let hash = self.hash(key)?;
        let candidates: Vec<usize> = match self.dict_ref(d) {
            Some(table) => table.candidates(hash).collect(),
            None => return Ok(None),
        };
        for pos in candidates {
            let Some(k) = self.dict_ref(d).and_then(|t| t.entry(pos)).map(|e| e.key) else {
                continue;
            };
            if identical(k, key) || self.eq(k, key)? {
                return Ok(Some((pos, hash)));
            }
        }
        Ok(None)
    }

    pub(crate) fn dict_get(&mut self, d: Value, key: Value) -> PResult<Option<Value>> {
        Ok(match self.dict_find(d, key)? {
            Some((pos, _)) => self.dict_ref(d).and_then(|t| t.entry(pos)).map(|e| e.value),
            None => None,
        })
    }

    /// A bare `TypeError` if `d` is a read-only dict (as MicroPython raises for its fixed
    /// dicts).
    pub(crate) fn check_not_fixed(&self, d: Value) -> PResult<()> {
        match self.dict_ref(d) {
            Some(t) if t.is_fixed() => Err(PyErr::bare(ErrKind::TypeError)),
            _ => Ok(()),
        }
    }

    pub(crate) fn dict_set(&mut self, d: Value, key: Value, value: Value) -> PResult<()> {
        self.check_not_fixed(d)?;
        let found = self.dict_find(d, key)?;
        let hash = match found {
            Some((pos, _)) => {
                if let Some(t) = self.dict_mut(d) {
                    t.set_value(pos, value);
                }
                return Ok(());
            }
            None => self.hash(key)?,
        };
        let extra = self.dict_ref(d).map_or(0, |t| t.growth());
        self.make_room(extra, &[d, key, value])?;
        if let Some(t) = self.dict_mut(d) {
            t.push(hash, key, value);
        }
        if let Value::Obj(r) = d {
            self.heap.resize(r);
        }
        Ok(())
    }

    pub(crate) fn dict_remove(&mut self, d: Value, key: Value) -> PResult<Option<Value>> {
        self.check_not_fixed(d)?;
        let Some((pos, _)) = self.dict_find(d, key)? else {
            return Ok(None);
        };
        Ok(self
            .dict_mut(d)
            .and_then(|t| t.remove_at(pos))
            .map(|e| e.value))
    }

    pub(crate) fn dict_items(&mut self, d: Value) -> PResult<Vec<(Value, Value)>> {
        let tr_mark = self.temp_roots.len();
        if let Some(t) = self.dict_ref(d) {
            return Ok(t.iter().map(|e| (e.key, e.value)).collect());
        }
        // Any mapping with keys() and __getitem__.
        let keys_id = self.interner.intern("keys");
        let keys_fn = self.getattr(d, keys_id)?;
        let keys = self.call_value(keys_fn, &[])?;
        self.temp_roots.push(keys);
        let keys = self.collect_iterable(keys);
        self.temp_roots.pop();
        let keys = keys?;
        let mut out = Vec::with_capacity(keys.len());
        self.temp_roots.extend_from_slice(&keys);
        for k in &keys {
            match self.getitem(d, *k) {
                Ok(v) => out.push((*k, v)),
                Err(e) => {
                    self.temp_roots.truncate(tr_mark);
                    return Err(e);
                }
            }
        }
        self.temp_roots.truncate(tr_mark);
        Ok(out)
    }

    pub(crate) fn dict_update(&mut self, d: Value, other: Value) -> PResult<()> {
        let tr_mark = self.temp_roots.len();
        let is_mapping = self.dict_ref(other).is_some()
            && !matches!(other, Value::Obj(r) if matches!(self.heap.get(r), Obj::Set(..)))
            || matches!(other, Value::Obj(r) if matches!(self.heap.get(r), Obj::Instance(_)));
        if is_mapping {
            let pairs = self.dict_items(other)?;
            for (k, v) in pairs {
                self.dict_set(d, k, v)?;
            }
            return Ok(());
        }
        // An iterable of pairs.
        let items = self.collect_iterable(other)?;
        self.temp_roots.extend_from_slice(&items);
        let mut result = Ok(());
        for item in items {
            match self.unpack(item, 2) {
                Ok(kv) => {
                    if let Err(e) = self.dict_set(d, kv[0], kv[1]) {
                        result = Err(e);
                        break;
                    }
                }
                Err(_) => {
                    result = Err(PyErr::new(
                        ErrKind::ValueError,
                        "dictionary update sequence element has wrong length",
                    ));
                    break;
                }
            }
        }
        self.temp_roots.truncate(tr_mark);
        result
    }

    pub(crate) fn dict_copy(&mut self, d: Value) -> PResult<Value> {
        let pairs = self.dict_items(d)?;
        let new = self.new_dict()?;
        for (k, v) in pairs {
            self.dict_set(new, k, v)?;
        }
        Ok(new)
    }

    pub(crate) fn set_add(&mut self, s: Value, item: Value) -> PResult<()> {
        if self.dict_find(s, item)?.is_some() {
            return Ok(());
        }
        let hash = self.hash(item)?;
        let extra = self.dict_ref(s).map_or(0, |t| t.growth());
        self.make_room(extra, &[s, item])?;
        if let Some(t) = self.dict_mut(s) {
            t.push(hash, item, Value::None);
        }
        if let Value::Obj(r) = s {
            self.heap.resize(r);
        }
        Ok(())
    }

    pub(crate) fn set_contains(&mut self, s: Value, item: Value) -> PResult<bool> {
        match self.dict_find(s, item) {
            Ok(found) => Ok(found.is_some()),
            // An unhashable set looks for a frozenset with the same items.
            Err(e)
                if e.kind == ErrKind::TypeError
                    && matches!(item, Value::Obj(r) if matches!(self.heap.get(r), Obj::Set(_, false))) =>
            {
                let f = self.set_copy(item, true)?;
                self.temp_roots.push(f);
                let r = self.dict_find(s, f);
                self.temp_roots.pop();
                Ok(r?.is_some())
            }
            Err(e) => Err(e),
        }
    }

    pub(crate) fn set_update(&mut self, s: Value, it: Value) -> PResult<()> {
        let tr_mark = self.temp_roots.len();
        let items = self.collect_iterable(it)?;
        self.temp_roots.extend_from_slice(&items);
        let mut result = Ok(());
        for item in items {
            if let Err(e) = self.set_add(s, item) {
                result = Err(e);
                break;
            }
        }
        self.temp_roots.truncate(tr_mark);
        result
    }

    pub(crate) fn set_items(&self, s: Value) -> Vec<Value> {
        self.dict_ref(s)
            .map(|t| t.iter().map(|e| e.key).collect())
            .unwrap_or_default()
    }

    pub(crate) fn set_copy(&mut self, s: Value, frozen: bool) -> PResult<Value> {
        let items = self.set_items(s);
        let new = self.new_set(frozen)?;
        self.temp_roots.push(new);
        let mut result = Ok(new);
        for i in items {
            if let Err(e) = self.set_add(new, i) {
                result = Err(e);
                break;
            }
        }
        self.temp_roots.pop();
        result
    }

    fn set_is_subset(&mut self, a: Value, b: Value) -> PResult<bool> {
        for item in self.set_items(a) {
            if !self.set_contains(b, item)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// `result op= other`, where `result` starts as a copy of `a`.
    pub(crate) fn set_op(
        &mut self,
        op: BinOp,
        result: Value,
        a: Value,
        other: Value,
    ) -> PResult<()> {
        let other_items = self.collect_iterable(other)?;
        // The items may be new objects (a str's characters): rooted until the end.
        let mark = self.temp_roots.len();
        self.temp_roots.extend_from_slice(&other_items);
        let r = self.set_op_items(op, result, a, other_items);
        self.temp_roots.truncate(mark);
        r
    }

    fn set_op_items(
        &mut self,
        op: BinOp,
        result: Value,
        a: Value,
        other_items: Vec<Value>,
    ) -> PResult<()> {
        match op {
            BinOp::Or => {
                for i in other_items {
                    self.set_add(result, i)?;
                }
            }
            BinOp::Sub => {
                for i in other_items {
                    self.dict_remove(result, i)?;
                }
            }
            BinOp::And => {
                let mine = self.set_items(result);
                let other_set = self.new_set(true)?;
                self.temp_roots.push(other_set);
                for i in other_items {
                    self.set_add(other_set, i)?;
                }
                self.temp_roots.pop();
                self.temp_roots.push(other_set);
                for i in mine {
                    if !self.set_contains(other_set, i)? {
                        self.dict_remove(result, i)?;
                    }
                }
                self.temp_roots.pop();
            }
            BinOp::Xor => {
                let original = self.set_copy(a, true)?;
                self.temp_roots.push(original);
                for i in other_items {
                    if self.set_contains(original, i)? {
                        self.dict_remove(result, i)?;
                    } else {
                        self.set_add(result, i)?;
                    }
                }
                self.temp_roots.pop();
            }
            _ => {}
        }
        Ok(())
    }

    pub(crate) fn list_append(&mut self, l: Value, v: Value) -> PResult<()> {
        if let Value::Obj(r) = l
            && let Obj::List(items) = self.heap.get(r)
        {
            let extra = crate::vm::growth(items.len(), items.capacity(), 1, VALUE_SIZE);
            self.make_room(extra, &[l, v])?;
            let Obj::List(items) = self.heap.get_mut(r) else {
                unreachable!("checked above")
            };
            items.push(v);
            if items.len() == items.capacity() || items.len() < 8 {
                self.heap.resize(r);
            }
            return Ok(());
        }
        Err(PyErr::type_error("append to a non-list"))
    }

    pub(crate) fn list_extend(&mut self, l: Value, it: Value) -> PResult<()> {
        let items = self.collect_iterable(it)?;
        if let Value::Obj(r) = l
            && let Obj::List(v) = self.heap.get(r)
        {
            let extra = crate::vm::growth(v.len(), v.capacity(), items.len(), VALUE_SIZE);
            let mark = self.temp_roots.len();
            self.temp_roots.extend_from_slice(&items);
            let room = self.make_room(extra, &[l]);
            self.temp_roots.truncate(mark);
            room?;
            if let Obj::List(v) = self.heap.get_mut(r) {
                v.extend(items);
            }
            self.heap.resize(r);
        }
        Ok(())
    }

    pub(crate) fn tuple_items(&self, t: Value) -> Vec<Value> {
        match t {
            Value::Obj(r) => match self.heap.get(r) {
                Obj::Tuple(items) => items.to_vec(),
                Obj::List(items) => items.clone(),
                Obj::Instance(i) if i.native != Value::Undef => self.tuple_items(i.native),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    pub(crate) fn tuple_len(&self, t: Value) -> usize {
        match t {
            Value::Obj(r) => match self.heap.get(r) {
                Obj::Tuple(items) => items.len(),
                _ => 0,
            },
            _ => 0,
        }
    }

    /// Every item of an iterable.
    pub(crate) fn collect_iterable(&mut self, v: Value) -> PResult<Vec<Value>> {
        if let Value::Obj(r) = v {
            match self.heap.get(r) {
                Obj::List(items) => return Ok(items.clone()),
                Obj::Tuple(items) => return Ok(items.to_vec()),
                _ => {}
            }
        }
        let it = self.iter(v)?;
        let mark = self.temp_roots.len();
        self.temp_roots.push(it);
        let mut out = Vec::new();
        let result = loop {
            match self.next(it) {
                Ok(Some(x)) => {
                    // Keep what we collected rooted: the iterator may allocate.
                    self.temp_roots.push(x);
                    out.push(x);
                    // A list this long could not fit in the heap: stop before memory runs out.
                    if out.len() * core::mem::size_of::<Value>() > self.heap.limit() {
                        break Err(PyErr::new(ErrKind::MemoryError, "memory allocation failed"));
                    }
                }
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        self.temp_roots.truncate(mark);
        result.map(|()| out)
    }

    /// Exactly `n` items, for unpacking assignment.
    pub(crate) fn unpack(&mut self, seq: Value, n: usize) -> PResult<Vec<Value>> {
        let items = self.collect_iterable(seq)?;
        if items.len() < n {
            return Err(PyErr::new(
                ErrKind::ValueError,
                alloc::format!("need more than {} values to unpack", items.len()),
            ));
        }
        if items.len() > n {
            return Err(PyErr::new(
                ErrKind::ValueError,
                alloc::format!("too many values to unpack (expected {n})"),
            ));
        }
        Ok(items)
    }

    // ---- subscripts ----

    pub(crate) fn getitem(&mut self, o: Value, i: Value) -> PResult<Value> {
        let Value::Obj(r) = o else {
            return Err(PyErr::type_error(alloc::format!(
                "'{}' object isn't subscriptable",
                self.type_name(o)
            )));
        };
        if let Obj::Array(code, _) = self.heap.get(r) {
            let code = *code;
            return self.array_get(r, code, i);
        }
        if let Obj::MemoryView(base, start, len, code) = self.heap.get(r) {
            let (base, start, len, code) = (*base, *start, *len, *code);
            return self.memoryview_get(base, start, len, code, i);
        }
        // (A dict takes a slice as a key like any other.)
        if let Value::Obj(ir) = i
            && let Obj::Slice(a, b, c) = self.heap.get(ir)
            && !self.is_dict(o)
        {
            let (a, b, c) = (*a, *b, *c);
            return self.get_slice(o, a, b, c);
        }
        match self.heap.get(r) {
            Obj::List(items) => {
                let len = items.len();
                let idx = self.subscript_index(o, i)?;
                match norm_index(idx, len) {
                    Some(k) => match self.heap.get(r) {
                        Obj::List(items) => Ok(items[k]),
                        _ => unreachable!("checked"),
                    },
                    None => Err(PyErr::new(ErrKind::IndexError, "list index out of range")),
                }
            }
            Obj::Tuple(items) => {
                let len = items.len();
                let idx = self.subscript_index(o, i)?;
                match norm_index(idx, len) {
                    Some(k) => Ok(self.tuple_items(o)[k]),
                    None => Err(PyErr::new(ErrKind::IndexError, "tuple index out of range")),
                }
            }
            Obj::Str(s) => {
                let idx = self.subscript_index(o, i)?;
                // ASCII text (the common case) indexes by byte.
                let c = if s.is_ascii() {
                    norm_index(idx, s.len()).map(|k| s.as_bytes()[k] as char)
                } else {
                    norm_index(idx, s.chars().count()).and_then(|k| s.chars().nth(k))
                };
                match c {
                    Some(c) => {
                        let mut buf = [0u8; 4];
                        self.str_value(c.encode_utf8(&mut buf))
                    }
                    None => Err(PyErr::new(ErrKind::IndexError, "string index out of range")),
                }
            }
            Obj::Bytes(b) => {
                let idx = self.subscript_index(o, i)?;
                match norm_index(idx, b.len()) {
                    Some(k) => Ok(Value::Int(i64::from(b[k]))),
                    None => Err(PyErr::new(ErrKind::IndexError, "index out of range")),
                }
            }
            Obj::ByteArray(b) => {
                let idx = self.subscript_index(o, i)?;
                match norm_index(idx, b.len()) {
                    Some(k) => Ok(Value::Int(i64::from(b[k]))),
                    None => Err(PyErr::new(
                        ErrKind::IndexError,
                        "bytearray index out of range",
                    )),
                }
            }
            Obj::Range(start, stop, step) => {
                let (start, stop, step) = (*start, *stop, *step);
                let idx = self.subscript_index(o, i)?;
                match norm_index(idx, range_len(start, stop, step)) {
                    Some(k) => Ok(Value::Int(start + step * k as i64)),
                    None => Err(PyErr::new(
                        ErrKind::IndexError,
                        "range object index out of range",
                    )),
                }
            }
            Obj::Dict(_) => match self.dict_get(o, i)? {
                Some(v) => Ok(v),
                None => {
                    if let Some(v) = self.call_special(o, "__missing__", &[i])? {
                        return Ok(v);
                    }
                    Err(self.key_error(i))
                }
            },
            Obj::Instance(_) => match self.call_special(o, "__getitem__", &[i])? {
                Some(v) => Ok(v),
                None if self.payload(o).is_some() => {
                    match self.getitem(self.payload(o).expect("checked"), i) {
                        Err(e)
                            if e.kind == ErrKind::KeyError
                                && self.special(o, "__missing__").is_some() =>
                        {
                            Ok(self
                                .call_special(o, "__missing__", &[i])?
                                .unwrap_or(Value::None))
                        }
                        r => r,
                    }
                }
                None => Err(PyErr::type_error(alloc::format!(
                    "'{}' object isn't subscriptable",
                    self.type_name(o)
                ))),
            },
            Obj::Class(_) => {
                // `list[int]` and friends: generic aliases are the class itself here.
                Ok(o)
            }
            _ => Err(PyErr::type_error(alloc::format!(
                "'{}' object isn't subscriptable",
                self.type_name(o)
            ))),
        }
    }

    pub(crate) fn key_error(&mut self, key: Value) -> PyErr {
        match self.tuple(alloc::vec![key]) {
            Ok(args) => match self.instantiate_exc(self.types.exc(ErrKind::KeyError), args) {
                Ok(v) => PyErr {
                    kind: ErrKind::KeyError,
                    message: None,
                    traceback: Vec::new(),
                    value: Some(v),
                    reraise: false,
                },
                Err(e) => e,
            },
            Err(e) => e,
        }
    }

    /// Resolve slice bounds against a length: `(start, stop, step)` as in `slice.indices`.
    pub(crate) fn slice_indices(
        &self,
        a: Value,
        b: Value,
        c: Value,
        len: usize,
    ) -> PResult<(i64, i64, i64)> {
        let step = match c {
            Value::None => 1,
            v => self.index_arg(v)?,
        };
        if step == 0 {
            return Err(PyErr::new(ErrKind::ValueError, "slice step can't be zero"));
        }
        let len = len as i64;
        let clamp = |v: Value, default: i64| -> PResult<i64> {
            if v == Value::None {
                return Ok(default);
            }
            let mut i = match self.num(v) {
                Some(NumRef::Int(i)) => i,
                Some(NumRef::Big(b)) => {
                    if b.sign() == num_bigint::Sign::Minus {
                        i64::MIN / 2
                    } else {
                        i64::MAX / 2
                    }
                }
                _ => return Err(PyErr::type_error("slice indices must be integers")),
            };
            if i < 0 {
                i += len;
                if i < 0 {
                    i = if step < 0 { -1 } else { 0 };
                }
            } else if i >= len {
                i = if step < 0 { len - 1 } else { len };
            }
            Ok(i)
        };
        let (start, stop) = if step > 0 {
            (clamp(a, 0)?, clamp(b, len)?)
        } else {
            (clamp(a, len - 1)?, clamp(b, -1)?)
        };
        Ok((start, stop, step))
    }

    fn slice_positions(&self, a: Value, b: Value, c: Value, len: usize) -> PResult<Vec<usize>> {
        let (start, stop, step) = self.slice_indices(a, b, c, len)?;
        let mut out = Vec::new();
        let mut i = start;
        while (step > 0 && i < stop) || (step < 0 && i > stop) {
            out.push(i as usize);
            i += step;
        }
        Ok(out)
    }

    fn get_slice(&mut self, o: Value, a: Value, b: Value, c: Value) -> PResult<Value> {
        let Value::Obj(r) = o else {
            unreachable!("checked by caller")
        };
        let len = match self.heap.get(r) {
            Obj::List(x) => x.len(),
            Obj::Tuple(x) => x.len(),
            Obj::Str(s) => s.chars().count(),
            Obj::Bytes(x) => x.len(),
            Obj::ByteArray(x) => x.len(),
            Obj::Range(start, stop, step) => range_len(*start, *stop, *step),
            Obj::Instance(_) => {
                let s = self.alloc(Obj::Slice(a, b, c))?;
                return match self.call_special(o, "__getitem__", &[s])? {
                    Some(v) => Ok(v),
                    None => match self.payload(o) {
                        Some(p) => self.get_slice(p, a, b, c),
                        None => Err(PyErr::type_error("object isn't subscriptable")),
                    },
                };
            }
            _ => {
                return Err(PyErr::type_error(alloc::format!(
                    "'{}' object isn't subscriptable",
                    self.type_name(o)
                )));
            }
        };
        if let Obj::Range(start, _, step) = self.heap.get(r) {
            let (rstart, rstep) = (*start, *step);
            let (s, e, st) = self.slice_indices(a, b, c, len)?;
            return self.alloc(Obj::Range(
                rstart + s * rstep,
                rstart + e * rstep,
                rstep * st,
            ));
        }
        let pos = self.slice_positions(a, b, c, len)?;
        let obj = match self.heap.get(r) {
            Obj::List(x) => Obj::List(pos.iter().map(|&i| x[i]).collect()),
            Obj::Tuple(x) => {
                let items: Vec<Value> = pos.iter().map(|&i| x[i]).collect();
                return self.tuple(items);
            }
            Obj::Str(s) => {
                let chars: Vec<char> = s.chars().collect();
                let out: String = pos.iter().map(|&i| chars[i]).collect();
                Obj::Str(out.into())
            }
            Obj::Bytes(x) => Obj::Bytes(pos.iter().map(|&i| x[i]).collect()),
            Obj::ByteArray(x) => Obj::ByteArray(pos.iter().map(|&i| x[i]).collect()),
            _ => unreachable!("checked above"),
        };
        self.alloc(obj)
    }

    pub(crate) fn setitem(&mut self, o: Value, i: Value, v: Value) -> PResult<()> {
        let Value::Obj(r) = o else {
            return Err(PyErr::type_error(alloc::format!(
                "'{}' object doesn't support item assignment",
                self.type_name(o)
            )));
        };
        if let Obj::Array(code, _) = self.heap.get(r) {
            let code = *code;
            return self.array_set(r, code, i, v);
        }
        if let Obj::MemoryView(base, start, len, code) = self.heap.get(r) {
            let (base, start, len, code) = (*base, *start, *len, *code);
            return self.memoryview_set(base, start, len, code, i, v);
        }
        if let Value::Obj(ir) = i
            && let Obj::Slice(a, b, c) = self.heap.get(ir)
            && matches!(self.heap.get(r), Obj::List(_) | Obj::ByteArray(_))
        {
            let (a, b, c) = (*a, *b, *c);
            return self.set_slice(o, a, b, c, v);
        }
        match self.heap.get(r) {
            Obj::List(items) => {
                let len = items.len();
                let idx = self.subscript_index(o, i)?;
                let Some(k) = norm_index(idx, len) else {
                    return Err(PyErr::new(ErrKind::IndexError, "list index out of range"));
                };
                if let Obj::List(items) = self.heap.get_mut(r) {
                    items[k] = v;
                }
                Ok(())
            }
            Obj::ByteArray(b) => {
                let len = b.len();
                let idx = self.subscript_index(o, i)?;
                let byte = self
                    .as_int(v)
                    .filter(|x| (0..256).contains(x))
                    .ok_or_else(|| {
                        PyErr::new(ErrKind::ValueError, "byte must be in range(0, 256)")
                    })?;
                let Some(k) = norm_index(idx, len) else {
                    return Err(PyErr::new(
                        ErrKind::IndexError,
                        "bytearray index out of range",
                    ));
                };
                if let Obj::ByteArray(b) = self.heap.get_mut(r) {
                    b[k] = byte as u8;
                }
                Ok(())
            }
            Obj::Dict(_) => self.dict_set(o, i, v),
            Obj::Instance(_) => match self.call_special(o, "__setitem__", &[i, v])? {
                Some(_) => Ok(()),
                None if self.payload(o).is_some() => {
                    self.setitem(self.payload(o).expect("checked"), i, v)
                }
                None => Err(PyErr::type_error(alloc::format!(
                    "'{}' object doesn't support item assignment",
                    self.type_name(o)
                ))),
            },
            _ => Err(PyErr::type_error(alloc::format!(
                "'{}' object doesn't support item assignment",
                self.type_name(o)
            ))),
        }
    }

    fn set_slice(&mut self, o: Value, a: Value, b: Value, c: Value, v: Value) -> PResult<()> {
        let Value::Obj(r) = o else {
            unreachable!("checked by caller")
        };
        let is_bytes = matches!(self.heap.get(r), Obj::ByteArray(_));
        let new: Vec<Value> = if is_bytes {
            match self.as_bytes(v) {
                Some(bytes) => bytes.iter().map(|x| Value::Int(i64::from(*x))).collect(),
                None => self.collect_iterable(v)?,
            }
        } else {
            self.collect_iterable(v)?
        };
        let len = match self.heap.get(r) {
            Obj::List(x) => x.len(),
            Obj::ByteArray(x) => x.len(),
            _ => 0,
        };
        let (start, stop, step) = self.slice_indices(a, b, c, len)?;
        if step != 1 {
            let pos = self.slice_positions(a, b, c, len)?;
            if pos.len() != new.len() {
                return Err(PyErr::new(
                    ErrKind::ValueError,
                    alloc::format!(
                        "attempt to assign sequence of size {} to extended slice of size {}",
                        new.len(),
                        pos.len()
                    ),
                ));
            }
            for (p, item) in pos.into_iter().zip(new) {
                self.setitem(o, Value::Int(p as i64), item)?;
            }
            return Ok(());
        }
        let start = start.max(0) as usize;
        let stop = (stop.max(start as i64)) as usize;
        let (cap, elem) = match self.heap.get(r) {
            Obj::List(x) => (x.capacity(), VALUE_SIZE),
            Obj::ByteArray(x) => (x.capacity(), 1),
            _ => (0, 0),
        };
        let add = new.len().saturating_sub(stop.min(len) - start.min(len));
        let mark = self.temp_roots.len();
        self.temp_roots.extend_from_slice(&new);
        let room = self.make_room(crate::vm::growth(len, cap, add, elem), &[o]);
        self.temp_roots.truncate(mark);
        room?;
        match self.heap.get_mut(r) {
            Obj::List(items) => {
                items.splice(start..stop, new);
            }
            Obj::ByteArray(items) => {
                let bytes: Vec<u8> = new
                    .iter()
                    .map(|x| match x {
                        Value::Int(i) => *i as u8,
                        _ => 0,
                    })
                    .collect();
                items.splice(start..stop, bytes);
            }
            _ => {}
        }
        self.heap.resize(r);
        Ok(())
    }

    pub(crate) fn delitem(&mut self, o: Value, i: Value) -> PResult<()> {
        let Value::Obj(r) = o else {
            return Err(PyErr::type_error(alloc::format!(
                "'{}' object doesn't support item deletion",
                self.type_name(o)
            )));
        };
        if let Value::Obj(ir) = i
            && let Obj::Slice(a, b, c) = self.heap.get(ir)
            && matches!(self.heap.get(r), Obj::List(_) | Obj::ByteArray(_))
        {
            let (a, b, c) = (*a, *b, *c);
            let len = match self.heap.get(r) {
                Obj::List(x) => x.len(),
                Obj::ByteArray(x) => x.len(),
                _ => 0,
            };
            let mut pos = self.slice_positions(a, b, c, len)?;
            pos.sort_unstable();
            match self.heap.get_mut(r) {
                Obj::List(items) => {
                    for p in pos.into_iter().rev() {
                        items.remove(p);
                    }
                }
                Obj::ByteArray(items) => {
                    for p in pos.into_iter().rev() {
                        items.remove(p);
                    }
                }
                _ => {}
            }
            return Ok(());
        }
        match self.heap.get(r) {
            Obj::List(items) => {
                let len = items.len();
                let idx = self.subscript_index(o, i)?;
                let Some(k) = norm_index(idx, len) else {
                    return Err(PyErr::new(ErrKind::IndexError, "list index out of range"));
                };
                if let Obj::List(items) = self.heap.get_mut(r) {
                    items.remove(k);
                }
                Ok(())
            }
            Obj::ByteArray(b) => {
                let len = b.len();
                let idx = self.subscript_index(o, i)?;
                let Some(k) = norm_index(idx, len) else {
                    return Err(PyErr::new(
                        ErrKind::IndexError,
                        "bytearray index out of range",
                    ));
                };
                if let Obj::ByteArray(b) = self.heap.get_mut(r) {
                    b.remove(k);
                }
                Ok(())
            }
            Obj::Dict(_) => match self.dict_remove(o, i)? {
                Some(_) => Ok(()),
                None => Err(self.key_error(i)),
            },
            Obj::Instance(_) => match self.call_special(o, "__delitem__", &[i])? {
                Some(_) => Ok(()),
                None if self.payload(o).is_some() => {
                    self.delitem(self.payload(o).expect("checked"), i)
                }
                None => Err(PyErr::type_error(alloc::format!(
                    "'{}' object doesn't support item deletion",
                    self.type_name(o)
                ))),
            },
            _ => Err(PyErr::type_error(alloc::format!(
                "'{}' object doesn't support item deletion",
                self.type_name(o)
            ))),
        }
    }

    // ---- iteration ----

    /// The state of a `for` loop over `o` (see [`crate::bytecode::Op::ForNext`]): built-in
    /// sequences, dicts and sets are walked by position, with nothing allocated.
    pub(crate) fn for_start(&mut self, o: Value) -> PResult<[Value; 3]> {
        if let Value::Obj(r) = o {
            match self.heap.get(r) {
                Obj::Range(a, b, c) => return Ok([Value::Int(*a), Value::Int(*b), Value::Int(*c)]),
                Obj::Tuple(_)
                | Obj::List(_)
                | Obj::Bytes(_)
                | Obj::ByteArray(_)
                | Obj::Array(..)
                | Obj::Dict(_)
                | Obj::Set(..) => return Ok([o, Value::Int(0), Value::Undef]),
                _ => {}
            }
        }
        Ok([self.iter(o)?, Value::Undef, Value::Undef])
    }

    /// The next item of the `for` loop whose state is at `stack[at..at + 3]`.
    pub(crate) fn for_next(&mut self, at: usize) -> PResult<Option<Value>> {
        let (seq, pos) = (self.stack[at], self.stack[at + 1]);
        let Value::Int(i) = pos else {
            return self.next(seq);
        };
        let i = i as usize;
        let Value::Obj(r) = seq else {
            return Ok(None);
        };
        let (item, next) = match self.heap.get(r) {
            Obj::Tuple(items) => (items.get(i).copied(), i + 1),
            Obj::List(items) => (items.get(i).copied(), i + 1),
            Obj::Bytes(b) => (b.get(i).map(|x| Value::Int(i64::from(*x))), i + 1),
            Obj::ByteArray(b) => (b.get(i).map(|x| Value::Int(i64::from(*x))), i + 1),
            Obj::Dict(d) | Obj::Set(d, _) => match d.next_from(i) {
                Some((p, e)) => (Some(e.key), p + 1),
                None => (None, i),
            },
            Obj::Array(code, data) => {
                if i >= crate::objects::array::len(*code, data) {
                    (None, i)
                } else {
                    let v = self.getitem(seq, Value::Int(i as i64))?;
                    (Some(v), i + 1)
                }
            }
            _ => (None, i),
        };
        self.stack[at + 1] = Value::Int(next as i64);
        Ok(item)
    }

    pub(crate) fn iter(&mut self, o: Value) -> PResult<Value> {
        let not_iterable = |s: &Self| {
            PyErr::type_error(alloc::format!("'{}' object isn't iterable", s.type_name(o)))
        };
        let Value::Obj(r) = o else {
            return Err(not_iterable(self));
        };
        let it = match self.heap.get(r) {
            Obj::List(_)
            | Obj::Tuple(_)
            | Obj::Str(_)
            | Obj::Bytes(_)
            | Obj::ByteArray(_)
            | Obj::MemoryView(..)
            | Obj::Array(..) => Iter::Seq { seq: o, index: 0 },
            Obj::Range(start, stop, step) => Iter::Range {
                next: *start,
                stop: *stop,
                step: *step,
            },
            Obj::Dict(_) | Obj::Set(..) => Iter::Dict {
                dict: o,
                pos: 0,
                kind: 0,
            },
            Obj::DictView(d, kind) => Iter::Dict {
                dict: *d,
                pos: 0,
                kind: *kind,
            },
            Obj::Iter(_) | Obj::Generator(_) => return Ok(o),
            Obj::Instance(_) => {
                if let Some(it) = self.call_special(o, "__iter__", &[])? {
                    return Ok(it);
                }
                if self.special(o, "__getitem__").is_some() {
                    // The old sequence protocol: o[0], o[1], … until IndexError.
                    return self.alloc(Obj::Iter(Box::new(Iter::Seq { seq: o, index: 0 })));
                }
                if let Some(p) = self.payload(o) {
                    return self.iter(p);
                }
                return Err(not_iterable(self));
            }
            _ => return Err(not_iterable(self)),
        };
        self.alloc(Obj::Iter(Box::new(it)))
    }

    /// The next item, or `None` when the iterator is exhausted.
    /// The next item of every iterator in `its` (for `zip` and `map`), kept in `temp_roots`
    /// above `mark` until the caller truncates; `None` when any is exhausted. On `None` or an
    /// error the roots are already truncated to `mark`.
    fn next_of_each(&mut self, its: &[Value], mark: usize) -> PResult<Option<Vec<Value>>> {
        let mut items = Vec::with_capacity(its.len());
        for &i in its {
            match self.next_nested(i) {
                Ok(Some(v)) => {
                    self.temp_roots.push(v);
                    items.push(v);
                }
                other => {
                    self.temp_roots.truncate(mark);
                    return other.map(|_| None);
                }
            }
        }
        Ok(Some(items))
    }

    /// `next()` of the iterator inside a built-in one (`enumerate`, `zip`, `map`,
    /// `filter`): such chains nest on the native stack, so their depth is bounded as native
    /// calls into Python are (a RuntimeError, not a native stack overflow).
    fn next_nested(&mut self, it: Value) -> PResult<Option<Value>> {
        if self.native_depth >= crate::call::MAX_NATIVE_DEPTH {
            return Err(PyErr::new(
                ErrKind::RuntimeError,
                "maximum recursion depth exceeded",
            ));
        }
        self.native_depth += 1;
        let r = self.next(it);
        self.native_depth -= 1;
        r
    }

    pub(crate) fn next(&mut self, it: Value) -> PResult<Option<Value>> {
        self.tick()?;
        let Value::Obj(r) = it else {
            return Err(PyErr::type_error(alloc::format!(
                "'{}' object isn't an iterator",
                self.type_name(it)
            )));
        };
        match self.heap.get_mut(r) {
            Obj::Iter(iter) => match &mut **iter {
                Iter::Range { next, stop, step } => {
                    let cur = *next;
                    if (*step > 0 && cur < *stop) || (*step < 0 && cur > *stop) {
                        *next = cur + *step;
                        return Ok(Some(Value::Int(cur)));
                    }
                    Ok(None)
                }
                Iter::Seq { seq, index } => {
                    let (seq, i) = (*seq, *index);
                    // Strings iterate by byte offset, one character at a time.
                    if let Value::Obj(sr) = seq
                        && let Obj::Str(text) = self.heap.get(sr)
                    {
                        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                            return Ok(None);
                        };
                        if let Obj::Iter(iter) = self.heap.get_mut(r)
                            && let Iter::Seq { index, .. } = &mut **iter
                        {
                            *index = i + c.len_utf8();
                        }
                        let mut buf = [0u8; 4];
                        return self.str_value(c.encode_utf8(&mut buf)).map(Some);
                    }
                    let item = self.seq_item(seq, i)?;
                    if item.is_some()
                        && let Obj::Iter(iter) = self.heap.get_mut(r)
                        && let Iter::Seq { index, .. } = &mut **iter
                    {
                        *index = i + 1;
                    }
                    Ok(item)
                }
                Iter::Reversed { seq, index } => {
                    if *index == 0 {
                        return Ok(None);
                    }
                    *index -= 1;
                    let (seq, i) = (*seq, *index);
                    self.seq_item(seq, i)
                }
                Iter::Dict { dict, pos, kind } => {
                    let (d, p, kind) = (*dict, *pos, *kind);
                    let Some((at, e)) = self.dict_ref(d).and_then(|t| t.next_from(p)) else {
                        return Ok(None);
                    };
                    if let Obj::Iter(iter) = self.heap.get_mut(r)
                        && let Iter::Dict { pos, .. } = &mut **iter
                    {
                        *pos = at + 1;
                    }
                    Ok(Some(match kind {
                        0 => e.key,
                        1 => e.value,
                        _ => self.tuple(alloc::vec![e.key, e.value])?,
                    }))
                }
                Iter::Enumerate { iter, count } => {
                    let (inner, n) = (*iter, *count);
                    let Some(v) = self.next_nested(inner)? else {
                        return Ok(None);
                    };
                    if let Obj::Iter(iter) = self.heap.get_mut(r)
                        && let Iter::Enumerate { count, .. } = &mut **iter
                    {
                        *count = n + 1;
                    }
                    self.temp_roots.push(v);
                    let t = self.tuple(alloc::vec![Value::Int(n), v]);
                    self.temp_roots.pop();
                    t.map(Some)
                }
                Iter::Zip(its) => {
                    let its = its.clone();
                    if its.is_empty() {
                        return Ok(None);
                    }
                    let mark = self.temp_roots.len();
                    let Some(items) = self.next_of_each(&its, mark)? else {
                        return Ok(None);
                    };
                    let t = self.tuple(items);
                    self.temp_roots.truncate(mark);
                    t.map(Some)
                }
                Iter::Map { func, iters } => {
                    let (f, its) = (*func, iters.clone());
                    let mark = self.temp_roots.len();
                    let Some(args) = self.next_of_each(&its, mark)? else {
                        return Ok(None);
                    };
                    let r = self.call_value(f, &args);
                    self.temp_roots.truncate(mark);
                    match r {
                        Err(e) if e.kind == ErrKind::StopIteration => {
                            self.last_stop = Some(e);
                            Ok(None)
                        }
                        r => r.map(Some),
                    }
                }
                Iter::Filter { func, iter } => {
                    let (f, inner) = (*func, *iter);
                    loop {
                        let Some(v) = self.next_nested(inner)? else {
                            return Ok(None);
                        };
                        let keep = if f == Value::None {
                            self.truthy(v)?
                        } else {
                            self.temp_roots.push(v);
                            let r = self.call_value(f, &[v]);
                            self.temp_roots.pop();
                            let r = r?;
                            self.truthy(r)?
                        };
                        if keep {
                            return Ok(Some(v));
                        }
                    }
                }
                Iter::Call { func, sentinel } => {
                    let (f, s) = (*func, *sentinel);
                    let v = match self.call_value(f, &[]) {
                        Err(e) if e.kind == ErrKind::StopIteration => return Ok(None),
                        r => r?,
                    };
                    if self.eq(v, s)? {
                        return Ok(None);
                    }
                    Ok(Some(v))
                }
            },
            Obj::Generator(_) => self.generator_next(it, Value::None),
            Obj::Instance(_) => {
                let f = self.special(it, "__next__");
                let Some(f) = f else {
                    return Err(PyErr::type_error(alloc::format!(
                        "'{}' object isn't an iterator",
                        self.type_name(it)
                    )));
                };
                match self.call_value(f, &[it]) {
                    Ok(v) => Ok(Some(v)),
                    Err(e) if e.kind == ErrKind::StopIteration => {
                        self.last_stop = Some(e);
                        Ok(None)
                    }
                    Err(e) => Err(e),
                }
            }
            _ => Err(PyErr::type_error(alloc::format!(
                "'{}' object isn't an iterator",
                self.type_name(it)
            ))),
        }
    }

    /// Item `i` of a sequence for iteration, `None` past the end.
    fn seq_item(&mut self, seq: Value, i: usize) -> PResult<Option<Value>> {
        let Value::Obj(r) = seq else { return Ok(None) };
        match self.heap.get(r) {
            Obj::List(items) => Ok(items.get(i).copied()),
            Obj::Tuple(items) => Ok(items.get(i).copied()),
            Obj::Bytes(b) => Ok(b.get(i).map(|x| Value::Int(i64::from(*x)))),
            Obj::ByteArray(b) => Ok(b.get(i).map(|x| Value::Int(i64::from(*x)))),
            Obj::Array(code, data) => {
                let (code, n) = (*code, crate::objects::array::len(*code, data));
                if i >= n {
                    return Ok(None);
                }
                self.array_value(r, code, i).map(Some)
            }
            Obj::MemoryView(_, _, len, _) => {
                if i >= *len {
                    return Ok(None);
                }
                self.getitem(seq, Value::Int(i as i64)).map(Some)
            }
            Obj::Str(s) => {
                // `i` counts characters; walk from the start (strings are short on boards).
                let Some(c) = s.chars().nth(i) else {
                    return Ok(None);
                };
                let mut buf = [0u8; 4];
                self.str_value(c.encode_utf8(&mut buf)).map(Some)
            }
            Obj::Instance(_) => match self.getitem(seq, Value::Int(i as i64)) {
                Ok(v) => Ok(Some(v)),
                Err(e) if e.kind == ErrKind::IndexError || e.kind == ErrKind::StopIteration => {
                    Ok(None)
                }
                Err(e) => Err(e),
            },
            _ => Ok(None),
        }
    }

    pub(crate) fn len(&mut self, v: Value) -> PResult<usize> {
        if let Value::Obj(r) = v {
            let n = match self.heap.get(r) {
                Obj::Str(s) => Some(s.chars().count()),
                Obj::Bytes(b) => Some(b.len()),
                Obj::ByteArray(b) => Some(b.len()),
                Obj::MemoryView(_, _, n, _) => Some(*n),
                Obj::Array(code, data) => Some(crate::objects::array::len(*code, data)),
                Obj::DictView(d, _) => self.dict_ref(*d).map(|t| t.len()),
                Obj::List(l) => Some(l.len()),
                Obj::Tuple(t) => Some(t.len()),
                Obj::Dict(d) | Obj::Set(d, _) => Some(d.len()),
                Obj::Range(a, b, c) => Some(range_len(*a, *b, *c)),
                _ => None,
            };
            if let Some(n) = n {
                return Ok(n);
            }
            if let Some(n) = self.call_special(v, "__len__", &[])? {
                return Ok(self.as_int(n).unwrap_or(0).max(0) as usize);
            }
            if let Some(p) = self.payload(v) {
                return self.len(p);
            }
        }
        Err(PyErr::type_error(alloc::format!(
            "object of type '{}' has no len()",
            self.type_name(v)
        )))
    }
}

impl Interp {
    /// Check and split a value for storing in an array of `code`.
    pub(crate) fn array_item(&self, code: u8, v: Value) -> PResult<(i64, f64, bool)> {
        match self.num(v) {
            Some(NumRef::Int(i)) => Ok((i, 0.0, false)),
            Some(NumRef::Big(b)) => {
                use num_traits::ToPrimitive;
                Ok((
                    b.to_i64()
                        .unwrap_or_else(|| (b.to_u64().unwrap_or(0)) as i64),
                    0.0,
                    false,
                ))
            }
            Some(NumRef::Float(f)) if matches!(code, b'f' | b'd') => Ok((0, f, true)),
            _ => Err(PyErr::type_error(alloc::format!(
                "can't convert {} to {}",
                self.type_name(v),
                if matches!(code, b'f' | b'd') {
                    "float"
                } else {
                    "int"
                }
            ))),
        }
    }

    /// Pack the items of an iterable for an array of `code`.
    pub(crate) fn array_pack(&mut self, code: u8, items: &[Value]) -> PResult<Vec<u8>> {
        let mut data =
            Vec::with_capacity(items.len() * crate::objects::array::item_size(code).unwrap_or(1));
        for v in items {
            let (i, f, is_float) = self.array_item(code, *v)?;
            crate::objects::array::put(code, i, f, is_float, &mut data);
        }
        Ok(data)
    }

    /// Item `k` of an array as a value (a big int for large unsigned 64-bit items).
    fn array_value(&mut self, r: ObjRef, code: u8, k: usize) -> PResult<Value> {
        let Obj::Array(_, data) = self.heap.get(r) else {
            unreachable!("checked by caller")
        };
        match crate::objects::array::big_item(code, data, k) {
            Some(u) => self.num_value(Num::Big(alloc::boxed::Box::new(num_bigint::BigInt::from(
                u,
            )))),
            None => Ok(crate::objects::array::get(code, data, k)),
        }
    }

    fn array_get(&mut self, r: ObjRef, code: u8, i: Value) -> PResult<Value> {
        let Obj::Array(_, data) = self.heap.get(r) else {
            unreachable!("checked by caller")
        };
        let n = crate::objects::array::len(code, data);
        if let Value::Obj(ir) = i
            && let Obj::Slice(a, b, c) = self.heap.get(ir)
        {
            let (a, b, c) = (*a, *b, *c);
            let pos = self.slice_positions(a, b, c, n)?;
            let size = crate::objects::array::item_size(code).unwrap_or(1);
            let Obj::Array(_, data) = self.heap.get(r) else {
                unreachable!("checked")
            };
            let mut out = Vec::with_capacity(pos.len() * size);
            for p in pos {
                out.extend_from_slice(&data[p * size..p * size + size]);
            }
            return self.alloc(Obj::Array(code, out));
        }
        let idx = self.subscript_index(Value::Obj(r), i)?;
        let k = norm_index(idx, n)
            .ok_or_else(|| PyErr::new(ErrKind::IndexError, "array index out of range"))?;
        self.array_value(r, code, k)
    }

    fn array_set(&mut self, r: ObjRef, code: u8, i: Value, v: Value) -> PResult<()> {
        let size = crate::objects::array::item_size(code).unwrap_or(1);
        let n = match self.heap.get(r) {
            Obj::Array(_, data) => crate::objects::array::len(code, data),
            _ => 0,
        };
        if let Value::Obj(ir) = i
            && let Obj::Slice(a, b, c) = self.heap.get(ir)
        {
            let (a, b, c) = (*a, *b, *c);
            let (start, stop, step) = self.slice_indices(a, b, c, n)?;
            if step != 1 {
                return Err(PyErr::new(
                    ErrKind::NotImplementedError,
                    "only slices with step=1 (aka None) are supported",
                ));
            }
            // A buffer on the right is copied raw: its items must be as wide as ours.
            let rhs_size = match v {
                Value::Obj(vr) => match self.heap.get(vr) {
                    Obj::Array(c, _) => crate::objects::array::item_size(*c),
                    Obj::Bytes(_) | Obj::ByteArray(_) => Some(1),
                    _ => None,
                },
                _ => None,
            };
            let new: Vec<u8> = match rhs_size {
                Some(s) if s != size => {
                    return Err(PyErr::new(
                        ErrKind::ValueError,
                        "lhs and rhs should be compatible",
                    ));
                }
                Some(_) => self.as_bytes(v).unwrap_or(&[]).to_vec(),
                None => {
                    let items = self.collect_iterable(v)?;
                    self.array_pack(code, &items)?
                }
            };
            let (lo, hi) = (
                start.max(0) as usize * size,
                stop.max(start).max(0) as usize * size,
            );
            if let Obj::Array(_, data) = self.heap.get_mut(r) {
                data.splice(lo..hi, new);
            }
            self.heap.resize(r);
            return Ok(());
        }
        let idx = self.subscript_index(Value::Obj(r), i)?;
        let k = norm_index(idx, n)
            .ok_or_else(|| PyErr::new(ErrKind::IndexError, "array index out of range"))?;
        let (iv, fv, is_float) = self.array_item(code, v)?;
        let mut bytes = Vec::with_capacity(size);
        crate::objects::array::put(code, iv, fv, is_float, &mut bytes);
        if let Obj::Array(_, data) = self.heap.get_mut(r) {
            data[k * size..k * size + size].copy_from_slice(&bytes);
        }
        Ok(())
    }

    /// `view[i]` and `view[a:b]` of a memoryview: `len` items of type `code` from byte
    /// `start` of `base`.
    fn memoryview_get(
        &mut self,
        base: Value,
        start: usize,
        len: usize,
        code: u8,
        i: Value,
    ) -> PResult<Value> {
        let size = crate::objects::array::item_size(code).unwrap_or(1);
        if let Value::Obj(ir) = i
            && let Obj::Slice(a, b, c) = self.heap.get(ir)
        {
            let (a, b, c) = (*a, *b, *c);
            let (s, e, step) = self.slice_indices(a, b, c, len)?;
            if step != 1 {
                return Err(PyErr::new(
                    ErrKind::NotImplementedError,
                    "only slices with step=1 (aka None) are supported",
                ));
            }
            let n = (e - s).max(0) as usize;
            return self.alloc(Obj::MemoryView(
                base,
                start + s.max(0) as usize * size,
                n,
                code,
            ));
        }
        let idx = self.subscript_index_named("memoryview", i)?;
        let k = norm_index(idx, len)
            .ok_or_else(|| PyErr::new(ErrKind::IndexError, "index out of range"))?;
        let bytes = self.as_bytes(base).unwrap_or(&[]);
        let Some(item) = bytes.get(start + k * size..start + k * size + size) else {
            return Err(PyErr::new(ErrKind::IndexError, "index out of range"));
        };
        if let Some(u) = crate::objects::array::big_item(code, item, 0) {
            return self.num_value(Num::Big(alloc::boxed::Box::new(num_bigint::BigInt::from(
                u,
            ))));
        }
        Ok(crate::objects::array::get(code, item, 0))
    }

    /// `view[i] = v` and `view[a:b] = buffer`, writing through to a bytearray or array.
    fn memoryview_set(
        &mut self,
        base: Value,
        start: usize,
        len: usize,
        code: u8,
        i: Value,
        v: Value,
    ) -> PResult<()> {
        let size = crate::objects::array::item_size(code).unwrap_or(1);
        let Value::Obj(br) = base else {
            unreachable!("views are of objects")
        };
        if !matches!(self.heap.get(br), Obj::ByteArray(_) | Obj::Array(..)) {
            return Err(PyErr::type_error(
                "'memoryview' object doesn't support item assignment",
            ));
        }
        let (at, data): (usize, Vec<u8>) = if let Value::Obj(ir) = i
            && let Obj::Slice(a, b, c) = self.heap.get(ir)
        {
            let (a, b, c) = (*a, *b, *c);
            let (s, e, _) = self.slice_indices(a, b, c, len)?;
            let n = (e - s).max(0) as usize;
            let src = self
                .as_bytes(v)
                .ok_or_else(|| PyErr::type_error("object with buffer protocol required"))?
                .to_vec();
            if src.len() != n * size {
                return Err(PyErr::new(
                    ErrKind::ValueError,
                    "memoryview slice assignment size mismatch",
                ));
            }
            (start + s.max(0) as usize * size, src)
        } else {
            let idx = self.subscript_index_named("memoryview", i)?;
            let k = norm_index(idx, len)
                .ok_or_else(|| PyErr::new(ErrKind::IndexError, "index out of range"))?;
            let (iv, fv, is_float) = self.array_item(code, v)?;
            if code == b'B' && !is_float && !(0..256).contains(&iv) {
                return Err(PyErr::new(
                    ErrKind::ValueError,
                    "byte must be in range(0, 256)",
                ));
            }
            let mut bytes = Vec::with_capacity(size);
            crate::objects::array::put(code, iv, fv, is_float, &mut bytes);
            (start + k * size, bytes)
        };
        match self.heap.get_mut(br) {
            Obj::ByteArray(b) | Obj::Array(_, b) => {
                if let Some(dst) = b.get_mut(at..at + data.len()) {
                    dst.copy_from_slice(&data);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

pub fn range_len(start: i64, stop: i64, step: i64) -> usize {
    let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
    let n = if step > 0 && stop > start {
        (stop - start + step - 1) / step
    } else if step < 0 && stop < start {
        (start - stop - step - 1) / -step
    } else {
        0
    };
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// `a is b`.
pub fn identical(a: Value, b: Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

/// A stable identity for `id()` and default reprs.
pub fn obj_id(r: ObjRef) -> u64 {
    0x7f00_0000 + u64::from(r.index()) * 16
}

/// A hash for an unboxed value (for identity-like hashing of a bound method's receiver).
fn other_hash(v: Value) -> u64 {
    match v {
        Value::Int(i) => i as u64,
        Value::Bool(b) => u64::from(b),
        Value::Float(f) => f.to_bits(),
        _ => 0x9e37_79b9,
    }
}

/// Bytes of one value in a container.
pub(crate) const VALUE_SIZE: usize = core::mem::size_of::<Value>();

pub(crate) fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}
