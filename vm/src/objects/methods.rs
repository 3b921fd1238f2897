//! Methods of the built-in types, one table per type at the bottom of this file, registered
//! on the type objects when a VM starts.

use alloc::string::String;
use alloc::vec::Vec;

use crate::ast::CmpOp;
use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::objects::class::Tag;
use crate::objects::str::{Encoding, Errors};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult, VARARGS};

fn this_str(vm: &Interp, a: Args) -> PResult<String> {
    match vm.as_str(vm.arg(a, 0)) {
        Some(s) => Ok(String::from(s)),
        None => Err(PyErr::type_error("descriptor requires a 'str' object")),
    }
}

fn str_arg(vm: &Interp, v: Value) -> PResult<String> {
    match vm.as_str(v) {
        Some(s) => Ok(String::from(s)),
        None => Err(PyErr::type_error(alloc::format!(
            "can't convert '{}' object to str implicitly",
            vm.type_name(v)
        ))),
    }
}

fn opt_arg(vm: &Interp, a: Args, i: usize) -> Option<Value> {
    (a.len > i)
        .then(|| vm.arg(a, i))
        .filter(|v| *v != Value::None)
}

// ---- str ----

fn str_join(vm: &mut Interp, a: Args) -> PResult<Value> {
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

fn split_impl(vm: &mut Interp, a: Args, right: bool) -> PResult<Value> {
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

fn str_list(vm: &mut Interp, parts: Vec<String>) -> PResult<Value> {
    let list = vm.alloc(Obj::List(Vec::with_capacity(parts.len())))?;
    vm.stack.push(list);
    for p in parts {
        let v = match vm.str_value(&p) {
            Ok(v) => v,
            Err(e) => {
                vm.stack.pop();
                return Err(e);
            }
        };
        vm.list_append(list, v)?;
    }
    vm.stack.pop();
    Ok(list)
}

fn str_split(vm: &mut Interp, a: Args) -> PResult<Value> {
    split_impl(vm, a, false)
}

fn str_rsplit(vm: &mut Interp, a: Args) -> PResult<Value> {
    split_impl(vm, a, true)
}

fn strip_impl(vm: &mut Interp, a: Args, left: bool, right: bool) -> PResult<Value> {
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

fn str_strip(vm: &mut Interp, a: Args) -> PResult<Value> {
    strip_impl(vm, a, true, true)
}

fn str_lstrip(vm: &mut Interp, a: Args) -> PResult<Value> {
    strip_impl(vm, a, true, false)
}

fn str_rstrip(vm: &mut Interp, a: Args) -> PResult<Value> {
    strip_impl(vm, a, false, true)
}

fn str_upper(vm: &mut Interp, a: Args) -> PResult<Value> {
    let s = this_str(vm, a)?;
    vm.str_value(&s.to_uppercase())
}

fn str_lower(vm: &mut Interp, a: Args) -> PResult<Value> {
    let s = this_str(vm, a)?;
    vm.str_value(&s.to_lowercase())
}

/// Resolve `start`/`end` arguments at positions `i`, `i + 1` to a byte range of `s`.
fn char_range(vm: &Interp, a: Args, i: usize, s: &str) -> PResult<(usize, usize)> {
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

fn affix(vm: &mut Interp, a: Args, ends: bool) -> PResult<Value> {
    let s = this_str(vm, a)?;
    let (lo, hi) = char_range(vm, a, 2, &s)?;
    if lo == usize::MAX {
        return Ok(Value::Bool(false));
    }
    let region = &s[lo..hi];
    let pat = vm.arg(a, 1);
    let candidates: Vec<Value> = match pat {
        Value::Obj(r) if matches!(vm.heap.get(r), Obj::Tuple(_)) => vm.tuple_items(pat),
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

fn str_startswith(vm: &mut Interp, a: Args) -> PResult<Value> {
    affix(vm, a, false)
}

fn str_endswith(vm: &mut Interp, a: Args) -> PResult<Value> {
    affix(vm, a, true)
}

fn find_impl(vm: &mut Interp, a: Args, right: bool, raise: bool) -> PResult<Value> {
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

fn str_find(vm: &mut Interp, a: Args) -> PResult<Value> {
    find_impl(vm, a, false, false)
}

fn str_rfind(vm: &mut Interp, a: Args) -> PResult<Value> {
    find_impl(vm, a, true, false)
}

fn str_index(vm: &mut Interp, a: Args) -> PResult<Value> {
    find_impl(vm, a, false, true)
}

fn str_rindex(vm: &mut Interp, a: Args) -> PResult<Value> {
    find_impl(vm, a, true, true)
}

fn str_replace(vm: &mut Interp, a: Args) -> PResult<Value> {
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
        if matches!(this, Value::Obj(r) if matches!(vm.heap.get(r), Obj::Str(_))) {
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

fn str_count(vm: &mut Interp, a: Args) -> PResult<Value> {
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

fn str_format(vm: &mut Interp, a: Args) -> PResult<Value> {
    let s = this_str(vm, a)?;
    let args: Vec<Value> = vm.args_vec(a)[1..].to_vec();
    let kwargs = vm.kwargs_vec(a);
    let out = vm.str_format(&s, &args, &kwargs)?;
    vm.str_value(&out)
}

fn str_test(vm: &mut Interp, a: Args, test: fn(char) -> bool, cased: bool) -> PResult<Value> {
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

fn str_isdigit(vm: &mut Interp, a: Args) -> PResult<Value> {
    str_test(vm, a, |c| c.is_ascii_digit(), false)
}

fn str_isalpha(vm: &mut Interp, a: Args) -> PResult<Value> {
    str_test(vm, a, char::is_alphabetic, false)
}

fn str_isalnum(vm: &mut Interp, a: Args) -> PResult<Value> {
    str_test(vm, a, char::is_alphanumeric, false)
}

fn str_isspace(vm: &mut Interp, a: Args) -> PResult<Value> {
    str_test(vm, a, char::is_whitespace, false)
}

fn str_isupper(vm: &mut Interp, a: Args) -> PResult<Value> {
    str_test(vm, a, char::is_uppercase, true)
}

fn str_islower(vm: &mut Interp, a: Args) -> PResult<Value> {
    str_test(vm, a, char::is_lowercase, true)
}

fn str_encode(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (encoding, errors) = codec_args(vm, a, 1)?;
    let s = this_str(vm, a)?;
    let b = crate::objects::str::encode(&s, encoding, errors)?;
    vm.alloc(Obj::Bytes(b.into()))
}

fn str_splitlines(vm: &mut Interp, a: Args) -> PResult<Value> {
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

fn partition_impl(vm: &mut Interp, a: Args, right: bool) -> PResult<Value> {
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
        vm.stack.push(v);
        vals.push(v);
    }
    let t = vm.tuple(vals);
    vm.stack.truncate(vm.stack.len() - 3);
    t
}

fn str_partition(vm: &mut Interp, a: Args) -> PResult<Value> {
    partition_impl(vm, a, false)
}

fn str_rpartition(vm: &mut Interp, a: Args) -> PResult<Value> {
    partition_impl(vm, a, true)
}

fn justify(vm: &mut Interp, a: Args, how: char) -> PResult<Value> {
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

fn str_center(vm: &mut Interp, a: Args) -> PResult<Value> {
    justify(vm, a, '^')
}

fn str_ljust(vm: &mut Interp, a: Args) -> PResult<Value> {
    justify(vm, a, '<')
}

fn str_rjust(vm: &mut Interp, a: Args) -> PResult<Value> {
    justify(vm, a, '>')
}

fn str_zfill(vm: &mut Interp, a: Args) -> PResult<Value> {
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

fn str_title(vm: &mut Interp, a: Args) -> PResult<Value> {
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

fn str_capitalize(vm: &mut Interp, a: Args) -> PResult<Value> {
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

// ---- bytes ----

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

fn bytes_decode(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (encoding, errors) = codec_args(vm, a, 1)?;
    let b = vm.as_bytes(vm.arg(a, 0)).unwrap_or(&[]);
    let s = crate::objects::str::decode(b, encoding, errors)?;
    vm.str_value(&s)
}

// ---- list ----

fn list_ref(vm: &Interp, v: Value) -> PResult<crate::gc::ObjRef> {
    match v {
        Value::Obj(r) if matches!(vm.heap.get(r), Obj::List(_)) => Ok(r),
        _ => Err(PyErr::type_error("descriptor requires a 'list' object")),
    }
}

fn list_items(vm: &mut Interp, r: crate::gc::ObjRef) -> &mut Vec<Value> {
    match vm.heap.get_mut(r) {
        Obj::List(items) => items,
        _ => unreachable!("checked by list_ref"),
    }
}

fn list_append(vm: &mut Interp, a: Args) -> PResult<Value> {
    list_ref(vm, vm.arg(a, 0))?;
    vm.list_append(vm.arg(a, 0), vm.arg(a, 1))?;
    Ok(Value::None)
}

fn list_extend(vm: &mut Interp, a: Args) -> PResult<Value> {
    list_ref(vm, vm.arg(a, 0))?;
    vm.list_extend(vm.arg(a, 0), vm.arg(a, 1))?;
    Ok(Value::None)
}

fn list_insert(vm: &mut Interp, a: Args) -> PResult<Value> {
    let r = list_ref(vm, vm.arg(a, 0))?;
    let i = vm.int_arg(vm.arg(a, 1))?;
    let v = vm.arg(a, 2);
    let items = list_items(vm, r);
    let extra = crate::vm::growth(items.len(), items.capacity(), 1, crate::runtime::VALUE_SIZE);
    vm.make_room(extra, &[vm.arg(a, 0), v])?;
    let items = list_items(vm, r);
    let n = items.len() as i64;
    let at = if i < 0 { (i + n).max(0) } else { i.min(n) };
    items.insert(at as usize, v);
    vm.heap.resize(r);
    Ok(Value::None)
}

fn list_pop(vm: &mut Interp, a: Args) -> PResult<Value> {
    let r = list_ref(vm, vm.arg(a, 0))?;
    let i = match opt_arg(vm, a, 1) {
        Some(v) => vm.int_arg(v)?,
        None => -1,
    };
    let items = list_items(vm, r);
    if items.is_empty() {
        return Err(PyErr::new(ErrKind::IndexError, "pop from empty list"));
    }
    match crate::runtime::norm_index(i, items.len()) {
        Some(k) => Ok(items.remove(k)),
        None => Err(PyErr::new(ErrKind::IndexError, "list index out of range")),
    }
}

fn list_remove(vm: &mut Interp, a: Args) -> PResult<Value> {
    let r = list_ref(vm, vm.arg(a, 0))?;
    let x = vm.arg(a, 1);
    let items = list_items(vm, r).clone();
    for (i, v) in items.iter().enumerate() {
        if vm.eq(*v, x)? {
            list_items(vm, r).remove(i);
            return Ok(Value::None);
        }
    }
    Err(PyErr::new(ErrKind::ValueError, "object not in sequence"))
}

fn seq_index(vm: &mut Interp, a: Args) -> PResult<Value> {
    let items = vm.tuple_items(vm.arg(a, 0));
    let x = vm.arg(a, 1);
    let n = items.len() as i64;
    let norm = |v: i64| if v < 0 { (v + n).max(0) } else { v.min(n) };
    let start = match opt_arg(vm, a, 2) {
        Some(v) => norm(vm.int_arg(v)?),
        None => 0,
    };
    let end = match opt_arg(vm, a, 3) {
        Some(v) => norm(vm.int_arg(v)?),
        None => n,
    };
    for i in start..end {
        if vm.eq(items[i as usize], x)? {
            return Ok(Value::Int(i));
        }
    }
    Err(PyErr::new(ErrKind::ValueError, "object not in sequence"))
}

fn seq_count(vm: &mut Interp, a: Args) -> PResult<Value> {
    let items = vm.tuple_items(vm.arg(a, 0));
    let x = vm.arg(a, 1);
    let mut n = 0;
    for v in items {
        if vm.eq(v, x)? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

fn list_clear(vm: &mut Interp, a: Args) -> PResult<Value> {
    let r = list_ref(vm, vm.arg(a, 0))?;
    list_items(vm, r).clear();
    vm.heap.resize(r);
    Ok(Value::None)
}

fn list_copy(vm: &mut Interp, a: Args) -> PResult<Value> {
    let r = list_ref(vm, vm.arg(a, 0))?;
    let items = list_items(vm, r).clone();
    vm.alloc(Obj::List(items))
}

fn list_reverse(vm: &mut Interp, a: Args) -> PResult<Value> {
    let r = list_ref(vm, vm.arg(a, 0))?;
    list_items(vm, r).reverse();
    Ok(Value::None)
}

fn list_sort(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.check_kwargs(a, &["key", "reverse"])?;
    let l = vm.arg(a, 0);
    list_ref(vm, l)?;
    sort_list(vm, l, vm.kwarg(a, "key"), vm.kwarg(a, "reverse"))?;
    Ok(Value::None)
}

/// Sort a list in place: stable merge sort with a comparison that may call Python.
pub fn sort_list(
    vm: &mut Interp,
    list: Value,
    key: Option<Value>,
    reverse: Option<Value>,
) -> PResult<()> {
    let r = list_ref(vm, list)?;
    let items = list_items(vm, r).clone();
    let reverse = match reverse {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    let key = key.filter(|k| *k != Value::None);
    let mark = vm.temp_roots.len();
    let mut keyed: Vec<(Value, Value)> = Vec::with_capacity(items.len());
    for item in &items {
        let k = match key {
            Some(f) => match vm.call_value(f, &[*item]) {
                Ok(k) => k,
                Err(e) => {
                    vm.temp_roots.truncate(mark);
                    return Err(e);
                }
            },
            None => *item,
        };
        vm.temp_roots.push(k);
        keyed.push((k, *item));
    }
    let result = merge_sort(vm, &mut keyed, reverse);
    vm.temp_roots.truncate(mark);
    result?;
    *list_items(vm, r) = keyed.into_iter().map(|(_, v)| v).collect();
    Ok(())
}

fn merge_sort(vm: &mut Interp, v: &mut Vec<(Value, Value)>, reverse: bool) -> PResult<()> {
    let n = v.len();
    if n <= 1 {
        return Ok(());
    }
    let mut width = 1;
    let mut buf = v.clone();
    while width < n {
        let mut i = 0;
        while i < n {
            let mid = (i + width).min(n);
            let hi = (i + 2 * width).min(n);
            let (mut l, mut r, mut k) = (i, mid, i);
            while l < mid && r < hi {
                // Take from the right only if it is strictly smaller: stability.
                let take_right = if reverse {
                    vm.compare(CmpOp::Lt, v[l].0, v[r].0)? == Value::Bool(true)
                } else {
                    vm.compare(CmpOp::Lt, v[r].0, v[l].0)? == Value::Bool(true)
                };
                if take_right {
                    buf[k] = v[r];
                    r += 1;
                } else {
                    buf[k] = v[l];
                    l += 1;
                }
                k += 1;
            }
            while l < mid {
                buf[k] = v[l];
                l += 1;
                k += 1;
            }
            while r < hi {
                buf[k] = v[r];
                r += 1;
                k += 1;
            }
            i += 2 * width;
        }
        core::mem::swap(v, &mut buf);
        width *= 2;
    }
    Ok(())
}

// ---- dict ----

fn dict_arg(vm: &Interp, v: Value) -> PResult<()> {
    match v {
        Value::Obj(r) if matches!(vm.heap.get(r), Obj::Dict(_)) => Ok(()),
        _ => Err(PyErr::type_error("descriptor requires a 'dict' object")),
    }
}

fn dict_get(vm: &mut Interp, a: Args) -> PResult<Value> {
    dict_arg(vm, vm.arg(a, 0))?;
    let default = if a.len == 3 {
        vm.arg(a, 2)
    } else {
        Value::None
    };
    Ok(vm.dict_get(vm.arg(a, 0), vm.arg(a, 1))?.unwrap_or(default))
}

/// `keys()`, `values()`, `items()`: live views of the dict.
fn dict_view(vm: &mut Interp, a: Args, kind: u8) -> PResult<Value> {
    dict_arg(vm, vm.arg(a, 0))?;
    let d = vm.payload(vm.arg(a, 0)).unwrap_or(vm.arg(a, 0));
    vm.alloc(Obj::DictView(d, kind))
}

fn dict_keys(vm: &mut Interp, a: Args) -> PResult<Value> {
    dict_view(vm, a, 0)
}

fn dict_values(vm: &mut Interp, a: Args) -> PResult<Value> {
    dict_view(vm, a, 1)
}

fn dict_items(vm: &mut Interp, a: Args) -> PResult<Value> {
    dict_view(vm, a, 2)
}

fn dict_pop(vm: &mut Interp, a: Args) -> PResult<Value> {
    dict_arg(vm, vm.arg(a, 0))?;
    match vm.dict_remove(vm.arg(a, 0), vm.arg(a, 1))? {
        Some(v) => Ok(v),
        None if a.len == 3 => Ok(vm.arg(a, 2)),
        None => Err(vm.key_error(vm.arg(a, 1))),
    }
}

fn dict_popitem(vm: &mut Interp, a: Args) -> PResult<Value> {
    dict_arg(vm, vm.arg(a, 0))?;
    vm.check_not_fixed(vm.arg(a, 0))?;
    let Value::Obj(r) = vm.arg(a, 0) else {
        unreachable!("checked")
    };
    let e = match vm.heap.get_mut(r) {
        Obj::Dict(d) => d.pop_last(),
        _ => None,
    };
    match e {
        Some(e) => vm.tuple(alloc::vec![e.key, e.value]),
        None => Err(PyErr::new(
            ErrKind::KeyError,
            "popitem(): dictionary is empty",
        )),
    }
}

fn dict_setdefault(vm: &mut Interp, a: Args) -> PResult<Value> {
    dict_arg(vm, vm.arg(a, 0))?;
    let (d, k) = (vm.arg(a, 0), vm.arg(a, 1));
    if let Some(v) = vm.dict_get(d, k)? {
        return Ok(v);
    }
    let default = if a.len == 3 {
        vm.arg(a, 2)
    } else {
        Value::None
    };
    vm.dict_set(d, k, default)?;
    Ok(default)
}

fn dict_update(vm: &mut Interp, a: Args) -> PResult<Value> {
    dict_arg(vm, vm.arg(a, 0))?;
    let d = vm.arg(a, 0);
    if a.len == 2 {
        vm.dict_update(d, vm.arg(a, 1))?;
    }
    for (k, v) in vm.kwargs_vec(a) {
        let key = vm.str_value(&k)?;
        vm.dict_set(d, key, v)?;
    }
    Ok(Value::None)
}

fn dict_clear(vm: &mut Interp, a: Args) -> PResult<Value> {
    dict_arg(vm, vm.arg(a, 0))?;
    vm.check_not_fixed(vm.arg(a, 0))?;
    if let Value::Obj(r) = vm.arg(a, 0)
        && let Obj::Dict(d) = vm.heap.get_mut(r)
    {
        d.clear();
    }
    Ok(Value::None)
}

fn dict_copy(vm: &mut Interp, a: Args) -> PResult<Value> {
    dict_arg(vm, vm.arg(a, 0))?;
    vm.dict_copy(vm.arg(a, 0))
}

/// `dict.fromkeys(keys[, value])`, a class method: argument 0 is the class.
fn dict_fromkeys(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (keys, value) = (vm.arg(a, 1), vm.arg(a, 2));
    // The keys may be new objects (a str's characters): rooted on the stack meanwhile.
    let items = vm.collect_iterable(keys)?;
    let mark = vm.stack.len();
    vm.stack.extend_from_slice(&items);
    let r = dict_from_items(vm, &items, value);
    vm.stack.truncate(mark);
    r
}

fn dict_from_items(vm: &mut Interp, keys: &[Value], value: Value) -> PResult<Value> {
    let d = vm.new_dict()?;
    vm.stack.push(d);
    for k in keys {
        vm.dict_set(d, *k, value)?;
    }
    Ok(d)
}

// ---- set ----

fn set_arg(vm: &Interp, v: Value) -> PResult<bool> {
    match v {
        Value::Obj(r) => match vm.heap.get(r) {
            Obj::Set(_, frozen) => Ok(*frozen),
            _ => Err(PyErr::type_error("descriptor requires a 'set' object")),
        },
        _ => Err(PyErr::type_error("descriptor requires a 'set' object")),
    }
}

fn set_add(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_arg(vm, vm.arg(a, 0))?;
    vm.set_add(vm.arg(a, 0), vm.arg(a, 1))?;
    Ok(Value::None)
}

fn set_remove_impl(vm: &mut Interp, a: Args, strict: bool) -> PResult<Value> {
    set_arg(vm, vm.arg(a, 0))?;
    let k = vm.arg(a, 1);
    if vm.dict_remove(vm.arg(a, 0), k)?.is_none() && strict {
        return Err(vm.key_error(k));
    }
    Ok(Value::None)
}

fn set_remove(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_remove_impl(vm, a, true)
}

fn set_discard(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_remove_impl(vm, a, false)
}

fn set_pop(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_arg(vm, vm.arg(a, 0))?;
    let Value::Obj(r) = vm.arg(a, 0) else {
        unreachable!("checked")
    };
    let e = match vm.heap.get_mut(r) {
        Obj::Set(d, _) => d.next_from(0).and_then(|(pos, _)| d.remove_at(pos)),
        _ => None,
    };
    match e {
        Some(e) => Ok(e.key),
        None => Err(PyErr::new(ErrKind::KeyError, "pop from an empty set")),
    }
}

fn set_clear(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_arg(vm, vm.arg(a, 0))?;
    if let Value::Obj(r) = vm.arg(a, 0)
        && let Obj::Set(d, _) = vm.heap.get_mut(r)
    {
        d.clear();
    }
    Ok(Value::None)
}

fn set_copy(vm: &mut Interp, a: Args) -> PResult<Value> {
    let frozen = set_arg(vm, vm.arg(a, 0))?;
    vm.set_copy(vm.arg(a, 0), frozen)
}

fn set_update(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_arg(vm, vm.arg(a, 0))?;
    for i in 1..a.len {
        vm.set_update(vm.arg(a, 0), vm.arg(a, i))?;
    }
    Ok(Value::None)
}

fn set_binop(vm: &mut Interp, a: Args, op: crate::ast::BinOp, inplace: bool) -> PResult<Value> {
    let frozen = set_arg(vm, vm.arg(a, 0))?;
    let this = vm.arg(a, 0);
    let result = if inplace {
        this
    } else {
        vm.set_copy(this, frozen)?
    };
    vm.stack.push(result);
    let mut r = Ok(());
    for i in 1..a.len {
        let other = vm.arg(a, i);
        if let Err(e) = vm.set_op(op, result, this, other) {
            r = Err(e);
            break;
        }
    }
    vm.stack.pop();
    r.map(|()| if inplace { Value::None } else { result })
}

fn set_union(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_binop(vm, a, crate::ast::BinOp::Or, false)
}

fn set_intersection(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_binop(vm, a, crate::ast::BinOp::And, false)
}

fn set_difference(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_binop(vm, a, crate::ast::BinOp::Sub, false)
}

fn set_symmetric_difference(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_binop(vm, a, crate::ast::BinOp::Xor, false)
}

fn set_intersection_update(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_binop(vm, a, crate::ast::BinOp::And, true)
}

fn set_difference_update(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_binop(vm, a, crate::ast::BinOp::Sub, true)
}

fn set_symmetric_difference_update(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_binop(vm, a, crate::ast::BinOp::Xor, true)
}

fn set_relation(vm: &mut Interp, a: Args, subset: bool) -> PResult<Value> {
    let this = vm.arg(a, 0);
    let other = vm.arg(a, 1);
    let other = if matches!(other, Value::Obj(r) if matches!(vm.heap.get(r), Obj::Set(..))) {
        other
    } else {
        let s = vm.new_set(true)?;
        vm.stack.push(s);
        let r = vm.set_update(s, other);
        vm.stack.pop();
        r?;
        s
    };
    vm.stack.push(other);
    let (small, big) = if subset { (this, other) } else { (other, this) };
    let mut ok = true;
    for item in vm.set_items(small) {
        if !vm.set_contains(big, item)? {
            ok = false;
            break;
        }
    }
    vm.stack.pop();
    Ok(Value::Bool(ok))
}

fn set_issubset(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_relation(vm, a, true)
}

fn set_issuperset(vm: &mut Interp, a: Args) -> PResult<Value> {
    set_relation(vm, a, false)
}

fn set_isdisjoint(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    for item in vm.collect_iterable(vm.arg(a, 1))? {
        if vm.set_contains(this, item)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

// ---- int ----

fn int_from_bytes(vm: &mut Interp, a: Args) -> PResult<Value> {
    // int.from_bytes(bytes, byteorder): bound to the class, so the bytes are argument 1.
    let (b, order) = (
        vm.arg(a, 1),
        if a.len > 2 {
            vm.arg(a, 2)
        } else {
            vm.kwarg(a, "byteorder").unwrap_or(Value::None)
        },
    );
    let bytes = vm
        .as_bytes(b)
        .ok_or_else(|| PyErr::type_error("object with buffer protocol required"))?
        .to_vec();
    let little = vm.as_str(order) == Some("little");
    let signed = match vm.kwarg(a, "signed") {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    let n = if little {
        if signed {
            num_bigint::BigInt::from_signed_bytes_le(&bytes)
        } else {
            num_bigint::BigInt::from_bytes_le(num_bigint::Sign::Plus, &bytes)
        }
    } else if signed {
        num_bigint::BigInt::from_signed_bytes_be(&bytes)
    } else {
        num_bigint::BigInt::from_bytes_be(num_bigint::Sign::Plus, &bytes)
    };
    vm.num_value(crate::objects::int::normalize(n))
}

fn int_to_bytes(vm: &mut Interp, a: Args) -> PResult<Value> {
    let v = vm.arg(a, 0);
    let length = match opt_arg(vm, a, 1).or_else(|| vm.kwarg(a, "length")) {
        Some(l) => vm.int_arg(l)?,
        None => 1,
    };
    let Ok(length) = usize::try_from(length) else {
        return Err(PyErr::new(
            ErrKind::ValueError,
            "length argument must be non-negative",
        ));
    };
    let order = opt_arg(vm, a, 2)
        .or_else(|| vm.kwarg(a, "byteorder"))
        .unwrap_or(Value::None);
    let little = vm.as_str(order) == Some("little");
    let signed = match vm.kwarg(a, "signed") {
        Some(s) => vm.truthy(s)?,
        None => false,
    };
    let n = match vm.num(v) {
        Some(crate::objects::int::NumRef::Int(i)) => num_bigint::BigInt::from(i),
        Some(crate::objects::int::NumRef::Big(b)) => b.clone(),
        _ => return Err(PyErr::type_error("can't convert to int")),
    };
    let negative = n.sign() == num_bigint::Sign::Minus;
    if negative && !signed {
        return Err(PyErr::new(
            ErrKind::OverflowError,
            "can't convert negative int to unsigned",
        ));
    }
    // Unsigned values need their bits; signed ones a sign bit too (two's complement).
    let bits = if signed {
        let magnitude = if negative { -(&n) - 1u32 } else { n.clone() };
        magnitude.bits() + 1
    } else {
        n.bits()
    };
    if bits > 8 * length as u64 && n.sign() != num_bigint::Sign::NoSign {
        return Err(PyErr::new(
            ErrKind::OverflowError,
            alloc::format!("value would overflow a {length} byte buffer"),
        ));
    }
    let mut bytes = n.to_signed_bytes_le();
    bytes.resize(length, if negative { 0xff } else { 0 });
    if !little {
        bytes.reverse();
    }
    vm.alloc(Obj::Bytes(bytes.into()))
}

// ---- object, exceptions, generators ----

fn object_init(_vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::None)
}

fn object_setattr(vm: &mut Interp, a: Args) -> PResult<Value> {
    let name = match vm.as_str(vm.arg(a, 1)) {
        Some(s) => String::from(s),
        None => return Err(PyErr::type_error("attribute name must be string")),
    };
    let id = vm.interner.intern(&name);
    vm.setattr_plain(vm.arg(a, 0), id, vm.arg(a, 2))?;
    Ok(Value::None)
}

/// `object.__delattr__(obj, name)`: remove from the instance dict, bypassing
/// `__delattr__`.
fn object_delattr(vm: &mut Interp, a: Args) -> PResult<Value> {
    let name = match vm.as_str(vm.arg(a, 1)) {
        Some(s) => String::from(s),
        None => return Err(PyErr::type_error("attribute name must be string")),
    };
    let id = vm.interner.intern(&name);
    let removed = match vm.arg(a, 0) {
        Value::Obj(r) => match vm.heap.get_mut(r) {
            Obj::Instance(i) => i.attrs.remove(&id),
            _ => None,
        },
        _ => None,
    };
    match removed {
        Some(_) => Ok(Value::None),
        None => Err(PyErr::new(
            ErrKind::AttributeError,
            alloc::format!(
                "'{}' object has no attribute '{name}'",
                vm.type_name(vm.arg(a, 0))
            ),
        )),
    }
}

fn exc_init(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    let args: Vec<Value> = vm.args_vec(a)[1..].to_vec();
    let t = vm.tuple(args)?;
    if let Value::Obj(r) = this
        && let Obj::Instance(i) = vm.heap.get_mut(r)
        && let Some(e) = &mut i.exc
    {
        e.args = t;
    }
    Ok(Value::None)
}

fn gen_send(vm: &mut Interp, a: Args) -> PResult<Value> {
    match vm.gen_resume(vm.arg(a, 0), vm.arg(a, 1), None)? {
        crate::call::GenOut::Yield(v) => Ok(v),
        crate::call::GenOut::Return(v) => Err(vm.stop_iteration(v)),
    }
}

fn gen_throw(vm: &mut Interp, a: Args) -> PResult<Value> {
    let exc = if a.len >= 3 && vm.arg(a, 2) != Value::None {
        vm.arg(a, 2)
    } else {
        vm.arg(a, 1)
    };
    match vm.gen_resume(vm.arg(a, 0), Value::None, Some(exc))? {
        crate::call::GenOut::Yield(v) => Ok(v),
        crate::call::GenOut::Return(v) => Err(vm.stop_iteration(v)),
    }
}

/// `gen.pend_throw(exc)` (MicroPython's): raise `exc` in the generator when it is next
/// resumed, in place of the value sent; `None` cancels. Returns what was pending before.
fn gen_pend_throw(vm: &mut Interp, a: Args) -> PResult<Value> {
    let exc = vm.arg(a, 1);
    let Value::Obj(r) = vm.arg(a, 0) else {
        return Err(PyErr::type_error("generator expected"));
    };
    match vm.heap.get_mut(r) {
        Obj::Generator(g) if g.state == crate::objects::function::GenState::Running => Err(
            PyErr::new(ErrKind::ValueError, "generator already executing"),
        ),
        Obj::Generator(g) => Ok(core::mem::replace(&mut g.pending, exc)),
        _ => Err(PyErr::type_error("generator expected")),
    }
}

fn gen_close(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.close_generator(vm.arg(a, 0))?;
    Ok(Value::None)
}

fn iter_next(vm: &mut Interp, a: Args) -> PResult<Value> {
    match vm.next(vm.arg(a, 0))? {
        Some(v) => Ok(v),
        None => Err(PyErr::bare(ErrKind::StopIteration)),
    }
}

fn iter_self(vm: &mut Interp, a: Args) -> PResult<Value> {
    Ok(vm.arg(a, 0))
}

fn property_parts(vm: &Interp, v: Value) -> PResult<(Value, Value, Value)> {
    match v {
        Value::Obj(r) => match vm.heap.get(r) {
            Obj::Property(g, s, d) => Ok((*g, *s, *d)),
            _ => Err(PyErr::type_error("descriptor requires a 'property' object")),
        },
        _ => Err(PyErr::type_error("descriptor requires a 'property' object")),
    }
}

fn property_getter(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (_, s, d) = property_parts(vm, vm.arg(a, 0))?;
    vm.alloc(Obj::Property(vm.arg(a, 1), s, d))
}

fn property_setter(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (g, _, d) = property_parts(vm, vm.arg(a, 0))?;
    vm.alloc(Obj::Property(g, vm.arg(a, 1), d))
}

fn property_deleter(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (g, s, _) = property_parts(vm, vm.arg(a, 0))?;
    vm.alloc(Obj::Property(g, s, vm.arg(a, 1)))
}

const PROPERTY: &[Native] = &[
    Native::new("getter", property_getter).args(2, 2),
    Native::new("setter", property_setter).args(2, 2),
    Native::new("deleter", property_deleter).args(2, 2),
];

// ---- bytes and bytearray: the text methods, applied byte for byte ----

/// Bytes as text, one character per byte (Latin-1), so the str methods serve bytes too.
fn bytes_to_text(b: &[u8]) -> String {
    b.iter().map(|&c| c as char).collect()
}

fn text_to_bytes(s: &str) -> Vec<u8> {
    s.chars().map(|c| c as u32 as u8).collect()
}

/// Run a str method on bytes: bytes arguments become text, text results become bytes.
fn via_text(
    vm: &mut Interp,
    a: Args,
    f: fn(&mut Interp, Args) -> PResult<Value>,
) -> PResult<Value> {
    via_text_opt(vm, a, f, false)
}

/// As [`via_text`]; with `needle`, an int first argument is a single byte (`b.find(98)`).
fn via_text_opt(
    vm: &mut Interp,
    a: Args,
    f: fn(&mut Interp, Args) -> PResult<Value>,
    needle: bool,
) -> PResult<Value> {
    let mark = vm.stack.len();
    let bytearray =
        matches!(vm.arg(a, 0), Value::Obj(r) if matches!(vm.heap.get(r), Obj::ByteArray(_)));
    let mut converted = Vec::with_capacity(a.len + a.n_kw);
    for i in 0..a.len + a.n_kw {
        let v = vm.stack[a.start + i];
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
        vm.stack.push(v);
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
    vm.stack.truncate(mark);
    r
}

fn convert_in(vm: &mut Interp, v: Value) -> PResult<Value> {
    let tr_mark = vm.temp_roots.len();
    if let Some(b) = vm.as_bytes(v) {
        let t = bytes_to_text(b);
        return vm.str_value(&t);
    }
    let items = match v {
        Value::Obj(r) => match vm.heap.get(r) {
            Obj::Tuple(t) => Some(t.to_vec()),
            Obj::List(l) => Some(l.clone()),
            _ => None,
        },
        _ => None,
    };
    if let Some(items) = items {
        let mut out = Vec::new();
        for i in items.iter() {
            let c = convert_in(vm, *i)?;
            vm.temp_roots.push(c);
            out.push(c);
        }
        let t = vm.tuple(out);
        vm.temp_roots.truncate(tr_mark);
        return t;
    }
    if vm.as_str(v).is_some() {
        return Err(PyErr::type_error(
            "a bytes-like object is required, not 'str'",
        ));
    }
    Ok(v)
}

fn convert_out(vm: &mut Interp, v: Value, bytearray: bool) -> PResult<Value> {
    let tr_mark = vm.temp_roots.len();
    if let Some(s) = vm.as_str(v) {
        let b = text_to_bytes(s);
        return vm.alloc(if bytearray {
            Obj::ByteArray(b)
        } else {
            Obj::Bytes(b.into())
        });
    }
    let Value::Obj(r) = v else { return Ok(v) };
    let (items, is_list) = match vm.heap.get(r) {
        Obj::List(l) => (l.clone(), true),
        Obj::Tuple(t) => (t.to_vec(), false),
        _ => return Ok(v),
    };
    vm.temp_roots.push(v);
    let mut out = Vec::with_capacity(items.len());
    for i in items {
        let c = convert_out(vm, i, bytearray)?;
        vm.temp_roots.push(c);
        out.push(c);
    }
    let r = if is_list {
        vm.alloc(Obj::List(out))
    } else {
        vm.tuple(out)
    };
    vm.temp_roots.truncate(tr_mark);
    r
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

fn bytes_hex(vm: &mut Interp, a: Args) -> PResult<Value> {
    let b = vm.as_bytes(vm.arg(a, 0)).unwrap_or(&[]).to_vec();
    let sep = match opt_arg(vm, a, 1) {
        Some(v) => str_arg(vm, v)?,
        None => String::new(),
    };
    let parts: Vec<String> = b.iter().map(|x| alloc::format!("{x:02x}")).collect();
    vm.str_value(&parts.join(&sep))
}

fn bytearray_append(vm: &mut Interp, a: Args) -> PResult<Value> {
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

fn bytearray_extend(vm: &mut Interp, a: Args) -> PResult<Value> {
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
fn grow_bytearray(vm: &mut Interp, this: Value, bytes: &[u8]) -> PResult<Value> {
    let Value::Obj(r) = vm.payload(this).unwrap_or(this) else {
        return Err(PyErr::type_error("bytearray required"));
    };
    let Obj::ByteArray(b) = vm.heap.get(r) else {
        return Err(PyErr::type_error("bytearray required"));
    };
    let extra = crate::vm::growth(b.len(), b.capacity(), bytes.len(), 1);
    vm.make_room(extra, &[this])?;
    if let Obj::ByteArray(b) = vm.heap.get_mut(r) {
        b.extend_from_slice(bytes);
    }
    vm.heap.resize(r);
    Ok(Value::None)
}

// ---- construction ----

/// `object.__new__(cls)`: an uninitialised instance of a class defined in Python.
fn object_new(vm: &mut Interp, a: Args) -> PResult<Value> {
    let cls = vm.arg(a, 0);
    let user_type = matches!(cls, Value::Obj(r)
        if matches!(vm.heap.get(r), Obj::Class(_)) && !vm.is_builtin_class(r));
    if !user_type {
        return Err(PyErr::type_error("arg must be user-type"));
    }
    vm.new_instance_of(cls, a)
}

fn type_new(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.new_instance_of(vm.arg(a, 0), a)
}

/// `list.__init__(self, iterable)` and friends: refill the container in place.
fn container_init(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.payload(vm.arg(a, 0)).unwrap_or(vm.arg(a, 0));
    let Value::Obj(r) = this else {
        return Ok(Value::None);
    };
    let tag = match vm.heap.get(r) {
        Obj::List(_) => Tag::List,
        Obj::Dict(_) => Tag::Dict,
        Obj::Set(_, false) => Tag::Set,
        Obj::ByteArray(_) => Tag::ByteArray,
        _ => return Ok(Value::None),
    };
    let Some(make) = crate::builtins::constructor(tag) else {
        return Ok(Value::None);
    };
    let rest = Args {
        start: a.start + 1,
        len: a.len - 1,
        ..a
    };
    let fresh = make(vm, rest)?;
    let Value::Obj(fr) = fresh else {
        return Ok(Value::None);
    };
    let new_obj = match vm.heap.get(fr) {
        Obj::List(items) => Obj::List(items.clone()),
        Obj::ByteArray(b) => Obj::ByteArray(b.clone()),
        _ => {
            // Dicts and sets: re-insert through the table (hashes are in the entries).
            let entries: Vec<(u64, Value, Value)> = match vm.heap.get(fr) {
                Obj::Dict(d) | Obj::Set(d, _) => {
                    d.iter().map(|e| (e.hash, e.key, e.value)).collect()
                }
                _ => Vec::new(),
            };
            match vm.heap.get_mut(r) {
                Obj::Dict(d) | Obj::Set(d, _) => {
                    d.clear();
                    for (h, k, v) in entries {
                        d.push(h, k, v);
                    }
                }
                _ => {}
            }
            vm.heap.resize(r);
            return Ok(Value::None);
        }
    };
    *vm.heap.get_mut(r) = new_obj;
    vm.heap.resize(r);
    Ok(Value::None)
}

const CONTAINER_INIT: &[Native] = &[Native::new("__init__", container_init)
    .args(1, VARARGS)
    .kw()];

// ---- the special methods of the built-in types, callable by name ----

/// The receiver of a built-in special method: the built-in value inside a subclass
/// instance (so that `dict.__getitem__(self, k)` in an override doesn't call it again).
fn receiver(vm: &Interp, a: Args) -> Value {
    let this = vm.arg(a, 0);
    vm.payload(this).unwrap_or(this)
}

fn dunder_getitem(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.getitem(receiver(vm, a), vm.arg(a, 1))
}

fn dunder_setitem(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.setitem(receiver(vm, a), vm.arg(a, 1), vm.arg(a, 2))?;
    Ok(Value::None)
}

fn dunder_delitem(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.delitem(receiver(vm, a), vm.arg(a, 1))?;
    Ok(Value::None)
}

fn dunder_contains(vm: &mut Interp, a: Args) -> PResult<Value> {
    Ok(Value::Bool(vm.contains(receiver(vm, a), vm.arg(a, 1))?))
}

fn dunder_len(vm: &mut Interp, a: Args) -> PResult<Value> {
    Ok(Value::Int(vm.len(receiver(vm, a))? as i64))
}

fn dunder_iter(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.iter(receiver(vm, a))
}

const CONTAINER: &[Native] = &[
    Native::new("__getitem__", dunder_getitem).args(2, 2).kw(),
    Native::new("__contains__", dunder_contains).args(2, 2).kw(),
    Native::new("__len__", dunder_len).args(1, 1).kw(),
    Native::new("__iter__", dunder_iter).args(1, 1).kw(),
];

const MUTABLE: &[Native] = &[
    Native::new("__setitem__", dunder_setitem).args(3, 3).kw(),
    Native::new("__delitem__", dunder_delitem).args(2, 2).kw(),
];

const STR: &[Native] = &[
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

const BYTES: &[Native] = &[
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

const BYTEARRAY: &[Native] = &[
    Native::new("append", bytearray_append).args(2, 2),
    Native::new("extend", bytearray_extend).args(2, 2),
];

const LIST: &[Native] = &[
    Native::new("append", list_append).args(2, 2),
    Native::new("extend", list_extend).args(2, 2),
    Native::new("insert", list_insert).args(3, 3),
    Native::new("pop", list_pop).args(1, 2).kw(),
    Native::new("remove", list_remove).args(2, 2),
    Native::new("index", seq_index).args(2, 4).kw(),
    Native::new("count", seq_count).args(2, 2),
    Native::new("clear", list_clear).args(1, 1),
    Native::new("copy", list_copy).args(1, 1),
    Native::new("reverse", list_reverse).args(1, 1),
    Native::new("sort", list_sort).args(1, 1).kw(),
];

const TUPLE: &[Native] = &[
    Native::new("index", seq_index).args(2, 4).kw(),
    Native::new("count", seq_count).args(2, 2),
];

const DICT: &[Native] = &[
    Native::new("get", dict_get).args(2, 3),
    Native::new("keys", dict_keys).args(1, 1),
    Native::new("values", dict_values).args(1, 1),
    Native::new("items", dict_items).args(1, 1),
    Native::new("pop", dict_pop).args(2, 3),
    Native::new("popitem", dict_popitem).args(1, 1),
    Native::new("setdefault", dict_setdefault).args(2, 3),
    Native::new("update", dict_update).args(1, 2).kw(),
    Native::new("clear", dict_clear).args(1, 1),
    Native::new("copy", dict_copy).args(1, 1),
];

const SET: &[Native] = &[
    Native::new("add", set_add).args(2, 2),
    Native::new("remove", set_remove).args(2, 2),
    Native::new("discard", set_discard).args(2, 2),
    Native::new("pop", set_pop).args(1, 1),
    Native::new("clear", set_clear).args(1, 1),
    Native::new("copy", set_copy).args(1, 1),
    Native::new("update", set_update).args(1, VARARGS),
    Native::new("union", set_union).args(2, 2),
    Native::new("intersection", set_intersection).args(2, 2),
    Native::new("difference", set_difference).args(1, VARARGS),
    Native::new("symmetric_difference", set_symmetric_difference).args(2, 2),
    Native::new("intersection_update", set_intersection_update).args(2, 2),
    Native::new("difference_update", set_difference_update).args(1, VARARGS),
    Native::new(
        "symmetric_difference_update",
        set_symmetric_difference_update,
    )
    .args(2, 2),
    Native::new("issubset", set_issubset).args(2, 2),
    Native::new("issuperset", set_issuperset).args(2, 2),
    Native::new("isdisjoint", set_isdisjoint).args(2, 2),
];

const FROZENSET: &[Native] = &[
    Native::new("copy", set_copy).args(1, 1),
    Native::new("union", set_union).args(2, 2),
    Native::new("intersection", set_intersection).args(2, 2),
    Native::new("difference", set_difference).args(1, VARARGS),
    Native::new("symmetric_difference", set_symmetric_difference).args(2, 2),
    Native::new("issubset", set_issubset).args(2, 2),
    Native::new("issuperset", set_issuperset).args(2, 2),
    Native::new("isdisjoint", set_isdisjoint).args(2, 2),
];

fn complex_conjugate(vm: &mut Interp, a: Args) -> PResult<Value> {
    match vm.arg(a, 0) {
        Value::Obj(r) => match vm.heap.get(r) {
            Obj::Complex(re, im) => {
                let (re, im) = (*re, *im);
                vm.alloc(Obj::Complex(re, -im))
            }
            _ => Err(PyErr::type_error("descriptor requires a 'complex' object")),
        },
        _ => Err(PyErr::type_error("descriptor requires a 'complex' object")),
    }
}

fn memoryview_tobytes(vm: &mut Interp, a: Args) -> PResult<Value> {
    let b = vm.as_bytes(vm.arg(a, 0)).unwrap_or(&[]).to_vec();
    vm.alloc(Obj::Bytes(b.into()))
}

fn array_append(vm: &mut Interp, a: Args) -> PResult<Value> {
    let Value::Obj(r) = vm.arg(a, 0) else {
        return Err(PyErr::type_error("array required"));
    };
    let Obj::Array(code, _) = vm.heap.get(r) else {
        return Err(PyErr::type_error("array required"));
    };
    let code = *code;
    let (i, f, is_float) = vm.array_item(code, vm.arg(a, 1))?;
    if let Obj::Array(_, data) = vm.heap.get(r) {
        let size = crate::objects::array::item_size(code).unwrap_or(1);
        let extra = crate::vm::growth(data.len(), data.capacity(), size, 1);
        vm.make_room(extra, &[vm.arg(a, 0)])?;
    }
    if let Obj::Array(_, data) = vm.heap.get_mut(r) {
        crate::objects::array::put(code, i, f, is_float, data);
    }
    vm.heap.resize(r);
    Ok(Value::None)
}

fn array_extend(vm: &mut Interp, a: Args) -> PResult<Value> {
    let Value::Obj(r) = vm.arg(a, 0) else {
        return Err(PyErr::type_error("array required"));
    };
    let Obj::Array(code, _) = vm.heap.get(r) else {
        return Err(PyErr::type_error("array required"));
    };
    let code = *code;
    let src = vm.arg(a, 1);
    let bytes = match src {
        Value::Obj(sr) if matches!(vm.heap.get(sr), Obj::Array(..)) => {
            vm.as_bytes(src).unwrap_or(&[]).to_vec()
        }
        _ => {
            let items = vm.collect_iterable(src)?;
            vm.array_pack(code, &items)?
        }
    };
    let Obj::Array(_, data) = vm.heap.get(r) else {
        return Err(PyErr::type_error("array required"));
    };
    let extra = crate::vm::growth(data.len(), data.capacity(), bytes.len(), 1);
    vm.make_room(extra, &[vm.arg(a, 0)])?;
    if let Obj::Array(_, data) = vm.heap.get_mut(r) {
        data.extend_from_slice(&bytes);
    }
    vm.heap.resize(r);
    Ok(Value::None)
}

const ARRAY: &[Native] = &[
    Native::new("append", array_append).args(2, 2),
    Native::new("extend", array_extend).args(2, 2),
    Native::new("decode", bytes_decode).args(1, 3).kw(),
];

const MEMORYVIEW: &[Native] = &[
    Native::new("tobytes", memoryview_tobytes).args(1, 1),
    Native::new("hex", bytes_hex).args(1, 2),
];

const COMPLEX: &[Native] = &[Native::new("conjugate", complex_conjugate).args(1, 1)];

const INT: &[Native] = &[Native::new("to_bytes", int_to_bytes).args(1, 3).kw()];

const OBJECT: &[Native] = &[
    Native::new("__init__", object_init).args(1, 1),
    Native::new("__setattr__", object_setattr).args(3, 3),
    Native::new("__delattr__", object_delattr).args(2, 2),
];

const EXCEPTION: &[Native] = &[Native::new("__init__", exc_init).args(1, VARARGS)];

const GENERATOR: &[Native] = &[
    Native::new("send", gen_send).args(2, 2),
    Native::new("throw", gen_throw).args(2, 4),
    Native::new("pend_throw", gen_pend_throw).args(2, 2),
    Native::new("close", gen_close).args(1, 1),
    Native::new("__next__", iter_next).args(1, 1),
    Native::new("__iter__", iter_self).args(1, 1),
];

const ITERATOR: &[Native] = &[
    Native::new("__next__", iter_next).args(1, 1),
    Native::new("__iter__", iter_self).args(1, 1),
];

pub fn register(vm: &mut Interp) {
    let t = (
        vm.types.str_,
        vm.types.bytes,
        vm.types.list,
        vm.types.tuple,
        vm.types.dict,
        vm.types.set,
        vm.types.frozenset,
        vm.types.int,
        vm.types.object,
        vm.types.exc(ErrKind::BaseException),
        vm.types.generator,
        vm.types.iterator,
    );
    use crate::types::add_methods;
    add_methods(vm, t.0, STR);
    add_methods(vm, t.1, BYTES);
    add_methods(vm, t.2, LIST);
    add_methods(vm, t.3, TUPLE);
    add_methods(vm, t.4, DICT);
    add_methods(vm, t.5, SET);
    add_methods(vm, t.6, FROZENSET);
    add_methods(vm, t.7, INT);
    add_methods(vm, t.8, OBJECT);
    add_methods(vm, t.9, EXCEPTION);
    add_methods(vm, t.10, GENERATOR);
    add_methods(vm, t.11, ITERATOR);
    let (bytearray, property) = (vm.types.bytearray, vm.types.property);
    add_methods(vm, bytearray, BYTES);
    add_methods(vm, bytearray, BYTEARRAY);
    add_methods(vm, property, PROPERTY);
    let complex = vm.types.complex;
    add_methods(vm, complex, COMPLEX);
    let memoryview = vm.types.memoryview;
    add_methods(vm, memoryview, MEMORYVIEW);
    let array = vm.types.array;
    add_methods(vm, array, ARRAY);
    add_methods(vm, array, CONTAINER);
    add_methods(vm, array, MUTABLE);
    add_methods(vm, memoryview, CONTAINER);
    add_methods(vm, memoryview, MUTABLE);
    let ty = &vm.types;
    let containers = [
        ty.str_,
        ty.bytes,
        ty.bytearray,
        ty.list,
        ty.tuple,
        ty.dict,
        ty.set,
        ty.frozenset,
        ty.range,
    ];
    let mutable = [ty.bytearray, ty.list, ty.dict];
    for c in containers {
        add_methods(vm, c, CONTAINER);
    }
    for c in mutable {
        add_methods(vm, c, MUTABLE);
    }
    let (list, dict, set, bytearray) = (
        vm.types.list,
        vm.types.dict,
        vm.types.set,
        vm.types.bytearray,
    );
    for c in [list, dict, set, bytearray] {
        add_methods(vm, c, CONTAINER_INIT);
    }
    // `__new__` of object and of the built-in value types, as static methods.
    let new_id = vm.natives.len() as u16;
    vm.natives
        .push(Native::new("__new__", type_new).args(1, VARARGS).kw());
    let new_name = vm.interner.intern("__new__");
    let sm = vm.alloc_root(Obj::StaticMethod(Value::Builtin(new_id)));
    let ty = &vm.types;
    let with_new = [
        ty.int,
        ty.float,
        ty.str_,
        ty.bytes,
        ty.tuple,
        ty.frozenset,
        ty.list,
        ty.dict,
        ty.set,
        ty.bytearray,
    ];
    for c in with_new {
        if let Obj::Class(k) = vm.heap.get_mut(c) {
            k.attrs.insert(new_name, Value::Obj(sm));
        }
    }
    let object_new_id = vm.natives.len() as u16;
    vm.natives
        .push(Native::new("__new__", object_new).args(1, VARARGS).kw());
    let sm = vm.alloc_root(Obj::StaticMethod(Value::Builtin(object_new_id)));
    let object = vm.types.object;
    if let Obj::Class(k) = vm.heap.get_mut(object) {
        k.attrs.insert(new_name, Value::Obj(sm));
    }
    // Class-level methods bind to the class they are called on.
    let (bytes, bytearray, slice) = (vm.types.bytes, vm.types.bytearray, vm.types.slice);
    add_classmethod(
        vm,
        &[t.7],
        Native::new("from_bytes", int_from_bytes).args(2, 4).kw(),
    );
    let dict = vm.types.dict;
    add_classmethod(
        vm,
        &[dict],
        Native::new("fromkeys", dict_fromkeys).args(2, 3),
    );
    add_classmethod(
        vm,
        &[bytes, bytearray],
        Native::new("fromhex", bytes_fromhex).args(2, 2),
    );
    add_methods(vm, slice, SLICE);
    let _ = Tag::Int;
}

/// Store `f` as a class method of each of `classes`.
fn add_classmethod(vm: &mut Interp, classes: &[crate::gc::ObjRef], f: Native) {
    let id = vm.natives.len() as u16;
    vm.natives.push(f);
    let name = vm.interner.intern(f.name);
    let cm = vm.alloc_root(Obj::ClassMethod(Value::Builtin(id)));
    for class in classes {
        if let Obj::Class(c) = vm.heap.get_mut(*class) {
            c.attrs.insert(name, Value::Obj(cm));
        }
    }
}

/// `bytes.fromhex(s)` / `bytearray.fromhex(s)`: pairs of hex digits, with whitespace
/// allowed between the pairs.
fn bytes_fromhex(vm: &mut Interp, a: Args) -> PResult<Value> {
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

/// `slice.indices(length)`: the slice's start, stop and step resolved against a length.
fn slice_indices(vm: &mut Interp, a: Args) -> PResult<Value> {
    let Value::Obj(r) = vm.arg(a, 0) else {
        return Err(PyErr::type_error("slice expected"));
    };
    let Obj::Slice(start, stop, step) = *vm.heap.get(r) else {
        return Err(PyErr::type_error("slice expected"));
    };
    // (A negative length counts as none, as on MicroPython.)
    let len = vm.index_arg(vm.arg(a, 1))?.max(0);
    let (start, stop, step) = vm.slice_indices(start, stop, step, len as usize)?;
    vm.tuple(alloc::vec![
        Value::Int(start),
        Value::Int(stop),
        Value::Int(step)
    ])
}

const SLICE: &[Native] = &[Native::new("indices", slice_indices).args(2, 2)];
