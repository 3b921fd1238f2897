//! Expressions: from conditional expressions and lambdas down through the operators by
//! precedence to atoms, displays, comprehensions, call arguments, subscripts and f-strings.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use super::{PResult, Parser, check_target, expr, parse_expression_text};
use crate::ast::*;
use crate::error::CompileError;
use crate::lexer::{self, Tok};

impl Parser<'_> {
    pub(super) fn yield_or_testlist(&mut self) -> PResult<Expr> {
        if self.at_kw("yield") {
            return self.yield_expr();
        }
        self.testlist_star()
    }

    pub(super) fn yield_expr(&mut self) -> PResult<Expr> {
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
    pub(super) fn target_list(&mut self) -> PResult<Expr> {
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

    pub(super) fn target(&mut self) -> PResult<Expr> {
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
    pub(super) fn testlist_star(&mut self) -> PResult<Expr> {
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

    pub(super) fn starts_expression(&self) -> bool {
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

    pub(super) fn test_or_star(&mut self) -> PResult<Expr> {
        if self.at_op("*") {
            return self.starred();
        }
        self.named_test()
    }

    /// As [`Self::test_or_star`], without an assignment expression.
    pub(super) fn star_or_plain_test(&mut self) -> PResult<Expr> {
        if self.at_op("*") {
            return self.starred();
        }
        self.test()
    }

    pub(super) fn starred(&mut self) -> PResult<Expr> {
        let line = self.line();
        self.expect_op("*")?;
        let e = self.binary_expr(0)?;
        Ok(expr(ExprKind::Starred(Box::new(e)), line))
    }

    /// `test` or `name := test`.
    pub(super) fn named_test(&mut self) -> PResult<Expr> {
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
    pub(super) fn test(&mut self) -> PResult<Expr> {
        self.enter()?;
        let r = self.test_inner();
        self.leave();
        r
    }

    pub(super) fn test_inner(&mut self) -> PResult<Expr> {
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

    pub(super) fn lambda(&mut self, allow_cond: bool) -> PResult<Expr> {
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

    pub(super) fn or_test(&mut self) -> PResult<Expr> {
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

    pub(super) fn and_test(&mut self) -> PResult<Expr> {
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

    pub(super) fn not_test(&mut self) -> PResult<Expr> {
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

    pub(super) fn comparison(&mut self) -> PResult<Expr> {
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
    pub(super) fn binary_expr(&mut self, min_prec: u8) -> PResult<Expr> {
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

    pub(super) fn unary(&mut self) -> PResult<Expr> {
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

    pub(super) fn power(&mut self) -> PResult<Expr> {
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

    pub(super) fn postfix(&mut self) -> PResult<Expr> {
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

    pub(super) fn subscript_list(&mut self) -> PResult<Expr> {
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

    pub(super) fn subscript(&mut self) -> PResult<Expr> {
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
    pub(super) fn call_arguments(&mut self) -> PResult<Vec<Arg>> {
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

    pub(super) fn comprehension(
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
    pub(super) fn test_no_cond(&mut self) -> PResult<Expr> {
        if self.at_kw("lambda") {
            return self.lambda(false);
        }
        if let (Tok::Name(_), Tok::Op(":=")) = (self.tok(), self.peek_tok(1)) {
            return self.named_test();
        }
        self.or_test()
    }

    pub(super) fn atom(&mut self) -> PResult<Expr> {
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
            _ => return Err(CompileError::syntax("invalid syntax", line)),
        };
        Ok(expr(kind, line))
    }

    /// Adjacent string literals (plain and f-strings) concatenate.
    pub(super) fn string_atom(&mut self, first: ExprKind, line: u32) -> PResult<Expr> {
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

    pub(super) fn paren(&mut self, line: u32) -> PResult<Expr> {
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

    pub(super) fn list_display(&mut self, line: u32) -> PResult<Expr> {
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

    pub(super) fn brace_display(&mut self, line: u32) -> PResult<Expr> {
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

    pub(super) fn dict_rest(
        &mut self,
        mut items: Vec<(Option<Expr>, Expr)>,
        line: u32,
    ) -> PResult<Expr> {
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
pub(super) fn fstring_parts(text: &str, raw: bool, line: u32) -> PResult<Vec<FPart>> {
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
pub(super) fn fstring_field(chars: &[char], start: usize, line: u32) -> PResult<(FPart, usize)> {
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
