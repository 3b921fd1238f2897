//! The byte pipe to a board.
//!
//! Everything above this module (the raw REPL client, the board task) sees a board only as a
//! [`Transport`]: an ordered, reliable, bidirectional byte stream. A USB serial port, the
//! virtual board's pseudo-terminal, a TCP socket and (later) a WebREPL connection all fit that
//! shape, so every transport is driven by the same code and passes the same tests.

use std::io;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio_serial::SerialPortBuilderExt;

/// A byte stream to a board. Implemented by every `AsyncRead + AsyncWrite` stream.
pub trait Transport: AsyncRead + AsyncWrite + Send + Unpin + 'static {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Transport for T {}

/// A transport whose concrete kind is decided at run time.
pub type BoxTransport = Box<dyn Transport>;

/// The line rate used for boards on a serial line. USB CDC ignores it; a pty ignores it too.
pub const DEFAULT_BAUD: u32 = 115_200;

/// Opens a board by what a user gives: `socket://HOST:PORT` (a board or bridge on a TCP
/// port, as pyserial's URL), else a serial device path.
pub async fn open(port: &str) -> io::Result<BoxTransport> {
    match port.strip_prefix("socket://") {
        Some(addr) => {
            let stream = tokio::net::TcpStream::connect(addr)
                .await
                .map_err(|e| io::Error::other(format!("cannot connect to {addr}: {e}")))?;
            let _ = stream.set_nodelay(true);
            Ok(Box::new(stream))
        }
        None => open_serial(port, DEFAULT_BAUD),
    }
}

/// Opens a serial port (a USB board, or the virtual board's pseudo-terminal).
///
/// Must be called from inside the tokio runtime.
pub fn open_serial(path: &str, baud: u32) -> io::Result<BoxTransport> {
    let port = tokio_serial::new(path, baud)
        .open_native_async()
        .map_err(|e| io::Error::other(format!("cannot open serial port {path}: {e}")))?;
    Ok(Box::new(port))
}
