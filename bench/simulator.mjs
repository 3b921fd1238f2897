// Runs Python programs in the Simulator, the page's wasm board, under Node:
// `node bench/simulator.mjs FILE...` prints one JSON line per file:
// {"file", "ms", "ok", "output"}, where ms is the time of the run alone (the board is made
// and warmed up first, and waits half a second, as the page's does before Run is pressed). The board is driven as the page
// drives it: each program is run as the IDE's Run button runs it (`Simulator.run_file`, a
// `ran` event at the end); sleeps block on Atomics.wait, as the worker's do.

import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { initSync, Simulator } = await import(join(root, 'web', 'pkg', 'copperhead_wasm.js'));
initSync({ module: readFileSync(join(root, 'web', 'pkg', 'copperhead_wasm_bg.wasm')) });

const decoder = new TextDecoder();
const sleeper = new Int32Array(new SharedArrayBuffer(4));

for (const file of process.argv.slice(2)) {
  let output = '';
  let ended = null;
  const link = {
    write: (bytes) => (output += decoder.decode(bytes, { stream: true })),
    // Nothing comes from a page: a wait is a sleep.
    next(timeoutMs) {
      if (timeoutMs < 0) throw new Error(`${file} waits for input, which a benchmark never sends`);
      if (timeoutMs > 0) Atomics.wait(sleeper, 0, 0, timeoutMs);
      return undefined;
    },
    pending: () => false,
    now: () => performance.now(),
    post(kind, json) {
      if (kind === 'ran') ended = JSON.parse(json);
    },
  };
  const board = new Simulator(link, new Uint8Array());
  // As in the page: the board has come up and warmed up, and waits at its prompt a while
  // (the engine compiles its optimised code meanwhile) before Run is pressed.
  board.warm_up();
  Atomics.wait(sleeper, 0, 0, 500);
  output = '';
  const start = performance.now();
  board.run_file(basename(file), readFileSync(file, 'utf8'));
  const ms = performance.now() - start;
  board.free();
  // The board's console ends lines with \r\n and shows its prompt after the run.
  const text = output.replace(/\r\n/g, '\n').replace(/>>> $/, '');
  console.log(JSON.stringify({ file, ms, ok: ended === null, output: ended ? `${text}${ended.traceback}` : text }));
}
