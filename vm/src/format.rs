//! Text formatting: `format()` specs (f-strings, `str.format`), `%` formatting, and the
//! number renderings they share.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::interner::Sym;
use crate::num::NumRef;
use crate::objects::float;
use crate::value::Value;
use crate::vm::{Interp, PResult};

/// A parsed format spec: `[[fill]align][sign][#][0][width][,|_][.precision][type]`.
#[derive(Debug, Default)]
struct Spec {
    fill: char,
    align: Option<char>,
    sign: Option<char>,
    alt: bool,
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    kind: Option<char>,
}

fn parse_spec(s: &str) -> PResult<Spec> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut spec = Spec {
        fill: ' ',
        ..Spec::default()
    };
    let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
    if chars.len() >= 2 && is_align(chars[1]) {
        spec.fill = chars[0];
        spec.align = Some(chars[1]);
        i = 2;
    } else if !chars.is_empty() && is_align(chars[0]) {
        spec.align = Some(chars[0]);
        i = 1;
    }
    if i < chars.len() && matches!(chars[i], '+' | '-' | ' ') {
        spec.sign = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() && chars[i] == '#' {
        spec.alt = true;
        i += 1;
    }
    if i < chars.len() && chars[i] == '0' {
        spec.zero = true;
        i += 1;
    }
    let start = i;
    while i < chars.len() && chars[i].is_ascii_digit() {
        i += 1;
    }
    if i > start {
        spec.width = chars[start..i]
            .iter()
            .collect::<String>()
            .parse()
            .unwrap_or(0);
    }
    if i < chars.len() && matches!(chars[i], ',' | '_') {
        spec.grouping = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() && chars[i] == '.' {
        i += 1;
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        spec.precision = Some(
            chars[start..i]
                .iter()
                .collect::<String>()
                .parse()
                .unwrap_or(0),
        );
    }
    if i < chars.len() {
        spec.kind = Some(chars[i]);
        i += 1;
    }
    if i != chars.len() {
        return Err(PyErr::new(ErrKind::ValueError, "invalid format specifier"));
    }
    Ok(spec)
}

/// Pad `body` (with its sign already split off into `sign`) to the spec's width.
fn pad(spec: &Spec, sign: &str, body: &str, numeric: bool) -> String {
    let len = sign.chars().count() + body.chars().count();
    if len >= spec.width {
        return alloc::format!("{sign}{body}");
    }
    let n = spec.width - len;
    let (fill, align) = if spec.zero && spec.align.is_none() && numeric {
        ('0', '=')
    } else if spec.zero && spec.fill == ' ' && !numeric {
        ('0', spec.align.unwrap_or('<'))
    } else {
        (
            spec.fill,
            spec.align.unwrap_or(if numeric { '>' } else { '<' }),
        )
    };
    let fills = |k: usize| core::iter::repeat_n(fill, k).collect::<String>();
    match align {
        '<' => alloc::format!("{sign}{body}{}", fills(n)),
        '^' => alloc::format!("{}{sign}{body}{}", fills(n / 2), fills(n - n / 2)),
        '=' => alloc::format!("{sign}{}{body}", fills(n)),
        _ => alloc::format!("{}{sign}{body}", fills(n)),
    }
}

fn group(digits: &str, sep: char) -> String {
    group_by(digits, sep, 3)
}

fn group_by(digits: &str, sep: char, every: usize) -> String {
    let bytes: Vec<char> = digits.chars().collect();
    let mut out = String::new();
    for (i, c) in bytes.iter().enumerate() {
        if i > 0 && (bytes.len() - i).is_multiple_of(every) {
            out.push(sep);
        }
        out.push(*c);
    }
    out
}

/// `digits` with leading zeros: the fewest digits that, once grouped in runs of `every`,
/// fill at least `width` characters.
fn zero_fill_grouped(digits: &str, every: usize, width: usize) -> String {
    let grouped_len = |d: usize| d + d.saturating_sub(1) / every;
    let mut n = digits.len();
    while grouped_len(n) < width {
        n += 1;
    }
    let mut out: String = core::iter::repeat_n('0', n - digits.len()).collect();
    out.push_str(digits);
    out
}

/// `f` with `prec` decimals.
pub fn fixed(f: f64, prec: usize) -> String {
    alloc::format!("{:.*}", prec, f)
}

/// The widest fixed-notation float MicroPython formats, sign included: its formatting
/// buffer's size.
const MAX_FIXED_WIDTH: i32 = 33;

/// `f` formatting of a non-negative finite `f` as MicroPython does it: fixed notation, unless
/// the integer digits and `prec` decimals would not fit in [`MAX_FIXED_WIDTH`], when it is
/// `g` with `prec + 1` significant digits (`'%.2f' % 8.888e32` is `8.89e+32`).
fn fixed_or_general(f: f64, prec: usize, signed: bool) -> String {
    let e = if f > 0.0 {
        crate::fmath::floor(libm::log10(f)) as i32
    } else {
        0
    };
    let width = e
        .saturating_add(prec.min(i32::MAX as usize) as i32)
        .saturating_add(2 + i32::from(signed));
    if e > 0 && width > MAX_FIXED_WIDTH {
        general(f, prec.saturating_add(1), false, false)
    } else {
        fixed(f, prec)
    }
}

/// `e` with `prec` decimals: `1.500000e+03`.
pub fn exp(f: f64, prec: usize, upper: bool) -> String {
    let s = alloc::format!("{:.*e}", prec, f);
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    let out = alloc::format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
    if upper { out.to_uppercase() } else { out }
}

/// `g` with `prec` significant digits.
pub fn general(f: f64, prec: usize, alt: bool, upper: bool) -> String {
    let p = prec.max(1);
    if f == 0.0 {
        return String::from(if f.is_sign_negative() { "-0" } else { "0" });
    }
    let e = {
        let s = alloc::format!("{:.*e}", p - 1, f);
        s.split_once('e')
            .and_then(|(_, e)| e.parse::<i32>().ok())
            .unwrap_or(0)
    };
    let mut out = if -4 <= e && e < p as i32 {
        fixed(f, (p as i32 - 1 - e).max(0) as usize)
    } else {
        exp(f, p - 1, upper)
    };
    if !alt {
        // Strip trailing zeros of the fraction (and a bare point).
        let (mant, tail) = match out.find(['e', 'E']) {
            Some(i) => (String::from(&out[..i]), String::from(&out[i..])),
            None => (out.clone(), String::new()),
        };
        let mant = if mant.contains('.') {
            String::from(mant.trim_end_matches('0').trim_end_matches('.'))
        } else {
            mant
        };
        out = mant + &tail;
    }
    out
}

/// A format spec's type `code` that `type_name` has no formatting for.
fn unknown_code(code: char, type_name: &str) -> PyErr {
    PyErr::new(
        ErrKind::ValueError,
        alloc::format!("unknown format code '{code}' for object of type '{type_name}'"),
    )
}

impl Interp {
    /// Text of `n` characters could not fit in the heap: `MemoryError` before building it.
    pub(crate) fn check_text_size(&self, n: usize) -> PResult<()> {
        if n > self.gc.heap.limit() {
            return Err(PyErr::new(
                ErrKind::MemoryError,
                alloc::format!("memory allocation failed, allocating {n} bytes"),
            ));
        }
        Ok(())
    }

    /// `format(v, spec)`.
    pub(crate) fn format_with(&mut self, v: Value, spec_text: &str) -> PResult<String> {
        if let Some(r) = self.special(v, Sym::__format__) {
            let s = self.str_value(spec_text)?;
            let out = self.call_value(r, &[v, s])?;
            return Ok(String::from(self.as_str(out).unwrap_or("")));
        }
        if spec_text.is_empty() {
            return self.str_of(v);
        }
        let spec = parse_spec(spec_text)?;
        self.check_text_size(spec.width)?;
        self.check_text_size(spec.precision.unwrap_or(0))?;
        let kind = spec.kind;
        if let Some(n) = self.num(v) {
            let is_int = !matches!(n, NumRef::Float(_));
            if is_int && matches!(kind, None | Some('d' | 'n' | 'b' | 'o' | 'x' | 'X' | 'c')) {
                return self.format_int(v, &spec);
            }
            if let Some(k) = kind.filter(|k| !"eEfFgGn%".contains(*k)) {
                return Err(unknown_code(k, self.type_name(v)));
            }
            let f = crate::num::to_f64(n)?;
            return Ok(format_float(f, &spec));
        }
        let s = self.str_of(v)?;
        if spec.align == Some('=') {
            return Err(PyErr::new(
                ErrKind::ValueError,
                "'=' alignment not allowed in string format specifier",
            ));
        }
        if spec.sign.is_some() {
            return Err(PyErr::new(
                ErrKind::ValueError,
                "sign not allowed in string format specifier",
            ));
        }
        if let Some(k) = kind.filter(|k| *k != 's') {
            return Err(unknown_code(k, self.type_name(v)));
        }
        let s = match spec.precision {
            Some(p) => s.chars().take(p).collect(),
            None => s,
        };
        Ok(pad(&spec, "", &s, false))
    }

    fn format_int(&mut self, v: Value, spec: &Spec) -> PResult<String> {
        let text = match self.num(v) {
            Some(NumRef::Int(i)) => i.to_string(),
            Some(NumRef::Big(b)) => b.to_string(),
            _ => String::new(),
        };
        let negative = text.starts_with('-');
        let digits = text.trim_start_matches('-');
        let radix = match spec.kind {
            Some('b') => 2,
            Some('o') => 8,
            Some('x' | 'X') => 16,
            Some('c') => {
                if spec.sign.is_some() {
                    return Err(PyErr::new(
                        ErrKind::ValueError,
                        "sign not allowed with integer format specifier 'c'",
                    ));
                }
                let c = self.format_char(v)?;
                return Ok(pad(spec, "", &c.to_string(), true));
            }
            _ => 10,
        };
        let mut body = if radix == 10 {
            String::from(digits)
        } else {
            let big = num_bigint::BigInt::parse_bytes(digits.as_bytes(), 10).unwrap_or_default();
            big.to_str_radix(radix)
        };
        if spec.kind == Some('X') {
            body = body.to_uppercase();
        }
        let prefix = match (spec.alt, spec.kind) {
            (true, Some('b')) => "0b",
            (true, Some('o')) => "0o",
            (true, Some('x')) => "0x",
            (true, Some('X')) => "0X",
            _ => "",
        };
        let sign = if negative {
            "-"
        } else {
            match spec.sign {
                Some('+') => "+",
                Some(' ') => " ",
                _ => "",
            }
        };
        if let Some(sep) = spec.grouping {
            let every = if radix == 10 { 3 } else { 4 };
            if spec.zero && spec.align.is_none() {
                // Zero padding is made of digits, so it is grouped too.
                let room = spec.width.saturating_sub(sign.len() + prefix.len());
                body = zero_fill_grouped(&body, every, room);
            }
            body = group_by(&body, sep, every);
        }
        // The base prefix sits with the sign, before any zero padding.
        Ok(pad(spec, &alloc::format!("{sign}{prefix}"), &body, true))
    }

    /// The character `%c` and `{:c}` format for the int `v`.
    fn format_char(&self, v: Value) -> PResult<char> {
        let code = match self.num(v) {
            Some(NumRef::Int(i)) => i,
            Some(NumRef::Big(_)) => {
                return Err(PyErr::new(
                    ErrKind::OverflowError,
                    "overflow converting long int to machine word",
                ));
            }
            _ => return Err(PyErr::type_error("integer needed")),
        };
        if !(0..0x110000).contains(&code) {
            return Err(PyErr::new(
                ErrKind::OverflowError,
                "char not in range(0x110000)",
            ));
        }
        // Text is UTF-8 here, so a lone surrogate has no representation.
        char::from_u32(code as u32)
            .ok_or_else(|| PyErr::new(ErrKind::ValueError, "surrogates not allowed"))
    }

    /// `FormatValue`: an f-string field.
    pub(crate) fn format_value(
        &mut self,
        v: Value,
        conv: u8,
        spec: Option<Value>,
    ) -> PResult<Value> {
        let v = match conv {
            b'r' | b'a' => {
                let s = self.repr(v)?;
                self.str_value(&s)?
            }
            b's' => {
                let s = self.str_of(v)?;
                self.str_value(&s)?
            }
            _ => v,
        };
        let spec_text = match spec {
            Some(s) => String::from(self.as_str(s).unwrap_or("")),
            None => String::new(),
        };
        if spec_text.is_empty() && self.as_str(v).is_some() {
            return Ok(v);
        }
        let out = self.rooted(&[v], |vm| vm.format_with(v, &spec_text));
        self.str_value(&out?)
    }

    /// `str.format(*args, **kwargs)`.
    pub(crate) fn str_format(
        &mut self,
        template: &str,
        args: &[Value],
        kwargs: &[(String, Value)],
    ) -> PResult<String> {
        let mut auto = Numbering::default();
        self.str_format_from(template, args, kwargs, &mut auto)
    }

    /// `str.format` with the automatic field counter shared with nested specs.
    fn str_format_from(
        &mut self,
        template: &str,
        args: &[Value],
        kwargs: &[(String, Value)],
        auto: &mut Numbering,
    ) -> PResult<String> {
        let chars: Vec<char> = template.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '{' && chars.get(i + 1) == Some(&'{') {
                out.push('{');
                i += 2;
                continue;
            }
            if c == '}' && chars.get(i + 1) == Some(&'}') {
                out.push('}');
                i += 2;
                continue;
            }
            if c == '}' {
                return Err(PyErr::new(
                    ErrKind::ValueError,
                    "single '}' encountered in format string",
                ));
            }
            if c != '{' {
                out.push(c);
                i += 1;
                continue;
            }
            // A field: {name[.attr|[key]]…[!conv][:spec]}
            let mut depth = 1;
            let mut j = i + 1;
            while j < chars.len() {
                match chars[j] {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            if j >= chars.len() {
                return Err(PyErr::new(
                    ErrKind::ValueError,
                    "expected '}' before end of string",
                ));
            }
            let field: String = chars[i + 1..j].iter().collect();
            i = j + 1;
            let (head, spec) = match field.find(':') {
                Some(k) => (&field[..k], &field[k + 1..]),
                None => (field.as_str(), ""),
            };
            let (name, conv) = match head.find('!') {
                Some(k) => {
                    let c = head[k + 1..].chars().next();
                    if !matches!(c, Some('r' | 's' | 'a')) || head[k + 1..].chars().count() != 1 {
                        return Err(PyErr::new(ErrKind::ValueError, "bad conversion specifier"));
                    }
                    (&head[..k], c)
                }
                None => (head, None),
            };
            let first_end = name.find(['.', '[']).unwrap_or(name.len());
            let first = &name[..first_end];
            let mut value = if first.is_empty() {
                args.get(auto.automatic()?)
                    .copied()
                    .ok_or_else(|| PyErr::new(ErrKind::IndexError, "tuple index out of range"))?
            } else if let Ok(n) = first.parse::<usize>() {
                auto.manual()?;
                args.get(n)
                    .copied()
                    .ok_or_else(|| PyErr::new(ErrKind::IndexError, "tuple index out of range"))?
            } else {
                kwargs
                    .iter()
                    .find(|(k, _)| k == first)
                    .map(|(_, v)| *v)
                    .ok_or_else(|| PyErr::new(ErrKind::KeyError, alloc::format!("'{first}'")))?
            };
            // Attribute and index accessors.
            let mut rest = &name[first_end..];
            while !rest.is_empty() {
                if let Some(r) = rest.strip_prefix('.') {
                    let end = r.find(['.', '[']).unwrap_or(r.len());
                    let id = self.interner.intern(&r[..end]);
                    value = self.getattr(value, id)?;
                    rest = &r[end..];
                } else if let Some(r) = rest.strip_prefix('[') {
                    let end = r.find(']').ok_or_else(|| {
                        PyErr::new(ErrKind::ValueError, "Missing ']' in format string")
                    })?;
                    let key_text = &r[..end];
                    let key = match key_text.parse::<i64>() {
                        Ok(n) => Value::Int(n),
                        Err(_) => self.str_value(key_text)?,
                    };
                    value = self.getitem(value, key)?;
                    rest = &r[end + 1..];
                } else {
                    break;
                }
            }
            let spec = if spec.contains('{') {
                self.str_format_from(spec, args, kwargs, auto)?
            } else {
                String::from(spec)
            };
            self.gc.temp_roots.push(value);
            let piece = match conv {
                Some('r' | 'a') => {
                    let s = self.repr(value)?;
                    let sv = self.str_value(&s)?;
                    self.format_with(sv, &spec)
                }
                Some('s') => {
                    let s = self.str_of(value)?;
                    let sv = self.str_value(&s)?;
                    self.format_with(sv, &spec)
                }
                _ => self.format_with(value, &spec),
            };
            self.gc.temp_roots.pop();
            out.push_str(&piece?);
        }
        Ok(out)
    }
}

/// How `str.format` numbers its positional fields: automatically (`{}`) or by index
/// (`{0}`); one string may not mix the two.
#[derive(Default)]
struct Numbering {
    next: usize,
    /// `Some(true)` once a field was numbered by hand, `Some(false)` once automatically.
    manual: Option<bool>,
}

impl Numbering {
    /// The index of the next automatically numbered field.
    fn automatic(&mut self) -> PResult<usize> {
        if self.manual == Some(true) {
            return Err(PyErr::new(
                ErrKind::ValueError,
                "can't switch from manual field specification to automatic field numbering",
            ));
        }
        self.manual = Some(false);
        self.next += 1;
        Ok(self.next - 1)
    }

    /// A field numbered by hand.
    fn manual(&mut self) -> PResult<()> {
        if self.manual == Some(false) {
            return Err(PyErr::new(
                ErrKind::ValueError,
                "can't switch from automatic field numbering to manual field specification",
            ));
        }
        self.manual = Some(true);
        Ok(())
    }
}

fn format_float(f: f64, spec: &Spec) -> String {
    let negative = f.is_sign_negative() && !(f.is_nan());
    let a = f.abs();
    let upper = matches!(spec.kind, Some('E' | 'F' | 'G'));
    let signed = negative || matches!(spec.sign, Some('+' | ' '));
    let mut body = if a.is_infinite() {
        String::from("inf")
    } else if a.is_nan() {
        String::from("nan")
    } else {
        match spec.kind {
            Some('f' | 'F') => fixed_or_general(a, spec.precision.unwrap_or(6), signed),
            Some('e' | 'E') => exp(a, spec.precision.unwrap_or(6), upper),
            Some('g' | 'G' | 'n') => general(a, spec.precision.unwrap_or(6), spec.alt, upper),
            Some('%') => fixed_or_general(a * 100.0, spec.precision.unwrap_or(6), signed) + "%",
            _ => match spec.precision {
                Some(p) => {
                    let g = general(a, p, spec.alt, false);
                    if g.contains(['.', 'e', 'n', 'i']) {
                        g
                    } else {
                        g + ".0"
                    }
                }
                None => {
                    let mut s = String::new();
                    float::write_repr(a, &mut s);
                    s
                }
            },
        }
    };
    if upper {
        body = body.to_uppercase();
    }
    if let Some(sep) = spec.grouping {
        let (int_part, frac) = match body.find(['.', 'e', 'E', '%']) {
            Some(i) => (String::from(&body[..i]), String::from(&body[i..])),
            None => (body.clone(), String::new()),
        };
        body = group(&int_part, sep) + &frac;
    }
    let sign = if negative {
        "-"
    } else {
        match spec.sign {
            Some('+') => "+",
            Some(' ') => " ",
            _ => "",
        }
    };
    pad(spec, sign, &body, true)
}

/// `template % args` for str and bytes.
pub fn percent(vm: &mut Interp, template: Value, args: Value) -> PResult<String> {
    let is_bytes = vm.as_str(template).is_none();
    let text = match vm.as_str(template) {
        Some(s) => String::from(s),
        None => vm
            .as_bytes(template)
            .unwrap_or(&[])
            .iter()
            .map(|&b| b as char)
            .collect(),
    };
    let args = match vm.payload(args) {
        Some(p) if matches!(p, Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::Tuple(_))) => p,
        _ => args,
    };
    let is_tuple = matches!(args, Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::Tuple(_)));
    let is_mapping = matches!(args, Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::Dict(_)));
    let items: Vec<Value> = if is_tuple {
        vm.tuple_items(args)
    } else {
        alloc::vec![args]
    };
    let mut next = 0usize;
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let not_enough = || PyErr::type_error("format string needs more arguments");
    while i < chars.len() {
        if chars[i] != '%' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        i += 1;
        if i >= chars.len() {
            return Err(PyErr::new(ErrKind::ValueError, "incomplete format"));
        }
        if chars[i] == '%' {
            out.push('%');
            i += 1;
            continue;
        }
        let mut key_value = None;
        if chars[i] == '(' {
            let end = chars[i..]
                .iter()
                .position(|c| *c == ')')
                .map(|p| p + i)
                .ok_or_else(|| PyErr::new(ErrKind::ValueError, "incomplete format key"))?;
            if !is_mapping {
                return Err(PyErr::type_error("format needs a dict"));
            }
            let key: String = chars[i + 1..end].iter().collect();
            let k = vm.str_value(&key)?;
            key_value = Some(vm.getitem(args, k)?);
            // The dict was the one argument: nothing is left for unnamed conversions.
            next = 1;
            i = end + 1;
        }
        let mut spec = Spec {
            fill: ' ',
            ..Spec::default()
        };
        while i < chars.len() && matches!(chars[i], '-' | '+' | ' ' | '#' | '0') {
            match chars[i] {
                '-' => spec.align = Some('<'),
                '+' => spec.sign = Some('+'),
                ' ' => spec.sign = spec.sign.or(Some(' ')),
                '#' => spec.alt = true,
                _ => spec.zero = true,
            }
            i += 1;
        }
        let mut take_star = |vm: &mut Interp| -> PResult<usize> {
            let v = *items.get(next).ok_or_else(not_enough)?;
            next += 1;
            Ok(vm.as_int(v).unwrap_or(0).max(0) as usize)
        };
        if i < chars.len() && chars[i] == '*' {
            spec.width = take_star(vm)?;
            i += 1;
        } else {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            spec.width = chars[start..i]
                .iter()
                .collect::<String>()
                .parse()
                .unwrap_or(0);
        }
        if i < chars.len() && chars[i] == '.' {
            i += 1;
            if i < chars.len() && chars[i] == '*' {
                spec.precision = Some(take_star(vm)?);
                i += 1;
            } else {
                let start = i;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                spec.precision = Some(
                    chars[start..i]
                        .iter()
                        .collect::<String>()
                        .parse()
                        .unwrap_or(0),
                );
            }
        }
        if spec.align == Some('<') {
            spec.zero = false;
        } else {
            // `%` conversions right-justify everything, text included.
            spec.align = Some(if spec.zero { '=' } else { '>' });
            if spec.zero {
                spec.fill = '0';
            }
        }
        vm.check_text_size(spec.width)?;
        vm.check_text_size(spec.precision.unwrap_or(0))?;
        let Some(&kind) = chars.get(i) else {
            return Err(PyErr::new(ErrKind::ValueError, "incomplete format"));
        };
        i += 1;
        let v = match key_value {
            Some(v) => v,
            None => {
                let v = *items.get(next).ok_or_else(not_enough)?;
                next += 1;
                v
            }
        };
        let piece = match kind {
            's' | 'r' | 'a' => {
                // In bytes formatting, %s of bytes inserts the bytes themselves.
                let raw = if is_bytes && kind == 's' {
                    vm.as_bytes(v)
                        .map(|b| b.iter().map(|&c| c as char).collect::<String>())
                } else {
                    None
                };
                let s = match raw {
                    Some(s) => s,
                    None if kind == 's' => vm.str_of(v)?,
                    None => vm.repr(v)?,
                };
                let s: String = match spec.precision {
                    Some(p) => s.chars().take(p).collect(),
                    None => s,
                };
                pad(&spec, "", &s, false)
            }
            'd' | 'i' | 'u' | 'x' | 'X' | 'o' | 'c' => {
                if kind == 'c' {
                    let c = match vm.as_str(v) {
                        Some(s) if s.chars().count() == 1 => String::from(s),
                        Some(_) => return Err(PyErr::type_error("%c needs int or char")),
                        None => String::from(vm.format_char(v)?),
                    };
                    pad(&spec, "", &c, false)
                } else {
                    let converted = match vm.num(v) {
                        Some(_) => None,
                        None => vm.call_special(v, Sym::__int__, &[])?,
                    };
                    let v = converted.unwrap_or(v);
                    let iv = match vm.num(v) {
                        // `%d` truncates a float; `%x` and `%o` refuse one.
                        Some(NumRef::Float(f)) if matches!(kind, 'd' | 'i' | 'u') => {
                            vm.num_value(crate::num::from_float(f)?)?
                        }
                        Some(NumRef::Float(_)) => {
                            return Err(PyErr::type_error("can't convert float to int"));
                        }
                        Some(_) => v,
                        None => {
                            return Err(PyErr::type_error(alloc::format!(
                                "can't convert {} to int",
                                vm.type_name(v)
                            )));
                        }
                    };
                    spec.kind = Some(match kind {
                        'x' => 'x',
                        'X' => 'X',
                        'o' => 'o',
                        _ => 'd',
                    });
                    match spec.precision.take() {
                        // A precision is a minimum number of digits, zero-filled, before
                        // the field is padded to its width.
                        Some(p) => {
                            let digits_spec = Spec {
                                fill: '0',
                                zero: true,
                                width: p,
                                kind: spec.kind,
                                alt: spec.alt,
                                ..Spec::default()
                            };
                            let mut body = vm.format_int(iv, &digits_spec)?;
                            if !body.starts_with('-') {
                                match spec.sign {
                                    Some('+') => body.insert(0, '+'),
                                    Some(' ') => body.insert(0, ' '),
                                    _ => {}
                                }
                            }
                            let negative = body.starts_with('-');
                            if negative && body.len() <= p {
                                body.insert(1, '0');
                            }
                            if !spec.zero {
                                spec.fill = ' ';
                            }
                            let (sign, digits) = match body.chars().next() {
                                Some(c @ ('-' | '+' | ' ')) => {
                                    (String::from(c), String::from(&body[1..]))
                                }
                                _ => (String::new(), body.clone()),
                            };
                            pad(&spec, &sign, &digits, true)
                        }
                        None => vm.format_int(iv, &spec)?,
                    }
                }
            }
            'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
                let f = vm.float_arg(v)?;
                spec.kind = Some(kind);
                format_float(f, &spec)
            }
            _ => {
                return Err(PyErr::new(
                    ErrKind::ValueError,
                    alloc::format!("unsupported format character '{kind}'"),
                ));
            }
        };
        out.push_str(&piece);
    }
    if is_tuple && next < items.len() {
        return Err(PyErr::type_error(
            "format string didn't convert all arguments",
        ));
    }
    Ok(out)
}
