//! The built-ins probe: every callable attribute of every built-in type, of an instance of
//! each, and of every built-in module and the classes in it (and of instances of those) is
//! called with a pool of ordinary argument lists, in process. A Python exception is fine;
//! a Rust panic (which would abort a board) or a hang is not. The test fails listing every
//! panic as the expression, the arguments and the panic's message and place.
//!
//! The survey runs on one VM, which a Python script fills with the targets; a panic drops
//! that VM and the survey goes on from the next probe on a fresh one, rebuilt the same way.
//! Each probe gets an instruction budget (as the fuzzers do), so nothing runs long; output
//! is discarded, sleeps return at once and stdin is at its end, so nothing blocks.

use copperhead_vm::memfs::MemFs;
use copperhead_vm::platform::{Filesystem, Hardware};
use copperhead_vm::simhw::SimHardware;
use copperhead_vm::{Config, Mode, Platform, Vm};
use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Polls of the interrupt flag one probe may take before `KeyboardInterrupt`.
const BUDGET: u32 = 2_000;

/// The argument lists every target is called with, as Python source (the last is a
/// keyword call). Each is made afresh per call, so a method that mutates its argument
/// does not change the next probe's.
const ARGS: &[&str] = &[
    "()",
    "(0,)",
    "(1, 2)",
    "(-1,)",
    "(2**70,)",
    "(1.5,)",
    "('x',)",
    "(b'x',)",
    "(None,)",
    "([1],)",
    "({1: 2},)",
    "(1, 2, 3, 4, 5, 6)",
];
const KEYWORD_CALL: &str = "x=1";

/// Builds `_T`, the list of (name, callable) targets, and `_C`, the classes found in
/// modules, whose instances `_inst` adds afterwards.
const SETUP: &str = r#"
_T = []
_C = []
_seen = set()

def _members(prefix, obj):
    for n in sorted(dir(obj)):
        try:
            v = getattr(obj, n)
        except Exception:
            continue
        if callable(v):
            _add(prefix + '.' + n, v)

def _add(name, v):
    if id(v) not in _seen:
        _seen.add(id(v))
        _T.append((name, v))

def _class(name, c):
    if id(c) not in _seen:
        _add(name, c)
        _members(name, c)

def _gen():
    yield 1

import builtins
for _n in sorted(dir(builtins)):
    _v = getattr(builtins, _n)
    if isinstance(_v, type):
        _class(_n, _v)
    elif callable(_v):
        _add(_n, _v)

_INSTANCES = [
    ('0', 0), ('2**70', 2**70), ('1.5', 1.5), ('1j', 1j), ('True', True), ('None', None),
    ("'ab'", 'ab'), ("b'ab'", b'ab'), ("bytearray(b'ab')", bytearray(b'ab')),
    ("memoryview(b'ab')", memoryview(b'ab')), ('[1]', [1]), ('(1,)', (1,)),
    ('{1: 2}', {1: 2}), ('{1}', {1}), ('frozenset({1})', frozenset({1})),
    ('range(3)', range(3)), ('slice(1, 2)', slice(1, 2)), ('object()', object()),
    ('{1: 2}.keys()', {1: 2}.keys()), ('{1: 2}.values()', {1: 2}.values()),
    ('{1: 2}.items()', {1: 2}.items()), ('iter([1])', iter([1])), ('_gen()', _gen()),
    ('len', len), ('_members', _members), ('[].append', [].append),
    ('property()', property()), ('ValueError(1)', ValueError(1)),
    ('OSError(2, "x")', OSError(2, 'x')), ('StopIteration(1)', StopIteration(1)),
    ('type', type), ('...', ...), ('NotImplemented', NotImplemented),
]
for _n, _o in _INSTANCES:
    _class('type(' + _n + ')', type(_o))
    _members(_n, _o)

def _module(name):
    try:
        m = __import__(name)
    except ImportError:
        return
    for n in sorted(dir(m)):
        try:
            v = getattr(m, n)
        except Exception:
            continue
        if isinstance(v, type):
            if id(v) not in _seen:
                _C.append((name + '.' + n, v))
            _class(name + '.' + n, v)
        elif callable(v):
            _add(name + '.' + n, v)

# Constructor arguments tried for the classes of modules, first success wins.
_CA = [
    (), (0,), (1,), ('x',), (b'xxxx',), (bytearray(64), 4, 4, 1), ('b', [1]),
    (bytearray(8), {'a': 0 | 0x00000000}), (b'', 'r'), (1, 1),
]

def _inst(i, j):
    name, c = _C[i]
    o = c(*_CA[j])
    _members(name + str(_CA[j]), o)

def _reset():
    import micropython, gc, os
    while micropython.heap_locked():
        micropython.heap_unlock()
    gc.enable()
    micropython.kbd_intr(3)
    os.chdir('/')
"#;

/// A board with simulated peripherals and a RAM filesystem whose program is stopped once
/// its budget of interrupt polls is spent (and at every poll after that).
struct ProbePlatform {
    polls: u32,
    /// Polls allowed: `BUDGET` for a probe, no limit for the survey's own code.
    budget: u32,
    capture: Option<Vec<u8>>,
    fs: MemFs,
    hw: SimHardware,
}

impl Platform for ProbePlatform {
    fn write_stdout(&mut self, bytes: &[u8]) {
        if let Some(out) = &mut self.capture {
            out.extend_from_slice(bytes);
        }
    }

    fn interrupt_requested(&mut self) -> bool {
        self.polls = self.polls.saturating_add(1);
        self.polls > self.budget
    }

    fn sleep_us(&mut self, _us: u64) {}

    fn fs(&mut self) -> Option<&mut dyn Filesystem> {
        Some(&mut self.fs)
    }

    fn hardware(&mut self) -> Option<&mut dyn Hardware> {
        Some(&mut self.hw)
    }
}

type ProbeVm = Vm<ProbePlatform>;

fn new_vm(gc_stress: bool) -> ProbeVm {
    Vm::new(
        ProbePlatform {
            polls: 0,
            budget: BUDGET,
            capture: None,
            fs: MemFs::new(64 * 1024),
            hw: SimHardware::new(),
        },
        Config {
            heap_size: 1024 * 1024,
            max_depth: 50,
            gc_stress,
            ..Config::default()
        },
    )
}

/// Run `source` with a fresh budget; the exception's one-line text if it raised.
fn exec(vm: &mut ProbeVm, source: &str) -> Result<(), String> {
    vm.platform_mut().polls = 0;
    vm.exec(source, "<probe>", Mode::File)
        .map_err(|e| format!("{}: {}", e.type_name, e.message))
}

/// Run `source` and return what it printed; setup code must not raise.
fn output_of(vm: &mut ProbeVm, source: &str) -> String {
    vm.platform_mut().capture = Some(Vec::new());
    vm.platform_mut().budget = u32::MAX;
    let r = exec(vm, source);
    vm.platform_mut().budget = BUDGET;
    let out = vm.platform_mut().capture.take().unwrap_or_default();
    if let Err(e) = r {
        panic!("probe setup `{source}` raised {e}");
    }
    String::from_utf8_lossy(&out).into_owned()
}

thread_local! {
    /// The message and place of the last panic on this thread.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    /// Set while a probe runs under `guarded`.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

/// Panics in probes are recorded, not printed (there may be hundreds).
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                default(info);
                return;
            }
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let place = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{message} at {place}")));
        }));
    });
}

/// Run `f` on `vm`; on a panic, the panic's text (and `vm` is not to be used again).
fn guarded<R>(vm: &mut ProbeVm, f: impl FnOnce(&mut ProbeVm) -> R) -> Result<R, String> {
    GUARDED.with(|g| g.set(true));
    let r = catch_unwind(AssertUnwindSafe(|| f(vm)));
    GUARDED.with(|g| g.set(false));
    r.map_err(|_| LAST_PANIC.with(|p| p.borrow_mut().take().unwrap_or_default()))
}

/// The module names `help('modules')` lists.
fn module_names(vm: &mut ProbeVm) -> Vec<String> {
    let text = output_of(vm, "help('modules')");
    text.lines()
        .filter(|l| !l.starts_with("Plus "))
        .flat_map(|l| l.split_whitespace())
        .filter(|n| *n != "__main__")
        .map(String::from)
        .collect()
}

/// A VM holding the targets: the setup script, the modules, and the instances made by the
/// constructor calls that worked (`made`, as (class, argument list) indices).
struct Survey {
    gc_stress: bool,
    modules: Vec<String>,
    made: Vec<(usize, usize)>,
}

impl Survey {
    fn build(&self) -> ProbeVm {
        let mut vm = new_vm(self.gc_stress);
        // Building the targets needs no stress: that is for the probes.
        output_of(&mut vm, "import gc\ngc.disable()");
        output_of(&mut vm, SETUP);
        for m in &self.modules {
            output_of(&mut vm, &format!("_module('{m}')"));
        }
        for (i, j) in &self.made {
            output_of(&mut vm, &format!("_inst({i}, {j})"));
        }
        output_of(&mut vm, "gc.enable()");
        vm
    }
}

/// One panic: the call and what the panic said.
struct Finding {
    call: String,
    panic: String,
}

/// What a survey found.
struct Report {
    probes: usize,
    findings: Vec<Finding>,
}

/// Call every target (every `stride`-th, starting at `offset`, for a sample) with every
/// argument list. `progress` hears of each probe before it runs, for the hang watchdog.
fn survey(gc_stress: bool, stride: usize, offset: usize, progress: mpsc::Sender<String>) -> Report {
    install_panic_hook();
    let mut s = Survey {
        gc_stress,
        modules: Vec::new(),
        made: Vec::new(),
    };
    let mut vm = new_vm(gc_stress);
    s.modules = module_names(&mut vm);
    let mut vm = s.build();
    let mut findings = Vec::new();
    // Instances of the classes in modules: the first constructor call that works.
    let n_classes: usize = output_of(&mut vm, "print(len(_C))").trim().parse().unwrap();
    let n_ctor: usize = output_of(&mut vm, "print(len(_CA))")
        .trim()
        .parse()
        .unwrap();
    for i in 0..n_classes {
        for j in 0..n_ctor {
            let source = format!("_inst({i}, {j})");
            let _ = progress.send(source.clone());
            match guarded(&mut vm, |vm| exec(vm, &source)) {
                Ok(Ok(())) => {
                    s.made.push((i, j));
                    break;
                }
                Ok(Err(_)) => {}
                Err(panic) => {
                    let class = output_of(&mut s.build(), &format!("print(_C[{i}][0])"));
                    let args = output_of(&mut s.build(), &format!("print(_CA[{j}])"));
                    findings.push(Finding {
                        call: format!("{}{}", class.trim(), args.trim()),
                        panic,
                    });
                    vm = s.build();
                }
            }
        }
    }
    let names: Vec<String> = output_of(&mut vm, "for _n, _ in _T: print(_n)")
        .lines()
        .map(String::from)
        .collect();
    let mut calls: Vec<String> = ARGS.iter().map(|a| format!("*{a}")).collect();
    calls.push(String::from(KEYWORD_CALL));
    let mut probes = 0;
    for (t, name) in names.iter().enumerate().skip(offset).step_by(stride) {
        if skipped(name) {
            continue;
        }
        for (c, call) in calls.iter().enumerate() {
            probes += 1;
            let source = format!("_T[{t}][1]({call})");
            let _ = progress.send(format!("{name}({})", display_args(c)));
            let r = guarded(&mut vm, |vm| {
                let _ = exec(vm, &source);
                let _ = exec(vm, "_reset()");
            });
            if let Err(panic) = r {
                findings.push(Finding {
                    call: format!("{name}{}", display_args(c)),
                    panic,
                });
                vm = s.build();
            }
        }
    }
    Report { probes, findings }
}

fn display_args(c: usize) -> String {
    match ARGS.get(c) {
        Some(a) => String::from(*a),
        None => format!("({KEYWORD_CALL})"),
    }
}

/// Targets not called: none block here (sleeps return at once, stdin is at its end, the
/// budget stops loops), but these end or reset the VM the survey runs on.
fn skipped(name: &str) -> bool {
    matches!(
        name,
        // Soft reset: a REPL would restart; here it would only end the survey's program.
        "machine.soft_reset"
    )
}

fn run_survey(gc_stress: bool, stride: usize, offset: usize) {
    let started = Instant::now();
    let (tx, rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel();
    std::thread::Builder::new()
        .name(String::from("probe"))
        .stack_size(16 * 1024 * 1024)
        .spawn(move || {
            let report = survey(gc_stress, stride, offset, tx);
            let _ = done_tx.send(report);
        })
        .expect("spawn");
    let mut last = String::from("(setup)");
    loop {
        match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(probe) => last = probe,
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("{last}: did not finish in 20 s"),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let report = done_rx
        .recv()
        .unwrap_or_else(|_| panic!("the survey itself panicked after {last}"));
    println!(
        "{} probes, {} panics, {:.1} s",
        report.probes,
        report.findings.len(),
        started.elapsed().as_secs_f64()
    );
    let list: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{}: {}", f.call, f.panic))
        .collect();
    assert!(
        list.is_empty(),
        "{} calls panicked:\n{}",
        list.len(),
        list.join("\n")
    );
}

#[test]
fn every_builtin_call_ends_in_a_value_or_an_exception() {
    run_survey(false, 1, 0);
}

/// The same survey with a collection before every allocation (and, in this debug build,
/// every heap reference checked against its slot's generation, so a value a native forgot
/// to root fails where it is used). All the targets, in seven parts that run in parallel.
macro_rules! under_gc_stress {
    ($($part:ident = $offset:literal),*) => {$(
        #[test]
        fn $part() {
            run_survey(true, 7, $offset);
        }
    )*};
}

under_gc_stress!(
    builtin_calls_under_gc_stress_part_1 = 0,
    builtin_calls_under_gc_stress_part_2 = 1,
    builtin_calls_under_gc_stress_part_3 = 2,
    builtin_calls_under_gc_stress_part_4 = 3,
    builtin_calls_under_gc_stress_part_5 = 4,
    builtin_calls_under_gc_stress_part_6 = 5,
    builtin_calls_under_gc_stress_part_7 = 6
);

/// Natives whose argument counts are declared in their table entries: each called with one
/// positional argument more than it takes, and where it takes some, one fewer (a bound
/// method's receiver not written), must raise the call path's `TypeError`, never run and
/// ignore the extra argument.
const COUNT_CASES: &str = r#"
import io, math, micropython, os, platform, re, sys, machine
_m = re.match('a', 'a')
_CASES = [
    # (name, callable, the most positional arguments it takes, the fewest)
    ('bin', bin, 1, 1), ('hex', hex, 1, 1), ('pow', pow, 3, 2), ('globals', globals, 0, 0),
    ('locals', locals, 0, 0), ('eval', eval, 3, 1), ('exec', exec, 3, 1),
    ('__import__', __import__, 5, 1), ('open', open, 7, 1), ('max', max, None, 1),
    ('math.sqrt', math.sqrt, 1, 1), ('math.pow', math.pow, 2, 2),
    ('math.isclose', math.isclose, 2, 2), ('math.floor', math.floor, 1, 1),
    ('math.isnan', math.isnan, 1, 1), ("'a b'.split", 'a b'.split, 2, 0),
    ("'x'.strip", 'x'.strip, 1, 0), ("'x'.startswith", 'x'.startswith, 3, 1),
    ("'x'.find", 'x'.find, 3, 1), ("'x'.rindex", 'x'.rindex, 3, 1),
    ("'x'.center", 'x'.center, 2, 1), ("'x'.zfill", 'x'.zfill, 1, 1),
    ("'x'.partition", 'x'.partition, 1, 1), ("'x'.encode", 'x'.encode, 2, 0),
    ("'x'.splitlines", 'x'.splitlines, 1, 0), ("b'x'.decode", b'x'.decode, 2, 0),
    ("b'x'.hex", b'x'.hex, 1, 0), ("b'x'.split", b'x'.split, 2, 0),
    ("b'x'.replace", b'x'.replace, 3, 2), ("b'x'.count", b'x'.count, 3, 1),
    ("b'x'.join", b'x'.join, 1, 1), ("b'x'.ljust", b'x'.ljust, 2, 1),
    ('{1}.remove', {1}.remove, 1, 1), ('{1}.discard', {1}.discard, 1, 1),
    ('{1}.pop', {1}.pop, 0, 0), ('{1}.union', {1}.union, 1, 1),
    ('{1}.issubset', {1}.issubset, 1, 1), ('{1}.update', {1}.update, None, 0),
    ('iter([1]).__next__', iter([1]).__next__, 0, 0), ('object().__init__', object().__init__, 0, 0),
    ('io.StringIO().getvalue', io.StringIO().getvalue, 0, 0),
    ('io.StringIO().close', io.StringIO().close, 0, 0),
    ('io.StringIO().__exit__', io.StringIO().__exit__, 3, 3),
    ('re.match', re.match, 4, 2), ('match.groups', _m.groups, 0, 0),
    ('match.span', _m.span, 1, 0), ('micropython.mem_info', micropython.mem_info, 1, 0),
    ('micropython.stack_use', micropython.stack_use, 0, 0),
    ('micropython.heap_locked', micropython.heap_locked, 0, 0),
    ('os.listdir', os.listdir, 1, 0), ('os.mkdir', os.mkdir, 1, 1), ('os.sync', os.sync, 0, 0),
    ('sys.exc_info', sys.exc_info, 0, 0), ('platform.platform', platform.platform, 0, 0),
    ('machine.reset_cause', machine.reset_cause, 0, 0), ('machine.freq', machine.freq, 1, 0),
    ('machine.unique_id', machine.unique_id, 0, 0), ('machine.Pin(2).on', machine.Pin(2).on, 0, 0),
    ('machine.Pin(2).toggle', machine.Pin(2).toggle, 0, 0),
]

def _counted(name, f, n):
    try:
        f(*([0] * n))
    except TypeError as e:
        text = str(e)
        if text.startswith('function '):
            return
        print(name, n, 'arguments: a TypeError not about the count:', text)
        return
    except Exception as e:
        print(name, n, 'arguments:', type(e).__name__, e)
        return
    print(name, n, 'arguments: no TypeError')

for _name, _f, _most, _fewest in _CASES:
    if _most is not None:
        _counted(_name, _f, _most + 1)
    if _fewest > 0:
        _counted(_name, _f, _fewest - 1)
print('done')
"#;

#[test]
fn one_argument_too_many_or_too_few_is_a_type_error() {
    let mut vm = new_vm(false);
    let out = output_of(&mut vm, COUNT_CASES);
    assert_eq!(
        out, "done\n",
        "natives that did not check their counts:\n{out}"
    );
}
