//! An ESP chip's flashable image: the port's ELF as an ESP-IDF app image, with the ESP-IDF
//! second-stage bootloader (the one espflash embeds) and the port's partition table
//! (`partitions.csv` beside its `Cargo.toml`), merged into one file written from flash
//! address 0 (`espflash write-bin 0x0 FILE`, `esptool.py write_flash 0x0 FILE`).

use crate::Result;
use espflash::flasher::{FlashData, FlashMode, FlashSettings, FlashSize};
use espflash::image_format::idf::IdfBootloaderFormat;
use espflash::target::{Chip, XtalFrequency};
use std::path::{Path, PathBuf};

/// The ESP32-C3 on a 4 MiB flash read in DIO mode (every C3 module boots that way), with its
/// 40 MHz crystal. Writes `elf` with the extension `.bin` and returns its path.
pub fn esp32c3(elf: &Path, port_dir: &Path) -> Result<PathBuf> {
    let data = std::fs::read(elf).map_err(|e| format!("{}: {e}", elf.display()))?;
    let settings = FlashSettings::new(Some(FlashMode::Dio), Some(FlashSize::_4Mb), None);
    let flash = FlashData::new(settings, 0, None, Chip::Esp32c3, XtalFrequency::_40Mhz);
    let table = port_dir.join("partitions.csv");
    let image = IdfBootloaderFormat::new(&data, &flash, Some(&table), None, None, None)
        .map_err(|e| format!("{} as an ESP-IDF image: {e}", elf.display()))?;
    let mut merged = Vec::new();
    for segment in image.flash_segments() {
        let at = segment.addr as usize;
        if merged.len() > at {
            return Err(format!(
                "{}: the part for {at:#x} overlaps the one before it",
                elf.display()
            ));
        }
        // Erased flash reads 0xFF: the gaps are written as if never written.
        merged.resize(at, 0xFF);
        merged.extend_from_slice(segment.data());
    }
    let out = elf.with_extension("bin");
    std::fs::write(&out, &merged).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(out)
}
