//! `re`: regular expressions as MicroPython's `re` offers them (`compile`, `match`,
//! `search`, `sub`, `split`; groups, `.` `[]` `*` `+` `?` lazy forms, `|`, `^` `$`,
//! `\d \s \w` and their negations), plus `{m,n}` repetition and `(?:…)` groups.
//!
//! A pattern compiles to a small program that a backtracking matcher runs with an explicit
//! stack, so no pattern or text overflows the native stack: a search that needs more than
//! its stack budget raises `RuntimeError`, as MicroPython's does. Text is matched by
//! character (str) or by byte (bytes); positions inside are byte offsets.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::objects::data::{ClassSpec, Data};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult, VARARGS};

// ---- the program ----

#[derive(Clone, Debug, PartialEq)]
enum Inst {
    Char(u32),
    /// Any character but `\n`.
    Any,
    /// A set of inclusive ranges and named classes; `negated` inverts it.
    Class {
        ranges: Vec<(u32, u32)>,
        named: Vec<(Named, bool)>,
        negated: bool,
    },
    Named(Named, bool),
    /// `^`: the start of the text.
    Start,
    /// `$`: the end of the text (or before a final `\n`).
    End,
    /// Try `.0` first, then `.1`.
    Split(usize, usize),
    Jmp(usize),
    /// Record the position in capture slot `n`.
    Save(usize),
    Match,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Named {
    Digit,
    Space,
    Word,
}

impl Named {
    fn has(self, c: u32) -> bool {
        let Some(ch) = char::from_u32(c) else {
            return false;
        };
        match self {
            Named::Digit => ch.is_ascii_digit(),
            Named::Space => matches!(ch, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'),
            Named::Word => ch.is_ascii_alphanumeric() || ch == '_',
        }
    }
}

/// A compiled pattern.
#[derive(Debug)]
pub(crate) struct Program {
    insts: Vec<Inst>,
    /// Capture groups, not counting group 0.
    groups: usize,
}

/// Largest program a pattern may compile to, and deepest nesting.
const MAX_INSTS: usize = 20_000;
const MAX_NESTING: usize = 100;

fn regex_error() -> PyErr {
    PyErr::new(ErrKind::ValueError, "Error in regex")
}

/// A parsed piece of a pattern.
#[derive(Clone, Debug)]
enum Node {
    Empty,
    Inst(Inst),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Group(Option<usize>, alloc::boxed::Box<Node>),
    Repeat {
        node: alloc::boxed::Box<Node>,
        min: usize,
        max: Option<usize>,
        greedy: bool,
    },
}

struct Parser<'a> {
    p: &'a [u32],
    i: usize,
    groups: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u32> {
        self.p.get(self.i).copied()
    }

    fn is(&self, c: char) -> bool {
        self.peek() == Some(c as u32)
    }

    fn alt(&mut self, depth: usize) -> PResult<Node> {
        if depth > MAX_NESTING {
            return Err(regex_error());
        }
        let mut options = alloc::vec![self.concat(depth)?];
        while self.is('|') {
            self.i += 1;
            options.push(self.concat(depth)?);
        }
        Ok(if options.len() == 1 {
            options.pop().expect("one option")
        } else {
            Node::Alt(options)
        })
    }

    fn concat(&mut self, depth: usize) -> PResult<Node> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' as u32 || c == ')' as u32 {
                break;
            }
            let atom = self.atom(depth)?;
            items.push(self.repeat(atom)?);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().expect("one item"),
            _ => Node::Concat(items),
        })
    }

    fn number(&mut self) -> Option<usize> {
        let start = self.i;
        let mut n: usize = 0;
        while let Some(d) = self.peek().and_then(|c| char::from_u32(c)?.to_digit(10)) {
            n = n.saturating_mul(10).saturating_add(d as usize);
            self.i += 1;
        }
        (self.i > start).then_some(n)
    }

    /// `{m}`, `{m,}`, `{m,n}`; anything else is a literal `{`.
    fn counted(&mut self) -> Option<(usize, Option<usize>)> {
        let save = self.i;
        self.i += 1;
        let result = (|| {
            let min = self.number()?;
            let max = if self.is(',') {
                self.i += 1;
                self.number()
            } else {
                Some(min)
            };
            if !self.is('}') {
                return None;
            }
            self.i += 1;
            Some((min, max))
        })();
        if result.is_none() {
            self.i = save;
        }
        result
    }

    fn repeat(&mut self, atom: Node) -> PResult<Node> {
        let (min, max) = match self.peek().and_then(char::from_u32) {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => match self.counted() {
                Some((min, max)) => {
                    if max.is_some_and(|m| m < min) || min > 1000 || max.is_some_and(|m| m > 1000) {
                        return Err(regex_error());
                    }
                    self.i -= 1; // stand on the `}` for the common advance below
                    (min, max)
                }
                None => return Ok(atom),
            },
            _ => return Ok(atom),
        };
        self.i += 1;
        if matches!(atom, Node::Empty | Node::Inst(Inst::Start | Inst::End)) {
            return Err(regex_error());
        }
        let greedy = if self.is('?') {
            self.i += 1;
            false
        } else {
            true
        };
        if matches!(self.peek().and_then(char::from_u32), Some('*' | '+' | '?')) {
            // `a**`: nothing to repeat.
            return Err(regex_error());
        }
        Ok(Node::Repeat {
            node: alloc::boxed::Box::new(atom),
            min,
            max,
            greedy,
        })
    }

    fn escape_class(c: u32) -> Option<(Named, bool)> {
        Some(match char::from_u32(c)? {
            'd' => (Named::Digit, false),
            'D' => (Named::Digit, true),
            's' => (Named::Space, false),
            'S' => (Named::Space, true),
            'w' => (Named::Word, false),
            'W' => (Named::Word, true),
            _ => return None,
        })
    }

    fn atom(&mut self, depth: usize) -> PResult<Node> {
        let c = self.peek().ok_or_else(regex_error)?;
        self.i += 1;
        Ok(match char::from_u32(c) {
            Some('.') => Node::Inst(Inst::Any),
            Some('^') => Node::Inst(Inst::Start),
            Some('$') => Node::Inst(Inst::End),
            Some('*' | '+' | '?') => return Err(regex_error()),
            Some('(') => {
                let index = if self.is('?') {
                    // Only the non-capturing group of the extensions.
                    if self.p.get(self.i + 1) != Some(&(':' as u32)) {
                        return Err(regex_error());
                    }
                    self.i += 2;
                    None
                } else {
                    self.groups += 1;
                    Some(self.groups)
                };
                let inner = self.alt(depth + 1)?;
                if !self.is(')') {
                    return Err(regex_error());
                }
                self.i += 1;
                Node::Group(index, alloc::boxed::Box::new(inner))
            }
            Some('[') => self.class()?,
            Some('\\') => {
                let e = self.peek().ok_or_else(regex_error)?;
                self.i += 1;
                match Parser::escape_class(e) {
                    Some((n, neg)) => Node::Inst(Inst::Named(n, neg)),
                    None => Node::Inst(Inst::Char(e)),
                }
            }
            _ => Node::Inst(Inst::Char(c)),
        })
    }

    /// A character class; the `[` has been read.
    fn class(&mut self) -> PResult<Node> {
        let negated = self.is('^');
        if negated {
            self.i += 1;
        }
        let mut ranges = Vec::new();
        let mut named = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek().ok_or_else(regex_error)?;
            self.i += 1;
            if c == ']' as u32 && !first {
                break;
            }
            first = false;
            let lo = if c == '\\' as u32 {
                let e = self.peek().ok_or_else(regex_error)?;
                self.i += 1;
                if let Some(n) = Parser::escape_class(e) {
                    named.push(n);
                    continue;
                }
                e
            } else {
                c
            };
            // A range `a-z`, unless the `-` ends the class.
            if self.is('-') && self.p.get(self.i + 1).is_some_and(|n| *n != ']' as u32) {
                self.i += 1;
                let mut hi = self.peek().ok_or_else(regex_error)?;
                self.i += 1;
                if hi == '\\' as u32 {
                    hi = self.peek().ok_or_else(regex_error)?;
                    self.i += 1;
                }
                ranges.push((lo, hi));
            } else {
                ranges.push((lo, lo));
            }
        }
        Ok(Node::Inst(Inst::Class {
            ranges,
            named,
            negated,
        }))
    }
}

/// Emit the program of a node.
fn emit(node: &Node, out: &mut Vec<Inst>) -> PResult<()> {
    if out.len() > MAX_INSTS {
        return Err(regex_error());
    }
    match node {
        Node::Empty => {}
        Node::Inst(i) => out.push(i.clone()),
        Node::Concat(items) => {
            for n in items {
                emit(n, out)?;
            }
        }
        Node::Alt(options) => {
            let mut jumps = Vec::new();
            for (k, n) in options.iter().enumerate() {
                if k + 1 < options.len() {
                    let split = out.len();
                    out.push(Inst::Split(split + 1, 0));
                    emit(n, out)?;
                    jumps.push(out.len());
                    out.push(Inst::Jmp(0));
                    let next = out.len();
                    out[split] = Inst::Split(split + 1, next);
                } else {
                    emit(n, out)?;
                }
            }
            let end = out.len();
            for j in jumps {
                out[j] = Inst::Jmp(end);
            }
        }
        Node::Group(index, inner) => {
            if let Some(g) = index {
                out.push(Inst::Save(2 * g));
            }
            emit(inner, out)?;
            if let Some(g) = index {
                out.push(Inst::Save(2 * g + 1));
            }
        }
        Node::Repeat {
            node,
            min,
            max,
            greedy,
        } => {
            for _ in 0..*min {
                emit(node, out)?;
            }
            let choice = |out: &mut Vec<Inst>, at: usize, body: usize, exit: usize| {
                out[at] = if *greedy {
                    Inst::Split(body, exit)
                } else {
                    Inst::Split(exit, body)
                };
            };
            match max {
                None => {
                    // L: split body, exit; body; jmp L
                    let at = out.len();
                    out.push(Inst::Jmp(0));
                    emit(node, out)?;
                    out.push(Inst::Jmp(at));
                    let exit = out.len();
                    choice(out, at, at + 1, exit);
                }
                Some(max) => {
                    // Each optional copy: split body, exit; body.
                    let mut splits = Vec::new();
                    for _ in *min..*max {
                        splits.push(out.len());
                        out.push(Inst::Jmp(0));
                        emit(node, out)?;
                        if out.len() > MAX_INSTS {
                            return Err(regex_error());
                        }
                    }
                    let exit = out.len();
                    for at in splits {
                        choice(out, at, at + 1, exit);
                    }
                }
            }
        }
    }
    Ok(())
}

/// Compile a pattern given as characters (or bytes widened).
pub(crate) fn compile(pattern: &[u32]) -> PResult<Program> {
    let mut p = Parser {
        p: pattern,
        i: 0,
        groups: 0,
    };
    let node = p.alt(0)?;
    if p.i != pattern.len() {
        return Err(regex_error()); // an unbalanced `)`
    }
    let mut insts = alloc::vec![Inst::Save(0)];
    emit(&node, &mut insts)?;
    insts.push(Inst::Save(1));
    insts.push(Inst::Match);
    Ok(Program {
        insts,
        groups: p.groups,
    })
}

// ---- matching ----

/// The text being matched: characters of a str, or bytes.
#[derive(Clone, Copy)]
enum Text<'a> {
    Str(&'a str),
    Bytes(&'a [u8]),
}

impl Text<'_> {
    /// The character at byte offset `at` and the offset after it.
    fn next(&self, at: usize, end: usize) -> Option<(u32, usize)> {
        if at >= end {
            return None;
        }
        match self {
            Text::Bytes(b) => Some((u32::from(b[at]), at + 1)),
            Text::Str(s) => {
                let c = s[at..].chars().next()?;
                Some((c as u32, at + c.len_utf8()))
            }
        }
    }
}

/// Why a match stopped short.
enum Stop {
    /// The backtracking stack is full.
    TooDeep,
    /// The interrupt flag was raised.
    Interrupted(PyErr),
}

struct Matcher<'a, 'p> {
    prog: &'p Program,
    text: Text<'a>,
    end: usize,
    limit: usize,
}

impl Matcher<'_, '_> {
    /// Run the program from byte offset `at`; the captures of a match.
    fn run(
        &self,
        at: usize,
        poll: &mut dyn FnMut() -> PResult<()>,
    ) -> Result<Option<Vec<Option<usize>>>, Stop> {
        let mut caps: Vec<Option<usize>> = alloc::vec![None; 2 * (self.prog.groups + 1)];
        // A frame is a choice to come back to, or (with `Some(slot)`) a capture to restore.
        let mut stack: Vec<(usize, usize, Option<usize>)> = Vec::new();
        let (mut pc, mut sp) = (0usize, at);
        let mut steps = 0u32;
        loop {
            steps = steps.wrapping_add(1);
            if steps & 4095 == 0 {
                poll().map_err(Stop::Interrupted)?;
            }
            let ok = match &self.prog.insts[pc] {
                Inst::Match => return Ok(Some(caps)),
                Inst::Char(c) => match self.text.next(sp, self.end) {
                    Some((x, next)) if x == *c => {
                        sp = next;
                        true
                    }
                    _ => false,
                },
                Inst::Any => match self.text.next(sp, self.end) {
                    Some((x, next)) if x != '\n' as u32 => {
                        sp = next;
                        true
                    }
                    _ => false,
                },
                Inst::Named(n, neg) => match self.text.next(sp, self.end) {
                    Some((x, next)) if n.has(x) != *neg => {
                        sp = next;
                        true
                    }
                    _ => false,
                },
                Inst::Class {
                    ranges,
                    named,
                    negated,
                } => match self.text.next(sp, self.end) {
                    Some((x, next)) => {
                        let inside = ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&x))
                            || named.iter().any(|(n, neg)| n.has(x) != *neg);
                        if inside != *negated {
                            sp = next;
                            true
                        } else {
                            false
                        }
                    }
                    None => false,
                },
                Inst::Start => sp == 0,
                Inst::End => sp == self.end,
                Inst::Split(first, second) => {
                    // Full, or no memory to grow it (a board's small arena).
                    if stack.len() >= self.limit
                        || (stack.len() == stack.capacity() && stack.try_reserve(64).is_err())
                    {
                        return Err(Stop::TooDeep);
                    }
                    stack.push((*second, sp, None));
                    pc = *first;
                    continue;
                }
                Inst::Jmp(to) => {
                    pc = *to;
                    continue;
                }
                Inst::Save(slot) => {
                    if stack.len() >= self.limit
                        || (stack.len() == stack.capacity() && stack.try_reserve(64).is_err())
                    {
                        return Err(Stop::TooDeep);
                    }
                    stack.push((caps[*slot].unwrap_or(usize::MAX), 0, Some(*slot)));
                    caps[*slot] = Some(sp);
                    true
                }
            };
            if ok {
                pc += 1;
                continue;
            }
            // Backtrack: undo captures down to the last choice.
            loop {
                match stack.pop() {
                    None => return Ok(None),
                    Some((old, _, Some(slot))) => {
                        caps[slot] = (old != usize::MAX).then_some(old);
                    }
                    Some((to, at, None)) => {
                        pc = to;
                        sp = at;
                        break;
                    }
                }
            }
        }
    }
}

// ---- Python objects ----

/// A compiled pattern object (`re.compile`).
#[derive(Debug)]
pub(crate) struct Regex {
    prog: Program,
    /// The pattern was bytes: it matches bytes.
    bytes: bool,
}

impl Data for Regex {
    fn extra_size(&self) -> usize {
        self.prog.insts.len() * core::mem::size_of::<Inst>()
    }
}

/// A match: the text it was found in and the byte offsets of its groups.
#[derive(Debug)]
pub(crate) struct Match {
    subject: Value,
    caps: Vec<Option<usize>>,
}

impl Data for Match {
    fn trace(&self, f: &mut dyn FnMut(Value)) {
        f(self.subject);
    }

    fn extra_size(&self) -> usize {
        self.caps.len() * core::mem::size_of::<Option<usize>>()
    }
}

static REGEX: ClassSpec = ClassSpec {
    name: "re",
    base: None,
    methods: &[
        Native::new("match", regex_match).args(2, 4).kw(),
        Native::new("search", regex_search).args(2, 4).kw(),
        Native::new("sub", regex_sub).args(3, 5).kw(),
        Native::new("split", regex_split).args(2, 3).kw(),
        Native::new("__repr__", regex_repr).args(1, 1),
    ],
    make: None,
};

static MATCH: ClassSpec = ClassSpec {
    name: "match",
    base: None,
    methods: &[
        Native::new("group", match_group).args(1, VARARGS),
        Native::new("groups", match_groups).args(1, 1),
        Native::new("start", match_start).args(1, 2),
        Native::new("end", match_end).args(1, 2),
        Native::new("span", match_span).args(1, 2),
        Native::new("__repr__", match_repr).args(1, 1),
    ],
    make: None,
};

pub(super) fn make(vm: &mut Interp) -> crate::gc::ObjRef {
    let m = vm.native_module(
        "re",
        &[
            Native::new("compile", re_compile).args(1, 2),
            Native::new("match", re_match).args(2, 4),
            Native::new("search", re_search).args(2, 4),
            Native::new("sub", re_sub).args(3, 5).kw(),
            Native::new("split", re_split).args(2, 4).kw(),
        ],
    );
    vm.set_attr_str(m, "DEBUG", Value::Int(4096));
    m
}

/// The characters of a pattern or subject: chars of a str, bytes of a bytes-like object.
fn units(vm: &Interp, v: Value) -> PResult<(Vec<u32>, bool)> {
    if let Some(s) = vm.as_str(v) {
        return Ok((s.chars().map(|c| c as u32).collect(), false));
    }
    match vm.as_bytes(v) {
        Some(b) => Ok((b.iter().map(|b| u32::from(*b)).collect(), true)),
        None => Err(PyErr::type_error(alloc::format!(
            "can't convert '{}' object to str implicitly",
            vm.type_name(v)
        ))),
    }
}

/// `re.compile` of a pattern, or the pattern object itself if it is already compiled.
fn regex_of(vm: &mut Interp, pattern: Value) -> PResult<Value> {
    if vm.data_ref::<Regex>(pattern).is_some() {
        return Ok(pattern);
    }
    let (chars, bytes) = units(vm, pattern)?;
    let prog = compile(&chars)?;
    vm.new_data(&REGEX, Regex { prog, bytes })
}

fn re_compile(vm: &mut Interp, a: Args) -> PResult<Value> {
    regex_of(vm, vm.arg(a, 0))
}

impl Interp {
    /// Search (or match, anchored at `pos`) `subject` with `regex`, between character
    /// positions `pos` and `endpos`; the byte offsets of the groups of a match.
    fn regex_exec(
        &mut self,
        regex: Value,
        subject: Value,
        pos: i64,
        endpos: Option<i64>,
        anchored: bool,
    ) -> PResult<Option<Vec<Option<usize>>>> {
        let subject = self.payload(subject).unwrap_or(subject);
        let limit = (self.gc.heap.limit() / 32).max(10_000);
        // A memoryview's bytes are copied; everything else is matched in place.
        let copied: Option<Vec<u8>> = match subject {
            Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::MemoryView(..)) => {
                self.as_bytes(subject).map(<[u8]>::to_vec)
            }
            _ => None,
        };
        // Borrow the heap (the text, the program) and the platform (the interrupt poll)
        // separately.
        let heap = &self.gc.heap;
        let platform = &mut self.platform;
        let prog = match regex {
            Value::Obj(r) => match heap.get(r) {
                Obj::Instance(i) => i
                    .data
                    .as_deref()
                    .and_then(|d| (d as &dyn core::any::Any).downcast_ref::<Regex>()),
                _ => None,
            },
            _ => None,
        };
        let Some(prog) = prog else {
            return Err(PyErr::type_error("expected a compiled regex"));
        };
        let text = match (&copied, subject) {
            (Some(b), _) => Some(Text::Bytes(b)),
            (None, Value::Obj(r)) => match heap.get(r) {
                Obj::Str(s) => Some(Text::Str(s)),
                Obj::Bytes(b) => Some(Text::Bytes(b)),
                Obj::ByteArray(b) | Obj::Array(_, b) => Some(Text::Bytes(b)),
                _ => None,
            },
            _ => None,
        };
        let text = match text {
            Some(Text::Str(s)) if !prog.bytes => Text::Str(s),
            Some(Text::Bytes(b)) if prog.bytes => Text::Bytes(b),
            _ => {
                return Err(PyErr::type_error(if prog.bytes {
                    "expected a bytes-like object"
                } else {
                    "expected a str"
                }));
            }
        };
        // Character positions, clamped as CPython does, to byte offsets.
        let n_chars = match text {
            Text::Str(s) => s.chars().count(),
            Text::Bytes(b) => b.len(),
        } as i64;
        let clamp = |p: i64| p.clamp(0, n_chars) as usize;
        let to_offset = |p: usize| match text {
            Text::Str(s) => s.char_indices().nth(p).map_or(s.len(), |(i, _)| i),
            Text::Bytes(_) => p,
        };
        let start = to_offset(clamp(pos));
        let end = to_offset(clamp(endpos.unwrap_or(n_chars)));
        if start > end {
            return Ok(None);
        }
        let m = Matcher {
            prog: &prog.prog,
            text,
            end,
            limit,
        };
        let mut poll = || -> PResult<()> {
            if platform.interrupt_requested() {
                return Err(PyErr::new(ErrKind::KeyboardInterrupt, ""));
            }
            Ok(())
        };
        let mut at = start;
        loop {
            match m.run(at, &mut poll) {
                Ok(Some(caps)) => return Ok(Some(caps)),
                Ok(None) => {}
                Err(Stop::TooDeep) => {
                    return Err(PyErr::new(
                        ErrKind::RuntimeError,
                        "maximum recursion depth exceeded",
                    ));
                }
                Err(Stop::Interrupted(e)) => return Err(e),
            }
            if anchored {
                return Ok(None);
            }
            match text.next(at, end) {
                Some((_, next)) => at = next,
                None => return Ok(None),
            }
        }
    }

    fn new_match(&mut self, subject: Value, caps: Vec<Option<usize>>) -> PResult<Value> {
        self.new_data(&MATCH, Match { subject, caps })
    }

    /// The text between byte offsets of a match's subject, as str or bytes.
    fn slice_of(&mut self, subject: Value, s: usize, e: usize) -> PResult<Value> {
        if let Some(text) = self.as_str(subject) {
            let piece = String::from(&text[s..e]);
            return self.str_value(&piece);
        }
        let piece = self
            .as_bytes(subject)
            .map(|b| b[s..e].to_vec())
            .unwrap_or_default();
        self.alloc(Obj::Bytes(piece.into()))
    }
}

fn pos_args(vm: &Interp, a: Args, from: usize) -> PResult<(i64, Option<i64>)> {
    let pos = match vm.arg_or_kw(a, from, "pos") {
        Some(v) => vm.int_arg(v)?,
        None => 0,
    };
    let end = match vm.arg_or_kw(a, from + 1, "endpos") {
        Some(v) => Some(vm.int_arg(v)?),
        None => None,
    };
    Ok((pos, end))
}

fn exec_to_value(
    vm: &mut Interp,
    regex: Value,
    subject: Value,
    pos: i64,
    end: Option<i64>,
    anchored: bool,
) -> PResult<Value> {
    match vm.regex_exec(regex, subject, pos, end, anchored)? {
        Some(caps) => vm.new_match(subject, caps),
        None => Ok(Value::None),
    }
}

fn regex_match(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (pos, end) = pos_args(vm, a, 2)?;
    exec_to_value(vm, vm.arg(a, 0), vm.arg(a, 1), pos, end, true)
}

fn regex_search(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (pos, end) = pos_args(vm, a, 2)?;
    exec_to_value(vm, vm.arg(a, 0), vm.arg(a, 1), pos, end, false)
}

/// Module-level `re.match`/`re.search`: compile (kept rooted), then run.
fn module_exec(vm: &mut Interp, a: Args, anchored: bool) -> PResult<Value> {
    let regex = regex_of(vm, vm.arg(a, 0))?;

    vm.rooted(&[regex], |vm| {
        exec_to_value(vm, regex, vm.arg(a, 1), 0, None, anchored)
    })
}

fn re_match(vm: &mut Interp, a: Args) -> PResult<Value> {
    module_exec(vm, a, true)
}

fn re_search(vm: &mut Interp, a: Args) -> PResult<Value> {
    module_exec(vm, a, false)
}

/// One piece of a replacement template: text, or a group to insert.
enum Piece {
    Text(Vec<u8>),
    Group(usize),
}

/// Parse `\1`, `\g<1>` and `\\` in a replacement template.
fn template(t: &[u8], groups: usize) -> PResult<Vec<Piece>> {
    let mut out = Vec::new();
    let mut text = Vec::new();
    let mut i = 0;
    let bad_group = || PyErr::new(ErrKind::ValueError, "invalid group reference");
    while i < t.len() {
        if t[i] != b'\\' || i + 1 == t.len() {
            text.push(t[i]);
            i += 1;
            continue;
        }
        let n = match t[i + 1] {
            b'0'..=b'9' => {
                let mut j = i + 1;
                let mut n: usize = 0;
                while j < t.len() && t[j].is_ascii_digit() && j < i + 3 {
                    n = n * 10 + usize::from(t[j] - b'0');
                    j += 1;
                }
                if j < t.len() && t[j].is_ascii_digit() {
                    return Err(bad_group());
                }
                i = j;
                n
            }
            b'g' if t.get(i + 2) == Some(&b'<') => {
                let close = t[i + 3..]
                    .iter()
                    .position(|b| *b == b'>')
                    .ok_or_else(bad_group)?;
                let digits =
                    core::str::from_utf8(&t[i + 3..i + 3 + close]).map_err(|_| bad_group())?;
                let n: usize = digits.parse().map_err(|_| bad_group())?;
                i += 4 + close;
                n
            }
            e => {
                match e {
                    b'\\' => text.push(b'\\'),
                    b'n' => text.push(b'\n'),
                    b'r' => text.push(b'\r'),
                    b't' => text.push(b'\t'),
                    b'f' => text.push(0x0c),
                    b'v' => text.push(0x0b),
                    b'a' => text.push(0x07),
                    _ => text.extend_from_slice(&[b'\\', e]),
                }
                i += 2;
                continue;
            }
        };
        if n > groups {
            return Err(bad_group());
        }
        if !text.is_empty() {
            out.push(Piece::Text(core::mem::take(&mut text)));
        }
        out.push(Piece::Group(n));
    }
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    Ok(out)
}

/// `sub(repl, string, count=0)` on a compiled regex.
fn do_sub(
    vm: &mut Interp,
    regex: Value,
    repl: Value,
    subject: Value,
    count: i64,
) -> PResult<Value> {
    let groups = vm.data_ref::<Regex>(regex).map_or(0, |r| r.prog.groups);
    let callable = vm.as_str(repl).is_none() && vm.as_bytes(repl).is_none();
    let pieces = if callable {
        Vec::new()
    } else {
        template(&vm.buffer_arg(repl)?, groups)?
    };
    let subject_bytes = vm.buffer_arg(subject)?;
    let is_str = vm.as_str(subject).is_some();
    let n_chars = |b: &[u8]| -> i64 {
        if is_str {
            core::str::from_utf8(b).map_or(b.len(), |s| s.chars().count()) as i64
        } else {
            b.len() as i64
        }
    };
    let mut out: Vec<u8> = Vec::new();
    let mut at = 0usize; // byte offset of the next unsearched text
    let mut done = 0i64;
    while count <= 0 || done < count {
        let pos = n_chars(&subject_bytes[..at]);
        let Some(caps) = vm.regex_exec(regex, subject, pos, None, false)? else {
            break;
        };
        let (s, e) = (caps[0].unwrap_or(at), caps[1].unwrap_or(at));
        out.extend_from_slice(&subject_bytes[at..s]);
        if callable {
            let m = vm.new_match(subject, caps.clone())?;
            let r = vm.rooted(&[m], |vm| vm.call_value(repl, &[m]));
            let r = r?;
            out.extend_from_slice(&vm.buffer_arg(r)?);
        } else {
            for p in &pieces {
                match p {
                    Piece::Text(t) => out.extend_from_slice(t),
                    Piece::Group(g) => {
                        if let (Some(gs), Some(ge)) = (caps[2 * g], caps[2 * g + 1]) {
                            out.extend_from_slice(&subject_bytes[gs..ge]);
                        }
                    }
                }
            }
        }
        done += 1;
        if e == s {
            // An empty match: keep the next character and go on after it.
            if e >= subject_bytes.len() {
                at = e;
                break;
            }
            let step = if is_str {
                core::str::from_utf8(&subject_bytes[e..])
                    .ok()
                    .and_then(|t| t.chars().next())
                    .map_or(1, char::len_utf8)
            } else {
                1
            };
            out.extend_from_slice(&subject_bytes[e..e + step]);
            at = e + step;
        } else {
            at = e;
        }
        // `^` matches only at the very start: stop once past it.
        if at > subject_bytes.len() {
            break;
        }
    }
    out.extend_from_slice(&subject_bytes[at.min(subject_bytes.len())..]);
    if is_str {
        let s = String::from_utf8(out).map_err(|_| PyErr::new(ErrKind::UnicodeError, ""))?;
        vm.str_value(&s)
    } else {
        vm.alloc(Obj::Bytes(out.into()))
    }
}

fn regex_sub(vm: &mut Interp, a: Args) -> PResult<Value> {
    let count = match vm.arg_or_kw(a, 3, "count") {
        Some(v) => vm.int_arg(v)?,
        None => 0,
    };
    do_sub(vm, vm.arg(a, 0), vm.arg(a, 1), vm.arg(a, 2), count)
}

fn re_sub(vm: &mut Interp, a: Args) -> PResult<Value> {
    let regex = regex_of(vm, vm.arg(a, 0))?;
    let count = match vm.arg_or_kw(a, 3, "count") {
        Some(v) => vm.int_arg(v)?,
        None => 0,
    };

    vm.rooted(&[regex], |vm| {
        do_sub(vm, regex, vm.arg(a, 1), vm.arg(a, 2), count)
    })
}

/// `split(string, maxsplit=0)`. As on MicroPython, an empty match ends the splitting and
/// patterns with groups are not supported.
fn do_split(vm: &mut Interp, regex: Value, subject: Value, maxsplit: i64) -> PResult<Value> {
    if vm
        .data_ref::<Regex>(regex)
        .is_some_and(|r| r.prog.groups > 0)
    {
        return Err(PyErr::new(
            ErrKind::NotImplementedError,
            "Splitting with sub-patterns not supported",
        ));
    }
    let subject_bytes = vm.buffer_arg(subject)?;
    let is_str = vm.as_str(subject).is_some();
    let base = vm.gc.temp_roots.len();
    let r = (|| {
        let mut at = 0usize;
        let mut n = 0i64;
        while maxsplit <= 0 || n < maxsplit {
            let pos = if is_str {
                core::str::from_utf8(&subject_bytes[..at]).map_or(at, |s| s.chars().count()) as i64
            } else {
                at as i64
            };
            let Some(caps) = vm.regex_exec(regex, subject, pos, None, false)? else {
                break;
            };
            let (s, e) = (caps[0].unwrap_or(at), caps[1].unwrap_or(at));
            if s == e {
                break;
            }
            let piece = vm.slice_of(subject, at, s)?;
            vm.gc.temp_roots.push(piece);
            at = e;
            n += 1;
        }
        let rest = vm.slice_of(subject, at, subject_bytes.len())?;
        vm.gc.temp_roots.push(rest);
        vm.list_from_roots(base)
    })();
    vm.gc.temp_roots.truncate(base);
    r
}

fn regex_split(vm: &mut Interp, a: Args) -> PResult<Value> {
    let max = match vm.arg_or_kw(a, 2, "maxsplit") {
        Some(v) => vm.int_arg(v)?,
        None => 0,
    };
    do_split(vm, vm.arg(a, 0), vm.arg(a, 1), max)
}

fn re_split(vm: &mut Interp, a: Args) -> PResult<Value> {
    let regex = regex_of(vm, vm.arg(a, 0))?;
    let max = match vm.arg_or_kw(a, 2, "maxsplit") {
        Some(v) => vm.int_arg(v)?,
        None => 0,
    };

    vm.rooted(&[regex], |vm| do_split(vm, regex, vm.arg(a, 1), max))
}

fn regex_repr(vm: &mut Interp, a: Args) -> PResult<Value> {
    let Value::Obj(r) = vm.arg(a, 0) else {
        return Err(PyErr::type_error("not a regex"));
    };
    vm.str_value(&alloc::format!("<re 0x{:x}>", crate::runtime::obj_id(r)))
}

/// The group number argument `i` of a match method (0 if absent).
fn group_index(vm: &Interp, a: Args, i: usize, caps: usize) -> PResult<usize> {
    let n = match (a.len > i).then(|| vm.arg(a, i)) {
        Some(v) => vm.int_arg(v)?,
        None => 0,
    };
    if n < 0 || (n as usize) >= caps / 2 {
        return Err(PyErr::new(ErrKind::IndexError, "no such group"));
    }
    Ok(n as usize)
}

fn group_value(vm: &mut Interp, this: Value, g: usize) -> PResult<Value> {
    let m = vm.data_ref::<Match>(this).expect("a match");
    let subject = m.subject;
    match (m.caps[2 * g], m.caps[2 * g + 1]) {
        (Some(s), Some(e)) => vm.slice_of(subject, s, e),
        _ => Ok(Value::None),
    }
}

fn match_group(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    let caps = vm.this::<Match>(a)?.caps.len();
    if a.len <= 2 {
        let g = group_index(vm, a, 1, caps)?;
        return group_value(vm, this, g);
    }
    let base = vm.gc.temp_roots.len();
    let r = (|| {
        for i in 1..a.len {
            let g = group_index(vm, a, i, caps)?;
            let v = group_value(vm, this, g)?;
            vm.gc.temp_roots.push(v);
        }
        let items = vm.gc.temp_roots[base..].to_vec();
        vm.tuple(items)
    })();
    vm.gc.temp_roots.truncate(base);
    r
}

fn match_groups(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    let caps = vm.this::<Match>(a)?.caps.len();
    let base = vm.gc.temp_roots.len();
    let r = (|| {
        for g in 1..caps / 2 {
            let v = group_value(vm, this, g)?;
            vm.gc.temp_roots.push(v);
        }
        let items = vm.gc.temp_roots[base..].to_vec();
        vm.tuple(items)
    })();
    vm.gc.temp_roots.truncate(base);
    r
}

/// Start and end of group `g` as character positions (-1 if it did not take part).
fn span_of(vm: &mut Interp, a: Args) -> PResult<(i64, i64)> {
    let caps = vm.this::<Match>(a)?.caps.len();
    let g = group_index(vm, a, 1, caps)?;
    let m = vm.data_ref::<Match>(vm.arg(a, 0)).expect("a match");
    let (s, e) = (m.caps[2 * g], m.caps[2 * g + 1]);
    let subject = m.subject;
    let chars = |off: usize| -> i64 {
        match vm.as_str(subject) {
            Some(t) => t[..off].chars().count() as i64,
            None => off as i64,
        }
    };
    Ok(match (s, e) {
        (Some(s), Some(e)) => (chars(s), chars(e)),
        _ => (-1, -1),
    })
}

fn match_start(vm: &mut Interp, a: Args) -> PResult<Value> {
    Ok(Value::Int(span_of(vm, a)?.0))
}

fn match_end(vm: &mut Interp, a: Args) -> PResult<Value> {
    Ok(Value::Int(span_of(vm, a)?.1))
}

fn match_span(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (s, e) = span_of(vm, a)?;
    vm.tuple(alloc::vec![Value::Int(s), Value::Int(e)])
}

fn match_repr(vm: &mut Interp, a: Args) -> PResult<Value> {
    let groups = vm.this::<Match>(a)?.caps.len() / 2;
    vm.str_value(&alloc::format!("<match num={groups}>"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(pattern: &str, text: &str) -> Option<(usize, usize)> {
        let chars: Vec<u32> = pattern.chars().map(|c| c as u32).collect();
        let prog = compile(&chars).ok()?;
        let m = Matcher {
            prog: &prog,
            text: Text::Str(text),
            end: text.len(),
            limit: 10_000,
        };
        let mut at = 0;
        loop {
            if let Ok(Some(caps)) = m.run(at, &mut || Ok(())) {
                return Some((caps[0]?, caps[1]?));
            }
            at = m.text.next(at, text.len())?.1;
        }
    }

    #[test]
    fn the_basic_operators_match() {
        assert_eq!(find("o+", "foobar"), Some((1, 3)));
        assert_eq!(find("a|b|c", "xxc"), Some((2, 3)));
        assert_eq!(find("[a-cu-z]+", "dab"), Some((1, 3)));
        assert_eq!(find("a+?", "aaa"), Some((0, 1)));
        assert_eq!(find(r"\d{2,3}", "a12345"), Some((1, 4)));
        assert_eq!(find("(?:ab)+$", "xabab"), Some((1, 5)));
        assert_eq!(find("^b", "ab"), None);
    }

    #[test]
    fn bad_patterns_are_errors() {
        for p in ["*", "+", "?", ")", "[", "([", "([)", r"[a\]", "a**"] {
            let chars: Vec<u32> = p.chars().map(|c| c as u32).collect();
            assert!(compile(&chars).is_err(), "{p}");
        }
    }

    #[test]
    fn runaway_backtracking_stops_at_the_stack_budget() {
        let chars: Vec<u32> = "(a*)*".chars().map(|c| c as u32).collect();
        let prog = compile(&chars).unwrap();
        let m = Matcher {
            prog: &prog,
            text: Text::Str("aaa"),
            end: 3,
            limit: 1000,
        };
        assert!(matches!(m.run(0, &mut || Ok(())), Err(Stop::TooDeep)));
    }
}
