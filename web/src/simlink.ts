// The link between the page and the simulator's worker. The page sends *frames* (typed
// bytes, Stop, Run, file requests, button presses; see wasm/src/sim/mod.rs for their kinds);
// the board in the worker waits for them while it blocks (at its prompt, in `input()`, in
// `time.sleep()`) and looks for them at its interrupt polls while a program runs. The worker
// answers with `postMessage` (console output and events), which never needs to block.
//
// Two ways to carry the frames, with one interface:
// - `shared`: a ring of bytes in a SharedArrayBuffer (when the page is cross-origin isolated,
//   as the server's COOP/COEP headers make it). The worker blocks in `Atomics.wait` on the
//   ring's signal word, which the page bumps with `Atomics.notify` after each frame.
//
//     Int32 words at byte 0: [0] bytes written (wrapping), [1] bytes read, [2] signal
//     bytes at HEADER..HEADER+RING: frames, each a u32 length (little-endian) and its bytes
//
// - `relay`: where SharedArrayBuffer is unavailable, the server keeps the frames in a
//   mailbox (`/api/simulator/{id}/frames`): the page posts each frame, the worker fetches
//   them with a synchronous request that waits on the server, as `Atomics.wait` would.
//   While a program runs the worker asks at most every RELAY_POLL_MS.

const HEADER = 16;
const RING = 1 << 21;
const WRITTEN = 0;
const READ = 1;
const SIGNAL = 2;
/** How often a running program's worker asks the relay for frames. */
const RELAY_POLL_MS = 50;
/** The longest one relay request waits on the server; the worker asks again after it. */
const RELAY_WAIT_MS = 20_000;

export type Transport = { kind: 'shared'; buffer: SharedArrayBuffer } | { kind: 'relay'; url: string };

/** The page's end: sends frames to the worker. */
export interface PageLink {
  readonly transport: Transport;
  send(frame: Uint8Array): Promise<void>;
}

/** A new link: shared memory when the page may have it, else the server's relay. */
export function createPageLink(): PageLink {
  if (globalThis.crossOriginIsolated && typeof SharedArrayBuffer === 'function') return sharedLink();
  return relayLink();
}

function sharedLink(): PageLink {
  const buffer = new SharedArrayBuffer(HEADER + RING);
  const words = new Int32Array(buffer, 0, HEADER / 4);
  const bytes = new Uint8Array(buffer, HEADER, RING);
  // Frames wait here, in order, while the ring is full.
  const queue: Uint8Array[] = [];
  let pumping = false;

  const fits = (frame: Uint8Array) => {
    const used = (Atomics.load(words, WRITTEN) - Atomics.load(words, READ)) >>> 0;
    return RING - used >= frame.length + 4;
  };
  const put = (frame: Uint8Array) => {
    let at = Atomics.load(words, WRITTEN) >>> 0;
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, frame.length, true);
    for (const part of [header, frame]) {
      const start = at % RING;
      const first = Math.min(part.length, RING - start);
      bytes.set(part.subarray(0, first), start);
      bytes.set(part.subarray(first), 0);
      at = (at + part.length) >>> 0;
    }
    Atomics.store(words, WRITTEN, at | 0);
    Atomics.add(words, SIGNAL, 1);
    Atomics.notify(words, SIGNAL);
  };
  const pump = async () => {
    if (pumping) return;
    pumping = true;
    while (queue.length > 0) {
      if (fits(queue[0])) put(queue.shift() as Uint8Array);
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
    pumping = false;
  };

  return {
    transport: { kind: 'shared', buffer },
    async send(frame) {
      if (frame.length + 4 > RING) throw new Error(`a message of ${frame.length} bytes is too large for the simulator`);
      if (queue.length === 0 && fits(frame)) put(frame);
      else {
        queue.push(frame);
        await pump();
      }
    },
  };
}

function relayLink(): PageLink {
  const url = `/api/simulator/${crypto.randomUUID()}/frames`;
  // One request at a time, so frames arrive in order.
  let chain = Promise.resolve();
  return {
    transport: { kind: 'relay', url },
    send(frame) {
      const sent = chain.then(async () => {
        const response = await fetch(url, { method: 'POST', body: frame as BodyInit, headers: { 'content-type': 'application/octet-stream' } });
        if (!response.ok) throw new Error(`the simulator's relay answered ${response.status}`);
      });
      chain = sent.catch(() => {});
      return sent;
    },
  };
}

/** The worker's end, as the wasm board calls it (`Link` in wasm/src/sim/mod.rs). */
export interface WorkerLink {
  write(bytes: Uint8Array): void;
  next(timeoutMs: number): Uint8Array | undefined;
  pending(): boolean;
  now(): number;
  post(kind: string, json: string, bytes: Uint8Array): void;
}

/** What the worker posts to the page. */
/** The first output carries `bootMs`: the worker's time from its start to that output (a worker's clock starts with the worker). */
export type FromBoard = { type: 'output'; bytes: Uint8Array; bootMs?: number } | { type: 'event'; kind: string; json: string; bytes: Uint8Array } | { type: 'fatal'; message: string };

export function createWorkerLink(transport: Transport, post: (message: FromBoard, transfer: Transferable[]) => void): WorkerLink {
  const frames = transport.kind === 'shared' ? sharedFrames(transport.buffer) : relayFrames(transport.url);
  let booted = false;
  return {
    ...frames,
    // The bytes are a view of the wasm memory: copy them before it moves on.
    write(bytes) {
      const copy = bytes.slice();
      post(booted ? { type: 'output', bytes: copy } : { type: 'output', bytes: copy, bootMs: performance.now() }, [copy.buffer]);
      booted = true;
    },
    now: () => performance.now(),
    post(kind, json, bytes) {
      const copy = bytes.slice();
      post({ type: 'event', kind, json, bytes: copy }, [copy.buffer]);
    },
  };
}

function sharedFrames(buffer: SharedArrayBuffer): Pick<WorkerLink, 'next' | 'pending'> {
  const words = new Int32Array(buffer, 0, HEADER / 4);
  const bytes = new Uint8Array(buffer, HEADER, RING);
  const take = (at: number, n: number) => {
    const out = new Uint8Array(n);
    const start = at % RING;
    const first = Math.min(n, RING - start);
    out.set(bytes.subarray(start, start + first), 0);
    out.set(bytes.subarray(0, n - first), first);
    return out;
  };
  const pending = () => Atomics.load(words, WRITTEN) !== Atomics.load(words, READ);
  return {
    pending,
    next(timeoutMs) {
      const deadline = timeoutMs < 0 ? Infinity : performance.now() + timeoutMs;
      for (;;) {
        const signal = Atomics.load(words, SIGNAL);
        if (pending()) {
          const at = Atomics.load(words, READ) >>> 0;
          const length = new DataView(take(at, 4).buffer).getUint32(0, true);
          const frame = take((at + 4) >>> 0, length);
          Atomics.store(words, READ, ((at + 4 + length) >>> 0) | 0);
          return frame;
        }
        const left = deadline - performance.now();
        if (left <= 0) return undefined;
        Atomics.wait(words, SIGNAL, signal, left === Infinity ? undefined : left);
      }
    },
  };
}

function relayFrames(url: string): Pick<WorkerLink, 'next' | 'pending'> {
  const queue: Uint8Array[] = [];
  let askedAt = -Infinity;
  // A synchronous request (allowed in workers): the board waits as it would on a serial line.
  const fetchFrames = (waitMs: number): boolean => {
    askedAt = performance.now();
    const request = new XMLHttpRequest();
    request.open('GET', `${url}?wait=${Math.max(0, Math.min(Math.round(waitMs), RELAY_WAIT_MS))}`, false);
    request.responseType = 'arraybuffer';
    try {
      request.send();
    } catch {
      return false;
    }
    if (request.status !== 200 || !(request.response instanceof ArrayBuffer)) return false;
    const body = new Uint8Array(request.response);
    const view = new DataView(request.response);
    for (let at = 0; at + 4 <= body.length; ) {
      const length = view.getUint32(at, true);
      queue.push(body.slice(at + 4, at + 4 + length));
      at += 4 + length;
    }
    return true;
  };
  return {
    pending() {
      if (queue.length === 0 && performance.now() - askedAt >= RELAY_POLL_MS) fetchFrames(0);
      return queue.length > 0;
    },
    next(timeoutMs) {
      const deadline = timeoutMs < 0 ? Infinity : performance.now() + timeoutMs;
      while (queue.length === 0) {
        const left = deadline - performance.now();
        if (left <= 0 && timeoutMs !== 0) return undefined;
        // A relay that does not answer counts as a wait that timed out.
        if (!fetchFrames(timeoutMs === 0 ? 0 : Math.min(left, RELAY_WAIT_MS)) || timeoutMs === 0) break;
      }
      return queue.shift();
    },
  };
}

// ---- frames ---------------------------------------------------------------------------

const encoder = new TextEncoder();

function frame(kind: string, ...parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((n, p) => n + p.length, 1);
  const out = new Uint8Array(length);
  out[0] = kind.charCodeAt(0);
  let at = 1;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function u16Text(text: string): Uint8Array {
  const bytes = encoder.encode(text);
  const out = new Uint8Array(2 + bytes.length);
  new DataView(out.buffer).setUint16(0, bytes.length, true);
  out.set(bytes, 2);
  return out;
}

function words(...values: number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint32(4 * i, v >>> 0, true));
  return out;
}

export const frames = {
  input: (data: string | Uint8Array) => frame('i', typeof data === 'string' ? encoder.encode(data) : data),
  stop: () => frame('x'),
  run: (filename: string, code: string) => frame('r', u16Text(filename), encoder.encode(code)),
  hardReset: () => frame('H'),
  press: (pin: number, level: boolean) => frame('h', encoder.encode('p'), words(pin, level ? 1 : 0)),
  adc: (pin: number, value: number) => frame('h', encoder.encode('a'), words(pin, value)),
  file: (id: number, op: 'l' | 'r' | 'w' | 'm' | 'n' | 'd' | 'u', path: string, other = '', data: Uint8Array = new Uint8Array()) =>
    frame('f', words(id), encoder.encode(op), u16Text(path), u16Text(other), data),
};
