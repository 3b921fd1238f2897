//! A hasher for keys that are small numbers already (interned names, heap slot indices) and
//! for the interner's names themselves.
//!
//! The general hasher (foldhash) multiplies 64 by 64 bits into 128, which a 32-bit target
//! such as wasm32 or RISC-V does in software: on the Simulator it made a global or attribute
//! lookup cost more than the instruction that asked for it. Here one 64-bit multiply per word
//! mixes the key into the high bits (where the table reads its 7-bit tag) while distinct
//! low bits stay distinct (where it picks the bucket). Not for keys an attacker chooses.

use core::hash::{BuildHasherDefault, Hasher};

#[derive(Clone, Copy, Default)]
pub struct IdHasher(u64);

/// An odd constant with well-spread bits (2^64 divided by the golden ratio).
const K: u64 = 0x9e37_79b9_7f4a_7c15;

impl IdHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for IdHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    /// Eight bytes at a time (a name's text: the interner's keys).
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut w = [0; 8];
            w.copy_from_slice(word);
            self.add(u64::from_le_bytes(w));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut w = [0; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }
    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }
    #[inline]
    fn write_u16(&mut self, n: u16) {
        self.add(u64::from(n));
    }
    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }
    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

/// A map keyed by small numbers or names.
pub type IdMap<K, V> = hashbrown::HashMap<K, V, BuildHasherDefault<IdHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use core::hash::BuildHasher;

    #[test]
    fn names_differing_anywhere_hash_differently() {
        let build = BuildHasherDefault::<IdHasher>::default();
        let names = [
            "a",
            "b",
            "ab",
            "ba",
            "abcdefgh",
            "abcdefgi",
            "abcdefghi",
            "bbcdefghi",
            "",
        ];
        let mut hashes: alloc::vec::Vec<u64> = names.iter().map(|n| build.hash_one(n)).collect();
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), names.len());
    }

    #[test]
    fn consecutive_ids_differ_in_bucket_and_tag_bits() {
        let build = BuildHasherDefault::<IdHasher>::default();
        let hashes: alloc::vec::Vec<u64> = (0u32..64).map(|id| build.hash_one(id)).collect();
        // Buckets come from the low bits: 64 ids fill 64 buckets.
        let mut low: alloc::vec::Vec<u64> = hashes.iter().map(|h| h & 63).collect();
        low.sort_unstable();
        low.dedup();
        assert_eq!(low.len(), 64);
        // Tags come from the top 7 bits: they must vary too.
        let mut top: alloc::vec::Vec<u64> = hashes.iter().map(|h| h >> 57).collect();
        top.sort_unstable();
        top.dedup();
        assert!(top.len() > 32, "{} distinct tags", top.len());
    }
}
