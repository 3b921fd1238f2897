//! `cargo xtask test`: every test tier, cheapest first, stopping at the first failure.
//!
//! 1. formatting, 1b. lints, 2. the workspace's binaries build, 3. the VM and the board runtime build for a no_std target,
//! 4. the Rust tests, 5. the microcontroller images boot in QEMU and mpremote drives them,
//! 6. the page builds, 7. the Python corpus through the wasm VM in Node,
//! 8. the IDE in a real browser (system Chromium, driven by playwright-core).

use crate::Result;
use crate::ide::{self, RunOptions};
use crate::tools::{self, cargo, root};
use crate::web;
use std::net::TcpListener;
use std::process::Command;
use std::time::Duration;

const NO_STD_TARGET: &str = "riscv32imc-unknown-none-elf";

type Tier = (&'static str, fn() -> Result);

const TIERS: &[Tier] = &[
    ("formatting (cargo fmt --check)", fmt_check),
    ("lints (cargo clippy -D warnings)", clippy),
    ("build the binaries", build_bins),
    (
        "the VM and the board runtime build without std",
        no_std_build,
    ),
    ("Rust tests", rust_tests),
    (
        "firmware images: QEMU boards driven by mpremote, the ESP32-C3 image",
        qemu_boards,
    ),
    ("build the web page", web::build_web),
    ("Python corpus on the wasm VM (Node)", wasm_corpus),
    ("the IDE in Chromium", browser_tests),
];

pub fn run_all() -> Result {
    let total = TIERS.len();
    for (index, (name, tier)) in TIERS.iter().enumerate() {
        println!("\n==> tier {}/{total}: {name}", index + 1);
        if let Err(message) = tier() {
            println!(
                "\n{index} passed, 1 failed (stopped at tier {}: {name})",
                index + 1
            );
            return Err(format!("tier {} ({name}) failed: {message}", index + 1));
        }
    }
    println!("\n{total} passed, 0 failed");
    Ok(())
}

fn fmt_check() -> Result {
    tools::run(cargo().args(["fmt", "--all", "--check"]))?;
    // The ports are workspaces of their own.
    for port in crate::firmware::PORTS {
        let manifest = root()
            .join("firmware/ports")
            .join(port.name)
            .join("Cargo.toml");
        tools::run(
            cargo()
                .args(["fmt", "--check", "--manifest-path"])
                .arg(manifest),
        )?;
    }
    Ok(())
}

fn clippy() -> Result {
    tools::run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))
}

fn build_bins() -> Result {
    tools::run(cargo().args(["build", "--bins"]))
}

fn no_std_build() -> Result {
    tools::ensure_rust_target(NO_STD_TARGET)?;
    tools::run(cargo().args([
        "build",
        "-p",
        "copperhead-vm",
        "-p",
        "copperhead-firmware",
        "--lib",
        "--no-default-features",
        "--target",
        NO_STD_TARGET,
    ]))
}

fn rust_tests() -> Result {
    // mpremote for the board tests; littlefs-python, the C littlefs, for the compatibility
    // test of ours (ignored by a plain `cargo test`, which may have no venv).
    let python = tools::python_venv()?;
    tools::run(cargo().args(["test", "--workspace"]))?;
    tools::run(
        cargo()
            .args(["test", "-p", "copperhead-littlefs", "--test", "compat"])
            .args(["--", "--ignored"])
            .env("COPPERHEAD_LFS_PYTHON", python),
    )
}

/// Builds the QEMU ports' images, then runs the mpremote and server tests that boot them
/// (ignored by a plain `cargo test`, which has no images).
fn qemu_boards() -> Result {
    let mut test = cargo();
    test.args([
        "test",
        "-p",
        "copperhead-tests",
        "--test",
        "mpremote",
        "--test",
        "server_api",
        "--test",
        "small_board",
        "--",
        "--ignored",
        "qemu_",
    ]);
    for (name, small, variable) in [
        ("qemu-mps2", false, "COPPERHEAD_QEMU_MPS2"),
        ("qemu-mps2", true, "COPPERHEAD_QEMU_MPS2_SMALL"),
        ("qemu-virt-rv32", false, "COPPERHEAD_QEMU_VIRT_RV32"),
    ] {
        let port = crate::firmware::find(name).ok_or(format!("no {name} port"))?;
        let image = crate::firmware::build(port, small)?;
        crate::firmware::ensure_qemu_for(port)?;
        test.env(variable, image);
    }
    tools::run(&mut test)?;
    esp32c3_image()
}

/// The ESP32-C3 image builds, and Espressif's esptool (not ours) reads its app as the chip's
/// bootloader will: the checksum and the SHA-256 it carries are valid.
fn esp32c3_image() -> Result {
    let port = crate::firmware::find("esp32c3").ok_or("no esp32c3 port")?;
    crate::firmware::build(port, false)?;
    let merged = tools::target_dir().join("firmware/esp32c3.bin");
    let bytes = std::fs::read(&merged).map_err(|e| format!("{}: {e}", merged.display()))?;
    // The app's partition starts at 0x10000 (`firmware/ports/esp32c3/partitions.csv`).
    let app = tools::target_dir().join("firmware/esp32c3-app.bin");
    std::fs::write(
        &app,
        bytes
            .get(0x10000..)
            .ok_or("the merged image ends before its app")?,
    )
    .map_err(|e| format!("{}: {e}", app.display()))?;
    let python = tools::python_venv()?;
    let info = tools::output(
        std::process::Command::new(python)
            .args(["-m", "esptool", "--chip", "esp32c3", "image-info"])
            .arg(&app),
    )?;
    let valid = |field: &str| {
        info.lines()
            .any(|l| l.starts_with(field) && l.trim_end().ends_with("(valid)"))
    };
    if valid("Checksum:") && valid("Validation hash:") && info.contains("copperhead-esp32c3") {
        println!(
            "esptool reads {} as a valid ESP32-C3 app image",
            app.display()
        );
        Ok(())
    } else {
        Err(format!(
            "esptool does not accept the ESP32-C3 image:\n{info}"
        ))
    }
}

fn wasm_corpus() -> Result {
    node_tests("tests/wasm")
}

/// Runs `node --test` on every `*.test.mjs` in `dir` (named one by one: Node's handling of a
/// directory argument differs between versions).
fn node_tests(dir: &str) -> Result {
    node_tests_with_env(dir, &[])
}

fn node_tests_with_env(dir: &str, env: &[(&str, &str)]) -> Result {
    let mut files: Vec<String> = std::fs::read_dir(root().join(dir))
        .map_err(|e| format!("cannot read {dir}: {e}"))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".test.mjs"))
        .map(|name| format!("{dir}/{name}"))
        .collect();
    if files.is_empty() {
        return Err(format!("no *.test.mjs files in {dir}"));
    }
    files.sort();
    let mut command = Command::new("node");
    command.arg("--test").args(&files).current_dir(root());
    for (key, value) in env {
        command.env(key, value);
    }
    tools::run(&mut command)
}

fn browser_tests() -> Result {
    tools::ensure_chromium()?;
    let listen = format!("127.0.0.1:{}", free_port()?);
    // A project and a board filesystem of the tests' own, made fresh from tests/browser/fixtures.
    let scratch = tools::target_dir().join("browser-test");
    let _ = std::fs::remove_dir_all(&scratch);
    let workspace = scratch.join("project");
    let board_fs = scratch.join("board");
    copy_tree(&root().join("tests/browser/fixtures/project"), &workspace)?;
    copy_tree(&root().join("tests/browser/fixtures/board"), &board_fs)?;
    let options = RunOptions {
        debug: true,
        listen,
        open: false,
        workspace: Some(workspace),
        board_fs: Some(board_fs),
    };
    let mut server = ide::start(&options)?;
    let outcome = server
        .wait_ready(Duration::from_secs(60))
        .and_then(|()| node_tests_with_env("tests/browser", &[("COPPERHEAD_URL", &server.url)]));
    server.stop();
    outcome
}

/// Copies the folder `from` to `to`, which must not exist yet.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) -> Result {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot make {}: {e}", to.display()))?;
    for entry in
        std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?
    {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .map_err(|e| format!("cannot copy {}: {e}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// A port nobody listens on right now.
fn free_port() -> Result<u16> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot find a free port: {e}"))?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|e| e.to_string())
}
