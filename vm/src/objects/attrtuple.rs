//! MicroPython's attribute tuples (`os.uname()`, `sys.implementation`): a tuple whose items
//! are also attributes, printed as `(name='x', …)`.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use crate::gc::Obj;
use crate::objects::class::Instance;
use crate::value::Value;
use crate::vm::{Interp, PResult};

impl Interp {
    /// A tuple of `items` whose items are also the attributes `names`. The items must be
    /// rooted by the caller.
    pub(crate) fn attr_tuple(&mut self, names: &[&str], items: Vec<Value>) -> PResult<Value> {
        let base = self.gc.temp_roots.len();
        let made = (|| {
            let t = self.tuple(items.clone())?;
            self.gc.temp_roots.push(t);
            let mut fields = Vec::with_capacity(names.len());
            for n in names {
                let s = self.str_value(n)?;
                self.gc.temp_roots.push(s);
                fields.push(s);
            }
            let fields = self.tuple(fields)?;
            self.gc.temp_roots.push(fields);
            let mut inst = Instance::new(self.types.attrtuple);
            inst.native = t;
            for (n, v) in names.iter().zip(&items) {
                inst.attrs.insert(self.interner.intern(n), *v);
            }
            inst.attrs.insert(self.interner.intern("_fields"), fields);
            self.alloc(Obj::Instance(Box::new(inst)))
        })();
        self.gc.temp_roots.truncate(base);
        made
    }

    /// `repr` of an attribute tuple.
    pub(crate) fn write_attr_tuple(&mut self, v: Value, out: &mut String) -> PResult<()> {
        let id = self.interner.intern("_fields");
        let fields = self.getattr(v, id)?;
        let names: Vec<String> = self
            .tuple_items(fields)
            .iter()
            .filter_map(|n| self.as_str(*n).map(String::from))
            .collect();
        let values = self
            .payload(v)
            .map(|t| self.tuple_items(t))
            .unwrap_or_default();
        out.push('(');
        for (i, (n, item)) in names.iter().zip(values).enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let r = self.repr(item)?;
            let _ = write!(out, "{n}={r}");
        }
        out.push(')');
        Ok(())
    }
}
