//! `import` of `.py` modules and packages from the filesystem: sys.path (the script's
//! directory first), MICROPYPATH, packages with `__init__.py`, relative imports, `from …
//! import *` with `__all__`, and module caching in `sys.modules` order.

use copperhead_tests::bin_path;
use std::path::Path;
use std::process::Command;

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn modules_packages_and_micropypath() {
    let root = std::env::temp_dir().join(format!("copperhead-imports-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let app = root.join("app");
    let lib = root.join("lib");
    write(
        &app,
        "helper.py",
        "print('helper loaded')\nVALUE = 42\ndef twice(x):\n    return 2 * x\n",
    );
    write(
        &app,
        "pkg/__init__.py",
        "from .core import core_name\nfrom . import util\n",
    );
    write(&app, "pkg/core.py", "core_name = 'core'\n");
    write(
        &app,
        "pkg/util.py",
        "__all__ = ['shown']\nshown = 'shown'\nhidden = 'hidden'\n",
    );
    write(&lib, "libmod.py", "NAME = 'from MICROPYPATH'\n");
    write(
        &app,
        "main.py",
        "import helper\nimport helper as again\nfrom helper import twice\nimport pkg\nfrom pkg.util import *\nimport libmod\n\
         print(helper.VALUE, twice(21), again is helper, pkg.core_name, pkg.util.hidden, shown)\n\
         print(libmod.NAME, 'hidden' in dir())\n\
         try:\n    import not_there\nexcept ImportError as e:\n    print('ImportError:', e)\n",
    );
    let out = Command::new(bin_path("copperhead-board"))
        .arg(app.join("main.py"))
        .env("MICROPYPATH", lib.to_str().unwrap())
        .output()
        .expect("run copperhead-board");
    let _ = std::fs::remove_dir_all(&root);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout,
        "helper loaded\n42 42 True core hidden shown\nfrom MICROPYPATH False\nImportError: no module named 'not_there'\n",
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success());
}
