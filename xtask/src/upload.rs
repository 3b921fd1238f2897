//! `cargo xtask bench upload`: how fast a file reaches a board over a real serial speed.
//!
//! A 64 KiB binary file goes to `copperhead-board --pty --baud 115200` twice in the same
//! run: through the server (`PUT /api/boards/{id}/fs/file`, raw-paste, base64, verified by
//! SHA-256 on the board), and with `mpremote cp` (the PyPI release the tests use, in
//! `target/mpremote-venv`). Times are whole operations: the server's request from start to
//! answer, mpremote's whole process. Both files are checked byte for byte afterwards.

use crate::Result;
use crate::tools::{self, cargo, root};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

const BAUD: u32 = 115_200;
const SIZE: usize = 64 * 1024;

/// A child process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start `command` and return it with the first line it prints.
fn start(command: &mut Command) -> Result<(Running, String)> {
    let mut child = command
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {command:?}: {e}"))?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    Ok((Running(child), line.trim().to_string()))
}

/// One HTTP/1.1 request; the status and the body.
fn http(addr: &str, method: &str, path: &str, body: &[u8], kind: &str) -> Result<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .map_err(|e| e.to_string())?;
    stream.write_all(body).map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .map_err(|e| e.to_string())?;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no HTTP head")?;
    let status = String::from_utf8_lossy(&response[..split])
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("no HTTP status")?;
    Ok((status, response[split + 4..].to_vec()))
}

/// The venv's mpremote.
fn mpremote() -> Result<PathBuf> {
    Ok(tools::python_venv()?.with_file_name("mpremote"))
}

fn noise(n: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

pub fn run() -> Result {
    tools::run(cargo().args([
        "build",
        "--release",
        "-p",
        "copperhead-firmware",
        "-p",
        "copperhead-server",
    ]))?;
    let bin = root().join("target/release");
    let scratch =
        std::env::temp_dir().join(format!("copperhead-upload-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let fs = scratch.join("board");
    std::fs::create_dir_all(&fs).map_err(|e| e.to_string())?;
    let data = noise(SIZE);
    let local = scratch.join("data.bin");
    std::fs::write(&local, &data).map_err(|e| e.to_string())?;
    let mpremote = mpremote()?;

    let (_board, pty) = start(
        Command::new(bin.join("copperhead-board"))
            .args(["--pty", "--baud", &BAUD.to_string(), "--fs"])
            .arg(&fs),
    )?;
    let line_rate = f64::from(BAUD) / 10.0;
    println!(
        "upload of {SIZE} bytes to copperhead-board --baud {BAUD} (line rate {line_rate:.0} B/s)"
    );

    // Through the server.
    let ours = {
        let (_server, line) = start(
            Command::new(bin.join("copperhead"))
                .args([
                    "--listen",
                    "127.0.0.1:0",
                    "--no-virtual-board",
                    "--workspace",
                ])
                .arg(&scratch)
                .env("RUST_LOG", "warn"),
        )?;
        let addr = line
            .strip_prefix("Copperhead is running at http://")
            .and_then(|a| a.strip_suffix('/'))
            .ok_or_else(|| format!("unexpected server line {line:?}"))?
            .to_string();
        let body = format!("{{\"port\": \"{pty}\"}}");
        let (status, reply) = http(
            &addr,
            "POST",
            "/api/boards",
            body.as_bytes(),
            "application/json",
        )?;
        if status != 201 {
            return Err(format!(
                "adding the board: {status} {}",
                String::from_utf8_lossy(&reply)
            ));
        }
        let reply = String::from_utf8_lossy(&reply).into_owned();
        let id = reply
            .split("\"id\":\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .ok_or("no board id")?
            .to_string();
        let started = Instant::now();
        let (status, reply) = http(
            &addr,
            "PUT",
            &format!("/api/boards/{id}/fs/file?path=/ours.bin"),
            &data,
            "application/octet-stream",
        )?;
        let seconds = started.elapsed().as_secs_f64();
        if status != 200 {
            return Err(format!(
                "upload: {status} {}",
                String::from_utf8_lossy(&reply)
            ));
        }
        seconds
    };
    // The server has let go of the pty; mpremote takes it.
    let started = Instant::now();
    tools::run(
        Command::new(&mpremote)
            .args(["connect", &pty, "fs", "cp"])
            .arg(&local)
            .arg(":/theirs.bin")
            .stdout(Stdio::null()),
    )?;
    let theirs = started.elapsed().as_secs_f64();

    for name in ["ours.bin", "theirs.bin"] {
        let got = std::fs::read(fs.join(name)).map_err(|e| format!("{name}: {e}"))?;
        if got != data {
            return Err(format!("{name} arrived different"));
        }
    }
    let rate = |s: f64| SIZE as f64 / s;
    println!(
        "  copperhead server: {ours:6.2} s  {:7.0} B/s  {:5.1}% of the line rate",
        rate(ours),
        100.0 * rate(ours) / line_rate
    );
    println!(
        "  mpremote cp:       {theirs:6.2} s  {:7.0} B/s  {:5.1}% of the line rate",
        rate(theirs),
        100.0 * rate(theirs) / line_rate
    );
    println!("  the server is {:.2}× as fast as mpremote", theirs / ours);
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}
