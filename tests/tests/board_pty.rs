//! Drives `copperhead-board --pty` through its real pseudo-terminal, byte for byte as
//! MicroPython's raw REPL and raw-paste mode behave (shared/reference/micropython-wire.md §3).

use copperhead_tests::bin_path;
use std::ffi::CString;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A client on the board's pty, as pyserial or tokio-serial would open it.
struct Device {
    fd: libc::c_int,
    board: Child,
}

/// A new empty directory for one board's filesystem.
fn fresh_fs() -> std::path::PathBuf {
    copperhead_tests::fresh_dir("pty")
}

impl Device {
    fn open() -> Device {
        let mut board = Command::new(bin_path("copperhead-board"))
            .arg("--pty")
            .arg("--fs")
            .arg(fresh_fs())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn copperhead-board --pty");
        let mut line = String::new();
        BufReader::new(board.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("first line");
        let path = line.trim();
        assert!(
            path.starts_with("/dev/"),
            "first line is a device path: {path:?}"
        );
        let cpath = CString::new(path).unwrap();
        // SAFETY: open + termios on a descriptor we own.
        let fd = unsafe { libc::open(cpath.as_ptr(), libc::O_RDWR | libc::O_NOCTTY) };
        assert!(fd >= 0, "open {path}");
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            libc::tcgetattr(fd, &mut t);
            libc::cfmakeraw(&mut t);
            libc::tcsetattr(fd, libc::TCSANOW, &t);
        }
        Device { fd, board }
    }

    fn send(&mut self, bytes: &[u8]) {
        let n = unsafe { libc::write(self.fd, bytes.as_ptr().cast(), bytes.len()) };
        assert_eq!(n, bytes.len() as isize, "write to pty");
    }

    /// Read exactly `n` bytes, failing after 10 s.
    fn read_n(&mut self, n: usize) -> Vec<u8> {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut got = Vec::new();
        while got.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "timed out; got so far {:?}",
                String::from_utf8_lossy(&got)
            );
            let mut pfd = libc::pollfd {
                fd: self.fd,
                events: libc::POLLIN,
                revents: 0,
            };
            let ready = unsafe { libc::poll(&mut pfd, 1, left.as_millis() as i32) };
            if ready <= 0 {
                continue;
            }
            let mut buf = vec![0u8; n - got.len()];
            let r = unsafe { libc::read(self.fd, buf.as_mut_ptr().cast(), buf.len()) };
            assert!(r > 0, "read from pty");
            got.extend_from_slice(&buf[..r as usize]);
        }
        got
    }

    /// The next bytes must be exactly `want`.
    fn expect(&mut self, want: &[u8]) {
        let got = self.read_n(want.len());
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(want),
            "bytes from the board"
        );
    }

    /// Nothing more arrives within a short while.
    fn expect_quiet(&mut self) {
        let mut pfd = libc::pollfd {
            fd: self.fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let ready = unsafe { libc::poll(&mut pfd, 1, 200) };
        assert_eq!(ready, 0, "unexpected extra output");
    }

    /// Read up to and including the next `byte`.
    fn read_through(&mut self, byte: u8) -> Vec<u8> {
        let mut got = Vec::new();
        while got.last() != Some(&byte) {
            got.extend(self.read_n(1));
        }
        got
    }

    fn enter_raw(&mut self) {
        self.send(b"\r\x03\x03");
        self.expect(b"\r\n>>> \r\n>>> \r\n>>> ");
        self.send(b"\r\x01");
        self.expect(b"\r\n>>> \r\nraw REPL; CTRL-B to exit\r\n>");
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        unsafe { libc::close(self.fd) };
        let _ = self.board.kill();
        let _ = self.board.wait();
    }
}

#[test]
fn raw_repl_exec_and_errors() {
    let mut d = Device::open();
    d.enter_raw();
    d.send(b"print('hi')\x04");
    d.expect(b"OKhi\r\n\x04\x04>");
    d.send(b"print('before'); 1/0\x04");
    d.expect(b"OKbefore\r\n\x04Traceback (most recent call last):\r\n  File \"<stdin>\", line 1, in <module>\r\nZeroDivisionError: divide by zero\r\n\x04>");
    d.send(b"def\x04");
    d.expect(b"OK\x04Traceback (most recent call last):\r\n  File \"<stdin>\", line 1\r\nSyntaxError: invalid syntax\r\n\x04>");
    // Ctrl-C clears the buffer; Ctrl-A reprints the banner.
    d.send(b"print(1)\x03print(2)\x04");
    d.expect(b"OK2\r\n\x04\x04>");
    d.send(b"junk\x01");
    d.expect(b"raw REPL; CTRL-B to exit\r\n>");
    d.send(b"\x04");
    d.expect(b"OK\r\nMPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>");
    d.expect_quiet();
}

#[test]
fn soft_reset_clears_state_and_keeps_raw_mode() {
    let mut d = Device::open();
    d.enter_raw();
    d.send(b"x = 42\x04");
    d.expect(b"OK\x04\x04>");
    d.send(b"print(x)\x04");
    d.expect(b"OK42\r\n\x04\x04>");
    d.send(b"\x04");
    d.expect(b"OK\r\nMPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>");
    d.send(b"print(x)\x04");
    d.expect(b"OK\x04Traceback (most recent call last):\r\n  File \"<stdin>\", line 1, in <module>\r\nNameError: name 'x' isn't defined\r\n\x04>");
}

#[test]
fn ctrl_c_interrupts_a_running_loop() {
    let mut d = Device::open();
    d.enter_raw();
    d.send(b"n = 0\nwhile True:\n    n += 1\n\x04");
    d.expect(b"OK");
    std::thread::sleep(Duration::from_millis(200));
    d.send(b"\x03");
    d.expect(b"\x04Traceback (most recent call last):\r\n  File \"<stdin>\", line 3, in <module>\r\nKeyboardInterrupt: \r\n\x04>");
    // The board is usable again, and the loop really ran.
    d.send(b"print(n > 0)\x04");
    d.expect(b"OKTrue\r\n\x04\x04>");
}

#[test]
fn raw_paste_with_flow_control() {
    let mut d = Device::open();
    d.enter_raw();
    d.send(b"\x05A\x01");
    d.expect(b"R\x01\x80\x00\x01");
    // 300 bytes of code: the host may send two windows (256 bytes) at once ...
    let mut code = Vec::new();
    while code.len() < 290 {
        code.extend_from_slice(b"x = 1 + 2\n");
    }
    code.extend_from_slice(b"print(x*14)");
    assert!(code.len() > 256);
    d.send(&code[..256]);
    // ... and the board grants a window for each 128 bytes it has consumed.
    d.expect(b"\x01\x01");
    d.send(&code[256..]);
    d.send(b"\x04");
    d.expect(b"\x0442\r\n\x04\x04>");
    // Raw-paste errors use the same framing, without `OK`.
    d.send(b"\x05A\x01");
    d.expect(b"R\x01\x80\x00\x01");
    d.send(b"1/0\x04");
    d.expect(b"\x04\x04Traceback (most recent call last):\r\n  File \"<stdin>\", line 1, in <module>\r\nZeroDivisionError: divide by zero\r\n\x04>");
    // Ctrl-C while the host is still sending.
    d.send(b"\x05A\x01");
    d.expect(b"R\x01\x80\x00\x01");
    d.send(b"print(1)\x03");
    d.expect(b"\x04\x04KeyboardInterrupt: \r\n\x04>");
    // An unknown raw-paste variant is refused.
    d.send(b"\x05B\x01");
    d.expect(b"R\x00>");
    d.expect_quiet();
}

#[test]
fn friendly_repl_banner_and_lines() {
    let mut d = Device::open();
    d.send(b"\r");
    d.expect(b"\r\n>>> ");
    d.send(b"\x02");
    let banner = d.read_n(2 + "MicroPython v".len());
    assert_eq!(&banner, b"\r\nMicroPython v");
    let tail = b"Type \"help()\" for more information.\r\n>>> ";
    let mut rest = Vec::new();
    while !rest.ends_with(tail) {
        rest.extend(d.read_n(1));
        assert!(
            rest.len() < 200,
            "banner too long: {:?}",
            String::from_utf8_lossy(&rest)
        );
    }
    assert!(
        String::from_utf8_lossy(&rest).contains(" with "),
        "banner names the MCU"
    );
    d.send(b"6*7\r");
    d.expect(b"6*7\r\n42\r\n>>> ");
    // Auto-indent after a colon; a backspace takes the indentation back, and an empty
    // line ends the statement.
    d.send(b"if 1:\r");
    d.expect(b"if 1:\r\n...     ");
    d.send(b"print('x')\r");
    d.expect(b"print('x')\r\n...     ");
    d.send(b"\x7f\r");
    d.expect(b"\x08\x08\x08\x08\x1b[K\r\nx\r\n>>> ");
}

/// `--tcp ADDR`: the same board REPL on a TCP port; the board (and its state) stays up
/// between clients.
#[test]
fn tcp_board_keeps_its_state_between_clients() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    let mut board = Command::new(bin_path("copperhead-board"))
        .args(["--tcp", "127.0.0.1:0", "--fs"])
        .arg(fresh_fs())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn copperhead-board --tcp");
    let mut line = String::new();
    BufReader::new(board.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("first line");
    let addr = line.trim().to_string();
    let read_until = |s: &mut TcpStream, want: &[u8]| {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut got = Vec::new();
        let mut byte = [0u8];
        while !got.ends_with(want) {
            s.read_exact(&mut byte)
                .unwrap_or_else(|e| panic!("{e}; got {:?}", String::from_utf8_lossy(&got)));
            got.push(byte[0]);
        }
    };
    let mut first = TcpStream::connect(&addr).expect("connect");
    first.write_all(b"\r\x03\r\x01").unwrap();
    read_until(&mut first, b"raw REPL; CTRL-B to exit\r\n>");
    first.write_all(b"kept = 42\x04").unwrap();
    read_until(&mut first, b"OK\x04\x04>");
    drop(first);
    let mut second = TcpStream::connect(&addr).expect("connect again");
    second.write_all(b"print(kept)\x04").unwrap();
    read_until(&mut second, b"OK42\r\n\x04\x04>");
    let _ = board.kill();
    let _ = board.wait();
}

/// The conformance corpus run on the board over its raw REPL, as tools run code on a board,
/// gives what it gives on the command line (`tests/python/*.py.exp`), with the board's
/// `\r\n` line ends: nothing is lost or changed on the way through the REPL and the pty.
/// (MicroPython's own `run-tests.py -t execpty:` does the same with its suite.)
#[test]
fn the_corpus_runs_the_same_over_the_raw_repl() {
    let mut cases = Vec::new();
    let dir = copperhead_tests::repo_root().join("tests/python");
    for entry in std::fs::read_dir(&dir).expect("tests/python") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "py") && path.with_extension("py.exp").exists() {
            cases.push(path);
        }
    }
    cases.sort();
    assert!(!cases.is_empty());
    let mut d = Device::open();
    d.enter_raw();
    let mut failures = Vec::new();
    for case in &cases {
        // A fresh VM for each case, as run-tests.py soft-resets between tests.
        d.send(b"\x04");
        d.expect(b"OK\r\nMPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>");
        let source = std::fs::read(case).expect("read case");
        d.send(&source);
        d.send(b"\x04");
        d.expect(b"OK");
        let mut got = d.read_through(0x04);
        got.pop();
        let mut error = d.read_through(0x04);
        error.pop();
        got.extend(error);
        // `>`, or after `sys.exit()` a soft reset into the raw REPL again.
        let after = d.read_through(b'>');
        assert!(
            after == b">" || after.ends_with(b"raw REPL; CTRL-B to exit\r\n>"),
            "{}: unexpected {:?}",
            case.display(),
            String::from_utf8_lossy(&after)
        );
        let want = std::fs::read(case.with_extension("py.exp")).expect("read .exp");
        let got = String::from_utf8_lossy(&got).replace("\r\n", "\n");
        if got.as_bytes() != want.as_slice() {
            failures.push(format!(
                "{}\n--- expected\n{}--- got\n{got}---",
                case.display(),
                String::from_utf8_lossy(&want)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ over the raw REPL:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The simulated `machine` of the virtual board: pins hold their state between programs, and
/// a timer keeps firing while the board waits at its prompt, as on a board.
#[test]
fn machine_state_lives_on_between_programs() {
    let mut d = Device::open();
    d.enter_raw();
    d.send(b"from machine import Pin, Timer\nn = [0]\nt = Timer(-1, period=20, callback=lambda t: n.__setitem__(0, n[0] + 1))\nPin(5, Pin.OUT).value(1)\n\x04");
    d.expect(b"OK\x04\x04>");
    std::thread::sleep(Duration::from_millis(300));
    d.send(b"print(n[0] >= 5, Pin(5).value())\nt.deinit()\n\x04");
    d.expect(b"OKTrue 1\r\n\x04\x04>");
}
