//! The built-in types, one file each: their operations and formatting.

pub mod float;
pub mod int;
pub mod str;
