//! The host port's filesystem: the host's own files (the script runner, like MicroPython's
//! unix port), or one directory shown as the board's whole filesystem (the virtual board's
//! `--fs DIR`), with every path confined to it.

use copperhead_vm::platform::{
    DirEntry, Filesystem, FsResult, OpenMode, SeekFrom, Stat, StatVfs, errno,
};
use std::collections::HashMap;
use std::fs;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::vec::Vec;

pub struct HostFs {
    /// The host directory shown as `/`; `None` for the host's own root.
    root: Option<PathBuf>,
    files: HashMap<u32, fs::File>,
}

/// The errno of a host I/O error (Linux and MicroPython share the numbers).
fn code(e: io::Error) -> i32 {
    e.raw_os_error().unwrap_or(errno::EIO)
}

impl HostFs {
    /// The host's own filesystem.
    pub fn host() -> Self {
        HostFs {
            root: None,
            files: HashMap::new(),
        }
    }

    /// `dir` as the board's filesystem (created if missing).
    pub fn confined(dir: &Path) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        Ok(HostFs {
            root: Some(dir.canonicalize()?),
            files: HashMap::new(),
        })
    }

    /// The host path of a board path. Inside a confined root, a path that leads out of it
    /// through a symbolic link is refused.
    fn real(&self, path: &str) -> FsResult<PathBuf> {
        let Some(root) = &self.root else {
            return Ok(PathBuf::from(path));
        };
        let real = root.join(path.trim_start_matches('/'));
        // The nearest existing ancestor must resolve inside the root.
        let mut probe = real.as_path();
        loop {
            match probe.canonicalize() {
                Ok(resolved) if resolved.starts_with(root) => return Ok(real),
                Ok(_) => return Err(errno::EACCES),
                Err(_) => match probe.parent() {
                    Some(parent) => probe = parent,
                    None => return Err(errno::EACCES),
                },
            }
        }
    }

    fn file(&mut self, fd: u32) -> FsResult<&mut fs::File> {
        self.files.get_mut(&fd).ok_or(errno::EBADF)
    }
}

impl Filesystem for HostFs {
    fn open(&mut self, path: &str, mode: OpenMode) -> FsResult<u32> {
        let real = self.real(path)?;
        let file = fs::OpenOptions::new()
            .read(mode.read)
            .write(mode.write && !mode.append)
            .append(mode.append)
            .create(mode.create && !mode.exclusive)
            .create_new(mode.exclusive)
            .truncate(mode.truncate)
            .open(real)
            .map_err(code)?;
        // The lowest free handle, as a POSIX system hands out descriptors.
        let fd = (0..).find(|n| !self.files.contains_key(n)).unwrap_or(0);
        self.files.insert(fd, file);
        Ok(fd)
    }

    fn read(&mut self, fd: u32, buf: &mut [u8]) -> FsResult<usize> {
        self.file(fd)?.read(buf).map_err(code)
    }

    fn write(&mut self, fd: u32, data: &[u8]) -> FsResult<usize> {
        self.file(fd)?.write(data).map_err(code)
    }

    fn seek(&mut self, fd: u32, pos: SeekFrom) -> FsResult<u64> {
        let pos = match pos {
            SeekFrom::Start(p) => io::SeekFrom::Start(p),
            SeekFrom::Current(d) => io::SeekFrom::Current(d),
            SeekFrom::End(d) => io::SeekFrom::End(d),
        };
        self.file(fd)?.seek(pos).map_err(code)
    }

    fn flush(&mut self, fd: u32) -> FsResult<()> {
        self.file(fd)?.flush().map_err(code)
    }

    fn close(&mut self, fd: u32) -> FsResult<()> {
        let file = self.files.remove(&fd).ok_or(errno::EBADF)?;
        // Data is durable once close returns, as on a board's flash.
        if self.root.is_some() {
            file.sync_all().map_err(code)?;
        }
        Ok(())
    }

    fn stat(&mut self, path: &str) -> FsResult<Stat> {
        let meta = fs::metadata(self.real(path)?).map_err(code)?;
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs() as i64);
        Ok(Stat {
            is_dir: meta.is_dir(),
            size: meta.len(),
            mtime,
        })
    }

    fn list_dir(&mut self, path: &str) -> FsResult<Vec<DirEntry>> {
        let mut out = Vec::new();
        for entry in fs::read_dir(self.real(path)?).map_err(code)? {
            let entry = entry.map_err(code)?;
            let meta = entry.metadata().map_err(code)?;
            out.push(DirEntry {
                name: entry.file_name().to_string_lossy().into_owned(),
                is_dir: meta.is_dir(),
                size: if meta.is_dir() { 0 } else { meta.len() },
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn mkdir(&mut self, path: &str) -> FsResult<()> {
        fs::create_dir(self.real(path)?).map_err(code)
    }

    fn rmdir(&mut self, path: &str) -> FsResult<()> {
        if self.root.is_some() && path == "/" {
            return Err(errno::EPERM);
        }
        fs::remove_dir(self.real(path)?).map_err(code)
    }

    fn remove(&mut self, path: &str) -> FsResult<()> {
        let real = self.real(path)?;
        if real.is_dir() {
            return Err(errno::EISDIR);
        }
        fs::remove_file(real).map_err(code)
    }

    fn rename(&mut self, from: &str, to: &str) -> FsResult<()> {
        fs::rename(self.real(from)?, self.real(to)?).map_err(code)
    }

    fn statvfs(&mut self, path: &str) -> FsResult<StatVfs> {
        let real = self.real(path)?;
        statvfs(&real).map_err(code)
    }

    fn sync(&mut self) -> FsResult<()> {
        for file in self.files.values() {
            file.sync_all().map_err(code)?;
        }
        Ok(())
    }
}

fn statvfs(path: &Path) -> io::Result<StatVfs> {
    use std::os::unix::ffi::OsStrExt;
    let mut c_path: Vec<u8> = path.as_os_str().as_bytes().to_vec();
    c_path.push(0);
    // SAFETY: an all-zero `statvfs` is a valid value of this plain C struct.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c_path` is NUL-terminated and `st` is a valid out-parameter.
    let r = unsafe { libc::statvfs(c_path.as_ptr().cast(), &mut st) };
    if r != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(StatVfs {
        block_size: st.f_bsize as u64,
        blocks: st.f_blocks as u64,
        blocks_free: st.f_bavail as u64,
        max_name: st.f_namemax as u64,
    })
}

/// The default home of the virtual board's files: `$XDG_DATA_HOME/copperhead/board`
/// (or `~/.local/share/copperhead/board`).
pub fn default_board_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("copperhead").join("board")
}
