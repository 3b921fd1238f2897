//! The board registry, and the one task per board that owns its connection.
//!
//! A board's connection is touched only by its task. Everyone else (API handlers, later the
//! terminal WebSocket and the file manager) holds a cheap, cloneable [`BoardHandle`] and sends
//! the task a [`Command`] with a oneshot channel for the reply. The task runs commands one at a
//! time, so two operations never interleave on one serial line.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, RwLock};

use tokio::sync::{mpsc, oneshot};

use crate::device::{DeviceError, ExecOutput, RawRepl, Timeouts};
use crate::files::{Entry, FileError, Written};
use crate::transport::BoxTransport;

/// How many commands may wait for a busy board before senders wait too.
const QUEUE_DEPTH: usize = 16;

/// What kind of connection a board is reached by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardKind {
    /// The host build of the firmware on a pseudo-terminal, started by the server.
    Virtual,
    /// A board on a serial port (USB).
    Serial,
    /// A board (or a serial bridge) on a TCP port: `socket://HOST:PORT`.
    Socket,
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
        reply: oneshot::Sender<Result<ExecOutput, DeviceError>>,
    },
    /// Open the terminal session (replacing one already open).
    Terminal {
        keys: mpsc::Receiver<Vec<u8>>,
        screen: mpsc::Sender<Vec<u8>>,
    },
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
    List { path: String, recursive: bool },
    Read { path: String },
    Write { path: String, data: Vec<u8> },
    Remove { path: String, recursive: bool },
    Mkdir { path: String },
    Rename { from: String, to: String },
}

/// What a file operation gives back.
pub enum FileAnswer {
    Entries(Vec<Entry>),
    Data(Vec<u8>),
    Written(Written),
    Done,
}

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
    info: Arc<BoardInfo>,
    commands: mpsc::Sender<Command>,
    interrupt: Arc<tokio::sync::Notify>,
}

impl BoardHandle {
    /// Starts the task that owns `transport` and returns a handle to it.
    pub fn spawn(info: BoardInfo, transport: BoxTransport, timeouts: Timeouts) -> BoardHandle {
        let (commands, queue) = mpsc::channel(QUEUE_DEPTH);
        let repl = RawRepl::new(transport, timeouts);
        let interrupt = repl.interrupter();
        tokio::spawn(run_board(info.id.clone(), repl, queue));
        BoardHandle {
            info: Arc::new(info),
            commands,
            interrupt,
        }
    }

    pub fn info(&self) -> &BoardInfo {
        &self.info
    }

    /// True while the board's task runs, i.e. while its connection is usable.
    pub fn is_connected(&self) -> bool {
        !self.commands.is_closed()
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
        let (screen, screen_rx) = mpsc::channel(64);
        self.request(Command::Terminal { keys, screen }).await?;
        Ok((keys_tx, screen_rx))
    }

    /// Runs `code`, streaming its output into `output` as it arrives; the outcome at the end.
    pub async fn run(
        &self,
        code: String,
        output: mpsc::UnboundedSender<Vec<u8>>,
    ) -> Result<ExecOutput, BoardError> {
        let (reply, answer) = oneshot::channel();
        self.request(Command::Run {
            code,
            output,
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

    /// Soft reset (the raw REPL's Ctrl-D) or hard reset (`machine.reset()`).
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

/// The board's task: runs commands one at a time until every handle is gone or the
/// connection is lost.
async fn run_board(
    id: String,
    mut repl: RawRepl<BoxTransport>,
    mut queue: mpsc::Receiver<Command>,
) {
    tracing::info!(board = %id, "board task started");
    // The terminal session, if one is open: keystrokes in, the board's bytes out.
    let mut terminal: Option<Terminal> = None;
    loop {
        let command = tokio::select! {
            command = queue.recv() => match command {
                Some(c) => c,
                None => break,
            },
            keys = async { terminal.as_mut().expect("guarded").keys.recv().await },
                if terminal.is_some() =>
            {
                match keys {
                    Some(keys) => {
                        if repl.send_raw(&keys).await.is_err() {
                            break;
                        }
                    }
                    // The client went away.
                    None => terminal = None,
                }
                continue;
            }
            bytes = repl.receive_some(), if terminal.is_some() => {
                match bytes {
                    Ok(bytes) => {
                        let screen = &terminal.as_ref().expect("guarded").screen;
                        if screen.send(bytes).await.is_err() {
                            terminal = None;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(board = %id, "connection lost: {e}");
                        break;
                    }
                }
                continue;
            }
        };
        if let Command::Terminal { keys, screen } = command {
            terminal = Some(Terminal { keys, screen });
            continue;
        }
        // An operation runs with the terminal paused: keystrokes wait in their channel,
        // and what the operation exchanges with the board isn't shown.
        let lost = run_command(&id, &mut repl, command).await;
        if lost {
            break;
        }
        if let Some(t) = &terminal {
            // Back at the friendly prompt: show it.
            let _ = t.screen.send(b"\r\n>>> ".to_vec()).await;
        }
    }
    tracing::info!(board = %id, "board task ended");
}

/// An open terminal session of a board.
struct Terminal {
    keys: mpsc::Receiver<Vec<u8>>,
    screen: mpsc::Sender<Vec<u8>>,
}

/// Run one command; `true` when the connection was lost.
async fn run_command(id: &str, repl: &mut RawRepl<BoxTransport>, command: Command) -> bool {
    match command {
        Command::Exec { code, reply } => {
            let result = repl.exec(&code).await;
            let lost = match &result {
                Err(e) if e.is_disconnect() => Some(e.to_string()),
                Err(e) => {
                    tracing::warn!(board = %id, "exec failed: {e}");
                    None
                }
                Ok(_) => None,
            };
            // The requester may have gone away; the board's state is consistent anyway.
            let _ = reply.send(result);
            if let Some(reason) = &lost {
                tracing::warn!(board = %id, "connection lost: {reason}");
            }
            lost.is_some()
        }
        Command::Run {
            code,
            output,
            reply,
        } => {
            let result = repl.exec_streaming(&code, output).await;
            let lost = matches!(&result, Err(e) if e.is_disconnect());
            let _ = reply.send(result);
            lost
        }
        Command::Reset { hard, reply } => {
            let result = repl.reset(hard).await;
            let lost = matches!(&result, Err(e) if e.is_disconnect());
            let _ = reply.send(result);
            lost
        }
        Command::File { op, reply } => {
            let result = run_file_op(repl, op).await;
            let lost = matches!(&result, Err(FileError::Device(e)) if e.is_disconnect());
            if let Err(e) = &result {
                tracing::warn!(board = %id, "file operation failed: {e}");
            }
            let _ = reply.send(result);
            lost
        }
        Command::Terminal { .. } => unreachable!("opened by the task itself"),
    }
}

async fn run_file_op(
    repl: &mut RawRepl<BoxTransport>,
    op: FileOp,
) -> Result<FileAnswer, FileError> {
    Ok(match op {
        FileOp::List { path, recursive } => {
            FileAnswer::Entries(repl.list_dir(&path, recursive).await?)
        }
        FileOp::Read { path } => FileAnswer::Data(repl.read_file(&path).await?),
        FileOp::Write { path, data } => FileAnswer::Written(repl.write_file(&path, &data).await?),
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
    })
}

/// Every board the server knows, by id.
pub struct Boards {
    boards: RwLock<BTreeMap<String, BoardHandle>>,
    /// Rung whenever the list or a board's connection changes (`/api/events`).
    changes: tokio::sync::broadcast::Sender<()>,
}

impl Default for Boards {
    fn default() -> Self {
        Boards {
            boards: RwLock::default(),
            changes: tokio::sync::broadcast::channel(16).0,
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
        // When the board's task ends (its connection is lost), that is a change too.
        let commands = board.commands.clone();
        let changes = self.changes.clone();
        tokio::spawn(async move {
            commands.closed().await;
            let _ = changes.send(());
        });
        self.boards
            .write()
            .expect("board registry lock")
            .insert(id, board);
        let _ = self.changes.send(());
    }

    /// Changes to come: a message each time the board list (or a connection) changes.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<()> {
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
