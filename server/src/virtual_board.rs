//! The virtual board: `copperhead-board --pty`, started and owned by the server.
//!
//! The board process opens a pseudo-terminal and prints its path on the first line of its
//! stdout; the server then opens that path as a serial port, exactly as it opens a USB board,
//! and registers it as board `virtual`. The process dies with the server: it is killed when
//! [`VirtualBoard`] is dropped or shut down, and on Linux also by the kernel if the server
//! dies without cleaning up (`PR_SET_PDEATHSIG`).

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdout, Command};
use tokio::time::timeout;

use crate::boards::{BoardHandle, BoardInfo, BoardKind, Boards};
use crate::device::Timeouts;
use crate::transport::{DEFAULT_BAUD, Endpoint, open_serial};

/// The board's id in the registry and in URLs.
pub const ID: &str = "virtual";
/// Environment variable that overrides where the board executable is.
pub const BOARD_ENV: &str = "COPPERHEAD_BOARD";
/// How long the board may take to print its pty path.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

/// The running board process. Dropping it kills the process.
pub struct VirtualBoard {
    child: Child,
    /// The pseudo-terminal the board serves its REPL on.
    pub port: String,
}

#[derive(Debug)]
pub enum StartError {
    /// The board executable was not found or could not be started.
    Spawn {
        exe: PathBuf,
        source: std::io::Error,
    },
    /// The board did not print a pty path in time, or printed something else.
    NoPort { exe: PathBuf, detail: String },
    /// The pty could not be opened as a serial port.
    Open(std::io::Error),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Spawn { exe, source } => {
                write!(
                    f,
                    "cannot start the virtual board {}: {source}",
                    exe.display()
                )
            }
            StartError::NoPort { exe, detail } => write!(
                f,
                "the virtual board {} did not report its pty: {detail}",
                exe.display()
            ),
            StartError::Open(e) => write!(f, "cannot open the virtual board's pty: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

/// Where the board executable is: `$COPPERHEAD_BOARD`, or `copperhead-board` next to the
/// server's own executable.
pub fn board_executable() -> PathBuf {
    if let Some(path) = std::env::var_os(BOARD_ENV) {
        return PathBuf::from(path);
    }
    let name = format!("copperhead-board{}", std::env::consts::EXE_SUFFIX);
    match std::env::current_exe() {
        Ok(exe) => exe.with_file_name(name),
        Err(_) => PathBuf::from(name),
    }
}

/// Starts the board, connects to it and registers it in `boards`.
///
/// Call this from the thread that will live as long as the server (the main task), because
/// Linux delivers `PR_SET_PDEATHSIG` when the spawning *thread* exits.
pub async fn start(
    exe: &Path,
    fs: Option<&Path>,
    boards: &Boards,
) -> Result<VirtualBoard, StartError> {
    let board = VirtualBoard::spawn(exe, fs).await?;
    let transport = open_serial(&board.port, DEFAULT_BAUD).map_err(StartError::Open)?;
    let mut info = BoardInfo::new(ID.to_string(), Endpoint::Serial(board.port.clone()));
    info.name = "Virtual board".to_string();
    info.kind = BoardKind::Virtual;
    boards.insert(BoardHandle::spawn(
        info,
        Some(transport),
        Timeouts::default(),
    ));
    Ok(board)
}

impl VirtualBoard {
    /// Runs `exe --pty [--fs DIR]` and reads the pty path from its first line of output.
    pub async fn spawn(exe: &Path, fs: Option<&Path>) -> Result<VirtualBoard, StartError> {
        let mut command = Command::new(exe);
        command.arg("--pty");
        if let Some(dir) = fs {
            command.arg("--fs").arg(dir);
        }
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        die_with_parent(&mut command);
        let mut child = command.spawn().map_err(|source| StartError::Spawn {
            exe: exe.to_path_buf(),
            source,
        })?;

        let no_port = |detail: String| StartError::NoPort {
            exe: exe.to_path_buf(),
            detail,
        };
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut stdout = BufReader::new(stdout);
        let mut first = String::new();
        match timeout(STARTUP_TIMEOUT, stdout.read_line(&mut first)).await {
            Err(_elapsed) => return Err(no_port(format!("nothing within {STARTUP_TIMEOUT:?}"))),
            Ok(Err(e)) => return Err(no_port(e.to_string())),
            Ok(Ok(0)) => return Err(no_port("it exited without output".to_string())),
            Ok(Ok(_)) => {}
        }
        let port = first.trim().to_string();
        if !port.starts_with('/') {
            return Err(no_port(format!("its first line was {port:?}")));
        }
        tokio::spawn(forward_output(stdout));
        tracing::info!(port, exe = %exe.display(), "virtual board started");
        Ok(VirtualBoard { child, port })
    }

    /// Kills the board process and waits for it.
    pub async fn shutdown(mut self) {
        if let Err(e) = self.child.kill().await {
            tracing::warn!("could not stop the virtual board: {e}");
        }
    }
}

/// Passes the board's later stdout to the log, so it never blocks on a full pipe.
async fn forward_output(stdout: BufReader<ChildStdout>) {
    let mut lines = stdout.lines();
    while let Ok(Some(line)) = lines.next_line().await {
        tracing::debug!(target: "copperhead_server::virtual_board", "board: {line}");
    }
}

#[cfg(target_os = "linux")]
fn die_with_parent(command: &mut Command) {
    // SAFETY: between fork and exec only async-signal-safe calls are allowed; prctl is one.
    unsafe {
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_command: &mut Command) {}
