//! `vfs` and the mount table behind `open`, `os` and `import`.
//!
//! This follows MicroPython's model: filesystems are objects mounted at points of one
//! tree; a path resolves to a mount and a path within it, and every operation is a method
//! call on the mounted object (`open`, `stat`, `ilistdir`, `chdir` …). The current
//! directory is a current mount plus that filesystem's own current directory, and relative
//! paths go to the current mount unchanged. Python objects with these methods can be
//! mounted (mpremote's `mount` does so); the platform's own filesystem is one of them,
//! mounted at `/` when the VM starts: a `VfsPosix` object, whose methods are natives.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::objects::data::{ClassSpec, Data};
use crate::platform::{DirEntry, Filesystem, errno};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

/// The mount table and the current directory of one VM.
#[derive(Debug, Default)]
pub(crate) struct MountTable {
    /// Mount point (`/` or `/name`) and the filesystem object. A filesystem mounted at `/`
    /// stays last, so that the other mount points are found first.
    mounts: Vec<(String, Value)>,
    /// The current mount (an index into `mounts`); `None` is the virtual root directory,
    /// which lists the mount points.
    cur: Option<usize>,
    /// The platform's filesystem has been mounted (once, on first use).
    started: bool,
    /// The current directory on the platform's filesystem (absolute): shared by every
    /// `VfsPosix` object, as a process's one current directory is on MicroPython's unix
    /// port.
    platform_cwd: String,
}

impl MountTable {
    pub(crate) fn roots(&self, out: &mut Vec<Value>) {
        out.extend(self.mounts.iter().map(|(_, fs)| *fs));
    }
}

/// Where a path leads.
enum Found {
    /// The virtual root directory (`/` with nothing mounted there).
    Root,
    /// Mount `index`, and the path within it.
    Mount(usize, String),
}

/// The platform's filesystem as a mountable object: absolute paths are below `root` of the
/// platform's filesystem; relative ones start at the platform's current directory.
#[derive(Debug)]
pub(crate) struct PlatformFs {
    /// The platform directory this object shows as its `/` (empty: the whole filesystem).
    root: String,
    /// Mounted read-only: every change is `EROFS`.
    readonly: bool,
}

impl Data for PlatformFs {}

pub(crate) static VFS_POSIX: ClassSpec = ClassSpec {
    name: "VfsPosix",
    base: None,
    methods: &[
        Native::new("mount", fs_mount).args(3, 3),
        Native::new("umount", fs_umount).args(1, 1),
        Native::new("open", fs_open).args(3, 3).kw(),
        Native::new("ilistdir", fs_ilistdir).args(2, 2).kw(),
        Native::new("chdir", fs_chdir).args(2, 2).kw(),
        Native::new("getcwd", fs_getcwd).args(1, 1),
        Native::new("mkdir", fs_mkdir).args(2, 2).kw(),
        Native::new("rmdir", fs_rmdir).args(2, 2).kw(),
        Native::new("remove", fs_remove).args(2, 2).kw(),
        Native::new("rename", fs_rename).args(3, 3).kw(),
        Native::new("stat", fs_stat).args(2, 2).kw(),
        Native::new("statvfs", fs_statvfs).args(2, 2).kw(),
    ],
    make: Some(fs_new),
};

pub(super) const FUNCTIONS: &[Native] = &[
    Native::new("mount", vfs_mount).args(0, 4).kw(),
    Native::new("umount", vfs_umount).args(1, 1),
];

/// `S_IFDIR` and `S_IFREG`, as `stat` and `ilistdir` report them.
pub(crate) const S_IFDIR: i64 = 0x4000;
pub(crate) const S_IFREG: i64 = 0x8000;

/// `path` made absolute against `cwd` and normalised: no `.`, `..`, empty parts or
/// trailing `/`.
pub(crate) fn normalize(cwd: &str, path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let start = if path.starts_with('/') { "" } else { cwd };
    for p in start.split('/').chain(path.split('/')) {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut out = String::new();
    for p in parts {
        out.push('/');
        out.push_str(p);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

impl Interp {
    /// An `OSError` with an errno value, printed as MicroPython does (`[Errno 2] ENOENT`).
    pub(crate) fn os_error(&mut self, code: i32) -> PyErr {
        let made = self
            .tuple(alloc::vec![Value::Int(code as i64)])
            .and_then(|args| {
                let class = self.types.exc(ErrKind::OSError);
                self.instantiate_exc(class, args)
            });
        match made {
            Ok(e) => PyErr {
                kind: ErrKind::OSError,
                message: None,
                traceback: Vec::new(),
                value: Some(e),
                reraise: false,
            },
            Err(e) => e,
        }
    }

    /// The mount table, with the platform's filesystem mounted at `/` on first use.
    fn mounts(&mut self) -> PResult<&mut MountTable> {
        if !self.mods.vfs.started {
            self.mods.vfs.started = true;
            if self.platform.fs().is_some() {
                let cwd = self.platform.initial_cwd();
                self.mods.vfs.platform_cwd = normalize("/", &cwd);
                let fs = self.new_data(
                    &VFS_POSIX,
                    PlatformFs {
                        root: String::new(),
                        readonly: false,
                    },
                )?;
                self.mods.vfs.mounts.push((String::from("/"), fs));
                self.mods.vfs.cur = Some(0);
            }
        }
        Ok(&mut self.mods.vfs)
    }

    /// Which mount `path` belongs to, and the path within it.
    fn lookup_path(&mut self, path: &str) -> PResult<Option<Found>> {
        let table = self.mounts()?;
        let Some(rest) = path
            .strip_prefix('/')
            .or(table.cur.is_none().then_some(path))
        else {
            // A relative path within the current mount.
            return Ok(table.cur.map(|i| Found::Mount(i, String::from(path))));
        };
        if rest.is_empty() {
            return Ok(Some(Found::Root));
        }
        for (i, (point, _)) in table.mounts.iter().enumerate() {
            let name = &point[1..];
            if name.is_empty() {
                // Mounted at `/`: the path as given (relative ones stay relative).
                return Ok(Some(Found::Mount(i, String::from(path))));
            }
            if let Some(after) = rest.strip_prefix(name) {
                if after.is_empty() {
                    return Ok(Some(Found::Mount(i, String::from("/"))));
                }
                if after.starts_with('/') {
                    return Ok(Some(Found::Mount(i, String::from(after))));
                }
            }
        }
        Ok(None)
    }

    /// The filesystem object of mount `i`.
    fn mount_fs(&self, i: usize) -> Value {
        self.mods.vfs.mounts[i].1
    }

    /// Call `method(path_within, *extra)` on the filesystem that `path` belongs to.
    /// `ENODEV` if nothing is mounted there, `EPERM` for the virtual root.
    fn vfs_call(&mut self, path: Value, method: &str, extra: &[Value]) -> PResult<Value> {
        let text = self.path_text(path)?;
        let mut keep = alloc::vec![path];
        keep.extend_from_slice(extra);
        self.rooted(&keep, |vm| match vm.lookup_path(&text)? {
            None => Err(vm.os_error(errno::ENODEV)),
            Some(Found::Root) => Err(vm.os_error(errno::EPERM)),
            Some(Found::Mount(i, within)) => {
                let fs = vm.mount_fs(i);
                let p = vm.path_value(path, &within)?;
                let mut args = alloc::vec![p];
                args.extend_from_slice(extra);
                vm.call_method(fs, method, &args)
            }
        })
    }

    /// A path argument as text (str or bytes).
    pub(crate) fn path_text(&self, v: Value) -> PResult<String> {
        if let Some(s) = self.as_str(v) {
            return Ok(String::from(s));
        }
        if let Value::Obj(r) = v
            && let Obj::Bytes(b) = self.gc.heap.get(r)
        {
            return Ok(String::from_utf8_lossy(b).into_owned());
        }
        Err(PyErr::type_error(alloc::format!(
            "can't convert '{}' object to str implicitly",
            self.type_name(v)
        )))
    }

    /// `text` as the same type as the path argument `like` (str or bytes).
    pub(crate) fn path_value(&mut self, like: Value, text: &str) -> PResult<Value> {
        if let Value::Obj(r) = like
            && let Obj::Bytes(_) = self.gc.heap.get(r)
        {
            return self.alloc(Obj::Bytes(text.as_bytes().into()));
        }
        self.str_value(text)
    }

    /// `obj.name(*args)`. `obj` and `args` stay rooted while the method is looked up.
    pub(crate) fn call_method(&mut self, obj: Value, name: &str, args: &[Value]) -> PResult<Value> {
        let id = self.interner.intern(name);
        let base = self.gc.temp_roots.len();
        self.gc.temp_roots.push(obj);
        self.gc.temp_roots.extend_from_slice(args);
        let r = self.getattr(obj, id).and_then(|f| {
            self.gc.temp_roots.push(f);
            self.call_value(f, args)
        });
        self.gc.temp_roots.truncate(base);
        r
    }

    // ---- the operations of `os` and `open` ----

    pub(crate) fn vfs_open(&mut self, path: Value, mode: Value) -> PResult<Value> {
        self.vfs_call(path, "open", &[mode])
    }

    pub(crate) fn vfs_stat(&mut self, path: Value) -> PResult<Value> {
        let text = self.path_text(path)?;
        if let Some(Found::Root) = self.rooted(&[path], |vm| vm.lookup_path(&text))? {
            let mut items = alloc::vec![Value::Int(0); 10];
            items[0] = Value::Int(S_IFDIR);
            return self.tuple(items);
        }
        self.vfs_call(path, "stat", &[])
    }

    pub(crate) fn vfs_statvfs(&mut self, path: Value) -> PResult<Value> {
        let text = self.path_text(path)?;
        if let Some(Found::Root) = self.rooted(&[path], |vm| vm.lookup_path(&text))? {
            let at_root = self.mods.vfs.mounts.iter().position(|(p, _)| p == "/");
            return match at_root {
                Some(i) => {
                    let fs = self.mount_fs(i);
                    let slash = self.str_value("/")?;
                    self.call_method(fs, "statvfs", &[slash])
                }
                None => {
                    let mut items = alloc::vec![Value::Int(0); 10];
                    items[9] = Value::Int(256);
                    self.tuple(items)
                }
            };
        }
        self.vfs_call(path, "statvfs", &[])
    }

    /// `os.ilistdir`: an iterator of `(name, type, inode[, size])` tuples.
    pub(crate) fn vfs_ilistdir(&mut self, path: Value) -> PResult<Value> {
        let text = self.path_text(path)?;
        if let Some(Found::Root) = self.lookup_path(&text)? {
            let base = self.gc.temp_roots.len();
            let r = self.root_entries(path);
            let list = r.and_then(|()| self.list_from_roots(base));
            self.gc.temp_roots.truncate(base);
            return self.iter(list?);
        }
        self.vfs_call(path, "ilistdir", &[])
    }

    /// The virtual root's entries, pushed on `temp_roots`: the mount points, then what is
    /// mounted at `/`, if anything.
    fn root_entries(&mut self, path: Value) -> PResult<()> {
        let points: Vec<String> = self
            .mods
            .vfs
            .mounts
            .iter()
            .map(|(p, _)| p.clone())
            .collect();
        for (i, point) in points.iter().enumerate() {
            if point == "/" {
                let fs = self.mount_fs(i);
                let slash = self.path_value(path, "/")?;
                let it = self.call_method(fs, "ilistdir", &[slash])?;
                let entries = self.rooted(&[it], |vm| vm.collect_iterable(it))?;
                self.gc.temp_roots.extend(entries);
                break;
            }
            let name = self.path_value(path, &point[1..])?;
            self.gc.temp_roots.push(name);
            let t = self.tuple(alloc::vec![name, Value::Int(S_IFDIR), Value::Int(0)])?;
            *self.gc.temp_roots.last_mut().expect("pushed") = t;
        }
        Ok(())
    }

    /// A list of the values pushed on `temp_roots` since `base` (which stay there).
    pub(crate) fn list_from_roots(&mut self, base: usize) -> PResult<Value> {
        let items = self.gc.temp_roots[base..].to_vec();
        self.alloc(Obj::List(items))
    }

    pub(crate) fn vfs_simple(&mut self, path: Value, method: &str) -> PResult<Value> {
        if method == "mkdir" {
            let text = self.path_text(path)?;
            if let Some(Found::Root) | Some(Found::Mount(_, _)) = self.lookup_path(&text)?
                && self.is_mount_root(&text)?
            {
                return Err(self.os_error(errno::EEXIST));
            }
        }
        self.vfs_call(path, method, &[])
    }

    /// Is `path` the virtual root or the root of a mount?
    fn is_mount_root(&mut self, path: &str) -> PResult<bool> {
        Ok(match self.lookup_path(path)? {
            Some(Found::Root) => true,
            Some(Found::Mount(_, within)) => within == "/",
            None => false,
        })
    }

    pub(crate) fn vfs_rename(&mut self, from: Value, to: Value) -> PResult<Value> {
        let (a, b) = (self.path_text(from)?, self.path_text(to)?);
        let (fa, fb) = (self.lookup_path(&a)?, self.lookup_path(&b)?);
        match (fa, fb) {
            (Some(Found::Mount(i, wa)), Some(Found::Mount(j, wb))) if i == j => {
                let fs = self.mount_fs(i);
                let pa = self.path_value(from, &wa)?;
                let pb = self.rooted(&[pa], |vm| vm.path_value(to, &wb));
                let pb = pb?;
                self.call_method(fs, "rename", &[pa, pb])
            }
            (None, _) | (_, None) => Err(self.os_error(errno::ENODEV)),
            // Across filesystems (EXDEV) or onto the virtual root.
            _ => Err(self.os_error(errno::EPERM)),
        }
    }

    pub(crate) fn vfs_chdir(&mut self, path: Value) -> PResult<()> {
        let text = self.path_text(path)?;
        match self.lookup_path(&text)? {
            None => Err(self.os_error(errno::ENODEV)),
            Some(Found::Root) => {
                // Into the virtual root: a filesystem mounted at `/` starts there too.
                if let Some(i) = self.mods.vfs.mounts.iter().position(|(p, _)| p == "/") {
                    let fs = self.mount_fs(i);
                    let slash = self.str_value("/")?;
                    self.call_method(fs, "chdir", &[slash])?;
                }
                self.mods.vfs.cur = None;
                Ok(())
            }
            Some(Found::Mount(i, within)) => {
                let fs = self.mount_fs(i);
                let p = self.path_value(path, &within)?;
                self.call_method(fs, "chdir", &[p])?;
                self.mods.vfs.cur = Some(i);
                Ok(())
            }
        }
    }

    pub(crate) fn vfs_getcwd(&mut self) -> PResult<Value> {
        let Some(i) = self.mounts()?.cur else {
            return self.str_value("/");
        };
        let (point, fs) = self.mods.vfs.mounts[i].clone();
        let cwd = self.call_method(fs, "getcwd", &[])?;
        if point == "/" {
            return Ok(cwd);
        }
        let inner = self.path_text(cwd)?;
        if inner == "/" {
            return self.str_value(&point);
        }
        self.str_value(&alloc::format!("{point}{inner}"))
    }

    /// `vfs.mount()` with no arguments: `[(fs, mount_point), …]`.
    fn mount_list(&mut self) -> PResult<Value> {
        self.mounts()?;
        let mounts = self.mods.vfs.mounts.clone();
        let base = self.gc.temp_roots.len();
        let mut r = Ok(());
        for (point, fs) in mounts {
            r = self.str_value(&point).and_then(|p| {
                self.gc.temp_roots.push(p);
                let t = self.tuple(alloc::vec![fs, p])?;
                *self.gc.temp_roots.last_mut().expect("pushed") = t;
                Ok(())
            });
            if r.is_err() {
                break;
            }
        }
        let list = r.and_then(|()| self.list_from_roots(base));
        self.gc.temp_roots.truncate(base);
        list
    }

    /// What a path names, for `import`: `Some(true)` a directory, `Some(false)` a file.
    pub(crate) fn import_stat(&mut self, path: &str) -> Option<bool> {
        let p = self.str_value(path).ok()?;
        let st = self.vfs_stat(p).ok()?;
        let mode = self.tuple_items(st).first().and_then(|m| self.as_int(*m))?;
        Some(mode & S_IFDIR != 0)
    }
}

/// The mode argument of `open` and `vfs.mount`'s flags.
fn flag(vm: &mut Interp, a: Args, i: usize, name: &str) -> PResult<bool> {
    match (a.len > i)
        .then(|| vm.arg(a, i))
        .or_else(|| vm.kwarg(a, name))
    {
        Some(v) => vm.truthy(v),
        None => Ok(false),
    }
}

fn vfs_mount(vm: &mut Interp, a: Args) -> PResult<Value> {
    if a.len == 0 && a.n_kw == 0 {
        return vm.mount_list();
    }
    // No arguments lists the mounts; mounting takes two at least.
    vm.nargs(a, "mount", 2, 4)?;
    let fs = vm.arg(a, 0);
    let point = vm.path_text(vm.arg(a, 1))?;
    let readonly = flag(vm, a, 2, "readonly")?;
    let mkfs = flag(vm, a, 3, "mkfs")?;
    let point = normalize("/", &point);
    vm.mounts()?;
    // An object without a `mount` method is taken for a block device (MicroPython's
    // autodetection).
    let mount = vm.interner.intern("mount");
    let fs = match vm.getattr_opt(fs, mount)? {
        Some(_) => fs,
        None => super::vfs_lfs::autodetect(vm, fs)?,
    };
    vm.call_method(fs, "mount", &[Value::Bool(readonly), Value::Bool(mkfs)])?;
    if vm.mods.vfs.mounts.iter().any(|(p, _)| *p == point) {
        return Err(vm.os_error(errno::EPERM));
    }
    let cur_point = vm.mods.vfs.cur.map(|i| vm.mods.vfs.mounts[i].0.clone());
    if point == "/" {
        vm.mods.vfs.mounts.push((point, fs));
    } else {
        let at = vm
            .mods
            .vfs
            .mounts
            .iter()
            .position(|(p, _)| p == "/")
            .unwrap_or(vm.mods.vfs.mounts.len());
        vm.mods.vfs.mounts.insert(at, (point, fs));
    }
    vm.mods.vfs.cur = cur_point.and_then(|c| vm.mods.vfs.mounts.iter().position(|(p, _)| *p == c));
    Ok(Value::None)
}

fn vfs_umount(vm: &mut Interp, a: Args) -> PResult<Value> {
    let target = vm.arg(a, 0);
    vm.mounts()?;
    let index = match vm.path_text(target) {
        Ok(p) => {
            let p = normalize("/", &p);
            vm.mods.vfs.mounts.iter().position(|(m, _)| *m == p)
        }
        // By the filesystem object itself.
        Err(_) => vm
            .mods
            .vfs
            .mounts
            .iter()
            .position(|(_, fs)| crate::runtime::identical(*fs, target)),
    };
    let Some(i) = index else {
        return Err(vm.os_error(errno::EINVAL));
    };
    let (_, fs) = vm.mods.vfs.mounts.remove(i);
    vm.mods.vfs.cur = match vm.mods.vfs.cur {
        Some(c) if c == i => None,
        Some(c) if c > i => Some(c - 1),
        c => c,
    };
    let r = vm.rooted(&[fs], |vm| vm.call_method(fs, "umount", &[]));
    r?;
    Ok(Value::None)
}

// ---- VfsPosix: the platform's filesystem ----

fn fs_new(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "VfsPosix", 0, 1)?;
    // The root is resolved against the current directory, which must exist.
    let cwd = vm.platform_cwd()?;
    let root = match (a.len > 0).then(|| vm.arg(a, 0)) {
        Some(v) if v != Value::None => normalize(&cwd, &vm.path_text(v)?),
        _ => String::new(),
    };
    let root = if root == "/" { String::new() } else { root };
    vm.new_data(
        &VFS_POSIX,
        PlatformFs {
            root,
            readonly: false,
        },
    )
}

impl Interp {
    /// The current directory on the platform's filesystem; `ENOENT` if it was removed.
    fn platform_cwd(&mut self) -> PResult<String> {
        self.mounts()?;
        let cwd = self.mods.vfs.platform_cwd.clone();
        if self.platform.fs().is_some() {
            let st = self.with_fs(|fs| fs.stat(&cwd))?;
            if !st.is_dir {
                return Err(self.os_error(errno::ENOTDIR));
            }
        }
        Ok(cwd)
    }

    /// The platform filesystem's path for `path` as given to a `VfsPosix` method:
    /// absolute paths are below the object's root, relative ones start at the platform's
    /// current directory.
    fn fs_path(&mut self, a: Args, i: usize) -> PResult<String> {
        let v = self.arg(a, i);
        let text = self.path_text(v)?;
        let root = self.this::<PlatformFs>(a)?.root.clone();
        // An empty path names nothing (as for POSIX calls): `rmdir("")` must not remove
        // the current directory.
        if text.is_empty() {
            return Err(self.os_error(errno::ENOENT));
        }
        if !text.starts_with('/') {
            return Ok(normalize(&self.mods.vfs.platform_cwd, &text));
        }
        let within = normalize("/", &text);
        Ok(if root.is_empty() {
            within
        } else if within == "/" {
            root
        } else {
            alloc::format!("{root}{within}")
        })
    }

    /// The platform's filesystem, or `ENODEV`.
    pub(crate) fn platform_fs(&mut self) -> PResult<&mut dyn Filesystem> {
        if self.platform.fs().is_none() {
            return Err(self.os_error(errno::ENODEV));
        }
        Ok(self.platform.fs().expect("checked above"))
    }

    /// Run a filesystem operation, turning its errno into `OSError`.
    pub(crate) fn with_fs<T>(
        &mut self,
        op: impl FnOnce(&mut dyn Filesystem) -> Result<T, i32>,
    ) -> PResult<T> {
        let r = op(self.platform_fs()?);
        r.map_err(|code| self.os_error(code))
    }
}

/// `mount(readonly, mkfs)`: called by `vfs.mount`.
fn fs_mount(vm: &mut Interp, a: Args) -> PResult<Value> {
    let readonly = vm.truthy(vm.arg(a, 1))?;
    vm.data_mut::<PlatformFs>(vm.arg(a, 0))
        .ok_or_else(|| PyErr::type_error("VfsPosix expected"))?
        .readonly = readonly;
    Ok(Value::None)
}

/// `EROFS` if this filesystem was mounted read-only.
fn writable(vm: &mut Interp, a: Args) -> PResult<()> {
    if vm.this::<PlatformFs>(a)?.readonly {
        return Err(vm.os_error(errno::EROFS));
    }
    Ok(())
}

fn fs_umount(vm: &mut Interp, _a: Args) -> PResult<Value> {
    let _ = vm;
    Ok(Value::None)
}

fn fs_open(vm: &mut Interp, a: Args) -> PResult<Value> {
    let path = vm.fs_path(a, 1)?;
    let mode = vm.path_text(vm.arg(a, 2))?;
    if mode.contains(['w', 'a', 'x', '+']) {
        writable(vm, a)?;
    }
    crate::modules::io::open_platform_file(vm, &path, &mode)
}

fn fs_ilistdir(vm: &mut Interp, a: Args) -> PResult<Value> {
    // (`listdir("")` lists the current directory.)
    let path = match vm.path_text(vm.arg(a, 1))?.as_str() {
        "" => vm.mods.vfs.platform_cwd.clone(),
        _ => vm.fs_path(a, 1)?,
    };
    let like = vm.arg(a, 1);
    let entries = vm.with_fs(|fs| fs.list_dir(&path))?;
    vm.ilistdir(like, entries)
}

impl Interp {
    /// `ilistdir`'s answer: an iterator of `(name, type, 0, size)`, names as `like` (bytes if
    /// the path was bytes).
    pub(crate) fn ilistdir(&mut self, like: Value, entries: Vec<DirEntry>) -> PResult<Value> {
        let base = self.gc.temp_roots.len();
        let mut r = Ok(());
        for e in entries {
            let kind = if e.is_dir { S_IFDIR } else { S_IFREG };
            r = self.path_value(like, &e.name).and_then(|name| {
                self.gc.temp_roots.push(name);
                let items = alloc::vec![
                    name,
                    Value::Int(kind),
                    Value::Int(0),
                    Value::Int(e.size as i64)
                ];
                let t = self.tuple(items)?;
                *self.gc.temp_roots.last_mut().expect("pushed") = t;
                Ok(())
            });
            if r.is_err() {
                break;
            }
        }
        let list = r.and_then(|()| self.list_from_roots(base));
        self.gc.temp_roots.truncate(base);
        self.iter(list?)
    }
}

fn fs_chdir(vm: &mut Interp, a: Args) -> PResult<Value> {
    let path = vm.fs_path(a, 1)?;
    let st = vm.with_fs(|fs| fs.stat(&path))?;
    if !st.is_dir {
        return Err(vm.os_error(errno::ENOTDIR));
    }
    vm.mods.vfs.platform_cwd = path;
    Ok(Value::None)
}

/// The platform's current directory as this object shows it (below its root).
fn fs_getcwd(vm: &mut Interp, a: Args) -> PResult<Value> {
    let root = vm.this::<PlatformFs>(a)?.root.clone();
    let cwd = vm.platform_cwd()?;
    let shown = match cwd.strip_prefix(root.as_str()) {
        _ if root.is_empty() => cwd.as_str(),
        Some("") => "/",
        Some(rest) if rest.starts_with('/') => rest,
        _ => cwd.as_str(),
    };
    vm.str_value(shown)
}

fn fs_mkdir(vm: &mut Interp, a: Args) -> PResult<Value> {
    writable(vm, a)?;
    let path = vm.fs_path(a, 1)?;
    vm.with_fs(|fs| fs.mkdir(&path))?;
    Ok(Value::None)
}

fn fs_rmdir(vm: &mut Interp, a: Args) -> PResult<Value> {
    writable(vm, a)?;
    let path = vm.fs_path(a, 1)?;
    vm.with_fs(|fs| fs.rmdir(&path))?;
    Ok(Value::None)
}

fn fs_remove(vm: &mut Interp, a: Args) -> PResult<Value> {
    writable(vm, a)?;
    let path = vm.fs_path(a, 1)?;
    vm.with_fs(|fs| fs.remove(&path))?;
    Ok(Value::None)
}

fn fs_rename(vm: &mut Interp, a: Args) -> PResult<Value> {
    writable(vm, a)?;
    let from = vm.fs_path(a, 1)?;
    let to = vm.fs_path(a, 2)?;
    vm.with_fs(|fs| fs.rename(&from, &to))?;
    Ok(Value::None)
}

fn fs_stat(vm: &mut Interp, a: Args) -> PResult<Value> {
    // `stat("")` is the current directory, as on a board's filesystem (mpremote's
    // `cp FILE :` relies on it).
    let path = match vm.path_text(vm.arg(a, 1))?.as_str() {
        "" => vm.mods.vfs.platform_cwd.clone(),
        _ => vm.fs_path(a, 1)?,
    };
    let st = vm.with_fs(|fs| fs.stat(&path))?;
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

fn fs_statvfs(vm: &mut Interp, a: Args) -> PResult<Value> {
    let path = vm.fs_path(a, 1)?;
    let s = vm.with_fs(|fs| fs.statvfs(&path))?;
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
    use super::normalize;

    #[test]
    fn paths_are_normalised_against_the_current_directory() {
        assert_eq!(normalize("/", "a/b"), "/a/b");
        assert_eq!(normalize("/x/y", "../z/./w/"), "/x/z/w");
        assert_eq!(normalize("/x", "/abs//p"), "/abs/p");
        assert_eq!(normalize("/", "../.."), "/");
        assert_eq!(normalize("/x", ""), "/x");
    }
}
