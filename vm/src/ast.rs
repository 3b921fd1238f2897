//! The syntax tree the parser builds and the compiler walks. Every node that can fail at run
//! time carries its source line.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    MatMul,
    TrueDiv,
    FloorDiv,
    Mod,
    Pow,
    LShift,
    RShift,
    And,
    Or,
    Xor,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Pos,
    Invert,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    In,
    NotIn,
    Is,
    IsNot,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub line: u32,
}

/// One argument at a call site.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Pos(Expr),
    /// `*iterable`
    Star(Expr),
    Kw(String, Expr),
    /// `**mapping`
    StarStar(Expr),
}

/// One `for … in … if …` clause of a comprehension.
#[derive(Clone, Debug, PartialEq)]
pub struct CompFor {
    pub target: Expr,
    pub iter: Expr,
    pub ifs: Vec<Expr>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompKind {
    List,
    Set,
    Dict,
    Generator,
}

/// One piece of an f-string.
#[derive(Clone, Debug, PartialEq)]
pub enum FPart {
    Lit(String),
    /// `{expr!conv:spec}`; the spec may itself hold replacement fields.
    Field {
        expr: Box<Expr>,
        conv: Option<char>,
        spec: Vec<FPart>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    None,
    True,
    False,
    Ellipsis,
    /// Decimal, hex, octal or binary digits as written (the compiler makes the value).
    Int(String),
    Float(f64),
    Imag(f64),
    Str(String),
    Bytes(Vec<u8>),
    FString(Vec<FPart>),
    Name(String),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    /// `a and b` / `a or b`: short-circuit, the value of the last operand evaluated.
    BoolOp {
        and: bool,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `a < b <= c`: each operand evaluated once.
    Compare {
        first: Box<Expr>,
        rest: Vec<(CmpOp, Expr)>,
    },
    Call {
        func: Box<Expr>,
        args: Vec<Arg>,
    },
    IfExp {
        test: Box<Expr>,
        body: Box<Expr>,
        orelse: Box<Expr>,
    },
    Attribute(Box<Expr>, String),
    Subscript(Box<Expr>, Box<Expr>),
    /// `a:b:c` inside a subscript; missing parts are `None`.
    Slice(Option<Box<Expr>>, Option<Box<Expr>>, Option<Box<Expr>>),
    Tuple(Vec<Expr>),
    List(Vec<Expr>),
    Set(Vec<Expr>),
    /// `None` key: `**mapping` unpacking.
    Dict(Vec<(Option<Expr>, Expr)>),
    /// `*expr` in a display or assignment target.
    Starred(Box<Expr>),
    Lambda(Box<FuncDef>),
    Comp {
        kind: CompKind,
        /// For `Dict`, the key; the value is `value`.
        elt: Box<Expr>,
        value: Option<Box<Expr>>,
        fors: Vec<CompFor>,
    },
    Yield(Option<Box<Expr>>),
    YieldFrom(Box<Expr>),
    Await(Box<Expr>),
    /// `name := value`
    Walrus(String, Box<Expr>),
}

/// A parameter list and body: `def`, `async def` and `lambda`.
#[derive(Clone, Debug, PartialEq)]
pub struct FuncDef {
    pub name: String,
    pub params: Vec<Param>,
    /// `*args` name (or `Some("")` for a bare `*` before keyword-only parameters).
    pub varargs: Option<String>,
    pub kwonly: Vec<Param>,
    pub varkw: Option<String>,
    pub body: Vec<Stmt>,
    pub is_async: bool,
    pub line: u32,
    /// The return annotation when it is a plain name (`-> int`), for viper functions.
    pub returns: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub default: Option<Expr>,
    /// The annotation when it is a plain name (`x: ptr8`), for viper functions.
    pub annotation: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Handler {
    pub kind: Option<Expr>,
    pub name: Option<String>,
    pub body: Vec<Stmt>,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ImportName {
    /// Dotted module path, e.g. `os.path`.
    pub module: String,
    pub alias: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    Expr(Expr),
    /// `a = b = value`.
    Assign {
        targets: Vec<Expr>,
        value: Expr,
    },
    AugAssign {
        target: Expr,
        op: BinOp,
        value: Expr,
    },
    /// `x: int = value` (the annotation is evaluated and dropped).
    AnnAssign {
        target: Expr,
        value: Option<Expr>,
    },
    If {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    While {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    For {
        target: Expr,
        iter: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
        is_async: bool,
    },
    Pass,
    Break,
    Continue,
    Return(Option<Expr>),
    FunctionDef {
        def: Box<FuncDef>,
        decorators: Vec<Expr>,
    },
    ClassDef {
        name: String,
        bases: Vec<Arg>,
        body: Vec<Stmt>,
        decorators: Vec<Expr>,
    },
    Global(Vec<String>),
    Nonlocal(Vec<String>),
    Del(Vec<Expr>),
    Assert {
        test: Expr,
        msg: Option<Expr>,
    },
    Raise {
        exc: Option<Expr>,
        cause: Option<Expr>,
    },
    Try {
        body: Vec<Stmt>,
        handlers: Vec<Handler>,
        orelse: Vec<Stmt>,
        finally: Vec<Stmt>,
    },
    With {
        items: Vec<(Expr, Option<Expr>)>,
        body: Vec<Stmt>,
        is_async: bool,
    },
    Import(Vec<ImportName>),
    /// `from .mod import a as b` (`names` empty means `*`).
    ImportFrom {
        module: String,
        level: u32,
        names: Vec<(String, Option<String>)>,
    },
}
