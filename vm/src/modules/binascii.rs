//! `binascii`: hex and base64 conversions and CRC-32, as MicroPython offers them.

use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

pub(super) const FUNCTIONS: &[Native] = &[
    Native::new("hexlify", hexlify).args(1, 2).kw(),
    Native::new("unhexlify", unhexlify).args(1, 1),
    Native::new("a2b_base64", a2b_base64).args(1, 1),
    Native::new("b2a_base64", b2a_base64).args(1, 1).kw(),
    Native::new("crc32", crc32).args(1, 2),
];

const HEX: &[u8; 16] = b"0123456789abcdef";
const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn bytes_value(vm: &mut Interp, data: Vec<u8>) -> PResult<Value> {
    vm.alloc(Obj::Bytes(data.into()))
}

/// `hexlify(data[, sep])`: two hex digits a byte, `sep` between bytes.
fn hexlify(vm: &mut Interp, a: Args) -> PResult<Value> {
    let data = vm.buffer_arg(vm.arg(a, 0))?;
    let sep = match vm.arg_or_kw(a, 1, "sep") {
        Some(v) if v != Value::None => vm.buffer_arg(v)?,
        _ => Vec::new(),
    };
    let mut out = Vec::with_capacity(data.len() * (2 + sep.len()));
    for (i, b) in data.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(&sep);
        }
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 15)]);
    }
    bytes_value(vm, out)
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn unhexlify(vm: &mut Interp, a: Args) -> PResult<Value> {
    let data = vm.buffer_arg(vm.arg(a, 0))?;
    if data.len() % 2 != 0 {
        return Err(PyErr::new(ErrKind::ValueError, "odd-length string"));
    }
    let mut out = Vec::with_capacity(data.len() / 2);
    for pair in data.chunks(2) {
        match (hex_digit(pair[0]), hex_digit(pair[1])) {
            (Some(h), Some(l)) => out.push(h << 4 | l),
            _ => return Err(PyErr::new(ErrKind::ValueError, "non-hex digit found")),
        }
    }
    bytes_value(vm, out)
}

fn b64_value(c: u8) -> Option<u8> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    })
}

/// Decode base64 leniently, as CPython's (and MicroPython's) `a2b_base64`: characters
/// outside the alphabet are skipped, padding only ends the data once a quad is complete.
pub(crate) fn decode_base64(data: &[u8]) -> Result<Vec<u8>, &'static str> {
    let mut out = Vec::with_capacity(data.len() / 4 * 3);
    let (mut quad, mut left, mut pads) = (0u8, 0u8, 0u8);
    for &c in data {
        if c == b'=' {
            pads += 1;
            if quad >= 2 && quad + pads >= 4 {
                return Ok(out);
            }
            continue;
        }
        let Some(v) = b64_value(c) else {
            continue;
        };
        pads = 0;
        match quad {
            0 => left = v,
            1 => {
                out.push(left << 2 | v >> 4);
                left = v & 0x0f;
            }
            2 => {
                out.push(left << 4 | v >> 2);
                left = v & 0x03;
            }
            _ => out.push(left << 6 | v),
        }
        quad = (quad + 1) % 4;
    }
    match quad {
        0 => Ok(out),
        _ => Err("incorrect padding"),
    }
}

/// Encode as base64 with padding.
pub fn encode_base64(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len().div_ceil(3) * 4 + 1);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize]);
            } else {
                out.push(b'=');
            }
        }
    }
    out
}

fn a2b_base64(vm: &mut Interp, a: Args) -> PResult<Value> {
    let data = vm.buffer_arg(vm.arg(a, 0))?;
    match decode_base64(&data) {
        Ok(out) => bytes_value(vm, out),
        Err(msg) => Err(PyErr::new(ErrKind::ValueError, msg)),
    }
}

fn b2a_base64(vm: &mut Interp, a: Args) -> PResult<Value> {
    let data = vm.buffer_arg(vm.arg(a, 0))?;
    let newline = match vm.kwarg(a, "newline") {
        Some(v) => vm.truthy(v)?,
        None => true,
    };
    let mut out = encode_base64(&data);
    if newline {
        out.push(b'\n');
    }
    bytes_value(vm, out)
}

/// CRC-32 (IEEE 802.3, reflected), continuing from `crc`.
pub(crate) fn crc32_update(crc: u32, data: &[u8]) -> u32 {
    let mut c = !crc;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                c >> 1 ^ 0xedb8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

fn crc32(vm: &mut Interp, a: Args) -> PResult<Value> {
    let data = vm.buffer_arg(vm.arg(a, 0))?;
    let start = match a.len {
        2 => vm.int_arg(vm.arg(a, 1))? as u32,
        _ => 0,
    };
    Ok(Value::Int(i64::from(crc32_update(start, &data))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_and_is_lenient_like_cpython() {
        assert_eq!(encode_base64(b"foobar"), b"Zm9vYmFy");
        assert_eq!(encode_base64(b"fo"), b"Zm8=");
        assert_eq!(decode_base64(b"Zm9v===YmFy").unwrap(), b"foobar");
        assert_eq!(decode_base64(b"Zm\x009v\n").unwrap(), b"foo");
        assert!(decode_base64(b"ab=cdef=").is_err());
        assert!(decode_base64(b"abc").is_err());
    }

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32_update(0, b"123456789"), 0xcbf4_3926);
        let whole = crc32_update(0, b"The quick brown fox");
        assert_eq!(
            crc32_update(crc32_update(0, b"The quick"), b" brown fox"),
            whole
        );
    }
}
