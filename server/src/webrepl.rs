//! A board's WebREPL as a [`Transport`](crate::transport::Transport): the same byte stream as
//! a serial line, so the raw REPL client, files, run and the terminal work over it unchanged.
//!
//! The protocol is MicroPython's (shared/reference/micropython-wire.md §5): a WebSocket on
//! port 8266; the board asks `Password: `, the client answers with the password and `\r`,
//! the board says `WebREPL connected`. From then on, text frames carry REPL bytes both ways
//! (binary frames are the board's file protocol, not used here: raw-REPL transfers are
//! verified and atomic, and raw-paste's flow control paces them, which is what ESP32 boards
//! need to not truncate input).
//!
//! The WebSocket client is written here rather than taken from tungstenite, because a board
//! sends REPL output in text frames wherever its writes fall, so a frame can end inside a
//! UTF-8 sequence (a line editor echoes a typed `é` a byte at a time). A conforming client
//! library rejects such a frame and drops the connection; this one passes the bytes on. The
//! handshake's `Sec-WebSocket-Accept` is checked (RFC 6455 §4.1).

use std::io;
use std::time::Duration;

use sha1::{Digest, Sha1};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::device::find;
use crate::transport::BoxTransport;

/// The port WebREPL listens on when the URL names none.
pub const DEFAULT_PORT: u16 = 8266;
/// Longest wait for each step of connecting and logging in.
const STEP: Duration = Duration::from_secs(5);
/// Most bytes of REPL input per frame.
const FRAME: usize = 1024;
const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

const TEXT: u8 = 0x1;
const BINARY: u8 = 0x2;
const CLOSE: u8 = 0x8;
const PING: u8 = 0x9;
const PONG: u8 = 0xa;

fn refused(message: impl Into<String>) -> io::Error {
    io::Error::other(message.into())
}

/// Connects to `url` (`ws://HOST[:PORT][/PATH]`), logs in with `password`, and returns the
/// REPL's byte stream. A wrong password is an error saying so.
pub async fn connect(url: &str, password: &str) -> io::Result<BoxTransport> {
    let (host, port, path) = parse_url(url)?;
    let addr = format!("{host}:{port}");
    let mut tcp = timeout(STEP, TcpStream::connect(&addr))
        .await
        .map_err(|_| refused(format!("cannot connect to {addr}: no answer")))?
        .map_err(|e| refused(format!("cannot connect to {addr}: {e}")))?;
    let _ = tcp.set_nodelay(true);
    let key = crate::files::base64_encode(&nonce::<16>());
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: Upgrade\r\n\
         Upgrade: websocket\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    tcp.write_all(request.as_bytes()).await?;
    let mut reader = FrameReader::default();
    let head = timeout(STEP, reader.read_head(&mut tcp))
        .await
        .map_err(|_| refused(format!("{url}: no WebSocket handshake")))??;
    check_handshake(&head, &key).map_err(|e| refused(format!("{url}: {e}")))?;

    // Log in: the board asks for the password before it shows anything else.
    let mut said = Vec::new();
    let login = async {
        while !said.ends_with(b"Password: ") {
            match reader.next(&mut tcp).await? {
                Some((TEXT | BINARY, data)) => said.extend(data),
                Some((CLOSE, _)) | None => return Err(refused("the board closed the WebREPL")),
                Some(_) => {}
            }
        }
        write_frame(&mut tcp, TEXT, format!("{password}\r").as_bytes()).await?;
        said.clear();
        loop {
            if find(&said, b"WebREPL connected\r\n").is_some() {
                return Ok(());
            }
            if find(&said, b"Access denied").is_some() {
                return Err(refused("the board refused the WebREPL password"));
            }
            match reader.next(&mut tcp).await? {
                Some((TEXT | BINARY, data)) => said.extend(data),
                Some((CLOSE, _)) | None => {
                    return Err(refused("the board refused the WebREPL password"));
                }
                Some(_) => {}
            }
        }
    };
    timeout(STEP, login)
        .await
        .map_err(|_| refused(format!("{url}: no WebREPL login prompt")))??;
    // What followed the greeting (the prompt) is the stream's first bytes.
    let end = find(&said, b"WebREPL connected\r\n").expect("found above") + 19;
    let first = said[end..].to_vec();

    let (ours, theirs) = tokio::io::duplex(64 * 1024);
    tokio::spawn(bridge(tcp, reader, ours, first));
    Ok(Box::new(theirs))
}

/// Moves bytes between the REPL client's end of the pipe and the WebSocket until either
/// side closes.
async fn bridge(
    mut tcp: TcpStream,
    mut reader: FrameReader,
    mut pipe: DuplexStream,
    first: Vec<u8>,
) {
    if pipe.write_all(&first).await.is_err() {
        return;
    }
    let mut out = vec![0u8; FRAME];
    loop {
        tokio::select! {
            n = pipe.read(&mut out) => match n {
                Ok(0) | Err(_) => {
                    let _ = write_frame(&mut tcp, CLOSE, &[]).await;
                    break;
                }
                Ok(n) => {
                    if write_frame(&mut tcp, TEXT, &out[..n]).await.is_err() {
                        break;
                    }
                }
            },
            frame = reader.next(&mut tcp) => match frame {
                Ok(Some((TEXT | BINARY, data))) => {
                    if pipe.write_all(&data).await.is_err() {
                        break;
                    }
                }
                Ok(Some((PING, data))) => {
                    if write_frame(&mut tcp, PONG, &data).await.is_err() {
                        break;
                    }
                }
                Ok(Some((CLOSE, _))) | Ok(None) | Err(_) => break,
                Ok(Some(_)) => {}
            },
        }
    }
    // Dropping the pipe ends the client's reads: the board task sees the connection close.
}

/// `ws://HOST[:PORT][/PATH]` → host, port, path.
fn parse_url(url: &str) -> io::Result<(String, u16, String)> {
    let rest = url
        .strip_prefix("ws://")
        .ok_or_else(|| refused(format!("a WebREPL URL starts with ws://, not {url:?}")))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    // `[::1]:8266` keeps its brackets in the host; a port follows the last `:` outside them.
    let port_at = match authority.rfind(']') {
        Some(close) => authority[close..].find(':').map(|i| close + i),
        None => authority.rfind(':'),
    };
    let (host, port) = match port_at {
        Some(i) => {
            let p = &authority[i + 1..];
            let port = p
                .parse()
                .map_err(|_| refused(format!("{url}: {p:?} is not a port")))?;
            (&authority[..i], port)
        }
        None => (authority, DEFAULT_PORT),
    };
    if host.is_empty() {
        return Err(refused(format!("{url}: no host")));
    }
    Ok((host.to_string(), port, path.to_string()))
}

fn check_handshake(head: &str, key: &str) -> Result<(), String> {
    let status = head.lines().next().unwrap_or("");
    if status.split_whitespace().nth(1) != Some("101") {
        return Err(format!("not a WebSocket (the answer was {status:?})"));
    }
    let accept = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("sec-websocket-accept")
            .then(|| value.trim().to_string())
    });
    let want = crate::files::base64_encode(&Sha1::digest(format!("{key}{GUID}").as_bytes()));
    match accept {
        Some(a) if a == want => Ok(()),
        _ => Err("the WebSocket handshake's accept key is wrong".to_string()),
    }
}

/// `N` unpredictable-enough bytes for a handshake key or a frame mask (RFC 6455 asks only
/// that intermediaries can't guess them; this is not cryptography).
fn nonce<const N: usize>() -> [u8; N] {
    use std::hash::{BuildHasher, Hasher};
    let mut out = [0u8; N];
    for chunk in out.chunks_mut(8) {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        let bytes = h.finish().to_le_bytes();
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
    out
}

/// Writes one whole, masked frame (clients must mask, RFC 6455 §5.3).
async fn write_frame(tcp: &mut TcpStream, opcode: u8, payload: &[u8]) -> io::Result<()> {
    let mut frame = Vec::with_capacity(payload.len() + 14);
    frame.push(0x80 | opcode);
    match payload.len() {
        n if n < 126 => frame.push(0x80 | n as u8),
        n if n <= 0xffff => {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            frame.push(0x80 | 127);
            frame.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    let mask = nonce::<4>();
    frame.extend_from_slice(&mask);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    tcp.write_all(&frame).await
}

/// Reads frames from the board, buffering what arrives beyond one frame. Cancel-safe: a
/// read interrupted between frames loses nothing.
#[derive(Default)]
struct FrameReader {
    buf: Vec<u8>,
    /// A message in fragments so far, with its opcode.
    partial: Option<(u8, Vec<u8>)>,
}

impl FrameReader {
    /// The HTTP answer to the upgrade, up to its blank line.
    async fn read_head(&mut self, tcp: &mut TcpStream) -> io::Result<String> {
        loop {
            if let Some(end) = find(&self.buf, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.buf[..end]).into_owned();
                self.buf.drain(..end + 4);
                return Ok(head);
            }
            if self.buf.len() > 8192 || !self.fill(tcp).await? {
                return Err(refused("no WebSocket handshake"));
            }
        }
    }

    /// The next whole message (opcode, payload), `None` at the end of the stream.
    async fn next(&mut self, tcp: &mut TcpStream) -> io::Result<Option<(u8, Vec<u8>)>> {
        loop {
            if let Some((fin, opcode, payload)) = self.parse()? {
                match (opcode, self.partial.take()) {
                    // A continuation.
                    (0, Some((first, mut data))) => {
                        if data.len() + payload.len() > crate::device::MAX_OUTPUT {
                            return Err(refused("a WebSocket message too large"));
                        }
                        data.extend(payload);
                        if fin {
                            return Ok(Some((first, data)));
                        }
                        self.partial = Some((first, data));
                    }
                    (0, None) => return Err(refused("a WebSocket continuation out of place")),
                    (op, partial) if op >= CLOSE => {
                        self.partial = partial;
                        return Ok(Some((op, payload)));
                    }
                    (op, _) if fin => return Ok(Some((op, payload))),
                    (op, _) => self.partial = Some((op, payload)),
                }
                continue;
            }
            if !self.fill(tcp).await? {
                return Ok(None);
            }
        }
    }

    /// One frame off the front of the buffer, if it is all there.
    fn parse(&mut self) -> io::Result<Option<(bool, u8, Vec<u8>)>> {
        let b = &self.buf;
        if b.len() < 2 {
            return Ok(None);
        }
        let (fin, opcode, masked) = (b[0] & 0x80 != 0, b[0] & 0x0f, b[1] & 0x80 != 0);
        let (len, mut at) = match b[1] & 0x7f {
            126 if b.len() >= 4 => (u16::from_be_bytes([b[2], b[3]]) as usize, 4),
            127 if b.len() >= 10 => {
                let n = u64::from_be_bytes(b[2..10].try_into().expect("8 bytes"));
                (
                    usize::try_from(n).map_err(|_| refused("a WebSocket frame too large"))?,
                    10,
                )
            }
            126 | 127 => return Ok(None),
            n => (n as usize, 2),
        };
        if len > crate::device::MAX_OUTPUT {
            return Err(refused("a WebSocket frame too large"));
        }
        let mask = if masked {
            if b.len() < at + 4 {
                return Ok(None);
            }
            at += 4;
            Some([b[at - 4], b[at - 3], b[at - 2], b[at - 1]])
        } else {
            None
        };
        if b.len() < at + len {
            return Ok(None);
        }
        let mut payload = b[at..at + len].to_vec();
        if let Some(m) = mask {
            payload
                .iter_mut()
                .enumerate()
                .for_each(|(i, x)| *x ^= m[i % 4]);
        }
        self.buf.drain(..at + len);
        Ok(Some((fin, opcode, payload)))
    }

    /// Reads more; `false` at the end of the stream.
    async fn fill(&mut self, tcp: &mut TcpStream) -> io::Result<bool> {
        let mut scratch = [0u8; 4096];
        let n = tcp.read(&mut scratch).await?;
        self.buf.extend_from_slice(&scratch[..n]);
        Ok(n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let p = |u: &str| parse_url(u).map_err(|e| e.to_string());
        assert_eq!(
            p("ws://192.168.4.1").unwrap(),
            ("192.168.4.1".into(), 8266, "/".into())
        );
        assert_eq!(
            p("ws://esp.local:8267/").unwrap(),
            ("esp.local".into(), 8267, "/".into())
        );
        assert_eq!(p("ws://[::1]").unwrap(), ("[::1]".into(), 8266, "/".into()));
        assert_eq!(
            p("ws://[::1]:99/x").unwrap(),
            ("[::1]".into(), 99, "/x".into())
        );
        assert!(p("ws://:8266").is_err());
        assert!(p("ws://h:port").is_err());
        assert!(p("http://h").is_err());
    }

    #[test]
    fn accept_key_is_checked() {
        // RFC 6455 §1.3's example.
        let head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\
                    Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
        assert_eq!(check_handshake(head, "dGhlIHNhbXBsZSBub25jZQ=="), Ok(()));
        assert!(check_handshake(head, "AAAAAAAAAAAAAAAAAAAAAA==").is_err());
        assert!(check_handshake("HTTP/1.1 200 OK", "x").is_err());
    }

    #[test]
    fn frames_of_every_length_form_and_fragments() {
        let mut r = FrameReader::default();
        // Unmasked text "ab", a 300-byte binary frame, a fragmented "x"+"yz", a ping
        // between the fragments, masked "hi".
        r.buf.extend_from_slice(&[0x81, 2, b'a', b'b']);
        r.buf.extend_from_slice(&[0x82, 126, 0x01, 0x2c]);
        r.buf.extend(std::iter::repeat_n(7u8, 300));
        r.buf
            .extend_from_slice(&[0x01, 1, b'x', 0x89, 0, 0x80, 2, b'y', b'z']);
        r.buf
            .extend_from_slice(&[0x81, 0x82, 1, 2, 3, 4, b'h' ^ 1, b'i' ^ 2]);
        let mut frames = Vec::new();
        while let Some((fin, op, data)) = r.parse().unwrap() {
            frames.push((fin, op, data));
        }
        assert_eq!(frames.len(), 6);
        assert_eq!(frames[0], (true, TEXT, b"ab".to_vec()));
        assert_eq!(frames[1].2.len(), 300);
        assert_eq!(frames[5], (true, TEXT, b"hi".to_vec()));
        // A frame cut short waits for the rest.
        r.buf.extend_from_slice(&[0x81, 5, b'a']);
        assert!(r.parse().unwrap().is_none());
        assert_eq!(r.buf.len(), 3);
    }
}
