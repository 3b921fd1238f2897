//! `cargo xtask run`: builds the page, the server (`copperhead`) and the virtual board
//! (`copperhead-board`, which the server finds beside its own executable), then runs the server
//! in the foreground. `cargo xtask test` starts the IDE for the browser tests through the same
//! [`start`] function.

use crate::Result;
use crate::tools::{self, cargo};
use crate::web;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

pub const DEFAULT_LISTEN: &str = "127.0.0.1:7878";

pub struct RunOptions {
    /// Build with the dev profile instead of release.
    pub debug: bool,
    /// The address the server listens on.
    pub listen: String,
    /// Open the page in the default browser once the server answers.
    pub open: bool,
    /// The project folder the IDE edits (`--workspace`); `~/Copperhead` when not given.
    pub workspace: Option<PathBuf>,
    /// The virtual board's filesystem folder (`--board-fs`); the server's default when not given.
    pub board_fs: Option<PathBuf>,
}

impl RunOptions {
    pub fn parse(args: &[String]) -> Result<RunOptions> {
        let mut options = RunOptions {
            debug: false,
            listen: DEFAULT_LISTEN.into(),
            open: true,
            workspace: None,
            board_fs: None,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--debug" => options.debug = true,
                "--no-open" => options.open = false,
                "--listen" => {
                    options.listen = args
                        .next()
                        .ok_or("--listen needs an address, e.g. 127.0.0.1:7878")?
                        .clone();
                }
                "--workspace" => {
                    let dir = args.next().ok_or("--workspace needs a folder")?;
                    options.workspace = Some(PathBuf::from(dir));
                }
                other => match other.strip_prefix("--listen=") {
                    Some(addr) => options.listen = addr.into(),
                    None => {
                        return Err(format!(
                            "run: unknown option `{other}` (expected --debug, --listen ADDR, --workspace DIR, --no-open)"
                        ));
                    }
                },
            }
        }
        Ok(options)
    }
}

/// The running server process.
pub struct Server {
    child: Child,
    /// Where the page is served, e.g. `http://127.0.0.1:7878/`.
    pub url: String,
    probe: String,
}

pub fn run(options: &RunOptions) -> Result {
    let mut server = start(options)?;
    if options.open {
        server.wait_ready(Duration::from_secs(60))?;
        open_browser(&server.url);
    }
    let status = server
        .child
        .wait()
        .map_err(|e| format!("waiting for the server: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the server exited ({status})"))
    }
}

/// Builds everything the IDE needs and spawns the server, its output going to ours.
pub fn start(options: &RunOptions) -> Result<Server> {
    let probe = probe_address(&options.listen)?;
    web::build_web()?;

    let mut build = cargo();
    build.arg("build");
    if !options.debug {
        build.arg("--release");
    }
    build.args([
        "-p",
        "copperhead-server",
        "-p",
        "copperhead-firmware",
        "--bin",
        "copperhead",
        "--bin",
        "copperhead-board",
    ]);
    tools::run(&mut build)?;

    let profile = if options.debug { "debug" } else { "release" };
    let exe = tools::target_dir()
        .join(profile)
        .join(format!("copperhead{}", std::env::consts::EXE_SUFFIX));
    let workspace = match &options.workspace {
        Some(dir) => dir.clone(),
        None => default_project()?,
    };
    println!(
        "Project folder: {} (another with `cargo xtask run --workspace DIR`)",
        workspace.display()
    );
    let mut command = Command::new(&exe);
    command
        .arg("--listen")
        .arg(&options.listen)
        .arg("--workspace")
        .arg(&workspace)
        .current_dir(tools::root());
    if let Some(fs) = &options.board_fs {
        command.arg("--board-fs").arg(fs);
    }
    println!("$ {}", tools::describe(&command));
    let child = command
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
    Ok(Server {
        child,
        url: format!("http://{probe}/"),
        probe,
    })
}

impl Server {
    /// Waits until `GET /` answers 200, failing early if the server exits first.
    pub fn wait_ready(&mut self, timeout: Duration) -> Result {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "the server exited ({status}) before it served {}",
                    self.url
                ));
            }
            match http_get_status(&self.probe, "/") {
                Some(200) => return Ok(()),
                Some(status) if Instant::now() > deadline => {
                    return Err(format!("GET {} answered {status}, not 200", self.url));
                }
                _ if Instant::now() > deadline => {
                    return Err(format!(
                        "the server did not answer on {} within {timeout:?}",
                        self.url
                    ));
                }
                _ => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }

    /// Asks the server to shut down (SIGINT, as Ctrl-C would), then kills it if it lingers.
    pub fn stop(mut self) {
        #[cfg(unix)]
        {
            let pid = self.child.id().to_string();
            let asked = Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .is_ok_and(|s| s.success());
            let deadline = Instant::now() + Duration::from_secs(5);
            while asked && Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The first program a new user sees: what the page opens when nothing else is open.
const FIRST_PROGRAM: &str = "\
# Welcome to Copperhead: MicroPython in your browser and on your boards.
# Run this file (F5) in the simulator, or pick a board above and run it there.

import time

for i in range(5):
    print(i, \"squared is\", i * i)
    time.sleep_ms(100)
print(\"2 ** 100 =\", 2 ** 100)
";

/// `~/Copperhead`, made with a first `main.py` when it doesn't exist yet.
fn default_project() -> Result<PathBuf> {
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .ok_or("no home folder (HOME is not set): give one with --workspace DIR")?;
    let dir = PathBuf::from(home).join("Copperhead");
    if !dir.exists() {
        std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(dir.join("main.py"), FIRST_PROGRAM))
            .map_err(|e| format!("cannot make the project folder {}: {e}", dir.display()))?;
    }
    Ok(dir)
}

/// Where to reach a server listening on `listen` (a wildcard address is reached on loopback).
fn probe_address(listen: &str) -> Result<String> {
    let addr: SocketAddr = listen
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .ok_or_else(|| format!("--listen {listen}: not an address of the form HOST:PORT"))?;
    Ok(match addr {
        SocketAddr::V4(v4) if v4.ip().is_unspecified() => format!("127.0.0.1:{}", v4.port()),
        SocketAddr::V6(v6) if v6.ip().is_unspecified() => format!("[::1]:{}", v6.port()),
        _ => listen.to_string(),
    })
}

/// The status code of `GET path` on `host`, or `None` if nothing answers.
pub fn http_get_status(host: &str, path: &str) -> Option<u16> {
    let addr = host.to_socket_addrs().ok()?.next()?;
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).ok()?;
    // "HTTP/1.1 200"
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        Command::new("open")
    } else if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match command.spawn() {
        // Reap the opener in the background; the server keeps the foreground.
        Ok(mut opener) => drop(std::thread::spawn(move || opener.wait())),
        Err(_) => println!("Open {url} in your browser."),
    }
}
