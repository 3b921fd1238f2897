//! The built-in functions, as a plain table: name → variant, dispatched by the VM.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    Print,
}

/// Every builtin, in the order of their ids in [`crate::value::Value::Builtin`].
pub const BUILTINS: &[Builtin] = &[Builtin::Print];

impl Builtin {
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Print => "print",
        }
    }
}
