// The typed client of the server's HTTP API: every request the page makes goes through here.
// `ROUTES` lists each operation the page uses as it is named in `/api/openapi.json`, and the
// browser tests check that list against the server's document, so a route renamed on one side
// fails a test instead of a user's click.

/** Every operation this client calls: `METHOD /path/{param}` exactly as in the OpenAPI paths. */
export const ROUTES = [
  'GET /api/boards',
  'GET /api/boards/{id}/info',
  'GET /api/boards/{id}/df',
  'GET /api/boards/{id}/fs',
  'DELETE /api/boards/{id}/fs',
  'GET /api/boards/{id}/fs/file',
  'PUT /api/boards/{id}/fs/file',
  'POST /api/boards/{id}/fs/mkdir',
  'POST /api/boards/{id}/fs/rename',
  'POST /api/boards/{id}/sync',
  'POST /api/boards/{id}/reset',
  'POST /api/boards/{id}/interrupt',
  'POST /api/boards/{id}/cancel',
  'GET /api/boards/{id}/terminal',
  'GET /api/boards/{id}/run',
  'GET /api/events',
  'GET /api/workspace',
  'DELETE /api/workspace',
  'GET /api/workspace/file',
  'PUT /api/workspace/file',
  'POST /api/workspace/mkdir',
  'POST /api/workspace/rename',
  // simlink.ts: the simulator's relay, for a page without shared memory.
  'POST /api/simulator/{id}/frames',
  'GET /api/simulator/{id}/frames',
] as const;

export interface Usb {
  vid: number;
  pid: number;
  manufacturer: string | null;
  product: string | null;
  serial_number: string | null;
}

export interface Board {
  id: string;
  name: string;
  /** `simulator`: the board simulated in this page (simulator.ts), not one of the server's. */
  kind: 'serial' | 'webrepl' | 'virtual' | 'socket' | 'simulator';
  port: string;
  usb: Usb | null;
  connected: boolean;
}

/** A file or folder, on a board (absolute path) or in the workspace (relative path). */
export interface Entry {
  name: string;
  path: string;
  dir: boolean;
  size: number;
}

export interface Mount {
  mount: string;
  size: number;
  used: number;
  free: number;
}

export interface BoardInfo {
  implementation: string;
  version: string;
  platform: string;
  machine: string;
  release: string;
  mem_free: number;
  mem_alloc: number;
  fs_size: number;
  fs_free: number;
}

/** A file in a sync preview, by its board path. */
export interface SyncItem {
  path: string;
  size: number;
}

export interface SyncPreview {
  new: SyncItem[];
  changed: SyncItem[];
  unchanged: SyncItem[];
  only_on_board: SyncItem[];
}

export interface SyncResult {
  sent: string[];
  unchanged: string[];
}

/** An uncaught exception on a board, or a failure to reach it. */
export interface BoardError {
  type: string;
  message: string;
  traceback: string;
  file: string | null;
  line: number | null;
}

/** What `/api/events` announces. */
export type ServerEvent =
  | { type: 'boards_changed' }
  | {
      type: 'transfer';
      board: string;
      path: string;
      done: number;
      total: number;
      state: 'running' | 'done' | 'cancelled' | 'failed';
    };

/** A failed request, with the server's own code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const board = (id: string) => `/api/boards/${encodeURIComponent(id)}`;
const q = (params: Record<string, string | boolean | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== false) search.set(key, String(value));
  return `?${search}`;
};

async function request(method: string, url: string, body?: BodyInit, json = false): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      body,
      headers: json ? { 'Content-Type': 'application/json', Accept: 'application/json' } : { Accept: 'application/json' },
    });
  } catch (err) {
    throw new ApiError(0, 'unreachable', `the server does not answer (${String(err)})`);
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

/** The server's `{"error": {"code", "message"}}`, or the status line when the body isn't that. */
async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const { error } = JSON.parse(text) as { error: { code: string; message: string } };
    return new ApiError(response.status, error.code, error.message);
  } catch {
    return new ApiError(response.status, 'http_error', text.trim() || `${response.status} ${response.statusText}`);
  }
}

const getJson = async <T>(url: string) => (await request('GET', url)).json() as Promise<T>;
const postJson = (url: string, body: unknown) => request('POST', url, JSON.stringify(body), true);
const getBytes = async (url: string) => new Uint8Array(await (await request('GET', url)).arrayBuffer());

/** A transfer the user can watch and cancel. */
export interface Upload<T> {
  readonly done: Promise<T>;
  cancel(): void;
}

/** PUTs `data`, reporting bytes sent to the server as they go (XHR: fetch has no upload progress). */
function put<T>(url: string, data: Uint8Array | Blob, progress?: (sent: number, total: number) => void): Upload<T> {
  const xhr = new XMLHttpRequest();
  const done = new Promise<T>((resolve, reject) => {
    xhr.open('PUT', url);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.responseType = 'text';
    xhr.upload.onprogress = (event) => progress?.(event.loaded, event.total);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(JSON.parse(xhr.responseText || 'null') as T);
        return;
      }
      try {
        const { error } = JSON.parse(xhr.responseText) as { error: { code: string; message: string } };
        reject(new ApiError(xhr.status, error.code, error.message));
      } catch {
        reject(new ApiError(xhr.status, 'http_error', xhr.responseText || `HTTP ${xhr.status}`));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'unreachable', 'the server does not answer'));
    xhr.onabort = () => reject(new ApiError(0, 'cancelled', 'cancelled'));
    xhr.send(data instanceof Blob ? data : new Blob([data as BlobPart]));
  });
  return { done, cancel: () => xhr.abort() };
}

export const api = {
  boards: () => getJson<Board[]>('/api/boards'),
  info: (id: string) => getJson<BoardInfo>(`${board(id)}/info`),
  df: (id: string) => getJson<Mount[]>(`${board(id)}/df`),
  reset: (id: string, kind: 'soft' | 'hard') => postJson(`${board(id)}/reset`, { kind }).then(() => undefined),
  interrupt: (id: string) => request('POST', `${board(id)}/interrupt`).then(() => undefined),
  cancel: (id: string) => request('POST', `${board(id)}/cancel`).then(() => undefined),
  preview: (id: string, from: string, to: string) =>
    postJson(`${board(id)}/sync`, { from, to, dry_run: true }).then((r) => r.json() as Promise<SyncPreview>),
  sync: (id: string, from: string, to: string) =>
    postJson(`${board(id)}/sync`, { from, to }).then((r) => r.json() as Promise<SyncResult>),

  /** The files of one board. */
  boardFiles: (id: string) => ({
    list: (path: string) => getJson<Entry[]>(`${board(id)}/fs${q({ path })}`),
    read: (path: string) => getBytes(`${board(id)}/fs/file${q({ path })}`),
    url: (path: string) => `${board(id)}/fs/file${q({ path })}`,
    write: (path: string, data: Uint8Array | Blob, progress?: (sent: number, total: number) => void) =>
      put<{ size: number }>(`${board(id)}/fs/file${q({ path })}`, data, progress),
    remove: (path: string, recursive: boolean) =>
      request('DELETE', `${board(id)}/fs${q({ path, recursive })}`).then(() => undefined),
    mkdir: (path: string) => postJson(`${board(id)}/fs/mkdir`, { path }).then(() => undefined),
    rename: (from: string, to: string) => postJson(`${board(id)}/fs/rename`, { from, to }).then(() => undefined),
  }),

  /** The project folder on disk. */
  workspace: {
    list: (path: string) => getJson<Entry[]>(`/api/workspace${q({ path })}`),
    read: (path: string) => getBytes(`/api/workspace/file${q({ path })}`),
    url: (path: string) => `/api/workspace/file${q({ path })}`,
    write: (path: string, data: Uint8Array | Blob, progress?: (sent: number, total: number) => void) =>
      put<{ size: number }>(`/api/workspace/file${q({ path })}`, data, progress),
    remove: (path: string, recursive: boolean) => request('DELETE', `/api/workspace${q({ path, recursive })}`).then(() => undefined),
    mkdir: (path: string) => postJson('/api/workspace/mkdir', { path }).then(() => undefined),
    rename: (from: string, to: string) => postJson('/api/workspace/rename', { from, to }).then(() => undefined),
  },
};

/** `ws://` or `wss://` for a path of this server. */
export function socketUrl(path: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}`;
}

export const sockets = {
  events: () => socketUrl('/api/events'),
  terminal: (id: string) => socketUrl(`${board(id)}/terminal`),
  run: (id: string) => socketUrl(`${board(id)}/run`),
};

/** Calls `listener` with every event from the server, reconnecting when the socket drops. */
export function followEvents(listener: (event: ServerEvent) => void, reconnected: () => void) {
  let delay = 500;
  let first = true;
  const open = () => {
    const socket = new WebSocket(sockets.events());
    socket.onopen = () => {
      delay = 500;
      if (!first) reconnected();
      first = false;
    };
    socket.onmessage = (event) => {
      try {
        listener(JSON.parse(String(event.data)) as ServerEvent);
      } catch {
        // not an event this page knows
      }
    };
    socket.onclose = () => {
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 10_000);
    };
  };
  open();
}

/** The message of any failure, for the status bar and dialogs. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
