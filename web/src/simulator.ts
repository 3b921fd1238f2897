// The in-page simulator: owns the Web Worker that runs the wasm VM, and turns its messages
// into calls on the terminal. Stop is immediate: the worker is ended and a fresh one started.

import type { FromWorker, ToWorker } from './worker';

export interface SimulatorEvents {
  /** A chunk of program output (`\n` line ends). */
  output(text: string): void;
  /** The program ended; `traceback` is its uncaught exception's, if it raised. */
  finished(ok: boolean, traceback: string | null): void;
  /** The VM could not load, or crashed. */
  failed(message: string): void;
}

export interface Simulator {
  run(code: string, filename: string): void;
  stop(): void;
  readonly running: boolean;
}

export function createSimulator(workerUrl: URL, events: SimulatorEvents): Simulator {
  let worker = spawn();
  let running = false;
  // Output of the current run, kept to find its traceback.
  let transcript = '';

  function spawn(): Worker {
    const w = new Worker(workerUrl, { type: 'module', name: 'copperhead-simulator' });
    w.onmessage = (event: MessageEvent<FromWorker>) => receive(event.data);
    w.onerror = (event) => {
      event.preventDefault();
      finish();
      events.failed(event.message || 'the simulator worker failed to start');
    };
    return w;
  }

  function receive(message: FromWorker) {
    switch (message.type) {
      case 'ready':
        return;
      case 'output':
        transcript += message.text;
        events.output(message.text);
        return;
      case 'done': {
        const start = transcript.lastIndexOf('Traceback (most recent call last):');
        const traceback = message.ok || start < 0 ? null : transcript.slice(start);
        finish();
        events.finished(message.ok, traceback);
        return;
      }
      case 'fatal':
        events.failed(message.message);
        return;
    }
  }

  function finish() {
    running = false;
    transcript = '';
  }

  return {
    run(code, filename) {
      if (running) this.stop();
      running = true;
      transcript = '';
      const message: ToWorker = { type: 'run', code, filename };
      worker.postMessage(message);
    },
    stop() {
      if (!running) return;
      worker.terminate();
      worker = spawn();
      finish();
      events.finished(false, null);
    },
    get running() {
      return running;
    },
  };
}
