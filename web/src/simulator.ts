// The in-page simulator: owns the Web Worker that runs the wasm VM, and turns its messages
// into calls on the terminal. Stop is immediate: the worker is ended and a fresh one started.

import type { FromWorker, ToWorker } from './worker';

export interface SimulatorEvents {
  /** A chunk of program output (`\n` line ends). */
  output(text: string): void;
  /** The program ended; `errorLine` is the line in `<stdin>` that raised, if it raised. */
  finished(ok: boolean, errorLine: number | null): void;
  /** The VM could not load, or crashed. */
  failed(message: string): void;
}

export interface Simulator {
  run(code: string): void;
  stop(): void;
  readonly running: boolean;
}

/** The line of the innermost `<stdin>` frame in a MicroPython traceback. */
export function tracebackLine(output: string): number | null {
  const frames = [...output.matchAll(/File "<stdin>", line (\d+)/g)];
  const last = frames.at(-1);
  return last ? Number(last[1]) : null;
}

export function createSimulator(events: SimulatorEvents): Simulator {
  let worker = spawn();
  let running = false;
  // Output of the current run, kept to find the failing line in its traceback.
  let transcript = '';

  function spawn(): Worker {
    const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'copperhead-simulator' });
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
        const line = message.ok ? null : tracebackLine(transcript);
        finish();
        events.finished(message.ok, line);
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
    run(code) {
      if (running) this.stop();
      running = true;
      transcript = '';
      const message: ToWorker = { type: 'run', code };
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
