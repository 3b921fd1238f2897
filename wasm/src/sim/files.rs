//! The simulator's filesystem: a [`MemFs`] that remembers whether it changed, sends the page
//! a snapshot of itself after changes (the page keeps it in IndexedDB, so files survive a
//! reload), and answers the page's file requests (the Board tree) at once, even while a
//! program runs.
//!
//! A snapshot is a list of entries, each `kind` (0 file, 1 directory), a `u16` path length,
//! the path, a `u32` data length and the data, little-endian, directories before what they
//! hold.
//!
//! A file request (an `f` frame) is a `u32` id, an op byte, a `u16`-length path, a
//! `u16`-length second path and the data: `l` list, `r` read, `w` write (atomically: to a
//! temporary file, then renamed over the old one), `m` mkdir, `n` rename to the second
//! path, `d` remove (recursively if the data is `[1]`), `u` usage. The answer is a `reply`
//! event: `{"id", "ok"}` with `entries` or `size`/`used`, or `error` and `code`; a read's
//! bytes travel beside it.

use std::rc::Rc;

use copperhead_vm::memfs::MemFs;
use copperhead_vm::platform::{
    DirEntry, Filesystem, FsResult, OpenMode, SeekFrom, Stat, StatVfs, errno,
};

use super::{Link, State, json_string};

/// The filesystem and whether the page has seen its latest state.
pub struct Store {
    fs: MemFs,
    dirty: bool,
    sent_at: f64,
}

impl Store {
    pub fn new(capacity: usize) -> Self {
        Store {
            fs: MemFs::new(capacity),
            dirty: false,
            sent_at: 0.0,
        }
    }

    /// Puts back the files of a snapshot; a damaged tail is ignored.
    pub fn restore(&mut self, mut snapshot: &[u8]) {
        while let Some((kind, path, data, rest)) = entry(snapshot) {
            snapshot = rest;
            let _ = if kind == 1 {
                self.fs.mkdir(path)
            } else {
                write_file(&mut self.fs, path, data)
            };
        }
    }

    fn snapshot(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (path, data) in self.fs.entries() {
            out.push(u8::from(data.is_none()));
            out.extend_from_slice(&(path.len() as u16).to_le_bytes());
            out.extend_from_slice(path.as_bytes());
            let data = data.unwrap_or(&[]);
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(data);
        }
        out
    }

    /// Sends a snapshot if the files changed and the last one is at least `every_ms` old.
    pub fn publish(&mut self, link: &Link, now: f64, every_ms: f64) {
        if self.dirty && now - self.sent_at >= every_ms {
            link.post("files", "{}", &self.snapshot());
            self.dirty = false;
            self.sent_at = now;
        }
    }

    /// Answers a file request from the page.
    pub fn serve(&mut self, body: &[u8], link: &Link, now: f64) {
        let Some(request) = Request::parse(body) else {
            return;
        };
        let id = request.id;
        let mut bytes = Vec::new();
        let answer = self.answer(&request, &mut bytes);
        let json = match answer {
            Ok(fields) => format!("{{\"id\":{id},\"ok\":true{fields}}}"),
            Err(code) => {
                let name = errno::MODULE
                    .iter()
                    .find(|(_, n)| i64::from(*n) == i64::from(code))
                    .map_or("EIO", |(name, _)| name);
                format!(
                    "{{\"id\":{id},\"ok\":false,\"code\":{},\"error\":{}}}",
                    json_string(name),
                    json_string(&format!("[Errno {code}] {name}: {}", request.path))
                )
            }
        };
        link.post("reply", &json, &bytes);
        // A change from the page reaches the page's copy at once.
        self.publish(link, now, 0.0);
    }

    fn answer(&mut self, r: &Request<'_>, bytes: &mut Vec<u8>) -> FsResult<String> {
        let fs = &mut self.fs;
        match r.op {
            b'l' => {
                let mut entries = fs.list_dir(r.path)?;
                entries.sort_by(|a, b| (!a.is_dir, &a.name).cmp(&(!b.is_dir, &b.name)));
                let mut list = String::new();
                for e in entries {
                    let path = if r.path == "/" {
                        format!("/{}", e.name)
                    } else {
                        format!("{}/{}", r.path, e.name)
                    };
                    if !list.is_empty() {
                        list.push(',');
                    }
                    list.push_str(&format!(
                        "{{\"name\":{},\"path\":{},\"dir\":{},\"size\":{}}}",
                        json_string(&e.name),
                        json_string(&path),
                        e.is_dir,
                        if e.is_dir { 0 } else { e.size }
                    ));
                }
                return Ok(format!(",\"entries\":[{list}]"));
            }
            b'r' => *bytes = read_file(fs, r.path)?,
            b'w' => {
                // The old file stays whole until the new one is all there.
                let temp = format!("{}.tmp", r.path);
                if let Err(e) = write_file(fs, &temp, r.data) {
                    let _ = fs.remove(&temp);
                    return Err(e);
                }
                if fs.stat(r.path).is_ok_and(|s| !s.is_dir) {
                    fs.remove(r.path)?;
                }
                fs.rename(&temp, r.path)?;
            }
            b'm' => fs.mkdir(r.path)?,
            b'n' => fs.rename(r.path, r.other)?,
            b'd' => remove(fs, r.path, r.data == [1])?,
            b'u' => {
                let v = fs.statvfs("/")?;
                let size = v.block_size * v.blocks;
                let used = size - v.block_size * v.blocks_free;
                return Ok(format!(",\"size\":{size},\"used\":{used}"));
            }
            _ => return Err(errno::EINVAL),
        }
        if r.op != b'r' {
            self.dirty = true;
        }
        Ok(String::new())
    }
}

/// One parsed file request.
struct Request<'a> {
    id: u32,
    op: u8,
    path: &'a str,
    other: &'a str,
    data: &'a [u8],
}

impl<'a> Request<'a> {
    fn parse(body: &'a [u8]) -> Option<Self> {
        let id = u32::from_le_bytes(body.get(..4)?.try_into().ok()?);
        let op = *body.get(4)?;
        let (path, rest) = text(body.get(5..)?)?;
        let (other, data) = text(rest)?;
        Some(Request {
            id,
            op,
            path,
            other,
            data,
        })
    }
}

/// A `u16`-length UTF-8 text at the start of `bytes`, and what follows it.
fn text(bytes: &[u8]) -> Option<(&str, &[u8])> {
    let len = usize::from(u16::from_le_bytes(bytes.get(..2)?.try_into().ok()?));
    let s = core::str::from_utf8(bytes.get(2..2 + len)?).ok()?;
    Some((s, &bytes[2 + len..]))
}

/// The first entry of a snapshot and the rest.
fn entry(bytes: &[u8]) -> Option<(u8, &str, &[u8], &[u8])> {
    let kind = *bytes.first()?;
    let (path, rest) = text(&bytes[1..])?;
    let len = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
    let data = rest.get(4..4 + len)?;
    Some((kind, path, data, &rest[4 + len..]))
}

fn write_file(fs: &mut MemFs, path: &str, data: &[u8]) -> FsResult<()> {
    let mode = OpenMode {
        write: true,
        create: true,
        truncate: true,
        ..OpenMode::default()
    };
    let fd = fs.open(path, mode)?;
    let written = fs.write(fd, data);
    fs.close(fd)?;
    match written {
        Ok(n) if n == data.len() => Ok(()),
        Ok(_) => Err(errno::ENOSPC),
        Err(e) => Err(e),
    }
}

fn read_file(fs: &mut MemFs, path: &str) -> FsResult<Vec<u8>> {
    let fd = fs.open(
        path,
        OpenMode {
            read: true,
            ..OpenMode::default()
        },
    )?;
    let mut data = Vec::new();
    let mut chunk = [0u8; 4096];
    let result = loop {
        match fs.read(fd, &mut chunk) {
            Ok(0) => break Ok(data),
            Ok(n) => data.extend_from_slice(&chunk[..n]),
            Err(e) => break Err(e),
        }
    };
    fs.close(fd)?;
    result
}

fn remove(fs: &mut MemFs, path: &str, recursive: bool) -> FsResult<()> {
    if !fs.stat(path)?.is_dir {
        return fs.remove(path);
    }
    if recursive {
        for e in fs.list_dir(path)? {
            remove(fs, &format!("{path}/{}", e.name), true)?;
        }
    }
    fs.rmdir(path)
}

/// The VM's door to the filesystem: each call borrows the board's state for its length and
/// marks the files changed when it changes them.
pub struct SimFs(pub Rc<State>);

impl SimFs {
    fn with<T>(&mut self, change: bool, f: impl FnOnce(&mut MemFs) -> FsResult<T>) -> FsResult<T> {
        let mut s = self.0.shared.borrow_mut();
        let result = f(&mut s.fs.fs);
        if change && result.is_ok() {
            s.fs.dirty = true;
        }
        result
    }
}

impl Filesystem for SimFs {
    fn open(&mut self, path: &str, mode: OpenMode) -> FsResult<u32> {
        let change = mode.write || mode.create || mode.truncate || mode.append;
        self.with(change, |fs| fs.open(path, mode))
    }
    fn read(&mut self, fd: u32, buf: &mut [u8]) -> FsResult<usize> {
        self.with(false, |fs| fs.read(fd, buf))
    }
    fn write(&mut self, fd: u32, data: &[u8]) -> FsResult<usize> {
        self.with(true, |fs| fs.write(fd, data))
    }
    fn seek(&mut self, fd: u32, pos: SeekFrom) -> FsResult<u64> {
        self.with(false, |fs| fs.seek(fd, pos))
    }
    fn flush(&mut self, fd: u32) -> FsResult<()> {
        self.with(false, |fs| fs.flush(fd))
    }
    fn close(&mut self, fd: u32) -> FsResult<()> {
        self.with(false, |fs| fs.close(fd))
    }
    fn stat(&mut self, path: &str) -> FsResult<Stat> {
        self.with(false, |fs| fs.stat(path))
    }
    fn list_dir(&mut self, path: &str) -> FsResult<Vec<DirEntry>> {
        self.with(false, |fs| fs.list_dir(path))
    }
    fn mkdir(&mut self, path: &str) -> FsResult<()> {
        self.with(true, |fs| fs.mkdir(path))
    }
    fn rmdir(&mut self, path: &str) -> FsResult<()> {
        self.with(true, |fs| fs.rmdir(path))
    }
    fn remove(&mut self, path: &str) -> FsResult<()> {
        self.with(true, |fs| fs.remove(path))
    }
    fn rename(&mut self, from: &str, to: &str) -> FsResult<()> {
        self.with(true, |fs| fs.rename(from, to))
    }
    fn statvfs(&mut self, path: &str) -> FsResult<StatVfs> {
        self.with(false, |fs| fs.statvfs(path))
    }
    fn sync(&mut self) -> FsResult<()> {
        self.with(false, |fs| fs.sync())
    }
}
