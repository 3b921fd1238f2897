//! The built-in classes: created once per VM as heap objects, so that user classes can
//! derive from them and `type(x)`, `isinstance` and attribute lookup treat every value alike.
//! Each type's method table (in its file under `objects/`) is registered on its class here.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::vec::Vec;

use crate::error::ErrKind;
use crate::gc::{Obj, ObjRef};
use crate::interner::Sym;
use crate::objects::array::ARRAY;
use crate::objects::bytes::{BYTEARRAY, BYTES, bytes_fromhex};
use crate::objects::class::{Attrs, Class, Instance, Tag};
use crate::objects::complex::COMPLEX;
use crate::objects::descriptor::PROPERTY;
use crate::objects::dict::{DICT, dict_fromkeys};
use crate::objects::exception::EXCEPTION;
use crate::objects::generator::GENERATOR;
use crate::objects::int::{INT, int_from_bytes};
use crate::objects::iter::ITERATOR;
use crate::objects::list::LIST;
use crate::objects::memoryview::MEMORYVIEW;
use crate::objects::object::{CONTAINER, CONTAINER_INIT, MUTABLE, OBJECT, object_new, type_new};
use crate::objects::set::{FROZENSET, SET};
use crate::objects::slice::SLICE;
use crate::objects::str::STR;
use crate::objects::tuple::TUPLE;
use crate::value::Value;
use crate::vm::{Interp, Native, VARARGS};

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
    if let Obj::Class(c) = interp.gc.heap.get_mut(r) {
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
        if let Obj::Class(c) = interp.gc.heap.get_mut(class) {
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
    for &kind in ErrKind::ALL {
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
    register(interp);
}

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
    let new_name = Sym::__new__.id();
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
        if let Obj::Class(k) = vm.gc.heap.get_mut(c) {
            k.attrs.insert(new_name, Value::Obj(sm));
        }
    }
    let object_new_id = vm.natives.len() as u16;
    vm.natives
        .push(Native::new("__new__", object_new).args(1, VARARGS).kw());
    let sm = vm.alloc_root(Obj::StaticMethod(Value::Builtin(object_new_id)));
    let object = vm.types.object;
    if let Obj::Class(k) = vm.gc.heap.get_mut(object) {
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
pub(crate) fn add_classmethod(vm: &mut Interp, classes: &[crate::gc::ObjRef], f: Native) {
    let id = vm.natives.len() as u16;
    vm.natives.push(f);
    let name = vm.interner.intern(f.name);
    let cm = vm.alloc_root(Obj::ClassMethod(Value::Builtin(id)));
    for class in classes {
        if let Obj::Class(c) = vm.gc.heap.get_mut(*class) {
            c.attrs.insert(name, Value::Obj(cm));
        }
    }
}
