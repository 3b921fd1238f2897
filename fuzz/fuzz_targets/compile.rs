//! Bytes → (if UTF-8) tokens → syntax tree → bytecode. Errors are fine; panics are not.
#![no_main]

use copperhead_vm::compiler;
use copperhead_vm::interner::Interner;
use copperhead_vm::{Mode, lexer, parser};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = core::str::from_utf8(data) else {
        return;
    };
    let Ok(tokens) = lexer::tokenize(source) else {
        return;
    };
    let Ok(ast) = parser::parse(tokens) else {
        return;
    };
    for mode in [Mode::File, Mode::Single, Mode::Eval] {
        let _ = compiler::compile(&ast, mode, &mut Interner::default());
    }
});
