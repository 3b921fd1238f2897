//! The server's JSON API end to end: the real `copperhead` binary, with the real virtual board
//! (`copperhead-board --pty`) that it starts next to itself, driven over HTTP.
//!
//! The HTTP client is a few lines over `std::net::TcpStream` (one request per connection,
//! `Connection: close`), which keeps this crate's compile time low.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use copperhead_tests::bin_path;
use serde_json::{Value, json};

/// How long the server may take to print its URL (it starts the virtual board first).
const STARTUP: Duration = Duration::from_secs(30);
/// Longest wait for one HTTP answer.
const RESPONSE: Duration = Duration::from_secs(60);

/// A running `copperhead --listen 127.0.0.1:0`, stopped (SIGTERM, then SIGKILL) on drop.
struct Server {
    child: Child,
    addr: String,
    /// The virtual board's filesystem folder (fresh for each server).
    board_fs: std::path::PathBuf,
    /// The workspace folder (fresh for each server).
    workspace: std::path::PathBuf,
}

impl Server {
    fn start() -> Server {
        Server::start_with(&["--listen", "127.0.0.1:0"])
    }

    /// A server with these arguments besides its folders (`--listen` among them).
    fn start_with(args: &[&str]) -> Server {
        Server::start_env(args, &[])
    }

    /// As [`Server::start_with`], with these environment variables too.
    fn start_env(args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Server {
        use std::os::unix::process::CommandExt;
        // The server looks for the board next to itself; fail with a clear hint if absent.
        bin_path("copperhead-board");
        let board_fs = copperhead_tests::fresh_dir("server-fs");
        let workspace = copperhead_tests::fresh_dir("server-workspace");
        let mut command = Command::new(bin_path("copperhead"));
        // No core files from boards the tests abort (the server's boards inherit the limit).
        // SAFETY: setrlimit is async-signal-safe, which is all pre_exec may call.
        unsafe {
            command.pre_exec(|| {
                let none = libc::rlimit {
                    rlim_cur: 0,
                    rlim_max: 0,
                };
                if libc::setrlimit(libc::RLIMIT_CORE, &none) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = command
            .args(args)
            .envs(env.iter().copied())
            .arg("--board-fs")
            .arg(&board_fs)
            .arg("--workspace")
            .arg(&workspace)
            // Quiet unless asked: the server's log goes to the test's stderr uncaptured.
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start copperhead");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            // Keep the pipe open for as long as the server runs.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let mut server = Server {
            child,
            addr: String::new(),
            board_fs,
            workspace,
        };
        let line = rx
            .recv_timeout(STARTUP)
            .expect("copperhead printed no URL line in time");
        server.addr = line
            .strip_prefix("Copperhead is running at http://")
            .and_then(|rest| rest.strip_suffix("/\n"))
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .replace("0.0.0.0:", "127.0.0.1:");
        assert!(
            server.addr.starts_with("127.0.0.1:") && !server.addr.ends_with(":0"),
            "the URL must carry the real bound port: {line:?}"
        );
        server
    }

    /// Sends one request; returns the status and the body parsed as JSON.
    fn request(&self, method: &str, path: &str, body: Option<&str>) -> (u16, Value) {
        let (status, body) = self.request_raw(method, path, body);
        let json = serde_json::from_slice(&body).unwrap_or_else(|e| {
            panic!(
                "{method} {path}: body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&body)
            )
        });
        (status, json)
    }

    fn request_raw(&self, method: &str, path: &str, body: Option<&str>) -> (u16, Vec<u8>) {
        let body = body.map(|b| (b.as_bytes(), "application/json"));
        self.request_bytes(method, path, body)
    }

    /// Sends one request with a body of any bytes; returns the status and the body.
    fn request_bytes(
        &self,
        method: &str,
        path: &str,
        body: Option<(&[u8], &str)>,
    ) -> (u16, Vec<u8>) {
        self.request_with(method, path, &[], body)
    }

    /// As [`Self::request_bytes`], with extra headers (a `Host` among them replaces ours).
    fn request_with(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&[u8], &str)>,
    ) -> (u16, Vec<u8>) {
        let (status, _, body) = self.request_full(method, path, headers, body);
        (status, body)
    }

    /// As [`Self::request_with`]; also the response's head, in lower case.
    fn request_full(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&[u8], &str)>,
    ) -> (u16, String, Vec<u8>) {
        let mut stream = TcpStream::connect(&self.addr).expect("connect to copperhead");
        stream.set_read_timeout(Some(RESPONSE)).unwrap();
        let host = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("host"))
            .map_or(self.addr.as_str(), |(_, v)| v);
        let mut request =
            format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
        for (k, v) in headers
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("host"))
        {
            request += &format!("{k}: {v}\r\n");
        }
        if let Some((body, kind)) = body {
            request += &format!("Content-Type: {kind}\r\nContent-Length: {}\r\n", body.len());
        }
        request += "\r\n";
        let mut bytes = request.into_bytes();
        if let Some((body, _)) = body {
            bytes.extend_from_slice(body);
        }
        // (A server that refuses early may close before reading it all.)
        let _ = stream.write_all(&bytes);

        let mut response = Vec::new();
        stream
            .read_to_end(&mut response)
            .unwrap_or_else(|e| panic!("{method} {path}: reading the response failed: {e}"));
        let split = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("end of HTTP head");
        let head = String::from_utf8_lossy(&response[..split]).to_ascii_lowercase();
        let body = &response[split + 4..];
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("HTTP status");
        let body = if head.contains("transfer-encoding: chunked") {
            dechunk(body)
        } else {
            body.to_vec()
        };
        (status, head, body)
    }

    fn exec(&self, board: &str, code: &str) -> (u16, Value) {
        let body = json!({ "code": code }).to_string();
        self.request(
            "POST",
            &format!("/api/boards/{board}/exec"),
            Some(body.as_str()),
        )
    }
}

/// Decodes an HTTP/1.1 chunked body.
fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = body
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size_text = String::from_utf8_lossy(&body[..line_end]);
        let size_text = size_text.split(';').next().unwrap().trim();
        let size = usize::from_str_radix(size_text, 16).expect("chunk size");
        body = &body[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size + 2..];
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM lets the server stop its virtual board; SIGKILL if it does not exit soon.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn lists_the_virtual_board() {
    let server = Server::start();
    let (status, boards) = server.request("GET", "/api/boards", None);
    assert_eq!(status, 200, "{boards}");
    let boards = boards.as_array().expect("a JSON array");
    let board = boards
        .iter()
        .find(|b| b["id"] == "virtual")
        .unwrap_or_else(|| panic!("no virtual board in {boards:?}"));
    assert_eq!(board["name"], "Virtual board");
    assert_eq!(board["kind"], "virtual");
    assert!(
        board["port"].as_str().unwrap().starts_with("/dev/"),
        "{board}"
    );
    assert_eq!(board["usb"], Value::Null);
    assert_eq!(board["connected"], true);
}

#[test]
fn exec_returns_stdout_and_errors() {
    let server = Server::start();

    let (status, out) = server.exec("virtual", "print(6*7)");
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["stdout"], "42\r\n", "{out}");
    assert_eq!(out["error"], Value::Null, "{out}");

    let (status, out) = server.exec("virtual", "1/0");
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["stdout"], "", "{out}");
    let error = &out["error"];
    assert_eq!(error["type"], "ZeroDivisionError", "{out}");
    assert_eq!(error["line"], 1, "{out}");
    assert_eq!(error["file"], "<stdin>", "{out}");
    assert!(
        error["traceback"]
            .as_str()
            .unwrap()
            .starts_with("Traceback (most recent call last):"),
        "{out}"
    );

    // The board is left usable after an exception; several lines of output keep `\r\n`.
    let (status, out) = server.exec("virtual", "a = 6\nb = 7\nprint(a * b)\nprint(a + b)\n");
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["stdout"], "42\r\n13\r\n", "{out}");
}

#[test]
fn errors_are_json() {
    let server = Server::start();

    let (status, out) = server.exec("no-such-board", "print(1)");
    assert_eq!(status, 404, "{out}");
    assert_eq!(out["error"]["code"], "board_not_found", "{out}");
    assert!(out["error"]["message"].is_string(), "{out}");

    let (status, out) = server.request("POST", "/api/boards/virtual/exec", Some("{not json"));
    assert_eq!(status, 400, "{out}");
    assert_eq!(out["error"]["code"], "bad_request", "{out}");

    let (status, out) = server.request("GET", "/api/no-such-endpoint", None);
    assert_eq!(status, 404, "{out}");
    assert_eq!(out["error"]["code"], "not_found", "{out}");
}

/// Bytes that look random (and hold every byte value), the same in every run.
fn noise(n: usize) -> Vec<u8> {
    let mut x: u32 = 0x1234_5678;
    (0..n)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            if i < 256 { i as u8 } else { x as u8 }
        })
        .collect()
}

fn sha256_hex(data: &[u8]) -> String {
    let out = Command::new("sha256sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(data)?;
            c.wait_with_output()
        })
        .expect("sha256sum");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

/// Files on the board through the API: a 1 MiB binary file up and down byte for byte,
/// listing (recursive, with sizes), mkdir, rename, recursive delete.
#[test]
fn board_files_round_trip() {
    let server = Server::start();
    let data = noise(1024 * 1024);
    let (status, body) = server.request_bytes(
        "PUT",
        "/api/boards/virtual/fs/file?path=/data.bin",
        Some((&data, "application/octet-stream")),
    );
    let reply: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["size"], data.len(), "{reply}");
    assert_eq!(reply["sha256"], sha256_hex(&data), "{reply}");
    assert_eq!(
        std::fs::read(server.board_fs.join("data.bin")).unwrap(),
        data,
        "the file on the board's disk"
    );
    let (status, back) =
        server.request_bytes("GET", "/api/boards/virtual/fs/file?path=/data.bin", None);
    assert_eq!(status, 200);
    assert!(
        back == data,
        "downloaded bytes differ ({} bytes back)",
        back.len()
    );

    let (status, out) = server.request_raw(
        "POST",
        "/api/boards/virtual/fs/mkdir",
        Some(r#"{"path": "/sub"}"#),
    );
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&out));
    let (status, out) = server.request_raw(
        "POST",
        "/api/boards/virtual/fs/rename",
        Some(r#"{"from": "/data.bin", "to": "/sub/moved.bin"}"#),
    );
    assert_eq!(status, 204, "{}", String::from_utf8_lossy(&out));
    let (status, list) =
        server.request("GET", "/api/boards/virtual/fs?path=/&recursive=true", None);
    assert_eq!(status, 200, "{list}");
    assert_eq!(
        list,
        json!([
            {"name": "sub", "path": "/sub", "dir": true, "size": 0},
            {"name": "moved.bin", "path": "/sub/moved.bin", "dir": false, "size": 1048576},
        ])
    );
    let (status, _) = server.request_bytes(
        "DELETE",
        "/api/boards/virtual/fs?path=/sub&recursive=true",
        None,
    );
    assert_eq!(status, 204);
    let (_, list) = server.request("GET", "/api/boards/virtual/fs?path=/", None);
    assert_eq!(list, json!([]));
}

/// Bad paths and board errors come back as JSON errors with fitting statuses.
#[test]
fn board_file_errors() {
    let server = Server::start();
    for path in ["/a/../b", "relative", "/a/./b"] {
        let (status, out) =
            server.request("GET", &format!("/api/boards/virtual/fs?path={path}"), None);
        assert_eq!(status, 400, "{path}: {out}");
        assert_eq!(out["error"]["code"], "invalid_path", "{out}");
    }
    let (status, out) = server.request("GET", "/api/boards/virtual/fs/file?path=/missing", None);
    assert_eq!(status, 404, "{out}");
    assert_eq!(out["error"]["code"], "no_such_file", "{out}");
    let mkdir = Some(r#"{"path": "/d"}"#);
    assert_eq!(
        server
            .request_raw("POST", "/api/boards/virtual/fs/mkdir", mkdir)
            .0,
        201
    );
    let (status, out) = server.request("POST", "/api/boards/virtual/fs/mkdir", mkdir);
    assert_eq!(status, 409, "{out}");
    assert_eq!(out["error"]["code"], "file_exists", "{out}");
    std::fs::write(server.board_fs.join("d/f"), b"x").unwrap();
    let (status, out) = server.request("DELETE", "/api/boards/virtual/fs?path=/d", None);
    assert_eq!(status, 409, "{out}");
    assert_eq!(out["error"]["code"], "directory_not_empty", "{out}");
}

/// The process id of the virtual board a server started (found by its filesystem folder).
fn board_pid(server: &Server) -> i32 {
    let fs = server.board_fs.to_string_lossy().into_owned();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline);
        if cmdline.contains("copperhead-board") && cmdline.contains(fs.as_str()) {
            return pid;
        }
    }
    panic!("no virtual board running for {fs}");
}

/// When process `pid` started (field 22 of its `/proc` stat), to tell it from a later
/// process given the same id.
fn process_start(pid: i32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command's closing parenthesis: state (3) onwards.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    fields.get(19).map(|s| s.to_string())
}

/// Waits until process `pid`, started at `started`, is gone, so that the next request
/// certainly comes after the board died. (Not merely a zombie: a process's first thread is
/// one while its other threads may still hold its files, the pty among them, open. The
/// server reaps it once they have all ended.)
fn wait_until_ended(pid: i32, started: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while process_start(pid).as_deref() == Some(started) {
        assert!(Instant::now() < deadline, "process {pid} did not end");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Kills the virtual board a server started with `signal`; returns its pid once it has
/// ended.
fn kill_board(server: &Server, signal: libc::c_int) -> i32 {
    let pid = board_pid(server);
    let started = process_start(pid).expect("the board's /proc entry");
    // SAFETY: a plain kill(2) of a process this test's server started.
    unsafe { libc::kill(pid, signal) };
    wait_until_ended(pid, &started);
    pid
}

/// The terminals process `pid` holds open.
fn ptys_of(pid: i32) -> Vec<String> {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .flatten()
        .filter_map(|fd| std::fs::read_link(fd.path()).ok())
        .map(|target| target.to_string_lossy().into_owned())
        .filter(|target| target.starts_with("/dev/pts/"))
        .collect()
}

const BOARDS_CHANGED: &[u8] = br#"{"type":"boards_changed"}"#;

/// The virtual board's process ends by `signal`: the server starts it again on the same
/// folder, the next request waits for it and succeeds, the entry `virtual` shows the new
/// pty, and `/api/events` tells the page.
fn the_virtual_board_comes_back_after(signal: libc::c_int) {
    let server = Server::start();
    let kept = b"written before the board died\n";
    let (status, _) = server.request_bytes(
        "PUT",
        "/api/boards/virtual/fs/file?path=/kept.txt",
        Some((kept, "application/octet-stream")),
    );
    assert_eq!(status, 200);
    let mut events = Ws::connect(&server, "/api/events");
    assert_eq!(events.receive(), BOARDS_CHANGED, "the greeting");

    let old = kill_board(&server, signal);
    let asked = Instant::now();
    let (status, out) = server.exec("virtual", "print(6*7)");
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["stdout"], "42\r\n", "{out}");
    let waited = asked.elapsed();
    assert!(waited < Duration::from_secs(5), "the exec took {waited:?}");
    let (status, back) =
        server.request_bytes("GET", "/api/boards/virtual/fs/file?path=/kept.txt", None);
    assert_eq!(
        (status, back.as_slice()),
        (200, &kept[..]),
        "the file is intact"
    );
    assert_eq!(events.receive(), BOARDS_CHANGED);

    let new = board_pid(&server);
    assert_ne!(new, old, "a new process");
    let (_, boards) = server.request("GET", "/api/boards", None);
    let board = boards
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == "virtual")
        .unwrap_or_else(|| panic!("no virtual board in {boards}"))
        .clone();
    assert_eq!(board["connected"], true, "{board}");
    let port = board["port"].as_str().unwrap().to_string();
    assert!(
        ptys_of(new).contains(&port),
        "{board}: the new board serves {port}"
    );
}

/// A board killed outright (SIGKILL) is started again.
#[test]
fn the_virtual_board_is_started_again_when_killed() {
    the_virtual_board_comes_back_after(libc::SIGKILL);
}

/// A board that aborts (SIGABRT: a panic while panicking, an allocation that cannot be
/// made) is started again.
#[test]
fn the_virtual_board_is_started_again_when_it_aborts() {
    the_virtual_board_comes_back_after(libc::SIGABRT);
}

/// A server whose virtual board is started through a shell script (`COPPERHEAD_BOARD`) in
/// `dir`, with this body after `#!/bin/sh`.
fn server_with_board_script(dir: &std::path::Path, body: &str) -> Server {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("board.sh");
    std::fs::write(&script, format!("#!/bin/sh\n{body}")).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    Server::start_env(
        &["--listen", "127.0.0.1:0"],
        &[("COPPERHEAD_BOARD", script.as_os_str())],
    )
}

/// A bug in the VM (a panic, here asked for with `--crash-on`) does not take the board down:
/// the exec answers with the board's `FatalError` report, the same process soft-resets (the
/// program's variables are gone, its files are kept) and the next request succeeds.
#[test]
fn a_virtual_board_survives_a_panic_in_the_vm() {
    let dir = copperhead_tests::fresh_dir("panicking-board");
    let server = server_with_board_script(
        &dir,
        &format!(
            "exec '{}' --crash-on CRASH_HERE \"$@\"\n",
            bin_path("copperhead-board").display()
        ),
    );
    let kept = b"written before the bug\n";
    let (status, _) = server.request_bytes(
        "PUT",
        "/api/boards/virtual/fs/file?path=/kept.txt",
        Some((kept, "application/octet-stream")),
    );
    assert_eq!(status, 200);
    let pid = board_pid(&server);
    let (status, out) = server.exec("virtual", "x = 6\nprint(x * 7)");
    assert_eq!(
        (status, out["stdout"].as_str()),
        (200, Some("42\r\n")),
        "{out}"
    );

    let (status, out) = server.exec("virtual", "print('before')\nCRASH_HERE = 1");
    assert_eq!(status, 200, "{out}");
    let error = out["error"].to_string();
    assert!(error.contains("FatalError"), "{out}");
    assert!(
        error.contains("while running: print('before')"),
        "says what it was running: {out}"
    );

    let (status, out) = server.exec("virtual", "print(6 * 7)\nprint('x' in globals())");
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["stdout"], "42\r\nFalse\r\n", "soft-reset: {out}");
    assert_eq!(board_pid(&server), pid, "the same process");
    let (status, back) =
        server.request_bytes("GET", "/api/boards/virtual/fs/file?path=/kept.txt", None);
    assert_eq!(
        (status, back.as_slice()),
        (200, &kept[..]),
        "the file is intact"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A board that crashes at every start is started again with growing pauses (no spinning),
/// the server stays up, and once the board starts again the next request waits for it.
#[test]
fn a_virtual_board_that_keeps_crashing_is_restarted_with_pauses() {
    let dir = copperhead_tests::fresh_dir("crashing-board");
    let (log, ran) = (dir.join("starts"), dir.join("ran"));
    // The first start is the real board; each later one exits at once while `ran` exists.
    let server = server_with_board_script(
        &dir,
        &format!(
            "echo start >> '{}'\n[ -e '{}' ] && exit 3\ntouch '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            ran.display(),
            ran.display(),
            bin_path("copperhead-board").display()
        ),
    );
    kill_board(&server, libc::SIGKILL);
    std::thread::sleep(Duration::from_millis(2500));
    let starts = std::fs::read_to_string(&log).unwrap().lines().count();
    // The first board, then again at once, after 0.5 s and after 1 s more (the next
    // comes 2 s later): a loop without pauses would have started hundreds.
    assert!((3..=5).contains(&starts), "{starts} starts in 2.5 s");
    let (status, boards) = server.request("GET", "/api/boards", None);
    assert_eq!(status, 200, "{boards}");
    assert!(boards.to_string().contains(r#""id":"virtual""#), "{boards}");

    // Mended: the next start (within 2 s) succeeds, and a request made now waits for it.
    std::fs::remove_file(&ran).unwrap();
    let (status, out) = server.exec("virtual", "print(6*7)");
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["stdout"], "42\r\n", "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// An upload cut short (the board dies in the middle) leaves the old file as it was.
#[test]
fn an_interrupted_upload_keeps_the_old_file() {
    let server = Server::start();
    let old = b"the old contents\n".to_vec();
    let (status, _) = server.request_bytes(
        "PUT",
        "/api/boards/virtual/fs/file?path=/keep.txt",
        Some((&old, "application/octet-stream")),
    );
    assert_eq!(status, 200);
    let mut events = Ws::connect(&server, "/api/events");
    let pid = board_pid(&server);
    let killer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        unsafe { libc::kill(pid, libc::SIGKILL) };
    });
    let big = noise(4 * 1024 * 1024);
    let (status, body) = server.request_bytes(
        "PUT",
        "/api/boards/virtual/fs/file?path=/keep.txt",
        Some((&big, "application/octet-stream")),
    );
    killer.join().unwrap();
    assert_ne!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(
        std::fs::read(server.board_fs.join("keep.txt")).unwrap(),
        old,
        "the old file is intact"
    );
    // The transfer's last event says it failed.
    let mut last = next_transfer(&mut events);
    while last["state"] == "running" {
        last = next_transfer(&mut events);
    }
    assert_eq!(
        (last["path"].as_str(), last["state"].as_str()),
        (Some("/keep.txt"), Some("failed")),
        "{last}"
    );
}

/// A `copperhead-board` started by a test (not by the server), killed on drop.
struct ExtraBoard {
    child: Child,
    /// Its pty path or TCP address, from its first line.
    port: String,
    fs: std::path::PathBuf,
}

impl ExtraBoard {
    fn start(args: &[&str], main_py: Option<&str>) -> ExtraBoard {
        let fs = copperhead_tests::fresh_dir("extra-board");
        if let Some(code) = main_py {
            std::fs::write(fs.join("main.py"), code).unwrap();
        }
        let mut child = Command::new(bin_path("copperhead-board"))
            .args(args)
            .arg("--fs")
            .arg(&fs)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start copperhead-board");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("the board's first line");
        ExtraBoard {
            child,
            port: line.trim().to_string(),
            fs,
        }
    }
}

impl Drop for ExtraBoard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.fs);
    }
}

/// Adds a board by port; returns its id.
fn add_board(server: &Server, port: &str) -> String {
    let body = json!({ "port": port }).to_string();
    let (status, board) = server.request("POST", "/api/boards", Some(body.as_str()));
    assert_eq!(status, 201, "{board}");
    assert_eq!(board["port"], port, "{board}");
    assert_eq!(board["connected"], true, "{board}");
    board["id"].as_str().unwrap().to_string()
}

/// Exec and a file round trip on a board.
fn check_board(server: &Server, id: &str) {
    let (status, out) = server.exec(id, "print(6*7)");
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["stdout"], "42\r\n", "{out}");
    let data = noise(64 * 1024);
    let (status, body) = server.request_bytes(
        "PUT",
        &format!("/api/boards/{id}/fs/file?path=/x.bin"),
        Some((&data, "application/octet-stream")),
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let (status, back) = server.request_bytes(
        "GET",
        &format!("/api/boards/{id}/fs/file?path=/x.bin"),
        None,
    );
    assert_eq!(status, 200);
    assert!(back == data, "{id}: the file came back different");
}

/// Boards added by port: a pty board that has no raw-paste mode (the client falls back to
/// the plain raw REPL), and a board on a TCP port (`socket://`).
#[test]
fn boards_added_by_pty_without_raw_paste_and_by_tcp() {
    let server = Server::start();
    let plain = ExtraBoard::start(&["--pty", "--no-raw-paste"], None);
    let id = add_board(&server, &plain.port);
    check_board(&server, &id);
    let tcp = ExtraBoard::start(&["--tcp", "127.0.0.1:0"], None);
    let id = add_board(&server, &format!("socket://{}", tcp.port));
    check_board(&server, &id);
    let (_, boards) = server.request("GET", "/api/boards", None);
    let kinds: Vec<&str> = boards
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"socket") && kinds.contains(&"serial"),
        "{boards}"
    );
    let (status, out) = server.request("POST", "/api/boards", Some(r#"{"port": "COM-nonsense"}"#));
    assert_eq!(status, 400, "{out}");
}

/// A board whose `main.py` loops forever is reached all the same: the client's Ctrl-C
/// stops the loop before the operation.
#[test]
fn a_board_looping_in_main_py_is_recovered() {
    let server = Server::start();
    let board = ExtraBoard::start(&["--pty"], Some("n = 0\nwhile True:\n    n += 1\n"));
    let id = add_board(&server, &board.port);
    let (status, out) = server.exec(&id, "print('reached', n > 0)");
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["stdout"], "reached True\r\n", "{out}");
}

/// Several clients at once on one board: every operation gets its own output, whole.
#[test]
fn operations_of_several_clients_do_not_interleave() {
    let server = std::sync::Arc::new(Server::start());
    let workers: Vec<_> = (0..4)
        .map(|t| {
            let server = server.clone();
            std::thread::spawn(move || {
                for round in 0..3 {
                    let code = format!(
                        "for i in range(40):\n    print('client {t} round {round} line', i)\n"
                    );
                    let (status, out) = server.exec("virtual", &code);
                    assert_eq!(status, 200, "{out}");
                    let want: String = (0..40)
                        .map(|i| format!("client {t} round {round} line {i}\r\n"))
                        .collect();
                    assert_eq!(out["stdout"], want.as_str(), "client {t} round {round}");
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("a client failed");
    }
}

fn error_code(body: &[u8]) -> String {
    let v: Value = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(body)));
    v["error"]["code"].as_str().unwrap_or("").to_string()
}

/// A page on another site can't drive a board: a foreign `Origin` on a POST or a WebSocket
/// upgrade and a foreign `Host` (DNS rebinding) are refused; oversize bodies are refused.
#[test]
fn security_refusals() {
    let server = Server::start();
    let code = json!({ "code": "print(1)" }).to_string();
    let exec = Some((code.as_bytes(), "application/json"));
    let (status, body) = server.request_with(
        "POST",
        "/api/boards/virtual/exec",
        &[("Origin", "http://evil.example")],
        exec,
    );
    assert_eq!(
        (status, error_code(&body).as_str()),
        (403, "forbidden_origin")
    );
    let origin = format!("http://{}", server.addr);
    let (status, _) = server.request_with(
        "POST",
        "/api/boards/virtual/exec",
        &[("Origin", &origin)],
        exec,
    );
    assert_eq!(status, 200, "the IDE's own origin is served");
    let upgrade = [
        ("Origin", "http://evil.example"),
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Version", "13"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ];
    let (status, body) = server.request_with("GET", "/api/events", &upgrade, None);
    assert_eq!(
        (status, error_code(&body).as_str()),
        (403, "forbidden_origin")
    );
    let (status, body) =
        server.request_with("GET", "/api/boards", &[("Host", "evil.example:7878")], None);
    assert_eq!(
        (status, error_code(&body).as_str()),
        (403, "forbidden_host")
    );
    let (status, body) = server.request_with("GET", "/", &[("Host", "evil.example")], None);
    assert_eq!(
        (status, error_code(&body).as_str()),
        (403, "forbidden_host")
    );
    // Bodies beyond the limits: a file over 16 MiB, code over 2 MiB.
    let big = vec![b'x'; 17 * 1024 * 1024];
    let (status, body) = server.request_bytes(
        "PUT",
        "/api/boards/virtual/fs/file?path=/big",
        Some((&big, "application/octet-stream")),
    );
    assert_eq!(
        (status, error_code(&body).as_str()),
        (413, "body_too_large")
    );
    let code = json!({ "code": "x".repeat(3 * 1024 * 1024) }).to_string();
    let (status, body) = server.request_bytes(
        "POST",
        "/api/boards/virtual/exec",
        Some((code.as_bytes(), "application/json")),
    );
    assert_eq!(
        (status, error_code(&body).as_str()),
        (413, "body_too_large")
    );
}

/// Interrupt reaches a program that runs now (past the board's queue); soft reset clears
/// the board's state; after a hard reset the board answers again.
#[test]
fn interrupt_and_resets() {
    let server = std::sync::Arc::new(Server::start());
    let looping = {
        let server = server.clone();
        std::thread::spawn(move || server.exec("virtual", "while True:\n    pass\n"))
    };
    std::thread::sleep(Duration::from_millis(500));
    let (status, _) = server.request_raw("POST", "/api/boards/virtual/interrupt", None);
    assert_eq!(status, 204);
    let (status, out) = looping.join().unwrap();
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["error"]["type"], "KeyboardInterrupt", "{out}");

    server.exec("virtual", "kept = 1");
    let soft = Some(r#"{"kind": "soft"}"#);
    let (status, body) = server.request_raw("POST", "/api/boards/virtual/reset", soft);
    assert_eq!(status, 204, "{}", String::from_utf8_lossy(&body));
    let (_, out) = server.exec("virtual", "print('kept' in globals())");
    assert_eq!(out["stdout"], "False\r\n", "{out}");

    let hard = Some(r#"{"kind": "hard"}"#);
    let (status, body) = server.request_raw("POST", "/api/boards/virtual/reset", hard);
    assert_eq!(status, 204, "{}", String::from_utf8_lossy(&body));
    let (_, out) = server.exec("virtual", "print(6*7)");
    assert_eq!(out["stdout"], "42\r\n", "{out}");

    let (status, out) = server.request(
        "POST",
        "/api/boards/virtual/reset",
        Some(r#"{"kind": "warm"}"#),
    );
    assert_eq!(status, 400, "{out}");
}

/// The workspace API edits the project folder on disk, and only it.
#[test]
fn workspace_files() {
    let server = Server::start();
    let code = b"print('hello')\n";
    let (status, body) = server.request_bytes(
        "PUT",
        "/api/workspace/file?path=main.py",
        Some((code, "application/octet-stream")),
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(
        std::fs::read(server.workspace.join("main.py")).unwrap(),
        code
    );
    let (status, back) = server.request_bytes("GET", "/api/workspace/file?path=main.py", None);
    assert_eq!((status, back.as_slice()), (200, &code[..]));
    assert_eq!(
        server
            .request_raw("POST", "/api/workspace/mkdir", Some(r#"{"path": "lib"}"#))
            .0,
        201
    );
    let rename = Some(r#"{"from": "main.py", "to": "lib/app.py"}"#);
    assert_eq!(
        server
            .request_raw("POST", "/api/workspace/rename", rename)
            .0,
        204
    );
    let (status, list) = server.request("GET", "/api/workspace?path=lib", None);
    assert_eq!(status, 200, "{list}");
    assert_eq!(
        list,
        json!([{"name": "app.py", "path": "lib/app.py", "dir": false, "size": code.len()}])
    );
    let (status, out) = server.request("DELETE", "/api/workspace?path=lib", None);
    assert_eq!(
        (status, out["error"]["code"].as_str()),
        (409, Some("directory_not_empty"))
    );
    assert_eq!(
        server
            .request_raw("DELETE", "/api/workspace?path=lib&recursive=true", None)
            .0,
        204
    );
    let (_, list) = server.request("GET", "/api/workspace?path=", None);
    assert_eq!(list, json!([]));
    // Nothing outside the folder: `..`, absolute paths, links that lead out.
    std::os::unix::fs::symlink("/etc", server.workspace.join("out")).unwrap();
    for path in ["../x", "a/../../x", "/etc/passwd", "out/passwd"] {
        let (status, out) =
            server.request("GET", &format!("/api/workspace/file?path={path}"), None);
        assert_eq!(status, 400, "{path}: {out}");
        assert_eq!(out["error"]["code"], "invalid_path", "{out}");
    }
    let (status, out) = server.request("GET", "/api/workspace/file?path=missing.py", None);
    assert_eq!(
        (status, out["error"]["code"].as_str()),
        (404, Some("no_such_file"))
    );
}

/// A minimal WebSocket client (RFC 6455): the handshake, masked frames out, frames in.
struct Ws {
    stream: TcpStream,
}

impl Ws {
    fn connect(server: &Server, path: &str) -> Ws {
        Ws::connect_with(server, path, &[]).0
    }

    /// Connects with extra request headers; also gives the answer's head.
    fn connect_with(server: &Server, path: &str, headers: &[(&str, &str)]) -> (Ws, String) {
        let mut stream = TcpStream::connect(&server.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let extra: String = headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}\r\n"))
            .collect();
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n{extra}\r\n",
            server.addr
        );
        stream.write_all(request.as_bytes()).unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8];
        while !head.ends_with(b"\r\n\r\n") {
            stream.read_exact(&mut byte).unwrap();
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head).into_owned();
        assert!(head.starts_with("HTTP/1.1 101"), "{head}");
        (Ws { stream }, head)
    }

    fn send(&mut self, payload: &[u8]) {
        self.send_frame(0x82, payload);
    }

    fn send_text(&mut self, text: &str) {
        self.send_frame(0x81, text.as_bytes());
    }

    fn send_frame(&mut self, opcode: u8, payload: &[u8]) {
        assert!(payload.len() < 126);
        let mask = [0x12u8, 0x34, 0x56, 0x78];
        let mut frame = vec![opcode, 0x80 | payload.len() as u8];
        frame.extend_from_slice(&mask);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.stream.write_all(&frame).unwrap();
    }

    /// The payload of the next data frame.
    fn receive(&mut self) -> Vec<u8> {
        let mut head = [0u8; 2];
        self.stream.read_exact(&mut head).expect("a frame");
        let mut len = u64::from(head[1] & 0x7f);
        if len == 126 {
            let mut ext = [0u8; 2];
            self.stream.read_exact(&mut ext).unwrap();
            len = u64::from(u16::from_be_bytes(ext));
        } else if len == 127 {
            let mut ext = [0u8; 8];
            self.stream.read_exact(&mut ext).unwrap();
            len = u64::from_be_bytes(ext);
        }
        let mut payload = vec![0u8; len as usize];
        self.stream.read_exact(&mut payload).unwrap();
        payload
    }

    /// Read frames until what arrived ends with `want`.
    fn expect_ending(&mut self, want: &[u8]) -> Vec<u8> {
        let mut got = Vec::new();
        while !got.ends_with(want) {
            got.extend(self.receive());
        }
        got
    }
}

/// The terminal WebSocket is the board's REPL; an operation from the API pauses it and it
/// goes on after.
#[test]
fn terminal_websocket_pipes_the_repl() {
    let server = Server::start();
    let mut ws = Ws::connect(&server, "/api/boards/virtual/terminal");
    ws.send(b"\r");
    ws.expect_ending(b">>> ");
    ws.send(b"x = 6*7\r");
    ws.expect_ending(b">>> ");
    ws.send(b"x\r");
    let got = ws.expect_ending(b">>> ");
    assert!(String::from_utf8_lossy(&got).contains("42\r\n"), "{got:?}");
    // An operation in the middle: its bytes don't reach the terminal, and a screen that
    // shows the prompt already gets no second one.
    let (_, out) = server.exec("virtual", "print('from the api')");
    assert_eq!(out["stdout"], "from the api\r\n", "{out}");
    ws.send(b"print(x + 1)\r");
    let got = ws.expect_ending(b"43\r\n>>> ");
    let text = String::from_utf8_lossy(&got);
    assert!(!text.contains("from the api"), "{text:?}");
    assert!(
        !text.contains(">>> \r\n>>> "),
        "a prompt too many: {text:?}"
    );
    // A line left half typed is abandoned by the operation (the raw REPL clears it on the
    // board), so the prompt comes again.
    ws.send(b"y = ");
    ws.expect_ending(b"y = ");
    server.exec("virtual", "pass");
    ws.expect_ending(b"\r\n>>> ");
    ws.send(b"print(x - 1)\r");
    ws.expect_ending(b"41\r\n>>> ");
}

/// The Simulator's relay over real HTTP: frames posted by a page come out in order, a wait
/// ends when one arrives, and bad ids and oversized frames get JSON errors.
#[test]
fn the_simulator_relay_carries_frames() {
    let server = Server::start();
    let frames = "/api/simulator/0c4f-page-1/frames";
    let octets = "application/octet-stream";
    assert_eq!(
        server
            .request_bytes("POST", frames, Some((b"ia", octets)))
            .0,
        204
    );
    assert_eq!(
        server.request_bytes("POST", frames, Some((b"x", octets))).0,
        204
    );
    let (status, body) = server.request_bytes("GET", &format!("{frames}?wait=0"), None);
    assert_eq!(status, 200);
    assert_eq!(body, b"\x02\0\0\0ia\x01\0\0\0x");
    // Nothing waiting: an empty answer after the wait.
    let (status, body) = server.request_bytes("GET", &format!("{frames}?wait=50"), None);
    assert_eq!((status, body.len()), (200, 0));
    // A waiting request ends as soon as a frame is posted.
    let waiting = std::thread::scope(|scope| {
        let waiter = scope.spawn(|| {
            let started = std::time::Instant::now();
            let got = server.request_bytes("GET", &format!("{frames}?wait=10000"), None);
            (got, started.elapsed())
        });
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert_eq!(
            server.request_bytes("POST", frames, Some((b"r", octets))).0,
            204
        );
        waiter.join().unwrap()
    });
    let ((status, body), took) = waiting;
    assert_eq!((status, body.as_slice()), (200, b"\x01\0\0\0r".as_slice()));
    assert!(took < std::time::Duration::from_secs(5), "{took:?}");
    let (status, error) = server.request("GET", "/api/simulator/no%20spaces/frames", None);
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (400, Some("bad_request"))
    );
    let big = vec![0u8; 5 << 20];
    let (status, _) = server.request_bytes("POST", frames, Some((&big, octets)));
    assert_eq!(status, 413);
}

/// `GET /api/openapi.json` describes every endpoint the server has.
#[test]
fn openapi_describes_every_endpoint() {
    let server = Server::start();
    let (status, doc) = server.request("GET", "/api/openapi.json", None);
    assert_eq!(status, 200, "{doc}");
    assert_eq!(doc["openapi"], "3.1.0");
    let mut paths: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "/api/boards",
            "/api/boards/{id}",
            "/api/boards/{id}/cancel",
            "/api/boards/{id}/connect",
            "/api/boards/{id}/df",
            "/api/boards/{id}/disconnect",
            "/api/boards/{id}/exec",
            "/api/boards/{id}/fs",
            "/api/boards/{id}/fs/file",
            "/api/boards/{id}/fs/mkdir",
            "/api/boards/{id}/fs/rename",
            "/api/boards/{id}/fs/stat",
            "/api/boards/{id}/info",
            "/api/boards/{id}/interrupt",
            "/api/boards/{id}/reset",
            "/api/boards/{id}/run",
            "/api/boards/{id}/sync",
            "/api/boards/{id}/terminal",
            "/api/events",
            "/api/openapi.json",
            "/api/ports",
            "/api/simulator/{id}/frames",
            "/api/workspace",
            "/api/workspace/file",
            "/api/workspace/mkdir",
            "/api/workspace/rename",
        ]
    );
    // Each documented operation exists: none answers "no such endpoint" or "method".
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            let url = path.replace("{id}", "no-such-board");
            let (status, body) = server.request_bytes(&method.to_uppercase(), &url, None);
            let code = serde_json::from_slice::<Value>(&body)
                .map(|v| v["error"]["code"].as_str().unwrap_or("").to_string())
                .unwrap_or_default();
            assert!(
                code != "not_found" && status != 405,
                "{method} {path}: {status} {code}"
            );
        }
    }
}

/// What a system tool (`gzip -dc`) makes of `input`.
fn pipe(tool: &str, args: &[&str], input: &[u8]) -> Vec<u8> {
    let mut child = Command::new(tool)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect(tool);
    writer.join().unwrap().unwrap();
    out.stdout
}

/// Answers go compressed when the client asks for it (gzip or brotli), every answer carries
/// the security headers (the policy naming this server's own WebSockets), the page's
/// `index.html` is never cached unasked, and WebSocket upgrades are never compressed, even
/// for a client that refuses an unencoded answer.
#[test]
fn answers_are_compressed_and_carry_security_headers() {
    let server = Server::start();
    let (status, plain) = server.request_bytes("GET", "/api/openapi.json", None);
    assert_eq!(status, 200);
    for encoding in ["gzip", "br"] {
        let (status, head, body) = server.request_full(
            "GET",
            "/api/openapi.json",
            &[("Accept-Encoding", encoding)],
            None,
        );
        assert_eq!(status, 200, "{head}");
        assert!(
            head.contains(&format!("content-encoding: {encoding}\r\n")),
            "{head}"
        );
        assert!(
            body.len() < plain.len() / 3,
            "{encoding}: {} bytes",
            body.len()
        );
        if encoding == "gzip" {
            assert!(
                pipe("gzip", &["-dc"], &body) == plain,
                "gzip -dc gives the JSON"
            );
        }
    }
    let addr = &server.addr;
    for path in ["/", "/api/boards", "/api/no-such-endpoint"] {
        let (_, head, _) = server.request_full("GET", path, &[], None);
        for want in [
            "content-security-policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval';"
                .to_string(),
            format!("connect-src 'self' ws://{addr} wss://{addr};"),
            "frame-ancestors 'none'".to_string(),
            "x-content-type-options: nosniff".to_string(),
            "referrer-policy: no-referrer".to_string(),
            "cross-origin-opener-policy: same-origin".to_string(),
            "cross-origin-embedder-policy: require-corp".to_string(),
            "cross-origin-resource-policy: same-origin".to_string(),
        ] {
            assert!(head.contains(&want), "{path}: no {want:?} in {head}");
        }
    }
    // The page's entry (a 404 that says how to build it, when it isn't built).
    let (_, head, _) = server.request_full("GET", "/", &[], None);
    assert!(head.contains("cache-control: no-cache\r\n"), "{head}");
    for accept in ["gzip, deflate, br", "identity;q=0"] {
        let (mut ws, head) =
            Ws::connect_with(&server, "/api/events", &[("Accept-Encoding", accept)]);
        assert!(
            !head.to_ascii_lowercase().contains("content-encoding"),
            "{head}"
        );
        assert_eq!(ws.receive(), br#"{"type":"boards_changed"}"#);
    }
}

/// `/api/events` tells the page when the list of boards changes.
#[test]
fn events_announce_new_boards() {
    let server = Server::start();
    let mut ws = Ws::connect(&server, "/api/events");
    assert_eq!(ws.receive(), br#"{"type":"boards_changed"}"#);
    let board = ExtraBoard::start(&["--pty"], None);
    add_board(&server, &board.port);
    assert_eq!(ws.receive(), br#"{"type":"boards_changed"}"#);
}

/// Beyond loopback the server needs a token, and then every request must carry it.
#[test]
fn other_addresses_need_a_token() {
    let refused = Command::new(bin_path("copperhead"))
        .args(["--listen", "0.0.0.0:0", "--no-virtual-board"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run copperhead");
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--token"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let server = Server::start_with(&[
        "--listen",
        "0.0.0.0:0",
        "--token",
        "s3cret",
        "--no-virtual-board",
    ]);
    let (status, out) = server.request("GET", "/api/boards", None);
    assert_eq!(
        (status, out["error"]["code"].as_str()),
        (401, Some("token_required"))
    );
    let (status, _) = server.request_with(
        "GET",
        "/api/boards",
        &[("Authorization", "Bearer s3cret")],
        None,
    );
    assert_eq!(status, 200);
    let (status, _) = server.request_bytes("GET", "/api/boards?token=s3cret", None);
    assert_eq!(status, 200);
    // The page opened with ?token= gets a cookie, so its scripts and API calls carry the
    // token; a page of another origin is refused even with it.
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    write!(
        stream,
        "GET /?token=s3cret HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.addr
    )
    .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let head = response
        .split("\r\n\r\n")
        .next()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        head.contains("set-cookie: copperhead_token=s3cret; path=/; httponly; samesite=strict"),
        "{head}"
    );
    let cookie = [("Cookie", "copperhead_token=s3cret")];
    let (status, _) = server.request_with("GET", "/api/boards", &cookie, None);
    assert_eq!(status, 200);
    let (status, _) = server.request_with(
        "GET",
        "/api/boards",
        &[("Cookie", "copperhead_token=no")],
        None,
    );
    assert_eq!(status, 401);
    let foreign = [cookie[0], ("Origin", "http://evil.example")];
    let body = br#"{"port": "/dev/null"}"#;
    let (status, out) = server.request_with(
        "POST",
        "/api/boards",
        &foreign,
        Some((body, "application/json")),
    );
    assert_eq!(error_code(&out), "forbidden_origin", "{status}");
}

/// Messages of a run WebSocket until `done`: the output joined, and the done message.
fn run_messages(ws: &mut Ws) -> (String, Value, usize) {
    let mut output = String::new();
    let mut pieces = 0;
    loop {
        let message: Value = serde_json::from_slice(&ws.receive()).expect("a JSON message");
        match message["type"].as_str() {
            Some("output") => {
                output.push_str(message["data"].as_str().unwrap());
                pieces += 1;
            }
            Some("done") => return (output, message, pieces),
            other => panic!("unexpected message {other:?}: {message}"),
        }
    }
}

/// The run WebSocket streams a program's output as it comes, ends with its outcome, and
/// stops the program on request; it runs workspace files too.
#[test]
fn run_streams_output_and_stops() {
    let server = Server::start();
    let mut ws = Ws::connect(&server, "/api/boards/virtual/run");
    ws.send_text(
        r#"{"code": "import time\nfor i in range(3):\n    print(i)\n    time.sleep_ms(150)\n"}"#,
    );
    let (output, done, pieces) = run_messages(&mut ws);
    assert_eq!(output, "0\r\n1\r\n2\r\n");
    assert!(
        pieces >= 2,
        "output came as it was printed, not at the end ({pieces})"
    );
    assert_eq!(done["error"], Value::Null, "{done}");

    let mut ws = Ws::connect(&server, "/api/boards/virtual/run");
    ws.send_text(r#"{"code": "print('go')\nwhile True:\n    pass\n"}"#);
    let first: Value = serde_json::from_slice(&ws.receive()).unwrap();
    assert_eq!(first["data"], "go\r\n", "{first}");
    ws.send_text(r#"{"type": "stop"}"#);
    let (_, done, _) = run_messages(&mut ws);
    assert_eq!(done["error"]["type"], "KeyboardInterrupt", "{done}");
    assert_eq!(done["error"]["line"], 3, "{done}");

    std::fs::write(
        server.workspace.join("prog.py"),
        "print('from a file')\n1/0\n",
    )
    .unwrap();
    let mut ws = Ws::connect(&server, "/api/boards/virtual/run");
    ws.send_text(r#"{"file": "prog.py"}"#);
    let (output, done, _) = run_messages(&mut ws);
    assert_eq!(output, "from a file\r\n");
    assert_eq!(done["error"]["type"], "ZeroDivisionError", "{done}");
    assert_eq!(done["error"]["line"], 2, "{done}");
}

/// What the page types while a program runs reaches the program's `input()`.
#[test]
fn run_takes_input() {
    let server = Server::start();
    let mut ws = Ws::connect(&server, "/api/boards/virtual/run");
    ws.send_text(r#"{"code": "name = input('name? ')\nprint('hello', name)\n"}"#);
    let first: Value = serde_json::from_slice(&ws.receive()).unwrap();
    assert_eq!(first["data"], "name? ", "{first}");
    ws.send_text(r#"{"type": "input", "data": "Ada\r"}"#);
    let (output, done, _) = run_messages(&mut ws);
    // The board echoes what is typed, as a terminal would show it.
    assert_eq!(output, "Ada\r\nhello Ada\r\n");
    assert_eq!(done["error"], Value::Null, "{done}");
}

/// What a board says of itself.
#[test]
fn board_info() {
    let server = Server::start();
    let (status, info) = server.request("GET", "/api/boards/virtual/info", None);
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["implementation"], "micropython", "{info}");
    assert!(
        info["version"].as_str().unwrap().starts_with("1."),
        "{info}"
    );
    assert!(info["mem_free"].as_i64().unwrap() > 0, "{info}");
    assert!(info["fs_size"].as_i64().unwrap() > 0, "{info}");
    assert!(!info["machine"].as_str().unwrap().is_empty(), "{info}");
}

/// `GET /api/ports` lists serial ports without opening them (this machine may have none).
#[test]
fn ports_are_listed() {
    let server = Server::start();
    let (status, ports) = server.request("GET", "/api/ports", None);
    assert_eq!(status, 200, "{ports}");
    for port in ports.as_array().expect("an array") {
        assert!(
            port["port"].as_str().unwrap().starts_with("/dev/"),
            "{port}"
        );
        assert!(port["name"].is_string(), "{port}");
    }
}

/// Adds a board with a request body of its own (a WebREPL password); returns its id.
fn add_board_with(server: &Server, body: Value) -> String {
    let (status, board) = server.request("POST", "/api/boards", Some(&body.to_string()));
    assert_eq!(status, 201, "{board}");
    assert_eq!(board["connected"], true, "{board}");
    board["id"].as_str().unwrap().to_string()
}

fn put(server: &Server, path: &str, data: &[u8]) -> (u16, Value) {
    let (status, body) =
        server.request_bytes("PUT", path, Some((data, "application/octet-stream")));
    let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    (status, value)
}

/// Every endpoint of one board, checked against its filesystem folder `fs`.
fn every_board_endpoint(server: &Server, id: &str, fs: &std::path::Path) {
    let b = format!("/api/boards/{id}");
    let (status, info) = server.request("GET", &format!("{b}/info"), None);
    assert_eq!(status, 200, "{info}");
    assert!(info["fs_size"].as_i64().unwrap() > 0, "{info}");
    check_board(server, id);

    // Folders, stat, listing, rename, df.
    let bare = |method: &str, path: String, body: Option<&str>| {
        let (status, out) = server.request_raw(method, &path, body);
        (status, String::from_utf8_lossy(&out).into_owned())
    };
    let (code, out) = bare("POST", format!("{b}/fs/mkdir"), Some(r#"{"path": "/d"}"#));
    assert_eq!(code, 201, "{out}");
    let (status, out) = put(server, &format!("{b}/fs/file?path=/d/a.txt"), b"hello");
    assert_eq!((status, out["size"].as_u64()), (200, Some(5)), "{out}");
    let (status, st) = server.request("GET", &format!("{b}/fs/stat?path=/d/a.txt"), None);
    assert_eq!(status, 200, "{st}");
    assert_eq!(
        (st["dir"].as_bool(), st["size"].as_u64()),
        (Some(false), Some(5)),
        "{st}"
    );
    let (_, st) = server.request("GET", &format!("{b}/fs/stat?path=/d"), None);
    assert_eq!(st["dir"], true, "{st}");
    let (status, st) = server.request("GET", &format!("{b}/fs/stat?path=/nothing"), None);
    assert_eq!(
        (status, st["error"]["code"].as_str()),
        (404, Some("no_such_file")),
        "{st}"
    );
    let (status, list) = server.request("GET", &format!("{b}/fs?path=/&recursive=true"), None);
    assert_eq!(status, 200, "{list}");
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|e| e["path"] == "/d/a.txt" && e["size"] == 5),
        "{list}"
    );
    let rename = r#"{"from": "/d/a.txt", "to": "/d/b.txt"}"#;
    let (code, out) = bare("POST", format!("{b}/fs/rename"), Some(rename));
    assert_eq!(code, 204, "{out}");
    assert_eq!(std::fs::read(fs.join("d/b.txt")).unwrap(), b"hello");
    let (status, df) = server.request("GET", &format!("{b}/df"), None);
    assert_eq!(status, 200, "{df}");
    let root = &df.as_array().unwrap()[0];
    assert_eq!(root["mount"], "/", "{df}");
    assert!(
        root["size"].as_u64().unwrap() >= root["free"].as_u64().unwrap(),
        "{df}"
    );

    // Sync a workspace folder: everything the first time, nothing the second, then only
    // the file that changed.
    let app = server.workspace.join("app");
    std::fs::create_dir_all(app.join("lib")).unwrap();
    std::fs::write(app.join("main.py"), "import util\n").unwrap();
    std::fs::write(app.join("lib/util.py"), "X = 1\n").unwrap();
    std::fs::write(app.join(".hidden"), "not sent").unwrap();
    let sync = |want_sent: &[&str], want_unchanged: &[&str]| {
        let body = r#"{"from": "app", "to": "/app"}"#;
        let (status, out) = server.request("POST", &format!("{b}/sync"), Some(body));
        assert_eq!(status, 200, "{out}");
        assert_eq!(out["sent"], json!(want_sent), "{out}");
        assert_eq!(out["unchanged"], json!(want_unchanged), "{out}");
    };
    sync(&["/app/lib/util.py", "/app/main.py"], &[]);
    sync(&[], &["/app/lib/util.py", "/app/main.py"]);
    std::fs::write(app.join("lib/util.py"), "X = 2\n").unwrap();
    sync(&["/app/lib/util.py"], &["/app/main.py"]);
    assert_eq!(
        std::fs::read(fs.join("app/lib/util.py")).unwrap(),
        b"X = 2\n"
    );
    assert!(!fs.join("app/.hidden").exists());
    std::fs::remove_dir_all(&app).unwrap();

    let (code, out) = bare("DELETE", format!("{b}/fs?path=/d&recursive=true"), None);
    assert_eq!(code, 204, "{out}");
    assert!(!fs.join("d").exists());

    // The terminal, then a run, each over its WebSocket.
    let mut ws = Ws::connect(server, &format!("{b}/terminal"));
    ws.send(b"\r");
    ws.expect_ending(b">>> ");
    ws.send(b"21*2\r");
    let got = ws.expect_ending(b">>> ");
    assert!(String::from_utf8_lossy(&got).contains("42\r\n"), "{got:?}");
    drop(ws);
    let mut ws = Ws::connect(server, &format!("{b}/run"));
    ws.send_text(r#"{"code": "for i in range(3):\n    print('run', i)\n"}"#);
    let (output, done, _) = run_messages(&mut ws);
    assert_eq!(output, "run 0\r\nrun 1\r\nrun 2\r\n");
    assert_eq!(done["error"], Value::Null, "{done}");

    // Interrupt, resets, and a connection closed on request and opened again by the next
    // operation.
    let (code, _) = bare("POST", format!("{b}/interrupt"), None);
    assert_eq!(code, 204);
    for kind in ["soft", "hard"] {
        let body = json!({ "kind": kind }).to_string();
        let (code, out) = bare("POST", format!("{b}/reset"), Some(&body));
        assert_eq!(code, 204, "{kind}: {out}");
        let (status, out) = server.exec(id, "print('after', 'reset')");
        assert_eq!(
            (status, out["stdout"].as_str()),
            (200, Some("after reset\r\n")),
            "{kind}: {out}"
        );
    }
    let (status, board) = server.request("POST", &format!("{b}/disconnect"), None);
    assert_eq!(
        (status, board["connected"].as_bool()),
        (200, Some(false)),
        "{board}"
    );
    let (status, out) = server.exec(id, "print('back')");
    assert_eq!(
        (status, out["stdout"].as_str()),
        (200, Some("back\r\n")),
        "{out}"
    );
    let (status, board) = server.request("POST", &format!("{b}/connect"), None);
    assert_eq!(
        (status, board["connected"].as_bool()),
        (200, Some(true)),
        "{board}"
    );
}

/// A sync's dry run says which files are new, changed, unchanged and only on the board,
/// and writes nothing; the sync then sends the new and changed files, and says the same.
#[test]
fn sync_dry_run_previews_and_writes_nothing() {
    let server = Server::start();
    let app = server.workspace.join("app");
    std::fs::create_dir_all(app.join("lib")).unwrap();
    std::fs::write(app.join("same.py"), "same\n").unwrap();
    std::fs::write(app.join("old.py"), "new bytes\n").unwrap();
    std::fs::write(app.join("lib/new.py"), "print(1)\n").unwrap();
    std::fs::write(app.join(".hidden"), "never sent").unwrap();
    let board = server.board_fs.join("app");
    std::fs::create_dir_all(board.join("sub")).unwrap();
    std::fs::write(board.join("same.py"), "same\n").unwrap();
    std::fs::write(board.join("old.py"), "old\n").unwrap();
    std::fs::write(board.join("extra.txt"), "extra!").unwrap();
    std::fs::write(board.join("sub/deep.bin"), "abc").unwrap();
    std::fs::write(board.join(".cache"), "hidden on the board").unwrap();

    let sync = |body: Value| {
        let (status, out) =
            server.request("POST", "/api/boards/virtual/sync", Some(&body.to_string()));
        assert_eq!(status, 200, "{out}");
        out
    };
    let listing = || {
        server.request(
            "GET",
            "/api/boards/virtual/fs?path=/app&recursive=true",
            None,
        )
    };
    let only_on_board = json!([
        {"path": "/app/extra.txt", "size": 6},
        {"path": "/app/sub/deep.bin", "size": 3},
    ]);
    let before = listing();
    let preview = sync(json!({"from": "app", "to": "/app", "dry_run": true}));
    assert_eq!(
        preview,
        json!({
            "dry_run": true,
            "new": [{"path": "/app/lib/new.py", "size": 9}],
            "changed": [{"path": "/app/old.py", "size": 10}],
            "unchanged": [{"path": "/app/same.py", "size": 5}],
            "only_on_board": only_on_board,
        })
    );
    assert_eq!(listing(), before, "a dry run writes nothing");
    let (_, old) =
        server.request_bytes("GET", "/api/boards/virtual/fs/file?path=/app/old.py", None);
    assert_eq!(old, b"old\n");
    // A folder the board doesn't have: everything is new.
    let preview = sync(json!({"from": "app", "to": "/elsewhere", "dry_run": true}));
    assert_eq!(preview["new"].as_array().unwrap().len(), 3, "{preview}");
    assert_eq!(preview["only_on_board"], json!([]), "{preview}");
    assert!(!server.board_fs.join("elsewhere").exists());

    let done = sync(json!({"from": "app", "to": "/app"}));
    assert_eq!(
        done,
        json!({
            "dry_run": false,
            "sent": ["/app/lib/new.py", "/app/old.py"],
            "unchanged": ["/app/same.py"],
            "new": [{"path": "/app/lib/new.py", "size": 9}],
            "changed": [{"path": "/app/old.py", "size": 10}],
            "only_on_board": only_on_board,
        })
    );
    for (path, want) in [
        ("/app/old.py", &b"new bytes\n"[..]),
        ("/app/lib/new.py", b"print(1)\n"),
    ] {
        let (status, got) = server.request_bytes(
            "GET",
            &format!("/api/boards/virtual/fs/file?path={path}"),
            None,
        );
        assert_eq!((status, got.as_slice()), (200, want), "{path}");
    }
    assert!(!board.join(".hidden").exists());
    let again = sync(json!({"from": "app", "to": "/app", "dry_run": true}));
    assert_eq!(again["new"], json!([]), "{again}");
    assert_eq!(again["changed"], json!([]), "{again}");
    assert_eq!(again["unchanged"].as_array().unwrap().len(), 3, "{again}");
    assert_eq!(again["only_on_board"], only_on_board, "{again}");
}

/// The next `transfer` message on an events WebSocket (other messages skipped).
fn next_transfer(ws: &mut Ws) -> Value {
    loop {
        let message: Value = serde_json::from_slice(&ws.receive()).expect("a JSON message");
        if message["type"] == "transfer" {
            return message;
        }
    }
}

/// A write to a board on a slow line (115200 baud) tells `/api/events` how far it has got,
/// and stops when cancelled: the PUT answers 409 `cancelled`, the old file is intact byte
/// for byte and no temporary file is left. A sync cancelled stops before its next file. A
/// cancel with nothing running does nothing.
#[test]
fn transfers_report_progress_and_can_be_cancelled() {
    let server = Server::start();
    let board = ExtraBoard::start(&["--tcp", "127.0.0.1:0", "--baud", "115200"], None);
    let id = add_board(&server, &format!("socket://{}", board.port));
    let b = format!("/api/boards/{id}");
    let (status, _) = server.request_raw("POST", &format!("{b}/cancel"), None);
    assert_eq!(status, 204, "nothing to cancel");
    let old = b"the old contents\n";
    let (status, out) = put(&server, &format!("{b}/fs/file?path=/big.bin"), old);
    assert_eq!(status, 200, "{out}");

    let mut events = Ws::connect(&server, "/api/events");
    let big = noise(64 * 1024);
    std::thread::scope(|s| {
        let upload = s.spawn(|| put(&server, &format!("{b}/fs/file?path=/big.bin"), &big));
        // Progress as the chunks go out: done grows, of the whole size.
        let mut done = Vec::new();
        while done.iter().filter(|&&d| d > 0).count() < 2 {
            let event = next_transfer(&mut events);
            assert_eq!(
                (event["board"].as_str(), event["path"].as_str()),
                (Some(id.as_str()), Some("/big.bin")),
                "{event}"
            );
            assert_eq!(event["total"], big.len(), "{event}");
            assert_eq!(event["state"], "running", "{event}");
            done.push(event["done"].as_u64().unwrap());
        }
        assert_eq!(done[0], 0, "the first event starts the transfer: {done:?}");
        assert!(done.windows(2).all(|w| w[0] < w[1]), "{done:?}");
        let (status, _) = server.request_raw("POST", &format!("{b}/cancel"), None);
        assert_eq!(status, 204);
        let (status, out) = upload.join().unwrap();
        assert_eq!(
            (status, out["error"]["code"].as_str()),
            (409, Some("cancelled")),
            "{out}"
        );
        let mut last = next_transfer(&mut events);
        while last["state"] == "running" {
            last = next_transfer(&mut events);
        }
        assert_eq!(last["state"], "cancelled", "{last}");
        assert!(last["done"].as_u64().unwrap() < big.len() as u64, "{last}");
    });
    assert_eq!(
        std::fs::read(board.fs.join("big.bin")).unwrap(),
        old,
        "the old file is intact"
    );
    let (status, list) = server.request("GET", &format!("{b}/fs?path=/"), None);
    assert_eq!(status, 200, "{list}");
    assert_eq!(
        list,
        json!([{"name": "big.bin", "path": "/big.bin", "dir": false, "size": old.len()}]),
        "no temporary file is left"
    );

    // A sync: cancelled once its first file is in place, it sends no other.
    let app = server.workspace.join("app");
    std::fs::create_dir_all(&app).unwrap();
    for name in ["a.bin", "b.bin", "c.bin"] {
        std::fs::write(app.join(name), noise(8 * 1024)).unwrap();
    }
    std::thread::scope(|s| {
        let sync = s.spawn(|| {
            server.request(
                "POST",
                &format!("{b}/sync"),
                Some(r#"{"from": "app", "to": "/app"}"#),
            )
        });
        let mut event = next_transfer(&mut events);
        while event["state"] != "done" {
            assert_eq!(event["path"], "/app/a.bin", "{event}");
            event = next_transfer(&mut events);
        }
        assert_eq!(event["path"], "/app/a.bin", "{event}");
        let (status, _) = server.request_raw("POST", &format!("{b}/cancel"), None);
        assert_eq!(status, 204);
        let (status, out) = sync.join().unwrap();
        assert_eq!(
            (status, out["error"]["code"].as_str()),
            (409, Some("cancelled")),
            "{out}"
        );
    });
    let on_board: Vec<String> = std::fs::read_dir(board.fs.join("app"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(on_board, ["a.bin"], "only the first file was sent");
    // The board goes on as before.
    let (status, out) = put(&server, &format!("{b}/fs/file?path=/big.bin"), b"new");
    assert_eq!(status, 200, "{out}");
}

/// Every board endpoint over each kind of link a board is reached by: a serial line (a real
/// pseudo-terminal), a TCP port (`socket://`), and a WebREPL (`ws://`, with its password).
/// Then each board is forgotten.
#[test]
fn every_endpoint_over_pty_tcp_and_webrepl() {
    let server = Server::start();
    let boards = [
        (vec!["--pty"], None),
        (vec!["--tcp", "127.0.0.1:0"], None),
        (
            vec!["--webrepl", "127.0.0.1:0", "--webrepl-password", "pass1234"],
            Some("pass1234"),
        ),
    ];
    for (args, password) in boards {
        let board = ExtraBoard::start(&args, None);
        let port = if args[0] == "--tcp" {
            format!("socket://{}", board.port)
        } else {
            board.port.clone()
        };
        let id = add_board_with(&server, json!({ "port": port, "password": password }));
        every_board_endpoint(&server, &id, &board.fs);
        // Added again: the same board, connected.
        let (status, again) = server.request(
            "POST",
            "/api/boards",
            Some(&json!({ "port": port, "password": password }).to_string()),
        );
        assert_eq!(
            (status, again["id"].as_str()),
            (200, Some(id.as_str())),
            "{again}"
        );
        let (status, _) = server.request_raw("DELETE", &format!("/api/boards/{id}"), None);
        assert_eq!(status, 204, "{port}");
        let (_, list) = server.request("GET", "/api/boards", None);
        assert!(!list.to_string().contains(&port), "{list}");
    }
    let (status, out) = server.request("DELETE", "/api/boards/virtual", None);
    assert_eq!(status, 409, "{out}");
}

/// A WebREPL with the wrong password is refused with a message that says so.
#[test]
fn a_wrong_webrepl_password_is_refused() {
    let server = Server::start();
    let board = ExtraBoard::start(
        &["--webrepl", "127.0.0.1:0", "--webrepl-password", "right"],
        None,
    );
    let body = json!({ "port": board.port, "password": "wrong" }).to_string();
    let (status, out) = server.request("POST", "/api/boards", Some(&body));
    assert_eq!(status, 502, "{out}");
    assert!(
        out["error"]["message"]
            .as_str()
            .unwrap()
            .contains("password"),
        "{out}"
    );
}

/// A `main.py` that catches `KeyboardInterrupt` and goes on survives the first Ctrl-C; the
/// server's rescue (a spaced burst of Ctrl-C, then a soft reset in the raw REPL, which
/// skips `main.py`) reaches the board all the same and leaves `main.py` in place.
#[test]
fn a_main_py_that_catches_keyboard_interrupt_is_rescued() {
    let server = Server::start();
    let main_py = "import time\n\
                   while True:\n    \
                       try:\n        \
                           time.sleep_ms(50)\n    \
                       except KeyboardInterrupt:\n        \
                           print('not stopping')\n        \
                           time.sleep_ms(50)\n";
    let board = ExtraBoard::start(&["--pty"], Some(main_py));
    let id = add_board(&server, &board.port);
    let (status, out) = server.exec(&id, "print('reached')");
    assert_eq!(
        (status, out["stdout"].as_str()),
        (200, Some("reached\r\n")),
        "{out}"
    );
    // The board stays reachable, and main.py is kept.
    let (status, out) = server.exec(&id, "import os\nprint('main.py' in os.listdir('/'))");
    assert_eq!(
        (status, out["stdout"].as_str()),
        (200, Some("True\r\n")),
        "{out}"
    );
}

/// A board built without `binascii` and `hashlib`: files go as bytes literals and come back
/// as decimal byte values, writes are verified by reading back, and a sync compares by
/// reading back too.
#[test]
fn a_board_without_binascii_or_hashlib() {
    let server = Server::start();
    let board = ExtraBoard::start(
        &[
            "--pty",
            "--without-module",
            "binascii",
            "--without-module",
            "hashlib",
        ],
        None,
    );
    let id = add_board(&server, &board.port);
    let (_, out) = server.exec(
        &id,
        "try:\n import binascii\nexcept ImportError:\n print('none')",
    );
    assert_eq!(out["stdout"], "none\r\n", "{out}");
    check_board(&server, &id);
    std::fs::write(server.workspace.join("a.py"), "print('a')\n").unwrap();
    for want in ["sent", "unchanged"] {
        let (status, out) = server.request(
            "POST",
            &format!("/api/boards/{id}/sync"),
            Some(r#"{"from": "", "to": "/"}"#),
        );
        assert_eq!(status, 200, "{out}");
        assert_eq!(out[want], json!(["/a.py"]), "{out}");
    }
}

/// A page whose terminal stops reading (a frozen tab) while the board floods it doesn't
/// stall the board: its session is closed, and operations from everyone else go on.
#[test]
fn a_terminal_that_stops_reading_does_not_stall_the_board() {
    let server = Server::start();
    let mut ws = Ws::connect(&server, "/api/boards/virtual/terminal");
    // (A compound statement: the empty line ends it.)
    ws.send(b"while True: print('x' * 1000)\r\r");
    // Never read again; let the output pile up in every buffer on the way.
    std::thread::sleep(Duration::from_secs(4));
    let (status, out) = server.exec("virtual", "print('still here')");
    assert_eq!(
        (status, out["stdout"].as_str()),
        (200, Some("still here\r\n")),
        "{out}"
    );
    drop(ws);
}

/// A firmware image in QEMU, added by its serial device as a user adds a board: exec, a
/// file up and down, a soft and a hard reset (`machine.reset()` restarts the machine).
fn a_qemu_board_through_the_api(machine: &copperhead_tests::Machine) {
    let server = Server::start();
    let qemu = machine.boot();
    let id = add_board(&server, &qemu.pty);
    check_board(&server, &id);
    let (_, out) = server.exec(&id, "import os\nprint(os.uname().machine)");
    assert_eq!(out["stdout"], format!("{}\r\n", machine.identity), "{out}");

    server.exec(&id, "kept = 1");
    let soft = Some(r#"{"kind": "soft"}"#);
    let (status, body) = server.request_raw("POST", &format!("/api/boards/{id}/reset"), soft);
    assert_eq!(status, 204, "{}", String::from_utf8_lossy(&body));
    let (_, out) = server.exec(&id, "print('kept' in globals())");
    assert_eq!(out["stdout"], "False\r\n", "{out}");

    // The machine's clock starts again from zero on a hard reset, not on a soft one.
    let ticks = |code: &str| {
        let (_, out) = server.exec(&id, code);
        let text = out["stdout"]
            .as_str()
            .unwrap_or_default()
            .trim()
            .to_string();
        text.parse::<u64>()
            .unwrap_or_else(|_| panic!("ticks: {out}"))
    };
    let before = ticks("import time\ntime.sleep_ms(1500)\nprint(time.ticks_ms())");
    assert!(before >= 1500, "{before}");
    let hard = Some(r#"{"kind": "hard"}"#);
    let (status, body) = server.request_raw("POST", &format!("/api/boards/{id}/reset"), hard);
    assert_eq!(status, 204, "{}", String::from_utf8_lossy(&body));
    let after = ticks("import time\nprint(time.ticks_ms())");
    assert!(
        after < before,
        "the machine started again: {after} ms after {before}"
    );
}

#[test]
#[ignore = "boots a QEMU image: `cargo xtask test` builds it and runs this"]
fn qemu_virt_rv32_board_through_the_api() {
    a_qemu_board_through_the_api(&copperhead_tests::VIRT_RV32);
}
