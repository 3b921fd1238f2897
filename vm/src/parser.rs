//! Tokens → syntax tree, by recursive descent following Python's grammar.
//!
//! Nesting is bounded ([`MAX_NESTING`]): deeply nested source raises
//! `RuntimeError: maximum recursion depth exceeded` instead of overflowing the native stack.
//! Binary operators are parsed by precedence climbing, so a nesting level costs few frames.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use crate::ast::*;
use crate::error::CompileError;
use crate::lexer::{self, Tok, Token};

/// How deep expressions and blocks may nest before parsing gives up.
pub const MAX_NESTING: usize = 64;

pub fn parse(tokens: Vec<Token>) -> Result<Vec<Stmt>, CompileError> {
    let mut p = Parser {
        toks: tokens,
        pos: 0,
        depth: 0,
    };
    let mut body = Vec::new();
    while !p.at(&Tok::Eof) {
        if p.at(&Tok::Indent) {
            return Err(p.at_token(CompileError::indentation("unexpected indent", p.line())));
        }
        p.statement(&mut body)?;
    }
    Ok(body)
}

/// Parse one expression from source text (the fields of f-strings).
fn parse_expression_text(text: &str, line: u32) -> Result<Expr, CompileError> {
    // The field's own columns are not the file's: its errors and tokens have none.
    let mut toks = lexer::tokenize(text).map_err(|mut e| {
        e.line = line;
        e.column = None;
        e
    })?;
    for t in &mut toks {
        t.line = line;
        t.col = 0;
    }
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    let e = p.testlist_star()?;
    while p.at(&Tok::Newline) {
        p.advance();
    }
    if !p.at(&Tok::Eof) {
        return Err(CompileError::syntax("invalid syntax", line));
    }
    Ok(e)
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
}

type PResult<T> = Result<T, CompileError>;

fn expr(kind: ExprKind, line: u32) -> Expr {
    Expr { kind, line }
}

impl Parser {
    fn tok(&self) -> &Tok {
        &self.toks[self.pos].tok
    }

    fn peek_tok(&self, n: usize) -> &Tok {
        let i = (self.pos + n).min(self.toks.len() - 1);
        &self.toks[i].tok
    }

    fn line(&self) -> u32 {
        self.toks[self.pos].line
    }

    fn at(&self, t: &Tok) -> bool {
        self.tok() == t
    }

    fn at_op(&self, op: &str) -> bool {
        matches!(self.tok(), Tok::Op(o) if *o == op)
    }

    fn at_kw(&self, kw: &str) -> bool {
        matches!(self.tok(), Tok::Kw(k) if *k == kw)
    }

    fn advance(&mut self) -> Tok {
        let t = self.toks[self.pos].tok.clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if self.at_op(op) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.at_kw(kw) {
            self.advance();
            true
        } else {
            false
        }
    }

    /// `error` at the current token's column, if it has one.
    fn at_token(&self, error: CompileError) -> CompileError {
        match self.toks[self.pos].col {
            0 => error,
            col => error.at_column(col),
        }
    }

    fn error(&self) -> CompileError {
        self.at_token(CompileError::syntax("invalid syntax", self.line()))
    }

    fn expect_op(&mut self, op: &str) -> PResult<()> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.error())
        }
    }

    fn name(&mut self) -> PResult<String> {
        match self.tok() {
            Tok::Name(_) => match self.advance() {
                Tok::Name(n) => Ok(n),
                _ => unreachable!("checked above"),
            },
            _ => Err(self.error()),
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(CompileError::too_deep(self.line()));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ---- statements ----

    /// One statement line (possibly several simple statements joined by `;`) or one
    /// compound statement, appended to `out`.
    fn statement(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        self.enter()?;
        let r = self.statement_inner(out);
        self.leave();
        r
    }

    fn statement_inner(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        let line = self.line();
        let compound = match self.tok() {
            Tok::Kw("if") => {
                self.advance();
                Some(self.if_rest(line)?)
            }
            Tok::Kw("while") => {
                self.advance();
                let test = self.named_test()?;
                self.expect_op(":")?;
                let body = self.block()?;
                let orelse = self.else_block()?;
                Some(StmtKind::While { test, body, orelse })
            }
            Tok::Kw("for") => {
                self.advance();
                Some(self.for_rest(false)?)
            }
            Tok::Kw("try") => {
                self.advance();
                Some(self.try_rest()?)
            }
            Tok::Kw("with") => {
                self.advance();
                Some(self.with_rest(false)?)
            }
            Tok::Kw("def") => {
                self.advance();
                Some(self.def_rest(Vec::new(), false, line)?)
            }
            Tok::Kw("class") => {
                self.advance();
                Some(self.class_rest(Vec::new())?)
            }
            Tok::Kw("async") => {
                self.advance();
                Some(match self.advance() {
                    Tok::Kw("def") => self.def_rest(Vec::new(), true, line)?,
                    Tok::Kw("for") => self.for_rest(true)?,
                    Tok::Kw("with") => self.with_rest(true)?,
                    _ => return Err(CompileError::syntax("invalid syntax", line)),
                })
            }
            Tok::Op("@") => Some(self.decorated()?),
            _ => None,
        };
        if let Some(kind) = compound {
            out.push(Stmt { kind, line });
            return Ok(());
        }
        loop {
            out.push(self.simple_statement()?);
            if !self.eat_op(";") || self.at(&Tok::Newline) {
                break;
            }
        }
        if !self.at(&Tok::Newline) {
            return Err(self.error());
        }
        self.advance();
        Ok(())
    }

    fn decorated(&mut self) -> PResult<StmtKind> {
        let mut decorators = Vec::new();
        while self.eat_op("@") {
            decorators.push(self.named_test()?);
            if !self.at(&Tok::Newline) {
                return Err(self.error());
            }
            self.advance();
        }
        let line = self.line();
        match self.advance() {
            Tok::Kw("def") => self.def_rest(decorators, false, line),
            Tok::Kw("class") => self.class_rest(decorators),
            Tok::Kw("async") if self.eat_kw("def") => self.def_rest(decorators, true, line),
            _ => Err(CompileError::syntax("invalid syntax", line)),
        }
    }

    fn else_block(&mut self) -> PResult<Vec<Stmt>> {
        if self.eat_kw("else") {
            self.expect_op(":")?;
            self.block()
        } else {
            Ok(Vec::new())
        }
    }

    /// After `if` or `elif`.
    fn if_rest(&mut self, line: u32) -> PResult<StmtKind> {
        let test = self.named_test()?;
        self.expect_op(":")?;
        let body = self.block()?;
        let orelse = if self.at_kw("elif") {
            let l = self.line();
            self.advance();
            self.enter()?;
            let s = self.if_rest(l);
            self.leave();
            alloc::vec![Stmt { kind: s?, line: l }]
        } else {
            self.else_block()?
        };
        let _ = line;
        Ok(StmtKind::If { test, body, orelse })
    }

    fn for_rest(&mut self, is_async: bool) -> PResult<StmtKind> {
        let target = self.target_list()?;
        if !self.eat_kw("in") {
            return Err(self.error());
        }
        let iter = self.testlist_star()?;
        self.expect_op(":")?;
        let body = self.block()?;
        let orelse = self.else_block()?;
        Ok(StmtKind::For {
            target,
            iter,
            body,
            orelse,
            is_async,
        })
    }

    fn try_rest(&mut self) -> PResult<StmtKind> {
        self.expect_op(":")?;
        let body = self.block()?;
        let mut handlers = Vec::new();
        while self.at_kw("except") {
            let line = self.line();
            if handlers.last().is_some_and(|h: &Handler| h.kind.is_none()) {
                return Err(CompileError::syntax("default 'except' must be last", line));
            }
            self.advance();
            let (kind, name) = if self.at_op(":") {
                (None, None)
            } else {
                let kind = self.test()?;
                let kind = if self.at_op(",") {
                    // `except A, B:` is not Python 3; a tuple needs parentheses.
                    return Err(self.error());
                } else {
                    kind
                };
                let name = if self.eat_kw("as") {
                    Some(self.name()?)
                } else {
                    None
                };
                (Some(kind), name)
            };
            self.expect_op(":")?;
            let hbody = self.block()?;
            handlers.push(Handler {
                kind,
                name,
                body: hbody,
                line,
            });
        }
        let orelse = if handlers.is_empty() {
            Vec::new()
        } else {
            self.else_block()?
        };
        let finally = if self.eat_kw("finally") {
            self.expect_op(":")?;
            self.block()?
        } else {
            Vec::new()
        };
        if handlers.is_empty() && finally.is_empty() {
            return Err(self.error());
        }
        Ok(StmtKind::Try {
            body,
            handlers,
            orelse,
            finally,
        })
    }

    fn with_rest(&mut self, is_async: bool) -> PResult<StmtKind> {
        let mut items = Vec::new();
        loop {
            let ctx = self.test()?;
            let target = if self.eat_kw("as") {
                Some(self.target()?)
            } else {
                None
            };
            items.push((ctx, target));
            if !self.eat_op(",") {
                break;
            }
        }
        self.expect_op(":")?;
        let body = self.block()?;
        Ok(StmtKind::With {
            items,
            body,
            is_async,
        })
    }

    fn def_rest(&mut self, decorators: Vec<Expr>, is_async: bool, line: u32) -> PResult<StmtKind> {
        let name = self.name()?;
        self.expect_op("(")?;
        let mut def = self.parameters(")", name, line)?;
        self.expect_op(")")?;
        if self.eat_op("->") {
            def.returns = annotation_name(&self.test()?);
        }
        self.expect_op(":")?;
        def.body = self.block()?;
        def.is_async = is_async;
        Ok(StmtKind::FunctionDef {
            def: Box::new(def),
            decorators,
        })
    }

    /// A parameter list up to (not including) `end` (`)` for def, `:` for lambda).
    fn parameters(&mut self, end: &str, name: String, line: u32) -> PResult<FuncDef> {
        let mut def = FuncDef {
            name,
            params: Vec::new(),
            varargs: None,
            kwonly: Vec::new(),
            varkw: None,
            body: Vec::new(),
            is_async: false,
            line,
            returns: None,
        };
        let lambda = end == ":";
        let mut seen_default = false;
        while !self.at_op(end) {
            if self.eat_op("**") {
                def.varkw = Some(self.name()?);
            } else if self.eat_op("*") {
                if def.varargs.is_some() {
                    return Err(self.error());
                }
                def.varargs = Some(if matches!(self.tok(), Tok::Name(_)) {
                    self.name()?
                } else {
                    String::new()
                });
                if !lambda && self.eat_op(":") {
                    self.test()?;
                }
            } else {
                if def.varkw.is_some() {
                    return Err(self.error());
                }
                let pname = self.name()?;
                let mut annotation = None;
                if !lambda && self.eat_op(":") {
                    annotation = annotation_name(&self.test()?);
                }
                let default = if self.eat_op("=") {
                    Some(self.test()?)
                } else {
                    None
                };
                let all_names = def
                    .params
                    .iter()
                    .chain(def.kwonly.iter())
                    .map(|p| &p.name)
                    .chain(def.varargs.iter());
                if all_names.into_iter().any(|n| *n == pname) {
                    return Err(CompileError::syntax(
                        "duplicate argument name in function definition",
                        self.line(),
                    ));
                }
                let param = Param {
                    name: pname,
                    default,
                    annotation,
                };
                if def.varargs.is_some() {
                    def.kwonly.push(param);
                } else {
                    if param.default.is_some() {
                        seen_default = true;
                    } else if seen_default {
                        return Err(CompileError::syntax(
                            "non-default argument follows default argument",
                            self.line(),
                        ));
                    }
                    def.params.push(param);
                }
            }
            if !self.eat_op(",") {
                break;
            }
        }
        Ok(def)
    }

    fn class_rest(&mut self, decorators: Vec<Expr>) -> PResult<StmtKind> {
        let name = self.name()?;
        let bases = if self.eat_op("(") {
            self.call_arguments()?
        } else {
            Vec::new()
        };
        self.expect_op(":")?;
        let body = self.block()?;
        Ok(StmtKind::ClassDef {
            name,
            bases,
            body,
            decorators,
        })
    }

    /// The body after `:`: an indented block, or simple statements on the same line.
    fn block(&mut self) -> PResult<Vec<Stmt>> {
        let mut body = Vec::new();
        if !self.at(&Tok::Newline) {
            loop {
                body.push(self.simple_statement()?);
                if !self.eat_op(";") || self.at(&Tok::Newline) {
                    break;
                }
            }
            if !self.at(&Tok::Newline) {
                return Err(self.error());
            }
            self.advance();
            return Ok(body);
        }
        self.advance();
        if !self.at(&Tok::Indent) {
            return Err(self.at_token(CompileError::indentation(
                "expected an indented block",
                self.line(),
            )));
        }
        self.advance();
        while !self.at(&Tok::Dedent) && !self.at(&Tok::Eof) {
            self.statement(&mut body)?;
        }
        if self.at(&Tok::Dedent) {
            self.advance();
        }
        Ok(body)
    }

    fn simple_statement(&mut self) -> PResult<Stmt> {
        let line = self.line();
        let kind = match self.tok() {
            Tok::Kw("pass") => {
                self.advance();
                StmtKind::Pass
            }
            Tok::Kw("break") => {
                self.advance();
                StmtKind::Break
            }
            Tok::Kw("continue") => {
                self.advance();
                StmtKind::Continue
            }
            Tok::Kw("return") => {
                self.advance();
                if self.at_end_of_simple() {
                    StmtKind::Return(None)
                } else {
                    StmtKind::Return(Some(self.testlist_star()?))
                }
            }
            Tok::Kw("global") | Tok::Kw("nonlocal") => {
                let global = self.at_kw("global");
                self.advance();
                let mut names = alloc::vec![self.name()?];
                while self.eat_op(",") {
                    names.push(self.name()?);
                }
                if global {
                    StmtKind::Global(names)
                } else {
                    StmtKind::Nonlocal(names)
                }
            }
            Tok::Kw("del") => {
                self.advance();
                let mut targets = Vec::new();
                loop {
                    let t = self.binary_expr(0)?;
                    check_target(&t, true)?;
                    targets.push(t);
                    if !self.eat_op(",") || self.at_end_of_simple() {
                        break;
                    }
                }
                StmtKind::Del(targets)
            }
            Tok::Kw("assert") => {
                self.advance();
                let test = self.test()?;
                let msg = if self.eat_op(",") {
                    Some(self.test()?)
                } else {
                    None
                };
                StmtKind::Assert { test, msg }
            }
            Tok::Kw("raise") => {
                self.advance();
                if self.at_end_of_simple() {
                    StmtKind::Raise {
                        exc: None,
                        cause: None,
                    }
                } else {
                    let exc = Some(self.test()?);
                    let cause = if self.eat_kw("from") {
                        Some(self.test()?)
                    } else {
                        None
                    };
                    StmtKind::Raise { exc, cause }
                }
            }
            Tok::Kw("import") => {
                self.advance();
                let mut names = Vec::new();
                loop {
                    let module = self.dotted_name()?;
                    let alias = if self.eat_kw("as") {
                        Some(self.name()?)
                    } else {
                        None
                    };
                    names.push(ImportName { module, alias });
                    if !self.eat_op(",") {
                        break;
                    }
                }
                StmtKind::Import(names)
            }
            Tok::Kw("from") => {
                self.advance();
                let mut level = 0;
                loop {
                    if self.eat_op(".") {
                        level += 1;
                    } else if self.eat_op("...") {
                        level += 3;
                    } else {
                        break;
                    }
                }
                let module = if self.at_kw("import") {
                    String::new()
                } else {
                    self.dotted_name()?
                };
                if !self.eat_kw("import") {
                    return Err(self.error());
                }
                let mut names = Vec::new();
                if !self.eat_op("*") {
                    let paren = self.eat_op("(");
                    loop {
                        if paren && self.at_op(")") {
                            break;
                        }
                        let n = self.name()?;
                        let alias = if self.eat_kw("as") {
                            Some(self.name()?)
                        } else {
                            None
                        };
                        names.push((n, alias));
                        if !self.eat_op(",") {
                            break;
                        }
                    }
                    if paren {
                        self.expect_op(")")?;
                    }
                    if names.is_empty() {
                        return Err(self.error());
                    }
                }
                StmtKind::ImportFrom {
                    module,
                    level,
                    names,
                }
            }
            _ => self.expression_statement()?,
        };
        Ok(Stmt { kind, line })
    }

    fn at_end_of_simple(&self) -> bool {
        matches!(self.tok(), Tok::Newline | Tok::Eof | Tok::Op(";"))
    }

    fn dotted_name(&mut self) -> PResult<String> {
        let mut name = self.name()?;
        while self.eat_op(".") {
            name.push('.');
            name.push_str(&self.name()?);
        }
        Ok(name)
    }

    fn expression_statement(&mut self) -> PResult<StmtKind> {
        if self.at_kw("yield") {
            return Ok(StmtKind::Expr(self.yield_expr()?));
        }
        let first = self.testlist_star()?;
        if let Tok::Op(op) = self.tok() {
            let aug = match *op {
                "+=" => Some(BinOp::Add),
                "-=" => Some(BinOp::Sub),
                "*=" => Some(BinOp::Mul),
                "@=" => Some(BinOp::MatMul),
                "/=" => Some(BinOp::TrueDiv),
                "//=" => Some(BinOp::FloorDiv),
                "%=" => Some(BinOp::Mod),
                "**=" => Some(BinOp::Pow),
                "<<=" => Some(BinOp::LShift),
                ">>=" => Some(BinOp::RShift),
                "&=" => Some(BinOp::And),
                "|=" => Some(BinOp::Or),
                "^=" => Some(BinOp::Xor),
                _ => None,
            };
            if let Some(op) = aug {
                self.advance();
                if !matches!(
                    first.kind,
                    ExprKind::Name(_) | ExprKind::Attribute(..) | ExprKind::Subscript(..)
                ) {
                    return Err(CompileError::syntax(
                        "illegal expression for augmented assignment",
                        first.line,
                    ));
                }
                let value = self.yield_or_testlist()?;
                return Ok(StmtKind::AugAssign {
                    target: first,
                    op,
                    value,
                });
            }
            if *op == ":" {
                self.advance();
                check_target(&first, false)?;
                self.test()?;
                let value = if self.eat_op("=") {
                    Some(self.yield_or_testlist()?)
                } else {
                    None
                };
                return Ok(StmtKind::AnnAssign {
                    target: first,
                    value,
                });
            }
        }
        if !self.at_op("=") {
            if matches!(first.kind, ExprKind::Starred(_)) {
                return Err(CompileError::syntax(
                    "can't use starred expression here",
                    first.line,
                ));
            }
            return Ok(StmtKind::Expr(first));
        }
        let mut targets = alloc::vec![first];
        while self.eat_op("=") {
            targets.push(self.yield_or_testlist()?);
        }
        let value = targets.pop().expect("at least two");
        for t in &targets {
            check_target(t, false)?;
        }
        Ok(StmtKind::Assign { targets, value })
    }

    fn yield_or_testlist(&mut self) -> PResult<Expr> {
        if self.at_kw("yield") {
            return self.yield_expr();
        }
        self.testlist_star()
    }

    fn yield_expr(&mut self) -> PResult<Expr> {
        let line = self.line();
        self.advance();
        if self.eat_kw("from") {
            let e = self.test()?;
            return Ok(expr(ExprKind::YieldFrom(Box::new(e)), line));
        }
        if matches!(
            self.tok(),
            Tok::Newline
                | Tok::Eof
                | Tok::Op(")")
                | Tok::Op(";")
                | Tok::Op("=")
                | Tok::Op("]")
                | Tok::Op("}")
        ) {
            return Ok(expr(ExprKind::Yield(None), line));
        }
        let e = self.testlist_star()?;
        Ok(expr(ExprKind::Yield(Some(Box::new(e))), line))
    }

    /// Assignment targets of `for`: an expression list without conditionals.
    fn target_list(&mut self) -> PResult<Expr> {
        let line = self.line();
        let first = self.target()?;
        if !self.at_op(",") {
            return Ok(first);
        }
        let mut items = alloc::vec![first];
        while self.eat_op(",") {
            if self.at_kw("in") || self.at_op("=") {
                break;
            }
            items.push(self.target()?);
        }
        let e = expr(ExprKind::Tuple(items), line);
        check_target(&e, false)?;
        Ok(e)
    }

    fn target(&mut self) -> PResult<Expr> {
        let line = self.line();
        let e = if self.eat_op("*") {
            let inner = self.binary_expr(0)?;
            expr(ExprKind::Starred(Box::new(inner)), line)
        } else {
            self.binary_expr(0)?
        };
        check_target(&e, false)?;
        Ok(e)
    }

    // ---- expressions ----

    /// A comma-separated list that may contain `*x`; more than one item (or a trailing
    /// comma) makes a tuple.
    /// An unparenthesized `x := v` is not allowed here (statements, `return`, `eval`).
    fn testlist_star(&mut self) -> PResult<Expr> {
        let line = self.line();
        let first = self.star_or_plain_test()?;
        if !self.at_op(",") {
            return Ok(first);
        }
        let mut items = alloc::vec![first];
        while self.eat_op(",") {
            if self.starts_expression() {
                items.push(self.star_or_plain_test()?);
            } else {
                break;
            }
        }
        Ok(expr(ExprKind::Tuple(items), line))
    }

    fn starts_expression(&self) -> bool {
        match self.tok() {
            Tok::Name(_)
            | Tok::Int(_)
            | Tok::Float(_)
            | Tok::Imag(_)
            | Tok::Str(_)
            | Tok::Bytes(_)
            | Tok::FStr(..) => true,
            Tok::Kw(k) => matches!(
                *k,
                "None" | "True" | "False" | "not" | "lambda" | "await" | "yield"
            ),
            Tok::Op(o) => matches!(*o, "(" | "[" | "{" | "-" | "+" | "~" | "*" | "..."),
            _ => false,
        }
    }

    fn test_or_star(&mut self) -> PResult<Expr> {
        if self.at_op("*") {
            return self.starred();
        }
        self.named_test()
    }

    /// As [`Self::test_or_star`], without an assignment expression.
    fn star_or_plain_test(&mut self) -> PResult<Expr> {
        if self.at_op("*") {
            return self.starred();
        }
        self.test()
    }

    fn starred(&mut self) -> PResult<Expr> {
        let line = self.line();
        self.expect_op("*")?;
        let e = self.binary_expr(0)?;
        Ok(expr(ExprKind::Starred(Box::new(e)), line))
    }

    /// `test` or `name := test`.
    fn named_test(&mut self) -> PResult<Expr> {
        if let (Tok::Name(_), Tok::Op(":=")) = (self.tok(), self.peek_tok(1)) {
            let line = self.line();
            let name = self.name()?;
            self.advance();
            let value = self.test()?;
            return Ok(expr(ExprKind::Walrus(name, Box::new(value)), line));
        }
        self.test()
    }

    /// `test`: a conditional expression, a lambda, or anything below them.
    fn test(&mut self) -> PResult<Expr> {
        self.enter()?;
        let r = self.test_inner();
        self.leave();
        r
    }

    fn test_inner(&mut self) -> PResult<Expr> {
        if self.at_kw("lambda") {
            return self.lambda(true);
        }
        let body = self.or_test()?;
        if !self.at_kw("if") {
            return Ok(body);
        }
        let line = self.line();
        self.advance();
        let test = self.or_test()?;
        if !self.eat_kw("else") {
            return Err(self.error());
        }
        let orelse = self.test()?;
        Ok(expr(
            ExprKind::IfExp {
                test: Box::new(test),
                body: Box::new(body),
                orelse: Box::new(orelse),
            },
            line,
        ))
    }

    fn lambda(&mut self, allow_cond: bool) -> PResult<Expr> {
        let line = self.line();
        self.advance();
        let mut def = self.parameters(":", String::from("<lambda>"), line)?;
        self.expect_op(":")?;
        let body = if allow_cond {
            self.test()?
        } else {
            self.or_test()?
        };
        def.body = alloc::vec![Stmt {
            kind: StmtKind::Return(Some(body)),
            line,
        }];
        Ok(expr(ExprKind::Lambda(Box::new(def)), line))
    }

    fn or_test(&mut self) -> PResult<Expr> {
        let mut left = self.and_test()?;
        while self.at_kw("or") {
            let line = self.line();
            self.advance();
            let right = self.and_test()?;
            left = expr(
                ExprKind::BoolOp {
                    and: false,
                    left: Box::new(left),
                    right: Box::new(right),
                },
                line,
            );
        }
        Ok(left)
    }

    fn and_test(&mut self) -> PResult<Expr> {
        let mut left = self.not_test()?;
        while self.at_kw("and") {
            let line = self.line();
            self.advance();
            let right = self.not_test()?;
            left = expr(
                ExprKind::BoolOp {
                    and: true,
                    left: Box::new(left),
                    right: Box::new(right),
                },
                line,
            );
        }
        Ok(left)
    }

    fn not_test(&mut self) -> PResult<Expr> {
        if self.at_kw("not") {
            let line = self.line();
            self.advance();
            self.enter()?;
            let operand = self.not_test();
            self.leave();
            return Ok(expr(
                ExprKind::Unary(UnaryOp::Not, Box::new(operand?)),
                line,
            ));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let first = self.binary_expr(0)?;
        let mut rest = Vec::new();
        let line = self.line();
        loop {
            let op = match self.tok() {
                Tok::Op("<") => CmpOp::Lt,
                Tok::Op("<=") => CmpOp::Le,
                Tok::Op(">") => CmpOp::Gt,
                Tok::Op(">=") => CmpOp::Ge,
                Tok::Op("==") => CmpOp::Eq,
                Tok::Op("!=") => CmpOp::Ne,
                Tok::Kw("in") => CmpOp::In,
                Tok::Kw("is") => {
                    self.advance();
                    let op = if self.eat_kw("not") {
                        CmpOp::IsNot
                    } else {
                        CmpOp::Is
                    };
                    rest.push((op, self.binary_expr(0)?));
                    continue;
                }
                Tok::Kw("not") if matches!(self.peek_tok(1), Tok::Kw("in")) => {
                    self.advance();
                    self.advance();
                    rest.push((CmpOp::NotIn, self.binary_expr(0)?));
                    continue;
                }
                _ => break,
            };
            self.advance();
            rest.push((op, self.binary_expr(0)?));
        }
        if rest.is_empty() {
            return Ok(first);
        }
        Ok(expr(
            ExprKind::Compare {
                first: Box::new(first),
                rest,
            },
            line,
        ))
    }

    /// Binary operators by precedence climbing: `|` < `^` < `&` < shifts < `+ -` <
    /// `* @ / // %`.
    fn binary_expr(&mut self, min_prec: u8) -> PResult<Expr> {
        let mut left = self.unary()?;
        loop {
            let (prec, op) = match self.tok() {
                Tok::Op("|") => (1, BinOp::Or),
                Tok::Op("^") => (2, BinOp::Xor),
                Tok::Op("&") => (3, BinOp::And),
                Tok::Op("<<") => (4, BinOp::LShift),
                Tok::Op(">>") => (4, BinOp::RShift),
                Tok::Op("+") => (5, BinOp::Add),
                Tok::Op("-") => (5, BinOp::Sub),
                Tok::Op("*") => (6, BinOp::Mul),
                Tok::Op("@") => (6, BinOp::MatMul),
                Tok::Op("/") => (6, BinOp::TrueDiv),
                Tok::Op("//") => (6, BinOp::FloorDiv),
                Tok::Op("%") => (6, BinOp::Mod),
                _ => break,
            };
            if prec < min_prec.max(1) {
                break;
            }
            let line = self.line();
            self.advance();
            self.enter()?;
            let right = self.binary_expr(prec + 1);
            self.leave();
            left = expr(ExprKind::Binary(op, Box::new(left), Box::new(right?)), line);
        }
        Ok(left)
    }

    fn unary(&mut self) -> PResult<Expr> {
        let op = match self.tok() {
            Tok::Op("-") => UnaryOp::Neg,
            Tok::Op("+") => UnaryOp::Pos,
            Tok::Op("~") => UnaryOp::Invert,
            _ => return self.power(),
        };
        let line = self.line();
        self.advance();
        self.enter()?;
        let operand = self.unary();
        self.leave();
        Ok(expr(ExprKind::Unary(op, Box::new(operand?)), line))
    }

    fn power(&mut self) -> PResult<Expr> {
        let base = if self.at_kw("await") {
            let line = self.line();
            self.advance();
            let e = self.postfix()?;
            expr(ExprKind::Await(Box::new(e)), line)
        } else {
            self.postfix()?
        };
        if !self.at_op("**") {
            return Ok(base);
        }
        let line = self.line();
        self.advance();
        // Right-associative, and binds less tightly than a unary operator on its right.
        self.enter()?;
        let exp = self.unary();
        self.leave();
        Ok(expr(
            ExprKind::Binary(BinOp::Pow, Box::new(base), Box::new(exp?)),
            line,
        ))
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let mut e = self.atom()?;
        loop {
            let line = self.line();
            if self.eat_op("(") {
                let args = self.call_arguments()?;
                e = expr(
                    ExprKind::Call {
                        func: Box::new(e),
                        args,
                    },
                    line,
                );
            } else if self.eat_op("[") {
                let index = self.subscript_list()?;
                self.expect_op("]")?;
                e = expr(ExprKind::Subscript(Box::new(e), Box::new(index)), line);
            } else if self.eat_op(".") {
                let attr = self.name()?;
                e = expr(ExprKind::Attribute(Box::new(e), attr), line);
            } else {
                return Ok(e);
            }
        }
    }

    fn subscript_list(&mut self) -> PResult<Expr> {
        let line = self.line();
        let first = self.subscript()?;
        if !self.at_op(",") {
            return Ok(first);
        }
        let mut items = alloc::vec![first];
        while self.eat_op(",") {
            if self.at_op("]") {
                break;
            }
            items.push(self.subscript()?);
        }
        Ok(expr(ExprKind::Tuple(items), line))
    }

    fn subscript(&mut self) -> PResult<Expr> {
        let line = self.line();
        let lower = if self.at_op(":") {
            None
        } else {
            let e = self.named_test()?;
            if !self.at_op(":") {
                return Ok(e);
            }
            Some(Box::new(e))
        };
        self.expect_op(":")?;
        let upper = if self.at_op(":") || self.at_op("]") || self.at_op(",") {
            None
        } else {
            Some(Box::new(self.test()?))
        };
        let step = if self.eat_op(":") {
            if self.at_op("]") || self.at_op(",") {
                None
            } else {
                Some(Box::new(self.test()?))
            }
        } else {
            None
        };
        Ok(expr(ExprKind::Slice(lower, upper, step), line))
    }

    /// Arguments after `(` up to and including `)`.
    fn call_arguments(&mut self) -> PResult<Vec<Arg>> {
        let mut args: Vec<Arg> = Vec::new();
        let mut seen_kw = false;
        let mut seen_starstar = false;
        while !self.at_op(")") {
            let line = self.line();
            if self.eat_op("**") {
                args.push(Arg::StarStar(self.test()?));
                seen_kw = true;
                seen_starstar = true;
            } else if self.eat_op("*") {
                // MicroPython passes `*args` before all keywords.
                if seen_kw {
                    let message = if seen_starstar {
                        "* arg after **"
                    } else {
                        "* arg after kwarg"
                    };
                    return Err(CompileError::syntax(message, line));
                }
                args.push(Arg::Star(self.test()?));
            } else if matches!(self.tok(), Tok::Name(_)) && matches!(self.peek_tok(1), Tok::Op("="))
            {
                let name = self.name()?;
                self.advance();
                if args
                    .iter()
                    .any(|a| matches!(a, Arg::Kw(n, _) if *n == name))
                {
                    return Err(CompileError::syntax("keyword argument repeated", line));
                }
                args.push(Arg::Kw(name, self.test()?));
                seen_kw = true;
            } else {
                if seen_kw {
                    return Err(CompileError::syntax(
                        "positional argument follows keyword argument",
                        line,
                    ));
                }
                let e = self.named_test()?;
                if self.at_kw("for") || self.at_kw("async") {
                    let comp = self.comprehension(CompKind::Generator, e, None, line)?;
                    args.push(Arg::Pos(comp));
                    if !self.at_op(")") {
                        return Err(self.error());
                    }
                    break;
                }
                args.push(Arg::Pos(e));
            }
            if !self.eat_op(",") {
                break;
            }
        }
        self.expect_op(")")?;
        Ok(args)
    }

    fn comprehension(
        &mut self,
        kind: CompKind,
        elt: Expr,
        value: Option<Expr>,
        line: u32,
    ) -> PResult<Expr> {
        let mut fors = Vec::new();
        while self.at_kw("for") || self.at_kw("async") {
            self.eat_kw("async");
            self.advance();
            let target = self.target_list()?;
            if !self.eat_kw("in") {
                return Err(self.error());
            }
            let iter = self.or_test()?;
            let mut ifs = Vec::new();
            while self.eat_kw("if") {
                ifs.push(self.test_no_cond()?);
            }
            fors.push(CompFor { target, iter, ifs });
        }
        Ok(expr(
            ExprKind::Comp {
                kind,
                elt: Box::new(elt),
                value: value.map(Box::new),
                fors,
            },
            line,
        ))
    }

    /// The condition of a comprehension `if`: no unparenthesised conditional expression.
    fn test_no_cond(&mut self) -> PResult<Expr> {
        if self.at_kw("lambda") {
            return self.lambda(false);
        }
        if let (Tok::Name(_), Tok::Op(":=")) = (self.tok(), self.peek_tok(1)) {
            return self.named_test();
        }
        self.or_test()
    }

    fn atom(&mut self) -> PResult<Expr> {
        let line = self.line();
        let kind = match self.advance() {
            Tok::Name(n) => ExprKind::Name(n),
            Tok::Int(digits) => ExprKind::Int(digits),
            Tok::Float(f) => ExprKind::Float(f),
            Tok::Imag(f) => ExprKind::Imag(f),
            Tok::Str(s) => return self.string_atom(ExprKind::Str(s), line),
            Tok::FStr(s, raw) => {
                let parts = fstring_parts(&s, raw, line)?;
                return self.string_atom(ExprKind::FString(parts), line);
            }
            Tok::Bytes(mut b) => {
                while let Tok::Bytes(next) = self.tok() {
                    b.extend_from_slice(next);
                    self.advance();
                }
                ExprKind::Bytes(b)
            }
            Tok::Kw("None") => ExprKind::None,
            Tok::Kw("True") => ExprKind::True,
            Tok::Kw("False") => ExprKind::False,
            Tok::Op("...") => ExprKind::Ellipsis,
            Tok::Op("(") => return self.paren(line),
            Tok::Op("[") => return self.list_display(line),
            Tok::Op("{") => return self.brace_display(line),
            _ => {
                self.pos = self.pos.saturating_sub(1);
                return Err(CompileError::syntax("invalid syntax", line));
            }
        };
        Ok(expr(kind, line))
    }

    /// Adjacent string literals (plain and f-strings) concatenate.
    fn string_atom(&mut self, first: ExprKind, line: u32) -> PResult<Expr> {
        let mut parts: Vec<FPart> = match first {
            ExprKind::Str(s) => alloc::vec![FPart::Lit(s)],
            ExprKind::FString(p) => p,
            _ => unreachable!("strings only"),
        };
        let mut is_f = parts.iter().any(|p| matches!(p, FPart::Field { .. }));
        loop {
            match self.tok().clone() {
                Tok::Str(s) => {
                    self.advance();
                    parts.push(FPart::Lit(s));
                }
                Tok::FStr(s, raw) => {
                    self.advance();
                    is_f = true;
                    parts.extend(fstring_parts(&s, raw, line)?);
                }
                _ => break,
            }
        }
        if !is_f {
            let mut text = String::new();
            for p in parts {
                if let FPart::Lit(s) = p {
                    text.push_str(&s);
                }
            }
            return Ok(expr(ExprKind::Str(text), line));
        }
        Ok(expr(ExprKind::FString(parts), line))
    }

    fn paren(&mut self, line: u32) -> PResult<Expr> {
        if self.eat_op(")") {
            return Ok(expr(ExprKind::Tuple(Vec::new()), line));
        }
        if self.at_kw("yield") {
            let e = self.yield_expr()?;
            self.expect_op(")")?;
            return Ok(e);
        }
        let first = self.test_or_star()?;
        if self.at_kw("for") || self.at_kw("async") {
            let comp = self.comprehension(CompKind::Generator, first, None, line)?;
            self.expect_op(")")?;
            return Ok(comp);
        }
        if self.eat_op(")") {
            if matches!(first.kind, ExprKind::Starred(_)) {
                return Err(CompileError::syntax(
                    "can't use starred expression here",
                    line,
                ));
            }
            return Ok(first);
        }
        let mut items = alloc::vec![first];
        while self.eat_op(",") {
            if self.at_op(")") {
                break;
            }
            items.push(self.test_or_star()?);
        }
        self.expect_op(")")?;
        Ok(expr(ExprKind::Tuple(items), line))
    }

    fn list_display(&mut self, line: u32) -> PResult<Expr> {
        if self.eat_op("]") {
            return Ok(expr(ExprKind::List(Vec::new()), line));
        }
        let first = self.test_or_star()?;
        if self.at_kw("for") || self.at_kw("async") {
            let comp = self.comprehension(CompKind::List, first, None, line)?;
            self.expect_op("]")?;
            return Ok(comp);
        }
        let mut items = alloc::vec![first];
        while self.eat_op(",") {
            if self.at_op("]") {
                break;
            }
            items.push(self.test_or_star()?);
        }
        self.expect_op("]")?;
        Ok(expr(ExprKind::List(items), line))
    }

    fn brace_display(&mut self, line: u32) -> PResult<Expr> {
        if self.eat_op("}") {
            return Ok(expr(ExprKind::Dict(Vec::new()), line));
        }
        if self.eat_op("**") {
            let m = self.binary_expr(0)?;
            return self.dict_rest(alloc::vec![(None, m)], line);
        }
        let first = self.test_or_star()?;
        if self.eat_op(":") {
            let value = self.test()?;
            if self.at_kw("for") || self.at_kw("async") {
                let comp = self.comprehension(CompKind::Dict, first, Some(value), line)?;
                self.expect_op("}")?;
                return Ok(comp);
            }
            return self.dict_rest(alloc::vec![(Some(first), value)], line);
        }
        if self.at_kw("for") || self.at_kw("async") {
            let comp = self.comprehension(CompKind::Set, first, None, line)?;
            self.expect_op("}")?;
            return Ok(comp);
        }
        let mut items = alloc::vec![first];
        while self.eat_op(",") {
            if self.at_op("}") {
                break;
            }
            items.push(self.test_or_star()?);
        }
        self.expect_op("}")?;
        Ok(expr(ExprKind::Set(items), line))
    }

    fn dict_rest(&mut self, mut items: Vec<(Option<Expr>, Expr)>, line: u32) -> PResult<Expr> {
        while self.eat_op(",") {
            if self.at_op("}") {
                break;
            }
            if self.eat_op("**") {
                let m = self.binary_expr(0)?;
                items.push((None, m));
                continue;
            }
            let k = self.test()?;
            self.expect_op(":")?;
            let v = self.test()?;
            items.push((Some(k), v));
        }
        self.expect_op("}")?;
        Ok(expr(ExprKind::Dict(items), line))
    }
}

/// Split the text of an f-string into literal parts and replacement fields.
fn fstring_parts(text: &str, raw: bool, line: u32) -> PResult<Vec<FPart>> {
    let chars: Vec<char> = text.chars().collect();
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    let flush = |lit: &mut String, parts: &mut Vec<FPart>| -> PResult<()> {
        if !lit.is_empty() {
            parts.push(FPart::Lit(lexer::unescape(lit, raw, line).map_err(
                |mut e| {
                    e.column = None;
                    e
                },
            )?));
            lit.clear();
        }
        Ok(())
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '{' && chars.get(i + 1) == Some(&'{') {
            lit.push('{');
            i += 2;
        } else if c == '}' && chars.get(i + 1) == Some(&'}') {
            lit.push('}');
            i += 2;
        } else if c == '}' {
            return Err(CompileError::syntax(
                "f-string: single '}' is not allowed",
                line,
            ));
        } else if c == '{' {
            flush(&mut lit, &mut parts)?;
            let (field, next) = fstring_field(&chars, i + 1, line)?;
            parts.push(field);
            i = next;
        } else {
            lit.push(c);
            i += 1;
        }
    }
    flush(&mut lit, &mut parts)?;
    Ok(parts)
}

/// Parse one `{…}` field starting just after `{`; returns the field and the index after `}`.
fn fstring_field(chars: &[char], start: usize, line: u32) -> PResult<(FPart, usize)> {
    let mut depth = 0;
    let mut i = start;
    // Find the end of the expression: `!`, `:` or `}` at bracket depth 0, outside strings
    // (which may be f-strings with fields of their own).
    while i < chars.len() {
        match chars[i] {
            '\'' | '"' => {
                let fstring = lexer::has_f_prefix(chars, i);
                i = lexer::skip_string(chars, i, fstring).unwrap_or(chars.len());
                continue;
            }
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth > 0 => depth -= 1,
            '}' | ':' if depth == 0 => break,
            '!' if depth == 0 && chars.get(i + 1) != Some(&'=') => break,
            _ => {}
        }
        i += 1;
    }
    if i >= chars.len() {
        return Err(CompileError::syntax("f-string: expecting '}'", line));
    }
    let mut text: String = chars[start..i].iter().collect();
    let mut self_doc = None;
    if text.trim_end().ends_with('=') && !text.trim_end().ends_with("==") {
        let t = text.trim_end();
        self_doc = Some(String::from(&text[..t.len()]));
        text = String::from(&t[..t.len() - 1]);
    }
    if text.trim().is_empty() {
        return Err(CompileError::syntax(
            "f-string: empty expression not allowed",
            line,
        ));
    }
    let e = parse_expression_text(text.trim(), line)?;
    let mut conv = None;
    if chars[i] == '!' {
        conv = chars.get(i + 1).copied();
        if !matches!(conv, Some('r' | 's' | 'a')) {
            return Err(CompileError::syntax(
                "f-string: invalid conversion character",
                line,
            ));
        }
        i += 2;
    }
    let mut spec = Vec::new();
    if chars.get(i) == Some(&':') {
        i += 1;
        let mut lit = String::new();
        while i < chars.len() && chars[i] != '}' {
            if chars[i] == '{' {
                if !lit.is_empty() {
                    spec.push(FPart::Lit(core::mem::take(&mut lit)));
                }
                let (f, next) = fstring_field(chars, i + 1, line)?;
                spec.push(f);
                i = next;
            } else {
                lit.push(chars[i]);
                i += 1;
            }
        }
        if !lit.is_empty() {
            spec.push(FPart::Lit(lit));
        }
    }
    if chars.get(i) != Some(&'}') {
        return Err(CompileError::syntax("f-string: expecting '}'", line));
    }
    let field = FPart::Field {
        expr: Box::new(e),
        conv: if self_doc.is_some() && conv.is_none() && spec.is_empty() {
            Some('r')
        } else {
            conv
        },
        spec,
    };
    if let Some(doc) = self_doc {
        // `{x=}` prints `x=` and then the value; represent as a literal then the field.
        return Ok((
            FPart::Field {
                expr: Box::new(Expr {
                    kind: ExprKind::FString(alloc::vec![FPart::Lit(doc), field]),
                    line,
                }),
                conv: None,
                spec: Vec::new(),
            },
            i + 1,
        ));
    }
    Ok((field, i + 1))
}

/// Can `e` be assigned to (or deleted, with `del_`)?
fn check_target(e: &Expr, del_: bool) -> PResult<()> {
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Attribute(..) | ExprKind::Subscript(..) => Ok(()),
        // `()` is no target (MicroPython, as Python 3.4); `[]` is one, except for `del`.
        ExprKind::Tuple(items) if items.is_empty() => Err(CompileError::syntax(
            if del_ {
                "can't delete expression"
            } else {
                "can't assign to expression"
            },
            e.line,
        )),
        ExprKind::List(items) if items.is_empty() && del_ => {
            Err(CompileError::syntax("can't delete expression", e.line))
        }
        ExprKind::Tuple(items) | ExprKind::List(items) => {
            let mut stars = 0;
            for item in items {
                if let ExprKind::Starred(inner) = &item.kind {
                    if del_ {
                        return Err(CompileError::syntax("can't delete expression", item.line));
                    }
                    stars += 1;
                    check_target(inner, del_)?;
                } else {
                    check_target(item, del_)?;
                }
            }
            if stars > 1 {
                return Err(CompileError::syntax("multiple *x in assignment", e.line));
            }
            Ok(())
        }
        ExprKind::Starred(inner) if !del_ => check_target(inner, del_),
        _ if del_ => Err(CompileError::syntax("can't delete expression", e.line)),
        ExprKind::Call { .. }
        | ExprKind::Binary(..)
        | ExprKind::Unary(..)
        | ExprKind::Compare { .. }
        | ExprKind::BoolOp { .. }
        | ExprKind::IfExp { .. }
        | ExprKind::Lambda(_)
        | ExprKind::Comp { .. } => Err(CompileError::syntax("can't assign to expression", e.line)),
        _ => Err(CompileError::syntax("can't assign to literal", e.line)),
    }
}

/// An annotation that is a plain name (`int`, `ptr8`), as viper functions read them.
fn annotation_name(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Name(n) => Some(n.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::tokenize;
    use alloc::format;

    /// A compact, readable rendering of expressions for snapshot tests.
    fn show(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Int(d) => d.clone(),
            ExprKind::Name(n) => n.clone(),
            ExprKind::Str(s) => format!("{s:?}"),
            ExprKind::Binary(op, a, b) => format!("({op:?} {} {})", show(a), show(b)),
            ExprKind::Unary(op, a) => format!("({op:?} {})", show(a)),
            ExprKind::Compare { first, rest } => {
                let mut s = format!("(cmp {}", show(first));
                for (op, e) in rest {
                    s += &format!(" {op:?} {}", show(e));
                }
                s + ")"
            }
            ExprKind::Call { func, args } => {
                let mut s = format!("(call {}", show(func));
                for a in args {
                    s += &match a {
                        Arg::Pos(e) => format!(" {}", show(e)),
                        Arg::Star(e) => format!(" *{}", show(e)),
                        Arg::Kw(k, e) => format!(" {k}={}", show(e)),
                        Arg::StarStar(e) => format!(" **{}", show(e)),
                    };
                }
                s + ")"
            }
            ExprKind::Tuple(items) => {
                let inner: Vec<String> = items.iter().map(show).collect();
                format!("(tuple {})", inner.join(" "))
            }
            ExprKind::Attribute(o, a) => format!("{}.{a}", show(o)),
            ExprKind::Subscript(o, i) => format!("{}[{}]", show(o), show(i)),
            other => format!("{other:?}"),
        }
    }

    fn expr(src: &str) -> String {
        let body = parse(tokenize(src).unwrap()).unwrap();
        match &body[0].kind {
            StmtKind::Expr(e) => show(e),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn precedence() {
        assert_eq!(expr("1 + 2 * 3 - 4"), "(Sub (Add 1 (Mul 2 3)) 4)");
        assert_eq!(expr("-2 ** 2"), "(Neg (Pow 2 2))");
        assert_eq!(expr("2 ** 3 ** 2"), "(Pow 2 (Pow 3 2))");
        assert_eq!(expr("2 ** -1"), "(Pow 2 (Neg 1))");
        assert_eq!(
            expr("(1 + 2) * 3 // 4 % 5"),
            "(Mod (FloorDiv (Mul (Add 1 2) 3) 4) 5)"
        );
        assert_eq!(
            expr("1 | 2 ^ 3 & 4 << 5"),
            "(Or 1 (Xor 2 (And 3 (LShift 4 5))))"
        );
        assert_eq!(expr("a < b == c"), "(cmp a Lt b Eq c)");
        assert_eq!(expr("x not in y"), "(cmp x NotIn y)");
        assert_eq!(
            expr("print(1, 'a', *r, sep='-', **k)"),
            "(call print 1 \"a\" *r sep=\"-\" **k)"
        );
        assert_eq!(expr("a.b(c)[d].e"), "(call a.b c)[d].e");
        assert_eq!(expr("1, 2"), "(tuple 1 2)");
    }

    #[test]
    fn statements() {
        let body =
            parse(tokenize("a = b = 1\nif a:\n  x += 1\nelif b: pass\nelse:\n  y\n").unwrap())
                .unwrap();
        assert_eq!(body.len(), 2);
        assert!(matches!(&body[0].kind, StmtKind::Assign { targets, .. } if targets.len() == 2));
        let StmtKind::If { orelse, .. } = &body[1].kind else {
            panic!()
        };
        assert!(matches!(&orelse[0].kind, StmtKind::If { orelse, .. } if orelse.len() == 1));
        assert_eq!(body[1].line, 2);
        let src = "@dec\ndef f(a, b=1, *c, d, **e):\n  return a\nclass C(B):\n  pass\ntry:\n  x\nexcept E as e:\n  y\nfinally:\n  z\nfor a, *b in c: pass\nwith f() as g, h: pass\nfrom . import x as y\nimport a.b\n";
        let body = parse(tokenize(src).unwrap()).unwrap();
        assert_eq!(body.len(), 7);
        let StmtKind::FunctionDef { def, decorators } = &body[0].kind else {
            panic!()
        };
        assert_eq!(
            (def.params.len(), def.kwonly.len(), decorators.len()),
            (2, 1, 1)
        );
        assert_eq!(def.varargs.as_deref(), Some("c"));
    }

    #[test]
    fn fstrings() {
        let body = parse(tokenize("f'a{x!r:>{w}}b{{c}}' 'd'").unwrap()).unwrap();
        let StmtKind::Expr(Expr {
            kind: ExprKind::FString(parts),
            ..
        }) = &body[0].kind
        else {
            panic!("{body:?}")
        };
        assert_eq!(parts.len(), 4);
        assert_eq!(parts[2], FPart::Lit("b{c}".into()));
    }

    #[test]
    fn errors() {
        let err = |s: &str| parse(tokenize(s).unwrap()).unwrap_err();
        assert_eq!(err("1 = x").message, "can't assign to literal");
        assert_eq!(err("f() = 1").message, "can't assign to expression");
        assert_eq!(err("if x\n  y").message, "invalid syntax");
        assert_eq!(err("x = (1 +").line, 1);
        assert_eq!(err("  x").message, "unexpected indent");
        assert_eq!(
            err("def f(a=1, b): pass").message,
            "non-default argument follows default argument"
        );
        let deep = format!("{}1{}", "(".repeat(500), ")".repeat(500));
        assert_eq!(err(&deep).message, "maximum recursion depth exceeded");
        let deep = "-".repeat(10_000) + "1";
        assert_eq!(err(&deep).message, "maximum recursion depth exceeded");
        let deep = "[".repeat(10_000);
        assert_eq!(err(&deep).message, "maximum recursion depth exceeded");
    }

    fn error_at(src: &str) -> (crate::error::ErrKind, u32, Option<u32>) {
        let e = parse(tokenize(src).unwrap()).unwrap_err();
        (e.kind, e.line, e.column)
    }

    #[test]
    fn errors_name_the_token_they_stop_at() {
        use crate::error::ErrKind::*;
        assert_eq!(error_at("def f(:\n"), (SyntaxError, 1, Some(7)));
        assert_eq!(error_at("x = 1\nif x\n  y()\n"), (SyntaxError, 2, Some(5)));
        assert_eq!(error_at("x = 1\n  y = 2\n"), (IndentationError, 2, Some(3)));
        assert_eq!(error_at("if x:\ny = 2\n"), (IndentationError, 2, Some(1)));
        // The fields of an f-string are lexed on their own: their columns are not the file's.
        assert_eq!(error_at("x = f'{1 +}'\n").2, None);
    }
}
