//! `array.array`: typed numbers stored packed, little-endian, as on MicroPython's ports.
//! The storage is also the object's buffer (`bytes(a)`, comparisons with bytes).

use alloc::vec::Vec;

use crate::value::Value;

/// The size in bytes of one item of `typecode`, or `None` for an unknown code.
pub fn item_size(typecode: u8) -> Option<usize> {
    Some(match typecode {
        b'b' | b'B' => 1,
        b'h' | b'H' => 2,
        b'i' | b'I' | b'f' => 4,
        // `P` holds a pointer-sized unsigned int (a 64-bit VM's).
        b'l' | b'L' | b'q' | b'Q' | b'P' | b'd' => 8,
        _ => return None,
    })
}

/// An unsigned 64-bit item too large for a small int (`Q`/`L`/`P` with the top bit set).
pub fn big_item(typecode: u8, data: &[u8], index: usize) -> Option<u64> {
    if !matches!(typecode, b'Q' | b'L' | b'P') {
        return None;
    }
    let b = &data[index * 8..index * 8 + 8];
    let u = u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
    (u > i64::MAX as u64).then_some(u)
}

/// Decode the item at `index` (in items). (See [`big_item`] for values beyond `i64`.)
pub fn get(typecode: u8, data: &[u8], index: usize) -> Value {
    let size = item_size(typecode).unwrap_or(1);
    let b = &data[index * size..index * size + size];
    let mut raw = [0u8; 8];
    raw[..size].copy_from_slice(b);
    let unsigned = u64::from_le_bytes(raw);
    match typecode {
        b'f' => Value::Float(f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))),
        b'd' => Value::Float(f64::from_le_bytes(raw)),
        b'b' | b'h' | b'i' | b'l' | b'q' => {
            // Sign-extend from the item's width.
            let shift = 64 - 8 * size as u32;
            Value::Int(((unsigned << shift) as i64) >> shift)
        }
        _ => Value::Int(unsigned as i64),
    }
}

/// Encode `v` (an int or float, already checked) as one item, appending to `out`. Ints wrap
/// to the item's width, as MicroPython stores them.
pub fn put(typecode: u8, int: i64, float: f64, is_float: bool, out: &mut Vec<u8>) {
    let size = item_size(typecode).unwrap_or(1);
    match typecode {
        b'f' => {
            out.extend_from_slice(&(if is_float { float } else { int as f64 } as f32).to_le_bytes())
        }
        b'd' => out.extend_from_slice(&(if is_float { float } else { int as f64 }).to_le_bytes()),
        _ => {
            let i = if is_float { float as i64 } else { int };
            out.extend_from_slice(&i.to_le_bytes()[..size]);
        }
    }
}

/// Number of items stored.
pub fn len(typecode: u8, data: &[u8]) -> usize {
    data.len() / item_size(typecode).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_wraps() {
        let mut data = Vec::new();
        put(b'h', -2, 0.0, false, &mut data);
        put(b'h', 70_000, 0.0, false, &mut data);
        assert_eq!(get(b'h', &data, 0), Value::Int(-2));
        assert_eq!(get(b'h', &data, 1), Value::Int(70_000 - 65_536));
        assert_eq!(len(b'h', &data), 2);
        let mut f = Vec::new();
        put(b'f', 0, 1.5, true, &mut f);
        assert_eq!(get(b'f', &f, 0), Value::Float(1.5));
    }
}
