//! MicroPython's raw REPL, spoken as a client, over any [`Transport`](crate::transport).
//!
//! Byte-exact with shared/reference/micropython-wire.md §3.3 and §3.5, and using only what
//! stock MicroPython offers, so the same client drives a Copperhead board, the virtual board
//! and a board running MicroPython itself:
//!
//! 1. enter: send `\r\x03\x03` (interrupt whatever runs), drain what the board says, send
//!    `\r\x01`, wait for `raw REPL; CTRL-B to exit\r\n>`;
//! 2. exec: send the code in 256-byte chunks, then `\x04`; expect `OK`; read the program's
//!    stdout up to `\x04`, the exception text up to the next `\x04`, then the `>` prompt;
//! 3. leave: send `\r\x02`, wait for the friendly prompt `>>> ` after the banner.
//!
//! Every read and write has a timeout and every failure is a [`DeviceError`]. After a failed
//! operation the client interrupts the board and asks it back to the friendly REPL (best
//! effort), and the next operation starts again from step 1, which resynchronises with a board
//! in any state.
//!
//! Text comes back as the board sent it: boards end lines with `\r\n` (§3, "cooked" output),
//! and `stdout` and `traceback` keep those `\r\n` so that a terminal shows them as they are and
//! no byte is lost. Invalid UTF-8 is replaced with U+FFFD.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::{Instant, sleep, timeout};

/// What the board prints on entering the raw REPL (and again on a stray Ctrl-A).
pub const RAW_BANNER: &[u8] = b"raw REPL; CTRL-B to exit\r\n>";
/// The friendly REPL's primary prompt, printed after the banner when the raw REPL is left.
pub const FRIENDLY_PROMPT: &[u8] = b">>> ";
/// Code is written in pieces of this size, as pyboard.py does in plain raw mode: a board's
/// receive buffer can be as small as 256 bytes and plain raw mode has no flow control.
pub const CHUNK_SIZE: usize = 256;
/// Pause between two chunks, giving the board time to empty its receive buffer.
pub const CHUNK_PAUSE: Duration = Duration::from_millis(10);
/// How long the raw banner may take before the board is [rescued](RawRepl::rescue).
pub const RESCUE_AFTER: Duration = Duration::from_secs(3);
/// The rescue's Ctrl-C burst: this many, this far apart.
pub const RESCUE_BURST: usize = 25;
pub const RESCUE_SPACING: Duration = Duration::from_millis(40);
/// Most bytes of output one exec may return; more is an error rather than unbounded memory.
pub const MAX_OUTPUT: usize = 8 * 1024 * 1024;

/// How long the client waits. Each applies to a single read or write, so a board that keeps
/// talking never times out, and one that goes silent always does.
#[derive(Debug, Clone)]
pub struct Timeouts {
    /// For protocol replies: the raw banner, `OK`, the prompts, and every write.
    pub reply: Duration,
    /// For the running program's output: the longest silence tolerated while it runs.
    pub output: Duration,
    /// While draining after Ctrl-C: this much silence means the board has finished talking.
    pub drain_quiet: Duration,
    /// While draining after Ctrl-C: stop draining after this long even if it keeps talking.
    pub drain_max: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            reply: Duration::from_secs(10),
            output: Duration::from_secs(30),
            drain_quiet: Duration::from_millis(50),
            drain_max: Duration::from_secs(2),
        }
    }
}

/// Why an operation on a board failed.
#[derive(Debug)]
pub enum DeviceError {
    /// Nothing arrived within the timeout.
    Timeout {
        waiting_for: &'static str,
        /// The bytes received since the wait began, for the log.
        received: Vec<u8>,
    },
    /// The board closed the connection (end of file).
    Closed { waiting_for: &'static str },
    /// The transport failed (an unplugged USB board shows up here).
    Io(std::io::Error),
    /// The board answered something the protocol does not allow here.
    Protocol {
        expected: &'static str,
        received: Vec<u8>,
    },
    /// The code holds a byte that the raw REPL treats as a command (Ctrl-A … Ctrl-D).
    ControlByteInCode { byte: u8, offset: usize },
    /// The program printed more than [`MAX_OUTPUT`] bytes.
    OutputTooLarge { limit: usize },
}

impl DeviceError {
    /// True when the connection itself is gone and no later operation can succeed.
    pub fn is_disconnect(&self) -> bool {
        matches!(self, DeviceError::Closed { .. } | DeviceError::Io(_))
    }
}

impl fmt::Display for DeviceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceError::Timeout {
                waiting_for,
                received,
            } => write!(
                f,
                "timed out waiting for {waiting_for} (received {:?})",
                String::from_utf8_lossy(tail(received, 80))
            ),
            DeviceError::Closed { waiting_for } => {
                write!(
                    f,
                    "the board closed the connection while waiting for {waiting_for}"
                )
            }
            DeviceError::Io(e) => write!(f, "board connection failed: {e}"),
            DeviceError::Protocol { expected, received } => write!(
                f,
                "unexpected reply from the board: expected {expected}, received {:?}",
                String::from_utf8_lossy(tail(received, 80))
            ),
            DeviceError::ControlByteInCode { byte, offset } => write!(
                f,
                "the code contains control character 0x{byte:02x} at byte {offset}, \
                 which the raw REPL cannot carry"
            ),
            DeviceError::OutputTooLarge { limit } => {
                write!(f, "the program printed more than {limit} bytes")
            }
        }
    }
}

impl std::error::Error for DeviceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DeviceError::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// The last `n` bytes of `bytes`.
fn tail(bytes: &[u8], n: usize) -> &[u8] {
    &bytes[bytes.len().saturating_sub(n)..]
}

/// What running a piece of code produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecOutput {
    /// Everything the program printed, line ends as the board sent them (`\r\n`).
    pub stdout: String,
    /// The uncaught exception (a compile error counts), if any.
    pub exception: Option<PyException>,
}

/// An uncaught Python exception, parsed from the traceback the board printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyException {
    /// The exception type, e.g. `ZeroDivisionError`.
    pub kind: String,
    /// The text after `Type: `; empty when the exception has none.
    pub message: String,
    /// The whole traceback as the board sent it (`\r\n` line ends).
    pub traceback: String,
    /// The file of the innermost frame, e.g. `<stdin>`.
    pub file: Option<String>,
    /// The line of the innermost frame (1-based).
    pub line: Option<u32>,
}

/// A client of the raw REPL on one board connection.
pub struct RawRepl<T> {
    io: T,
    /// Bytes received but not consumed yet.
    buf: Vec<u8>,
    timeouts: Timeouts,
    /// Whether the board does raw-paste mode (§3.4): unknown until first tried; after one
    /// refusal the plain raw REPL is used for the rest of the connection.
    raw_paste: Option<bool>,
    /// Rung (from outside the board's task) to interrupt what runs: a Ctrl-C goes out while
    /// the client waits for the board.
    interrupt: Arc<Notify>,
    /// Where a running program's output goes as it arrives ([`RawRepl::exec_streaming`]).
    stream: Option<tokio::sync::mpsc::UnboundedSender<Vec<u8>>>,
    /// While a streamed program runs: what the user types for it (its `sys.stdin`).
    stdin: Option<tokio::sync::mpsc::UnboundedReceiver<Vec<u8>>>,
    /// A soft reset ends the connection (a WebREPL board closes its sockets), so the
    /// [rescue](RawRepl::rescue) stops at the raw REPL instead.
    soft_reset_drops_link: bool,
}

impl<T: AsyncRead + AsyncWrite + Unpin> RawRepl<T> {
    pub fn new(io: T, timeouts: Timeouts) -> Self {
        Self::with_interrupter(io, timeouts, Arc::new(Notify::new()))
    }

    /// A client whose operations are interrupted by `interrupt` (see
    /// [`RawRepl::interrupter`]), which outlives the connection: a board that is connected
    /// again keeps its interrupter.
    pub fn with_interrupter(io: T, timeouts: Timeouts, interrupt: Arc<Notify>) -> Self {
        RawRepl {
            io,
            buf: Vec::new(),
            timeouts,
            raw_paste: None,
            interrupt,
            stream: None,
            stdin: None,
            soft_reset_drops_link: false,
        }
    }

    /// Says that a soft reset ends this connection (see [`RawRepl::rescue`]).
    pub fn set_soft_reset_drops_link(&mut self, drops: bool) {
        self.soft_reset_drops_link = drops;
    }

    /// Reads and discards what the board says for `wait`; how many bytes it said.
    pub async fn listen(&mut self, wait: Duration) -> Result<usize, DeviceError> {
        let mut heard = std::mem::take(&mut self.buf).len();
        let deadline = Instant::now() + wait;
        let mut scratch = [0u8; 512];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(heard);
            }
            match timeout(left, self.io.read(&mut scratch)).await {
                Err(_elapsed) => return Ok(heard),
                Ok(Ok(0)) => {
                    return Err(DeviceError::Closed {
                        waiting_for: "the board to restart",
                    });
                }
                Ok(Ok(n)) => heard += n,
                Ok(Err(e)) => return Err(DeviceError::Io(e)),
            }
        }
    }

    /// The connection itself, for what is not bytes (a serial port's control lines).
    pub fn io_mut(&mut self) -> &mut T {
        &mut self.io
    }

    /// Runs `code` as a file in the raw REPL and returns its output, leaving the board at the
    /// friendly REPL.
    pub async fn exec(&mut self, code: &str) -> Result<ExecOutput, DeviceError> {
        check_code(code.as_bytes())?;
        let result = self.exec_session(code.as_bytes()).await;
        if let Err(e) = &result
            && !e.is_disconnect()
        {
            self.recover().await;
        }
        result
    }

    /// As [`RawRepl::exec`], sending the program's output to `sink` as it arrives (the
    /// result's `stdout` holds all of it too).
    pub async fn exec_streaming(
        &mut self,
        code: &str,
        sink: tokio::sync::mpsc::UnboundedSender<Vec<u8>>,
        stdin: tokio::sync::mpsc::UnboundedReceiver<Vec<u8>>,
    ) -> Result<ExecOutput, DeviceError> {
        self.stream = Some(sink);
        self.stdin = Some(stdin);
        let result = self.exec(code).await;
        self.stream = None;
        self.stdin = None;
        result
    }

    async fn exec_session(&mut self, code: &[u8]) -> Result<ExecOutput, DeviceError> {
        self.enter_raw().await?;
        let output = self.exec_raw(code).await?;
        self.exit_raw().await?;
        Ok(output)
    }

    /// Interrupts whatever runs and enters the raw REPL (§3.5 steps 1–2). A board that
    /// doesn't answer (a `main.py` that catches `KeyboardInterrupt` and goes on) is
    /// [rescued](RawRepl::rescue).
    pub async fn enter_raw(&mut self) -> Result<(), DeviceError> {
        self.write(b"\r\x03\x03").await?;
        self.drain().await?;
        self.write(b"\r\x01").await?;
        let wait = self.timeouts.reply.min(RESCUE_AFTER);
        let banner = self.read_until(RAW_BANNER, self.timeouts.reply, "the raw REPL banner");
        // A program that prints on and on never lets a single read time out: the banner
        // gets an overall deadline too.
        match timeout(wait, banner).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) if e.is_disconnect() => Err(e),
            Ok(Err(_)) | Err(_) => self.rescue().await,
        }
    }

    /// Reaches a board whose program survived Ctrl-C: a burst of Ctrl-C spaced out in
    /// time, so that one lands outside the program's `try` (in its handler, its loop's
    /// jump), then the raw REPL, then a soft reset from there: a board soft-reset in the
    /// raw REPL starts again without running `main.py`, so it stays reachable. (Not over a
    /// link that a soft reset would end.)
    pub async fn rescue(&mut self) -> Result<(), DeviceError> {
        tracing::info!("the board did not answer Ctrl-C; rescuing it");
        for _ in 0..RESCUE_BURST {
            self.write(b"\x03").await?;
            sleep(RESCUE_SPACING).await;
        }
        self.drain().await?;
        self.write(b"\r\x01").await?;
        let wait = self.timeouts.reply;
        let banner = self.read_until(RAW_BANNER, wait, "the raw REPL banner");
        match timeout(wait, banner).await {
            Ok(result) => result?,
            Err(_) => {
                return Err(DeviceError::Timeout {
                    waiting_for: "the raw REPL after a burst of Ctrl-C",
                    received: std::mem::take(&mut self.buf),
                });
            }
        };
        if self.soft_reset_drops_link {
            return Ok(());
        }
        self.write(b"\x04").await?;
        self.read_until(b"soft reboot\r\n", self.timeouts.reply, "the soft reboot")
            .await?;
        self.read_until(
            RAW_BANNER,
            self.timeouts.output,
            "the raw REPL after the reboot",
        )
        .await?;
        Ok(())
    }

    /// Runs `code` at the raw REPL's `>` prompt and waits for the next `>`: in raw-paste
    /// mode with the board's flow control where it has it (§3.4), else in the plain raw
    /// REPL (§3.3).
    pub async fn exec_raw(&mut self, code: &[u8]) -> Result<ExecOutput, DeviceError> {
        check_code(code)?;
        if self.raw_paste != Some(false) && self.enter_raw_paste().await? {
            self.raw_paste = Some(true);
            self.paste(code).await?;
        } else {
            self.raw_paste = Some(false);
            for (i, chunk) in code.chunks(CHUNK_SIZE).enumerate() {
                if i > 0 {
                    sleep(CHUNK_PAUSE).await;
                }
                self.write(chunk).await?;
            }
            self.write(b"\x04").await?;
            let ok = self.read_exact(2, self.timeouts.reply, "OK").await?;
            if ok != b"OK" {
                return Err(DeviceError::Protocol {
                    expected: "OK",
                    received: ok,
                });
            }
        }
        self.finish_exec().await
    }

    /// Asks for raw-paste mode at the `>` prompt: `true` if the board entered it. A board
    /// that refuses says `R\x00` and prints `>` again; one that doesn't know the request
    /// takes it as code, and its Ctrl-A reprints the raw banner.
    async fn enter_raw_paste(&mut self) -> Result<bool, DeviceError> {
        self.write(b"\x05A\x01").await?;
        let answer = self
            .read_exact(2, self.timeouts.reply, "the raw-paste answer")
            .await?;
        match answer.as_slice() {
            b"R\x01" => Ok(true),
            b"R\x00" => {
                self.read_until(b">", self.timeouts.reply, "the raw REPL prompt")
                    .await?;
                Ok(false)
            }
            _ => {
                self.read_until(b"exit\r\n>", self.timeouts.reply, "the raw REPL banner")
                    .await?;
                Ok(false)
            }
        }
    }

    /// Sends `code` in raw-paste mode, never more than the board has granted, then the end
    /// byte, and waits for the board's acknowledgement. A board that stops the transfer
    /// early (its compiler found an error) is answered with the end byte at once.
    async fn paste(&mut self, code: &[u8]) -> Result<(), DeviceError> {
        let header = self
            .read_exact(3, self.timeouts.reply, "the raw-paste window")
            .await?;
        let window = usize::from(u16::from_le_bytes([header[0], header[1]])).max(1);
        let mut credit = window;
        if header[2] == 0x01 {
            credit += window;
        }
        let mut sent = 0;
        let mut stopped = false;
        while sent < code.len() && !stopped {
            // Take in what the board said so far: more credit, or an early end.
            while credit == 0 || !self.buf.is_empty() || self.ready().await? {
                if self.buf.is_empty() {
                    self.fill(self.timeouts.reply, "raw-paste flow control")
                        .await?;
                }
                match self.buf.remove(0) {
                    0x01 => credit += window,
                    0x04 => {
                        stopped = true;
                        break;
                    }
                    other => {
                        return Err(DeviceError::Protocol {
                            expected: "raw-paste flow control",
                            received: vec![other],
                        });
                    }
                }
            }
            if stopped {
                break;
            }
            let n = credit.min(code.len() - sent);
            self.write(&code[sent..sent + n]).await?;
            sent += n;
            credit -= n;
        }
        self.write(b"\x04").await?;
        if !stopped {
            // Credit bytes may still come before the acknowledgement.
            loop {
                let b = self
                    .read_exact(1, self.timeouts.output, "the end of raw-paste")
                    .await?;
                match b[0] {
                    0x01 => {}
                    0x04 => break,
                    other => {
                        return Err(DeviceError::Protocol {
                            expected: "the end of raw-paste",
                            received: vec![other],
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether the board has sent something that can be read without waiting.
    async fn ready(&mut self) -> Result<bool, DeviceError> {
        let mut scratch = [0u8; 64];
        match timeout(Duration::ZERO, self.io.read(&mut scratch)).await {
            Err(_elapsed) => Ok(false),
            Ok(Ok(0)) => Err(DeviceError::Closed {
                waiting_for: "raw-paste flow control",
            }),
            Ok(Ok(n)) => {
                self.buf.extend_from_slice(&scratch[..n]);
                Ok(true)
            }
            Ok(Err(e)) => Err(DeviceError::Io(e)),
        }
    }

    /// After the code went in: the program's output, its exception, then the `>` prompt.
    async fn finish_exec(&mut self) -> Result<ExecOutput, DeviceError> {
        let stdout = match self.stream.clone() {
            None => {
                self.read_until(b"\x04", self.timeouts.output, "the program's output")
                    .await?
            }
            Some(sink) => {
                // Pass on what has come so far each time more comes.
                let mut stdout = Vec::new();
                loop {
                    if let Some(end) = self.buf.iter().position(|b| *b == 0x04) {
                        let part: Vec<u8> = self.buf.drain(..=end).take(end).collect();
                        if !part.is_empty() {
                            let _ = sink.send(part.clone());
                        }
                        stdout.extend(part);
                        break;
                    }
                    if !self.buf.is_empty() {
                        let part = std::mem::take(&mut self.buf);
                        let _ = sink.send(part.clone());
                        stdout.extend(part);
                    }
                    self.fill_or_forward_input().await?;
                }
                stdout
            }
        };
        let exception = self
            .read_until(b"\x04", self.timeouts.reply, "the exception text")
            .await?;
        self.read_until(b">", self.timeouts.reply, "the raw REPL prompt")
            .await?;

        let exception = String::from_utf8_lossy(&exception);
        Ok(ExecOutput {
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            exception: (!exception.is_empty()).then(|| parse_exception(&exception)),
        })
    }

    /// Waits for the running program's output, passing on to it what the user types
    /// meanwhile (the program is past the code, so bytes sent now are its standard input;
    /// reads are cancel-safe, so a key arriving first loses no output).
    async fn fill_or_forward_input(&mut self) -> Result<(), DeviceError> {
        let Some(mut stdin) = self.stdin.take() else {
            return self
                .fill(self.timeouts.output, "the program's output")
                .await;
        };
        let typed = tokio::select! {
            filled = self.fill(self.timeouts.output, "the program's output") => Err(filled),
            typed = stdin.recv() => Ok(typed),
        };
        let result = match typed {
            Err(filled) => filled,
            Ok(Some(bytes)) => self.write(&bytes).await,
            // The page went away: no more input, the output goes on.
            Ok(None) => {
                return self
                    .fill(self.timeouts.output, "the program's output")
                    .await;
            }
        };
        self.stdin = Some(stdin);
        result
    }

    /// Leaves the raw REPL for the friendly REPL (§3.5, "Leaving").
    pub async fn exit_raw(&mut self) -> Result<(), DeviceError> {
        self.write(b"\r\x02").await?;
        self.read_until(FRIENDLY_PROMPT, self.timeouts.reply, "the friendly prompt")
            .await?;
        Ok(())
    }

    /// Terminal: send bytes to the board as they are.
    pub async fn send_raw(&mut self, bytes: &[u8]) -> Result<(), DeviceError> {
        self.write(bytes).await
    }

    /// Terminal: the next bytes the board sends, however long that takes (cancel-safe).
    pub async fn receive_some(&mut self) -> Result<Vec<u8>, DeviceError> {
        if !self.buf.is_empty() {
            return Ok(std::mem::take(&mut self.buf));
        }
        let mut scratch = [0u8; 1024];
        match self.io.read(&mut scratch).await {
            Ok(0) => Err(DeviceError::Closed {
                waiting_for: "the terminal",
            }),
            Ok(n) => Ok(scratch[..n].to_vec()),
            Err(e) => Err(DeviceError::Io(e)),
        }
    }

    /// Soft reset: the raw REPL's Ctrl-D on an empty buffer, waiting for the board to come
    /// back (`soft reboot`, then the raw banner; boot.py's output in between is skipped).
    /// Hard reset: `machine.reset()`, without waiting for an answer that can't come.
    pub async fn reset(&mut self, hard: bool) -> Result<(), DeviceError> {
        self.enter_raw().await?;
        if hard {
            self.write(b"import machine\nmachine.reset()\n\x04").await?;
            // A real board drops off the line here; give it time, then resynchronise.
            let _ = self.read_exact(2, self.timeouts.reply, "OK").await;
            sleep(Duration::from_millis(500)).await;
            let _ = self.drain().await;
            return Ok(());
        }
        self.write(b"\x04").await?;
        self.read_until(b"soft reboot\r\n", self.timeouts.reply, "the soft reboot")
            .await?;
        self.read_until(
            RAW_BANNER,
            self.timeouts.output,
            "the raw REPL after the reboot",
        )
        .await?;
        self.exit_raw().await
    }

    /// Best effort after a failure: stop the program and go back to the friendly REPL.
    pub(crate) async fn recover(&mut self) {
        let _ = self.write(b"\r\x03\x03").await;
        let _ = self.write(b"\r\x02").await;
        let _ = self.drain().await;
    }

    /// Reads and discards until the board has been quiet for `drain_quiet`.
    async fn drain(&mut self) -> Result<(), DeviceError> {
        self.buf.clear();
        let deadline = Instant::now() + self.timeouts.drain_max;
        let mut scratch = [0u8; 512];
        while Instant::now() < deadline {
            match timeout(self.timeouts.drain_quiet, self.io.read(&mut scratch)).await {
                Err(_elapsed) => break,
                Ok(Ok(0)) => {
                    return Err(DeviceError::Closed {
                        waiting_for: "the board to be quiet",
                    });
                }
                Ok(Ok(_)) => {}
                Ok(Err(e)) => return Err(DeviceError::Io(e)),
            }
        }
        Ok(())
    }

    async fn write(&mut self, bytes: &[u8]) -> Result<(), DeviceError> {
        let write = async {
            self.io.write_all(bytes).await?;
            self.io.flush().await
        };
        match timeout(self.timeouts.reply, write).await {
            Ok(result) => result.map_err(DeviceError::Io),
            Err(_elapsed) => Err(DeviceError::Timeout {
                waiting_for: "the board to accept input",
                received: Vec::new(),
            }),
        }
    }

    /// What interrupts the running program: `notify_waiters` on it sends Ctrl-C while an
    /// operation waits for the board (and does nothing when none does).
    pub fn interrupter(&self) -> Arc<Notify> {
        self.interrupt.clone()
    }

    /// Reads once more into `buf`, waiting at most `wait`.
    async fn fill(&mut self, wait: Duration, waiting_for: &'static str) -> Result<(), DeviceError> {
        let mut scratch = [0u8; 1024];
        let interrupt = self.interrupt.clone();
        let read = tokio::select! {
            read = timeout(wait, self.io.read(&mut scratch)) => read,
            () = interrupt.notified() => {
                self.write(b"\x03").await?;
                return Ok(());
            }
        };
        match read {
            Err(_elapsed) => Err(DeviceError::Timeout {
                waiting_for,
                received: std::mem::take(&mut self.buf),
            }),
            Ok(Ok(0)) => Err(DeviceError::Closed { waiting_for }),
            Ok(Ok(n)) => {
                if self.buf.len() + n > MAX_OUTPUT {
                    return Err(DeviceError::OutputTooLarge { limit: MAX_OUTPUT });
                }
                self.buf.extend_from_slice(&scratch[..n]);
                Ok(())
            }
            Ok(Err(e)) => Err(DeviceError::Io(e)),
        }
    }

    /// Returns the bytes before the next `pattern` and consumes the pattern too.
    async fn read_until(
        &mut self,
        pattern: &[u8],
        wait: Duration,
        waiting_for: &'static str,
    ) -> Result<Vec<u8>, DeviceError> {
        let mut searched: usize = 0;
        loop {
            let from = searched.saturating_sub(pattern.len() - 1);
            if let Some(pos) = find(&self.buf[from..], pattern) {
                let end = from + pos;
                let before = self.buf[..end].to_vec();
                self.buf.drain(..end + pattern.len());
                return Ok(before);
            }
            searched = self.buf.len();
            self.fill(wait, waiting_for).await?;
        }
    }

    /// Returns exactly the next `n` bytes.
    async fn read_exact(
        &mut self,
        n: usize,
        wait: Duration,
        waiting_for: &'static str,
    ) -> Result<Vec<u8>, DeviceError> {
        while self.buf.len() < n {
            self.fill(wait, waiting_for).await?;
        }
        Ok(self.buf.drain(..n).collect())
    }
}

/// Rejects bytes that the raw REPL would take as commands rather than code (§3.3 table).
fn check_code(code: &[u8]) -> Result<(), DeviceError> {
    match code.iter().position(|b| (0x01..=0x04).contains(b)) {
        Some(offset) => Err(DeviceError::ControlByteInCode {
            byte: code[offset],
            offset,
        }),
        None => Ok(()),
    }
}

/// Where `needle` first stands in `haystack`.
pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Parses a MicroPython (or CPython) traceback.
///
/// The innermost frame is the last `  File "X", line N` line; the exception is the first
/// unindented line after it, `Type: message` or just `Type`, and a message that spans several
/// lines keeps them all. A text that is not a traceback becomes the message of an
/// `Exception`, so no error is ever lost.
pub fn parse_exception(text: &str) -> PyException {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();

    let mut file = None;
    let mut line = None;
    let mut summary_from = 0;
    for (i, l) in lines.iter().enumerate() {
        if let Some((f, n)) = parse_frame(l) {
            file = Some(f.to_string());
            line = n;
            summary_from = i + 1;
        } else if l.starts_with("Traceback (") && file.is_none() {
            summary_from = i + 1;
        }
    }

    let rest = &lines[summary_from..];
    let start = rest
        .iter()
        .position(|l| !l.is_empty() && !l.starts_with(' '));
    let (kind, message) = match start {
        Some(start) => {
            let mut summary = rest[start..].to_vec();
            while summary.last().is_some_and(|l| l.is_empty()) {
                summary.pop();
            }
            split_summary(&summary.join("\n"))
        }
        None => ("Exception".to_string(), text.trim().to_string()),
    };

    PyException {
        kind,
        message,
        traceback: text.to_string(),
        file,
        line,
    }
}

/// Splits `Type: message` (or a bare `Type`) into its parts.
fn split_summary(summary: &str) -> (String, String) {
    let is_type = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
    };
    if let Some((kind, message)) = summary.split_once(": ")
        && is_type(kind)
    {
        return (kind.to_string(), message.to_string());
    }
    let bare = summary.trim_end().trim_end_matches(':');
    if is_type(bare) {
        return (bare.to_string(), String::new());
    }
    ("Exception".to_string(), summary.to_string())
}

/// Parses `  File "X", line N[, in F]` into `X` and `N`.
fn parse_frame(line: &str) -> Option<(&str, Option<u32>)> {
    if !line.starts_with(' ') {
        return None;
    }
    let rest = line.trim_start().strip_prefix("File \"")?;
    let (file, after) = rest.split_once("\", line ")?;
    let digits_end = after
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(after.len());
    Some((file, after[..digits_end].parse().ok()))
}

#[cfg(test)]
mod tests {
    //! Unit tests of the client against a small scripted fake of the board's side of the
    //! wire (a `tokio::io::duplex` pipe and a task that answers the bytes documented in
    //! micropython-wire.md §3.3). They check the client's framing, not a real board: the
    //! integration test `tests/tests/server_api.rs` runs the real virtual board.

    use super::*;
    use tokio::io::DuplexStream;

    const FRIENDLY_BANNER: &[u8] =
        b"MicroPython v1.0 on 2026-01-01; fake with fake\r\nType \"help()\" for more information.\r\n>>> ";

    /// Plays the board: friendly and raw REPL, with canned program results.
    async fn fake_board(mut io: DuplexStream) {
        let mut raw = false;
        let mut code = Vec::new();
        let mut byte = [0u8; 1];
        while io.read_exact(&mut byte).await.is_ok() {
            let reply: Vec<u8> = match (raw, byte[0]) {
                (false, b'\r') | (false, 0x03) => b"\r\n>>> ".to_vec(),
                (false, 0x01) | (true, 0x01) => {
                    raw = true;
                    code.clear();
                    [&b"\r\n"[..], RAW_BANNER].concat()
                }
                (true, 0x02) => {
                    raw = false;
                    [&b"\r\n"[..], FRIENDLY_BANNER].concat()
                }
                (true, 0x03) => {
                    code.clear();
                    Vec::new()
                }
                (true, 0x04) => {
                    let program = String::from_utf8(std::mem::take(&mut code)).unwrap();
                    match program.trim() {
                        "print(6*7)" => b"OK42\r\n\x04\x04>".to_vec(),
                        "1/0" => b"OK\x04Traceback (most recent call last):\r\n  File \"<stdin>\", line 1, in <module>\r\nZeroDivisionError: divide by zero\r\n\x04>".to_vec(),
                        "hang" => b"OK".to_vec(),
                        "garbage" => b"KO".to_vec(),
                        long if long.len() > 1000 => {
                            format!("OK{}\r\n\x04\x04>", long.len()).into_bytes()
                        }
                        _ => b"OK\x04\x04>".to_vec(),
                    }
                }
                (true, b) => {
                    code.push(b);
                    Vec::new()
                }
                (false, b) => vec![b],
            };
            if io.write_all(&reply).await.is_err() {
                break;
            }
        }
    }

    fn client() -> RawRepl<DuplexStream> {
        let (ours, theirs) = tokio::io::duplex(64);
        tokio::spawn(fake_board(theirs));
        RawRepl::new(
            ours,
            Timeouts {
                reply: Duration::from_millis(500),
                output: Duration::from_millis(500),
                drain_quiet: Duration::from_millis(20),
                drain_max: Duration::from_millis(500),
            },
        )
    }

    #[tokio::test]
    async fn exec_returns_stdout_with_board_line_ends() {
        let mut repl = client();
        let out = repl.exec("print(6*7)").await.unwrap();
        assert_eq!(out.stdout, "42\r\n");
        assert_eq!(out.exception, None);
        // The connection is reusable: a second exec works the same way.
        let out = repl.exec("print(6*7)").await.unwrap();
        assert_eq!(out.stdout, "42\r\n");
    }

    #[tokio::test]
    async fn exec_parses_the_exception() {
        let out = client().exec("1/0").await.unwrap();
        assert_eq!(out.stdout, "");
        let e = out.exception.unwrap();
        assert_eq!(e.kind, "ZeroDivisionError");
        assert_eq!(e.message, "divide by zero");
        assert_eq!(e.file.as_deref(), Some("<stdin>"));
        assert_eq!(e.line, Some(1));
        assert!(
            e.traceback
                .starts_with("Traceback (most recent call last):\r\n")
        );
    }

    #[tokio::test]
    async fn long_code_is_sent_whole_in_chunks() {
        let code = format!("x = '{}'", "a".repeat(3000));
        let out = client().exec(&code).await.unwrap();
        assert_eq!(out.stdout, format!("{}\r\n", code.len()));
    }

    #[tokio::test]
    async fn silence_is_a_timeout_and_the_next_exec_recovers() {
        let mut repl = client();
        let err = repl.exec("hang").await.unwrap_err();
        assert!(
            matches!(
                err,
                DeviceError::Timeout {
                    waiting_for: "the program's output",
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(repl.exec("print(6*7)").await.unwrap().stdout, "42\r\n");
    }

    #[tokio::test]
    async fn a_wrong_reply_is_a_protocol_error() {
        let err = client().exec("garbage").await.unwrap_err();
        assert!(
            matches!(err, DeviceError::Protocol { expected: "OK", .. }),
            "{err}"
        );
    }

    #[tokio::test]
    async fn control_bytes_in_code_are_refused() {
        let err = client().exec("print(1)\x04print(2)").await.unwrap_err();
        assert!(matches!(
            err,
            DeviceError::ControlByteInCode {
                byte: 0x04,
                offset: 8
            }
        ));
    }

    #[tokio::test]
    async fn a_closed_connection_is_reported() {
        let (ours, theirs) = tokio::io::duplex(64);
        drop(theirs);
        let mut repl = RawRepl::new(ours, Timeouts::default());
        let err = repl.exec("print(1)").await.unwrap_err();
        assert!(err.is_disconnect(), "{err}");
    }

    #[test]
    fn parses_a_micropython_traceback() {
        let e = parse_exception(
            "Traceback (most recent call last):\r\n  File \"<stdin>\", line 3, in <module>\r\n  File \"lib.py\", line 12, in f\r\nValueError: bad: value\r\n",
        );
        assert_eq!(e.kind, "ValueError");
        assert_eq!(e.message, "bad: value");
        assert_eq!(e.file.as_deref(), Some("lib.py"));
        assert_eq!(e.line, Some(12));
    }

    #[test]
    fn parses_a_syntax_error_and_bare_types() {
        let e = parse_exception(
            "Traceback (most recent call last):\r\n  File \"<stdin>\", line 1\r\nSyntaxError: invalid syntax\r\n",
        );
        assert_eq!(
            (e.kind.as_str(), e.message.as_str()),
            ("SyntaxError", "invalid syntax")
        );
        assert_eq!(e.line, Some(1));

        let e = parse_exception(
            "Traceback (most recent call last):\r\n  File \"<stdin>\", line 1, in <module>\r\nKeyboardInterrupt: \r\n",
        );
        assert_eq!(
            (e.kind.as_str(), e.message.as_str()),
            ("KeyboardInterrupt", "")
        );

        let e = parse_exception(
            "Traceback (most recent call last):\r\n  File \"<stdin>\", line 2, in <module>\r\nStopIteration\r\n",
        );
        assert_eq!((e.kind.as_str(), e.message.as_str()), ("StopIteration", ""));
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn keeps_multi_line_messages_and_odd_text() {
        let e = parse_exception(
            "Traceback (most recent call last):\n  File \"<stdin>\", line 1, in <module>\nException: one\ntwo\n",
        );
        assert_eq!(e.message, "one\ntwo");

        let e = parse_exception("something odd\r\n");
        assert_eq!(e.kind, "Exception");
        assert_eq!(e.message, "something odd");
        assert_eq!((e.file, e.line), (None, None));
    }
}
