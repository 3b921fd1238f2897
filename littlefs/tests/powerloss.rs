//! Power loss: a device that dies after N programs and erases (the one it dies in torn
//! halfway), for every N along a sequence of writes, appends, overwrites, renames, removes
//! and directory operations. After each death the image must mount and hold the tree as it
//! was before the interrupted step or after it (a new file may also exist empty: littlefs
//! creates it at open), and must take further writes.

mod common;

use common::{Tree, pattern, tree, write_file};
use copperhead_littlefs::{BlockDevice, Config, Error, Lfs, OpenFlags, RamDisk, SeekFrom};

/// A disk that loses power after `left` programs and erases.
struct Dying {
    disk: RamDisk,
    left: u32,
    ops: u32,
    dead: bool,
}

impl Dying {
    fn tick(&mut self) -> bool {
        self.ops += 1;
        if self.dead {
            return false;
        }
        if self.left == 0 {
            self.dead = true;
            return false;
        }
        self.left -= 1;
        true
    }
}

impl BlockDevice for Dying {
    fn block_size(&self) -> u32 {
        self.disk.block_size()
    }
    fn block_count(&self) -> u32 {
        self.disk.block_count()
    }
    fn read(&mut self, block: u32, offset: u32, buf: &mut [u8]) -> Result<(), Error> {
        if self.dead {
            return Err(Error::Io);
        }
        self.disk.read(block, offset, buf)
    }
    fn program(&mut self, block: u32, offset: u32, data: &[u8]) -> Result<(), Error> {
        let was_dead = self.dead;
        if self.tick() {
            return self.disk.program(block, offset, data);
        }
        if !was_dead {
            // Torn: the first half made it.
            self.disk.program(block, offset, &data[..data.len() / 2])?;
        }
        Err(Error::Io)
    }
    fn erase(&mut self, block: u32) -> Result<(), Error> {
        let was_dead = self.dead;
        if self.tick() {
            return self.disk.erase(block);
        }
        if !was_dead {
            let half = vec![0xff; self.disk.block_size() as usize / 2];
            self.disk.program(block, 0, &half)?;
        }
        Err(Error::Io)
    }
}

#[derive(Clone, Debug)]
enum Op {
    Write(&'static str, usize, u32),
    Append(&'static str, usize, u32),
    Overwrite(&'static str, u32, usize, u32),
    Rename(&'static str, &'static str),
    Remove(&'static str),
    Mkdir(&'static str),
}

fn script() -> Vec<Op> {
    use Op::*;
    vec![
        Write("/a", 10, 1),
        Write("/b", 3000, 2),
        Mkdir("/d"),
        Write("/d/c", 60, 3),
        Write("/d/e", 700, 4),
        Append("/a", 40, 5),
        Append("/a", 900, 6),
        Write("/b", 100, 7),
        Overwrite("/b", 50, 20, 8),
        Rename("/a", "/d/a2"),
        Rename("/d/c", "/c"),
        Write("/d/f", 5, 9),
        Rename("/d/f", "/b"),
        Mkdir("/d/sub"),
        Write("/d/sub/g", 1500, 10),
        Remove("/d/e"),
        Remove("/d/sub/g"),
        Remove("/d/sub"),
        Write("/h", 4000, 11),
        Overwrite("/h", 1000, 2000, 12),
        Mkdir("/empty"),
        Rename("/empty", "/d/empty"),
        Write("/c", 2, 13),
        Remove("/h"),
    ]
}

fn apply_model(model: &mut Tree, op: &Op) {
    match *op {
        Op::Write(p, n, s) => {
            model.insert(p.into(), Some(pattern(s, n)));
        }
        Op::Append(p, n, s) => {
            model
                .get_mut(p)
                .unwrap()
                .as_mut()
                .unwrap()
                .extend_from_slice(&pattern(s, n));
        }
        Op::Overwrite(p, at, n, s) => {
            let f = model.get_mut(p).unwrap().as_mut().unwrap();
            let at = at as usize;
            if f.len() < at + n {
                f.resize(at + n, 0);
            }
            f[at..at + n].copy_from_slice(&pattern(s, n));
        }
        Op::Rename(from, to) => {
            let moved: Vec<(String, Option<Vec<u8>>)> = model
                .iter()
                .filter(|(k, _)| *k == from || k.starts_with(&format!("{from}/")))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            for (k, v) in moved {
                model.remove(&k);
                model.insert(format!("{to}{}", &k[from.len()..]), v);
            }
        }
        Op::Remove(p) => {
            model.remove(p);
        }
        Op::Mkdir(p) => {
            model.insert(p.into(), None);
        }
    }
}

fn apply_fs<D: BlockDevice>(lfs: &mut Lfs<D>, op: &Op) -> Result<(), Error> {
    match *op {
        Op::Write(p, n, s) => {
            let fh = lfs.open(p, OpenFlags::WRITE)?;
            let data = pattern(s, n);
            for chunk in data.chunks(250) {
                lfs.write(fh, chunk)?;
            }
            lfs.close(fh)
        }
        Op::Append(p, n, s) => {
            let fh = lfs.open(p, OpenFlags::APPEND)?;
            lfs.write(fh, &pattern(s, n))?;
            lfs.close(fh)
        }
        Op::Overwrite(p, at, n, s) => {
            let fh = lfs.open(
                p,
                OpenFlags {
                    read: true,
                    write: true,
                    ..OpenFlags::default()
                },
            )?;
            lfs.seek(fh, SeekFrom::Start(at))?;
            lfs.write(fh, &pattern(s, n))?;
            lfs.close(fh)
        }
        Op::Rename(from, to) => lfs.rename(from, to),
        Op::Remove(p) => lfs.remove(p),
        Op::Mkdir(p) => lfs.mkdir(p),
    }
}

/// Run the script on a copy of `base` with `budget` device writes; the step it died in.
fn run(base: &RamDisk, budget: u32) -> (RamDisk, Option<usize>, u32) {
    let mut dev = Dying {
        disk: RamDisk::from_image(base.image().to_vec(), base.block_size()),
        left: budget,
        ops: 0,
        dead: false,
    };
    let mut died = None;
    {
        let mut lfs = Lfs::mount(&mut dev, Config::default()).expect("mount before the script");
        for (i, op) in script().iter().enumerate() {
            if let Err(e) = apply_fs(&mut lfs, op) {
                assert_eq!(
                    e,
                    Error::Io,
                    "step {i} {op:?} failed with {e:?}, not a power cut"
                );
                died = Some(i);
                break;
            }
        }
    }
    let ops = dev.ops;
    (dev.disk, died, ops)
}

fn power_loss_everywhere(block_size: u32, block_count: u32) {
    let mut base = RamDisk::new(block_size, block_count);
    Lfs::format(&mut base, &Config::default()).unwrap();
    let mut models = vec![Tree::new()];
    for op in script() {
        let mut m = models.last().unwrap().clone();
        apply_model(&mut m, &op);
        models.push(m);
    }
    let (_, died, total) = run(&base, u32::MAX);
    assert_eq!(died, None);
    {
        let (mut disk, _, _) = run(&base, u32::MAX);
        let mut lfs = Lfs::mount(&mut disk, Config::default()).unwrap();
        assert_eq!(
            &tree(&mut lfs),
            models.last().unwrap(),
            "the script without a power cut"
        );
    }
    assert!(total > 50, "only {total} writes");
    let script = script();
    for budget in 0..total {
        let (mut disk, died, _) = run(&base, budget);
        let step = died.expect("a cut before the end kills a step");
        let mut lfs = Lfs::mount(&mut disk, Config::default()).unwrap_or_else(|e| {
            panic!("budget {budget}: no mount after a cut in step {step}: {e:?}")
        });
        let seen = tree(&mut lfs);
        let (before, after) = (&models[step], &models[step + 1]);
        let mut created_empty = before.clone();
        if let Op::Write(p, _, _) = script[step] {
            created_empty
                .entry(p.to_string())
                .or_insert(Some(Vec::new()));
        }
        assert!(
            seen == *before || seen == *after || seen == created_empty,
            "budget {budget}, cut in step {step} ({:?}):\nseen   {:?}\nbefore {:?}\nafter  {:?}",
            script[step],
            seen.keys().collect::<Vec<_>>(),
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>()
        );
        // The filesystem takes writes again (finishing an interrupted move or removal
        // first), and keeps them.
        let mut want = seen.clone();
        write_file(&mut lfs, "/after-reset", b"still works");
        want.insert("/after-reset".into(), Some(b"still works".to_vec()));
        let used = lfs.used_blocks().unwrap();
        drop(lfs);
        let mut lfs = Lfs::mount(&mut disk, Config::default()).unwrap();
        assert_eq!(
            tree(&mut lfs),
            want,
            "budget {budget}: after a write following the cut"
        );
        assert_eq!(lfs.used_blocks().unwrap(), used);
    }
}

#[test]
fn power_loss_at_every_write_small_blocks() {
    // 512-byte blocks: pairs compact and split often, files span many blocks.
    power_loss_everywhere(512, 96);
}

#[test]
fn power_loss_at_every_write_micropython_blocks() {
    power_loss_everywhere(4096, 32);
}
