//! A filesystem in memory: the browser simulator's board filesystem, and a RAM disk for any
//! port without flash. Files are byte vectors indexed by inode; a sorted map gives each
//! path its inode, so a directory's entries are the keys that extend its path.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use crate::platform::{DirEntry, Filesystem, FsResult, OpenMode, SeekFrom, Stat, StatVfs, errno};

#[derive(Debug)]
enum Node {
    Dir,
    File(Vec<u8>),
}

#[derive(Debug)]
struct Handle {
    inode: usize,
    pos: usize,
    mode: OpenMode,
}

/// An in-memory [`Filesystem`] with a byte budget.
#[derive(Debug)]
pub struct MemFs {
    paths: BTreeMap<String, usize>,
    nodes: Vec<Option<Node>>,
    handles: Vec<Option<Handle>>,
    capacity: usize,
}

impl MemFs {
    /// An empty filesystem holding at most `capacity` bytes of file data.
    pub fn new(capacity: usize) -> Self {
        let mut paths = BTreeMap::new();
        paths.insert(String::from("/"), 0);
        MemFs {
            paths,
            nodes: alloc::vec![Some(Node::Dir)],
            handles: Vec::new(),
            capacity,
        }
    }

    /// Every directory and file but the root, each directory before what it holds, with a
    /// file's bytes (a snapshot to keep the filesystem elsewhere, as the browser does).
    pub fn entries(&self) -> impl Iterator<Item = (&str, Option<&[u8]>)> {
        self.paths
            .iter()
            .filter(|(p, _)| p.as_str() != "/")
            .filter_map(|(p, i)| match self.nodes[*i].as_ref()? {
                Node::Dir => Some((p.as_str(), None)),
                Node::File(data) => Some((p.as_str(), Some(data.as_slice()))),
            })
    }

    fn used(&self) -> usize {
        self.nodes
            .iter()
            .map(|n| match n {
                Some(Node::File(d)) => d.len(),
                _ => 0,
            })
            .sum()
    }

    /// The node at `path`: `ENOTDIR` if a file stands where a directory of the path should
    /// be, `ENOENT` if it is missing.
    fn node(&self, path: &str) -> FsResult<&Node> {
        if let Some(node) = self.paths.get(path).and_then(|i| self.nodes[*i].as_ref()) {
            return Ok(node);
        }
        let mut dir = path;
        while dir != "/" {
            dir = parent(dir);
            if let Some(Some(Node::File(_))) = self.paths.get(dir).map(|i| &self.nodes[*i]) {
                return Err(errno::ENOTDIR);
            }
        }
        Err(errno::ENOENT)
    }

    fn parent_is_dir(&self, path: &str) -> FsResult<()> {
        match self.node(parent(path))? {
            Node::Dir => Ok(()),
            Node::File(_) => Err(errno::ENOTDIR),
        }
    }

    fn add(&mut self, path: &str, node: Node) -> usize {
        let i = self.nodes.len();
        self.nodes.push(Some(node));
        self.paths.insert(String::from(path), i);
        i
    }

    fn handle(&mut self, fd: u32) -> FsResult<&mut Handle> {
        self.handles
            .get_mut(fd as usize)
            .and_then(Option::as_mut)
            .ok_or(errno::EBADF)
    }

    /// The paths strictly inside directory `dir`, at any depth.
    fn inside<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = &'a String> + 'a {
        let prefix = child_prefix(dir);
        self.paths
            .range(prefix.clone()..)
            .map(|(p, _)| p)
            .take_while(move |p| p.starts_with(&prefix))
            .filter(|p| p.as_str() != "/")
    }
}

/// The directory part of an absolute path (`/` for top-level names).
fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

fn child_prefix(dir: &str) -> String {
    if dir == "/" {
        String::from("/")
    } else {
        alloc::format!("{dir}/")
    }
}

impl Filesystem for MemFs {
    fn open(&mut self, path: &str, mode: OpenMode) -> FsResult<u32> {
        let inode = match self.paths.get(path).copied() {
            Some(i) => {
                if mode.exclusive {
                    return Err(errno::EEXIST);
                }
                match self.nodes[i].as_mut() {
                    Some(Node::File(data)) => {
                        if mode.truncate {
                            data.clear();
                        }
                        i
                    }
                    _ => return Err(errno::EISDIR),
                }
            }
            None if mode.create => {
                self.parent_is_dir(path)?;
                self.add(path, Node::File(Vec::new()))
            }
            None => return Err(errno::ENOENT),
        };
        let handle = Handle {
            inode,
            pos: 0,
            mode,
        };
        let fd = match self.handles.iter().position(Option::is_none) {
            Some(free) => {
                self.handles[free] = Some(handle);
                free
            }
            None => {
                self.handles.push(Some(handle));
                self.handles.len() - 1
            }
        };
        Ok(fd as u32)
    }

    fn read(&mut self, fd: u32, buf: &mut [u8]) -> FsResult<usize> {
        let (inode, pos, mode) = {
            let h = self.handle(fd)?;
            (h.inode, h.pos, h.mode)
        };
        if !mode.read {
            return Err(errno::EBADF);
        }
        let Some(Node::File(data)) = &self.nodes[inode] else {
            return Err(errno::EBADF);
        };
        let n = data.len().saturating_sub(pos).min(buf.len());
        buf[..n].copy_from_slice(&data[pos..pos + n]);
        self.handle(fd)?.pos += n;
        Ok(n)
    }

    fn write(&mut self, fd: u32, bytes: &[u8]) -> FsResult<usize> {
        let (inode, pos, mode) = {
            let h = self.handle(fd)?;
            (h.inode, h.pos, h.mode)
        };
        if !mode.write {
            return Err(errno::EBADF);
        }
        let used = self.used();
        let Some(Node::File(data)) = &mut self.nodes[inode] else {
            return Err(errno::EBADF);
        };
        let at = if mode.append { data.len() } else { pos };
        let end = at + bytes.len();
        if end > data.len() && used + (end - data.len()) > self.capacity {
            return Err(errno::ENOSPC);
        }
        if data.len() < end {
            data.resize(end, 0);
        }
        data[at..end].copy_from_slice(bytes);
        self.handle(fd)?.pos = end;
        Ok(bytes.len())
    }

    fn seek(&mut self, fd: u32, pos: SeekFrom) -> FsResult<u64> {
        let inode = self.handle(fd)?.inode;
        let len = match &self.nodes[inode] {
            Some(Node::File(d)) => d.len() as i64,
            _ => return Err(errno::EBADF),
        };
        let h = self.handle(fd)?;
        let new = match pos {
            SeekFrom::Start(p) => p as i64,
            SeekFrom::Current(d) => h.pos as i64 + d,
            SeekFrom::End(d) => len + d,
        };
        if new < 0 {
            return Err(errno::EINVAL);
        }
        h.pos = new as usize;
        Ok(new as u64)
    }

    fn close(&mut self, fd: u32) -> FsResult<()> {
        let slot = self.handles.get_mut(fd as usize).ok_or(errno::EBADF)?;
        slot.take().map(|_| ()).ok_or(errno::EBADF)
    }

    fn stat(&mut self, path: &str) -> FsResult<Stat> {
        Ok(match self.node(path)? {
            Node::Dir => Stat {
                is_dir: true,
                ..Stat::default()
            },
            Node::File(d) => Stat {
                is_dir: false,
                size: d.len() as u64,
                mtime: 0,
            },
        })
    }

    fn list_dir(&mut self, path: &str) -> FsResult<Vec<DirEntry>> {
        if let Node::File(_) = self.node(path)? {
            return Err(errno::ENOTDIR);
        }
        let prefix = child_prefix(path);
        let mut out = Vec::new();
        for p in self.inside(path) {
            let name = &p[prefix.len()..];
            if name.contains('/') {
                continue;
            }
            let (is_dir, size) = match &self.nodes[self.paths[p]] {
                Some(Node::File(d)) => (false, d.len() as u64),
                _ => (true, 0),
            };
            out.push(DirEntry {
                name: String::from(name),
                is_dir,
                size,
            });
        }
        Ok(out)
    }

    fn mkdir(&mut self, path: &str) -> FsResult<()> {
        if self.paths.contains_key(path) {
            return Err(errno::EEXIST);
        }
        self.parent_is_dir(path)?;
        self.add(path, Node::Dir);
        Ok(())
    }

    fn rmdir(&mut self, path: &str) -> FsResult<()> {
        match self.node(path)? {
            Node::File(_) => return Err(errno::ENOTDIR),
            Node::Dir if path == "/" => return Err(errno::EPERM),
            Node::Dir => {}
        }
        if self.inside(path).next().is_some() {
            return Err(errno::ENOTEMPTY);
        }
        let i = self.paths.remove(path).ok_or(errno::ENOENT)?;
        self.nodes[i] = None;
        Ok(())
    }

    fn remove(&mut self, path: &str) -> FsResult<()> {
        if let Node::Dir = self.node(path)? {
            return Err(errno::EISDIR);
        }
        let i = self.paths.remove(path).ok_or(errno::ENOENT)?;
        // Open handles keep the data until they close, as on a POSIX filesystem.
        if !self.handles.iter().flatten().any(|h| h.inode == i) {
            self.nodes[i] = None;
        }
        Ok(())
    }

    fn rename(&mut self, from: &str, to: &str) -> FsResult<()> {
        let i = *self.paths.get(from).ok_or(errno::ENOENT)?;
        if from == to {
            return Ok(());
        }
        if to.starts_with(&child_prefix(from)) {
            return Err(errno::EINVAL);
        }
        self.parent_is_dir(to)?;
        if let Some(&j) = self.paths.get(to) {
            match (&self.nodes[i], &self.nodes[j]) {
                (Some(Node::File(_)), Some(Node::File(_))) => self.remove(to)?,
                (Some(Node::Dir), Some(Node::Dir)) => self.rmdir(to)?,
                (Some(Node::File(_)), _) => return Err(errno::EISDIR),
                _ => return Err(errno::ENOTDIR),
            }
        }
        let moved: Vec<String> = self.inside(from).cloned().collect();
        for old in moved {
            let inode = self.paths.remove(&old).ok_or(errno::EIO)?;
            let new = alloc::format!("{to}{}", &old[from.len()..]);
            self.paths.insert(new, inode);
        }
        self.paths.remove(from);
        self.paths.insert(String::from(to), i);
        Ok(())
    }

    fn statvfs(&mut self, _path: &str) -> FsResult<StatVfs> {
        let block = 512u64;
        let blocks = self.capacity as u64 / block;
        let used = (self.used() as u64).div_ceil(block);
        Ok(StatVfs {
            block_size: block,
            blocks,
            blocks_free: blocks.saturating_sub(used),
            max_name: 255,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_mode() -> OpenMode {
        OpenMode {
            write: true,
            create: true,
            truncate: true,
            ..OpenMode::default()
        }
    }

    fn read_mode() -> OpenMode {
        OpenMode {
            read: true,
            ..OpenMode::default()
        }
    }

    #[test]
    fn files_round_trip_and_directories_list() {
        let mut fs = MemFs::new(1 << 16);
        fs.mkdir("/lib").unwrap();
        let fd = fs.open("/lib/a.py", write_mode()).unwrap();
        assert_eq!(fs.write(fd, b"print(1)\n"), Ok(9));
        fs.close(fd).unwrap();
        let fd = fs.open("/lib/a.py", read_mode()).unwrap();
        let mut buf = [0u8; 32];
        assert_eq!(fs.read(fd, &mut buf), Ok(9));
        assert_eq!(&buf[..9], b"print(1)\n");
        assert_eq!(fs.read(fd, &mut buf), Ok(0));
        fs.close(fd).unwrap();
        let names: Vec<String> = fs
            .list_dir("/")
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, ["lib"]);
        assert_eq!(fs.list_dir("/lib").unwrap()[0].size, 9);
        assert_eq!(fs.rmdir("/lib"), Err(errno::ENOTEMPTY));
    }

    #[test]
    fn rename_moves_a_directory_with_its_contents() {
        let mut fs = MemFs::new(1 << 16);
        fs.mkdir("/a").unwrap();
        fs.mkdir("/a/b").unwrap();
        let fd = fs.open("/a/b/f", write_mode()).unwrap();
        fs.close(fd).unwrap();
        fs.rename("/a", "/c").unwrap();
        assert!(fs.stat("/c/b/f").is_ok());
        assert_eq!(fs.stat("/a"), Err(errno::ENOENT));
        assert_eq!(fs.rename("/c", "/c/b/x"), Err(errno::EINVAL));
    }

    #[test]
    fn capacity_is_enforced() {
        let mut fs = MemFs::new(10);
        let fd = fs.open("/f", write_mode()).unwrap();
        assert_eq!(fs.write(fd, b"0123456789"), Ok(10));
        assert_eq!(fs.write(fd, b"x"), Err(errno::ENOSPC));
        assert_eq!(fs.open("/missing/f", write_mode()), Err(errno::ENOENT));
    }

    #[test]
    fn a_file_inside_a_path_is_not_a_directory() {
        let mut fs = MemFs::new(1 << 16);
        fs.open("/file", write_mode()).unwrap();
        assert_eq!(fs.stat("/file/x"), Err(errno::ENOTDIR));
        assert_eq!(fs.open("/file/x/y", write_mode()), Err(errno::ENOTDIR));
        assert_eq!(fs.mkdir("/file/d"), Err(errno::ENOTDIR));
        assert_eq!(fs.stat("/missing/x"), Err(errno::ENOENT));
    }
}
