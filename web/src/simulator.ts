// The simulator as a board: a whole simulated board (REPL, files, hardware) in a Web Worker,
// offered to the page through the same interfaces as a board behind the server: a REPL
// (session.ts's `Repl`), a program run (`BoardRun`), a file store (stores.ts's `Store`). Its
// files live in IndexedDB between visits; its hardware state goes to the board view.
//
// Stop interrupts the program through the link (a frame the board takes in at its next
// interrupt poll). A board that does not answer a Stop within STOP_GRACE_MS (a program
// stuck in one long native operation), or that crashed, is started again in a fresh worker
// with the files it last reported.

import { ApiError, type Board, type BoardError, type BoardInfo, type Entry, type Mount } from './api';
import { SIMULATOR as SIMULATOR_BOARD } from './boards';
import type { HwState } from './boardview';
import type { Connection, ReplEvents } from './session';
import { createPageLink, frames, type FromBoard, type PageLink } from './simlink';
import type { Store } from './stores';
import type { ToWorker } from './worker';
import { unzip, zip } from './zip';


const STOP_GRACE_MS = 1000;

export interface SimulatedBoard extends Connection {
  readonly board: Board;
  readonly store: Store;
  /** How frames reach the board: shared memory, or the server's relay. */
  readonly transport: 'shared' | 'relay';
  /** The board view's button and slider. */
  press(pin: number, down: boolean): void;
  adc(pin: number, value: number): void;
  /** `update` hears each hardware state, `reset` when the hardware starts afresh. */
  onHardware(update: (state: HwState) => void, reset: () => void): void;
  /** `changed` hears that the board's files changed (a program wrote, a file was sent). */
  onFiles(changed: () => void): void;
  /** Every file as a .zip, and files from a .zip put on the board (how many). */
  exportZip(): Promise<Blob>;
  importZip(data: Uint8Array): Promise<number>;
}

interface Reply {
  json: { ok: boolean; code?: string; error?: string; entries?: Entry[]; size?: number; used?: number };
  bytes: Uint8Array<ArrayBufferLike>;
}

/** `vm` is the wasm VM, compiled once by the page for its workers. */
export function createSimulatedBoard(workerUrl: URL, vm: Promise<WebAssembly.Module>): SimulatedBoard {
  let files: Uint8Array = new Uint8Array();
  let link: PageLink = createPageLink();
  let worker: Worker | null = null;
  let started = 0;
  /** Restarts in a row that came soon after a start. */
  let restarts = 0;
  const decoder = new TextDecoder();
  let repl: ReplEvents | null = null;
  let running: { output(text: string): void; settle(error: BoardError | null): void; stopTimer?: number } | null = null;
  const replies = new Map<number, (reply: Reply) => void>();
  let nextId = 1;
  let hardware: { update(state: HwState): void; reset(): void } | null = null;
  let filesChanged = () => {};
  let about: { version: string; machine: string; heap: number } = { version: '', machine: '', heap: 0 };

  let module: WebAssembly.Module;

  function start() {
    started = performance.now();
    worker = new Worker(workerUrl, { type: 'module', name: 'copperhead-simulator' });
    worker.onmessage = (event: MessageEvent<FromBoard>) => receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      restart(event.message || 'the simulator failed to start');
    };
    const message: ToWorker = { type: 'start', module, transport: link.transport, files };
    worker.postMessage(message);
  }

  /** Ends the worker and starts a fresh board on the same files. */
  function restart(why: string) {
    worker?.terminate();
    for (const answer of replies.values()) answer({ json: { ok: false, code: 'EIO', error: `the simulator restarted: ${why}` }, bytes: new Uint8Array() });
    replies.clear();
    if (running) {
      clearTimeout(running.stopTimer);
      running.settle({ type: 'KeyboardInterrupt', message: '', traceback: `${why}: the simulator started again (its files are kept)\n`, file: null, line: null });
      running = null;
    }
    // Frames still in the old link are for the old board.
    link = createPageLink();
    hardware?.reset();
    // A board that fails again and again as it starts waits longer each time (0.5 s to 30 s).
    const quick = performance.now() - started < 5000;
    restarts = quick ? restarts + 1 : 0;
    const delay = restarts === 0 ? 0 : Math.min(500 * 2 ** (restarts - 1), 30_000);
    repl?.output(new TextEncoder().encode(`\r\n[${why}: the simulator starts again${delay ? ` in ${delay / 1000} s` : ''}; its files are kept]\r\n`));
    setTimeout(start, delay);
  }

  function receive(message: FromBoard) {
    if (message.type === 'fatal') return restart(message.message);
    if (message.type === 'output') {
      if (running) running.output(decoder.decode(message.bytes, { stream: true }));
      else repl?.output(message.bytes);
      return;
    }
    const json = message.json ? JSON.parse(message.json) : null;
    switch (message.kind) {
      case 'ran': {
        const run = running;
        running = null;
        if (run) {
          clearTimeout(run.stopTimer);
          run.settle(json as BoardError | null);
        }
        return;
      }
      case 'reply': {
        const answer = replies.get(json.id);
        replies.delete(json.id);
        answer?.({ json, bytes: message.bytes });
        return;
      }
      case 'files':
        files = message.bytes;
        void saveFiles(files);
        filesChanged();
        return;
      case 'hw':
        for (const display of json.displays) display.data = Uint8Array.from(display.data);
        hardware?.update(json as HwState);
        return;
      case 'hardware-reset':
        hardware?.reset();
        return;
      case 'board':
        about = json;
        return;
    }
  }

  const send = (frame: Uint8Array) => void link.send(frame).catch((err) => console.warn('simulator link:', err));

  /** A file request, answered by the board. */
  async function ask(op: Parameters<typeof frames.file>[1], path: string, other = '', data?: Uint8Array): Promise<Reply> {
    const id = nextId++;
    const answer = new Promise<Reply>((resolve) => replies.set(id, resolve));
    await link.send(frames.file(id, op, path, other, data));
    const reply = await answer;
    if (!reply.json.ok) {
      const code = reply.json.code ?? 'EIO';
      throw new ApiError(code === 'ENOENT' ? 404 : code === 'EEXIST' ? 409 : 400, code === 'EEXIST' ? 'file_exists' : code.toLowerCase(), reply.json.error ?? code);
    }
    return reply;
  }

  const store: Store = {
    kind: 'board',
    board: SIMULATOR_BOARD,
    root: '/',
    title: 'Simulator',
    list: async (path) => (await ask('l', path)).json.entries ?? [],
    read: async (path) => (await ask('r', path)).bytes,
    write(path, data, progress) {
      const done = ask('w', path, '', data).then(() => progress?.(data.length, data.length));
      return { done, cancel() {} };
    },
    remove: async (path, recursive) => void (await ask('d', path, '', Uint8Array.of(recursive ? 1 : 0))),
    mkdir: async (path) => void (await ask('m', path)),
    rename: async (from, to) => void (await ask('n', from, to)),
    url: () => '',
    async df(): Promise<Mount[]> {
      const { size = 0, used = 0 } = (await ask('u', '/')).json;
      return [{ mount: '/', size, used, free: size - used }];
    },
  };

  // The board starts on the files it had last time.
  void Promise.all([loadFiles(), vm]).then(
    ([kept, compiled]) => {
      files = kept;
      module = compiled;
      start();
    },
    (err) => repl?.output(new TextEncoder().encode(`the Simulator cannot start: ${String(err)}\r\n`)),
  );
  return {
    board: SIMULATOR_BOARD,
    store,
    get transport() {
      return link.transport.kind;
    },
    openRepl(events) {
      repl = events;
      events.state(true);
      return {
        send: (data) => send(frames.input(data)),
        close() {
          if (repl === events) repl = null;
        },
      };
    },
    run(code, filename, output) {
      let settle: (error: BoardError | null) => void = () => {};
      const done = new Promise<BoardError | null>((resolve) => (settle = resolve));
      running = { output, settle };
      const run = running;
      // As a board behind the server: what runs at its REPL is interrupted first.
      send(frames.stop());
      send(frames.run(filename, code));
      return {
        done,
        stop() {
          if (running !== run || run.stopTimer !== undefined) return;
          send(frames.stop());
          run.stopTimer = window.setTimeout(() => {
            if (running === run) restart('the program did not stop');
          }, STOP_GRACE_MS);
        },
        send: (data) => send(frames.input(data)),
        file: filename,
      };
    },
    // As the reset button of a board: a fresh VM and fresh hardware; the files stay.
    hardReset: async () => send(frames.hardReset()),
    async info(): Promise<BoardInfo> {
      const [root] = await store.df!();
      return {
        implementation: 'copperhead',
        version: about.version,
        release: about.version,
        platform: 'simulator',
        machine: about.machine,
        mem_free: -1,
        mem_alloc: 0,
        fs_size: root.size,
        fs_free: root.free,
      };
    },
    press: (pin, down) => send(frames.press(pin, !down)),
    adc: (pin, value) => send(frames.adc(pin, value)),
    onHardware(update, reset) {
      hardware = { update, reset };
    },
    onFiles(changed) {
      filesChanged = changed;
    },
    async exportZip() {
      const contents = [];
      for (const entry of snapshotFiles(files)) if (entry.data) contents.push({ path: entry.path.slice(1), data: entry.data });
      return zip(contents);
    },
    async importZip(data) {
      const entries = await unzip(data);
      const made = new Set<string>();
      let count = 0;
      for (const { path, data: bytes } of entries) {
        const parts = path.split('/').filter((p) => p && p !== '.' && p !== '..');
        if (parts.length === 0) continue;
        for (let i = 1; i < parts.length; i++) {
          const dir = `/${parts.slice(0, i).join('/')}`;
          if (made.has(dir)) continue;
          made.add(dir);
          await store.mkdir(dir).catch((err) => {
            if (!(err instanceof ApiError && err.code === 'file_exists')) throw err;
          });
        }
        if (bytes) {
          await store.write(`/${parts.join('/')}`, bytes).done;
          count++;
        }
      }
      return count;
    },
  };
}

/** The entries of a snapshot as the board sends it (wasm/src/sim/files.rs). */
function snapshotFiles(snapshot: Uint8Array): { path: string; data: Uint8Array | null }[] {
  const view = new DataView(snapshot.buffer, snapshot.byteOffset, snapshot.byteLength);
  const decoder = new TextDecoder();
  const out = [];
  for (let at = 0; at + 3 <= snapshot.length; ) {
    const dir = snapshot[at] === 1;
    const pathLength = view.getUint16(at + 1, true);
    const path = decoder.decode(snapshot.subarray(at + 3, at + 3 + pathLength));
    at += 3 + pathLength;
    const length = view.getUint32(at, true);
    out.push({ path, data: dir ? null : snapshot.slice(at + 4, at + 4 + length) });
    at += 4 + length;
  }
  return out;
}

// ---- IndexedDB: one record, the latest snapshot of the board's files ----------------------

const DB = 'copperhead-simulator';
const STORE = 'files';

function database(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function loadFiles(): Promise<Uint8Array> {
  try {
    const db = await database();
    const value = await new Promise<unknown>((resolve, reject) => {
      const request = db.transaction(STORE).objectStore(STORE).get('snapshot');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return value instanceof Uint8Array ? value : new Uint8Array();
  } catch (err) {
    console.warn('the simulator could not read its files from IndexedDB:', err);
    return new Uint8Array();
  }
}

let saving = Promise.resolve();
function saveFiles(snapshot: Uint8Array): Promise<void> {
  saving = saving.then(async () => {
    try {
      const db = await database();
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction(STORE, 'readwrite');
        tx.objectStore(STORE).put(snapshot, 'snapshot');
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    } catch (err) {
      console.warn('the simulator could not keep its files in IndexedDB:', err);
    }
  });
  return saving;
}
