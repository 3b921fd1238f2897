//! Helpers shared by the tests: a model of the tree to compare a mounted filesystem with.

#![allow(dead_code)]

use std::collections::BTreeMap;

use copperhead_littlefs::{BlockDevice, Config, FileType, Lfs, OpenFlags};

/// A tree: path → `None` for a directory, `Some(content)` for a file.
pub type Tree = BTreeMap<String, Option<Vec<u8>>>;

/// Everything under `dir` ("" for the root).
pub fn read_tree<D: BlockDevice>(lfs: &mut Lfs<D>, dir: &str, out: &mut Tree) {
    let listing = lfs
        .read_dir(if dir.is_empty() { "/" } else { dir })
        .expect("read_dir");
    for e in listing {
        let path = format!("{dir}/{}", e.name);
        match e.kind {
            FileType::Dir => {
                out.insert(path.clone(), None);
                read_tree(lfs, &path, out);
            }
            FileType::File => {
                let data = read_file(lfs, &path);
                assert_eq!(data.len() as u32, e.size, "size of {path}");
                out.insert(path, Some(data));
            }
        }
    }
}

pub fn tree<D: BlockDevice>(lfs: &mut Lfs<D>) -> Tree {
    let mut t = Tree::new();
    read_tree(lfs, "", &mut t);
    t
}

pub fn read_file<D: BlockDevice>(lfs: &mut Lfs<D>, path: &str) -> Vec<u8> {
    let fh = lfs
        .open(path, OpenFlags::READ)
        .unwrap_or_else(|e| panic!("open {path}: {e:?}"));
    let mut out = Vec::new();
    let mut buf = [0u8; 700];
    loop {
        let n = lfs.read(fh, &mut buf).expect("read");
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    lfs.close(fh).expect("close");
    out
}

pub fn write_file<D: BlockDevice>(lfs: &mut Lfs<D>, path: &str, data: &[u8]) {
    let fh = lfs
        .open(path, OpenFlags::WRITE)
        .unwrap_or_else(|e| panic!("open {path}: {e:?}"));
    for chunk in data.chunks(333) {
        assert_eq!(lfs.write(fh, chunk).expect("write"), chunk.len());
    }
    lfs.close(fh).expect("close");
}

/// Bytes that differ from file to file and position to position.
pub fn pattern(seed: u32, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(12345);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

pub fn config() -> Config {
    Config::default()
}
