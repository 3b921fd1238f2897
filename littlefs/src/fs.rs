//! The filesystem: mounting and formatting, the allocator's walk over everything in use,
//! commits to metadata pairs (appended, compacted, split or dropped), paths, directories,
//! rename and remove with their power-loss bookkeeping (the move state and the orphan flag).

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::alloc_la::Lookahead;
use crate::ctz;
use crate::file::File;
use crate::mdir::{
    self, Attr, GState, Geo, MDir, NULL, bd_read, le32, pair_bytes, pair_is_null, ty,
};
use crate::{BlockDevice, Config, Error};

/// The disk version we write: 2.1 (forward CRCs).
const DISK_VERSION: u32 = 0x0002_0001;

/// A file or a directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    File,
    Dir,
}

/// What `stat` tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Metadata {
    pub kind: FileType,
    pub size: u32,
}

/// One entry of a directory listing (without `.` and `..`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    pub name: String,
    pub kind: FileType,
    pub size: u32,
}

/// A mounted littlefs over a block device.
pub struct Lfs<D: BlockDevice> {
    pub(crate) dev: D,
    pub(crate) geo: Geo,
    pub(crate) cache_size: u32,
    pub(crate) inline_max: u32,
    pub(crate) name_max: u32,
    pub(crate) attr_max: u32,
    pub(crate) file_max: u32,
    pub(crate) root: [u32; 2],
    /// The global state as it should be.
    pub(crate) gstate: GState,
    /// The global state as the disk has it.
    pub(crate) gdisk: GState,
    /// A share of global state to fold into the next commit (from a dropped pair).
    pub(crate) gdelta: GState,
    pub(crate) la: Lookahead,
    pub(crate) files: Vec<Option<File>>,
    /// The content and writer of a file taken out of `files` while it is worked on.
    pub(crate) pin_data: Option<(u32, u32)>,
    pub(crate) pin_writer: Option<(u32, u32, [u32; 2])>,
}

/// A path split into its names; `..` climbs, `.` and empty names are skipped.
pub(crate) fn components(path: &str) -> Result<Vec<&[u8]>, Error> {
    let mut out: Vec<&[u8]> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop().ok_or(Error::Invalid)?;
            }
            p => out.push(p.as_bytes()),
        }
    }
    Ok(out)
}

/// Does an entry named `entry` go after a new entry named `name`? The C littlefs's order
/// (`lfs_dir_find_match`): bytes compared over the shorter length, and when one name is a
/// prefix of the other, the longer one first (`testdir` before `test`), which shows in
/// listings.
pub(crate) fn sorts_after(entry: &[u8], name: &[u8]) -> bool {
    let n = entry.len().min(name.len());
    match entry[..n].cmp(&name[..n]) {
        core::cmp::Ordering::Greater => true,
        core::cmp::Ordering::Less => false,
        core::cmp::Ordering::Equal => entry.len() < name.len(),
    }
}

/// Where a name is (or would go) in a directory.
pub(crate) struct Found {
    /// The pair holding the entry; if absent, the directory's last pair.
    pub dir: MDir,
    pub id: Option<u16>,
    /// Where a new entry of that name goes in `dir`.
    pub insert: u16,
}

fn superblock_data(
    lfs_block_size: u32,
    block_count: u32,
    name_max: u32,
    file_max: u32,
    attr_max: u32,
) -> Vec<u8> {
    let mut v = Vec::with_capacity(24);
    for w in [
        DISK_VERSION,
        lfs_block_size,
        block_count,
        name_max,
        file_max,
        attr_max,
    ] {
        v.extend_from_slice(&w.to_le_bytes());
    }
    v
}

impl<D: BlockDevice> Lfs<D> {
    fn new(dev: D, config: &Config) -> Result<Lfs<D>, Error> {
        let block_size = dev.block_size();
        let block_count = dev.block_count();
        let geo = Geo {
            block_size,
            block_count,
            read_size: config.read_size,
            prog_size: config.prog_size,
        };
        // The C littlefs asserts blocks of 128 bytes at least (room for a skip-list's
        // pointers in a file of any size), but MicroPython builds it without asserts and
        // images with smaller blocks exist: those are taken where the pointers a file on
        // this device can need fill at most half a block.
        let small_ok = block_size >= 64 && 4 * (33 - block_count.leading_zeros()) <= block_size / 2;
        if config.read_size == 0
            || config.prog_size == 0
            || (block_size < 128 && !small_ok)
            || !block_size.is_multiple_of(config.read_size)
            || !block_size.is_multiple_of(config.prog_size)
            || block_count < 2
            || config.name_max > 1022
            || config.attr_max > 1022
        {
            return Err(Error::Invalid);
        }
        Ok(Lfs {
            dev,
            geo,
            cache_size: config.cache_for(block_size),
            inline_max: config.inline_for(block_size),
            name_max: config.name_max,
            attr_max: config.attr_max,
            file_max: config.file_max,
            root: [0, 1],
            gstate: GState::default(),
            gdisk: GState::default(),
            gdelta: GState::default(),
            la: Lookahead::new(config.lookahead_size),
            files: Vec::new(),
            pin_data: None,
            pin_writer: None,
        })
    }

    /// Write an empty filesystem on `dev`.
    pub fn format(dev: &mut D, config: &Config) -> Result<(), Error> {
        let mut lfs = Lfs::new(&mut *dev, config)?;
        let bc = lfs.geo.block_count;
        lfs.la.start = 0;
        lfs.la.next = 0;
        lfs.la.size = (8 * lfs.la.used.len() as u32).min(bc);
        lfs.la.used.fill(0);
        lfs.la.checkpoint(bc);
        let mut root = lfs.dir_alloc()?;
        let sb = superblock_data(
            lfs.geo.block_size,
            bc,
            lfs.name_max,
            lfs.file_max,
            lfs.attr_max,
        );
        lfs.dir_commit(
            &mut root,
            &[
                Attr::bare(ty::CREATE, 0),
                Attr::new(ty::SUPERBLOCK, 0, b"littlefs".to_vec()),
                Attr::new(ty::INLINESTRUCT, 0, sb),
            ],
        )?;
        // A second compaction, so that both blocks hold this filesystem and no older one.
        root.erased = false;
        lfs.dir_commit(&mut root, &[])?;
        mdir::fetch(&mut lfs.dev, &lfs.geo, [0, 1])?;
        Ok(())
    }

    /// Mount the filesystem on `dev`.
    pub fn mount(dev: D, config: Config) -> Result<Lfs<D>, Error> {
        let mut lfs = Lfs::new(dev, &config)?;
        let mut tail = [0, 1];
        let mut steps = 0;
        let mut found = false;
        let mut gstate = GState::default();
        while !pair_is_null(tail) {
            steps += 1;
            if steps > lfs.geo.block_count {
                return Err(Error::Corrupt);
            }
            let dir = mdir::fetch(&mut lfs.dev, &lfs.geo, tail)?;
            if let Some(e) = dir.entries.first()
                && e.kind == ty::SUPERBLOCK
                && e.name == b"littlefs"
            {
                lfs.read_superblock(e)?;
                lfs.root = dir.pair;
                found = true;
            }
            gstate = gstate.xor(dir.gdelta);
            tail = dir.tail;
        }
        if !found {
            return Err(Error::Corrupt);
        }
        let needs_superblock = lfs.gstate.needs_superblock();
        if gstate.tag & 0x8000_0000 != 0 {
            gstate.tag = gstate.tag.wrapping_add(1);
        }
        lfs.gstate = gstate;
        lfs.gstate.set_needs_superblock(needs_superblock);
        lfs.gdisk = gstate;
        lfs.la.start = 0;
        lfs.la.drop_window(lfs.geo.block_count);
        Ok(lfs)
    }

    fn read_superblock(&mut self, e: &mdir::Entry) -> Result<(), Error> {
        let Some((ty::INLINESTRUCT, d)) = &e.st else {
            return Err(Error::Corrupt);
        };
        if d.len() < 24 {
            return Err(Error::Corrupt);
        }
        let version = le32(d);
        if version >> 16 != 2 || (version & 0xffff) > 1 {
            return Err(Error::Invalid);
        }
        self.gstate.set_needs_superblock(version & 0xffff < 1);
        let (block_size, block_count) = (le32(&d[4..]), le32(&d[8..]));
        if block_size != self.geo.block_size || block_count != self.geo.block_count {
            return Err(Error::Invalid);
        }
        let (name_max, file_max, attr_max) = (le32(&d[12..]), le32(&d[16..]), le32(&d[20..]));
        if name_max != 0 {
            self.name_max = self.name_max.min(name_max);
        }
        if file_max != 0 {
            self.file_max = self.file_max.min(file_max);
        }
        if attr_max != 0 {
            self.attr_max = self.attr_max.min(attr_max);
            self.inline_max = self.inline_max.min(attr_max);
        }
        Ok(())
    }

    /// The device back, the filesystem unmounted (open files are dropped unsynced).
    pub fn into_inner(self) -> D {
        self.dev
    }

    /// The device, for inspection.
    pub fn device(&mut self) -> &mut D {
        &mut self.dev
    }

    /// The same mounted filesystem (open files included) over the device `f` makes of this
    /// one. This lets a device borrow what it needs only while operations run: the VM's
    /// Python block devices are attached to the interpreter for one call and detached after.
    pub fn map_device<E: BlockDevice>(self, f: impl FnOnce(D) -> E) -> Lfs<E> {
        Lfs {
            dev: f(self.dev),
            geo: self.geo,
            cache_size: self.cache_size,
            inline_max: self.inline_max,
            name_max: self.name_max,
            attr_max: self.attr_max,
            file_max: self.file_max,
            root: self.root,
            gstate: self.gstate,
            gdisk: self.gdisk,
            gdelta: self.gdelta,
            la: self.la,
            files: self.files,
            pin_data: self.pin_data,
            pin_writer: self.pin_writer,
        }
    }

    pub fn block_size(&self) -> u32 {
        self.geo.block_size
    }

    pub fn block_count(&self) -> u32 {
        self.geo.block_count
    }

    pub fn name_max(&self) -> u32 {
        self.name_max
    }

    // --- allocation ---

    pub(crate) fn alloc(&mut self) -> Result<u32, Error> {
        let bc = self.geo.block_count;
        loop {
            if let Some(n) = self.la.take() {
                return Ok((self.la.start + n) % bc);
            }
            if self.la.ckpoint == 0 {
                return Err(Error::NoSpace);
            }
            self.la.begin_scan(bc);
            let mut la = core::mem::replace(&mut self.la, Lookahead::new(0));
            let r = self.traverse(&mut |b| la.mark(b, bc));
            self.la = la;
            if let Err(e) = r {
                self.la.drop_window(bc);
                return Err(e);
            }
        }
    }

    /// A new metadata pair, not yet written.
    pub(crate) fn dir_alloc(&mut self) -> Result<MDir, Error> {
        let b1 = self.alloc()?;
        let b0 = self.alloc()?;
        let mut rev = [0u8; 4];
        let rev = match bd_read(&mut self.dev, &self.geo, b0, 0, &mut rev) {
            Ok(()) => u32::from_le_bytes(rev),
            Err(_) => 0,
        };
        Ok(MDir::empty([b0, b1], rev))
    }

    /// Call `mark` for every block in use: metadata pairs, files' skip-lists, and what open
    /// files have written but not committed.
    pub(crate) fn traverse(&mut self, mark: &mut dyn FnMut(u32)) -> Result<(), Error> {
        let mut tail = [0, 1];
        let mut steps = 0;
        while !pair_is_null(tail) {
            steps += 1;
            if steps > self.geo.block_count {
                return Err(Error::Corrupt);
            }
            mark(tail[0]);
            mark(tail[1]);
            let dir = mdir::fetch(&mut self.dev, &self.geo, tail)?;
            for e in &dir.entries {
                match &e.st {
                    Some((ty::CTZSTRUCT, d)) if d.len() >= 8 => {
                        self.ctz_traverse(le32(d), le32(&d[4..]), mark)?;
                    }
                    Some((ty::DIRSTRUCT, d)) if d.len() >= 8 => {
                        mark(le32(d));
                        mark(le32(&d[4..]));
                    }
                    _ => {}
                }
            }
            tail = dir.tail;
        }
        for i in 0..=self.files.len() {
            let (chain, writer) = match self.files.get(i) {
                Some(Some(f)) => (f.chain(), f.writer_head()),
                Some(None) => continue,
                None => (self.pin_data, self.pin_writer),
            };
            if let Some((head, size)) = chain {
                self.ctz_traverse(head, size, mark)?;
            }
            if let Some((block, index, ptrs)) = writer {
                mark(block);
                self.ctz_traverse_from(index, ptrs, mark)?;
            }
        }
        Ok(())
    }

    pub(crate) fn read_u32(&mut self, block: u32, off: u32) -> Result<u32, Error> {
        let mut b = [0u8; 4];
        bd_read(&mut self.dev, &self.geo, block, off, &mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn ctz_traverse(
        &mut self,
        head: u32,
        size: u32,
        mark: &mut dyn FnMut(u32),
    ) -> Result<(), Error> {
        if size == 0 {
            return Ok(());
        }
        mark(head);
        let index = ctz::index(self.geo.block_size, &mut (size - 1));
        if index == 0 {
            return Ok(());
        }
        let count = 2 - (index & 1);
        let mut ptrs = [0u32; 2];
        for (i, p) in ptrs.iter_mut().enumerate().take(count as usize) {
            *p = self.read_u32(head, 4 * i as u32)?;
        }
        self.ctz_traverse_from(index, ptrs, mark)
    }

    /// Walk on from a block of index `index` whose first pointers are `ptrs`.
    fn ctz_traverse_from(
        &mut self,
        mut index: u32,
        mut ptrs: [u32; 2],
        mark: &mut dyn FnMut(u32),
    ) -> Result<(), Error> {
        let mut steps = 0;
        while index > 0 {
            steps += 1;
            if steps > self.geo.block_count {
                return Err(Error::Corrupt);
            }
            let count = 2 - (index & 1);
            for &p in &ptrs[..count as usize - 1] {
                mark(p);
            }
            let head = ptrs[count as usize - 1];
            if head >= self.geo.block_count {
                return Err(Error::Corrupt);
            }
            mark(head);
            index -= count;
            if index == 0 {
                break;
            }
            let count = 2 - (index & 1);
            for (i, p) in ptrs.iter_mut().enumerate().take(count as usize) {
                *p = self.read_u32(head, 4 * i as u32)?;
            }
        }
        Ok(())
    }

    /// Blocks in use, as littlefs counts them (`lfs_fs_size`).
    pub fn used_blocks(&mut self) -> Result<u32, Error> {
        let bc = self.geo.block_count;
        let mut used = vec![0u8; bc.div_ceil(8) as usize];
        self.traverse(&mut |b| {
            if b < bc {
                used[(b / 8) as usize] |= 1 << (b % 8);
            }
        })?;
        Ok(used.iter().map(|b| b.count_ones()).sum())
    }

    /// Blocks visited by a walk of everything in use, counted with repeats, as
    /// `lfs_fs_traverse` visits them (a directory's pair both from its parent and along the
    /// chain of pairs): MicroPython's `statvfs` reports the device's blocks less this.
    pub fn traverse_visits(&mut self) -> Result<u32, Error> {
        let mut n = 0u32;
        self.traverse(&mut |_| n += 1)?;
        Ok(n)
    }

    // --- commits ---

    /// Commit `attrs` to `dir`: appended if the block has room, else compacted into the
    /// other block (split first if more than half full); a pair left empty that continues
    /// a directory is unlinked from its predecessor instead.
    pub(crate) fn dir_commit(&mut self, dir: &mut MDir, attrs: &[Attr]) -> Result<(), Error> {
        let mut new = dir.clone();
        let mut has_delete = false;
        for a in attrs {
            new.apply(a.tag, &a.data);
            has_delete |= mdir::tag_type3(a.tag) == ty::DELETE;
        }
        if has_delete
            && new.count() == 0
            && let Some(mut pred) = self.fs_pred(dir.pair)?
            && pred.split
        {
            self.gdelta = self.gdelta.xor(dir.gdelta);
            let tail = Attr::new(ty::SOFTTAIL + new.split as u16, 0x3ff, pair_bytes(new.tail));
            self.dir_commit(&mut pred, &[tail])?;
            *dir = new;
            return Ok(());
        }
        let mut delta = self.gstate.xor(self.gdisk).xor(self.gdelta);
        delta.tag &= !0x3ff;
        if dir.erased && new.count() < 0xff {
            let mut c = mdir::Commit::append(dir);
            for a in attrs {
                c.push(a.tag, &a.data);
            }
            let mut gd = dir.gdelta;
            if !delta.is_zero() {
                gd = delta.xor(dir.gdelta);
                c.push(mdir::mktag(ty::MOVESTATE, 0x3ff, 12), &gd.bytes());
            }
            if c.end() <= self.geo.block_size - 8 {
                let (off, etag, erased) = c.finish(&mut self.dev, &self.geo, dir.pair[0])?;
                new.off = off;
                new.etag = etag;
                new.erased = erased;
                new.gdelta = gd;
                self.gdisk = self.gstate;
                self.gdelta = GState::default();
                *dir = new;
                return Ok(());
            }
        }
        self.splitting_compact(&mut new, delta)?;
        self.gdisk = self.gstate;
        self.gdelta = GState::default();
        *dir = new;
        Ok(())
    }

    fn splitting_compact(&mut self, dir: &mut MDir, delta: GState) -> Result<(), Error> {
        loop {
            let split = mdir::split_point(dir, &self.geo);
            if split == 0 {
                break;
            }
            let mut tail = match self.dir_alloc() {
                Ok(t) => t,
                Err(Error::NoSpace) => break,
                Err(e) => return Err(e),
            };
            tail.entries = dir.entries.split_off(split);
            tail.tail = dir.tail;
            tail.split = dir.split;
            if let Err(e) =
                mdir::compact_into(&mut self.dev, &self.geo, &mut tail, GState::default())
            {
                dir.entries.append(&mut tail.entries);
                return Err(e);
            }
            dir.tail = tail.pair;
            dir.split = true;
        }
        let gd = delta.xor(dir.gdelta);
        mdir::compact_into(&mut self.dev, &self.geo, dir, gd)
    }

    /// The pair whose tail is `pair`, walking the list of all pairs.
    pub(crate) fn fs_pred(&mut self, pair: [u32; 2]) -> Result<Option<MDir>, Error> {
        let mut tail = [0, 1];
        let mut steps = 0;
        while !pair_is_null(tail) {
            steps += 1;
            if steps > self.geo.block_count {
                return Err(Error::Corrupt);
            }
            let dir = mdir::fetch(&mut self.dev, &self.geo, tail)?;
            if mdir::pair_overlaps(dir.tail, pair) {
                return Ok(Some(dir));
            }
            tail = dir.tail;
        }
        Ok(None)
    }

    /// The pair and id of the directory entry pointing at `pair`.
    fn fs_parent(&mut self, pair: [u32; 2]) -> Result<Option<(MDir, u16)>, Error> {
        let mut tail = [0, 1];
        let mut steps = 0;
        while !pair_is_null(tail) {
            steps += 1;
            if steps > self.geo.block_count {
                return Err(Error::Corrupt);
            }
            let dir = mdir::fetch(&mut self.dev, &self.geo, tail)?;
            let hit = dir.entries.iter().position(|e| match &e.st {
                Some((ty::DIRSTRUCT, d)) if d.len() >= 8 => {
                    mdir::pair_overlaps([le32(d), le32(&d[4..])], pair)
                }
                _ => false,
            });
            if let Some(id) = hit {
                return Ok(Some((dir, id as u16)));
            }
            tail = dir.tail;
        }
        Ok(None)
    }

    // --- consistency after a reset ---

    /// Finish what a reset interrupted, before the first write: upgrade a 2.0 superblock,
    /// complete a move, unlink orphaned pairs.
    pub(crate) fn force_consistency(&mut self) -> Result<(), Error> {
        self.la.checkpoint(self.geo.block_count);
        if self.gstate.needs_superblock() {
            let mut root = mdir::fetch(&mut self.dev, &self.geo, self.root)?;
            let sb = superblock_data(
                self.geo.block_size,
                self.geo.block_count,
                self.name_max,
                self.file_max,
                self.attr_max,
            );
            self.dir_commit(&mut root, &[Attr::new(ty::INLINESTRUCT, 0, sb)])?;
            self.gstate.set_needs_superblock(false);
        }
        if self.gdisk.has_move() {
            let mut dir = mdir::fetch(&mut self.dev, &self.geo, self.gdisk.pair)?;
            let id = mdir::tag_id(self.gdisk.tag);
            self.gstate.set_move(None);
            self.dir_commit(&mut dir, &[Attr::bare(ty::DELETE, id)])?;
        }
        if self.gstate.has_orphans() {
            self.deorphan()?;
        }
        Ok(())
    }

    fn deorphan(&mut self) -> Result<(), Error> {
        // Two passes, as littlefs: half-orphans (a parent pointing at a relocated copy)
        // first, then full orphans (removed directories still on the list).
        for pass in 0..2 {
            let mut pdir = MDir::empty([NULL, NULL], 0);
            pdir.tail = [0, 1];
            pdir.split = true;
            let mut steps = 0;
            while !pair_is_null(pdir.tail) {
                steps += 1;
                if steps > 4 * self.geo.block_count {
                    return Err(Error::Corrupt);
                }
                let dir = mdir::fetch(&mut self.dev, &self.geo, pdir.tail)?;
                if !pdir.split {
                    let parent = self.fs_parent(pdir.tail)?;
                    if pass == 0
                        && let Some((parent, id)) = &parent
                        && let Some((_, d)) = &parent.entries[*id as usize].st
                    {
                        let pair = [le32(d), le32(&d[4..])];
                        if !mdir::pair_same(pair, pdir.tail) {
                            let mut attrs = Vec::new();
                            if self.gstate.move_here(pdir.pair) {
                                attrs.push(Attr::bare(ty::DELETE, mdir::tag_id(self.gstate.tag)));
                                self.gstate.set_move(None);
                            }
                            attrs.push(Attr::new(ty::SOFTTAIL, 0x3ff, pair_bytes(pair)));
                            self.dir_commit(&mut pdir, &attrs)?;
                            continue;
                        }
                    }
                    if pass == 1 && parent.is_none() {
                        self.gdelta = self.gdelta.xor(dir.gdelta);
                        let tail =
                            Attr::new(ty::SOFTTAIL + dir.split as u16, 0x3ff, pair_bytes(dir.tail));
                        self.dir_commit(&mut pdir, &[tail])?;
                        continue;
                    }
                }
                pdir = dir;
            }
        }
        let n = self.gstate.orphans();
        self.gstate.add_orphans(-(n as i32));
        Ok(())
    }

    // --- paths ---

    /// The head pair of the directory at `comps`.
    pub(crate) fn dir_head(&mut self, comps: &[&[u8]]) -> Result<[u32; 2], Error> {
        let mut head = self.root;
        for name in comps {
            let found = self.find_in(head, name)?;
            let id = found.id.ok_or(Error::NotFound)?;
            let e = &found.dir.entries[id as usize];
            match (&e.kind, &e.st) {
                (&ty::DIR, Some((ty::DIRSTRUCT, d))) if d.len() >= 8 => {
                    head = [le32(d), le32(&d[4..])]
                }
                (&ty::DIR, _) => return Err(Error::Corrupt),
                _ => return Err(Error::NotDir),
            }
        }
        Ok(head)
    }

    /// Look `name` up in the directory starting at `head`; if it is absent, the pair and
    /// position it would be inserted at.
    pub(crate) fn find_in(&mut self, head: [u32; 2], name: &[u8]) -> Result<Found, Error> {
        let mut dir = mdir::fetch(&mut self.dev, &self.geo, head)?;
        let mut steps = 0;
        loop {
            let moved = if self.gdisk.move_here(dir.pair) {
                Some(mdir::tag_id(self.gdisk.tag))
            } else {
                None
            };
            let mut insert = dir.count();
            for (i, e) in dir.entries.iter().enumerate() {
                if e.kind != ty::REG && e.kind != ty::DIR {
                    continue;
                }
                if e.name == name && moved != Some(i as u16) {
                    return Ok(Found {
                        id: Some(i as u16),
                        insert: i as u16,
                        dir,
                    });
                }
                if sorts_after(&e.name, name) && (i as u16) < insert {
                    insert = i as u16;
                }
            }
            // Names are sorted across the directory's pairs, and the C littlefs stops at
            // the first pair with a greater name: a new name goes there.
            if insert < dir.count() || !dir.split {
                return Ok(Found {
                    dir,
                    id: None,
                    insert,
                });
            }
            steps += 1;
            if steps > self.geo.block_count {
                return Err(Error::Corrupt);
            }
            dir = mdir::fetch(&mut self.dev, &self.geo, dir.tail)?;
        }
    }

    /// Find the entry at `path`: its directory's head pair and where it is.
    pub(crate) fn find(&mut self, path: &str) -> Result<(Found, Vec<u8>), Error> {
        let comps = components(path)?;
        let (name, parents) = comps.split_last().ok_or(Error::Invalid)?;
        if name.len() > self.name_max as usize {
            return Err(Error::NameTooLong);
        }
        let head = self.dir_head(parents)?;
        Ok((self.find_in(head, name)?, name.to_vec()))
    }

    pub fn stat(&mut self, path: &str) -> Result<Metadata, Error> {
        if components(path)?.is_empty() {
            return Ok(Metadata {
                kind: FileType::Dir,
                size: 0,
            });
        }
        let (found, _) = self.find(path)?;
        let id = found.id.ok_or(Error::NotFound)?;
        let e = &found.dir.entries[id as usize];
        Ok(entry_metadata(e))
    }

    /// The entries of the directory at `path`, in littlefs's order.
    pub fn read_dir(&mut self, path: &str) -> Result<Vec<DirEntry>, Error> {
        let comps = components(path)?;
        let head = self.dir_head(&comps)?;
        let mut dir = mdir::fetch(&mut self.dev, &self.geo, head)?;
        let mut out = Vec::new();
        let mut steps = 0;
        loop {
            let moved = if self.gdisk.move_here(dir.pair) {
                Some(mdir::tag_id(self.gdisk.tag))
            } else {
                None
            };
            for (i, e) in dir.entries.iter().enumerate() {
                if (e.kind == ty::REG || e.kind == ty::DIR) && moved != Some(i as u16) {
                    let m = entry_metadata(e);
                    let name = String::from_utf8_lossy(&e.name).into_owned();
                    out.push(DirEntry {
                        name,
                        kind: m.kind,
                        size: m.size,
                    });
                }
            }
            if !dir.split {
                return Ok(out);
            }
            steps += 1;
            if steps > self.geo.block_count {
                return Err(Error::Corrupt);
            }
            dir = mdir::fetch(&mut self.dev, &self.geo, dir.tail)?;
        }
    }

    pub fn mkdir(&mut self, path: &str) -> Result<(), Error> {
        self.force_consistency()?;
        let (found, name) = self.find(path)?;
        if found.id.is_some() {
            return Err(Error::Exists);
        }
        let mut cwd = found.dir;
        let mut dir = self.dir_alloc()?;
        let mut pred = cwd.clone();
        while pred.split {
            pred = mdir::fetch(&mut self.dev, &self.geo, pred.tail)?;
        }
        self.dir_commit(
            &mut dir,
            &[Attr::new(ty::SOFTTAIL, 0x3ff, pair_bytes(pred.tail))],
        )?;
        if cwd.split {
            self.gstate.add_orphans(1);
            self.dir_commit(
                &mut pred,
                &[Attr::new(ty::SOFTTAIL, 0x3ff, pair_bytes(dir.pair))],
            )?;
            self.gstate.add_orphans(-1);
        }
        let id = found.insert;
        let mut attrs = vec![
            Attr::bare(ty::CREATE, id),
            Attr::new(ty::DIR, id, name),
            Attr::new(ty::DIRSTRUCT, id, pair_bytes(dir.pair)),
        ];
        if !cwd.split {
            attrs.push(Attr::new(ty::SOFTTAIL, 0x3ff, pair_bytes(dir.pair)));
        }
        self.dir_commit(&mut cwd, &attrs)?;
        self.la.checkpoint(self.geo.block_count);
        Ok(())
    }

    /// Remove a file or an empty directory.
    pub fn remove(&mut self, path: &str) -> Result<(), Error> {
        self.force_consistency()?;
        let (found, _) = self.find(path)?;
        let id = found.id.ok_or(Error::NotFound)?;
        let mut cwd = found.dir;
        let child = self.empty_dir_of(&cwd, id)?;
        if child.is_some() {
            self.gstate.add_orphans(1);
        }
        self.dir_commit(&mut cwd, &[Attr::bare(ty::DELETE, id)])?;
        if let Some(pair) = child {
            self.gstate.add_orphans(-1);
            self.unlink_pair(pair)?;
        }
        Ok(())
    }

    /// For a directory entry: its pair, if the directory is empty (else `NotEmpty`).
    fn empty_dir_of(&mut self, cwd: &MDir, id: u16) -> Result<Option<[u32; 2]>, Error> {
        let e = &cwd.entries[id as usize];
        if e.kind != ty::DIR {
            return Ok(None);
        }
        let Some((ty::DIRSTRUCT, d)) = &e.st else {
            return Err(Error::Corrupt);
        };
        let pair = [le32(d), le32(&d[4..])];
        let dir = mdir::fetch(&mut self.dev, &self.geo, pair)?;
        if dir.count() > 0 || dir.split {
            return Err(Error::NotEmpty);
        }
        Ok(Some(pair))
    }

    /// Take a removed directory's pair off the list of all pairs.
    fn unlink_pair(&mut self, pair: [u32; 2]) -> Result<(), Error> {
        let child = mdir::fetch(&mut self.dev, &self.geo, pair)?;
        let Some(mut pred) = self.fs_pred(pair)? else {
            return Ok(());
        };
        self.gdelta = self.gdelta.xor(child.gdelta);
        let tail = Attr::new(
            ty::SOFTTAIL + child.split as u16,
            0x3ff,
            pair_bytes(child.tail),
        );
        self.dir_commit(&mut pred, &[tail])
    }

    /// Rename a file or directory, replacing a file (or an empty directory) at `to`.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), Error> {
        self.force_consistency()?;
        let (old, _) = self.find(from)?;
        let old_id = old.id.ok_or(Error::NotFound)?;
        let (new, name) = self.find(to)?;
        let old_entry = old.dir.entries[old_id as usize].clone();
        if old_entry.kind == ty::DIR {
            let (f, t) = (components(from)?, components(to)?);
            if t.len() > f.len() && t[..f.len()] == f[..] {
                return Err(Error::Invalid);
            }
        }
        let same_pair = mdir::pair_overlaps(old.dir.pair, new.dir.pair);
        let mut new_old_id = old_id;
        let mut prev_dir = None;
        let new_id = match new.id {
            None => {
                if same_pair && new.insert <= new_old_id {
                    new_old_id += 1;
                }
                new.insert
            }
            Some(prev) => {
                let kind = new.dir.entries[prev as usize].kind;
                if kind != old_entry.kind {
                    return Err(if kind == ty::DIR {
                        Error::IsDir
                    } else {
                        Error::NotDir
                    });
                }
                if same_pair && prev == old_id {
                    return Ok(());
                }
                prev_dir = self.empty_dir_of(&new.dir, prev)?;
                if prev_dir.is_some() {
                    self.gstate.add_orphans(1);
                }
                prev
            }
        };
        if !same_pair {
            self.gstate.set_move(Some((old_id, old.dir.pair)));
        }
        let mut attrs = Vec::new();
        if new.id.is_some() {
            attrs.push(Attr::bare(ty::DELETE, new_id));
        }
        attrs.push(Attr::bare(ty::CREATE, new_id));
        attrs.push(Attr::new(old_entry.kind, new_id, name));
        if let Some((t, d)) = &old_entry.st {
            attrs.push(Attr::new(*t, new_id, d.clone()));
        }
        for (t, d) in &old_entry.attrs {
            attrs.push(Attr::new(ty::USERATTR + *t as u16, new_id, d.clone()));
        }
        if same_pair {
            attrs.push(Attr::bare(ty::DELETE, new_old_id));
        }
        let mut newcwd = new.dir;
        self.dir_commit(&mut newcwd, &attrs)?;
        if !same_pair && self.gstate.has_move() {
            self.gstate.set_move(None);
            let mut oldcwd = mdir::fetch(&mut self.dev, &self.geo, old.dir.pair)?;
            self.dir_commit(&mut oldcwd, &[Attr::bare(ty::DELETE, old_id)])?;
        }
        if let Some(pair) = prev_dir {
            self.gstate.add_orphans(-1);
            self.unlink_pair(pair)?;
        }
        Ok(())
    }

    /// User attribute `kind` of `path`, if it has one.
    pub fn get_attr(&mut self, path: &str, kind: u8) -> Result<Option<Vec<u8>>, Error> {
        let (found, _) = self.find(path)?;
        let id = found.id.ok_or(Error::NotFound)?;
        let e = &found.dir.entries[id as usize];
        Ok(e.attrs
            .iter()
            .find(|(t, _)| *t == kind)
            .map(|(_, d)| d.clone()))
    }

    /// Set (or with `None` remove) user attribute `kind` of `path`.
    pub fn set_attr(&mut self, path: &str, kind: u8, data: Option<&[u8]>) -> Result<(), Error> {
        if data.is_some_and(|d| d.len() > self.attr_max as usize) {
            return Err(Error::TooBig);
        }
        self.force_consistency()?;
        let (found, _) = self.find(path)?;
        let id = found.id.ok_or(Error::NotFound)?;
        let mut dir = found.dir;
        let attr = match data {
            Some(d) => Attr::new(ty::USERATTR + kind as u16, id, d.to_vec()),
            None => Attr {
                tag: mdir::mktag(ty::USERATTR + kind as u16, id, 0x3ff),
                data: Vec::new(),
            },
        };
        self.dir_commit(&mut dir, &[attr])
    }
}

pub(crate) fn entry_metadata(e: &mdir::Entry) -> Metadata {
    if e.kind == ty::DIR {
        return Metadata {
            kind: FileType::Dir,
            size: 0,
        };
    }
    let size = match &e.st {
        Some((ty::INLINESTRUCT, d)) => d.len() as u32,
        Some((ty::CTZSTRUCT, d)) if d.len() >= 8 => le32(&d[4..]),
        _ => 0,
    };
    Metadata {
        kind: FileType::File,
        size,
    }
}
