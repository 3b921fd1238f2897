//! `str()` and `repr()` of every value.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::interner::Sym;
use crate::objects::{float, str as strobj};
use crate::runtime::obj_id;
use crate::value::Value;
use crate::vm::{Interp, PResult};

impl Interp {
    /// `str(v)` as Rust text.
    pub(crate) fn str_of(&mut self, v: Value) -> PResult<String> {
        if let Some(s) = self.as_str(v) {
            return Ok(String::from(s));
        }
        if let Some(r) = self.call_special(v, Sym::__str__, &[])? {
            return match self.as_str(r) {
                Some(s) => Ok(String::from(s)),
                None => Err(PyErr::type_error("__str__ returned non-string")),
            };
        }
        if let Some(p) = self.payload(v) {
            if self.special(v, Sym::__repr__).is_some() || self.class_of(v) == self.types.attrtuple
            {
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
    pub(crate) fn oserror_text(&mut self, v: Value) -> Option<String> {
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

    pub(crate) fn write_repr(&mut self, v: Value, out: &mut String, depth: usize) -> PResult<()> {
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
                match self.gc.heap.get(r) {
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
                        if let Some(s) = self.call_special(v, Sym::__repr__, &[])? {
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
                            || matches!(self.gc.heap.get(class), Obj::Class(c) if c.builtin);
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
                        self.gc.temp_roots.push(it);
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
                        self.gc.temp_roots.pop();
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

    pub(crate) fn write_items(
        &mut self,
        items: &[Value],
        out: &mut String,
        depth: usize,
    ) -> PResult<()> {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            self.write_repr(*item, out, depth + 1)?;
        }
        Ok(())
    }
}
