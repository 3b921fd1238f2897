//! Calling: binding arguments to a Python function's slots, native functions, bound methods,
//! class instantiation; generators; raising and matching exceptions; class creation.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use crate::bytecode::Code;
use crate::error::{ErrKind, PyErr, TraceEntry};
use crate::gc::{Obj, ObjRef};
use crate::interner::Sym;
use crate::objects::class::{Attrs, Class, ExcData, Instance, Tag};
use crate::objects::function::{Function, GenState, Generator};
use crate::value::Value;
use crate::vm::{Args, Block, Exit, FrameKind, Interp, PResult};

/// How deep native code may nest calls back into Python.
pub(crate) const MAX_NATIVE_DEPTH: usize = 48;

/// What a resumed generator did.
pub(crate) enum GenOut {
    Yield(Value),
    Return(Value),
}

/// What a `yield from` delegate did with a thrown exception.
enum Delegated {
    /// It yielded: the delegating generator yields that too.
    Yield(Value),
    /// It finished: the value of the `yield from`.
    Return(Value),
    /// Raise this in the delegating generator.
    Raise(PyErr),
}

impl Interp {
    /// Call `f(*args)` from native code and run it to completion.
    pub(crate) fn call_value(&mut self, f: Value, args: &[Value]) -> PResult<Value> {
        let callee_at = self.exec.stack.len();
        self.exec.stack.push(f);
        self.exec.stack.extend_from_slice(args);
        self.finish_call(callee_at, args.len(), Value::Undef, 0)
    }

    /// Call the callee laid out at `callee_at` and run it to completion.
    pub(crate) fn finish_call(
        &mut self,
        callee_at: usize,
        n_args: usize,
        kwnames: Value,
        n_kw: usize,
    ) -> PResult<Value> {
        let r = match self.call_at(callee_at, n_args, kwnames, n_kw) {
            Ok(Some(v)) => {
                self.exec.stack.truncate(callee_at);
                return Ok(v);
            }
            Ok(None) => {
                if self.exec.native_depth >= MAX_NATIVE_DEPTH {
                    let frame = self.exec.frames.pop().expect("just pushed");
                    self.exec.blocks.truncate(frame.blocks_base);
                    self.exec.stack.truncate(callee_at);
                    return Err(PyErr::new(
                        ErrKind::RuntimeError,
                        "maximum recursion depth exceeded",
                    ));
                }
                self.exec.native_depth += 1;
                let stop = self.exec.frames.len() - 1;
                let r = self.run(stop);
                self.exec.native_depth -= 1;
                r
            }
            Err(e) => Err(e),
        };
        match r {
            Ok(Exit::Return(v)) | Ok(Exit::Yield(v)) => Ok(v),
            Err(e) => {
                self.exec.stack.truncate(callee_at);
                Err(e)
            }
        }
    }

    /// Call the callee at `stack[callee_at]` with `n_args` positional values after it and
    /// `n_kw` keyword values after those (named by the tuple `kwnames`). Returns the result,
    /// or `None` when a Python frame was pushed for the loop to run.
    pub(crate) fn call_at(
        &mut self,
        callee_at: usize,
        n_args: usize,
        kwnames: Value,
        n_kw: usize,
    ) -> PResult<Option<Value>> {
        let callee = self.exec.stack[callee_at];
        match callee {
            Value::Builtin(id) => {
                let native = self.natives[id as usize];
                if n_args < native.min as usize
                    || (n_args > native.max as usize && native.max != crate::vm::VARARGS)
                    || (n_kw > 0 && !native.kw)
                {
                    return Err(native_args_error(&native, n_args, n_kw));
                }
                // (A method with an owner takes at least its receiver: see `add_methods`.)
                if let Some(owner) = native.owner {
                    let this = self.exec.stack[callee_at + 1];
                    let class = self.class_of(this);
                    if class != owner && !self.is_subclass(class, owner) {
                        return Err(PyErr::type_error(alloc::format!(
                            "argument should be a '{}' not a '{}'",
                            self.class_name(owner),
                            self.class_name(class)
                        )));
                    }
                }
                let args = Args {
                    start: callee_at + 1,
                    len: n_args,
                    kwnames,
                    n_kw,
                };
                (native.func)(self, args).map(Some)
            }
            Value::Obj(r) => match self.gc.heap.get(r) {
                Obj::Function(_) => {
                    self.call_function(r, callee_at, n_args, kwnames, n_kw, FrameKind::Normal)
                }
                Obj::BoundMethod(this, f) => {
                    let (this, f) = (*this, *f);
                    self.exec.stack[callee_at] = f;
                    self.exec.stack.insert(callee_at + 1, this);
                    self.call_at(callee_at, n_args + 1, kwnames, n_kw)
                }
                Obj::Class(_) => self.instantiate(r, callee_at, n_args, kwnames, n_kw),
                Obj::Instance(_) => match self.special(callee, Sym::__call__) {
                    Some(f) => {
                        self.exec.stack[callee_at] = f;
                        self.exec.stack.insert(callee_at + 1, callee);
                        self.call_at(callee_at, n_args + 1, kwnames, n_kw)
                    }
                    None => Err(self.not_callable(callee)),
                },
                _ => Err(self.not_callable(callee)),
            },
            _ => Err(self.not_callable(callee)),
        }
    }

    fn not_callable(&self, v: Value) -> PyErr {
        PyErr::type_error(alloc::format!(
            "'{}' object isn't callable",
            self.type_name(v)
        ))
    }

    /// Bind arguments into slots and push the frame (or make the generator).
    fn call_function(
        &mut self,
        fref: ObjRef,
        callee_at: usize,
        n_args: usize,
        kwnames: Value,
        n_kw: usize,
        kind: FrameKind,
    ) -> PResult<Option<Value>> {
        let tr_mark = self.gc.temp_roots.len();
        let Obj::Function(func) = self.gc.heap.get(fref) else {
            unreachable!("checked by the caller")
        };
        let code = func.code.clone();
        let module = func.module;
        // Every call polls the interrupt flag: recursion has no backward jumps.
        self.check_interrupt()?;
        if self.exec.frames.len() >= self.config.max_depth {
            return Err(PyErr::new(
                ErrKind::RuntimeError,
                "maximum recursion depth exceeded",
            ));
        }
        let base = callee_at + 1;
        let p = code.shape.n_params as usize;
        let simple = n_kw == 0
            && n_args == p
            && code.shape.n_kwonly == 0
            && !code.shape.has_varargs
            && !code.shape.has_varkw;
        if simple {
            for _ in p..code.shape.n_slots as usize {
                self.exec.stack.push(Value::Undef);
            }
        } else {
            let slots = self.bind_slow(fref, &code, base, n_args, kwnames, n_kw)?;
            self.exec.stack.truncate(base);
            self.exec.stack.extend_from_slice(&slots);
            self.gc.temp_roots.truncate(tr_mark);
        }
        // Captured variables: fresh cells for our own, the closure's for the outer ones.
        for &s in &code.shape.cell_slots {
            let v = self.exec.stack[base + s as usize];
            let cell = self.alloc(Obj::Cell(v))?;
            self.exec.stack[base + s as usize] = cell;
        }
        if code.shape.n_free > 0 {
            let Obj::Function(func) = self.gc.heap.get(fref) else {
                unreachable!("checked")
            };
            let closure = func.closure.clone();
            let first = code.shape.n_slots as usize - code.shape.n_free as usize;
            for (i, c) in closure.into_iter().enumerate() {
                self.exec.stack[base + first + i] = c;
            }
        }
        if code.shape.is_generator {
            let saved = self.exec.stack[base..].to_vec();
            let gen_obj = Obj::Generator(Box::new(Generator {
                func: Value::Obj(fref),
                code,
                module,
                saved,
                pc: 0,
                state: GenState::Created,
                handlers: Vec::new(),
                pending: Value::None,
            }));
            let g = self.alloc(gen_obj)?;
            self.exec.stack.truncate(callee_at);
            return Ok(Some(g));
        }
        self.push_frame(code, base, module, None, kind);
        Ok(None)
    }

    /// The general case of argument binding: defaults, keywords, `*args`, `**kwargs`.
    fn bind_slow(
        &mut self,
        fref: ObjRef,
        code: &Code,
        base: usize,
        n_args: usize,
        kwnames: Value,
        n_kw: usize,
    ) -> PResult<Vec<Value>> {
        let name = code.name.clone();
        let p = code.shape.n_params as usize;
        let k = code.shape.n_kwonly as usize;
        let mut slots = alloc::vec![Value::Undef; code.shape.n_slots as usize];
        let args: Vec<Value> = self.exec.stack[base..base + n_args].to_vec();
        let kwvals: Vec<Value> = self.exec.stack[base + n_args..base + n_args + n_kw].to_vec();
        let kwkeys = self.tuple_items(kwnames);
        for (i, a) in args.iter().take(p).enumerate() {
            slots[i] = *a;
        }
        let mut next_slot = p + k;
        if code.shape.has_varargs {
            let extra = if n_args > p {
                args[p..].to_vec()
            } else {
                Vec::new()
            };
            slots[next_slot] = self.tuple(extra)?;
            self.gc.temp_roots.push(slots[next_slot]);
            next_slot += 1;
        } else if n_args > p {
            return Err(PyErr::type_error(alloc::format!(
                "{name}() takes {p} positional arguments but {n_args} were given"
            )));
        }
        let varkw = if code.shape.has_varkw {
            let d = self.new_dict()?;
            self.gc.temp_roots.push(d);
            slots[next_slot] = d;
            Some(d)
        } else {
            None
        };
        for (key, value) in kwkeys.iter().zip(kwvals) {
            let Some(text) = self.as_str(*key) else {
                continue;
            };
            let id = self.interner.lookup(text);
            let pos = id.and_then(|id| code.shape.param_names.iter().position(|n| *n == id));
            match pos {
                Some(i) => {
                    if slots[i] != Value::Undef {
                        return Err(PyErr::type_error(alloc::format!(
                            "function got multiple values for argument '{text}'"
                        )));
                    }
                    slots[i] = value;
                }
                None => match varkw {
                    Some(d) => self.dict_set(d, *key, value)?,
                    None => {
                        return Err(PyErr::type_error(alloc::format!(
                            "unexpected keyword argument '{text}'"
                        )));
                    }
                },
            }
        }
        let Obj::Function(func) = self.gc.heap.get(fref) else {
            unreachable!("checked")
        };
        let defaults = func.defaults.clone();
        let kwdefaults = func.kwdefaults.clone();
        let first_default = p - defaults.len().min(p);
        let mut missing = None;
        for (i, slot) in slots.iter_mut().enumerate().take(p) {
            if *slot == Value::Undef {
                if i >= first_default {
                    *slot = defaults[i - first_default];
                } else {
                    missing = Some(i);
                }
            }
        }
        // MicroPython's messages: by count when only positional arguments were given, else
        // by the (0-based) position of the last one missing.
        if let Some(i) = missing {
            return Err(PyErr::type_error(if n_kw == 0 && kwdefaults.is_empty() {
                alloc::format!(
                    "{name}() takes {first_default} positional arguments but {n_args} were given"
                )
            } else {
                alloc::format!("function missing required positional argument #{i}")
            }));
        }
        for j in 0..k {
            if slots[p + j] == Value::Undef {
                let id = code.shape.param_names[p + j];
                match kwdefaults.iter().find(|(n, _)| *n == id) {
                    Some((_, v)) => slots[p + j] = *v,
                    None => {
                        return Err(PyErr::type_error(alloc::format!(
                            "function missing required keyword argument '{}'",
                            self.interner.name(id)
                        )));
                    }
                }
            }
        }
        Ok(slots)
    }

    /// `MakeFunction`: pop closure, kwdefaults and defaults as `flags` says.
    pub(crate) fn make_function(
        &mut self,
        code: Rc<Code>,
        module: ObjRef,
        flags: u8,
    ) -> PResult<Value> {
        let n = (flags & 1) as usize + ((flags >> 1) & 1) as usize + ((flags >> 2) & 1) as usize;
        let start = self.exec.stack.len() - n;
        let mut at = start;
        let mut defaults = Vec::new();
        let mut kwdefaults = Vec::new();
        let mut closure = Vec::new();
        if flags & 1 != 0 {
            defaults = self.tuple_items(self.exec.stack[at]);
            at += 1;
        }
        if flags & 2 != 0 {
            let d = self.exec.stack[at];
            for (key, v) in self.dict_items(d)? {
                if let Some(s) = self.as_str(key) {
                    let s = String::from(s);
                    kwdefaults.push((self.interner.intern(&s), v));
                }
            }
            at += 1;
        }
        if flags & 4 != 0 {
            closure = self.tuple_items(self.exec.stack[at]);
        }
        let f = self.alloc(Obj::Function(Box::new(Function {
            code,
            module,
            defaults,
            kwdefaults,
            closure,
        })))?;
        self.exec.stack.truncate(start);
        Ok(f)
    }

    // ---- classes ----

    /// `class name(bases): body` — the body runs with the new class as its namespace.
    pub(crate) fn make_class(&mut self, body: Value, name: Value, bases: Value) -> PResult<Value> {
        let name = String::from(self.as_str(name).unwrap_or("?"));
        let mut base_refs = Vec::new();
        for b in self.tuple_items(bases) {
            match b {
                Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Class(_)) => base_refs.push(r),
                _ => return Err(PyErr::type_error("bases must be types")),
            }
        }
        if base_refs.is_empty() {
            base_refs.push(self.types.object);
        }
        let tag = self.base_layout(&base_refs)?;
        let Some(mro) = crate::types::c3_mro(self, None, &base_refs) else {
            return Err(PyErr::type_error(
                "Cannot create a consistent method resolution order (MRO)",
            ));
        };
        let class = self.alloc(Obj::Class(Box::new(Class {
            name: Rc::from(name.as_str()),
            bases: base_refs,
            mro: Vec::new(),
            attrs: Attrs::default(),
            tag,
            builtin: false,
            make: None,
        })))?;
        let Value::Obj(cref) = class else {
            unreachable!("alloc gives objects")
        };
        if let Obj::Class(c) = self.gc.heap.get_mut(cref) {
            c.mro = core::iter::once(cref).chain(mro).collect();
        }
        if body == Value::None {
            return Ok(class);
        }
        self.gc.temp_roots.push(class);
        // Run the body: a function whose frame stores names into the class.
        let callee_at = self.exec.stack.len();
        self.exec.stack.push(body);
        let result = match self.call_at(callee_at, 0, Value::Undef, 0) {
            Ok(None) => {
                self.exec.frames.last_mut().expect("pushed").ns = Some(cref);
                let stop = self.exec.frames.len() - 1;
                self.exec.native_depth += 1;
                let r = self.run(stop);
                self.exec.native_depth -= 1;
                r.map(|exit| match exit {
                    Exit::Return(v) | Exit::Yield(v) => v,
                })
            }
            Ok(Some(v)) => Ok(v),
            Err(e) => Err(e),
        };
        self.exec.stack.truncate(callee_at);
        self.gc.temp_roots.retain(|v| *v != class);
        let cell = result?;
        if let Value::Obj(r) = cell
            && let Obj::Cell(c) = self.gc.heap.get_mut(r)
        {
            *c = class;
        }
        // `__new__` is a static method even without the decorator.
        let new_id = Sym::__new__.id();
        let plain_new = match self.gc.heap.get(cref) {
            Obj::Class(c) => c.attrs.get(&new_id).copied().filter(
                |v| matches!(v, Value::Obj(r) if matches!(self.gc.heap.get(*r), Obj::Function(_))),
            ),
            _ => None,
        };
        if let Some(f) = plain_new {
            // (The class is rooted nowhere else while the wrapper is allocated.)
            self.gc.temp_roots.push(class);
            let sm = self.alloc(Obj::StaticMethod(f));
            self.gc.temp_roots.retain(|t| *t != class);
            self.module_set(cref, new_id, sm?);
        }
        // Attributes that want to know their name and owner (`__set_name__`).
        let attrs: Vec<(u32, Value)> = match self.gc.heap.get(cref) {
            Obj::Class(c) => c.attrs.iter().map(|(k, v)| (*k, *v)).collect(),
            _ => Vec::new(),
        };
        self.gc.temp_roots.push(class);
        for (k, v) in attrs {
            if self.special(v, Sym::__set_name__).is_some() {
                let name = self.interner.name_rc(k);
                let n = self.str_value(&name)?;
                if let Err(e) = self.call_special(v, Sym::__set_name__, &[class, n]) {
                    self.gc.temp_roots.retain(|t| *t != class);
                    return Err(e);
                }
            }
        }
        self.gc.temp_roots.retain(|t| *t != class);
        Ok(class)
    }

    /// `type(name, bases, dict)`.
    /// The built-in type whose layout a new class's instances take from its bases: at most
    /// one, and one that can make instances (not `function` or `bound_method`).
    fn base_layout(&self, bases: &[ObjRef]) -> PResult<Tag> {
        let mut layout = Tag::User;
        for b in bases {
            let tag = self.tag_of(*b);
            let constructible = match tag {
                Tag::Object | Tag::User | Tag::Exc(_) | Tag::Data => true,
                Tag::Iterator => self.data_constructor(*b).is_some(),
                t => crate::builtins::constructor(t).is_some(),
            };
            if !constructible {
                return Err(PyErr::type_error(alloc::format!(
                    "type '{}' isn't an acceptable base type",
                    self.class_name(*b)
                )));
            }
            let same =
                |a: Tag, b: Tag| a == b || (matches!(a, Tag::Exc(_)) && matches!(b, Tag::Exc(_)));
            match tag {
                Tag::Object | Tag::User => {}
                t if layout == Tag::User => layout = t,
                t if same(layout, t) => {}
                _ => {
                    return Err(PyErr::type_error(
                        "multiple bases have instance lay-out conflict",
                    ));
                }
            }
        }
        Ok(layout)
    }

    pub(crate) fn make_class_from_dict(
        &mut self,
        name: Value,
        bases: Value,
        ns: Value,
    ) -> PResult<Value> {
        let pairs = self.dict_items(ns)?;
        let class = self.make_class(Value::None, name, bases)?;
        let Value::Obj(cref) = class else {
            unreachable!("classes are objects")
        };
        for (k, v) in pairs {
            if let Some(text) = self.as_str(k) {
                let text = String::from(text);
                let id = self.interner.intern(&text);
                self.module_set(cref, id, v);
            }
        }
        Ok(class)
    }

    /// Call a class: make an instance and run `__init__`.
    fn instantiate(
        &mut self,
        cref: ObjRef,
        callee_at: usize,
        n_args: usize,
        kwnames: Value,
        n_kw: usize,
    ) -> PResult<Option<Value>> {
        let tag = self.tag_of(cref);
        let args = Args {
            start: callee_at + 1,
            len: n_args,
            kwnames,
            n_kw,
        };
        let native_tag = !matches!(tag, Tag::User | Tag::Exc(_) | Tag::Object);
        if native_tag && self.is_builtin_class(cref) {
            // A built-in type: its constructor makes the value.
            return match self.constructor_of(cref, tag) {
                Some(f) => f(self, args).map(Some),
                None => Err(PyErr::type_error(alloc::format!(
                    "cannot create '{}' instances",
                    self.class_name(cref)
                ))),
            };
        }
        let new_id = Sym::__new__.id();
        let init_id = Sym::__init__.id();
        let user_new = self
            .lookup(cref, new_id)
            .filter(|v| self.is_python_callable(*v));
        let user_init = self
            .lookup(cref, init_id)
            .filter(|v| self.is_python_callable(*v));
        let instance = match user_new {
            Some(new) => {
                // __new__(cls, *args): a static method by convention.
                let f = match new {
                    Value::Obj(r) => match self.gc.heap.get(r) {
                        Obj::StaticMethod(f) => *f,
                        _ => new,
                    },
                    _ => new,
                };
                let at = self.exec.stack.len();
                self.exec.stack.push(f);
                self.exec.stack.push(Value::Obj(cref));
                for i in 0..n_args + n_kw {
                    let v = self.exec.stack[callee_at + 1 + i];
                    self.exec.stack.push(v);
                }
                let inst = self.finish_call(at, n_args + 1, kwnames, n_kw)?;
                if !self.is_instance(inst, cref) {
                    return Ok(Some(inst));
                }
                inst
            }
            None if tag == Tag::Data => {
                // The data object the native constructor makes becomes the instance.
                let f = self.constructor_of(cref, tag).ok_or_else(|| {
                    PyErr::type_error(alloc::format!(
                        "cannot create '{}' instances",
                        self.class_name(cref)
                    ))
                })?;
                let a = if user_init.is_some() {
                    Args {
                        len: 0,
                        n_kw: 0,
                        kwnames: Value::Undef,
                        ..args
                    }
                } else {
                    args
                };
                let inst = f(self, a)?;
                if let Value::Obj(r) = inst
                    && let Obj::Instance(i) = self.gc.heap.get_mut(r)
                {
                    i.class = cref;
                }
                inst
            }
            None => {
                let native = if native_tag {
                    // Mutable containers start empty when the subclass has its own
                    // __init__ (which may take other arguments); values are made from the
                    // arguments.
                    let mutable = matches!(tag, Tag::List | Tag::Dict | Tag::Set | Tag::ByteArray);
                    let f = self.constructor_of(cref, tag).ok_or_else(|| {
                        PyErr::type_error(alloc::format!(
                            "cannot create '{}' instances",
                            self.class_name(cref)
                        ))
                    })?;
                    let a = if mutable && user_init.is_some() {
                        Args {
                            len: 0,
                            n_kw: 0,
                            kwnames: Value::Undef,
                            ..args
                        }
                    } else {
                        args
                    };
                    f(self, a)?
                } else {
                    Value::Undef
                };
                let roots_mark = self.gc.temp_roots.len();
                self.gc.temp_roots.push(native);
                let is_exc = matches!(tag, Tag::Exc(_));
                let make = |vm: &mut Interp| {
                    let exc = if is_exc {
                        let argv = vm.exec.stack[callee_at + 1..callee_at + 1 + n_args].to_vec();
                        Some(vm.exc_data(argv, roots_mark + 1)?)
                    } else {
                        None
                    };
                    vm.alloc(Obj::Instance(Box::new(Instance {
                        class: cref,
                        attrs: Attrs::default(),
                        exc,
                        native,
                        data: None,
                    })))
                };
                // An exception can always be made, even with the heap locked or full.
                let inst = if is_exc {
                    self.or_emergency(make)
                } else {
                    make(self)
                };
                self.gc.temp_roots.truncate(roots_mark);
                let inst = inst?;
                if user_init.is_none()
                    && !native_tag
                    && !matches!(tag, Tag::Exc(_))
                    && (n_args > 0 || n_kw > 0)
                {
                    return Err(PyErr::type_error(alloc::format!(
                        "{}() takes no arguments",
                        self.class_name(cref)
                    )));
                }
                inst
            }
        };
        match user_init {
            Some(init @ Value::Obj(ir)) if matches!(self.gc.heap.get(ir), Obj::Function(_)) => {
                self.exec.stack[callee_at] = init;
                self.exec.stack.insert(callee_at + 1, instance);
                self.call_function(ir, callee_at, n_args + 1, kwnames, n_kw, FrameKind::Init)
            }
            _ => Ok(Some(instance)),
        }
    }

    /// The native constructor of a built-in class or of the built-in base of a class.
    fn constructor_of(&self, class: ObjRef, tag: Tag) -> Option<crate::vm::NativeFn> {
        match tag {
            // Data objects and the lazy iterators (`map`) have their constructor in the class.
            Tag::Data | Tag::Iterator => self.data_constructor(class),
            t => crate::builtins::constructor(t),
        }
    }

    /// Defined in Python (a function, or a static/class method wrapping one)?
    fn is_python_callable(&self, v: Value) -> bool {
        match v {
            Value::Obj(r) => match self.gc.heap.get(r) {
                Obj::Function(_) => true,
                Obj::StaticMethod(f) | Obj::ClassMethod(f) => self.is_python_callable(*f),
                _ => false,
            },
            _ => false,
        }
    }

    /// `object.__new__(cls)` and the `__new__` of built-in types: a bare instance of `cls`,
    /// carrying a built-in value made from the arguments when `cls` derives from one.
    pub(crate) fn new_instance_of(&mut self, cls: Value, args: Args) -> PResult<Value> {
        let Value::Obj(cref) = cls else {
            return Err(PyErr::type_error("__new__(X): X is not a type object"));
        };
        if !matches!(self.gc.heap.get(cref), Obj::Class(_)) {
            return Err(PyErr::type_error("__new__(X): X is not a type object"));
        }
        let tag = self.tag_of(cref);
        let rest = Args {
            start: args.start + 1,
            len: args.len.saturating_sub(1),
            ..args
        };
        let native = match tag {
            Tag::User | Tag::Object | Tag::Exc(_) => Value::Undef,
            t => match crate::builtins::constructor(t) {
                Some(f) => f(self, rest)?,
                None => Value::Undef,
            },
        };
        if self.is_builtin_class(cref) && native != Value::Undef {
            return Ok(native);
        }
        let roots_mark = self.gc.temp_roots.len();
        self.gc.temp_roots.push(native);
        let exc = if let Tag::Exc(_) = tag {
            let argv = self.exec.stack[rest.start..rest.start + rest.len].to_vec();
            Some(self.exc_data(argv, roots_mark)?)
        } else {
            None
        };
        let r = self.alloc(Obj::Instance(Box::new(Instance {
            class: cref,
            attrs: Attrs::default(),
            exc,
            native,
            data: None,
        })));
        self.gc.temp_roots.truncate(roots_mark);
        r
    }

    /// The exception state of a new exception instance: `args` as a tuple, kept in
    /// `temp_roots` until the instance exists. On error the roots go back to `roots_mark`.
    fn exc_data(&mut self, args: Vec<Value>, roots_mark: usize) -> PResult<Box<ExcData>> {
        match self.tuple(args) {
            Ok(t) => {
                self.gc.temp_roots.push(t);
                Ok(Box::new(ExcData {
                    args: t,
                    traceback: Vec::new(),
                }))
            }
            Err(e) => {
                self.gc.temp_roots.truncate(roots_mark);
                Err(e)
            }
        }
    }

    // ---- generators ----

    /// Resume a generator with `sent` (or by raising `throw` at its yield point).
    /// Resume a generator with `sent` (the value of its `yield`), or with `throw`: what
    /// `throw()` was given (an exception class or instance; a delegate's own `throw`
    /// receives anything as it is).
    pub(crate) fn gen_resume(
        &mut self,
        g: Value,
        sent: Value,
        throw: Option<Value>,
    ) -> PResult<GenOut> {
        let Value::Obj(gr) = g else {
            unreachable!("generators are objects")
        };
        let Obj::Generator(gen_obj) = self.gc.heap.get_mut(gr) else {
            return Err(PyErr::type_error("not a generator"));
        };
        // An exception from `pend_throw` takes the place of the value sent.
        let throw = match throw {
            None if gen_obj.pending != Value::None && gen_obj.state != GenState::Running => {
                Some(core::mem::replace(&mut gen_obj.pending, Value::None))
            }
            throw => throw,
        };
        match gen_obj.state {
            GenState::Running => {
                return Err(PyErr::new(
                    ErrKind::ValueError,
                    "generator already executing",
                ));
            }
            GenState::Done => {
                return match throw {
                    Some(v) => Err(self.make_raise(v)?),
                    None => Ok(GenOut::Return(Value::None)),
                };
            }
            GenState::Created if sent != Value::None && throw.is_none() => {
                return Err(PyErr::type_error(
                    "can't send non-None value to a just-started generator",
                ));
            }
            _ => {}
        }
        let started = gen_obj.state == GenState::Suspended;
        gen_obj.state = GenState::Running;
        let saved = core::mem::take(&mut gen_obj.saved);
        let handlers = core::mem::take(&mut gen_obj.handlers);
        let (code, module, pc) = (gen_obj.code.clone(), gen_obj.module, gen_obj.pc);
        if self.exec.frames.len() >= self.config.max_depth
            || self.exec.native_depth >= MAX_NATIVE_DEPTH
        {
            if let Obj::Generator(gen_obj) = self.gc.heap.get_mut(gr) {
                gen_obj.saved = saved;
                gen_obj.handlers = handlers;
                gen_obj.state = if started {
                    GenState::Suspended
                } else {
                    GenState::Created
                };
            }
            return Err(PyErr::new(
                ErrKind::RuntimeError,
                "maximum recursion depth exceeded",
            ));
        }
        let callee_at = self.exec.stack.len();
        self.exec.stack.push(g);
        let base = self.exec.stack.len();
        self.exec.stack.extend_from_slice(&saved);
        self.push_frame(code, base, module, None, FrameKind::Generator(gr));
        for (target, rel) in handlers {
            self.exec.blocks.push(Block {
                target,
                stack_len: base + rel as usize,
                handling_len: self.exec.handling.len(),
            });
        }
        self.exec.frames.last_mut().expect("pushed").pc = pc;
        if started {
            self.exec.stack.push(sent);
        }
        let stop = self.exec.frames.len() - 1;
        self.exec.native_depth += 1;
        let mut throw_err = None;
        if let Some(v) = throw {
            let in_yield_from = started
                && matches!(
                    self.exec.frames[stop].code.ops.get(pc),
                    Some(crate::bytecode::Op::YieldFrom)
                );
            if in_yield_from {
                // A generator suspended in `yield from` passes the throw to its delegate.
                match self.throw_to_delegate(v) {
                    Delegated::Yield(y) => {
                        self.exec.native_depth -= 1;
                        self.suspend_generator();
                        return Ok(GenOut::Yield(y));
                    }
                    Delegated::Return(r) => {
                        *self.exec.stack.last_mut().expect("sub") = r;
                        self.exec.frames[stop].pc = pc + 1;
                    }
                    Delegated::Raise(e) => throw_err = Some(e),
                }
            } else {
                throw_err = Some(self.make_raise(v).unwrap_or_else(|e| e));
            }
        }
        let r = match throw_err {
            // Raised inside the generator's frame, where it is suspended: the one unwinder,
            // with no traceback entry for that frame (it did not run).
            Some(mut e) => {
                e.reraise = true;
                self.handle(e, stop).and_then(|()| self.run(stop))
            }
            None => self.run(stop),
        };
        self.exec.native_depth -= 1;
        match r {
            Ok(Exit::Yield(v)) => Ok(GenOut::Yield(v)),
            Ok(Exit::Return(v)) => {
                self.exec.stack.truncate(callee_at);
                Ok(GenOut::Return(v))
            }
            // PEP 479: a StopIteration escaping a generator's body becomes a RuntimeError.
            Err(e) if e.kind == ErrKind::StopIteration => {
                self.exec.stack.truncate(callee_at);
                Err(PyErr::new(
                    ErrKind::RuntimeError,
                    "generator raised StopIteration",
                ))
            }
            Err(e) => {
                self.exec.stack.truncate(callee_at);
                Err(e)
            }
        }
    }

    /// `throw(v)` reaching a generator suspended in `yield from` (the stack holds
    /// `[sub sent]`): GeneratorExit closes the delegate and is raised here; anything else
    /// goes to the delegate's `throw` (raised here if it has none).
    fn throw_to_delegate(&mut self, v: Value) -> Delegated {
        self.exec.stack.pop();
        let sub = *self.exec.stack.last().expect("sub-iterator");
        let raise =
            |vm: &mut Interp, v: Value| Delegated::Raise(vm.make_raise(v).unwrap_or_else(|e| e));
        let exit = self.types.exc(ErrKind::GeneratorExit);
        let is_exit = match v {
            Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Class(_)) => {
                self.is_subclass(r, exit)
            }
            _ => self.is_instance(v, exit),
        };
        if is_exit {
            return match self.close_iterator(sub) {
                Ok(()) => raise(self, v),
                Err(e) => Delegated::Raise(e),
            };
        }
        if matches!(sub, Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Generator(_))) {
            return match self.gen_resume(sub, Value::None, Some(v)) {
                Ok(GenOut::Yield(y)) => Delegated::Yield(y),
                Ok(GenOut::Return(r)) => Delegated::Return(r),
                Err(e) => Delegated::Raise(e),
            };
        }
        let throw_id = self.interner.intern("throw");
        match self.getattr_opt(sub, throw_id) {
            Ok(Some(f)) => match self.call_value(f, &[v]) {
                Ok(y) => Delegated::Yield(y),
                Err(e) if e.kind == ErrKind::StopIteration => {
                    Delegated::Return(self.stop_iteration_value(&e))
                }
                Err(e) => Delegated::Raise(e),
            },
            Ok(None) => raise(self, v),
            Err(e) => Delegated::Raise(e),
        }
    }

    /// The value a `StopIteration` carries (the result of the iterator that raised it).
    fn stop_iteration_value(&self, e: &PyErr) -> Value {
        match e.value {
            Some(exc) => self
                .tuple_items(self.exc_args(exc))
                .first()
                .copied()
                .unwrap_or(Value::None),
            None => Value::None,
        }
    }

    /// `close()` an iterator: a generator, or any object with a `close` method.
    fn close_iterator(&mut self, it: Value) -> PResult<()> {
        if matches!(it, Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Generator(_))) {
            return self.close_generator(it);
        }
        let close_id = self.interner.intern("close");
        if let Some(f) = self.getattr_opt(it, close_id)? {
            self.call_value(f, &[])?;
        }
        Ok(())
    }

    /// `generator.close()`: raise GeneratorExit inside it, if it is suspended.
    pub(crate) fn close_generator(&mut self, g: Value) -> PResult<()> {
        let Value::Obj(r) = g else {
            return Err(PyErr::type_error("not a generator"));
        };
        let Obj::Generator(gen_obj) = self.gc.heap.get(r) else {
            return Err(PyErr::type_error("not a generator"));
        };
        if gen_obj.state == GenState::Suspended {
            let exit = Value::Obj(self.types.exc(ErrKind::GeneratorExit));
            match self.gen_resume(g, Value::None, Some(exit)) {
                Ok(GenOut::Yield(_)) => {
                    return Err(PyErr::new(
                        ErrKind::RuntimeError,
                        "generator ignored GeneratorExit",
                    ));
                }
                Ok(GenOut::Return(_)) => {}
                Err(e) if e.kind == ErrKind::GeneratorExit || e.kind == ErrKind::StopIteration => {}
                Err(e) => return Err(e),
            }
        }
        self.generator_finished(r);
        Ok(())
    }

    /// `next(generator)`: `None` once it is exhausted.
    pub(crate) fn generator_next(&mut self, g: Value, sent: Value) -> PResult<Option<Value>> {
        match self.gen_resume(g, sent, None)? {
            GenOut::Yield(v) => Ok(Some(v)),
            GenOut::Return(_) => Ok(None),
        }
    }

    /// Save the running generator frame (at the top) back into its object.
    pub(crate) fn suspend_generator(&mut self) {
        let frame = self.exec.frames.pop().expect("generator frame");
        let FrameKind::Generator(gr) = frame.kind else {
            unreachable!("yield outside a generator frame")
        };
        let saved = self.exec.stack.split_off(frame.base);
        let handlers: Vec<(u32, u32)> = self.exec.blocks[frame.blocks_base..]
            .iter()
            .map(|b| (b.target, (b.stack_len - frame.base) as u32))
            .collect();
        self.exec.blocks.truncate(frame.blocks_base);
        self.exec.handling.truncate(frame.handling_base);
        // Drop the generator itself from the stack (it was the "callee").
        self.exec.stack.truncate(frame.base - 1);
        if let Obj::Generator(g) = self.gc.heap.get_mut(gr) {
            g.saved = saved;
            g.handlers = handlers;
            g.pc = frame.pc;
            g.state = GenState::Suspended;
        }
    }

    pub(crate) fn generator_finished(&mut self, gr: ObjRef) {
        if let Obj::Generator(g) = self.gc.heap.get_mut(gr) {
            g.state = GenState::Done;
            g.saved.clear();
            g.handlers.clear();
        }
    }

    /// One step of `yield from`: the stack holds `[sub sent]`. Returns the value to yield,
    /// or `None` when the sub-iterator finished (its result then replaces it on the stack).
    pub(crate) fn yield_from_step(&mut self) -> PResult<Option<Value>> {
        let sent = self.exec.stack.pop().expect("sent value");
        let sub = *self.exec.stack.last().expect("sub-iterator");
        let is_gen =
            matches!(sub, Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Generator(_)));
        if is_gen {
            match self.gen_resume(sub, sent, None)? {
                GenOut::Yield(v) => Ok(Some(v)),
                GenOut::Return(r) => {
                    *self.exec.stack.last_mut().expect("sub") = r;
                    Ok(None)
                }
            }
        } else {
            self.exec.last_stop = None;
            // A duck-typed delegate receives sent values through its own `send`.
            let stepped = if sent != Value::None {
                let send = self.interner.intern("send");
                let f = self.getattr(sub, send)?;
                match self.call_value(f, &[sent]) {
                    Ok(v) => Some(v),
                    Err(e) if e.kind == ErrKind::StopIteration => {
                        self.exec.last_stop = Some(e);
                        None
                    }
                    Err(e) => return Err(e),
                }
            } else {
                self.next(sub)?
            };
            match stepped {
                Some(v) => Ok(Some(v)),
                None => {
                    // The value of a StopIteration raised by a Python iterator is the result.
                    let result = match self.exec.last_stop.take() {
                        Some(e) => self.stop_iteration_value(&e),
                        None => Value::None,
                    };
                    *self.exec.stack.last_mut().expect("sub") = result;
                    Ok(None)
                }
            }
        }
    }

    /// What `await o` iterates: a coroutine (generator) itself, or `o.__await__()`.
    pub(crate) fn awaitable(&mut self, o: Value) -> PResult<Value> {
        if let Value::Obj(r) = o {
            match self.gc.heap.get(r) {
                Obj::Generator(_) | Obj::Iter(_) => return Ok(o),
                Obj::Instance(_) => {
                    if let Some(it) = self.call_special(o, Sym::__await__, &[])? {
                        return self.iter(it);
                    }
                    if let Some(it) = self.call_special(o, Sym::__iter__, &[])? {
                        return Ok(it);
                    }
                }
                _ => {}
            }
        }
        Err(PyErr::type_error(alloc::format!(
            "'{}' object can't be used in 'await' expression",
            self.type_name(o)
        )))
    }

    pub(crate) fn stop_iteration(&mut self, v: Value) -> PyErr {
        self.rooted(&[v], |vm| vm.stop_iteration_inner(v))
    }

    fn stop_iteration_inner(&mut self, v: Value) -> PyErr {
        let class = self.types.exc(ErrKind::StopIteration);
        let args = if v == Value::None {
            Vec::new()
        } else {
            alloc::vec![v]
        };
        match self
            .tuple(args)
            .and_then(|t| self.instantiate_exc(class, t))
        {
            Ok(inst) => PyErr {
                kind: ErrKind::StopIteration,
                message: None,
                traceback: Vec::new(),
                value: Some(inst),
                reraise: false,
            },
            Err(e) => e,
        }
    }

    // ---- exceptions ----

    pub(crate) fn is_exception(&self, v: Value) -> bool {
        matches!(v, Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Instance(i) if i.exc.is_some()))
    }

    pub(crate) fn exc_args(&self, v: Value) -> Value {
        match v {
            Value::Obj(r) => match self.gc.heap.get(r) {
                Obj::Instance(i) => i.exc.as_ref().map_or(Value::None, |e| e.args),
                _ => Value::None,
            },
            _ => Value::None,
        }
    }

    pub(crate) fn instantiate_exc(&mut self, class: ObjRef, args: Value) -> PResult<Value> {
        self.gc.temp_roots.push(args);
        let r = self.or_emergency(|vm| {
            vm.alloc(Obj::Instance(Box::new(Instance {
                class,
                attrs: Attrs::default(),
                exc: Some(Box::new(ExcData {
                    args,
                    traceback: Vec::new(),
                })),
                native: Value::Undef,
                data: None,
            })))
        });
        self.gc.temp_roots.pop();
        r
    }

    /// Run `make`; if it runs out of memory (the heap locked or full), run it again allowed
    /// past the budget: the few objects of an exception, which must always be possible to
    /// raise, as MicroPython's emergency exception is.
    pub(crate) fn or_emergency(
        &mut self,
        mut make: impl FnMut(&mut Interp) -> PResult<Value>,
    ) -> PResult<Value> {
        match make(self) {
            Err(e) if e.kind == ErrKind::MemoryError && e.value.is_none() => {
                let locked = core::mem::replace(&mut self.gc.heap_locked, 0);
                self.gc.heap.over_budget(true);
                let r = make(self);
                self.gc.heap.over_budget(false);
                self.gc.heap_locked = locked;
                r
            }
            other => other,
        }
    }

    /// The built-in exception kind a class derives from.
    fn kind_of_class(&self, class: ObjRef) -> ErrKind {
        for k in self.mro_of(class) {
            if let Tag::Exc(kind) = self.tag_of(k) {
                return kind;
            }
        }
        ErrKind::Exception
    }

    /// The exception object for a `PyErr` (made now if the VM raised it as kind + message),
    /// with its traceback stored in it.
    /// The exception object of a raised exception, made now if the VM raised it as a kind
    /// and a message. This never fails: when the heap is locked or full, the object is made
    /// outside the heap's budget (MicroPython's emergency exception), so that `except
    /// MemoryError` works.
    pub(crate) fn materialize(&mut self, e: PyErr) -> PResult<Value> {
        let v = match e.value {
            Some(v) => v,
            None => {
                let (kind, message) = (e.kind, e.message.clone());
                self.or_emergency(|vm| vm.new_exception(kind, message.as_deref()))?
            }
        };
        if let Value::Obj(r) = v
            && let Obj::Instance(i) = self.gc.heap.get_mut(r)
            && let Some(data) = &mut i.exc
        {
            data.traceback = e.traceback;
        }
        Ok(v)
    }

    /// A new instance of a built-in exception with an optional message.
    fn new_exception(&mut self, kind: ErrKind, message: Option<&str>) -> PResult<Value> {
        let tr_mark = self.gc.temp_roots.len();
        let made = (|| {
            let msg = match message {
                Some(m) => alloc::vec![self.str_value(m)?],
                None => Vec::new(),
            };
            self.gc.temp_roots.extend_from_slice(&msg);
            let args = self.tuple(msg)?;
            let class = self.types.exc(kind);
            self.instantiate_exc(class, args)
        })();
        self.gc.temp_roots.truncate(tr_mark);
        made
    }

    /// An exception object being raised again (bare `raise`, end of `finally`).
    pub(crate) fn reraise_value(&mut self, v: Value) -> PyErr {
        let class = self.class_of(v);
        let traceback = match v {
            Value::Obj(r) => match self.gc.heap.get(r) {
                Obj::Instance(i) => i
                    .exc
                    .as_ref()
                    .map(|e| e.traceback.clone())
                    .unwrap_or_default(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        PyErr {
            kind: self.kind_of_class(class),
            message: None,
            traceback,
            value: Some(v),
            reraise: true,
        }
    }

    /// `raise exc`: an instance, or a class to instantiate.
    pub(crate) fn make_raise(&mut self, exc: Value) -> PResult<PyErr> {
        let base = self.types.exc(ErrKind::BaseException);
        let inst = match exc {
            Value::Obj(r)
                if matches!(self.gc.heap.get(r), Obj::Class(_)) && self.is_subclass(r, base) =>
            {
                self.call_value(exc, &[])?
            }
            _ => exc,
        };
        if !self.is_instance(inst, base) {
            return Err(PyErr::type_error(
                "exceptions must derive from BaseException",
            ));
        }
        // An exception raised again keeps its traceback and grows it from here.
        let mut err = self.reraise_value(inst);
        err.reraise = false;
        Ok(err)
    }

    /// `except cls:` — does the exception match?
    pub(crate) fn exception_matches(&mut self, exc: Value, cls: Value) -> PResult<bool> {
        match cls {
            Value::Obj(r) => match self.gc.heap.get(r) {
                Obj::Class(_) => Ok(self.is_instance(exc, r)),
                Obj::Tuple(items) => {
                    let items = items.to_vec();
                    for c in items {
                        if self.exception_matches(exc, c)? {
                            return Ok(true);
                        }
                    }
                    Ok(false)
                }
                _ => Err(PyErr::type_error(
                    "catching classes that do not inherit from BaseException is not allowed",
                )),
            },
            _ => Err(PyErr::type_error(
                "catching classes that do not inherit from BaseException is not allowed",
            )),
        }
    }

    /// The class name and message of an exception as a traceback prints them.
    pub(crate) fn exc_name_and_message(&mut self, e: &PyErr) -> (String, Option<String>) {
        let Some(v) = e.value else {
            return (String::from(e.kind.name()), e.message.clone());
        };
        let name = String::from(self.type_name(v));
        let args = self.exc_args(v);
        let items = self.tuple_items(args);
        let message = match items.len() {
            0 if self.special(v, Sym::__str__).is_none() => None,
            _ => self.str_of(v).ok(),
        };
        (name, message)
    }

    pub(crate) fn exc_traceback(&self, e: &PyErr) -> Vec<TraceEntry> {
        e.traceback.clone()
    }
}

/// Why a call to `native` with `n_args` positional and `n_kw` keyword arguments doesn't
/// fit what its table entry declares.
#[cold]
fn native_args_error(native: &crate::vm::Native, n_args: usize, n_kw: usize) -> PyErr {
    let (min, max) = (native.min as usize, native.max as usize);
    if n_kw > 0 && !native.kw {
        return PyErr::type_error("function doesn't take keyword arguments");
    }
    let max = if native.max == crate::vm::VARARGS {
        usize::MAX
    } else {
        max
    };
    arg_count_error(min, max, n_args)
}

/// MicroPython's messages for a built-in function called with `n` positional arguments
/// when it takes `min` to `max`.
pub(crate) fn arg_count_error(min: usize, max: usize, n: usize) -> PyErr {
    PyErr::type_error(if min == max {
        alloc::format!("function takes {min} positional arguments but {n} were given")
    } else if n < min {
        alloc::format!("function missing {} required positional arguments", min - n)
    } else {
        alloc::format!("function expected at most {max} arguments, got {n}")
    })
}
