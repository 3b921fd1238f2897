//! The Copperhead board runtime: what turns bytes on a serial line into REPL behaviour.
//!
//! The core ([`repl`], the REPL state machine, and [`board`], which puts a VM behind it) is
//! `no_std` + `alloc` and does no I/O, so the same board serves a microcontroller, the host's
//! virtual board, the browser's simulator and tests. Ports supply the bytes:
//! [`host`] is the one for Linux/macOS (`copperhead-board`), [`mcu`] serves a board on a
//! microcontroller for the ports under `firmware/ports/`.
#![no_std]
extern crate alloc;
#[cfg(feature = "host")]
extern crate std;

pub mod board;
pub mod mcu;
pub mod repl;

#[cfg(feature = "host")]
pub mod host;

/// The day this firmware was built (UTC, `YYYY-MM-DD`), shown in the banner.
pub const BUILD_DATE: &str = env!("COPPERHEAD_BUILD_DATE");

/// The version shown in banners and `sys.implementation`.
pub const VERSION: &str = concat!("v", env!("CARGO_PKG_VERSION"));
