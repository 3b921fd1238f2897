//! Open files. A small file lives inline in its directory entry (kept in RAM while open); a
//! larger one is a CTZ skip-list. Writing never touches a block the committed version
//! uses: a writer builds a new skip-list (sharing the unchanged blocks before the first
//! byte written), and only [`Lfs::sync`] points the entry at it, in one commit.

use alloc::vec;
use alloc::vec::Vec;

use crate::ctz;
use crate::fs::{Lfs, components};
use crate::mdir::{Attr, NULL, bd_read, le32, ty};
use crate::{BlockDevice, Error};

/// An open file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileHandle(pub u32);

/// How a file is opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenFlags {
    pub read: bool,
    pub write: bool,
    /// Create the file if it does not exist.
    pub create: bool,
    /// With `create`: fail if it exists.
    pub exclusive: bool,
    /// Empty it first.
    pub truncate: bool,
    /// Every write goes to the end.
    pub append: bool,
}

impl OpenFlags {
    pub const READ: OpenFlags = OpenFlags {
        read: true,
        write: false,
        create: false,
        exclusive: false,
        truncate: false,
        append: false,
    };
    /// `w`: write, create, truncate.
    pub const WRITE: OpenFlags = OpenFlags {
        read: false,
        write: true,
        create: true,
        exclusive: false,
        truncate: true,
        append: false,
    };
    /// `a`: write at the end, create.
    pub const APPEND: OpenFlags = OpenFlags {
        read: false,
        write: true,
        create: true,
        exclusive: false,
        truncate: false,
        append: true,
    };
}

/// Where a seek is measured from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeekFrom {
    Start(u32),
    Current(i64),
    End(i64),
}

/// A file's content as of the last flush of its writer.
enum Data {
    Inline(Vec<u8>),
    /// A skip-list: its head block and size (`NULL`, 0 when empty).
    Ctz {
        head: u32,
        size: u32,
    },
}

/// A skip-list being written: the file's bytes `0..pos`, its last block `block` (of index
/// `index`) filled to `off`, of which `buf` (from `buf_start`) is not programmed yet.
struct Writer {
    block: u32,
    index: u32,
    off: u32,
    buf: Vec<u8>,
    buf_start: u32,
    pos: u32,
    /// The first pointers of `block`, for the allocator's walk.
    ptrs: [u32; 2],
}

pub(crate) struct File {
    /// The head pair of the directory holding the file, and its name: how it is found at sync.
    dir_head: [u32; 2],
    name: Vec<u8>,
    flags: OpenFlags,
    pos: u32,
    size: u32,
    data: Data,
    writer: Option<Writer>,
    /// Has changes not yet committed.
    dirty: bool,
    /// User attributes written at each sync.
    attrs: Vec<(u8, Vec<u8>)>,
}

impl File {
    /// The skip-list the file's content is in, if any.
    pub(crate) fn chain(&self) -> Option<(u32, u32)> {
        match self.data {
            Data::Ctz { head, size } if size > 0 && head != NULL => Some((head, size)),
            _ => None,
        }
    }

    /// The writer's last block, its index and first pointers.
    pub(crate) fn writer_head(&self) -> Option<(u32, u32, [u32; 2])> {
        self.writer
            .as_ref()
            .filter(|w| w.block != NULL)
            .map(|w| (w.block, w.index, w.ptrs))
    }
}

impl<D: BlockDevice> Lfs<D> {
    fn file(&mut self, fh: FileHandle) -> Result<&mut File, Error> {
        self.files
            .get_mut(fh.0 as usize)
            .and_then(Option::as_mut)
            .ok_or(Error::BadHandle)
    }

    fn take_file(&mut self, fh: FileHandle) -> Result<File, Error> {
        self.files
            .get_mut(fh.0 as usize)
            .and_then(Option::take)
            .ok_or(Error::BadHandle)
    }

    fn put_file(&mut self, fh: FileHandle, f: File) {
        self.files[fh.0 as usize] = Some(f);
    }

    /// Run `op` on a file taken out of the table (so the rest of `self` stays usable), and
    /// put it back whatever happens.
    fn with_file<T>(
        &mut self,
        fh: FileHandle,
        op: impl FnOnce(&mut Self, &mut File) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut f = self.take_file(fh)?;
        self.pin(&f);
        let r = op(self, &mut f);
        self.pin_data = None;
        self.pin_writer = None;
        self.put_file(fh, f);
        r
    }

    /// Keep the blocks of `f` (out of the table while it is worked on) from the allocator.
    fn pin(&mut self, f: &File) {
        self.pin_data = f.chain();
        self.pin_writer = f.writer_head();
    }

    /// Open (and with `flags.create`, create) the file at `path`.
    pub fn open(&mut self, path: &str, flags: OpenFlags) -> Result<FileHandle, Error> {
        let comps = components(path)?;
        let Some((name, parents)) = comps.split_last() else {
            return Err(Error::IsDir);
        };
        if flags.write || flags.create {
            self.force_consistency()?;
        }
        if name.len() > self.name_max as usize {
            return Err(Error::NameTooLong);
        }
        let dir_head = self.dir_head(parents)?;
        let found = self.find_in(dir_head, name)?;
        let mut data = match found.id {
            Some(id) => {
                if flags.create && flags.exclusive {
                    return Err(Error::Exists);
                }
                let e = &found.dir.entries[id as usize];
                if e.kind == ty::DIR {
                    return Err(Error::IsDir);
                }
                match &e.st {
                    Some((ty::INLINESTRUCT, d)) => Data::Inline(d.clone()),
                    Some((ty::CTZSTRUCT, d)) if d.len() >= 8 => Data::Ctz {
                        head: le32(d),
                        size: le32(&d[4..]),
                    },
                    _ => Data::Inline(Vec::new()),
                }
            }
            None => {
                if !flags.create {
                    return Err(Error::NotFound);
                }
                let id = found.insert;
                let mut dir = found.dir;
                self.dir_commit(
                    &mut dir,
                    &[
                        Attr::bare(ty::CREATE, id),
                        Attr::new(ty::REG, id, name.to_vec()),
                        Attr::bare(ty::INLINESTRUCT, id),
                    ],
                )?;
                Data::Inline(Vec::new())
            }
        };
        let mut dirty = false;
        if flags.truncate && flags.write {
            data = Data::Inline(Vec::new());
            dirty = true;
        }
        let size = match &data {
            Data::Inline(v) => v.len() as u32,
            Data::Ctz { size, .. } => *size,
        };
        let f = File {
            dir_head,
            name: name.to_vec(),
            flags,
            pos: 0,
            size,
            data,
            writer: None,
            dirty,
            attrs: Vec::new(),
        };
        let slot = match self.files.iter().position(Option::is_none) {
            Some(i) => i,
            None => {
                self.files.push(None);
                self.files.len() - 1
            }
        };
        self.files[slot] = Some(f);
        Ok(FileHandle(slot as u32))
    }

    /// Commit what was written and close.
    pub fn close(&mut self, fh: FileHandle) -> Result<(), Error> {
        let r = self.sync(fh);
        self.take_file(fh)?;
        r
    }

    /// Drop an open file without committing anything (what a reset does).
    pub fn discard(&mut self, fh: FileHandle) {
        let _ = self.take_file(fh);
    }

    pub fn size(&mut self, fh: FileHandle) -> Result<u32, Error> {
        Ok(self.file(fh)?.size)
    }

    pub fn tell(&mut self, fh: FileHandle) -> Result<u32, Error> {
        Ok(self.file(fh)?.pos)
    }

    pub fn seek(&mut self, fh: FileHandle, to: SeekFrom) -> Result<u32, Error> {
        let f = self.file(fh)?;
        let pos = match to {
            SeekFrom::Start(p) => p as i64,
            SeekFrom::Current(d) => f.pos as i64 + d,
            SeekFrom::End(d) => f.size as i64 + d,
        };
        if !(0..=0x7fff_ffff).contains(&pos) {
            return Err(Error::Invalid);
        }
        f.pos = pos as u32;
        Ok(f.pos)
    }

    /// Set a user attribute written with the file at each sync (MicroPython's mtime).
    pub fn set_file_attr(&mut self, fh: FileHandle, kind: u8, data: &[u8]) -> Result<(), Error> {
        if data.len() > self.attr_max as usize {
            return Err(Error::TooBig);
        }
        let f = self.file(fh)?;
        if !f.flags.write {
            return Err(Error::BadHandle);
        }
        f.attrs.retain(|(t, _)| *t != kind);
        f.attrs.push((kind, data.to_vec()));
        f.dirty = true;
        Ok(())
    }

    pub fn read(&mut self, fh: FileHandle, buf: &mut [u8]) -> Result<usize, Error> {
        self.with_file(fh, |lfs, f| {
            if !f.flags.read {
                return Err(Error::BadHandle);
            }
            lfs.flush_writer(f)?;
            let n = (f.size.saturating_sub(f.pos) as usize).min(buf.len());
            lfs.read_data(f, f.pos, &mut buf[..n])?;
            f.pos += n as u32;
            Ok(n)
        })
    }

    /// Bytes `at..` of the file's flushed content into `out`.
    fn read_data(&mut self, f: &File, at: u32, out: &mut [u8]) -> Result<(), Error> {
        match &f.data {
            Data::Inline(v) => {
                let end = (at as usize + out.len()).min(v.len());
                let have = end.saturating_sub(at as usize);
                out[..have].copy_from_slice(&v[at as usize..end]);
                out[have..].fill(0);
                Ok(())
            }
            &Data::Ctz { head, size } => {
                let mut done = 0;
                while done < out.len() {
                    let pos = at + done as u32;
                    if pos >= size {
                        out[done..].fill(0);
                        break;
                    }
                    let (block, off) = self.ctz_find(head, size, pos)?;
                    let n = ((self.geo.block_size - off) as usize)
                        .min(out.len() - done)
                        .min((size - pos) as usize);
                    bd_read(
                        &mut self.dev,
                        &self.geo,
                        block,
                        off,
                        &mut out[done..done + n],
                    )?;
                    done += n;
                }
                Ok(())
            }
        }
    }

    /// The block holding byte `pos` of the skip-list (`head`, `size`), and its offset there.
    fn ctz_find(&mut self, mut head: u32, size: u32, pos: u32) -> Result<(u32, u32), Error> {
        let bs = self.geo.block_size;
        let mut current = ctz::index(bs, &mut (size - 1));
        let mut off = pos;
        let target = ctz::index(bs, &mut off);
        while current > target {
            let skip = ctz::skip(current, target);
            head = self.read_u32(head, 4 * skip)?;
            if head >= self.geo.block_count {
                return Err(Error::Corrupt);
            }
            current -= 1 << skip;
        }
        Ok((head, off))
    }

    pub fn write(&mut self, fh: FileHandle, data: &[u8]) -> Result<usize, Error> {
        self.with_file(fh, |lfs, f| {
            if !f.flags.write {
                return Err(Error::BadHandle);
            }
            if f.flags.append {
                f.pos = f.size;
            }
            let end = f.pos as u64 + data.len() as u64;
            if end > lfs.file_max as u64 {
                return Err(Error::TooBig);
            }
            lfs.la.checkpoint(lfs.geo.block_count);
            let end = end as u32;
            if let Data::Inline(v) = &mut f.data {
                if end.max(f.size) <= lfs.inline_max {
                    if v.len() < end as usize {
                        v.resize(end as usize, 0);
                    }
                    v[f.pos as usize..end as usize].copy_from_slice(data);
                    f.size = v.len() as u32;
                    f.pos = end;
                    f.dirty = true;
                    return Ok(data.len());
                }
                let v = core::mem::take(v);
                let mut w = Writer::empty();
                lfs.feed(&mut w, &v)?;
                let (head, size) = lfs.finish(w)?;
                f.data = Data::Ctz { head, size };
                lfs.pin(f);
            }
            if f.writer.as_ref().is_some_and(|w| w.pos != f.pos) {
                lfs.flush_writer(f)?;
            }
            if f.writer.is_none() {
                let at = f.pos.min(f.size);
                let mut w = lfs.start_writer(f, at)?;
                let zeros = [0u8; 64];
                while w.pos < f.pos {
                    let n = ((f.pos - w.pos) as usize).min(zeros.len());
                    lfs.feed(&mut w, &zeros[..n])?;
                }
                f.writer = Some(w);
            }
            let w = f.writer.as_mut().expect("writer set above");
            f.dirty = true;
            lfs.feed(w, data)?;
            f.pos = end;
            f.size = f.size.max(end);
            Ok(data.len())
        })
    }

    /// Commit the file's content (and attributes) to its directory entry.
    pub fn sync(&mut self, fh: FileHandle) -> Result<(), Error> {
        self.with_file(fh, |lfs, f| lfs.sync_file(f))
    }

    fn sync_file(&mut self, f: &mut File) -> Result<(), Error> {
        if !f.dirty {
            return Ok(());
        }
        self.flush_writer(f)?;
        self.force_consistency()?;
        let found = self.find_in(f.dir_head, &f.name)?;
        let Some(id) = found.id else {
            // Removed while open: nothing to update.
            f.dirty = false;
            return Ok(());
        };
        let mut attrs = Vec::new();
        match &f.data {
            Data::Inline(v) => attrs.push(Attr::new(ty::INLINESTRUCT, id, v.clone())),
            &Data::Ctz { head, size } => {
                let mut d = head.to_le_bytes().to_vec();
                d.extend_from_slice(&size.to_le_bytes());
                attrs.push(Attr::new(ty::CTZSTRUCT, id, d));
            }
        }
        for (t, d) in &f.attrs {
            attrs.push(Attr::new(ty::USERATTR + *t as u16, id, d.clone()));
        }
        let mut dir = found.dir;
        self.dir_commit(&mut dir, &attrs)?;
        self.la.checkpoint(self.geo.block_count);
        f.dirty = false;
        Ok(())
    }

    /// Cut or extend (with zeros) the file to `size` bytes.
    pub fn truncate(&mut self, fh: FileHandle, size: u32) -> Result<(), Error> {
        let (old, pos) = {
            let f = self.file(fh)?;
            if !f.flags.write {
                return Err(Error::BadHandle);
            }
            (f.size, f.pos)
        };
        if size > old {
            let append = self.file(fh)?.flags.append;
            let f = self.file(fh)?;
            f.flags.append = false;
            f.pos = old;
            let zeros = [0u8; 64];
            let mut at = old;
            let mut r = Ok(());
            while at < size && r.is_ok() {
                let n = ((size - at) as usize).min(zeros.len());
                r = self.write(fh, &zeros[..n]).map(|_| ());
                at += n as u32;
            }
            let f = self.file(fh)?;
            f.flags.append = append;
            f.pos = pos;
            return r;
        }
        self.with_file(fh, |lfs, f| {
            lfs.flush_writer(f)?;
            if let Data::Inline(v) = &mut f.data {
                v.truncate(size as usize);
            } else if size <= lfs.inline_max {
                let mut v = vec![0u8; size as usize];
                lfs.read_data(f, 0, &mut v)?;
                f.data = Data::Inline(v);
            } else if let Data::Ctz { head, size: csize } = f.data {
                let (block, _) = lfs.ctz_find(head, csize, size - 1)?;
                f.data = Data::Ctz { head: block, size };
            }
            lfs.pin(f);
            f.size = size;
            f.dirty = true;
            Ok(())
        })
    }

    /// A writer holding the file's bytes `0..at` (`at` no more than its flushed size),
    /// sharing the blocks before the last.
    fn start_writer(&mut self, f: &File, at: u32) -> Result<Writer, Error> {
        let Data::Ctz { head, size } = f.data else {
            return Ok(Writer::empty());
        };
        if at == 0 || size == 0 {
            return Ok(Writer::empty());
        }
        let bs = self.geo.block_size;
        let (blk, off) = self.ctz_find(head, size, at - 1)?;
        let index = ctz::index(bs, &mut (at - 1));
        let used = off + 1;
        let mut ptrs = [NULL; 2];
        for (i, p) in ptrs.iter_mut().enumerate().take(if index == 0 {
            0
        } else {
            2 - (index & 1) as usize
        }) {
            *p = self.read_u32(blk, 4 * i as u32)?;
        }
        if used == bs {
            // The block is full: the next byte starts a new one after it.
            return Ok(Writer {
                block: blk,
                index,
                off: bs,
                buf: Vec::new(),
                buf_start: bs,
                pos: at,
                ptrs,
            });
        }
        // Copy the used part of the last block into a fresh one.
        let nb = self.alloc()?;
        self.dev.erase(nb)?;
        let mut w = Writer {
            block: nb,
            index,
            off: 0,
            buf: Vec::new(),
            buf_start: 0,
            pos: at,
            ptrs,
        };
        let mut chunk = vec![0u8; self.cache_size as usize];
        let mut copied = 0;
        while copied < used {
            let n = (used - copied).min(chunk.len() as u32);
            bd_read(
                &mut self.dev,
                &self.geo,
                blk,
                copied,
                &mut chunk[..n as usize],
            )?;
            w.buf.extend_from_slice(&chunk[..n as usize]);
            w.off += n;
            copied += n;
            self.program_full(&mut w)?;
        }
        Ok(w)
    }

    /// Append `data` to the writer's skip-list.
    fn feed(&mut self, w: &mut Writer, mut data: &[u8]) -> Result<(), Error> {
        let bs = self.geo.block_size;
        while !data.is_empty() {
            if w.block == NULL || w.off == bs {
                self.next_block(w)?;
            }
            let n = ((bs - w.off) as usize).min(data.len());
            w.buf.extend_from_slice(&data[..n]);
            w.off += n as u32;
            w.pos += n as u32;
            data = &data[n..];
            self.program_full(w)?;
        }
        Ok(())
    }

    /// Start the writer's next block, with its pointers back.
    fn next_block(&mut self, w: &mut Writer) -> Result<(), Error> {
        self.program_rest(w)?;
        if w.block != NULL {
            self.pin_writer = Some((w.block, w.index, w.ptrs));
        }
        let nb = self.alloc()?;
        self.dev.erase(nb)?;
        if w.block == NULL {
            *w = Writer {
                block: nb,
                index: 0,
                off: 0,
                buf: Vec::new(),
                buf_start: 0,
                pos: w.pos,
                ptrs: [NULL; 2],
            };
            return Ok(());
        }
        let index = w.index + 1;
        let skips = index.trailing_zeros() + 1;
        let mut buf = Vec::with_capacity(4 * skips as usize);
        let mut ptrs = [NULL; 2];
        let mut nhead = w.block;
        for i in 0..skips {
            buf.extend_from_slice(&nhead.to_le_bytes());
            if (i as usize) < 2 {
                ptrs[i as usize] = nhead;
            }
            if i != skips - 1 {
                nhead = self.read_u32(nhead, 4 * i)?;
            }
        }
        *w = Writer {
            block: nb,
            index,
            off: 4 * skips,
            buf,
            buf_start: 0,
            pos: w.pos,
            ptrs,
        };
        self.program_full(w)
    }

    /// Program the writer's whole cache lines.
    fn program_full(&mut self, w: &mut Writer) -> Result<(), Error> {
        let prog = self.geo.prog_size as usize;
        if w.buf.len() >= self.cache_size as usize || w.off == self.geo.block_size {
            let n = w.buf.len() / prog * prog;
            if n > 0 {
                self.dev.program(w.block, w.buf_start, &w.buf[..n])?;
                w.buf.drain(..n);
                w.buf_start += n as u32;
            }
        }
        Ok(())
    }

    /// Program everything the writer holds, padded to a program unit.
    fn program_rest(&mut self, w: &mut Writer) -> Result<(), Error> {
        if w.block == NULL || w.buf.is_empty() {
            return Ok(());
        }
        let prog = self.geo.prog_size as usize;
        let n = w.buf.len().div_ceil(prog) * prog;
        w.buf.resize(n, 0xff);
        self.dev.program(w.block, w.buf_start, &w.buf)?;
        w.buf_start += n as u32;
        w.buf.clear();
        Ok(())
    }

    /// Close a writer: its skip-list's head and size.
    fn finish(&mut self, mut w: Writer) -> Result<(u32, u32), Error> {
        if w.block == NULL {
            return Ok((NULL, 0));
        }
        self.program_rest(&mut w)?;
        Ok((w.block, w.pos))
    }

    /// Bring the file's flushed content up to date with its writer: copy the bytes after
    /// the writer from the old content, and close it.
    fn flush_writer(&mut self, f: &mut File) -> Result<(), Error> {
        let Some(mut w) = f.writer.take() else {
            return Ok(());
        };
        let mut chunk = vec![0u8; self.cache_size as usize];
        while w.pos < f.size {
            let n = ((f.size - w.pos) as usize).min(chunk.len());
            self.read_data(f, w.pos, &mut chunk[..n])?;
            self.feed(&mut w, &chunk[..n])?;
        }
        let (head, size) = self.finish(w)?;
        f.data = Data::Ctz { head, size };
        self.pin(f);
        Ok(())
    }
}

impl Writer {
    fn empty() -> Writer {
        Writer {
            block: NULL,
            index: 0,
            off: 0,
            buf: Vec::new(),
            buf_start: 0,
            pos: 0,
            ptrs: [NULL; 2],
        }
    }
}
