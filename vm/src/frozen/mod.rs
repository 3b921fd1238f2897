//! Frozen modules: Python source compiled into the VM and imported like files (the
//! `.frozen` entry of `sys.path`). Parts of the library that are simpler in Python than in
//! Rust live here.

/// `(module name, source)`; a package's `__init__` is listed under the package name.
pub const MODULES: &[(&str, &str)] = &[
    ("collections", include_str!("collections.py")),
    ("struct", include_str!("struct.py")),
    ("asyncio", include_str!("asyncio.py")),
    ("neopixel", include_str!("neopixel.py")),
];
