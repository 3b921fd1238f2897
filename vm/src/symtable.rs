//! Scope analysis, before code generation: for every function, lambda, comprehension and
//! class body, which names are local (slots), which are cells (captured by an inner
//! function), which are free (captured from an outer function), and which are global.

use alloc::string::String;
use alloc::vec::Vec;
use hashbrown::{HashMap, HashSet};

use crate::ast::*;
use crate::error::CompileError;

/// Where a name lives, as seen from one scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// A local slot of the frame.
    Local(u32),
    /// A cell held in a local slot (captured by an inner function, or captured from outside).
    Cell(u32),
    /// Module globals, then builtins.
    Global,
    /// Class body namespace first, then globals (class bodies and module level).
    Name,
}

#[derive(Debug, Default)]
pub struct Scope {
    pub is_function: bool,
    pub is_class: bool,
    pub is_generator: bool,
    pub is_async: bool,
    /// Local names in slot order: parameters first.
    pub locals: Vec<String>,
    /// Names in `locals` that inner functions capture.
    pub cells: HashSet<String>,
    /// Names captured from enclosing functions, each given a slot after the locals.
    pub frees: Vec<String>,
    pub globals: HashSet<String>,
    nonlocals: HashSet<String>,
    assigned: HashSet<String>,
    used: HashSet<String>,
    children: Vec<usize>,
    /// Set when the body reads `super` (or a class body uses `__class__`): the cell is needed.
    pub uses_super: bool,
}

impl Scope {
    pub fn place(&self, name: &str) -> Place {
        if self.is_class
            && name == "__class__"
            && let Some(i) = self.locals.iter().position(|n| n == name)
        {
            return Place::Cell(i as u32);
        }
        if self.is_class
            && (!self.assigned.contains(name) || self.nonlocals.contains(name))
            && let Some(i) = self.frees.iter().position(|n| n == name)
        {
            return Place::Cell((self.locals.len() + i) as u32);
        }
        if !self.is_function {
            return Place::Name;
        }
        if self.globals.contains(name) {
            return Place::Global;
        }
        if let Some(i) = self.locals.iter().position(|n| n == name) {
            return if self.cells.contains(name) {
                Place::Cell(i as u32)
            } else {
                Place::Local(i as u32)
            };
        }
        if let Some(i) = self.frees.iter().position(|n| n == name) {
            return Place::Cell((self.locals.len() + i) as u32);
        }
        Place::Global
    }

    pub fn n_slots(&self) -> usize {
        self.locals.len() + self.frees.len()
    }
}

/// Scopes of a whole module, found by the address of their defining node.
pub struct SymTable {
    pub scopes: Vec<Scope>,
    by_node: HashMap<usize, usize>,
}

impl SymTable {
    pub fn scope_of<T>(&self, node: &T) -> &Scope {
        &self.scopes[self.by_node[&(node as *const T as usize)]]
    }
}

pub fn analyze(module: &[Stmt]) -> Result<SymTable, CompileError> {
    let mut t = Builder {
        scopes: alloc::vec![Scope::default()],
        by_node: HashMap::new(),
        stack: alloc::vec![0],
    };
    t.block(module)?;
    let mut table = SymTable {
        scopes: t.scopes,
        by_node: t.by_node,
    };
    resolve(&mut table.scopes, 0, &[])?;
    Ok(table)
}

/// Decide cells and frees top-down: `enclosing` holds the function scopes around `index`.
fn resolve(scopes: &mut [Scope], index: usize, enclosing: &[usize]) -> Result<(), CompileError> {
    // Every name used or declared nonlocal here that isn't ours comes from an enclosing
    // function scope, if one has it.
    if scopes[index].is_function || (scopes[index].is_class && !enclosing.is_empty()) {
        let s = &scopes[index];
        let mut wanted: Vec<String> = s
            .used
            .iter()
            .chain(s.nonlocals.iter())
            .filter(|n| !s.locals.contains(*n) && !s.globals.contains(*n))
            .filter(|n| !s.is_class || !s.assigned.contains(*n) || s.nonlocals.contains(*n))
            .cloned()
            .collect();
        wanted.sort();
        for name in wanted {
            let class_cell = name == "__class__";
            let owner = enclosing.iter().rev().find(|&&s| {
                (scopes[s].is_function || (class_cell && scopes[s].is_class))
                    && (scopes[s].locals.contains(&name) || scopes[s].frees.contains(&name))
            });
            match owner {
                Some(&s) => {
                    if scopes[s].locals.contains(&name) {
                        scopes[s].cells.insert(name.clone());
                    }
                    // Intermediate functions pass it through as a free variable too.
                    let start = enclosing.iter().position(|&e| e == s).unwrap_or(0) + 1;
                    for &mid in &enclosing[start..] {
                        // Class bodies pass captured cells through to their methods too.
                        if (scopes[mid].is_function || scopes[mid].is_class)
                            && !scopes[mid].frees.contains(&name)
                            && !scopes[mid].locals.contains(&name)
                        {
                            scopes[mid].frees.push(name.clone());
                        }
                    }
                    scopes[index].frees.push(name);
                }
                None if scopes[index].nonlocals.contains(&name) => {
                    return Err(CompileError::syntax("no binding for nonlocal found", 0));
                }
                None => {}
            }
        }
    }
    let children = scopes[index].children.clone();
    let mut inner = enclosing.to_vec();
    if scopes[index].is_function || scopes[index].is_class {
        inner.push(index);
    }
    for c in children {
        resolve(scopes, c, &inner)?;
    }
    Ok(())
}

struct Builder {
    scopes: Vec<Scope>,
    by_node: HashMap<usize, usize>,
    stack: Vec<usize>,
}

impl Builder {
    fn cur(&mut self) -> &mut Scope {
        let i = *self.stack.last().expect("scope");
        &mut self.scopes[i]
    }

    fn push_scope<T>(&mut self, node: &T, function: bool, class: bool) -> usize {
        let index = self.scopes.len();
        self.scopes.push(Scope {
            is_function: function,
            is_class: class,
            ..Scope::default()
        });
        let parent = *self.stack.last().expect("scope");
        self.scopes[parent].children.push(index);
        self.by_node.insert(node as *const T as usize, index);
        self.stack.push(index);
        index
    }

    fn pop_scope(&mut self) {
        let index = self.stack.pop().expect("scope");
        let s = &mut self.scopes[index];
        if s.is_function {
            let mut assigned: Vec<String> = s
                .assigned
                .iter()
                .filter(|n| {
                    !s.globals.contains(*n) && !s.nonlocals.contains(*n) && !s.locals.contains(*n)
                })
                .cloned()
                .collect();
            assigned.sort();
            s.locals.extend(assigned);
        }
    }

    fn assign(&mut self, name: &str) {
        self.cur().assigned.insert(name.into());
    }

    fn use_name(&mut self, name: &str) {
        self.cur().used.insert(name.into());
    }

    fn block(&mut self, body: &[Stmt]) -> Result<(), CompileError> {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn function(&mut self, def: &FuncDef) -> Result<(), CompileError> {
        for p in def.params.iter().chain(def.kwonly.iter()) {
            if let Some(d) = &p.default {
                self.expr(d)?;
            }
        }
        self.push_scope(def, true, false);
        let s = self.cur();
        for p in &def.params {
            s.locals.push(p.name.clone());
        }
        for p in &def.kwonly {
            s.locals.push(p.name.clone());
        }
        if let Some(v) = def.varargs.as_ref().filter(|v| !v.is_empty()) {
            s.locals.push(v.clone());
        }
        if let Some(v) = &def.varkw {
            s.locals.push(v.clone());
        }
        if def.is_async {
            s.is_generator = true;
            s.is_async = true;
        }
        self.block(&def.body)?;
        let uses_super = self.cur().uses_super;
        self.pop_scope();
        // A method that calls `super()` captures the class through a `__class__` cell.
        let parent = *self.stack.last().expect("scope");
        if uses_super && self.scopes[parent].is_class {
            let me = *self.scopes[parent].children.last().expect("just pushed");
            self.scopes[me].used.insert(String::from("__class__"));
            let class = &mut self.scopes[parent];
            if !class.locals.iter().any(|n| n == "__class__") {
                class.locals.push(String::from("__class__"));
                class.cells.insert(String::from("__class__"));
            }
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> Result<(), CompileError> {
        match &s.kind {
            StmtKind::Expr(e) => self.expr(e)?,
            StmtKind::Assign { targets, value } => {
                self.expr(value)?;
                for t in targets {
                    self.target(t)?;
                }
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.expr(value)?;
                self.expr(target)?;
                self.target(target)?;
            }
            StmtKind::AnnAssign { target, value } => {
                if let Some(v) = value {
                    self.expr(v)?;
                }
                // An annotated name is local to its function even without a value.
                self.target(target)?;
            }
            StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
                self.expr(test)?;
                self.block(body)?;
                self.block(orelse)?;
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
                ..
            } => {
                self.expr(iter)?;
                self.target(target)?;
                self.block(body)?;
                self.block(orelse)?;
            }
            StmtKind::Pass | StmtKind::Break | StmtKind::Continue => {}
            StmtKind::Return(v) => {
                if let Some(v) = v {
                    self.expr(v)?;
                }
            }
            StmtKind::FunctionDef { def, decorators } => {
                for d in decorators {
                    self.expr(d)?;
                }
                self.assign(&def.name);
                self.function(def)?;
            }
            StmtKind::ClassDef {
                name,
                bases,
                body,
                decorators,
            } => {
                for d in decorators {
                    self.expr(d)?;
                }
                for b in bases {
                    self.arg(b)?;
                }
                self.assign(name);
                self.push_scope(s, false, true);
                self.block(body)?;
                self.pop_scope();
            }
            StmtKind::Global(names) => {
                let line = s.line;
                for n in names {
                    let scope = self.cur();
                    if scope.locals.contains(n) || scope.nonlocals.contains(n) {
                        return Err(CompileError::syntax("name is parameter and global", line));
                    }
                    scope.globals.insert(n.clone());
                }
            }
            StmtKind::Nonlocal(names) => {
                if self.stack.len() == 1 {
                    return Err(CompileError::syntax(
                        "nonlocal not allowed at module level",
                        s.line,
                    ));
                }
                let line = s.line;
                for n in names {
                    let scope = self.cur();
                    if scope.locals.contains(n) || scope.globals.contains(n) {
                        return Err(CompileError::syntax("name is parameter and nonlocal", line));
                    }
                    scope.nonlocals.insert(n.clone());
                }
            }
            StmtKind::Del(targets) => {
                for t in targets {
                    self.target(t)?;
                }
            }
            StmtKind::Assert { test, msg } => {
                self.expr(test)?;
                if let Some(m) = msg {
                    self.expr(m)?;
                }
            }
            StmtKind::Raise { exc, cause } => {
                if let Some(e) = exc {
                    self.expr(e)?;
                }
                if let Some(c) = cause {
                    self.expr(c)?;
                }
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finally,
            } => {
                self.block(body)?;
                for h in handlers {
                    if let Some(k) = &h.kind {
                        self.expr(k)?;
                    }
                    if let Some(n) = &h.name {
                        self.assign(n);
                    }
                    self.block(&h.body)?;
                }
                self.block(orelse)?;
                self.block(finally)?;
            }
            StmtKind::With { items, body, .. } => {
                for (ctx, target) in items {
                    self.expr(ctx)?;
                    if let Some(t) = target {
                        self.target(t)?;
                    }
                }
                self.block(body)?;
            }
            StmtKind::Import(names) => {
                for n in names {
                    let bound = n
                        .alias
                        .clone()
                        .unwrap_or_else(|| n.module.split('.').next().unwrap_or("").into());
                    self.assign(&bound);
                }
            }
            StmtKind::ImportFrom { names, .. } => {
                // (`from m import *` has no names.)
                if self.stack.len() > 1 && names.is_empty() {
                    return Err(CompileError::syntax("import * not at module level", s.line));
                }
                for (n, alias) in names {
                    self.assign(alias.as_ref().unwrap_or(n));
                }
            }
        }
        Ok(())
    }

    fn target(&mut self, t: &Expr) -> Result<(), CompileError> {
        match &t.kind {
            ExprKind::Name(n) => self.assign(n),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for i in items {
                    self.target(i)?;
                }
            }
            ExprKind::Starred(inner) => self.target(inner)?,
            _ => self.expr(t)?,
        }
        Ok(())
    }

    fn arg(&mut self, a: &Arg) -> Result<(), CompileError> {
        match a {
            Arg::Pos(e) | Arg::Star(e) | Arg::Kw(_, e) | Arg::StarStar(e) => self.expr(e),
        }
    }

    fn expr(&mut self, e: &Expr) -> Result<(), CompileError> {
        match &e.kind {
            ExprKind::Name(n) => {
                if n == "super" {
                    self.cur().uses_super = true;
                }
                self.use_name(n);
            }
            ExprKind::Binary(_, a, b)
            | ExprKind::BoolOp {
                left: a, right: b, ..
            } => {
                self.expr(a)?;
                self.expr(b)?;
            }
            ExprKind::Unary(_, a)
            | ExprKind::Starred(a)
            | ExprKind::YieldFrom(a)
            | ExprKind::Await(a) => {
                if matches!(e.kind, ExprKind::YieldFrom(_) | ExprKind::Await(_)) {
                    self.mark_generator(e.line)?;
                }
                self.expr(a)?;
            }
            ExprKind::Yield(v) => {
                self.mark_generator(e.line)?;
                if let Some(v) = v {
                    self.expr(v)?;
                }
            }
            ExprKind::Compare { first, rest } => {
                self.expr(first)?;
                for (_, r) in rest {
                    self.expr(r)?;
                }
            }
            ExprKind::Call { func, args } => {
                self.expr(func)?;
                for a in args {
                    self.arg(a)?;
                }
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.expr(test)?;
                self.expr(body)?;
                self.expr(orelse)?;
            }
            ExprKind::Attribute(o, _) => self.expr(o)?,
            ExprKind::Subscript(o, i) => {
                self.expr(o)?;
                self.expr(i)?;
            }
            ExprKind::Slice(a, b, c) => {
                for part in [a, b, c].into_iter().flatten() {
                    self.expr(part)?;
                }
            }
            ExprKind::Tuple(items) | ExprKind::List(items) | ExprKind::Set(items) => {
                for i in items {
                    self.expr(i)?;
                }
            }
            ExprKind::Dict(items) => {
                for (k, v) in items {
                    if let Some(k) = k {
                        self.expr(k)?;
                    }
                    self.expr(v)?;
                }
            }
            ExprKind::Lambda(def) => self.function(def)?,
            ExprKind::Comp {
                elt, value, fors, ..
            } => {
                // The first iterable is evaluated outside; the rest runs in its own scope.
                self.expr(&fors[0].iter)?;
                self.push_scope(e, true, false);
                self.cur().locals.push(String::from(".0"));
                if matches!(
                    e.kind,
                    ExprKind::Comp {
                        kind: CompKind::Generator,
                        ..
                    }
                ) {
                    self.cur().is_generator = true;
                }
                for (i, f) in fors.iter().enumerate() {
                    if i > 0 {
                        self.expr(&f.iter)?;
                    }
                    self.target(&f.target)?;
                    for c in &f.ifs {
                        self.expr(c)?;
                    }
                }
                self.expr(elt)?;
                if let Some(v) = value {
                    self.expr(v)?;
                }
                self.pop_scope();
            }
            ExprKind::Walrus(name, value) => {
                self.expr(value)?;
                let here = *self.stack.last().expect("scope");
                // A comprehension's own variables are all it assigns to itself.
                if self.is_comprehension(here) && self.scopes[here].assigned.contains(name) {
                    return Err(CompileError::syntax(
                        "assignment expression cannot rebind comprehension iteration variable",
                        e.line,
                    ));
                }
                // In a comprehension the name binds in the enclosing function or module.
                let mut at = self.stack.len() - 1;
                while at > 0 && self.is_comprehension(self.stack[at]) {
                    at -= 1;
                }
                let target = self.stack[at];
                self.scopes[target].assigned.insert(name.clone());
                if target != here {
                    // Global there (module level, or declared `global`): global here too.
                    if !self.scopes[target].is_function
                        || self.scopes[target].globals.contains(name)
                    {
                        self.cur().globals.insert(name.clone());
                    } else {
                        self.cur().nonlocals.insert(name.clone());
                    }
                }
                self.use_name(name);
            }
            ExprKind::FString(parts) => self.fparts(parts)?,
            ExprKind::None
            | ExprKind::True
            | ExprKind::False
            | ExprKind::Ellipsis
            | ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Imag(_)
            | ExprKind::Str(_)
            | ExprKind::Bytes(_) => {}
        }
        Ok(())
    }

    fn fparts(&mut self, parts: &[FPart]) -> Result<(), CompileError> {
        for p in parts {
            if let FPart::Field { expr, spec, .. } = p {
                self.expr(expr)?;
                self.fparts(spec)?;
            }
        }
        Ok(())
    }

    fn is_comprehension(&self, scope: usize) -> bool {
        self.scopes[scope].locals.first().map(String::as_str) == Some(".0")
    }

    fn mark_generator(&mut self, line: u32) -> Result<(), CompileError> {
        let s = self.cur();
        if !s.is_function {
            return Err(CompileError::syntax("'yield' outside function", line));
        }
        s.is_generator = true;
        Ok(())
    }
}
