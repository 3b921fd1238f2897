//! The GC heap: a fixed budget of bytes, objects in slots, mark-and-sweep collection.
//!
//! The heap never collects on its own: [`Heap::collect`] is called by the VM, which knows
//! every root (its value stack, globals and the constants of running code), so Rust code
//! never holds an unrooted reference across a collection.

use alloc::boxed::Box;
use alloc::vec::Vec;
use num_bigint::BigInt;

use crate::objects::class::{Class, Instance, Module};
use crate::objects::dict::Dict;
use crate::objects::function::{Function, Generator};
use crate::objects::iter::Iter;
use crate::value::Value;

pub use crate::value::ObjRef;

#[derive(Debug)]
pub enum Obj {
    Str(Box<str>),
    Bytes(Box<[u8]>),
    ByteArray(Vec<u8>),
    BigInt(Box<BigInt>),
    List(Vec<Value>),
    Tuple(Box<[Value]>),
    Dict(Box<Dict>),
    /// A set (or frozenset, when the flag is set): a dict whose values are unused.
    Set(Box<Dict>, bool),
    Function(Box<Function>),
    /// A function bound to its first argument.
    BoundMethod(Value, Value),
    Cell(Value),
    Class(Box<Class>),
    Instance(Box<Instance>),
    Module(Box<Module>),
    Range(i64, i64, i64),
    Slice(Value, Value, Value),
    Iter(Box<Iter>),
    Generator(Box<Generator>),
    /// getter, setter, deleter
    Property(Value, Value, Value),
    ClassMethod(Value),
    StaticMethod(Value),
    /// `super(class, obj)`: attribute lookup starts after `class` in `obj`'s MRO.
    Super(ObjRef, Value),
    /// A complex number: real and imaginary parts.
    Complex(f64, f64),
    /// A view of `len` bytes of a bytes or bytearray object from `start`.
    /// (Items of `typecode` from byte `start`; `len` counts items.)
    MemoryView(Value, usize, usize, u8),
    /// `array.array`: typecode and packed items.
    Array(u8, Vec<u8>),
    /// A live view of a dict: keys (0), values (1) or items (2).
    DictView(Value, u8),
}

impl Obj {
    /// Bytes this object costs against the heap budget.
    pub fn size(&self) -> usize {
        let v = core::mem::size_of::<Value>();
        let payload = match self {
            Obj::Str(s) => s.len(),
            Obj::Bytes(b) => b.len(),
            Obj::ByteArray(b) | Obj::Array(_, b) => b.capacity(),
            Obj::BigInt(b) => core::mem::size_of::<BigInt>() + b.bits().div_ceil(8) as usize,
            Obj::List(l) => l.capacity() * v,
            Obj::Tuple(t) => t.len() * v,
            Obj::Dict(d) | Obj::Set(d, _) => 48 + d.len() * (3 * v),
            Obj::Function(f) => {
                core::mem::size_of::<Function>() + (f.defaults.len() + f.closure.len()) * v
            }
            Obj::Class(c) => core::mem::size_of::<Class>() + c.attrs.len() * 2 * v,
            Obj::Instance(i) => {
                core::mem::size_of::<Instance>()
                    + i.attrs.len() * 2 * v
                    + i.data
                        .as_deref()
                        .map_or(0, |d| core::mem::size_of_val(d) + d.extra_size())
            }
            Obj::Module(m) => 64 + m.attrs.len() * 2 * v,
            Obj::Iter(_) => core::mem::size_of::<Iter>(),
            Obj::Generator(g) => core::mem::size_of::<Generator>() + g.saved.len() * v,
            _ => 0,
        };
        core::mem::size_of::<Slot>() + payload
    }

    /// The bytes this object's accounted size grows by when `add` more items join it (bytes
    /// for a bytearray or array, entries for a list, dict or set, attributes for an instance):
    /// 0 while they fit in what it has.
    pub(crate) fn growth(&self, add: usize) -> usize {
        let v = core::mem::size_of::<Value>();
        match self {
            Obj::List(l) => growth(l.len(), l.capacity(), add, v),
            Obj::ByteArray(b) | Obj::Array(_, b) => growth(b.len(), b.capacity(), add, 1),
            Obj::Dict(_) | Obj::Set(..) => add.saturating_mul(3 * v),
            Obj::Instance(_) | Obj::Class(_) | Obj::Module(_) => add.saturating_mul(2 * v),
            _ => 0,
        }
    }

    /// Make room in place for `add` more items, asking the allocator, which may refuse
    /// (a board's arena with no block that large left). Objects whose growth is not one
    /// block answer yes.
    pub(crate) fn try_reserve(&mut self, add: usize) -> bool {
        match self {
            Obj::List(l) => l.try_reserve(add).is_ok(),
            Obj::ByteArray(b) | Obj::Array(_, b) => b.try_reserve(add).is_ok(),
            _ => true,
        }
    }

    /// Call `f` on every value this object refers to.
    pub(crate) fn trace(&self, f: &mut impl FnMut(Value)) {
        match self {
            Obj::Str(_)
            | Obj::Bytes(_)
            | Obj::ByteArray(_)
            | Obj::BigInt(_)
            | Obj::Range(..)
            | Obj::Complex(..)
            | Obj::Array(..) => {}
            Obj::List(items) => items.iter().for_each(|v| f(*v)),
            Obj::Tuple(items) => items.iter().for_each(|v| f(*v)),
            Obj::Dict(d) | Obj::Set(d, _) => d.values().for_each(f),
            Obj::Function(func) => {
                f(Value::Obj(func.module));
                func.defaults.iter().for_each(|v| f(*v));
                func.kwdefaults.iter().for_each(|(_, v)| f(*v));
                func.closure.iter().for_each(|v| f(*v));
                func.code.trace(f);
            }
            Obj::BoundMethod(a, b) => {
                f(*a);
                f(*b);
            }
            Obj::Cell(v) | Obj::ClassMethod(v) | Obj::StaticMethod(v) => f(*v),
            Obj::MemoryView(base, ..) | Obj::DictView(base, _) => f(*base),
            Obj::Super(c, v) => {
                f(Value::Obj(*c));
                f(*v);
            }
            Obj::Class(c) => {
                c.bases.iter().for_each(|r| f(Value::Obj(*r)));
                c.mro.iter().for_each(|r| f(Value::Obj(*r)));
                c.attrs.values().for_each(|v| f(*v));
            }
            Obj::Instance(i) => {
                f(Value::Obj(i.class));
                f(i.native);
                i.attrs.values().for_each(|v| f(*v));
                if let Some(e) = &i.exc {
                    f(e.args);
                }
                if let Some(d) = &i.data {
                    d.trace(f);
                }
            }
            Obj::Module(m) => {
                m.attrs.values().for_each(|v| f(*v));
                if let Some(d) = m.dict {
                    f(Value::Obj(d));
                }
            }
            Obj::Slice(a, b, c) | Obj::Property(a, b, c) => {
                f(*a);
                f(*b);
                f(*c);
            }
            Obj::Iter(it) => it.trace(f),
            Obj::Generator(g) => {
                f(g.func);
                f(Value::Obj(g.module));
                g.saved.iter().for_each(|v| f(*v));
                f(g.pending);
                g.code.trace(f);
            }
        }
    }
}

/// The bytes a vector of `elem`-byte items grows by when `add` items join `len` in a
/// buffer of `cap` (0 while they fit; otherwise the buffer doubles, as `Vec` does).
pub(crate) fn growth(len: usize, cap: usize, add: usize, elem: usize) -> usize {
    let want = len.saturating_add(add);
    if want <= cap {
        return 0;
    }
    want.max(cap.saturating_mul(2))
        .max(4)
        .saturating_sub(cap)
        .saturating_mul(elem)
}

#[derive(Debug, Default)]
struct Slot {
    obj: Option<Obj>,
    size: usize,
    marked: bool,
    /// Bumped when the slot is freed: references carry it in debug builds.
    generation: u32,
    /// Lives as long as the heap (built-in types, built-in modules): never freed, and a
    /// root of every collection.
    permanent: bool,
}

/// The end of the free list.
const NO_SLOT: u32 = u32::MAX;

/// How many objects the collector's mark stack holds (see [`Heap::drain`]).
const MARK_STACK: usize = 128;

/// Slots per chunk of the object table: it grows a chunk at a time, so a board's arena
/// never needs one block as big as the whole table.
const CHUNK: usize = 64;

type Slots = crate::chunked::ChunkedVec<Slot, CHUNK>;

/// The allocation would not fit even after a collection.
#[derive(Debug, PartialEq, Eq)]
pub struct OutOfMemory;

pub struct Heap {
    slots: Slots,
    /// The first free slot (each holds the next one's index in its `size`), or [`NO_SLOT`].
    free_head: u32,
    /// Objects marked whose children are still to be marked, at most [`MARK_STACK`].
    mark_stack: Vec<ObjRef>,
    /// The mark stack was full: some marked objects' children are not marked yet.
    mark_overflow: bool,
    used: usize,
    limit: usize,
    /// Allocations ignore the budget (the few objects of an emergency exception).
    over_budget: bool,
    /// Bytes allocated since the last collection (for `gc.threshold`).
    since_collect: usize,
    /// Bytes ever allocated, and the most ever in use (`micropython.mem_total`,
    /// `mem_peak`).
    total: usize,
    peak: usize,
}

impl Heap {
    pub fn new(limit: usize) -> Self {
        Heap {
            slots: Slots::default(),
            free_head: NO_SLOT,
            mark_stack: Vec::with_capacity(MARK_STACK),
            mark_overflow: false,
            used: 0,
            limit,
            over_budget: false,
            since_collect: 0,
            total: 0,
            peak: 0,
        }
    }

    pub fn used(&self) -> usize {
        self.used
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Bytes allocated since the last collection.
    pub fn allocated_since_collect(&self) -> usize {
        self.since_collect
    }

    /// Bytes ever allocated (growth of objects included).
    pub fn total_allocated(&self) -> usize {
        self.total
    }

    /// The most bytes ever in use at once.
    pub fn peak(&self) -> usize {
        self.peak
    }

    /// Account for `size` more bytes in use.
    fn grow(&mut self, size: usize) {
        self.used += size;
        self.total += size;
        self.since_collect += size;
        self.peak = self.peak.max(self.used);
    }

    /// Would an object of this kind fit without a collection?
    pub fn fits(&self, obj: &Obj) -> bool {
        self.over_budget || self.used + obj.size() <= self.limit
    }

    /// Could objects grow by `extra` bytes within the budget?
    pub fn has_room(&self, extra: usize) -> bool {
        self.over_budget || self.used + extra <= self.limit
    }

    /// Are allocations exceeding the budget now (see [`Heap::over_budget`])?
    pub fn is_over_budget(&self) -> bool {
        self.over_budget
    }

    /// Let allocations exceed the budget (or stop doing so). Only for the handful of
    /// objects that report running out of memory.
    pub fn over_budget(&mut self, on: bool) {
        self.over_budget = on;
    }

    /// Is there a slot for one more object? The table grows by asking, so that where RAM
    /// cannot hold a bigger one (a board's fragmented arena) the caller can collect, which
    /// frees slots, rather than the allocation failing.
    pub fn reserve_slot(&mut self) -> bool {
        self.free_head != NO_SLOT || self.slots.try_room()
    }

    /// Store `obj`, or fail when the budget is exhausted (the caller collects and retries).
    pub fn alloc(&mut self, obj: Obj) -> Result<ObjRef, OutOfMemory> {
        let size = obj.size();
        if self.used + size > self.limit && !self.over_budget {
            return Err(OutOfMemory);
        }
        if !self.reserve_slot() {
            return Err(OutOfMemory);
        }
        self.grow(size);
        if self.free_head != NO_SLOT {
            let i = self.free_head;
            let slot = &mut self.slots[i as usize];
            self.free_head = slot.size as u32;
            slot.obj = Some(obj);
            slot.size = size;
            return Ok(ObjRef::new(i, slot.generation));
        }
        self.slots.push(Slot {
            obj: Some(obj),
            size,
            marked: false,
            generation: 0,
            permanent: false,
        });
        Ok(ObjRef::new(self.slots.len() as u32 - 1, 0))
    }

    /// Store an object for the VM's whole life (types, modules), outside the budget check.
    pub fn alloc_permanent(&mut self, obj: Obj) -> Value {
        let size = obj.size();
        self.grow(size);
        self.slots.push(Slot {
            obj: Some(obj),
            size,
            marked: false,
            generation: 0,
            permanent: true,
        });
        Value::Obj(ObjRef::new(self.slots.len() as u32 - 1, 0))
    }

    /// Is `r` a live object (not freed by a collection)?
    pub fn is_live(&self, r: ObjRef) -> bool {
        self.slots.get(r.index() as usize).is_some_and(|s| {
            #[cfg(debug_assertions)]
            if s.generation != r.generation() {
                return false;
            }
            s.obj.is_some()
        })
    }

    /// The slot `r` refers to. Debug builds check that it still holds the object `r` was
    /// made for: a reference kept across a collection that freed its object is a rooting
    /// bug, reported here rather than read as whatever object took the slot over.
    #[inline]
    fn slot_index(&self, r: ObjRef) -> usize {
        let i = r.index() as usize;
        #[cfg(debug_assertions)]
        assert!(
            self.slots[i].generation == r.generation(),
            "stale reference: object {i} was collected (its slot reused); \
             a value was not rooted across an allocation"
        );
        i
    }

    pub fn get(&self, r: ObjRef) -> &Obj {
        self.slots[self.slot_index(r)]
            .obj
            .as_ref()
            .expect("reference to a collected object")
    }

    pub fn get_mut(&mut self, r: ObjRef) -> &mut Obj {
        let i = self.slot_index(r);
        self.slots[i]
            .obj
            .as_mut()
            .expect("reference to a collected object")
    }

    /// Account for an object that grew (a list append) or shrank.
    pub fn resize(&mut self, r: ObjRef) {
        let i = self.slot_index(r);
        let slot = &mut self.slots[i];
        let (old, new) = (slot.size, slot.obj.as_ref().map_or(0, Obj::size));
        slot.size = new;
        self.used -= old;
        self.grow(new);
        self.total -= old.min(new);
        self.since_collect -= old.min(new);
    }

    /// Mark everything reachable from `roots`, free the rest. Returns bytes freed; the state
    /// of freed data objects that have a finaliser (open files) goes to `finalize`.
    pub fn collect(
        &mut self,
        roots: impl Iterator<Item = Value>,
        finalize: &mut Vec<Box<dyn crate::objects::data::Data>>,
    ) -> usize {
        for v in roots {
            self.mark(v);
        }
        self.sweep(finalize)
    }

    /// Mark `root` and everything reachable from it: the first half of a collection, which
    /// [`Heap::sweep`] ends.
    pub fn mark(&mut self, root: Value) {
        if let Value::Obj(r) = root {
            self.push_unmarked(r);
            self.drain();
        }
    }

    /// Put `r` on the mark stack, unless it is marked; when the stack is full, note that a
    /// rescan must find what was left out.
    fn push_unmarked(&mut self, r: ObjRef) {
        if self.slots[r.index() as usize].marked {
            return;
        }
        if self.mark_stack.len() < MARK_STACK {
            self.mark_stack.push(r);
        } else {
            self.mark_overflow = true;
        }
    }

    /// Mark what is on the mark stack and what it reaches. The stack never grows: what does
    /// not fit waits for a rescan of the marked objects (as MicroPython's collector does), so
    /// a collection needs no memory however deep the object graph is.
    fn drain(&mut self) {
        while let Some(r) = self.mark_stack.pop() {
            let i = r.index() as usize;
            if self.slots[i].marked {
                continue;
            }
            self.slots[i].marked = true;
            self.push_children(i);
        }
    }

    /// Push the unmarked objects that slot `i` holds.
    fn push_children(&mut self, i: usize) {
        let (slots, stack, overflow) = (&self.slots, &mut self.mark_stack, &mut self.mark_overflow);
        if let Some(obj) = &slots[i].obj {
            obj.trace(&mut |v| {
                if let Value::Obj(child) = v
                    && !slots[child.index() as usize].marked
                {
                    if stack.len() < MARK_STACK {
                        stack.push(child);
                    } else {
                        *overflow = true;
                    }
                }
            });
        }
    }

    /// Free what was not marked (after the permanent objects and what they reach are
    /// marked); returns bytes freed. See [`Heap::collect`].
    pub fn sweep(&mut self, finalize: &mut Vec<Box<dyn crate::objects::data::Data>>) -> usize {
        self.since_collect = 0;
        for i in 0..self.slots.len() {
            if self.slots[i].permanent && !self.slots[i].marked {
                let r = ObjRef::new(i as u32, self.slots[i].generation);
                self.push_unmarked(r);
                self.drain();
            }
        }
        while self.mark_overflow {
            self.mark_overflow = false;
            for i in 0..self.slots.len() {
                if self.slots[i].marked {
                    self.push_children(i);
                    self.drain();
                }
            }
        }
        let before = self.used;
        for i in 0..self.slots.len() {
            let slot = &mut self.slots[i];
            if slot.marked {
                slot.marked = false;
            } else if slot.obj.is_some() && !slot.permanent {
                if let Some(Obj::Instance(i)) = &mut slot.obj
                    && i.data.as_ref().is_some_and(|d| d.has_finalizer())
                    && let Some(d) = i.data.take()
                {
                    finalize.push(d);
                }
                slot.obj = None;
                slot.generation = slot.generation.wrapping_add(1);
                self.used -= slot.size;
                // A free slot holds the next free one's index in its size.
                slot.size = self.free_head as usize;
                self.free_head = i as u32;
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
        let freed = heap.collect([Value::Obj(a), Value::Int(3)].into_iter(), &mut Vec::new());
        assert!(freed > 0 && heap.used() < used);
        assert!(matches!(heap.get(a), Obj::Str(s) if &**s == "kept"));
        // The freed slot is reused.
        let c = heap.alloc(Obj::Str("new".into())).unwrap();
        assert_eq!(c.index(), 1);
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "stale reference")]
    fn a_reference_to_a_collected_object_fails_where_it_is_used() {
        let mut heap = Heap::new(10_000);
        let stale = heap.alloc(Obj::Str("forgotten".into())).unwrap();
        heap.collect(core::iter::empty(), &mut Vec::new());
        let _new = heap.alloc(Obj::Str("took the slot".into())).unwrap();
        assert!(!heap.is_live(stale));
        heap.get(stale);
    }

    #[test]
    fn permanent_objects_survive_and_keep_their_children() {
        let mut heap = Heap::new(10_000);
        let child = heap.alloc(Obj::Str("child".into())).unwrap();
        let Value::Obj(holder) = heap.alloc_permanent(Obj::List(alloc::vec![Value::Obj(child)]))
        else {
            panic!()
        };
        heap.collect(core::iter::empty(), &mut Vec::new());
        assert!(matches!(heap.get(holder), Obj::List(_)));
        assert!(matches!(heap.get(child), Obj::Str(s) if &**s == "child"));
    }

    #[test]
    fn budget_is_enforced() {
        let mut heap = Heap::new(200);
        let big: Box<str> = "x".repeat(300).into();
        assert_eq!(heap.alloc(Obj::Str(big)), Err(OutOfMemory));
        assert_eq!(heap.used(), 0);
    }
}
