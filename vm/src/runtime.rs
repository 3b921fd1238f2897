//! Generic dispatch of the operations the interpreter performs on values: the type of a
//! value and lookup along its class's MRO, special methods, arithmetic and comparison,
//! hashing and equality, `in`, subscripts and `len`. Where a value is an instance of a
//! Python class, the matching special method is called; what is particular to one built-in
//! type lives in its file under `objects/`.

use alloc::vec::Vec;
use core::cmp::Ordering;

use crate::ast::{BinOp, CmpOp, UnaryOp};
use crate::error::{ErrKind, PyErr};
use crate::gc::{Obj, ObjRef};
use crate::interner::Sym;
use crate::num;
use crate::num::{Num, NumRef};
use crate::objects::class::Tag;
use crate::objects::range::range_len;
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

fn dunder(op: BinOp) -> (Sym, Sym, Sym) {
    match op {
        BinOp::Add => (Sym::__add__, Sym::__radd__, Sym::__iadd__),
        BinOp::Sub => (Sym::__sub__, Sym::__rsub__, Sym::__isub__),
        BinOp::Mul => (Sym::__mul__, Sym::__rmul__, Sym::__imul__),
        BinOp::MatMul => (Sym::__matmul__, Sym::__rmatmul__, Sym::__imatmul__),
        BinOp::TrueDiv => (Sym::__truediv__, Sym::__rtruediv__, Sym::__itruediv__),
        BinOp::FloorDiv => (Sym::__floordiv__, Sym::__rfloordiv__, Sym::__ifloordiv__),
        BinOp::Mod => (Sym::__mod__, Sym::__rmod__, Sym::__imod__),
        BinOp::Pow => (Sym::__pow__, Sym::__rpow__, Sym::__ipow__),
        BinOp::LShift => (Sym::__lshift__, Sym::__rlshift__, Sym::__ilshift__),
        BinOp::RShift => (Sym::__rshift__, Sym::__rrshift__, Sym::__irshift__),
        BinOp::And => (Sym::__and__, Sym::__rand__, Sym::__iand__),
        BinOp::Or => (Sym::__or__, Sym::__ror__, Sym::__ior__),
        BinOp::Xor => (Sym::__xor__, Sym::__rxor__, Sym::__ixor__),
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
            Value::Obj(r) => match self.gc.heap.get(r) {
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
        match self.gc.heap.get(class) {
            Obj::Class(c) => &c.name,
            _ => "?",
        }
    }

    pub(crate) fn type_name(&self, v: Value) -> &str {
        self.class_name(self.class_of(v))
    }

    pub(crate) fn mro_of(&self, class: ObjRef) -> Vec<ObjRef> {
        match self.gc.heap.get(class) {
            Obj::Class(c) => c.mro.clone(),
            _ => Vec::new(),
        }
    }

    /// A class of the VM's own (not defined in Python)?
    pub(crate) fn is_builtin_class(&self, r: ObjRef) -> bool {
        matches!(self.gc.heap.get(r), Obj::Class(c) if c.builtin)
    }

    pub(crate) fn tag_of(&self, class: ObjRef) -> Tag {
        match self.gc.heap.get(class) {
            Obj::Class(c) => c.tag,
            _ => Tag::Object,
        }
    }

    pub(crate) fn is_subclass(&self, class: ObjRef, of: ObjRef) -> bool {
        class == of
            || match self.gc.heap.get(class) {
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
        let Obj::Class(c) = self.gc.heap.get(class) else {
            return None;
        };
        let mut found = None;
        for k in &c.mro {
            if let Obj::Class(kc) = self.gc.heap.get(*k)
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
    pub(crate) fn special(&mut self, v: Value, name: Sym) -> Option<Value> {
        let Value::Obj(r) = v else { return None };
        if !matches!(self.gc.heap.get(r), Obj::Instance(_)) {
            return None;
        }
        let id = name.id();
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
        name: Sym,
        args: &[Value],
    ) -> PResult<Option<Value>> {
        let Some(f) = self.special(v, name) else {
            return Ok(None);
        };
        let mut all = Vec::with_capacity(args.len() + 1);
        // Static methods get no `self`, class methods get the class.
        let f = match f {
            Value::Obj(r) => match self.gc.heap.get(r) {
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
            Value::Obj(r) => match self.gc.heap.get(r) {
                Obj::Instance(i) if i.native != Value::Undef => Some(i.native),
                _ => None,
            },
            _ => None,
        }
    }

    // ---- attributes ----

    // ---- numbers and truth ----

    // ---- str and repr ----

    // ---- hashing and equality ----

    pub(crate) fn hash(&mut self, v: Value) -> PResult<u64> {
        Ok(match v {
            Value::None => 0x9e37_79b9,
            Value::Bool(b) => u64::from(b),
            Value::Int(i) => i as u64,
            Value::Float(f) => {
                if crate::fmath::trunc(f) == f && libm::fabs(f) < 9.2e18 {
                    f as i64 as u64
                } else {
                    f.to_bits()
                }
            }
            Value::Builtin(id) => 0x1000 + u64::from(id),
            Value::Undef => 0,
            Value::Obj(r) => match self.gc.heap.get(r) {
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
                    if let Some(h) = self.call_special(v, Sym::__hash__, &[])? {
                        return match self.num(h) {
                            Some(NumRef::Int(i)) => Ok(i as u64),
                            Some(NumRef::Big(b)) => Ok(fnv(&b.to_signed_bytes_le())),
                            _ => Err(PyErr::type_error(
                                "__hash__ method should return an integer",
                            )),
                        };
                    }
                    if self.special(v, Sym::__eq__).is_some() {
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
            return Ok(num::compare(x, y) == Some(Ordering::Equal));
        }
        if (self.is_complex(a) || self.is_complex(b))
            && let (Some(x), Some(y)) = (self.as_complex(a)?, self.as_complex(b)?)
        {
            return Ok(x == y);
        }
        if identical(a, b) {
            // A class's own __eq__ decides even for the same object.
            if self.special(a, Sym::__eq__).is_some() {
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
        match (self.gc.heap.get(ra), self.gc.heap.get(rb)) {
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
        if let Some(r) = self.call_special(a, Sym::__eq__, &[b])?
            && r != Value::Obj(self.types.not_implemented)
        {
            return self.truthy(r);
        }
        if let Some(r) = self.call_special(b, Sym::__eq__, &[a])?
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
            if op == BinOp::Pow && num::pow_is_complex(x, y) {
                // A negative base to a fractional power: the principal complex root.
                let (x, y) = ((num::to_f64(x)?, 0.0), (num::to_f64(y)?, 0.0));
                let (re, im) = crate::objects::complex::arith(op, x, y)?;
                return self.alloc(Obj::Complex(re, im));
            }
            self.check_int_growth(op, x, y)?;
            let r = num::arith(op, x, y)?;
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
        Err(PyErr::type_error(num::unsupported(
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
        // The slot table: one arm per built-in type's operator, in the type's file.
        match (op, self.gc.heap.get(ra)) {
            (BinOp::Add, Obj::Str(_)) => self.str_concat(a, bv),
            (BinOp::Add, Obj::Bytes(_) | Obj::ByteArray(_)) => self.bytes_concat(a, bv, inplace),
            (BinOp::Add, Obj::Array(..)) => self.array_concat(a, bv, inplace),
            (BinOp::Add, Obj::List(_)) => self.list_concat(a, bv, inplace),
            (BinOp::Add, Obj::Tuple(_)) => self.tuple_concat(a, bv),
            (
                BinOp::Mul,
                Obj::Str(_) | Obj::Bytes(_) | Obj::ByteArray(_) | Obj::List(_) | Obj::Tuple(_),
            ) => self.repeat(ra, bv),
            (BinOp::Mod, Obj::Str(_)) => self.str_percent(a, bv),
            (BinOp::Mod, Obj::Bytes(_)) => self.bytes_percent(a, bv),
            (BinOp::Or | BinOp::And | BinOp::Sub | BinOp::Xor, Obj::Set(..)) => {
                self.set_binary(op, a, bv, inplace)
            }
            (BinOp::Or, Obj::Dict(_)) => self.dict_union(a, bv, inplace),
            _ => Ok(None),
        }
    }

    /// `seq * n` for a str, bytes, bytearray, list or tuple: `MemoryError` before any work
    /// when the result could not fit in the heap.
    fn repeat(&mut self, ra: ObjRef, count: Value) -> PResult<Option<Value>> {
        let Some(n) = self.as_int(count) else {
            return Ok(None);
        };
        let n = n.max(0) as usize;
        let limit = self.gc.heap.limit();
        let obj = match self.gc.heap.get(ra) {
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
            _ => return Ok(None),
        };
        self.alloc(obj).map(Some)
    }

    pub(crate) fn unary(&mut self, op: UnaryOp, a: Value) -> PResult<Value> {
        if op == UnaryOp::Not {
            return Ok(Value::Bool(!self.truthy(a)?));
        }
        let name = match op {
            UnaryOp::Neg => Sym::__neg__,
            UnaryOp::Pos => Sym::__pos__,
            _ => Sym::__invert__,
        };
        if let Some(r) = self.call_special(a, name, &[])? {
            return Ok(r);
        }
        let err = || {
            alloc::format!(
                "unsupported type for {}: '{}'",
                name.text(),
                self.type_name(a)
            )
        };
        if let Value::Obj(r) = a
            && let Obj::Complex(re, im) = self.gc.heap.get(r)
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
            (UnaryOp::Neg, n) => num::arith(BinOp::Sub, NumRef::Int(0), n)?,
            (UnaryOp::Invert, NumRef::Float(_)) => return Err(PyErr::type_error(err())),
            (_, n) => num::arith(BinOp::Sub, NumRef::Int(-1), n)?,
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
        matches!(self.payload(v).unwrap_or(v), Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Dict(_)))
    }

    fn is_py_instance(&self, v: Value) -> bool {
        matches!(v, Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Instance(_)))
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
            CmpOp::Lt => (Sym::__lt__, Sym::__gt__),
            CmpOp::Le => (Sym::__le__, Sym::__ge__),
            CmpOp::Gt => (Sym::__gt__, Sym::__lt__),
            CmpOp::Ge => (Sym::__ge__, Sym::__le__),
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
            && let Some(r) = self.call_special(x, Sym::__ne__, &[y])?
            && r != ni
        {
            return Ok(Some(r));
        }
        match self.call_special(x, Sym::__eq__, &[y])? {
            Some(r) if r != ni && ne => Ok(Some(Value::Bool(!self.truthy(r)?))),
            Some(r) if r != ni => Ok(Some(r)),
            _ => Ok(None),
        }
    }

    /// `<`, `<=`, `>`, `>=`.
    fn order(&mut self, op: CmpOp, a: Value, b: Value) -> PResult<bool> {
        let (name, reflected) = match op {
            CmpOp::Lt => (Sym::__lt__, Sym::__gt__),
            CmpOp::Le => (Sym::__le__, Sym::__ge__),
            CmpOp::Gt => (Sym::__gt__, Sym::__lt__),
            _ => (Sym::__ge__, Sym::__le__),
        };
        if let (Some(x), Some(y)) = (self.num(a), self.num(b)) {
            return Ok(num::compare(x, y).is_some_and(|o| ordering_holds(op, o)));
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
            return Ok(num::compare(x, y).is_some_and(from));
        }
        if let (Value::Obj(ra), Value::Obj(rb)) = (a, b) {
            match (self.gc.heap.get(ra), self.gc.heap.get(rb)) {
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
            // The slot table: one arm per built-in type.
            match self.gc.heap.get(r) {
                Obj::Str(_) => return self.str_contains(container, item),
                Obj::Bytes(_) | Obj::ByteArray(_) => {
                    return Ok(self.bytes_contains(container, item));
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
                Obj::Range(..) => return Ok(self.range_contains(r, item)),
                Obj::Instance(_) => {
                    if let Some(r) = self.call_special(container, Sym::__contains__, &[item])? {
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
        self.gc.temp_roots.push(it);
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
        self.gc.temp_roots.pop();
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

    /// Every item of an iterable.
    pub(crate) fn collect_iterable(&mut self, v: Value) -> PResult<Vec<Value>> {
        if let Value::Obj(r) = v {
            let n = match self.gc.heap.get(r) {
                Obj::List(items) => Some(items.len()),
                Obj::Tuple(items) => Some(items.len()),
                _ => None,
            };
            if let Some(n) = n {
                // A copy the size of the list: on a board, from the same small memory.
                let mut out = self.rooted(&[v], |vm| vm.try_vec(n))?;
                match self.gc.heap.get(r) {
                    Obj::List(items) => out.extend_from_slice(items),
                    Obj::Tuple(items) => out.extend_from_slice(items),
                    _ => {}
                }
                return Ok(out);
            }
        }
        let it = self.iter(v)?;
        let mark = self.gc.temp_roots.len();
        self.gc.temp_roots.push(it);
        let mut out = Vec::new();
        let result = loop {
            match self.next(it) {
                Ok(Some(x)) => {
                    // On a board these vectors come out of the same small memory as the
                    // heap: a growth that would eat into its reserve is a MemoryError, not a
                    // crash (both grow by doubling, the old blocks alive meanwhile).
                    if out.len() == out.capacity() {
                        let next = out.capacity().max(4) * 3 * core::mem::size_of::<Value>();
                        if let Err(e) = self.ensure_memory(next) {
                            break Err(e);
                        }
                    }
                    if self.gc.temp_roots.try_reserve(1).is_err() || out.try_reserve(1).is_err() {
                        break Err(PyErr::new(ErrKind::MemoryError, "memory allocation failed"));
                    }
                    // Keep what we collected rooted: the iterator may allocate.
                    self.gc.temp_roots.push(x);
                    out.push(x);
                    // A list this long could not fit in the heap: stop before memory runs out.
                    if out.len() * core::mem::size_of::<Value>() > self.gc.heap.limit() {
                        break Err(PyErr::new(ErrKind::MemoryError, "memory allocation failed"));
                    }
                }
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        self.gc.temp_roots.truncate(mark);
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
        if let Obj::Array(code, _) = self.gc.heap.get(r) {
            let code = *code;
            return self.array_get(r, code, i);
        }
        if let Obj::MemoryView(base, start, len, code) = self.gc.heap.get(r) {
            let (base, start, len, code) = (*base, *start, *len, *code);
            return self.memoryview_get(base, start, len, code, i);
        }
        // (A dict takes a slice as a key like any other.)
        if let Value::Obj(ir) = i
            && let Obj::Slice(a, b, c) = self.gc.heap.get(ir)
            && !self.is_dict(o)
        {
            let (a, b, c) = (*a, *b, *c);
            return self.get_slice(o, a, b, c);
        }
        // The slot table: one arm per built-in type, in the type's file.
        match self.gc.heap.get(r) {
            Obj::List(_) => self.list_getitem(o, r, i),
            Obj::Tuple(_) => self.tuple_getitem(o, r, i),
            Obj::Str(_) => self.str_getitem(o, r, i),
            Obj::Bytes(_) | Obj::ByteArray(_) => self.bytes_getitem(o, r, i),
            Obj::Range(..) => self.range_getitem(o, r, i),
            Obj::Dict(_) => self.dict_getitem(o, i),
            Obj::Instance(_) => match self.call_special(o, Sym::__getitem__, &[i])? {
                Some(v) => Ok(v),
                None if self.payload(o).is_some() => {
                    match self.getitem(self.payload(o).expect("checked"), i) {
                        Err(e)
                            if e.kind == ErrKind::KeyError
                                && self.special(o, Sym::__missing__).is_some() =>
                        {
                            Ok(self
                                .call_special(o, Sym::__missing__, &[i])?
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

    pub(crate) fn setitem(&mut self, o: Value, i: Value, v: Value) -> PResult<()> {
        let Value::Obj(r) = o else {
            return Err(PyErr::type_error(alloc::format!(
                "'{}' object doesn't support item assignment",
                self.type_name(o)
            )));
        };
        if let Obj::Array(code, _) = self.gc.heap.get(r) {
            let code = *code;
            return self.array_set(r, code, i, v);
        }
        if let Obj::MemoryView(base, start, len, code) = self.gc.heap.get(r) {
            let (base, start, len, code) = (*base, *start, *len, *code);
            return self.memoryview_set(base, start, len, code, i, v);
        }
        if let Value::Obj(ir) = i
            && let Obj::Slice(a, b, c) = self.gc.heap.get(ir)
            && matches!(self.gc.heap.get(r), Obj::List(_) | Obj::ByteArray(_))
        {
            let (a, b, c) = (*a, *b, *c);
            return self.set_slice(o, a, b, c, v);
        }
        // The slot table: one arm per built-in type, in the type's file.
        match self.gc.heap.get(r) {
            Obj::List(_) => self.list_setitem(o, r, i, v),
            Obj::ByteArray(_) => self.bytearray_setitem(o, r, i, v),
            Obj::Dict(_) => self.dict_set(o, i, v),
            Obj::Instance(_) => match self.call_special(o, Sym::__setitem__, &[i, v])? {
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

    pub(crate) fn delitem(&mut self, o: Value, i: Value) -> PResult<()> {
        let Value::Obj(r) = o else {
            return Err(PyErr::type_error(alloc::format!(
                "'{}' object doesn't support item deletion",
                self.type_name(o)
            )));
        };
        if let Value::Obj(ir) = i
            && let Obj::Slice(a, b, c) = self.gc.heap.get(ir)
            && matches!(self.gc.heap.get(r), Obj::List(_) | Obj::ByteArray(_))
        {
            let (a, b, c) = (*a, *b, *c);
            let len = match self.gc.heap.get(r) {
                Obj::List(x) => x.len(),
                Obj::ByteArray(x) => x.len(),
                _ => 0,
            };
            let mut pos = self.slice_positions(a, b, c, len)?;
            pos.sort_unstable();
            match self.gc.heap.get_mut(r) {
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
        // The slot table: one arm per built-in type, in the type's file.
        match self.gc.heap.get(r) {
            Obj::List(_) => self.list_delitem(o, r, i),
            Obj::ByteArray(_) => self.bytearray_delitem(o, r, i),
            Obj::Dict(_) => self.dict_delitem(o, i),
            Obj::Instance(_) => match self.call_special(o, Sym::__delitem__, &[i])? {
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

    pub(crate) fn len(&mut self, v: Value) -> PResult<usize> {
        if let Value::Obj(r) = v {
            let n = match self.gc.heap.get(r) {
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
            if let Some(n) = self.call_special(v, Sym::__len__, &[])? {
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

pub(crate) fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}
