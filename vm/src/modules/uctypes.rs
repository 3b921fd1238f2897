//! `uctypes`: structured access to memory, as MicroPython's `uctypes` gives it (`struct`,
//! `sizeof`, `addressof`, `bytes_at`, `bytearray_at`, the type constants), over the VM's
//! own address space.
//!
//! Addresses are not the host's: `addressof(buffer)` gives the buffer object a range of an
//! address space the VM keeps (its `AddressSpace`), and every access resolves an address
//! back to a live buffer and checks its bounds, so a wrong address raises an error instead
//! of crashing the board. Pointers stored in memory are such addresses and read back as
//! such. `machine.mem8/16/32` use the same space.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::{Obj, ObjRef};
use crate::objects::data::{ClassSpec, Data};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

const LITTLE_ENDIAN: i64 = 0;
const BIG_ENDIAN: i64 = 1;
const NATIVE: i64 = 2;

// Scalar types (4 bits) and aggregate types (2 bits), in the top bits of a descriptor int.
const UINT8: i64 = 0;
const INT8: i64 = 1;
const UINT16: i64 = 2;
const INT16: i64 = 3;
const UINT32: i64 = 4;
const INT32: i64 = 5;
const UINT64: i64 = 6;
const INT64: i64 = 7;
const BFUINT8: i64 = 8;
const BFINT8: i64 = 9;
const BFUINT16: i64 = 10;
const BFINT16: i64 = 11;
const BFUINT32: i64 = 12;
const BFINT32: i64 = 13;
const FLOAT32: i64 = 14;
const FLOAT64: i64 = 15;
const STRUCT: i64 = 0;
const PTR: i64 = 1;
const ARRAY: i64 = 2;

/// Bit positions of a bit field's offset and length inside its descriptor.
const BF_POS: i64 = 17;
const BF_LEN: i64 = 22;

/// Pointers are machine words.
const PTR_SIZE: usize = core::mem::size_of::<usize>();

/// A type code placed in the top bits as MicroPython encodes it (31 significant bits).
const fn type_const(t: i64, bits: u32) -> i64 {
    (((t as i32) << (32 - bits)) >> 1) as i64
}

fn scalar_type(v: i64) -> i64 {
    (v >> 27) & 15
}

fn scalar_offset(v: i64) -> i64 {
    v & 0x07ff_ffff
}

fn agg_type(v: i64) -> i64 {
    (v >> 29) & 3
}

fn agg_offset(v: i64) -> i64 {
    v & 0x1fff_ffff
}

fn scalar_size(t: i64) -> usize {
    match t {
        FLOAT32 => 4,
        FLOAT64 => 8,
        t => 1 << ((t & 7) >> 1),
    }
}

fn syntax_error() -> PyErr {
    PyErr::type_error("syntax error in uctypes descriptor")
}

fn bad_address() -> PyErr {
    PyErr::new(ErrKind::ValueError, "address out of range")
}

// ---- the address space ----

/// Where buffers live in the VM's address space.
#[derive(Debug, Default)]
pub(crate) struct AddressSpace {
    by_obj: hashbrown::HashMap<ObjRef, u64>,
    /// Base address → (object, extent in bytes).
    by_addr: BTreeMap<u64, (ObjRef, u64)>,
    next: u64,
}

/// The first address handed out, and the room between buffers.
const BASE: u64 = 0x2000_0000;
const SPACING: u64 = 0x1_0000;

impl AddressSpace {
    /// Forget the buffers a collection freed.
    pub(crate) fn sweep(&mut self, heap: &crate::gc::Heap) {
        self.by_obj.retain(|r, _| heap.is_live(*r));
        self.by_addr.retain(|_, (r, _)| heap.is_live(*r));
    }
}

impl Interp {
    /// The object and offset behind a buffer value (a memoryview's base and start).
    fn buffer_origin(&self, v: Value) -> PResult<(ObjRef, u64, u64)> {
        let bad = || PyErr::type_error("object with buffer protocol required");
        let Value::Obj(r) = self.payload(v).unwrap_or(v) else {
            return Err(bad());
        };
        match self.gc.heap.get(r) {
            Obj::Bytes(b) => Ok((r, 0, b.len() as u64)),
            Obj::ByteArray(b) | Obj::Array(_, b) => Ok((r, 0, b.len() as u64)),
            Obj::MemoryView(base, start, len, code) => {
                let item = crate::objects::array::item_size(*code).unwrap_or(1);
                let (base, start, bytes) = (*base, *start * item, len * item);
                let (obj, off, _) = self.buffer_origin(base)?;
                Ok((obj, off + start as u64, bytes as u64))
            }
            Obj::Instance(i) => match i.data.as_ref().and_then(|d| d.buffer()) {
                Some(b) => self.buffer_origin(b),
                None => match self.data_ref::<CStruct>(v) {
                    Some(_) => Err(bad()),
                    None => Err(bad()),
                },
            },
            _ => Err(bad()),
        }
    }

    /// `uctypes.addressof`: the address of a buffer's first byte.
    pub(crate) fn address_of(&mut self, v: Value) -> PResult<u64> {
        if let Some(raw) = self.data_ref::<RawMemory>(v) {
            return Ok(raw.addr);
        }
        let (obj, off, _) = self.buffer_origin(v)?;
        let len = self.buffer_len(obj);
        let space = &mut self.mods.addresses;
        let base = match space.by_obj.get(&obj) {
            Some(b) => *b,
            None => {
                if space.next == 0 {
                    space.next = BASE;
                }
                let base = space.next;
                let extent = (len as u64).max(1);
                space.next = base + extent.div_ceil(SPACING) * SPACING + SPACING;
                space.by_obj.insert(obj, base);
                space.by_addr.insert(base, (obj, extent));
                base
            }
        };
        Ok(base + off)
    }

    fn buffer_len(&self, r: ObjRef) -> usize {
        match self.gc.heap.get(r) {
            Obj::Bytes(b) => b.len(),
            Obj::ByteArray(b) | Obj::Array(_, b) => b.len(),
            _ => 0,
        }
    }

    /// The buffer object and offset at `addr`, if `len` bytes from there are inside it.
    fn resolve(&self, addr: u64, len: usize) -> PResult<(ObjRef, usize)> {
        let (base, (obj, _)) = self
            .mods
            .addresses
            .by_addr
            .range(..=addr)
            .next_back()
            .ok_or_else(bad_address)?;
        let off = (addr - base) as usize;
        if !self.gc.heap.is_live(*obj) || off + len > self.buffer_len(*obj) {
            return Err(bad_address());
        }
        Ok((*obj, off))
    }

    /// Read `len` bytes of memory at `addr`.
    pub(crate) fn mem_read(&self, addr: u64, len: usize) -> PResult<Vec<u8>> {
        let (obj, off) = self.resolve(addr, len)?;
        match self.gc.heap.get(obj) {
            Obj::Bytes(b) => Ok(b[off..off + len].to_vec()),
            Obj::ByteArray(b) | Obj::Array(_, b) => Ok(b[off..off + len].to_vec()),
            _ => Err(bad_address()),
        }
    }

    /// Write `data` to memory at `addr` (a bytes object is read-only memory).
    pub(crate) fn mem_write(&mut self, addr: u64, data: &[u8]) -> PResult<()> {
        let (obj, off) = self.resolve(addr, data.len())?;
        match self.gc.heap.get_mut(obj) {
            Obj::ByteArray(b) | Obj::Array(_, b) => {
                b[off..off + data.len()].copy_from_slice(data);
                Ok(())
            }
            _ => Err(PyErr::type_error("memory at this address is read-only")),
        }
    }

    /// A memoryview of `len` bytes at `addr`, sharing the memory.
    fn mem_view(&mut self, addr: u64, len: usize) -> PResult<Value> {
        let (obj, off) = self.resolve(addr, len)?;
        self.alloc(Obj::MemoryView(Value::Obj(obj), off, len, b'B'))
    }
}

/// Memory outside the VM's buffers (`bytearray_at` of an address nothing lives at): only
/// its address can be asked for.
#[derive(Debug)]
pub(crate) struct RawMemory {
    addr: u64,
}

impl Data for RawMemory {}

static RAW_MEMORY: ClassSpec = ClassSpec {
    name: "bytearray_at",
    base: None,
    methods: &[],
    make: None,
};

// ---- struct objects ----

/// A `uctypes.struct`: an address, the descriptor of what is there, and the layout.
#[derive(Debug)]
pub(crate) struct CStruct {
    addr: u64,
    desc: Value,
    layout: i64,
}

impl Data for CStruct {
    fn trace(&self, f: &mut dyn FnMut(Value)) {
        f(self.desc);
    }
}

static STRUCT_CLASS: ClassSpec = ClassSpec {
    name: "struct",
    base: None,
    methods: &[
        Native::new("__getattr__", struct_getattr).args(2, 2),
        Native::new("__setattr__", struct_setattr).args(3, 3),
        Native::new("__getitem__", struct_getitem).args(2, 2),
        Native::new("__setitem__", struct_setitem).args(3, 3),
        Native::new("__int__", struct_int).args(1, 1),
        Native::new("__hash__", struct_hash).args(1, 1),
        Native::new("__repr__", struct_repr).args(1, 1),
    ],
    make: Some(struct_new),
};

pub(super) fn make(vm: &mut Interp) -> ObjRef {
    let m = vm.native_module(
        "uctypes",
        &[
            Native::new("sizeof", sizeof).args(1, 2),
            Native::new("addressof", addressof).args(1, 1),
            Native::new("bytes_at", bytes_at).args(2, 2),
            Native::new("bytearray_at", bytearray_at).args(2, 2),
        ],
    );
    let c = vm.data_class(&STRUCT_CLASS);
    vm.set_attr_str(m, "struct", Value::Obj(c));
    let scalars = [
        ("VOID", UINT8),
        ("UINT8", UINT8),
        ("INT8", INT8),
        ("UINT16", UINT16),
        ("INT16", INT16),
        ("UINT32", UINT32),
        ("INT32", INT32),
        ("UINT64", UINT64),
        ("INT64", INT64),
        ("BFUINT8", BFUINT8),
        ("BFINT8", BFINT8),
        ("BFUINT16", BFUINT16),
        ("BFINT16", BFINT16),
        ("BFUINT32", BFUINT32),
        ("BFINT32", BFINT32),
        ("FLOAT32", FLOAT32),
        ("FLOAT64", FLOAT64),
        ("SHORT", INT16),
        ("USHORT", UINT16),
        ("INT", INT32),
        ("UINT", UINT32),
        ("LONG", if PTR_SIZE == 8 { INT64 } else { INT32 }),
        ("ULONG", if PTR_SIZE == 8 { UINT64 } else { UINT32 }),
        ("LONGLONG", INT64),
        ("ULONGLONG", UINT64),
    ];
    for (name, t) in scalars {
        vm.set_attr_str(m, name, Value::Int(type_const(t, 4)));
    }
    for (name, t) in [("PTR", PTR), ("ARRAY", ARRAY)] {
        vm.set_attr_str(m, name, Value::Int(type_const(t, 2)));
    }
    for (name, v) in [
        ("NATIVE", NATIVE),
        ("LITTLE_ENDIAN", LITTLE_ENDIAN),
        ("BIG_ENDIAN", BIG_ENDIAN),
        ("BF_POS", BF_POS),
        ("BF_LEN", BF_LEN),
    ] {
        vm.set_attr_str(m, name, Value::Int(v));
    }
    m
}

impl Interp {
    fn is_tuple(&self, v: Value) -> bool {
        matches!(v, Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Tuple(_)))
    }

    /// The size of a descriptor, and the largest scalar in it (for alignment).
    fn desc_size(&mut self, desc: Value, layout: i64, max_field: &mut usize) -> PResult<usize> {
        if self.is_tuple(desc) {
            return self.agg_size(desc, layout, max_field);
        }
        if !self.is_dict(desc) {
            if matches!(desc, Value::Int(_)) {
                return Err(PyErr::type_error("can't unambiguously get sizeof scalar"));
            }
            return Err(syntax_error());
        }
        let d = self.payload(desc).unwrap_or(desc);
        let mut total = 0usize;
        for (_, v) in self.dict_items(d)? {
            if let Value::Int(code) = v {
                let t = scalar_type(code);
                let mut off = scalar_offset(code);
                if (BFUINT8..=BFINT32).contains(&t) {
                    off &= (1 << BF_POS) - 1;
                }
                let s = scalar_size(t);
                *max_field = (*max_field).max(s);
                total = total.max(off as usize + s);
            } else if self.is_tuple(v) {
                let items = self.tuple_items(v);
                let off = agg_offset(self.int_arg(items[0])?);
                let s = self.agg_size(v, layout, max_field)?;
                total = total.max(off as usize + s);
            } else {
                return Err(syntax_error());
            }
        }
        if layout == NATIVE && *max_field > 1 {
            total = total.div_ceil(*max_field) * *max_field;
        }
        Ok(total)
    }

    fn agg_size(&mut self, desc: Value, layout: i64, max_field: &mut usize) -> PResult<usize> {
        let items = self.tuple_items(desc);
        if items.len() < 2 {
            return Err(syntax_error());
        }
        let head = self.int_arg(items[0])?;
        match agg_type(head) {
            STRUCT if items.len() == 2 => self.desc_size(items[1], layout, max_field),
            PTR if items.len() == 2 => {
                *max_field = (*max_field).max(PTR_SIZE);
                Ok(PTR_SIZE)
            }
            ARRAY => {
                let n = self.int_arg(items[1])?;
                let count = scalar_offset(n) as usize;
                let item = match items.len() {
                    2 => {
                        let s = scalar_size(scalar_type(n));
                        *max_field = (*max_field).max(s);
                        s
                    }
                    3 => self.desc_size(items[2], layout, max_field)?,
                    _ => return Err(syntax_error()),
                };
                Ok(item * count)
            }
            _ => Err(syntax_error()),
        }
    }

    /// Read a scalar of type `t` at `addr`.
    fn get_scalar(&mut self, t: i64, addr: u64, big: bool) -> PResult<Value> {
        let size = scalar_size(t);
        let mut b = self.mem_read(addr, size)?;
        if big {
            b.reverse();
        }
        let mut word = [0u8; 8];
        word[..size].copy_from_slice(&b);
        let raw = u64::from_le_bytes(word);
        Ok(match t {
            FLOAT32 => Value::Float(f64::from(f32::from_bits(raw as u32))),
            FLOAT64 => Value::Float(f64::from_bits(raw)),
            UINT64 => return self.int_from_u64(raw),
            INT64 => Value::Int(raw as i64),
            t if t & 1 == 1 => {
                // Sign-extend.
                let shift = 64 - 8 * size as u32;
                Value::Int(((raw << shift) as i64) >> shift)
            }
            _ => Value::Int(raw as i64),
        })
    }

    /// An int from an unsigned 64-bit word (a big int above `i64::MAX`).
    pub(crate) fn int_from_u64_value(&mut self, v: u64) -> PResult<Value> {
        self.int_from_u64(v)
    }

    fn int_from_u64(&mut self, v: u64) -> PResult<Value> {
        match i64::try_from(v) {
            Ok(i) => Ok(Value::Int(i)),
            Err(_) => self.num_value(crate::num::Num::Big(alloc::boxed::Box::new(
                num_bigint::BigInt::from(v),
            ))),
        }
    }

    /// The low 64 bits of an int (two's complement), as MicroPython's truncating conversion.
    pub(crate) fn int_truncated(&self, v: Value) -> PResult<u64> {
        if let Some(i) = self.as_int(v) {
            return Ok(i as u64);
        }
        match self.num(v) {
            Some(crate::num::NumRef::Big(b)) => {
                let bytes = b.to_signed_bytes_le();
                let mut word = [if b.sign() == num_bigint::Sign::Minus {
                    0xff
                } else {
                    0
                }; 8];
                for (slot, byte) in word.iter_mut().zip(bytes) {
                    *slot = byte;
                }
                Ok(u64::from_le_bytes(word))
            }
            _ => Err(PyErr::type_error(alloc::format!(
                "can't convert {} to int",
                self.type_name(v)
            ))),
        }
    }

    fn set_scalar(&mut self, t: i64, addr: u64, big: bool, v: Value) -> PResult<()> {
        let size = scalar_size(t);
        let raw = match t {
            FLOAT32 => u64::from((self.float_arg(v)? as f32).to_bits()),
            FLOAT64 => self.float_arg(v)?.to_bits(),
            _ => self.int_truncated(v)?,
        };
        let mut b = raw.to_le_bytes()[..size].to_vec();
        if big {
            b.reverse();
        }
        self.mem_write(addr, &b)
    }

    fn read_pointer(&self, addr: u64) -> PResult<u64> {
        let b = self.mem_read(addr, PTR_SIZE)?;
        let mut word = [0u8; 8];
        word[..PTR_SIZE].copy_from_slice(&b);
        Ok(u64::from_le_bytes(word))
    }

    fn new_struct(&mut self, addr: u64, desc: Value, layout: i64) -> PResult<Value> {
        self.new_data(&STRUCT_CLASS, CStruct { addr, desc, layout })
    }

    /// Read (`set == None`) or write a field of a struct.
    fn struct_field(&mut self, this: Value, name: Value, set: Option<Value>) -> PResult<Value> {
        let s = self.data_ref::<CStruct>(this).ok_or_else(syntax_error)?;
        let (addr, desc, layout) = (s.addr, s.desc, s.layout);
        if !self.is_dict(desc) {
            return Err(PyErr::type_error("struct: no fields"));
        }
        let d = self.payload(desc).unwrap_or(desc);
        let Some(field) = self.dict_get(d, name)? else {
            let n = self.str_of(name)?;
            return Err(PyErr::new(
                ErrKind::AttributeError,
                alloc::format!("'struct' object has no attribute '{n}'"),
            ));
        };
        let big = layout == BIG_ENDIAN;
        if let Value::Int(code) = field {
            let t = scalar_type(code);
            let off = scalar_offset(code);
            if t <= INT64 || t == FLOAT32 || t == FLOAT64 {
                let at = addr.wrapping_add(off as u64);
                return match set {
                    None => self.get_scalar(t, at, big),
                    Some(v) => self.set_scalar(t, at, big, v).map(|()| Value::None),
                };
            }
            // A bit field inside an unsigned word.
            let bit_off = (off >> BF_POS) & 31;
            let bit_len = (off >> BF_LEN) & 31;
            let at = addr.wrapping_add((off & ((1 << BF_POS) - 1)) as u64);
            let word_type = t & 6;
            let word = self.get_scalar(word_type, at, big)?;
            let word = self.int_truncated(word)?;
            let mask = (1u64 << bit_len) - 1;
            return match set {
                None => Ok(Value::Int(((word >> bit_off) & mask) as i64)),
                Some(v) => {
                    let new = self.int_truncated(v)? & mask;
                    let word = (word & !(mask << bit_off)) | new << bit_off;
                    self.set_scalar(word_type, at, big, Value::Int(word as i64))?;
                    Ok(Value::None)
                }
            };
        }
        if !self.is_tuple(field) || set.is_some() {
            return Err(syntax_error());
        }
        let items = self.tuple_items(field);
        let head = self.int_arg(items[0])?;
        let at = addr.wrapping_add(agg_offset(head) as u64);
        match agg_type(head) {
            STRUCT => self.new_struct(at, items[1], layout),
            ARRAY if items.len() == 2 && scalar_type(self.int_arg(items[1])?) == UINT8 => {
                // An array of bytes is a view of the memory.
                let mut max = 0;
                let len = self.agg_size(field, layout, &mut max)?;
                self.mem_view(at, len)
            }
            _ => self.new_struct(at, field, layout),
        }
    }

    /// Index an array or pointer struct.
    fn struct_index(&mut self, this: Value, index: Value, set: Option<Value>) -> PResult<Value> {
        let s = self.data_ref::<CStruct>(this).ok_or_else(syntax_error)?;
        let (addr, desc, layout) = (s.addr, s.desc, s.layout);
        if !self.is_tuple(desc) {
            return Err(PyErr::type_error("struct: can't index"));
        }
        let items = self.tuple_items(desc);
        let head = self.int_arg(items[0])?;
        let i = self.int_arg(index)?;
        let big = layout == BIG_ENDIAN;
        match agg_type(head) {
            ARRAY => {
                let n = self.int_arg(items[1])?;
                if i < 0 || i >= scalar_offset(n) {
                    return Err(PyErr::new(
                        ErrKind::IndexError,
                        "struct: index out of range",
                    ));
                }
                if items.len() == 2 {
                    let t = scalar_type(n);
                    let at = addr.wrapping_add((scalar_size(t) as i64 * i) as u64);
                    return match set {
                        None => self.get_scalar(t, at, big),
                        Some(v) => self.set_scalar(t, at, big, v).map(|()| Value::None),
                    };
                }
                if set.is_some() {
                    return Err(PyErr::type_error("can't assign to a struct"));
                }
                let mut max = 0;
                let size = self.desc_size(items[2], layout, &mut max)?;
                self.new_struct(
                    addr.wrapping_add((size as i64 * i) as u64),
                    items[2],
                    layout,
                )
            }
            PTR => {
                let p = self.read_pointer(addr)?;
                if let Value::Int(code) = items[1] {
                    let t = scalar_type(code);
                    let at = p.wrapping_add((scalar_size(t) as i64 * i) as u64);
                    // Through a pointer, memory is read in the machine's own order.
                    return match set {
                        None => self.get_scalar(t, at, false),
                        Some(v) => self.set_scalar(t, at, false, v).map(|()| Value::None),
                    };
                }
                if set.is_some() {
                    return Err(PyErr::type_error("can't assign to a struct"));
                }
                let mut max = 0;
                let size = self.desc_size(items[1], layout, &mut max)?;
                self.new_struct(p.wrapping_add((size as i64 * i) as u64), items[1], layout)
            }
            _ => Err(PyErr::type_error("struct: can't index")),
        }
    }
}

fn struct_new(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "struct", 2, 3)?;
    let addr_v = vm.arg(a, 0);
    if vm.as_int(addr_v).is_none() && vm.num(addr_v).is_none() {
        return Err(PyErr::type_error("address must be an int"));
    }
    let addr = vm.int_truncated(addr_v)?;
    let layout = if a.len == 3 {
        vm.int_arg(vm.arg(a, 2))?
    } else {
        NATIVE
    };
    vm.new_struct(addr, vm.arg(a, 1), layout)
}

fn struct_getattr(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.struct_field(vm.arg(a, 0), vm.arg(a, 1), None)
}

fn struct_setattr(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.struct_field(vm.arg(a, 0), vm.arg(a, 1), Some(vm.arg(a, 2)))?;
    Ok(Value::None)
}

fn struct_getitem(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.struct_index(vm.arg(a, 0), vm.arg(a, 1), None)
}

fn struct_setitem(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.struct_index(vm.arg(a, 0), vm.arg(a, 1), Some(vm.arg(a, 2)))?;
    Ok(Value::None)
}

/// `int(ptr_field)`: the address a pointer holds.
fn struct_int(vm: &mut Interp, a: Args) -> PResult<Value> {
    let s = vm.this::<CStruct>(a)?;
    let (addr, desc) = (s.addr, s.desc);
    if vm.is_tuple(desc) {
        let head = vm.int_arg(vm.tuple_items(desc)[0])?;
        if agg_type(head) == PTR {
            let p = vm.read_pointer(addr)?;
            return vm.int_from_u64(p);
        }
    }
    Err(PyErr::type_error("can't convert struct to int"))
}

fn struct_hash(_vm: &mut Interp, _a: Args) -> PResult<Value> {
    Err(PyErr::type_error("unhashable type: 'struct'"))
}

fn struct_repr(vm: &mut Interp, a: Args) -> PResult<Value> {
    let s = vm.this::<CStruct>(a)?;
    let (addr, desc) = (s.addr, s.desc);
    let kind = if vm.is_dict(desc) {
        "STRUCT"
    } else if vm.is_tuple(desc) {
        match agg_type(vm.int_arg(vm.tuple_items(desc)[0])?) {
            PTR => "PTR",
            ARRAY => "ARRAY",
            _ => "unk",
        }
    } else {
        "ERROR"
    };
    let addr = if addr == 0 {
        alloc::string::String::from("0")
    } else {
        alloc::format!("0x{addr:x}")
    };
    vm.str_value(&alloc::format!("<struct {kind} {addr}>"))
}

fn sizeof(vm: &mut Interp, a: Args) -> PResult<Value> {
    let v = vm.arg(a, 0);
    if let Value::Obj(r) = v
        && matches!(vm.gc.heap.get(r), Obj::ByteArray(_) | Obj::MemoryView(..))
    {
        // A byte array (an array-of-bytes field is a view of memory): its length.
        return Ok(Value::Int(vm.as_bytes(v).map_or(0, <[u8]>::len) as i64));
    }
    let (desc, layout) = match vm.data_ref::<CStruct>(v) {
        Some(s) => {
            if a.len == 2 {
                return Err(PyErr::bare(ErrKind::TypeError));
            }
            (s.desc, s.layout)
        }
        None => (
            v,
            if a.len == 2 {
                vm.int_arg(vm.arg(a, 1))?
            } else {
                NATIVE
            },
        ),
    };
    let mut max = 0;
    let size = vm.desc_size(desc, layout, &mut max)?;
    Ok(Value::Int(size as i64))
}

fn addressof(vm: &mut Interp, a: Args) -> PResult<Value> {
    let addr = vm.address_of(vm.arg(a, 0))?;
    vm.int_from_u64(addr)
}

fn bytes_at(vm: &mut Interp, a: Args) -> PResult<Value> {
    let addr = vm.int_truncated(vm.arg(a, 0))?;
    let len = vm.int_arg(vm.arg(a, 1))?.max(0) as usize;
    let data = vm.mem_read(addr, len)?;
    vm.alloc(Obj::Bytes(data.into()))
}

/// `bytearray_at(addr, size)`: the memory there, shared (a view of the buffer that lives
/// at that address).
fn bytearray_at(vm: &mut Interp, a: Args) -> PResult<Value> {
    let addr = vm.int_truncated(vm.arg(a, 0))?;
    let len = vm.int_arg(vm.arg(a, 1))?.max(0) as usize;
    match vm.mem_view(addr, len) {
        Ok(v) => Ok(v),
        Err(_) => vm.new_data(&RAW_MEMORY, RawMemory { addr }),
    }
}
