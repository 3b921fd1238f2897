// The language worker: the wasm VM answering the editor's questions (is this buffer valid
// Python, what completes this name) off the page's thread.

import init, { check, complete } from '../pkg/copperhead_wasm.js';

/** A syntax error as MicroPython words it. */
export interface SyntaxProblem {
  type: string;
  message: string;
  line: number;
  column: number | null;
}

export type Question = { type: 'check'; source: string; filename: string } | { type: 'complete'; source: string; linePrefix: string };

/** The page's messages: first the compiled VM (the page compiles it once for both workers), then questions. */
export type ToLanguage = { type: 'module'; module: WebAssembly.Module } | (Question & { id: number });

export type FromLanguage =
  | { id: number; type: 'checked'; problem: SyntaxProblem | null }
  | { id: number; type: 'completed'; names: string[] }
  | { id: number; type: 'failed' };

const scope = self as unknown as {
  location: Location;
  postMessage(message: FromLanguage): void;
  onmessage: ((event: MessageEvent<ToLanguage>) => void) | null;
};

let loaded: (module: WebAssembly.Module) => void = () => {};
const ready = new Promise<WebAssembly.Module>((resolve) => (loaded = resolve)).then((module) => init({ module_or_path: module }));

scope.onmessage = async (event) => {
  const question = event.data;
  if (question.type === 'module') return loaded(question.module);
  try {
    await ready;
    if (question.type === 'check') {
      const problem = check(question.source, question.filename) as SyntaxProblem | null;
      scope.postMessage({ id: question.id, type: 'checked', problem: problem ?? null });
    } else {
      const names = complete(question.source, question.linePrefix) as string[];
      scope.postMessage({ id: question.id, type: 'completed', names: Array.from(names) });
    }
  } catch (err) {
    console.warn('language worker:', err);
    scope.postMessage({ id: question.id, type: 'failed' });
  }
};
