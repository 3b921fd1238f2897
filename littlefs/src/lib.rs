//! littlefs v2, written in Rust: the filesystem MicroPython's boards keep their files in
//! (`vfs.VfsLfs2`), read and written in the same on-disk format (littlefs's `SPEC.md`,
//! disk version 2.1), so an image made by MicroPython's tools or by the C littlefs mounts
//! here and the other way round.
//!
//! What is here: metadata pairs (logs of tagged entries in two blocks, appended to and
//! compacted, split in two when more than half full, empty ones dropped from their
//! directory), forward CRCs, inline files, CTZ skip-lists for larger files, the global move
//! state and orphan flag (so a rename or a directory operation cut by a reset is completed
//! or undone at the next write), the lookahead block allocator, user attributes (where
//! MicroPython keeps a file's mtime, attribute `'t'`), and an image of disk version 2.0 is
//! upgraded to 2.1 at its first write, as the C littlefs does.
//!
//! What is left out: wear leveling (`block_cycles`: metadata pairs are never moved to fresh
//! blocks, and the superblock chain never grows), bad-block relocation (a program or erase
//! error is returned, not worked around), and migration from littlefs v1. Images that the C
//! littlefs relocated or expanded are read and written correctly; we just never do it
//! ourselves.
//!
//! Every write is copy-on-write: file data goes to fresh blocks and reaches the file's entry
//! in one metadata commit at [`Lfs::sync`]/[`Lfs::close`], so a reset at any moment leaves
//! either the old version of a file or the new one.
//!
//! Open files are handles ([`FileHandle`]) into the [`Lfs`]; each keeps its own view, found
//! by name at each sync: a file renamed or removed while open is not followed.
#![no_std]

extern crate alloc;

mod alloc_la;
mod crc;
mod ctz;
mod file;
mod fs;
mod mdir;
mod ramdisk;

pub use crc::crc32;
pub use file::{FileHandle, OpenFlags, SeekFrom};
pub use fs::{DirEntry, FileType, Lfs, Metadata};
pub use ramdisk::RamDisk;

/// What can go wrong, with the errno MicroPython reports for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The block device failed.
    Io,
    /// The data on the device is not a valid littlefs (or was damaged).
    Corrupt,
    NoSpace,
    NotFound,
    Exists,
    NotDir,
    IsDir,
    NotEmpty,
    /// A bad argument: a bad path, a seek before the start, a bad handle, a mismatched
    /// configuration.
    Invalid,
    NameTooLong,
    NoMemory,
    /// A file or attribute larger than the filesystem allows.
    TooBig,
    /// The handle was not opened for this (reading a write-only file).
    BadHandle,
}

impl Error {
    /// MicroPython's errno for this error.
    pub fn errno(self) -> i32 {
        match self {
            Error::Io | Error::Corrupt => 5,
            Error::NoSpace => 28,
            Error::NotFound => 2,
            Error::Exists => 17,
            Error::NotDir => 20,
            Error::IsDir => 21,
            Error::NotEmpty => 39,
            Error::Invalid => 22,
            Error::NameTooLong => 36,
            Error::NoMemory => 12,
            Error::TooBig => 27,
            Error::BadHandle => 9,
        }
    }
}

/// A device of erase blocks, as littlefs sees one.
pub trait BlockDevice {
    /// Bytes per erase block.
    fn block_size(&self) -> u32;
    fn block_count(&self) -> u32;
    /// Read `buf.len()` bytes at `offset` in `block`.
    fn read(&mut self, block: u32, offset: u32, buf: &mut [u8]) -> Result<(), Error>;
    /// Program `data` at `offset` in `block`, which was erased since it was last programmed there.
    fn program(&mut self, block: u32, offset: u32, data: &[u8]) -> Result<(), Error>;
    fn erase(&mut self, block: u32) -> Result<(), Error>;
    /// Make everything programmed durable.
    fn sync(&mut self) -> Result<(), Error> {
        Ok(())
    }
}

/// A borrowed device is a device: mount over `&mut dev` and keep the device afterwards.
impl<T: BlockDevice + ?Sized> BlockDevice for &mut T {
    fn block_size(&self) -> u32 {
        (**self).block_size()
    }
    fn block_count(&self) -> u32 {
        (**self).block_count()
    }
    fn read(&mut self, block: u32, offset: u32, buf: &mut [u8]) -> Result<(), Error> {
        (**self).read(block, offset, buf)
    }
    fn program(&mut self, block: u32, offset: u32, data: &[u8]) -> Result<(), Error> {
        (**self).program(block, offset, data)
    }
    fn erase(&mut self, block: u32) -> Result<(), Error> {
        (**self).erase(block)
    }
    fn sync(&mut self) -> Result<(), Error> {
        (**self).sync()
    }
}

/// How littlefs uses a device. The defaults are MicroPython's (`VfsLfs2(bdev)`): reads and
/// programs of 32 bytes, a 32-byte lookahead (256 blocks per scan), a cache of
/// `min(block_size, 4 * max(read_size, prog_size))` bytes, which also bounds inline files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The smallest read, in bytes; reads are aligned to it.
    pub read_size: u32,
    /// The smallest program, in bytes; programs are aligned to it.
    pub prog_size: u32,
    /// Bytes buffered per open file before programming; 0 for MicroPython's rule.
    pub cache_size: u32,
    /// Bytes of the allocator's bitmap (8 blocks a byte).
    pub lookahead_size: u32,
    /// The longest file name, at most 1022 (255 on MicroPython).
    pub name_max: u32,
    /// The largest user attribute, at most 1022.
    pub attr_max: u32,
    /// The largest file, at most 2^31 - 1.
    pub file_max: u32,
    /// The largest inline file; 0 for littlefs's rule
    /// (`min(cache_size, attr_max, block_size / 8)`).
    pub inline_max: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            read_size: 32,
            prog_size: 32,
            cache_size: 0,
            lookahead_size: 32,
            name_max: 255,
            attr_max: 1022,
            file_max: 0x7fff_ffff,
            inline_max: 0,
        }
    }
}

impl Config {
    /// The cache size this configuration means for blocks of `block_size` bytes.
    pub(crate) fn cache_for(&self, block_size: u32) -> u32 {
        if self.cache_size != 0 {
            return self.cache_size;
        }
        block_size.min(4 * self.read_size.max(self.prog_size))
    }

    /// The inline limit this configuration means for blocks of `block_size` bytes.
    pub(crate) fn inline_for(&self, block_size: u32) -> u32 {
        let limit = self.attr_max.min(1022).min(block_size / 8);
        if self.inline_max != 0 {
            self.inline_max.min(limit)
        } else {
            self.cache_for(block_size).min(limit)
        }
    }
}
