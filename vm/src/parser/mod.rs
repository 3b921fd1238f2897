//! Tokens → syntax tree, by recursive descent following Python's grammar.
//!
//! Nesting is bounded ([`MAX_NESTING`]): deeply nested source raises
//! `RuntimeError: maximum recursion depth exceeded` instead of overflowing the native stack.
//! Binary operators are parsed by precedence climbing, so a nesting level costs few frames.
//!
//! This file holds the parser's state, its token helpers and the statements; `expr.rs` the
//! expressions (with f-strings and displays).

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;

use crate::ast::*;
use crate::error::CompileError;
use crate::lexer::{self, Tok, Token};

mod expr;

/// How deep expressions and blocks may nest before parsing gives up.
pub const MAX_NESTING: usize = 64;

pub fn parse(source: &str) -> Result<Vec<Stmt>, CompileError> {
    let mut p = Parser::new(lexer::Lexer::new(source, 1), None);
    let body = p.module();
    p.finish(body)
}

/// Parse `source` a line of top-level statements at a time, giving each to `each` before
/// the next is parsed: the whole syntax tree of a module is never held at once.
///
/// `short(n)` is asked whether memory has run short for compiling `n` more bytes of source:
/// with 0 at each token, and with the length of each line of statements before it is
/// given to `each`. When it has (a board's arena near its reserve), the source is a
/// `MemoryError` where it got to.
pub fn parse_each(
    source: &str,
    short: &mut dyn FnMut(usize) -> bool,
    mut each: impl FnMut(&[Stmt]) -> Result<(), CompileError>,
) -> Result<(), CompileError> {
    let mut p = Parser::new(lexer::Lexer::new(source, 1), None);
    p.short = Some(short);
    let mut body = Vec::new();
    let result = loop {
        let start = p.lexer.offset();
        match p.top_level(&mut body) {
            Ok(true) => {}
            Ok(false) => break Ok(()),
            Err(e) => break Err(e),
        }
        let span = p.lexer.offset() - start;
        let ask = p.short.as_mut().expect("set above");
        if let Some(stmt) = body.first().filter(|_| ask(span)) {
            break Err(CompileError::memory(stmt.line));
        }
        if let Err(e) = each(&body) {
            break Err(e);
        }
        body.clear();
    };
    p.finish(result)
}

impl Parser<'_> {
    fn module(&mut self) -> PResult<Vec<Stmt>> {
        let mut body = Vec::new();
        while self.top_level(&mut body)? {}
        Ok(body)
    }

    /// The next line of top-level statements, appended to `out`; `false` at the end.
    fn top_level(&mut self, out: &mut Vec<Stmt>) -> PResult<bool> {
        if self.at(&Tok::Eof) {
            return Ok(false);
        }
        if self.at(&Tok::Indent) {
            return Err(self.at_token(CompileError::indentation("unexpected indent", self.line())));
        }
        self.statement(out)?;
        Ok(true)
    }

    fn field_expression(&mut self, line: u32) -> PResult<Expr> {
        let e = self.testlist_star()?;
        while self.at(&Tok::Newline) {
            self.advance();
        }
        if !self.at(&Tok::Eof) {
            return Err(CompileError::syntax("invalid syntax", line));
        }
        Ok(e)
    }

    /// What parsing came to; an error of the lexer's comes first, as what the parser
    /// made of the tokens before it is beside the point.
    fn finish<T>(&mut self, result: PResult<T>) -> PResult<T> {
        match self.lex_error.take() {
            Some(e) => Err(e),
            None => result,
        }
    }
}

/// Parse one expression from source text (the fields of f-strings).
fn parse_expression_text(text: &str, line: u32) -> Result<Expr, CompileError> {
    // The field's own columns are not the file's: its errors and tokens have none.
    let mut p = Parser::new(lexer::Lexer::new(text, line), Some(line));
    let result = p.field_expression(line);
    p.finish(result).map_err(|mut e| {
        e.line = line;
        e.column = None;
        e
    })
}

/// Recursive descent over the lexer's tokens, two at a time in view.
struct Parser<'a> {
    lexer: lexer::Lexer<'a>,
    /// The current token and the one after it (`Eof` repeats at the end).
    ahead: VecDeque<Token>,
    /// Every token is on this line with no column (an f-string's field).
    field_line: Option<u32>,
    /// The lexer stopped at an error: the tokens end there, and parsing fails with it.
    lex_error: Option<CompileError>,
    depth: usize,
    /// Whether memory has run short (see [`parse_each`]).
    short: Option<&'a mut dyn FnMut(usize) -> bool>,
}
type PResult<T> = Result<T, CompileError>;

fn expr(kind: ExprKind, line: u32) -> Expr {
    Expr { kind, line }
}

impl<'a> Parser<'a> {
    fn new(lexer: lexer::Lexer<'a>, field_line: Option<u32>) -> Self {
        let mut p = Parser {
            lexer,
            ahead: VecDeque::with_capacity(2),
            field_line,
            lex_error: None,
            depth: 0,
            short: None,
        };
        p.fill();
        p
    }

    /// Bring two tokens into view.
    fn fill(&mut self) {
        while self.ahead.len() < 2 {
            let next = if self.short.as_mut().is_some_and(|short| short(0)) {
                Err(CompileError::memory(
                    self.ahead.back().map_or(1, |t| t.line),
                ))
            } else {
                self.lexer.next_token()
            };
            let next = match next {
                Ok(Some(token)) => token,
                Ok(None) => self.ahead.back().cloned().unwrap_or(Token {
                    tok: Tok::Eof,
                    line: 1,
                    col: 0,
                }),
                Err(e) => {
                    let line = self.ahead.back().map_or(e.line, |t| t.line);
                    self.lex_error.get_or_insert(e);
                    Token {
                        tok: Tok::Eof,
                        line,
                        col: 0,
                    }
                }
            };
            let next = match self.field_line {
                Some(line) => Token {
                    line,
                    col: 0,
                    ..next
                },
                None => next,
            };
            self.ahead.push_back(next);
        }
    }

    fn tok(&self) -> &Tok {
        &self.ahead[0].tok
    }

    /// The token after the current one (`n` is 1: two are in view).
    fn peek_tok(&self, n: usize) -> &Tok {
        &self.ahead[n.min(1)].tok
    }

    fn line(&self) -> u32 {
        self.ahead[0].line
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
        let t = self.ahead.pop_front().expect("two tokens in view").tok;
        self.fill();
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
        match self.ahead[0].col {
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
        let body = parse(src).unwrap();
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
        let body = parse("a = b = 1\nif a:\n  x += 1\nelif b: pass\nelse:\n  y\n").unwrap();
        assert_eq!(body.len(), 2);
        assert!(matches!(&body[0].kind, StmtKind::Assign { targets, .. } if targets.len() == 2));
        let StmtKind::If { orelse, .. } = &body[1].kind else {
            panic!()
        };
        assert!(matches!(&orelse[0].kind, StmtKind::If { orelse, .. } if orelse.len() == 1));
        assert_eq!(body[1].line, 2);
        let src = "@dec\ndef f(a, b=1, *c, d, **e):\n  return a\nclass C(B):\n  pass\ntry:\n  x\nexcept E as e:\n  y\nfinally:\n  z\nfor a, *b in c: pass\nwith f() as g, h: pass\nfrom . import x as y\nimport a.b\n";
        let body = parse(src).unwrap();
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
        let body = parse("f'a{x!r:>{w}}b{{c}}' 'd'").unwrap();
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
        let err = |s: &str| parse(s).unwrap_err();
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
        let e = parse(src).unwrap_err();
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
