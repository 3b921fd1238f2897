//! Metadata pairs: two blocks holding a log of commits of tagged entries (SPEC.md,
//! "Directories / Metadata pairs"). A pair is read whole into an [`MDir`], the state its
//! valid commits leave (entries by id, tail, its share of the global state); a commit is
//! built in RAM and programmed in one piece, closed by a CRC tag and, when the block has
//! room after it, a forward CRC of the next program unit.

use alloc::vec;
use alloc::vec::Vec;

use crate::crc::crc32;
use crate::{BlockDevice, Error};

/// The null block address.
pub const NULL: u32 = 0xffff_ffff;

/// Tag types (the 11-bit "type3" of SPEC.md).
pub mod ty {
    pub const REG: u16 = 0x001;
    pub const DIR: u16 = 0x002;
    pub const SUPERBLOCK: u16 = 0x0ff;
    pub const CREATE: u16 = 0x401;
    pub const DELETE: u16 = 0x4ff;
    pub const DIRSTRUCT: u16 = 0x200;
    pub const INLINESTRUCT: u16 = 0x201;
    pub const CTZSTRUCT: u16 = 0x202;
    pub const USERATTR: u16 = 0x300;
    pub const SOFTTAIL: u16 = 0x600;
    pub const MOVESTATE: u16 = 0x7ff;
    pub const CCRC: u16 = 0x500;
    pub const FCRC: u16 = 0x5ff;
}

pub fn mktag(ty: u16, id: u16, size: u32) -> u32 {
    ((ty as u32) << 20) | ((id as u32) << 10) | size
}
pub fn tag_type1(tag: u32) -> u16 {
    ((tag >> 20) & 0x700) as u16
}
fn tag_type2(tag: u32) -> u16 {
    ((tag >> 20) & 0x780) as u16
}
pub fn tag_type3(tag: u32) -> u16 {
    ((tag >> 20) & 0x7ff) as u16
}
pub fn tag_chunk(tag: u32) -> u8 {
    (tag >> 20) as u8
}
pub fn tag_id(tag: u32) -> u16 {
    ((tag >> 10) & 0x3ff) as u16
}
pub fn tag_size(tag: u32) -> u32 {
    tag & 0x3ff
}
fn tag_is_delete(tag: u32) -> bool {
    tag_size(tag) == 0x3ff
}
/// Bytes a tag takes on disk, with its data.
pub fn tag_dsize(tag: u32) -> u32 {
    4 + if tag_is_delete(tag) { 0 } else { tag_size(tag) }
}

pub fn le32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

pub fn pair_bytes(pair: [u32; 2]) -> Vec<u8> {
    let mut v = Vec::with_capacity(8);
    v.extend_from_slice(&pair[0].to_le_bytes());
    v.extend_from_slice(&pair[1].to_le_bytes());
    v
}

pub fn pair_is_null(p: [u32; 2]) -> bool {
    p[0] == NULL || p[1] == NULL
}

/// The same pair as littlefs compares them: any block in common.
pub fn pair_overlaps(a: [u32; 2], b: [u32; 2]) -> bool {
    a[0] == b[0] || a[1] == b[1] || a[0] == b[1] || a[1] == b[0]
}

/// Both blocks the same, in either order.
pub fn pair_same(a: [u32; 2], b: [u32; 2]) -> bool {
    (a[0] == b[0] && a[1] == b[1]) || (a[0] == b[1] && a[1] == b[0])
}

/// The global state (move and orphan flags), kept as xor-deltas spread over the pairs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GState {
    pub tag: u32,
    pub pair: [u32; 2],
}

impl GState {
    pub fn xor(self, o: GState) -> GState {
        GState {
            tag: self.tag ^ o.tag,
            pair: [self.pair[0] ^ o.pair[0], self.pair[1] ^ o.pair[1]],
        }
    }
    pub fn is_zero(self) -> bool {
        self == GState::default()
    }
    pub fn bytes(self) -> Vec<u8> {
        let mut v = Vec::with_capacity(12);
        v.extend_from_slice(&self.tag.to_le_bytes());
        v.extend_from_slice(&pair_bytes(self.pair));
        v
    }
    fn from_bytes(b: &[u8]) -> GState {
        GState {
            tag: le32(b),
            pair: [le32(&b[4..]), le32(&b[8..])],
        }
    }
    pub fn orphans(self) -> u32 {
        tag_size(self.tag) & 0x1ff
    }
    pub fn has_orphans(self) -> bool {
        tag_size(self.tag) != 0 && self.orphans() != 0
    }
    pub fn has_move(self) -> bool {
        tag_type1(self.tag) != 0
    }
    pub fn needs_superblock(self) -> bool {
        (tag_size(self.tag) >> 9) & 1 != 0
    }
    pub fn move_here(self, pair: [u32; 2]) -> bool {
        self.has_move() && pair_overlaps(self.pair, pair)
    }
    /// Add `n` (±) to the orphan count, keeping the sync bit (bit 31) in step.
    pub fn add_orphans(&mut self, n: i32) {
        self.tag = self.tag.wrapping_add(n as u32);
        self.tag = (self.tag & !0x8000_0000) | ((self.orphans() != 0) as u32) << 31;
    }
    /// Mark entry `id` of `pair` as moved away (`None`: no move pending).
    pub fn set_move(&mut self, target: Option<(u16, [u32; 2])>) {
        self.tag &= !mktag(0x7ff, 0x3ff, 0);
        match target {
            Some((id, pair)) => {
                self.tag |= mktag(ty::DELETE, id, 0);
                self.pair = pair;
            }
            None => self.pair = [0, 0],
        }
    }
    pub fn set_needs_superblock(&mut self, on: bool) {
        self.tag = (self.tag & !0x200) | ((on as u32) << 9);
    }
}

/// Geometry of the device, as the metadata code needs it.
#[derive(Clone, Copy, Debug)]
pub struct Geo {
    pub block_size: u32,
    pub block_count: u32,
    pub read_size: u32,
    pub prog_size: u32,
}

/// Read `buf.len()` bytes at `off` of `block`, in whole read units.
pub fn bd_read<D: BlockDevice>(
    dev: &mut D,
    geo: &Geo,
    block: u32,
    off: u32,
    buf: &mut [u8],
) -> Result<(), Error> {
    if block >= geo.block_count || off as usize + buf.len() > geo.block_size as usize {
        return Err(Error::Corrupt);
    }
    let rs = geo.read_size.max(1);
    let start = off / rs * rs;
    let end = (off + buf.len() as u32).div_ceil(rs) * rs;
    if start == off && end == off + buf.len() as u32 {
        return dev.read(block, off, buf);
    }
    let mut tmp = vec![0u8; (end - start) as usize];
    dev.read(block, start, &mut tmp)?;
    let skip = (off - start) as usize;
    buf.copy_from_slice(&tmp[skip..skip + buf.len()]);
    Ok(())
}

/// One file or directory in a pair, as its tags describe it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    /// The name tag's type: [`ty::REG`], [`ty::DIR`], [`ty::SUPERBLOCK`]; 0 if it has none.
    pub kind: u16,
    pub name: Vec<u8>,
    /// The struct tag: its type and data.
    pub st: Option<(u16, Vec<u8>)>,
    /// User attributes, by type.
    pub attrs: Vec<(u8, Vec<u8>)>,
}

impl Entry {
    /// The bytes its tags take in a compacted pair.
    fn disk_size(&self) -> u32 {
        let mut n = 0;
        if self.kind != 0 {
            n += 4 + self.name.len() as u32;
        }
        if let Some((_, d)) = &self.st {
            n += 4 + d.len() as u32;
        }
        for (_, d) in &self.attrs {
            n += 4 + d.len() as u32;
        }
        n
    }
}

/// A tag to commit, with its data.
#[derive(Clone, Debug)]
pub struct Attr {
    pub tag: u32,
    pub data: Vec<u8>,
}

impl Attr {
    pub fn new(ty: u16, id: u16, data: Vec<u8>) -> Attr {
        Attr {
            tag: mktag(ty, id, data.len() as u32),
            data,
        }
    }
    pub fn bare(ty: u16, id: u16) -> Attr {
        Attr {
            tag: mktag(ty, id, 0),
            data: Vec::new(),
        }
    }
}

/// A metadata pair as its newest valid commits leave it.
#[derive(Clone, Debug)]
pub struct MDir {
    /// `pair[0]` is the block holding the newest commits.
    pub pair: [u32; 2],
    pub rev: u32,
    /// Where the next commit goes in `pair[0]`.
    pub off: u32,
    /// The tag the next commit's first tag is xored with.
    pub etag: u32,
    /// Whether `pair[0]` is known erased from `off`, so a commit may be appended.
    pub erased: bool,
    pub tail: [u32; 2],
    /// The tail is a hard tail: the next pair belongs to the same directory.
    pub split: bool,
    pub entries: Vec<Entry>,
    /// This pair's share of the global state.
    pub gdelta: GState,
}

impl MDir {
    pub fn empty(pair: [u32; 2], rev: u32) -> MDir {
        MDir {
            pair,
            rev,
            off: 4,
            etag: NULL,
            erased: false,
            tail: [NULL, NULL],
            split: false,
            entries: Vec::new(),
            gdelta: GState::default(),
        }
    }

    pub fn count(&self) -> u16 {
        self.entries.len() as u16
    }

    fn slot(&mut self, id: u16) -> &mut Entry {
        let id = id as usize;
        if self.entries.len() <= id {
            self.entries.resize(id + 1, Entry::default());
        }
        &mut self.entries[id]
    }

    /// Apply one committed tag.
    pub fn apply(&mut self, tag: u32, data: &[u8]) {
        let id = tag_id(tag);
        match tag_type1(tag) {
            0x000 => {
                let e = self.slot(id);
                e.kind = tag_type3(tag);
                e.name = data.to_vec();
            }
            0x400 => {
                let at = (id as usize).min(self.entries.len());
                match tag_chunk(tag) as i8 {
                    1 => self.entries.insert(at, Entry::default()),
                    -1 if (id as usize) < self.entries.len() => {
                        self.entries.remove(id as usize);
                    }
                    _ => {}
                }
            }
            0x200 => self.slot(id).st = Some((tag_type3(tag), data.to_vec())),
            0x300 => {
                let chunk = tag_chunk(tag);
                let e = self.slot(id);
                e.attrs.retain(|(t, _)| *t != chunk);
                if !tag_is_delete(tag) {
                    e.attrs.push((chunk, data.to_vec()));
                }
            }
            0x600 if data.len() >= 8 => {
                self.tail = [le32(data), le32(&data[4..])];
                self.split = tag_chunk(tag) & 1 != 0;
            }
            0x700 if tag_type3(tag) == ty::MOVESTATE && data.len() >= 12 => {
                self.gdelta = GState::from_bytes(data);
            }
            _ => {}
        }
    }
}

/// Sequence comparison of revision counts.
fn rev_newer(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

/// Read the pair at `pair`: the block with the newer revision if it holds a valid commit,
/// else the other.
pub fn fetch<D: BlockDevice>(dev: &mut D, geo: &Geo, pair: [u32; 2]) -> Result<MDir, Error> {
    if pair[0] >= geo.block_count || pair[1] >= geo.block_count {
        return Err(Error::Corrupt);
    }
    let mut revs = [0u32; 2];
    for i in 0..2 {
        let mut b = [0u8; 4];
        bd_read(dev, geo, pair[i], 0, &mut b)?;
        revs[i] = u32::from_le_bytes(b);
    }
    let first = if rev_newer(revs[1], revs[0]) { 1 } else { 0 };
    let mut buf = vec![0u8; geo.block_size as usize];
    for k in 0..2 {
        let i = (first + k) % 2;
        bd_read(dev, geo, pair[i], 0, &mut buf)?;
        if let Some(mut dir) = parse(&buf, geo) {
            dir.pair = [pair[i], pair[1 - i]];
            return Ok(dir);
        }
    }
    Err(Error::Corrupt)
}

/// The state the valid commits of one block leave, if it has any.
fn parse(buf: &[u8], geo: &Geo) -> Option<MDir> {
    let bs = buf.len();
    let rev = le32(buf);
    let mut dir = MDir::empty([NULL, NULL], rev);
    let mut found = false;
    let mut crc = crc32(0xffff_ffff, &buf[..4]);
    let mut ptag = NULL;
    let mut pos = 4usize;
    let mut pending: Vec<(u32, usize)> = Vec::new();
    let mut commit_fcrc = None;
    let mut last_fcrc: Option<(u32, u32)> = None;
    let mut maybe_erased = false;
    while pos + 4 <= bs {
        let raw = &buf[pos..pos + 4];
        let tag = u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]) ^ ptag;
        if tag & 0x8000_0000 != 0 {
            maybe_erased = tag_type2(ptag) == ty::CCRC;
            break;
        }
        let dsize = tag_dsize(tag) as usize;
        if pos + dsize > bs {
            break;
        }
        crc = crc32(crc, raw);
        ptag = tag;
        if tag_type2(tag) == ty::CCRC {
            if dsize < 8 || crc != le32(&buf[pos + 4..]) {
                break;
            }
            ptag ^= ((tag_chunk(tag) & 1) as u32) << 31;
            for (t, at) in pending.drain(..) {
                let len = tag_dsize(t) as usize - 4;
                dir.apply(t, &buf[at..at + len]);
            }
            last_fcrc = commit_fcrc.take();
            found = true;
            dir.off = (pos + dsize) as u32;
            dir.etag = ptag;
            crc = 0xffff_ffff;
            pos += dsize;
            continue;
        }
        crc = crc32(crc, &buf[pos + 4..pos + dsize]);
        if tag_type3(tag) == ty::FCRC && dsize >= 12 {
            commit_fcrc = Some((le32(&buf[pos + 4..]), le32(&buf[pos + 8..])));
        } else {
            pending.push((tag, pos + 4));
        }
        pos += dsize;
    }
    if !found {
        return None;
    }
    let off = dir.off as usize;
    dir.erased = maybe_erased
        && dir.off.is_multiple_of(geo.prog_size)
        && match last_fcrc {
            Some((size, want)) => {
                off + size as usize <= bs
                    && crc32(0xffff_ffff, &buf[off..off + size as usize]) == want
            }
            None => false,
        };
    Some(dir)
}

/// A commit being built: its bytes, from `begin` in the block.
pub struct Commit {
    pub begin: u32,
    pub buf: Vec<u8>,
    ptag: u32,
    crc: u32,
}

impl Commit {
    /// A commit appended to `dir`'s current block.
    pub fn append(dir: &MDir) -> Commit {
        Commit {
            begin: dir.off,
            buf: Vec::new(),
            ptag: dir.etag,
            crc: 0xffff_ffff,
        }
    }

    /// The first commit of a freshly erased block, starting with its revision count.
    pub fn fresh(rev: u32) -> Commit {
        let buf = rev.to_le_bytes().to_vec();
        let crc = crc32(0xffff_ffff, &buf);
        Commit {
            begin: 0,
            buf,
            ptag: NULL,
            crc,
        }
    }

    pub fn end(&self) -> u32 {
        self.begin + self.buf.len() as u32
    }

    pub fn push(&mut self, tag: u32, data: &[u8]) {
        let stored = ((tag & 0x7fff_ffff) ^ self.ptag).to_be_bytes();
        self.crc = crc32(self.crc, &stored);
        self.crc = crc32(self.crc, data);
        self.buf.extend_from_slice(&stored);
        self.buf.extend_from_slice(data);
        self.ptag = tag & 0x7fff_ffff;
    }

    /// Close the commit with its CRC (and a forward CRC of the next program unit when there
    /// is one), program it into `block` and sync. Returns the new end and end tag, and
    /// whether the block stays appendable.
    pub fn finish<D: BlockDevice>(
        mut self,
        dev: &mut D,
        geo: &Geo,
        block: u32,
    ) -> Result<(u32, u32, bool), Error> {
        let bs = geo.block_size;
        let prog = geo.prog_size;
        let mut off = self.end();
        if off > bs - 8 {
            return Err(Error::NoSpace);
        }
        let end = (off + 20).min(bs).div_ceil(prog) * prog;
        let mut appendable = false;
        while off < end {
            let mut noff = off + 4 + (end - (off + 4)).min(0x3fe);
            if noff < end {
                noff = noff.min(end - 20);
            }
            let mut eperturb = 0xffu8;
            if noff >= end && noff <= bs - prog {
                let mut next = vec![0u8; prog as usize];
                bd_read(dev, geo, block, noff, &mut next)?;
                eperturb = next[0];
                let fcrc = crc32(0xffff_ffff, &next);
                let mut data = prog.to_le_bytes().to_vec();
                data.extend_from_slice(&fcrc.to_le_bytes());
                self.push(mktag(ty::FCRC, 0x3ff, 8), &data);
                off = self.end();
                appendable = true;
            }
            let ntag = mktag(
                ty::CCRC + ((!eperturb) >> 7) as u16,
                0x3ff,
                noff - (off + 4),
            );
            let stored = (ntag ^ self.ptag).to_be_bytes();
            self.crc = crc32(self.crc, &stored);
            self.buf.extend_from_slice(&stored);
            self.buf.extend_from_slice(&self.crc.to_le_bytes());
            self.buf.resize((noff - self.begin) as usize, 0xff);
            off = noff;
            self.ptag = ntag ^ (((0x80 & !eperturb) as u32) << 24);
            self.crc = 0xffff_ffff;
        }
        dev.program(block, self.begin, &self.buf)?;
        dev.sync()?;
        Ok((off, self.ptag, appendable))
    }
}

/// Write `dir`'s entries, tail and `gdelta` as the first commit of its other block (erased
/// here), with revision `dir.rev + 1`, and make that block current.
pub fn compact_into<D: BlockDevice>(
    dev: &mut D,
    geo: &Geo,
    dir: &mut MDir,
    gdelta: GState,
) -> Result<(), Error> {
    let rev = dir.rev.wrapping_add(1);
    let block = dir.pair[1];
    let mut c = Commit::fresh(rev);
    for (i, e) in dir.entries.iter().enumerate() {
        let id = i as u16;
        if e.kind != 0 {
            c.push(mktag(e.kind, id, e.name.len() as u32), &e.name);
        }
        if let Some((t, d)) = &e.st {
            c.push(mktag(*t, id, d.len() as u32), d);
        }
        for (t, d) in &e.attrs {
            c.push(mktag(ty::USERATTR + *t as u16, id, d.len() as u32), d);
        }
    }
    if !pair_is_null(dir.tail) {
        c.push(
            mktag(ty::SOFTTAIL + dir.split as u16, 0x3ff, 8),
            &pair_bytes(dir.tail),
        );
    }
    if !gdelta.is_zero() {
        c.push(mktag(ty::MOVESTATE, 0x3ff, 12), &gdelta.bytes());
    }
    if c.end() > geo.block_size - 8 {
        return Err(Error::NoSpace);
    }
    dev.erase(block)?;
    let (off, etag, erased) = c.finish(dev, geo, block)?;
    dir.rev = rev;
    dir.pair.swap(0, 1);
    dir.off = off;
    dir.etag = etag;
    dir.erased = erased;
    dir.gdelta = gdelta;
    Ok(())
}

/// How many of the entries `from..` may stay in one pair, so that it stays at most half full
/// (and under 255 entries): littlefs's split rule, halving the range from the end.
pub fn split_point(dir: &MDir, geo: &Geo) -> usize {
    let end = dir.entries.len();
    let limit =
        (geo.block_size - 40).min((geo.block_size / 2).div_ceil(geo.prog_size) * geo.prog_size);
    let mut split = 0;
    while end - split > 1 {
        let size: u32 = dir.entries[split..end].iter().map(Entry::disk_size).sum();
        if end - split < 0xff && size <= limit {
            break;
        }
        split += (end - split) / 2;
    }
    split
}
