//! Iterators of the built-in types and of the iterator builtins (`enumerate`, `zip`, …).

use alloc::vec::Vec;

use crate::value::Value;

#[derive(Debug)]
pub enum Iter {
    /// Over a list, tuple, str (by character), bytes or bytearray.
    Seq {
        seq: Value,
        index: usize,
    },
    Range {
        next: i64,
        stop: i64,
        step: i64,
    },
    /// Over a dict or set: keys (0), values (1) or items (2).
    Dict {
        dict: Value,
        pos: usize,
        kind: u8,
    },
    Enumerate {
        iter: Value,
        count: i64,
    },
    Zip(Vec<Value>),
    Map {
        func: Value,
        iters: Vec<Value>,
    },
    Filter {
        func: Value,
        iter: Value,
    },
    Reversed {
        seq: Value,
        index: usize,
    },
    /// `iter(callable, sentinel)`.
    Call {
        func: Value,
        sentinel: Value,
    },
}

impl Iter {
    pub fn trace(&self, f: &mut impl FnMut(Value)) {
        match self {
            Iter::Seq { seq, .. } | Iter::Reversed { seq, .. } => f(*seq),
            Iter::Range { .. } => {}
            Iter::Dict { dict, .. } => f(*dict),
            Iter::Enumerate { iter, .. } => f(*iter),
            Iter::Zip(its) => its.iter().for_each(|v| f(*v)),
            Iter::Map { func, iters } => {
                f(*func);
                iters.iter().for_each(|v| f(*v));
            }
            Iter::Filter { func, iter } => {
                f(*func);
                f(*iter);
            }
            Iter::Call { func, sentinel } => {
                f(*func);
                f(*sentinel);
            }
        }
    }
}
