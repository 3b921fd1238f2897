//! The wasm VM's memory allocator: small blocks from free lists, one per size class, over
//! the general allocator (Rust's dlmalloc on wasm32), which keeps everything larger.
//!
//! A Python program allocates mostly small blocks of a handful of sizes (frames, lists of a
//! few items, attribute tables, strings) and frees them soon. dlmalloc spent a tenth of the
//! Simulator's time on that, where a free list takes and gives back a block in a few loads
//! and stores. Blocks of a class are carved from 64 KiB chunks and go back to their list, not
//! to dlmalloc: memory that served small blocks keeps serving them, as in a size-class heap.
//!
//! wasm32 here has no threads (the module is built without the atomics feature), so the
//! lists need no lock; the build stops if that ever changes.

#[cfg(target_feature = "atomics")]
compile_error!(
    "the pools allocator is single-threaded: give it a lock before building with atomics"
);

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::ptr;

/// Block sizes step by this much, and blocks are aligned to it.
const GRANULE: usize = 8;
/// Blocks up to this size come from the lists.
const SMALL: usize = 512;
const CLASSES: usize = SMALL / GRANULE;
const CHUNK: usize = 64 * 1024;

struct Lists {
    /// Each list's first free block; a free block's first word points to the next.
    free: [*mut u8; CLASSES],
    /// The unused rest of the newest chunk.
    next: *mut u8,
    end: *mut u8,
}

pub struct Pools(UnsafeCell<Lists>);

// SAFETY: wasm32 without the atomics feature runs one thread (checked above).
#[cfg(target_arch = "wasm32")]
unsafe impl Sync for Pools {}

impl Pools {
    pub const fn new() -> Pools {
        Pools(UnsafeCell::new(Lists {
            free: [ptr::null_mut(); CLASSES],
            next: ptr::null_mut(),
            end: ptr::null_mut(),
        }))
    }
}

impl Default for Pools {
    fn default() -> Pools {
        Pools::new()
    }
}

/// The class of a layout the lists serve.
#[inline]
fn class(layout: Layout) -> Option<usize> {
    let size = layout.size();
    (size <= SMALL && layout.align() <= GRANULE).then(|| (size.max(1) - 1) / GRANULE)
}

unsafe impl GlobalAlloc for Pools {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(c) = class(layout) else {
            return unsafe { System.alloc(layout) };
        };
        // SAFETY: one thread, and no call below re-enters this allocator's lists.
        let lists = unsafe { &mut *self.0.get() };
        let head = lists.free[c];
        if !head.is_null() {
            lists.free[c] = unsafe { *(head as *mut *mut u8) };
            return head;
        }
        let size = (c + 1) * GRANULE;
        if (lists.end as usize) - (lists.next as usize) < size {
            // The chunk's rest (under SMALL bytes) is left unused.
            let chunk = unsafe { System.alloc(Layout::from_size_align_unchecked(CHUNK, GRANULE)) };
            if chunk.is_null() {
                return chunk;
            }
            lists.next = chunk;
            lists.end = unsafe { chunk.add(CHUNK) };
        }
        let block = lists.next;
        lists.next = unsafe { block.add(size) };
        block
    }

    #[inline]
    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        let Some(c) = class(layout) else {
            return unsafe { System.dealloc(block, layout) };
        };
        let lists = unsafe { &mut *self.0.get() };
        unsafe { *(block as *mut *mut u8) = lists.free[c] };
        lists.free[c] = block;
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (class(layout), class(new)) {
            (Some(a), Some(b)) if a == b => block,
            (None, None) => unsafe { System.realloc(block, layout, new_size) },
            _ => {
                let moved = unsafe { self.alloc(new) };
                if !moved.is_null() {
                    unsafe {
                        ptr::copy_nonoverlapping(block, moved, layout.size().min(new_size));
                        self.dealloc(block, layout);
                    }
                }
                moved
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(size: usize) -> Layout {
        Layout::from_size_align(size, 8).unwrap()
    }

    #[test]
    fn a_freed_block_serves_the_next_of_its_class_and_blocks_never_overlap() {
        let pools = Pools::new();
        unsafe {
            let a = pools.alloc(layout(24));
            let b = pools.alloc(layout(20));
            assert_eq!(b as usize - a as usize, 24, "carved one after the other");
            a.write_bytes(0xAA, 24);
            b.write_bytes(0xBB, 20);
            assert_eq!(*a.add(23), 0xAA);
            pools.dealloc(a, layout(24));
            assert_eq!(pools.alloc(layout(17)), a, "same class (17..=24 bytes)");
            assert_ne!(pools.alloc(layout(24)), a);
        }
    }

    #[test]
    fn realloc_keeps_the_bytes_across_classes_and_into_large_blocks() {
        let pools = Pools::new();
        unsafe {
            let mut block = pools.alloc(layout(8));
            let mut size = 8;
            for (i, byte) in (0..8).zip(1u8..) {
                block.add(i).write(byte);
            }
            for new_size in [12, 100, 512, 513, 4096, 64, 8] {
                block = pools.realloc(block, layout(size), new_size);
                assert!(!block.is_null());
                size = new_size;
                let kept: Vec<u8> = (0..8).map(|i| block.add(i).read()).collect();
                assert_eq!(
                    kept,
                    [1, 2, 3, 4, 5, 6, 7, 8],
                    "after realloc to {new_size}"
                );
            }
            pools.dealloc(block, layout(size));
        }
    }

    #[test]
    fn a_new_chunk_is_taken_when_one_is_used_up() {
        let pools = Pools::new();
        let blocks: Vec<usize> = (0..2 * CHUNK / SMALL + 1)
            .map(|_| unsafe { pools.alloc(layout(SMALL)) } as usize)
            .collect();
        let mut sorted = blocks.clone();
        sorted.sort_unstable();
        for pair in sorted.windows(2) {
            assert!(pair[1] - pair[0] >= SMALL, "blocks overlap");
        }
        for block in blocks {
            unsafe { pools.dealloc(block as *mut u8, layout(SMALL)) };
        }
    }
}
