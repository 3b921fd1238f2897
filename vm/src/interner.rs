//! Names → small ids (MicroPython's qstrs), shared by the compiler and the VM's globals and
//! attributes. The special-method names the runtime looks up are interned first, in the
//! order of [`Sym`], so each one's id is a constant and a lookup hashes nothing.

use alloc::rc::Rc;
use alloc::vec::Vec;

macro_rules! symbols {
    ($($name:ident)*) => {
        /// A name interned at a fixed id in every VM: `Sym::__len__.id()`.
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u32)]
        pub enum Sym {
            $($name,)*
        }

        const SYMBOLS: &[&str] = &[$(stringify!($name),)*];
    };
}

symbols! {
    __init__ __new__ __call__ __class__ __name__ __dict__ __module__ __qualname__
    __getattr__ __setattr__ __delattr__ __get__ __set__ __delete__ __set_name__
    __getitem__ __setitem__ __delitem__ __missing__ __contains__ __len__ __iter__ __next__
    __reversed__ __await__ __enter__ __exit__ __traceback__
    __repr__ __str__ __format__ __hash__ __bool__ __int__ __float__ __complex__ __index__
    __abs__ __dir__
    __eq__ __ne__ __lt__ __le__ __gt__ __ge__
    __neg__ __pos__ __invert__
    __add__ __radd__ __iadd__ __sub__ __rsub__ __isub__ __mul__ __rmul__ __imul__
    __matmul__ __rmatmul__ __imatmul__ __truediv__ __rtruediv__ __itruediv__
    __floordiv__ __rfloordiv__ __ifloordiv__ __mod__ __rmod__ __imod__
    __pow__ __rpow__ __ipow__ __lshift__ __rlshift__ __ilshift__
    __rshift__ __rrshift__ __irshift__ __and__ __rand__ __iand__
    __or__ __ror__ __ior__ __xor__ __rxor__ __ixor__
}

impl Sym {
    /// Its id in every [`Interner`].
    pub const fn id(self) -> u32 {
        self as u32
    }

    /// Its text.
    pub fn text(self) -> &'static str {
        SYMBOLS[self as usize]
    }
}

pub struct Interner {
    map: crate::idhash::IdMap<Rc<str>, u32>,
    names: Vec<Rc<str>>,
}

impl Default for Interner {
    fn default() -> Self {
        let mut interner = Interner {
            map: crate::idhash::IdMap::default(),
            names: Vec::new(),
        };
        for name in SYMBOLS {
            interner.intern(name);
        }
        interner
    }
}

impl Interner {
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(id) = self.map.get(name) {
            return *id;
        }
        let id = self.names.len() as u32;
        let rc: Rc<str> = Rc::from(name);
        self.names.push(rc.clone());
        self.map.insert(rc, id);
        id
    }

    pub fn lookup(&self, name: &str) -> Option<u32> {
        self.map.get(name).copied()
    }

    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    /// How many names are interned.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn name_rc(&self, id: u32) -> Rc<str> {
        self.names[id as usize].clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_have_their_ids_in_every_interner() {
        let mut interner = Interner::default();
        for (i, name) in SYMBOLS.iter().enumerate() {
            assert_eq!(interner.lookup(name), Some(i as u32), "{name}");
        }
        assert_eq!(Sym::__len__.text(), "__len__");
        assert_eq!(interner.intern("__len__"), Sym::__len__.id());
        assert_eq!(interner.intern("spam"), SYMBOLS.len() as u32);
    }
}
