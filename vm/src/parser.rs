//! Tokens → syntax tree, by recursive descent following Python's grammar.
//!
//! Nesting is bounded ([`MAX_NESTING`]): deeply nested source raises
//! `RuntimeError: maximum recursion depth exceeded` instead of overflowing the native stack.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use crate::ast::*;
use crate::error::CompileError;
use crate::lexer::{Tok, Token};

/// How deep expressions and blocks may nest before parsing gives up.
pub const MAX_NESTING: usize = 40;

pub fn parse(tokens: Vec<Token>) -> Result<Vec<Stmt>, CompileError> {
    let mut p = Parser {
        toks: tokens,
        pos: 0,
        depth: 0,
    };
    let mut body = Vec::new();
    while !p.at(&Tok::Eof) {
        if p.at(&Tok::Indent) {
            return Err(CompileError::indentation("unexpected indent", p.line()));
        }
        p.statement(&mut body)?;
    }
    Ok(body)
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
}

type PResult<T> = Result<T, CompileError>;

impl Parser {
    fn tok(&self) -> &Tok {
        &self.toks[self.pos].tok
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

    fn error(&self) -> CompileError {
        CompileError::syntax("invalid syntax", self.line())
    }

    fn expect_op(&mut self, op: &str) -> PResult<()> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.error())
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
        if self.eat_kw("if") {
            let s = self.if_rest(line)?;
            out.push(s);
            return Ok(());
        }
        if self.eat_kw("while") {
            let test = self.expression()?;
            self.expect_op(":")?;
            let body = self.block()?;
            let orelse = if self.at_kw("else") {
                self.advance();
                self.expect_op(":")?;
                self.block()?
            } else {
                Vec::new()
            };
            out.push(Stmt {
                kind: StmtKind::While { test, body, orelse },
                line,
            });
            return Ok(());
        }
        loop {
            out.push(self.simple_statement()?);
            if !self.eat_op(";") {
                break;
            }
            if self.at(&Tok::Newline) {
                break;
            }
        }
        if !self.at(&Tok::Newline) {
            return Err(self.error());
        }
        self.advance();
        Ok(())
    }

    /// After `if` or `elif`.
    fn if_rest(&mut self, line: u32) -> PResult<Stmt> {
        let test = self.expression()?;
        self.expect_op(":")?;
        let body = self.block()?;
        let orelse = if self.at_kw("elif") {
            let l = self.line();
            self.advance();
            self.enter()?;
            let s = self.if_rest(l);
            self.leave();
            alloc::vec![s?]
        } else if self.eat_kw("else") {
            self.expect_op(":")?;
            self.block()?
        } else {
            Vec::new()
        };
        Ok(Stmt {
            kind: StmtKind::If { test, body, orelse },
            line,
        })
    }

    /// The body after `:`: an indented block, or simple statements on the same line.
    fn block(&mut self) -> PResult<Vec<Stmt>> {
        let mut body = Vec::new();
        if !self.at(&Tok::Newline) {
            self.statement(&mut body)?;
            return Ok(body);
        }
        self.advance();
        if !self.at(&Tok::Indent) {
            return Err(CompileError::indentation(
                "expected an indented block",
                self.line(),
            ));
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
            _ => self.expression_statement()?,
        };
        Ok(Stmt { kind, line })
    }

    fn expression_statement(&mut self) -> PResult<StmtKind> {
        let first = self.expression()?;
        if let Tok::Op(op) = self.tok() {
            let aug = match *op {
                "+=" => Some(BinOp::Add),
                "-=" => Some(BinOp::Sub),
                "*=" => Some(BinOp::Mul),
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
                check_target(&first)?;
                let value = self.expression()?;
                return Ok(StmtKind::AugAssign {
                    target: first,
                    op,
                    value,
                });
            }
        }
        if !self.at_op("=") {
            return Ok(StmtKind::Expr(first));
        }
        let mut targets = alloc::vec![first];
        while self.eat_op("=") {
            targets.push(self.expression()?);
        }
        let value = targets.pop().unwrap();
        for t in &targets {
            check_target(t)?;
        }
        Ok(StmtKind::Assign { targets, value })
    }

    /// `test`: a conditional expression or anything below it.
    fn expression(&mut self) -> PResult<Expr> {
        self.enter()?;
        let r = self.conditional();
        self.leave();
        r
    }

    fn conditional(&mut self) -> PResult<Expr> {
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
        let orelse = self.expression()?;
        Ok(Expr {
            kind: ExprKind::IfExp {
                test: Box::new(test),
                body: Box::new(body),
                orelse: Box::new(orelse),
            },
            line,
        })
    }

    fn or_test(&mut self) -> PResult<Expr> {
        let mut left = self.and_test()?;
        while self.at_kw("or") {
            let line = self.line();
            self.advance();
            let right = self.and_test()?;
            left = Expr {
                kind: ExprKind::BoolOp {
                    and: false,
                    left: Box::new(left),
                    right: Box::new(right),
                },
                line,
            };
        }
        Ok(left)
    }

    fn and_test(&mut self) -> PResult<Expr> {
        let mut left = self.not_test()?;
        while self.at_kw("and") {
            let line = self.line();
            self.advance();
            let right = self.not_test()?;
            left = Expr {
                kind: ExprKind::BoolOp {
                    and: true,
                    left: Box::new(left),
                    right: Box::new(right),
                },
                line,
            };
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
            return Ok(Expr {
                kind: ExprKind::Unary(UnaryOp::Not, Box::new(operand?)),
                line,
            });
        }
        self.comparison()
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let first = self.binary(0)?;
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
                    if self.eat_kw("not") {
                        rest.push((CmpOp::IsNot, self.binary(0)?));
                    } else {
                        rest.push((CmpOp::Is, self.binary(0)?));
                    }
                    continue;
                }
                Tok::Kw("not") => {
                    self.advance();
                    if !self.at_kw("in") {
                        return Err(self.error());
                    }
                    self.advance();
                    rest.push((CmpOp::NotIn, self.binary(0)?));
                    continue;
                }
                _ => break,
            };
            self.advance();
            rest.push((op, self.binary(0)?));
        }
        if rest.is_empty() {
            return Ok(first);
        }
        Ok(Expr {
            kind: ExprKind::Compare {
                first: Box::new(first),
                rest,
            },
            line,
        })
    }

    /// Binary operators by precedence level: `|`, `^`, `&`, shifts, `+ -`, `* / // %`.
    fn binary(&mut self, level: usize) -> PResult<Expr> {
        const LEVELS: [&[(&str, BinOp)]; 6] = [
            &[("|", BinOp::Or)],
            &[("^", BinOp::Xor)],
            &[("&", BinOp::And)],
            &[("<<", BinOp::LShift), (">>", BinOp::RShift)],
            &[("+", BinOp::Add), ("-", BinOp::Sub)],
            &[
                ("*", BinOp::Mul),
                ("/", BinOp::TrueDiv),
                ("//", BinOp::FloorDiv),
                ("%", BinOp::Mod),
            ],
        ];
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut left = self.binary(level + 1)?;
        loop {
            let found = LEVELS[level]
                .iter()
                .find(|(sym, _)| self.at_op(sym))
                .map(|(_, op)| *op);
            let Some(op) = found else { break };
            let line = self.line();
            self.advance();
            let right = self.binary(level + 1)?;
            left = Expr {
                kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
                line,
            };
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
        Ok(Expr {
            kind: ExprKind::Unary(op, Box::new(operand?)),
            line,
        })
    }

    fn power(&mut self) -> PResult<Expr> {
        let base = self.postfix()?;
        if !self.at_op("**") {
            return Ok(base);
        }
        let line = self.line();
        self.advance();
        // Right-associative, and binds less tightly than a unary operator on its right.
        self.enter()?;
        let exp = self.unary();
        self.leave();
        Ok(Expr {
            kind: ExprKind::Binary(BinOp::Pow, Box::new(base), Box::new(exp?)),
            line,
        })
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let mut e = self.atom()?;
        while self.at_op("(") {
            let line = self.line();
            self.advance();
            let (args, kwargs) = self.call_arguments()?;
            e = Expr {
                kind: ExprKind::Call {
                    func: Box::new(e),
                    args,
                    kwargs,
                },
                line,
            };
        }
        Ok(e)
    }

    fn call_arguments(&mut self) -> PResult<(Vec<Expr>, Vec<(String, Expr)>)> {
        let mut args = Vec::new();
        let mut kwargs: Vec<(String, Expr)> = Vec::new();
        while !self.at_op(")") {
            let is_kw = matches!(self.tok(), Tok::Name(_))
                && matches!(
                    self.toks.get(self.pos + 1).map(|t| &t.tok),
                    Some(Tok::Op("="))
                );
            if is_kw {
                let Tok::Name(name) = self.advance() else {
                    unreachable!("checked above")
                };
                self.advance();
                if kwargs.iter().any(|(n, _)| *n == name) {
                    return Err(self.error());
                }
                kwargs.push((name, self.expression()?));
            } else {
                if !kwargs.is_empty() {
                    return Err(CompileError::syntax(
                        "positional argument follows keyword argument",
                        self.line(),
                    ));
                }
                args.push(self.expression()?);
            }
            if !self.eat_op(",") {
                break;
            }
        }
        self.expect_op(")")?;
        Ok((args, kwargs))
    }

    fn atom(&mut self) -> PResult<Expr> {
        let line = self.line();
        let kind = match self.advance() {
            Tok::Name(n) => ExprKind::Name(n),
            Tok::Int(digits) => ExprKind::Int(digits),
            Tok::Float(f) => ExprKind::Float(f),
            Tok::Str(mut s) => {
                // Adjacent literals concatenate.
                while let Tok::Str(next) = self.tok() {
                    s.push_str(next);
                    self.advance();
                }
                ExprKind::Str(s)
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
            Tok::Op("(") => {
                let inner = self.expression()?;
                self.expect_op(")")?;
                return Ok(inner);
            }
            _ => {
                self.pos = self.pos.saturating_sub(1);
                return Err(CompileError::syntax("invalid syntax", line));
            }
        };
        Ok(Expr { kind, line })
    }
}

fn check_target(e: &Expr) -> PResult<()> {
    match &e.kind {
        ExprKind::Name(_) => Ok(()),
        ExprKind::Call { .. } => Err(CompileError::syntax("can't assign to expression", e.line)),
        _ => Err(CompileError::syntax("can't assign to literal", e.line)),
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
            ExprKind::Call { func, args, kwargs } => {
                let mut s = format!("(call {}", show(func));
                for a in args {
                    s += &format!(" {}", show(a));
                }
                for (k, v) in kwargs {
                    s += &format!(" {k}={}", show(v));
                }
                s + ")"
            }
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
        assert_eq!(expr("a < b == c"), "(cmp a Lt b Eq c)");
        assert_eq!(expr("x not in y"), "(cmp x NotIn y)");
        assert_eq!(
            expr("print(1, 'a', sep='-')"),
            "(call print 1 \"a\" sep=\"-\")"
        );
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
    }

    #[test]
    fn errors() {
        let err = |s: &str| parse(tokenize(s).unwrap()).unwrap_err();
        assert_eq!(err("1 = x").message, "can't assign to literal");
        assert_eq!(err("if x\n  y").message, "invalid syntax");
        assert_eq!(err("x = (1 +").line, 1);
        assert_eq!(err("  x").message, "unexpected indent");
        let deep = format!("{}1{}", "(".repeat(500), ")".repeat(500));
        assert_eq!(err(&deep).message, "maximum recursion depth exceeded");
        let deep = "-".repeat(10_000) + "1";
        assert_eq!(err(&deep).message, "maximum recursion depth exceeded");
    }
}
