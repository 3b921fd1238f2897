// A store is a place files live, the project folder or one board, behind one interface, so
// that the trees, Save, upload, download and copying between the two need no special cases.
// Board writes are atomic and verified by the server; their progress comes from its events.

import { api, ApiError, type Board, type Entry, type Mount, type ServerEvent, type Upload } from './api';
import { joinPath, parentOf } from './tree';
import { zip } from './zip';

export interface Store {
  readonly kind: 'project' | 'board';
  /** The board, for a board's store. */
  readonly board: Board | null;
  /** `''` for the project, `/` for a board. */
  readonly root: string;
  /** How the place reads in messages: "the project", "Virtual board". */
  readonly title: string;
  list(path: string): Promise<Entry[]>;
  read(path: string): Promise<Uint8Array>;
  /** Writes `data`, calling `progress(done, total)` as bytes reach their destination. */
  write(path: string, data: Uint8Array, progress?: (done: number, total: number) => void): Upload<unknown>;
  remove(path: string, recursive: boolean): Promise<void>;
  mkdir(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** A URL the file can be fetched from (for dragging it out to the desktop); `''` if none. */
  url(path: string): string;
  /** A board's filesystems: their sizes and what is used. */
  df?(): Promise<Mount[]>;
}

/** Boards whose files are not behind the server (the simulator), by board id. */
const local = new Map<string, Store>();

/** The store of a board whose files the page holds itself (the simulator), if `board` is one. */
export function localStore(board: Board): Store | null {
  return local.get(board.id) ?? null;
}

/** Makes `store` the store of its board. */
export function registerStore(store: Store) {
  if (store.board) local.set(store.board.id, store);
}

type TransferEvent = Extract<ServerEvent, { type: 'transfer' }>;
const watchers = new Set<(event: TransferEvent) => void>();

/** Passes the server's transfer events to the board writes waiting for them. */
export function transferEvent(event: ServerEvent) {
  if (event.type === 'transfer') for (const watch of watchers) watch(event);
}

/** Calls `watch` with every transfer event until the returned function is called. */
export function onTransfer(watch: (event: TransferEvent) => void): () => void {
  watchers.add(watch);
  return () => watchers.delete(watch);
}

export const projectStore: Store = {
  kind: 'project',
  board: null,
  root: '',
  title: 'the project',
  ...api.workspace,
};

export function boardStore(board: Board): Store {
  const mine = local.get(board.id);
  if (mine) return mine;
  const files = api.boardFiles(board.id);
  return {
    kind: 'board',
    board,
    root: '/',
    title: board.name,
    ...files,
    df: () => api.df(board.id),
    write(path, data, progress) {
      // The bytes reach the server at once; the board's own progress comes as events.
      const stop = onTransfer((event) => {
        if (event.board === board.id && event.path === path) progress?.(event.done, event.total);
      });
      const upload = files.write(path, data);
      const done = upload.done.finally(stop);
      return {
        done,
        cancel() {
          upload.cancel();
          void api.cancel(board.id).catch(() => {});
        },
      };
    },
  };
}

/** Every file under `dir` (recursively), with its path relative to `dir`. */
export async function walk(store: Store, dir: string): Promise<{ entry: Entry; rel: string }[]> {
  const found: { entry: Entry; rel: string }[] = [];
  const visit = async (path: string, rel: string) => {
    for (const entry of await store.list(path)) {
      const sub = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.dir) await visit(entry.path, sub);
      else found.push({ entry, rel: sub });
    }
  };
  await visit(dir, '');
  return found;
}

/** Makes `dir` and the folders above it, where missing. */
export async function makeDirs(store: Store, dir: string, made: Set<string>) {
  if (dir === store.root || dir === '' || made.has(dir)) return;
  await makeDirs(store, parentOf(dir, store.root), made);
  try {
    await store.mkdir(dir);
  } catch (err) {
    if (!(err instanceof ApiError && (err.status === 409 || err.code === 'file_exists' || /EEXIST/.test(err.message)))) throw err;
  }
  made.add(dir);
}

/** A file to put somewhere: its path relative to the folder it goes into, and its bytes. */
export interface Outgoing {
  rel: string;
  size: number;
  bytes(): Promise<Uint8Array>;
}

/** The files dropped from the desktop, folders included (read through the entries API where the browser has it). */
export async function droppedFiles(data: DataTransfer): Promise<Outgoing[]> {
  const entries = [...data.items]
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry?.() : null))
    .filter((entry): entry is FileSystemEntry => !!entry);
  const plain = [...data.files];
  if (entries.length === 0) return plain.map(fromFile(''));
  const out: Outgoing[] = [];
  const visit = async (entry: FileSystemEntry, rel: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      out.push(fromFile(rel)(file));
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await visit(child, joinPath(rel, child.name));
      }
    }
  };
  for (const entry of entries) await visit(entry, entry.name);
  return out;
}

/** Files picked in a file dialog (a folder picker gives relative paths). */
export function pickedFiles(files: FileList): Outgoing[] {
  return [...files].map((file) => fromFile(file.webkitRelativePath || file.name)(file));
}

const fromFile =
  (rel: string) =>
  (file: File): Outgoing => ({
    rel: rel || file.name,
    size: file.size,
    bytes: async () => new Uint8Array(await file.arrayBuffer()),
  });

/** The files of `entry` (a file, or a folder's every file) in `store`, named relative to `entry`'s folder. */
export async function filesOf(store: Store, entry: Entry): Promise<Outgoing[]> {
  if (!entry.dir) return [{ rel: entry.name, size: entry.size, bytes: () => store.read(entry.path) }];
  return (await walk(store, entry.path)).map(({ entry: file, rel }) => ({
    rel: `${entry.name}/${rel}`,
    size: file.size,
    bytes: () => store.read(file.path),
  }));
}

/** Saves `blob` to the desktop as `name`. */
export function saveToDesktop(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Downloads `entry` to the desktop: a file as itself, a folder as a .zip. */
export async function download(store: Store, entry: Entry) {
  if (!entry.dir) {
    saveToDesktop(new Blob([(await store.read(entry.path)) as BlobPart]), entry.name);
    return;
  }
  const files = await walk(store, entry.path);
  const contents = [];
  for (const { entry: file, rel } of files) contents.push({ path: `${entry.name}/${rel}`, data: await store.read(file.path) });
  saveToDesktop(zip(contents), `${entry.name}.zip`);
}
