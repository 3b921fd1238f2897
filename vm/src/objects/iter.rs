//! Iteration: the iterators of the built-in types and of the iterator builtins (`enumerate`,
//! `zip`, …), `iter()` and `next()` on any value, and the `for` loop's state.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::interner::Sym;
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

#[derive(Debug)]
pub enum Iter {
    /// Over a list, tuple, str (by character), bytes or bytearray.
    Seq {
        seq: Value,
        index: usize,
    },
    Range {
        next: i64,
        stop: i64,
        step: i64,
    },
    /// Over a dict or set: keys (0), values (1) or items (2).
    Dict {
        dict: Value,
        pos: usize,
        kind: u8,
    },
    Enumerate {
        iter: Value,
        count: i64,
    },
    Zip(Vec<Value>),
    Map {
        func: Value,
        iters: Vec<Value>,
    },
    Filter {
        func: Value,
        iter: Value,
    },
    Reversed {
        seq: Value,
        index: usize,
    },
    /// `iter(callable, sentinel)`.
    Call {
        func: Value,
        sentinel: Value,
    },
}

impl Iter {
    pub fn trace(&self, f: &mut impl FnMut(Value)) {
        match self {
            Iter::Seq { seq, .. } | Iter::Reversed { seq, .. } => f(*seq),
            Iter::Range { .. } => {}
            Iter::Dict { dict, .. } => f(*dict),
            Iter::Enumerate { iter, .. } => f(*iter),
            Iter::Zip(its) => its.iter().for_each(|v| f(*v)),
            Iter::Map { func, iters } => {
                f(*func);
                iters.iter().for_each(|v| f(*v));
            }
            Iter::Filter { func, iter } => {
                f(*func);
                f(*iter);
            }
            Iter::Call { func, sentinel } => {
                f(*func);
                f(*sentinel);
            }
        }
    }
}

impl Interp {
    /// The state of a `for` loop over `o` (see [`crate::bytecode::Op::ForNext`]): built-in
    /// sequences, dicts and sets are walked by position, with nothing allocated.
    pub(crate) fn for_start(&mut self, o: Value) -> PResult<[Value; 3]> {
        if let Value::Obj(r) = o {
            match self.gc.heap.get(r) {
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
        let (seq, pos) = (self.exec.stack[at], self.exec.stack[at + 1]);
        let Value::Int(i) = pos else {
            return self.next(seq);
        };
        let i = i as usize;
        let Value::Obj(r) = seq else {
            return Ok(None);
        };
        let (item, next) = match self.gc.heap.get(r) {
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
        self.exec.stack[at + 1] = Value::Int(next as i64);
        Ok(item)
    }

    pub(crate) fn iter(&mut self, o: Value) -> PResult<Value> {
        let not_iterable = |s: &Self| {
            PyErr::type_error(alloc::format!("'{}' object isn't iterable", s.type_name(o)))
        };
        let Value::Obj(r) = o else {
            return Err(not_iterable(self));
        };
        let it = match self.gc.heap.get(r) {
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
                if let Some(it) = self.call_special(o, Sym::__iter__, &[])? {
                    return Ok(it);
                }
                if self.special(o, Sym::__getitem__).is_some() {
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
    pub(crate) fn next_of_each(
        &mut self,
        its: &[Value],
        mark: usize,
    ) -> PResult<Option<Vec<Value>>> {
        let mut items = Vec::with_capacity(its.len());
        for &i in its {
            match self.next_nested(i) {
                Ok(Some(v)) => {
                    self.gc.temp_roots.push(v);
                    items.push(v);
                }
                other => {
                    self.gc.temp_roots.truncate(mark);
                    return other.map(|_| None);
                }
            }
        }
        Ok(Some(items))
    }

    /// `next()` of the iterator inside a built-in one (`enumerate`, `zip`, `map`,
    /// `filter`): such chains nest on the native stack, so their depth is bounded as native
    /// calls into Python are (a RuntimeError, not a native stack overflow).
    pub(crate) fn next_nested(&mut self, it: Value) -> PResult<Option<Value>> {
        if self.exec.native_depth >= crate::call::MAX_NATIVE_DEPTH {
            return Err(PyErr::new(
                ErrKind::RuntimeError,
                "maximum recursion depth exceeded",
            ));
        }
        self.exec.native_depth += 1;
        let r = self.next(it);
        self.exec.native_depth -= 1;
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
        match self.gc.heap.get_mut(r) {
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
                        && let Obj::Str(text) = self.gc.heap.get(sr)
                    {
                        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                            return Ok(None);
                        };
                        if let Obj::Iter(iter) = self.gc.heap.get_mut(r)
                            && let Iter::Seq { index, .. } = &mut **iter
                        {
                            *index = i + c.len_utf8();
                        }
                        let mut buf = [0u8; 4];
                        return self.str_value(c.encode_utf8(&mut buf)).map(Some);
                    }
                    let item = self.seq_item(seq, i)?;
                    if item.is_some()
                        && let Obj::Iter(iter) = self.gc.heap.get_mut(r)
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
                    if let Obj::Iter(iter) = self.gc.heap.get_mut(r)
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
                    if let Obj::Iter(iter) = self.gc.heap.get_mut(r)
                        && let Iter::Enumerate { count, .. } = &mut **iter
                    {
                        *count = n + 1;
                    }
                    let t = self.rooted(&[v], |vm| vm.tuple(alloc::vec![Value::Int(n), v]));
                    t.map(Some)
                }
                Iter::Zip(its) => {
                    let its = its.clone();
                    if its.is_empty() {
                        return Ok(None);
                    }
                    let mark = self.gc.temp_roots.len();
                    let Some(items) = self.next_of_each(&its, mark)? else {
                        return Ok(None);
                    };
                    let t = self.tuple(items);
                    self.gc.temp_roots.truncate(mark);
                    t.map(Some)
                }
                Iter::Map { func, iters } => {
                    let (f, its) = (*func, iters.clone());
                    let mark = self.gc.temp_roots.len();
                    let Some(args) = self.next_of_each(&its, mark)? else {
                        return Ok(None);
                    };
                    let r = self.call_value(f, &args);
                    self.gc.temp_roots.truncate(mark);
                    match r {
                        Err(e) if e.kind == ErrKind::StopIteration => {
                            self.exec.last_stop = Some(e);
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
                            let r = self.rooted(&[v], |vm| vm.call_value(f, &[v]));
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
                let f = self.special(it, Sym::__next__);
                let Some(f) = f else {
                    return Err(PyErr::type_error(alloc::format!(
                        "'{}' object isn't an iterator",
                        self.type_name(it)
                    )));
                };
                match self.call_value(f, &[it]) {
                    Ok(v) => Ok(Some(v)),
                    Err(e) if e.kind == ErrKind::StopIteration => {
                        self.exec.last_stop = Some(e);
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
    pub(crate) fn seq_item(&mut self, seq: Value, i: usize) -> PResult<Option<Value>> {
        let Value::Obj(r) = seq else { return Ok(None) };
        match self.gc.heap.get(r) {
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
}

pub(crate) fn iter_next(vm: &mut Interp, a: Args) -> PResult<Value> {
    match vm.next(vm.arg(a, 0))? {
        Some(v) => Ok(v),
        None => Err(PyErr::bare(ErrKind::StopIteration)),
    }
}

pub(crate) fn iter_self(vm: &mut Interp, a: Args) -> PResult<Value> {
    Ok(vm.arg(a, 0))
}

pub(crate) const ITERATOR: &[Native] = &[
    Native::new("__next__", iter_next).args(1, 1),
    Native::new("__iter__", iter_self).args(1, 1),
];
