// The simulator's Web Worker: loads the Copperhead wasm VM and runs programs in it, off the
// page's main thread, posting output back as the program prints it.

import init, { run } from '../pkg/copperhead_wasm.js';

/** Page → worker: run `code` as the file `filename` (the name its traceback gives). */
export type ToWorker = { type: 'run'; code: string; filename: string };

/** Worker → page. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'output'; text: string }
  | { type: 'done'; ok: boolean }
  | { type: 'fatal'; message: string };

// The worker global, typed by hand: the DOM and WebWorker libs cannot share one tsconfig.
const scope = self as unknown as {
  location: Location;
  postMessage(message: FromWorker): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};

const post = (message: FromWorker) => scope.postMessage(message);

const ready = init({ module_or_path: new URL(WASM_URL, scope.location.href) }).then(
  () => post({ type: 'ready' }),
  (err: unknown) => {
    post({ type: 'fatal', message: `could not load the Copperhead VM: ${String(err)}` });
    throw err;
  },
);

scope.onmessage = async (event) => {
  const message = event.data;
  if (message.type !== 'run') return;
  await ready;
  let ok = false;
  try {
    ok = run(message.code, message.filename, (text: string) => post({ type: 'output', text }));
  } catch (err) {
    // A trap inside the VM (a bug, not a Python exception): report it rather than hang.
    post({ type: 'fatal', message: `the VM crashed: ${String(err)}` });
  }
  post({ type: 'done', ok });
};
