//! `io`: file objects over the platform's filesystem, a filesystem object's (`vfs.VfsLfs2`)
//! and the console (`FileIO` for binary, `TextIOWrapper` for text), `StringIO` and `BytesIO` in memory, and `IOBase`, the base of
//! streams written in Python. Also the stream helpers other modules use.
//!
//! Text streams read and write UTF-8; `read(n)` on them counts characters. A file keeps a
//! small read-ahead buffer (for `readline`), which `tell`, `seek` and `write` account for.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::objects::data::{ClassSpec, Data};
use crate::platform::{Filesystem, FsResult, OpenMode, SeekFrom, errno};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

/// Where a file object's bytes go.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Target {
    /// A file of the platform's filesystem, by its handle.
    Fs(u32),
    /// A file of a filesystem object of the VM's own (`vfs.VfsLfs2`): the object, and the
    /// handle its filesystem gave.
    Vfs(Value, u32),
    Stdin,
    Stdout,
    Stderr,
}

/// An open file or a console stream.
#[derive(Debug)]
pub(crate) struct File {
    target: Target,
    text: bool,
    readable: bool,
    writable: bool,
    closed: bool,
    /// Bytes read ahead of the position; `ahead[at..]` are still unread.
    ahead: Vec<u8>,
    at: usize,
    /// For a `Vfs` file: where its handle goes if it is collected while open, for its
    /// filesystem object to close at its next operation (a finaliser can't run Python).
    orphans: Option<super::vfs_lfs::Orphans>,
}

impl Data for File {
    fn trace(&self, f: &mut dyn FnMut(Value)) {
        if let Target::Vfs(fs, _) = self.target {
            f(fs);
        }
    }

    fn extra_size(&self) -> usize {
        self.ahead.capacity()
    }

    fn has_finalizer(&self) -> bool {
        !self.closed && matches!(self.target, Target::Fs(_) | Target::Vfs(..))
    }

    /// A file collected while open is closed, as MicroPython's finaliser does.
    fn finalize(&mut self, platform: &mut dyn crate::Platform) {
        match self.target {
            Target::Fs(fd) => {
                if let Some(fs) = platform.fs() {
                    let _ = fs.close(fd);
                }
            }
            Target::Vfs(_, fd) => {
                if let Some(orphans) = &self.orphans {
                    orphans.borrow_mut().push(fd);
                }
            }
            _ => {}
        }
        self.closed = true;
    }
}

/// `StringIO` and `BytesIO`: a byte buffer and a position.
#[derive(Debug)]
pub(crate) struct Mem {
    buf: Vec<u8>,
    pos: usize,
    text: bool,
    closed: bool,
}

impl Data for Mem {
    fn extra_size(&self) -> usize {
        self.buf.capacity()
    }
}

/// The methods every stream has, files and in-memory streams alike.
const STREAM_METHODS: [Native; 13] = [
    Native::new("read", stream_read).args(1, 2).kw(),
    Native::new("readinto", stream_readinto).args(2, 3).kw(),
    Native::new("readline", stream_readline).args(1, 2).kw(),
    Native::new("readlines", stream_readlines).args(1, 2),
    Native::new("write", stream_write).args(2, 4),
    Native::new("seek", stream_seek).args(2, 3),
    Native::new("tell", stream_tell).args(1, 1).kw(),
    Native::new("flush", stream_flush).args(1, 1),
    Native::new("close", stream_close).args(1, 1),
    Native::new("__enter__", stream_enter).args(1, 1),
    Native::new("__exit__", stream_exit).args(4, 4),
    Native::new("__iter__", stream_enter).args(1, 1),
    Native::new("__next__", stream_next).args(1, 1),
];

/// The stream methods followed by a kind of stream's own two.
const fn stream_methods(own: [Native; 2]) -> [Native; 15] {
    let mut all = [own[0]; 15];
    let mut i = 0;
    while i < STREAM_METHODS.len() {
        all[i] = STREAM_METHODS[i];
        i += 1;
    }
    all[14] = own[1];
    all[13] = own[0];
    all
}

const FILE_METHODS: &[Native] = &stream_methods([
    Native::new("fileno", file_fileno).args(1, 1),
    Native::new("__repr__", file_repr).args(1, 1),
]);

const MEM_METHODS: &[Native] = &stream_methods([
    Native::new("getvalue", mem_getvalue).args(1, 1),
    Native::new("__repr__", mem_repr).args(1, 1),
]);

pub(crate) static FILE_IO: ClassSpec = ClassSpec {
    name: "FileIO",
    base: None,
    methods: FILE_METHODS,
    make: None,
};

pub(crate) static TEXT_IO: ClassSpec = ClassSpec {
    name: "TextIOWrapper",
    base: None,
    methods: FILE_METHODS,
    make: None,
};

pub(crate) static STRING_IO: ClassSpec = ClassSpec {
    name: "StringIO",
    base: None,
    methods: MEM_METHODS,
    make: Some(new_string_io),
};

pub(crate) static BYTES_IO: ClassSpec = ClassSpec {
    name: "BytesIO",
    base: None,
    methods: MEM_METHODS,
    make: Some(new_bytes_io),
};

/// The stream methods with nothing behind them: a class for Python streams to derive from.
pub(crate) static IO_BASE: ClassSpec = ClassSpec {
    name: "IOBase",
    base: None,
    methods: &[
        Native::new("__enter__", stream_enter).args(1, 1),
        Native::new("__exit__", iobase_exit).args(4, 4),
    ],
    make: Some(new_io_base),
};

#[derive(Debug)]
struct NoState;

impl Data for NoState {}

pub(super) fn make(vm: &mut Interp) -> PResult<crate::gc::ObjRef> {
    let m = vm.native_module("io", &[Native::new("open", open).args(1, 7).kw()]);
    for (name, spec) in [
        ("FileIO", &FILE_IO),
        ("TextIOWrapper", &TEXT_IO),
        ("StringIO", &STRING_IO),
        ("BytesIO", &BYTES_IO),
        ("IOBase", &IO_BASE),
    ] {
        let c = vm.data_class(spec);
        vm.set_attr_str(m, name, Value::Obj(c));
    }
    for (name, v) in [("SEEK_SET", 0), ("SEEK_CUR", 1), ("SEEK_END", 2)] {
        vm.set_attr_str(m, name, Value::Int(v));
    }
    Ok(m)
}

/// What a mode string of `open` asks for, and whether the file is text.
fn parse_mode(mode: &str) -> Option<(OpenMode, bool)> {
    let mut m = OpenMode::default();
    let mut text = true;
    let mut kind = None;
    for c in mode.chars() {
        match c {
            'r' | 'w' | 'a' | 'x' if kind.is_none() => kind = Some(c),
            'b' => text = false,
            't' => text = true,
            '+' => {
                m.read = true;
                m.write = true;
            }
            // Other letters are ignored, as MicroPython does.
            _ => {}
        }
    }
    match kind.unwrap_or('r') {
        'r' => m.read = true,
        'w' => {
            m.write = true;
            m.create = true;
            m.truncate = true;
        }
        'a' => {
            m.write = true;
            m.create = true;
            m.append = true;
        }
        _ => {
            m.write = true;
            m.create = true;
            m.exclusive = true;
        }
    }
    Some((m, text))
}

/// `open` of a path on the platform's filesystem (`VfsPosix.open`).
pub(crate) fn open_platform_file(vm: &mut Interp, path: &str, mode: &str) -> PResult<Value> {
    if parse_mode(mode).is_none() {
        return Err(PyErr::new(ErrKind::ValueError, "invalid mode"));
    }
    if let Ok(st) = vm.with_fs(|fs| fs.stat(path))
        && st.is_dir
    {
        return Err(vm.os_error(errno::EISDIR));
    }
    open_file(vm, Target::Fs(0), path, mode, None)
}

/// `open` of a path (absolute within it) on the filesystem of a filesystem object of the
/// VM's own (`VfsLfs2.open`).
pub(crate) fn open_vfs_file(
    vm: &mut Interp,
    fs: Value,
    path: &str,
    mode: &str,
    orphans: super::vfs_lfs::Orphans,
) -> PResult<Value> {
    open_file(vm, Target::Vfs(fs, 0), path, mode, Some(orphans))
}

/// Open `path` on the filesystem of `on` (whose handle is a placeholder).
fn open_file(
    vm: &mut Interp,
    on: Target,
    path: &str,
    mode: &str,
    orphans: Option<super::vfs_lfs::Orphans>,
) -> PResult<Value> {
    let Some((m, text)) = parse_mode(mode) else {
        return Err(PyErr::new(ErrKind::ValueError, "invalid mode"));
    };
    let fd = vm.file_op(on, |fs, _| fs.open(path, m))?;
    let target = match on {
        Target::Vfs(fs, _) => Target::Vfs(fs, fd),
        _ => Target::Fs(fd),
    };
    let file = File {
        target,
        text,
        readable: m.read,
        writable: m.write,
        closed: false,
        ahead: Vec::new(),
        at: 0,
        orphans,
    };
    let made = vm.new_data(if text { &TEXT_IO } else { &FILE_IO }, file);
    if made.is_err() {
        let _ = vm.file_op(target, |fs, fd| fs.close(fd));
    }
    made
}

/// A console stream: `sys.stdin`, `sys.stdout`, `sys.stderr` (fd 0, 1, 2), text or binary.
pub(crate) fn console_stream(vm: &mut Interp, fd: i64, text: bool) -> PResult<Value> {
    let target = match fd {
        0 => Target::Stdin,
        1 => Target::Stdout,
        _ => Target::Stderr,
    };
    let file = File {
        target,
        text,
        readable: target == Target::Stdin,
        writable: target != Target::Stdin,
        closed: false,
        ahead: Vec::new(),
        at: 0,
        orphans: None,
    };
    vm.new_data(if text { &TEXT_IO } else { &FILE_IO }, file)
}

/// The builtin `open(file, mode='r')`.
pub(crate) fn open(vm: &mut Interp, a: Args) -> PResult<Value> {
    let file = vm.arg(a, 0);
    let mode = match (a.len > 1)
        .then(|| vm.arg(a, 1))
        .or_else(|| vm.kwarg(a, "mode"))
    {
        Some(m) => m,
        None => vm.str_value("r")?,
    };
    if let Some(fd) = vm.as_int(file) {
        // A file object over a raw console descriptor.
        let text = !vm.path_text(mode)?.contains('b');
        return console_stream(vm, fd, text);
    }

    vm.rooted(&[mode], |vm| vm.vfs_open(file, mode))
}

fn new_string_io(vm: &mut Interp, a: Args) -> PResult<Value> {
    new_mem(vm, a, true)
}

fn new_bytes_io(vm: &mut Interp, a: Args) -> PResult<Value> {
    new_mem(vm, a, false)
}

fn new_mem(vm: &mut Interp, a: Args, text: bool) -> PResult<Value> {
    let name = if text { "StringIO" } else { "BytesIO" };
    vm.nargs(a, name, 0, 1)?;
    let mut buf = Vec::new();
    if a.len == 1 {
        let init = vm.arg(a, 0);
        if let Some(n) = vm.as_int(init) {
            // An initial capacity, as MicroPython allows.
            buf.reserve(n.max(0) as usize);
        } else if text {
            match vm.as_str(init) {
                Some(s) => buf.extend_from_slice(s.as_bytes()),
                None => {
                    return Err(PyErr::type_error(alloc::format!(
                        "can't convert '{}' object to str implicitly",
                        vm.type_name(init)
                    )));
                }
            }
        } else {
            match vm.as_bytes(init) {
                Some(b) => buf.extend_from_slice(b),
                None => return Err(PyErr::type_error("object with buffer protocol required")),
            }
        }
    }
    let spec = if text { &STRING_IO } else { &BYTES_IO };
    vm.new_data(
        spec,
        Mem {
            buf,
            pos: 0,
            text,
            closed: false,
        },
    )
}

fn new_io_base(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.new_data(&IO_BASE, NoState)
}

// ---- reading and writing, on either kind of native stream ----

/// A native stream: a file or a memory buffer.
enum Kind {
    File,
    Mem,
}

impl Interp {
    /// A file or memory buffer of this module's own?
    pub(crate) fn is_native_stream(&self, v: Value) -> bool {
        self.stream_kind(v).is_some()
    }

    fn stream_kind(&self, v: Value) -> Option<Kind> {
        if self.data_ref::<File>(v).is_some() {
            Some(Kind::File)
        } else if self.data_ref::<Mem>(v).is_some() {
            Some(Kind::Mem)
        } else {
            None
        }
    }

    /// Is this a text stream (reads give `str`)?
    fn stream_is_text(&self, v: Value) -> bool {
        match self.stream_kind(v) {
            Some(Kind::File) => self.data_ref::<File>(v).is_some_and(|f| f.text),
            Some(Kind::Mem) => self.data_ref::<Mem>(v).is_some_and(|m| m.text),
            None => false,
        }
    }

    /// Fails with `EBADF` on a closed stream, or one not open for reading (or writing).
    fn stream_check(&mut self, v: Value, write: bool) -> PResult<Kind> {
        let ok = match self.stream_kind(v) {
            Some(Kind::File) => {
                let f = self.data_ref::<File>(v).expect("kind checked");
                if f.closed && matches!(f.target, Target::Vfs(..)) {
                    // A closed littlefs file, as MicroPython's `check_open`.
                    return Err(PyErr::bare(ErrKind::ValueError));
                }
                !f.closed && if write { f.writable } else { f.readable }
            }
            Some(Kind::Mem) => {
                if self.data_ref::<Mem>(v).expect("kind checked").closed {
                    return Err(closed_buffer());
                }
                true
            }
            None => {
                return Err(PyErr::type_error(alloc::format!(
                    "'{}' object isn't a stream",
                    self.type_name(v)
                )));
            }
        };
        if !ok {
            return Err(self.os_error(errno::EBADF));
        }
        Ok(self.stream_kind(v).expect("kind checked"))
    }

    /// Run a filesystem operation on an open file's handle, on the filesystem the file
    /// belongs to: the platform's, or a filesystem object's. `EBADF` for the console.
    fn file_op<T>(
        &mut self,
        target: Target,
        op: impl FnOnce(&mut dyn Filesystem, u32) -> FsResult<T>,
    ) -> PResult<T> {
        match target {
            Target::Fs(fd) => self.with_fs(|fs| op(fs, fd)),
            Target::Vfs(fs, fd) => self.with_lfs(fs, |lfs| op(lfs, fd)),
            _ => Err(self.os_error(errno::EBADF)),
        }
    }

    /// Make sure a file has unread bytes ahead; `false` at the end of its data.
    fn file_fill(&mut self, v: Value) -> PResult<bool> {
        let f = self.data_mut::<File>(v).expect("a file");
        if f.at < f.ahead.len() {
            return Ok(true);
        }
        let target = f.target;
        f.ahead.clear();
        f.at = 0;
        // The console is read a byte at a time: what follows belongs to the REPL.
        let mut chunk = [0u8; 512];
        let n = match target {
            Target::Fs(_) | Target::Vfs(..) => {
                self.file_op(target, |fs, fd| fs.read(fd, &mut chunk))?
            }
            Target::Stdin => self.platform.read_stdin(&mut chunk[..1]),
            _ => 0,
        };
        let f = self.data_mut::<File>(v).expect("a file");
        f.ahead.extend_from_slice(&chunk[..n]);
        Ok(n > 0)
    }

    /// The unread bytes of a native stream that are available without more I/O.
    fn stream_window(&self, v: Value) -> &[u8] {
        if let Some(f) = self.data_ref::<File>(v) {
            return &f.ahead[f.at..];
        }
        match self.data_ref::<Mem>(v) {
            Some(m) => m.buf.get(m.pos..).unwrap_or(&[]),
            None => &[],
        }
    }

    fn stream_advance(&mut self, v: Value, n: usize) {
        if let Some(f) = self.data_mut::<File>(v) {
            f.at += n;
        } else if let Some(m) = self.data_mut::<Mem>(v) {
            m.pos += n;
        }
    }

    /// Make more bytes available in the window; `false` at the end.
    fn stream_more(&mut self, v: Value) -> PResult<bool> {
        match self.stream_kind(v) {
            Some(Kind::File) => self.file_fill(v),
            _ => Ok(!self.stream_window(v).is_empty()),
        }
    }

    /// Read bytes until `stop` says the window holds enough (it returns how many bytes of
    /// the window to take and whether that completes the read).
    fn stream_take(
        &mut self,
        v: Value,
        mut stop: impl FnMut(&[u8], usize) -> (usize, bool),
    ) -> PResult<Vec<u8>> {
        let mut out = Vec::new();
        loop {
            if !self.stream_more(v)? {
                return Ok(out);
            }
            let (n, done) = stop(self.stream_window(v), out.len());
            out.extend_from_slice(&self.stream_window(v)[..n]);
            self.stream_advance(v, n);
            if done {
                return Ok(out);
            }
        }
    }

    /// Read up to `n` bytes (all that is left if `None`).
    pub(crate) fn read_bytes(&mut self, v: Value, n: Option<usize>) -> PResult<Vec<u8>> {
        self.stream_check(v, false)?;
        let limit = n.unwrap_or(usize::MAX);
        if limit == 0 {
            return Ok(Vec::new());
        }
        self.stream_take(v, |w, have| {
            let n = w.len().min(limit - have);
            (n, have + n == limit)
        })
    }

    /// Read `n` characters of UTF-8 text (all that is left if `None`).
    fn read_chars(&mut self, v: Value, n: Option<usize>) -> PResult<Vec<u8>> {
        self.stream_check(v, false)?;
        let Some(limit) = n else {
            return self.stream_take(v, |w, _| (w.len(), false));
        };
        if limit == 0 {
            return Ok(Vec::new());
        }
        // Count characters by their UTF-8 lead bytes and stop as soon as the last one is
        // complete: a console must not wait for a byte more than was asked for.
        let (mut chars, mut need) = (0usize, 0u32);
        self.stream_take(v, |w, _| {
            for (i, b) in w.iter().enumerate() {
                if need > 0 && b & 0xC0 == 0x80 {
                    need -= 1;
                } else {
                    chars += 1;
                    need = match b {
                        0xC0..=0xDF => 1,
                        0xE0..=0xEF => 2,
                        0xF0..=0xFF => 3,
                        _ => 0,
                    };
                }
                if chars == limit && need == 0 {
                    return (i + 1, true);
                }
            }
            (w.len(), false)
        })
    }

    /// Read one line, with its `\n`, of at most `limit` bytes.
    fn read_line(&mut self, v: Value, limit: Option<usize>) -> PResult<Vec<u8>> {
        self.stream_check(v, false)?;
        let limit = limit.unwrap_or(usize::MAX);
        if limit == 0 {
            return Ok(Vec::new());
        }
        self.stream_take(v, |w, have| {
            let room = w.len().min(limit - have);
            match w[..room].iter().position(|b| *b == b'\n') {
                Some(i) => (i + 1, true),
                None => (room, have + room == limit),
            }
        })
    }

    /// Give unread read-ahead back to the file, so its position is the logical one.
    fn file_unread(&mut self, v: Value) -> PResult<()> {
        let f = self.data_mut::<File>(v).expect("a file");
        let unread = f.ahead.len() - f.at;
        f.ahead.clear();
        f.at = 0;
        let target = f.target;
        if matches!(target, Target::Fs(_) | Target::Vfs(..)) && unread > 0 {
            self.file_op(target, |fs, fd| {
                fs.seek(fd, SeekFrom::Current(-(unread as i64)))
            })?;
        }
        Ok(())
    }

    /// Write bytes to a native stream; returns how many were written.
    pub(crate) fn write_bytes(&mut self, v: Value, data: &[u8]) -> PResult<usize> {
        match self.stream_check(v, true)? {
            Kind::File => {
                self.file_unread(v)?;
                let f = self.data_ref::<File>(v).expect("a file");
                let (target, text) = (f.target, f.text);
                match target {
                    Target::Fs(_) | Target::Vfs(..) => {
                        let mut done = 0;
                        while done < data.len() {
                            let n = self.file_op(target, |fs, fd| fs.write(fd, &data[done..]))?;
                            if n == 0 {
                                return Err(self.os_error(errno::EIO));
                            }
                            done += n;
                        }
                    }
                    Target::Stdout if text => self.platform.write_stdout(data),
                    Target::Stdout => self.platform.write_stdout_raw(data),
                    Target::Stderr => self.platform.write_stderr(data),
                    Target::Stdin => return Err(self.os_error(errno::EBADF)),
                }
                Ok(data.len())
            }
            Kind::Mem => {
                let m = self.data_ref::<Mem>(v).expect("a buffer");
                let end = m.pos + data.len();
                let extra = crate::gc::growth(
                    m.buf.len(),
                    m.buf.capacity(),
                    end.saturating_sub(m.buf.len()),
                    1,
                );
                self.make_room(extra, &[v])?;
                let m = self.data_mut::<Mem>(v).expect("a buffer");
                if m.buf.len() < end {
                    m.buf.resize(end, 0);
                }
                m.buf[m.pos..end].copy_from_slice(data);
                m.pos = end;
                self.data_resized(v);
                Ok(data.len())
            }
        }
    }

    /// Up to `n` bytes read from a native stream; `None` if `stream` is not one.
    pub(crate) fn native_read(&mut self, stream: Value, n: usize) -> PResult<Option<Vec<u8>>> {
        if self.stream_kind(stream).is_none() {
            return Ok(None);
        }
        self.read_bytes(stream, Some(n)).map(Some)
    }

    /// `stream.write(text)` for any stream: natives directly, Python streams by a call —
    /// with a `bytearray` for subclasses of `io.IOBase` (MicroPython's stream protocol),
    /// with a `str` for other objects that have a `write` method.
    pub(crate) fn stream_write_str(&mut self, stream: Value, text: &str) -> PResult<()> {
        if self.stream_kind(stream).is_some() {
            self.write_bytes(stream, text.as_bytes())?;
            return Ok(());
        }
        let iobase = self.data_class(&IO_BASE);
        let s = if self.is_instance(stream, iobase) {
            self.alloc(Obj::ByteArray(text.as_bytes().to_vec()))?
        } else {
            self.str_value(text)?
        };
        let r = self.rooted(&[s], |vm| vm.call_method(stream, "write", &[s]));
        r.map(|_| ())
    }

    /// A stream's bytes as the value a read returns: `str` on a text stream.
    fn read_result(&mut self, v: Value, bytes: Vec<u8>) -> PResult<Value> {
        if self.stream_is_text(v) {
            match String::from_utf8(bytes) {
                Ok(s) => self.str_value(&s),
                Err(_) => Err(PyErr::new(ErrKind::UnicodeError, "invalid UTF-8 data")),
            }
        } else {
            self.alloc(Obj::Bytes(bytes.into()))
        }
    }

    /// Read the whole of a stream of any kind as bytes: natives directly, Python streams
    /// through `readinto` (and their `ioctl` for the buffer size and to close, as
    /// MicroPython's `import` does).
    pub(crate) fn read_all_and_close(&mut self, stream: Value) -> PResult<Vec<u8>> {
        self.gc.temp_roots.push(stream);
        let r = self.read_all_inner(stream);
        let closed = self.stream_close_any(stream);
        self.gc.temp_roots.pop();
        let data = r?;
        closed?;
        Ok(data)
    }

    fn read_all_inner(&mut self, stream: Value) -> PResult<Vec<u8>> {
        if self.stream_kind(stream).is_some() {
            return self.read_bytes(stream, None);
        }
        let ioctl = self.interner.intern("ioctl");
        let has_ioctl = self.getattr_opt(stream, ioctl)?.is_some();
        let mut size = 256usize;
        if has_ioctl {
            // MP_STREAM_GET_BUFFER_SIZE
            let r = self.call_method(stream, "ioctl", &[Value::Int(11), Value::Int(0)])?;
            if let Some(n) = self.as_int(r).filter(|n| *n > 0) {
                size = n as usize;
            }
        }
        let buf = self.alloc(Obj::ByteArray(alloc::vec![0; size]))?;
        self.gc.temp_roots.push(buf);
        let mut out = Vec::new();
        let r = loop {
            let n = match self.call_method(stream, "readinto", &[buf]) {
                Ok(n) => self.as_int(n).unwrap_or(0).max(0) as usize,
                Err(e) => break Err(e),
            };
            if n == 0 {
                break Ok(());
            }
            if let Some(b) = self.as_bytes(buf) {
                out.extend_from_slice(&b[..n.min(b.len())]);
            }
        };
        self.gc.temp_roots.pop();
        r.map(|()| out)
    }

    /// Close a stream of any kind.
    pub(crate) fn stream_close_any(&mut self, stream: Value) -> PResult<()> {
        if self.stream_kind(stream).is_some() {
            return self.close_stream(stream);
        }
        let ioctl = self.interner.intern("ioctl");
        if self.getattr_opt(stream, ioctl)?.is_some() {
            // MP_STREAM_CLOSE
            self.call_method(stream, "ioctl", &[Value::Int(4), Value::Int(0)])?;
            return Ok(());
        }
        let close = self.interner.intern("close");
        if self.getattr_opt(stream, close)?.is_some() {
            self.call_method(stream, "close", &[])?;
        }
        Ok(())
    }

    fn close_stream(&mut self, v: Value) -> PResult<()> {
        if let Some(f) = self.data_mut::<File>(v) {
            if f.closed {
                return Ok(());
            }
            f.closed = true;
            f.ahead = Vec::new();
            let target = f.target;
            if matches!(target, Target::Fs(_) | Target::Vfs(..)) {
                self.file_op(target, |fs, fd| fs.close(fd))?;
            }
        } else if let Some(m) = self.data_mut::<Mem>(v) {
            m.closed = true;
        }
        Ok(())
    }

    /// A writable byte buffer argument (bytearray, array, memoryview of one) as a slice.
    pub(crate) fn buffer_mut(&mut self, v: Value) -> PResult<&mut [u8]> {
        let mut target = v;
        let mut range = None;
        if let Value::Obj(r) = v {
            match self.gc.heap.get(r) {
                Obj::MemoryView(base, start, len, code) => {
                    let bytes = len * crate::objects::array::item_size(*code).unwrap_or(1);
                    range = Some((*start, *start + bytes));
                    target = *base;
                }
                Obj::Instance(i) if i.native != Value::Undef => target = i.native,
                Obj::Instance(i) => {
                    if let Some(b) = i.data.as_ref().and_then(|d| d.buffer()) {
                        return self.buffer_mut(b);
                    }
                }
                _ => {}
            }
        }
        let Value::Obj(r) = target else {
            return Err(PyErr::type_error("object with buffer protocol required"));
        };
        let data: &mut [u8] = match self.gc.heap.get_mut(r) {
            Obj::ByteArray(b) | Obj::Array(_, b) => b,
            _ => return Err(PyErr::type_error("object with buffer protocol required")),
        };
        Ok(match range {
            Some((s, e)) => {
                let end = e.min(data.len());
                &mut data[s.min(end)..end]
            }
            None => data,
        })
    }
}

/// A closed `StringIO` or `BytesIO` raises `ValueError` (files raise `OSError`), as on
/// MicroPython.
fn closed_buffer() -> PyErr {
    PyErr::new(ErrKind::ValueError, "I/O operation on closed file")
}

/// An optional size argument: `None` for absent, `None` or negative.
fn size_arg(vm: &Interp, a: Args, i: usize) -> PResult<Option<usize>> {
    match (a.len > i).then(|| vm.arg(a, i)) {
        None | Some(Value::None) => Ok(None),
        Some(v) => {
            let n = vm.int_arg(v)?;
            Ok((n >= 0).then_some(n as usize))
        }
    }
}

fn stream_read(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    let n = size_arg(vm, a, 1)?;
    let bytes = if vm.stream_is_text(this) {
        vm.read_chars(this, n)?
    } else {
        vm.read_bytes(this, n)?
    };
    vm.read_result(this, bytes)
}

fn stream_readinto(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (this, buf) = (vm.arg(a, 0), vm.arg(a, 1));
    let room = vm.buffer_mut(buf)?.len();
    let n = match size_arg(vm, a, 2)? {
        Some(n) => n.min(room),
        None => room,
    };
    let bytes = vm.read_bytes(this, Some(n))?;
    vm.buffer_mut(buf)?[..bytes.len()].copy_from_slice(&bytes);
    Ok(Value::Int(bytes.len() as i64))
}

fn stream_readline(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    let limit = size_arg(vm, a, 1)?;
    let bytes = vm.read_line(this, limit)?;
    vm.read_result(this, bytes)
}

fn stream_readlines(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    let base = vm.gc.temp_roots.len();
    let r = (|| loop {
        let line = vm.read_line(this, None)?;
        if line.is_empty() {
            return Ok(());
        }
        let v = vm.read_result(this, line)?;
        vm.gc.temp_roots.push(v);
    })();
    let list = r.and_then(|()| vm.list_from_roots(base));
    vm.gc.temp_roots.truncate(base);
    list
}

fn stream_next(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    let line = vm.read_line(this, None)?;
    if line.is_empty() {
        return Err(PyErr::bare(ErrKind::StopIteration));
    }
    vm.read_result(this, line)
}

fn stream_write(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (this, data) = (vm.arg(a, 0), vm.arg(a, 1));
    // As on MicroPython, where str has the buffer protocol, any stream takes str or bytes.
    let bytes: Vec<u8> = match (vm.as_str(data), vm.as_bytes(data)) {
        (Some(s), _) => s.as_bytes().to_vec(),
        (_, Some(b)) => b.to_vec(),
        _ => return Err(PyErr::type_error("object with buffer protocol required")),
    };
    // MicroPython's extension: write(buf, max_len) and write(buf, offset, max_len).
    let (off, len) = match a.len {
        3 => (0, vm.int_arg(vm.arg(a, 2))?.max(0) as usize),
        4 => (
            vm.int_arg(vm.arg(a, 2))?.max(0) as usize,
            vm.int_arg(vm.arg(a, 3))?.max(0) as usize,
        ),
        _ => (0, bytes.len()),
    };
    let start = off.min(bytes.len());
    let end = start.saturating_add(len).min(bytes.len());
    // Bytes written, on text streams too (MicroPython counts bytes).
    let n = vm.write_bytes(this, &bytes[start..end])?;
    Ok(Value::Int(n as i64))
}

fn stream_seek(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    let offset = vm.int_arg(vm.arg(a, 1))?;
    let whence = match a.len {
        3 => vm.int_arg(vm.arg(a, 2))?,
        _ => 0,
    };
    let kind = vm.stream_kind(this);
    let closed = match kind {
        Some(Kind::File) => vm.data_ref::<File>(this).is_some_and(|f| f.closed),
        Some(Kind::Mem) => vm.data_ref::<Mem>(this).is_some_and(|m| m.closed),
        None => return Err(PyErr::type_error("not a stream")),
    };
    if closed {
        return Err(match kind {
            Some(Kind::Mem) => closed_buffer(),
            _ => vm.os_error(errno::EBADF),
        });
    }
    let pos = match whence {
        0 if offset < 0 => return Err(vm.os_error(errno::EINVAL)),
        0 => SeekFrom::Start(offset as u64),
        1 => SeekFrom::Current(offset),
        2 => SeekFrom::End(offset),
        _ => return Err(vm.os_error(errno::EINVAL)),
    };
    match kind.expect("checked") {
        Kind::File => {
            vm.file_unread(this)?;
            let target = vm.data_ref::<File>(this).expect("a file").target;
            match target {
                Target::Fs(_) | Target::Vfs(..) => {
                    let p = vm.file_op(target, |fs, fd| fs.seek(fd, pos))?;
                    Ok(Value::Int(p as i64))
                }
                _ => Err(vm.os_error(errno::ESPIPE)),
            }
        }
        Kind::Mem => {
            let m = vm.data_mut::<Mem>(this).expect("a buffer");
            let new = match pos {
                SeekFrom::Start(p) => p as i64,
                SeekFrom::Current(d) => m.pos as i64 + d,
                SeekFrom::End(d) => m.buf.len() as i64 + d,
            };
            m.pos = new.max(0) as usize;
            Ok(Value::Int(m.pos as i64))
        }
    }
}

fn stream_tell(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    if let Some(m) = vm.data_ref::<Mem>(this) {
        return Ok(Value::Int(m.pos as i64));
    }
    let f = vm.this::<File>(a)?;
    if f.closed {
        return Err(vm.os_error(errno::EBADF));
    }
    let unread = (f.ahead.len() - f.at) as i64;
    match f.target {
        target @ (Target::Fs(_) | Target::Vfs(..)) => {
            let p = vm.file_op(target, |fs, fd| fs.seek(fd, SeekFrom::Current(0)))? as i64;
            Ok(Value::Int(p - unread))
        }
        _ => Err(vm.os_error(errno::ESPIPE)),
    }
}

fn stream_flush(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    if let Some(f) = vm.data_ref::<File>(this) {
        if f.closed {
            return Err(vm.os_error(errno::EBADF));
        }
        let target = f.target;
        if matches!(target, Target::Fs(_) | Target::Vfs(..)) {
            vm.file_op(target, |fs, fd| fs.flush(fd))?;
        }
    }
    Ok(Value::None)
}

fn stream_close(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    vm.close_stream(this)?;
    Ok(Value::None)
}

fn stream_enter(vm: &mut Interp, a: Args) -> PResult<Value> {
    Ok(vm.arg(a, 0))
}

fn stream_exit(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    vm.close_stream(this)?;
    Ok(Value::None)
}

fn iobase_exit(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    vm.stream_close_any(this)?;
    Ok(Value::None)
}

fn mem_getvalue(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    let m = vm.this::<Mem>(a)?;
    if m.closed {
        return Err(closed_buffer());
    }
    let bytes = m.buf.clone();
    vm.read_result(this, bytes)
}

fn mem_repr(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    let name = String::from(vm.type_name(this));
    let Value::Obj(r) = this else {
        return Err(PyErr::type_error("not a buffer"));
    };
    let id = crate::runtime::obj_id(r);
    vm.str_value(&alloc::format!("<io.{name} 0x{id:x}>"))
}

fn file_fileno(vm: &mut Interp, a: Args) -> PResult<Value> {
    let f = vm.this::<File>(a)?;
    Ok(Value::Int(match f.target {
        Target::Stdin => 0,
        Target::Stdout => 1,
        Target::Stderr => 2,
        Target::Fs(fd) | Target::Vfs(_, fd) => 3 + fd as i64,
    }))
}

fn file_repr(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    if let Target::Vfs(..) = vm.this::<File>(a)?.target {
        // A littlefs file prints without a descriptor, as on MicroPython.
        let name = String::from(vm.type_name(this));
        return vm.str_value(&alloc::format!("<io.{name}>"));
    }
    let fd = file_fileno(vm, a)?;
    let fd = vm.int_arg(fd)?;
    let name = String::from(vm.type_name(this));
    vm.str_value(&alloc::format!("<io.{name} {fd}>"))
}

/// `MP_STREAM_POLL` readiness of a native stream for `select.poll`: `None` if `v` is not
/// one. Files and memory buffers are always ready; the console is readable when input
/// waits.
pub(crate) fn native_poll(vm: &mut Interp, v: Value, events: u32) -> Option<u32> {
    const POLLIN: u32 = 1;
    const POLLOUT: u32 = 4;
    if vm.data_ref::<Mem>(v).is_some() {
        return Some(events & (POLLIN | POLLOUT));
    }
    if let Some(ready) = super::ringio::ring_poll(vm, v, events) {
        return Some(ready);
    }
    let f = vm.data_ref::<File>(v)?;
    let (target, readable, writable) = (f.target, f.readable, f.writable);
    let mut ready = 0;
    if events & POLLIN != 0 && readable {
        let waiting = f.at < f.ahead.len();
        if target != Target::Stdin || waiting || vm.platform.stdin_ready() {
            ready |= POLLIN;
        }
    }
    if events & POLLOUT != 0 && writable {
        ready |= POLLOUT;
    }
    Some(ready)
}
