//! `dict` (insertion-ordered) and the table behind `set`: entries in a vector in insertion
//! order, an index of hashes pointing into it. Hashing and key equality are the VM's
//! business (they may call Python), so this table only stores hashes and finds candidates.

use alloc::vec::Vec;
use hashbrown::HashTable;

use crate::value::Value;

#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub hash: u64,
    pub key: Value,
    pub value: Value,
}

#[derive(Debug, Default)]
pub struct Dict {
    entries: Vec<Option<Entry>>,
    index: HashTable<u32>,
    len: usize,
    /// Read-only, as MicroPython's dicts in ROM (`errno.errorcode`): changes are refused
    /// by the VM before they reach the table.
    fixed: bool,
}

impl Dict {
    pub fn new() -> Self {
        Dict::default()
    }

    pub fn is_fixed(&self) -> bool {
        self.fixed
    }

    /// Make the dict read-only from now on.
    pub fn fix(&mut self) {
        self.fixed = true;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Positions of entries whose hash equals `hash` (the caller compares keys).
    pub fn candidates(&self, hash: u64) -> impl Iterator<Item = usize> + '_ {
        self.index
            .iter_hash(hash)
            .map(|&i| i as usize)
            .filter(move |&i| matches!(self.entries[i], Some(e) if e.hash == hash))
    }

    /// Find with a key comparison that cannot fail or call out (identity, ints, strings).
    pub fn find_with(&self, hash: u64, mut eq: impl FnMut(Value) -> bool) -> Option<usize> {
        self.candidates(hash)
            .find(|&i| eq(self.entries[i].expect("live").key))
    }

    pub fn entry(&self, pos: usize) -> Option<&Entry> {
        self.entries.get(pos).and_then(|e| e.as_ref())
    }

    pub fn set_value(&mut self, pos: usize, value: Value) {
        if let Some(Some(e)) = self.entries.get_mut(pos) {
            e.value = value;
        }
    }

    /// The bytes one more entry costs when the table must grow for it (0 while it has
    /// room).
    pub fn growth(&self) -> usize {
        crate::vm::growth(self.entries.len(), self.entries.capacity(), 1, 3 * 16)
    }

    /// Append a key known to be absent.
    pub fn push(&mut self, hash: u64, key: Value, value: Value) {
        let pos = self.entries.len() as u32;
        self.entries.push(Some(Entry { hash, key, value }));
        let entries = &self.entries;
        self.index
            .insert_unique(hash, pos, |&i| entries[i as usize].map_or(0, |e| e.hash));
        self.len += 1;
    }

    pub fn remove_at(&mut self, pos: usize) -> Option<Entry> {
        let e = self.entries.get_mut(pos)?.take()?;
        if let Ok(slot) = self.index.find_entry(e.hash, |&i| i as usize == pos) {
            slot.remove();
        }
        self.len -= 1;
        if self.entries.len() > 16 && self.len < self.entries.len() / 2 {
            self.compact();
        }
        Some(e)
    }

    fn compact(&mut self) {
        let live: Vec<Entry> = self.entries.drain(..).flatten().collect();
        self.index.clear();
        self.len = 0;
        for e in live {
            self.push(e.hash, e.key, e.value);
        }
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.index.clear();
        self.len = 0;
    }

    /// Live entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().flatten()
    }

    /// The `n`th slot onwards: iteration by position survives mutation without invalidation.
    pub fn next_from(&self, mut pos: usize) -> Option<(usize, Entry)> {
        while pos < self.entries.len() {
            if let Some(e) = self.entries[pos] {
                return Some((pos, e));
            }
            pos += 1;
        }
        None
    }

    /// Remove and return the last entry (`popitem`).
    pub fn pop_last(&mut self) -> Option<Entry> {
        let pos = self.entries.iter().rposition(|e| e.is_some())?;
        self.remove_at(pos)
    }

    pub fn values(&self) -> impl Iterator<Item = Value> + '_ {
        self.iter().flat_map(|e| [e.key, e.value])
    }
}
