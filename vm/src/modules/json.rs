//! `json`: `dumps`/`dump` and `loads`/`load`, with MicroPython's output (`", "` and `": "`
//! separators by default, non-ASCII text as UTF-8, `inf`/`nan` for the infinite floats).
//!
//! The parser builds values as it reads, each open container rooted until it is complete;
//! nesting is bounded so that no input overflows the native stack.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::num::{Num, normalize};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

pub(super) const FUNCTIONS: &[Native] = &[
    Native::new("dumps", dumps).args(1, 1).kw(),
    Native::new("dump", dump).args(2, 2).kw(),
    Native::new("loads", loads).args(1, 1),
    Native::new("load", load).args(1, 1),
];

/// Nesting beyond this raises `RuntimeError` (in both directions).
const MAX_DEPTH: usize = 200;

fn too_deep() -> PyErr {
    PyErr::new(ErrKind::RuntimeError, "maximum recursion depth exceeded")
}

fn syntax_error() -> PyErr {
    PyErr::new(ErrKind::ValueError, "syntax error in JSON")
}

// ---- writing ----

/// The item and key separators (`separators=(item, key)`).
fn separators(vm: &mut Interp, a: Args) -> PResult<(String, String)> {
    let v = match vm.kwarg(a, "separators") {
        None | Some(Value::None) => return Ok((String::from(", "), String::from(": "))),
        Some(v) => v,
    };
    let is_seq =
        matches!(v, Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::Tuple(_) | Obj::List(_)));
    if !is_seq {
        return Err(PyErr::type_error("separators must be a tuple or list"));
    }
    let items = vm.collect_iterable(v)?;
    let [item, key] = items.as_slice() else {
        return Err(PyErr::new(ErrKind::ValueError, "expected 2 separators"));
    };
    match (vm.as_str(*item), vm.as_str(*key)) {
        (Some(i), Some(k)) => Ok((String::from(i), String::from(k))),
        _ => Err(PyErr::type_error("separators must be strings")),
    }
}

/// `s` as a JSON string literal, appended to `out` (as `json.dumps` writes a `str`).
pub fn quote_json(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl Interp {
    fn json_write(
        &mut self,
        v: Value,
        seps: &(String, String),
        depth: usize,
        out: &mut String,
    ) -> PResult<()> {
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        match v {
            Value::None => out.push_str("null"),
            Value::Bool(true) => out.push_str("true"),
            Value::Bool(false) => out.push_str("false"),
            Value::Int(_) | Value::Float(_) => out.push_str(&self.repr(v)?),
            Value::Obj(r) => match self.gc.heap.get(r) {
                Obj::Str(s) => quote_json(s, out),
                Obj::Bytes(b) => {
                    let text = String::from_utf8_lossy(b).into_owned();
                    quote_json(&text, out);
                }
                Obj::BigInt(_) => out.push_str(&self.repr(v)?),
                Obj::List(_) | Obj::Tuple(_) => {
                    let items = self.tuple_items(v);
                    out.push('[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push_str(&seps.0);
                        }
                        self.json_write(*item, seps, depth + 1, out)?;
                    }
                    out.push(']');
                }
                Obj::Dict(_) => {
                    let items = self.dict_items(v)?;
                    out.push('{');
                    for (i, (k, val)) in items.iter().enumerate() {
                        if i > 0 {
                            out.push_str(&seps.0);
                        }
                        self.json_key(*k, out)?;
                        out.push_str(&seps.1);
                        self.json_write(*val, seps, depth + 1, out)?;
                    }
                    out.push('}');
                }
                _ => match self.payload(v) {
                    // Subclasses of dict and list (OrderedDict) write as their built-in value.
                    Some(p) => self.json_write(p, seps, depth, out)?,
                    None => {
                        return Err(PyErr::type_error(alloc::format!(
                            "'{}' object is not JSON serializable",
                            self.type_name(v)
                        )));
                    }
                },
            },
            _ => {
                return Err(PyErr::type_error(alloc::format!(
                    "'{}' object is not JSON serializable",
                    self.type_name(v)
                )));
            }
        }
        Ok(())
    }

    /// A dict key: strings as they are; None, booleans and numbers as text, as CPython does.
    fn json_key(&mut self, k: Value, out: &mut String) -> PResult<()> {
        if let Some(s) = self.as_str(k) {
            quote_json(s, out);
            return Ok(());
        }
        let text = match k {
            Value::None => String::from("null"),
            Value::Bool(b) => String::from(if b { "true" } else { "false" }),
            Value::Int(_) | Value::Float(_) => self.repr(k)?,
            Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::BigInt(_)) => self.repr(k)?,
            _ => {
                return Err(PyErr::type_error(
                    "keys must be str, int, float, bool or None",
                ));
            }
        };
        quote_json(&text, out);
        Ok(())
    }
}

fn dumps(vm: &mut Interp, a: Args) -> PResult<Value> {
    let seps = separators(vm, a)?;
    let mut out = String::new();
    vm.json_write(vm.arg(a, 0), &seps, 0, &mut out)?;
    vm.str_value(&out)
}

fn dump(vm: &mut Interp, a: Args) -> PResult<Value> {
    let seps = separators(vm, a)?;
    let mut out = String::new();
    vm.json_write(vm.arg(a, 0), &seps, 0, &mut out)?;
    vm.stream_write_str(vm.arg(a, 1), &out)?;
    Ok(Value::None)
}

// ---- reading ----

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while matches!(self.s.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn literal(&mut self, word: &[u8]) -> PResult<()> {
        if self.s[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(syntax_error())
        }
    }

    fn hex4(&mut self) -> PResult<u32> {
        let digits = self.s.get(self.i..self.i + 4).ok_or_else(syntax_error)?;
        let text = core::str::from_utf8(digits).map_err(|_| syntax_error())?;
        let n = u32::from_str_radix(text, 16).map_err(|_| syntax_error())?;
        self.i += 4;
        Ok(n)
    }

    /// A string; the opening quote is next.
    fn string(&mut self) -> PResult<String> {
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let b = *self.s.get(self.i).ok_or_else(syntax_error)?;
            self.i += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let e = *self.s.get(self.i).ok_or_else(syntax_error)?;
                    self.i += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let mut n = self.hex4()?;
                            // A surrogate pair written as two escapes is one character.
                            if (0xd800..0xdc00).contains(&n) && self.s[self.i..].starts_with(b"\\u")
                            {
                                let save = self.i;
                                self.i += 2;
                                let low = self.hex4()?;
                                if (0xdc00..0xe000).contains(&low) {
                                    n = 0x10000 + ((n - 0xd800) << 10) + (low - 0xdc00);
                                } else {
                                    self.i = save;
                                }
                            }
                            char::from_u32(n).unwrap_or('\u{fffd}')
                        }
                        _ => return Err(syntax_error()),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                b => out.push(b),
            }
        }
        String::from_utf8(out).map_err(|_| syntax_error())
    }

    fn number(&mut self, vm: &mut Interp) -> PResult<Value> {
        let start = self.i;
        let mut float = false;
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        while let Some(&b) = self.s.get(self.i) {
            match b {
                b'0'..=b'9' => {}
                b'.' | b'e' | b'E' => float = true,
                b'+' | b'-' if float => {}
                _ => break,
            }
            self.i += 1;
        }
        let text = core::str::from_utf8(&self.s[start..self.i]).map_err(|_| syntax_error())?;
        if float {
            return text
                .parse::<f64>()
                .map(Value::Float)
                .map_err(|_| syntax_error());
        }
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Value::Int(i));
        }
        match num_bigint::BigInt::parse_bytes(text.as_bytes(), 10) {
            Some(b) => match normalize(b) {
                Num::Int(i) => Ok(Value::Int(i)),
                n => vm.num_value(n),
            },
            None => Err(syntax_error()),
        }
    }

    /// One value. Containers stay on `temp_roots` while they fill (the caller truncates).
    fn value(&mut self, vm: &mut Interp, depth: usize) -> PResult<Value> {
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        match self.peek().ok_or_else(syntax_error)? {
            b'{' => {
                self.i += 1;
                let d = vm.new_dict()?;
                vm.gc.temp_roots.push(d);
                if self.eat(b'}') {
                    return Ok(d);
                }
                loop {
                    if self.peek() != Some(b'"') {
                        return Err(syntax_error());
                    }
                    let key = self.string()?;
                    let k = vm.str_value(&key)?;
                    vm.gc.temp_roots.push(k);
                    if !self.eat(b':') {
                        return Err(syntax_error());
                    }
                    let v = self.value(vm, depth + 1)?;
                    vm.dict_set(d, k, v)?;
                    if self.eat(b'}') {
                        return Ok(d);
                    }
                    if !self.eat(b',') {
                        return Err(syntax_error());
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let l = vm.alloc(Obj::List(Vec::new()))?;
                vm.gc.temp_roots.push(l);
                if self.eat(b']') {
                    return Ok(l);
                }
                loop {
                    let v = self.value(vm, depth + 1)?;
                    vm.list_append(l, v)?;
                    if self.eat(b']') {
                        return Ok(l);
                    }
                    if !self.eat(b',') {
                        return Err(syntax_error());
                    }
                }
            }
            b'"' => {
                let s = self.string()?;
                vm.str_value(&s)
            }
            b't' => self.literal(b"true").map(|()| Value::Bool(true)),
            b'f' => self.literal(b"false").map(|()| Value::Bool(false)),
            b'n' => self.literal(b"null").map(|()| Value::None),
            b'-' | b'0'..=b'9' => self.number(vm),
            _ => Err(syntax_error()),
        }
    }
}

/// Parse a whole JSON document.
fn parse(vm: &mut Interp, text: &[u8]) -> PResult<Value> {
    let base = vm.gc.temp_roots.len();
    let mut p = Parser { s: text, i: 0 };
    let r = p.value(vm, 0).and_then(|v| {
        if p.peek().is_some() {
            Err(syntax_error())
        } else {
            Ok(v)
        }
    });
    vm.gc.temp_roots.truncate(base);
    r
}

fn loads(vm: &mut Interp, a: Args) -> PResult<Value> {
    let text = vm.buffer_arg(vm.arg(a, 0))?;
    parse(vm, &text)
}

fn load(vm: &mut Interp, a: Args) -> PResult<Value> {
    let stream = vm.arg(a, 0);
    let data = vm.call_method(stream, "read", &[])?;
    let text = vm.buffer_arg(data)?;
    parse(vm, &text)
}
