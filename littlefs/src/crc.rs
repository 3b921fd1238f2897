//! The CRC-32 littlefs puts at the end of every commit: polynomial 0x04c11db7 (bit-reversed
//! 0xedb88320), no final inversion; callers start from 0xffffffff.

/// One nibble at a time: a 16-entry table, small enough for a microcontroller.
const TABLE: [u32; 16] = [
    0x0000_0000,
    0x1db7_1064,
    0x3b6e_20c8,
    0x26d9_30ac,
    0x76dc_4190,
    0x6b6b_51f4,
    0x4db2_6158,
    0x5005_713c,
    0xedb8_8320,
    0xf00f_9344,
    0xd6d6_a3e8,
    0xcb61_b38c,
    0x9b64_c2b0,
    0x86d3_d2d4,
    0xa00a_e278,
    0xbdbd_f21c,
];

/// Continue `crc` over `data`.
pub fn crc32(mut crc: u32, data: &[u8]) -> u32 {
    for &b in data {
        crc = (crc >> 4) ^ TABLE[((crc ^ b as u32) & 0xf) as usize];
        crc = (crc >> 4) ^ TABLE[((crc ^ (b as u32 >> 4)) & 0xf) as usize];
    }
    crc
}

#[cfg(test)]
mod tests {
    #[test]
    fn matches_the_standard_crc32_before_inversion() {
        // CRC-32 ("123456789") is 0xcbf43926 after the final inversion.
        assert_eq!(!super::crc32(0xffff_ffff, b"123456789"), 0xcbf4_3926);
    }
}
