//! `str` and `bytes`: formatting helpers shared by `print`, `repr` and the REPL.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use crate::error::{ErrKind, PyErr};

/// Append `repr(s)`: single quotes unless the text holds `'` and no `"`.
pub fn write_repr(s: &str, out: &mut String) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// Append `repr(b)`: `b'...'` with non-printable bytes as `\xNN`.
pub fn write_bytes_repr(b: &[u8], out: &mut String) {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    out.push('b');
    out.push(quote as char);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c as char);
            }
            0x20..=0x7e => out.push(c as char),
            c => {
                let _ = write!(out, "\\x{c:02x}");
            }
        }
    }
    out.push(quote as char);
}

/// The text encodings of `str.encode`, `bytes.decode` and `str(buffer, encoding)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Encoding {
    Utf8,
    Ascii,
}

/// What to do with bytes (or characters) the encoding can't represent.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Errors {
    /// Raise `UnicodeError`.
    Strict,
    /// Leave them out.
    Ignore,
    /// U+FFFD when decoding, `?` when encoding.
    Replace,
}

impl Encoding {
    /// The encoding called `name` (in any case), or `LookupError`.
    pub fn named(name: &str) -> Result<Encoding, PyErr> {
        match name.to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" | "utf_8" => Ok(Encoding::Utf8),
            "ascii" => Ok(Encoding::Ascii),
            _ => Err(PyErr::new(
                ErrKind::LookupError,
                alloc::format!("unknown encoding: {name}"),
            )),
        }
    }
}

impl Errors {
    /// The handler called `name`: as in MicroPython, an unknown name is strict.
    pub fn named(name: &str) -> Errors {
        match name {
            "ignore" => Errors::Ignore,
            "replace" => Errors::Replace,
            _ => Errors::Strict,
        }
    }
}

/// `bytes.decode(encoding, errors)`. Invalid UTF-8 is replaced (or left out) a maximal
/// invalid sequence at a time, as CPython does; invalid ASCII a byte at a time.
pub fn decode(b: &[u8], encoding: Encoding, errors: Errors) -> Result<String, PyErr> {
    let valid = match encoding {
        Encoding::Utf8 => core::str::from_utf8(b).ok(),
        Encoding::Ascii => b.is_ascii().then(|| core::str::from_utf8(b).ok()).flatten(),
    };
    if let Some(s) = valid {
        return Ok(String::from(s));
    }
    let replacement = match errors {
        Errors::Strict => return Err(PyErr::bare(ErrKind::UnicodeError)),
        Errors::Ignore => "",
        Errors::Replace => "\u{fffd}",
    };
    let mut out = String::with_capacity(b.len());
    match encoding {
        Encoding::Utf8 => {
            for chunk in b.utf8_chunks() {
                out.push_str(chunk.valid());
                if !chunk.invalid().is_empty() {
                    out.push_str(replacement);
                }
            }
        }
        Encoding::Ascii => {
            for &c in b {
                if c.is_ascii() {
                    out.push(c as char);
                } else {
                    out.push_str(replacement);
                }
            }
        }
    }
    Ok(out)
}

/// `str.encode(encoding, errors)`.
pub fn encode(s: &str, encoding: Encoding, errors: Errors) -> Result<Vec<u8>, PyErr> {
    if encoding == Encoding::Utf8 || s.is_ascii() {
        return Ok(s.as_bytes().to_vec());
    }
    match errors {
        Errors::Strict => Err(PyErr::bare(ErrKind::UnicodeError)),
        Errors::Ignore => Ok(s.bytes().filter(u8::is_ascii).collect()),
        Errors::Replace => Ok(s
            .chars()
            .map(|c| if c.is_ascii() { c as u8 } else { b'?' })
            .collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codecs() {
        let d = |b: &[u8], e, r| decode(b, e, r).ok();
        assert_eq!(
            d(b"ab", Encoding::Ascii, Errors::Strict).as_deref(),
            Some("ab")
        );
        assert_eq!(d(b"a\xffb", Encoding::Utf8, Errors::Strict), None);
        assert_eq!(
            d(b"x\xe4\xb8 y", Encoding::Utf8, Errors::Replace).as_deref(),
            Some("x\u{fffd} y")
        );
        assert_eq!(
            d(b"\xc2\xa9\x80", Encoding::Utf8, Errors::Ignore).as_deref(),
            Some("\u{a9}")
        );
        assert_eq!(
            d(b"\xe5\xa5", Encoding::Ascii, Errors::Replace).as_deref(),
            Some("\u{fffd}\u{fffd}")
        );
        assert_eq!(
            encode("a\u{e9}", Encoding::Ascii, Errors::Replace).unwrap(),
            b"a?"
        );
        assert!(encode("\u{e9}", Encoding::Ascii, Errors::Strict).is_err());
        assert_eq!(
            Encoding::named("latin-1").unwrap_err().kind,
            ErrKind::LookupError
        );
    }

    #[test]
    fn reprs() {
        let r = |s: &str| {
            let mut o = String::new();
            write_repr(s, &mut o);
            o
        };
        assert_eq!(r("hi"), "'hi'");
        assert_eq!(r("it's"), "\"it's\"");
        assert_eq!(r("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(r("\n\x01é"), "'\\n\\x01é'");
        let mut o = String::new();
        write_bytes_repr(b"a\x00\xff'", &mut o);
        assert_eq!(o, "b\"a\\x00\\xff'\"");
    }
}
