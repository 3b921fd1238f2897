//! The board's filesystem storage: the flash's `vfs` data partition (`partitions.csv`) as
//! 4096-byte blocks, the flash's erase unit, a littlefs [`BlockDevice`]. Until the board
//! runtime mounts a filesystem the port gives it, the board's files stay in RAM and nothing
//! here is called but [`FlashBlocks::open`].
#![allow(dead_code, reason = "mounted once serve() takes the port's filesystem")]

use copperhead_littlefs::{BlockDevice, Error};
use esp_bootloader_esp_idf::partitions::{self, PARTITION_TABLE_MAX_LEN};
use esp_hal::peripherals::FLASH;
use esp_storage::FlashStorage;

/// The partition's label in `partitions.csv`.
const LABEL: &str = "vfs";
const BLOCK: u32 = FlashStorage::SECTOR_SIZE;
const WORD: u32 = FlashStorage::WORD_SIZE;

/// The `vfs` partition, block by block.
pub struct FlashBlocks {
    flash: FlashStorage<'static>,
    /// The partition's first byte in flash.
    base: u32,
    blocks: u32,
}

impl FlashBlocks {
    /// The `vfs` partition of the flash's partition table, if there is one (whole blocks
    /// of it).
    pub fn open(flash: FLASH<'static>) -> Option<FlashBlocks> {
        let mut flash = FlashStorage::new(flash);
        let mut table = [0u8; PARTITION_TABLE_MAX_LEN];
        let (base, len) = {
            let table = partitions::read_partition_table(&mut flash, &mut table).ok()?;
            let entry = table.iter().find(|p| p.label_as_str() == LABEL)?;
            (entry.offset(), entry.len())
        };
        if !base.is_multiple_of(BLOCK) || len < BLOCK {
            return None;
        }
        Some(FlashBlocks {
            flash,
            base,
            blocks: len / BLOCK,
        })
    }

    /// The flash address of `len` bytes at `offset` in `block`, if they are inside it.
    fn address(&self, block: u32, offset: u32, len: usize) -> Result<u32, Error> {
        let len = u32::try_from(len).map_err(|_| Error::Invalid)?;
        if block >= self.blocks || offset.checked_add(len).is_none_or(|end| end > BLOCK) {
            return Err(Error::Invalid);
        }
        Ok(self.base + block * BLOCK + offset)
    }
}

/// A failure of the flash's ROM routines.
fn io<E>(_: E) -> Error {
    Error::Io
}

impl BlockDevice for FlashBlocks {
    fn block_size(&self) -> u32 {
        BLOCK
    }

    fn block_count(&self) -> u32 {
        self.blocks
    }

    fn read(&mut self, block: u32, offset: u32, buf: &mut [u8]) -> Result<(), Error> {
        let at = self.address(block, offset, buf.len())?;
        self.flash.read(at, buf).map_err(io)
    }

    /// Program erased bytes. Any offset and length: the words they only partly cover are
    /// padded with 0xFF, which leaves a NOR flash's bits as they are.
    fn program(&mut self, block: u32, offset: u32, data: &[u8]) -> Result<(), Error> {
        let at = self.address(block, offset, data.len())?;
        if at.is_multiple_of(WORD) && (data.len() as u32).is_multiple_of(WORD) {
            return self.flash.write_nor(at, data).map_err(io);
        }
        let start = at - at % WORD;
        let lead = (at - start) as usize;
        let mut chunk = [0xFFu8; 256];
        let mut done = 0;
        let mut word_at = start;
        while done < data.len() {
            let skip = if done == 0 { lead } else { 0 };
            let take = (chunk.len() - skip).min(data.len() - done);
            chunk.fill(0xFF);
            chunk[skip..skip + take].copy_from_slice(&data[done..done + take]);
            let len = (skip + take).next_multiple_of(WORD as usize);
            self.flash.write_nor(word_at, &chunk[..len]).map_err(io)?;
            done += take;
            word_at += len as u32;
        }
        Ok(())
    }

    fn erase(&mut self, block: u32) -> Result<(), Error> {
        let at = self.address(block, 0, BLOCK as usize)?;
        self.flash.erase(at, at + BLOCK).map_err(io)
    }

    // Writes reach the flash as they are made, nothing cached: the default `sync`.
}
