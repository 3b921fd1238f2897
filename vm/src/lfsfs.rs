//! The board's filesystem on flash: the [`Filesystem`] the VM sees, over littlefs
//! (`copperhead-littlefs`, the format MicroPython's `VfsLfs2` writes). Data written to a
//! file reaches the device when the file is flushed or closed; until then a reset leaves the
//! file's previous version. A file's modification time is kept as MicroPython keeps it: user
//! attribute `'t'`, 8 bytes, little-endian nanoseconds since 1970, set when a file is opened
//! for writing if the filesystem has a clock.

use alloc::boxed::Box;
use alloc::vec::Vec;

use copperhead_littlefs::{BlockDevice, Config, Error, FileHandle, FileType, Lfs, OpenFlags};

use crate::platform::{DirEntry, Filesystem, FsResult, OpenMode, SeekFrom, Stat, StatVfs, errno};

/// MicroPython's attribute for a file's mtime.
const MTIME_ATTR: u8 = b't';

/// A [`Filesystem`] over littlefs on a block device.
pub struct LfsFs<D: BlockDevice> {
    lfs: Lfs<D>,
    /// Nanoseconds since 1970, for mtimes.
    clock: Option<Box<dyn FnMut() -> u64>>,
}

fn err(e: Error) -> i32 {
    e.errno()
}

impl<D: BlockDevice> LfsFs<D> {
    /// Mount the filesystem on `dev` with MicroPython's configuration.
    pub fn mount(dev: D) -> Result<Self, Error> {
        Self::mount_with(dev, Config::default())
    }

    pub fn mount_with(dev: D, config: Config) -> Result<Self, Error> {
        Ok(LfsFs {
            lfs: Lfs::mount(dev, config)?,
            clock: None,
        })
    }

    /// Mount `dev`; if it holds no valid filesystem, format it first (a board's first boot).
    pub fn mount_or_format(mut dev: D) -> Result<Self, Error> {
        let config = Config::default();
        if Lfs::mount(&mut dev, config.clone()).is_err() {
            Lfs::format(&mut dev, &config)?;
        }
        Self::mount_with(dev, config)
    }

    /// Give the filesystem a clock (nanoseconds since 1970) to stamp files with.
    pub fn with_clock(mut self, clock: Box<dyn FnMut() -> u64>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The littlefs underneath.
    pub fn lfs(&mut self) -> &mut Lfs<D> {
        &mut self.lfs
    }

    /// The device back, the filesystem unmounted (open files are dropped unflushed).
    pub fn into_device(self) -> D {
        self.lfs.into_inner()
    }
}

impl<D: BlockDevice> Filesystem for LfsFs<D> {
    fn open(&mut self, path: &str, mode: OpenMode) -> FsResult<u32> {
        let flags = OpenFlags {
            read: mode.read,
            write: mode.write || mode.append,
            create: mode.create,
            exclusive: mode.exclusive,
            truncate: mode.truncate,
            append: mode.append,
        };
        let fh = self.lfs.open(path, flags).map_err(err)?;
        if flags.write
            && let Some(clock) = &mut self.clock
        {
            let now = clock().to_le_bytes();
            self.lfs.set_file_attr(fh, MTIME_ATTR, &now).map_err(err)?;
        }
        Ok(fh.0)
    }

    fn read(&mut self, fd: u32, buf: &mut [u8]) -> FsResult<usize> {
        self.lfs.read(FileHandle(fd), buf).map_err(err)
    }

    fn write(&mut self, fd: u32, data: &[u8]) -> FsResult<usize> {
        self.lfs.write(FileHandle(fd), data).map_err(err)
    }

    fn seek(&mut self, fd: u32, pos: SeekFrom) -> FsResult<u64> {
        self.lfs
            .seek(FileHandle(fd), lfs_seek(pos)?)
            .map(u64::from)
            .map_err(err)
    }

    fn flush(&mut self, fd: u32) -> FsResult<()> {
        self.lfs.sync(FileHandle(fd)).map_err(err)
    }

    fn close(&mut self, fd: u32) -> FsResult<()> {
        self.lfs.close(FileHandle(fd)).map_err(err)
    }

    fn stat(&mut self, path: &str) -> FsResult<Stat> {
        let m = self.lfs.stat(path).map_err(err)?;
        let mtime = if m.kind == FileType::File && path != "/" {
            match self.lfs.get_attr(path, MTIME_ATTR).map_err(err)? {
                Some(t) if t.len() == 8 => {
                    let ns = u64::from_le_bytes([t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7]]);
                    (ns / 1_000_000_000) as i64
                }
                _ => 0,
            }
        } else {
            0
        };
        Ok(Stat {
            is_dir: m.kind == FileType::Dir,
            size: m.size as u64,
            mtime,
        })
    }

    fn list_dir(&mut self, path: &str) -> FsResult<Vec<DirEntry>> {
        let entries = self.lfs.read_dir(path).map_err(err)?;
        Ok(entries
            .into_iter()
            .map(|e| DirEntry {
                name: e.name,
                is_dir: e.kind == FileType::Dir,
                size: e.size as u64,
            })
            .collect())
    }

    fn mkdir(&mut self, path: &str) -> FsResult<()> {
        self.lfs.mkdir(path).map_err(err)
    }

    fn rmdir(&mut self, path: &str) -> FsResult<()> {
        if path == "/" {
            return Err(errno::EPERM);
        }
        if self.lfs.stat(path).map_err(err)?.kind != FileType::Dir {
            return Err(errno::ENOTDIR);
        }
        self.lfs.remove(path).map_err(err)
    }

    fn remove(&mut self, path: &str) -> FsResult<()> {
        if self.lfs.stat(path).map_err(err)?.kind == FileType::Dir {
            return Err(errno::EISDIR);
        }
        self.lfs.remove(path).map_err(err)
    }

    fn rename(&mut self, from: &str, to: &str) -> FsResult<()> {
        if from == to {
            self.lfs.stat(from).map_err(err)?;
            return Ok(());
        }
        self.lfs.rename(from, to).map_err(err)
    }

    fn statvfs(&mut self, _path: &str) -> FsResult<StatVfs> {
        let used = self.lfs.used_blocks().map_err(err)?;
        let blocks = self.lfs.block_count() as u64;
        Ok(StatVfs {
            block_size: self.lfs.block_size() as u64,
            blocks,
            blocks_free: blocks.saturating_sub(used as u64),
            max_name: self.lfs.name_max() as u64,
        })
    }
}

/// A seek as littlefs takes it (its files are at most 4 GiB).
pub(crate) fn lfs_seek(pos: SeekFrom) -> FsResult<copperhead_littlefs::SeekFrom> {
    Ok(match pos {
        SeekFrom::Start(p) => {
            copperhead_littlefs::SeekFrom::Start(u32::try_from(p).map_err(|_| errno::EINVAL)?)
        }
        SeekFrom::Current(d) => copperhead_littlefs::SeekFrom::Current(d),
        SeekFrom::End(d) => copperhead_littlefs::SeekFrom::End(d),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use copperhead_littlefs::RamDisk;

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

    fn read_all(fs: &mut LfsFs<RamDisk>, path: &str) -> Vec<u8> {
        let fd = fs.open(path, read_mode()).unwrap();
        let mut out = Vec::new();
        let mut buf = [0u8; 100];
        loop {
            let n = fs.read(fd, &mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        fs.close(fd).unwrap();
        out
    }

    #[test]
    fn first_boot_formats_and_files_survive_a_remount() {
        let mut fs = LfsFs::mount_or_format(RamDisk::new(4096, 64)).unwrap();
        fs.mkdir("/lib").unwrap();
        let fd = fs.open("/lib/a.py", write_mode()).unwrap();
        let data: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
        assert_eq!(fs.write(fd, &data), Ok(10_000));
        fs.close(fd).unwrap();
        assert_eq!(fs.stat("/lib/a.py").unwrap().size, 10_000);
        assert!(fs.stat("/lib").unwrap().is_dir);
        let listing = fs.list_dir("/").unwrap();
        assert_eq!(listing.len(), 1);
        assert_eq!(listing[0].name, "lib");
        let vfs = fs.statvfs("/").unwrap();
        assert_eq!((vfs.block_size, vfs.blocks), (4096, 64));
        assert!(vfs.blocks_free < 64 - 4);

        // Remount the same device: mount_or_format keeps what is there.
        let mut fs = LfsFs::mount_or_format(fs.into_device()).unwrap();
        assert_eq!(read_all(&mut fs, "/lib/a.py"), data);
    }

    #[test]
    fn a_file_never_closed_leaves_its_previous_version() {
        let mut fs = LfsFs::mount_or_format(RamDisk::new(4096, 64)).unwrap();
        let fd = fs.open("/f", write_mode()).unwrap();
        fs.write(fd, b"old version").unwrap();
        fs.close(fd).unwrap();
        let fd = fs.open("/f", write_mode()).unwrap();
        fs.write(fd, &[7u8; 9000]).unwrap();
        // A reset: the device as it is, the open file forgotten.
        let mut fs = LfsFs::mount(fs.into_device()).unwrap();
        assert_eq!(read_all(&mut fs, "/f"), b"old version");
        // Flushed data is on the device.
        let fd = fs.open("/f", write_mode()).unwrap();
        fs.write(fd, b"new").unwrap();
        fs.flush(fd).unwrap();
        let mut fs = LfsFs::mount(fs.into_device()).unwrap();
        assert_eq!(read_all(&mut fs, "/f"), b"new");
    }

    #[test]
    fn errors_are_micropython_errnos_and_mtime_is_kept() {
        let mut fs = LfsFs::mount_or_format(RamDisk::new(4096, 32))
            .unwrap()
            .with_clock(Box::new(|| 1_700_000_000_500_000_000));
        assert_eq!(fs.open("/missing", read_mode()), Err(errno::ENOENT));
        fs.mkdir("/d").unwrap();
        assert_eq!(fs.mkdir("/d"), Err(errno::EEXIST));
        let fd = fs.open("/d/f", write_mode()).unwrap();
        fs.close(fd).unwrap();
        assert_eq!(fs.rmdir("/d"), Err(errno::ENOTEMPTY));
        assert_eq!(fs.remove("/d"), Err(errno::EISDIR));
        assert_eq!(fs.rmdir("/d/f"), Err(errno::ENOTDIR));
        assert_eq!(fs.stat("/d/f").unwrap().mtime, 1_700_000_000);
        fs.rename("/d/f", "/g").unwrap();
        fs.remove("/g").unwrap();
        fs.rmdir("/d").unwrap();
        assert!(fs.list_dir("/").unwrap().is_empty());
    }
}
