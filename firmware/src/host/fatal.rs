//! A board survives a bug. Bad input never panics the VM (it raises Python exceptions), so a
//! panic is a bug in Copperhead; the host port catches it around each call into the VM,
//! and the board reports it, in the manner of MicroPython's `FATAL:` messages, and soft-resets
//! instead of dying: the program's variables are gone, the board's files are kept, and the
//! link stays open.

use std::boxed::Box;
use std::cell::Cell;
use std::format;
use std::panic::{self, AssertUnwindSafe};
use std::string::{String, ToString};
use std::sync::{Mutex, Once};

/// What the last caught panic said and where, recorded by the hook.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);
static HOOK: Once = Once::new();

std::thread_local! {
    /// Inside [`guarded`] on this thread: the hook records instead of printing.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

/// Run `f` (a call into the VM). A panic in it comes back as the report the board prints:
/// `doing` says what the board was doing, e.g. `running: print(x)`.
pub fn guarded<T>(doing: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                return default(info);
            }
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| String::from("panic"));
            let place = info
                .location()
                .map(|l| format!(" ({}:{})", l.file(), l.line()))
                .unwrap_or_default();
            // With RUST_BACKTRACE set, the report says where in the VM it happened.
            let trace = std::backtrace::Backtrace::capture();
            let trace = match trace.status() {
                std::backtrace::BacktraceStatus::Captured => format!("\n{trace}"),
                _ => String::new(),
            };
            *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) =
                Some(format!("{message}{place}{trace}"));
        }));
    });
    let was = GUARDED.with(|g| g.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    result.map_err(|_| {
        let what = LAST_PANIC
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .unwrap_or_else(|| String::from("panic"));
        report(&what, doing)
    })
}

/// The text a board prints after catching a panic.
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
    fn a_panic_becomes_a_report_and_the_hook_only_takes_guarded_ones() {
        let err = guarded("running: x", || -> u8 { panic!("boom {}", 1) }).unwrap_err();
        assert!(err.starts_with("FatalError: boom 1 ("), "{err}");
        assert!(err.contains("fatal.rs:"), "{err}");
        assert!(err.contains("\nwhile running: x\n"), "{err}");
        assert_eq!(guarded("x", || 7), Ok(7));
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
