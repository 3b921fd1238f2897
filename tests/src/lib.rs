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
