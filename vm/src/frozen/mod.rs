//! Frozen modules: Python source compiled into the VM and imported like files (the
//! `.frozen` entry of `sys.path`). Parts of the library that are simpler in Python than in
//! Rust live here.

/// `(module name, source)`; a package's `__init__` is listed under the package name.
pub const MODULES: &[(&str, &str)] = &[
    ("collections", include_str!("collections.py")),
    ("struct", include_str!("struct.py")),
    ("io", include_str!("io.py")),
    ("errno", include_str!("errno.py")),
    ("heapq", include_str!("heapq.py")),
    // MicroPython's `u`-prefixed names. Each re-exports its module, so that both names
    // share the same classes and objects (`ucollections.deque is collections.deque`).
    ("ucollections", "from collections import *\n"),
    ("ustruct", "from struct import *\n"),
    ("uio", "from io import *\n"),
    ("uerrno", "from errno import *\n"),
    ("uheapq", "from heapq import *\n"),
];
