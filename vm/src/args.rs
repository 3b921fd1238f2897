//! Reading a native's arguments: positional by index (never out of range: the call path has
//! checked the counts the native declared), by keyword, and converted.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::num::NumRef;
use crate::value::Value;
use crate::vm::{Args, Interp, PResult};

impl Interp {
    /// Positional argument `i`; `None` past the arguments given. (Counts are checked
    /// against the native's table entry before it runs, so a native reads past its
    /// arguments only where it takes fewer than it could.)
    pub(crate) fn arg(&self, a: Args, i: usize) -> Value {
        if i < a.len {
            self.exec
                .stack
                .get(a.start + i)
                .copied()
                .unwrap_or(Value::None)
        } else {
            Value::None
        }
    }

    /// The positional arguments as a vector.
    pub(crate) fn args_vec(&self, a: Args) -> Vec<Value> {
        self.exec.stack[a.start..a.start + a.len].to_vec()
    }

    /// A keyword argument by name.
    pub(crate) fn kwarg(&self, a: Args, name: &str) -> Option<Value> {
        let names = self.tuple_items(a.kwnames);
        names
            .iter()
            .position(|n| self.as_str(*n) == Some(name))
            .map(|i| self.exec.stack[a.start + a.len + i])
    }

    /// Check that every keyword argument is one of `allowed`.
    pub(crate) fn check_kwargs(&self, a: Args, allowed: &[&str]) -> PResult<()> {
        let names = self.tuple_items(a.kwnames);
        for n in names.iter().take(a.n_kw) {
            let text = self.as_str(*n).unwrap_or("");
            if !allowed.contains(&text) {
                return Err(PyErr::type_error(alloc::format!(
                    "unexpected keyword argument '{text}'"
                )));
            }
        }
        Ok(())
    }

    /// Argument `i`, given by position or by keyword `name`; `None` if absent.
    pub(crate) fn arg_or_kw(&self, a: Args, i: usize, name: &str) -> Option<Value> {
        if a.len > i {
            Some(self.arg(a, i))
        } else {
            self.kwarg(a, name)
        }
    }

    /// The bytes of a buffer argument (bytes, bytearray, memoryview, array, and str, which
    /// has the buffer protocol on MicroPython), copied.
    pub(crate) fn buffer_arg(&self, v: Value) -> PResult<Vec<u8>> {
        if let Some(s) = self.as_str(v) {
            return Ok(s.as_bytes().to_vec());
        }
        match self.as_bytes(v) {
            Some(b) => Ok(b.to_vec()),
            None => Err(PyErr::type_error("object with buffer protocol required")),
        }
    }

    pub(crate) fn kwargs_vec(&self, a: Args) -> Vec<(String, Value)> {
        let names = self.tuple_items(a.kwnames);
        names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                (
                    String::from(self.as_str(*n).unwrap_or("")),
                    self.exec.stack[a.start + a.len + i],
                )
            })
            .collect()
    }

    /// Check the positional argument count. `_name` says at the call site which function
    /// this is; the messages, as MicroPython's for built-in functions, say `function`.
    pub(crate) fn nargs(&self, a: Args, _name: &str, min: usize, max: usize) -> PResult<()> {
        if a.len < min || a.len > max {
            return Err(crate::call::arg_count_error(min, max, a.len));
        }
        Ok(())
    }

    pub(crate) fn int_arg(&self, v: Value) -> PResult<i64> {
        match self.num(v) {
            Some(NumRef::Int(i)) => Ok(i),
            Some(NumRef::Big(_)) => Err(PyErr::new(
                ErrKind::OverflowError,
                "overflow converting long int to machine word",
            )),
            _ => Err(PyErr::type_error(alloc::format!(
                "can't convert {} to int",
                self.type_name(v)
            ))),
        }
    }
}
