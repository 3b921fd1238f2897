//! `bytes` and `bytearray`: their constructors and methods. The text methods are the `str`
//! ones applied byte for byte (Latin-1), through `via_text`.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::gc::ObjRef;
use crate::num::NumRef;
use crate::objects::str::{
    Encoding, Errors, opt_arg, str_arg, str_center, str_count, str_endswith, str_find, str_index,
    str_isalpha, str_isdigit, str_islower, str_isspace, str_isupper, str_join, str_ljust,
    str_lower, str_lstrip, str_partition, str_replace, str_rfind, str_rindex, str_rjust,
    str_rpartition, str_rsplit, str_rstrip, str_split, str_splitlines, str_startswith, str_strip,
    str_upper, str_zfill,
};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

/// The `encoding` and `errors` arguments of an encode or decode, at positions `first` and
/// `first + 1` or by keyword: UTF-8 and strict by default.
pub(crate) fn codec_args(vm: &Interp, a: Args, first: usize) -> PResult<(Encoding, Errors)> {
    let encoding = match opt_arg(vm, a, first).or_else(|| vm.kwarg(a, "encoding")) {
        Some(v) => Encoding::named(&str_arg(vm, v)?)?,
        None => Encoding::Utf8,
    };
    let errors = match opt_arg(vm, a, first + 1).or_else(|| vm.kwarg(a, "errors")) {
        Some(v) => Errors::named(&str_arg(vm, v)?),
        None => Errors::Strict,
    };
    Ok((encoding, errors))
}

pub(crate) fn bytes_decode(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (encoding, errors) = codec_args(vm, a, 1)?;
    let b = vm.as_bytes(vm.arg(a, 0)).unwrap_or(&[]);
    let s = crate::objects::str::decode(b, encoding, errors)?;
    vm.str_value(&s)
}

/// Bytes as text, one character per byte (Latin-1), so the str methods serve bytes too.
pub(crate) fn bytes_to_text(b: &[u8]) -> String {
    b.iter().map(|&c| c as char).collect()
}

pub(crate) fn text_to_bytes(s: &str) -> Vec<u8> {
    s.chars().map(|c| c as u32 as u8).collect()
}

/// Run a str method on bytes: bytes arguments become text, text results become bytes.
pub(crate) fn via_text(
    vm: &mut Interp,
    a: Args,
    f: fn(&mut Interp, Args) -> PResult<Value>,
) -> PResult<Value> {
    via_text_opt(vm, a, f, false)
}

/// As [`via_text`]; with `needle`, an int first argument is a single byte (`b.find(98)`).
pub(crate) fn via_text_opt(
    vm: &mut Interp,
    a: Args,
    f: fn(&mut Interp, Args) -> PResult<Value>,
    needle: bool,
) -> PResult<Value> {
    let mark = vm.exec.stack.len();
    let bytearray =
        matches!(vm.arg(a, 0), Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::ByteArray(_)));
    let mut converted = Vec::with_capacity(a.len + a.n_kw);
    for i in 0..a.len + a.n_kw {
        let v = vm.exec.stack[a.start + i];
        let v = match (needle && i == 1, vm.as_int(v)) {
            (true, Some(b)) if (0..256).contains(&b) => {
                vm.str_value(&String::from(b as u8 as char))?
            }
            (true, Some(_)) => {
                return Err(PyErr::new(
                    ErrKind::ValueError,
                    "byte must be in range(0, 256)",
                ));
            }
            _ => convert_in(vm, v)?,
        };
        vm.exec.stack.push(v);
        converted.push(v);
    }
    let args = Args {
        start: mark,
        len: a.len,
        kwnames: a.kwnames,
        n_kw: a.n_kw,
    };
    let r = f(vm, args);
    let r = match r {
        // A method that returned its receiver unchanged returns the original object.
        Ok(v) if converted.first() == Some(&v) => Ok(vm.arg(a, 0)),
        Ok(v) => convert_out(vm, v, bytearray),
        Err(e) => Err(e),
    };
    vm.exec.stack.truncate(mark);
    r
}

pub(crate) fn convert_in(vm: &mut Interp, v: Value) -> PResult<Value> {
    if let Some(b) = vm.as_bytes(v) {
        let t = bytes_to_text(b);
        return vm.str_value(&t);
    }
    let items = match v {
        Value::Obj(r) => match vm.gc.heap.get(r) {
            Obj::Tuple(t) => Some(t.to_vec()),
            Obj::List(l) => Some(l.clone()),
            _ => None,
        },
        _ => None,
    };
    if let Some(items) = items {
        // Each converted item stays rooted while the next one is made.
        return vm.rooted(&[], |vm| {
            let mut out = Vec::new();
            for i in items.iter() {
                let c = convert_in(vm, *i)?;
                vm.gc.temp_roots.push(c);
                out.push(c);
            }
            vm.tuple(out)
        });
    }
    if vm.as_str(v).is_some() {
        return Err(PyErr::type_error(
            "a bytes-like object is required, not 'str'",
        ));
    }
    Ok(v)
}

pub(crate) fn convert_out(vm: &mut Interp, v: Value, bytearray: bool) -> PResult<Value> {
    if let Some(s) = vm.as_str(v) {
        let b = text_to_bytes(s);
        return vm.alloc(if bytearray {
            Obj::ByteArray(b)
        } else {
            Obj::Bytes(b.into())
        });
    }
    let Value::Obj(r) = v else { return Ok(v) };
    let (items, is_list) = match vm.gc.heap.get(r) {
        Obj::List(l) => (l.clone(), true),
        Obj::Tuple(t) => (t.to_vec(), false),
        _ => return Ok(v),
    };
    // Each converted item stays rooted while the next one is made.
    vm.rooted(&[v], |vm| {
        let mut out = Vec::with_capacity(items.len());
        for i in items {
            let c = convert_out(vm, i, bytearray)?;
            vm.gc.temp_roots.push(c);
            out.push(c);
        }
        if is_list {
            vm.alloc(Obj::List(out))
        } else {
            vm.tuple(out)
        }
    })
}

macro_rules! bytes_methods {
    ($($name:ident => $f:ident),* $(,)?) => {
        $(fn $name(vm: &mut Interp, a: Args) -> PResult<Value> { via_text(vm, a, $f) })*
    };
}

macro_rules! bytes_needle_methods {
    ($($name:ident => $f:ident),* $(,)?) => {
        $(fn $name(vm: &mut Interp, a: Args) -> PResult<Value> { via_text_opt(vm, a, $f, true) })*
    };
}

bytes_needle_methods! {
    bytes_find => str_find, bytes_rfind => str_rfind, bytes_index => str_index,
    bytes_rindex => str_rindex, bytes_count => str_count,
}

bytes_methods! {
    bytes_join => str_join, bytes_split => str_split, bytes_rsplit => str_rsplit,
    bytes_strip => str_strip, bytes_lstrip => str_lstrip, bytes_rstrip => str_rstrip,
    bytes_upper => str_upper, bytes_lower => str_lower, bytes_startswith => str_startswith,
    bytes_endswith => str_endswith,
    bytes_replace => str_replace,
    bytes_isdigit => str_isdigit, bytes_isalpha => str_isalpha,
    bytes_isspace => str_isspace, bytes_isupper => str_isupper, bytes_islower => str_islower,
    bytes_splitlines => str_splitlines, bytes_partition => str_partition,
    bytes_rpartition => str_rpartition, bytes_center => str_center, bytes_ljust => str_ljust,
    bytes_rjust => str_rjust, bytes_zfill => str_zfill,
}

pub(crate) fn bytes_hex(vm: &mut Interp, a: Args) -> PResult<Value> {
    let b = vm.as_bytes(vm.arg(a, 0)).unwrap_or(&[]).to_vec();
    let sep = match opt_arg(vm, a, 1) {
        Some(v) => str_arg(vm, v)?,
        None => String::new(),
    };
    let parts: Vec<String> = b.iter().map(|x| alloc::format!("{x:02x}")).collect();
    vm.str_value(&parts.join(&sep))
}

pub(crate) fn bytearray_append(vm: &mut Interp, a: Args) -> PResult<Value> {
    let Some(byte) = vm.as_int(vm.arg(a, 1)) else {
        return Err(PyErr::type_error("an integer is required"));
    };
    if !(0..256).contains(&byte) {
        return Err(PyErr::new(
            ErrKind::ValueError,
            "byte must be in range(0, 256)",
        ));
    }
    grow_bytearray(vm, vm.arg(a, 0), &[byte as u8])
}

pub(crate) fn bytearray_extend(vm: &mut Interp, a: Args) -> PResult<Value> {
    let src = vm.arg(a, 1);
    let bytes: Vec<u8> = match vm.as_bytes(src) {
        Some(b) => b.to_vec(),
        None => {
            let items = vm.collect_iterable(src)?;
            items
                .iter()
                .map(|i| vm.as_int(*i).unwrap_or(0) as u8)
                .collect()
        }
    };
    grow_bytearray(vm, vm.arg(a, 0), &bytes)
}

/// Append bytes to a bytearray, within the heap's budget.
pub(crate) fn grow_bytearray(vm: &mut Interp, this: Value, bytes: &[u8]) -> PResult<Value> {
    let Value::Obj(r) = vm.payload(this).unwrap_or(this) else {
        return Err(PyErr::type_error("bytearray required"));
    };
    let Obj::ByteArray(_) = vm.gc.heap.get(r) else {
        return Err(PyErr::type_error("bytearray required"));
    };
    vm.grow(r, bytes.len(), &[this], |b| {
        if let Obj::ByteArray(b) = b {
            b.extend_from_slice(bytes);
        }
    })?;
    Ok(Value::None)
}

pub(crate) const BYTES: &[Native] = &[
    Native::new("decode", bytes_decode).args(1, 3).kw(),
    Native::new("hex", bytes_hex).args(1, 2),
    Native::new("join", bytes_join).args(2, 2),
    Native::new("split", bytes_split).args(1, 3).kw(),
    Native::new("rsplit", bytes_rsplit).args(1, 3).kw(),
    Native::new("strip", bytes_strip).args(1, 2),
    Native::new("lstrip", bytes_lstrip).args(1, 2),
    Native::new("rstrip", bytes_rstrip).args(1, 2),
    Native::new("upper", bytes_upper).args(1, 1),
    Native::new("lower", bytes_lower).args(1, 1),
    Native::new("startswith", bytes_startswith).args(2, 4),
    Native::new("endswith", bytes_endswith).args(2, 4),
    Native::new("find", bytes_find).args(2, 4),
    Native::new("rfind", bytes_rfind).args(2, 4),
    Native::new("index", bytes_index).args(2, 4),
    Native::new("rindex", bytes_rindex).args(2, 4),
    Native::new("replace", bytes_replace).args(3, 4),
    Native::new("count", bytes_count).args(2, 4),
    Native::new("isdigit", bytes_isdigit).args(1, 1),
    Native::new("isalpha", bytes_isalpha).args(1, 1),
    Native::new("isspace", bytes_isspace).args(1, 1),
    Native::new("isupper", bytes_isupper).args(1, 1),
    Native::new("islower", bytes_islower).args(1, 1),
    Native::new("splitlines", bytes_splitlines).args(1, 2).kw(),
    Native::new("partition", bytes_partition).args(2, 2),
    Native::new("rpartition", bytes_rpartition).args(2, 2),
    Native::new("center", bytes_center).args(2, 3),
    Native::new("ljust", bytes_ljust).args(2, 3),
    Native::new("rjust", bytes_rjust).args(2, 3),
    Native::new("zfill", bytes_zfill).args(2, 2),
];

pub(crate) const BYTEARRAY: &[Native] = &[
    Native::new("append", bytearray_append).args(2, 2),
    Native::new("extend", bytearray_extend).args(2, 2),
];

/// `bytes.fromhex(s)` / `bytearray.fromhex(s)`: pairs of hex digits, with whitespace
/// allowed between the pairs.
pub(crate) fn bytes_fromhex(vm: &mut Interp, a: Args) -> PResult<Value> {
    let text = str_arg(vm, vm.arg(a, 1))?;
    let mut out = Vec::with_capacity(text.len() / 2);
    let mut chars = text.chars();
    let bad = || PyErr::new(ErrKind::ValueError, "non-hex digit");
    while let Some(c) = chars.next() {
        if c.is_ascii_whitespace() {
            continue;
        }
        let hi = c.to_digit(16).ok_or_else(bad)?;
        let lo = chars.next().and_then(|c| c.to_digit(16)).ok_or_else(bad)?;
        out.push((hi * 16 + lo) as u8);
    }
    if vm.arg(a, 0) == Value::Obj(vm.types.bytearray) {
        vm.alloc(Obj::ByteArray(out))
    } else {
        vm.alloc(Obj::Bytes(out.into()))
    }
}

pub(crate) fn bytes_from(vm: &mut Interp, a: Args) -> PResult<Vec<u8>> {
    vm.nargs(a, "bytes", 0, 3)?;
    if a.len == 0 {
        return Ok(Vec::new());
    }
    let v = vm.arg(a, 0);
    if let Some(s) = vm.as_str(v) {
        if a.len < 2 && vm.kwarg(a, "encoding").is_none() {
            return Err(PyErr::type_error("string argument without an encoding"));
        }
        let s = String::from(s);
        let (encoding, errors) = crate::objects::bytes::codec_args(vm, a, 1)?;
        return crate::objects::str::encode(&s, encoding, errors);
    }
    if a.len > 1 {
        return Err(PyErr::type_error(
            "encoding or errors without a string argument",
        ));
    }
    if let Some(b) = vm.as_bytes(v) {
        return Ok(b.to_vec());
    }
    if let Some(NumRef::Int(_) | NumRef::Big(_)) = vm.num(v) {
        let n = vm.int_arg(v)?;
        if n < 0 {
            return Err(PyErr::new(ErrKind::ValueError, "negative count"));
        }
        vm.check_text_size(n as usize)?;
        vm.ensure_memory(n as usize)?;
        return Ok(alloc::vec![0u8; n as usize]);
    }
    let items = vm.collect_iterable(v)?;
    items
        .into_iter()
        .map(|i| match vm.as_int(i) {
            Some(x) if (0..256).contains(&x) => Ok(x as u8),
            _ => Err(PyErr::new(
                ErrKind::ValueError,
                "bytes must be in range(0, 256)",
            )),
        })
        .collect()
}

pub(crate) fn new_bytes(vm: &mut Interp, a: Args) -> PResult<Value> {
    let b = bytes_from(vm, a)?;
    vm.alloc(Obj::Bytes(b.into()))
}

pub(crate) fn new_bytearray(vm: &mut Interp, a: Args) -> PResult<Value> {
    let b = bytes_from(vm, a)?;
    vm.alloc(Obj::ByteArray(b))
}

impl Interp {
    /// `x + y` (or `x += y`, in place for a bytearray) for bytes or a bytearray `x` and any
    /// buffer `y`. bytes + empty bytes is the other one (no allocation), as on MicroPython.
    pub(crate) fn bytes_concat(
        &mut self,
        a: Value,
        b: Value,
        inplace: bool,
    ) -> PResult<Option<Value>> {
        let Value::Obj(ra) = a else { return Ok(None) };
        let (Some(x), Some(y)) = (self.as_bytes(a), self.as_bytes(b)) else {
            return Ok(None);
        };
        let is_bytes =
            |v: Value| matches!(v, Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Bytes(_)));
        if is_bytes(a) && is_bytes(b) {
            if y.is_empty() {
                return Ok(Some(a));
            }
            if x.is_empty() {
                return Ok(Some(b));
            }
        }
        let bytearray = matches!(self.gc.heap.get(ra), Obj::ByteArray(_));
        if bytearray && inplace {
            let y = y.to_vec();
            self.grow(ra, y.len(), &[b], |obj| {
                if let Obj::ByteArray(x) = obj {
                    x.extend_from_slice(&y);
                }
            })?;
            return Ok(Some(a));
        }
        let mut joined = Vec::with_capacity(x.len() + y.len());
        joined.extend_from_slice(x);
        joined.extend_from_slice(y);
        let obj = if bytearray {
            Obj::ByteArray(joined)
        } else {
            Obj::Bytes(joined.into())
        };
        self.alloc(obj).map(Some)
    }

    /// `fmt % args` for bytes: formatted as Latin-1 text, one char per byte.
    pub(crate) fn bytes_percent(&mut self, a: Value, b: Value) -> PResult<Option<Value>> {
        let s = crate::format::percent(self, a, b)?;
        let bytes: Vec<u8> = s.chars().map(|c| c as u32 as u8).collect();
        self.alloc(Obj::Bytes(bytes.into())).map(Some)
    }
}

impl Interp {
    /// `b[i]` for bytes or a bytearray and an int index: the byte as an int.
    pub(crate) fn bytes_getitem(&mut self, o: Value, r: ObjRef, i: Value) -> PResult<Value> {
        let idx = self.subscript_index(o, i)?;
        let (b, what) = match self.gc.heap.get(r) {
            Obj::Bytes(b) => (&b[..], "index out of range"),
            Obj::ByteArray(b) => (&b[..], "bytearray index out of range"),
            _ => return Err(PyErr::type_error("bytes expected")),
        };
        match crate::runtime::norm_index(idx, b.len()) {
            Some(k) => Ok(Value::Int(i64::from(b[k]))),
            None => Err(PyErr::new(ErrKind::IndexError, what)),
        }
    }
}

impl Interp {
    /// `b[i] = v` for a bytearray and an int index: `v` a byte value.
    pub(crate) fn bytearray_setitem(
        &mut self,
        o: Value,
        r: ObjRef,
        i: Value,
        v: Value,
    ) -> PResult<()> {
        let idx = self.subscript_index(o, i)?;
        let byte = self
            .as_int(v)
            .filter(|x| (0..256).contains(x))
            .ok_or_else(|| PyErr::new(ErrKind::ValueError, "byte must be in range(0, 256)"))?;
        let k = self.bytearray_position(r, idx)?;
        if let Obj::ByteArray(b) = self.gc.heap.get_mut(r) {
            b[k] = byte as u8;
        }
        Ok(())
    }

    /// Where index `idx` (negative from the end) falls in the bytearray `r`.
    fn bytearray_position(&self, r: ObjRef, idx: i64) -> PResult<usize> {
        let Obj::ByteArray(b) = self.gc.heap.get(r) else {
            return Err(PyErr::type_error("bytearray expected"));
        };
        crate::runtime::norm_index(idx, b.len())
            .ok_or_else(|| PyErr::new(ErrKind::IndexError, "bytearray index out of range"))
    }

    /// `del b[i]` for a bytearray and an int index.
    pub(crate) fn bytearray_delitem(&mut self, o: Value, r: ObjRef, i: Value) -> PResult<()> {
        let idx = self.subscript_index(o, i)?;
        let k = self.bytearray_position(r, idx)?;
        if let Obj::ByteArray(b) = self.gc.heap.get_mut(r) {
            b.remove(k);
        }
        Ok(())
    }
}

impl Interp {
    /// `x in b` for bytes or a bytearray: a byte value, or a run of bytes.
    pub(crate) fn bytes_contains(&mut self, b: Value, item: Value) -> bool {
        let hay = self.as_bytes(b).unwrap_or(&[]);
        if let Some(x) = self.as_int(item) {
            return hay.contains(&(x as u8));
        }
        let needle = self.as_bytes(item).unwrap_or(&[]);
        needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
    }
}
