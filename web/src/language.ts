// The editor's language services: syntax checking and completion answered by the VM itself,
// compiled to wasm and running in its own worker (`language-worker.ts`), so that a check never
// waits for a program the simulator is running, and the page's thread never blocks.

import type { FromLanguage, Question, SyntaxProblem, ToLanguage } from './language-worker';

export type { SyntaxProblem };

export interface Language {
  /** The first syntax error in `source`, or null. */
  check(source: string, filename: string): Promise<SyntaxProblem | null>;
  /** The names that can follow the dotted name at the end of `linePrefix`. */
  complete(source: string, linePrefix: string): Promise<string[]>;
}

/** `vm` is the wasm VM, compiled once by the page for its workers. */
export function createLanguage(workerUrl: URL, vm: Promise<WebAssembly.Module>): Language {
  const worker = new Worker(workerUrl, { type: 'module', name: 'copperhead-language' });
  void vm.then(
    (module) => worker.postMessage({ type: 'module', module } satisfies ToLanguage),
    (err) => console.warn('the VM could not be compiled:', err),
  );
  const waiting = new Map<number, (answer: FromLanguage) => void>();
  let next = 1;
  let broken = false;
  worker.onmessage = (event: MessageEvent<FromLanguage>) => {
    const answer = event.data;
    waiting.get(answer.id)?.(answer);
    waiting.delete(answer.id);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    broken = true;
    console.warn('the language worker failed:', event.message);
    for (const resolve of waiting.values()) resolve({ id: 0, type: 'failed' });
    waiting.clear();
  };

  function ask(question: Question): Promise<FromLanguage> {
    if (broken) return Promise.resolve({ id: 0, type: 'failed' });
    const id = next++;
    return new Promise((resolve) => {
      waiting.set(id, resolve);
      const message: ToLanguage = { ...question, id };
      worker.postMessage(message);
    });
  }

  return {
    async check(source, filename) {
      const answer = await ask({ type: 'check', source, filename });
      return answer.type === 'checked' ? answer.problem : null;
    },
    async complete(source, linePrefix) {
      const answer = await ask({ type: 'complete', source, linePrefix });
      return answer.type === 'completed' ? answer.names : [];
    },
  };
}
