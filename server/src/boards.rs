//! The board registry, and the one task per board that owns its connection.
//!
//! A board's connection is touched only by its task. Everyone else (API handlers, later the
//! terminal WebSocket and the file manager) holds a cheap, cloneable [`BoardHandle`] and sends
//! the task a [`Command`] with a oneshot channel for the reply. The task runs commands one at a
//! time, so two operations never interleave on one serial line.
//!
//! Two things bypass the queue: an interrupt (a `Notify` that the running operation's reads
//! wait on) and a cancel (a flag that the running transfer checks between chunks). While a
//! write runs, the task publishes its progress as [`Event::Transfer`] on the registry's
//! channel, beside [`Event::BoardsChanged`].

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::time::{Instant, sleep};

use crate::device::{DeviceError, ExecOutput, RawRepl, Timeouts};
use crate::files::{Entry, FileError, Mount, Stat, Synced, TransferState, Watch, Written};
use crate::transport::{BoxTransport, Endpoint, Transport};

/// How many commands may wait for a busy board before senders wait too.
const QUEUE_DEPTH: usize = 16;
/// How many events may wait for a slow `/api/events` page (one that falls further behind
/// is told the boards changed, and reads the list again).
const EVENTS_DEPTH: usize = 256;
/// A transfer's progress is published at most this often (its end always).
const PROGRESS_EVERY: Duration = Duration::from_millis(100);
/// How many pieces of terminal output may wait for a slow page. The board's task never
/// waits for the page (that would stall every operation behind one stalled browser): a page
/// that falls this far behind loses its terminal session and opens a new one.
const SCREEN_DEPTH: usize = 1024;

/// What kind of connection a board is reached by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardKind {
    /// The host build of the firmware on a pseudo-terminal, started by the server.
    Virtual,
    /// A board on a serial port (USB).
    Serial,
    /// A board (or a serial bridge) on a TCP port: `socket://HOST:PORT`.
    Socket,
    /// A board's WebREPL (`ws://HOST:8266`).
    WebRepl,
}

/// USB identity of a board, when it is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsbInfo {
    pub vid: u16,
    pub pid: u16,
    pub manufacturer: Option<String>,
    pub product: Option<String>,
    pub serial_number: Option<String>,
}

/// What the server knows about a board, independent of its connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardInfo {
    /// Stable id used in URLs (`virtual`, or derived from the port).
    pub id: String,
    /// Name shown in the board picker.
    pub name: String,
    pub kind: BoardKind,
    /// Serial port path, e.g. `/dev/ttyACM0` or `/dev/pts/5`.
    pub port: String,
    pub usb: Option<UsbInfo>,
    /// How the connection is opened.
    pub endpoint: Endpoint,
    /// Registered by the port watcher (and so forgotten when the port goes away).
    pub plugged: bool,
}

/// USB chips whose RTS and DTR may drive an ESP32's EN and IO0 (vendor, product or `None`
/// for any of the vendor's): the serial bridges of ESP32 boards' auto-reset circuit, and
/// Espressif's own USB serial/JTAG, which does the same inside the chip. (Espressif's TinyUSB
/// CDC ports see the lines only as bits, so they aren't here.) A bridge may serve a board
/// without the circuit, so a pulse that brings no boot text falls back to `machine.reset()`.
const LINE_RESET_CHIPS: &[(u16, Option<u16>)] = &[
    (0x303a, Some(0x1001)),
    (0x10c4, None),
    (0x1a86, None),
    (0x0403, None),
];
/// How long RTS holds EN low (esptool holds USB serial/JTAG chips a little longer).
const RESET_PULSE: Duration = Duration::from_millis(200);
/// How long a board reset by its lines has to show that it restarted (the ROM's boot text).
const BOOT_TEXT_WITHIN: Duration = Duration::from_millis(1500);

impl BoardInfo {
    /// A board reached by `endpoint`, named by its port.
    pub fn new(id: String, endpoint: Endpoint) -> BoardInfo {
        let kind = match endpoint {
            Endpoint::Serial(_) => BoardKind::Serial,
            Endpoint::Socket(_) => BoardKind::Socket,
            Endpoint::WebRepl { .. } => BoardKind::WebRepl,
        };
        BoardInfo {
            id,
            name: endpoint.port(),
            kind,
            port: endpoint.port(),
            usb: None,
            endpoint,
            plugged: false,
        }
    }

    /// The id of a board at `port`: its characters that are safe in a URL.
    pub fn id_for(port: &str) -> String {
        port.trim_start_matches("/dev/")
            .replace("://", "-")
            .trim_matches('/')
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect()
    }

    /// Whether a hard reset goes by the DTR/RTS lines rather than `machine.reset()`.
    pub fn resets_by_lines(&self) -> bool {
        self.kind == BoardKind::Serial
            && self.usb.as_ref().is_some_and(|u| {
                LINE_RESET_CHIPS
                    .iter()
                    .any(|&(vid, pid)| vid == u.vid && pid.is_none_or(|p| p == u.pid))
            })
    }
}

/// A request to a board's task.
pub enum Command {
    /// Run code in the raw REPL and return its output.
    Exec {
        code: String,
        reply: oneshot::Sender<Result<ExecOutput, DeviceError>>,
    },
    /// Run code, its output streamed as it comes.
    Run {
        code: String,
        output: mpsc::UnboundedSender<Vec<u8>>,
        /// What the user types for the program.
        input: mpsc::UnboundedReceiver<Vec<u8>>,
        reply: oneshot::Sender<Result<ExecOutput, DeviceError>>,
    },
    /// Open the terminal session (replacing one already open).
    Terminal {
        keys: mpsc::Receiver<Vec<u8>>,
        screen: mpsc::Sender<Vec<u8>>,
        reply: oneshot::Sender<Result<(), DeviceError>>,
    },
    /// Open the connection now.
    Connect {
        reply: oneshot::Sender<Result<(), DeviceError>>,
    },
    /// Close the connection (the port is free for other programs until the next operation).
    Disconnect { reply: oneshot::Sender<()> },
    /// A soft or hard reset.
    Reset {
        hard: bool,
        reply: oneshot::Sender<Result<(), DeviceError>>,
    },
    /// A file operation (one raw-REPL session).
    File {
        op: FileOp,
        reply: oneshot::Sender<Result<FileAnswer, FileError>>,
    },
}

/// What a file operation does on the board (see [`crate::files`]).
pub enum FileOp {
    List {
        path: String,
        recursive: bool,
    },
    Read {
        path: String,
    },
    Write {
        path: String,
        data: Vec<u8>,
    },
    Remove {
        path: String,
        recursive: bool,
    },
    Mkdir {
        path: String,
    },
    Rename {
        from: String,
        to: String,
    },
    Stat {
        path: String,
    },
    Df,
    /// Write the files (board path under `dir`, bytes) whose SHA-256 differs from the
    /// board's copy (with `dry_run`, only find which those are).
    Sync {
        dir: String,
        files: Vec<(String, Vec<u8>)>,
        dry_run: bool,
    },
}

/// What a file operation gives back.
pub enum FileAnswer {
    Entries(Vec<Entry>),
    Data(Vec<u8>),
    Written(Written),
    Stat(Stat),
    Mounts(Vec<Mount>),
    Synced(Synced),
    Done,
}

/// What the registry announces (`/api/events`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The list of boards, or a board's connection, changed.
    BoardsChanged,
    /// A write to a board went on, or ended.
    Transfer(Transfer),
}

/// How far a write to a board has got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// The board's id.
    pub board: String,
    /// The file's board path.
    pub path: String,
    /// Bytes on the board so far.
    pub done: u64,
    /// Bytes in all.
    pub total: u64,
    pub state: TransferState,
}

/// The flag of the transfer running on a board, if one runs (shared by the handle, which
/// raises it, and the task, which installs it and checks it).
type CancelSlot = Arc<Mutex<Option<Arc<AtomicBool>>>>;

/// What the server knows about a board now, shared by its handles and its task: the task
/// replaces it when a board that moves (see [`BoardHandle::spawn_following`]) is reached
/// at another address.
type SharedInfo = Arc<RwLock<Arc<BoardInfo>>>;

/// Where a board that moves is now: `None` while it is away (the virtual board's process
/// being started again), then its new address.
pub type Whereabouts = watch::Receiver<Option<Endpoint>>;

/// Why a request to a board failed.
#[derive(Debug)]
pub enum BoardError {
    /// The board's task has ended (its connection was lost).
    Disconnected,
    /// The board was reached but the operation failed.
    Device(DeviceError),
}

impl fmt::Display for BoardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BoardError::Disconnected => write!(f, "the board is disconnected"),
            BoardError::Device(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for BoardError {}

/// A cheap handle to a board: its description and the way to its task.
#[derive(Clone)]
pub struct BoardHandle {
    info: SharedInfo,
    commands: mpsc::Sender<Command>,
    interrupt: Arc<tokio::sync::Notify>,
    cancel: CancelSlot,
    /// Where the task publishes transfers: the registry's channel, once the board is in one.
    events: Arc<OnceLock<broadcast::Sender<Event>>>,
    /// Whether the task holds an open connection now (it opens one when an operation needs
    /// it, and drops it when it is lost or on request).
    connected: watch::Receiver<bool>,
}

impl BoardHandle {
    /// Starts the board's task and returns a handle to it. With `connection`, the task starts
    /// connected; without, nothing is opened until an operation needs the board (a board
    /// found by the port watcher is not touched just because it was plugged in).
    pub fn spawn(
        info: BoardInfo,
        connection: Option<BoxTransport>,
        timeouts: Timeouts,
    ) -> BoardHandle {
        Self::spawn_with(info, connection, timeouts, None)
    }

    /// As [`BoardHandle::spawn`], for a board whose address changes while the server runs:
    /// the virtual board, whose process is started again at a new pty when it ends.
    /// `whereabouts` says where it is; a connection open when it changes is to the board's
    /// old self, so it is closed, and opened again at the new address at once (unless the
    /// board was disconnected on request). The board's `port` and `endpoint` follow.
    pub fn spawn_following(
        info: BoardInfo,
        connection: Option<BoxTransport>,
        timeouts: Timeouts,
        whereabouts: Whereabouts,
    ) -> BoardHandle {
        Self::spawn_with(info, connection, timeouts, Some(whereabouts))
    }

    fn spawn_with(
        info: BoardInfo,
        connection: Option<BoxTransport>,
        timeouts: Timeouts,
        whereabouts: Option<Whereabouts>,
    ) -> BoardHandle {
        let (commands, queue) = mpsc::channel(QUEUE_DEPTH);
        let interrupt = Arc::new(tokio::sync::Notify::new());
        let cancel = CancelSlot::default();
        let events = Arc::new(OnceLock::new());
        let (connected_tx, connected) = watch::channel(connection.is_some());
        let repl =
            connection.map(|io| RawRepl::with_interrupter(io, timeouts.clone(), interrupt.clone()));
        let id = info.id.clone();
        let endpoint = info.endpoint.clone();
        let resets_by_lines = info.resets_by_lines();
        let info: SharedInfo = Arc::new(RwLock::new(Arc::new(info)));
        let task = BoardTask {
            id,
            endpoint,
            info: info.clone(),
            whereabouts,
            away: false,
            awaiting_word: false,
            resets_by_lines,
            timeouts,
            interrupt: interrupt.clone(),
            cancel: cancel.clone(),
            events: events.clone(),
            connected: connected_tx,
            repl,
            terminal: None,
            reopen_until: None,
        };
        tokio::spawn(task.run(queue));
        BoardHandle {
            info,
            commands,
            interrupt,
            cancel,
            events,
            connected,
        }
    }

    /// What the server knows about the board now.
    pub fn info(&self) -> Arc<BoardInfo> {
        self.info.read().expect("board info lock").clone()
    }

    /// True while the board's task holds an open connection.
    pub fn is_connected(&self) -> bool {
        !self.commands.is_closed() && *self.connected.borrow()
    }

    /// Opens the connection now, if it isn't open (operations open it themselves).
    pub async fn connect(&self) -> Result<(), BoardError> {
        let (reply, answer) = oneshot::channel();
        self.request(Command::Connect { reply }).await?;
        answer
            .await
            .map_err(|_| BoardError::Disconnected)?
            .map_err(BoardError::Device)
    }

    /// Closes the connection, so that another program can open the port; the board stays
    /// listed, and the next operation opens it again.
    pub async fn disconnect(&self) -> Result<(), BoardError> {
        let (reply, answer) = oneshot::channel();
        self.request(Command::Disconnect { reply }).await?;
        answer.await.map_err(|_| BoardError::Disconnected)
    }

    /// Runs `code` on the board (after any commands queued before it).
    pub async fn exec(&self, code: String) -> Result<ExecOutput, BoardError> {
        let (reply, answer) = oneshot::channel();
        self.request(Command::Exec { code, reply }).await?;
        answer
            .await
            .map_err(|_| BoardError::Disconnected)?
            .map_err(BoardError::Device)
    }

    /// Opens the board's terminal: send keystrokes into the first channel, read what the
    /// board prints from the second. Operations pause it while they run.
    pub async fn terminal(
        &self,
    ) -> Result<(mpsc::Sender<Vec<u8>>, mpsc::Receiver<Vec<u8>>), BoardError> {
        let (keys_tx, keys) = mpsc::channel(64);
        let (screen, screen_rx) = mpsc::channel(SCREEN_DEPTH);
        let (reply, answer) = oneshot::channel();
        self.request(Command::Terminal {
            keys,
            screen,
            reply,
        })
        .await?;
        answer
            .await
            .map_err(|_| BoardError::Disconnected)?
            .map_err(BoardError::Device)?;
        Ok((keys_tx, screen_rx))
    }

    /// Runs `code`, streaming its output into `output` as it arrives; the outcome at the end.
    pub async fn run(
        &self,
        code: String,
        output: mpsc::UnboundedSender<Vec<u8>>,
        input: mpsc::UnboundedReceiver<Vec<u8>>,
    ) -> Result<ExecOutput, BoardError> {
        let (reply, answer) = oneshot::channel();
        self.request(Command::Run {
            code,
            output,
            input,
            reply,
        })
        .await?;
        answer
            .await
            .map_err(|_| BoardError::Disconnected)?
            .map_err(BoardError::Device)
    }

    /// Interrupts the operation running now (Ctrl-C to the board), without waiting for the
    /// queue.
    pub fn interrupt(&self) {
        self.interrupt.notify_waiters();
    }

    /// Cancels the transfer running now (a file write, or a sync), without waiting for the
    /// queue: it stops before its next chunk or file. True if one was running; with none,
    /// nothing happens (a transfer that starts later isn't affected).
    pub fn cancel(&self) -> bool {
        match &*self.cancel.lock().expect("cancel slot") {
            Some(flag) => {
                flag.store(true, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }

    /// Soft reset (the raw REPL's Ctrl-D) or hard reset (the DTR/RTS lines of an ESP32
    /// board's auto-reset circuit, else `machine.reset()`).
    pub async fn reset(&self, hard: bool) -> Result<(), BoardError> {
        let (reply, answer) = oneshot::channel();
        self.request(Command::Reset { hard, reply }).await?;
        answer
            .await
            .map_err(|_| BoardError::Disconnected)?
            .map_err(BoardError::Device)
    }

    /// Runs a file operation on the board (after any commands queued before it).
    pub async fn file(&self, op: FileOp) -> Result<FileAnswer, FileError> {
        let (reply, answer) = oneshot::channel();
        let lost = || {
            FileError::Device(DeviceError::Closed {
                waiting_for: "the board's task",
            })
        };
        self.request(Command::File { op, reply })
            .await
            .map_err(|_| lost())?;
        answer.await.map_err(|_| lost())?
    }

    async fn request(&self, command: Command) -> Result<(), BoardError> {
        self.commands
            .send(command)
            .await
            .map_err(|_| BoardError::Disconnected)
    }
}

/// After a connection is lost (a USB board resetting drops off the bus and comes back) or a
/// hard reset, opening the port again is retried for this long.
const REOPEN_GRACE: Duration = Duration::from_secs(5);
const REOPEN_PAUSE: Duration = Duration::from_millis(200);

/// The board's task and everything it owns.
struct BoardTask {
    id: String,
    /// Where the board is reached now.
    endpoint: Endpoint,
    /// What the handles show (`port` and `endpoint` follow a board that moves).
    info: SharedInfo,
    /// Where a board that moves is (see [`BoardHandle::spawn_following`]); `None` for the
    /// others, and once nobody will say any more (the server is stopping).
    whereabouts: Option<Whereabouts>,
    /// The whereabouts said the board is away: there is nothing to open until it is back.
    away: bool,
    /// A board that moves lost its connection, and its whereabouts haven't spoken since. Its
    /// old address may not come back (the kernel hands a freed pty to the next program that
    /// asks, and that could be anyone's terminal), so for [`REOPEN_GRACE`] only a new word
    /// says where to open it again; after that the old address is tried (the board was alive
    /// after all).
    awaiting_word: bool,
    resets_by_lines: bool,
    timeouts: Timeouts,
    interrupt: Arc<tokio::sync::Notify>,
    cancel: CancelSlot,
    events: Arc<OnceLock<broadcast::Sender<Event>>>,
    connected: watch::Sender<bool>,
    /// The open connection, if any.
    repl: Option<RawRepl<BoxTransport>>,
    /// The terminal session, if one is open: keystrokes in, the board's bytes out.
    terminal: Option<Terminal>,
    /// Until when opening is retried (see [`REOPEN_GRACE`]).
    reopen_until: Option<Instant>,
}

/// An open terminal session of a board.
struct Terminal {
    keys: mpsc::Receiver<Vec<u8>>,
    screen: mpsc::Sender<Vec<u8>>,
    /// The screen's last bytes were the friendly prompt, so it needs no new one after a
    /// quiet operation (a file listing, an exec): only a run, a reset, or a line left half
    /// typed (which the raw REPL's entry clears on the board) calls for the prompt again.
    at_prompt: bool,
}

impl BoardTask {
    /// Runs commands one at a time until every handle is gone, serving the terminal
    /// between them.
    async fn run(mut self, mut queue: mpsc::Receiver<Command>) {
        tracing::info!(board = %self.id, "board task started");
        loop {
            let serving = self.terminal.is_some() && self.repl.is_some();
            let command = tokio::select! {
                command = queue.recv() => match command {
                    Some(c) => c,
                    None => break,
                },
                keys = async { self.terminal.as_mut().expect("guarded").keys.recv().await },
                    if serving =>
                {
                    match keys {
                        Some(keys) => {
                            let repl = self.repl.as_mut().expect("guarded");
                            if let Err(e) = repl.send_raw(&keys).await {
                                self.lost(&e);
                            }
                        }
                        // The client went away.
                        None => self.terminal = None,
                    }
                    continue;
                }
                word = async { self.whereabouts.as_mut().expect("guarded").changed().await },
                    if self.whereabouts.is_some() =>
                {
                    match word {
                        Ok(()) => self.follow().await,
                        // Nobody will say where the board goes any more.
                        Err(_) => self.whereabouts = None,
                    }
                    continue;
                }
                bytes = async { self.repl.as_mut().expect("guarded").receive_some().await },
                    if serving =>
                {
                    match bytes {
                        Ok(bytes) => {
                            let terminal = self.terminal.as_mut().expect("guarded");
                            terminal.at_prompt = bytes.ends_with(b">>> ");
                            if let Err(e) = terminal.screen.try_send(bytes) {
                                if matches!(e, mpsc::error::TrySendError::Full(_)) {
                                    tracing::warn!(board = %self.id, "the terminal's page is not reading; closing its session");
                                }
                                self.terminal = None;
                            }
                        }
                        Err(e) => self.lost(&e),
                    }
                    continue;
                }
            };
            self.command(command).await;
        }
        tracing::info!(board = %self.id, "board task ended");
    }

    /// The open connection, opening it first if needed.
    async fn connection(&mut self) -> Result<&mut RawRepl<BoxTransport>, DeviceError> {
        self.take_word();
        // A line whose other end has hung up (a board unplugged, the virtual board's process
        // gone) is noticed before an operation is lost on it, and opened again.
        if let Some(repl) = &mut self.repl
            && repl.io_mut().hung_up()
        {
            self.lost(&"the other end hung up");
        }
        if self.repl.is_none() {
            let io = loop {
                self.take_word();
                let grace = self.reopen_until.filter(|&until| Instant::now() < until);
                let attempt = if self.away || (self.awaiting_word && grace.is_some()) {
                    Err(std::io::Error::other(format!(
                        "the board at {} went away and is not back",
                        self.endpoint.port()
                    )))
                } else {
                    self.endpoint.open().await
                };
                match attempt {
                    Ok(io) => break io,
                    Err(_) if grace.is_some() => self.pause().await,
                    Err(e) => return Err(DeviceError::Io(e)),
                }
            };
            tracing::info!(board = %self.id, port = %self.endpoint.port(), "connected");
            self.reopen_until = None;
            self.awaiting_word = false;
            let mut repl =
                RawRepl::with_interrupter(io, self.timeouts.clone(), self.interrupt.clone());
            repl.set_soft_reset_drops_link(matches!(self.endpoint, Endpoint::WebRepl { .. }));
            self.repl = Some(repl);
            self.connected.send_replace(true);
        }
        Ok(self.repl.as_mut().expect("just opened"))
    }

    /// The connection is gone: close it (and the terminal with it), and be ready to open
    /// it again.
    fn lost(&mut self, reason: &dyn fmt::Display) {
        tracing::warn!(board = %self.id, "connection lost: {reason}");
        self.close_until_back();
        self.awaiting_word = self.whereabouts.is_some();
    }

    /// Waits [`REOPEN_PAUSE`] before opening again, or less if the board's whereabouts
    /// change (the change is left for [`BoardTask::take_word`]).
    async fn pause(&mut self) {
        if let Some(whereabouts) = &mut self.whereabouts {
            match tokio::time::timeout(REOPEN_PAUSE, whereabouts.changed()).await {
                Ok(Ok(())) => whereabouts.mark_changed(),
                Ok(Err(_)) => {
                    self.whereabouts = None;
                    sleep(REOPEN_PAUSE).await;
                }
                Err(_elapsed) => {}
            }
        } else {
            sleep(REOPEN_PAUSE).await;
        }
    }

    /// The board's whereabouts changed (and were marked seen): heed them, and connect at a
    /// new address at once if the board was connected, or coming back from a loss.
    async fn follow(&mut self) {
        let wanted = self.repl.is_some() || self.reopen_until.is_some();
        let Some(whereabouts) = &mut self.whereabouts else {
            return;
        };
        let word = whereabouts.borrow_and_update().clone();
        if self.heed(word)
            && wanted
            && let Err(e) = self.connection().await
        {
            tracing::warn!(board = %self.id, "cannot connect at the new address: {e}");
        }
    }

    /// Takes in the board's whereabouts if they changed since last looked at (see
    /// [`BoardTask::heed`]).
    fn take_word(&mut self) {
        let Some(whereabouts) = &mut self.whereabouts else {
            return;
        };
        match whereabouts.has_changed() {
            Ok(true) => {
                let word = whereabouts.borrow_and_update().clone();
                self.heed(word);
            }
            Ok(false) => {}
            Err(_) => self.whereabouts = None,
        }
    }

    /// The board's whereabouts changed: a connection open now is to the board's old self,
    /// so it is lost; the board is away (`None`) or at a new address, which the board's
    /// info shows from now on. True for a new address.
    fn heed(&mut self, word: Option<Endpoint>) -> bool {
        if self.repl.is_some() {
            self.lost(&"the board went away");
        }
        self.awaiting_word = false;
        let Some(endpoint) = word else {
            self.away = true;
            return false;
        };
        self.away = false;
        tracing::info!(board = %self.id, port = %endpoint.port(), "the board is at a new address");
        {
            let mut info = self.info.write().expect("board info lock");
            let mut moved = BoardInfo::clone(&info);
            moved.port = endpoint.port();
            moved.endpoint = endpoint.clone();
            *info = Arc::new(moved);
        }
        self.endpoint = endpoint;
        if let Some(events) = self.events.get() {
            let _ = events.send(Event::BoardsChanged);
        }
        true
    }

    /// Closes the connection of a board that is going away for a moment (lost, or
    /// resetting), and retries opening it for [`REOPEN_GRACE`].
    fn close_until_back(&mut self) {
        self.close();
        self.reopen_until = Some(Instant::now() + REOPEN_GRACE);
    }

    fn close(&mut self) {
        self.repl = None;
        self.terminal = None;
        self.connected.send_replace(false);
    }

    /// Runs one command, with the terminal paused: keystrokes wait in their channel, and
    /// what the operation exchanges with the board isn't shown.
    async fn command(&mut self, command: Command) {
        // A run's output and a reset's reboot leave the screen somewhere else than the prompt.
        let moves_screen = matches!(command, Command::Run { .. } | Command::Reset { .. });
        match command {
            Command::Connect { reply } => {
                let result = self.connection().await.map(|_| ());
                let _ = reply.send(result);
                return;
            }
            Command::Disconnect { reply } => {
                if self.repl.is_some() {
                    tracing::info!(board = %self.id, "disconnected on request");
                }
                self.close();
                self.reopen_until = None;
                let _ = reply.send(());
                return;
            }
            Command::Terminal {
                keys,
                screen,
                reply,
            } => {
                let result = self.connection().await.map(|_| ());
                if result.is_ok() {
                    self.terminal = Some(Terminal {
                        keys,
                        screen,
                        at_prompt: false,
                    });
                }
                let _ = reply.send(result);
                return;
            }
            Command::Exec { code, reply } => {
                let result = match self.connection().await {
                    Ok(repl) => repl.exec(&code).await,
                    Err(e) => Err(e),
                };
                self.settle(result.as_ref().err());
                let _ = reply.send(result);
            }
            Command::Run {
                code,
                output,
                input,
                reply,
            } => {
                let result = match self.connection().await {
                    Ok(repl) => repl.exec_streaming(&code, output, input).await,
                    Err(e) => Err(e),
                };
                self.settle(result.as_ref().err());
                let _ = reply.send(result);
            }
            Command::Reset { hard, reply } => {
                let result = self.reset(hard).await;
                self.settle(result.as_ref().err());
                let _ = reply.send(result);
            }
            Command::File { op, reply } => {
                // A transfer can be cancelled while it runs (and only then).
                let flag = Arc::new(AtomicBool::new(false));
                let transfer = matches!(op, FileOp::Write { .. } | FileOp::Sync { .. });
                if transfer {
                    *self.cancel.lock().expect("cancel slot") = Some(flag.clone());
                }
                let mut publisher = Publisher {
                    board: self.id.clone(),
                    events: self.events.get().cloned(),
                    cancel: flag,
                    last: None,
                };
                let result = match self.connection().await {
                    Ok(repl) => run_file_op(repl, op, &mut publisher).await,
                    Err(e) => Err(FileError::Device(e)),
                };
                if transfer {
                    *self.cancel.lock().expect("cancel slot") = None;
                }
                let device = match &result {
                    Err(FileError::Device(e)) => Some(e),
                    Err(FileError::Cancelled) => {
                        tracing::info!(board = %self.id, "transfer cancelled on request");
                        None
                    }
                    Err(e) => {
                        tracing::warn!(board = %self.id, "file operation failed: {e}");
                        None
                    }
                    Ok(_) => None,
                };
                self.settle(device);
                let _ = reply.send(result);
            }
        }
        if let Some(t) = &mut self.terminal
            && (moves_screen || !t.at_prompt)
        {
            // Back at the friendly prompt: show it.
            let _ = t.screen.try_send(b"\r\n>>> ".to_vec());
            t.at_prompt = true;
        }
    }

    /// After an operation: a lost connection is closed (the requester hears why).
    fn settle(&mut self, error: Option<&DeviceError>) {
        match error {
            Some(e) if e.is_disconnect() && self.repl.is_some() => self.lost(e),
            Some(e) if e.is_disconnect() => {}
            // A network link that went silent may be half open (the board's Wi-Fi dropped,
            // it came back at another address): open a fresh one next time.
            Some(e @ DeviceError::Timeout { .. })
                if !matches!(self.endpoint, Endpoint::Serial(_)) && self.repl.is_some() =>
            {
                self.lost(e)
            }
            Some(e) => tracing::warn!(board = %self.id, "operation failed: {e}"),
            None => {}
        }
    }

    /// A soft reset, or a hard one: an ESP32 board's auto-reset circuit pulses EN low when
    /// RTS is asserted with DTR not (DTR asserted too would hold IO0 low and start the ROM
    /// bootloader instead); other boards are asked with `machine.reset()`. A USB board that
    /// resets drops off the bus, so the connection is closed and opened again when needed.
    async fn reset(&mut self, hard: bool) -> Result<(), DeviceError> {
        let webrepl = matches!(self.endpoint, Endpoint::WebRepl { .. });
        let by_lines = hard && self.resets_by_lines;
        let id = self.id.clone();
        let repl = self.connection().await?;
        if by_lines {
            let io = repl.io_mut();
            let pulse = async {
                io.set_lines(false, true)?;
                sleep(RESET_PULSE).await;
                io.set_lines(false, false)
            };
            pulse.await.map_err(DeviceError::Io)?;
            match repl.listen(BOOT_TEXT_WITHIN).await {
                // Boot text, or a USB serial/JTAG chip dropping off the bus as it resets.
                Ok(n) if n > 0 => tracing::info!(board = %id, "hard reset by DTR/RTS"),
                Err(e) if e.is_disconnect() => {
                    tracing::info!(board = %id, "hard reset by DTR/RTS")
                }
                _ => {
                    tracing::info!(board = %id, "no boot text after the DTR/RTS pulse; machine.reset()");
                    repl.reset(true).await?;
                }
            }
        } else {
            match repl.reset(hard).await {
                // A WebREPL board closes its sockets when it soft-resets (boot.py starts
                // the WebREPL again): that is the reset done.
                Err(e) if webrepl && e.is_disconnect() => {}
                result => result?,
            }
            if !hard && !webrepl {
                return Ok(());
            }
        }
        // A USB board drops off the bus while it restarts: open it again when it is back.
        self.close_until_back();
        Ok(())
    }
}

/// Publishes a board's transfers as [`Event::Transfer`], at most every [`PROGRESS_EVERY`]
/// while one runs, and says whether the transfer was cancelled.
struct Publisher {
    board: String,
    events: Option<broadcast::Sender<Event>>,
    cancel: Arc<AtomicBool>,
    /// The path and time of the last progress published.
    last: Option<(String, Instant)>,
}

impl Watch for Publisher {
    fn report(&mut self, path: &str, done: u64, total: u64, state: TransferState) {
        if state == TransferState::Running {
            if let Some((last, at)) = &self.last
                && last == path
                && at.elapsed() < PROGRESS_EVERY
            {
                return;
            }
            self.last = Some((path.to_string(), Instant::now()));
        }
        if let Some(events) = &self.events {
            let _ = events.send(Event::Transfer(Transfer {
                board: self.board.clone(),
                path: path.to_string(),
                done,
                total,
                state,
            }));
        }
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

async fn run_file_op(
    repl: &mut RawRepl<BoxTransport>,
    op: FileOp,
    watch: &mut dyn Watch,
) -> Result<FileAnswer, FileError> {
    Ok(match op {
        FileOp::List { path, recursive } => {
            FileAnswer::Entries(repl.list_dir(&path, recursive).await?)
        }
        FileOp::Read { path } => FileAnswer::Data(repl.read_file(&path).await?),
        FileOp::Write { path, data } => {
            FileAnswer::Written(repl.write_file(&path, &data, watch).await?)
        }
        FileOp::Remove { path, recursive } => {
            repl.remove(&path, recursive).await?;
            FileAnswer::Done
        }
        FileOp::Mkdir { path } => {
            repl.mkdir(&path).await?;
            FileAnswer::Done
        }
        FileOp::Rename { from, to } => {
            repl.rename(&from, &to).await?;
            FileAnswer::Done
        }
        FileOp::Stat { path } => FileAnswer::Stat(repl.stat(&path).await?),
        FileOp::Df => FileAnswer::Mounts(repl.df().await?),
        FileOp::Sync {
            dir,
            files,
            dry_run,
        } => FileAnswer::Synced(repl.sync(&dir, files, dry_run, watch).await?),
    })
}

/// Every board the server knows, by id.
pub struct Boards {
    boards: RwLock<BTreeMap<String, BoardHandle>>,
    /// What `/api/events` tells: the list or a board's connection changed, a transfer's
    /// progress.
    changes: broadcast::Sender<Event>,
}

impl Default for Boards {
    fn default() -> Self {
        Boards {
            boards: RwLock::default(),
            changes: broadcast::channel(EVENTS_DEPTH).0,
        }
    }
}

impl Boards {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a board, replacing any board with the same id.
    pub fn insert(&self, board: BoardHandle) {
        let id = board.info().id.clone();
        // The board's task publishes its transfers here.
        let _ = board.events.set(self.changes.clone());
        // A board's connection opening or closing is a change too (until its task ends).
        let mut connected = board.connected.clone();
        let changes = self.changes.clone();
        tokio::spawn(async move {
            while connected.changed().await.is_ok() {
                let _ = changes.send(Event::BoardsChanged);
            }
            let _ = changes.send(Event::BoardsChanged);
        });
        self.boards
            .write()
            .expect("board registry lock")
            .insert(id, board);
        let _ = self.changes.send(Event::BoardsChanged);
    }

    /// Forgets a board: its task ends (closing its connection) once the operations that
    /// hold it now are done.
    pub fn remove(&self, id: &str) -> Option<BoardHandle> {
        let removed = self.boards.write().expect("board registry lock").remove(id);
        if removed.is_some() {
            let _ = self.changes.send(Event::BoardsChanged);
        }
        removed
    }

    /// Events to come: each time the board list (or a connection) changes, and the
    /// progress of every board's transfers.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.changes.subscribe()
    }

    pub fn get(&self, id: &str) -> Option<BoardHandle> {
        self.boards
            .read()
            .expect("board registry lock")
            .get(id)
            .cloned()
    }

    /// All boards, ordered by id.
    pub fn list(&self) -> Vec<BoardHandle> {
        self.boards
            .read()
            .expect("board registry lock")
            .values()
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use tokio::io::{AsyncRead, AsyncWrite, DuplexStream, ReadBuf};

    /// Each (DTR, RTS) a line was set to.
    type Settings = Arc<std::sync::Mutex<Vec<(bool, bool)>>>;

    /// A serial line that records what its DTR and RTS lines are set to.
    struct Lines {
        io: DuplexStream,
        set: Settings,
    }

    impl AsyncRead for Lines {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<std::io::Result<()>> {
            Pin::new(&mut self.io).poll_read(cx, buf)
        }
    }

    impl AsyncWrite for Lines {
        fn poll_write(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<std::io::Result<usize>> {
            Pin::new(&mut self.io).poll_write(cx, buf)
        }
        fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Pin::new(&mut self.io).poll_flush(cx)
        }
        fn poll_shutdown(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<std::io::Result<()>> {
            Pin::new(&mut self.io).poll_shutdown(cx)
        }
    }

    impl Transport for Lines {
        fn set_lines(&mut self, dtr: bool, rts: bool) -> std::io::Result<bool> {
            self.set.lock().unwrap().push((dtr, rts));
            Ok(true)
        }
    }

    fn board(vid: u16) -> (BoardInfo, Lines, DuplexStream, Settings) {
        let mut info = BoardInfo::new(
            "ttyUSB0".to_string(),
            Endpoint::Serial("/nonexistent/ttyUSB0".to_string()),
        );
        info.usb = Some(UsbInfo {
            vid,
            pid: 0xea60,
            manufacturer: None,
            product: None,
            serial_number: None,
        });
        let (ours, theirs) = tokio::io::duplex(1024);
        let set = Arc::default();
        let lines = Lines {
            io: ours,
            set: Arc::clone(&set),
        };
        (info, lines, theirs, set)
    }

    /// An ESP32 behind a CP210x is hard-reset by holding EN low through RTS with DTR
    /// released (never both asserted, never DTR alone: that would start the ROM
    /// bootloader), and nothing is sent on the line for it once the board shows its boot
    /// text.
    #[tokio::test]
    async fn an_esp32_is_hard_reset_by_its_lines() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (info, lines, mut line, set) = board(0x10c4);
        assert!(info.resets_by_lines());
        let handle = BoardHandle::spawn(info, Some(Box::new(lines)), Timeouts::default());
        let pulsed = Arc::clone(&set);
        let chip = tokio::spawn(async move {
            while pulsed.lock().unwrap().len() < 2 {
                sleep(Duration::from_millis(5)).await;
            }
            line.write_all(b"ets Jul 29 2019 12:21:46\r\n\r\nrst:0x1 (POWERON_RESET)\r\n")
                .await
                .unwrap();
            let mut sent = Vec::new();
            let _ =
                tokio::time::timeout(Duration::from_millis(100), line.read_to_end(&mut sent)).await;
            sent
        });
        handle.reset(true).await.unwrap();
        assert_eq!(*set.lock().unwrap(), [(false, true), (false, false)]);
        assert!(
            chip.await.unwrap().is_empty(),
            "nothing is sent for a line reset"
        );
        // The connection is closed for the board to come back (a USB board re-enumerates).
        assert!(!handle.is_connected());
    }

    /// A bridge without the auto-reset circuit: the pulse brings no boot text, so the
    /// board is asked with `machine.reset()`, which starts by interrupting it.
    #[tokio::test]
    async fn a_pulse_without_boot_text_falls_back_to_machine_reset() {
        use tokio::io::AsyncReadExt;
        let (info, lines, mut line, set) = board(0x1a86);
        let quick = Timeouts {
            reply: Duration::from_millis(200),
            output: Duration::from_millis(200),
            drain_quiet: Duration::from_millis(20),
            drain_max: Duration::from_millis(100),
        };
        let handle = BoardHandle::spawn(info, Some(Box::new(lines)), quick);
        // This line never answers, so the reset fails in the end; what matters is what went out.
        let _ = handle.reset(true).await;
        assert_eq!(set.lock().unwrap().len(), 2);
        let mut sent = vec![0u8; 3];
        line.read_exact(&mut sent).await.unwrap();
        assert_eq!(sent, b"\r\x03\x03");
    }

    /// Progress goes out at most every [`PROGRESS_EVERY`] per transfer, a new file's start
    /// and every end at once.
    #[tokio::test]
    async fn progress_is_published_at_most_ten_times_a_second() {
        let (events, mut heard) = broadcast::channel(64);
        let mut publisher = Publisher {
            board: "b".to_string(),
            events: Some(events),
            cancel: Arc::default(),
            last: None,
        };
        let running = TransferState::Running;
        for done in 0..50 {
            publisher.report("/a", done, 100, running);
        }
        sleep(PROGRESS_EVERY + Duration::from_millis(10)).await;
        publisher.report("/a", 60, 100, running);
        publisher.report("/a", 70, 100, running);
        publisher.report("/a", 100, 100, TransferState::Done);
        publisher.report("/b", 0, 5, running);
        publisher.report("/b", 5, 5, TransferState::Failed);
        let mut got = Vec::new();
        while let Ok(Event::Transfer(t)) = heard.try_recv() {
            got.push((t.path, t.done, t.state));
        }
        let want = [
            ("/a", 0, running),
            ("/a", 60, running),
            ("/a", 100, TransferState::Done),
            ("/b", 0, running),
            ("/b", 5, TransferState::Failed),
        ]
        .map(|(p, d, s)| (p.to_string(), d, s));
        assert_eq!(got, want);
        assert!(!publisher.cancelled());
        publisher.cancel.store(true, Ordering::SeqCst);
        assert!(publisher.cancelled());
    }

    #[test]
    fn other_boards_reset_with_machine_reset() {
        let (info, ..) = board(0x2e8a);
        assert!(!info.resets_by_lines());
        let (mut info, ..) = board(0x303a);
        info.usb.as_mut().unwrap().pid = 0x4001;
        assert!(!info.resets_by_lines(), "TinyUSB CDC has no reset lines");
        info.usb.as_mut().unwrap().pid = 0x1001;
        assert!(info.resets_by_lines(), "USB serial/JTAG has");
        let info = BoardInfo::new("x".into(), Endpoint::Socket("127.0.0.1:1".into()));
        assert!(!info.resets_by_lines());
    }
}
