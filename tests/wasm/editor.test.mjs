// The wasm exports the IDE's editor uses, in Node: `check` (the first compile error of a
// buffer), `run` with a file name (tracebacks name it), and `complete` (what could follow the
// dotted name being typed, after the buffer's imports).
// Needs web/pkg/ from `cargo xtask build-web`; `cargo xtask test` runs every tests/wasm/*.test.mjs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = join(root, 'web', 'pkg');

const { initSync, run, check, complete } = await import(join(pkg, 'copperhead_wasm.js'));
initSync({ module: readFileSync(join(pkg, 'copperhead_wasm_bg.wasm')) });

/** Runs `source` as `filename`; its whole output and whether it ended without an exception. */
function runAs(source, filename) {
  let output = '';
  const ok = run(source, filename, (text) => {
    output += text;
  });
  return { ok, output };
}

test('check: code that compiles gives null', () => {
  assert.equal(check('', 'main.py'), null);
  assert.equal(
    check('import machine\n\ndef f(x):\n    return [x,\n            2]\n\nprint(f(1))\n', 'main.py'),
    null,
  );
  // Compiling never runs anything: a loop forever or a missing module is no error.
  assert.equal(check('import nosuchmodule\nwhile True:\n    pass\n', 'main.py'), null);
});

test('check: a syntax error with its line and column', () => {
  assert.deepEqual(check('def f(:\n', 'main.py'), {
    type: 'SyntaxError',
    message: 'invalid syntax',
    file: 'main.py',
    line: 1,
    column: 7,
  });
  const problem = check('x = 1\ny = (1 +\nz = 2\n', 'blink.py');
  assert.equal(problem.type, 'SyntaxError');
  assert.equal(problem.file, 'blink.py');
  assert.equal(problem.line, 3);
  assert.equal(problem.column, 3);
  // Columns count characters, not UTF-8 bytes.
  assert.deepEqual(
    [check('s = "é"; $\n', 'main.py').line, check('s = "é"; $\n', 'main.py').column],
    [1, 10],
  );
});

test('check: indentation errors', () => {
  assert.deepEqual(check('if True:\n    a = 1\n  b = 2\n', 'main.py'), {
    type: 'IndentationError',
    message: "unindent doesn't match any outer indent level",
    file: 'main.py',
    line: 3,
    column: 3,
  });
  const unexpected = check('a = 1\n    b = 2\n', 'main.py');
  assert.equal(unexpected.type, 'IndentationError');
  assert.equal(unexpected.message, 'unexpected indent');
  assert.equal(unexpected.line, 2);
  const missing = check('def f():\nreturn 1\n', 'main.py');
  assert.equal(missing.type, 'IndentationError');
  assert.equal(missing.message, 'expected an indented block');
  assert.equal(missing.line, 2);
});

test('check: the compiler\'s errors, with a null column where it is not known', () => {
  assert.deepEqual(check('x = 1\nreturn x\n', 'main.py'), {
    type: 'SyntaxError',
    message: "'return' outside function",
    file: 'main.py',
    line: 2,
    column: null,
  });
});

test('check: the same wording as run gives for the same file', () => {
  const source = 'print("before")\nfor x in range(3)\n    print(x)\n';
  const problem = check(source, 'main.py');
  const { ok, output } = runAs(source, 'main.py');
  assert.equal(ok, false);
  assert.equal(
    output,
    `Traceback (most recent call last):\n  File "main.py", line ${problem.line}\n` +
      `${problem.type}: ${problem.message}\n`,
  );
});

test('check: garbage and huge buffers give an answer, never a throw', () => {
  for (const source of [
    '\u0000\u0001\u0002',
    ')))]]]}}}',
    '"""',
    "f'{",
    'é ü → 🐍',
    '\\',
    '\t\n \t\n\x0c',
    '('.repeat(100_000),
    'x = 1\n'.repeat(50_000),
    'x = [' + '1, '.repeat(100_000) + '$',
  ]) {
    const problem = check(source, 'main.py');
    assert.ok(problem === null || (typeof problem.type === 'string' && problem.line >= 1), source.slice(0, 20));
  }
  const deep = check('('.repeat(100_000), 'main.py');
  assert.equal(deep.type, 'RuntimeError');
  // The lexer's error at the end of a long line, with its column counted in linear time.
  assert.equal(check('x = [' + '1, '.repeat(100_000) + '$', 'main.py').column, 300_006);
});

test('run: output streams, then the traceback names the file and the lines', () => {
  const source = [
    'print("hello")', // 1
    'def inner(n):', // 2
    '    return 10 // n', // 3
    'def outer():', // 4
    '    print("in outer")', // 5
    '    return inner(0)', // 6
    'outer()', // 7
    '',
  ].join('\n');
  const { ok, output } = runAs(source, 'main.py');
  assert.equal(ok, false);
  assert.equal(
    output,
    'hello\nin outer\n' +
      'Traceback (most recent call last):\n' +
      '  File "main.py", line 7, in <module>\n' +
      '  File "main.py", line 6, in outer\n' +
      '  File "main.py", line 3, in inner\n' +
      'ZeroDivisionError: divide by zero\n',
  );
  const other = runAs('import sys\nprint(__file__)\nraise ValueError("bad pin")\n', 'blink.py');
  assert.equal(other.ok, false);
  assert.equal(
    other.output,
    'blink.py\nTraceback (most recent call last):\n  File "blink.py", line 3, in <module>\nValueError: bad pin\n',
  );
});

test('run: a program that ends normally or with sys.exit returns true', () => {
  assert.deepEqual(runAs('print(1 + 1)\n', 'main.py'), { ok: true, output: '2\n' });
  assert.deepEqual(runAs('import sys\nprint("bye")\nsys.exit(3)\nprint("no")\n', 'main.py'), {
    ok: true,
    output: 'bye\n',
  });
});

test('complete: attributes of imported modules and classes', () => {
  const source = 'import machine\n\nled = machine.P';
  const pins = complete(source, 'led = machine.P');
  assert.ok(pins.includes('Pin') && pins.includes('PWM'), JSON.stringify(pins));
  assert.ok(pins.every((word) => word.startsWith('P')), JSON.stringify(pins));
  const modes = complete('import machine\n', 'machine.Pin.');
  assert.ok(modes.includes('OUT') && modes.includes('IN'), JSON.stringify(modes));
  assert.ok(!modes.some((word) => word.startsWith('_')), JSON.stringify(modes));
  const from = complete('from machine import Pin\n', '    p = Pin.O');
  assert.ok(from.includes('OUT'), JSON.stringify(from));
});

test('complete: an alias made by `import ... as`', () => {
  const source = 'import time as t\nwhile True:\n    t.sl\n';
  const sleeps = complete(source, '    t.sl');
  assert.ok(sleeps.includes('sleep') && sleeps.includes('sleep_ms'), JSON.stringify(sleeps));
  const pins = complete('import machine as m\n', 'm.');
  assert.ok(pins.includes('Pin'), JSON.stringify(pins));
  // Once the import is gone, so is its name.
  assert.deepEqual(complete('x = 1\n', 't.sl'), []);
  assert.deepEqual(complete('import machine\n', 'm.'), []);
});

test('complete: builtins with no dot, `_` names only once `_` is typed, no keywords', () => {
  assert.ok(complete('', 'pri').includes('print'));
  assert.deepEqual(complete('', 'x = le'), ['len']);
  assert.ok(!complete('', 'x = ').some((word) => word.startsWith('_')));
  assert.ok(complete('import time\n', '__').includes('__name__'));
  assert.ok(!complete('', 'imp').includes('import'));
  assert.ok(complete('', 'import ma').includes('machine'));
});

test('complete: only import lines of the buffer run', () => {
  // Running the loop would hang the test; running the print would make a name.
  const source = 'import time\nwhile True:\n    pass\nmarker = 1\nimport gc; marker2 = 2\n';
  assert.ok(complete(source, 'time.').includes('sleep'));
  assert.deepEqual(complete(source, 'marker'), []);
  assert.deepEqual(complete(source, 'gc.'), []);
});

test('complete: garbage and huge input give a list, never a throw', () => {
  const inputs = [
    ['import nosuchmodule\n', 'nosuchmodule.'],
    ['from . import x\nimport\nfrom\n', 'x.'],
    ['import machine\n', 'machine.Pin.OUT.no.such.thing.'],
    ['', 'é.ü'],
    ['', '🐍.'],
    ['', '\u0000\u0001'],
    ['', ''],
    ['', 'a.'.repeat(100_000)],
    ['import time\n'.repeat(10_000), 'time.sl'],
    ['(\n'.repeat(10_000), 'x'],
    ['from machine import (\n' + 'Pin,\n'.repeat(10_000), 'Pin.'],
    ['import ' + 'x'.repeat(100_000), 'x'],
  ];
  for (const [source, prefix] of inputs) {
    const words = complete(source, prefix);
    assert.ok(Array.isArray(words), prefix.slice(0, 20));
    assert.ok(words.every((word) => typeof word === 'string'));
  }
  assert.deepEqual(complete('import nosuchmodule\n', 'nosuchmodule.'), []);
  assert.deepEqual(complete('', 'a.'.repeat(100_000)), []);
  assert.ok(complete('import time\n'.repeat(10_000), 'time.sl').includes('sleep'));
});
