//! CTZ skip-lists (DESIGN.md, "CTZ skip-lists"): a file's blocks in reverse, block `n`
//! starting with `ctz(n) + 1` pointers, the `i`th to block `n - 2^i`. Only the head block
//! and the size are stored; index and offset follow from the size.

/// The block index holding byte `off` of a file, and the offset in that block (which
/// replaces `off`).
pub fn index(block_size: u32, off: &mut u32) -> u32 {
    let size = *off;
    let b = block_size - 2 * 4;
    let i = size / b;
    if i == 0 {
        return 0;
    }
    let i = (size - 4 * ((i - 1).count_ones() + 2)) / b;
    *off = size - b * i - 4 * i.count_ones();
    i
}

/// Which pointer to follow from block `current` towards block `target`.
pub fn skip(current: u32, target: u32) -> u32 {
    // The largest power of two not past the target, and no more than the block holds.
    (31 - (current - target).leading_zeros()).min(current.trailing_zeros())
}
