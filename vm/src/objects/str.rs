//! `str` and `bytes`: formatting helpers shared by `print`, `repr` and the REPL.

use alloc::string::String;
use core::fmt::Write;

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

#[cfg(test)]
mod tests {
    use super::*;

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
