//! The virtual board's WebREPL (`--webrepl ADDR`): the board REPL over a WebSocket, as
//! MicroPython's `webrepl` module serves it on a board with networking
//! (shared/reference/micropython-wire.md §5).
//!
//! One client at a time, as on a board. A client upgrades with an HTTP request; the board
//! answers `101` with the `Sec-WebSocket-Accept` key, asks `Password: `, and after the
//! right password (ended by `\r` or `\n`) says `\r\nWebREPL connected\r\n>>> `; a wrong one
//! gets `\r\nAccess denied\r\n` and the connection is closed. From then on text frames
//! carry REPL bytes both ways; the board writes unmasked text frames and answers a close
//! with a close. A plain HTTP request gets a short page saying what this is. The file
//! protocol in binary frames is not served (Copperhead's server moves files through the
//! raw REPL, verified and atomic); binary frames are ignored.

use std::format;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::string::String;
use std::sync::{Arc, Mutex};
use std::vec::Vec;

use sha1::{Digest, Sha1};

const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const TEXT: u8 = 0x1;
const BINARY: u8 = 0x2;
const CLOSE: u8 = 0x8;
const PING: u8 = 0x9;
const PONG: u8 = 0xa;
/// The longest HTTP request head or password line accepted.
const MAX_HEAD: usize = 4096;
/// The longest frame accepted; a longer one ends the connection.
const MAX_FRAME: usize = 1 << 20;
/// How long a new client has for the upgrade and the password.
const LOGIN_TIME: std::time::Duration = std::time::Duration::from_secs(10);

/// The board's end of `--webrepl ADDR`. Reading waits for a client, takes it through the
/// handshake and the password, and gives the REPL bytes of its text frames; writing sends
/// text frames to the client logged in now (to nobody before one is).
#[derive(Clone)]
pub struct WebReplLink {
    listener: Arc<TcpListener>,
    password: Arc<String>,
    client: Arc<Mutex<Option<TcpStream>>>,
    /// Bytes received from the client and not yet made into frames (the reading side's).
    incoming: Vec<u8>,
    /// The opcode of the message whose fragments are arriving.
    message: u8,
}

impl WebReplLink {
    pub fn bind(addr: &str, password: &str) -> io::Result<WebReplLink> {
        Ok(WebReplLink {
            listener: Arc::new(TcpListener::bind(addr)?),
            password: Arc::new(password.into()),
            client: Arc::new(Mutex::new(None)),
            incoming: Vec::new(),
            message: TEXT,
        })
    }

    pub fn local_addr(&self) -> io::Result<std::net::SocketAddr> {
        self.listener.local_addr()
    }

    fn current(&self) -> Option<TcpStream> {
        let client = self.client.lock().unwrap_or_else(|e| e.into_inner());
        client.as_ref().and_then(|c| c.try_clone().ok())
    }

    fn set_client(&self, stream: Option<TcpStream>) {
        *self.client.lock().unwrap_or_else(|e| e.into_inner()) = stream;
    }

    /// Takes a new connection through the upgrade and the login; `true` when it is the
    /// client now.
    fn admit(&mut self, mut stream: TcpStream) -> io::Result<bool> {
        let _ = stream.set_nodelay(true);
        // A client that connects and says nothing must not hold the board's REPL.
        stream.set_read_timeout(Some(LOGIN_TIME))?;
        self.incoming.clear();
        let head = loop {
            if let Some(end) = find(&self.incoming, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.incoming[..end]).into_owned();
                self.incoming.drain(..end + 4);
                break head;
            }
            if self.incoming.len() > MAX_HEAD || !self.fill(&mut stream)? {
                return Ok(false);
            }
        };
        let Some(key) = header(&head, "sec-websocket-key") else {
            let page = "<!doctype html><title>Copperhead WebREPL</title>\
                        <p>This is a Copperhead board's WebREPL. Connect with a WebREPL client \
                        (the Copperhead IDE adds it as <code>ws://HOST:PORT</code>).";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                page.len()
            );
            return Ok(false);
        };
        let accept = copperhead_vm::encode_base64(&Sha1::digest(format!("{key}{GUID}")));
        write!(
            stream,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Accept: {}\r\n\r\n",
            String::from_utf8_lossy(&accept)
        )?;
        write_frame(&mut stream, TEXT, b"Password: ")?;
        let mut typed = Vec::new();
        while !typed.contains(&b'\r') && !typed.contains(&b'\n') {
            if typed.len() > MAX_HEAD {
                return Ok(false);
            }
            match self.next_frame(&mut stream)? {
                Some((CLOSE, _)) | None => return Ok(false),
                Some((PING | PONG, _)) => {}
                Some((_, data)) => typed.extend(data),
            }
        }
        let end = typed
            .iter()
            .position(|&b| b == b'\r' || b == b'\n')
            .expect("looked for above");
        if typed[..end] != *self.password.as_bytes() {
            write_frame(&mut stream, TEXT, b"\r\nAccess denied\r\n")?;
            return Ok(false);
        }
        write_frame(&mut stream, TEXT, b"\r\nWebREPL connected\r\n>>> ")?;
        stream.set_read_timeout(None)?;
        self.set_client(Some(stream));
        Ok(true)
    }

    /// The next whole frame from the client (opcode, unmasked payload), `None` when it has
    /// gone.
    fn next_frame(&mut self, stream: &mut TcpStream) -> io::Result<Option<(u8, Vec<u8>)>> {
        loop {
            if let Some((opcode, payload)) = parse_frame(&mut self.incoming) {
                // A continuation is more of the message it continues.
                let opcode = match opcode {
                    0 => self.message,
                    TEXT | BINARY => {
                        self.message = opcode;
                        opcode
                    }
                    other => other,
                };
                return Ok(Some((opcode, payload)));
            }
            if !self.fill(stream)? {
                return Ok(None);
            }
        }
    }

    fn fill(&mut self, stream: &mut TcpStream) -> io::Result<bool> {
        let mut scratch = [0u8; 4096];
        match stream.read(&mut scratch) {
            Ok(0) | Err(_) => Ok(false),
            Ok(n) => {
                self.incoming.extend_from_slice(&scratch[..n]);
                Ok(true)
            }
        }
    }
}

impl Read for WebReplLink {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(mut stream) = self.current() else {
                let (stream, _) = self.listener.accept()?;
                // A client that fails the handshake or the login is dropped; the board
                // waits for the next.
                if !matches!(self.admit(stream), Ok(true)) {
                    self.incoming.clear();
                }
                continue;
            };
            match self.next_frame(&mut stream)? {
                Some((TEXT, data)) if !data.is_empty() => {
                    // A frame larger than `buf` keeps its rest for the next read.
                    let n = data.len().min(buf.len());
                    buf[..n].copy_from_slice(&data[..n]);
                    if n < data.len() {
                        let mut rest = frame_bytes(TEXT, &data[n..]);
                        rest.extend_from_slice(&self.incoming);
                        self.incoming = rest;
                    }
                    return Ok(n);
                }
                Some((PING, data)) => {
                    let _ = write_frame(&mut stream, PONG, &data);
                }
                Some((CLOSE, _)) | None => {
                    let _ = write_frame(&mut stream, CLOSE, &[]);
                    self.set_client(None);
                    self.incoming.clear();
                }
                // Binary frames (the file protocol), pongs, empty frames.
                Some(_) => {}
            }
        }
    }
}

impl Write for WebReplLink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(mut s) = self.current()
            && write_frame(&mut s, TEXT, buf).is_err()
        {
            self.set_client(None);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The value of header `name` (lower case) in an HTTP head.
fn header(head: &str, name: &str) -> Option<String> {
    head.lines().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim().into())
    })
}

/// One frame as bytes; the board's frames are unmasked (a client's frame re-queued for a
/// later read is kept unmasked too, which the parser accepts).
fn frame_bytes(opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mut frame = Vec::with_capacity(payload.len() + 10);
    frame.push(0x80 | opcode);
    match payload.len() {
        n if n < 126 => frame.push(n as u8),
        n if n <= 0xffff => {
            frame.push(126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            frame.push(127);
            frame.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    frame.extend_from_slice(payload);
    frame
}

fn write_frame(stream: &mut TcpStream, opcode: u8, payload: &[u8]) -> io::Result<()> {
    stream.write_all(&frame_bytes(opcode, payload))
}

/// Takes one whole frame (opcode, payload unmasked) off the front of `buf`, if it is all
/// there. Fragments are passed on as they come (REPL bytes need no reassembly), with opcode
/// 0 for a continuation. A frame longer than [`MAX_FRAME`] comes out as a close.
fn parse_frame(buf: &mut Vec<u8>) -> Option<(u8, Vec<u8>)> {
    if buf.len() < 2 {
        return None;
    }
    let opcode = buf[0] & 0x0f;
    let masked = buf[1] & 0x80 != 0;
    let (len, mut at) = match buf[1] & 0x7f {
        126 => (u16::from_be_bytes([*buf.get(2)?, *buf.get(3)?]) as usize, 4),
        127 => (
            usize::try_from(u64::from_be_bytes(buf.get(2..10)?.try_into().ok()?))
                .unwrap_or(usize::MAX),
            10,
        ),
        n => (n as usize, 2),
    };
    if len > MAX_FRAME {
        buf.clear();
        return Some((CLOSE, Vec::new()));
    }
    let mask = if masked {
        let m: [u8; 4] = buf.get(at..at + 4)?.try_into().ok()?;
        at += 4;
        Some(m)
    } else {
        None
    };
    let mut payload = buf.get(at..at.checked_add(len)?)?.to_vec();
    if let Some(m) = mask {
        for (i, b) in payload.iter_mut().enumerate() {
            *b ^= m[i % 4];
        }
    }
    buf.drain(..at + len);
    Some((opcode, payload))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec;

    /// A client's masked frame.
    fn masked(opcode: u8, payload: &[u8]) -> Vec<u8> {
        let mask = [0x12, 0x34, 0x56, 0x78];
        let mut f = vec![0x80 | opcode, 0x80 | payload.len() as u8];
        f.extend_from_slice(&mask);
        f.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        f
    }

    #[test]
    fn frames_parse_masked_or_not_and_wait_for_the_rest() {
        let mut buf = masked(TEXT, b"print(1)\r");
        buf.extend(frame_bytes(TEXT, &[0xc3]));
        buf.extend(frame_bytes(TEXT, &[0u8; 300]));
        assert_eq!(parse_frame(&mut buf), Some((TEXT, b"print(1)\r".to_vec())));
        // Half a UTF-8 sequence is passed on as it is.
        assert_eq!(parse_frame(&mut buf), Some((TEXT, vec![0xc3])));
        assert_eq!(parse_frame(&mut buf).unwrap().1.len(), 300);
        let mut cut = masked(TEXT, b"abc");
        cut.pop();
        assert_eq!(parse_frame(&mut cut), None);
    }

    #[test]
    fn the_handshake_login_and_repl_bytes() {
        let link = WebReplLink::bind("127.0.0.1:0", "s3cret").unwrap();
        let addr = link.local_addr().unwrap();
        let mut board = link.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 64];
            let n = board.read(&mut buf).unwrap();
            buf[..n].to_vec()
        });
        // A wrong password first: refused, and the board waits for the next client.
        for (password, welcome) in [("nope", &b"Access denied"[..]), ("s3cret", b"connected")] {
            let mut c = TcpStream::connect(addr).unwrap();
            c.write_all(
                b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                  Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
            )
            .unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 512];
            while find(&got, b"Password: ").is_none() {
                let n = c.read(&mut buf).unwrap();
                got.extend_from_slice(&buf[..n]);
            }
            let text = String::from_utf8_lossy(&got).into_owned();
            assert!(text.starts_with("HTTP/1.1 101"), "{text}");
            assert!(text.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "{text}");
            c.write_all(&masked(TEXT, format!("{password}\r").as_bytes()))
                .unwrap();
            got.clear();
            while find(&got, welcome).is_none() {
                let n = c.read(&mut buf).unwrap();
                assert!(n > 0, "closed before {welcome:?}");
                got.extend_from_slice(&buf[..n]);
            }
            if password == "s3cret" {
                c.write_all(&masked(TEXT, b"1+1\r")).unwrap();
                assert_eq!(reader.join().unwrap(), b"1+1\r");
                // What the board writes arrives as a text frame.
                let mut out = link.clone();
                out.write_all(b"2\r\n").unwrap();
                let mut frame = [0u8; 5];
                c.read_exact(&mut frame).unwrap();
                assert_eq!(frame, [0x81, 3, b'2', b'\r', b'\n']);
                break;
            }
        }
    }
}
