//! A pseudo-terminal for the virtual board: the board holds the master side; clients
//! (the server, mpremote, run-tests.py) open the slave path like a USB serial port.

use std::ffi::CStr;
use std::fs::File;
use std::io;
use std::os::fd::{FromRawFd, OwnedFd};
use std::string::{String, ToString};

/// An open pseudo-terminal.
pub struct Pty {
    /// The board's side.
    pub master: File,
    /// The path clients open, e.g. `/dev/pts/5`.
    pub path: String,
    /// Held open by the board so that reads on the master never fail with `EIO` between
    /// clients, as a USB port stays present while no program has it open.
    _slave: OwnedFd,
}

impl Pty {
    /// Open a new pseudo-terminal in raw mode (no echo, no line editing, no CR/LF mapping).
    pub fn open() -> io::Result<Pty> {
        // SAFETY: plain libc calls; every returned descriptor is checked and owned below.
        unsafe {
            let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC);
            if master < 0 {
                return Err(io::Error::last_os_error());
            }
            let master = OwnedFd::from_raw_fd(master);
            use std::os::fd::AsRawFd;
            let m = master.as_raw_fd();
            if libc::grantpt(m) != 0 || libc::unlockpt(m) != 0 {
                return Err(io::Error::last_os_error());
            }
            let mut name = [0 as libc::c_char; 128];
            if libc::ptsname_r(m, name.as_mut_ptr(), name.len()) != 0 {
                return Err(io::Error::last_os_error());
            }
            let path = CStr::from_ptr(name.as_ptr()).to_string_lossy().to_string();
            let slave = libc::open(
                name.as_ptr(),
                libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC,
            );
            if slave < 0 {
                return Err(io::Error::last_os_error());
            }
            let slave = OwnedFd::from_raw_fd(slave);
            make_raw(slave.as_raw_fd())?;
            Ok(Pty {
                master: File::from(master),
                path,
                _slave: slave,
            })
        }
    }
}

/// Put a terminal into raw mode (as `cfmakeraw`).
pub fn make_raw(fd: libc::c_int) -> io::Result<libc::termios> {
    // SAFETY: termios is plain data; tcgetattr fills it before use.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(fd, &mut t) != 0 {
            return Err(io::Error::last_os_error());
        }
        let saved = t;
        libc::cfmakeraw(&mut t);
        if libc::tcsetattr(fd, libc::TCSANOW, &t) != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(saved)
    }
}

/// Restore terminal settings saved by [`make_raw`].
pub fn restore(fd: libc::c_int, saved: &libc::termios) {
    // SAFETY: `saved` came from tcgetattr on the same kind of descriptor.
    unsafe {
        libc::tcsetattr(fd, libc::TCSANOW, saved);
    }
}
