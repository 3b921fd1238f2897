// The Python conformance corpus run through the browser simulator's wasm VM, in Node: every
// tests/python/**/*.py with a `<name>.py.exp` beside it must print exactly that.
// Needs web/pkg/ from `cargo xtask build-web`; `cargo xtask test` runs it as tier 6.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = join(root, 'web', 'pkg');
const corpus = join(root, 'tests', 'python');

const { initSync, run } = await import(join(pkg, 'copperhead_wasm.js'));
initSync({ module: readFileSync(join(pkg, 'copperhead_wasm_bg.wasm')) });

/** Every `.py` under `dir` that has a `.py.exp` beside it, sorted. */
function cases(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...cases(path));
    else if (entry.name.endsWith('.py') && existsSync(`${path}.exp`)) found.push(path);
  }
  return found.sort();
}

const files = existsSync(corpus) ? cases(corpus) : [];

test('the corpus is not empty', () => {
  assert.ok(files.length > 0, `no tests/python/**/*.py with a .py.exp beside it under ${corpus}`);
});

for (const file of files) {
  test(relative(corpus, file), () => {
    let output = '';
    // Tracebacks in the .exp files name `<stdin>`, as the board's script runner does for
    // a program fed on standard input.
    run(readFileSync(file, 'utf8'), '<stdin>', (text) => {
      output += text;
    });
    assert.equal(output, readFileSync(`${file}.exp`, 'utf8'));
  });
}
