//! Tab completion for the REPL: the names that could follow what was typed, as
//! MicroPython's REPL offers them (globals and builtins, attributes after a dot, modules
//! after `import`).

use alloc::string::String;
use alloc::vec::Vec;

use crate::Platform;
use crate::value::Value;
use crate::vm::Interp;

/// Where the dotted name being typed at the end of `text` starts.
fn chain_start(text: &str) -> usize {
    text.char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || *c == '.')
        .last()
        .map_or(text.len(), |(i, _)| i)
}

impl Interp {
    /// The words that complete the name at the end of `text`, sorted: each starts with
    /// the part typed after the last dot. Names starting with `_` are offered only once an
    /// `_` was typed. Evaluating the chain before the last dot only looks names and
    /// attributes up; anything that fails gives no completions.
    pub(crate) fn completions(&mut self, text: &str) -> Vec<String> {
        let start = chain_start(text);
        let chain = &text[start..];
        let before = text[..start].trim();
        let (path, partial) = match chain.rfind('.') {
            Some(i) => (&chain[..i], &chain[i + 1..]),
            None => ("", chain),
        };
        let mut words: Vec<String> = if path.is_empty() && before == "import" {
            Interp::builtin_module_names()
                .into_iter()
                .map(String::from)
                .collect()
        } else if path.is_empty() {
            let main = self.main;
            let builtins = self.builtins;
            let mut names: Vec<u32> = self
                .namespace_items(main)
                .into_iter()
                .map(|(k, _)| k)
                .collect();
            names.extend(self.namespace_items(builtins).into_iter().map(|(k, _)| k));
            names
                .into_iter()
                .map(|n| String::from(self.interner.name(n)))
                .collect()
        } else {
            match self.resolve_chain(path) {
                Some(obj) => self
                    .attribute_names(obj)
                    .into_iter()
                    .map(|n| String::from(self.interner.name(n)))
                    .collect(),
                None => Vec::new(),
            }
        };
        // At the start of a line, `import` itself completes too.
        if path.is_empty() && before.is_empty() && !partial.is_empty() {
            words.push(String::from("import"));
        }
        words.retain(|w| w.starts_with(partial) && (!partial.is_empty() || !w.starts_with('_')));
        words.sort();
        words.dedup();
        words
    }

    /// The value of a dotted name (`machine.Pin`) in `__main__`, without calling anything
    /// but attribute lookups.
    fn resolve_chain(&mut self, path: &str) -> Option<Value> {
        let mut parts = path.split('.');
        let first = self.interner.lookup(parts.next()?)?;
        let mut obj = self
            .module_get(self.main, first)
            .or_else(|| self.module_get(self.builtins, first))?;
        for part in parts {
            let id = self.interner.lookup(part)?;
            obj = self.getattr_opt(obj, id).ok()??;
        }
        Some(obj)
    }
}

impl<P: Platform + 'static> crate::Vm<P> {
    /// What Tab completes at the end of `text` (the REPL line up to the cursor).
    pub fn completions(&mut self, text: &str) -> Vec<String> {
        let base = self.interp.exec.stack.len();
        let words = self.interp.completions(text);
        self.interp.exec.stack.truncate(base);
        words
    }
}

#[cfg(test)]
mod tests {
    use super::chain_start;
    use crate::{Config, Mode, Platform, Vm};
    use alloc::string::String;
    use alloc::vec::Vec;

    struct Quiet;
    impl Platform for Quiet {
        fn write_stdout(&mut self, _bytes: &[u8]) {}
    }

    #[test]
    fn names_attributes_and_modules() {
        let mut vm = Vm::new(Quiet, Config::default());
        vm.exec(
            "import sys\nvalue_one = 1\nvalue_two = 2\n_hidden = 3",
            "<stdin>",
            Mode::File,
        )
        .unwrap();
        assert_eq!(vm.completions("x = valu"), ["value_one", "value_two"]);
        assert!(vm.completions("sys.std").contains(&"stdout".into()));
        assert_eq!(vm.completions("sys.nope"), Vec::<String>::new());
        assert!(vm.completions("import ma").contains(&"machine".into()));
        assert_eq!(vm.completions("impo"), ["import"]);
        assert!(!vm.completions("").iter().any(|w| w.starts_with('_')));
        assert_eq!(vm.completions("_hid"), ["_hidden"]);
        assert_eq!(vm.completions("undefined_thing.x"), Vec::<String>::new());
    }

    #[test]
    fn the_dotted_name_at_the_end() {
        assert_eq!(chain_start("x = ma"), 4);
        assert_eq!(chain_start("machine.Pi"), 0);
        assert_eq!(chain_start("print(os.li"), 6);
        assert_eq!(chain_start("a "), 2);
    }
}
