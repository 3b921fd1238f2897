//! `cargo xtask firmware NAME [--small] [--run]`: build a port's image (installing its Rust
//! target first) and print its path on the last line; with `--run`, boot a QEMU port on a
//! pseudo-terminal, print the terminal's path, and wait while QEMU runs.
//!
//! Each port is a crate of its own under `firmware/ports/` (its own workspace, lock file and
//! `.cargo/config.toml` with its target), built into `target/ports/NAME`; the image is copied
//! to `target/firmware/NAME[-small].elf`. A port whose chip boots from something else than an
//! ELF also gets its flashable image beside it (`esp32c3`: `target/firmware/esp32c3.bin`,
//! bootloader, partition table and app merged), and that is the path printed.

use crate::Result;
use crate::tools::{self, cargo, root};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A port: its crate under `firmware/ports/`, its target, and how QEMU boots it.
pub struct Port {
    pub name: &'static str,
    target: &'static str,
    /// The QEMU program and the machine's arguments (before `-kernel IMAGE`).
    qemu: Option<(&'static str, &'static [&'static str])>,
    /// Makes the flashable image from the ELF and the port's directory; returns its path.
    flash_image: Option<fn(&Path, &Path) -> Result<PathBuf>>,
}

pub const PORTS: &[Port] = &[
    Port {
        name: "qemu-mps2",
        target: "thumbv7m-none-eabi",
        qemu: Some((
            "qemu-system-arm",
            &[
                "-machine",
                "mps2-an385",
                "-semihosting-config",
                "enable=on,target=native",
            ],
        )),
        flash_image: None,
    },
    Port {
        name: "qemu-virt-rv32",
        target: "riscv32imac-unknown-none-elf",
        qemu: Some((
            "qemu-system-riscv32",
            &["-machine", "virt", "-bios", "none"],
        )),
        flash_image: None,
    },
    Port {
        name: "esp32c3",
        target: "riscv32imc-unknown-none-elf",
        qemu: None,
        flash_image: Some(crate::espimage::esp32c3),
    },
];

pub struct Options {
    port: &'static Port,
    small: bool,
    run: bool,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Options> {
        let names = || PORTS.iter().map(|p| p.name).collect::<Vec<_>>().join(", ");
        let mut port = None;
        let (mut small, mut run) = (false, false);
        for arg in args {
            match arg.as_str() {
                "--small" => small = true,
                "--run" => run = true,
                name if !name.starts_with('-') && port.is_none() => {
                    port =
                        Some(find(name).ok_or_else(|| {
                            format!("no port `{name}`: the ports are {}", names())
                        })?);
                }
                other => return Err(format!("unknown firmware option `{other}`")),
            }
        }
        let port = port.ok_or_else(|| format!("name a port: {}", names()))?;
        if run && port.qemu.is_none() {
            return Err(format!("{} does not run in QEMU", port.name));
        }
        Ok(Options { port, small, run })
    }
}

impl Port {
    pub fn runs_in_qemu(&self) -> bool {
        self.qemu.is_some()
    }
}

pub fn find(name: &str) -> Option<&'static Port> {
    PORTS.iter().find(|p| p.name == name)
}

pub fn run(options: &Options) -> Result {
    let image = build(options.port, options.small)?;
    if !options.run {
        println!("{}", image.display());
        return Ok(());
    }
    let mut qemu = boot(options.port, &image)?;
    println!("{}", qemu.pty);
    let status = qemu
        .child
        .wait()
        .map_err(|e| format!("wait for QEMU: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("QEMU ended: {status}"))
    }
}

/// Builds `port` (its `small` build if asked) and returns the image's path (the flashable
/// one, for a port that has one).
pub fn build(port: &Port, small: bool) -> Result<PathBuf> {
    tools::ensure_rust_target(port.target)?;
    let dir = root().join("firmware/ports").join(port.name);
    let target_dir = tools::target_dir().join("ports").join(port.name);
    let mut command = cargo();
    command
        .current_dir(&dir)
        .args(["build", "--release", "--locked"])
        .arg("--target-dir")
        .arg(&target_dir);
    if small {
        command.args(["--features", "small"]);
    }
    tools::run(&mut command)?;
    let built = target_dir
        .join(port.target)
        .join("release")
        .join(format!("copperhead-{}", port.name));
    let images = tools::target_dir().join("firmware");
    std::fs::create_dir_all(&images).map_err(|e| format!("{}: {e}", images.display()))?;
    let suffix = if small { "-small" } else { "" };
    let image = images.join(format!("{}{suffix}.elf", port.name));
    std::fs::copy(&built, &image).map_err(|e| format!("copy {}: {e}", built.display()))?;
    match port.flash_image {
        Some(make) => make(&image, &dir),
        None => Ok(image),
    }
}

/// QEMU running an image, its first serial port on a pseudo-terminal.
pub struct Qemu {
    pub child: Child,
    pub pty: String,
}

/// The QEMU command that boots `image` on `port`'s machine, with no display and no monitor,
/// installing QEMU first if need be; the caller says where the console goes (`-serial`).
pub fn qemu_command(port: &Port, image: &std::path::Path) -> Result<Command> {
    let (program, machine) = port
        .qemu
        .ok_or_else(|| format!("{} does not run in QEMU", port.name))?;
    ensure_qemu(program)?;
    let mut command = Command::new(program);
    command
        .args(machine)
        .args(["-display", "none", "-monitor", "none"])
        .arg("-kernel")
        .arg(image);
    Ok(command)
}

/// Boots `image` in QEMU with its console on a new pseudo-terminal.
pub fn boot(port: &Port, image: &std::path::Path) -> Result<Qemu> {
    let mut command = qemu_command(port, image)?;
    let program = command.get_program().to_string_lossy().into_owned();
    // QEMU says where the pty is ("char device redirected to /dev/pts/N (label serial0)")
    // on stdout (7.2) or on stderr (later versions): one pipe takes both.
    let (said, says) = std::io::pipe().map_err(|e| format!("a pipe for QEMU: {e}"))?;
    let mut child = command
        .args(["-serial", "pty"])
        .stdin(Stdio::null())
        .stdout(
            says.try_clone()
                .map_err(|e| format!("a pipe for QEMU: {e}"))?,
        )
        .stderr(says)
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let mut stderr = BufReader::new(said);
    let mut line = String::new();
    loop {
        line.clear();
        let n = stderr
            .read_line(&mut line)
            .map_err(|e| format!("read QEMU's output: {e}"))?;
        if n == 0 {
            let _ = child.wait();
            return Err(format!("{program} ended before it opened its serial port"));
        }
        if let Some(pty) = line
            .split_whitespace()
            .find(|word| word.starts_with("/dev/"))
        {
            let pty = pty.to_string();
            // QEMU's later messages still go to this process's stderr.
            std::thread::spawn(move || {
                for line in stderr.lines().map_while(std::result::Result::ok) {
                    eprintln!("{line}");
                }
            });
            return Ok(Qemu { child, pty });
        }
        eprint!("{line}");
    }
}

/// QEMU is Debian's `qemu-system-arm` / `qemu-system-misc`: installed with apt when running as
/// root, else a one-line hint.
pub fn ensure_qemu_for(port: &Port) -> Result {
    match port.qemu {
        Some((program, _)) => ensure_qemu(program),
        None => Err(format!("{} does not run in QEMU", port.name)),
    }
}

fn ensure_qemu(program: &str) -> Result {
    if tools::ensure_program(program).is_ok() {
        return Ok(());
    }
    let package = match program {
        "qemu-system-arm" => "qemu-system-arm",
        _ => "qemu-system-misc",
    };
    // Debian's qemu-utils from backports breaks the stable QEMU system packages; the
    // stable one goes with them.
    let mut pins = Vec::new();
    if tools::output(Command::new("dpkg-query").args(["-W", "-f=${Version}", "qemu-utils"]))
        .is_ok_and(|v| v.contains("bpo"))
    {
        let stable = tools::output(Command::new("apt-cache").args(["policy", "qemu-utils"]))?;
        if let Some(version) = stable
            .lines()
            .map(str::trim)
            .filter_map(|l| l.split_whitespace().next())
            .find(|v| v.contains(':') && !v.contains("bpo") && !v.ends_with(':'))
        {
            pins.push(format!("qemu-utils={version}"));
        }
    }
    tools::apt_install(program, &[package], &pins, || {
        tools::ensure_program(program).is_ok()
    })
}
