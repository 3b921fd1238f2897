//! `cargo xtask build-web`: compiles the VM to wasm, generates its JavaScript bindings into
//! `web/pkg/` with wasm-bindgen (as a library, so nothing else needs installing), and bundles
//! the page into `web/dist/` with `web/build.mjs`.

use crate::Result;
use crate::tools::{self, cargo, root};
use std::process::Command;

const WASM_TARGET: &str = "wasm32-unknown-unknown";

pub fn build_web() -> Result {
    tools::ensure_rust_target(WASM_TARGET)?;
    tools::ensure_node_modules()?;

    // Release even for dev builds: the VM is small, and a debug VM is too slow to simulate with.
    tools::run(cargo().args([
        "build",
        "-p",
        "copperhead-wasm",
        "--target",
        WASM_TARGET,
        "--release",
    ]))?;

    let wasm = tools::target_dir()
        .join(WASM_TARGET)
        .join("release/copperhead_wasm.wasm");
    let pkg = root().join("web/pkg");
    println!(
        "$ wasm-bindgen --target web {} --out-dir {}",
        wasm.display(),
        pkg.display()
    );
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .web(true)
        .and_then(|bindgen| bindgen.typescript(true).generate(&pkg))
        .map_err(|e| format!("wasm-bindgen failed on {}: {e:#}", wasm.display()))?;

    tools::run(
        Command::new("node")
            .arg("web/build.mjs")
            .current_dir(root()),
    )
}
