//! The Python conformance corpus: every `tests/python/**/*.py` with a `.py.exp` beside it is
//! piped to `copperhead-board` on stdin, and stdout + stderr must equal the `.exp` exactly.
//! (The wasm build runs the same corpus under Node: `tests/wasm/`.)

use copperhead_tests::{bin_path, repo_root};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn cases(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read tests/python") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            cases(&path, out);
        } else if path.extension().is_some_and(|e| e == "py") {
            out.push(path);
        }
    }
}

/// A new empty directory for one run of `case`.
fn scratch_dir(case: &Path) -> PathBuf {
    let stem = case.file_stem().unwrap_or_default().to_string_lossy();
    copperhead_tests::fresh_dir(&format!("corpus-{stem}"))
}

/// Run one case; `Err` holds a readable diff.
fn run_case(board: &Path, case: &Path) -> Result<(), String> {
    run_case_with(board, case, &[])
}

fn run_case_with(board: &Path, case: &Path, options: &[&str]) -> Result<(), String> {
    let exp_path = case.with_extension("py.exp");
    let expected = std::fs::read_to_string(&exp_path)
        .map_err(|e| format!("{}: no expected output: {e}", exp_path.display()))?;
    let source = std::fs::read(case).expect("read case");
    // Each case runs in a directory of its own, where it may create files.
    let cwd = scratch_dir(case);
    let mut child = Command::new(board)
        .current_dir(&cwd)
        .args(options)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn copperhead-board");
    child.stdin.take().unwrap().write_all(&source).unwrap();
    let out = child.wait_with_output().expect("wait");
    let _ = std::fs::remove_dir_all(&cwd);
    let mut got = String::from_utf8_lossy(&out.stdout).into_owned();
    got.push_str(&String::from_utf8_lossy(&out.stderr));
    if got == expected {
        return Ok(());
    }
    Err(format!(
        "{}\n--- expected\n{expected}--- got\n{got}---",
        case.display()
    ))
}

#[test]
fn python_corpus_on_copperhead_board() {
    let board = bin_path("copperhead-board");
    let mut all = Vec::new();
    cases(&repo_root().join("tests/python"), &mut all);
    all.sort();
    assert!(!all.is_empty(), "no conformance cases found");
    let failures: Vec<String> = all
        .iter()
        .filter_map(|case| run_case(&board, case).err())
        .collect();
    println!("{} cases, {} failed", all.len(), failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The same corpus with a collection before every allocation: a value that the VM's Rust
/// code forgets to root is freed at once and the case fails (or the VM panics).
#[test]
fn python_corpus_under_gc_stress() {
    let board = bin_path("copperhead-board");
    let mut all = Vec::new();
    cases(&repo_root().join("tests/python"), &mut all);
    all.sort();
    let failures: Vec<String> = all
        .iter()
        .filter_map(|case| run_case_with(&board, case, &["-X", "gcstress"]).err())
        .collect();
    println!(
        "{} cases under GC stress, {} failed",
        all.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
