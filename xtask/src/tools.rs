//! Running the tools the xtask drives (cargo, rustup, npm, node, apt-get), and making sure the
//! ones that can be installed automatically are there, with a one-line hint when they are not.

use crate::Result;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The repository root (the xtask crate's parent directory).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the repository")
        .to_path_buf()
}

/// Cargo's target directory.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

/// A `cargo` command run from the repository root, with the cargo that runs the xtask.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root());
    command
}

/// Runs `command` with inherited stdio and fails unless it exits successfully.
pub fn run(command: &mut Command) -> Result {
    let shown = describe(command);
    println!("$ {shown}");
    let status = command.status().map_err(|e| spawn_error(command, e))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Runs `command` quietly and returns its stdout.
pub fn output(command: &mut Command) -> Result<String> {
    let out = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| spawn_error(command, e))?;
    if !out.status.success() {
        return Err(format!("`{}` failed ({})", describe(command), out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `program args…` as one line, for logs and errors.
pub fn describe(command: &Command) -> String {
    // `$CARGO` is an absolute path into the toolchain; its file name reads better.
    let program = Path::new(command.get_program());
    let shown = if program.is_absolute() && program.starts_with(root()) {
        program.strip_prefix(root()).unwrap_or(program)
    } else if program.is_absolute() {
        program.file_name().map(Path::new).unwrap_or(program)
    } else {
        program
    };
    let mut line = shown.to_string_lossy().into_owned();
    for arg in command.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

fn spawn_error(command: &Command, error: std::io::Error) -> String {
    let program = command.get_program().to_string_lossy();
    if error.kind() == ErrorKind::NotFound {
        missing(&program)
    } else {
        format!("cannot run {program}: {error}")
    }
}

/// The one-line hint for a missing program.
pub fn missing(program: &str) -> String {
    let hint = match program {
        "rustup" => "install it from https://rustup.rs (it adds the wasm32 and riscv32 targets)",
        "node" | "npm" => {
            "install Node.js 20 or newer with npm (e.g. `sudo apt-get install nodejs npm`)"
        }
        "apt-get" => "install the Chromium browser with your package manager",
        _ => "install it and make sure it is on PATH",
    };
    format!("`{program}` is missing: {hint}")
}

/// Adds the rustup target `triple` unless it is installed already.
pub fn ensure_rust_target(triple: &str) -> Result {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"]))
        .map_err(|e| format!("{e} (needed for the {triple} target)"))?;
    if installed.lines().any(|line| line.trim() == triple) {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", triple]))
}

/// Installs `web/node_modules` from the lockfile when it is absent or older than the lockfile.
pub fn ensure_node_modules() -> Result {
    let web = root().join("web");
    // npm writes node_modules/.package-lock.json on every install.
    let stamp = web.join("node_modules/.package-lock.json");
    let lock = web.join("package-lock.json");
    let fresh = match (modified(&stamp), modified(&lock)) {
        (Some(stamp), Some(lock)) => stamp >= lock,
        _ => false,
    };
    ensure_program("node")?;
    if fresh {
        return Ok(());
    }
    run(Command::new("npm").arg("ci").current_dir(&web))
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Fails with the one-line hint unless `program --version` runs.
pub fn ensure_program(program: &str) -> Result {
    output(Command::new(program).arg("--version").stdout(Stdio::null())).map(drop)
}

/// The system Chromium the browser tests drive; installed with apt-get when running as root.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Installs Debian's `packages` with apt-get when running as root (`what` is missing until
/// then), and checks `works` afterwards; otherwise says in one line what to install.
/// `pins` are extra `package=version` arguments that go with them.
pub fn apt_install(
    what: &str,
    packages: &[&str],
    pins: &[String],
    works: impl Fn() -> bool,
) -> Result {
    let list = packages.join(" ");
    let uid = output(Command::new("id").arg("-u")).unwrap_or_default();
    if uid.trim() != "0" {
        return Err(format!(
            "{what} is missing: install it with `sudo apt-get install {list}`"
        ));
    }
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "--allow-downgrades"])
        .args(packages)
        .args(pins))?;
    if works() {
        Ok(())
    } else {
        Err(format!(
            "apt-get installed {list} but {what} still does not work"
        ))
    }
}

/// The mpremote the tests drive boards with (as `tests/tests/mpremote.rs` pins it).
pub const MPREMOTE: &str = "1.29.0";
/// The C littlefs, for the compatibility test of ours (`littlefs/tests/compat.rs`).
const LITTLEFS_PYTHON: &str = "0.19.0";
/// Espressif's esptool, which checks the ESP32-C3 image the way a chip's ROM will.
const ESPTOOL: &str = "5.1.0";

/// `target/mpremote-venv`, a Python venv with mpremote, littlefs-python and esptool from
/// PyPI, made when missing (the mpremote tests make it with mpremote alone: the others are
/// then added); returns its `python`.
pub fn python_venv() -> Result<PathBuf> {
    let venv = target_dir().join("mpremote-venv");
    let python = venv.join("bin/python");
    let mpremote = venv.join(format!("installed-mpremote-{MPREMOTE}"));
    if !mpremote.exists() {
        ensure_python_venv()?;
        let _ = std::fs::remove_dir_all(&venv);
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    let others = venv.join(format!(
        "installed-littlefs-python-{LITTLEFS_PYTHON}-esptool-{ESPTOOL}"
    ));
    if !mpremote.exists() || !others.exists() {
        run(Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .arg(format!("mpremote=={MPREMOTE}"))
            .arg(format!("littlefs-python=={LITTLEFS_PYTHON}"))
            .arg(format!("esptool=={ESPTOOL}")))?;
        for done in [mpremote, others] {
            std::fs::write(&done, b"").map_err(|e| format!("{}: {e}", done.display()))?;
        }
    }
    Ok(python)
}

/// Python's `venv` with `ensurepip` (the mpremote tests install mpremote into a venv):
/// installed with apt when missing and running as root.
pub fn ensure_python_venv() -> Result {
    let works = || {
        Command::new("python3")
            .args(["-c", "import venv, ensurepip"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if works() {
        return Ok(());
    }
    apt_install("python3 with venv", &["python3-venv"], &[], works)
}

pub fn ensure_chromium() -> Result {
    let works = || Path::new(CHROMIUM).exists();
    if works() {
        return Ok(());
    }
    apt_install(CHROMIUM, &["chromium"], &[], works)
}
