// The simulator's Web Worker: loads the Copperhead wasm VM and runs a whole simulated board
// in it (the firmware's REPL, a filesystem, simulated hardware), blocking on the link to the
// page (simlink.ts) as a board blocks on its serial line. It never returns to its event
// loop once the board runs: everything from the page arrives through the link.

import init, { Simulator } from '../pkg/copperhead_wasm.js';
import { createWorkerLink, type FromBoard, type Transport } from './simlink';

/** Page → worker, once: the compiled VM, how frames travel, and the files kept from last time. */
export type ToWorker = { type: 'start'; module: WebAssembly.Module; transport: Transport; files: Uint8Array };

// The worker global, typed by hand: the DOM and WebWorker libs cannot share one tsconfig.
const scope = self as unknown as {
  location: Location;
  postMessage(message: FromBoard, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};

scope.onmessage = async (event) => {
  const message = event.data;
  if (message.type !== 'start') return;
  scope.onmessage = null;
  try {
    // The page compiled the module (once, for both workers): this only instantiates it.
    await init({ module_or_path: message.module });
  } catch (err) {
    scope.postMessage({ type: 'fatal', message: `could not load the Copperhead VM: ${String(err)}` });
    return;
  }
  const link = createWorkerLink(message.transport, (out, transfer) => scope.postMessage(out, transfer));
  try {
    new Simulator(link, message.files).serve();
  } catch (err) {
    // A trap inside the VM (a bug, not a Python exception): the page restarts the board.
    scope.postMessage({ type: 'fatal', message: `the simulated board crashed: ${String(err)}` });
  }
};
