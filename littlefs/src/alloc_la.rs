//! The block allocator (DESIGN.md, "The block allocator"): no free list on disk; a window
//! of `8 * lookahead_size` blocks is marked by walking the filesystem, free blocks are
//! handed out from it, and the window moves on round the disk when it is used up. A
//! checkpoint, taken when every block handed out is reachable from the filesystem, bounds a
//! scan: one full turn of the disk without a checkpoint means there is no space.

use alloc::vec;
use alloc::vec::Vec;

pub struct Lookahead {
    /// First block of the window.
    pub start: u32,
    /// Blocks in the window.
    pub size: u32,
    /// Next block of the window to look at.
    pub next: u32,
    /// Blocks that may still be looked at before the disk counts as full.
    pub ckpoint: u32,
    /// One bit per block of the window: in use.
    pub used: Vec<u8>,
}

impl Lookahead {
    pub fn new(lookahead_size: u32) -> Lookahead {
        Lookahead {
            start: 0,
            size: 0,
            next: 0,
            ckpoint: 0,
            used: vec![0; lookahead_size.max(1) as usize],
        }
    }

    /// Every block handed out so far is reachable.
    pub fn checkpoint(&mut self, block_count: u32) {
        self.ckpoint = block_count;
    }

    /// Forget the window (it is rebuilt at the next allocation).
    pub fn drop_window(&mut self, block_count: u32) {
        self.size = 0;
        self.next = 0;
        self.checkpoint(block_count);
    }

    /// The next free block of the window, if any.
    pub fn take(&mut self) -> Option<u32> {
        while self.next < self.size {
            let n = self.next;
            self.next += 1;
            self.ckpoint = self.ckpoint.saturating_sub(1);
            if self.used[(n / 8) as usize] & (1 << (n % 8)) == 0 {
                return Some(n);
            }
        }
        None
    }

    /// Start marking the window that follows the current one.
    pub fn begin_scan(&mut self, block_count: u32) {
        self.start = (self.start + self.next) % block_count;
        self.next = 0;
        self.size = (8 * self.used.len() as u32)
            .min(self.ckpoint)
            .min(block_count);
        self.used.fill(0);
    }

    /// Mark `block` in use if it falls in the window.
    pub fn mark(&mut self, block: u32, block_count: u32) {
        if block >= block_count {
            return;
        }
        let off = (block + block_count - self.start) % block_count;
        if off < self.size {
            self.used[(off / 8) as usize] |= 1 << (off % 8);
        }
    }
}
