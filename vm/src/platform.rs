//! The one door between the VM and the world it runs in.
//!
//! An embedder (the host board, the browser simulator, a microcontroller port) implements
//! [`Platform`]; the VM never does I/O any other way. The board's filesystem is a
//! [`Filesystem`] the platform lends out, and its peripherals a [`Hardware`].

use alloc::string::String;
use alloc::vec::Vec;

/// What the VM needs from the machine it runs on.
pub trait Platform: core::any::Any {
    /// Write program output (already encoded as UTF-8). The VM writes `\n` line ends; a port
    /// that talks to a serial line cooks them into `\r\n`.
    fn write_stdout(&mut self, bytes: &[u8]);

    /// Write bytes to the console unchanged (`sys.stdout.buffer`): no `\n` → `\r\n`.
    fn write_stdout_raw(&mut self, bytes: &[u8]) {
        self.write_stdout(bytes);
    }

    /// Write error output (`sys.stderr`); a board has one console for both.
    fn write_stderr(&mut self, bytes: &[u8]) {
        self.write_stdout(bytes);
    }

    /// Read console input into `buf`, waiting for at least one byte; 0 means the input has
    /// ended. A port without input returns 0.
    fn read_stdin(&mut self, buf: &mut [u8]) -> usize {
        let _ = buf;
        0
    }

    /// One line of console input for `input()`, without its line end; `None` when the
    /// input has ended. The default reads bytes without echo; a port with a terminal
    /// echoes and edits the line as its REPL does.
    fn read_line(&mut self) -> Option<String> {
        let mut line = Vec::new();
        let mut byte = [0u8];
        loop {
            if self.read_stdin(&mut byte) == 0 {
                if line.is_empty() {
                    return None;
                }
                break;
            }
            match byte[0] {
                b'\n' => break,
                b'\r' => break,
                b => line.push(b),
            }
        }
        Some(String::from_utf8_lossy(&line).into_owned())
    }

    /// Is console input waiting, so that [`Platform::read_stdin`] would not block?
    fn stdin_ready(&mut self) -> bool {
        false
    }

    /// The console byte that interrupts a running program (3, Ctrl-C), or -1 for none
    /// (`micropython.kbd_intr`): while it is -1 that byte is ordinary input.
    fn set_interrupt_char(&mut self, c: i32) {
        let _ = c;
    }

    /// Polled by the interpreter loop: return `true` once to raise `KeyboardInterrupt` in the
    /// running program (Ctrl-C on a board, Stop in the IDE).
    fn interrupt_requested(&mut self) -> bool {
        false
    }

    /// Bytes the system allocator has left, where it is a fixed arena (a microcontroller's
    /// RAM); `None` where memory is not so bounded. The VM keeps a reserve of it free: a
    /// Python object that would eat into the reserve is a `MemoryError` (after a
    /// collection), so that the allocations the VM cannot refuse (bytecode, its own tables)
    /// still find room.
    fn memory_left(&mut self) -> Option<usize> {
        None
    }

    /// A monotonic clock in microseconds (`time.ticks_us`); wraps at will.
    fn ticks_us(&mut self) -> u64 {
        0
    }

    /// Sleep (`time.sleep_ms`); a port without a clock returns at once.
    fn sleep_us(&mut self, us: u64) {
        let _ = us;
    }

    /// Seconds since the epoch (`time.time`), if the port knows the date.
    fn epoch_seconds(&mut self) -> f64 {
        0.0
    }

    /// The filesystem mounted at `/` when the VM starts, if the port has one.
    fn fs(&mut self) -> Option<&mut dyn Filesystem> {
        None
    }

    /// The board's peripherals, behind `machine`, if the port has any.
    fn hardware(&mut self) -> Option<&mut dyn Hardware> {
        None
    }

    /// The working directory the VM starts in (absolute, `/`-separated).
    fn initial_cwd(&self) -> String {
        String::from("/")
    }

    /// `sys.argv`.
    fn argv(&self) -> Vec<String> {
        Vec::new()
    }

    /// The initial `sys.path`.
    fn module_path(&self) -> Vec<String> {
        alloc::vec![String::new(), String::from(".frozen"), String::from("/lib")]
    }

    /// `sys.platform`.
    fn sys_platform(&self) -> &str {
        "copperhead"
    }

    /// `os.uname()`.
    fn uname(&self) -> Uname {
        let name = String::from(self.sys_platform());
        Uname {
            sysname: name.clone(),
            nodename: name,
            release: String::from(env!("CARGO_PKG_VERSION")),
            version: alloc::format!("Copperhead v{}", env!("CARGO_PKG_VERSION")),
            machine: String::from("Copperhead"),
        }
    }

    /// `os.urandom`: fill `buf` with random bytes. The default is a seeded generator, not
    /// a source of entropy; a port with a hardware RNG should override it.
    fn random_bytes(&mut self, buf: &mut [u8]) {
        let mut x = self.ticks_us() ^ 0x9e37_79b9_7f4a_7c15;
        for b in buf {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
    }
}

/// What `os.uname()` tells: the port (`sysname`, `nodename`), the firmware (`release`,
/// `version`) and the board (`machine`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Uname {
    pub sysname: String,
    pub nodename: String,
    pub release: String,
    pub version: String,
    pub machine: String,
}

/// An error from a [`Filesystem`]: an errno value, as MicroPython reports them.
pub type FsResult<T> = Result<T, i32>;

/// MicroPython's error numbers, written once: the constants the VM and filesystems use, and
/// the list the `errno` module offers (which `OSError` also prints by name, `[Errno 2]
/// ENOENT`); the rest print as numbers, as on MicroPython.
pub mod errno {
    macro_rules! errno_table {
        (module { $($m:ident = $mn:literal,)* } others { $($o:ident = $on:literal,)* }) => {
            $(pub const $m: i32 = $mn;)*
            $(pub const $o: i32 = $on;)*
            /// The `errno` module's names and numbers.
            pub const MODULE: &[(&str, i32)] = &[$((stringify!($m), $mn),)*];
        };
    }

    errno_table! {
        module {
            EPERM = 1, ENOENT = 2, EIO = 5, EBADF = 9, EAGAIN = 11, ENOMEM = 12, EACCES = 13,
            EEXIST = 17, ENODEV = 19, EISDIR = 21, EINVAL = 22, EOPNOTSUPP = 95, EADDRINUSE = 98,
            ECONNABORTED = 103, ECONNRESET = 104, ENOBUFS = 105, ENOTCONN = 107, ETIMEDOUT = 110,
            ECONNREFUSED = 111, EHOSTUNREACH = 113, EALREADY = 114, EINPROGRESS = 115,
        }
        others {
            ENOTDIR = 20, ENOSPC = 28, ESPIPE = 29, EROFS = 30, ENOTEMPTY = 39,
        }
    }
}

/// How a file is opened (from `open`'s mode string).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenMode {
    pub read: bool,
    pub write: bool,
    /// Create the file if it does not exist.
    pub create: bool,
    /// Empty the file first (`w`).
    pub truncate: bool,
    /// Every write goes to the end (`a`).
    pub append: bool,
    /// Fail if the file exists (`x`).
    pub exclusive: bool,
}

/// Where a seek is measured from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeekFrom {
    Start(u64),
    Current(i64),
    End(i64),
}

/// What `stat` tells about a path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stat {
    pub is_dir: bool,
    pub size: u64,
    /// Modification time, seconds since the epoch.
    pub mtime: i64,
}

/// One entry of a directory listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    pub name: String,
    pub is_dir: bool,
    pub size: u64,
}

/// Sizes of a filesystem, as `os.statvfs` reports them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatVfs {
    pub block_size: u64,
    pub blocks: u64,
    pub blocks_free: u64,
    pub max_name: u64,
}

/// A filesystem behind `open` and `os`. Paths are absolute within the filesystem,
/// normalised by the VM (`/`-separated, no `.` or `..` parts, no trailing `/`; the root is
/// `/`). Open files are small integer handles of the filesystem's choosing.
pub trait Filesystem {
    fn open(&mut self, path: &str, mode: OpenMode) -> FsResult<u32>;
    /// Read up to `buf.len()` bytes; 0 at the end of the file.
    fn read(&mut self, fd: u32, buf: &mut [u8]) -> FsResult<usize>;
    fn write(&mut self, fd: u32, data: &[u8]) -> FsResult<usize>;
    /// Move the file position; returns the new position.
    fn seek(&mut self, fd: u32, pos: SeekFrom) -> FsResult<u64>;
    /// Make written data durable.
    fn flush(&mut self, fd: u32) -> FsResult<()> {
        let _ = fd;
        Ok(())
    }
    fn close(&mut self, fd: u32) -> FsResult<()>;
    fn stat(&mut self, path: &str) -> FsResult<Stat>;
    fn list_dir(&mut self, path: &str) -> FsResult<Vec<DirEntry>>;
    fn mkdir(&mut self, path: &str) -> FsResult<()>;
    /// Remove an empty directory.
    fn rmdir(&mut self, path: &str) -> FsResult<()>;
    /// Remove a file.
    fn remove(&mut self, path: &str) -> FsResult<()>;
    /// Rename a file or directory, replacing a file at `to`.
    fn rename(&mut self, from: &str, to: &str) -> FsResult<()>;
    fn statvfs(&mut self, path: &str) -> FsResult<StatVfs> {
        let _ = path;
        Ok(StatVfs {
            block_size: 4096,
            max_name: 255,
            ..StatVfs::default()
        })
    }
    /// Make everything written durable (`os.sync`).
    fn sync(&mut self) -> FsResult<()> {
        Ok(())
    }
}

/// How a pin is driven (`machine.Pin.IN` …, MicroPython's numbers).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PinMode {
    #[default]
    In,
    Out,
    OpenDrain,
    Alt,
}

/// A pin's pull resistor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pull {
    #[default]
    None,
    Up,
    Down,
}

/// The peripherals behind `machine`: what a port's chip has. Pins, buses and UARTs are
/// numbered by the port (`pin_by_name` maps board names such as `"LED"` to numbers).
/// Errors are errno values (`ENODEV` for a device that does not answer); a method whose
/// hardware a port lacks keeps its default, `EOPNOTSUPP`.
pub trait Hardware {
    fn pin_by_name(&self, name: &str) -> Option<u32> {
        let _ = name;
        None
    }
    fn pin_init(&mut self, pin: u32, mode: PinMode, pull: Pull) -> FsResult<()>;
    fn pin_read(&mut self, pin: u32) -> bool;
    fn pin_write(&mut self, pin: u32, value: bool);
    /// The pins whose level changed since the last call, with their new level (for
    /// `Pin.irq`).
    fn pin_events(&mut self) -> Vec<(u32, bool)> {
        Vec::new()
    }
    /// Drive `pin` with PWM; a frequency of 0 stops it.
    fn pwm(&mut self, pin: u32, freq: u32, duty_u16: u16) -> FsResult<()> {
        let _ = (pin, freq, duty_u16);
        Err(errno::EOPNOTSUPP)
    }
    /// An ADC is made on `pin`.
    fn adc_init(&mut self, pin: u32) -> FsResult<()> {
        let _ = pin;
        Ok(())
    }
    /// An ADC reading of `pin`, scaled to 16 bits.
    fn adc_read(&mut self, pin: u32) -> FsResult<u16> {
        let _ = pin;
        Err(errno::EOPNOTSUPP)
    }
    /// Clock `data` out on `pin`, most significant bit first, as the 800 kHz pulses a NeoPixel
    /// strip reads (`machine.bitstream` with encoding 0).
    fn bitstream(&mut self, pin: u32, data: &[u8]) -> FsResult<()> {
        let _ = (pin, data);
        Err(errno::EOPNOTSUPP)
    }
    /// Write to an I2C device; how many bytes it acknowledged.
    fn i2c_write(&mut self, bus: i32, addr: u8, data: &[u8], stop: bool) -> FsResult<usize> {
        let _ = (bus, addr, data, stop);
        Err(errno::EOPNOTSUPP)
    }
    fn i2c_read(&mut self, bus: i32, addr: u8, buf: &mut [u8], stop: bool) -> FsResult<()> {
        let _ = (bus, addr, buf, stop);
        Err(errno::EOPNOTSUPP)
    }
    /// Clock `out` out on an SPI bus while reading as many bytes into `inp`.
    fn spi_transfer(&mut self, bus: i32, out: &[u8], inp: &mut [u8]) -> FsResult<()> {
        let _ = (bus, out, inp);
        Err(errno::EOPNOTSUPP)
    }
    fn uart_write(&mut self, id: u32, data: &[u8]) -> FsResult<usize> {
        let _ = (id, data);
        Err(errno::EOPNOTSUPP)
    }
    /// Read what has arrived on a UART (at most `buf.len()` bytes; 0 if nothing).
    fn uart_read(&mut self, id: u32, buf: &mut [u8]) -> FsResult<usize> {
        let _ = (id, buf);
        Err(errno::EOPNOTSUPP)
    }
    fn uart_any(&mut self, id: u32) -> usize {
        let _ = id;
        0
    }
    fn unique_id(&self) -> Vec<u8> {
        alloc::vec![0; 6]
    }
    /// The CPU frequency in Hz.
    fn freq(&self) -> u32 {
        160_000_000
    }
    fn set_freq(&mut self, hz: u32) -> FsResult<()> {
        let _ = hz;
        Err(errno::EOPNOTSUPP)
    }
    /// `machine.reset()`: the port restarts the board once the VM has unwound.
    fn reset(&mut self) {}
    fn wdt_start(&mut self, timeout_ms: u32) -> FsResult<()> {
        let _ = timeout_ms;
        Err(errno::EOPNOTSUPP)
    }
    fn wdt_feed(&mut self) {}
}
