//! A board survives a bug. Bad input never panics the VM (it raises Python exceptions), so a
//! panic is a bug in Copperhead. The release build aborts on panic (no unwinding: smaller and
//! faster code), so the board survives the way a microcontroller does, by restarting, while
//! the line stays up:
//!
//! - [`supervise`] runs the board in a child process; the parent holds the serial line (the
//!   pseudo-terminal) and starts a fresh child whenever one crashes.
//! - The panic hook ([`install`]) writes a report in the manner of MicroPython's `FATAL:`
//!   lines where the traceback would go (closing a raw-REPL frame as for any error), then
//!   `MPY: soft reboot`, and ends the child with a code that says how to resume.
//! - The new child answers in the REPL mode the old one was in ([`Resume`]): the board has
//!   soft-reset, its variables are gone, its files are kept. After a crash in `boot.py` or
//!   `main.py` it comes up without running them (as in safe mode).

use std::format;
use std::string::String;
use std::sync::{Mutex, Once};

/// What the board was doing when it crashed: where to write the report and how.
struct Context {
    fd: i32,
    /// In the raw REPL (the report closes the frame a raw-REPL client waits for).
    raw: bool,
    /// Code was running (the report takes the traceback's place), not a completion or a
    /// timer at the prompt.
    running: bool,
    /// Running `boot.py` or `main.py`.
    boot: bool,
    doing: String,
}

static CONTEXT: Mutex<Option<Context>> = Mutex::new(None);
static HOOK: Once = Once::new();

/// Exit codes of a crashed child, read by [`supervise`].
const CRASHED_FRIENDLY: i32 = 70;
const CRASHED_RAW: i32 = 71;
const CRASHED_IN_BOOT: i32 = 72;

/// How a board started again after a crash comes up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resume {
    /// Answer in the raw REPL (the old board was in it).
    pub raw: bool,
    /// Run `boot.py` and `main.py` first (not when they were what crashed).
    pub boot_files: bool,
}

/// Report panics from now on, on the link named by [`doing`] (the board's output, in
/// `\r\n` form).
pub fn install() {
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(std::boxed::Box::new(move |info| {
            let context = CONTEXT.try_lock().ok().and_then(|mut c| c.take());
            let Some(context) = context else {
                return default(info);
            };
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| String::from(*s))
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| String::from("panic"));
            let place = info
                .location()
                .map(|l| format!(" ({}:{})", l.file(), l.line()))
                .unwrap_or_default();
            let text = report(&format!("{message}{place}"), &context.doing);
            // The board's own log (stderr) gets it too, with where in the VM it happened
            // when RUST_BACKTRACE is set.
            let trace = std::backtrace::Backtrace::capture();
            match trace.status() {
                std::backtrace::BacktraceStatus::Captured => {
                    std::eprintln!("copperhead-board: {text}{trace}")
                }
                _ => std::eprint!("copperhead-board: {text}"),
            }
            let mut out = std::vec::Vec::new();
            if !context.running {
                out.extend_from_slice(b"\r\n");
            } else if context.raw {
                out.push(0x04);
            }
            crate::repl::cook_into(text.as_bytes(), &mut out);
            if context.running && context.raw {
                out.push(0x04);
            }
            out.extend_from_slice(crate::repl::SOFT_REBOOT);
            write_all(context.fd, &out);
            let code = match (context.boot, context.raw) {
                (true, _) => CRASHED_IN_BOOT,
                (false, true) => CRASHED_RAW,
                (false, false) => CRASHED_FRIENDLY,
            };
            // SAFETY: ends this process at once, as the abort that follows a panic would.
            unsafe { libc::_exit(code) }
        }));
    });
}

/// Say what the board is about to do (until [`idle`]), for a report if it crashes.
pub fn doing(fd: i32, what: String, raw: bool, running: bool, boot: bool) {
    *CONTEXT.lock().unwrap_or_else(|e| e.into_inner()) = Some(Context {
        fd,
        raw,
        running,
        boot,
        doing: what,
    });
}

/// The board is back at its prompt.
pub fn idle() {
    *CONTEXT.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

fn write_all(fd: i32, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: writes from a valid buffer to a descriptor this process owns.
        let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        if n <= 0 {
            return;
        }
        bytes = &bytes[n as usize..];
    }
}

/// Run the board (`run`, given how to resume after a crash) in a child process, and again
/// after each crash, while this process holds the line. Returns when a child ends normally.
pub fn supervise(
    mut run: impl FnMut(Option<Resume>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut resume = None;
    loop {
        // SAFETY: called before this process starts any thread, so the child is a plain
        // copy; it runs the board and leaves with _exit, never returning here.
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            return Err(std::io::Error::last_os_error());
        }
        if pid == 0 {
            #[cfg(target_os = "linux")]
            // SAFETY: prctl with an integer signal argument changes only this process.
            unsafe {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            }
            let code = match run(resume) {
                Ok(()) => 0,
                Err(e) => {
                    std::eprintln!("copperhead-board: {e}");
                    1
                }
            };
            // SAFETY: ends the child without running the parent's exit handlers twice.
            unsafe { libc::_exit(code) }
        }
        let mut status = 0;
        loop {
            // SAFETY: waits for the child this process just started.
            let r = unsafe { libc::waitpid(pid, &mut status, 0) };
            if r == pid {
                break;
            }
            if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
                return Err(std::io::Error::last_os_error());
            }
        }
        let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
        resume = Some(match code {
            Some(0) => return Ok(()),
            Some(1) => return Err(std::io::Error::other("the board stopped")),
            Some(CRASHED_RAW) => Resume {
                raw: true,
                boot_files: true,
            },
            Some(CRASHED_IN_BOOT) => Resume {
                raw: false,
                boot_files: false,
            },
            // A crash reported in the friendly REPL, or one the hook never saw (a signal).
            _ => Resume {
                raw: false,
                boot_files: true,
            },
        });
        // A board that crashes again and again does not spin.
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// The text a board prints after a panic.
pub fn report(what: &str, doing: &str) -> String {
    format!(
        "FatalError: {what}\n\
         while {doing}\n\
         This is a bug in Copperhead, not in your program. The board soft-resets: \
         variables are cleared, files are kept.\n"
    )
}

/// `running: <first line of source>` (shortened), for a report.
pub fn running(source: &str) -> String {
    let mut lines = source.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("");
    let mut shown: String = first.chars().take(60).collect();
    if shown.len() < first.len() {
        shown.push('…');
    }
    match lines.count() {
        0 => format!("running: {shown}"),
        n => format!("running: {shown} (and {n} more lines)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_says_what_and_while_doing_what() {
        let text = report("boom (vm/src/x.rs:1)", "running: x");
        assert!(text.starts_with("FatalError: boom (vm/src/x.rs:1)\nwhile running: x\n"));
    }

    #[test]
    fn running_names_the_first_line() {
        assert_eq!(running("\n  str.upper()\n"), "running: str.upper()");
        assert_eq!(
            running("a = 1\nb = 2\nc = 3"),
            "running: a = 1 (and 2 more lines)"
        );
        let long = "x".repeat(100);
        assert_eq!(running(&long).chars().count(), "running: ".len() + 61);
    }
}
