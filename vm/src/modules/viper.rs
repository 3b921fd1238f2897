//! The casts of `@micropython.viper` functions. Viper functions run as bytecode here; the
//! compiler turns their annotations and the names `ptr8`, `ptr16`, `ptr32`, `ptr`, `uint`
//! and `int` inside them into calls of these casts (hidden builtins named
//! `micropython.<cast>`), so they compute what MicroPython's viper code computes: pointers
//! that load and store 1, 2 or 4 bytes, unsigned and wrapping machine words.
//!
//! A pointer is a buffer object and a byte offset (or an address of the `uctypes` address
//! space), and every access is bounds-checked.

use crate::error::{ErrKind, PyErr};
use crate::objects::data::{ClassSpec, Data};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

/// The hidden builtins, by the names the compiler uses.
pub(crate) const CASTS: &[Native] = &[
    Native::new("micropython.ptr", cast_ptr8).args(1, 1),
    Native::new("micropython.ptr8", cast_ptr8).args(1, 1),
    Native::new("micropython.ptr16", cast_ptr16).args(1, 1),
    Native::new("micropython.ptr32", cast_ptr32).args(1, 1),
    Native::new("micropython.uint", cast_uint).args(1, 1),
    Native::new("micropython.int", cast_int).args(1, 1),
    Native::new("micropython.bool", cast_bool).args(1, 1),
];

/// A viper pointer: an address, and the width of what it loads and stores.
#[derive(Debug)]
pub(crate) struct Ptr {
    addr: u64,
    width: u8,
}

impl Data for Ptr {}

static PTR: ClassSpec = ClassSpec {
    name: "ptr",
    base: None,
    methods: &[
        Native::new("__getitem__", ptr_load).args(2, 2).kw(),
        Native::new("__setitem__", ptr_store).args(3, 3).kw(),
        Native::new("__int__", ptr_int).args(1, 1),
        Native::new("__index__", ptr_int).args(1, 1),
    ],
    make: None,
};

/// The machine word's width in bits.
const WORD_BITS: u32 = usize::BITS;

fn make_ptr(vm: &mut Interp, a: Args, width: u8) -> PResult<Value> {
    let v = vm.arg(a, 0);
    let addr = if let Some(p) = vm.data_ref::<Ptr>(v) {
        p.addr
    } else if vm.as_int(v).is_some() || vm.num(v).is_some() {
        vm.int_truncated(v)?
    } else {
        vm.address_of(v)?
    };
    vm.new_data(&PTR, Ptr { addr, width })
}

fn cast_ptr8(vm: &mut Interp, a: Args) -> PResult<Value> {
    make_ptr(vm, a, 1)
}

fn cast_ptr16(vm: &mut Interp, a: Args) -> PResult<Value> {
    make_ptr(vm, a, 2)
}

fn cast_ptr32(vm: &mut Interp, a: Args) -> PResult<Value> {
    make_ptr(vm, a, 4)
}

/// The machine word of a value: ints truncated, pointers their address, None 0.
fn word(vm: &mut Interp, v: Value) -> PResult<u64> {
    match v {
        Value::None => Ok(0),
        Value::Bool(b) => Ok(u64::from(b)),
        _ => match vm.data_ref::<Ptr>(v) {
            Some(p) => Ok(p.addr),
            None => vm.int_truncated(v),
        },
    }
}

fn mask(w: u64) -> u64 {
    if WORD_BITS == 64 {
        w
    } else {
        w & ((1u64 << WORD_BITS) - 1)
    }
}

/// `uint(x)`: the unsigned machine word.
fn cast_uint(vm: &mut Interp, a: Args) -> PResult<Value> {
    let w = mask(word(vm, vm.arg(a, 0))?);
    vm.int_from_u64_value(w)
}

/// `int(x)` in viper code: the signed machine word (an int unchanged while it fits).
fn cast_int(vm: &mut Interp, a: Args) -> PResult<Value> {
    let v = vm.arg(a, 0);
    if let Value::Float(_) = v {
        return Err(PyErr::type_error("can't convert float to int"));
    }
    if vm.as_str(v).is_some() {
        return Err(PyErr::type_error("can't convert str to int"));
    }
    let w = mask(word(vm, v)?);
    let shift = 64 - WORD_BITS;
    Ok(Value::Int(((w << shift) as i64) >> shift))
}

fn cast_bool(vm: &mut Interp, a: Args) -> PResult<Value> {
    let v = vm.arg(a, 0);
    Ok(Value::Bool(vm.truthy(v)?))
}

impl Interp {
    fn ptr_at(&mut self, a: Args) -> PResult<(u64, usize)> {
        let i = self.int_arg(self.arg(a, 1))?;
        let p = self.this::<Ptr>(a)?;
        let width = usize::from(p.width);
        let at = (p.addr as i64).wrapping_add(i.wrapping_mul(width as i64)) as u64;
        Ok((at, width))
    }
}

fn ptr_load(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (at, width) = vm.ptr_at(a)?;
    let bytes = vm
        .mem_read(at, width)
        .map_err(|_| PyErr::new(ErrKind::IndexError, "pointer out of range"))?;
    let mut word = [0u8; 8];
    word[..width].copy_from_slice(&bytes);
    Ok(Value::Int(u64::from_le_bytes(word) as i64))
}

fn ptr_store(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (at, width) = vm.ptr_at(a)?;
    let v = word(vm, vm.arg(a, 2))?;
    vm.mem_write(at, &v.to_le_bytes()[..width])
        .map_err(|_| PyErr::new(ErrKind::IndexError, "pointer out of range"))?;
    Ok(Value::None)
}

fn ptr_int(vm: &mut Interp, a: Args) -> PResult<Value> {
    let addr = vm.this::<Ptr>(a)?.addr;
    vm.int_from_u64_value(addr)
}
