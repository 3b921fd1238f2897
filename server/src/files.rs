//! Files on a board, through its raw REPL, with only what stock MicroPython has: `os`,
//! and `binascii` and `hashlib` where the board has them (with slower fallbacks where not).
//!
//! - Reading sends the file back in base64 lines (`binascii.b2a_base64`), or as decimal
//!   byte values without `binascii`.
//! - Writing is atomic and verified: the data goes to `PATH.tmp` in chunks of a few KiB per
//!   exec (base64 through `binascii.a2b_base64`, or bytes literals), is checked by SHA-256
//!   on the board (`hashlib`) or by reading it back, and only then is renamed over `PATH`.
//!   A transfer that fails at any point leaves the old file as it was.
//! - Names travel as decimal byte values, so any name survives whatever the board's `repr`.
//!
//! Every operation is one raw-REPL session: the REPL is entered once, the operation's
//! execs run, and the board goes back to the friendly REPL (or is recovered on failure).
//!
//! A write tells a [`Watch`] how far it has got after each chunk, and asks it between
//! chunks (and a sync between files) whether to stop: a cancelled write removes its
//! temporary file and leaves the old file as it was.

use std::fmt;

use tokio::io::{AsyncRead, AsyncWrite};

use crate::device::{DeviceError, ExecOutput, PyException, RawRepl};

/// Bytes of file data per exec when writing.
const WRITE_CHUNK: usize = 6 * 1024;
/// Bytes of file data per line when reading.
const READ_CHUNK: usize = 3 * 256;

/// One entry of a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub path: String,
    pub dir: bool,
    pub size: u64,
}

/// What a written file is, once on the board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub size: u64,
    /// Hex SHA-256 of the bytes, as the board computed it (or of the bytes read back).
    pub sha256: String,
}

/// What `os.stat` says of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stat {
    pub dir: bool,
    pub size: u64,
    /// Modification time in seconds since the board's epoch (0 where it keeps none).
    pub mtime: i64,
}

/// A mounted filesystem and its usage, in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub mount: String,
    pub size: u64,
    pub used: u64,
    pub free: u64,
}

/// A file in a sync: its board path, and its size in bytes (the workspace copy's; for a
/// file only on the board, the board's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncFile {
    pub path: String,
    pub size: u64,
}

/// What a sync found, and (unless it was a dry run) did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synced {
    /// Files the board doesn't have.
    pub new: Vec<SyncFile>,
    /// Files the board has with other bytes.
    pub changed: Vec<SyncFile>,
    /// Files the board has with the same bytes.
    pub unchanged: Vec<SyncFile>,
    /// Files under the target folder on the board that the workspace folder doesn't have
    /// (names starting with `.` left out, as on the workspace's side).
    pub only_on_board: Vec<SyncFile>,
    /// The board paths written, in the workspace's order (none in a dry run).
    pub sent: Vec<String>,
}

/// Where a write to a board stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferState {
    Running,
    /// Written, verified and in place.
    Done,
    /// Stopped on request; the old file is kept.
    Cancelled,
    /// Stopped by an error; the old file is kept.
    Failed,
}

/// Follows the writes of an operation: told how far each has got, asked whether to stop.
pub trait Watch: Send {
    /// `done` of the `total` bytes of `path` are on the board (in its temporary file until
    /// the state is [`TransferState::Done`]).
    fn report(&mut self, path: &str, done: u64, total: u64, state: TransferState);
    /// Whether the writes should stop (asked between chunks, and between a sync's files).
    fn cancelled(&self) -> bool;
}

/// Why a file operation failed.
#[derive(Debug)]
pub enum FileError {
    /// The write was cancelled ([`Watch::cancelled`]); the old file is kept.
    Cancelled,
    /// The connection or the protocol failed.
    Device(DeviceError),
    /// The board raised an exception: `OSError: [Errno 2] ENOENT` and the like.
    Board(PyException),
    /// The file on the board did not match what was sent; the old file is kept.
    Verify { expected: String, found: String },
    /// The board answered something this module can't read.
    Garbled(String),
}

impl FileError {
    /// The errno name in a board's `OSError` (`ENOENT`, `EEXIST` …), if that is what it was.
    pub fn errno(&self) -> Option<&str> {
        let FileError::Board(e) = self else {
            return None;
        };
        if e.kind != "OSError" {
            return None;
        }
        [
            "ENOENT",
            "EEXIST",
            "EISDIR",
            "ENOTDIR",
            "ENOTEMPTY",
            "EACCES",
            "EROFS",
            "ENOSPC",
        ]
        .into_iter()
        .find(|name| e.message.contains(name))
        .or_else(|| match e.message.trim() {
            "2" | "[Errno 2]" => Some("ENOENT"),
            "17" => Some("EEXIST"),
            "39" => Some("ENOTEMPTY"),
            "20" => Some("ENOTDIR"),
            "21" => Some("EISDIR"),
            _ => None,
        })
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Cancelled => write!(
                f,
                "the transfer was cancelled; the file on the board is as it was before"
            ),
            FileError::Device(e) => write!(f, "{e}"),
            FileError::Board(e) => write!(f, "{}: {}", e.kind, e.message),
            FileError::Verify { expected, found } => write!(
                f,
                "the file on the board doesn't match what was sent (sha256 {found}, expected {expected}); the old file is kept"
            ),
            FileError::Garbled(what) => write!(f, "unexpected answer from the board: {what}"),
        }
    }
}

impl From<DeviceError> for FileError {
    fn from(e: DeviceError) -> Self {
        FileError::Device(e)
    }
}

/// A Python string literal holding `text` (ASCII only, so any board reads it).
pub fn py_str(text: &str) -> String {
    let mut out = String::from("'");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            ' '..='~' => out.push(c),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('\'');
    out
}

/// A Python bytes literal holding `data`.
fn py_bytes(data: &[u8]) -> String {
    let mut out = String::from("b'");
    for &b in data {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('\'');
    out
}

/// The text of decimal byte values (`104 105`) as bytes.
fn decimal_bytes(text: &str) -> Result<Vec<u8>, FileError> {
    text.split_whitespace()
        .map(|n| {
            n.parse::<u8>()
                .map_err(|_| FileError::Garbled(format!("not a byte: {n:?}")))
        })
        .collect()
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64, ignoring whitespace.
pub fn base64_decode(text: &str) -> Result<Vec<u8>, FileError> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b'\r' | b'\n' | b' ' => continue,
            _ => return Err(FileError::Garbled(format!("not base64: {:?}", c as char))),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Ok(out)
}

/// SHA-256 in hex, for checking what the board reports.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&sha256(data))
}

/// SHA-256 (FIPS 180-4), written out here to keep the server's dependencies to the chosen
/// set.
fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut message = data.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in message.chunks(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (slot, v) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *slot = slot.wrapping_add(v);
        }
    }
    let mut out = [0u8; 32];
    for (i, word) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// A write under way: where its bytes are counted and who hears of them.
struct Progress<'a> {
    path: &'a str,
    done: &'a mut u64,
    total: u64,
    watch: &'a mut dyn Watch,
}

/// The output of an exec, or the board's exception as an error.
fn ok(output: ExecOutput) -> Result<String, FileError> {
    match output.exception {
        Some(e) => Err(FileError::Board(e)),
        None => Ok(output.stdout),
    }
}

/// Is a name on the way from `dir` down to `path` hidden (starting with `.`)?
fn hidden(dir: &str, path: &str) -> bool {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .split('/')
        .any(|part| part.starts_with('.'))
}

/// `dir` joined with `name` as a board path.
fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() || dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

impl<T: AsyncRead + AsyncWrite + Unpin> RawRepl<T> {
    /// Run `code` in this raw-REPL session and give its output, or the board's exception.
    async fn run(&mut self, code: &str) -> Result<String, FileError> {
        ok(self.exec_raw(code.as_bytes()).await?)
    }

    /// Enter the raw REPL, do `op`'s execs, and leave (or recover after a failure).
    async fn session<R>(
        &mut self,
        op: impl AsyncFnOnce(&mut Self) -> Result<R, FileError>,
    ) -> Result<R, FileError> {
        self.enter_raw().await?;
        match op(self).await {
            Ok(r) => {
                self.exit_raw().await?;
                Ok(r)
            }
            // Stopped between two execs: the board is at the raw prompt, nothing to recover.
            Err(FileError::Cancelled) => {
                self.exit_raw().await?;
                Err(FileError::Cancelled)
            }
            Err(e) => {
                if !matches!(&e, FileError::Device(d) if d.is_disconnect()) {
                    self.recover().await;
                }
                Err(e)
            }
        }
    }

    /// The entries of directory `path`, with sizes; `recursive` descends into
    /// subdirectories (their entries follow their own).
    pub async fn list_dir(&mut self, path: &str, recursive: bool) -> Result<Vec<Entry>, FileError> {
        self.session(async |repl| repl.listing(path, recursive, false).await)
            .await
    }

    /// [`RawRepl::list_dir`] in this raw-REPL session; a missing `path` lists as empty when
    /// `missing_ok`. A file's size comes from `ilistdir`, or from `os.stat` on ports whose
    /// `ilistdir` gives none.
    async fn listing(
        &mut self,
        path: &str,
        recursive: bool,
        missing_ok: bool,
    ) -> Result<Vec<Entry>, FileError> {
        let code = format!(
            "import os\n\
             def _ls(p):\n \
              for e in os.ilistdir(p):\n  \
               n = e[0]\n  \
               d = e[1] & 0x4000\n  \
               f = p + ('' if p.endswith('/') else '/') + n\n  \
               s = 0 if d else e[3] if len(e) > 3 else os.stat(f)[6]\n  \
               print(1 if d else 0, s, ' '.join(str(b) for b in n.encode()))\n  \
               if {recursive} and d:\n   \
                print('>')\n   \
                _ls(f)\n   \
                print('<')\n\
             p = {}\n\
             if {missing_ok}:\n \
              try:\n  os.stat(p)\n \
              except OSError:\n  p = None\n\
             if p is not None:\n _ls(p)\n",
            py_str(path),
            recursive = if recursive { "True" } else { "False" },
            missing_ok = if missing_ok { "True" } else { "False" },
        );
        let out = self.run(&code).await?;
        let mut entries = Vec::new();
        let mut dirs = vec![path.to_string()];
        let mut last_dir = None;
        for line in out.lines().map(str::trim_end).filter(|l| !l.is_empty()) {
            match line {
                ">" => dirs.push(last_dir.take().unwrap_or_default()),
                "<" => {
                    dirs.pop();
                }
                _ => {
                    let mut parts = line.splitn(3, ' ');
                    let (Some(dir), Some(size), name) = (parts.next(), parts.next(), parts.next())
                    else {
                        return Err(FileError::Garbled(line.to_string()));
                    };
                    let name = decimal_bytes(name.unwrap_or(""))?;
                    let name = String::from_utf8_lossy(&name).into_owned();
                    let parent = dirs.last().cloned().unwrap_or_default();
                    let entry = Entry {
                        path: join(&parent, &name),
                        name,
                        dir: dir == "1",
                        size: size
                            .parse()
                            .map_err(|_| FileError::Garbled(line.to_string()))?,
                    };
                    last_dir = Some(entry.path.clone());
                    entries.push(entry);
                }
            }
        }
        Ok(entries)
    }

    /// The bytes of file `path`.
    pub async fn read_file(&mut self, path: &str) -> Result<Vec<u8>, FileError> {
        let code = format!(
            "f = open({}, 'rb')\n\
             try:\n import binascii\n e = binascii.b2a_base64\n print('B')\n\
             except ImportError:\n e = None\n print('D')\n\
             while True:\n \
              b = f.read({READ_CHUNK})\n \
              if not b:\n  break\n \
              if e:\n  print(e(b).decode().strip())\n \
              else:\n  print(' '.join(str(x) for x in b))\n\
             f.close()\n",
            py_str(path)
        );
        let out = self.session(async |repl| repl.run(&code).await).await?;
        let mut lines = out.lines().map(str::trim_end);
        let mode = lines.next().unwrap_or("");
        let mut data = Vec::new();
        for line in lines {
            match mode {
                "B" => data.extend(base64_decode(line)?),
                "D" => data.extend(decimal_bytes(line)?),
                other => return Err(FileError::Garbled(other.to_string())),
            }
        }
        Ok(data)
    }

    /// Write `data` to `path` atomically: to `PATH.tmp` first, verified, then renamed over
    /// `path`. On any failure, or when `watch` cancels it, the temporary file is removed
    /// (best effort) and the old file is left as it was. `watch` hears of the start, of each
    /// chunk, and of the end.
    pub async fn write_file(
        &mut self,
        path: &str,
        data: &[u8],
        watch: &mut dyn Watch,
    ) -> Result<Written, FileError> {
        let tmp = format!("{path}.tmp");
        let expected = sha256_hex(data);
        let total = data.len() as u64;
        let mut done = 0;
        watch.report(path, 0, total, TransferState::Running);
        let result = self
            .session(async |repl| {
                let progress = Progress {
                    path,
                    done: &mut done,
                    total,
                    watch: &mut *watch,
                };
                repl.write_in_place(path, &tmp, data, &expected, progress)
                    .await
            })
            .await;
        let state = match &result {
            Ok(_) => TransferState::Done,
            Err(FileError::Cancelled) => TransferState::Cancelled,
            Err(_) => TransferState::Failed,
        };
        watch.report(path, done, total, state);
        result
    }

    /// [`RawRepl::write_file`]'s execs, in this raw-REPL session.
    async fn write_in_place(
        &mut self,
        path: &str,
        tmp: &str,
        data: &[u8],
        expected: &str,
        progress: Progress<'_>,
    ) -> Result<Written, FileError> {
        let written = match self.write_verified(tmp, data, expected, progress).await {
            Ok(w) => w,
            Err(e) => {
                let _ = self
                    .run(&format!(
                        "import os\ntry:\n os.remove({})\nexcept OSError:\n pass\n",
                        py_str(tmp)
                    ))
                    .await;
                return Err(e);
            }
        };
        // Over the old file: rename replaces it where the filesystem can; where it can't
        // (FAT), the old file goes just before.
        self.run(&format!(
            "import os\ntry:\n os.rename({t}, {p})\nexcept OSError:\n os.remove({p})\n os.rename({t}, {p})\n",
            t = py_str(tmp),
            p = py_str(path)
        ))
        .await?;
        Ok(written)
    }

    async fn write_verified(
        &mut self,
        tmp: &str,
        data: &[u8],
        expected: &str,
        progress: Progress<'_>,
    ) -> Result<Written, FileError> {
        let has_binascii = self
            .run(&format!(
                "try:\n import binascii\n d = binascii.a2b_base64\nexcept ImportError:\n d = None\n\
                 f = open({}, 'wb')\nw = f.write\nprint(d is not None)\n",
                py_str(tmp)
            ))
            .await?
            .trim()
            == "True";
        for chunk in data.chunks(WRITE_CHUNK) {
            if progress.watch.cancelled() {
                let _ = self.run("f.close()\n").await;
                return Err(FileError::Cancelled);
            }
            let code = if has_binascii {
                format!("w(d('{}'))\n", base64_encode(chunk))
            } else {
                let mut code = String::new();
                for piece in chunk.chunks(256) {
                    code.push_str(&format!("w({})\n", py_bytes(piece)));
                }
                code
            };
            if let Err(e) = self.run(&code).await {
                let _ = self.run("f.close()\n").await;
                return Err(e);
            }
            *progress.done += chunk.len() as u64;
            progress.watch.report(
                progress.path,
                *progress.done,
                progress.total,
                TransferState::Running,
            );
        }
        self.run("f.close()\n").await?;
        let found = self.board_sha256(tmp).await?;
        let found = match found {
            Some(h) => h,
            // No hashlib: read the file back.
            None => sha256_hex(&self.read_back(tmp).await?),
        };
        if found != expected {
            return Err(FileError::Verify {
                expected: expected.to_string(),
                found,
            });
        }
        Ok(Written {
            size: data.len() as u64,
            sha256: found,
        })
    }

    /// SHA-256 of a file as the board computes it, `None` without `hashlib`.
    async fn board_sha256(&mut self, path: &str) -> Result<Option<String>, FileError> {
        let out = self
            .run(&format!(
                "try:\n import hashlib\nexcept ImportError:\n hashlib = None\n\
                 if hashlib:\n \
                  h = hashlib.sha256()\n \
                  with open({}, 'rb') as f:\n  \
                   while True:\n   \
                    b = f.read(1024)\n   \
                    if not b:\n    break\n   \
                    h.update(b)\n \
                  print(' '.join(str(x) for x in h.digest()))\n\
                 else:\n print('-')\n",
                py_str(path)
            ))
            .await?;
        let out = out.trim();
        if out == "-" {
            return Ok(None);
        }
        Ok(Some(hex(&decimal_bytes(out)?)))
    }

    async fn read_back(&mut self, path: &str) -> Result<Vec<u8>, FileError> {
        let out = self
            .run(&format!(
                "with open({}, 'rb') as f:\n \
                 while True:\n  \
                  b = f.read(256)\n  \
                  if not b:\n   break\n  \
                  print(' '.join(str(x) for x in b))\n",
                py_str(path)
            ))
            .await?;
        let mut data = Vec::new();
        for line in out.lines() {
            data.extend(decimal_bytes(line)?);
        }
        Ok(data)
    }

    /// Remove a file, or a directory (with everything in it if `recursive`).
    pub async fn remove(&mut self, path: &str, recursive: bool) -> Result<(), FileError> {
        let code = format!(
            "import os\n\
             def _rm(p, r):\n \
              if os.stat(p)[0] & 0x4000:\n  \
               if r:\n   \
                for e in list(os.ilistdir(p)):\n    \
                 _rm(p + ('' if p.endswith('/') else '/') + e[0], r)\n  \
               os.rmdir(p)\n \
              else:\n  \
               os.remove(p)\n\
             _rm({}, {})\n",
            py_str(path),
            if recursive { "True" } else { "False" }
        );
        self.session(async |repl| repl.run(&code).await.map(|_| ()))
            .await
    }

    pub async fn stat(&mut self, path: &str) -> Result<Stat, FileError> {
        let code = format!(
            "import os\ns = os.stat({})\nprint(s[0] & 0x4000, s[6], s[8])\n",
            py_str(path)
        );
        let out = self.session(async |repl| repl.run(&code).await).await?;
        let fields: Vec<i64> = out
            .split_whitespace()
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map_err(|_| FileError::Garbled(out.clone()))?;
        let [dir, size, mtime] = fields[..] else {
            return Err(FileError::Garbled(out));
        };
        Ok(Stat {
            dir: dir != 0,
            size: size.max(0) as u64,
            mtime,
        })
    }

    /// Every mounted filesystem: `/`, and each top-level directory whose `statvfs` differs
    /// from its parent's (a pyboard's `/flash` and `/sd`, a mounted SD card), as `df` shows.
    pub async fn df(&mut self) -> Result<Vec<Mount>, FileError> {
        let code = "import os\n\
                    r = os.statvfs('/')\n\
                    for p in ['/'] + ['/' + n for n in os.listdir('/')]:\n \
                     try:\n  s = os.statvfs(p)\n \
                     except OSError:\n  continue\n \
                     if p == '/' or s != r:\n  \
                      print(s[0] * s[2], s[0] * (s[2] - s[3]), s[0] * s[3], \
                      ' '.join(str(b) for b in p.encode()))\n";
        let out = self.session(async |repl| repl.run(code).await).await?;
        let mut mounts = Vec::new();
        for line in out.lines().map(str::trim_end).filter(|l| !l.is_empty()) {
            let garbled = || FileError::Garbled(line.to_string());
            let mut parts = line.splitn(4, ' ');
            let mut number = || -> Result<u64, FileError> {
                parts
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or_else(garbled)
            };
            let (size, used, free) = (number()?, number()?, number()?);
            let name = decimal_bytes(parts.next().unwrap_or(""))?;
            mounts.push(Mount {
                mount: String::from_utf8_lossy(&name).into_owned(),
                size,
                used,
                free,
            });
        }
        Ok(mounts)
    }

    /// Compares `files` (board paths under the folder `dir`, and their bytes) with the
    /// board's copies by SHA-256 (on the board with `hashlib`; read back without), and
    /// lists what is under `dir` on the board besides, in one raw-REPL session. Then, unless
    /// `dry_run`, writes each file that is new or changed, making the directories it needs;
    /// each write is atomic and verified as [`RawRepl::write_file`]'s.
    /// A cancel ([`Watch::cancelled`]) stops it before its next file, or between two chunks
    /// of the file being written.
    pub async fn sync(
        &mut self,
        dir: &str,
        files: Vec<(String, Vec<u8>)>,
        dry_run: bool,
        watch: &mut dyn Watch,
    ) -> Result<Synced, FileError> {
        let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        let (theirs, on_board) = self
            .session(async |repl| {
                let theirs = repl.hashes(&paths).await?;
                let on_board = repl.listing(dir, true, true).await?;
                Ok((theirs, on_board))
            })
            .await?;
        let ours: std::collections::BTreeSet<&str> = paths.iter().copied().collect();
        let mut synced = Synced {
            only_on_board: on_board
                .into_iter()
                .filter(|e| !e.dir && !ours.contains(e.path.as_str()) && !hidden(dir, &e.path))
                .map(|e| SyncFile {
                    path: e.path,
                    size: e.size,
                })
                .collect(),
            ..Synced::default()
        };
        synced.only_on_board.sort_by(|a, b| a.path.cmp(&b.path));
        let mut to_send = Vec::new();
        for ((path, data), theirs) in files.iter().zip(theirs) {
            let file = SyncFile {
                path: path.clone(),
                size: data.len() as u64,
            };
            match theirs {
                Some(h) if h == sha256_hex(data) => synced.unchanged.push(file),
                Some(_) => {
                    synced.changed.push(file);
                    to_send.push((path, data));
                }
                None => {
                    synced.new.push(file);
                    to_send.push((path, data));
                }
            }
        }
        if dry_run {
            return Ok(synced);
        }
        let mut made = std::collections::BTreeSet::new();
        for (path, data) in to_send {
            if watch.cancelled() {
                return Err(FileError::Cancelled);
            }
            let dirs: Vec<&str> = path
                .match_indices('/')
                .map(|(i, _)| &path[..i])
                .filter(|d| !d.is_empty() && !made.contains(*d))
                .collect();
            if !dirs.is_empty() {
                let code: String = dirs
                    .iter()
                    .map(|d| format!("try:\n os.mkdir({})\nexcept OSError:\n pass\n", py_str(d)))
                    .collect();
                let code = format!("import os\n{code}");
                self.session(async |repl| repl.run(&code).await.map(|_| ()))
                    .await?;
                made.extend(dirs.iter().map(|d| d.to_string()));
            }
            self.write_file(path, data, watch).await?;
            synced.sent.push(path.clone());
        }
        Ok(synced)
    }

    /// The SHA-256 of each of `paths` on the board, `None` for a missing file (or a
    /// directory), in this raw-REPL session: one exec with `hashlib`, a read-back of each
    /// file without.
    async fn hashes(&mut self, paths: &[&str]) -> Result<Vec<Option<String>>, FileError> {
        let names: Vec<String> = paths.iter().map(|p| py_str(p)).collect();
        let code = format!(
            "import os\n\
             try:\n import hashlib\nexcept ImportError:\n hashlib = None\n\
             def _h(p):\n \
              try:\n  \
               if os.stat(p)[0] & 0x4000:\n   return '-'\n \
              except OSError:\n  return '-'\n \
              if not hashlib:\n  return '?'\n \
              h = hashlib.sha256()\n \
              with open(p, 'rb') as f:\n  \
               while True:\n   \
                b = f.read(1024)\n   \
                if not b:\n    break\n   \
                h.update(b)\n \
              return ' '.join(str(x) for x in h.digest())\n\
             for p in [{}]:\n print(_h(p))\n",
            names.join(", ")
        );
        let out = self.run(&code).await?;
        let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
        if lines.len() != paths.len() {
            return Err(FileError::Garbled(out));
        }
        let mut hashes = Vec::with_capacity(paths.len());
        for (path, line) in paths.iter().zip(lines) {
            hashes.push(match line {
                "-" => None,
                "?" => Some(sha256_hex(&self.read_back(path).await?)),
                digest => Some(hex(&decimal_bytes(digest)?)),
            });
        }
        Ok(hashes)
    }

    pub async fn mkdir(&mut self, path: &str) -> Result<(), FileError> {
        let code = format!("import os\nos.mkdir({})\n", py_str(path));
        self.session(async |repl| repl.run(&code).await.map(|_| ()))
            .await
    }

    pub async fn rename(&mut self, from: &str, to: &str) -> Result<(), FileError> {
        let code = format!("import os\nos.rename({}, {})\n", py_str(from), py_str(to));
        self.session(async |repl| repl.run(&code).await.map(|_| ()))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for data in [
            &b""[..],
            b"f",
            b"fo",
            b"foo",
            b"foob",
            b"\x00\xff\x10 binary",
        ] {
            assert_eq!(base64_decode(&base64_encode(data)).unwrap(), data);
        }
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
    }

    #[test]
    fn sha256_matches_the_standard_vectors() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(&[b'a'; 1000]),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"
        );
    }

    #[test]
    fn literals_carry_any_text() {
        assert_eq!(py_str("a'b\\c"), "'a\\'b\\\\c'");
        assert_eq!(py_str("\u{1}é€"), "'\\x01\\xe9\\u20ac'");
        assert_eq!(py_bytes(b"\x00'a"), "b'\\x00\\'a'");
        assert_eq!(join("/", "x"), "/x");
        assert_eq!(join("/lib", "x"), "/lib/x");
    }

    #[test]
    fn hidden_names_below_the_folder_only() {
        assert!(hidden("/app", "/app/.env"));
        assert!(hidden("/app", "/app/.git/config"));
        assert!(hidden("/", "/.cache/x"));
        assert!(!hidden("/app", "/app/lib/x.py"));
        assert!(!hidden("/.config", "/.config/app.json"));
        assert!(!hidden("/app", "/app/x.tmp"));
    }
}
