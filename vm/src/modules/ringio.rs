//! `micropython.RingIO`: a fixed-size byte FIFO with a stream interface (non-blocking reads
//! and writes), for passing data between an interrupt handler and the program, or into
//! `asyncio` streams.
//!
//! The classic ring buffer: `read == write` is empty, and one byte of the storage stays
//! unused so that a full buffer is told apart from an empty one. `RingIO(n)` owns `n + 1`
//! bytes; `RingIO(buffer)` works in the caller's buffer, in place, holding one byte less.

use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::objects::data::{ClassSpec, Data};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

/// The largest storage: positions are 16-bit, as on MicroPython.
const MAX_STORAGE: usize = 65535;

#[derive(Debug)]
struct RingIo {
    /// The caller's buffer, when made from one; otherwise the bytes are in `own`.
    buffer: Option<Value>,
    own: Vec<u8>,
    /// Bytes of storage (one more than the capacity).
    size: usize,
    /// Where the next byte is read from, and written to.
    read: usize,
    write: usize,
}

impl RingIo {
    fn available(&self) -> usize {
        (self.write + self.size - self.read) % self.size
    }

    fn free(&self) -> usize {
        self.size - 1 - self.available()
    }
}

impl Data for RingIo {
    fn trace(&self, f: &mut dyn FnMut(Value)) {
        if let Some(b) = self.buffer {
            f(b);
        }
    }

    fn extra_size(&self) -> usize {
        self.own.capacity()
    }
}

pub(crate) static RINGIO: ClassSpec = ClassSpec {
    name: "RingIO",
    base: None,
    methods: &[
        Native::new("any", ring_any).args(1, 1),
        Native::new("read", ring_read).args(1, 2).kw(),
        Native::new("readline", ring_readline).args(1, 2).kw(),
        Native::new("readinto", ring_readinto).args(2, 3).kw(),
        Native::new("write", ring_write).args(2, 2),
        Native::new("close", ring_close).args(1, 1),
        Native::new("__repr__", ring_repr).args(1, 1),
    ],
    make: Some(ring_new),
};

fn ring_new(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "RingIO", 1, 1)?;
    let arg = vm.arg(a, 0);
    let too_small = || PyErr::new(ErrKind::ValueError, "buffer too small");
    let too_big = || PyErr::new(ErrKind::ValueError, "buffer too large");
    let (buffer, own, size) = if let Some(n) = vm.as_int(arg) {
        if n < 1 {
            return Err(too_small());
        }
        let size = n as usize + 1;
        if size > MAX_STORAGE {
            return Err(too_big());
        }
        vm.make_room(size, &[])?;
        (None, alloc::vec![0u8; size], size)
    } else {
        let Ok(len) = vm.buffer_mut(arg).map(|b| b.len()) else {
            return Err(PyErr::type_error("object with buffer protocol required"));
        };
        if len < 2 {
            return Err(too_small());
        }
        if len > MAX_STORAGE {
            return Err(too_big());
        }
        (Some(arg), Vec::new(), len)
    };
    let ring = RingIo {
        buffer,
        own,
        size,
        read: 0,
        write: 0,
    };
    vm.new_data(&RINGIO, ring)
}

impl Interp {
    /// Run `f` on a RingIO's state and its storage.
    fn with_ring<T>(
        &mut self,
        v: Value,
        f: impl FnOnce(&mut RingIo, &mut [u8]) -> T,
    ) -> PResult<T> {
        let Some(ring) = self.data_mut::<RingIo>(v) else {
            return Err(PyErr::type_error("RingIO expected"));
        };
        match ring.buffer {
            None => {
                let mut own = core::mem::take(&mut ring.own);
                let out = f(ring, &mut own);
                if let Some(ring) = self.data_mut::<RingIo>(v) {
                    ring.own = own;
                }
                Ok(out)
            }
            Some(b) => {
                let (size, read, write) = (ring.size, ring.read, ring.write);
                let mut state = RingIo {
                    buffer: Some(b),
                    own: Vec::new(),
                    size,
                    read,
                    write,
                };
                let storage = self.buffer_mut(b)?;
                // (A buffer that shrank since cannot be used.)
                if storage.len() < size {
                    return Err(PyErr::new(ErrKind::ValueError, "buffer too small"));
                }
                let out = f(&mut state, storage);
                if let Some(ring) = self.data_mut::<RingIo>(v) {
                    ring.read = state.read;
                    ring.write = state.write;
                }
                Ok(out)
            }
        }
    }

    /// Take up to `max` bytes out of a RingIO (stopping after a newline if `line`).
    fn ring_take(&mut self, v: Value, max: Option<usize>, line: bool) -> PResult<Vec<u8>> {
        self.with_ring(v, |ring, storage| {
            let n = max.map_or(ring.available(), |m| m.min(ring.available()));
            let mut out = Vec::with_capacity(n);
            while out.len() < n {
                let byte = storage[ring.read];
                ring.read = (ring.read + 1) % ring.size;
                out.push(byte);
                if line && byte == b'\n' {
                    break;
                }
            }
            out
        })
    }
}

/// `MP_STREAM_POLL` readiness of a RingIO for `select.poll`: readable when it holds data,
/// writable when it has room. `None` if `v` is not one.
pub(crate) fn ring_poll(vm: &Interp, v: Value, events: u32) -> Option<u32> {
    const POLLIN: u32 = 1;
    const POLLOUT: u32 = 4;
    let ring = vm.data_ref::<RingIo>(v)?;
    let mut ready = 0;
    if ring.available() > 0 {
        ready |= POLLIN;
    }
    if ring.free() > 0 {
        ready |= POLLOUT;
    }
    Some(ready & events)
}

/// The optional byte-count argument at `i` (`None` when absent or negative).
fn count_arg(vm: &Interp, a: Args, i: usize) -> PResult<Option<usize>> {
    if a.len <= i || vm.arg(a, i) == Value::None {
        return Ok(None);
    }
    let n = vm.int_arg(vm.arg(a, i))?;
    Ok((n >= 0).then_some(n as usize))
}

fn ring_any(vm: &mut Interp, a: Args) -> PResult<Value> {
    let n = vm.this::<RingIo>(a)?.available();
    Ok(Value::Int(n as i64))
}

fn ring_read(vm: &mut Interp, a: Args) -> PResult<Value> {
    let max = count_arg(vm, a, 1)?;
    let bytes = vm.ring_take(vm.arg(a, 0), max, false)?;
    vm.alloc(Obj::Bytes(bytes.into()))
}

fn ring_readline(vm: &mut Interp, a: Args) -> PResult<Value> {
    let max = count_arg(vm, a, 1)?;
    let bytes = vm.ring_take(vm.arg(a, 0), max, true)?;
    vm.alloc(Obj::Bytes(bytes.into()))
}

fn ring_readinto(vm: &mut Interp, a: Args) -> PResult<Value> {
    let room = vm.buffer_mut(vm.arg(a, 1))?.len();
    let max = count_arg(vm, a, 2)?.map_or(room, |n| n.min(room));
    let bytes = vm.ring_take(vm.arg(a, 0), Some(max), false)?;
    vm.buffer_mut(vm.arg(a, 1))?[..bytes.len()].copy_from_slice(&bytes);
    Ok(Value::Int(bytes.len() as i64))
}

/// `write(buf)`: as many of the bytes as fit; the count written.
fn ring_write(vm: &mut Interp, a: Args) -> PResult<Value> {
    let Some(data) = vm.as_bytes(vm.arg(a, 1)).map(<[u8]>::to_vec) else {
        return Err(PyErr::type_error("object with buffer protocol required"));
    };
    let n = vm.with_ring(vm.arg(a, 0), |ring, storage| {
        let n = data.len().min(ring.free());
        for byte in &data[..n] {
            storage[ring.write] = *byte;
            ring.write = (ring.write + 1) % ring.size;
        }
        n
    })?;
    Ok(Value::Int(n as i64))
}

/// `close()`: nothing to release; the data stays.
fn ring_close(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.this::<RingIo>(a)?;
    Ok(Value::None)
}

fn ring_repr(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.this::<RingIo>(a)?;
    vm.str_value("<RingIO>")
}
