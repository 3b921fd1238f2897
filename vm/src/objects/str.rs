//! `str`: its `repr` and codecs (shared with `bytes`), its constructor and its methods.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::gc::ObjRef;
use crate::objects::bytes::codec_args;
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult, VARARGS};

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

pub(crate) fn this_str(vm: &Interp, a: Args) -> PResult<String> {
    match vm.as_str(vm.arg(a, 0)) {
        Some(s) => Ok(String::from(s)),
        None => Err(PyErr::type_error("descriptor requires a 'str' object")),
    }
}

pub(crate) fn str_arg(vm: &Interp, v: Value) -> PResult<String> {
    match vm.as_str(v) {
        Some(s) => Ok(String::from(s)),
        None => Err(PyErr::type_error(alloc::format!(
            "can't convert '{}' object to str implicitly",
            vm.type_name(v)
        ))),
    }
}

pub(crate) fn opt_arg(vm: &Interp, a: Args, i: usize) -> Option<Value> {
    (a.len > i)
        .then(|| vm.arg(a, i))
        .filter(|v| *v != Value::None)
}

pub(crate) fn str_join(vm: &mut Interp, a: Args) -> PResult<Value> {
    let sep = this_str(vm, a)?;
    let items = vm.collect_iterable(vm.arg(a, 1))?;
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(&sep);
        }
        match vm.as_str(*item) {
            Some(s) => out.push_str(s),
            None => {
                return Err(PyErr::type_error(
                    "join expects a list of str/bytes objects consistent with self object",
                ));
            }
        }
    }
    vm.str_value(&out)
}

pub(crate) fn split_impl(vm: &mut Interp, a: Args, right: bool) -> PResult<Value> {
    let s = this_str(vm, a)?;
    let sep = match opt_arg(vm, a, 1).or_else(|| vm.kwarg(a, "sep").filter(|v| *v != Value::None)) {
        Some(v) => Some(str_arg(vm, v)?),
        None => None,
    };
    let maxsplit = match opt_arg(vm, a, 2).or_else(|| vm.kwarg(a, "maxsplit")) {
        Some(v) => vm.int_arg(v)?,
        None => -1,
    };
    let mut parts: Vec<String> = Vec::new();
    match sep {
        Some(sep) => {
            if sep.is_empty() {
                return Err(PyErr::new(ErrKind::ValueError, "empty separator"));
            }
            if maxsplit < 0 {
                parts = s.split(sep.as_str()).map(String::from).collect();
            } else if right {
                parts = s
                    .rsplitn(maxsplit as usize + 1, sep.as_str())
                    .map(String::from)
                    .collect();
                parts.reverse();
            } else {
                parts = s
                    .splitn(maxsplit as usize + 1, sep.as_str())
                    .map(String::from)
                    .collect();
            }
        }
        None => {
            if right && maxsplit >= 0 {
                let mut rest = s.trim_end();
                let mut n = 0;
                while n < maxsplit {
                    let t = rest.trim_end();
                    match t.rfind(char::is_whitespace) {
                        Some(i) => {
                            parts.push(String::from(&t[i + 1..]));
                            rest = t[..i].trim_end();
                            n += 1;
                        }
                        None => break,
                    }
                }
                if !rest.trim().is_empty() {
                    parts.push(String::from(rest.trim_start()));
                }
                parts.reverse();
            } else {
                let mut rest = s.trim_start();
                let mut n = 0;
                while !rest.is_empty() {
                    if maxsplit >= 0 && n == maxsplit {
                        parts.push(String::from(rest));
                        break;
                    }
                    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                    parts.push(String::from(&rest[..end]));
                    rest = rest[end..].trim_start();
                    n += 1;
                }
            }
        }
    }
    str_list(vm, parts)
}

pub(crate) fn str_list(vm: &mut Interp, parts: Vec<String>) -> PResult<Value> {
    let list = vm.alloc(Obj::List(Vec::with_capacity(parts.len())))?;
    vm.exec.stack.push(list);
    for p in parts {
        let v = match vm.str_value(&p) {
            Ok(v) => v,
            Err(e) => {
                vm.exec.stack.pop();
                return Err(e);
            }
        };
        vm.list_append(list, v)?;
    }
    vm.exec.stack.pop();
    Ok(list)
}

pub(crate) fn str_split(vm: &mut Interp, a: Args) -> PResult<Value> {
    split_impl(vm, a, false)
}

pub(crate) fn str_rsplit(vm: &mut Interp, a: Args) -> PResult<Value> {
    split_impl(vm, a, true)
}

pub(crate) fn strip_impl(vm: &mut Interp, a: Args, left: bool, right: bool) -> PResult<Value> {
    let s = this_str(vm, a)?;
    let chars: Option<Vec<char>> = match opt_arg(vm, a, 1) {
        Some(v) => Some(str_arg(vm, v)?.chars().collect()),
        None => None,
    };
    let test = |c: char| match &chars {
        Some(set) => set.contains(&c),
        None => c.is_whitespace(),
    };
    let mut t = s.as_str();
    if left {
        t = t.trim_start_matches(test);
    }
    if right {
        t = t.trim_end_matches(test);
    }
    if t.len() == s.len() {
        return Ok(vm.arg(a, 0));
    }
    vm.str_value(t)
}

pub(crate) fn str_strip(vm: &mut Interp, a: Args) -> PResult<Value> {
    strip_impl(vm, a, true, true)
}

pub(crate) fn str_lstrip(vm: &mut Interp, a: Args) -> PResult<Value> {
    strip_impl(vm, a, true, false)
}

pub(crate) fn str_rstrip(vm: &mut Interp, a: Args) -> PResult<Value> {
    strip_impl(vm, a, false, true)
}

pub(crate) fn str_upper(vm: &mut Interp, a: Args) -> PResult<Value> {
    let s = this_str(vm, a)?;
    vm.str_value(&s.to_uppercase())
}

pub(crate) fn str_lower(vm: &mut Interp, a: Args) -> PResult<Value> {
    let s = this_str(vm, a)?;
    vm.str_value(&s.to_lowercase())
}

/// Resolve `start`/`end` arguments at positions `i`, `i + 1` to a byte range of `s`.
pub(crate) fn char_range(vm: &Interp, a: Args, i: usize, s: &str) -> PResult<(usize, usize)> {
    let n = s.chars().count() as i64;
    let clamp = |v: Option<Value>, default: i64| -> PResult<i64> {
        let Some(v) = v else { return Ok(default) };
        let mut x = vm.int_arg(v)?;
        if x < 0 {
            x = (x + n).max(0);
        }
        Ok(x.min(n))
    };
    let start = clamp(opt_arg(vm, a, i), 0)?;
    let end = clamp(opt_arg(vm, a, i + 1), n)?;
    let byte = |k: i64| s.char_indices().nth(k as usize).map_or(s.len(), |(b, _)| b);
    if start > end {
        return Ok((usize::MAX, 0));
    }
    Ok((byte(start), byte(end)))
}

pub(crate) fn affix(vm: &mut Interp, a: Args, ends: bool) -> PResult<Value> {
    let s = this_str(vm, a)?;
    let (lo, hi) = char_range(vm, a, 2, &s)?;
    if lo == usize::MAX {
        return Ok(Value::Bool(false));
    }
    let region = &s[lo..hi];
    let pat = vm.arg(a, 1);
    let candidates: Vec<Value> = match pat {
        Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::Tuple(_)) => vm.tuple_items(pat),
        _ => alloc::vec![pat],
    };
    for c in candidates {
        let p = str_arg(vm, c)?;
        let hit = if ends {
            region.ends_with(p.as_str())
        } else {
            region.starts_with(p.as_str())
        };
        if hit {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

pub(crate) fn str_startswith(vm: &mut Interp, a: Args) -> PResult<Value> {
    affix(vm, a, false)
}

pub(crate) fn str_endswith(vm: &mut Interp, a: Args) -> PResult<Value> {
    affix(vm, a, true)
}

pub(crate) fn find_impl(vm: &mut Interp, a: Args, right: bool, raise: bool) -> PResult<Value> {
    let s = this_str(vm, a)?;
    let needle = str_arg(vm, vm.arg(a, 1))?;
    let (lo, hi) = char_range(vm, a, 2, &s)?;
    let found = if lo == usize::MAX || lo > hi {
        None
    } else {
        let region = &s[lo..hi];
        let pos = if right {
            region.rfind(needle.as_str())
        } else {
            region.find(needle.as_str())
        };
        pos.map(|p| s[..lo + p].chars().count() as i64)
    };
    match found {
        Some(i) => Ok(Value::Int(i)),
        None if raise => Err(PyErr::new(ErrKind::ValueError, "substring not found")),
        None => Ok(Value::Int(-1)),
    }
}

pub(crate) fn str_find(vm: &mut Interp, a: Args) -> PResult<Value> {
    find_impl(vm, a, false, false)
}

pub(crate) fn str_rfind(vm: &mut Interp, a: Args) -> PResult<Value> {
    find_impl(vm, a, true, false)
}

pub(crate) fn str_index(vm: &mut Interp, a: Args) -> PResult<Value> {
    find_impl(vm, a, false, true)
}

pub(crate) fn str_rindex(vm: &mut Interp, a: Args) -> PResult<Value> {
    find_impl(vm, a, true, true)
}

pub(crate) fn str_replace(vm: &mut Interp, a: Args) -> PResult<Value> {
    let s = this_str(vm, a)?;
    let old = str_arg(vm, vm.arg(a, 1))?;
    let new = str_arg(vm, vm.arg(a, 2))?;
    let count = match opt_arg(vm, a, 3) {
        Some(v) => vm.int_arg(v)?,
        None => -1,
    };
    // Nothing to replace: the same str (no allocation), as on MicroPython.
    if count == 0 || (!old.is_empty() && !s.contains(old.as_str())) {
        let this = vm.arg(a, 0);
        if matches!(this, Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::Str(_))) {
            return Ok(this);
        }
    }
    let out = if count < 0 {
        s.replace(old.as_str(), &new)
    } else {
        s.replacen(old.as_str(), &new, count as usize)
    };
    vm.str_value(&out)
}

pub(crate) fn str_count(vm: &mut Interp, a: Args) -> PResult<Value> {
    let s = this_str(vm, a)?;
    let needle = str_arg(vm, vm.arg(a, 1))?;
    let (lo, hi) = char_range(vm, a, 2, &s)?;
    if lo == usize::MAX {
        return Ok(Value::Int(0));
    }
    let region = &s[lo..hi];
    let n = if needle.is_empty() {
        region.chars().count() + 1
    } else {
        region.matches(needle.as_str()).count()
    };
    Ok(Value::Int(n as i64))
}

pub(crate) fn str_format(vm: &mut Interp, a: Args) -> PResult<Value> {
    let s = this_str(vm, a)?;
    let args: Vec<Value> = vm.args_vec(a)[1..].to_vec();
    let kwargs = vm.kwargs_vec(a);
    let out = vm.str_format(&s, &args, &kwargs)?;
    vm.str_value(&out)
}

pub(crate) fn str_test(
    vm: &mut Interp,
    a: Args,
    test: fn(char) -> bool,
    cased: bool,
) -> PResult<Value> {
    let s = this_str(vm, a)?;
    if s.is_empty() {
        return Ok(Value::Bool(false));
    }
    if cased {
        let any_cased = s.chars().any(|c| c.is_alphabetic());
        return Ok(Value::Bool(
            any_cased && s.chars().filter(|c| c.is_alphabetic()).all(test),
        ));
    }
    Ok(Value::Bool(s.chars().all(test)))
}

pub(crate) fn str_isdigit(vm: &mut Interp, a: Args) -> PResult<Value> {
    str_test(vm, a, |c| c.is_ascii_digit(), false)
}

pub(crate) fn str_isalpha(vm: &mut Interp, a: Args) -> PResult<Value> {
    str_test(vm, a, char::is_alphabetic, false)
}

pub(crate) fn str_isalnum(vm: &mut Interp, a: Args) -> PResult<Value> {
    str_test(vm, a, char::is_alphanumeric, false)
}

pub(crate) fn str_isspace(vm: &mut Interp, a: Args) -> PResult<Value> {
    str_test(vm, a, char::is_whitespace, false)
}

pub(crate) fn str_isupper(vm: &mut Interp, a: Args) -> PResult<Value> {
    str_test(vm, a, char::is_uppercase, true)
}

pub(crate) fn str_islower(vm: &mut Interp, a: Args) -> PResult<Value> {
    str_test(vm, a, char::is_lowercase, true)
}

pub(crate) fn str_encode(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (encoding, errors) = codec_args(vm, a, 1)?;
    let s = this_str(vm, a)?;
    let b = crate::objects::str::encode(&s, encoding, errors)?;
    vm.alloc(Obj::Bytes(b.into()))
}

pub(crate) fn str_splitlines(vm: &mut Interp, a: Args) -> PResult<Value> {
    let s = this_str(vm, a)?;
    let keep = match opt_arg(vm, a, 1).or_else(|| vm.kwarg(a, "keepends")) {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    let mut parts = Vec::new();
    let mut rest = s.as_str();
    while !rest.is_empty() {
        match rest.find(['\n', '\r']) {
            Some(i) => {
                let nl = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                parts.push(String::from(if keep {
                    &rest[..i + nl]
                } else {
                    &rest[..i]
                }));
                rest = &rest[i + nl..];
            }
            None => {
                parts.push(String::from(rest));
                break;
            }
        }
    }
    str_list(vm, parts)
}

pub(crate) fn partition_impl(vm: &mut Interp, a: Args, right: bool) -> PResult<Value> {
    let s = this_str(vm, a)?;
    let sep = str_arg(vm, vm.arg(a, 1))?;
    if sep.is_empty() {
        return Err(PyErr::new(ErrKind::ValueError, "empty separator"));
    }
    let found = if right {
        s.rfind(sep.as_str())
    } else {
        s.find(sep.as_str())
    };
    let parts = match found {
        Some(i) => [
            String::from(&s[..i]),
            sep.clone(),
            String::from(&s[i + sep.len()..]),
        ],
        None if right => [String::new(), String::new(), s.clone()],
        None => [s.clone(), String::new(), String::new()],
    };
    let mut vals = Vec::new();
    for p in parts {
        let v = vm.str_value(&p)?;
        vm.exec.stack.push(v);
        vals.push(v);
    }
    let t = vm.tuple(vals);
    vm.exec.stack.truncate(vm.exec.stack.len() - 3);
    t
}

pub(crate) fn str_partition(vm: &mut Interp, a: Args) -> PResult<Value> {
    partition_impl(vm, a, false)
}

pub(crate) fn str_rpartition(vm: &mut Interp, a: Args) -> PResult<Value> {
    partition_impl(vm, a, true)
}

pub(crate) fn justify(vm: &mut Interp, a: Args, how: char) -> PResult<Value> {
    let s = this_str(vm, a)?;
    let width = vm.int_arg(vm.arg(a, 1))?.max(0) as usize;
    vm.check_text_size(width)?;
    let fill = match opt_arg(vm, a, 2) {
        Some(v) => str_arg(vm, v)?.chars().next().unwrap_or(' '),
        None => ' ',
    };
    let n = s.chars().count();
    if n >= width {
        return Ok(vm.arg(a, 0));
    }
    let pad = width - n;
    let fills = |k: usize| core::iter::repeat_n(fill, k).collect::<String>();
    let out = match how {
        '<' => s + &fills(pad),
        '>' => fills(pad) + &s,
        _ => {
            let left = pad / 2 + (pad & width & 1);
            fills(left) + &s + &fills(pad - left)
        }
    };
    vm.str_value(&out)
}

pub(crate) fn str_center(vm: &mut Interp, a: Args) -> PResult<Value> {
    justify(vm, a, '^')
}

pub(crate) fn str_ljust(vm: &mut Interp, a: Args) -> PResult<Value> {
    justify(vm, a, '<')
}

pub(crate) fn str_rjust(vm: &mut Interp, a: Args) -> PResult<Value> {
    justify(vm, a, '>')
}

pub(crate) fn str_zfill(vm: &mut Interp, a: Args) -> PResult<Value> {
    let s = this_str(vm, a)?;
    let width = vm.int_arg(vm.arg(a, 1))?.max(0) as usize;
    vm.check_text_size(width)?;
    let n = s.chars().count();
    if n >= width {
        return Ok(vm.arg(a, 0));
    }
    let (sign, digits) = match s.strip_prefix(['-', '+']) {
        Some(d) => (&s[..1], d),
        None => ("", s.as_str()),
    };
    let zeros: String = core::iter::repeat_n('0', width - n).collect();
    let out = alloc::format!("{sign}{zeros}{digits}");
    vm.str_value(&out)
}

pub(crate) fn str_title(vm: &mut Interp, a: Args) -> PResult<Value> {
    let s = this_str(vm, a)?;
    let mut out = String::new();
    let mut prev_cased = false;
    for c in s.chars() {
        if prev_cased {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        prev_cased = c.is_alphabetic();
    }
    vm.str_value(&out)
}

pub(crate) fn str_capitalize(vm: &mut Interp, a: Args) -> PResult<Value> {
    let s = this_str(vm, a)?;
    let mut chars = s.chars();
    let out: String = match chars.next() {
        Some(c) => c
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    };
    vm.str_value(&out)
}

pub(crate) const STR: &[Native] = &[
    Native::new("join", str_join).args(2, 2).kw(),
    Native::new("split", str_split).args(1, 3).kw(),
    Native::new("rsplit", str_rsplit).args(1, 3).kw(),
    Native::new("strip", str_strip).args(1, 2),
    Native::new("lstrip", str_lstrip).args(1, 2),
    Native::new("rstrip", str_rstrip).args(1, 2),
    Native::new("upper", str_upper).args(1, 1),
    Native::new("lower", str_lower).args(1, 1),
    Native::new("startswith", str_startswith).args(2, 4),
    Native::new("endswith", str_endswith).args(2, 4),
    Native::new("find", str_find).args(2, 4),
    Native::new("rfind", str_rfind).args(2, 4),
    Native::new("index", str_index).args(2, 4),
    Native::new("rindex", str_rindex).args(2, 4),
    Native::new("replace", str_replace).args(3, 4).kw(),
    Native::new("count", str_count).args(2, 4).kw(),
    Native::new("format", str_format).args(1, VARARGS).kw(),
    Native::new("isdigit", str_isdigit).args(1, 1),
    Native::new("isalpha", str_isalpha).args(1, 1),
    Native::new("isalnum", str_isalnum).args(1, 1),
    Native::new("isspace", str_isspace).args(1, 1),
    Native::new("isupper", str_isupper).args(1, 1),
    Native::new("islower", str_islower).args(1, 1),
    Native::new("encode", str_encode).args(1, 3).kw(),
    Native::new("splitlines", str_splitlines).args(1, 2).kw(),
    Native::new("partition", str_partition).args(2, 2),
    Native::new("rpartition", str_rpartition).args(2, 2),
    Native::new("center", str_center).args(2, 3),
    Native::new("ljust", str_ljust).args(2, 3),
    Native::new("rjust", str_rjust).args(2, 3),
    Native::new("zfill", str_zfill).args(2, 2),
    Native::new("title", str_title).args(1, 1),
    Native::new("capitalize", str_capitalize).args(1, 1),
];

pub(crate) fn new_str(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "str", 0, 3)?;
    if a.len == 0 {
        return vm.str_value("");
    }
    let v = vm.arg(a, 0);
    if (a.len >= 2 || vm.kwarg(a, "encoding").is_some()) && vm.as_bytes(v).is_some() {
        let (encoding, errors) = crate::objects::bytes::codec_args(vm, a, 1)?;
        let b = vm.as_bytes(v).unwrap_or(&[]);
        let s = crate::objects::str::decode(b, encoding, errors)?;
        return vm.str_value(&s);
    }
    if vm.as_str(v).is_some() {
        return Ok(v);
    }
    let s = vm.str_of(v)?;
    vm.str_value(&s)
}

impl Interp {
    /// `x + y` for a str `x`: adding an empty str gives the other one, as on MicroPython
    /// (no allocation).
    pub(crate) fn str_concat(&mut self, a: Value, b: Value) -> PResult<Option<Value>> {
        let (Some(x), Some(y)) = (self.as_str(a), self.as_str(b)) else {
            return Ok(None);
        };
        if y.is_empty() {
            return Ok(Some(a));
        }
        if x.is_empty() && matches!(b, Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Str(_)))
        {
            return Ok(Some(b));
        }
        let mut s = String::with_capacity(x.len() + y.len());
        s.push_str(x);
        s.push_str(y);
        self.alloc(Obj::Str(s.into())).map(Some)
    }

    /// `fmt % args` for a str.
    pub(crate) fn str_percent(&mut self, a: Value, b: Value) -> PResult<Option<Value>> {
        let s = crate::format::percent(self, a, b)?;
        self.str_value(&s).map(Some)
    }
}

impl Interp {
    /// `s[i]` for an int index: a str of one character. ASCII text (the common case) indexes
    /// by byte.
    pub(crate) fn str_getitem(&mut self, o: Value, r: ObjRef, i: Value) -> PResult<Value> {
        let idx = self.subscript_index(o, i)?;
        let Obj::Str(s) = self.gc.heap.get(r) else {
            return Err(PyErr::type_error("str expected"));
        };
        let c = if s.is_ascii() {
            crate::runtime::norm_index(idx, s.len()).map(|k| s.as_bytes()[k] as char)
        } else {
            crate::runtime::norm_index(idx, s.chars().count()).and_then(|k| s.chars().nth(k))
        };
        match c {
            Some(c) => {
                let mut buf = [0u8; 4];
                self.str_value(c.encode_utf8(&mut buf))
            }
            None => Err(PyErr::new(ErrKind::IndexError, "string index out of range")),
        }
    }
}

impl Interp {
    /// `x in s` for a str `s`: a substring test.
    pub(crate) fn str_contains(&mut self, s: Value, item: Value) -> PResult<bool> {
        let (Some(hay), Some(needle)) = (self.as_str(s), self.as_str(item)) else {
            return Err(PyErr::type_error(alloc::format!(
                "can't convert '{}' object to str implicitly",
                self.type_name(item)
            )));
        };
        Ok(hay.contains(needle))
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
