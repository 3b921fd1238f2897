//! Runs the real `mpremote` from PyPI against `copperhead-board --pty` (issue 5): connect,
//! exec, eval, run, the `fs` commands, df, soft-reset, mount and scripted repl sessions, with
//! files round-tripping byte for byte. The first test that needs mpremote installs it into a
//! venv under the target directory (`pip install`, so PyPI must be reachable once); later runs
//! reuse it.

use copperhead_tests::{MPS2, Machine, Qemu, VIRT_RV32, bin_path};
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The mpremote release the tests install (shared/reference/micropython-wire.md §4).
const MPREMOTE: &str = "1.29.0";
/// On a pty mpremote waits forever for a board that stops answering, so every run is bounded.
const TIMEOUT: Duration = Duration::from_secs(30);
/// How long a repl session waits for an expected reply.
const REPLY_TIMEOUT: Duration = Duration::from_secs(10);

/// The Python of a venv with mpremote installed, `<target>/mpremote-venv`: made by the first
/// test that needs it, under a lock file so that test binaries running at once don't race.
fn python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        // target/<profile>/deps/<test binary> → target
        let exe = std::env::current_exe().expect("current_exe");
        let target = exe.ancestors().nth(3).expect("target directory");
        let venv = target.join("mpremote-venv");
        let python = venv.join("bin").join("python");
        let done = venv.join(format!("installed-mpremote-{MPREMOTE}"));
        let lock = File::create(target.join("mpremote-venv.lock")).expect("create the venv lock");
        // SAFETY: flock on a descriptor we own; closing `lock` releases it.
        let locked = unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) };
        assert_eq!(
            locked,
            0,
            "lock {}",
            target.join("mpremote-venv.lock").display()
        );
        if !done.exists() {
            let _ = fs::remove_dir_all(&venv);
            setup(
                Command::new("python3").args(["-m", "venv"]).arg(&venv),
                "create a venv with `python3 -m venv` (Debian: apt-get install python3-venv)",
            );
            setup(
                Command::new(&python)
                    .args([
                        "-m",
                        "pip",
                        "install",
                        "--quiet",
                        "--disable-pip-version-check",
                    ])
                    .arg(format!("mpremote=={MPREMOTE}")),
                "install mpremote from PyPI",
            );
            File::create(&done).expect("mark the venv complete");
        }
        drop(lock);
        python
    })
}

fn setup(command: &mut Command, what: &str) {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("cannot {what}: {e}"));
    assert!(
        out.status.success(),
        "cannot {what}: {}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What runs the board: `copperhead-board` (with its stdout, kept open), or QEMU.
enum Process {
    Host {
        child: Child,
        _stdout: BufReader<std::process::ChildStdout>,
    },
    Qemu {
        _qemu: Qemu,
    },
}

/// A virtual board on its own pty with a fresh filesystem directory (`fs()`), and a directory
/// for the test's host-side files (`local()`, mpremote's working directory); both go at the end.
struct Board {
    process: Process,
    pty: String,
    root: PathBuf,
}

impl Board {
    fn start(name: &str) -> Board {
        let root = copperhead_tests::fresh_dir(&format!("mpremote-{name}"));
        for dir in ["fs", "local"] {
            fs::create_dir_all(root.join(dir)).expect("create the test's directories");
        }
        let mut child = Command::new(bin_path("copperhead-board"))
            .arg("--pty")
            .arg("--fs")
            .arg(root.join("fs"))
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn copperhead-board --pty");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).expect("the board's first line");
        let pty = line.trim().to_string();
        assert!(
            pty.starts_with("/dev/"),
            "the board's first line is its pty: {pty:?}"
        );
        Board {
            process: Process::Host {
                child,
                _stdout: stdout,
            },
            pty,
            root,
        }
    }

    /// A firmware image booted in QEMU, its console on a pty.
    fn qemu(name: &str, machine: &Machine) -> Board {
        let root = copperhead_tests::fresh_dir(&format!("qemu-{name}"));
        fs::create_dir_all(root.join("local")).expect("create the test's directory");
        let qemu = machine.boot();
        Board {
            pty: qemu.pty.clone(),
            process: Process::Qemu { _qemu: qemu },
            root,
        }
    }

    /// The board's filesystem, as a directory of the host.
    fn fs(&self) -> PathBuf {
        self.root.join("fs")
    }

    /// The test's host-side files.
    fn local(&self) -> PathBuf {
        self.root.join("local")
    }

    /// A command running `python -m mpremote ARGS`.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(python());
        command
            .args(["-m", "mpremote"])
            .args(args)
            .current_dir(self.local())
            // No user configuration of mpremote's (aliases, default commands) may change what runs.
            .env("XDG_CONFIG_HOME", self.root.join("no-config"));
        command
    }

    /// `mpremote connect <pty> ARGS`.
    #[track_caller]
    fn mpremote(&self, args: &[&str]) -> Run {
        let mut all = vec!["connect", self.pty.as_str()];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// `mpremote ARGS`, killed (and the test failed with its output so far) after `TIMEOUT`.
    #[track_caller]
    fn run(&self, args: &[&str]) -> Run {
        let mut child = self
            .command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn mpremote");
        let stdout = Capture::new(child.stdout.take().unwrap());
        let stderr = Capture::new(child.stderr.take().unwrap());
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for mpremote") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "`mpremote {}` hung for {TIMEOUT:?} and was killed\nstdout so far: {:?}\nstderr so far: {:?}",
                    args.join(" "),
                    stdout.so_far(),
                    stderr.so_far()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        Run {
            command: args.join(" "),
            status,
            stdout: stdout.finish(),
            stderr: stderr.finish(),
        }
    }

    /// `mpremote connect <pty> ARGS` on a terminal of its own, as `repl` needs one.
    fn terminal(&self, args: &[&str]) -> Terminal {
        let (mut master, mut slave) = (0, 0);
        // SAFETY: openpty fills in two new descriptors, which are owned from here on.
        let (master, slave) = unsafe {
            let rc = libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            );
            assert_eq!(rc, 0, "openpty");
            (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave))
        };
        // Raw from the start: keys sent before mpremote sets up its console arrive unchanged.
        // SAFETY: termios calls on a descriptor we own.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            libc::tcgetattr(slave.as_raw_fd(), &mut t);
            libc::cfmakeraw(&mut t);
            libc::tcsetattr(slave.as_raw_fd(), libc::TCSANOW, &t);
        }
        let mut all = vec!["connect", self.pty.as_str()];
        all.extend_from_slice(args);
        let child = self
            .command(&all)
            .stdin(Stdio::from(slave.try_clone().expect("dup")))
            .stdout(Stdio::from(slave.try_clone().expect("dup")))
            .stderr(Stdio::from(slave))
            .spawn()
            .expect("spawn mpremote");
        Terminal {
            master,
            child,
            seen: Vec::new(),
        }
    }
}

impl Drop for Board {
    fn drop(&mut self) {
        if let Process::Host { child, .. } = &mut self.process {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = fs::remove_dir_all(&self.root);
    }
}

/// A pipe read to its end on a thread, into a buffer that can be looked at any time.
struct Capture {
    buf: Arc<Mutex<Vec<u8>>>,
    thread: JoinHandle<()>,
}

impl Capture {
    fn new(mut pipe: impl Read + Send + 'static) -> Capture {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&buf);
        let thread = std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        });
        Capture { buf, thread }
    }

    fn so_far(&self) -> String {
        String::from_utf8_lossy(&self.buf.lock().unwrap()).into_owned()
    }

    fn finish(self) -> String {
        let Capture { buf, thread } = self;
        let _ = thread.join();
        String::from_utf8_lossy(&buf.lock().unwrap()).into_owned()
    }
}

/// How one mpremote run ended and what it printed.
struct Run {
    command: String,
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Run {
    /// stdout with the board's `\r\n` line ends as `\n` (MicroPython's own mpremote tests
    /// compare the same way).
    fn out(&self) -> String {
        self.stdout.replace("\r\n", "\n")
    }

    /// mpremote succeeded: its stdout, line ends as `\n`.
    #[track_caller]
    fn ok(&self) -> String {
        assert!(
            self.status.success(),
            "`mpremote {}` failed ({})\nstdout: {:?}\nstderr: {:?}",
            self.command,
            self.status,
            self.stdout,
            self.stderr
        );
        self.out()
    }

    /// mpremote failed (exit status 1): its stderr.
    #[track_caller]
    fn failed(&self) -> String {
        assert_eq!(
            self.status.code(),
            Some(1),
            "`mpremote {}` should fail\nstdout: {:?}\nstderr: {:?}",
            self.command,
            self.stdout,
            self.stderr
        );
        self.stderr.clone()
    }
}

/// mpremote on a pseudo-terminal, driven key by key.
struct Terminal {
    master: OwnedFd,
    child: Child,
    seen: Vec<u8>,
}

impl Terminal {
    fn send(&mut self, keys: &[u8]) {
        // SAFETY: write from a live buffer to a descriptor we own.
        let n = unsafe { libc::write(self.master.as_raw_fd(), keys.as_ptr().cast(), keys.len()) };
        assert_eq!(n, keys.len() as isize, "write to mpremote's terminal");
    }

    /// Whatever arrives within `wait`, appended to `seen`; `false` once mpremote has gone.
    fn read_some(&mut self, wait: Duration) -> bool {
        let mut pfd = libc::pollfd {
            fd: self.master.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: poll and read on a descriptor we own, into a live buffer.
        let ready = unsafe { libc::poll(&mut pfd, 1, wait.as_millis() as i32) };
        if ready <= 0 {
            return true;
        }
        let mut buf = [0u8; 4096];
        let n = unsafe { libc::read(pfd.fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n <= 0 {
            return false;
        }
        self.seen.extend_from_slice(&buf[..n as usize]);
        true
    }

    /// Everything up to and including the first `want`, which must come within `REPLY_TIMEOUT`.
    #[track_caller]
    fn until(&mut self, want: &str) -> String {
        let deadline = Instant::now() + REPLY_TIMEOUT;
        loop {
            if let Some(at) = find(&self.seen, want.as_bytes()) {
                let rest = self.seen.split_off(at + want.len());
                let got = std::mem::replace(&mut self.seen, rest);
                return String::from_utf8_lossy(&got).into_owned();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "waited {REPLY_TIMEOUT:?} for {want:?}; got {:?}",
                String::from_utf8_lossy(&self.seen)
            );
            if !self.read_some(left) {
                panic!(
                    "mpremote ended while waiting for {want:?}; got {:?}",
                    String::from_utf8_lossy(&self.seen)
                );
            }
        }
    }

    /// Type `keys`; the terminal must then show exactly `reply` (more may follow it).
    #[track_caller]
    fn exchange(&mut self, keys: &[u8], reply: &str) {
        self.send(keys);
        let want = reply.as_bytes();
        let deadline = Instant::now() + REPLY_TIMEOUT;
        while self.seen.len() < want.len() && want.starts_with(&self.seen) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || !self.read_some(left) {
                break;
            }
        }
        let shown = String::from_utf8_lossy(&self.seen).into_owned();
        assert!(
            self.seen.starts_with(want),
            "typed {:?}: the terminal should show {reply:?}, it shows {shown:?}",
            String::from_utf8_lossy(keys)
        );
        self.seen.drain(..want.len());
    }

    /// mpremote's greeting, then `\r` and a fresh prompt from the board.
    #[track_caller]
    fn wait_for_prompt(&mut self) {
        self.until("exit this shell");
        self.until("\n");
        self.exchange(b"\r", "\r\n>>> ");
    }

    /// Ctrl-] ends mpremote: its exit status and what it printed last.
    fn quit(&mut self) -> (ExitStatus, String) {
        self.send(b"\x1d");
        let deadline = Instant::now() + REPLY_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for mpremote") {
                loop {
                    let before = self.seen.len();
                    if !self.read_some(Duration::from_millis(50)) || self.seen.len() == before {
                        break;
                    }
                }
                return (status, String::from_utf8_lossy(&self.seen).into_owned());
            }
            assert!(
                Instant::now() < deadline,
                "mpremote did not quit on Ctrl-]; it showed {:?}",
                String::from_utf8_lossy(&self.seen)
            );
            self.read_some(Duration::from_millis(20));
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// A path as mpremote's command line takes it.
fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

fn write(path: &Path, contents: impl AsRef<[u8]>) {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).expect("create a directory");
    }
    fs::write(path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

fn read(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Every byte value once, in order.
fn all_bytes() -> Vec<u8> {
    (0..=255u8).collect()
}

/// `n` bytes that look random (a fixed linear congruential sequence).
fn noise(n: usize) -> Vec<u8> {
    let mut x: u32 = 12345;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect()
}

/// The lines of `text`, sorted (a directory listing's order is the filesystem's own).
fn sorted_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    lines
}

/// A small package: `import NAME; NAME.x(); NAME.y()` prints `x` and `y`.
fn write_package(dir: &Path) {
    write(
        &dir.join("__init__.py"),
        "from .x import x\nfrom .sub import y\n",
    );
    write(&dir.join("x.py"), "def x():\n    print('x')\n");
    write(&dir.join("sub").join("__init__.py"), "from .y import y\n");
    write(&dir.join("sub").join("y.py"), "def y():\n    print('y')\n");
    write(&dir.join("data.bin"), all_bytes());
}

/// Both directory trees hold the same files with the same bytes.
#[track_caller]
fn assert_same_tree(a: &Path, b: &Path) {
    let mut names: Vec<_> = fs::read_dir(a)
        .unwrap_or_else(|e| panic!("read {}: {e}", a.display()))
        .map(|entry| entry.unwrap().file_name())
        .collect();
    let mut others: Vec<_> = fs::read_dir(b)
        .unwrap_or_else(|e| panic!("read {}: {e}", b.display()))
        .map(|entry| entry.unwrap().file_name())
        .collect();
    names.sort();
    others.sort();
    assert_eq!(
        names,
        others,
        "{} and {} list the same names",
        a.display(),
        b.display()
    );
    for name in names {
        let (x, y) = (a.join(&name), b.join(&name));
        if x.is_dir() {
            assert!(y.is_dir(), "{} is a directory", y.display());
            assert_same_tree(&x, &y);
        } else {
            assert!(
                read(&x) == read(&y),
                "{} and {} differ",
                x.display(),
                y.display()
            );
        }
    }
}

const NAME_ERROR_A: &str = "Traceback (most recent call last):\n  File \"<stdin>\", line 1, in <module>\nNameError: name 'a' isn't defined\n";

#[test]
fn connect_by_path_and_by_port_prefix() {
    let board = Board::start("connect");
    assert_eq!(board.mpremote(&["eval", "'hello'"]).ok(), "hello\n");
    let port = format!("port:{}", board.pty);
    assert_eq!(board.run(&["connect", &port, "eval", "1+2"]).ok(), "3\n");
    // Each client leaves the board ready for the next one.
    for n in 0..3 {
        assert_eq!(
            board.mpremote(&["eval", &format!("{n} * 2")]).ok(),
            format!("{}\n", n * 2),
            "connection {n} after the first"
        );
    }
}

#[test]
fn exec_runs_code_and_reports_tracebacks() {
    let board = Board::start("exec");
    let run = board.mpremote(&["exec", "print('hi'); print('there')"]);
    run.ok();
    assert_eq!(
        run.stdout, "hi\r\nthere\r\n",
        "program output has board line ends"
    );
    // One session keeps its state across chained commands.
    assert_eq!(
        board
            .mpremote(&["exec", "a = 'kept'", "+", "exec", "print(a * 2)"])
            .ok(),
        "keptkept\n"
    );
    let run = board.mpremote(&["exec", "print('before'); 1/0"]);
    run.failed();
    assert_eq!(
        run.out(),
        "before\nTraceback (most recent call last):\n  File \"<stdin>\", line 1, in <module>\nZeroDivisionError: divide by zero\n",
        "the traceback follows the output"
    );
    assert_eq!(
        board
            .mpremote(&[
                "exec",
                "print('before sleep'); import time; time.sleep(0.1); print('after sleep')"
            ])
            .ok(),
        "before sleep\nafter sleep\n"
    );
    // --no-follow leaves without waiting for the output.
    assert_eq!(
        board
            .mpremote(&[
                "exec",
                "--no-follow",
                "import time; time.sleep(0.2); print('late')"
            ])
            .ok(),
        ""
    );
    assert_eq!(board.mpremote(&["eval", "'next'"]).ok(), "next\n");
    // Lots of output arrives complete and in order.
    let expected: String = (0..2000)
        .map(|i| format!("line {i:04} {}\n", "x".repeat(30)))
        .collect();
    let run = board.mpremote(&[
        "exec",
        "for i in range(2000): print('line %04d' % i, 'x' * 30)",
    ]);
    assert!(
        run.ok() == expected,
        "2000 lines of output, got {} bytes",
        run.stdout.len()
    );
    // Text that isn't ASCII.
    assert_eq!(
        board
            .mpremote(&["exec", "print('Hello 世界'); print('Emoji: 🎉🐍')"])
            .ok(),
        "Hello 世界\nEmoji: 🎉🐍\n"
    );
}

#[test]
fn eval_prints_values() {
    let board = Board::start("eval");
    let cases = [
        ("1+2", "3"),
        (
            "[{'a': 'b'}, (1,2,3,), True, None]",
            "[{'a': 'b'}, (1, 2, 3), True, None]",
        ),
        ("2**100", "1267650600228229401496703205376"),
        ("1/4", "0.25"),
        ("b'\\x00\\xff\\'\"'", "b'\\x00\\xff\\'\"'"),
        ("'Hello 世界'", "Hello 世界"),
        ("repr('日本語')", "'日本語'"),
    ];
    for (expr, value) in cases {
        assert_eq!(
            board.mpremote(&["eval", expr]).ok(),
            format!("{value}\n"),
            "eval {expr}"
        );
    }
    assert_eq!(
        board.mpremote(&["exec", "a = 'hello'", "eval", "a"]).ok(),
        "hello\n"
    );
    let run = board.mpremote(&["eval", "undefined_name"]);
    run.failed();
    assert_eq!(
        run.out(),
        "Traceback (most recent call last):\n  File \"<stdin>\", line 1, in <module>\nNameError: name 'undefined_name' isn't defined\n"
    );
}

#[test]
fn run_executes_a_local_script() {
    let board = Board::start("run");
    let script = board.local().join("hello.py");
    write(
        &script,
        "import sys\nprint('run', __name__, sys.implementation.name)\n",
    );
    assert_eq!(
        board.mpremote(&["run", arg(&script)]).ok(),
        "run __main__ micropython\n"
    );
    // A script far longer than raw-paste's window goes through its flow control.
    let big = board.local().join("big.py");
    let mut source = String::from("total = 0\n");
    for i in 0..400 {
        source.push_str(&format!("total += {i}  # {}\n", "pad".repeat(10)));
    }
    source.push_str("print(total)\n");
    assert!(source.len() > 10_000);
    write(&big, source);
    assert_eq!(board.mpremote(&["run", arg(&big)]).ok(), "79800\n");
    let failing = board.local().join("fails.py");
    write(&failing, "print('line1')\nraise ValueError('bad')\n");
    let run = board.mpremote(&["run", arg(&failing)]);
    run.failed();
    assert_eq!(
        run.out(),
        "line1\nTraceback (most recent call last):\n  File \"<stdin>\", line 2, in <module>\nValueError: bad\n"
    );
}

#[test]
fn fs_ls_lists_files_and_directories() {
    let board = Board::start("ls");
    write(&board.fs().join("a.txt"), "hello");
    write(&board.fs().join("lib").join("m.py"), "VALUE = 42\n\n");
    write(&board.fs().join("bytes.bin"), all_bytes());
    let out = board.mpremote(&["fs", "ls"]).ok();
    assert_eq!(out.lines().next(), Some("ls :"), "{out}");
    assert_eq!(
        sorted_lines(&out),
        [
            "           0 lib/",
            "           5 a.txt",
            "         256 bytes.bin",
            "ls :"
        ],
        "ls of the board's root"
    );
    assert_eq!(
        board.mpremote(&["fs", "ls", ":lib"]).ok(),
        "ls :lib\n          12 m.py\n"
    );
    // The shortcut, and a path without the colon.
    assert_eq!(
        board.mpremote(&["ls", "lib"]).ok(),
        "ls :lib\n          12 m.py\n"
    );
    let run = board.mpremote(&["fs", "ls", ":missing"]);
    assert_eq!(
        run.failed(),
        "mpremote: ls: missing: No such file or directory.\n"
    );
}

#[test]
fn fs_cat_prints_a_file() {
    let board = Board::start("cat");
    write(&board.fs().join("hello.txt"), "hello\nworld\n");
    write(
        &board.fs().join("dir").join("unicode.txt"),
        "Hello 世界\nEmoji: 🎉🐍\nCafé résumé naïve\n",
    );
    assert_eq!(
        board.mpremote(&["fs", "cat", ":hello.txt"]).ok(),
        "hello\nworld\n"
    );
    assert_eq!(
        board.mpremote(&["cat", "dir/unicode.txt"]).ok(),
        "Hello 世界\nEmoji: 🎉🐍\nCafé résumé naïve\n"
    );
    let run = board.mpremote(&["fs", "cat", ":missing.txt"]);
    assert_eq!(
        run.failed(),
        "mpremote: cat: missing.txt: No such file or directory.\n"
    );
}

#[test]
fn fs_cp_round_trips_files_byte_for_byte() {
    let board = Board::start("cp");
    let mut mixed = all_bytes();
    mixed.reverse();
    mixed.extend(all_bytes());
    mixed.extend(b"\r\n\x04\x03\x01\x02\x05A\x01\\'\"".repeat(40));
    let files: [(&str, Vec<u8>); 5] = [
        ("bytes.bin", all_bytes()),
        ("mixed.bin", mixed),
        ("noise.bin", noise(10_000)),
        ("text.txt", "line one\r\nline two\n\tü 世界 🎉\n".into()),
        ("empty", Vec::new()),
    ];
    for (name, contents) in &files {
        let local = board.local().join(name);
        write(&local, contents);
        let to = format!(":{name}");
        assert_eq!(
            board.mpremote(&["fs", "cp", arg(&local), &to]).ok(),
            format!("cp {} :{name}\n", arg(&local)),
        );
        assert!(
            read(&board.fs().join(name)) == *contents,
            "{name} arrives on the board byte for byte"
        );
    }
    fs::create_dir(board.local().join("back")).unwrap();
    for (name, contents) in &files {
        let back = board.local().join("back").join(name);
        board
            .mpremote(&["fs", "cp", &format!(":{name}"), arg(&back)])
            .ok();
        assert!(read(&back) == *contents, "{name} comes back byte for byte");
    }
    // Into a directory, and several files at once.
    board.mpremote(&["mkdir", ":dir"]).ok();
    let (a, b) = (
        board.local().join("bytes.bin"),
        board.local().join("noise.bin"),
    );
    board.mpremote(&["cp", arg(&a), arg(&b), ":dir/"]).ok();
    assert!(read(&board.fs().join("dir").join("bytes.bin")) == all_bytes());
    assert!(read(&board.fs().join("dir").join("noise.bin")) == noise(10_000));
    fs::create_dir(board.local().join("many")).unwrap();
    let many = board.local().join("many");
    board
        .mpremote(&[
            "cp",
            ":dir/bytes.bin",
            ":dir/noise.bin",
            &format!("{}/", arg(&many)),
        ])
        .ok();
    assert!(read(&many.join("bytes.bin")) == all_bytes());
    assert!(read(&many.join("noise.bin")) == noise(10_000));
    // On the board itself.
    board.mpremote(&["cp", ":mixed.bin", ":copy.bin"]).ok();
    assert!(
        read(&board.fs().join("copy.bin")) == files[1].1,
        "board-to-board copy"
    );
    // A file already there with the same bytes is left alone (sha256 on the board), unless -f.
    assert_eq!(
        board.mpremote(&["cp", arg(&b), ":noise.bin"]).ok(),
        format!("cp {} :noise.bin\nUp to date: noise.bin\n", arg(&b))
    );
    assert_eq!(
        board.mpremote(&["cp", "-f", arg(&b), ":noise.bin"]).ok(),
        format!("cp {} :noise.bin\n", arg(&b))
    );
    write(&board.fs().join("bytes.bin"), b"changed");
    board.mpremote(&["cp", arg(&a), ":bytes.bin"]).ok();
    assert!(
        read(&board.fs().join("bytes.bin")) == all_bytes(),
        "a changed file is copied"
    );
    let run = board.mpremote(&["cp", arg(&a), ":no/such/dir/x.bin"]);
    assert_eq!(
        run.failed(),
        "mpremote: cp: no/such/dir/x.bin: No such file or directory.\n"
    );
}

#[test]
fn fs_cp_recursive_both_directions() {
    let board = Board::start("cp-r");
    let package = board.local().join("package");
    write_package(&package);
    // To a name that doesn't exist: the directory becomes it.
    board
        .mpremote(&["cp", "-r", arg(&package), ":package2"])
        .ok();
    assert_same_tree(&package, &board.fs().join("package2"));
    assert_eq!(
        board
            .mpremote(&["exec", "import package2; package2.x(); package2.y()"])
            .ok(),
        "x\ny\n"
    );
    // Into a directory that exists.
    board.mpremote(&["mkdir", ":test"]).ok();
    board.mpremote(&["cp", "-r", arg(&package), ":test"]).ok();
    assert_same_tree(&package, &board.fs().join("test").join("package"));
    // Back from the board, into a directory and to a new name.
    let copy = board.local().join("copy");
    fs::create_dir(&copy).unwrap();
    board
        .mpremote(&["cp", "-r", ":test/package", arg(&copy)])
        .ok();
    assert_same_tree(&package, &copy.join("package"));
    board
        .mpremote(&["cp", "-r", ":package2", arg(&copy.join("renamed"))])
        .ok();
    assert_same_tree(&package, &copy.join("renamed"));
    // Board to board.
    board.mpremote(&["cp", "-r", ":package2", ":package3"]).ok();
    assert_same_tree(&package, &board.fs().join("package3"));
    // Again into the directory, with one file changed: only that one is copied.
    write(
        &package.join("sub").join("y.py"),
        "def y():\n    print('y2')\n",
    );
    let out = board.mpremote(&["cp", "-r", arg(&package), ":test"]).ok();
    assert!(
        out.contains("Up to date: test/package/x.py\n")
            && !out.contains("Up to date: test/package/sub/y.py"),
        "{out}"
    );
    assert_same_tree(&package, &board.fs().join("test").join("package"));
}

/// `:` alone names the board's current directory (here `/`), as on MicroPython's
/// filesystems, where `os.stat('')` is the current directory.
#[test]
fn fs_commands_take_colon_as_the_current_directory() {
    let board = Board::start("cwd");
    let file = board.local().join("a.py");
    write(&file, "print('Hello')\n");
    let run = board.mpremote(&["cp", arg(&file), ":"]);
    assert_eq!(run.ok(), format!("cp {} :\n", arg(&file)));
    assert!(
        read(&board.fs().join("a.py")) == b"print('Hello')\n",
        "cp FILE : copies into /"
    );
    let package = board.local().join("package");
    write_package(&package);
    board.mpremote(&["cp", "-r", arg(&package), ":"]).ok();
    assert_same_tree(&package, &board.fs().join("package"));
    assert_eq!(
        board
            .mpremote(&["exec", "import package; package.x(); package.y()"])
            .ok(),
        "x\ny\n"
    );
    board.mpremote(&["rm", "-r", ":"]).ok();
    assert_eq!(
        fs::read_dir(board.fs()).unwrap().count(),
        0,
        "rm -r : empties the current directory"
    );
}

#[test]
fn fs_rm_removes_files() {
    let board = Board::start("rm");
    for name in ["a.txt", "b.txt", "c.txt", "quote'name.txt"] {
        write(&board.fs().join(name), name);
    }
    assert_eq!(board.mpremote(&["fs", "rm", ":a.txt"]).ok(), "rm :a.txt\n");
    assert!(!board.fs().join("a.txt").exists(), "a.txt is gone");
    board
        .mpremote(&["rm", ":b.txt", "c.txt", ":quote'name.txt"])
        .ok();
    assert_eq!(
        fs::read_dir(board.fs()).unwrap().count(),
        0,
        "several files go at once"
    );
    let run = board.mpremote(&["rm", ":missing"]);
    assert_eq!(
        run.failed(),
        "mpremote: rm: missing: No such file or directory.\n"
    );
}

#[test]
fn fs_rm_recursive_removes_a_tree() {
    let board = Board::start("rm-r");
    write_package(&board.fs().join("tree"));
    write_package(&board.fs().join("other"));
    board.mpremote(&["rm", "-r", ":tree"]).ok();
    assert!(!board.fs().join("tree").exists(), "the tree is gone");
    assert!(
        board.fs().join("other").join("sub").join("y.py").exists(),
        "a tree beside it stays"
    );
    let out = board.mpremote(&["fs", "rm", "-r", "-v", ":other"]).ok();
    assert_eq!(
        sorted_lines(&out),
        [
            "removed directory: 'other'",
            "removed directory: 'other/sub'",
            "removed: 'other/__init__.py'",
            "removed: 'other/data.bin'",
            "removed: 'other/sub/__init__.py'",
            "removed: 'other/sub/y.py'",
            "removed: 'other/x.py'",
            "rm :other",
        ]
    );
    assert_eq!(fs::read_dir(board.fs()).unwrap().count(), 0);
    let run = board.mpremote(&["rm", "-r", ":nonexistent"]);
    assert_eq!(
        run.failed(),
        "mpremote: rm: nonexistent: No such file or directory.\n"
    );
    let run = board.mpremote(&["rm", "-r", ":/"]);
    assert_eq!(
        run.failed(),
        "mpremote: rm -r: cannot remove :/ Operation not permitted\n",
        "the root is a mount point"
    );
}

#[test]
fn fs_mkdir_and_rmdir() {
    let board = Board::start("mkdir");
    assert_eq!(
        board
            .mpremote(&["fs", "mkdir", ":d", "+", "fs", "mkdir", ":d/e"])
            .ok(),
        "mkdir :d\nmkdir :d/e\n"
    );
    assert!(
        board.fs().join("d").join("e").is_dir(),
        "d/e is a directory"
    );
    let run = board.mpremote(&["mkdir", ":d"]);
    assert_eq!(run.failed(), "mpremote: mkdir: d: File exists.\n");
    write(&board.fs().join("d").join("f.txt"), "x");
    assert_eq!(
        board.mpremote(&["fs", "rmdir", ":d/e"]).ok(),
        "rmdir :d/e\n"
    );
    assert!(!board.fs().join("d").join("e").exists(), "d/e is gone");
    // A directory with a file in it stays.
    board.mpremote(&["rmdir", ":d"]).failed();
    assert!(board.fs().join("d").join("f.txt").exists());
    let run = board.mpremote(&["rmdir", ":missing"]);
    assert_eq!(
        run.failed(),
        "mpremote: rmdir: missing: No such file or directory.\n"
    );
}

#[test]
fn fs_touch_creates_without_truncating() {
    let board = Board::start("touch");
    assert_eq!(
        board.mpremote(&["fs", "touch", ":new.txt"]).ok(),
        "touch :new.txt\n"
    );
    assert!(
        read(&board.fs().join("new.txt")).is_empty(),
        "a new empty file"
    );
    write(&board.fs().join("kept.txt"), "keep me");
    board
        .mpremote(&["touch", ":kept.txt", ":quote'test.txt"])
        .ok();
    assert!(
        read(&board.fs().join("kept.txt")) == b"keep me",
        "touch keeps the contents"
    );
    assert!(board.fs().join("quote'test.txt").exists());
}

#[test]
fn fs_sha256sum_hashes_on_the_board() {
    let board = Board::start("sha256sum");
    write(&board.fs().join("bytes.bin"), all_bytes());
    write(&board.fs().join("empty"), "");
    write(&board.fs().join("big.bin"), all_bytes().repeat(10));
    assert_eq!(
        board
            .mpremote(&["fs", "sha256sum", ":bytes.bin", ":empty"])
            .ok(),
        "sha256sum :bytes.bin\n40aff2e9d2d8922e47afd4648e6967497158785fbd1da870e7110266bf944880\n\
         sha256sum :empty\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
    );
    assert_eq!(
        board.mpremote(&["sha256sum", "big.bin"]).ok(),
        "sha256sum :big.bin\ne392378f849d67bbb1a7bbec84f1098ae3faa751049c009a850130ce6073d91a\n"
    );
    let run = board.mpremote(&["sha256sum", ":missing"]);
    assert_eq!(
        run.failed(),
        "mpremote: sha256sum: missing: No such file or directory.\n"
    );
}

#[test]
fn fs_tree_draws_the_filesystem() {
    let board = Board::start("tree");
    assert_eq!(board.mpremote(&["fs", "tree"]).ok(), "tree :\n:/\n");
    write(&board.fs().join("b.txt"), "hello");
    write(&board.fs().join("a.py"), "");
    write(&board.fs().join("lib").join("m.py"), "VALUE = 42\n\n");
    write(
        &board.fs().join("lib").join("sub").join("z.bin"),
        all_bytes(),
    );
    write(
        &board.fs().join("lib").join("sub").join("big.bin"),
        noise(3000),
    );
    assert_eq!(
        board.mpremote(&["fs", "tree"]).ok(),
        "tree :\n:/\n├── a.py\n├── b.txt\n└── lib\n    ├── m.py\n    └── sub\n        ├── big.bin\n        └── z.bin\n"
    );
    assert_eq!(
        board.mpremote(&["tree", "-s", ":lib"]).ok(),
        "tree :lib\n:lib\n├── [       12]  m.py\n└── sub\n    ├── [     3000]  big.bin\n    └── [      256]  z.bin\n"
    );
    assert_eq!(
        board.mpremote(&["tree", "-h", ":lib/sub"]).ok(),
        "tree :lib/sub\n:lib/sub\n├── [  2.9K]  big.bin\n└── [   256]  z.bin\n"
    );
    let run = board.mpremote(&["tree", ":b.txt"]);
    assert_eq!(run.failed(), "mpremote: tree: 'b.txt' is not a directory\n");
}

#[test]
fn df_reports_the_root_filesystem() {
    let board = Board::start("df");
    let out = board.mpremote(&["df"]).ok();
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("filesystem     size     used    avail use% mounted on"),
        "df's header: {out:?}"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 1, "one filesystem, mounted at /: {out:?}");
    assert!(rows[0].ends_with(" /"), "mounted at /: {out:?}");
    let stat = board
        .mpremote(&["eval", "__import__('os').statvfs('/')"])
        .ok();
    let numbers: Vec<u64> = stat
        .trim()
        .trim_matches(|c: char| c == '(' || c == ')')
        .split(", ")
        .map(|n| {
            n.parse()
                .unwrap_or_else(|_| panic!("statvfs gives numbers: {stat}"))
        })
        .collect();
    assert_eq!(numbers.len(), 10, "statvfs has 10 fields: {stat}");
    let (bsize, blocks, bfree) = (numbers[0], numbers[2], numbers[3]);
    assert!(bsize > 0 && blocks > 0 && bfree <= blocks, "{stat}");
    assert!(
        rows[0].contains(&(bsize * blocks).to_string()),
        "df shows the size: {out:?}"
    );
}

#[test]
fn soft_reset_clears_state() {
    let board = Board::start("soft-reset");
    let run = board.mpremote(&[
        "exec",
        "a = 'soft-reset'",
        "eval",
        "a",
        "soft-reset",
        "eval",
        "1+1",
        "eval",
        "a",
    ]);
    run.failed();
    assert_eq!(run.out(), format!("soft-reset\n2\n{NAME_ERROR_A}"));
    // A new session starts with a soft reset, unless it resumes.
    board.mpremote(&["exec", "a = 'resume'"]).ok();
    assert_eq!(board.mpremote(&["resume", "eval", "a"]).ok(), "resume\n");
    let run = board.mpremote(&["eval", "a"]);
    run.failed();
    assert_eq!(run.out(), NAME_ERROR_A);
    assert_eq!(board.mpremote(&["soft-reset"]).ok(), "");
}

/// A soft reset runs `boot.py` (its output doesn't disturb mpremote) but not `main.py`, as the
/// board stays in the raw REPL.
#[test]
fn soft_reset_runs_boot_py_but_not_main_py() {
    let board = Board::start("boot");
    write(
        &board.fs().join("boot.py"),
        "print('boot.py says hello')\nwith open('/boot.log', 'a') as f:\n    f.write('b')\n",
    );
    write(
        &board.fs().join("main.py"),
        "with open('/main.log', 'a') as f:\n    f.write('m')\n",
    );
    let forget = "import os\nfor name in ('/boot.log', '/main.log'):\n    try:\n        os.remove(name)\n    except OSError:\n        pass\n";
    let out = board
        .mpremote(&[
            "exec",
            forget,
            "soft-reset",
            "eval",
            "sorted(__import__('os').listdir('/'))",
        ])
        .ok();
    assert_eq!(
        out, "['boot.log', 'boot.py', 'main.py']\n",
        "after the soft reset boot.py has run (boot.log) and main.py hasn't (no main.log)"
    );
    assert!(
        read(&board.fs().join("boot.log")) == b"b",
        "boot.py ran once"
    );
}

#[test]
fn mount_imports_and_reads_local_files() {
    let board = Board::start("mount");
    let dir = board.local().join("project");
    write(
        &dir.join("mymod.py"),
        "def greet(n):\n    return 'hi ' + n\nVALUE = 42\n",
    );
    write_package(&dir.join("pkg"));
    write(&dir.join("data.txt"), "line1\nline2\n");
    let code = "import mymod, pkg\n\
                print(mymod.greet('bob'), mymod.VALUE)\n\
                pkg.x(); pkg.y()\n\
                print(repr(open('data.txt').read()))\n\
                print(open('pkg/data.bin', 'rb').read() == bytes(range(256)))\n\
                import os\n\
                print(os.getcwd(), sorted(os.listdir()))\n\
                with open('written.bin', 'wb') as f:\n    f.write(bytes(range(255, -1, -1)))\n\
                os.mkdir('made')\n";
    let out = board.mpremote(&["mount", arg(&dir), "exec", code]).ok();
    let banner = format!("Local directory {} is mounted at /remote\n", arg(&dir));
    assert!(
        out.contains(&banner),
        "mpremote says what it mounted: {out:?}"
    );
    assert_eq!(
        out.replace(&banner, ""),
        "hi bob 42\nx\ny\n'line1\\nline2\\n'\nTrue\n/remote ['data.txt', 'mymod.py', 'pkg']\n"
    );
    let mut reversed = all_bytes();
    reversed.reverse();
    assert!(
        read(&dir.join("written.bin")) == reversed,
        "a file written through the mount"
    );
    assert!(
        dir.join("made").is_dir(),
        "a directory made through the mount"
    );
    assert_eq!(
        fs::read_dir(board.fs()).unwrap().count(),
        0,
        "the board's own files are untouched"
    );
    // A script run from the host imports from the mount too.
    let script = board.local().join("script.py");
    write(&script, "import mymod\nprint(mymod.greet('run'))\n");
    let out = board
        .mpremote(&["mount", arg(&dir), "run", arg(&script)])
        .ok();
    assert_eq!(out.replace(&banner, ""), "hi run\n");
}

/// Ctrl-D in `mpremote mount DIR repl` soft-resets the board; mpremote sees the reboot and
/// mounts the directory again.
#[test]
fn mount_survives_a_soft_reset_in_the_repl() {
    let board = Board::start("mount-repl");
    let dir = board.local().join("project");
    write(&dir.join("mymod.py"), "VALUE = 7\n");
    write(&dir.join("data.txt"), "mounted data\n");
    let mut term = board.terminal(&["mount", arg(&dir), "repl"]);
    term.until("exit this shell");
    term.send(b"'mark' + 'er'\r");
    term.until("'marker'\r\n>>> ");
    term.exchange(
        b"import mymod; mymod.VALUE\r",
        "import mymod; mymod.VALUE\r\n7\r\n>>> ",
    );
    term.send(b"\x04");
    let reboot = term.until(" at /remote\r\n");
    assert!(reboot.contains("MPY: soft reboot\r\n"), "{reboot:?}");
    assert!(
        reboot.contains(&format!("Remount local directory {}", arg(&dir))),
        "{reboot:?}"
    );
    term.until(">>> ");
    term.exchange(
        b"import os; os.getcwd()\r",
        "import os; os.getcwd()\r\n'/remote'\r\n>>> ",
    );
    term.exchange(
        b"open('data.txt').read()\r",
        "open('data.txt').read()\r\n'mounted data\\n'\r\n>>> ",
    );
    let (status, rest) = term.quit();
    assert!(
        status.success(),
        "mpremote quits cleanly: {status}, {rest:?}"
    );
}

#[test]
fn repl_session() {
    let board = Board::start("repl");
    let mut term = board.terminal(&["repl"]);
    term.wait_for_prompt();
    term.exchange(b"x = 6 * 7\r", "x = 6 * 7\r\n>>> ");
    term.exchange(b"x\r", "x\r\n42\r\n>>> ");
    term.exchange(b"print('a', 'b')\r", "print('a', 'b')\r\na b\r\n>>> ");
    term.exchange(b"1/0\r", "1/0\r\nTraceback (most recent call last):\r\n  File \"<stdin>\", line 1, in <module>\r\nZeroDivisionError: divide by zero\r\n>>> ");
    // Paste mode.
    term.exchange(
        b"\x05",
        "\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== ",
    );
    term.exchange(
        b"for i in range(3):\r    print(i * 10)\r",
        "for i in range(3):\r\n===     print(i * 10)\r\n=== ",
    );
    term.exchange(b"\x04", "\r\n0\r\n10\r\n20\r\n>>> ");
    // Ctrl-C stops a running loop.
    term.exchange(b"while True: pass\r", "while True: pass\r\n... ");
    term.exchange(b"\r", "\r\n");
    std::thread::sleep(Duration::from_millis(200));
    term.exchange(
        b"\x03",
        "Traceback (most recent call last):\r\n  File \"<stdin>\", line 1, in <module>\r\nKeyboardInterrupt: \r\n>>> ",
    );
    // Ctrl-D soft-resets: the banner again, and the variables are gone.
    term.send(b"\x04");
    let reboot = term.until("Type \"help()\" for more information.\r\n>>> ");
    assert!(reboot.starts_with("\r\nMPY: soft reboot\r\n"), "{reboot:?}");
    term.exchange(
        b"x\r",
        "x\r\nTraceback (most recent call last):\r\n  File \"<stdin>\", line 1, in <module>\r\nNameError: name 'x' isn't defined\r\n>>> ",
    );
    let (status, rest) = term.quit();
    assert!(status.success(), "Ctrl-] ends mpremote: {status}, {rest:?}");
    // The next client finds the board in order.
    assert_eq!(
        board.mpremote(&["eval", "'after repl'"]).ok(),
        "after repl\n"
    );
}

/// The friendly REPL's auto-indent (shared/reference/micropython-wire.md §3.2).
#[test]
fn repl_auto_indent() {
    let board = Board::start("repl-indent");
    let mut term = board.terminal(&["repl"]);
    term.wait_for_prompt();
    term.exchange(b"for i in range(2):\r", "for i in range(2):\r\n...     ");
    term.exchange(b"print(i)\r", "print(i)\r\n...     ");
    // One backspace takes the 4 spaces of indentation; Enter on the empty line runs the loop.
    term.exchange(b"\x08\r", "\x08\x08\x08\x08\x1b[K\r\n0\r\n1\r\n>>> ");
    let (status, rest) = term.quit();
    assert!(status.success(), "{status}, {rest:?}");
}

/// A program reading from the terminal: `input()` echoes what is typed, and `sys.stdin.read(n)`
/// returns once n characters have arrived.
#[test]
fn repl_program_input() {
    let board = Board::start("repl-input");
    let mut term = board.terminal(&["repl"]);
    term.wait_for_prompt();
    term.exchange(
        b"name = input('name? ')\r",
        "name = input('name? ')\r\nname? ",
    );
    term.exchange(b"bob\r", "bob\r\n>>> ");
    term.exchange(b"name\r", "name\r\n'bob'\r\n>>> ");
    term.exchange(
        b"import sys; sys.stdin.read(3)\r",
        "import sys; sys.stdin.read(3)\r\n",
    );
    term.exchange(b"abc", "'abc'\r\n>>> ");
    term.exchange(b"1 + 1\r", "1 + 1\r\n2\r\n>>> ");
    let (status, rest) = term.quit();
    assert!(status.success(), "{status}, {rest:?}");
}

fn qemu_exec_eval_and_run(machine: &Machine, test: &str) {
    let board = Board::qemu(test, machine);
    assert_eq!(board.mpremote(&["eval", "1+2"]).ok(), "3\n");
    let out = board
        .mpremote(&[
            "exec",
            "import sys, os; print(sys.platform, os.uname().machine)",
        ])
        .ok();
    assert_eq!(out, format!("qemu {}\n", machine.identity));
    let run = board.mpremote(&["exec", "1/0"]);
    run.failed();
    assert!(
        run.out().contains("ZeroDivisionError: divide by zero"),
        "{}",
        run.out()
    );
    // A 32-bit board's word, as MicroPython's: sizes and range bounds must fit it.
    let out = board
        .mpremote(&[
            "exec",
            "import sys\nprint(sys.maxsize == 2**31 - 1, len(range(sys.maxsize)))\ntry:\n    range(1 << 32)\nexcept OverflowError as e:\n    print(e)",
        ])
        .ok();
    assert_eq!(
        out,
        "True 2147483647\noverflow converting long int to machine word\n"
    );
    write(
        &board.local().join("script.py"),
        "def f(n):\n    return n * n\nprint([f(i) for i in range(5)])\n",
    );
    assert_eq!(
        board.mpremote(&["run", "script.py"]).ok(),
        "[0, 1, 4, 9, 16]\n"
    );
    // Memory running out is a MemoryError, and the board lives on.
    let run = board.mpremote(&["exec", "x = [bytearray(100_000) for i in range(1000)]"]);
    run.failed();
    assert!(run.out().contains("MemoryError"), "{}", run.out());
    assert_eq!(board.mpremote(&["eval", "6*7"]).ok(), "42\n");
}

fn qemu_files_round_trip(machine: &Machine, test: &str) {
    let board = Board::qemu(test, machine);
    let files: [(&str, Vec<u8>); 3] = [
        ("bytes.bin", all_bytes()),
        ("noise.bin", noise(64 * 1024)),
        ("text.txt", "line one\r\nline two\n\tü 世界 🎉\n".into()),
    ];
    board.mpremote(&["fs", "mkdir", ":lib"]).ok();
    for (name, contents) in &files {
        let local = board.local().join(name);
        write(&local, contents);
        let to = format!(":lib/{name}");
        board.mpremote(&["fs", "cp", arg(&local), &to]).ok();
        let back = board.local().join(format!("{name}.back"));
        board.mpremote(&["fs", "cp", &to, arg(&back)]).ok();
        assert!(read(&back) == *contents, "{name} comes back byte for byte");
    }
    let listing = board.mpremote(&["fs", "ls", ":lib"]).ok();
    for (name, contents) in &files {
        assert!(
            listing.contains(&format!("{} {name}", contents.len())),
            "{name} listed with its size: {listing}"
        );
    }
    board.mpremote(&["fs", "rm", ":lib/bytes.bin"]).ok();
    assert!(
        !board
            .mpremote(&["fs", "ls", ":lib"])
            .ok()
            .contains("bytes.bin")
    );
    assert!(board.mpremote(&["df"]).ok().contains("mount"));
}

fn qemu_soft_reset_and_ctrl_c(machine: &Machine, test: &str) {
    let board = Board::qemu(test, machine);
    board.mpremote(&["exec", "x = 42"]).ok();
    assert_eq!(board.mpremote(&["resume", "eval", "x"]).ok(), "42\n");
    board.mpremote(&["soft-reset"]).ok();
    let run = board.mpremote(&["resume", "eval", "x"]);
    run.failed();
    assert!(run.out().contains("NameError"), "{}", run.out());
    let mut term = board.terminal(&["repl"]);
    term.wait_for_prompt();
    term.exchange(b"n = 0\r", "n = 0\r\n>>> ");
    term.exchange(b"while True: n += 1\r", "while True: n += 1\r\n... ");
    term.exchange(b"\r", "\r\n");
    std::thread::sleep(Duration::from_millis(300));
    term.send(b"\x03");
    term.until("KeyboardInterrupt: \r\n>>> ");
    term.exchange(b"n > 0\r", "n > 0\r\nTrue\r\n>>> ");
    let (status, rest) = term.quit();
    assert!(status.success(), "Ctrl-] ends mpremote: {status}, {rest:?}");
}

/// The board's files are littlefs on a RAM disk outside the image: `mpremote reset`
/// (`machine.reset()`, which restarts the whole machine) keeps them, and `main.py` runs at
/// the next boot.
fn qemu_reset_keeps_files(machine: &Machine, test: &str) {
    let board = Board::qemu(test, machine);
    let data = noise(20_000);
    let local = board.local().join("data.bin");
    write(&local, &data);
    board.mpremote(&["fs", "mkdir", ":keep"]).ok();
    board
        .mpremote(&["fs", "cp", arg(&local), ":keep/data.bin"])
        .ok();
    write(
        &board.local().join("main.py"),
        "import time\nbooted_at = time.ticks_ms()\n",
    );
    board.mpremote(&["fs", "cp", "main.py", ":main.py"]).ok();
    let before = board
        .mpremote(&[
            "exec",
            "import time; time.sleep_ms(1200); print(time.ticks_ms())",
        ])
        .ok();
    board.mpremote(&["reset"]).ok();
    // The machine starts again: its clock from zero, main.py run at boot, the files there.
    let after = board
        .mpremote(&["resume", "exec", "print(time.ticks_ms(), booted_at)"])
        .ok();
    let ticks: Vec<u64> = after
        .split_whitespace()
        .map(|w| w.parse().expect("ticks"))
        .collect();
    let before: u64 = before.trim().parse().expect("ticks");
    assert!(
        ticks[1] <= ticks[0] && ticks[0] < before,
        "a fresh machine ran main.py: {after} after {before}"
    );
    let back = board.local().join("back.bin");
    board
        .mpremote(&["fs", "cp", ":keep/data.bin", arg(&back)])
        .ok();
    assert!(read(&back) == data, "the file survived the reset");
    let listing = board.mpremote(&["fs", "ls", ":"]).ok();
    assert!(
        listing.contains("keep/") && listing.contains("main.py"),
        "{listing}"
    );
}

/// One test per machine and case: `cargo xtask test` builds the images and runs them.
macro_rules! qemu_tests {
    ($($name:ident: $case:ident on $machine:ident,)*) => {$(
        #[test]
        #[ignore = "boots a QEMU image: `cargo xtask test` builds it and runs this"]
        fn $name() {
            $case(&$machine, stringify!($name));
        }
    )*};
}

qemu_tests! {
    qemu_mps2_exec_eval_and_run: qemu_exec_eval_and_run on MPS2,
    qemu_mps2_files_round_trip: qemu_files_round_trip on MPS2,
    qemu_mps2_soft_reset_and_ctrl_c: qemu_soft_reset_and_ctrl_c on MPS2,
    qemu_virt_rv32_exec_eval_and_run: qemu_exec_eval_and_run on VIRT_RV32,
    qemu_virt_rv32_files_round_trip: qemu_files_round_trip on VIRT_RV32,
    qemu_virt_rv32_soft_reset_and_ctrl_c: qemu_soft_reset_and_ctrl_c on VIRT_RV32,
    qemu_mps2_reset_keeps_files: qemu_reset_keeps_files on MPS2,
    qemu_virt_rv32_reset_keeps_files: qemu_reset_keeps_files on VIRT_RV32,
}
