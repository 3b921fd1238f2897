//! The virtual board: `copperhead-board --pty`, started and kept running by the server.
//!
//! The board process opens a pseudo-terminal and prints its path on the first line of its
//! stdout; the server then opens that path as a serial port, exactly as it opens a USB board,
//! and registers it as board `virtual`.
//!
//! Whenever the process ends (a panic in the VM aborts it, release builds having
//! `panic = "abort"`; or something kills it), it is started again on the same filesystem
//! folder, so its files are kept, and the board entry follows it to its new pty (see
//! [`BoardHandle::spawn_following`]): the id stays `virtual`, the `port` changes, and
//! `/api/events` hears of it. A board that keeps ending soon after it starts is started again
//! after a pause that doubles from [`RESTART_PAUSE`] up to [`RESTART_PAUSE_MAX`], so a board
//! that crashes at once never makes the server spin.
//!
//! The process dies with the server: it is killed when [`VirtualBoard`] is shut down or
//! dropped, and on Linux also by the kernel if the server dies without cleaning up
//! (`PR_SET_PDEATHSIG`). That signal follows the *thread* that started the process, not the
//! process, so every start happens on one thread that lives as long as the board is kept:
//! the keeper (see [`VirtualBoard::keep`]).

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdout, Command};
use tokio::sync::{oneshot, watch};
use tokio::time::{Instant, sleep, timeout};

use crate::boards::{BoardHandle, BoardInfo, BoardKind, Boards, Whereabouts};
use crate::device::Timeouts;
use crate::transport::{DEFAULT_BAUD, Endpoint, open_serial};

/// The board's id in the registry and in URLs.
pub const ID: &str = "virtual";
/// Environment variable that overrides where the board executable is.
pub const BOARD_ENV: &str = "COPPERHEAD_BOARD";
/// How long the board may take to print its pty path.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);
/// A board that ran this long before it ended is started again at once.
const STEADY: Duration = Duration::from_secs(30);
/// The pause before the second of several starts in a row that end sooner than [`STEADY`];
/// it doubles for each further one, up to [`RESTART_PAUSE_MAX`].
const RESTART_PAUSE: Duration = Duration::from_millis(500);
const RESTART_PAUSE_MAX: Duration = Duration::from_secs(10);

/// The virtual board, kept running by its keeper thread. Shut it down with
/// [`VirtualBoard::shutdown`]; dropping it stops the keeper too, which kills the board's
/// process without waiting for it.
pub struct VirtualBoard {
    /// Tells the keeper to kill the board and end (dropped, it says the same).
    stop: oneshot::Sender<()>,
    keeper: std::thread::JoinHandle<()>,
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

/// Starts the board, connects to it and registers it in `boards`; from then on the board is
/// started again whenever its process ends. If the first start fails, there is no virtual
/// board.
pub async fn start(
    exe: &Path,
    fs: Option<&Path>,
    boards: &Boards,
) -> Result<VirtualBoard, StartError> {
    let (board, port, whereabouts) = VirtualBoard::keep(exe, fs).await?;
    let transport = match open_serial(&port, DEFAULT_BAUD) {
        Ok(transport) => transport,
        Err(e) => {
            board.shutdown().await;
            return Err(StartError::Open(e));
        }
    };
    let mut info = BoardInfo::new(ID.to_string(), Endpoint::Serial(port));
    info.name = "Virtual board".to_string();
    info.kind = BoardKind::Virtual;
    boards.insert(BoardHandle::spawn_following(
        info,
        Some(transport),
        Timeouts::default(),
        whereabouts,
    ));
    Ok(board)
}

/// What the keeper reports after its first start: the pty, and where the board will be.
type FirstStart = Result<(String, Whereabouts), StartError>;

impl VirtualBoard {
    /// Starts the keeper thread, which starts the board and starts it again whenever it ends;
    /// returns once the board is first up, with its pty and its whereabouts (`None` while it
    /// is being started again, then its new pty).
    ///
    /// Why a thread of its own: `PR_SET_PDEATHSIG` kills the board when the thread that
    /// started it ends, so every start must come from a thread that outlives the board.
    /// Tokio's threads give no such promise (the blocking pool retires idle threads, and a
    /// worker that blocks in place hands its queue to another thread), and routing each
    /// restart back to the main task would tie the board to how `main` is written. The keeper
    /// does nothing else: it owns the child, waits for it, starts it again, and ends only
    /// when the board is shut down (after killing it). It drives the child's pipe and its
    /// timers with a small runtime of its own; the pty itself is opened by the board's task
    /// on the server's runtime, from the path the keeper publishes.
    async fn keep(
        exe: &Path,
        fs: Option<&Path>,
    ) -> Result<(VirtualBoard, String, Whereabouts), StartError> {
        let (first_tx, first) = oneshot::channel::<FirstStart>();
        let (stop, stopped) = oneshot::channel();
        let (exe, fs) = (exe.to_path_buf(), fs.map(Path::to_path_buf));
        let keeper = std::thread::Builder::new()
            .name("virtual-board".to_string())
            .spawn({
                let exe = exe.clone();
                move || keeper(exe, fs, first_tx, stopped)
            })
            .map_err(|source| StartError::Spawn {
                exe: exe.clone(),
                source,
            })?;
        match first.await {
            Ok(Ok((port, whereabouts))) => Ok((VirtualBoard { stop, keeper }, port, whereabouts)),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(StartError::Spawn {
                exe,
                source: std::io::Error::other("the keeper thread ended"),
            }),
        }
    }

    /// Kills the board process, waits for it, and ends the keeper.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let keeper = self.keeper;
        let _ = tokio::task::spawn_blocking(move || keeper.join()).await;
    }
}

/// The keeper thread (see [`VirtualBoard::keep`]).
fn keeper(
    exe: PathBuf,
    fs: Option<PathBuf>,
    first: oneshot::Sender<FirstStart>,
    stop: oneshot::Receiver<()>,
) {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(keep_running(exe, fs, first, stop)),
        Err(source) => {
            let _ = first.send(Err(StartError::Spawn { exe, source }));
        }
    }
}

/// Starts the board, and again each time it ends, until `stop` says (or is dropped).
async fn keep_running(
    exe: PathBuf,
    fs: Option<PathBuf>,
    first: oneshot::Sender<FirstStart>,
    mut stop: oneshot::Receiver<()>,
) {
    let mut board = match Process::spawn(&exe, fs.as_deref()).await {
        Ok(board) => board,
        Err(e) => {
            let _ = first.send(Err(e));
            return;
        }
    };
    let (tell, whereabouts) = watch::channel(Some(Endpoint::Serial(board.port.clone())));
    if first.send(Ok((board.port.clone(), whereabouts))).is_err() {
        board.kill().await;
        return;
    }
    // How many starts in a row ended sooner than STEADY.
    let mut quick = 0;
    loop {
        let ended = tokio::select! {
            _ = &mut stop => {
                board.kill().await;
                return;
            }
            ended = board.child.wait() => ended,
        };
        tell.send_replace(None);
        match ended {
            Ok(status) => tracing::warn!(
                %status,
                port = board.port,
                "the virtual board's process ended; starting it again"
            ),
            Err(e) => {
                tracing::warn!(
                    "lost track of the virtual board's process ({e}); starting it again"
                );
                board.kill().await;
            }
        }
        quick = if board.started.elapsed() < STEADY {
            quick + 1
        } else {
            1
        };
        board = loop {
            let pause = restart_pause(quick);
            if !pause.is_zero() {
                tracing::info!("starting the virtual board again in {pause:?}");
            }
            let next = async {
                sleep(pause).await;
                Process::spawn(&exe, fs.as_deref()).await
            };
            let next = tokio::select! {
                _ = &mut stop => return,
                next = next => next,
            };
            match next {
                Ok(board) => break board,
                Err(e) => {
                    tracing::warn!("{e}");
                    quick += 1;
                }
            }
        };
        tell.send_replace(Some(Endpoint::Serial(board.port.clone())));
    }
}

/// The pause before starting the board again when `quick` starts in a row have ended
/// sooner than [`STEADY`]: none after the first, then [`RESTART_PAUSE`] doubling up to
/// [`RESTART_PAUSE_MAX`].
fn restart_pause(quick: u32) -> Duration {
    match quick.checked_sub(2) {
        None => Duration::ZERO,
        Some(doublings) => RESTART_PAUSE
            .saturating_mul(1 << doublings.min(16))
            .min(RESTART_PAUSE_MAX),
    }
}

/// One run of the board's process.
struct Process {
    child: Child,
    /// The pseudo-terminal it serves its REPL on.
    port: String,
    started: Instant,
}

impl Process {
    /// Runs `exe --pty [--fs DIR]` and reads the pty path from its first line of output.
    async fn spawn(exe: &Path, fs: Option<&Path>) -> Result<Process, StartError> {
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
        let started = Instant::now();
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
        Ok(Process {
            child,
            port,
            started,
        })
    }

    /// Kills the process and waits for it.
    async fn kill(&mut self) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restarts_back_off_when_boards_end_quickly() {
        let pauses: Vec<u64> = (0..9)
            .map(|quick| restart_pause(quick).as_millis() as u64)
            .collect();
        assert_eq!(pauses, [0, 0, 500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
        assert_eq!(restart_pause(u32::MAX), RESTART_PAUSE_MAX);
    }
}
