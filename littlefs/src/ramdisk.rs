//! A block device in RAM: a `Vec` for tests and the simulator, or a `&'static mut [u8]` over a
//! RAM region that survives a reset on a microcontroller.

use alloc::vec;
use alloc::vec::Vec;

use crate::{BlockDevice, Error};

/// The bytes behind a [`RamDisk`].
enum Store {
    Owned(Vec<u8>),
    Static(&'static mut [u8]),
}

/// A block device over bytes in RAM. Erasing fills a block with 0xFF, as NOR flash does.
pub struct RamDisk {
    store: Store,
    block_size: u32,
    block_count: u32,
}

impl RamDisk {
    /// A new, erased disk of `block_count` blocks of `block_size` bytes.
    pub fn new(block_size: u32, block_count: u32) -> RamDisk {
        let bytes = vec![0xff; block_size as usize * block_count as usize];
        RamDisk {
            store: Store::Owned(bytes),
            block_size,
            block_count,
        }
    }

    /// A disk over an image (its length a multiple of `block_size`), as it is.
    pub fn from_image(image: Vec<u8>, block_size: u32) -> RamDisk {
        let block_count = (image.len() / block_size as usize) as u32;
        RamDisk {
            store: Store::Owned(image),
            block_size,
            block_count,
        }
    }

    /// A disk over a region of memory, kept as it is: what was there before a reset is
    /// still there. Its tail past the last whole block is unused.
    pub fn from_static(region: &'static mut [u8], block_size: u32) -> RamDisk {
        let block_count = (region.len() / block_size as usize) as u32;
        RamDisk {
            store: Store::Static(region),
            block_size,
            block_count,
        }
    }

    /// The whole image.
    pub fn image(&self) -> &[u8] {
        match &self.store {
            Store::Owned(v) => v,
            Store::Static(s) => s,
        }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        match &mut self.store {
            Store::Owned(v) => v,
            Store::Static(s) => s,
        }
    }

    /// The byte range of `len` bytes at `offset` in `block`, if it lies inside the block.
    fn range(&self, block: u32, offset: u32, len: usize) -> Result<core::ops::Range<usize>, Error> {
        if block >= self.block_count || offset as usize + len > self.block_size as usize {
            return Err(Error::Invalid);
        }
        let start = block as usize * self.block_size as usize + offset as usize;
        Ok(start..start + len)
    }
}

impl BlockDevice for RamDisk {
    fn block_size(&self) -> u32 {
        self.block_size
    }

    fn block_count(&self) -> u32 {
        self.block_count
    }

    fn read(&mut self, block: u32, offset: u32, buf: &mut [u8]) -> Result<(), Error> {
        let r = self.range(block, offset, buf.len())?;
        buf.copy_from_slice(&self.image()[r]);
        Ok(())
    }

    fn program(&mut self, block: u32, offset: u32, data: &[u8]) -> Result<(), Error> {
        let r = self.range(block, offset, data.len())?;
        self.bytes_mut()[r].copy_from_slice(data);
        Ok(())
    }

    fn erase(&mut self, block: u32) -> Result<(), Error> {
        let r = self.range(block, 0, self.block_size as usize)?;
        self.bytes_mut()[r].fill(0xff);
        Ok(())
    }
}
