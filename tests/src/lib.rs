//! Shared helpers for the cross-crate tests in `tests/tests/`.
//!
//! The tests drive the workspace's real binaries (`copperhead-board`, `copperhead`), which
//! `cargo xtask test` builds before it runs them.

use std::path::PathBuf;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A new, empty directory under the system's temporary folder, named after `tag`, this
/// process and a counter, so that tests running at once never share one.
pub fn fresh_dir(tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "copperhead-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    dir
}

/// Path of a workspace binary built into the same target directory as the running test.
///
/// Panics with a one-line hint when it has not been built (`cargo build --bins`).
pub fn bin_path(name: &str) -> PathBuf {
    // target/<profile>/deps/<test-binary> → target/<profile>/<name>
    let exe = std::env::current_exe().expect("current_exe");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: build it first with `cargo build --bins` (cargo xtask test does)",
        path.display()
    );
    path
}

/// A QEMU machine running one of the ports under `firmware/ports/` (issue 15).
pub struct Machine {
    /// QEMU's program and the machine's arguments.
    pub qemu: &'static [&'static str],
    /// The environment variable naming the image, set by `cargo xtask test`.
    pub image: &'static str,
    /// `os.uname().machine`.
    pub identity: &'static str,
}

/// The Arm Cortex-M3 machine of MicroPython's own QEMU port: `firmware/ports/qemu-mps2`.
pub const MPS2: Machine = Machine {
    qemu: &[
        "qemu-system-arm",
        "-machine",
        "mps2-an385",
        "-semihosting-config",
        "enable=on,target=native",
    ],
    image: "COPPERHEAD_QEMU_MPS2",
    identity: "MPS2-AN385 with Cortex-M3",
};

/// The same machine with the 128 KiB build of `qemu-mps2` (`cargo xtask firmware qemu-mps2
/// --small`): the VM in small RAM.
pub const MPS2_SMALL: Machine = Machine {
    image: "COPPERHEAD_QEMU_MPS2_SMALL",
    ..MPS2
};

/// RISC-V `virt` with an rv32imac hart, the ESP32-C3's architecture:
/// `firmware/ports/qemu-virt-rv32`.
pub const VIRT_RV32: Machine = Machine {
    qemu: &["qemu-system-riscv32", "-machine", "virt", "-bios", "none"],
    image: "COPPERHEAD_QEMU_VIRT_RV32",
    identity: "QEMU virt with RV32IMAC",
};

/// QEMU running a firmware image, its console on a pseudo-terminal; killed on drop.
pub struct Qemu {
    pub child: std::process::Child,
    /// The console's pty.
    pub pty: String,
    /// QEMU's output, kept open so that QEMU never writes to a closed pipe.
    _output: std::io::BufReader<std::io::PipeReader>,
}

impl Machine {
    /// Boots the machine's image (`cargo xtask firmware NAME --run` does the same).
    pub fn boot(&self) -> Qemu {
        use std::io::BufRead;
        use std::process::{Command, Stdio};
        let image = std::env::var(self.image).unwrap_or_else(|_| {
            panic!(
                "{} names no firmware image: run this test through `cargo xtask test`",
                self.image
            )
        });
        // QEMU says where the pty is on stdout (7.2) or stderr (later): one pipe for both.
        let (said_by_qemu, qemu_says) = std::io::pipe().expect("a pipe");
        let child = Command::new(self.qemu[0])
            .args(&self.qemu[1..])
            .args(["-display", "none", "-monitor", "none", "-serial", "pty"])
            .arg("-kernel")
            .arg(&image)
            .stdin(Stdio::null())
            .stdout(qemu_says.try_clone().expect("dup"))
            .stderr(qemu_says)
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {}: {e}", self.qemu[0]));
        let mut output = std::io::BufReader::new(said_by_qemu);
        let mut said = String::new();
        // "char device redirected to /dev/pts/N (label serial0)"
        let pty = loop {
            let mut line = String::new();
            assert!(
                output.read_line(&mut line).expect("QEMU's output") > 0,
                "QEMU ended before it opened its serial port: {said}"
            );
            if let Some(pty) = line.split_whitespace().find(|w| w.starts_with("/dev/")) {
                break pty.to_string();
            }
            said.push_str(&line);
        };
        Qemu {
            child,
            pty,
            _output: output,
        }
    }
}

impl Drop for Qemu {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
