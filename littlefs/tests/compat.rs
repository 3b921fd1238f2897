//! Compatibility with a littlefs we did not write: the C littlefs, through the PyPI package
//! littlefs-python (`compat.py` beside this file). Images go both ways: made by C and read
//! here, made here and read by C, and modified in turn by each.
//!
//! Ignored unless asked for, with the venv's Python named:
//! `COPPERHEAD_LFS_PYTHON=target/mpremote-venv/bin/python cargo test -p copperhead-littlefs --test compat -- --ignored`

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{pattern, read_file, write_file};
use copperhead_littlefs::{BlockDevice, Config, FileType, Lfs, OpenFlags, RamDisk};

const BLOCK_SIZE: u32 = 4096;
const BLOCK_COUNT: u32 = 128;

fn python() -> String {
    std::env::var("COPPERHEAD_LFS_PYTHON")
        .expect("set COPPERHEAD_LFS_PYTHON to a Python with littlefs-python installed")
}

/// Run compat.py's `mode` on `image`; the tree it dumps.
fn py(mode: &str, image: &Path) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compat.py");
    let tree = image.with_extension(format!("{mode}.tree"));
    let out = Command::new(python())
        .arg(script)
        .arg(mode)
        .arg(image)
        .arg(&tree)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "compat.py {mode} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(tree).expect("read the tree dump")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lfs-compat");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn hex(data: &[u8]) -> String {
    data.iter().map(|b| format!("{b:02x}")).collect()
}

/// The tree in compat.py's dump format.
fn dump<D: BlockDevice>(lfs: &mut Lfs<D>) -> String {
    fn walk<D: BlockDevice>(lfs: &mut Lfs<D>, dir: &str, lines: &mut Vec<String>) {
        for e in lfs
            .read_dir(if dir.is_empty() { "/" } else { dir })
            .unwrap()
        {
            let path = format!("{dir}/{}", e.name);
            match e.kind {
                FileType::Dir => {
                    lines.push(format!("D {path}"));
                    walk(lfs, &path, lines);
                }
                FileType::File => {
                    lines.push(format!("F {path} {}", hex(&read_file(lfs, &path))));
                    if let Some(t) = lfs.get_attr(&path, b't').unwrap() {
                        lines.push(format!("A {path} {}", hex(&t)));
                    }
                }
            }
        }
    }
    let mut lines = Vec::new();
    walk(lfs, "", &mut lines);
    lines.sort();
    lines.join("\n") + "\n"
}

fn load(image: &Path) -> RamDisk {
    RamDisk::from_image(std::fs::read(image).unwrap(), BLOCK_SIZE)
}

/// A tree written by us: what MicroPython would leave on a board.
fn write_our_tree<D: BlockDevice>(lfs: &mut Lfs<D>) {
    lfs.mkdir("/lib").unwrap();
    lfs.mkdir("/lib/deep").unwrap();
    lfs.mkdir("/lib/deep/er").unwrap();
    lfs.mkdir("/gone").unwrap();
    write_file(lfs, "/main.py", b"import machine\nprint('hi')\n");
    write_file(lfs, "/empty", b"");
    write_file(lfs, "/lib/deep/er/inline", &pattern(5, 128));
    write_file(lfs, "/lib/outline", &pattern(6, 129));
    write_file(lfs, "/lib/big", &pattern(7, 70_000));
    for i in 0..80 {
        write_file(
            lfs,
            &format!("/lib/mod{i:03}.py"),
            &pattern(200 + i, (i as usize * 53) % 400),
        );
    }
    // Names created out of order, so inserts land in every pair of a split directory.
    lfs.mkdir("/scrambled").unwrap();
    for i in 0..90u32 {
        write_file(
            lfs,
            &format!("/scrambled/n{:03}", (i * 37) % 90),
            &pattern(300 + i, 20),
        );
    }
    lfs.set_attr(
        "/main.py",
        b't',
        Some(&1_700_000_123_000_000_000u64.to_le_bytes()),
    )
    .unwrap();
    lfs.rename("/lib/mod010.py", "/moved.py").unwrap();
    lfs.rename("/lib/outline", "/lib/deep/outline").unwrap();
    lfs.remove("/lib/mod011.py").unwrap();
    lfs.remove("/gone").unwrap();
    let fh = lfs
        .open(
            "/lib/big",
            OpenFlags {
                read: true,
                write: true,
                ..OpenFlags::default()
            },
        )
        .unwrap();
    lfs.seek(fh, copperhead_littlefs::SeekFrom::Start(30_000))
        .unwrap();
    lfs.write(fh, b"patched here").unwrap();
    lfs.close(fh).unwrap();
}

#[test]
#[ignore = "needs COPPERHEAD_LFS_PYTHON (a Python with littlefs-python)"]
fn an_image_made_by_c_littlefs_reads_here() {
    let image = scratch("c-made.img");
    let want = py("create", &image);
    let mut dev = load(&image);
    let mut lfs = Lfs::mount(&mut dev, Config::default()).expect("mount a C littlefs image");
    assert_eq!(dump(&mut lfs), want);
    assert!(want.contains("F /blocky-moved") && want.contains("A /main.py"));
}

#[test]
#[ignore = "needs COPPERHEAD_LFS_PYTHON (a Python with littlefs-python)"]
fn an_image_made_here_reads_in_c_littlefs() {
    let image = scratch("rust-made.img");
    let mut dev = RamDisk::new(BLOCK_SIZE, BLOCK_COUNT);
    Lfs::format(&mut dev, &Config::default()).unwrap();
    let mut lfs = Lfs::mount(&mut dev, Config::default()).unwrap();
    write_our_tree(&mut lfs);
    let ours = dump(&mut lfs);
    drop(lfs);
    std::fs::write(&image, dev.image()).unwrap();
    assert_eq!(py("read", &image), ours);
}

#[test]
#[ignore = "needs COPPERHEAD_LFS_PYTHON (a Python with littlefs-python)"]
fn a_c_image_modified_here_reads_in_c_littlefs() {
    let image = scratch("c-then-rust.img");
    py("create", &image);
    let mut dev = load(&image);
    let mut lfs = Lfs::mount(&mut dev, Config::default()).unwrap();
    write_file(&mut lfs, "/main.py", b"print('rewritten by copperhead')\n");
    write_file(&mut lfs, "/lib/big.bin", &pattern(9, 23_456));
    lfs.rename("/lib/renamed.txt", "/data/back.txt").unwrap();
    lfs.remove("/empty").unwrap();
    lfs.mkdir("/empty2").unwrap();
    for i in 0..40 {
        let _ = lfs.remove(&format!("/data/log{:03}.txt", i * 2));
    }
    let fh = lfs.open("/zero", OpenFlags::APPEND).unwrap();
    lfs.write(fh, &pattern(10, 9000)).unwrap();
    lfs.close(fh).unwrap();
    let ours = dump(&mut lfs);
    drop(lfs);
    std::fs::write(&image, dev.image()).unwrap();
    assert_eq!(py("read", &image), ours);
}

#[test]
#[ignore = "needs COPPERHEAD_LFS_PYTHON (a Python with littlefs-python)"]
fn an_image_made_here_and_modified_by_c_reads_here() {
    let image = scratch("rust-then-c.img");
    let mut dev = RamDisk::new(BLOCK_SIZE, BLOCK_COUNT);
    Lfs::format(&mut dev, &Config::default()).unwrap();
    let mut lfs = Lfs::mount(&mut dev, Config::default()).unwrap();
    write_our_tree(&mut lfs);
    drop(lfs);
    std::fs::write(&image, dev.image()).unwrap();
    let want = py("modify", &image);
    let mut dev = load(&image);
    let mut lfs = Lfs::mount(&mut dev, Config::default()).unwrap();
    assert_eq!(dump(&mut lfs), want);
    // And we can go on writing to it.
    write_file(&mut lfs, "/c-dir/y", b"after C");
    let ours = dump(&mut lfs);
    drop(lfs);
    std::fs::write(&image, dev.image()).unwrap();
    assert_eq!(py("read", &image), ours);
}
