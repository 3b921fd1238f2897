//! `deflate`: `DeflateIO`, a stream that decompresses what it reads from another stream and
//! compresses what is written to it, in the raw DEFLATE, zlib or gzip format (miniz_oxide
//! does the coding; the gzip wrapper is written here). As on MicroPython, reading takes from
//! the source stream only the bytes it needs.

use alloc::boxed::Box;
use alloc::vec::Vec;

use miniz_oxide::deflate::core::{CompressorOxide, create_comp_flags_from_zip_params};
use miniz_oxide::inflate::stream::InflateState;
use miniz_oxide::{DataFormat, MZError, MZFlush, MZStatus};

use crate::error::{ErrKind, PyErr};
use crate::gc::{Obj, ObjRef};
use crate::objects::data::{ClassSpec, Data};
use crate::platform::errno;
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

/// What a compressor's tables take (miniz_oxide's dictionary, hash chains and output
/// buffers, about 315 KB), asked for before one is made.
const COMPRESSOR_BYTES: usize = 320 * 1024;
/// What a decompressor's state takes (its 32 KB window and tables).
const DECOMPRESSOR_BYTES: usize = 48 * 1024;

const AUTO: i64 = 0;
const RAW: i64 = 1;
const ZLIB: i64 = 2;
const GZIP: i64 = 3;

/// What the stream is doing.
enum Mode {
    /// Not decided yet (nothing read or written).
    Idle,
    Reading(Box<Reader>),
    Writing(Box<Writer>),
}

struct Reader {
    state: Box<InflateState>,
    /// The container is gzip: its header is skipped and its trailer checked.
    gzip: bool,
    /// Decompressed bytes not yet returned.
    out: Vec<u8>,
    at: usize,
    done: bool,
}

struct Writer {
    compressor: Box<CompressorOxide>,
    gzip: bool,
    crc: u32,
    size: u32,
}

pub(crate) struct DeflateData {
    stream: Value,
    format: i64,
    close_stream: bool,
    closed: bool,
    mode: Mode,
}

impl core::fmt::Debug for DeflateData {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("DeflateIO")
    }
}

impl Data for DeflateData {
    fn trace(&self, f: &mut dyn FnMut(Value)) {
        f(self.stream);
    }

    fn extra_size(&self) -> usize {
        match &self.mode {
            Mode::Idle => 0,
            Mode::Reading(r) => core::mem::size_of::<InflateState>() + r.out.capacity(),
            Mode::Writing(_) => core::mem::size_of::<CompressorOxide>(),
        }
    }
}

static DEFLATE_IO: ClassSpec = ClassSpec {
    name: "DeflateIO",
    base: None,
    methods: &[
        Native::new("read", dio_read).args(1, 2).kw(),
        Native::new("readinto", dio_readinto).args(2, 3).kw(),
        Native::new("readline", dio_readline).args(1, 1),
        Native::new("write", dio_write).args(2, 2),
        Native::new("close", dio_close).args(1, 1),
        Native::new("__enter__", dio_enter).args(1, 1),
        Native::new("__exit__", dio_close).args(4, 4),
    ],
    make: Some(dio_new),
};

pub(super) fn make(vm: &mut Interp) -> ObjRef {
    let m = vm.native_module("deflate", &[]);
    let c = vm.data_class(&DEFLATE_IO);
    vm.set_attr_str(m, "DeflateIO", Value::Obj(c));
    for (name, v) in [("AUTO", AUTO), ("RAW", RAW), ("ZLIB", ZLIB), ("GZIP", GZIP)] {
        vm.set_attr_str(m, name, Value::Int(v));
    }
    m
}

/// `DeflateIO(stream, format=AUTO, wbits=0, close=False)`.
fn dio_new(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "DeflateIO", 1, 4)?;
    let stream = vm.arg(a, 0);
    let format = match vm.arg_or_kw(a, 1, "format") {
        Some(v) => vm.int_arg(v)?,
        None => AUTO,
    };
    if !(AUTO..=GZIP).contains(&format) {
        return Err(PyErr::new(ErrKind::ValueError, "invalid format"));
    }
    let close_stream = match vm.arg_or_kw(a, 3, "close") {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    vm.new_data(
        &DEFLATE_IO,
        DeflateData {
            stream,
            format,
            close_stream,
            closed: false,
            mode: Mode::Idle,
        },
    )
}

fn data_error() -> PyErr {
    PyErr::new(ErrKind::OSError, "invalid compressed data")
}

impl Interp {
    fn dio(&mut self, v: Value) -> PResult<&mut DeflateData> {
        let closed = match self.data_ref::<DeflateData>(v) {
            Some(d) => d.closed,
            None => return Err(PyErr::type_error("not a DeflateIO")),
        };
        if closed {
            return Err(self.os_error(errno::EBADF));
        }
        Ok(self.data_mut::<DeflateData>(v).expect("checked above"))
    }

    /// Up to `n` bytes from the source stream (`b""` at its end).
    fn dio_source(&mut self, stream: Value, n: usize) -> PResult<Vec<u8>> {
        if let Some(bytes) = self.native_read(stream, n)? {
            return Ok(bytes);
        }
        let r = self.call_method(stream, "read", &[Value::Int(n as i64)])?;
        if r == Value::None {
            return Ok(Vec::new());
        }
        self.buffer_arg(r)
    }

    /// Read and check a gzip header from the source (`head`: its first bytes, if some
    /// were taken already).
    fn gzip_header(&mut self, stream: Value, mut head: Vec<u8>) -> PResult<()> {
        let rest = self.dio_source(stream, 10 - head.len().min(10))?;
        head.extend_from_slice(&rest);
        if head.len() < 10 || head[0] != 0x1f || head[1] != 0x8b || head[2] != 8 {
            return Err(data_error());
        }
        let flags = head[3];
        if flags & 4 != 0 {
            // FEXTRA: a length, then that many bytes.
            let x = self.dio_source(stream, 2)?;
            let len =
                usize::from(*x.first().unwrap_or(&0)) | usize::from(*x.get(1).unwrap_or(&0)) << 8;
            self.dio_source(stream, len)?;
        }
        for bit in [8u8, 16] {
            if flags & bit != 0 {
                // FNAME, FCOMMENT: NUL-terminated.
                while let Some(&b) = self.dio_source(stream, 1)?.first() {
                    if b == 0 {
                        break;
                    }
                }
            }
        }
        if flags & 2 != 0 {
            // FHCRC
            self.dio_source(stream, 2)?;
        }
        Ok(())
    }

    /// Start reading: detect the container and set up the decompressor.
    fn dio_start_reading(&mut self, this: Value) -> PResult<()> {
        let d = self.dio(this)?;
        let (stream, mut format) = (d.stream, d.format);
        let mut taken = Vec::new();
        if format == AUTO {
            // zlib or gzip, told apart by the first byte.
            taken = self.dio_source(stream, 1)?;
            format = match taken.first() {
                Some(0x1f) => GZIP,
                Some(&b) if b & 0x0f == 8 => ZLIB,
                _ => return Err(data_error()),
            };
        }
        if format == GZIP {
            self.gzip_header(stream, core::mem::take(&mut taken))?;
        }
        let data_format = if format == ZLIB {
            DataFormat::Zlib
        } else {
            DataFormat::Raw
        };
        self.ensure_memory(DECOMPRESSOR_BYTES)?;
        let mut reader = Box::new(Reader {
            state: InflateState::new_boxed(data_format),
            gzip: format == GZIP,
            out: Vec::new(),
            at: 0,
            done: false,
        });
        feed(&mut reader, &taken)?;
        self.dio(this)?.mode = Mode::Reading(reader);
        Ok(())
    }

    /// Decompress until `want` bytes are ready (or the data ends).
    fn dio_fill(&mut self, this: Value, want: usize) -> PResult<()> {
        if matches!(self.dio(this)?.mode, Mode::Idle) {
            self.dio_start_reading(this)?;
        }
        loop {
            let d = self.dio(this)?;
            let stream = d.stream;
            let Mode::Reading(r) = &mut d.mode else {
                return Err(self.os_error(errno::EPERM));
            };
            if r.done || r.out.len() - r.at >= want {
                return Ok(());
            }
            let gzip = r.gzip;
            let input = self.dio_source(stream, 1)?;
            let d = self.dio(this)?;
            let Mode::Reading(r) = &mut d.mode else {
                unreachable!("checked above")
            };
            if input.is_empty() {
                // The source ended before the compressed data did.
                if !r.done {
                    return Err(PyErr::bare(ErrKind::EOFError));
                }
                return Ok(());
            }
            feed(r, &input)?;
            if r.done && gzip {
                // The trailer: CRC-32 and size; read, not checked against the data.
                self.dio_source(stream, 8)?;
            }
        }
    }

    fn dio_take(&mut self, this: Value, n: usize) -> PResult<Vec<u8>> {
        self.dio_fill(this, n)?;
        let d = self.dio(this)?;
        let Mode::Reading(r) = &mut d.mode else {
            return Ok(Vec::new());
        };
        let end = r.at.saturating_add(n).min(r.out.len());
        let bytes = r.out[r.at..end].to_vec();
        r.at = end;
        if r.at == r.out.len() {
            r.out.clear();
            r.at = 0;
        }
        Ok(bytes)
    }

    /// Compress `data` and write it to the source stream (with `finish`, the end too).
    fn dio_compress(&mut self, this: Value, data: &[u8], finish: bool) -> PResult<()> {
        if matches!(self.dio(this)?.mode, Mode::Idle) {
            self.ensure_memory(COMPRESSOR_BYTES)?;
        }
        let d = self.dio(this)?;
        let (stream, format) = (d.stream, d.format);
        if matches!(d.mode, Mode::Idle) {
            let bits = if format == ZLIB { 15 } else { -15 };
            let flags = create_comp_flags_from_zip_params(6, bits, 0);
            let writer = Box::new(Writer {
                compressor: Box::new(CompressorOxide::new(flags)),
                gzip: format == GZIP,
                crc: 0,
                size: 0,
            });
            let header = format == GZIP;
            d.mode = Mode::Writing(writer);
            if header {
                self.dio_sink(stream, &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])?;
            }
        }
        let d = self.dio(this)?;
        let Mode::Writing(w) = &mut d.mode else {
            return Err(self.os_error(errno::EPERM));
        };
        w.crc = super::binascii::crc32_update(w.crc, data);
        w.size = w.size.wrapping_add(data.len() as u32);
        let flush = if finish {
            MZFlush::Finish
        } else {
            MZFlush::None
        };
        let mut out = Vec::new();
        let mut input = data;
        let mut chunk = [0u8; 256];
        loop {
            let r =
                miniz_oxide::deflate::stream::deflate(&mut w.compressor, input, &mut chunk, flush);
            input = &input[r.bytes_consumed..];
            out.extend_from_slice(&chunk[..r.bytes_written]);
            match r.status {
                Ok(MZStatus::StreamEnd) => break,
                Ok(_) if input.is_empty() && r.bytes_written < chunk.len() && !finish => break,
                Ok(_) => {}
                Err(MZError::Buf) if !finish => break,
                Err(_) => return Err(data_error()),
            }
        }
        let trailer = finish && w.gzip;
        let (crc, size) = (w.crc, w.size);
        self.dio_sink(stream, &out)?;
        if trailer {
            let mut t = crc.to_le_bytes().to_vec();
            t.extend_from_slice(&size.to_le_bytes());
            self.dio_sink(stream, &t)?;
        }
        Ok(())
    }

    fn dio_sink(&mut self, stream: Value, data: &[u8]) -> PResult<()> {
        if data.is_empty() {
            return Ok(());
        }
        let b = self.alloc(Obj::Bytes(data.into()))?;
        let r = self.rooted(&[b], |vm| vm.call_method(stream, "write", &[b]));
        r.map(|_| ())
    }
}

/// Give the decompressor input; what comes out joins `out`.
fn feed(r: &mut Reader, mut input: &[u8]) -> PResult<()> {
    let mut chunk = [0u8; 256];
    loop {
        let res =
            miniz_oxide::inflate::stream::inflate(&mut r.state, input, &mut chunk, MZFlush::None);
        input = &input[res.bytes_consumed..];
        r.out.extend_from_slice(&chunk[..res.bytes_written]);
        match res.status {
            Ok(MZStatus::StreamEnd) => {
                r.done = true;
                return Ok(());
            }
            Ok(_) if input.is_empty() && res.bytes_written < chunk.len() => return Ok(()),
            Ok(_) => {}
            Err(MZError::Buf) => return Ok(()),
            Err(_) => return Err(data_error()),
        }
    }
}

fn size_arg(vm: &Interp, a: Args, i: usize) -> PResult<usize> {
    match (a.len > i).then(|| vm.arg(a, i)) {
        None | Some(Value::None) => Ok(usize::MAX),
        Some(v) => Ok(vm.int_arg(v)?.max(0) as usize),
    }
}

fn dio_read(vm: &mut Interp, a: Args) -> PResult<Value> {
    let n = size_arg(vm, a, 1)?;
    let bytes = vm.dio_take(vm.arg(a, 0), n)?;
    vm.alloc(Obj::Bytes(bytes.into()))
}

fn dio_readinto(vm: &mut Interp, a: Args) -> PResult<Value> {
    let target = vm.arg(a, 1);
    let n = vm.buffer_mut(target)?.len().min(size_arg(vm, a, 2)?);
    let bytes = vm.dio_take(vm.arg(a, 0), n)?;
    vm.buffer_mut(target)?[..bytes.len()].copy_from_slice(&bytes);
    Ok(Value::Int(bytes.len() as i64))
}

fn dio_readline(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    let mut line = Vec::new();
    loop {
        let b = vm.dio_take(this, 1)?;
        let Some(&c) = b.first() else {
            break;
        };
        line.push(c);
        if c == b'\n' {
            break;
        }
    }
    vm.alloc(Obj::Bytes(line.into()))
}

fn dio_write(vm: &mut Interp, a: Args) -> PResult<Value> {
    let data = vm.buffer_arg(vm.arg(a, 1))?;
    vm.dio_compress(vm.arg(a, 0), &data, false)?;
    Ok(Value::Int(data.len() as i64))
}

fn dio_close(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    let Some(d) = vm.data_ref::<DeflateData>(this) else {
        return Err(PyErr::type_error("not a DeflateIO"));
    };
    if d.closed {
        return Ok(Value::None);
    }
    let (stream, close_stream, writing) =
        (d.stream, d.close_stream, matches!(d.mode, Mode::Writing(_)));
    if writing {
        vm.dio_compress(this, &[], true)?;
    }
    if let Some(d) = vm.data_mut::<DeflateData>(this) {
        d.closed = true;
        d.mode = Mode::Idle;
    }
    vm.data_resized(this);
    if close_stream {
        vm.stream_close_any(stream)?;
    }
    Ok(Value::None)
}

fn dio_enter(vm: &mut Interp, a: Args) -> PResult<Value> {
    Ok(vm.arg(a, 0))
}
