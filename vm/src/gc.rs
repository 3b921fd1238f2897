//! The GC heap: a fixed budget of bytes, objects in slots, mark-and-sweep collection.
//!
//! The heap never collects on its own: [`Heap::collect`] is called by the VM, which knows
//! every root (its value stack, globals and the constants of running code), so Rust code
//! never holds an unrooted reference across a collection.

use alloc::boxed::Box;
use alloc::vec::Vec;
use num_bigint::BigInt;

use crate::value::Value;

/// A reference to a heap object: an index into the slot table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ObjRef(u32);

#[derive(Debug)]
pub enum Obj {
    Str(Box<str>),
    Bytes(Box<[u8]>),
    BigInt(Box<BigInt>),
}

impl Obj {
    /// Bytes this object costs against the heap budget.
    pub fn size(&self) -> usize {
        let payload = match self {
            Obj::Str(s) => s.len(),
            Obj::Bytes(b) => b.len(),
            Obj::BigInt(b) => core::mem::size_of::<BigInt>() + b.bits().div_ceil(8) as usize,
        };
        core::mem::size_of::<Slot>() + payload
    }

    /// Call `f` on every value this object refers to.
    fn trace(&self, _f: &mut impl FnMut(Value)) {
        match self {
            Obj::Str(_) | Obj::Bytes(_) | Obj::BigInt(_) => {}
        }
    }
}

#[derive(Debug)]
struct Slot {
    obj: Option<Obj>,
    size: usize,
    marked: bool,
}

/// The allocation would not fit even after a collection.
#[derive(Debug, PartialEq, Eq)]
pub struct OutOfMemory;

pub struct Heap {
    slots: Vec<Slot>,
    free: Vec<u32>,
    used: usize,
    limit: usize,
}

impl Heap {
    pub fn new(limit: usize) -> Self {
        Heap {
            slots: Vec::new(),
            free: Vec::new(),
            used: 0,
            limit,
        }
    }

    pub fn used(&self) -> usize {
        self.used
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Would an object of this kind fit without a collection?
    pub fn fits(&self, obj: &Obj) -> bool {
        self.used + obj.size() <= self.limit
    }

    /// Store `obj`, or fail when the budget is exhausted (the caller collects and retries).
    pub fn alloc(&mut self, obj: Obj) -> Result<ObjRef, OutOfMemory> {
        let size = obj.size();
        if self.used + size > self.limit {
            return Err(OutOfMemory);
        }
        self.used += size;
        let slot = Slot {
            obj: Some(obj),
            size,
            marked: false,
        };
        if let Some(i) = self.free.pop() {
            self.slots[i as usize] = slot;
            return Ok(ObjRef(i));
        }
        self.slots.push(slot);
        Ok(ObjRef(self.slots.len() as u32 - 1))
    }

    pub fn get(&self, r: ObjRef) -> &Obj {
        self.slots[r.0 as usize]
            .obj
            .as_ref()
            .expect("reference to a collected object")
    }

    /// Mark everything reachable from `roots`, free the rest. Returns bytes freed.
    pub fn collect(&mut self, roots: impl Iterator<Item = Value>) -> usize {
        let mut pending: Vec<ObjRef> = Vec::new();
        for v in roots {
            if let Value::Obj(r) = v {
                pending.push(r);
            }
        }
        while let Some(r) = pending.pop() {
            let slot = &mut self.slots[r.0 as usize];
            if slot.marked {
                continue;
            }
            slot.marked = true;
            if let Some(obj) = &slot.obj {
                obj.trace(&mut |v| {
                    if let Value::Obj(child) = v {
                        pending.push(child);
                    }
                });
            }
        }
        let before = self.used;
        for (i, slot) in self.slots.iter_mut().enumerate() {
            if slot.marked {
                slot.marked = false;
            } else if slot.obj.is_some() {
                slot.obj = None;
                self.used -= slot.size;
                self.free.push(i as u32);
            }
        }
        before - self.used
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_unreachable_and_keeps_roots() {
        let mut heap = Heap::new(10_000);
        let a = heap.alloc(Obj::Str("kept".into())).unwrap();
        let _b = heap.alloc(Obj::Str("garbage".into())).unwrap();
        let used = heap.used();
        let freed = heap.collect([Value::Obj(a), Value::Int(3)].into_iter());
        assert!(freed > 0 && heap.used() < used);
        assert!(matches!(heap.get(a), Obj::Str(s) if &**s == "kept"));
        // The freed slot is reused.
        let c = heap.alloc(Obj::Str("new".into())).unwrap();
        assert_eq!(c, ObjRef(1));
    }

    #[test]
    fn budget_is_enforced() {
        let mut heap = Heap::new(200);
        let big: Box<str> = "x".repeat(300).into();
        assert_eq!(heap.alloc(Obj::Str(big)), Err(OutOfMemory));
        assert_eq!(heap.used(), 0);
    }
}
