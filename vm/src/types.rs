//! The built-in classes: created once per VM as heap objects, so that user classes can
//! derive from them and `type(x)`, `isinstance` and attribute lookup treat every value alike.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::vec::Vec;

use crate::error::ErrKind;
use crate::gc::{Obj, ObjRef};
use crate::objects::class::{Attrs, Class, Instance, Tag};
use crate::value::Value;
use crate::vm::{Interp, Native};

/// References to the built-in classes and singletons.
pub struct Types {
    pub object: ObjRef,
    pub type_: ObjRef,
    pub none: ObjRef,
    pub bool_: ObjRef,
    pub int: ObjRef,
    pub float: ObjRef,
    pub complex: ObjRef,
    pub str_: ObjRef,
    pub bytes: ObjRef,
    pub bytearray: ObjRef,
    pub memoryview: ObjRef,
    pub array: ObjRef,
    /// dict_keys, dict_values, dict_items
    pub dict_views: [ObjRef; 3],
    pub list: ObjRef,
    pub tuple: ObjRef,
    pub dict: ObjRef,
    pub set: ObjRef,
    pub frozenset: ObjRef,
    pub range: ObjRef,
    pub slice: ObjRef,
    pub function: ObjRef,
    pub bound_method: ObjRef,
    pub module: ObjRef,
    pub generator: ObjRef,
    pub iterator: ObjRef,
    pub property: ObjRef,
    pub classmethod: ObjRef,
    pub staticmethod: ObjRef,
    pub cell: ObjRef,
    pub ellipsis_type: ObjRef,
    pub not_implemented_type: ObjRef,
    /// Tuples with named items (`os.uname()`, `sys.implementation`).
    pub attrtuple: ObjRef,
    /// The built-in exception classes, by `ErrKind as usize`.
    pub exc: Vec<ObjRef>,
    pub ellipsis: ObjRef,
    pub not_implemented: ObjRef,
    pub empty_tuple: ObjRef,
}

impl Types {
    pub fn placeholder() -> Self {
        let n = ObjRef::NULL;
        Types {
            object: n,
            type_: n,
            none: n,
            bool_: n,
            int: n,
            float: n,
            complex: n,
            str_: n,
            bytes: n,
            bytearray: n,
            memoryview: n,
            array: n,
            dict_views: [n; 3],
            list: n,
            tuple: n,
            dict: n,
            set: n,
            frozenset: n,
            range: n,
            slice: n,
            function: n,
            bound_method: n,
            module: n,
            generator: n,
            iterator: n,
            property: n,
            classmethod: n,
            staticmethod: n,
            cell: n,
            ellipsis_type: n,
            not_implemented_type: n,
            attrtuple: n,
            exc: Vec::new(),
            ellipsis: n,
            not_implemented: n,
            empty_tuple: n,
        }
    }

    /// Everything here is permanent; listed for completeness of the root set.
    pub fn roots(&self, out: &mut Vec<Value>) {
        out.push(Value::Obj(self.ellipsis));
        out.push(Value::Obj(self.not_implemented));
        out.push(Value::Obj(self.empty_tuple));
    }

    pub fn exc(&self, kind: ErrKind) -> ObjRef {
        self.exc[kind as usize]
    }
}

/// C3 linearisation of a new class with `bases` (each base's MRO already computed).
pub fn c3_mro(interp: &Interp, me: Option<ObjRef>, bases: &[ObjRef]) -> Option<Vec<ObjRef>> {
    let mut seqs: Vec<Vec<ObjRef>> = bases.iter().map(|b| interp.mro_of(*b)).collect();
    seqs.push(bases.to_vec());
    let mut out: Vec<ObjRef> = me.into_iter().collect();
    loop {
        seqs.retain(|s| !s.is_empty());
        if seqs.is_empty() {
            return Some(out);
        }
        let head = seqs
            .iter()
            .map(|s| s[0])
            .find(|c| !seqs.iter().any(|s| s[1..].contains(c)))?;
        out.push(head);
        for s in &mut seqs {
            if s[0] == head {
                s.remove(0);
            }
        }
    }
}

/// A built-in class (its attributes are read-only from Python).
pub(crate) fn class(interp: &mut Interp, name: &str, bases: &[ObjRef], tag: Tag) -> ObjRef {
    let mut mro = c3_mro(interp, None, bases).unwrap_or_default();
    let r = interp.alloc_root(Obj::Class(Box::new(Class {
        name: Rc::from(name),
        bases: bases.to_vec(),
        mro: Vec::new(),
        attrs: Attrs::default(),
        tag,
        builtin: true,
        make: None,
    })));
    mro.insert(0, r);
    if let Obj::Class(c) = interp.heap.get_mut(r) {
        c.mro = mro;
    }
    r
}

/// Register native methods on a class. A method's first argument must be an instance of
/// `class` (checked in the call path), so it takes at least one.
pub fn add_methods(interp: &mut Interp, class: ObjRef, methods: &[Native]) {
    for m in methods {
        let id = interp.natives.len() as u16;
        interp.natives.push(Native {
            method: true,
            owner: Some(class),
            min: m.min.max(1),
            ..*m
        });
        let name = interp.interner.intern(m.name);
        if let Obj::Class(c) = interp.heap.get_mut(class) {
            c.attrs.insert(name, Value::Builtin(id));
        }
    }
}

pub fn init(interp: &mut Interp) {
    let object = class(interp, "object", &[], Tag::Object);
    let o = [object];
    let mut t = Types::placeholder();
    t.object = object;
    t.type_ = class(interp, "type", &o, Tag::Type);
    t.none = class(interp, "NoneType", &o, Tag::NoneType);
    t.int = class(interp, "int", &o, Tag::Int);
    t.bool_ = class(interp, "bool", &[t.int], Tag::Bool);
    t.float = class(interp, "float", &o, Tag::Float);
    t.complex = class(interp, "complex", &o, Tag::Complex);
    t.str_ = class(interp, "str", &o, Tag::Str);
    t.bytes = class(interp, "bytes", &o, Tag::Bytes);
    t.bytearray = class(interp, "bytearray", &o, Tag::ByteArray);
    t.memoryview = class(interp, "memoryview", &o, Tag::MemoryView);
    t.array = class(interp, "array", &o, Tag::Array);
    t.dict_views = [
        class(interp, "dict_keys", &o, Tag::DictView),
        class(interp, "dict_values", &o, Tag::DictView),
        class(interp, "dict_items", &o, Tag::DictView),
    ];
    t.list = class(interp, "list", &o, Tag::List);
    t.tuple = class(interp, "tuple", &o, Tag::Tuple);
    t.dict = class(interp, "dict", &o, Tag::Dict);
    t.set = class(interp, "set", &o, Tag::Set);
    t.frozenset = class(interp, "frozenset", &o, Tag::FrozenSet);
    t.range = class(interp, "range", &o, Tag::Range);
    t.slice = class(interp, "slice", &o, Tag::Slice);
    t.function = class(interp, "function", &o, Tag::Function);
    t.bound_method = class(interp, "bound_method", &o, Tag::BoundMethod);
    t.module = class(interp, "module", &o, Tag::Module);
    t.generator = class(interp, "generator", &o, Tag::Generator);
    t.iterator = class(interp, "iterator", &o, Tag::Iterator);
    t.property = class(interp, "property", &o, Tag::Property);
    t.classmethod = class(interp, "classmethod", &o, Tag::ClassMethod);
    t.staticmethod = class(interp, "staticmethod", &o, Tag::StaticMethod);
    t.cell = class(interp, "cell", &o, Tag::Cell);
    t.ellipsis_type = class(interp, "ellipsis", &o, Tag::Ellipsis);
    t.not_implemented_type = class(interp, "NotImplementedType", &o, Tag::Object);
    t.attrtuple = class(interp, "tuple", &[t.tuple], Tag::Tuple);
    for kind in ErrKind::ALL {
        let bases = match kind.parent() {
            Some(p) => alloc::vec![t.exc[p as usize]],
            None => alloc::vec![object],
        };
        let c = class(interp, kind.name(), &bases, Tag::Exc(kind));
        t.exc.push(c);
    }
    let instance = |class| Obj::Instance(Box::new(Instance::new(class)));
    t.ellipsis = interp.alloc_root(instance(t.ellipsis_type));
    t.not_implemented = interp.alloc_root(instance(t.not_implemented_type));
    t.empty_tuple = interp.alloc_root(Obj::Tuple(Box::new([])));
    interp.types = t;
    crate::objects::methods::register(interp);
}
