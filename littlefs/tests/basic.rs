//! The filesystem against a model: files of every size class, seeks, truncation, many
//! entries in a directory, nested directories, renames and removes, a full disk; the
//! filesystem is mounted again after each step and must show the same tree.

mod common;

use common::{Tree, config, pattern, read_file, tree, write_file};
use copperhead_littlefs::{Error, FileType, Lfs, OpenFlags, RamDisk, SeekFrom};

fn fresh(blocks: u32) -> RamDisk {
    let mut dev = RamDisk::new(4096, blocks);
    Lfs::format(&mut dev, &config()).expect("format");
    dev
}

/// Mount `dev` again and check it holds `model`.
fn remount_check(dev: &mut RamDisk, model: &Tree) {
    let mut lfs = Lfs::mount(&mut *dev, config()).expect("remount");
    assert_eq!(&tree(&mut lfs), model);
}

#[test]
fn format_mount_and_remount_an_empty_filesystem() {
    let mut dev = fresh(64);
    let mut lfs = Lfs::mount(&mut dev, config()).expect("mount");
    assert!(lfs.read_dir("/").unwrap().is_empty());
    assert_eq!(lfs.used_blocks().unwrap(), 2);
    assert_eq!(lfs.stat("/").unwrap().kind, FileType::Dir);
    drop(lfs);
    remount_check(&mut dev, &Tree::new());
}

#[test]
fn mount_of_a_blank_device_fails() {
    let mut dev = RamDisk::new(4096, 16);
    assert_eq!(Lfs::mount(&mut dev, config()).err(), Some(Error::Corrupt));
}

#[test]
fn files_of_every_size_class_round_trip() {
    let mut dev = fresh(128);
    let mut model = Tree::new();
    // 0, 1, the inline limit (128) and one past it, a block and a bit, many blocks.
    for (i, len) in [0usize, 1, 127, 128, 129, 4000, 4097, 9000, 40_000, 150_000]
        .into_iter()
        .enumerate()
    {
        let path = format!("/f{len}");
        let data = pattern(i as u32, len);
        {
            let mut lfs = Lfs::mount(&mut dev, config()).unwrap();
            write_file(&mut lfs, &path, &data);
            assert_eq!(read_file(&mut lfs, &path), data, "{path}");
            assert_eq!(lfs.stat(&path).unwrap().size as usize, len);
        }
        model.insert(path, Some(data));
        remount_check(&mut dev, &model);
    }
}

#[test]
fn seek_append_and_truncate() {
    let mut dev = fresh(64);
    let mut lfs = Lfs::mount(&mut dev, config()).unwrap();
    let mut want = pattern(1, 20_000);
    write_file(&mut lfs, "/a", &want);

    // Overwrite in the middle of a multi-block file.
    let fh = lfs
        .open(
            "/a",
            OpenFlags {
                read: true,
                write: true,
                ..OpenFlags::default()
            },
        )
        .unwrap();
    assert_eq!(lfs.seek(fh, SeekFrom::Start(5000)).unwrap(), 5000);
    lfs.write(fh, b"middle").unwrap();
    want[5000..5006].copy_from_slice(b"middle");
    let mut buf = [0u8; 10];
    assert_eq!(lfs.read(fh, &mut buf).unwrap(), 10);
    assert_eq!(&buf, &want[5006..5016]);
    // Past the end: a gap of zeros.
    assert_eq!(lfs.seek(fh, SeekFrom::End(100)).unwrap(), 20_100);
    lfs.write(fh, b"tail").unwrap();
    want.resize(20_100, 0);
    want.extend_from_slice(b"tail");
    assert_eq!(lfs.tell(fh).unwrap(), 20_104);
    lfs.close(fh).unwrap();
    assert_eq!(read_file(&mut lfs, "/a"), want);

    // Append.
    let fh = lfs.open("/a", OpenFlags::APPEND).unwrap();
    lfs.write(fh, b"more").unwrap();
    lfs.close(fh).unwrap();
    want.extend_from_slice(b"more");
    assert_eq!(read_file(&mut lfs, "/a"), want);

    // Truncate down, inside a block, to inline size, and up again.
    let fh = lfs
        .open(
            "/a",
            OpenFlags {
                read: true,
                write: true,
                ..OpenFlags::default()
            },
        )
        .unwrap();
    lfs.truncate(fh, 9000).unwrap();
    want.truncate(9000);
    assert_eq!(lfs.size(fh).unwrap(), 9000);
    lfs.close(fh).unwrap();
    assert_eq!(read_file(&mut lfs, "/a"), want);
    let fh = lfs
        .open(
            "/a",
            OpenFlags {
                read: true,
                write: true,
                ..OpenFlags::default()
            },
        )
        .unwrap();
    lfs.truncate(fh, 50).unwrap();
    lfs.truncate(fh, 300).unwrap();
    lfs.close(fh).unwrap();
    want.truncate(50);
    want.resize(300, 0);
    assert_eq!(read_file(&mut lfs, "/a"), want);

    // Append to a small file that grows out of its inline data.
    write_file(&mut lfs, "/s", b"x");
    let fh = lfs.open("/s", OpenFlags::APPEND).unwrap();
    let more = pattern(9, 5000);
    lfs.write(fh, &more).unwrap();
    lfs.close(fh).unwrap();
    let mut s = b"x".to_vec();
    s.extend_from_slice(&more);
    assert_eq!(read_file(&mut lfs, "/s"), s);
    drop(lfs);

    let model: Tree = [("/a".to_string(), Some(want)), ("/s".to_string(), Some(s))]
        .into_iter()
        .collect();
    remount_check(&mut dev, &model);
}

#[test]
fn open_flags_and_errors() {
    let mut dev = fresh(32);
    let mut lfs = Lfs::mount(&mut dev, config()).unwrap();
    assert_eq!(
        lfs.open("/nope", OpenFlags::READ).err(),
        Some(Error::NotFound)
    );
    write_file(&mut lfs, "/f", b"old");
    let excl = OpenFlags {
        write: true,
        create: true,
        exclusive: true,
        ..OpenFlags::default()
    };
    assert_eq!(lfs.open("/f", excl).err(), Some(Error::Exists));
    lfs.mkdir("/d").unwrap();
    assert_eq!(lfs.mkdir("/d").err(), Some(Error::Exists));
    assert_eq!(lfs.open("/d", OpenFlags::READ).err(), Some(Error::IsDir));
    assert_eq!(
        lfs.open("/f/x", OpenFlags::WRITE).err(),
        Some(Error::NotDir)
    );
    assert_eq!(
        lfs.open(&format!("/{}", "n".repeat(256)), OpenFlags::WRITE)
            .err(),
        Some(Error::NameTooLong)
    );
    write_file(&mut lfs, "/d/inner", b"1");
    assert_eq!(lfs.remove("/d").err(), Some(Error::NotEmpty));
    assert_eq!(lfs.remove("/missing").err(), Some(Error::NotFound));
    assert_eq!(lfs.rename("/f", "/d").err(), Some(Error::IsDir));
    assert_eq!(lfs.rename("/d", "/d/sub").err(), Some(Error::Invalid));
    // Reading a write-only handle.
    let fh = lfs.open("/f", OpenFlags::APPEND).unwrap();
    assert_eq!(lfs.read(fh, &mut [0u8; 4]).err(), Some(Error::BadHandle));
    lfs.close(fh).unwrap();
    // O_TRUNC empties.
    let fh = lfs.open("/f", OpenFlags::WRITE).unwrap();
    lfs.close(fh).unwrap();
    assert_eq!(read_file(&mut lfs, "/f"), b"");
    assert_eq!(Error::NotFound.errno(), 2);
    assert_eq!(Error::NoSpace.errno(), 28);
}

#[test]
fn many_files_in_one_directory_split_and_compact_pairs() {
    let mut dev = fresh(256);
    let mut model = Tree::new();
    {
        let mut lfs = Lfs::mount(&mut dev, config()).unwrap();
        lfs.mkdir("/many").unwrap();
        model.insert("/many".into(), None);
        for i in 0..300u32 {
            let path = format!(
                "/many/file{:04}_{}",
                (i * 7919) % 1000,
                "x".repeat((i % 40) as usize)
            );
            let data = pattern(i, (i as usize * 13) % 200);
            write_file(&mut lfs, &path, &data);
            model.insert(path, Some(data));
        }
        assert_eq!(tree(&mut lfs), model);
        // Rewrite some many times: compaction of the same pairs over and over.
        for round in 0..20u32 {
            for i in (0..300u32).step_by(37) {
                let path = format!(
                    "/many/file{:04}_{}",
                    (i * 7919) % 1000,
                    "x".repeat((i % 40) as usize)
                );
                let data = pattern(round * 1000 + i, ((round + i) as usize * 31) % 120);
                write_file(&mut lfs, &path, &data);
                model.insert(path, Some(data));
            }
        }
        // Remove two thirds, emptying whole pairs.
        for i in 0..300u32 {
            if i % 3 != 0 {
                let path = format!(
                    "/many/file{:04}_{}",
                    (i * 7919) % 1000,
                    "x".repeat((i % 40) as usize)
                );
                lfs.remove(&path).unwrap();
                model.remove(&path);
            }
        }
        assert_eq!(tree(&mut lfs), model);
    }
    remount_check(&mut dev, &model);
}

#[test]
fn nested_directories_rename_and_remove() {
    let mut dev = fresh(128);
    let mut model = Tree::new();
    let mut lfs = Lfs::mount(&mut dev, config()).unwrap();
    for d in ["/a", "/a/b", "/a/b/c", "/x", "/x/y"] {
        lfs.mkdir(d).unwrap();
        model.insert(d.into(), None);
    }
    for (i, f) in ["/a/1", "/a/b/2", "/a/b/c/3", "/x/y/4", "/top"]
        .into_iter()
        .enumerate()
    {
        let data = pattern(i as u32, 100 + i * 3000);
        write_file(&mut lfs, f, &data);
        model.insert(f.into(), Some(data));
    }
    assert_eq!(tree(&mut lfs), model);
    drop(lfs);
    remount_check(&mut dev, &model);

    let mut lfs = Lfs::mount(&mut dev, config()).unwrap();
    // A file across directories.
    lfs.rename("/a/b/c/3", "/x/three").unwrap();
    let v = model.remove("/a/b/c/3").unwrap();
    model.insert("/x/three".into(), v);
    // A file over another (replaced).
    lfs.rename("/a/1", "/top").unwrap();
    let v = model.remove("/a/1").unwrap();
    model.insert("/top".into(), v);
    // In the same directory.
    lfs.rename("/x/three", "/x/a-three").unwrap();
    let v = model.remove("/x/three").unwrap();
    model.insert("/x/a-three".into(), v);
    // A directory with contents.
    lfs.rename("/x/y", "/a/b/c/moved").unwrap();
    model.remove("/x/y");
    let v = model.remove("/x/y/4").unwrap();
    model.insert("/a/b/c/moved".into(), None);
    model.insert("/a/b/c/moved/4".into(), v);
    // An empty directory over an empty directory.
    lfs.mkdir("/e1").unwrap();
    lfs.mkdir("/e2").unwrap();
    lfs.rename("/e1", "/e2").unwrap();
    model.insert("/e2".into(), None);
    assert_eq!(tree(&mut lfs), model);
    drop(lfs);
    remount_check(&mut dev, &model);

    let mut lfs = Lfs::mount(&mut dev, config()).unwrap();
    lfs.remove("/a/b/c/moved/4").unwrap();
    lfs.remove("/a/b/c/moved").unwrap();
    lfs.remove("/e2").unwrap();
    model.remove("/a/b/c/moved/4");
    model.remove("/a/b/c/moved");
    model.remove("/e2");
    assert_eq!(tree(&mut lfs), model);
    let used = lfs.used_blocks().unwrap();
    drop(lfs);
    remount_check(&mut dev, &model);
    // Removed directories give their blocks back.
    let mut lfs = Lfs::mount(&mut dev, config()).unwrap();
    assert_eq!(lfs.used_blocks().unwrap(), used);
}

#[test]
fn user_attributes() {
    let mut dev = fresh(32);
    let mut lfs = Lfs::mount(&mut dev, config()).unwrap();
    write_file(&mut lfs, "/f", b"data");
    assert_eq!(lfs.get_attr("/f", b't').unwrap(), None);
    lfs.set_attr("/f", b't', Some(&1234u64.to_le_bytes()))
        .unwrap();
    assert_eq!(
        lfs.get_attr("/f", b't').unwrap(),
        Some(1234u64.to_le_bytes().to_vec())
    );
    let fh = lfs.open("/f", OpenFlags::APPEND).unwrap();
    lfs.set_file_attr(fh, b't', &99u64.to_le_bytes()).unwrap();
    lfs.write(fh, b"!").unwrap();
    lfs.close(fh).unwrap();
    lfs.rename("/f", "/g").unwrap();
    drop(lfs);
    let mut lfs = Lfs::mount(&mut dev, config()).unwrap();
    assert_eq!(
        lfs.get_attr("/g", b't').unwrap(),
        Some(99u64.to_le_bytes().to_vec())
    );
    lfs.set_attr("/g", b't', None).unwrap();
    assert_eq!(lfs.get_attr("/g", b't').unwrap(), None);
    assert_eq!(read_file(&mut lfs, "/g"), b"data!");
}

#[test]
fn filling_the_disk_gives_no_space_and_loses_nothing() {
    let mut dev = fresh(24);
    let mut model = Tree::new();
    let mut lfs = Lfs::mount(&mut dev, config()).unwrap();
    for i in 0..4u32 {
        let path = format!("/keep{i}");
        let data = pattern(i, 5000 + i as usize * 100);
        write_file(&mut lfs, &path, &data);
        model.insert(path, Some(data));
    }
    // Grow a file until the disk is full.
    let fh = lfs.open("/big", OpenFlags::WRITE).unwrap();
    let chunk = pattern(77, 1000);
    let mut err = None;
    for _ in 0..200 {
        if let Err(e) = lfs.write(fh, &chunk) {
            err = Some(e);
            break;
        }
    }
    assert_eq!(err, Some(Error::NoSpace));
    lfs.discard(fh);
    // The file was created empty at open, and stays so.
    model.insert("/big".into(), Some(Vec::new()));
    assert_eq!(tree(&mut lfs), model);
    // The space comes back: a smaller file fits.
    lfs.remove("/big").unwrap();
    model.remove("/big");
    write_file(&mut lfs, "/after", &chunk);
    model.insert("/after".into(), Some(chunk));
    drop(lfs);
    remount_check(&mut dev, &model);
}

#[test]
fn two_open_files_and_a_file_open_across_a_sync() {
    let mut dev = fresh(64);
    let mut lfs = Lfs::mount(&mut dev, config()).unwrap();
    let a = lfs.open("/a", OpenFlags::WRITE).unwrap();
    let b = lfs.open("/b", OpenFlags::WRITE).unwrap();
    let (da, db) = (pattern(1, 30_000), pattern(2, 30_000));
    for i in 0..30 {
        lfs.write(a, &da[i * 1000..(i + 1) * 1000]).unwrap();
        lfs.write(b, &db[i * 1000..(i + 1) * 1000]).unwrap();
        if i == 10 {
            lfs.sync(a).unwrap();
        }
    }
    lfs.close(a).unwrap();
    lfs.close(b).unwrap();
    assert_eq!(read_file(&mut lfs, "/a"), da);
    assert_eq!(read_file(&mut lfs, "/b"), db);
}

#[test]
fn names_that_prefix_each_other_list_as_in_c_littlefs_and_directories_count_twice() {
    let mut dev = fresh(32);
    let mut lfs = Lfs::mount(&mut dev, config()).unwrap();
    write_file(&mut lfs, "/test", b"x");
    lfs.mkdir("/testdir").unwrap();
    write_file(&mut lfs, "/tes", b"y");
    let names: Vec<String> = lfs
        .read_dir("/")
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    // The C littlefs puts the longer of two names sharing a prefix first.
    assert_eq!(names, ["testdir", "test", "tes"]);
    // The directory's pair is visited from the root's entry and along the chain of pairs.
    assert_eq!(lfs.used_blocks().unwrap(), 4);
    assert_eq!(lfs.traverse_visits().unwrap(), 6);
}

#[test]
fn a_mounted_filesystem_moves_onto_another_device_with_its_open_files() {
    let mut dev = fresh(32);
    let mut lfs = Lfs::mount(&mut dev, config()).unwrap();
    let fh = lfs.open("/f", OpenFlags::WRITE).unwrap();
    lfs.write(fh, b"written before").unwrap();
    // (Pending data is in RAM, so a copy of the device carries on the same.)
    let mut lfs = lfs.map_device(|d| RamDisk::from_image(d.image().to_vec(), 4096));
    lfs.write(fh, b" and after").unwrap();
    lfs.close(fh).unwrap();
    assert_eq!(read_file(&mut lfs, "/f"), b"written before and after");
}
