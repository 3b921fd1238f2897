//! `type`, user classes and their instances, modules, and the attribute maps they share.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::vec::Vec;

use crate::error::{ErrKind, TraceEntry};
use crate::gc::ObjRef;
use crate::objects::data::Data;
use crate::value::Value;
use crate::vm::NativeFn;

/// Attributes by interned name.
pub type Attrs = crate::idhash::IdMap<u32, Value>;

/// Which built-in type a class is (or derives its layout from).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// A class defined in Python whose instances are plain objects.
    User,
    Object,
    Type,
    NoneType,
    Bool,
    Int,
    Float,
    Complex,
    Str,
    Bytes,
    ByteArray,
    MemoryView,
    Array,
    DictView,
    List,
    Tuple,
    Dict,
    Set,
    FrozenSet,
    Range,
    Slice,
    Function,
    BoundMethod,
    Module,
    Generator,
    Iterator,
    Property,
    ClassMethod,
    StaticMethod,
    Cell,
    Ellipsis,
    /// A built-in object whose state is a Rust value ([`Data`]).
    Data,
    Exc(ErrKind),
}

#[derive(Debug)]
pub struct Class {
    pub name: Rc<str>,
    pub bases: Vec<ObjRef>,
    /// Method resolution order, this class first (C3 linearisation).
    pub mro: Vec<ObjRef>,
    pub attrs: Attrs,
    /// The built-in type this class is or derives from.
    pub tag: Tag,
    /// A built-in class: its attributes can't be changed from Python.
    pub builtin: bool,
    /// For classes of [`Data`] objects: the native constructor (`Tag::Data`).
    pub make: Option<NativeFn>,
}

/// The payload of an exception instance.
#[derive(Debug, Default)]
pub struct ExcData {
    /// A tuple.
    pub args: Value,
    pub traceback: Vec<TraceEntry>,
}

#[derive(Debug)]
pub struct Instance {
    pub class: ObjRef,
    pub attrs: Attrs,
    pub exc: Option<Box<ExcData>>,
    /// For instances of subclasses of built-in types (`class L(list)`): the built-in value
    /// that carries the data; `Undef` otherwise.
    pub native: Value,
    /// The Rust state of a built-in object such as a file or a compiled regex (`Tag::Data`).
    pub data: Option<Box<dyn Data>>,
}

impl Instance {
    /// A plain instance of `class`, with no attributes yet.
    pub fn new(class: ObjRef) -> Instance {
        Instance {
            class,
            attrs: Attrs::default(),
            exc: None,
            native: Value::Undef,
            data: None,
        }
    }
}

#[derive(Debug)]
pub struct Module {
    pub name: Rc<str>,
    pub attrs: Attrs,
    /// A built-in module (other than `builtins`): Python code can't change its attributes.
    pub readonly: bool,
    /// Once Python code has asked for the module's `__dict__` (or `globals()`), the
    /// namespace lives in this dict instead of `attrs` (then empty), so that writes through
    /// the dict are writes to the module.
    pub dict: Option<ObjRef>,
}

impl Module {
    pub fn new(name: &str, attrs: Attrs) -> Module {
        Module {
            name: Rc::from(name),
            attrs,
            readonly: false,
            dict: None,
        }
    }
}
