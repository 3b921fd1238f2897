//! `vfs.VfsLfs2`: littlefs (`copperhead-littlefs`) on a block device written in Python, as
//! MicroPython's `extmod/vfs_lfsx.c` has it: a filesystem object to mount anywhere
//! (`vfs.mount(vfs.VfsLfs2(bdev), "/flash")`), and `VfsLfs2.mkfs(bdev)` to format.
//!
//! The device is any object with `readblocks(block, buf, offset)`, `writeblocks(block, buf,
//! offset)` (optional: without it the device is read-only) and `ioctl(op, arg)` (block
//! count, block size, erase, sync). littlefs always uses the offset form, MicroPython's
//! "extended" block protocol.
//!
//! littlefs runs while Python runs: reading a block is a call into the interpreter. The
//! mounted filesystem is kept over a [`Detached`] device (sizes and the Python object, no
//! interpreter); each operation moves it onto an [`Attached`] one, which borrows the
//! interpreter for that operation only ([`Lfs::map_device`]), and back. While an operation
//! runs the filesystem is out of its object, so Python code the device runs can't reach it
//! again (that is `EBUSY`), and nothing is aliased. An exception raised by the device's
//! methods ends the operation and propagates as itself; an error code a method returns
//! (a negative number) becomes the `OSError`, as on MicroPython.
//!
//! Files opened here are `io`'s file objects over this filesystem (`io::open_vfs_file`).

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

use copperhead_littlefs::{BlockDevice, Config, Error, FileHandle, FileType, Lfs, OpenFlags};

use super::vfs::{S_IFDIR, S_IFREG, normalize};
use crate::error::{ErrKind, PyErr};
use crate::gc::{Obj, ObjRef};
use crate::objects::data::{ClassSpec, Data};
use crate::platform::{DirEntry, Filesystem, FsResult, OpenMode, SeekFrom, Stat, StatVfs, errno};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

/// Handles of files collected while open, for their filesystem object to close at its next
/// operation (shared by the object and its files; a finaliser can't call Python).
pub(crate) type Orphans = Rc<RefCell<Vec<u32>>>;

/// MicroPython's attribute for an mtime: 8 bytes, little-endian nanoseconds since 1970.
const MTIME_ATTR: u8 = b't';
/// littlefs's `LFS_ERR_CORRUPT`, as MicroPython reports it.
const ECORRUPT: i32 = 84;
/// The filesystem is in the middle of an operation (its device called back into it).
const EBUSY: i32 = 16;

/// The block device `ioctl` operations (`MP_BLOCKDEV_IOCTL_*`).
const IOCTL_INIT: i64 = 1;
const IOCTL_SYNC: i64 = 3;
const IOCTL_BLOCK_COUNT: i64 = 4;
const IOCTL_BLOCK_SIZE: i64 = 5;
const IOCTL_BLOCK_ERASE: i64 = 6;

/// The device between operations: its geometry and the Python object.
struct Detached {
    bdev: Value,
    block_size: u32,
    block_count: u32,
    /// Mounted read-only, or the object has no `writeblocks`: writes are `EROFS`.
    readonly: bool,
}

/// Never used for I/O (operations run over [`Attached`]); a stray call is an I/O error.
impl BlockDevice for Detached {
    fn block_size(&self) -> u32 {
        self.block_size
    }
    fn block_count(&self) -> u32 {
        self.block_count
    }
    fn read(&mut self, _: u32, _: u32, _: &mut [u8]) -> Result<(), Error> {
        Err(Error::Io)
    }
    fn program(&mut self, _: u32, _: u32, _: &[u8]) -> Result<(), Error> {
        Err(Error::Io)
    }
    fn erase(&mut self, _: u32) -> Result<(), Error> {
        Err(Error::Io)
    }
}

/// Why the device failed an operation.
enum Failure {
    /// A method returned this error code (positive: an errno).
    Code(i32),
    /// A method raised.
    Raised(PyErr),
}

/// The device during one operation: calls go to the Python object through the interpreter.
struct Attached<'a> {
    vm: &'a mut Interp,
    dev: Detached,
    failure: &'a mut Option<Failure>,
}

impl Attached<'_> {
    /// Record a failure and fail littlefs's operation (the first one is reported).
    fn fail(&mut self, f: Failure) -> Error {
        if self.failure.is_none() {
            *self.failure = Some(f);
        }
        Error::Io
    }

    /// `bdev.method(*args)`; after an exception nothing more is called.
    fn call(&mut self, method: &str, args: &[Value]) -> Result<Value, Error> {
        if let Some(Failure::Raised(_)) = self.failure {
            return Err(Error::Io);
        }
        let bdev = self.dev.bdev;
        self.vm
            .call_method(bdev, method, args)
            .map_err(|e| self.fail(Failure::Raised(e)))
    }

    /// A method's integer result (`mp_obj_get_int`).
    fn int(&mut self, v: Value) -> Result<i64, Error> {
        self.vm
            .int_arg(v)
            .map_err(|e| self.fail(Failure::Raised(e)))
    }

    /// `readblocks`/`writeblocks(block, buf, offset)` with a buffer holding `data`; the
    /// buffer afterwards. None or 0 is success, a negative number an error code, and a
    /// positive one `EINVAL` (MicroPython's `mp_vfs_blockdev_call_rw`).
    fn rw(&mut self, method: &str, block: u32, offset: u32, data: Vec<u8>) -> Result<Value, Error> {
        let buf = self
            .vm
            .alloc(Obj::ByteArray(data))
            .map_err(|e| self.fail(Failure::Raised(e)))?;
        let args = [Value::Int(block as i64), buf, Value::Int(offset as i64)];
        let r = self.call(method, &args)?;
        if r != Value::None {
            let code = self.int(r)?;
            if code != 0 {
                let errno = if code > 0 {
                    errno::EINVAL
                } else {
                    -code as i32
                };
                return Err(self.fail(Failure::Code(errno)));
            }
        }
        Ok(buf)
    }

    /// `ioctl(op, arg)`; with `must_return_int` None is a `TypeError`, as on MicroPython.
    fn ioctl(&mut self, op: i64, arg: i64, must_return_int: bool) -> Result<(), Error> {
        let r = self.call("ioctl", &[Value::Int(op), Value::Int(arg)])?;
        if r == Value::None && !must_return_int {
            return Ok(());
        }
        let code = self.int(r)?;
        if code < 0 {
            return Err(self.fail(Failure::Code(-code as i32)));
        }
        Ok(())
    }

    fn check_writable(&mut self) -> Result<(), Error> {
        if self.dev.readonly {
            return Err(self.fail(Failure::Code(errno::EROFS)));
        }
        Ok(())
    }
}

impl BlockDevice for Attached<'_> {
    fn block_size(&self) -> u32 {
        self.dev.block_size
    }
    fn block_count(&self) -> u32 {
        self.dev.block_count
    }

    fn read(&mut self, block: u32, offset: u32, buf: &mut [u8]) -> Result<(), Error> {
        let got = self.rw("readblocks", block, offset, alloc::vec![0; buf.len()])?;
        match self.vm.as_bytes(got) {
            Some(b) if b.len() == buf.len() => buf.copy_from_slice(b),
            // The device resized the buffer it was lent.
            _ => return Err(self.fail(Failure::Code(errno::EIO))),
        }
        Ok(())
    }

    fn program(&mut self, block: u32, offset: u32, data: &[u8]) -> Result<(), Error> {
        self.check_writable()?;
        self.rw("writeblocks", block, offset, data.to_vec())?;
        Ok(())
    }

    fn erase(&mut self, block: u32) -> Result<(), Error> {
        // (MicroPython erases even on a read-only mount, and fails at the program after;
        // refusing first leaves the device as it was.)
        self.check_writable()?;
        self.ioctl(IOCTL_BLOCK_ERASE, block as i64, true)
    }

    fn sync(&mut self) -> Result<(), Error> {
        self.ioctl(IOCTL_SYNC, 0, false)
    }
}

/// MicroPython's errno for a littlefs error.
fn code(e: Error) -> i32 {
    match e {
        Error::Corrupt => ECORRUPT,
        e => e.errno(),
    }
}

/// The operations of a mounted littlefs as a [`Filesystem`], with MicroPython's `VfsLfs2`
/// semantics (`rmdir` and `remove` both remove either kind; mtimes in attribute `'t'`).
struct LfsOps<'l, 'a> {
    lfs: &'l mut Lfs<Attached<'a>>,
    /// The time to stamp files written now with, if mtimes are kept.
    now: Option<u64>,
}

impl LfsOps<'_, '_> {
    fn stamp(&mut self, fh: FileHandle) -> Result<(), Error> {
        match self.now {
            Some(ns) => self.lfs.set_file_attr(fh, MTIME_ATTR, &ns.to_le_bytes()),
            None => Ok(()),
        }
    }
}

impl Filesystem for LfsOps<'_, '_> {
    fn open(&mut self, path: &str, mode: OpenMode) -> FsResult<u32> {
        let flags = OpenFlags {
            read: mode.read,
            write: mode.write || mode.append,
            create: mode.create,
            exclusive: mode.exclusive,
            truncate: mode.truncate,
            append: mode.append,
        };
        let fh = self.lfs.open(path, flags).map_err(code)?;
        if flags.write
            && let Err(e) = self.stamp(fh)
        {
            self.lfs.discard(fh);
            return Err(code(e));
        }
        Ok(fh.0)
    }

    fn read(&mut self, fd: u32, buf: &mut [u8]) -> FsResult<usize> {
        self.lfs.read(FileHandle(fd), buf).map_err(code)
    }

    fn write(&mut self, fd: u32, data: &[u8]) -> FsResult<usize> {
        self.stamp(FileHandle(fd)).map_err(code)?;
        self.lfs.write(FileHandle(fd), data).map_err(code)
    }

    fn seek(&mut self, fd: u32, pos: SeekFrom) -> FsResult<u64> {
        self.lfs
            .seek(FileHandle(fd), crate::lfsfs::lfs_seek(pos)?)
            .map(u64::from)
            .map_err(code)
    }

    fn flush(&mut self, fd: u32) -> FsResult<()> {
        self.lfs.sync(FileHandle(fd)).map_err(code)
    }

    fn close(&mut self, fd: u32) -> FsResult<()> {
        self.lfs.close(FileHandle(fd)).map_err(code)
    }

    fn stat(&mut self, path: &str) -> FsResult<Stat> {
        let m = self.lfs.stat(path).map_err(code)?;
        let mut mtime = 0;
        if path != "/"
            && let Some(t) = self.lfs.get_attr(path, MTIME_ATTR).map_err(code)?
            && let Ok(ns) = <[u8; 8]>::try_from(t.as_slice())
        {
            mtime = (u64::from_le_bytes(ns) / 1_000_000_000) as i64;
        }
        Ok(Stat {
            is_dir: m.kind == FileType::Dir,
            size: m.size as u64,
            mtime,
        })
    }

    fn list_dir(&mut self, path: &str) -> FsResult<Vec<DirEntry>> {
        let entries = self.lfs.read_dir(path).map_err(code)?;
        Ok(entries
            .into_iter()
            .map(|e| DirEntry {
                name: e.name,
                is_dir: e.kind == FileType::Dir,
                size: e.size as u64,
            })
            .collect())
    }

    fn mkdir(&mut self, path: &str) -> FsResult<()> {
        self.lfs.mkdir(path).map_err(code)
    }

    fn rmdir(&mut self, path: &str) -> FsResult<()> {
        self.lfs.remove(path).map_err(code)
    }

    fn remove(&mut self, path: &str) -> FsResult<()> {
        self.lfs.remove(path).map_err(code)
    }

    fn rename(&mut self, from: &str, to: &str) -> FsResult<()> {
        if from == to {
            return self.lfs.stat(from).map(|_| ()).map_err(code);
        }
        self.lfs.rename(from, to).map_err(code)
    }

    fn statvfs(&mut self, _path: &str) -> FsResult<StatVfs> {
        let used = self.lfs.traverse_visits().map_err(code)?;
        let blocks = self.lfs.block_count() as u64;
        Ok(StatVfs {
            block_size: self.lfs.block_size() as u64,
            blocks,
            blocks_free: blocks.saturating_sub(used as u64),
            max_name: 255,
        })
    }
}

/// A `VfsLfs2` object.
pub(crate) struct VfsLfs {
    /// The mounted filesystem; `None` while an operation runs.
    lfs: Option<Lfs<Detached>>,
    bdev: Value,
    /// The current directory: absolute, normalised.
    cwd: String,
    /// Stamp files written with the time (`mtime=True`).
    mtime: bool,
    orphans: Orphans,
    /// Heap bytes the filesystem's buffers cost.
    buffers: usize,
}

impl core::fmt::Debug for VfsLfs {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("VfsLfs")
            .field("cwd", &self.cwd)
            .field("mtime", &self.mtime)
            .finish_non_exhaustive()
    }
}

impl Data for VfsLfs {
    fn trace(&self, f: &mut dyn FnMut(Value)) {
        f(self.bdev);
    }

    fn extra_size(&self) -> usize {
        self.buffers
    }
}

pub(crate) static VFS_LFS2: ClassSpec = ClassSpec {
    name: "VfsLfs2",
    base: None,
    methods: &[
        Native::new("mount", lfs_mount).args(3, 3),
        Native::new("umount", lfs_umount).args(1, 1),
        Native::new("open", lfs_open).args(3, 3),
        Native::new("ilistdir", lfs_ilistdir).args(1, 2),
        Native::new("chdir", lfs_chdir).args(2, 2),
        Native::new("getcwd", lfs_getcwd).args(1, 1),
        Native::new("mkdir", lfs_mkdir).args(2, 2),
        Native::new("rmdir", lfs_rmdir).args(2, 2),
        Native::new("remove", lfs_remove).args(2, 2),
        Native::new("rename", lfs_rename).args(3, 3),
        Native::new("stat", lfs_stat).args(2, 2),
        Native::new("statvfs", lfs_statvfs).args(2, 2),
    ],
    make: Some(lfs_new),
};

/// The `VfsLfs2` class, with its static method `mkfs` (a free function in a class binds no
/// receiver).
pub(crate) fn class(vm: &mut Interp) -> ObjRef {
    let c = vm.data_class(&VFS_LFS2);
    let name = vm.interner.intern("mkfs");
    if let Obj::Class(k) = vm.gc.heap.get(c)
        && k.attrs.get(&name).is_none()
    {
        let id = vm.natives.len() as u16;
        vm.natives
            .push(Native::new("mkfs", lfs_mkfs).args(1, 1).kw());
        if let Obj::Class(k) = vm.gc.heap.get_mut(c) {
            k.attrs.insert(name, Value::Builtin(id));
        }
        vm.invalidate_type_cache();
    }
    c
}

/// The keyword arguments of `VfsLfs2(…)` and `mkfs`, with MicroPython's defaults.
struct Options {
    config: Config,
    mtime: bool,
}

fn options(vm: &mut Interp, a: Args) -> PResult<Options> {
    vm.check_kwargs(a, &["readsize", "progsize", "lookahead", "mtime"])?;
    let size = |name: &str| -> PResult<u32> {
        match vm.kwarg(a, name) {
            Some(v) => Ok(vm.int_arg(v)?.clamp(0, u32::MAX as i64) as u32),
            None => Ok(32),
        }
    };
    let config = Config {
        read_size: size("readsize")?,
        prog_size: size("progsize")?,
        lookahead_size: size("lookahead")?,
        ..Config::default()
    };
    let mtime = match vm.kwarg(a, "mtime") {
        Some(v) => vm.truthy(v)?,
        None => true,
    };
    Ok(Options { config, mtime })
}

impl Interp {
    /// The device behind `bdev`, as MicroPython's `init_config`: `readblocks` required,
    /// `writeblocks` optional, then `ioctl` to initialise and for the block size and count.
    fn lfs_device(&mut self, bdev: Value) -> PResult<Detached> {
        let readblocks = self.interner.intern("readblocks");
        let writeblocks = self.interner.intern("writeblocks");
        let ioctl = self.interner.intern("ioctl");
        self.getattr(bdev, readblocks)?;
        let readonly = self.getattr_opt(bdev, writeblocks)?.is_none();
        if self.getattr_opt(bdev, ioctl)?.is_none() {
            // The old protocol (`count`, fixed 512-byte blocks) has no block size to ask.
            let count = self.interner.intern("count");
            self.getattr(bdev, count)?;
            return Err(PyErr::type_error("can't convert NoneType to int"));
        }
        let ask = |vm: &mut Interp, op: i64, arg: i64| -> PResult<Value> {
            vm.call_method(bdev, "ioctl", &[Value::Int(op), Value::Int(arg)])
        };
        let r = ask(self, IOCTL_INIT, 1)?;
        if r != Value::None {
            self.int_arg(r)?;
        }
        let size = ask(self, IOCTL_BLOCK_SIZE, 0)?;
        let size = self.int_arg(size)?;
        let count = ask(self, IOCTL_BLOCK_COUNT, 0)?;
        let count = self.int_arg(count)?;
        let clamp = |n: i64| n.clamp(0, u32::MAX as i64) as u32;
        Ok(Detached {
            bdev,
            block_size: clamp(size),
            block_count: clamp(count),
            readonly,
        })
    }

    /// The outcome of a littlefs operation: an exception the device raised first, then an
    /// error code it returned (for littlefs's I/O error), then littlefs's own error.
    fn lfs_result<T>(&mut self, r: FsResult<T>, failure: Option<Failure>) -> PResult<T> {
        match (r, failure) {
            (_, Some(Failure::Raised(e))) => Err(e),
            (Ok(v), _) => Ok(v),
            (Err(errno::EIO), Some(Failure::Code(c))) => Err(self.os_error(c)),
            (Err(c), _) => Err(self.os_error(c)),
        }
    }

    /// Run `op` on the filesystem of `VfsLfs2` object `fs`, its device attached to the
    /// interpreter for the duration. Files collected while open are closed first.
    pub(crate) fn with_lfs<T>(
        &mut self,
        fs: Value,
        op: impl FnOnce(&mut dyn Filesystem) -> FsResult<T>,
    ) -> PResult<T> {
        let Some(state) = self.data_mut::<VfsLfs>(fs) else {
            return Err(PyErr::type_error("VfsLfs2 expected"));
        };
        let Some(lfs) = state.lfs.take() else {
            return Err(self.os_error(EBUSY));
        };
        let (mtime, orphans) = (state.mtime, state.orphans.clone());
        let now = mtime.then(|| (self.platform.epoch_seconds() * 1e9) as u64);
        let pending: Vec<u32> = orphans.borrow_mut().drain(..).collect();
        let mut failure = None;
        let mut lfs = lfs.map_device(|dev| Attached {
            vm: &mut *self,
            dev,
            failure: &mut failure,
        });
        let mut ops = LfsOps { lfs: &mut lfs, now };
        for fd in pending {
            let _ = ops.close(fd);
        }
        *ops.lfs.device().failure = None;
        let r = op(&mut ops);
        let lfs = lfs.map_device(|a| a.dev);
        if let Some(state) = self.data_mut::<VfsLfs>(fs) {
            state.lfs = Some(lfs);
        }
        self.lfs_result(r, failure)
    }

    /// A path argument made absolute against the object's current directory.
    fn lfs_path(&mut self, a: Args, i: usize) -> PResult<String> {
        let text = self.path_text(self.arg(a, i))?;
        let cwd = &self.this::<VfsLfs>(a)?.cwd;
        Ok(normalize(cwd, &text))
    }

    /// Run `op` on the receiver's filesystem.
    fn lfs_op<T>(
        &mut self,
        a: Args,
        op: impl FnOnce(&mut dyn Filesystem) -> FsResult<T>,
    ) -> PResult<T> {
        self.this::<VfsLfs>(a)?;
        self.with_lfs(self.arg(a, 0), op)
    }
}

/// `VfsLfs2(bdev, *, readsize=32, progsize=32, lookahead=32, mtime=True)`: mount.
fn lfs_new(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "VfsLfs2", 1, 1)?;
    let bdev = vm.arg(a, 0);
    let opts = options(vm, a)?;
    let dev = vm.lfs_device(bdev)?;
    let block_size = dev.block_size as usize;
    let mut failure = None;
    let attached = Attached {
        vm: &mut *vm,
        dev,
        failure: &mut failure,
    };
    let r = Lfs::mount(attached, opts.config.clone())
        .map(|lfs| lfs.map_device(|a| a.dev))
        .map_err(code);
    let lfs = vm.lfs_result(r, failure)?;
    let cache = opts.config.read_size.max(opts.config.prog_size) as usize * 4;
    vm.new_data(
        &VFS_LFS2,
        VfsLfs {
            lfs: Some(lfs),
            bdev,
            cwd: String::from("/"),
            mtime: opts.mtime,
            orphans: Orphans::default(),
            buffers: 2 * cache.min(block_size) + opts.config.lookahead_size as usize,
        },
    )
}

/// `VfsLfs2.mkfs(bdev, *, readsize=32, progsize=32, lookahead=32)`: format.
fn lfs_mkfs(vm: &mut Interp, a: Args) -> PResult<Value> {
    let bdev = vm.arg(a, 0);
    let opts = options(vm, a)?;
    let dev = vm.lfs_device(bdev)?;
    let mut failure = None;
    let mut attached = Attached {
        vm: &mut *vm,
        dev,
        failure: &mut failure,
    };
    let r = Lfs::format(&mut attached, &opts.config).map_err(code);
    vm.lfs_result(r, failure)?;
    Ok(Value::None)
}

/// What `vfs.mount` mounts for an object without a `mount` method: a block device holding
/// a littlefs v2 (its superblock's name in block 0 or 1) gets a `VfsLfs2`; anything else
/// is `ENODEV`. Errors while looking are ignored, as on MicroPython.
pub(crate) fn autodetect(vm: &mut Interp, bdev: Value) -> PResult<Value> {
    for block in 0..2 {
        let buf = vm.alloc(Obj::ByteArray(alloc::vec![0; 44]))?;
        let args = [Value::Int(block), buf, Value::Int(8)];
        let Ok(r) = vm.rooted(&[bdev], |vm| vm.call_method(bdev, "readblocks", &args)) else {
            break;
        };
        if (r != Value::None && vm.as_int(r) != Some(0))
            || !vm.as_bytes(buf).is_some_and(|b| b.starts_with(b"littlefs"))
        {
            continue;
        }
        let class = class(vm);
        if let Ok(fs) = vm.call_value(Value::Obj(class), &[bdev]) {
            return Ok(fs);
        }
        break;
    }
    Err(vm.os_error(errno::ENODEV))
}

/// `mount(readonly, mkfs)`: littlefs was mounted when the object was made; read-only makes
/// every write `EROFS` from now on.
fn lfs_mount(vm: &mut Interp, a: Args) -> PResult<Value> {
    let readonly = vm.truthy(vm.arg(a, 1))?;
    let state = vm.this::<VfsLfs>(a)?;
    if readonly && let Some(lfs) = &mut state.lfs {
        lfs.device().readonly = true;
    }
    Ok(Value::None)
}

fn lfs_umount(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.this::<VfsLfs>(a)?;
    Ok(Value::None)
}

fn lfs_open(vm: &mut Interp, a: Args) -> PResult<Value> {
    let path = vm.lfs_path(a, 1)?;
    let mode = vm.path_text(vm.arg(a, 2))?;
    // One of r, w, x, a at most, as MicroPython's `file_open`.
    if mode.chars().filter(|c| "rwxa".contains(*c)).count() > 1 {
        return Err(PyErr::bare(ErrKind::ValueError));
    }
    let orphans = vm.this::<VfsLfs>(a)?.orphans.clone();
    let this = vm.arg(a, 0);
    super::io::open_vfs_file(vm, this, &path, &mode, orphans)
}

/// `ilistdir([path])`: an iterator of `(name, type, 0, size)`; names are bytes if the path
/// was.
fn lfs_ilistdir(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (path, like) = if a.len == 2 {
        (vm.lfs_path(a, 1)?, vm.arg(a, 1))
    } else {
        (vm.this::<VfsLfs>(a)?.cwd.clone(), Value::None)
    };
    let entries = vm.lfs_op(a, |fs| fs.list_dir(&path))?;
    vm.ilistdir(like, entries)
}

/// `chdir(path)`: `ENOENT` unless it is a directory.
fn lfs_chdir(vm: &mut Interp, a: Args) -> PResult<Value> {
    let path = vm.lfs_path(a, 1)?;
    if path != "/" {
        match vm.lfs_op(a, |fs| fs.stat(&path)) {
            Ok(st) if st.is_dir => {}
            Ok(_) => return Err(vm.os_error(errno::ENOENT)),
            Err(e) if e.kind == ErrKind::OSError => return Err(vm.os_error(errno::ENOENT)),
            Err(e) => return Err(e),
        }
    }
    vm.this::<VfsLfs>(a)?.cwd = path;
    Ok(Value::None)
}

fn lfs_getcwd(vm: &mut Interp, a: Args) -> PResult<Value> {
    let cwd = vm.this::<VfsLfs>(a)?.cwd.clone();
    vm.str_value(&cwd)
}

fn lfs_mkdir(vm: &mut Interp, a: Args) -> PResult<Value> {
    let path = vm.lfs_path(a, 1)?;
    vm.lfs_op(a, |fs| fs.mkdir(&path))?;
    Ok(Value::None)
}

fn lfs_rmdir(vm: &mut Interp, a: Args) -> PResult<Value> {
    let path = vm.lfs_path(a, 1)?;
    vm.lfs_op(a, |fs| fs.rmdir(&path))?;
    Ok(Value::None)
}

fn lfs_remove(vm: &mut Interp, a: Args) -> PResult<Value> {
    let path = vm.lfs_path(a, 1)?;
    vm.lfs_op(a, |fs| fs.remove(&path))?;
    Ok(Value::None)
}

fn lfs_rename(vm: &mut Interp, a: Args) -> PResult<Value> {
    let from = vm.lfs_path(a, 1)?;
    let to = vm.lfs_path(a, 2)?;
    vm.lfs_op(a, |fs| fs.rename(&from, &to))?;
    Ok(Value::None)
}

/// `stat(path)`: MicroPython's 10-tuple; the three times are the mtime.
fn lfs_stat(vm: &mut Interp, a: Args) -> PResult<Value> {
    let path = vm.lfs_path(a, 1)?;
    let st = vm.lfs_op(a, |fs| fs.stat(&path))?;
    let mode = if st.is_dir { S_IFDIR } else { S_IFREG };
    let t = Value::Int(st.mtime);
    let mut items = alloc::vec![Value::Int(0); 10];
    items[0] = Value::Int(mode);
    items[6] = Value::Int(st.size as i64);
    items[7] = t;
    items[8] = t;
    items[9] = t;
    vm.tuple(items)
}

/// `statvfs(path)`: block size twice, blocks, free blocks twice, four zeros, name length.
fn lfs_statvfs(vm: &mut Interp, a: Args) -> PResult<Value> {
    let s = vm.lfs_op(a, |fs| fs.statvfs("/"))?;
    let n = |x: u64| Value::Int(x as i64);
    vm.tuple(alloc::vec![
        n(s.block_size),
        n(s.block_size),
        n(s.blocks),
        n(s.blocks_free),
        n(s.blocks_free),
        Value::Int(0),
        Value::Int(0),
        Value::Int(0),
        Value::Int(0),
        n(s.max_name),
    ])
}

#[cfg(test)]
mod tests {
    use alloc::string::String;

    use crate::{Config, Mode, Platform, Vm};

    /// A platform with no filesystem of its own (as the browser's simulator).
    #[derive(Default)]
    struct Capture {
        out: String,
    }

    impl Platform for Capture {
        fn write_stdout(&mut self, bytes: &[u8]) {
            self.out.push_str(core::str::from_utf8(bytes).unwrap());
        }
    }

    const DEVICE: &str = "
import gc, os, vfs
class Dev:
    def __init__(self):
        self.data = bytearray(32 * 256)
        self.hook = None
    def readblocks(self, block, buf, off):
        if self.hook:
            self.hook()
        buf[:] = self.data[block * 256 + off : block * 256 + off + len(buf)]
    def writeblocks(self, block, buf, off):
        self.data[block * 256 + off : block * 256 + off + len(buf)] = buf
    def ioctl(self, op, arg):
        return {4: 32, 5: 256, 6: 0}.get(op)
dev = Dev()
vfs.VfsLfs2.mkfs(dev)
fs = vfs.VfsLfs2(dev)
";

    fn run(script: &str) -> String {
        let mut vm = Vm::new(
            Capture::default(),
            Config {
                gc_stress: true,
                ..Config::default()
            },
        );
        let source = alloc::format!("{DEVICE}{script}");
        if let Err(e) = vm.exec(&source, "<stdin>", Mode::File) {
            panic!("{}", e.traceback);
        }
        core::mem::take(&mut vm.platform_mut().out)
    }

    #[test]
    fn mounts_where_the_platform_has_no_filesystem() {
        let out = run("
vfs.mount(fs, '/flash')
with open('/flash/a.txt', 'w') as f:
    f.write('abc')
os.mkdir('/flash/d')
print(os.listdir('/'), sorted(os.listdir('/flash')), open('/flash/a.txt').read())
");
        assert_eq!(out, "['flash'] ['a.txt', 'd'] abc\n");
    }

    #[test]
    fn a_device_reaching_its_own_filesystem_finds_it_busy() {
        let out = run("
def again():
    dev.hook = None
    fs.stat('/')
dev.hook = again
try:
    fs.ilistdir('/')
except OSError as e:
    print(e.errno)
print(list(fs.ilistdir('/')))
");
        assert_eq!(out, "16\n[]\n");
    }

    #[test]
    fn a_file_collected_while_open_is_closed_at_the_next_operation() {
        let out = run("
f = fs.open('g', 'w')
f.write('abc')
f = None
gc.collect()
print(fs.stat('g')[6])
");
        assert_eq!(out, "3\n");
    }
}
