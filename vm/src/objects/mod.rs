//! The built-in types, one file each: their data, operations and formatting.

pub mod array;
pub mod attrtuple;
pub mod class;
pub mod complex;
pub mod data;
pub mod dict;
pub mod float;
pub mod function;
pub mod int;
pub mod iter;
pub mod methods;
pub mod str;
