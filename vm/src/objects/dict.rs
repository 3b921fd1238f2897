//! `dict` (insertion-ordered) and the table behind `set`: entries in a vector in insertion
//! order, an index of hashes pointing into it. Hashing and key equality are the VM's
//! business (they may call Python), so this table only stores hashes and finds candidates.
//! Then the dict operations on heap values (find, set, remove, update, copy), the
//! constructor and the methods.

use alloc::boxed::Box;
use alloc::vec::Vec;

use hashbrown::HashTable;

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::interner::Sym;
use crate::runtime::identical;
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub hash: u64,
    pub key: Value,
    pub value: Value,
}

#[derive(Debug, Default)]
pub struct Dict {
    entries: Vec<Option<Entry>>,
    index: HashTable<u32>,
    len: usize,
    /// Read-only, as MicroPython's dicts in ROM (`errno.errorcode`): changes are refused
    /// by the VM before they reach the table.
    fixed: bool,
}

impl Dict {
    pub fn new() -> Self {
        Dict::default()
    }

    pub fn is_fixed(&self) -> bool {
        self.fixed
    }

    /// Make the dict read-only from now on.
    pub fn fix(&mut self) {
        self.fixed = true;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Positions of entries whose hash equals `hash` (the caller compares keys).
    pub fn candidates(&self, hash: u64) -> impl Iterator<Item = usize> + '_ {
        self.index
            .iter_hash(hash)
            .map(|&i| i as usize)
            .filter(move |&i| matches!(self.entries[i], Some(e) if e.hash == hash))
    }

    /// Find with a key comparison that cannot fail or call out (identity, ints, strings).
    pub fn find_with(&self, hash: u64, mut eq: impl FnMut(Value) -> bool) -> Option<usize> {
        self.candidates(hash)
            .find(|&i| eq(self.entries[i].expect("live").key))
    }

    pub fn entry(&self, pos: usize) -> Option<&Entry> {
        self.entries.get(pos).and_then(|e| e.as_ref())
    }

    pub fn set_value(&mut self, pos: usize, value: Value) {
        if let Some(Some(e)) = self.entries.get_mut(pos) {
            e.value = value;
        }
    }

    /// Append a key known to be absent.
    pub fn push(&mut self, hash: u64, key: Value, value: Value) {
        let pos = self.entries.len() as u32;
        self.entries.push(Some(Entry { hash, key, value }));
        let entries = &self.entries;
        self.index
            .insert_unique(hash, pos, |&i| entries[i as usize].map_or(0, |e| e.hash));
        self.len += 1;
    }

    pub fn remove_at(&mut self, pos: usize) -> Option<Entry> {
        let e = self.entries.get_mut(pos)?.take()?;
        if let Ok(slot) = self.index.find_entry(e.hash, |&i| i as usize == pos) {
            slot.remove();
        }
        self.len -= 1;
        if self.entries.len() > 16 && self.len < self.entries.len() / 2 {
            self.compact();
        }
        Some(e)
    }

    fn compact(&mut self) {
        let live: Vec<Entry> = self.entries.drain(..).flatten().collect();
        self.index.clear();
        self.len = 0;
        for e in live {
            self.push(e.hash, e.key, e.value);
        }
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.index.clear();
        self.len = 0;
    }

    /// Live entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().flatten()
    }

    /// The `n`th slot onwards: iteration by position survives mutation without invalidation.
    pub fn next_from(&self, mut pos: usize) -> Option<(usize, Entry)> {
        while pos < self.entries.len() {
            if let Some(e) = self.entries[pos] {
                return Some((pos, e));
            }
            pos += 1;
        }
        None
    }

    /// Remove and return the last entry (`popitem`).
    pub fn pop_last(&mut self) -> Option<Entry> {
        let pos = self.entries.iter().rposition(|e| e.is_some())?;
        self.remove_at(pos)
    }

    pub fn values(&self) -> impl Iterator<Item = Value> + '_ {
        self.iter().flat_map(|e| [e.key, e.value])
    }
}

impl Interp {
    pub(crate) fn new_dict(&mut self) -> PResult<Value> {
        self.alloc(Obj::Dict(Box::new(Dict::new())))
    }

    pub(crate) fn dict_ref(&self, d: Value) -> Option<&Dict> {
        match d {
            Value::Obj(r) => match self.gc.heap.get(r) {
                Obj::Dict(d) | Obj::Set(d, _) => Some(d),
                Obj::Instance(i) if i.native != Value::Undef => self.dict_ref(i.native),
                _ => None,
            },
            _ => None,
        }
    }

    pub(crate) fn dict_mut(&mut self, d: Value) -> Option<&mut Dict> {
        let d = self.payload(d).unwrap_or(d);
        match d {
            Value::Obj(r) => match self.gc.heap.get_mut(r) {
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
        let Value::Obj(r) = self.payload(d).unwrap_or(d) else {
            return Ok(());
        };
        self.grow(r, 1, &[d, key, value], |t| {
            if let Obj::Dict(t) | Obj::Set(t, _) = t {
                t.push(hash, key, value);
            }
        })
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
        if let Some(t) = self.dict_ref(d) {
            return Ok(t.iter().map(|e| (e.key, e.value)).collect());
        }
        // Any mapping with keys() and __getitem__.
        let keys_id = self.interner.intern("keys");
        let keys_fn = self.getattr(d, keys_id)?;
        let keys = self.call_value(keys_fn, &[])?;
        let keys = self.rooted(&[keys], |vm| vm.collect_iterable(keys));
        let keys = keys?;
        self.rooted(&keys, |vm| {
            let mut out = Vec::with_capacity(keys.len());
            for &k in &keys {
                let v = vm.getitem(d, k)?;
                // Rooted while later lookups allocate.
                vm.gc.temp_roots.push(v);
                out.push((k, v));
            }
            Ok(out)
        })
    }

    pub(crate) fn dict_update(&mut self, d: Value, other: Value) -> PResult<()> {
        let is_mapping = self.dict_ref(other).is_some()
            && !matches!(other, Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Set(..)))
            || matches!(other, Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Instance(_)));
        if is_mapping {
            let pairs = self.dict_items(other)?;
            for (k, v) in pairs {
                self.dict_set(d, k, v)?;
            }
            return Ok(());
        }
        // An iterable of pairs.
        let items = self.collect_iterable(other)?;
        let keep = items.clone();
        self.rooted(&keep, |vm| {
            for item in items {
                let Ok(kv) = vm.unpack(item, 2) else {
                    return Err(PyErr::new(
                        ErrKind::ValueError,
                        "dictionary update sequence element has wrong length",
                    ));
                };
                vm.dict_set(d, kv[0], kv[1])?;
            }
            Ok(())
        })
    }

    pub(crate) fn dict_copy(&mut self, d: Value) -> PResult<Value> {
        let pairs = self.dict_items(d)?;
        let new = self.new_dict()?;
        for (k, v) in pairs {
            self.dict_set(new, k, v)?;
        }
        Ok(new)
    }
}

pub(crate) fn dict_arg(vm: &Interp, v: Value) -> PResult<()> {
    match v {
        Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::Dict(_)) => Ok(()),
        _ => Err(PyErr::type_error("descriptor requires a 'dict' object")),
    }
}

pub(crate) fn dict_get(vm: &mut Interp, a: Args) -> PResult<Value> {
    dict_arg(vm, vm.arg(a, 0))?;
    let default = if a.len == 3 {
        vm.arg(a, 2)
    } else {
        Value::None
    };
    Ok(vm.dict_get(vm.arg(a, 0), vm.arg(a, 1))?.unwrap_or(default))
}

/// `keys()`, `values()`, `items()`: live views of the dict.
pub(crate) fn dict_view(vm: &mut Interp, a: Args, kind: u8) -> PResult<Value> {
    dict_arg(vm, vm.arg(a, 0))?;
    let d = vm.payload(vm.arg(a, 0)).unwrap_or(vm.arg(a, 0));
    vm.alloc(Obj::DictView(d, kind))
}

pub(crate) fn dict_keys(vm: &mut Interp, a: Args) -> PResult<Value> {
    dict_view(vm, a, 0)
}

pub(crate) fn dict_values(vm: &mut Interp, a: Args) -> PResult<Value> {
    dict_view(vm, a, 1)
}

pub(crate) fn dict_items(vm: &mut Interp, a: Args) -> PResult<Value> {
    dict_view(vm, a, 2)
}

pub(crate) fn dict_pop(vm: &mut Interp, a: Args) -> PResult<Value> {
    dict_arg(vm, vm.arg(a, 0))?;
    match vm.dict_remove(vm.arg(a, 0), vm.arg(a, 1))? {
        Some(v) => Ok(v),
        None if a.len == 3 => Ok(vm.arg(a, 2)),
        None => Err(vm.key_error(vm.arg(a, 1))),
    }
}

pub(crate) fn dict_popitem(vm: &mut Interp, a: Args) -> PResult<Value> {
    dict_arg(vm, vm.arg(a, 0))?;
    vm.check_not_fixed(vm.arg(a, 0))?;
    let Value::Obj(r) = vm.arg(a, 0) else {
        unreachable!("checked")
    };
    let e = match vm.gc.heap.get_mut(r) {
        Obj::Dict(d) => d.pop_last(),
        _ => None,
    };
    match e {
        Some(e) => vm.tuple(alloc::vec![e.key, e.value]),
        None => Err(PyErr::new(
            ErrKind::KeyError,
            "popitem(): dictionary is empty",
        )),
    }
}

pub(crate) fn dict_setdefault(vm: &mut Interp, a: Args) -> PResult<Value> {
    dict_arg(vm, vm.arg(a, 0))?;
    let (d, k) = (vm.arg(a, 0), vm.arg(a, 1));
    if let Some(v) = vm.dict_get(d, k)? {
        return Ok(v);
    }
    let default = if a.len == 3 {
        vm.arg(a, 2)
    } else {
        Value::None
    };
    vm.dict_set(d, k, default)?;
    Ok(default)
}

pub(crate) fn dict_update(vm: &mut Interp, a: Args) -> PResult<Value> {
    dict_arg(vm, vm.arg(a, 0))?;
    let d = vm.arg(a, 0);
    if a.len == 2 {
        vm.dict_update(d, vm.arg(a, 1))?;
    }
    for (k, v) in vm.kwargs_vec(a) {
        let key = vm.str_value(&k)?;
        vm.dict_set(d, key, v)?;
    }
    Ok(Value::None)
}

pub(crate) fn dict_clear(vm: &mut Interp, a: Args) -> PResult<Value> {
    dict_arg(vm, vm.arg(a, 0))?;
    vm.check_not_fixed(vm.arg(a, 0))?;
    if let Value::Obj(r) = vm.arg(a, 0)
        && let Obj::Dict(d) = vm.gc.heap.get_mut(r)
    {
        d.clear();
    }
    Ok(Value::None)
}

pub(crate) fn dict_copy(vm: &mut Interp, a: Args) -> PResult<Value> {
    dict_arg(vm, vm.arg(a, 0))?;
    vm.dict_copy(vm.arg(a, 0))
}

/// `dict.fromkeys(keys[, value])`, a class method: argument 0 is the class.
pub(crate) fn dict_fromkeys(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (keys, value) = (vm.arg(a, 1), vm.arg(a, 2));
    // The keys may be new objects (a str's characters): rooted on the stack meanwhile.
    let items = vm.collect_iterable(keys)?;
    let mark = vm.exec.stack.len();
    vm.exec.stack.extend_from_slice(&items);
    let r = dict_from_items(vm, &items, value);
    vm.exec.stack.truncate(mark);
    r
}

pub(crate) fn dict_from_items(vm: &mut Interp, keys: &[Value], value: Value) -> PResult<Value> {
    let d = vm.new_dict()?;
    vm.exec.stack.push(d);
    for k in keys {
        vm.dict_set(d, *k, value)?;
    }
    Ok(d)
}

pub(crate) const DICT: &[Native] = &[
    Native::new("get", dict_get).args(2, 3),
    Native::new("keys", dict_keys).args(1, 1),
    Native::new("values", dict_values).args(1, 1),
    Native::new("items", dict_items).args(1, 1),
    Native::new("pop", dict_pop).args(2, 3),
    Native::new("popitem", dict_popitem).args(1, 1),
    Native::new("setdefault", dict_setdefault).args(2, 3),
    Native::new("update", dict_update).args(1, 2).kw(),
    Native::new("clear", dict_clear).args(1, 1),
    Native::new("copy", dict_copy).args(1, 1),
];

pub(crate) fn new_dict(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "dict", 0, 1)?;
    let d = vm.new_dict()?;
    vm.exec.stack.push(d);
    let r = (|| {
        if a.len == 1 {
            vm.dict_update(d, vm.arg(a, 0))?;
        }
        for (k, v) in vm.kwargs_vec(a) {
            let key = vm.str_value(&k)?;
            vm.dict_set(d, key, v)?;
        }
        Ok(())
    })();
    vm.exec.stack.pop();
    r.map(|()| d)
}

impl Interp {
    /// `x | y` (or `x |= y`) for dicts: both operands dicts.
    pub(crate) fn dict_union(
        &mut self,
        a: Value,
        b: Value,
        inplace: bool,
    ) -> PResult<Option<Value>> {
        if !matches!(b, Value::Obj(rb) if matches!(self.gc.heap.get(rb), Obj::Dict(_))) {
            return Ok(None);
        }
        let result = if inplace { a } else { self.dict_copy(a)? };
        self.rooted(&[result], |vm| vm.dict_update(result, b))?;
        Ok(Some(result))
    }
}

impl Interp {
    /// `d[k]`: `__missing__` (of a subclass) when absent, else `KeyError`.
    pub(crate) fn dict_getitem(&mut self, o: Value, i: Value) -> PResult<Value> {
        match self.dict_get(o, i)? {
            Some(v) => Ok(v),
            None => {
                if let Some(v) = self.call_special(o, Sym::__missing__, &[i])? {
                    return Ok(v);
                }
                Err(self.key_error(i))
            }
        }
    }
}

impl Interp {
    /// `del d[k]`: `KeyError` when absent.
    pub(crate) fn dict_delitem(&mut self, o: Value, i: Value) -> PResult<()> {
        match self.dict_remove(o, i)? {
            Some(_) => Ok(()),
            None => Err(self.key_error(i)),
        }
    }
}
