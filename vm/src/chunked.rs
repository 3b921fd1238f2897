//! A vector kept in chunks of `N` items: it grows a chunk at a time and never moves what it
//! holds, so a board's small arena never needs one block as big as the whole vector (nor
//! the old block and the new one at once, as a growing `Vec` does). The VM's object table
//! and its table of natives are kept this way.

use alloc::boxed::Box;
use alloc::vec::Vec;

/// Chunks are whole arrays (their unused items at their default), so that an index into
/// one needs no bounds check and the table of chunks holds thin pointers.
pub struct ChunkedVec<T, const N: usize> {
    chunks: Vec<Box<[T; N]>>,
    len: usize,
}

impl<T: Default, const N: usize> Default for ChunkedVec<T, N> {
    fn default() -> Self {
        ChunkedVec {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T: Default, const N: usize> ChunkedVec<T, N> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        (i < self.len).then(|| &self[i])
    }

    /// Make room for one more item by asking the allocator; `false` if it refused.
    pub fn try_room(&mut self) -> bool {
        if self.len < self.chunks.len() * N {
            return true;
        }
        let mut chunk = Vec::new();
        if self.chunks.try_reserve(1).is_err() || chunk.try_reserve_exact(N).is_err() {
            return false;
        }
        chunk.resize_with(N, T::default);
        match chunk.into_boxed_slice().try_into() {
            Ok(chunk) => {
                self.chunks.push(chunk);
                true
            }
            Err(_) => false,
        }
    }

    pub fn push(&mut self, item: T) {
        if !self.try_room() {
            // As a `Vec` that cannot grow: the allocator's failure.
            alloc::alloc::handle_alloc_error(core::alloc::Layout::new::<[T; N]>());
        }
        let i = self.len;
        self.len += 1;
        self[i] = item;
    }
}

impl<T, const N: usize> core::ops::Index<usize> for ChunkedVec<T, N> {
    type Output = T;
    #[inline]
    fn index(&self, i: usize) -> &T {
        &self.chunks[i / N][i % N]
    }
}

impl<T, const N: usize> core::ops::IndexMut<usize> for ChunkedVec<T, N> {
    #[inline]
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.chunks[i / N][i % N]
    }
}

#[cfg(test)]
mod tests {
    use super::ChunkedVec;

    #[test]
    fn items_keep_their_place_as_chunks_are_added() {
        let mut v: ChunkedVec<u32, 4> = ChunkedVec::default();
        for i in 0..10 {
            assert!(v.try_room());
            v.push(i * 3);
        }
        let first = &v[0] as *const u32;
        for i in 10..20 {
            v.push(i * 3);
        }
        assert_eq!(first, &v[0] as *const u32, "never moved");
        assert_eq!(v.len(), 20);
        assert_eq!((0..20).map(|i| v[i]).sum::<u32>(), 3 * 190);
        v[7] = 1;
        assert_eq!(v.get(7), Some(&1));
        assert_eq!(v.get(20), None);
        assert_eq!(v.chunks.len(), 5);
    }
}
