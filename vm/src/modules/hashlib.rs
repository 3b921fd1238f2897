//! `hashlib`: SHA-256, SHA-1 and MD5 (the RustCrypto implementations). As on MicroPython, a
//! hash object gives its digest once; after that, `update` and `digest` raise `ValueError`.

use alloc::boxed::Box;

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::objects::data::{ClassSpec, Data};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};
use sha2::Digest;

#[derive(Clone)]
enum State {
    Sha256(Box<sha2::Sha256>),
    Sha1(Box<sha1::Sha1>),
    Md5(Box<md5::Md5>),
    /// The digest has been taken.
    Finished,
}

pub(crate) struct Hash(State);

impl core::fmt::Debug for Hash {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Hash")
    }
}

impl Data for Hash {}

const METHODS: &[Native] = &[
    Native::new("update", update).args(2, 2),
    Native::new("digest", digest).args(1, 1).kw(),
];

static SHA256: ClassSpec = ClassSpec {
    name: "sha256",
    base: None,
    methods: METHODS,
    make: Some(new_sha256),
};

static SHA1: ClassSpec = ClassSpec {
    name: "sha1",
    base: None,
    methods: METHODS,
    make: Some(new_sha1),
};

static MD5: ClassSpec = ClassSpec {
    name: "md5",
    base: None,
    methods: METHODS,
    make: Some(new_md5),
};

pub(super) fn make(vm: &mut Interp) -> crate::gc::ObjRef {
    let m = vm.native_module("hashlib", &[]);
    for (name, spec) in [("sha256", &SHA256), ("sha1", &SHA1), ("md5", &MD5)] {
        let c = vm.data_class(spec);
        vm.set_attr_str(m, name, Value::Obj(c));
    }
    m
}

fn new_hash(vm: &mut Interp, a: Args, spec: &'static ClassSpec, state: State) -> PResult<Value> {
    vm.nargs(a, spec.name, 0, 1)?;
    let h = vm.new_data(spec, Hash(state))?;
    if a.len == 1 {
        let data = vm.buffer_arg(vm.arg(a, 0))?;
        feed(vm, h, &data)?;
    }
    Ok(h)
}

fn new_sha256(vm: &mut Interp, a: Args) -> PResult<Value> {
    new_hash(vm, a, &SHA256, State::Sha256(Box::default()))
}

fn new_sha1(vm: &mut Interp, a: Args) -> PResult<Value> {
    new_hash(vm, a, &SHA1, State::Sha1(Box::default()))
}

fn new_md5(vm: &mut Interp, a: Args) -> PResult<Value> {
    new_hash(vm, a, &MD5, State::Md5(Box::default()))
}

fn finished() -> PyErr {
    PyErr::new(ErrKind::ValueError, "hash is final")
}

fn feed(vm: &mut Interp, h: Value, data: &[u8]) -> PResult<()> {
    let Some(Hash(state)) = vm.data_mut::<Hash>(h) else {
        return Err(PyErr::type_error("not a hash object"));
    };
    match state {
        State::Sha256(s) => s.update(data),
        State::Sha1(s) => s.update(data),
        State::Md5(s) => s.update(data),
        State::Finished => return Err(finished()),
    }
    Ok(())
}

fn update(vm: &mut Interp, a: Args) -> PResult<Value> {
    let data = vm.buffer_arg(vm.arg(a, 1))?;
    feed(vm, vm.arg(a, 0), &data)?;
    Ok(Value::None)
}

fn digest(vm: &mut Interp, a: Args) -> PResult<Value> {
    let Hash(state) = vm.this::<Hash>(a)?;
    let out: alloc::vec::Vec<u8> = match core::mem::replace(state, State::Finished) {
        State::Sha256(s) => s.finalize().to_vec(),
        State::Sha1(s) => s.finalize().to_vec(),
        State::Md5(s) => s.finalize().to_vec(),
        State::Finished => return Err(finished()),
    };
    vm.alloc(Obj::Bytes(out.into()))
}
