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
}

impl Server {
    fn start() -> Server {
        // The server looks for the board next to itself; fail with a clear hint if absent.
        bin_path("copperhead-board");
        let mut child = Command::new(bin_path("copperhead"))
            .args(["--listen", "127.0.0.1:0"])
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
        };
        let line = rx
            .recv_timeout(STARTUP)
            .expect("copperhead printed no URL line in time");
        server.addr = line
            .strip_prefix("Copperhead is running at http://")
            .and_then(|rest| rest.strip_suffix("/\n"))
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_string();
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
        let mut stream = TcpStream::connect(&self.addr).expect("connect to copperhead");
        stream.set_read_timeout(Some(RESPONSE)).unwrap();
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.addr
        );
        if let Some(body) = body {
            request += &format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            );
        }
        request += "\r\n";
        request += body.unwrap_or("");
        stream.write_all(request.as_bytes()).unwrap();

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
        (status, body)
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
