//! The built-in functions, as a plain table of name → function, and the table of the
//! built-in types' constructors (each one lives in its type's file under `objects/`).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use crate::ast::BinOp;
use crate::error::{ErrKind, PyErr};
use crate::gc::{Obj, ObjRef};
use crate::interner::Sym;
use crate::num;
use crate::num::{Num, NumRef};
use crate::objects::array::new_array;
use crate::objects::bytes::{new_bytearray, new_bytes};
use crate::objects::class::Tag;
use crate::objects::complex::new_complex;
use crate::objects::descriptor::{new_classmethod, new_property, new_staticmethod};
use crate::objects::dict::new_dict;
use crate::objects::float::new_float;
use crate::objects::int::{new_bool, new_int};
use crate::objects::iter::Iter;
use crate::objects::list::new_list;
use crate::objects::memoryview::new_memoryview;
use crate::objects::object::{new_object, new_type};
use crate::objects::range::new_range;
use crate::objects::set::{new_frozenset, new_set};
use crate::objects::slice::new_slice;
use crate::objects::str::new_str;
use crate::objects::tuple::new_tuple;
use crate::value::Value;
use crate::vm::{Args, Interp, Native, NativeFn, PResult, VARARGS};

impl Interp {}

const FUNCTIONS: &[Native] = &[
    Native::new("print", print).args(0, VARARGS).kw(),
    Native::new("len", len).args(1, 1),
    Native::new("repr", repr).args(1, 1),
    Native::new("abs", abs).args(1, 1),
    Native::new("all", all).args(1, 1),
    Native::new("any", any).args(1, 1),
    Native::new("bin", bin).args(1, 1),
    Native::new("oct", oct).args(1, 1),
    Native::new("hex", hex).args(1, 1),
    Native::new("callable", callable).args(1, 1),
    Native::new("chr", chr).args(1, 1),
    Native::new("ord", ord).args(1, 1),
    Native::new("divmod", divmod).args(2, 2),
    Native::new("getattr", getattr).args(2, 3),
    Native::new("setattr", setattr).args(3, 3),
    Native::new("delattr", delattr).args(2, 2),
    Native::new("hasattr", hasattr).args(2, 2),
    Native::new("hash", hash).args(1, 1),
    Native::new("id", id).args(1, 1),
    Native::new("isinstance", isinstance).args(2, 2),
    Native::new("issubclass", issubclass).args(2, 2),
    Native::new("iter", iter).args(1, 2),
    Native::new("next", next).args(1, 2),
    Native::new("max", max).args(1, VARARGS).kw(),
    Native::new("min", min).args(1, VARARGS).kw(),
    Native::new("pow", pow).args(2, 3),
    Native::new("round", round).args(1, 2),
    Native::new("sorted", sorted).args(1, 1).kw(),
    Native::new("sum", sum).args(1, 2),
    Native::new("globals", globals).args(0, 0),
    Native::new("locals", locals).args(0, 0),
    Native::new("dir", dir).args(0, 1),
    Native::new("open", crate::modules::io::open)
        .args(1, 7)
        .kw(),
    Native::new("input", input).args(0, 1),
    Native::new("super", super_).args(2, 2),
    Native::new("exec", exec).args(1, 3),
    Native::new("compile", compile).args(3, 6),
    Native::new("help", help).args(0, 1),
    Native::new("__repl_print__", repl_print).args(1, 1),
    Native::new("eval", eval).args(1, 3),
    Native::new("const", const_).args(1, 1),
    Native::new("__import__", import_).args(1, 5),
    Native::new("__build_class__", build_class).args(2, VARARGS),
];

/// Constructors of the built-in types, registered as their classes' `__new__`.
pub fn constructor(tag: Tag) -> Option<NativeFn> {
    Some(match tag {
        Tag::Int => new_int,
        Tag::Bool => new_bool,
        Tag::Float => new_float,
        Tag::Complex => new_complex,
        Tag::Str => new_str,
        Tag::Bytes => new_bytes,
        Tag::ByteArray => new_bytearray,
        Tag::MemoryView => new_memoryview,
        Tag::Array => new_array,
        Tag::List => new_list,
        Tag::Tuple => new_tuple,
        Tag::Dict => new_dict,
        Tag::Set => new_set,
        Tag::FrozenSet => new_frozenset,
        Tag::Range => new_range,
        Tag::Slice => new_slice,
        Tag::Type => new_type,
        Tag::Property => new_property,
        Tag::ClassMethod => new_classmethod,
        Tag::StaticMethod => new_staticmethod,
        Tag::Object => new_object,
        _ => return None,
    })
}

pub fn init(interp: &mut Interp) {
    let mut attrs = crate::objects::class::Attrs::default();
    for f in FUNCTIONS.iter().chain(crate::modules::viper::CASTS) {
        let id = interp.natives.len() as u16;
        interp.natives.push(*f);
        let name = interp.interner.intern(f.name);
        attrs.insert(name, Value::Builtin(id));
    }
    let t = &interp.types;
    let mut named: Vec<(&str, Value)> = [
        ("object", t.object),
        ("type", t.type_),
        ("int", t.int),
        ("bool", t.bool_),
        ("float", t.float),
        ("complex", t.complex),
        ("str", t.str_),
        ("bytes", t.bytes),
        ("bytearray", t.bytearray),
        ("memoryview", t.memoryview),
        ("list", t.list),
        ("tuple", t.tuple),
        ("dict", t.dict),
        ("set", t.set),
        ("frozenset", t.frozenset),
        ("range", t.range),
        ("slice", t.slice),
        ("property", t.property),
        ("classmethod", t.classmethod),
        ("staticmethod", t.staticmethod),
    ]
    .into_iter()
    .map(|(n, r)| (n, Value::Obj(r)))
    .collect();
    named.push(("NotImplemented", Value::Obj(t.not_implemented)));
    named.push(("__debug__", Value::Bool(true)));
    named.push(("Ellipsis", Value::Obj(t.ellipsis)));
    for &kind in ErrKind::ALL {
        named.push((kind.name(), Value::Obj(t.exc(kind))));
    }
    let name = interp.name_str("builtins");
    named.push(("__name__", name));
    for (n, v) in named {
        let id = interp.interner.intern(n);
        attrs.insert(id, v);
    }
    // The lazy iterators are classes (so Python classes can derive from them) whose
    // native constructor makes the iterator.
    let object = interp.types.object;
    let iterators: [(&str, NativeFn); 5] = [
        ("enumerate", enumerate),
        ("filter", filter),
        ("map", map),
        ("zip", zip),
        ("reversed", reversed),
    ];
    for (name, make) in iterators {
        let class = crate::types::class(interp, name, &[object], Tag::Iterator);
        if let Obj::Class(c) = interp.gc.heap.get_mut(class) {
            c.make = Some(make);
        }
        attrs.insert(interp.interner.intern(name), Value::Obj(class));
    }
    let module = crate::objects::class::Module::new("builtins", attrs);
    interp.builtins = interp.alloc_root(Obj::Module(Box::new(module)));
}

/// `input(prompt='')`: a line from the console, `EOFError` when the input has ended.
fn input(vm: &mut Interp, a: Args) -> PResult<Value> {
    if a.len == 1 {
        let prompt = vm.str_of(vm.arg(a, 0))?;
        vm.platform.write_stdout(prompt.as_bytes());
    }
    match vm.platform.read_line() {
        Some(line) => vm.str_value(&line),
        None => {
            // Input ends when Ctrl-C interrupts the wait, too.
            vm.check_interrupt()?;
            Err(PyErr::bare(ErrKind::EOFError))
        }
    }
}

fn print(vm: &mut Interp, a: Args) -> PResult<Value> {
    let text_kw = |vm: &mut Interp, name: &str, default: &str| -> PResult<String> {
        match vm.kwarg(a, name) {
            None | Some(Value::None) => Ok(String::from(default)),
            Some(v) => match vm.as_str(v) {
                Some(s) => Ok(String::from(s)),
                None => Err(PyErr::type_error(alloc::format!(
                    "{name} must be None or a string"
                ))),
            },
        }
    };
    let sep = text_kw(vm, "sep", " ")?;
    let end = text_kw(vm, "end", "\n")?;
    let file = vm.kwarg(a, "file").filter(|f| *f != Value::None);
    if let Some(f) = file {
        // To a stream: each piece is its own write, as on MicroPython.
        for i in 0..a.len {
            if i > 0 && !sep.is_empty() {
                vm.stream_write_str(f, &sep)?;
            }
            let text = vm.str_of(vm.arg(a, i))?;
            vm.stream_write_str(f, &text)?;
        }
        if !end.is_empty() {
            vm.stream_write_str(f, &end)?;
        }
        return Ok(Value::None);
    }
    let mut line = String::new();
    for i in 0..a.len {
        if i > 0 {
            line.push_str(&sep);
        }
        let v = vm.arg(a, i);
        line.push_str(&vm.str_of(v)?);
    }
    line.push_str(&end);
    vm.platform.write_stdout(line.as_bytes());
    Ok(Value::None)
}

fn len(vm: &mut Interp, a: Args) -> PResult<Value> {
    let n = vm.len(vm.arg(a, 0))?;
    Ok(Value::Int(n as i64))
}

fn repr(vm: &mut Interp, a: Args) -> PResult<Value> {
    let s = vm.repr(vm.arg(a, 0))?;
    vm.str_value(&s)
}

fn abs(vm: &mut Interp, a: Args) -> PResult<Value> {
    let v = vm.arg(a, 0);
    if let Some(r) = vm.call_special(v, Sym::__abs__, &[])? {
        return Ok(r);
    }
    if let Value::Obj(r) = v
        && let Obj::Complex(re, im) = vm.gc.heap.get(r)
    {
        return Ok(Value::Float(crate::fmath::modulus(*re, *im)));
    }
    let r = match vm.num(v) {
        Some(NumRef::Float(f)) => Num::Float(f.abs()),
        Some(n @ (NumRef::Int(_) | NumRef::Big(_))) => {
            if num::compare(n, NumRef::Int(0)) == Some(core::cmp::Ordering::Less) {
                num::arith(BinOp::Sub, NumRef::Int(0), n)?
            } else {
                return Ok(if let Value::Bool(b) = v {
                    Value::Int(i64::from(b))
                } else {
                    v
                });
            }
        }
        None => {
            return Err(PyErr::type_error(alloc::format!(
                "unsupported type for __abs__: '{}'",
                vm.type_name(v)
            )));
        }
    };
    vm.num_value(r)
}

fn all(vm: &mut Interp, a: Args) -> PResult<Value> {
    let it = vm.iter(vm.arg(a, 0))?;
    vm.exec.stack.push(it);
    while let Some(v) = vm.next(it)? {
        if !vm.truthy(v)? {
            vm.exec.stack.pop();
            return Ok(Value::Bool(false));
        }
    }
    vm.exec.stack.pop();
    Ok(Value::Bool(true))
}

fn any(vm: &mut Interp, a: Args) -> PResult<Value> {
    let it = vm.iter(vm.arg(a, 0))?;
    vm.exec.stack.push(it);
    while let Some(v) = vm.next(it)? {
        if vm.truthy(v)? {
            vm.exec.stack.pop();
            return Ok(Value::Bool(true));
        }
    }
    vm.exec.stack.pop();
    Ok(Value::Bool(false))
}

fn radix(vm: &mut Interp, a: Args, kind: char) -> PResult<Value> {
    let v = vm.arg(a, 0);
    if !matches!(vm.num(v), Some(NumRef::Int(_) | NumRef::Big(_))) {
        return Err(PyErr::type_error(alloc::format!(
            "can't convert {} to int",
            vm.type_name(v)
        )));
    }
    let spec = alloc::format!("#{kind}");
    let s = vm.format_with(v, &spec)?;
    vm.str_value(&s)
}

fn bin(vm: &mut Interp, a: Args) -> PResult<Value> {
    radix(vm, a, 'b')
}

fn oct(vm: &mut Interp, a: Args) -> PResult<Value> {
    radix(vm, a, 'o')
}

fn hex(vm: &mut Interp, a: Args) -> PResult<Value> {
    radix(vm, a, 'x')
}

fn callable(vm: &mut Interp, a: Args) -> PResult<Value> {
    let v = vm.arg(a, 0);
    let yes = match v {
        Value::Builtin(_) => true,
        Value::Obj(r) => match vm.gc.heap.get(r) {
            Obj::Function(_) | Obj::BoundMethod(..) | Obj::Class(_) => true,
            Obj::Instance(_) => vm.special(v, Sym::__call__).is_some(),
            _ => false,
        },
        _ => false,
    };
    Ok(Value::Bool(yes))
}

fn chr(vm: &mut Interp, a: Args) -> PResult<Value> {
    let i = vm.int_arg(vm.arg(a, 0))?;
    if !(0..0x110000).contains(&i) {
        return Err(PyErr::new(
            ErrKind::ValueError,
            "char not in range(0x110000)",
        ));
    }
    // Text is UTF-8 here, so a lone surrogate has no representation.
    let c = char::from_u32(i as u32)
        .ok_or_else(|| PyErr::new(ErrKind::ValueError, "surrogates not allowed"))?;
    let mut buf = [0u8; 4];
    vm.str_value(c.encode_utf8(&mut buf))
}

fn ord(vm: &mut Interp, a: Args) -> PResult<Value> {
    let v = vm.arg(a, 0);
    if let Some(s) = vm.as_str(v) {
        let mut chars = s.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            return Ok(Value::Int(i64::from(c as u32)));
        }
        let n = s.chars().count();
        return Err(PyErr::type_error(alloc::format!(
            "ord() expected a character, but string of length {n} found"
        )));
    }
    if let Some(b) = vm.as_bytes(v)
        && b.len() == 1
    {
        return Ok(Value::Int(i64::from(b[0])));
    }
    Err(PyErr::type_error("ord() expected a character"))
}

fn divmod(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (x, y) = (vm.arg(a, 0), vm.arg(a, 1));
    let q = vm.binary(BinOp::FloorDiv, x, y, false)?;
    vm.exec.stack.push(q);
    let r = vm.binary(BinOp::Mod, x, y, false);
    vm.exec.stack.pop();
    let r = r?;
    vm.tuple(alloc::vec![q, r])
}

fn make_iter(vm: &mut Interp, it: Iter) -> PResult<Value> {
    vm.alloc(Obj::Iter(Box::new(it)))
}

fn enumerate(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "enumerate", 0, 2)?;
    let start = match vm
        .kwarg(a, "start")
        .or_else(|| (a.len > 1).then(|| vm.arg(a, 1)))
    {
        Some(v) => vm.int_arg(v)?,
        None => 0,
    };
    let source = match (a.len, vm.kwarg(a, "iterable")) {
        (0, Some(v)) => v,
        (0, None) => {
            return Err(PyErr::type_error(
                "enumerate() missing required argument 'iterable'",
            ));
        }
        _ => vm.arg(a, 0),
    };
    let it = vm.iter(source)?;
    vm.exec.stack.push(it);
    let r = make_iter(
        vm,
        Iter::Enumerate {
            iter: it,
            count: start,
        },
    );
    vm.exec.stack.pop();
    r
}

fn filter(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "filter", 2, 2)?;
    let it = vm.iter(vm.arg(a, 1))?;
    vm.exec.stack.push(it);
    let r = make_iter(
        vm,
        Iter::Filter {
            func: vm.arg(a, 0),
            iter: it,
        },
    );
    vm.exec.stack.pop();
    r
}

fn iters_of(vm: &mut Interp, a: Args, from: usize) -> PResult<Vec<Value>> {
    let mark = vm.exec.stack.len();
    let mut its = Vec::new();
    for i in from..a.len {
        match vm.iter(vm.arg(a, i)) {
            Ok(it) => {
                vm.exec.stack.push(it);
                its.push(it);
            }
            Err(e) => {
                vm.exec.stack.truncate(mark);
                return Err(e);
            }
        }
    }
    vm.exec.stack.truncate(mark);
    vm.gc.temp_roots.extend_from_slice(&its);
    Ok(its)
}

fn map(vm: &mut Interp, a: Args) -> PResult<Value> {
    let tr_mark = vm.gc.temp_roots.len();
    if a.len < 2 {
        return Err(PyErr::type_error("map must have at least 2 arguments"));
    }
    let its = iters_of(vm, a, 1)?;
    let r = make_iter(
        vm,
        Iter::Map {
            func: vm.arg(a, 0),
            iters: its,
        },
    );
    vm.gc.temp_roots.truncate(tr_mark);
    r
}

fn zip(vm: &mut Interp, a: Args) -> PResult<Value> {
    let tr_mark = vm.gc.temp_roots.len();
    let its = iters_of(vm, a, 0)?;
    let r = make_iter(vm, Iter::Zip(its));
    vm.gc.temp_roots.truncate(tr_mark);
    r
}

fn reversed(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "reversed", 1, 1)?;
    let v = vm.arg(a, 0);
    if let Some(r) = vm.call_special(v, Sym::__reversed__, &[])? {
        return Ok(r);
    }
    let seq = match v {
        Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::Range(..)) => {
            let items = vm.collect_iterable(v)?;
            vm.alloc(Obj::List(items))?
        }
        Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::Dict(_)) => {
            let items = vm.collect_iterable(v)?;
            vm.alloc(Obj::List(items))?
        }
        _ => v,
    };
    vm.exec.stack.push(seq);
    let n = vm.len(seq);
    let r = n.and_then(|n| make_iter(vm, Iter::Reversed { seq, index: n }));
    vm.exec.stack.pop();
    r
}

fn name_arg(vm: &mut Interp, v: Value) -> PResult<u32> {
    match vm.as_str(v) {
        Some(s) => {
            let s = String::from(s);
            Ok(vm.interner.intern(&s))
        }
        None => Err(PyErr::type_error("attribute name must be string")),
    }
}

fn getattr(vm: &mut Interp, a: Args) -> PResult<Value> {
    let name = name_arg(vm, vm.arg(a, 1))?;
    match vm.getattr(vm.arg(a, 0), name) {
        Err(e) if e.kind == ErrKind::AttributeError && a.len == 3 => Ok(vm.arg(a, 2)),
        r => r,
    }
}

fn setattr(vm: &mut Interp, a: Args) -> PResult<Value> {
    let name = name_arg(vm, vm.arg(a, 1))?;
    vm.setattr(vm.arg(a, 0), name, vm.arg(a, 2))?;
    Ok(Value::None)
}

fn delattr(vm: &mut Interp, a: Args) -> PResult<Value> {
    let name = name_arg(vm, vm.arg(a, 1))?;
    vm.delattr(vm.arg(a, 0), name)?;
    Ok(Value::None)
}

fn hasattr(vm: &mut Interp, a: Args) -> PResult<Value> {
    let name = name_arg(vm, vm.arg(a, 1))?;
    match vm.getattr(vm.arg(a, 0), name) {
        Ok(_) => Ok(Value::Bool(true)),
        Err(e) if e.kind == ErrKind::AttributeError => Ok(Value::Bool(false)),
        Err(e) => Err(e),
    }
}

fn hash(vm: &mut Interp, a: Args) -> PResult<Value> {
    let v = vm.arg(a, 0);
    if let Some(i) = vm.as_int(v) {
        return Ok(Value::Int(i));
    }
    let h = vm.hash(v)?;
    Ok(Value::Int(h as i64))
}

fn id(vm: &mut Interp, a: Args) -> PResult<Value> {
    Ok(Value::Int(match vm.arg(a, 0) {
        Value::Obj(r) => crate::runtime::obj_id(r) as i64,
        v => vm.hash(v)? as i64,
    }))
}

fn class_arg(vm: &Interp, v: Value, out: &mut Vec<crate::gc::ObjRef>) -> PResult<()> {
    match v {
        Value::Obj(r) => match vm.gc.heap.get(r) {
            Obj::Class(_) => {
                out.push(r);
                Ok(())
            }
            Obj::Tuple(items) => {
                for i in items.iter().copied() {
                    class_arg(vm, i, out)?;
                }
                Ok(())
            }
            _ => Err(PyErr::type_error(
                "isinstance() arg 2 must be a class, type, or tuple of classes",
            )),
        },
        _ => Err(PyErr::type_error(
            "isinstance() arg 2 must be a class, type, or tuple of classes",
        )),
    }
}

fn isinstance(vm: &mut Interp, a: Args) -> PResult<Value> {
    let mut classes = Vec::new();
    class_arg(vm, vm.arg(a, 1), &mut classes)?;
    let v = vm.arg(a, 0);
    Ok(Value::Bool(classes.iter().any(|c| vm.is_instance(v, *c))))
}

fn issubclass(vm: &mut Interp, a: Args) -> PResult<Value> {
    let mut classes = Vec::new();
    class_arg(vm, vm.arg(a, 1), &mut classes)?;
    let Value::Obj(c) = vm.arg(a, 0) else {
        return Err(PyErr::type_error("issubclass() arg 1 must be a class"));
    };
    if !matches!(vm.gc.heap.get(c), Obj::Class(_)) {
        return Err(PyErr::type_error("issubclass() arg 1 must be a class"));
    }
    Ok(Value::Bool(classes.iter().any(|k| vm.is_subclass(c, *k))))
}

fn iter(vm: &mut Interp, a: Args) -> PResult<Value> {
    if a.len == 2 {
        return make_iter(
            vm,
            Iter::Call {
                func: vm.arg(a, 0),
                sentinel: vm.arg(a, 1),
            },
        );
    }
    vm.iter(vm.arg(a, 0))
}

fn next(vm: &mut Interp, a: Args) -> PResult<Value> {
    let it = vm.arg(a, 0);
    let is_iter = match it {
        Value::Obj(r) => match vm.gc.heap.get(r) {
            Obj::Iter(_) | Obj::Generator(_) => true,
            Obj::Instance(_) => vm.special(it, Sym::__next__).is_some(),
            _ => false,
        },
        _ => false,
    };
    if !is_iter {
        return Err(PyErr::type_error(alloc::format!(
            "'{}' object isn't an iterator",
            vm.type_name(it)
        )));
    }
    if let Some(f) = vm.special(it, Sym::__next__) {
        // A Python iterator's own StopIteration (with its value) propagates as raised.
        return match vm.call_value(f, &[it]) {
            Err(e) if e.kind == ErrKind::StopIteration && a.len == 2 => Ok(vm.arg(a, 1)),
            r => r,
        };
    }
    if matches!(it, Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::Generator(_))) {
        return match vm.gen_resume(it, Value::None, None)? {
            crate::call::GenOut::Yield(v) => Ok(v),
            crate::call::GenOut::Return(_) if a.len == 2 => Ok(vm.arg(a, 1)),
            crate::call::GenOut::Return(v) => Err(vm.stop_iteration(v)),
        };
    }
    vm.exec.last_stop = None;
    match vm.next(it)? {
        Some(v) => Ok(v),
        None if a.len == 2 => Ok(vm.arg(a, 1)),
        None => Err(vm
            .exec
            .last_stop
            .take()
            .unwrap_or_else(|| PyErr::bare(ErrKind::StopIteration))),
    }
}

fn min_max(vm: &mut Interp, a: Args, name: &str, want: crate::ast::CmpOp) -> PResult<Value> {
    let tr_mark = vm.gc.temp_roots.len();
    // One iterable is streamed, never collected: `max(range(10**6))` needs no memory.
    let (iter, items) = if a.len == 1 {
        (Some(vm.iter(vm.arg(a, 0))?), Vec::new())
    } else {
        (None, vm.args_vec(a))
    };
    let key = vm.kwarg(a, "key").filter(|k| *k != Value::None);
    // Roots: the iterator, then the best item and its key (overwritten as they change).
    vm.gc.temp_roots.push(iter.unwrap_or(Value::None));
    vm.gc
        .temp_roots
        .extend_from_slice(&[Value::None, Value::None]);
    let mut best: Option<(Value, Value)> = None;
    let mut result = Ok(());
    let mut index = 0;
    loop {
        let item = match iter {
            Some(it) => match vm.next(it) {
                Ok(Some(x)) => x,
                Ok(None) => break,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            },
            None if index < items.len() => items[index],
            None => break,
        };
        index += 1;
        vm.gc.temp_roots.push(item);
        let k = match key {
            Some(f) => match vm.call_value(f, &[item]) {
                Ok(k) => k,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            },
            None => item,
        };
        vm.gc.temp_roots.push(k);
        let better = match best {
            None => true,
            Some((_, bk)) => match vm.compare(want, k, bk) {
                Ok(Value::Bool(b)) => b,
                Ok(_) => false,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            },
        };
        if better {
            best = Some((item, k));
            vm.gc.temp_roots[tr_mark + 1] = item;
            vm.gc.temp_roots[tr_mark + 2] = k;
        }
        vm.gc.temp_roots.truncate(tr_mark + 3);
    }
    vm.gc.temp_roots.truncate(tr_mark);
    result?;
    match best {
        Some((v, _)) => Ok(v),
        None => match vm.kwarg(a, "default") {
            Some(d) => Ok(d),
            None => Err(PyErr::new(
                ErrKind::ValueError,
                alloc::format!("{name}() arg is an empty sequence"),
            )),
        },
    }
}

fn max(vm: &mut Interp, a: Args) -> PResult<Value> {
    min_max(vm, a, "max", crate::ast::CmpOp::Gt)
}

fn min(vm: &mut Interp, a: Args) -> PResult<Value> {
    min_max(vm, a, "min", crate::ast::CmpOp::Lt)
}

fn pow(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (x, y) = (vm.arg(a, 0), vm.arg(a, 1));
    if a.len == 3 && vm.arg(a, 2) != Value::None {
        let m = vm.arg(a, 2);
        let (Some(bx), Some(by), Some(bm)) = (big(vm, x), big(vm, y), big(vm, m)) else {
            return Err(PyErr::type_error(
                "pow() 3rd argument not allowed unless all arguments are integers",
            ));
        };
        if bm == num_bigint::BigInt::from(0) {
            return Err(PyErr::new(
                ErrKind::ValueError,
                "pow() 3rd argument cannot be 0",
            ));
        }
        if by < num_bigint::BigInt::from(0) {
            return Err(PyErr::new(
                ErrKind::ValueError,
                "pow() 2nd argument cannot be negative when 3rd argument specified",
            ));
        }
        // The result takes the sign of the modulus, as `%` does.
        let r = num_integer::Integer::mod_floor(&bx.modpow(&by, &bm), &bm);
        return vm.num_value(num::normalize(r));
    }
    vm.binary(BinOp::Pow, x, y, false)
}

fn big(vm: &Interp, v: Value) -> Option<num_bigint::BigInt> {
    match vm.num(v)? {
        NumRef::Int(i) => Some(num_bigint::BigInt::from(i)),
        NumRef::Big(b) => Some(b.clone()),
        NumRef::Float(_) => None,
    }
}

fn round(vm: &mut Interp, a: Args) -> PResult<Value> {
    let v = vm.arg(a, 0);
    let ndigits = if a.len == 2 && vm.arg(a, 1) != Value::None {
        Some(vm.int_arg(vm.arg(a, 1))?)
    } else {
        None
    };
    match vm.num(v) {
        Some(NumRef::Float(f)) => round_float(vm, f, ndigits),
        Some(n @ (NumRef::Int(_) | NumRef::Big(_))) => {
            let Some(digits) = ndigits.filter(|d| *d < 0) else {
                // An int (`round(True)` is `1`).
                return Ok(match n {
                    NumRef::Int(i) => Value::Int(i),
                    _ => v,
                });
            };
            let n = match n {
                NumRef::Int(i) => num_bigint::BigInt::from(i),
                NumRef::Big(b) => b.clone(),
                NumRef::Float(_) => unreachable!("matched ints"),
            };
            let r = round_int(&n, digits.unsigned_abs());
            vm.num_value(num::normalize(r))
        }
        // Anything else rounds as its float value (MicroPython has no `__round__`).
        None => {
            let f = vm.float_arg(v)?;
            round_float(vm, f, ndigits)
        }
    }
}

/// `n` rounded to a multiple of `10**places`, halves to the even multiple.
fn round_int(n: &num_bigint::BigInt, places: u64) -> num_bigint::BigInt {
    use num_integer::Integer;
    // Past the number's own digits every multiple but zero is farther away.
    if places > n.bits() {
        return num_bigint::BigInt::default();
    }
    let m = num_bigint::BigInt::from(10u32).pow(places as u32);
    let (mut q, r) = n.div_mod_floor(&m);
    let twice = r * 2u32;
    if twice > m || (twice == m && q.is_odd()) {
        q += 1u32;
    }
    q * m
}

/// `round(f)` (an int) or `round(f, ndigits)` (a float).
fn round_float(vm: &mut Interp, f: f64, ndigits: Option<i64>) -> PResult<Value> {
    let Some(n) = ndigits else {
        return vm.num_value(num::from_float(crate::fmath::rint(f))?);
    };
    let m = libm::pow(10.0, n as f64);
    let scaled = f * m;
    let r = crate::fmath::rint(scaled) / m;
    Ok(Value::Float(if r.is_finite() { r } else { f }))
}

fn sorted(vm: &mut Interp, a: Args) -> PResult<Value> {
    let items = vm.collect_iterable(vm.arg(a, 0))?;
    let list = vm.alloc(Obj::List(items))?;
    vm.exec.stack.push(list);
    let r = crate::objects::list::sort_list(vm, list, vm.kwarg(a, "key"), vm.kwarg(a, "reverse"));
    vm.exec.stack.pop();
    r.map(|()| list)
}

fn sum(vm: &mut Interp, a: Args) -> PResult<Value> {
    let mut total = if a.len == 2 {
        vm.arg(a, 1)
    } else {
        Value::Int(0)
    };
    let it = vm.iter(vm.arg(a, 0))?;
    vm.exec.stack.push(it);
    vm.exec.stack.push(total);
    let at = vm.exec.stack.len() - 1;
    let mut result = Ok(());
    loop {
        match vm.next(it) {
            Ok(Some(v)) => match vm.binary(BinOp::Add, total, v, false) {
                Ok(t) => {
                    total = t;
                    vm.exec.stack[at] = t;
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            },
            Ok(None) => break,
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    vm.exec.stack.truncate(at - 1);
    result.map(|()| total)
}

/// `globals()`: the caller's global namespace as a dict (the namespace itself).
fn globals(vm: &mut Interp, _a: Args) -> PResult<Value> {
    let module = vm.exec.frames.last().map_or(vm.main, |f| f.module);
    vm.module_dict(module)
}

/// `locals()`: a class body's namespace (a copy), the dict given to `exec` as locals, or,
/// in functions and at module level, the globals (as on MicroPython).
fn locals(vm: &mut Interp, a: Args) -> PResult<Value> {
    match vm.exec.frames.last().and_then(|f| f.ns) {
        Some(ns) => {
            let name = Sym::__dict__.id();
            match vm.gc.heap.get(ns) {
                Obj::Dict(_) => Ok(Value::Obj(ns)),
                _ => vm.getattr(Value::Obj(ns), name),
            }
        }
        None => globals(vm, a),
    }
}

fn dir(vm: &mut Interp, a: Args) -> PResult<Value> {
    let mut names: Vec<u32> = Vec::new();
    if a.len == 0 {
        let module = vm.exec.frames.last().map_or(vm.main, |f| f.module);
        names.extend(vm.namespace_items(module).into_iter().map(|(k, _)| k));
    } else {
        let v = vm.arg(a, 0);
        // An instance's own `__dir__` (defined in Python) gives the list.
        if let Some(r) = vm.call_special(v, Sym::__dir__, &[])? {
            return Ok(r);
        }
        names = vm.attribute_names(v);
    }
    names_list(vm, names)
}

impl Interp {
    /// The names `dir(v)` lists (without a `__dir__` of its own): a module's names, or an
    /// instance's attributes and those of its class and bases.
    pub(crate) fn attribute_names(&mut self, v: Value) -> Vec<u32> {
        let mut names = Vec::new();
        if let Value::Obj(r) = v {
            match self.gc.heap.get(r) {
                Obj::Instance(i) => names.extend(i.attrs.keys()),
                Obj::Module(_) => {
                    // A module's own names only: those of the module type can't be
                    // fetched from it.
                    names.extend(self.namespace_items(r).into_iter().map(|(k, _)| k));
                    names.push(Sym::__class__.id());
                    return names;
                }
                _ => {}
            }
        }
        let class = match v {
            Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Class(_)) => r,
            _ => self.class_of(v),
        };
        for k in self.mro_of(class) {
            if let Obj::Class(c) = self.gc.heap.get(k) {
                names.extend(c.attrs.keys());
            }
        }
        names
    }
}

/// The sorted, deduplicated list of names for `dir`.
fn names_list(vm: &mut Interp, names: Vec<u32>) -> PResult<Value> {
    let mut texts: Vec<String> = names
        .iter()
        .map(|n| String::from(vm.interner.name(*n)))
        .collect();
    texts.sort();
    texts.dedup();
    let list = vm.alloc(Obj::List(Vec::new()))?;
    vm.exec.stack.push(list);
    for t in texts {
        let s = vm.str_value(&t)?;
        vm.list_append(list, s)?;
    }
    vm.exec.stack.pop();
    Ok(list)
}

/// Run source text for `exec`/`eval`, in the caller's module or in a `globals` dict.
fn run_text(vm: &mut Interp, a: Args, mode: crate::Mode) -> PResult<Value> {
    let src = vm.arg(a, 0);
    let compiled = vm.data_ref::<CodeObject>(src).map(|c| c.code.clone());
    let text = match vm.as_str(src) {
        _ if compiled.is_some() => String::new(),
        Some(s) => String::from(s),
        None => match vm.as_bytes(src) {
            Some(b) => String::from_utf8_lossy(b).into_owned(),
            None => return Err(PyErr::type_error("exec() arg 1 must be a string or bytes")),
        },
    };
    let (module, ns) = match vm.exec.frames.last() {
        Some(f) => (f.module, f.ns),
        None => (vm.main, None),
    };
    // The code runs with the dicts given as its namespaces, not copies of them.
    let (globals, locals) = match namespace_arg(vm, a, 1, "globals")? {
        Some(g) => (g, namespace_arg(vm, a, 2, "locals")?.filter(|l| *l != g)),
        None if a.len > 2 => (module, namespace_arg(vm, a, 2, "locals")?),
        None => (module, ns),
    };
    let code = match compiled {
        Some(code) => code,
        None => vm.compile_source(&text, "<string>", mode)?,
    };
    vm.run_code_in(code, globals, locals)
}

/// `__repl_print__(value)`: print a value as the REPL does (MicroPython's hook).
fn repl_print(vm: &mut Interp, a: Args) -> PResult<Value> {
    let module = vm.exec.frames.last().map_or(vm.main, |f| f.module);
    vm.repl_print(vm.arg(a, 0), module)?;
    Ok(Value::None)
}

/// What `compile` makes: code ready to run with `exec` or `eval`.
#[derive(Debug)]
struct CodeObject {
    code: alloc::rc::Rc<crate::bytecode::Code>,
}

impl crate::objects::data::Data for CodeObject {
    fn trace(&self, f: &mut dyn FnMut(Value)) {
        self.code.trace(f);
    }
}

static CODE: crate::objects::data::ClassSpec = crate::objects::data::ClassSpec {
    name: "code",
    base: None,
    methods: &[],
    make: None,
};

/// `compile(source, filename, mode)`: `mode` is `'exec'`, `'eval'` or `'single'` (an
/// interactive statement, whose expression values are printed).
fn compile(vm: &mut Interp, a: Args) -> PResult<Value> {
    let src = vm.arg(a, 0);
    let text = match vm.as_str(src) {
        Some(s) => String::from(s),
        None => match vm.as_bytes(src) {
            Some(b) => String::from_utf8_lossy(b).into_owned(),
            None => {
                return Err(PyErr::type_error(alloc::format!(
                    "can't convert '{}' object to str implicitly",
                    vm.type_name(src)
                )));
            }
        },
    };
    let Some(filename) = vm.as_str(vm.arg(a, 1)).map(String::from) else {
        return Err(PyErr::type_error("compile() arg 2 must be a string"));
    };
    let mode = match vm.as_str(vm.arg(a, 2)) {
        Some("exec") => crate::Mode::File,
        Some("eval") => crate::Mode::Eval,
        Some("single") => crate::Mode::Single,
        _ => return Err(PyErr::new(ErrKind::ValueError, "bad compile mode")),
    };
    let code = vm.compile_source(&text, &filename, mode)?;
    // The constants are rooted through the running list until the code object holds them.
    vm.exec.running.push(code.clone());
    let made = vm.new_data(&CODE, CodeObject { code });
    vm.exec.running.pop();
    made
}

/// `help()`: how to use the REPL; `help(obj)`: an object's type and the names of its
/// module or class; `help('modules')`: the modules built in.
fn help(vm: &mut Interp, a: Args) -> PResult<Value> {
    let mut out = String::new();
    if a.len == 0 {
        out.push_str(HELP_TEXT);
    } else if vm.as_str(vm.arg(a, 0)) == Some("modules") {
        let mut names = Interp::builtin_module_names();
        names.sort_unstable();
        names.dedup();
        help_columns(&mut out, &names);
        out.push_str("Plus any modules on the filesystem\n");
    } else {
        let obj = vm.arg(a, 0);
        let text = vm.str_of(obj)?;
        let class = vm.class_of(obj);
        let type_name = String::from(vm.class_name(class));
        out.push_str(&alloc::format!("object {text} is of type {type_name}\n"));
        let namespace = match obj {
            Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::Module(_) | Obj::Class(_)) => r,
            _ => class,
        };
        let mut items: Vec<(String, Value)> = vm
            .namespace_items(namespace)
            .into_iter()
            .map(|(name, value)| (String::from(vm.interner.name(name)), value))
            .collect();
        items.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, value) in items {
            let value = vm.str_of(value)?;
            out.push_str(&alloc::format!("  {name} -- {value}\n"));
        }
    }
    vm.platform.write_stdout(out.as_bytes());
    Ok(Value::None)
}

const HELP_TEXT: &str = "Welcome to Copperhead, a MicroPython-compatible Python!

Control commands:
  CTRL-A        -- on a blank line, enter raw REPL mode
  CTRL-B        -- on a blank line, enter normal REPL mode
  CTRL-C        -- interrupt a running program
  CTRL-D        -- on a blank line, exit or do a soft reset
  CTRL-E        -- on a blank line, enter paste mode

For help on an object, type help(obj); for the modules built in, help('modules').
";

/// `names` in four columns, filled column by column, 18 characters wide.
fn help_columns(out: &mut String, names: &[&str]) {
    const COLUMNS: usize = 4;
    const WIDTH: usize = 18;
    let rows = names.len().div_ceil(COLUMNS);
    for row in 0..rows {
        for (i, name) in names.iter().skip(row).step_by(rows).enumerate() {
            out.push_str(name);
            // The next column starts at the next multiple of the width past this name.
            if row + (i + 1) * rows < names.len() {
                let gap = WIDTH - name.chars().count() % WIDTH;
                out.extend(core::iter::repeat_n(' ', gap));
            }
        }
        out.push('\n');
    }
}

/// The `globals` or `locals` argument of `exec`/`eval`: a dict, or `None` when absent.
fn namespace_arg(vm: &Interp, a: Args, i: usize, what: &str) -> PResult<Option<ObjRef>> {
    if a.len <= i || vm.arg(a, i) == Value::None {
        return Ok(None);
    }
    let v = vm.arg(a, i);
    match vm.payload(v).unwrap_or(v) {
        Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::Dict(_)) => Ok(Some(r)),
        _ => Err(PyErr::type_error(alloc::format!("{what} must be a dict"))),
    }
}

fn exec(vm: &mut Interp, a: Args) -> PResult<Value> {
    run_text(vm, a, crate::Mode::File).map(|_| Value::None)
}

fn eval(vm: &mut Interp, a: Args) -> PResult<Value> {
    run_text(vm, a, crate::Mode::Eval)
}

/// `const(x)`: MicroPython's compile-time constant marker; the value itself.
fn const_(vm: &mut Interp, a: Args) -> PResult<Value> {
    Ok(vm.arg(a, 0))
}

/// `__import__(name, globals=None, locals=None, fromlist=(), level=0)`.
pub(crate) fn import_(vm: &mut Interp, a: Args) -> PResult<Value> {
    let name = match vm.as_str(vm.arg(a, 0)) {
        Some(s) => String::from(s),
        None => return Err(PyErr::type_error("__import__() argument 1 must be str")),
    };

    let fromlist = if a.len > 3 { vm.arg(a, 3) } else { Value::None };
    let fromlist = if vm.truthy(fromlist)? {
        fromlist
    } else {
        Value::None
    };
    let level = if a.len > 4 {
        vm.int_arg(vm.arg(a, 4))?
    } else {
        0
    };
    if level < 0 {
        return Err(PyErr::new(ErrKind::ValueError, "level must be >= 0"));
    }
    // (`from . import x` imports the package itself: no name, level 1.)
    if name.is_empty() && level == 0 {
        return Err(PyErr::new(ErrKind::ValueError, "empty module name"));
    }
    // The globals (whose `__name__` is the importing module) matter only for relative
    // imports; without them the import is relative to the caller's module.
    let caller = vm.exec.frames.last().map_or(vm.main, |f| f.module);
    let importer = if level > 0 {
        namespace_arg(vm, a, 1, "globals")?.unwrap_or(caller)
    } else {
        caller
    };
    let id = vm.interner.intern(&name);
    vm.import(id, fromlist, Value::Int(level), importer)
}

/// `__build_class__(body, name, *bases)`: what a `class` statement calls.
pub(crate) fn build_class(vm: &mut Interp, a: Args) -> PResult<Value> {
    let bases = vm.exec.stack[a.start + 2..a.start + a.len].to_vec();
    let bases = vm.tuple(bases)?;

    vm.rooted(&[bases], |vm| {
        vm.make_class(vm.arg(a, 0), vm.arg(a, 1), bases)
    })
}

impl Interp {
    /// The builtin `name` if Python code replaced it (`builtins.__import__ = f`): `None`
    /// while it is still the native `original`.
    pub(crate) fn overridden_builtin(&mut self, name: &str, original: NativeFn) -> Option<Value> {
        let id = self.interner.intern(name);
        match self.module_get(self.builtins, id)? {
            Value::Builtin(n) if core::ptr::fn_addr_eq(self.natives[n as usize].func, original) => {
                None
            }
            v => Some(v),
        }
    }

    /// A `class` statement: `__build_class__(body, name, *bases)`.
    pub(crate) fn class_statement(
        &mut self,
        body: Value,
        name: Value,
        bases: Value,
    ) -> PResult<Value> {
        match self.overridden_builtin("__build_class__", build_class) {
            None => self.make_class(body, name, bases),
            Some(f) => {
                let mut args = alloc::vec![body, name];
                args.extend(self.tuple_items(bases));
                self.call_value(f, &args)
            }
        }
    }

    /// An `import` statement: the built-in import, or the `__import__` put in its place,
    /// called as `__import__(name, globals, None, fromlist, level)`.
    pub(crate) fn import_statement(
        &mut self,
        name: u32,
        fromlist: Value,
        level: Value,
        module: ObjRef,
    ) -> PResult<Value> {
        match self.overridden_builtin("__import__", import_) {
            None => self.import(name, fromlist, level, module),
            Some(f) => {
                let text = self.interner.name_rc(name);
                let name = self.name_str(&text);
                let globals = self.module_dict(module)?;
                self.call_value(f, &[name, globals, Value::None, fromlist, level])
            }
        }
    }
}

fn super_(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (class, obj) = (vm.arg(a, 0), vm.arg(a, 1));
    let Value::Obj(c) = class else {
        return Err(PyErr::type_error("super() argument 1 must be type"));
    };
    if !matches!(vm.gc.heap.get(c), Obj::Class(_)) {
        return Err(PyErr::type_error("super() argument 1 must be type"));
    }
    let is_subclass = matches!(obj, Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::Class(_)) && vm.is_subclass(r, c));
    if !vm.is_instance(obj, c) && !is_subclass {
        return Err(PyErr::type_error(
            "super(type, obj): obj must be an instance or subtype of type",
        ));
    }
    vm.alloc(Obj::Super(c, obj))
}

// ---- constructors ----
