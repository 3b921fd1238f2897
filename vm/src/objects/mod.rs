//! The built-in types, one file each: their data, operations and formatting.

pub mod array;
pub mod attrtuple;
pub mod bytes;
pub mod class;
pub mod complex;
pub mod data;
pub mod descriptor;
pub mod dict;
pub mod exception;
pub mod float;
pub mod function;
pub mod generator;
pub mod int;
pub mod iter;
pub mod list;
pub mod memoryview;
pub mod object;
pub mod range;
pub mod set;
pub mod slice;
pub mod str;
pub mod tuple;
