//! The host port: the board runtime on Linux/macOS, behind the `copperhead-board` binary.
//!
//! [`serve`] runs the REPL state machine over any byte link (a pseudo-terminal for the
//! virtual board, the user's terminal), with one reader thread so that Ctrl-C reaches the
//! running program through the VM's interrupt flag.

pub mod pty;

use crate::repl::{Action, BoardInfo, Repl};
use copperhead_vm::{Config, Platform, Vm};
use std::format;
use std::io::{self, Read, Write};
use std::string::String;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::vec;
use std::vec::Vec;

/// A shared, lockable output link.
pub type Link = Arc<Mutex<dyn Write + Send>>;

/// The VM's view of the host: output to a link (cooked or not) and the interrupt flag.
pub struct HostPlatform {
    out: Link,
    cook: bool,
    interrupt: Arc<AtomicBool>,
    started: std::time::Instant,
    /// The initial `sys.path`.
    path: Vec<String>,
}

impl HostPlatform {
    /// `cook` turns `\n` into `\r\n`, as a board's console does.
    pub fn new(out: Link, cook: bool, interrupt: Arc<AtomicBool>) -> Self {
        HostPlatform {
            out,
            cook,
            interrupt,
            started: std::time::Instant::now(),
            path: default_path(""),
        }
    }

    /// Set `sys.path[0]`, the directory of the script being run (`""` for the current one).
    pub fn with_script_dir(mut self, dir: &str) -> Self {
        self.path = default_path(dir);
        self
    }
}

/// `sys.path` as MicroPython's unix port makes it: the script's directory, then
/// `MICROPYPATH` (`:`-separated) or the default library folders.
pub fn default_path(script_dir: &str) -> Vec<String> {
    let mut path = vec![String::from(script_dir)];
    match std::env::var("MICROPYPATH") {
        Ok(p) => path.extend(p.split(':').map(String::from)),
        Err(_) => {
            path.push(String::from(".frozen"));
            if let Ok(home) = std::env::var("HOME") {
                path.push(format!("{home}/.micropython/lib"));
            }
            path.push(String::from("/usr/lib/micropython"));
        }
    }
    path
}

impl Platform for HostPlatform {
    fn write_stdout(&mut self, bytes: &[u8]) {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        // Output is best effort: a host that went away must not stop the program.
        let _ = if self.cook {
            let mut cooked = Vec::with_capacity(bytes.len() + 8);
            crate::repl::cook_into(bytes, &mut cooked);
            out.write_all(&cooked)
        } else {
            out.write_all(bytes)
        };
        let _ = out.flush();
    }

    fn interrupt_requested(&mut self) -> bool {
        // A plain load first: this is polled on every call and backward jump.
        self.interrupt.load(Ordering::Relaxed) && self.interrupt.swap(false, Ordering::Relaxed)
    }

    fn ticks_us(&mut self) -> u64 {
        self.started.elapsed().as_micros() as u64
    }

    fn sleep_us(&mut self, us: u64) {
        std::thread::sleep(std::time::Duration::from_micros(us));
    }

    fn epoch_seconds(&mut self) -> f64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64())
    }

    fn sys_platform(&self) -> &str {
        std::env::consts::OS
    }

    fn read_file(&mut self, path: &str) -> Option<Vec<u8>> {
        std::fs::read(path).ok()
    }

    fn is_dir(&mut self, path: &str) -> bool {
        std::path::Path::new(path).is_dir()
    }

    fn module_path(&self) -> Vec<String> {
        self.path.clone()
    }
}

/// What a board is: its name in the banner and the VM's size.
#[derive(Clone, Debug)]
pub struct BoardOptions {
    pub info: BoardInfo,
    pub config: Config,
    /// Leave [`serve`] on a soft reset instead of restarting the VM (the terminal REPL of
    /// the unix port exits on Ctrl-D, too).
    pub exit_on_reset: bool,
}

impl BoardOptions {
    pub fn virtual_board(config: Config) -> Self {
        BoardOptions {
            info: BoardInfo {
                version: crate::VERSION,
                build_date: env!("COPPERHEAD_BUILD_DATE"),
                board: String::from("Copperhead virtual board"),
                mcu: String::from(std::env::consts::ARCH),
            },
            config,
            exit_on_reset: false,
        }
    }
}

/// Serve the board REPL over a byte link until the input ends.
pub fn serve(
    mut input: impl Read + Send + 'static,
    output: impl Write + Send + 'static,
    options: BoardOptions,
) -> io::Result<()> {
    let output: Link = Arc::new(Mutex::new(output));
    let interrupt = Arc::new(AtomicBool::new(false));
    let running = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    {
        let interrupt = interrupt.clone();
        let running = running.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                let n = match input.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                let mut chunk = Vec::with_capacity(n);
                for &b in &buf[..n] {
                    // Ctrl-C while code runs is an interrupt, not input.
                    if b == 0x03 && running.load(Ordering::Relaxed) {
                        interrupt.store(true, Ordering::Relaxed);
                    } else {
                        chunk.push(b);
                    }
                }
                if tx.send(chunk).is_err() {
                    break;
                }
            }
        });
    }

    let new_vm = || {
        Vm::new(
            HostPlatform::new(output.clone(), true, interrupt.clone()),
            options.config.clone(),
        )
    };
    let mut vm = new_vm();
    let mut repl = Repl::new(options.info.clone());
    let mut out = Vec::new();
    while let Ok(chunk) = rx.recv() {
        for byte in chunk {
            let mut action = repl.feed(byte, &mut out);
            while let Some(act) = action.take() {
                flush(&output, &mut out)?;
                match act {
                    Action::Exec { source, mode } => {
                        interrupt.store(false, Ordering::Relaxed);
                        running.store(true, Ordering::Relaxed);
                        let result = vm.exec(&source, "<stdin>", mode);
                        running.store(false, Ordering::Relaxed);
                        action = repl.exec_done(&result, &mut out);
                    }
                    Action::SoftReset if options.exit_on_reset => {
                        return flush(&output, &mut out);
                    }
                    Action::SoftReset => {
                        vm = new_vm();
                        repl.reset_done(&mut out);
                    }
                }
            }
        }
        flush(&output, &mut out)?;
    }
    Ok(())
}

fn flush(output: &Link, out: &mut Vec<u8>) -> io::Result<()> {
    if out.is_empty() {
        return Ok(());
    }
    let mut link = output.lock().unwrap_or_else(|e| e.into_inner());
    link.write_all(out)?;
    link.flush()?;
    out.clear();
    Ok(())
}
