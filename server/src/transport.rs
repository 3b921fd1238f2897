//! The byte pipe to a board.
//!
//! Everything above this module (the raw REPL client, the board task) sees a board only as a
//! [`Transport`]: an ordered, reliable, bidirectional byte stream. A USB serial port, the
//! virtual board's pseudo-terminal, a TCP socket and a WebREPL connection all fit that shape,
//! so every transport is driven by the same code and passes the same tests. Where the link
//! has modem control lines (a serial port), the transport drives them too, for the DTR/RTS
//! reset of ESP32 boards.

use std::io;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio_serial::{SerialPort, SerialPortBuilderExt};

/// A byte stream to a board.
pub trait Transport: AsyncRead + AsyncWrite + Send + Unpin + 'static {
    /// Sets the DTR and RTS lines (`true` = asserted). `Ok(false)` when the link has none.
    fn set_lines(&mut self, dtr: bool, rts: bool) -> io::Result<bool> {
        let _ = (dtr, rts);
        Ok(false)
    }

    /// True when the other end has hung up, so nothing more can pass (a USB board unplugged,
    /// a pty whose board process has ended). `false` when the link can't tell.
    fn hung_up(&self) -> bool {
        false
    }
}

impl Transport for tokio_serial::SerialStream {
    fn set_lines(&mut self, dtr: bool, rts: bool) -> io::Result<bool> {
        self.write_data_terminal_ready(dtr)?;
        self.write_request_to_send(rts)?;
        Ok(true)
    }

    #[cfg(target_os = "linux")]
    fn hung_up(&self) -> bool {
        use std::os::unix::io::AsRawFd;
        let mut fd = libc::pollfd {
            fd: self.as_raw_fd(),
            events: 0,
            revents: 0,
        };
        // SAFETY: one valid `pollfd`, and a zero timeout: poll only reports the fd's state.
        let ready = unsafe { libc::poll(&mut fd, 1, 0) };
        ready == 1 && fd.revents & (libc::POLLHUP | libc::POLLERR) != 0
    }
}

impl Transport for tokio::net::TcpStream {}

impl Transport for tokio::io::DuplexStream {}

impl Transport for Box<dyn Transport> {
    fn set_lines(&mut self, dtr: bool, rts: bool) -> io::Result<bool> {
        (**self).set_lines(dtr, rts)
    }

    fn hung_up(&self) -> bool {
        (**self).hung_up()
    }
}

/// A transport whose concrete kind is decided at run time.
pub type BoxTransport = Box<dyn Transport>;

/// The line rate used for boards on a serial line. USB CDC ignores it; a pty ignores it too.
pub const DEFAULT_BAUD: u32 = 115_200;

/// Where a board is reached: what a user types into "add a board", parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// A serial device path: a USB board, any tty, a pseudo-terminal.
    Serial(String),
    /// `socket://HOST:PORT`: a board or a serial bridge on a TCP port (pyserial's URL form).
    Socket(String),
    /// `ws://HOST[:PORT][/]`: a board's WebREPL, logged into with the password.
    WebRepl { url: String, password: String },
}

impl Endpoint {
    /// Parses a port as a user gives it.
    pub fn parse(port: &str, password: Option<String>) -> Result<Endpoint, String> {
        if let Some(addr) = port.strip_prefix("socket://") {
            if addr.is_empty() {
                return Err("socket:// needs HOST:PORT".to_string());
            }
            return Ok(Endpoint::Socket(addr.to_string()));
        }
        if port.starts_with("ws://") {
            return Ok(Endpoint::WebRepl {
                url: port.to_string(),
                password: password.unwrap_or_default(),
            });
        }
        if port.starts_with("wss://") {
            return Err(
                "WebREPL boards serve ws:// only (the server connects for the page, so an https page needs no wss)"
                    .to_string(),
            );
        }
        if port.starts_with('/') {
            return Ok(Endpoint::Serial(port.to_string()));
        }
        Err(format!(
            "a board port is a device path, socket://HOST:PORT or ws://HOST:PORT, not {port:?}"
        ))
    }

    /// The port as the API shows it (as the user gave it; never the password).
    pub fn port(&self) -> String {
        match self {
            Endpoint::Serial(path) => path.clone(),
            Endpoint::Socket(addr) => format!("socket://{addr}"),
            Endpoint::WebRepl { url, .. } => url.clone(),
        }
    }

    /// Opens the connection. Opening a serial port sends nothing and leaves DTR and RTS as
    /// the system sets them on open (both asserted together), which resets no ESP32.
    pub async fn open(&self) -> io::Result<BoxTransport> {
        match self {
            Endpoint::Socket(addr) => {
                let stream = tokio::net::TcpStream::connect(addr)
                    .await
                    .map_err(|e| io::Error::other(format!("cannot connect to {addr}: {e}")))?;
                let _ = stream.set_nodelay(true);
                Ok(Box::new(stream))
            }
            Endpoint::Serial(path) => open_serial(path, DEFAULT_BAUD),
            Endpoint::WebRepl { url, password } => crate::webrepl::connect(url, password).await,
        }
    }
}

/// Opens a serial port (a USB board, or the virtual board's pseudo-terminal), exclusively:
/// a second program opening it is refused instead of stealing half the bytes.
///
/// Must be called from inside the tokio runtime.
pub fn open_serial(path: &str, baud: u32) -> io::Result<BoxTransport> {
    let port = tokio_serial::new(path, baud)
        .open_native_async()
        .map_err(|e| io::Error::other(format!("cannot open serial port {path}: {e}")))?;
    Ok(Box::new(port))
}
