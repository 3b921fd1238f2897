//! The VM's layers, checked on its source: the compiler front end (lexer, parser, syntax
//! tree, symbol tables, compiler, bytecode, errors, the interner, number arithmetic and its float instructions) uses
//! nothing of the runtime (heap, interpreter, objects, modules), so the runtime may depend
//! on it and never the other way round: there is no import cycle through the compiler.

use std::path::Path;

/// The front end's files, and the only modules they may name with `crate::`.
const FRONT_END: &[&str] = &[
    "lexer.rs",
    "parser/mod.rs",
    "parser/expr.rs",
    "ast.rs",
    "symtable.rs",
    "compiler.rs",
    "bytecode.rs",
    "error.rs",
    "interner.rs",
    "num.rs",
    "fmath.rs",
    "idhash.rs",
    "value.rs",
];
const ALLOWED: &[&str] = &[
    "lexer", "parser", "ast", "symtable", "compiler", "bytecode", "error", "interner", "num",
    "fmath", "idhash", "value",
];

/// Every module path named as `crate::<module>` in `text` (in `use` lines and in code,
/// grouped imports included).
fn crate_modules(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            for part in inner.split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.push(name);
            }
        } else {
            out.push(
                rest.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect(),
            );
        }
    }
    out
}

#[test]
fn the_front_end_depends_on_nothing_of_the_runtime() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for file in FRONT_END {
        let text = std::fs::read_to_string(src.join(file)).unwrap();
        // Doc comments may mention the runtime.
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .map(|l| format!("{l}\n"))
            .collect();
        for module in crate_modules(&code) {
            if !ALLOWED.contains(&module.as_str()) {
                wrong.push(format!("{file} uses crate::{module}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_check_sees_grouped_and_inline_paths() {
    let text = "use crate::{num, vm::Interp};\nlet x = crate::gc::Heap::new();";
    assert_eq!(crate_modules(text), ["num", "vm", "gc"]);
}
