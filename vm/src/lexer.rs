//! Source text → tokens, with Python's INDENT/DEDENT/NEWLINE structure made explicit.
//!
//! Lines inside brackets are joined, comments and blank lines vanish, and every token
//! carries the line it starts on for tracebacks and its column for editors.
//!
//! The parser pulls tokens one at a time ([`Lexer::next_token`]), as MicroPython's lexer
//! gives them: a source is never held as a list of tokens, so compiling it on a board takes
//! memory for its syntax tree, not for its tokens as well.

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;

use crate::error::CompileError;

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Name(String),
    Int(String),
    Float(f64),
    /// An imaginary literal such as `2j`.
    Imag(f64),
    Str(String),
    /// The raw text between the quotes of an f-string, and whether it was also raw (`rf''`).
    FStr(String, bool),
    Bytes(Vec<u8>),
    Newline,
    Indent,
    Dedent,
    /// Operators and delimiters, e.g. `+`, `**=`, `(`, `->`.
    Op(&'static str),
    /// Reserved words, e.g. `if`, `None`.
    Kw(&'static str),
    Eof,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub line: u32,
    /// The 1-based column (in characters) where the token starts; 0 when unknown (the
    /// tokens of an f-string's fields).
    pub col: u32,
}

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Longest first, so that `**=` wins over `**` and `*`.
const OPERATORS: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "...", "->", ":=", "**", "//", ">>", "<<", "<=", ">=", "==", "!=",
    "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", "+", "-", "*", "/", "%", "@", "&", "|",
    "^", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "=",
];

/// All the tokens of `source`, `Eof` last.
pub fn tokenize(source: &str) -> Result<Vec<Token>, CompileError> {
    let mut lexer = Lexer::new(source, 1);
    let mut out = Vec::new();
    while let Some(token) = lexer.next_token()? {
        out.push(token);
    }
    Ok(out)
}

/// The tokens of a source, made as they are asked for.
pub struct Lexer<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    line: u32,
    /// Where the current physical line starts in `src`.
    line_start: usize,
    /// A position on the current line and its column, so that columns are counted
    /// incrementally as the lexer moves forward (a long line costs linear time, not quadratic).
    col_mark: (usize, u32),
    /// The column of the token being read.
    tok_col: u32,
    indents: Vec<usize>,
    /// Bracket nesting: newlines inside brackets are not tokens.
    depth: usize,
    /// The tokens read and not yet taken (a step of the lexer may make several: dedents).
    out: VecDeque<Token>,
    /// The last token made was a NEWLINE (or none was made yet): the end of the source
    /// needs no NEWLINE of its own.
    after_newline: bool,
    /// The next character starts a logical line (its indentation is measured).
    at_line_start: bool,
    /// `Eof` was made.
    ended: bool,
    /// The token buffer could not grow: the source is a `MemoryError`, not a crash.
    out_of_memory: bool,
}

impl<'a> Lexer<'a> {
    /// A lexer for `text`, whose first line is line `line`.
    pub fn new(text: &'a str, line: u32) -> Self {
        Lexer {
            src: text.as_bytes(),
            text,
            pos: 0,
            line,
            line_start: 0,
            col_mark: (0, 1),
            tok_col: 1,
            indents: alloc::vec![0],
            depth: 0,
            out: VecDeque::new(),
            after_newline: true,
            at_line_start: true,
            ended: false,
            out_of_memory: false,
        }
    }

    /// How far into the source the lexer has read, in bytes.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// The next token; `None` after `Eof`.
    pub fn next_token(&mut self) -> Result<Option<Token>, CompileError> {
        loop {
            if self.out_of_memory {
                return Err(CompileError::memory(self.line));
            }
            if let Some(token) = self.out.pop_front() {
                return Ok(Some(token));
            }
            if self.ended {
                return Ok(None);
            }
            if self.pos < self.src.len() {
                self.step()?;
            } else {
                self.end();
            }
        }
    }

    /// A syntax error at the token being read.
    fn syntax(&self, msg: &str) -> CompileError {
        CompileError::syntax(msg, self.line).at_column(self.tok_col)
    }

    fn push(&mut self, tok: Tok, line: u32) {
        // Grown by asking, as a board's small RAM may refuse.
        if self.out.try_reserve(1).is_err() {
            self.out_of_memory = true;
            return;
        }
        let col = self.tok_col;
        self.after_newline = tok == Tok::Newline;
        self.out.push_back(Token { tok, line, col });
    }

    /// The 1-based column, in characters, of byte `pos` of the current line.
    fn column_at(&mut self, pos: usize) -> u32 {
        let pos = pos.min(self.src.len());
        let (from, col) = if self.col_mark.0 >= self.line_start && self.col_mark.0 <= pos {
            self.col_mark
        } else {
            (self.line_start.min(pos), 1)
        };
        let chars = self.src[from..pos]
            .iter()
            .filter(|b| **b & 0xC0 != 0x80)
            .count();
        let col = col.saturating_add(u32::try_from(chars).unwrap_or(u32::MAX));
        self.col_mark = (pos, col);
        col
    }

    /// The lexer has just passed a line end: `pos` is the first byte of the next line.
    fn new_line(&mut self) {
        self.line += 1;
        self.line_start = self.pos;
        self.col_mark = (self.pos, 1);
    }

    fn peek(&self, off: usize) -> u8 {
        *self.src.get(self.pos + off).unwrap_or(&0)
    }

    /// Read from the source until at least one token is made or a line is passed.
    fn step(&mut self) -> Result<(), CompileError> {
        if self.at_line_start && self.depth == 0 {
            self.at_line_start = false;
            if self.indentation()? {
                return Ok(());
            }
        }
        self.tok_col = self.column_at(self.pos);
        let c = self.peek(0);
        match c {
            b' ' | b'\t' | b'\x0c' => self.pos += 1,
            b'\r' | b'\n' => {
                self.pos += if c == b'\r' && self.peek(1) == b'\n' {
                    2
                } else {
                    1
                };
                if self.depth == 0 {
                    self.push(Tok::Newline, self.line);
                    self.at_line_start = true;
                }
                self.new_line();
            }
            b'#' => {
                while self.pos < self.src.len() && !matches!(self.peek(0), b'\n' | b'\r') {
                    self.pos += 1;
                }
            }
            b'\\' => {
                // Explicit line joining.
                self.pos += 1;
                match self.peek(0) {
                    b'\n' => self.pos += 1,
                    b'\r' => self.pos += if self.peek(1) == b'\n' { 2 } else { 1 },
                    _ => return Err(self.syntax("invalid syntax")),
                }
                self.new_line();
            }
            b'0'..=b'9' => self.number()?,
            b'.' if self.peek(1).is_ascii_digit() => self.number()?,
            b'"' | b'\'' => self.string(0, false, false)?,
            _ if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => self.name_or_string()?,
            _ => self.operator()?,
        }
        Ok(())
    }

    /// The end of the source: the last NEWLINE, the DEDENTs that close open blocks, `Eof`.
    fn end(&mut self) {
        let line = self.line;
        self.tok_col = self.column_at(self.pos);
        if !self.after_newline {
            self.push(Tok::Newline, line);
        }
        while self.indents.len() > 1 {
            self.indents.pop();
            self.push(Tok::Dedent, line);
        }
        self.push(Tok::Eof, line);
        self.ended = true;
    }

    /// Measure the indentation of a new logical line. Returns true if the line is blank or
    /// a comment (nothing to emit; the caller continues at the line end).
    fn indentation(&mut self) -> Result<bool, CompileError> {
        let mut col = 0;
        let mut p = self.pos;
        while p < self.src.len() {
            match self.src[p] {
                b' ' => col += 1,
                b'\t' => col = (col / 8 + 1) * 8,
                b'\x0c' => col = 0,
                _ => break,
            }
            p += 1;
        }
        let next = *self.src.get(p).unwrap_or(&b'\n');
        if matches!(next, b'\n' | b'\r' | b'#') || p >= self.src.len() {
            // Blank line: skip it whole, with no NEWLINE token.
            self.pos = p;
            while self.pos < self.src.len() && !matches!(self.peek(0), b'\n' | b'\r') {
                self.pos += 1;
            }
            if self.pos < self.src.len() {
                self.pos += if self.peek(0) == b'\r' && self.peek(1) == b'\n' {
                    2
                } else {
                    1
                };
                self.new_line();
                // The next line starts a logical line too.
                return self.indentation().map(|_| true);
            }
            return Ok(true);
        }
        self.pos = p;
        self.tok_col = self.column_at(p);
        let current = *self.indents.last().unwrap();
        if col > current {
            self.indents.push(col);
            self.push(Tok::Indent, self.line);
        } else {
            while col < *self.indents.last().unwrap() {
                self.indents.pop();
                self.push(Tok::Dedent, self.line);
            }
            if col != *self.indents.last().unwrap() {
                return Err(CompileError::indentation(
                    "unindent doesn't match any outer indent level",
                    self.line,
                )
                .at_column(self.tok_col));
            }
        }
        Ok(false)
    }

    fn name_or_string(&mut self) -> Result<(), CompileError> {
        let start = self.pos;
        while self.pos < self.src.len() {
            let c = self.peek(0);
            if c == b'_' || c.is_ascii_alphanumeric() || c >= 0x80 {
                self.pos += 1;
            } else {
                break;
            }
        }
        let word = &self.text[start..self.pos];
        if matches!(self.peek(0), b'"' | b'\'') && word.len() <= 2 {
            let lower = word.to_ascii_lowercase();
            let raw = lower.contains('r');
            let bytes = lower.contains('b');
            let fstr = lower.contains('f');
            if lower.chars().all(|c| matches!(c, 'r' | 'b' | 'f' | 'u')) && !(bytes && fstr) {
                if fstr {
                    return self.fstring(raw);
                }
                return self.string(0, raw, bytes);
            }
        }
        let line = self.line;
        match KEYWORDS.iter().find(|k| **k == word) {
            Some(k) => self.push(Tok::Kw(k), line),
            None => self.push(Tok::Name(String::from(word)), line),
        }
        Ok(())
    }

    fn operator(&mut self) -> Result<(), CompileError> {
        let rest = &self.src[self.pos..];
        let Some(op) = OPERATORS.iter().find(|op| rest.starts_with(op.as_bytes())) else {
            return Err(self.syntax("invalid syntax"));
        };
        self.pos += op.len();
        match *op {
            "(" | "[" | "{" => self.depth += 1,
            ")" | "]" | "}" => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        let line = self.line;
        self.push(Tok::Op(op), line);
        Ok(())
    }

    fn number(&mut self) -> Result<(), CompileError> {
        let start = self.pos;
        let line = self.line;
        if self.peek(0) == b'0' && matches!(self.peek(1), b'x' | b'X' | b'o' | b'O' | b'b' | b'B') {
            self.pos += 2;
            while self.peek(0).is_ascii_alphanumeric() || self.peek(0) == b'_' {
                self.pos += 1;
            }
            let text: String = self.text[start..self.pos]
                .chars()
                .filter(|c| *c != '_')
                .collect();
            self.push(Tok::Int(text), line);
            return Ok(());
        }
        let mut is_float = false;
        while self.peek(0).is_ascii_digit() || self.peek(0) == b'_' {
            self.pos += 1;
        }
        if self.peek(0) == b'.' {
            is_float = true;
            self.pos += 1;
            while self.peek(0).is_ascii_digit() || self.peek(0) == b'_' {
                self.pos += 1;
            }
        }
        if matches!(self.peek(0), b'e' | b'E')
            && (self.peek(1).is_ascii_digit()
                || (matches!(self.peek(1), b'+' | b'-') && self.peek(2).is_ascii_digit()))
        {
            is_float = true;
            self.pos += 2;
            while self.peek(0).is_ascii_digit() || self.peek(0) == b'_' {
                self.pos += 1;
            }
        }
        if matches!(self.peek(0), b'j' | b'J') {
            let text: String = self.text[start..self.pos]
                .chars()
                .filter(|c| *c != '_')
                .collect();
            self.pos += 1;
            let value = text
                .parse::<f64>()
                .map_err(|_| self.syntax("invalid syntax for number"))?;
            self.push(Tok::Imag(value), line);
            return Ok(());
        }
        if self.peek(0).is_ascii_alphabetic() || self.peek(0) == b'_' {
            return Err(self.syntax("invalid syntax for number"));
        }
        let text: String = self.text[start..self.pos]
            .chars()
            .filter(|c| *c != '_')
            .collect();
        if is_float {
            let value = text
                .parse::<f64>()
                .map_err(|_| self.syntax("invalid syntax for number"))?;
            self.push(Tok::Float(value), line);
        } else {
            self.push(Tok::Int(text), line);
        }
        Ok(())
    }

    fn string(&mut self, _prefix: usize, raw: bool, bytes: bool) -> Result<(), CompileError> {
        let line = self.line;
        let quote = self.peek(0);
        let triple = self.peek(1) == quote && self.peek(2) == quote;
        self.pos += if triple { 3 } else { 1 };
        let mut out: Vec<u8> = Vec::new();
        loop {
            if self.pos >= self.src.len() {
                return Err(CompileError::syntax("invalid syntax", line).at_column(self.tok_col));
            }
            let c = self.peek(0);
            if c == quote && (!triple || (self.peek(1) == quote && self.peek(2) == quote)) {
                self.pos += if triple { 3 } else { 1 };
                break;
            }
            match c {
                b'\n' | b'\r' if !triple => {
                    return Err(
                        CompileError::syntax("invalid syntax", line).at_column(self.tok_col)
                    );
                }
                b'\n' => {
                    out.push(b'\n');
                    self.pos += 1;
                    self.new_line();
                }
                b'\r' => {
                    out.push(b'\n');
                    self.pos += if self.peek(1) == b'\n' { 2 } else { 1 };
                    self.new_line();
                }
                b'\\' if raw => {
                    out.push(b'\\');
                    if self.peek(1) != 0 {
                        out.push(self.peek(1));
                        self.pos += 1;
                    }
                    self.pos += 1;
                }
                b'\\' => self.escape(&mut out, bytes)?,
                _ => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
        if bytes {
            if out.iter().any(|b| *b >= 0x80) && !raw {
                // Non-ASCII literal characters are not allowed in bytes literals.
            }
            self.push(Tok::Bytes(out), line);
        } else {
            let text = String::from_utf8(out).map_err(|_| {
                CompileError::syntax("invalid syntax", line).at_column(self.tok_col)
            })?;
            self.push(Tok::Str(text), line);
        }
        Ok(())
    }

    /// An f-string: keep the text between the quotes as written; the parser splits it.
    fn fstring(&mut self, raw: bool) -> Result<(), CompileError> {
        let line = self.line;
        let quote = self.peek(0);
        let triple = self.peek(1) == quote && self.peek(2) == quote;
        let quotes = if triple { 3 } else { 1 };
        let Some(end) = skip_string(self.src, self.pos, true) else {
            return Err(CompileError::syntax("invalid syntax", line).at_column(self.tok_col));
        };
        let (start, body_end) = (self.pos + quotes, end - quotes);
        let newlines = self.src[start..body_end]
            .iter()
            .filter(|c| **c == b'\n')
            .count();
        if newlines > 0 && !triple {
            return Err(CompileError::syntax("invalid syntax", line).at_column(self.tok_col));
        }
        let body = String::from(&self.text[start..body_end]);
        self.pos = end;
        if let Some(last) = self.src[start..body_end].iter().rposition(|c| *c == b'\n') {
            self.line += newlines as u32;
            self.line_start = start + last + 1;
            self.col_mark = (self.line_start, 1);
        }
        self.push(Tok::FStr(body, raw), line);
        Ok(())
    }

    fn escape(&mut self, out: &mut Vec<u8>, bytes: bool) -> Result<(), CompileError> {
        let c = self.peek(1);
        self.pos += 2;
        let simple = match c {
            b'\n' => {
                self.new_line();
                return Ok(());
            }
            b'\\' => b'\\',
            b'\'' => b'\'',
            b'"' => b'"',
            b'a' => 0x07,
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'v' => 0x0b,
            b'x' => {
                let v = self.hex_digits(2)?;
                push_code(out, v, bytes);
                return Ok(());
            }
            b'u' if !bytes => {
                let v = self.hex_digits(4)?;
                push_code(out, v, false);
                return Ok(());
            }
            b'U' if !bytes => {
                let v = self.hex_digits(8)?;
                if v > 0x10ffff {
                    return Err(self.syntax("invalid syntax"));
                }
                push_code(out, v, false);
                return Ok(());
            }
            // MicroPython has no table of character names.
            b'N' if !bytes => {
                return Err(CompileError {
                    kind: crate::error::ErrKind::NotImplementedError,
                    message: "unicode name escapes".into(),
                    line: self.line,
                    column: Some(self.tok_col),
                });
            }
            b'0'..=b'7' => {
                let mut v = u32::from(c - b'0');
                for _ in 0..2 {
                    if matches!(self.peek(0), b'0'..=b'7') {
                        v = v * 8 + u32::from(self.peek(0) - b'0');
                        self.pos += 1;
                    }
                }
                push_code(out, v, bytes);
                return Ok(());
            }
            _ => {
                // Unknown escapes stay as written.
                self.pos -= 1;
                b'\\'
            }
        };
        out.push(simple);
        Ok(())
    }

    fn hex_digits(&mut self, n: usize) -> Result<u32, CompileError> {
        let mut v = 0u32;
        for _ in 0..n {
            let d = (self.peek(0) as char)
                .to_digit(16)
                .ok_or_else(|| self.syntax("invalid escape"))?;
            v = v * 16 + d;
            self.pos += 1;
        }
        Ok(v)
    }
}

/// Where the string literal whose opening quote is at `s[at]` ends: the index after its
/// closing quote (`None` if it doesn't). The replacement fields of an f-string may hold any
/// expression, strings with the same quote included (`f"a{f"b"}"`, PEP 701). Works on the
/// bytes of the source and on the characters of an f-string's text alike.
pub fn skip_string<T: Copy + Into<u32>>(s: &[T], at: usize, fstring: bool) -> Option<usize> {
    let ch = |i: usize| s.get(i).map_or(0, |c| (*c).into());
    let quote = ch(at);
    let triple = ch(at + 1) == quote && ch(at + 2) == quote;
    let mut i = at + if triple { 3 } else { 1 };
    while i < s.len() {
        let c = ch(i);
        if c == u32::from(b'\\') {
            i += 2;
        } else if c == quote && (!triple || (ch(i + 1) == quote && ch(i + 2) == quote)) {
            return Some(i + if triple { 3 } else { 1 });
        } else if fstring && c == u32::from(b'{') && ch(i + 1) == u32::from(b'{') {
            i += 2;
        } else if fstring && c == u32::from(b'{') {
            i = skip_field(s, i + 1)?;
        } else {
            i += 1;
        }
    }
    None
}

/// The index after the `}` closing an f-string field whose expression starts at `at`.
pub fn skip_field<T: Copy + Into<u32>>(s: &[T], at: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = at;
    while i < s.len() {
        let c = s[i].into();
        match char::from_u32(c) {
            Some('\'' | '"') => {
                i = skip_string(s, i, has_f_prefix(s, i))?;
                continue;
            }
            Some('(' | '[' | '{') => depth += 1,
            Some(')' | ']') => depth = depth.saturating_sub(1),
            Some('}') if depth == 0 => return Some(i + 1),
            Some('}') => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Is the quote at `s[at]` preceded by a string prefix with `f` in it (`f"`, `rf'`)?
pub fn has_f_prefix<T: Copy + Into<u32>>(s: &[T], at: usize) -> bool {
    let is = |i: usize, set: &str| char::from_u32(s[i].into()).is_some_and(|c| set.contains(c));
    let mut start = at;
    while start > 0 && at - start < 2 && is(start - 1, "rRbBfFuU") {
        start -= 1;
    }
    // The prefix must be a word of its own (not the end of a name such as `elif`).
    let word = start == 0
        || !char::from_u32(s[start - 1].into()).is_some_and(|c| c == '_' || c.is_alphanumeric());
    word && (start..at).any(|i| is(i, "fF"))
}

/// Process the escapes of string-literal text (the literal parts of an f-string).
pub fn unescape(text: &str, raw: bool, line: u32) -> Result<String, CompileError> {
    let mut quoted = String::with_capacity(text.len() + 6);
    quoted.push_str("'''");
    quoted.push_str(text);
    quoted.push_str("'''");
    let mut lx = Lexer::new(&quoted, line);
    if text.contains("'''") || text.ends_with('\'') {
        // Rare: fall back to character-wise processing without the quoting trick.
        let mut out = Vec::new();
        let bytes = text.as_bytes();
        let mut inner = Lexer::new(text, line);
        while inner.pos < bytes.len() {
            if bytes[inner.pos] == b'\\' && !raw {
                inner.escape(&mut out, false)?;
            } else {
                out.push(bytes[inner.pos]);
                inner.pos += 1;
            }
        }
        return String::from_utf8(out).map_err(|_| CompileError::syntax("invalid syntax", line));
    }
    lx.string(0, raw, false)?;
    match lx.out.pop_back() {
        Some(Token {
            tok: Tok::Str(s), ..
        }) => Ok(s),
        _ => Err(CompileError::syntax("invalid syntax", line)),
    }
}

fn push_code(out: &mut Vec<u8>, v: u32, bytes: bool) {
    if bytes {
        out.push(v as u8);
    } else {
        let ch = char::from_u32(v).unwrap_or('\u{fffd}');
        let mut buf = [0u8; 4];
        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    fn show(src: &str) -> String {
        let toks = tokenize(src).unwrap();
        let parts: Vec<String> = toks
            .iter()
            .map(|t| match &t.tok {
                Tok::Name(n) => format!("{}:name({n})", t.line),
                Tok::Int(n) => format!("{}:int({n})", t.line),
                Tok::Float(f) => format!("{}:float({f})", t.line),
                Tok::Imag(f) => format!("{}:imag({f})", t.line),
                Tok::FStr(s, _) => format!("{}:fstr({s:?})", t.line),
                Tok::Str(s) => format!("{}:str({s:?})", t.line),
                Tok::Bytes(b) => format!("{}:bytes({b:?})", t.line),
                Tok::Op(o) => format!("{}:{o}", t.line),
                Tok::Kw(k) => format!("{}:{k}", t.line),
                Tok::Newline => format!("{}:NL", t.line),
                Tok::Indent => format!("{}:IN", t.line),
                Tok::Dedent => format!("{}:DE", t.line),
                Tok::Eof => format!("{}:EOF", t.line),
            })
            .collect();
        parts.join(" ")
    }

    #[test]
    fn tokens_and_lines() {
        assert_eq!(
            show("x = 1 + 2.5 # c\nprint('a\\tb', x)\n"),
            "1:name(x) 1:= 1:int(1) 1:+ 1:float(2.5) 1:NL 2:name(print) 2:( 2:str(\"a\\tb\") 2:, 2:name(x) 2:) 2:NL 3:EOF"
        );
    }

    #[test]
    fn indentation_and_blank_lines() {
        assert_eq!(
            show("if x:\n\n    y\n  # c\n    z\nw"),
            "1:if 1:name(x) 1:: 1:NL 3:IN 3:name(y) 3:NL 5:name(z) 5:NL 6:DE 6:name(w) 6:NL 6:EOF"
        );
    }

    #[test]
    fn brackets_join_lines_and_operators_are_longest_first() {
        assert_eq!(
            show("(1 +\n 2) ** 3 //= 0x_1F"),
            "1:( 1:int(1) 1:+ 2:int(2) 2:) 2:** 2:int(3) 2://= 2:int(0x1F) 2:NL 2:EOF"
        );
    }

    #[test]
    fn strings() {
        assert_eq!(
            show("'''a\nb''' r'\\n' b'\\x00' \"\\u00e9\""),
            "1:str(\"a\\nb\") 2:str(\"\\\\n\") 2:bytes([0]) 2:str(\"é\") 2:NL 2:EOF"
        );
    }

    #[test]
    fn underscores_in_exponents() {
        assert_eq!(
            show("1e1_0 1_0.5_0"),
            "1:float(10000000000) 1:float(10.5) 1:NL 1:EOF"
        );
    }

    #[test]
    fn errors() {
        assert_eq!(tokenize("'abc").unwrap_err().message, "invalid syntax");
        assert!(tokenize("'\\U00110000'").is_err());
        let e = tokenize("if x:\n    a\n  b\n").unwrap_err();
        assert_eq!(
            (e.kind, e.line, e.column),
            (crate::error::ErrKind::IndentationError, 3, Some(3))
        );
    }

    fn where_(src: &str) -> (u32, Option<u32>) {
        let e = tokenize(src).unwrap_err();
        (e.line, e.column)
    }

    #[test]
    fn columns_of_tokens_and_errors() {
        let cols: Vec<(u32, u32)> = tokenize("é = (1,\n  'ü') + x\n")
            .unwrap()
            .iter()
            .map(|t| (t.line, t.col))
            .collect();
        // é = ( 1 , 'ü' ) + x NEWLINE EOF: columns count characters, not bytes.
        assert_eq!(
            cols,
            [
                (1, 1),
                (1, 3),
                (1, 5),
                (1, 6),
                (1, 7),
                (2, 3),
                (2, 6),
                (2, 8),
                (2, 10),
                (2, 11),
                (3, 1)
            ]
        );
        // Columns after a triple-quoted string spanning lines count from its last line.
        assert_eq!(where_("s = '''a\nbc''' $"), (2, Some(7)));
        assert_eq!(where_("s = f'''a\nbc''' $"), (2, Some(7)));
        assert_eq!(where_("x = 'é' + $"), (1, Some(11)));
        assert_eq!(where_("x = 1\ny = 'open"), (2, Some(5)));
        assert_eq!(where_("x = \\\n  3 \\ 4"), (2, Some(5)));
        assert_eq!(where_("a = 12abc"), (1, Some(5)));
        // A very long line is lexed in linear time (columns are counted incrementally).
        let long = String::from("x = ") + &"1 + ".repeat(200_000) + "$";
        assert_eq!(where_(&long), (1, Some(800_005)));
    }
}
