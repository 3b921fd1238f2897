//! Byte links for the virtual board besides its pseudo-terminal: a TCP port that one client
//! at a time connects to (the board stays up between clients, as a board stays powered
//! between serial sessions), and pacing to a serial line's speed.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The board's end of `--tcp ADDR`: reading waits for a client and reads from it, and for
/// the next one when it leaves; writing goes to the client connected now (to nobody when
/// none is, as bytes sent down a serial line with nobody listening are lost).
#[derive(Clone)]
pub struct TcpLink {
    listener: Arc<TcpListener>,
    client: Arc<Mutex<Option<TcpStream>>>,
}

impl TcpLink {
    pub fn bind(addr: &str) -> io::Result<TcpLink> {
        Ok(TcpLink {
            listener: Arc::new(TcpListener::bind(addr)?),
            client: Arc::new(Mutex::new(None)),
        })
    }

    /// The address it listens on (with the port chosen when `:0` was asked for).
    pub fn local_addr(&self) -> io::Result<std::net::SocketAddr> {
        self.listener.local_addr()
    }

    fn current(&self) -> Option<TcpStream> {
        let client = self.client.lock().unwrap_or_else(|e| e.into_inner());
        client.as_ref().and_then(|c| c.try_clone().ok())
    }
}

impl Read for TcpLink {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let mut stream = match self.current() {
                Some(s) => s,
                None => {
                    let (s, _) = self.listener.accept()?;
                    let _ = s.set_nodelay(true);
                    let reader = s.try_clone()?;
                    *self.client.lock().unwrap_or_else(|e| e.into_inner()) = Some(s);
                    reader
                }
            };
            match stream.read(buf) {
                Ok(n) if n > 0 => return Ok(n),
                // The client left: wait for the next one.
                _ => *self.client.lock().unwrap_or_else(|e| e.into_inner()) = None,
            }
        }
    }
}

impl Write for TcpLink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(mut s) = self.current()
            && s.write_all(buf).is_err()
        {
            *self.client.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The time a serial line at `baud` takes for `bytes` bytes: 10 bits each (start, 8 data,
/// stop).
fn line_time(bytes: usize, baud: u32) -> Duration {
    Duration::from_secs_f64(bytes as f64 * 10.0 / f64::from(baud.max(1)))
}

/// Keeps a link to a serial line's speed: each chunk waits until the line would have
/// carried the bytes before it.
struct Pace {
    baud: u32,
    free_at: Instant,
}

impl Pace {
    fn new(baud: u32) -> Pace {
        Pace {
            baud,
            free_at: Instant::now(),
        }
    }

    /// Account for `n` bytes crossing the line now, waiting until the line has carried
    /// them.
    fn carry(&mut self, n: usize) {
        let start = self.free_at.max(Instant::now());
        self.free_at = start + line_time(n, self.baud);
        let wait = self.free_at.saturating_duration_since(Instant::now());
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
    }
}

/// A reader limited to `baud` (`--baud N`): bytes arrive no faster than the line sends them.
pub struct PacedReader<R> {
    inner: R,
    pace: Pace,
}

impl<R: Read> PacedReader<R> {
    pub fn new(inner: R, baud: u32) -> Self {
        PacedReader {
            inner,
            pace: Pace::new(baud),
        }
    }
}

impl<R: Read> Read for PacedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // Small reads, so the pace holds within a chunk too.
        let max = buf.len().min(64);
        let n = self.inner.read(&mut buf[..max])?;
        self.pace.carry(n);
        Ok(n)
    }
}

/// A writer limited to `baud`: each chunk is sent once the line would have carried it.
pub struct PacedWriter<W> {
    inner: W,
    pace: Pace,
}

impl<W: Write> PacedWriter<W> {
    pub fn new(inner: W, baud: u32) -> Self {
        PacedWriter {
            inner,
            pace: Pace::new(baud),
        }
    }
}

impl<W: Write> Write for PacedWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = buf.len().min(64);
        self.pace.carry(n);
        self.inner.write_all(&buf[..n])?;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn pacing_follows_the_baud_rate() {
        assert_eq!(line_time(96, 9600), Duration::from_millis(100));
        let mut sink = PacedWriter::new(Vec::new(), 9600);
        let start = Instant::now();
        sink.write_all(&[0u8; 192]).unwrap();
        // 192 bytes at 960 bytes/s: 200 ms (the first chunk goes at once).
        assert!(start.elapsed() >= Duration::from_millis(190));
        assert_eq!(sink.inner.len(), 192);
    }

    #[test]
    fn a_tcp_link_serves_one_client_after_another() {
        let link = TcpLink::bind("127.0.0.1:0").unwrap();
        let addr = link.local_addr().unwrap();
        let mut board = link.clone();
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            let mut buf = [0u8; 16];
            while got.len() < 6 {
                let n = board.read(&mut buf).unwrap();
                got.extend_from_slice(&buf[..n]);
            }
            got
        });
        let mut first = TcpStream::connect(addr).unwrap();
        first.write_all(b"abc").unwrap();
        std::thread::sleep(Duration::from_millis(50));
        drop(first);
        std::thread::sleep(Duration::from_millis(50));
        let mut second = TcpStream::connect(addr).unwrap();
        second.write_all(b"def").unwrap();
        assert_eq!(reader.join().unwrap(), b"abcdef");
        // What the board writes goes to the client connected now.
        let mut out = link.clone();
        out.write_all(b"hi").unwrap();
        let mut buf = [0u8; 2];
        second.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"hi");
    }
}
