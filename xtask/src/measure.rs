//! Running one child process and measuring it: wall time (an `Instant` around the whole
//! process, start-up included) and peak memory (the child's maximum resident set size, from
//! `wait4`'s resource usage), with its stdout and stderr captured and a time limit.

use crate::Result;
use crate::tools::describe;
use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// What one run of a program did.
pub struct Measured {
    pub status: ExitStatus,
    pub wall: Duration,
    /// Peak resident set size in KiB.
    pub max_rss_kib: u64,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `command` to completion (killing it after `limit`) and measures it. An error means the
/// process could not be started or waited for; a program that fails is an `Ok` with its status.
pub fn measure(command: &mut Command, limit: Duration) -> Result<Measured> {
    let shown = describe(command);
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    fork_not_vfork(command);
    let start = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let watchdog = Watchdog::start(child.id(), limit);
    let exited = wait_for_exit(&child);
    let wall = start.elapsed();
    let timed_out = watchdog.stop();
    exited.map_err(|e| format!("waiting for {shown}: {e}"))?;
    let (status, max_rss_kib) = reap(&mut child).map_err(|e| format!("reaping {shown}: {e}"))?;
    let mut stderr = collect(stderr);
    if timed_out {
        stderr.push_str(&format!("killed after {} s\n", limit.as_secs()));
    }
    Ok(Measured {
        status,
        wall,
        max_rss_kib,
        stdout: collect(stdout),
        stderr,
    })
}

/// Makes `command` spawn with fork rather than posix_spawn's vfork. At exec, Linux folds the
/// high-water RSS of the address space being left into the child's `ru_maxrss`: after vfork
/// that is ours (the whole xtask, a few MiB, which would hide small interpreters), after fork
/// only our copied anonymous pages, far below any interpreter's own.
fn fork_not_vfork(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: the hook does nothing, so it cannot break anything between fork and exec.
    unsafe { command.pre_exec(|| Ok(())) };
}

/// Reads a pipe to its end on a thread, so that neither pipe can fill up and block the child.
fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn collect(reader: JoinHandle<String>) -> String {
    reader.join().unwrap_or_default()
}

/// Kills the child if it is still running when the limit passes.
struct Watchdog {
    done: mpsc::Sender<()>,
    thread: JoinHandle<bool>,
}

impl Watchdog {
    fn start(pid: u32, limit: Duration) -> Watchdog {
        let (done, finished) = mpsc::channel();
        let thread = thread::spawn(move || {
            if finished.recv_timeout(limit) != Err(mpsc::RecvTimeoutError::Timeout) {
                return false;
            }
            // The child has not been reaped yet (`reap` runs after `stop`), so the pid is
            // still this child's even if it has just exited.
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
            true
        });
        Watchdog { done, thread }
    }

    /// Stops the watchdog; true if it had to kill the child.
    fn stop(self) -> bool {
        let _ = self.done.send(());
        self.thread.join().unwrap_or(false)
    }
}

/// Blocks until the child has exited, leaving it unreaped (`WNOWAIT`).
fn wait_for_exit(child: &Child) -> std::io::Result<()> {
    loop {
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        let flags = libc::WEXITED | libc::WNOWAIT;
        let rc = unsafe { libc::waitid(libc::P_PID, child.id(), &mut info, flags) };
        if rc == 0 {
            return Ok(());
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
}

/// Reaps the exited child with `wait4`: its exit status and its peak RSS in KiB.
fn reap(child: &mut Child) -> std::io::Result<(ExitStatus, u64)> {
    use std::os::unix::process::ExitStatusExt;
    let pid = child.id() as libc::pid_t;
    loop {
        let mut status = 0;
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if rc == pid {
            return Ok((ExitStatus::from_raw(status), rss_kib(usage.ru_maxrss)));
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
}

/// `ru_maxrss` is in KiB on Linux and in bytes on macOS.
fn rss_kib(max_rss: libc::c_long) -> u64 {
    let max_rss = max_rss.max(0) as u64;
    if cfg!(target_os = "macos") {
        max_rss / 1024
    } else {
        max_rss
    }
}
