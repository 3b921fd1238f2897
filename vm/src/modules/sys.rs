//! `sys`: the interpreter's own module.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::{Obj, ObjRef};
use crate::objects::class::{Attrs, Instance};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

impl Interp {
    pub(crate) fn make_sys(&mut self) -> ObjRef {
        let m = self.native_module("sys", FUNCTIONS);
        let platform = String::from(self.platform.sys_platform());
        let s = self.new_str(&platform);
        self.set_attr_str(m, "platform", s);
        let s = self.new_str(concat!("3.4.0; Copperhead v", env!("CARGO_PKG_VERSION")));
        self.set_attr_str(m, "version", s);
        let vi = self
            .tuple(alloc::vec![Value::Int(3), Value::Int(4), Value::Int(0)])
            .unwrap_or(Value::None);
        self.set_attr_str(m, "version_info", vi);
        self.set_attr_str(m, "maxsize", Value::Int(i64::MAX));
        let s = self.new_str("little");
        self.set_attr_str(m, "byteorder", s);
        // sys.implementation: name, version and the fields MicroPython's tools read.
        let imp = self.alloc_root(Obj::Instance(Box::new(Instance {
            class: self.types.object,
            attrs: Attrs::default(),
            exc: None,
            native: Value::Undef,
        })));
        // Code written for MicroPython tests `sys.implementation.name == "micropython"`;
        // Copperhead answers as MicroPython does (its own name is in `sys.version`).
        let name = self.new_str("micropython");
        self.set_attr_in(imp, "name", name);
        let version = self
            .tuple(alloc::vec![
                Value::Int(0),
                Value::Int(1),
                Value::Int(0),
                Value::None
            ])
            .unwrap_or(Value::None);
        self.set_attr_in(imp, "version", version);
        self.set_attr_in(imp, "_mpy", Value::Int(0));
        self.set_attr_str(m, "implementation", Value::Obj(imp));
        let path = self.platform.module_path();
        for (list_name, items) in [("argv", Vec::new()), ("path", path)] {
            let mut values = Vec::new();
            for i in items {
                values.push(self.new_str(&i));
            }
            let l = self.alloc_root(Obj::List(values));
            self.set_attr_str(m, list_name, Value::Obj(l));
        }
        m
    }
}

fn sys_exit(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.nargs(a, "exit", 0, 1)?;
    let args = if a.len == 1 {
        alloc::vec![vm.arg(a, 0)]
    } else {
        Vec::new()
    };
    let t = vm.tuple(args)?;
    let class = vm.types.exc(ErrKind::SystemExit);
    let e = vm.instantiate_exc(class, t)?;
    Err(PyErr {
        kind: ErrKind::SystemExit,
        message: None,
        traceback: Vec::new(),
        value: Some(e),
        reraise: false,
    })
}

pub(super) const FUNCTIONS: &[Native] = &[Native::new("exit", sys_exit)];
