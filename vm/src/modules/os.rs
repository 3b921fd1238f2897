//! `os`: MicroPython's filesystem functions (over the mount table of [`super::vfs`]),
//! `uname`, `urandom` and `dupterm`.

use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::{Obj, ObjRef};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

const FUNCTIONS: &[Native] = &[
    Native::new("uname", uname).args(0, 0),
    Native::new("listdir", listdir).args(0, 1),
    Native::new("ilistdir", ilistdir).args(0, 1),
    Native::new("mkdir", mkdir).args(1, 1),
    Native::new("rmdir", rmdir).args(1, 1),
    Native::new("remove", remove).args(1, 1),
    Native::new("unlink", remove).args(1, 1),
    Native::new("rename", rename).args(2, 2),
    Native::new("stat", stat).args(1, 1),
    Native::new("statvfs", statvfs).args(1, 1),
    Native::new("getcwd", getcwd).args(0, 0),
    Native::new("chdir", chdir).args(1, 1),
    Native::new("sync", sync).args(0, 0),
    Native::new("urandom", urandom).args(1, 1),
    Native::new("dupterm", dupterm).args(0, 2),
    Native::new("dupterm_notify", dupterm_notify).args(1, 1),
];

pub(super) fn make(vm: &mut Interp) -> PResult<ObjRef> {
    let m = vm.native_module("os", FUNCTIONS);
    for f in super::vfs::FUNCTIONS {
        let id = vm.natives.len() as u16;
        vm.natives.push(*f);
        vm.set_attr_str(m, f.name, Value::Builtin(id));
    }
    let c = vm.data_class(&super::vfs::VFS_POSIX);
    vm.set_attr_str(m, "VfsPosix", Value::Obj(c));
    let c = super::vfs_lfs::class(vm);
    vm.set_attr_str(m, "VfsLfs2", Value::Obj(c));
    let sep = vm.str_value("/")?;
    vm.set_attr_str(m, "sep", sep);
    Ok(m)
}

/// The optional path argument of `listdir` and `ilistdir` (the current directory).
fn dir_arg(vm: &mut Interp, a: Args) -> PResult<Value> {
    if a.len == 1 {
        Ok(vm.arg(a, 0))
    } else {
        vm.str_value("")
    }
}

fn ilistdir(vm: &mut Interp, a: Args) -> PResult<Value> {
    let p = dir_arg(vm, a)?;

    vm.rooted(&[p], |vm| vm.vfs_ilistdir(p))
}

fn listdir(vm: &mut Interp, a: Args) -> PResult<Value> {
    let it = ilistdir(vm, a)?;
    vm.gc.temp_roots.push(it);
    let r = vm.collect_iterable(it).and_then(|entries| {
        let names: Vec<Value> = entries
            .iter()
            .map(|e| vm.tuple_items(*e).first().copied().unwrap_or(Value::None))
            .collect();
        vm.alloc(Obj::List(names))
    });
    vm.gc.temp_roots.pop();
    r
}

fn path_op(vm: &mut Interp, a: Args, name: &str) -> PResult<Value> {
    vm.vfs_simple(vm.arg(a, 0), name)?;
    Ok(Value::None)
}

fn mkdir(vm: &mut Interp, a: Args) -> PResult<Value> {
    path_op(vm, a, "mkdir")
}

fn rmdir(vm: &mut Interp, a: Args) -> PResult<Value> {
    path_op(vm, a, "rmdir")
}

fn remove(vm: &mut Interp, a: Args) -> PResult<Value> {
    path_op(vm, a, "remove")
}

fn rename(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.vfs_rename(vm.arg(a, 0), vm.arg(a, 1))?;
    Ok(Value::None)
}

fn stat(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.vfs_stat(vm.arg(a, 0))
}

fn statvfs(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.vfs_statvfs(vm.arg(a, 0))
}

fn getcwd(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.vfs_getcwd()
}

fn chdir(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.vfs_chdir(vm.arg(a, 0))?;
    Ok(Value::None)
}

fn sync(vm: &mut Interp, _a: Args) -> PResult<Value> {
    if vm.platform.fs().is_some() {
        vm.with_fs(|fs| fs.sync())?;
    }
    Ok(Value::None)
}

fn urandom(vm: &mut Interp, a: Args) -> PResult<Value> {
    let n = vm.int_arg(vm.arg(a, 0))?;
    if n < 0 {
        return Err(PyErr::new(ErrKind::ValueError, "negative length"));
    }
    let mut buf = alloc::vec![0u8; n as usize];
    vm.platform.random_bytes(&mut buf);
    vm.alloc(Obj::Bytes(buf.into()))
}

/// `os.dupterm(stream, index=0)`: a second console. The consoles of Copperhead's ports
/// are their own; this keeps the stream so that the previous one can be returned.
fn dupterm(vm: &mut Interp, a: Args) -> PResult<Value> {
    let new = if a.len > 0 { vm.arg(a, 0) } else { Value::None };
    let old = core::mem::replace(&mut vm.mods.dupterm, new);
    Ok(old)
}

fn dupterm_notify(vm: &mut Interp, _a: Args) -> PResult<Value> {
    let _ = vm;
    Ok(Value::None)
}

/// `os.uname()`: a tuple with field names, as MicroPython's.
fn uname(vm: &mut Interp, _a: Args) -> PResult<Value> {
    let u = vm.platform.uname();
    let fields = [
        ("sysname", u.sysname),
        ("nodename", u.nodename),
        ("release", u.release),
        ("version", u.version),
        ("machine", u.machine),
    ];
    let base = vm.gc.temp_roots.len();
    let mut names: Vec<&'static str> = Vec::new();
    let mut r = Ok(());
    for (name, text) in &fields {
        names.push(name);
        r = vm.str_value(text).map(|v| vm.gc.temp_roots.push(v));
        if r.is_err() {
            break;
        }
    }
    let t = r.and_then(|()| {
        let items = vm.gc.temp_roots[base..].to_vec();
        vm.attr_tuple(&names, items)
    });
    vm.gc.temp_roots.truncate(base);
    t
}
